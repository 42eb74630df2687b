/**
 * Managing drive items: move/rename (`PATCH` with `parentReference`/`name`), copy (async in Graph:
 * `POST …/copy` → 202 with a `Location` monitor URL on the download host, see ../copy-monitor.ts)
 * and sharing links (`POST …/createLink` → a permission with `link.webUrl`; the same type and scope
 * again answers the existing link with 200).
 *
 * Emulator simplifications: a copy is done when the 202 is sent (its monitor reports `completed`),
 * and a name conflict of a copy is a 409 at once (Graph reports it through the monitor).
 */
import { randomBytes } from 'node:crypto';
import { badRequest, GraphHttpError, invalidJsonPayload } from '../errors.ts';
import { emptyResponse, jsonResponse, readJsonBody, type GraphResponse } from '../http.ts';
import type { DriveNode, SharingPermission } from '../model.ts';
import type { Route, RouteContext } from '../router.ts';
import { createDriveBuilder, mimeTypeFor } from '../seed/drive.ts';
import { isoZ } from '../seed/prng.ts';
import {
  checkName,
  childNamed,
  childrenOf,
  driveOf,
  driveRoute,
  isWithin,
  itemResponse,
  nameExists,
  nodeById,
  renamed,
  resolvePath,
  type DriveRef,
} from './drive-tree.ts';
import { ID, PATH } from './drive.ts';

const MONITOR_TTL_MS = 60 * 60 * 1000;

function behaviorOf(ctx: RouteContext): string {
  return (ctx.req.query.get('@microsoft.graph.conflictBehavior') ?? 'fail').toLowerCase();
}

function objectField(json: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const v = json[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw invalidJsonPayload();
  return v as Record<string, unknown>;
}

/** The folder a `parentReference` names in drive `d` (by id, or by `path` like `/drive/root:/Docs`). */
function parentFolder(d: DriveRef, ref: Record<string, unknown>): DriveNode {
  let folder: DriveNode;
  if (typeof ref.id === 'string') folder = nodeById(d, ref.id);
  else if (typeof ref.path === 'string') {
    const m = /^\/drives?(?:\/[^/]+)?\/root:?(.*)$/.exec(ref.path);
    if (!m) throw badRequest('invalidRequest', 'Invalid parentReference path.');
    folder = resolvePath(d, 'root', m[1] ?? '');
  } else throw badRequest('invalidRequest', 'parentReference needs an id or a path.');
  if (!folder.item.folder) throw badRequest('invalidRequest', 'The parent item is not a folder.');
  return folder;
}

function touch(ctx: RouteContext, node: DriveNode): void {
  const version = Number(/,(\d+)"$/.exec(node.item.eTag)?.[1] ?? '1') + 1;
  node.item.eTag = node.item.eTag.replace(/,\d+"$/, `,${version}"`);
  node.item.lastModifiedDateTime = isoZ(ctx.nowMs);
  node.item.lastModifiedBy = { user: { displayName: ctx.me.displayName, email: ctx.me.mail } };
}

/** PATCH: rename (`name`) and/or move (`parentReference`) within the drive. */
function updateItem(ctx: RouteContext, d: DriveRef, node: DriveNode): GraphResponse {
  const json = readJsonBody(ctx.req.body, invalidJsonPayload);
  if (node.parentId === null) throw badRequest('invalidRequest', 'The root of a drive cannot be renamed or moved.');
  const ref = objectField(json, 'parentReference');
  if (ref && typeof ref.driveId === 'string' && ref.driveId !== d.drive.id)
    throw badRequest('invalidRequest', 'Moving items between drives is not supported; copy the item instead.');
  const parent = ref ? parentFolder(d, ref) : nodeById(d, node.parentId);
  if (isWithin(d.drive, parent.item.id, node.item.id))
    throw badRequest('invalidRequest', 'An item cannot be moved into itself or one of its folders.');
  let name = json.name === undefined ? node.item.name : checkName(json.name);
  const clash = childNamed(d.drive, parent.item.id, name);
  if (clash && clash !== node) {
    const behavior = behaviorOf(ctx);
    if (behavior === 'rename') name = renamed(d.drive, parent.item.id, name);
    else if (behavior === 'replace' && clash.item.file) d.drive.nodes.delete(clash.item.id);
    else throw nameExists();
  }
  node.parentId = parent.item.id;
  node.item.name = name;
  if (node.item.file) node.item.file = { ...node.item.file, mimeType: mimeTypeFor(name) };
  touch(ctx, node);
  return itemResponse(ctx, d, node, 200);
}

/** Copies `node` of `from` (a folder with everything below it) under `parentId` of `to` as `name`. */
function copyTree(
  ctx: RouteContext,
  drives: { from: DriveRef; to: DriveRef },
  node: DriveNode,
  target: { parentId: string; name: string },
): string {
  const b = createDriveBuilder(
    { displayName: ctx.me.displayName, email: ctx.me.mail },
    ctx.store.rng(),
    drives.to.drive,
  );
  if (node.item.file) {
    const id = b.file(target.parentId, target.name, Buffer.from(node.content ?? Buffer.alloc(0)), ctx.nowMs);
    const copy = drives.to.drive.nodes.get(id);
    if (copy && node.workbook) copy.workbook = structuredClone(node.workbook);
    return id;
  }
  const id = b.folder(target.parentId, target.name, ctx.nowMs);
  for (const child of childrenOf(drives.from.drive, node.item.id))
    copyTree(ctx, drives, child, { parentId: id, name: child.item.name });
  return id;
}

/** POST copy → 202 with a monitor URL; the copy exists when the 202 is sent. */
function copyItem(ctx: RouteContext, d: DriveRef, node: DriveNode): GraphResponse {
  const json = ctx.req.body.length === 0 ? {} : readJsonBody(ctx.req.body, invalidJsonPayload);
  if (node.parentId === null) throw badRequest('invalidRequest', 'The root of a drive cannot be copied.');
  const ref = objectField(json, 'parentReference');
  const to = ref && typeof ref.driveId === 'string' ? driveOf(ctx, `drives/${ref.driveId}`, 'write') : d;
  const parent =
    ref && (ref.id !== undefined || ref.path !== undefined) ? parentFolder(to, ref) : nodeById(d, node.parentId);
  if (to.drive === d.drive && isWithin(d.drive, parent.item.id, node.item.id))
    throw badRequest('invalidRequest', 'An item cannot be copied into itself or one of its folders.');
  let name = json.name === undefined ? node.item.name : checkName(json.name);
  if (childNamed(to.drive, parent.item.id, name)) {
    if (behaviorOf(ctx) !== 'rename') throw nameExists();
    name = renamed(to.drive, parent.item.id, name);
  }
  const resourceId = copyTree(ctx, { from: d, to }, node, { parentId: parent.item.id, name });
  for (const [k, m] of ctx.store.copyMonitors) if (m.expiresMs < ctx.nowMs) ctx.store.copyMonitors.delete(k);
  const token = randomBytes(24).toString('base64url');
  ctx.store.copyMonitors.set(token, { resourceId, expiresMs: ctx.nowMs + MONITOR_TTL_MS });
  return emptyResponse(202, { Location: `${ctx.deps.downloadOrigin}/_mon/${token}` });
}

const LINK_TYPES = ['view', 'edit', 'embed'] as const;
const LINK_SCOPES = ['anonymous', 'organization', 'users'] as const;

function linkLetter(node: DriveNode): string {
  if (node.item.folder) return 'f';
  const ext = node.item.name.slice(node.item.name.lastIndexOf('.') + 1).toLowerCase();
  return { xlsx: 'x', docx: 'w', pptx: 'p', pdf: 'b' }[ext] ?? 'u';
}

/** POST createLink → 201 a new sharing link, 200 the existing one of the same type and scope. */
function createLink(ctx: RouteContext, d: DriveRef, node: DriveNode): GraphResponse {
  const json = readJsonBody(ctx.req.body, invalidJsonPayload);
  const type = json.type;
  const scope = json.scope ?? 'organization';
  if (typeof type !== 'string' || !(LINK_TYPES as readonly string[]).includes(type))
    throw badRequest('invalidRequest', 'Invalid value for the link type.');
  if (typeof scope !== 'string' || !(LINK_SCOPES as readonly string[]).includes(scope))
    throw badRequest('invalidRequest', 'Invalid value for the link scope.');
  if (type === 'embed') throw badRequest('invalidRequest', 'Embed links are only supported in OneDrive for home.');
  if (scope === 'users' && !(Array.isArray(json.recipients) && json.recipients.length > 0))
    throw badRequest('invalidRequest', 'A link for specific people needs recipients.');
  const existing = (node.links ?? []).find((l) => l.link.type === type && l.link.scope === scope && scope !== 'users');
  const context = { '@odata.context': `${ctx.base}/$metadata#microsoft.graph.permission` };
  if (existing) return jsonResponse(200, { ...context, ...existing });
  const token = randomBytes(16).toString('base64url');
  const host = new URL(d.drive.webUrl).origin;
  const webUrl = `${host}/:${linkLetter(node)}:/${scope === 'anonymous' ? '' : 'g/'}E${token}`;
  const permission: SharingPermission = {
    id: randomBytes(12).toString('hex'),
    roles: type === 'view' ? ['read'] : ['write'],
    shareId: `u!${Buffer.from(webUrl).toString('base64url')}`,
    link: {
      type: type as SharingPermission['link']['type'],
      scope: scope as SharingPermission['link']['scope'],
      webUrl,
      preventsDownload: false,
    },
  };
  (node.links ??= []).push(permission);
  return jsonResponse(201, { ...context, ...permission });
}

function folderOrFile(d: DriveRef, p: string[], byPath: boolean): DriveNode {
  return byPath ? resolvePath(d, 'root', p[0] ?? '') : nodeById(d, p[0] ?? '');
}

export const driveManageRoutes: Route[] = [
  driveRoute('PATCH', `${ID}/?$`, (ctx, d, p) => updateItem(ctx, d, folderOrFile(d, p, false))),
  driveRoute('PATCH', `${PATH}:?$`, (ctx, d, p) => updateItem(ctx, d, folderOrFile(d, p, true))),
  driveRoute('POST', `${ID}/copy/?$`, (ctx, d, p) => copyItem(ctx, d, folderOrFile(d, p, false))),
  driveRoute('POST', `${PATH}:/copy/?$`, (ctx, d, p) => copyItem(ctx, d, folderOrFile(d, p, true))),
  driveRoute('POST', `${ID}/createLink/?$`, (ctx, d, p) => createLink(ctx, d, folderOrFile(d, p, false))),
  driveRoute('POST', `${PATH}:/createLink/?$`, (ctx, d, p) => createLink(ctx, d, folderOrFile(d, p, true))),
];

export function monitorNotFound(): GraphHttpError {
  return new GraphHttpError({ status: 404, code: 'itemNotFound', message: 'The resource could not be found.' });
}
