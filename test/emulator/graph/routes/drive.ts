/**
 * OneDrive (spec §9.10–§9.12): items by id and by path (`root:/a/b:`), children, search, content
 * download via 302 to a pre-authenticated URL on the download host, simple upload (≤ 4 MB), folder
 * creation and delete. Downloads themselves are served by ./download.ts.
 */
import { randomBytes } from 'node:crypto';
import { badRequest, driveNotFound, GraphHttpError, invalidJsonPayload } from '../errors.ts';
import { emptyResponse, jsonResponse, readJsonBody, type GraphResponse } from '../http.ts';
import type { DriveItem, DriveNode, UserState } from '../model.ts';
import { applySelect, parseOrderBy, parseSelect, parseTop, sortBy } from '../odata/options.ts';
import { collection, tokenPage } from '../odata/paging.ts';
import { decodePathParam, meContext, type Route, type RouteContext } from '../router.ts';
import { SCOPES } from '../scopes.ts';
import { createDriveBuilder, mimeTypeFor, quickHash } from '../seed/drive.ts';
import { isoZ } from '../seed/prng.ts';

export const MAX_SIMPLE_UPLOAD = 4 * 1024 * 1024;
const DOWNLOAD_URL_TTL_MS = 60 * 60 * 1000;
/** An upload session lives this long after its last accepted fragment. */
export const UPLOAD_SESSION_TTL_MS = 60 * 60 * 1000;
const ITEM_PROPS: ReadonlySet<string> = new Set([
  'id',
  'name',
  'size',
  'createdDateTime',
  'lastModifiedDateTime',
  'eTag',
  'cTag',
  'webUrl',
  'parentReference',
  'createdBy',
  'lastModifiedBy',
  'file',
  'folder',
  'root',
  'fileSystemInfo',
  'searchResult',
  '@microsoft.graph.downloadUrl',
]);

// ---------------------------------------------------------------------------------------------
// lookup

function state(ctx: RouteContext): UserState {
  return ctx.store.user(ctx.me.id);
}

function nodeById(ctx: RouteContext, id: string): DriveNode {
  const s = state(ctx);
  const node = s.drive.get(id === 'root' ? s.rootId : id);
  if (!node) throw driveNotFound();
  return node;
}

function childrenOf(s: UserState, id: string): DriveNode[] {
  return [...s.drive.values()].filter((n) => n.parentId === id);
}

function splitPath(rawPath: string): string[] {
  return rawPath
    .split('/')
    .filter(Boolean)
    .map((seg) => decodePathParam(seg));
}

function resolvePath(ctx: RouteContext, fromId: string, rawPath: string): DriveNode {
  const s = state(ctx);
  let node = nodeById(ctx, fromId);
  for (const seg of splitPath(rawPath)) {
    const next = childrenOf(s, node.item.id).find((c) => c.item.name.toLowerCase() === seg.toLowerCase());
    if (!next) throw driveNotFound();
    node = next;
  }
  return node;
}

// ---------------------------------------------------------------------------------------------
// rendering

function mintDownload(ctx: RouteContext, itemId: string, singleUse: boolean): string {
  const now = ctx.nowMs;
  for (const [k, g] of ctx.store.downloads) if (g.expiresMs < now) ctx.store.downloads.delete(k);
  const token = randomBytes(24).toString('base64url');
  ctx.store.downloads.set(token, { oid: ctx.me.id, itemId, expiresMs: now + DOWNLOAD_URL_TTL_MS, singleUse });
  return `${ctx.deps.downloadOrigin}/_dl/${token}`;
}

function treeSize(s: UserState, node: DriveNode): number {
  if (node.item.file) return node.item.size;
  return childrenOf(s, node.item.id).reduce((sum, c) => sum + treeSize(s, c), 0);
}

function renderItem(
  ctx: RouteContext,
  node: DriveNode,
  select?: readonly string[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const s = state(ctx);
  const item: DriveItem & Record<string, unknown> = { ...node.item, size: treeSize(s, node), ...extra };
  if (node.item.folder) item.folder = { childCount: childrenOf(s, node.item.id).length };
  if (node.item.file && (!select || select.includes('@microsoft.graph.downloadUrl')))
    item['@microsoft.graph.downloadUrl'] = mintDownload(ctx, node.item.id, false);
  return applySelect(item, select);
}

function selectOf(ctx: RouteContext): string[] | undefined {
  return parseSelect(ctx.req.query, {
    known: ITEM_PROPS,
    typeName: 'microsoft.graph.driveItem',
    code: 'invalidRequest',
  });
}

function itemResponse(ctx: RouteContext, node: DriveNode, status = 200): GraphResponse {
  const context = `${ctx.base}/$metadata#users('${ctx.me.id}')/drive/items/$entity`;
  return jsonResponse(status, { '@odata.context': context, ...renderItem(ctx, node, selectOf(ctx)) });
}

function listing(
  ctx: RouteContext,
  nodes: DriveNode[],
  contextPath: string,
  extra: Record<string, unknown> = {},
): GraphResponse {
  const select = selectOf(ctx);
  const order = parseOrderBy(ctx.req.query, 'invalidRequest');
  const sorted = order
    ? sortBy(
        nodes.map((n) => n.item),
        order,
      )
    : nodes.map((n) => n.item).sort((a, b) => a.name.localeCompare(b.name));
  const page = tokenPage(sorted, {
    req: ctx.req,
    base: ctx.base,
    top: parseTop(ctx.req.query, { def: 200, max: 1000 }, 'invalidRequest'),
  });
  const s = state(ctx);
  const items = page.items.map((it) => renderItem(ctx, s.drive.get(it.id) as DriveNode, select, extra));
  return jsonResponse(200, collection(meContext(ctx, contextPath), { ...page, items }));
}

// ---------------------------------------------------------------------------------------------
// handlers

function getDrive(ctx: RouteContext): GraphResponse {
  const s = state(ctx);
  const root = nodeById(ctx, 'root');
  return jsonResponse(200, {
    '@odata.context': `${ctx.base}/$metadata#drives/$entity`,
    id: s.driveId,
    driveType: 'business',
    name: 'OneDrive',
    createdDateTime: root.item.createdDateTime,
    lastModifiedDateTime: root.item.lastModifiedDateTime,
    webUrl: root.item.webUrl,
    owner: { user: { id: ctx.me.id, displayName: ctx.me.displayName, email: ctx.me.mail } },
    quota: {
      deleted: 0,
      remaining: 1_099_511_627_776 - treeSize(s, root),
      state: 'normal',
      total: 1_099_511_627_776,
      used: treeSize(s, root),
    },
  });
}

function children(ctx: RouteContext, node: DriveNode): GraphResponse {
  if (!node.item.folder) return listing(ctx, [], `drive/items('${node.item.id}')/children`);
  return listing(ctx, childrenOf(state(ctx), node.item.id), `drive/items('${node.item.id}')/children`);
}

function download(ctx: RouteContext, node: DriveNode): GraphResponse {
  if (!node.item.file) throw badRequest('invalidRequest', 'Cannot download a folder.');
  const inm = ctx.req.headers['if-none-match'];
  if (inm && inm === node.item.eTag) return emptyResponse(304);
  return emptyResponse(302, { Location: mintDownload(ctx, node.item.id, true) });
}

function search(ctx: RouteContext): GraphResponse {
  const raw = decodePathParam(ctx.params[0] ?? '').trim();
  const q = (raw.startsWith("'") && raw.endsWith("'") ? raw.slice(1, -1) : raw).replace(/''/g, "'").toLowerCase();
  const s = state(ctx);
  const hits = [...s.drive.values()].filter((n) => {
    if (n.parentId === null || !q) return false;
    if (n.item.name.toLowerCase().includes(q)) return true;
    const textual = n.item.file && /^(text\/|application\/json)/.test(n.item.file.mimeType);
    return !!(
      textual &&
      n.content &&
      n.content.length < 2_000_000 &&
      n.content.toString('utf8').toLowerCase().includes(q)
    );
  });
  return listing(ctx, hits, 'driveItem', { searchResult: {} });
}

/** Unique name under `parentId` for conflictBehavior=rename: `a.txt` → `a 1.txt`. */
function renamed(s: UserState, parentId: string, name: string): string {
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const ext = dot > 0 ? name.slice(dot) : '';
  for (let i = 1; ; i++) {
    const candidate = `${stem} ${i}${ext}`;
    if (!childrenOf(s, parentId).some((c) => c.item.name.toLowerCase() === candidate.toLowerCase())) return candidate;
  }
}

function conflictBehavior(ctx: RouteContext): string {
  return (ctx.req.query.get('@microsoft.graph.conflictBehavior') ?? 'replace').toLowerCase();
}

function nameExists(): GraphHttpError {
  return new GraphHttpError({
    status: 409,
    code: 'nameAlreadyExists',
    message: 'The specified item name already exists.',
  });
}

function tooLarge(): GraphHttpError {
  return new GraphHttpError({
    status: 413,
    code: 'requestTooLarge',
    message: 'The request is larger than the simple upload limit (4 MB). Use an upload session.',
  });
}

/** PUT content under `fromId` at relative `rawPath` (creating missing folders). */
function upload(ctx: RouteContext, fromId: string, rawPath: string): GraphResponse {
  if (ctx.req.body.length > MAX_SIMPLE_UPLOAD) throw tooLarge();
  return placeFile(ctx, { fromId, rawPath, content: Buffer.from(ctx.req.body), behavior: conflictBehavior(ctx) });
}

/** The folder and file name `rawPath` names below `fromId`; `create` makes missing folders. */
function targetOf(
  ctx: RouteContext,
  fromId: string,
  rawPath: string,
  create: boolean,
): { parent: DriveNode | undefined; fileName: string } {
  const s = state(ctx);
  const segs = splitPath(rawPath);
  const fileName = segs.pop();
  if (!fileName || /["*:<>?\\|]/.test(fileName)) throw badRequest('invalidRequest', 'The provided name is not valid.');
  const builder = createDriveBuilder(ctx.me, ctx.store.rng(), { driveId: s.driveId, rootId: s.rootId, nodes: s.drive });
  let parent: DriveNode = nodeById(ctx, fromId);
  for (const seg of segs) {
    const next: DriveNode | undefined = childrenOf(s, parent.item.id).find(
      (c) => c.item.name.toLowerCase() === seg.toLowerCase(),
    );
    if (next && !next.item.folder) throw nameExists();
    if (!next && !create) return { parent: undefined, fileName };
    parent = next ?? (s.drive.get(builder.folder(parent.item.id, seg, ctx.nowMs)) as DriveNode);
  }
  return { parent, fileName };
}

/** Writes `content` as `rawPath` below `fromId` with a conflict behaviour (simple upload and session commit). */
export function placeFile(
  ctx: RouteContext,
  target: { fromId: string; rawPath: string; content: Buffer; behavior: string },
): GraphResponse {
  const s = state(ctx);
  const { parent, fileName } = targetOf(ctx, target.fromId, target.rawPath, true);
  if (!parent) throw driveNotFound();
  const existing = childrenOf(s, parent.item.id).find((c) => c.item.name.toLowerCase() === fileName.toLowerCase());
  if (existing && target.behavior === 'fail') throw nameExists();
  if (existing && target.behavior !== 'rename') {
    if (!existing.item.file) throw nameExists();
    return replaceContent(ctx, existing, target.content);
  }
  const name = existing ? renamed(s, parent.item.id, fileName) : fileName;
  const builder = createDriveBuilder(ctx.me, ctx.store.rng(), { driveId: s.driveId, rootId: s.rootId, nodes: s.drive });
  const id = builder.file(parent.item.id, name, target.content, ctx.nowMs);
  return itemResponse(ctx, s.drive.get(id) as DriveNode, 201);
}

export function replaceContent(ctx: RouteContext, node: DriveNode, content: Buffer): GraphResponse {
  if (!node.item.file) throw badRequest('invalidRequest', 'Cannot upload content to a folder.');
  node.content = content;
  const version = Number(/,(\d+)"$/.exec(node.item.eTag)?.[1] ?? '1') + 1;
  Object.assign(node.item, {
    size: content.length,
    lastModifiedDateTime: isoZ(ctx.nowMs),
    eTag: node.item.eTag.replace(/,\d+"$/, `,${version}"`),
    cTag: node.item.cTag.replace(/,\d+"$/, `,${version}"`),
    file: { mimeType: mimeTypeFor(node.item.name), hashes: { quickXorHash: quickHash(content) } },
  });
  node.item.fileSystemInfo.lastModifiedDateTime = node.item.lastModifiedDateTime;
  return itemResponse(ctx, node, 200);
}

function replaceBody(ctx: RouteContext, node: DriveNode): GraphResponse {
  if (ctx.req.body.length > MAX_SIMPLE_UPLOAD) throw tooLarge();
  return replaceContent(ctx, node, Buffer.from(ctx.req.body));
}

// ---------------------------------------------------------------------------------------------
// upload sessions (createUploadSession; the upload URL itself is served by ../upload-session.ts)

const SESSION_PARAMS: ReadonlySet<string> = new Set(['item', 'deferCommit']);

function sessionRequest(ctx: RouteContext): { behavior: string; fileSize?: number } {
  const json = ctx.req.body.length === 0 ? {} : readJsonBody(ctx.req.body, invalidJsonPayload);
  for (const key of Object.keys(json)) {
    if (!SESSION_PARAMS.has(key))
      throw badRequest(
        'BadRequest',
        `The parameter '${key}' in the request payload is not a valid parameter for the operation 'createUploadSession'.`,
      );
  }
  const item = (json.item ?? {}) as Record<string, unknown>;
  if (typeof item !== 'object' || Array.isArray(item)) throw invalidJsonPayload();
  const behavior = item['@microsoft.graph.conflictBehavior'];
  const fileSize = item.fileSize;
  if (behavior !== undefined && (typeof behavior !== 'string' || !['fail', 'replace', 'rename'].includes(behavior)))
    throw badRequest('invalidRequest', 'Invalid value for @microsoft.graph.conflictBehavior.');
  if (fileSize !== undefined && (typeof fileSize !== 'number' || !Number.isInteger(fileSize) || fileSize < 0))
    throw badRequest('invalidRequest', 'Invalid value for fileSize.');
  return {
    behavior: typeof behavior === 'string' ? behavior : 'replace',
    ...(typeof fileSize === 'number' ? { fileSize } : {}),
  };
}

function openSession(ctx: RouteContext, where: { fromId: string; rawPath: string; itemId?: string }): GraphResponse {
  const { behavior, fileSize } = sessionRequest(ctx);
  if (where.itemId === undefined) {
    const { parent, fileName } = targetOf(ctx, where.fromId, where.rawPath, false);
    const existing = parent
      ? childrenOf(state(ctx), parent.item.id).find((c) => c.item.name.toLowerCase() === fileName.toLowerCase())
      : undefined;
    if (existing && (behavior === 'fail' || (behavior === 'replace' && !existing.item.file))) throw nameExists();
  }
  const now = ctx.nowMs;
  for (const [k, u] of ctx.store.uploads) if (u.expiresMs < now) ctx.store.uploads.delete(k);
  const token = randomBytes(24).toString('base64url');
  const expiresMs = now + UPLOAD_SESSION_TTL_MS;
  ctx.store.uploads.set(token, {
    oid: ctx.me.id,
    claims: ctx.claims,
    version: ctx.req.version,
    ...where,
    behavior,
    ...(fileSize !== undefined ? { fileSize } : {}),
    received: [],
    receivedBytes: 0,
    expiresMs,
  });
  return jsonResponse(200, {
    '@odata.context': `${ctx.base}/$metadata#microsoft.graph.uploadSession`,
    uploadUrl: `${ctx.deps.downloadOrigin}/_up/${token}`,
    expirationDateTime: isoZ(expiresMs),
    nextExpectedRanges: ['0-'],
  });
}

function createFolder(ctx: RouteContext, parent: DriveNode): GraphResponse {
  if (!parent.item.folder) throw badRequest('invalidRequest', 'The parent item is not a folder.');
  const json = readJsonBody(ctx.req.body, invalidJsonPayload);
  if (typeof json.name !== 'string' || !json.name || json.folder === undefined)
    throw badRequest('invalidRequest', 'A name and a folder facet are required.');
  const s = state(ctx);
  const rawBehavior = json['@microsoft.graph.conflictBehavior'];
  const behavior = (typeof rawBehavior === 'string' ? rawBehavior : 'fail').toLowerCase();
  const existing = childrenOf(s, parent.item.id).find(
    (c) => c.item.name.toLowerCase() === (json.name as string).toLowerCase(),
  );
  if (existing && behavior === 'fail') throw nameExists();
  if (existing && behavior === 'replace') return itemResponse(ctx, existing, 201);
  const name = existing ? renamed(s, parent.item.id, json.name) : json.name;
  const builder = createDriveBuilder(ctx.me, ctx.store.rng(), { driveId: s.driveId, rootId: s.rootId, nodes: s.drive });
  return itemResponse(ctx, s.drive.get(builder.folder(parent.item.id, name, ctx.nowMs)) as DriveNode, 201);
}

function deleteItem(ctx: RouteContext, node: DriveNode): GraphResponse {
  const s = state(ctx);
  if (node.parentId === null) throw new GraphHttpError({ status: 403, code: 'accessDenied', message: 'Access denied' });
  const drop = (id: string): void => {
    for (const c of childrenOf(s, id)) drop(c.item.id);
    s.drive.delete(id);
  };
  drop(node.item.id);
  return emptyResponse(204);
}

// ---------------------------------------------------------------------------------------------

const PATH = 'root:(/[^:]*?)/?';
const ID = '([^/:]+)';
const byPath = (ctx: RouteContext): DriveNode => resolvePath(ctx, 'root', ctx.params[0] ?? '');
const byId = (ctx: RouteContext): DriveNode => nodeById(ctx, ctx.params[0] ?? '');
const R = SCOPES.filesRead;
const W = SCOPES.filesWrite;

export const driveRoutes: Route[] = [
  { method: 'GET', pattern: /^\/me\/drive\/?$/, scope: R, handler: getDrive },
  {
    method: 'GET',
    pattern: /^\/me\/drive\/root\/?$/,
    scope: R,
    handler: (ctx) => itemResponse(ctx, nodeById(ctx, 'root')),
  },
  {
    method: 'GET',
    pattern: /^\/me\/drive\/root\/children\/?$/,
    scope: R,
    handler: (ctx) => children(ctx, nodeById(ctx, 'root')),
  },
  {
    method: 'POST',
    pattern: /^\/me\/drive\/root\/children\/?$/,
    scope: W,
    handler: (ctx) => createFolder(ctx, nodeById(ctx, 'root')),
  },
  { method: 'GET', pattern: /^\/me\/drive\/(?:root\/)?search\(q=(.*)\)\/?$/, scope: R, handler: search },
  {
    method: 'GET',
    pattern: new RegExp(`^/me/drive/${PATH}:/children/?$`),
    scope: R,
    handler: (ctx) => children(ctx, byPath(ctx)),
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/me/drive/${PATH}:/children/?$`),
    scope: W,
    handler: (ctx) => createFolder(ctx, byPath(ctx)),
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/me/drive/${PATH}:/content/?$`),
    scope: R,
    handler: (ctx) => download(ctx, byPath(ctx)),
  },
  {
    method: 'PUT',
    pattern: new RegExp(`^/me/drive/${PATH}:/content/?$`),
    scope: W,
    handler: (ctx) => upload(ctx, 'root', ctx.params[0] ?? ''),
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/me/drive/${PATH}:?$`),
    scope: R,
    handler: (ctx) => itemResponse(ctx, byPath(ctx)),
  },
  {
    method: 'DELETE',
    pattern: new RegExp(`^/me/drive/${PATH}:?$`),
    scope: W,
    handler: (ctx) => deleteItem(ctx, byPath(ctx)),
  },
  {
    method: 'PUT',
    pattern: new RegExp(`^/me/drive/items/${ID}:(/[^:]*?)/?:/content/?$`),
    scope: W,
    handler: (ctx) => upload(ctx, ctx.params[0] ?? '', ctx.params[1] ?? ''),
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/me/drive/items/${ID}/?$`),
    scope: R,
    handler: (ctx) => itemResponse(ctx, byId(ctx)),
  },
  {
    method: 'DELETE',
    pattern: new RegExp(`^/me/drive/items/${ID}/?$`),
    scope: W,
    handler: (ctx) => deleteItem(ctx, byId(ctx)),
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/me/drive/items/${ID}/children/?$`),
    scope: R,
    handler: (ctx) => children(ctx, byId(ctx)),
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/me/drive/items/${ID}/children/?$`),
    scope: W,
    handler: (ctx) => createFolder(ctx, byId(ctx)),
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/me/drive/items/${ID}/content/?$`),
    scope: R,
    handler: (ctx) => download(ctx, byId(ctx)),
  },
  {
    method: 'PUT',
    pattern: new RegExp(`^/me/drive/items/${ID}/content/?$`),
    scope: W,
    handler: (ctx) => replaceBody(ctx, byId(ctx)),
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/me/drive/${PATH}:/createUploadSession/?$`),
    scope: W,
    handler: (ctx) => openSession(ctx, { fromId: 'root', rawPath: ctx.params[0] ?? '' }),
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/me/drive/items/${ID}:(/[^:]*?)/?:/createUploadSession/?$`),
    scope: W,
    handler: (ctx) => openSession(ctx, { fromId: ctx.params[0] ?? '', rawPath: ctx.params[1] ?? '' }),
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/me/drive/items/${ID}/createUploadSession/?$`),
    scope: W,
    handler: (ctx) => {
      const node = byId(ctx);
      if (!node.item.file) throw badRequest('invalidRequest', 'Cannot upload content to a folder.');
      return openSession(ctx, { fromId: node.item.id, rawPath: '', itemId: node.item.id });
    },
  },
];

/** Used by the download host: resolves a token to the file bytes (consuming single-use tokens). */
export function takeDownload(
  store: RouteContext['store'],
  token: string,
  nowMs: number,
): { node: DriveNode } | undefined {
  const grant = store.downloads.get(token);
  if (!grant || grant.expiresMs < nowMs) return undefined;
  if (grant.singleUse) store.downloads.delete(token);
  const node = store.user(grant.oid).drive.get(grant.itemId);
  return node?.content ? { node } : undefined;
}
