/**
 * upload_file's work: text content or a local file to a path in OneDrive or a SharePoint library
 * (`UploadDrive`: the drive's base path and the name the approval shows; default the user's OneDrive).
 *   - text content (≤ 4 MB): the approval shows it; one simple `PUT …:/content`;
 *   - a local file: opened once under the upload policy (ctx.localFiles → local-file.ts); the approval
 *     shows its real path, exact size and SHA-256; the bytes sent are re-read from the same descriptor
 *     and re-hashed. ≤ 4 MB: simple PUT after the hash matched; larger (up to OneDrive's 250 GB): an
 *     upload session (`POST …:/createUploadSession`, then fragments to the pre-authenticated URL with
 *     no Authorization header — upload-session.ts), in constant memory.
 */
import { formatBytes, contentTypeFor } from '../tools/shared/file-types.ts';
import { encodeDrivePath } from '../tools/shared/paths.ts';
import { clip } from '../tools/shared/text.ts';
import { ToolError, type ToolContext } from '../tools/tool.ts';
import { localFileRefusal } from './refusal.ts';
import type { LocalUploadSource } from './types.ts';
import { uploadThroughSession } from './upload-session.ts';

/** Graph's simple upload (PUT …/content) takes up to 4 MB; larger files go through an upload session. */
export const MAX_SIMPLE_UPLOAD_BYTES = 4 * 1024 * 1024;
/** OneDrive's file size limit. */
export const MAX_ONEDRIVE_FILE_BYTES = 250 * 1024 ** 3;

export type ConflictBehavior = 'fail' | 'replace' | 'rename';

export interface DriveUploadInput {
  /** OneDrive path including the file name. */
  path: string;
  content?: string | undefined;
  localPath?: string | undefined;
  conflictBehavior: ConflictBehavior;
}

/** Where the file goes: `/me/drive`, `/drives/{id}` or `/sites/{id}/drive`, and its name for the approval. */
export interface UploadDrive {
  base: string;
  template: string;
  /** "OneDrive", or the SharePoint library's name and URL. */
  label: string;
}

const MY_ONEDRIVE: UploadDrive = { base: '/me/drive', template: '/me/drive', label: 'OneDrive' };

export interface DriveUploadResult<T> {
  item: T;
  bytes: number;
}

const OVERWRITE: Record<ConflictBehavior, string> = {
  fail: ' (fails if it exists)',
  replace: ', REPLACING any existing file',
  rename: ' (renamed if it exists)',
};

interface Target {
  encoded: string;
  name: string;
  input: DriveUploadInput;
  scopes: readonly string[];
  drive: UploadDrive;
}

function target(input: DriveUploadInput, scopes: readonly string[], drive: UploadDrive): Target {
  if ((input.content === undefined) === (input.localPath === undefined))
    throw new ToolError('INVALID_INPUT', 'Give exactly one of content or localPath.');
  const encoded = encodeDrivePath(input.path);
  const name = input.path.replace(/\\/g, '/').split('/').filter(Boolean).pop() ?? '';
  if (encoded === '' || name === '') throw new ToolError('INVALID_INPUT', 'path must end with a file name.');
  return { encoded, name, input, scopes, drive };
}

function simplePut<T>(ctx: ToolContext, t: Target, body: Buffer): Promise<T> {
  return ctx.graph.request<T>({
    method: 'PUT',
    path: `${t.drive.base}/root:/${t.encoded}:/content`,
    pathTemplate: `${t.drive.template}/root:{path}:/content`,
    query: { '@microsoft.graph.conflictBehavior': t.input.conflictBehavior },
    headers: { 'Content-Type': contentTypeFor(t.name) },
    body,
    scopes: t.scopes,
  });
}

async function uploadContent<T>(ctx: ToolContext, t: Target, content: string): Promise<DriveUploadResult<T>> {
  const bytes = Buffer.from(content, 'utf8');
  if (bytes.length > MAX_SIMPLE_UPLOAD_BYTES) {
    throw new ToolError(
      'FILE_TOO_LARGE',
      `The content is ${formatBytes(bytes.length)}; text content can be at most 4 MB. Larger files are uploaded from a local file (localPath).`,
    );
  }
  await ctx.approve(
    clip(
      `Upload text content (${formatBytes(bytes.length)}) to ${t.drive.label} "${t.input.path}"${OVERWRITE[t.input.conflictBehavior]}`,
      1000,
    ),
    {
      Destination: `${t.drive.label}: ${t.input.path}`,
      Source: 'text content',
      Size: formatBytes(bytes.length),
      'If it exists': t.input.conflictBehavior,
      Content: clip(content, 1000),
    },
  );
  return { item: await simplePut<T>(ctx, t, bytes), bytes: bytes.length };
}

function approvalFor(t: Target, source: LocalUploadSource): { summary: string; details: Record<string, string> } {
  const size = `${formatBytes(source.size)} (${source.size.toLocaleString('en-US')} bytes)`;
  const details: Record<string, string> = {
    Destination: `${t.drive.label}: ${t.input.path}`,
    Source: `local file ${source.path}`,
    ...(source.givenPath !== source.path ? { 'Path given': source.givenPath } : {}),
    Size: size,
    'SHA-256': source.sha256,
    'If it exists': t.input.conflictBehavior,
  };
  const summary = `Upload local file ${source.path} (${formatBytes(source.size)}, SHA-256 ${source.sha256.slice(0, 16)}…) to ${t.drive.label} "${t.input.path}"${OVERWRITE[t.input.conflictBehavior]}`;
  return { summary: clip(summary, 1000), details };
}

async function sendLocal<T>(ctx: ToolContext, t: Target, source: LocalUploadSource): Promise<T> {
  const files = ctx.localFiles;
  if (files === undefined) throw localFileRefusal([]);
  if (source.size <= MAX_SIMPLE_UPLOAD_BYTES) {
    for await (const fragment of source.fragments(source.size)) {
      if (fragment.last) return simplePut<T>(ctx, t, Buffer.from(fragment.bytes));
    }
    throw new Error('the file ended before its last fragment');
  }
  const session = await ctx.graph.request<{ uploadUrl?: unknown }>({
    method: 'POST',
    path: `${t.drive.base}/root:/${t.encoded}:/createUploadSession`,
    pathTemplate: `${t.drive.template}/root:{path}:/createUploadSession`,
    body: {
      item: { '@microsoft.graph.conflictBehavior': t.input.conflictBehavior, name: t.name, fileSize: source.size },
    },
    scopes: t.scopes,
  });
  if (typeof session?.uploadUrl !== 'string')
    throw new ToolError('GRAPH_ERROR', 'Microsoft Graph created no upload session (no uploadUrl); nothing was sent.');
  return (await uploadThroughSession({
    uploadUrl: session.uploadUrl,
    source,
    send: files.sendToUploadUrl,
    sleep: (ms) => files.sleep(ms),
    destination: t.input.path,
  })) as T;
}

async function uploadLocal<T>(ctx: ToolContext, t: Target, localPath: string): Promise<DriveUploadResult<T>> {
  if (ctx.localFiles === undefined) throw localFileRefusal([]);
  const source = await ctx.localFiles.open(localPath, { maxBytes: MAX_ONEDRIVE_FILE_BYTES, what: 'OneDrive' });
  try {
    const { summary, details } = approvalFor(t, source);
    await ctx.approve(summary, details);
    return { item: await sendLocal<T>(ctx, t, source), bytes: source.size };
  } finally {
    await source.close();
  }
}

/** Validates, asks for approval, uploads; resolves to Graph's driveItem and the bytes sent. */
export async function uploadToDrive<T>(
  input: DriveUploadInput,
  ctx: ToolContext,
  scopes: readonly string[],
  drive: UploadDrive = MY_ONEDRIVE,
): Promise<DriveUploadResult<T>> {
  const t = target(input, scopes, drive);
  return await (input.localPath !== undefined
    ? uploadLocal<T>(ctx, t, input.localPath)
    : uploadContent<T>(ctx, t, input.content ?? ''));
}
