/**
 * OneNote (`/me/onenote/…`): notebooks, sections (all, or directly under a notebook; each with its
 * `parentNotebook` expanded, as OneNote does by default), one section, a section's pages (newest
 * first, `$top` default 20 / max 100 with `$skip` nextLinks), one page, a page's HTML content, and
 * creating a page from HTML (`POST /sections/{id}/pages`, `Content-Type: text/html`). Errors carry
 * OneNote's numeric codes (concepts/onenote-error-codes.md).
 */
import { badRequest, type GraphHttpError, notFound } from '../errors.ts';
import { jsonResponse, type GraphResponse } from '../http.ts';
import type { OneNoteNotebook, OneNotePage, OneNoteSection, OneNoteState } from '../model-onenote.ts';
import { applySelect, parseSelect, parseSkip, parseTop } from '../odata/options.ts';
import { collection, skipPage } from '../odata/paging.ts';
import { meContext, type Route, type RouteContext } from '../router.ts';
import { SCOPES } from '../scopes.ts';
import { isoZ } from '../seed/prng.ts';
import { oneNoteHtml, oneNoteId, seedOneNote } from '../seed/onenote.ts';

/** The user's notebooks, seeded at the first OneNote request. */
function notes(ctx: RouteContext): OneNoteState {
  const all = ctx.store.tenant().onenote;
  let state = all.get(ctx.me.id);
  if (!state) all.set(ctx.me.id, (state = seedOneNote(ctx.me, ctx.store.baseMs())));
  return state;
}

function missing(): GraphHttpError {
  return notFound('20102', 'The specified resource ID does not exist.');
}

function self(ctx: RouteContext, kind: string, id: string): string {
  return `${ctx.base}/users/${ctx.me.id}/onenote/${kind}/${id}`;
}

function links(id: string): Record<string, unknown> {
  const web = `https://contoso-my.sharepoint.com/personal/onenote.aspx?id=${encodeURIComponent(id)}`;
  return { oneNoteClientUrl: { href: `onenote:${web}` }, oneNoteWebUrl: { href: web } };
}

function notebookJson(ctx: RouteContext, n: OneNoteNotebook): Record<string, unknown> {
  return {
    id: n.id,
    self: self(ctx, 'notebooks', n.id),
    createdDateTime: n.createdDateTime,
    displayName: n.displayName,
    lastModifiedDateTime: n.lastModifiedDateTime,
    isDefault: n.isDefault,
    userRole: 'Owner',
    isShared: false,
    sectionsUrl: `${self(ctx, 'notebooks', n.id)}/sections`,
    sectionGroupsUrl: `${self(ctx, 'notebooks', n.id)}/sectionGroups`,
    createdBy: { user: { id: ctx.me.id, displayName: ctx.me.displayName } },
    lastModifiedBy: { user: { id: ctx.me.id, displayName: ctx.me.displayName } },
    links: links(n.id),
  };
}

function sectionJson(ctx: RouteContext, s: OneNoteSection): Record<string, unknown> {
  const nb = notes(ctx).notebooks.find((n) => n.id === s.notebookId);
  return {
    id: s.id,
    self: self(ctx, 'sections', s.id),
    createdDateTime: s.createdDateTime,
    displayName: s.displayName,
    lastModifiedDateTime: s.lastModifiedDateTime,
    isDefault: s.isDefault,
    pagesUrl: `${self(ctx, 'sections', s.id)}/pages`,
    createdBy: { user: { id: ctx.me.id, displayName: ctx.me.displayName } },
    lastModifiedBy: { user: { id: ctx.me.id, displayName: ctx.me.displayName } },
    links: links(s.id),
    'parentNotebook@odata.context': meContext(ctx, `onenote/sections('${s.id}')/parentNotebook/$entity`),
    parentNotebook: nb ? { id: nb.id, displayName: nb.displayName, self: self(ctx, 'notebooks', nb.id) } : null,
    'parentSectionGroup@odata.context': meContext(ctx, `onenote/sections('${s.id}')/parentSectionGroup/$entity`),
    parentSectionGroup: s.sectionGroup
      ? { ...s.sectionGroup, self: self(ctx, 'sectionGroups', s.sectionGroup.id) }
      : null,
  };
}

function pageJson(ctx: RouteContext, p: OneNotePage): Record<string, unknown> {
  const section = notes(ctx).sections.find((s) => s.id === p.sectionId);
  return {
    id: p.id,
    self: self(ctx, 'pages', p.id),
    createdDateTime: p.createdDateTime,
    title: p.title,
    createdByAppId: p.createdByAppId,
    contentUrl: `${self(ctx, 'pages', p.id)}/content`,
    lastModifiedDateTime: p.lastModifiedDateTime,
    level: p.level,
    order: p.order,
    links: links(p.id),
    'parentSection@odata.context': meContext(ctx, `onenote/pages('${p.id}')/parentSection/$entity`),
    parentSection: section
      ? { id: section.id, displayName: section.displayName, self: self(ctx, 'sections', section.id) }
      : null,
  };
}

/** `$expand` on sections: parentNotebook and parentSectionGroup only (both expanded anyway). */
function checkSectionExpand(ctx: RouteContext): void {
  const raw = ctx.req.query.get('$expand');
  if (raw === undefined) return;
  for (const part of raw.split(',')) {
    const name = part.trim().replace(/\(.*\)$/, '');
    if (name !== 'parentNotebook' && name !== 'parentSectionGroup')
      throw badRequest('20103', `The expand query is not supported for '${name}'.`);
  }
}

function selected(ctx: RouteContext, typeName: string, item: Record<string, unknown>): Record<string, unknown> {
  const select = parseSelect(ctx.req.query, { typeName, code: '20101' });
  if (!select) return item;
  // Expanded navigations stay (OneNote returns them next to the selected properties).
  const out = applySelect(item, select);
  for (const k of Object.keys(item)) if (k.startsWith('parent')) out[k] = item[k];
  return out;
}

function listNotebooks(ctx: RouteContext): GraphResponse {
  const items = [...notes(ctx).notebooks]
    .sort((a, b) => a.displayName.localeCompare(b.displayName))
    .map((n) => selected(ctx, 'microsoft.graph.notebook', notebookJson(ctx, n)));
  return jsonResponse(200, collection(meContext(ctx, 'onenote/notebooks'), { items }));
}

function sectionsPage(ctx: RouteContext, list: readonly OneNoteSection[], context: string): GraphResponse {
  checkSectionExpand(ctx);
  const sorted = [...list].sort((a, b) => a.displayName.localeCompare(b.displayName));
  const page = skipPage(sorted, {
    req: ctx.req,
    base: ctx.base,
    skip: parseSkip(ctx.req.query, '20108'),
    top: parseTop(ctx.req.query, { def: 100, max: 100 }, '20129'),
  });
  const items = page.items.map((s) => selected(ctx, 'microsoft.graph.onenoteSection', sectionJson(ctx, s)));
  return jsonResponse(200, collection(context, { ...page, items }));
}

function listSections(ctx: RouteContext): GraphResponse {
  return sectionsPage(ctx, notes(ctx).sections, meContext(ctx, 'onenote/sections'));
}

function notebookSections(ctx: RouteContext): GraphResponse {
  const nb = notes(ctx).notebooks.find((n) => n.id === ctx.params[0]);
  if (!nb) throw missing();
  const direct = notes(ctx).sections.filter((s) => s.notebookId === nb.id && s.sectionGroup === null);
  return sectionsPage(ctx, direct, meContext(ctx, `onenote/notebooks('${nb.id}')/sections`));
}

function sectionOrThrow(ctx: RouteContext): OneNoteSection {
  const s = notes(ctx).sections.find((x) => x.id === ctx.params[0]);
  if (!s) throw missing();
  return s;
}

function getSection(ctx: RouteContext): GraphResponse {
  checkSectionExpand(ctx);
  const s = sectionOrThrow(ctx);
  return jsonResponse(200, {
    '@odata.context': meContext(ctx, 'onenote/sections/$entity'),
    ...selected(ctx, 'microsoft.graph.onenoteSection', sectionJson(ctx, s)),
  });
}

/** A section's pages, newest change first; 20 by default (a nextLink follows), at most 100. */
function sectionPages(ctx: RouteContext): GraphResponse {
  const s = sectionOrThrow(ctx);
  const all = notes(ctx)
    .pages.filter((p) => p.sectionId === s.id)
    .sort((a, b) => (a.lastModifiedDateTime < b.lastModifiedDateTime ? 1 : -1));
  const page = skipPage(all, {
    req: ctx.req,
    base: ctx.base,
    skip: parseSkip(ctx.req.query, '20108'),
    top: parseTop(ctx.req.query, { def: 20, max: 100 }, '20129'),
  });
  const items = page.items.map((p) => selected(ctx, 'microsoft.graph.onenotePage', pageJson(ctx, p)));
  return jsonResponse(200, collection(meContext(ctx, `onenote/sections('${s.id}')/pages`), { ...page, items }));
}

function pageOrThrow(ctx: RouteContext): OneNotePage {
  const p = notes(ctx).pages.find((x) => x.id === ctx.params[0]);
  if (!p) throw missing();
  return p;
}

function getPage(ctx: RouteContext): GraphResponse {
  const p = pageOrThrow(ctx);
  return jsonResponse(200, {
    '@odata.context': meContext(ctx, 'onenote/pages/$entity'),
    ...selected(ctx, 'microsoft.graph.onenotePage', pageJson(ctx, p)),
  });
}

function pageContent(ctx: RouteContext): GraphResponse {
  const p = pageOrThrow(ctx);
  return { status: 200, headers: { 'Content-Type': 'text/html' }, raw: Buffer.from(p.html, 'utf8') };
}

/** The text of the first `<title>` of `html`, entities of the common five decoded ('' if none). */
function titleOf(html: string): string {
  const lower = html.toLowerCase();
  const start = lower.indexOf('<title');
  if (start < 0) return '';
  const open = html.indexOf('>', start);
  const end = lower.indexOf('</title>', open);
  if (open < 0 || end < 0) return '';
  return html
    .slice(open + 1, end)
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .trim();
}

/** The inside of `<body>` (or everything when there is none). */
function bodyOf(html: string): string {
  const lower = html.toLowerCase();
  const start = lower.indexOf('<body');
  const open = start < 0 ? -1 : html.indexOf('>', start);
  const end = lower.lastIndexOf('</body>');
  if (open < 0) return html;
  return html.slice(open + 1, end > open ? end : undefined);
}

/**
 * POST /sections/{id}/pages with the page's HTML (`text/html` or `application/xhtml+xml`). A JSON
 * or missing Content-Type is error 20131/20132, as OneNote answers; multipart is not emulated.
 */
function createPage(ctx: RouteContext): GraphResponse {
  const s = sectionOrThrow(ctx);
  const type = (ctx.req.headers['content-type'] ?? '').toLowerCase();
  if (!type.startsWith('text/html') && !type.startsWith('application/xhtml+xml'))
    throw badRequest('20131', 'The request contains an invalid value for Content-Type. Use text/html.');
  const html = ctx.req.body.toString('utf8');
  if (html.trim() === '') throw badRequest('20132', 'The request contains no content.');
  const title = titleOf(html);
  const page: OneNotePage = {
    id: `${oneNoteId(ctx.store.rng())}!1-${s.id.slice(2)}`,
    sectionId: s.id,
    title,
    createdDateTime: isoZ(ctx.nowMs),
    lastModifiedDateTime: isoZ(ctx.nowMs),
    createdByAppId: 'WLID-graph-bridge',
    level: 0,
    order: notes(ctx).pages.filter((p) => p.sectionId === s.id).length,
    html: oneNoteHtml(title, bodyOf(html).trim(), ctx.nowMs),
  };
  notes(ctx).pages.push(page);
  s.lastModifiedDateTime = page.lastModifiedDateTime;
  return jsonResponse(201, {
    '@odata.context': meContext(ctx, `onenote/sections('${s.id}')/pages/$entity`),
    ...pageJson(ctx, page),
  });
}

const ID = '([^/]+)';
export const onenoteRoutes: Route[] = [
  { method: 'GET', pattern: /^\/me\/onenote\/notebooks\/?$/, scope: SCOPES.notesStructure, handler: listNotebooks },
  {
    method: 'GET',
    pattern: new RegExp(`^/me/onenote/notebooks/${ID}/sections/?$`),
    scope: SCOPES.notesStructure,
    handler: notebookSections,
  },
  { method: 'GET', pattern: /^\/me\/onenote\/sections\/?$/, scope: SCOPES.notesStructure, handler: listSections },
  {
    method: 'GET',
    pattern: new RegExp(`^/me/onenote/sections/${ID}/?$`),
    scope: SCOPES.notesStructure,
    handler: getSection,
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/me/onenote/sections/${ID}/pages/?$`),
    scope: SCOPES.notesRead,
    handler: sectionPages,
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/me/onenote/sections/${ID}/pages/?$`),
    scope: SCOPES.notesCreate,
    handler: createPage,
  },
  { method: 'GET', pattern: new RegExp(`^/me/onenote/pages/${ID}/?$`), scope: SCOPES.notesRead, handler: getPage },
  {
    method: 'GET',
    pattern: new RegExp(`^/me/onenote/pages/${ID}/(?:content|\\$value)/?$`),
    scope: SCOPES.notesRead,
    handler: pageContent,
  },
];
