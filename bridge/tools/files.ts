/**
 * OneDrive tools: list_files, search_files, read_file, upload_file.
 * Graph: /me/drive/root/children, /me/drive/root:/{path}:/children, /me/drive/root/search(q=…),
 * /me/drive/items/{id}, /me/drive/root:/{path}, /me/drive/items/{id}/content,
 * PUT /me/drive/root:/{path}:/content (simple upload, ≤ 4 MB), POST /me/drive/root:/{path}:/createUploadSession
 * (larger local files). upload_file's work and its local-file rules live in bridge/uploads/.
 *
 * File content never goes into the model's context as base64: text up to the inline limit is shown
 * as text; anything larger or binary is saved under the download dir and its local path returned.
 */
import { z } from 'zod';
import { GROUP_SCOPES } from '../../app/shared/tool-groups.ts';
import { uploadToDrive } from '../uploads/drive-upload.ts';
import { ToolError, type GraphCall, type ToolContext, type ToolDefinition, type ToolResult } from './tool.ts';
import { READ_ANNOTATIONS, defineTool } from './shared/define.ts';
import { decodeUtf8Text, formatBytes, looksTextual } from './shared/file-types.ts';
import { resolveId, shortId } from './shared/ids.ts';
import { cursorInput, listText, pageIds } from './shared/list.ts';
import { encodeDrivePath, pathSegment } from './shared/paths.ts';
import { plainLine } from './shared/text.ts';

const READ = GROUP_SCOPES.files.read;
const WRITE = GROUP_SCOPES.files.write;
export { MAX_SIMPLE_UPLOAD_BYTES } from '../uploads/drive-upload.ts';
/** read_file refuses to pull bigger files into memory. */
export const MAX_DOWNLOAD_BYTES = 100 * 1024 * 1024;
const ITEM_SELECT = 'id,name,size,lastModifiedDateTime,webUrl,file,folder,parentReference';

interface DriveItem {
  id: string;
  name?: string;
  size?: number;
  lastModifiedDateTime?: string;
  webUrl?: string;
  file?: { mimeType?: string } | null;
  folder?: { childCount?: number } | null;
  parentReference?: { path?: string } | null;
}

const itemShape = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['file', 'folder']),
  size: z.number().optional(),
  modified: z.string().optional(),
  mimeType: z.string().optional(),
  childCount: z.number().optional(),
  path: z.string().optional().describe('Path in OneDrive, usable as list_files/read_file path'),
  webUrl: z.string().optional(),
});
type ShapedItem = z.infer<typeof itemShape>;

function shapeItem(item: DriveItem): ShapedItem {
  const name = item.name ?? '(unnamed)';
  const out: ShapedItem = { id: item.id, name, kind: item.folder ? 'folder' : 'file' };
  if (item.size !== undefined) out.size = item.size;
  if (item.lastModifiedDateTime) out.modified = item.lastModifiedDateTime;
  if (item.file?.mimeType) out.mimeType = item.file.mimeType;
  if (item.folder?.childCount !== undefined) out.childCount = item.folder.childCount;
  const parent = item.parentReference?.path;
  if (parent !== undefined) {
    const rel = decodeURIComponent(parent.replace(/^\/drive\/root:?/, '')).replace(/^\/+/, '');
    out.path = rel ? `${rel}/${name}` : name;
  }
  if (item.webUrl) out.webUrl = item.webUrl;
  return out;
}

function itemLine(i: ShapedItem): string {
  const what =
    i.kind === 'folder'
      ? `folder${i.childCount !== undefined ? `, ${i.childCount} item(s)` : ''}`
      : `${i.size !== undefined ? formatBytes(i.size) : 'file'}`;
  const modified = i.modified ? `, modified ${i.modified.slice(0, 16).replace('T', ' ')}` : '';
  const where = plainLine(i.path ?? i.name, 500);
  return `- [${i.id}] ${i.kind === 'folder' ? `${where}/` : where} (${what}${modified})`;
}

/** A page of drive items as the tool result: short ids, whole entries, the cursor note. */
async function listResult(
  ctx: ToolContext,
  page: { items: DriveItem[]; nextCursor: string | null },
  head: (count: number) => string,
): Promise<ToolResult> {
  const ids = await pageIds(ctx, 'driveItem', page.items);
  const items = page.items.map((item, i) => ({ ...shapeItem(item), id: ids[i] ?? item.id }));
  const text = listText(head(items.length), items.map(itemLine), page.nextCursor, ctx.limits.maxResultChars);
  return { text, structured: { items, nextCursor: page.nextCursor } };
}

const listOutput = { items: z.array(itemShape), nextCursor: z.string().nullable() };

// ------------------------------------------------------------------------------------------------

const listFiles = defineTool({
  name: 'list_files',
  group: 'files',
  title: 'List OneDrive files',
  description:
    "Lists the files and folders in a OneDrive folder of the signed-in user (default: the root). Give path like 'Documents/Reports'. " +
    'Returns name, path, kind, size, modified time and id. Pages with a cursor.',
  scopes: READ,
  write: false,
  inputSchema: {
    path: z
      .string()
      .max(1000)
      .default('')
      .describe("Folder path from the OneDrive root, e.g. 'Documents/Reports'. Empty = root."),
    top: z.number().int().min(1).max(200).default(50).describe('Items per page (1–200).'),
    cursor: cursorInput,
  },
  outputSchema: listOutput,
  annotations: READ_ANNOTATIONS,
  async run(input, ctx) {
    const encoded = encodeDrivePath(input.path);
    const call: GraphCall = {
      method: 'GET',
      path: encoded === '' ? '/me/drive/root/children' : `/me/drive/root:/${encoded}:/children`,
      pathTemplate: encoded === '' ? '/me/drive/root/children' : '/me/drive/root:{path}:/children',
      query: { $select: ITEM_SELECT, $top: input.top },
      scopes: READ,
    };
    const page = await ctx.graph.page<DriveItem>(call, input.cursor);
    const where = encoded === '' ? 'the OneDrive root' : `'${plainLine(input.path, 500)}'`;
    return listResult(ctx, page, (n) => `${n} item(s) in ${where}; [id] for read_file:`);
  },
});

const searchFiles = defineTool({
  name: 'search_files',
  group: 'files',
  title: 'Search OneDrive',
  description:
    "Searches the signed-in user's OneDrive for files and folders whose name, metadata or content matches the text. " +
    'Returns name, path, kind, size and id (use read_file with the id). Pages with a cursor.',
  scopes: READ,
  write: false,
  inputSchema: {
    query: z.string().min(1).max(200).describe('Text to search for, e.g. "budget 2026".'),
    top: z.number().int().min(1).max(200).default(25).describe('Results per page (1–200).'),
    cursor: cursorInput,
  },
  outputSchema: listOutput,
  annotations: READ_ANNOTATIONS,
  async run(input, ctx) {
    const q = encodeURIComponent(input.query.replace(/'/g, "''"));
    const page = await ctx.graph.page<DriveItem>(
      {
        method: 'GET',
        path: `/me/drive/root/search(q='${q}')`,
        pathTemplate: '/me/drive/root/search(q={q})',
        query: { $select: ITEM_SELECT, $top: input.top },
        scopes: READ,
      },
      input.cursor,
    );
    return listResult(ctx, page, (n) => `${n} match(es) for "${plainLine(input.query, 200)}"; [id] for read_file:`);
  },
});

async function itemTarget(
  ctx: ToolContext,
  input: { itemId?: string | undefined; path?: string | undefined },
): Promise<{ path: string; template: string }> {
  if ((input.itemId === undefined) === (input.path === undefined)) {
    throw new ToolError('INVALID_INPUT', 'Give exactly one of itemId or path.');
  }
  if (input.itemId !== undefined) {
    const id = await resolveId(ctx, 'driveItem', input.itemId);
    return { path: `/me/drive/items/${pathSegment(id)}`, template: '/me/drive/items/{id}' };
  }
  const encoded = encodeDrivePath(input.path ?? '');
  if (encoded === '') throw new ToolError('INVALID_INPUT', 'path must name a file, e.g. Documents/notes.md.');
  return { path: `/me/drive/root:/${encoded}`, template: '/me/drive/root:{path}' };
}

const readFileTool = defineTool({
  name: 'read_file',
  group: 'files',
  title: 'Read a OneDrive file',
  description:
    'Reads a OneDrive file by id (from list_files/search_files) or path. Small text files (txt, md, csv, json, …) are returned ' +
    'inline as text. Larger or binary files (PDF, Office, images) are downloaded to a local folder and the local file path is ' +
    'returned instead — open that path with your own file tools.',
  scopes: READ,
  write: false,
  inputSchema: {
    itemId: z.string().min(1).max(500).optional().describe('Drive item id from list_files or search_files.'),
    path: z.string().max(1000).optional().describe("Path from the OneDrive root, e.g. 'Documents/notes.md'."),
  },
  outputSchema: {
    item: itemShape,
    inline: z.boolean().describe('True when content holds the text'),
    content: z.string().optional(),
    savedPath: z.string().optional().describe('Local path of the downloaded file when not inline'),
  },
  annotations: READ_ANNOTATIONS,
  async run(input, ctx) {
    const target = await itemTarget(ctx, input);
    const meta = await ctx.graph.request<DriveItem>({
      method: 'GET',
      path: target.path,
      pathTemplate: target.template,
      query: { $select: ITEM_SELECT },
      scopes: READ,
    });
    const item = { ...shapeItem(meta), id: await shortId(ctx, 'driveItem', meta.id) };
    if (item.kind === 'folder') {
      throw new ToolError('INVALID_INPUT', `'${item.name}' is a folder; use list_files to see what is in it.`);
    }
    if ((item.size ?? 0) > MAX_DOWNLOAD_BYTES) {
      throw new ToolError(
        'FILE_TOO_LARGE',
        `'${item.name}' is ${formatBytes(item.size ?? 0)}; read_file downloads at most ${formatBytes(MAX_DOWNLOAD_BYTES)}. ` +
          `Open it in the browser instead: ${item.webUrl ?? '(no link)'}`,
      );
    }
    const download = await ctx.graph.download({
      method: 'GET',
      path: `/me/drive/items/${pathSegment(meta.id)}/content`,
      pathTemplate: '/me/drive/items/{id}/content',
      scopes: READ,
    });
    const bytes = download.bytes;
    const header = `${item.path ?? item.name} (${formatBytes(bytes.length)}${item.mimeType ? `, ${item.mimeType}` : ''})`;
    const text =
      looksTextual(item.name, item.mimeType ?? download.contentType) && bytes.length <= ctx.limits.maxInlineFileBytes
        ? decodeUtf8Text(bytes)
        : null;
    if (text !== null) {
      return { text: `${header}\n\n${text}`, structured: { item, inline: true, content: text } };
    }
    const savedPath = await ctx.saveDownload(item.name, bytes);
    const why = !looksTextual(item.name, item.mimeType ?? download.contentType)
      ? 'binary file'
      : bytes.length > ctx.limits.maxInlineFileBytes
        ? `too large to show inline (limit ${formatBytes(ctx.limits.maxInlineFileBytes)})`
        : 'not UTF-8 text';
    return {
      text: `${header}: ${why}; saved to ${savedPath}`,
      structured: { item, inline: false, savedPath },
    };
  },
});

const uploadFile: ToolDefinition = defineTool({
  name: 'upload_file',
  group: 'files',
  title: 'Upload a file to OneDrive',
  description:
    'Uploads a file to OneDrive at the given path, either from text content (at most 4 MB) or from a local file (absolute ' +
    "path, up to OneDrive's limit) inside a folder the user allowed for uploads. By default fails if a file already " +
    "exists there (conflictBehavior 'replace' overwrites, 'rename' keeps both). The user is asked to approve first. Returns the new item.",
  scopes: WRITE,
  write: true,
  inputSchema: {
    path: z.string().min(1).max(1000).describe("Destination path including file name, e.g. 'Documents/notes.md'."),
    content: z.string().optional().describe('Text to upload (UTF-8). Give this or localPath.'),
    localPath: z
      .string()
      .max(4000)
      .optional()
      .describe('Absolute path of a local file in a folder the user allowed for uploads. Give this or content.'),
    conflictBehavior: z
      .enum(['fail', 'replace', 'rename'])
      .default('fail')
      .describe("What to do if the file exists: 'fail' (default), 'replace' (overwrite) or 'rename'."),
  },
  outputSchema: { item: itemShape },
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  async run(input, ctx) {
    const { item: created, bytes } = await uploadToDrive<DriveItem>(input, ctx, WRITE);
    const item = shapeItem(created);
    return {
      text: `Uploaded ${formatBytes(bytes)} to ${item.path ?? item.name}\nid: ${item.id}${item.webUrl ? `\nLink: ${item.webUrl}` : ''}`,
      structured: { item },
    };
  },
});

export function createFileTools(): ToolDefinition[] {
  return [listFiles, searchFiles, readFileTool, uploadFile];
}

export const filesTools: ToolDefinition[] = createFileTools();
