/**
 * manage_file: move, rename, copy, delete or share one file or folder of OneDrive or a SharePoint
 * library. Every action reads the item first (GET, before any approval) so the approval names its
 * path, kind and drive; nothing is written before the user approves.
 *   - move / rename: `PATCH {drive}/items/{id}` with `parentReference.id` / `name`
 *     (`@microsoft.graph.conflictBehavior=fail`: an existing name is a 409, reported as such);
 *   - copy: `POST …/copy` — Graph copies in the background (202 + a monitor URL), so the result
 *     says whether the copy is already at its destination (one GET) or still being made;
 *   - delete: `DELETE {drive}/items/{id}` (the item goes to the drive's recycle bin);
 *   - share: `POST …/createLink {type, scope}` → the link's URL (an existing link of the same type
 *     and scope is returned as it is).
 */
import type { DriveItem, Permission } from '@microsoft/microsoft-graph-types';
import { z } from 'zod';
import { GROUP_SCOPES } from '../../app/shared/tool-groups.ts';
import { ToolError, type ToolContext, type ToolDefinition } from './tool.ts';
import { defineTool } from './shared/define.ts';
import {
  driveInput,
  driveLabel,
  driveTarget,
  folderRef,
  getItem,
  itemInputs,
  itemPath,
  itemRef,
  ITEM_SELECT,
  type DriveTarget,
} from './shared/drive.ts';
import { shortId } from './shared/ids.ts';
import { pathSegment } from './shared/paths.ts';
import { clip, plainLine } from './shared/text.ts';

const ACTIONS = ['move', 'rename', 'copy', 'delete', 'share'] as const;
type Action = (typeof ACTIONS)[number];

/** OneDrive's rule for a file or folder name, checked before anything is asked or sent. */
export function checkItemName(name: string): string {
  const n = name.trim();
  // eslint-disable-next-line no-control-regex
  if (n === '' || n === '.' || n === '..' || /["*:<>?/\\|\u0000-\u001f\u007f]/.test(n) || n.length > 255) {
    throw new ToolError(
      'INVALID_INPUT',
      'name must be a plain file or folder name (no / \\ : * ? " < > | or control characters).',
    );
  }
  return n;
}

interface Subject {
  t: DriveTarget;
  item: DriveItem & { id: string };
  path: string;
  /** `file "a.txt"` or `folder "Docs/" (3 item(s))`, for approvals. */
  what: string;
  label: string;
}

function describe(item: DriveItem, path: string): string {
  const shown = plainLine(path, 500);
  if (!item.folder) return `file "${shown}"`;
  const n = item.folder.childCount;
  return `folder "${shown}/"${typeof n === 'number' ? ` (${n} item(s) inside)` : ''}`;
}

function itemCall(s: Subject, suffix = '') {
  return {
    path: `${s.t.base}/items/${pathSegment(s.item.id)}${suffix}`,
    pathTemplate: `${s.t.template}/items/{id}${suffix}`,
    scopes: s.t.scopes,
  };
}

/** The destination folder of a move or copy ('' = the drive's root). */
async function destination(ctx: ToolContext, s: Subject, to: string): Promise<DriveItem & { id: string }> {
  const ref = folderRef(s.t, to);
  const folder = await ctx.graph.request<DriveItem>({
    method: 'GET',
    path: ref.path,
    pathTemplate: ref.template,
    query: { $select: ITEM_SELECT },
    scopes: s.t.scopes,
  });
  if (!folder.folder || typeof folder.id !== 'string')
    throw new ToolError('INVALID_INPUT', `'${plainLine(to, 500)}' is not a folder; give a folder path as to.`);
  return { ...folder, id: folder.id };
}

/** Whether `path` exists on the drive (a 404 is "no"; any other failure is thrown). */
async function exists(ctx: ToolContext, t: DriveTarget, path: string): Promise<DriveItem | null> {
  const ref = folderRef(t, path);
  try {
    return await ctx.graph.request<DriveItem>({
      method: 'GET',
      path: ref.path,
      pathTemplate: ref.template,
      query: { $select: ITEM_SELECT },
      scopes: t.scopes,
    });
  } catch (e) {
    if (e instanceof ToolError && e.code === 'GRAPH_NOT_FOUND') return null;
    throw e;
  }
}

function joinPath(folder: string, name: string): string {
  const f = folder.replace(/\\/g, '/').replace(/^\/+|\/+$/g, '');
  return f ? `${f}/${name}` : name;
}

/** A 409 from a move/rename/copy, told as what it is. */
async function conflictAware<T>(work: Promise<T>, where: string): Promise<T> {
  try {
    return await work;
  } catch (e) {
    if (e instanceof ToolError && e.code === 'GRAPH_CONFLICT')
      throw new ToolError(
        'NAME_EXISTS',
        `Something named like that already exists in ${where}; nothing was changed. Choose another name.`,
      );
    throw e;
  }
}

function folderOf(path: string): string {
  return path.split('/').slice(0, -1).join('/');
}

function inFolder(folder: string): string {
  return folder ? `'${plainLine(folder, 500)}'` : 'the root folder';
}

async function renameOrMove(
  ctx: ToolContext,
  s: Subject,
  input: { action: Action; to?: string | undefined; name?: string | undefined },
) {
  const name = input.name === undefined ? undefined : checkItemName(input.name);
  let body: Record<string, unknown>;
  let target: string;
  if (input.action === 'rename') {
    if (name === undefined) throw new ToolError('INVALID_INPUT', 'rename needs name (the new name).');
    body = { name };
    target = joinPath(folderOf(itemPath(s.item)), name);
  } else {
    if (input.to === undefined)
      throw new ToolError('INVALID_INPUT', 'move needs to (the destination folder path; "" for the root).');
    const dest = await destination(ctx, s, input.to);
    body = { parentReference: { id: dest.id }, ...(name !== undefined ? { name } : {}) };
    target = joinPath(input.to, name ?? s.item.name ?? '');
  }
  const verb = input.action === 'rename' ? 'Rename' : 'Move';
  const shownTarget = plainLine(target, 500);
  await ctx.approve(clip(`${verb} ${s.what} to "${shownTarget}" in ${s.label}`, 1000), {
    Action: input.action,
    Item: plainLine(s.path, 500),
    'New path': shownTarget,
    Drive: s.label,
  });
  const updated = await conflictAware(
    ctx.graph.request<DriveItem>({
      method: 'PATCH',
      ...itemCall(s),
      query: { '@microsoft.graph.conflictBehavior': 'fail' },
      body,
    }),
    inFolder(folderOf(target)),
  );
  return `${verb === 'Rename' ? 'Renamed' : 'Moved'} ${s.what} → ${plainLine(itemPath(updated), 500)}`;
}

async function copy(ctx: ToolContext, s: Subject, input: { to?: string | undefined; name?: string | undefined }) {
  const to = input.to ?? folderOf(itemPath(s.item));
  const name = input.name === undefined ? (s.item.name ?? '') : checkItemName(input.name);
  const target = joinPath(to, name);
  const dest = await destination(ctx, s, to);
  if (await exists(ctx, s.t, target))
    throw new ToolError(
      'NAME_EXISTS',
      `'${plainLine(target, 500)}' already exists; give another name or folder. Nothing was copied.`,
    );
  await ctx.approve(clip(`Copy ${s.what} to "${plainLine(target, 500)}" in ${s.label}`, 1000), {
    Action: 'copy',
    Item: plainLine(s.path, 500),
    'New path': plainLine(target, 500),
    Drive: s.label,
  });
  const driveId = dest.parentReference?.driveId ?? s.item.parentReference?.driveId;
  await conflictAware(
    ctx.graph.request({
      method: 'POST',
      ...itemCall(s, '/copy'),
      query: { '@microsoft.graph.conflictBehavior': 'fail' },
      body: { parentReference: { ...(driveId ? { driveId } : {}), id: dest.id }, name },
    }),
    inFolder(to),
  );
  const made = await exists(ctx, s.t, target);
  if (made?.id) return `Copied ${s.what} → ${plainLine(target, 500)} [${await shortId(ctx, 'driveItem', made.id)}]`;
  return (
    `The copy of ${s.what} to "${plainLine(target, 500)}" was accepted and runs in the background; it is not there yet. ` +
    `Check later with list_files on '${plainLine(to, 500) || '(root)'}'.`
  );
}

async function remove(ctx: ToolContext, s: Subject) {
  await ctx.approve(clip(`Delete ${s.what} from ${s.label} (it goes to the recycle bin)`, 1000), {
    Action: 'delete',
    Item: plainLine(s.path, 500),
    Drive: s.label,
  });
  await ctx.graph.request({ method: 'DELETE', ...itemCall(s) });
  return `Deleted ${s.what}; it is in the recycle bin of ${s.label}.`;
}

async function share(
  ctx: ToolContext,
  s: Subject,
  input: { link: 'view' | 'edit'; scope: 'organization' | 'anonymous' },
) {
  const who =
    input.scope === 'anonymous'
      ? 'ANYONE who has the link, without signing in'
      : 'people in your organization who have the link';
  const can = input.link === 'edit' ? 'edit' : 'view';
  await ctx.approve(clip(`Create a link to ${s.what} in ${s.label} that lets ${who} ${can} it`, 1000), {
    Action: 'share',
    Item: plainLine(s.path, 500),
    Link: `${can} · ${input.scope === 'anonymous' ? 'anyone with the link' : 'your organization'}`,
    Drive: s.label,
  });
  const p = await ctx.graph.request<Permission>({
    method: 'POST',
    ...itemCall(s, '/createLink'),
    body: { type: input.link, scope: input.scope },
  });
  const url = p.link?.webUrl;
  if (!url) throw new ToolError('GRAPH_ERROR', 'Microsoft Graph answered without a link URL.');
  return `Link to ${s.what} (${can}, ${input.scope === 'anonymous' ? 'anyone with the link' : 'your organization'}): ${url}`;
}

export const manageFileTool: ToolDefinition = defineTool({
  name: 'manage_file',
  group: 'files',
  title: 'Move, rename, copy, delete or share a file',
  description:
    'Moves, renames, copies, deletes (to the recycle bin) or shares (creates a link to) one file or folder of OneDrive or a ' +
    'SharePoint library (drive). The user approves first.',
  scopes: GROUP_SCOPES.files.write,
  write: true,
  inputSchema: () => ({
    action: z.enum(ACTIONS),
    ...itemInputs(),
    to: z.string().max(1000).optional().describe('move/copy: destination folder path ("" = root)'),
    name: z.string().max(255).optional().describe('rename: new name; move/copy: optional new name'),
    link: z.enum(['view', 'edit']).default('view').describe('share: what the link allows'),
    scope: z
      .enum(['organization', 'anonymous'])
      .default('organization')
      .describe('share: anonymous = anyone with the link'),
    drive: driveInput,
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  async run(input, ctx) {
    const t = await driveTarget(ctx, input.drive, 'write');
    const item = await getItem(ctx, t, await itemRef(ctx, t, input));
    if (typeof item.id !== 'string')
      throw new ToolError('GRAPH_ERROR', 'Microsoft Graph answered an item without an id.');
    const path = itemPath(item);
    const s: Subject = {
      t,
      item: { ...item, id: item.id },
      path,
      what: describe(item, path),
      label: await driveLabel(ctx, t),
    };
    switch (input.action) {
      case 'move':
      case 'rename':
        return { text: await renameOrMove(ctx, s, input) };
      case 'copy':
        return { text: await copy(ctx, s, input) };
      case 'delete':
        return { text: await remove(ctx, s) };
      case 'share':
        return { text: await share(ctx, s, input) };
    }
  },
});
