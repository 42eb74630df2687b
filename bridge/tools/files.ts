/**
 * File tools (group `files`) on the user's OneDrive or a SharePoint document library (the `drive`
 * input, shared/drive.ts): list_files (a folder, or a search), read_file, upload_file — and, from
 * their own modules, manage_file (move, rename, copy, delete, share) and the Excel tools
 * read_workbook / write_workbook.
 * Graph: {drive}/root/children, {drive}/root:/{path}:/children, {drive}/root/search(q=…),
 * {drive}/items/{id}, {drive}/root:/{path}, {drive}/items/{id}/content, and upload_file's
 * PUT …:/content / createUploadSession (bridge/uploads/), where {drive} is /me/drive, /drives/{id}
 * or /sites/{id}/drive.
 *
 * File content never goes into the model's context as base64: text up to the inline limit is shown
 * as text; anything larger or binary is saved under the download dir and its local path returned.
 */
import type { DriveItem } from '@microsoft/microsoft-graph-types';
import { z } from 'zod';
import { GROUP_SCOPES } from '../../app/shared/tool-groups.ts';
import { uploadToDrive } from '../uploads/drive-upload.ts';
import { excelTools } from './excel.ts';
import { manageFileTool } from './manage-file.ts';
import { ToolError, type GraphCall, type ToolDefinition } from './tool.ts';
import { READ_ANNOTATIONS, defineTool } from './shared/define.ts';
import {
  driveInput,
  driveLabel,
  driveTarget,
  folderRef,
  getItem,
  itemInputs,
  itemList,
  itemPath,
  itemRef,
  ITEM_SELECT,
} from './shared/drive.ts';
import { decodeUtf8Text, formatBytes, looksTextual } from './shared/file-types.ts';
import { shortId } from './shared/ids.ts';
import { cursorInput } from './shared/list.ts';
import { pathSegment } from './shared/paths.ts';
import { plainLine } from './shared/text.ts';
import { MAX_DOWNLOAD_BYTES } from './shared/download-limit.ts';

const READ = GROUP_SCOPES.files.read;
const WRITE = GROUP_SCOPES.files.write;
export { MAX_SIMPLE_UPLOAD_BYTES } from '../uploads/drive-upload.ts';

// ------------------------------------------------------------------------------------------------

const listFiles = defineTool({
  name: 'list_files',
  group: 'files',
  title: 'List or search files',
  description:
    'Lists a folder of your OneDrive or of a SharePoint library (drive), or searches the whole drive by name and content (query). ' +
    'Returns [id] path (size, modified) per item.',
  scopes: READ,
  write: false,
  inputSchema: () => ({
    path: z.string().max(1000).optional().describe('Folder, e.g. Documents/Reports. Default: the root'),
    query: z.string().min(1).max(200).optional().describe('Search text instead of listing a folder'),
    drive: driveInput,
    top: z.number().int().min(1).max(200).default(50),
    cursor: cursorInput,
  }),
  annotations: READ_ANNOTATIONS,
  async run(input, ctx) {
    const t = await driveTarget(ctx, input.drive, 'read');
    const where = t.shared ? 'the library' : 'OneDrive';
    if (input.query !== undefined) {
      if (input.path)
        throw new ToolError('INVALID_INPUT', 'Give path or query, not both: query searches the whole drive.');
      const q = encodeURIComponent(input.query.replace(/'/g, "''"));
      const page = await ctx.graph.page<DriveItem>(
        {
          method: 'GET',
          path: `${t.base}/root/search(q='${q}')`,
          pathTemplate: `${t.template}/root/search(q={q})`,
          query: { $select: ITEM_SELECT, $top: input.top },
          scopes: t.scopes,
        },
        input.cursor,
      );
      return itemList(ctx, page, (n) => `${n} match(es) in ${where} for "${plainLine(input.query, 200)}":`);
    }
    const folder = folderRef(t, input.path ?? '');
    const page = await ctx.graph.page<DriveItem>(
      {
        method: 'GET',
        path: `${folder.path}/children`,
        pathTemplate: `${folder.template}/children`,
        query: { $select: ITEM_SELECT, $top: input.top },
        scopes: t.scopes,
      },
      input.cursor,
    );
    const name = input.path ? `'${plainLine(input.path, 500)}'` : 'the root';
    return itemList(ctx, page, (n) => `${n} item(s) in ${name} of ${where}:`);
  },
});

const readFileTool = defineTool({
  name: 'read_file',
  group: 'files',
  title: 'Read a file',
  description:
    'Reads a file by id or path: small text files inline; larger or binary ones (PDF, Office, images) are saved to a ' +
    'local folder and the path returned. For Excel data use read_workbook.',
  scopes: READ,
  write: false,
  inputSchema: () => ({ ...itemInputs(), drive: driveInput }),
  annotations: READ_ANNOTATIONS,
  async run(input, ctx) {
    const t = await driveTarget(ctx, input.drive, 'read');
    const meta = await getItem(ctx, t, await itemRef(ctx, t, input));
    const name = meta.name ?? 'file';
    const path = itemPath(meta);
    if (meta.folder) throw new ToolError('INVALID_INPUT', `'${plainLine(path, 500)}' is a folder; use list_files.`);
    if ((meta.size ?? 0) > MAX_DOWNLOAD_BYTES) {
      throw new ToolError(
        'FILE_TOO_LARGE',
        `'${plainLine(name, 200)}' is ${formatBytes(meta.size ?? 0)}; read_file downloads at most ${formatBytes(MAX_DOWNLOAD_BYTES)}. ` +
          `Open it in the browser instead: ${meta.webUrl ?? '(no link)'}`,
      );
    }
    const content: GraphCall = {
      method: 'GET',
      path: `${t.base}/items/${pathSegment(meta.id ?? '')}/content`,
      pathTemplate: `${t.template}/items/{id}/content`,
      scopes: t.scopes,
    };
    const id = await shortId(ctx, 'driveItem', meta.id ?? '');
    const heading = (bytes: number): string =>
      `${plainLine(path, 500)} [${id}] (${formatBytes(bytes)}${meta.file?.mimeType ? `, ${meta.file.mimeType}` : ''})`;
    const inlineLimit = ctx.limits.maxInlineFileBytes;
    if ((meta.size ?? Number.POSITIVE_INFINITY) > inlineLimit) {
      // Too large to show inline: streamed from the socket to the file, in constant memory.
      const saved = await ctx.graph.downloadToFile(content, { fileName: name, maxBytes: MAX_DOWNLOAD_BYTES });
      const why = looksTextual(name, meta.file?.mimeType ?? saved.contentType)
        ? `too large to show inline (limit ${formatBytes(inlineLimit)})`
        : 'binary file';
      return { text: `${heading(saved.bytes)}: ${why}; saved to ${saved.path}` };
    }
    const download = await ctx.graph.download(content);
    const bytes = download.bytes;
    const textual = looksTextual(name, meta.file?.mimeType ?? download.contentType);
    const text = textual && bytes.length <= inlineLimit ? decodeUtf8Text(bytes) : null;
    if (text !== null) return { text: `${heading(bytes.length)}\n\n${text}` };
    const savedPath = await ctx.saveDownload(name, bytes);
    const why = !textual
      ? 'binary file'
      : bytes.length > inlineLimit
        ? `too large to show inline (limit ${formatBytes(inlineLimit)})`
        : 'not UTF-8 text';
    return { text: `${heading(bytes.length)}: ${why}; saved to ${savedPath}` };
  },
});

const uploadFile: ToolDefinition = defineTool({
  name: 'upload_file',
  group: 'files',
  title: 'Upload a file',
  description:
    'Uploads text content (≤ 4 MB) or a local file (absolute path in a folder the user allowed for uploads) to a path in ' +
    'OneDrive or a SharePoint library (drive), after the user approves. Returns the new item.',
  scopes: WRITE,
  write: true,
  inputSchema: () => ({
    path: z.string().min(1).max(1000).describe('Destination including the file name'),
    content: z.string().optional().describe('Text (UTF-8); or give localPath'),
    localPath: z.string().max(4000).optional(),
    conflictBehavior: z.enum(['fail', 'replace', 'rename']).default('fail').describe('If the file exists'),
    drive: driveInput,
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  async run(input, ctx) {
    const t = await driveTarget(ctx, input.drive, 'write');
    const label = await driveLabel(ctx, t);
    const { item, bytes } = await uploadToDrive<DriveItem>(input, ctx, t.scopes, { ...t, label });
    const id = await shortId(ctx, 'driveItem', item.id ?? '');
    return {
      text: `Uploaded ${formatBytes(bytes)} to ${plainLine(itemPath(item), 500)} in ${label} [${id}]${item.webUrl ? `\nLink: ${item.webUrl}` : ''}`,
    };
  },
});

export function createFileTools(): ToolDefinition[] {
  return [listFiles, readFileTool, uploadFile, manageFileTool, ...excelTools];
}

export const filesTools: ToolDefinition[] = createFileTools();
