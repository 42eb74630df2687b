/**
 * SharePoint sites (tenant-wide, seed/sites.ts): `GET /sites?search=`, `/sites/{id}` (also
 * `/sites/{hostname}:/sites/{path}:`), a site's document libraries (`/sites/{id}/drives`), its lists,
 * a list's columns and items (`?$expand=fields`), and new list items (`POST …/items {fields}`).
 * A list is addressed by id or by its title, as in Graph. A document library's items are its files.
 *
 * Scopes: search, sites and lists need Sites.Read.All (creating an item Sites.ReadWrite.All); a
 * site's drives Files.Read.All or a Sites scope (drive-tree.ts). Field values are checked against
 * the column types: an unknown field or a value of the wrong type is 400 `invalidRequest`, as
 * SharePoint answers.
 */
import { badRequest, type GraphHttpError, invalidJsonPayload, notFound } from '../errors.ts';
import { jsonResponse, readJsonBody, type GraphResponse } from '../http.ts';
import type { DriveNode, ListColumn, SiteList, SiteListItem, SiteState } from '../model.ts';
import { applySelect, parseSelect, parseTop } from '../odata/options.ts';
import { collection, tokenPage } from '../odata/paging.ts';
import { decodePathParam, type Route, type RouteContext } from '../router.ts';
import { SCOPES } from '../scopes.ts';
import { listItem } from '../seed/sites.ts';
import { findSite, siteNotFound } from './drive-tree.ts';
import { isoZ } from '../seed/prng.ts';

function renderSite(s: SiteState): Record<string, unknown> {
  return { ...s.site };
}

function selectAs(ctx: RouteContext, type: string, entity: Record<string, unknown>): Record<string, unknown> {
  return applySelect(
    entity,
    parseSelect(ctx.req.query, { typeName: `microsoft.graph.${type}`, code: 'invalidRequest' }),
  );
}

function page(ctx: RouteContext, items: Record<string, unknown>[], context: string): GraphResponse {
  const p = tokenPage(items, {
    req: ctx.req,
    base: ctx.base,
    top: parseTop(ctx.req.query, { def: 200, max: 999 }, 'invalidRequest'),
  });
  return jsonResponse(200, collection(`${ctx.base}/$metadata#${context}`, p));
}

function searchSites(ctx: RouteContext): GraphResponse {
  const raw = ctx.req.query.get('search');
  if (raw === undefined) throw badRequest('invalidRequest', 'Listing all sites needs the search parameter.');
  const q = raw.replace(/^"|"$/g, '').trim().toLowerCase();
  const hits = ctx.store
    .sites()
    .filter(
      (s) =>
        q === '*' ||
        q === '' ||
        [s.site.displayName, s.site.name, s.site.description].some((t) => t.toLowerCase().includes(q)),
    );
  return page(
    ctx,
    hits.map((s) => selectAs(ctx, 'site', renderSite(s))),
    'sites',
  );
}

/** `/sites/{hostname}:/sites/{name}:` → the site with that URL. */
function siteByPath(ctx: RouteContext, host: string, path: string): SiteState {
  const url = `https://${decodePathParam(host)}${decodePathParam(path).replace(/\/+$/, '')}`.toLowerCase();
  const site = ctx.store.sites().find((s) => s.site.webUrl.toLowerCase() === url);
  if (!site) throw siteNotFound();
  return site;
}

function renderDrive(s: SiteState, i: number): Record<string, unknown> {
  const d = s.drives[i];
  if (!d) throw siteNotFound();
  return {
    id: d.id,
    name: d.name,
    description: d.description,
    driveType: d.driveType,
    createdDateTime: d.createdDateTime,
    lastModifiedDateTime: d.createdDateTime,
    webUrl: d.webUrl,
    owner: { group: { displayName: s.site.displayName } },
  };
}

function listOf(site: SiteState, key: string): SiteList {
  const k = decodePathParam(key).toLowerCase();
  const list = site.lists.find((l) => l.id.toLowerCase() === k || l.displayName.toLowerCase() === k);
  if (!list) throw notFound('itemNotFound', 'The specified list was not found');
  return list;
}

function renderList(l: SiteList): Record<string, unknown> {
  return {
    id: l.id,
    name: l.name,
    displayName: l.displayName,
    description: l.description,
    webUrl: l.webUrl,
    createdDateTime: l.createdDateTime,
    lastModifiedDateTime: l.lastModifiedDateTime,
    list: { template: l.template, hidden: l.hidden, contentTypesEnabled: false },
  };
}

function renderColumn(c: ListColumn): Record<string, unknown> {
  const facet =
    c.type === 'choice'
      ? { choice: { allowTextEntry: false, choices: c.choices ?? [], displayAs: 'dropDownMenu' } }
      : c.type === 'text'
        ? { text: { allowMultipleLines: false, maxLength: 255 } }
        : c.type === 'number'
          ? { number: { decimalPlaces: 'automatic', displayAs: 'number' } }
          : c.type === 'dateTime'
            ? { dateTime: { displayAs: 'default', format: 'dateTime' } }
            : { boolean: {} };
  return {
    id: c.id,
    name: c.name,
    displayName: c.displayName,
    columnGroup: 'Custom Columns',
    description: '',
    enforceUniqueValues: false,
    hidden: c.hidden,
    indexed: false,
    readOnly: c.readOnly,
    required: c.required,
    ...facet,
  };
}

/** A document library's files as list items (fields: FileLeafRef and the system fields). */
function libraryItems(site: SiteState, list: SiteList): SiteListItem[] {
  const drive = site.drives.find((d) => d.id === list.driveId);
  if (!drive) return [];
  return [...drive.nodes.values()]
    .filter((n): n is DriveNode => n.parentId !== null)
    .map((n, i) => ({
      id: String(i + 1),
      createdDateTime: n.item.createdDateTime,
      lastModifiedDateTime: n.item.lastModifiedDateTime,
      eTag: n.item.eTag,
      webUrl: n.item.webUrl,
      createdBy: n.item.createdBy,
      lastModifiedBy: n.item.lastModifiedBy,
      fields: {
        '@odata.etag': n.item.eTag,
        FileLeafRef: n.item.name,
        Title: n.item.name,
        ContentType: n.item.folder ? 'Folder' : 'Document',
      },
    }));
}

function renderItem(ctx: RouteContext, item: SiteListItem): Record<string, unknown> {
  const expand = (ctx.req.query.get('$expand') ?? ctx.req.query.get('expand') ?? '').trim();
  const { fields, ...rest } = item;
  const out: Record<string, unknown> = { '@odata.etag': item.eTag, ...rest };
  const m = /^fields(?:\(\$select=([^)]*)\))?$/i.exec(expand);
  if (m) {
    const wanted = m[1]?.split(',').map((s) => s.trim().toLowerCase());
    out.fields = wanted
      ? Object.fromEntries(
          Object.entries(fields).filter(([k]) => k === '@odata.etag' || wanted.includes(k.toLowerCase())),
        )
      : fields;
  } else if (expand !== '')
    throw badRequest('invalidRequest', `Parsing OData Select and Expand failed: '${expand}' is not supported.`);
  return out;
}

function fieldError(message: string): GraphHttpError {
  return badRequest('invalidRequest', message);
}

/** The fields of a new item, checked against the list's columns. */
function checkFields(list: SiteList, raw: unknown): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalidJsonPayload();
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const col = list.columns.find((c) => c.name.toLowerCase() === key.toLowerCase());
    if (!col) throw fieldError(`Field '${key}' is not recognized`);
    if (col.readOnly) throw fieldError(`Field '${key}' is read-only`);
    const ok =
      value === null ||
      (col.type === 'text' && typeof value === 'string') ||
      (col.type === 'choice' && typeof value === 'string') ||
      (col.type === 'number' && typeof value === 'number' && Number.isFinite(value)) ||
      (col.type === 'boolean' && typeof value === 'boolean') ||
      (col.type === 'dateTime' && typeof value === 'string' && !Number.isNaN(Date.parse(value)));
    if (!ok) throw fieldError(`The value of field '${key}' is not valid for its type (${col.type}).`);
    out[col.name] = col.type === 'dateTime' && typeof value === 'string' ? isoZ(Date.parse(value)) : value;
  }
  return out;
}

function createItem(ctx: RouteContext, site: SiteState, list: SiteList): GraphResponse {
  if (list.template === 'documentLibrary')
    throw badRequest('invalidRequest', 'Files are added to a document library through its drive, not as list items.');
  const json = readJsonBody(ctx.req.body, invalidJsonPayload);
  const fields = checkFields(list, json.fields ?? {});
  const item = listItem(
    ctx.store.rng(),
    list,
    { displayName: ctx.me.displayName, email: ctx.me.mail },
    { ms: ctx.nowMs, fields },
  );
  list.items.push(item);
  list.lastModifiedDateTime = isoZ(ctx.nowMs);
  const context = `${ctx.base}/$metadata#sites('${site.site.id}')/lists('${list.id}')/items/$entity`;
  return jsonResponse(201, { '@odata.context': context, ...item, fields: item.fields });
}

// ---------------------------------------------------------------------------------------------

const R = SCOPES.sitesRead;
const SITE = '/sites/([^/:]+)';
const site = (ctx: RouteContext): SiteState => findSite(ctx, ctx.params[0] ?? '');

export const siteRoutes: Route[] = [
  { method: 'GET', pattern: /^\/sites\/?$/, scope: R, handler: searchSites },
  {
    method: 'GET',
    pattern: /^\/sites\/([^/:]+):(\/[^:]+?):?\/?$/,
    scope: R,
    handler: (ctx) =>
      jsonResponse(200, selectAs(ctx, 'site', renderSite(siteByPath(ctx, ctx.params[0] ?? '', ctx.params[1] ?? '')))),
  },
  {
    method: 'GET',
    pattern: new RegExp(`^${SITE}/?$`),
    scope: R,
    handler: (ctx) =>
      jsonResponse(200, {
        '@odata.context': `${ctx.base}/$metadata#sites/$entity`,
        ...selectAs(ctx, 'site', renderSite(site(ctx))),
      }),
  },
  {
    method: 'GET',
    pattern: new RegExp(`^${SITE}/drives/?$`),
    scope: SCOPES.siteFilesRead,
    handler: (ctx) => {
      const s = site(ctx);
      return page(
        ctx,
        s.drives.map((_, i) => selectAs(ctx, 'drive', renderDrive(s, i))),
        'drives',
      );
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^${SITE}/lists/?$`),
    scope: R,
    handler: (ctx) =>
      page(
        ctx,
        site(ctx).lists.map((l) => selectAs(ctx, 'list', renderList(l))),
        `sites('${ctx.params[0] ?? ''}')/lists`,
      ),
  },
  {
    method: 'GET',
    pattern: new RegExp(`^${SITE}/lists/([^/]+)/?$`),
    scope: R,
    handler: (ctx) => jsonResponse(200, selectAs(ctx, 'list', renderList(listOf(site(ctx), ctx.params[1] ?? '')))),
  },
  {
    method: 'GET',
    pattern: new RegExp(`^${SITE}/lists/([^/]+)/columns/?$`),
    scope: R,
    handler: (ctx) => {
      const list = listOf(site(ctx), ctx.params[1] ?? '');
      return page(
        ctx,
        list.columns.map((c) => selectAs(ctx, 'columnDefinition', renderColumn(c))),
        'columns',
      );
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^${SITE}/lists/([^/]+)/items/?$`),
    scope: R,
    handler: (ctx) => {
      const s = site(ctx);
      const list = listOf(s, ctx.params[1] ?? '');
      const items = list.template === 'documentLibrary' ? libraryItems(s, list) : list.items;
      return page(
        ctx,
        items.map((i) => renderItem(ctx, i)),
        'listItems',
      );
    },
  },
  {
    method: 'POST',
    pattern: new RegExp(`^${SITE}/lists/([^/]+)/items/?$`),
    scope: SCOPES.sitesWrite,
    handler: (ctx) => {
      const s = site(ctx);
      return createItem(ctx, s, listOf(s, ctx.params[1] ?? ''));
    },
  },
];
