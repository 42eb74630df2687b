/**
 * Search group: microsoft_search, one POST /search/query (a read sent as POST, so marked readOnly)
 * with one searchRequest. Graph searches `message` alone, `event` alone, and the SharePoint/OneDrive
 * types (`driveItem`, `site`, `listItem`) together; the tool refuses other mixes before calling. The
 * token asks only for what the types need: Mail.Read (message), Calendars.Read (event),
 * Files.Read.All (driveItem alone), Sites.Read.All (site or listItem, which also covers driveItem) —
 * the last two are on-demand scopes of the group.
 */
import type {
  DriveItem,
  Entity,
  Event,
  ListItem,
  Message,
  SearchResponse,
  Site,
} from '@microsoft/microsoft-graph-types';
import { z } from 'zod';
import { GROUP_SCOPES } from '../../app/shared/tool-groups.ts';
import { ToolError, type ToolContext, type ToolDefinition } from './tool.ts';
import { READ_ANNOTATIONS, defineTool, formatAddress } from './shared/define.ts';
import { shortId, type IdKind } from './shared/ids.ts';
import { listText } from './shared/list.ts';
import { plainLine } from './shared/text.ts';
import { compactUtc } from './shared/time.ts';

export const ENTITY_TYPES = ['message', 'event', 'driveItem', 'site', 'listItem'] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];
const SHAREPOINT: ReadonlySet<EntityType> = new Set(['driveItem', 'site', 'listItem']);

const [MAIL_READ = 'Mail.Read', CALENDARS_READ = 'Calendars.Read'] = GROUP_SCOPES.search.read;
const [FILES_READ_ALL = 'Files.Read.All', SITES_READ_ALL = 'Sites.Read.All'] = GROUP_SCOPES.search.onDemand?.read ?? [];

/** The entity types Graph accepts in one request, or a ToolError saying how to split them. */
export function checkCombination(types: readonly EntityType[]): EntityType[] {
  const unique = [...new Set(types)];
  const alone = unique.filter((t) => !SHAREPOINT.has(t));
  if (alone.length > 0 && unique.length > 1) {
    throw new ToolError(
      'INVALID_INPUT',
      `Microsoft Search takes ${alone.map((t) => `"${t}"`).join(' and ')} only on its own; search ${unique.join(', ')} in separate calls (driveItem, site and listItem may go together).`,
    );
  }
  return unique;
}

/** Least-privilege scopes for one request's types. */
export function scopesFor(types: readonly EntityType[]): string[] {
  if (types.includes('message')) return [MAIL_READ];
  if (types.includes('event')) return [CALENDARS_READ];
  if (types.includes('site') || types.includes('listItem')) return [SITES_READ_ALL];
  return [FILES_READ_ALL];
}

/** A hit summary without Graph's highlight markup (`<c0>…</c0>`, `<ddd/>`), on one line. */
export function cleanSummary(summary: string | null | undefined): string {
  return plainLine((summary ?? '').replace(/<\/?c0>/g, '').replace(/<ddd\/>/g, '…'), 200);
}

type Resource = Entity & { '@odata.type'?: string };

interface HitView {
  kind: IdKind | undefined;
  id: string | undefined;
  text: string;
}

function webUrl(value: string | null | undefined): string {
  return value ? ` — ${plainLine(value, 500)}` : '';
}

function viewOf(resource: Resource, hitId: string | undefined): HitView {
  const type = (resource['@odata.type'] ?? '').replace(/^#microsoft\.graph\./, '');
  if (type === 'message') {
    const m = resource as Message;
    const from = m.from?.emailAddress ? ` — from ${formatAddress(m.from.emailAddress)}` : '';
    const when = m.receivedDateTime ? `, ${compactUtc(m.receivedDateTime)}` : '';
    return { kind: 'message', id: hitId ?? m.id, text: `${plainLine(m.subject, 200) || '(no subject)'}${from}${when}` };
  }
  if (type === 'event') {
    const e = resource as Event;
    const start = e.start?.dateTime
      ? ` — ${e.start.dateTime.replace('T', ' ').slice(0, 16)} ${plainLine(e.start.timeZone, 60)}`
      : '';
    return { kind: 'event', id: hitId ?? e.id, text: `${plainLine(e.subject, 200) || '(no subject)'}${start}` };
  }
  if (type === 'driveItem') {
    const d = resource as DriveItem;
    const modified = d.lastModifiedDateTime ? `, modified ${compactUtc(d.lastModifiedDateTime)}` : '';
    return { kind: 'driveItem', id: d.id ?? hitId, text: `${plainLine(d.name, 200)}${modified}${webUrl(d.webUrl)}` };
  }
  if (type === 'site') {
    const s = resource as Site;
    return {
      kind: undefined,
      id: undefined,
      text: `site ${plainLine(s.displayName ?? s.name, 200)}${webUrl(s.webUrl)}`,
    };
  }
  const item = resource as ListItem & { name?: string };
  return {
    kind: undefined,
    id: undefined,
    text: `${type || 'item'} ${plainLine(item.name, 200)}${webUrl(item.webUrl)}`,
  };
}

async function hitLine(
  ctx: ToolContext,
  hit: NonNullable<NonNullable<SearchResponse['hitsContainers']>[number]['hits']>[number],
): Promise<string> {
  const view = viewOf(hit.resource ?? {}, hit.hitId ?? undefined);
  const id = view.kind && view.id ? `[${await shortId(ctx, view.kind, view.id)}] ` : '';
  const summary = cleanSummary(hit.summary);
  return `- ${id}${view.text}${summary ? `: ${summary}` : ''}`;
}

export const microsoftSearch = defineTool({
  name: 'microsoft_search',
  group: 'search',
  title: 'Microsoft Search',
  description:
    'Searches your mail, events, or files, SharePoint sites and list items (Microsoft Search, ranked) and returns one line per hit with its id or link.',
  scopes: [MAIL_READ, CALENDARS_READ, FILES_READ_ALL, SITES_READ_ALL],
  write: false,
  inputSchema: () => ({
    query: z.string().min(1).max(500).describe('Keywords; KQL such as "exact phrase", AND, OR, author:name.'),
    entityTypes: z
      .array(z.enum(ENTITY_TYPES))
      .min(1)
      .max(3)
      .describe('message or event each alone; driveItem, site, listItem together.'),
    from: z.number().int().min(0).max(1000).default(0).describe('Offset, for the next page.'),
    size: z.number().int().min(1).max(25).default(10),
  }),
  annotations: READ_ANNOTATIONS,
  async run(input, ctx) {
    const types = checkCombination(input.entityTypes);
    const response = await ctx.graph.request<{ value?: SearchResponse[] }>({
      method: 'POST',
      path: '/search/query',
      pathTemplate: '/search/query',
      body: {
        requests: [{ entityTypes: types, query: { queryString: input.query }, from: input.from, size: input.size }],
      },
      scopes: scopesFor(types),
      readOnly: true,
    });
    const containers = (response.value ?? []).flatMap((r) => r.hitsContainers ?? []);
    const hits = containers.flatMap((c) => c.hits ?? []);
    const lines: string[] = [];
    for (const hit of hits) lines.push(await hitLine(ctx, hit));
    const more = containers.some((c) => c.moreResultsAvailable === true);
    const next = more ? `\nMore results: call again with from: ${input.from + hits.length}.` : '';
    const head = `${hits.length} result(s) for ${types.join(', ')}:`;
    return { text: listText(head, lines, null, ctx.limits.maxResultChars - next.length) + next };
  },
});

export const searchTools: readonly ToolDefinition[] = [microsoftSearch];
