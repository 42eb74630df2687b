/**
 * OneDrive and SharePoint document libraries (spec §9.10–§9.12) on every drive address —
 * `/me/drive`, `/drives/{id}`, `/sites/{id}/drive` (drive-tree.ts decides which drive and checks the
 * token may use it): items by id and by path (`root:/a/b:`), children, search, content download via
 * 302 to a pre-authenticated URL on the download host, simple upload (≤ 4 MB), upload sessions,
 * folder creation and delete. Move/rename, copy and sharing links are in drive-manage.ts; downloads
 * themselves are served by ../download.ts.
 */
import { randomBytes } from 'node:crypto';
import { badRequest, driveNotFound, GraphHttpError, invalidJsonPayload } from '../errors.ts';
import { emptyResponse, jsonResponse, readJsonBody, type GraphResponse } from '../http.ts';
import type { DriveNode } from '../model.ts';
import { parseOrderBy, parseTop, sortBy } from '../odata/options.ts';
import { collection, tokenPage } from '../odata/paging.ts';
import { decodePathParam, type Route, type RouteContext } from '../router.ts';
import { createDriveBuilder, mimeTypeFor, quickHash } from '../seed/drive.ts';
import { isoZ } from '../seed/prng.ts';
import {
  checkName,
  childNamed,
  childrenOf,
  driveOf,
  driveRoute,
  isWithin,
  itemResponse,
  mintDownload,
  nameExists,
  nodeById,
  renamed,
  renderItem,
  resolvePath,
  selectOf,
  splitPath,
  treeSize,
  type DriveRef,
} from './drive-tree.ts';

export const MAX_SIMPLE_UPLOAD = 4 * 1024 * 1024;
/** An upload session lives this long after its last accepted fragment. */
export const UPLOAD_SESSION_TTL_MS = 60 * 60 * 1000;

function listing(
  ctx: RouteContext,
  d: DriveRef,
  nodes: DriveNode[],
  contextPath: string,
  extra: Record<string, unknown> = {},
): GraphResponse {
  const select = selectOf(ctx);
  const order = parseOrderBy(ctx.req.query, 'invalidRequest');
  const items = nodes.map((n) => n.item);
  const sorted = order ? sortBy(items, order) : items.sort((a, b) => a.name.localeCompare(b.name));
  const page = tokenPage(sorted, {
    req: ctx.req,
    base: ctx.base,
    top: parseTop(ctx.req.query, { def: 200, max: 1000 }, 'invalidRequest'),
  });
  const rendered = page.items.map((it) => renderItem(ctx, d, d.drive.nodes.get(it.id) as DriveNode, select, extra));
  const context = d.viaMe
    ? `${ctx.base}/$metadata#users('${ctx.me.id}')/${contextPath}`
    : `${ctx.base}/$metadata#${contextPath}`;
  return jsonResponse(200, collection(context, { ...page, items: rendered }));
}

// ---------------------------------------------------------------------------------------------
// handlers

function getDrive(ctx: RouteContext, d: DriveRef): GraphResponse {
  const { drive } = d;
  const root = nodeById(d, 'root');
  const used = treeSize(drive, root);
  const owner =
    drive.owner.kind === 'user'
      ? { user: { id: ctx.me.id, displayName: ctx.me.displayName, email: ctx.me.mail } }
      : { group: { displayName: drive.ownerName } };
  return jsonResponse(200, {
    '@odata.context': `${ctx.base}/$metadata#drives/$entity`,
    id: drive.id,
    driveType: drive.driveType,
    name: drive.name,
    description: drive.description,
    createdDateTime: drive.createdDateTime,
    lastModifiedDateTime: root.item.lastModifiedDateTime,
    webUrl: drive.webUrl,
    owner,
    quota: { deleted: 0, remaining: 1_099_511_627_776 - used, state: 'normal', total: 1_099_511_627_776, used },
  });
}

function children(ctx: RouteContext, d: DriveRef, node: DriveNode): GraphResponse {
  const nodes = node.item.folder ? childrenOf(d.drive, node.item.id) : [];
  return listing(ctx, d, nodes, `drives('${d.drive.id}')/items('${node.item.id}')/children`);
}

function download(ctx: RouteContext, d: DriveRef, node: DriveNode): GraphResponse {
  if (!node.item.file) throw badRequest('invalidRequest', 'Cannot download a folder.');
  const inm = ctx.req.headers['if-none-match'];
  if (inm && inm === node.item.eTag) return emptyResponse(304);
  return emptyResponse(302, { Location: mintDownload(ctx, d, node.item.id, true) });
}

/** `search(q='…')` below `scope` (the root or a folder): names, and the text of textual files. */
function search(ctx: RouteContext, d: DriveRef, scope: DriveNode, rawQ: string): GraphResponse {
  const raw = decodePathParam(rawQ).trim();
  const q = (raw.startsWith("'") && raw.endsWith("'") ? raw.slice(1, -1) : raw).replace(/''/g, "'").toLowerCase();
  const hits = [...d.drive.nodes.values()].filter((n) => {
    if (n.parentId === null || !q || n.item.id === scope.item.id) return false;
    if (!isWithin(d.drive, n.item.id, scope.item.id)) return false;
    if (n.item.name.toLowerCase().includes(q)) return true;
    const textual = n.item.file && /^(text\/|application\/json)/.test(n.item.file.mimeType);
    return !!(
      textual &&
      n.content &&
      n.content.length < 2_000_000 &&
      n.content.toString('utf8').toLowerCase().includes(q)
    );
  });
  return listing(ctx, d, hits, 'Collection(driveItem)', { searchResult: {} });
}

function conflictBehavior(ctx: RouteContext): string {
  return (ctx.req.query.get('@microsoft.graph.conflictBehavior') ?? 'replace').toLowerCase();
}

function tooLarge(): GraphHttpError {
  return new GraphHttpError({
    status: 413,
    code: 'requestTooLarge',
    message: 'The request is larger than the simple upload limit (4 MB). Use an upload session.',
  });
}

function builderFor(ctx: RouteContext, d: DriveRef) {
  return createDriveBuilder({ displayName: ctx.me.displayName, email: ctx.me.mail }, ctx.store.rng(), d.drive);
}

/** PUT content under `fromId` at relative `rawPath` (creating missing folders). */
function upload(ctx: RouteContext, d: DriveRef, fromId: string, rawPath: string): GraphResponse {
  if (ctx.req.body.length > MAX_SIMPLE_UPLOAD) throw tooLarge();
  const content = Buffer.from(ctx.req.body);
  return placeFile(ctx, d, { fromId, rawPath, content, behavior: conflictBehavior(ctx) });
}

/** The folder and file name `rawPath` names below `fromId`; `create` makes missing folders. */
function targetOf(
  ctx: RouteContext,
  d: DriveRef,
  where: { fromId: string; rawPath: string; create: boolean },
): { parent: DriveNode | undefined; fileName: string } {
  const segs = splitPath(where.rawPath);
  const fileName = checkName(segs.pop() ?? '');
  let parent: DriveNode = nodeById(d, where.fromId);
  for (const seg of segs) {
    const next = childNamed(d.drive, parent.item.id, seg);
    if (next && !next.item.folder) throw nameExists();
    if (!next && !where.create) return { parent: undefined, fileName };
    parent = next ?? (d.drive.nodes.get(builderFor(ctx, d).folder(parent.item.id, seg, ctx.nowMs)) as DriveNode);
  }
  return { parent, fileName };
}

/** Writes `content` as `rawPath` below `fromId` with a conflict behaviour (simple upload and session commit). */
export function placeFile(
  ctx: RouteContext,
  d: DriveRef,
  target: { fromId: string; rawPath: string; content: Buffer; behavior: string },
): GraphResponse {
  const { parent, fileName } = targetOf(ctx, d, { fromId: target.fromId, rawPath: target.rawPath, create: true });
  if (!parent) throw driveNotFound();
  const existing = childNamed(d.drive, parent.item.id, fileName);
  if (existing && target.behavior === 'fail') throw nameExists();
  if (existing && target.behavior !== 'rename') {
    if (!existing.item.file) throw nameExists();
    return replaceContent(ctx, d, existing, target.content);
  }
  const name = existing ? renamed(d.drive, parent.item.id, fileName) : fileName;
  const id = builderFor(ctx, d).file(parent.item.id, name, target.content, ctx.nowMs);
  return itemResponse(ctx, d, d.drive.nodes.get(id) as DriveNode, 201);
}

/** New bytes for an existing file; an uploaded .xlsx keeps no workbook model (its bytes are not parsed). */
export function replaceContent(ctx: RouteContext, d: DriveRef, node: DriveNode, content: Buffer): GraphResponse {
  if (!node.item.file) throw badRequest('invalidRequest', 'Cannot upload content to a folder.');
  node.content = content;
  delete node.workbook;
  const version = Number(/,(\d+)"$/.exec(node.item.eTag)?.[1] ?? '1') + 1;
  Object.assign(node.item, {
    size: content.length,
    lastModifiedDateTime: isoZ(ctx.nowMs),
    eTag: node.item.eTag.replace(/,\d+"$/, `,${version}"`),
    cTag: node.item.cTag.replace(/,\d+"$/, `,${version}"`),
    file: { mimeType: mimeTypeFor(node.item.name), hashes: { quickXorHash: quickHash(content) } },
  });
  node.item.fileSystemInfo.lastModifiedDateTime = node.item.lastModifiedDateTime;
  return itemResponse(ctx, d, node, 200);
}

function replaceBody(ctx: RouteContext, d: DriveRef, node: DriveNode): GraphResponse {
  if (ctx.req.body.length > MAX_SIMPLE_UPLOAD) throw tooLarge();
  return replaceContent(ctx, d, node, Buffer.from(ctx.req.body));
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

function openSession(
  ctx: RouteContext,
  d: DriveRef,
  where: { fromId: string; rawPath: string; itemId?: string },
): GraphResponse {
  const { behavior, fileSize } = sessionRequest(ctx);
  if (where.itemId === undefined) {
    const { parent, fileName } = targetOf(ctx, d, { ...where, create: false });
    const existing = parent ? childNamed(d.drive, parent.item.id, fileName) : undefined;
    if (existing && (behavior === 'fail' || (behavior === 'replace' && !existing.item.file))) throw nameExists();
  }
  const now = ctx.nowMs;
  for (const [k, u] of ctx.store.uploads) if (u.expiresMs < now) ctx.store.uploads.delete(k);
  const token = randomBytes(24).toString('base64url');
  const expiresMs = now + UPLOAD_SESSION_TTL_MS;
  ctx.store.uploads.set(token, {
    oid: ctx.me.id,
    drivePrefix: d.prefix,
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

/** The drive an upload session writes to, as its creating request addressed it. */
export function uploadDrive(ctx: RouteContext, drivePrefix: string): DriveRef {
  return driveOf(ctx, drivePrefix, 'write');
}

function createFolder(ctx: RouteContext, d: DriveRef, parent: DriveNode): GraphResponse {
  if (!parent.item.folder) throw badRequest('invalidRequest', 'The parent item is not a folder.');
  const json = readJsonBody(ctx.req.body, invalidJsonPayload);
  if (typeof json.name !== 'string' || !json.name || json.folder === undefined)
    throw badRequest('invalidRequest', 'A name and a folder facet are required.');
  const name = checkName(json.name);
  const rawBehavior = json['@microsoft.graph.conflictBehavior'];
  const behavior = (typeof rawBehavior === 'string' ? rawBehavior : 'fail').toLowerCase();
  const existing = childNamed(d.drive, parent.item.id, name);
  if (existing && behavior === 'fail') throw nameExists();
  if (existing && behavior === 'replace') return itemResponse(ctx, d, existing, 201);
  const finalName = existing ? renamed(d.drive, parent.item.id, name) : name;
  const id = builderFor(ctx, d).folder(parent.item.id, finalName, ctx.nowMs);
  return itemResponse(ctx, d, d.drive.nodes.get(id) as DriveNode, 201);
}

/** Deletes the item and everything below it (Graph moves it to the recycle bin). */
function deleteItem(d: DriveRef, node: DriveNode): GraphResponse {
  if (node.parentId === null) throw new GraphHttpError({ status: 403, code: 'accessDenied', message: 'Access denied' });
  const drop = (id: string): void => {
    for (const c of childrenOf(d.drive, id)) drop(c.item.id);
    d.drive.nodes.delete(id);
  };
  drop(node.item.id);
  return emptyResponse(204);
}

// ---------------------------------------------------------------------------------------------

/** `root:/a/b:` addressing (one capture: the path). */
export const PATH = '/root:(/[^:]*?)/?';
/** `items/{id}` addressing (one capture: the id). */
export const ID = '/items/([^/:]+)';
const byPath = (d: DriveRef, p: string[]): DriveNode => resolvePath(d, 'root', p[0] ?? '');
const byId = (d: DriveRef, p: string[]): DriveNode => nodeById(d, p[0] ?? '');

export const driveRoutes: Route[] = [
  driveRoute('GET', '/?$', (ctx, d) => getDrive(ctx, d)),
  driveRoute('GET', '/root/?$', (ctx, d) => itemResponse(ctx, d, nodeById(d, 'root'))),
  driveRoute('GET', '/root/children/?$', (ctx, d) => children(ctx, d, nodeById(d, 'root'))),
  driveRoute('POST', '/root/children/?$', (ctx, d) => createFolder(ctx, d, nodeById(d, 'root'))),
  driveRoute('GET', '/(?:root/)?search\\(q=(.*)\\)/?$', (ctx, d, p) => search(ctx, d, nodeById(d, 'root'), p[0] ?? '')),
  driveRoute('GET', `${PATH}:/search\\(q=(.*)\\)/?$`, (ctx, d, p) => search(ctx, d, byPath(d, p), p[1] ?? '')),
  driveRoute('GET', `${ID}/search\\(q=(.*)\\)/?$`, (ctx, d, p) => search(ctx, d, byId(d, p), p[1] ?? '')),
  driveRoute('GET', `${PATH}:/children/?$`, (ctx, d, p) => children(ctx, d, byPath(d, p))),
  driveRoute('POST', `${PATH}:/children/?$`, (ctx, d, p) => createFolder(ctx, d, byPath(d, p))),
  driveRoute('GET', `${PATH}:/content/?$`, (ctx, d, p) => download(ctx, d, byPath(d, p))),
  driveRoute('PUT', `${PATH}:/content/?$`, (ctx, d, p) => upload(ctx, d, 'root', p[0] ?? '')),
  driveRoute('GET', `${PATH}:?$`, (ctx, d, p) => itemResponse(ctx, d, byPath(d, p))),
  driveRoute('DELETE', `${PATH}:?$`, (_ctx, d, p) => deleteItem(d, byPath(d, p))),
  driveRoute('PUT', `${ID}:(/[^:]*?)/?:/content/?$`, (ctx, d, p) => upload(ctx, d, p[0] ?? '', p[1] ?? '')),
  driveRoute('GET', `${ID}/?$`, (ctx, d, p) => itemResponse(ctx, d, byId(d, p))),
  driveRoute('DELETE', `${ID}/?$`, (_ctx, d, p) => deleteItem(d, byId(d, p))),
  driveRoute('GET', `${ID}/children/?$`, (ctx, d, p) => children(ctx, d, byId(d, p))),
  driveRoute('POST', `${ID}/children/?$`, (ctx, d, p) => createFolder(ctx, d, byId(d, p))),
  driveRoute('GET', `${ID}/content/?$`, (ctx, d, p) => download(ctx, d, byId(d, p))),
  driveRoute('PUT', `${ID}/content/?$`, (ctx, d, p) => replaceBody(ctx, d, byId(d, p))),
  driveRoute('POST', `${PATH}:/createUploadSession/?$`, (ctx, d, p) =>
    openSession(ctx, d, { fromId: 'root', rawPath: p[0] ?? '' }),
  ),
  driveRoute('POST', `${ID}:(/[^:]*?)/?:/createUploadSession/?$`, (ctx, d, p) =>
    openSession(ctx, d, { fromId: p[0] ?? '', rawPath: p[1] ?? '' }),
  ),
  driveRoute('POST', `${ID}/createUploadSession/?$`, (ctx, d, p) => {
    const node = byId(d, p);
    if (!node.item.file) throw badRequest('invalidRequest', 'Cannot upload content to a folder.');
    return openSession(ctx, d, { fromId: node.item.id, rawPath: '', itemId: node.item.id });
  }),
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
  const node = store.findDrive(grant.driveId)?.nodes.get(grant.itemId);
  return node?.content ? { node } : undefined;
}
