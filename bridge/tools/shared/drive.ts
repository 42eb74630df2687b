/**
 * Which drive a file tool works on, and its items: the user's own OneDrive (`/me/drive`, Files.Read /
 * Files.ReadWrite) or a SharePoint document library named by the `drive` input — a library id, or a
 * site id for the site's default library (`/drives/{id}`, `/sites/{id}/drive`), which needs
 * Files.Read.All / Files.ReadWrite.All (the files group's on-demand scopes: asked only when a call
 * needs them). Items are addressed by id or by path below the drive's root; lists of items are
 * shaped here for every file tool (short ids, paths relative to the drive's root, one clean line).
 */
import type { DriveItem } from '@microsoft/microsoft-graph-types';
import { z } from 'zod';
import { GROUP_SCOPES } from '../../../app/shared/tool-groups.ts';
import { HANDLE_PREFIX, handlePrefix, isHandle } from '../../handles/handle-code.ts';
import { ToolError, type ToolContext, type ToolResult } from '../tool.ts';
import { formatBytes } from './file-types.ts';
import { resolveId } from './ids.ts';
import { listText, pageIds } from './list.ts';
import { encodeDrivePath, pathSegment } from './paths.ts';
import { plainLine } from './text.ts';

const FILES = GROUP_SCOPES.files;
const SHARED = FILES.onDemand ?? { read: [], write: [] };

export const ITEM_SELECT = 'id,name,size,lastModifiedDateTime,webUrl,file,folder,parentReference';

/** The `drive` input of every file tool. */
export const driveInput = z
  .string()
  .max(500)
  .optional()
  .describe('SharePoint library or site id from search_sites. Default: your OneDrive');

/** The `itemId`/`path` inputs of the tools that take one file or folder. */
export const itemInputs = () => ({
  itemId: z.string().max(500).optional().describe('Id from list_files'),
  path: z.string().max(1000).optional().describe("Path from the drive's root, e.g. Documents/a.txt"),
});

export interface DriveTarget {
  /** `/me/drive`, `/drives/{id}` or `/sites/{id}/drive`. */
  base: string;
  /** The same for the audit log, ids as placeholders. */
  template: string;
  /** Least-privilege scopes for every call on this drive in this tool call. */
  scopes: readonly string[];
  /** A SharePoint library (not the user's own OneDrive). */
  shared: boolean;
}

/** The drive `drive` names (undefined: the user's OneDrive), with the scopes for `access`. */
export async function driveTarget(
  ctx: ToolContext,
  drive: string | undefined,
  access: 'read' | 'write',
): Promise<DriveTarget> {
  const value = drive?.trim() ?? '';
  if (value === '' || value.toLowerCase() === 'me') {
    return {
      base: '/me/drive',
      template: '/me/drive',
      scopes: access === 'read' ? FILES.read : FILES.write,
      shared: false,
    };
  }
  const scopes = access === 'read' ? SHARED.read : SHARED.write;
  const siteHandle = isHandle(value) && handlePrefix(value) === HANDLE_PREFIX.site;
  if (siteHandle || (!isHandle(value) && value.includes(','))) {
    const site = await resolveId(ctx, 'site', value);
    return { base: `/sites/${pathSegment(site)}/drive`, template: '/sites/{id}/drive', scopes, shared: true };
  }
  const id = await resolveId(ctx, 'drive', value);
  return { base: `/drives/${pathSegment(id)}`, template: '/drives/{id}', scopes, shared: true };
}

/** What a person reading an approval needs to know about the drive: "OneDrive" or the library and its URL. */
export async function driveLabel(ctx: ToolContext, t: DriveTarget): Promise<string> {
  if (!t.shared) return 'OneDrive';
  const d = await ctx.graph.request<{ name?: string; webUrl?: string }>({
    method: 'GET',
    path: t.base,
    pathTemplate: t.template,
    query: { $select: 'name,webUrl' },
    scopes: t.scopes,
  });
  return `SharePoint library "${plainLine(d.name, 200) || '(unnamed)'}"${d.webUrl ? ` (${plainLine(d.webUrl, 500)})` : ''}`;
}

/** A folder by path below the root ('' = the root). */
export function folderRef(t: DriveTarget, path: string): { path: string; template: string } {
  const encoded = encodeDrivePath(path);
  return encoded === ''
    ? { path: `${t.base}/root`, template: `${t.template}/root` }
    : { path: `${t.base}/root:/${encoded}:`, template: `${t.template}/root:{path}:` };
}

/** One item by id (a handle or a Graph id) or by path; exactly one of them. */
export async function itemRef(
  ctx: ToolContext,
  t: DriveTarget,
  input: { itemId?: string | undefined; path?: string | undefined },
): Promise<{ path: string; template: string }> {
  if ((input.itemId === undefined) === (input.path === undefined)) {
    throw new ToolError('INVALID_INPUT', 'Give exactly one of itemId or path.');
  }
  if (input.itemId !== undefined) {
    const id = await resolveId(ctx, 'driveItem', input.itemId);
    return { path: `${t.base}/items/${pathSegment(id)}`, template: `${t.template}/items/{id}` };
  }
  const encoded = encodeDrivePath(input.path ?? '');
  if (encoded === '') throw new ToolError('INVALID_INPUT', 'path must name a file or folder, e.g. Documents/notes.md.');
  return { path: `${t.base}/root:/${encoded}`, template: `${t.template}/root:{path}` };
}

/** The item's metadata ($select ITEM_SELECT). */
export function getItem(ctx: ToolContext, t: DriveTarget, ref: { path: string; template: string }): Promise<DriveItem> {
  return ctx.graph.request<DriveItem>({
    method: 'GET',
    path: ref.path,
    pathTemplate: ref.template,
    query: { $select: ITEM_SELECT },
    scopes: t.scopes,
  });
}

/** The item's path below its drive's root (`Documents/a.txt`), from parentReference.path. */
export function itemPath(item: DriveItem): string {
  const name = item.name ?? '(unnamed)';
  const parent = item.parentReference?.path;
  if (typeof parent !== 'string') return name;
  let rel = parent.replace(/^\/drives?(?:\/[^/]+)?\/root:?/, '');
  try {
    rel = decodeURIComponent(rel);
  } catch {
    // keep it as Graph sent it
  }
  rel = rel.replace(/^\/+/, '');
  return rel ? `${rel}/${name}` : name;
}

/** One list line: `- [id] Documents/Reports/ (folder, 3 item(s), modified 2026-05-01 10:00)`. */
export function itemLine(item: DriveItem, id: string): string {
  const folder = item.folder !== undefined && item.folder !== null;
  const count = item.folder?.childCount;
  const what = folder
    ? `folder${typeof count === 'number' ? `, ${count} item(s)` : ''}`
    : typeof item.size === 'number'
      ? formatBytes(item.size)
      : 'file';
  const modified = item.lastModifiedDateTime
    ? `, modified ${item.lastModifiedDateTime.slice(0, 16).replace('T', ' ')}`
    : '';
  const where = plainLine(itemPath(item), 500);
  return `- [${id}] ${folder ? `${where}/` : where} (${what}${modified})`;
}

/** A page of drive items as the tool result: short ids, whole entries, the cursor note. */
export async function itemList(
  ctx: ToolContext,
  page: { items: DriveItem[]; nextCursor: string | null },
  head: (count: number) => string,
): Promise<ToolResult> {
  const withIds = page.items.filter((i): i is DriveItem & { id: string } => typeof i.id === 'string');
  const ids = await pageIds(ctx, 'driveItem', withIds);
  const lines = withIds.map((item, i) => itemLine(item, ids[i] ?? item.id));
  return { text: listText(head(lines.length), lines, page.nextCursor, ctx.limits.maxResultChars) };
}
