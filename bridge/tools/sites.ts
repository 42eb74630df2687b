/**
 * SharePoint tools (group `sites`, Sites.Read.All; Sites.ReadWrite.All to create list items):
 *   - search_sites: `GET /sites?search=` and, per site, its document libraries
 *     (`/sites/{id}/drives`) — the ids the file tools take as `drive`;
 *   - list_site_lists: a site's lists (`/sites/{id}/lists`), or one list's writable columns
 *     (`/columns`) and items (`/items?$expand=fields`) showing those columns;
 *   - create_list_item: `POST /sites/{id}/lists/{id}/items {fields}`, after an approval naming the
 *     site, the list and every field.
 */
import type { ColumnDefinition, Drive, List, ListItem, Site } from '@microsoft/microsoft-graph-types';
import { z } from 'zod';
import { GROUP_SCOPES } from '../../app/shared/tool-groups.ts';
import { ToolError, type ToolContext, type ToolDefinition } from './tool.ts';
import { CREATE_ANNOTATIONS, READ_ANNOTATIONS, defineTool } from './shared/define.ts';
import { resolveId, shortIds } from './shared/ids.ts';
import { cursorInput, listText, pageIds } from './shared/list.ts';
import { pathSegment } from './shared/paths.ts';
import { clip, plainLine } from './shared/text.ts';

const READ = GROUP_SCOPES.sites.read;
const WRITE = GROUP_SCOPES.sites.write;

const siteInput = z.string().min(1).max(500).describe('Site id from search_sites');
const listInput = z.string().min(1).max(255).describe('List id from list_site_lists, or its title');

async function siteSegment(ctx: ToolContext, site: string): Promise<string> {
  return pathSegment(await resolveId(ctx, 'site', site));
}

async function listSegment(ctx: ToolContext, list: string): Promise<string> {
  return pathSegment(await resolveId(ctx, 'siteList', list));
}

// ------------------------------------------------------------------------------------------------

async function librariesOf(ctx: ToolContext, siteId: string): Promise<string> {
  try {
    const drives = await ctx.graph.request<{ value?: Drive[] }>({
      method: 'GET',
      path: `/sites/${pathSegment(siteId)}/drives`,
      pathTemplate: '/sites/{id}/drives',
      query: { $select: 'id,name', $top: 20 },
      scopes: READ,
    });
    const list = (drives.value ?? []).filter((d): d is Drive & { id: string } => typeof d.id === 'string');
    const ids = await shortIds(
      ctx,
      'drive',
      list.map((d) => d.id),
    );
    return list.map((d, i) => `[${ids[i] ?? d.id}] ${plainLine(d.name, 100)}`).join('; ') || '(none)';
  } catch (e) {
    if (e instanceof ToolError) return `(not readable: ${e.code})`;
    throw e;
  }
}

const searchSites = defineTool({
  name: 'search_sites',
  group: 'sites',
  title: 'Find SharePoint sites',
  description:
    'Finds SharePoint sites by name ("*" for all you can see). Returns each [site id] with its document libraries ' +
    '[library id], which list_files, read_file and the other file tools take as drive.',
  scopes: READ,
  write: false,
  inputSchema: () => ({
    query: z.string().min(1).max(200),
    top: z.number().int().min(1).max(25).default(10),
    cursor: cursorInput,
  }),
  annotations: READ_ANNOTATIONS,
  async run(input, ctx) {
    const page = await ctx.graph.page<Site>(
      {
        method: 'GET',
        path: '/sites',
        pathTemplate: '/sites',
        query: { search: input.query, $select: 'id,displayName,name,webUrl', $top: input.top },
        scopes: READ,
      },
      input.cursor,
    );
    const sites = page.items.filter((s): s is Site & { id: string } => typeof s.id === 'string');
    const ids = await pageIds(ctx, 'site', sites);
    const lines: string[] = [];
    for (const [i, s] of sites.entries()) {
      const name = plainLine(s.displayName ?? s.name, 200) || '(unnamed)';
      lines.push(
        `- [${ids[i] ?? s.id}] ${name} — ${plainLine(s.webUrl, 500)}\n  libraries: ${await librariesOf(ctx, s.id)}`,
      );
    }
    const head = `${lines.length} site(s) for "${plainLine(input.query, 200)}":`;
    return { text: listText(head, lines, page.nextCursor, ctx.limits.maxResultChars) };
  },
});

// ------------------------------------------------------------------------------------------------

const FACETS = ['text', 'number', 'choice', 'boolean', 'dateTime', 'personOrGroup', 'lookup', 'currency'] as const;

function columnType(c: ColumnDefinition): string {
  if (c.choice) return `choice: ${(c.choice.choices ?? []).map((x) => plainLine(x, 60)).join('|')}`;
  return FACETS.find((f) => c[f] !== undefined && c[f] !== null) ?? 'other';
}

function rawText(v: unknown): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
}

function fieldText(v: unknown): string {
  return plainLine(rawText(v), 300);
}

/** A field's value as its approval entry shows it; a cut one says how long it really is. */
function approvalValue(v: unknown): string {
  const text = rawText(v);
  const line = plainLine(text, FIELD_SHOWN_CHARS);
  return text.length > FIELD_SHOWN_CHARS ? `${line} (${text.length.toLocaleString('en-US')} characters)` : line;
}

async function listItems(
  ctx: ToolContext,
  at: { site: string; list: string },
  input: { top: number; cursor?: string | undefined },
) {
  const base = `/sites/${at.site}/lists/${at.list}`;
  const cols = await ctx.graph.request<{ value?: ColumnDefinition[] }>({
    method: 'GET',
    path: `${base}/columns`,
    pathTemplate: '/sites/{id}/lists/{id}/columns',
    query: { $select: `name,readOnly,hidden,${FACETS.join(',')}` },
    scopes: READ,
  });
  const writable = (cols.value ?? []).filter((c) => !c.readOnly && !c.hidden && typeof c.name === 'string');
  const page = await ctx.graph.page<ListItem & { id: string }>(
    {
      method: 'GET',
      path: `${base}/items`,
      pathTemplate: '/sites/{id}/lists/{id}/items',
      query: { $expand: 'fields', $top: input.top },
      scopes: READ,
    },
    input.cursor,
  );
  const names = writable.map((c) => c.name ?? '');
  const lines = page.items.map((item) => {
    const f = (item.fields ?? {}) as Record<string, unknown>;
    const shown = names
      .filter((n) => n !== 'Title' && f[n] !== undefined && f[n] !== null && f[n] !== '')
      .map((n) => `${n}: ${fieldText(f[n])}`);
    return `- [${plainLine(item.id, 40)}] ${fieldText(f.Title ?? f.FileLeafRef) || '(no title)'}${shown.length ? ` — ${shown.join('; ')}` : ''}`;
  });
  const fields = writable.map((c) => `${plainLine(c.name, 100)} (${columnType(c)})`).join(', ');
  const head = `Fields: ${fields || '(none writable)'}\n${lines.length} item(s):`;
  return listText(head, lines, page.nextCursor, ctx.limits.maxResultChars);
}

const listSiteLists = defineTool({
  name: 'list_site_lists',
  group: 'sites',
  title: 'SharePoint lists and items',
  description:
    "Lists a SharePoint site's lists, or with list the list's fields and items (fields shown by internal name, as " +
    'create_list_item takes them).',
  scopes: READ,
  write: false,
  inputSchema: () => ({
    site: siteInput,
    list: listInput.optional(),
    top: z.number().int().min(1).max(200).default(50),
    cursor: cursorInput,
  }),
  annotations: READ_ANNOTATIONS,
  async run(input, ctx) {
    const site = await siteSegment(ctx, input.site);
    if (input.list !== undefined) {
      return { text: await listItems(ctx, { site, list: await listSegment(ctx, input.list) }, input) };
    }
    const page = await ctx.graph.page<List & { id: string }>(
      {
        method: 'GET',
        path: `/sites/${site}/lists`,
        pathTemplate: '/sites/{id}/lists',
        query: { $select: 'id,displayName,list,lastModifiedDateTime', $top: input.top },
        scopes: READ,
      },
      input.cursor,
    );
    const visible = page.items.filter((l) => l.list?.hidden !== true);
    const ids = await pageIds(ctx, 'siteList', visible);
    const lines = visible.map((l, i) => {
      const kind = l.list?.template === 'documentLibrary' ? 'document library' : 'list';
      const modified = l.lastModifiedDateTime ? `, modified ${l.lastModifiedDateTime.slice(0, 10)}` : '';
      return `- [${ids[i] ?? l.id}] ${plainLine(l.displayName, 200)} (${kind}${modified})`;
    });
    return { text: listText(`${lines.length} list(s):`, lines, page.nextCursor, ctx.limits.maxResultChars) };
  },
});

// ------------------------------------------------------------------------------------------------

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;
/** An approval holds 20 entries: site, list and one per field. */
const MAX_ITEM_FIELDS = 18;
/** Characters of a field's value the approval shows (the approval cuts an entry at 2,000). */
const FIELD_SHOWN_CHARS = 1500;

const createListItem: ToolDefinition = defineTool({
  name: 'create_list_item',
  group: 'sites',
  title: 'Add a SharePoint list item',
  description:
    'Adds an item to a SharePoint list after the user approves; fields maps internal field names (from list_site_lists) ' +
    'to values.',
  scopes: WRITE,
  write: true,
  inputSchema: () => ({
    site: siteInput,
    list: listInput,
    fields: z.record(z.string(), z.union([z.string().max(10_000), z.number(), z.boolean(), z.null()])),
  }),
  annotations: CREATE_ANNOTATIONS,
  async run(input, ctx) {
    const entries = Object.entries(input.fields);
    if (entries.length === 0 || entries.length > MAX_ITEM_FIELDS)
      throw new ToolError(
        'INVALID_INPUT',
        `fields needs 1–${MAX_ITEM_FIELDS} entries (each is shown in the approval), e.g. {"Title": "New item"}.`,
      );
    const bad = entries.find(([k]) => !FIELD_NAME.test(k));
    if (bad)
      throw new ToolError(
        'INVALID_INPUT',
        `"${plainLine(bad[0], 60)}" is not a field's internal name; see list_site_lists.`,
      );
    const site = await siteSegment(ctx, input.site);
    const list = await listSegment(ctx, input.list);
    const siteInfo = await ctx.graph.request<Site>({
      method: 'GET',
      path: `/sites/${site}`,
      pathTemplate: '/sites/{id}',
      query: { $select: 'displayName,webUrl' },
      scopes: WRITE,
    });
    const listInfo = await ctx.graph.request<List>({
      method: 'GET',
      path: `/sites/${site}/lists/${list}`,
      pathTemplate: '/sites/{id}/lists/{id}',
      query: { $select: 'displayName,webUrl' },
      scopes: WRITE,
    });
    const listName = plainLine(listInfo.displayName, 200);
    const siteName = plainLine(siteInfo.displayName, 200);
    const shown = entries.map(([k, v]) => `${k}: ${fieldText(v)}`);
    // Every field is its own approval entry: a long value cannot push a later field out of view (the
    // summary line is cut; the entries are not).
    await ctx.approve(clip(`Add an item to list "${listName}" of site "${siteName}": ${shown.join('; ')}`, 1000), {
      Site: `${siteName} (${plainLine(siteInfo.webUrl, 500)})`,
      List: listName,
      ...Object.fromEntries(entries.map(([k, v]) => [`Field ${k}`, approvalValue(v)])),
    });
    const item = await ctx.graph.request<ListItem>({
      method: 'POST',
      path: `/sites/${site}/lists/${list}/items`,
      pathTemplate: '/sites/{id}/lists/{id}/items',
      body: { fields: input.fields },
      scopes: WRITE,
    });
    return {
      text: `Added item [${plainLine(item.id, 40)}] to list "${listName}" of "${siteName}".${item.webUrl ? `\nLink: ${item.webUrl}` : ''}`,
    };
  },
});

export const sitesTools: ToolDefinition[] = [searchSites, listSiteLists, createListItem];
