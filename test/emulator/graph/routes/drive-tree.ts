/**
 * What every drive route shares: which drive a request addresses (`/me/drive`, `/drives/{id}`,
 * `/sites/{id}/drive`) and whether the token may use it, the folder tree (lookup by id and by path,
 * children, sizes), rendering a driveItem (parentReference and webUrl from the tree, so moves and
 * renames show at once) and OneDrive's errors.
 *
 * A site's library needs more than the user's own OneDrive does: Files.Read.All/Sites.Read.All to
 * read, Files.ReadWrite.All/Sites.ReadWrite.All to write (Files.Read[Write] covers only the user's
 * own files). A drive the caller has no access to (another user's OneDrive) is a 404, as Graph does.
 */
import { randomBytes } from 'node:crypto';
import { requireScope } from '../auth.ts';
import { badRequest, driveNotFound, GraphHttpError, notFound } from '../errors.ts';
import { jsonResponse, type GraphResponse } from '../http.ts';
import type { DriveNode, DriveState, SiteState } from '../model.ts';
import { applySelect, parseSelect } from '../odata/options.ts';
import { decodePathParam, type Route, type RouteContext } from '../router.ts';
import { SCOPES } from '../scopes.ts';
import { pathOf, webUrlOf } from '../seed/drive.ts';

const DOWNLOAD_URL_TTL_MS = 60 * 60 * 1000;

/** The drive a request addresses, and how (parentReference.path differs: `/drive/root:` for /me). */
export interface DriveRef {
  drive: DriveState;
  /** The prefix as requested: `me/drive`, `drives/{id}`, `sites/{id}/drive`. */
  prefix: string;
  viaMe: boolean;
}

/** The regex source of a drive prefix (one capture group). */
export const DRIVE = '(me/drive|drives/[^/]+|sites/[^/]+/drive)';

export function siteNotFound(): GraphHttpError {
  return notFound('itemNotFound', 'Requested site could not be found');
}

export function findSite(ctx: RouteContext, siteId: string): SiteState {
  const key = decodePathParam(siteId).toLowerCase();
  const site = ctx.store.sites().find((s) => s.site.id.toLowerCase() === key);
  if (!site) throw siteNotFound();
  return site;
}

/** Resolves the drive of `prefix` and checks the token may `access` it. */
export function driveOf(ctx: RouteContext, prefix: string, access: 'read' | 'write'): DriveRef {
  const mine = ctx.store.user(ctx.me.id).drive;
  if (prefix === 'me/drive') return { drive: mine, prefix, viaMe: true };
  const site = /^sites\/([^/]+)\/drive$/.exec(prefix);
  const drive = site?.[1]
    ? findSite(ctx, site[1]).drives[0]
    : ctx.store.findDrive(decodePathParam(prefix.slice('drives/'.length)));
  if (!drive) throw driveNotFound();
  if (drive.owner.kind === 'user') {
    if (drive.owner.oid !== ctx.me.id) throw driveNotFound();
    return { drive, prefix, viaMe: false };
  }
  requireScope(ctx.claims, access === 'read' ? SCOPES.siteFilesRead : SCOPES.siteFilesWrite);
  return { drive, prefix, viaMe: false };
}

/** A route on a drive: `pattern` gets the drive prefix prepended; the handler gets the drive. */
export function driveRoute(
  method: Route['method'],
  rest: string,
  handler: (ctx: RouteContext, d: DriveRef, params: string[]) => GraphResponse,
): Route {
  const write = method !== 'GET';
  return {
    method,
    pattern: new RegExp(`^/${DRIVE}${rest}`),
    scope: write ? SCOPES.filesWrite : SCOPES.filesRead,
    handler: (ctx) => handler(ctx, driveOf(ctx, ctx.params[0] ?? '', write ? 'write' : 'read'), ctx.params.slice(1)),
  };
}

// ---------------------------------------------------------------------------------------------
// the tree

export function nodeById(d: DriveRef, id: string): DriveNode {
  const node = d.drive.nodes.get(id === 'root' ? d.drive.rootId : id);
  if (!node) throw driveNotFound();
  return node;
}

export function childrenOf(drive: DriveState, id: string): DriveNode[] {
  return [...drive.nodes.values()].filter((n) => n.parentId === id);
}

export function childNamed(drive: DriveState, parentId: string, name: string): DriveNode | undefined {
  return childrenOf(drive, parentId).find((c) => c.item.name.toLowerCase() === name.toLowerCase());
}

export function splitPath(rawPath: string): string[] {
  return rawPath
    .split('/')
    .filter(Boolean)
    .map((seg) => decodePathParam(seg));
}

export function resolvePath(d: DriveRef, fromId: string, rawPath: string): DriveNode {
  let node = nodeById(d, fromId);
  for (const seg of splitPath(rawPath)) {
    const next = childNamed(d.drive, node.item.id, seg);
    if (!next) throw driveNotFound();
    node = next;
  }
  return node;
}

/** Whether `id` is `ancestorId` or below it. */
export function isWithin(drive: DriveState, id: string, ancestorId: string): boolean {
  for (let cur: string | null = id; cur !== null; cur = drive.nodes.get(cur)?.parentId ?? null) {
    if (cur === ancestorId) return true;
  }
  return false;
}

export function treeSize(drive: DriveState, node: DriveNode): number {
  if (node.item.file) return node.item.size;
  return childrenOf(drive, node.item.id).reduce((sum, c) => sum + treeSize(drive, c), 0);
}

/** Unique name under `parentId` for conflictBehavior=rename: `a.txt` → `a 1.txt`. */
export function renamed(drive: DriveState, parentId: string, name: string): string {
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const ext = dot > 0 ? name.slice(dot) : '';
  for (let i = 1; ; i++) {
    const candidate = `${stem} ${i}${ext}`;
    if (!childNamed(drive, parentId, candidate)) return candidate;
  }
}

/** OneDrive's rule for item names. */
export function checkName(name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '' || /["*:<>?\\|/]/.test(name) || name.length > 400)
    throw badRequest('invalidRequest', 'The provided name is not valid.');
  return name;
}

export function nameExists(): GraphHttpError {
  return new GraphHttpError({
    status: 409,
    code: 'nameAlreadyExists',
    message: 'The specified item name already exists.',
  });
}

// ---------------------------------------------------------------------------------------------
// rendering

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

export function mintDownload(ctx: RouteContext, d: DriveRef, itemId: string, singleUse: boolean): string {
  const now = ctx.nowMs;
  for (const [k, g] of ctx.store.downloads) if (g.expiresMs < now) ctx.store.downloads.delete(k);
  const token = randomBytes(24).toString('base64url');
  ctx.store.downloads.set(token, {
    oid: ctx.me.id,
    driveId: d.drive.id,
    itemId,
    expiresMs: now + DOWNLOAD_URL_TTL_MS,
    singleUse,
  });
  return `${ctx.deps.downloadOrigin}/_dl/${token}`;
}

export function selectOf(ctx: RouteContext): string[] | undefined {
  return parseSelect(ctx.req.query, {
    known: ITEM_PROPS,
    typeName: 'microsoft.graph.driveItem',
    code: 'invalidRequest',
  });
}

export function renderItem(
  ctx: RouteContext,
  d: DriveRef,
  node: DriveNode,
  select?: readonly string[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const { drive } = d;
  const parentReference: Record<string, unknown> = { driveType: drive.driveType, driveId: drive.id };
  if (node.parentId !== null) {
    parentReference.id = node.parentId;
    parentReference.path = `${d.viaMe ? '/drive' : `/drives/${drive.id}`}/root:${pathOf(drive.nodes, node.parentId)}`;
  }
  const item: Record<string, unknown> = {
    ...node.item,
    webUrl: webUrlOf(drive, node.item.id),
    parentReference,
    size: treeSize(drive, node),
    ...extra,
  };
  if (node.item.folder) item.folder = { childCount: childrenOf(drive, node.item.id).length };
  if (node.item.file && (!select || select.includes('@microsoft.graph.downloadUrl')))
    item['@microsoft.graph.downloadUrl'] = mintDownload(ctx, d, node.item.id, false);
  return applySelect(item, select);
}

export function itemResponse(ctx: RouteContext, d: DriveRef, node: DriveNode, status = 200): GraphResponse {
  const context = d.viaMe
    ? `${ctx.base}/$metadata#users('${ctx.me.id}')/drive/items/$entity`
    : `${ctx.base}/$metadata#drives('${d.drive.id}')/items/$entity`;
  return jsonResponse(status, { '@odata.context': context, ...renderItem(ctx, d, node, selectOf(ctx)) });
}
