/**
 * Attachments both ways:
 *   - save_attachments: a message's attachments (all, or the ones named) to the download folder —
 *     a file as its bytes, an attached message as .eml (both through `…/attachments/{id}/$value`);
 *     a cloud-file link has no bytes to save and is named as such. Nothing goes to the model as base64.
 *   - attaching local files to a draft (create_draft, update_draft, send_mail): only through
 *     ctx.localFiles (bridge/uploads: the user's upload folders, one open descriptor, path/size/SHA-256
 *     in the approval, bytes re-read and re-hashed while sending). Under 3 MB a `fileAttachment` with
 *     contentBytes; from 3 MB (Outlook's limit is 150 MB) an attachment upload session, whose
 *     pre-authenticated URL gets fragments of < 4 MB and never an Authorization header.
 */
import { z } from 'zod';
import { localFileRefusal } from '../../uploads/refusal.ts';
import type { LocalUploadSource } from '../../uploads/types.ts';
import { UPLOAD_FRAGMENT_UNIT, uploadThroughSession } from '../../uploads/upload-session.ts';
import { defineTool } from '../shared/define.ts';
import { contentTypeFor, formatBytes } from '../shared/file-types.ts';
import { resolveId } from '../shared/ids.ts';
import { plainLine } from '../shared/text.ts';
import { ToolError, type ToolContext, type ToolDefinition } from '../tool.ts';
import { listAttachments, type ListedAttachment } from './read.ts';
import { READ, idField, mailboxField, mailboxOf, messagePath, type Mailbox } from './shared.ts';
import { MAX_DOWNLOAD_BYTES as MAX_SAVE_BYTES } from '../shared/download-limit.ts';

/** Graph: attach with one POST below 3 MB; an upload session from 3 MB to 150 MB. */
export const MAX_INLINE_ATTACHMENT_BYTES = 3 * 1024 * 1024;
export const MAX_ATTACHMENT_BYTES = 150 * 1024 * 1024;
/** Outlook takes less than 4 MB per upload request: 10 × 320 KiB. */
export const ATTACHMENT_FRAGMENT_BYTES = 10 * UPLOAD_FRAGMENT_UNIT;
const MAX_FILES = 10;

// ------------------------------------------------------------------------------------------------
// save_attachments

const saveInput = () => ({
  id: idField.describe('Message id'),
  attachmentIds: z.array(idField).min(1).max(20).optional().describe('Default: all but inline images'),
  mailbox: mailboxField,
});

/** Name on disk: the attachment's name as one clean line, `.eml` for an attached message. */
function fileNameOf(a: ListedAttachment): string {
  const name = plainLine(a.name, 150) || 'attachment';
  return a.kind === 'item' && !/\.eml$/i.test(name) ? `${name}.eml` : name;
}

async function chosen(
  ctx: ToolContext,
  all: ListedAttachment[],
  ids: string[] | undefined,
): Promise<ListedAttachment[]> {
  if (ids === undefined) return all.filter((a) => !a.isInline);
  const wanted = await Promise.all(ids.map((id) => resolveId(ctx, 'attachment', id)));
  const missing = wanted.filter((id) => !all.some((a) => a.id === id));
  if (missing.length > 0)
    throw new ToolError(
      'UNKNOWN_ID',
      `${missing.length} of the attachment ids is not an attachment of this message. Call get_message for its current attachment ids.`,
    );
  return all.filter((a) => wanted.includes(a.id));
}

async function saveOne(ctx: ToolContext, box: Mailbox, path: string, a: ListedAttachment): Promise<string> {
  if (a.kind === 'reference')
    return `- ${a.name}: a link to a cloud file, nothing to save; open the message in Outlook`;
  if ((a.size ?? 0) > MAX_SAVE_BYTES)
    return `- ${a.name}: ${formatBytes(a.size ?? 0)}, larger than the ${formatBytes(MAX_SAVE_BYTES)} Graph Bridge saves; open the message in Outlook`;
  // Streamed from the socket to the file (constant memory), capped at MAX_SAVE_BYTES on the bytes received.
  const saved = await ctx.graph.downloadToFile(
    {
      method: 'GET',
      path: `${path}/attachments/${encodeURIComponent(a.id)}/$value`,
      pathTemplate: `${box.template}/messages/{id}/attachments/{id}/$value`,
      scopes: box.scopes('read'),
    },
    { fileName: fileNameOf(a), maxBytes: MAX_SAVE_BYTES },
  );
  return `- ${a.name} (${formatBytes(saved.bytes)}) saved to ${saved.path}`;
}

export const saveAttachments = defineTool({
  name: 'save_attachments',
  group: 'mail',
  title: 'Save mail attachments',
  description: "Saves a message's attachments to the download folder and returns their local paths.",
  scopes: ['Mail.Read'],
  write: false,
  inputSchema: saveInput,
  annotations: READ,
  async run(input, ctx) {
    const box = mailboxOf(input.mailbox);
    const target = await messagePath(ctx, box, input.id);
    const all = await listAttachments(ctx, box, target.path);
    const picked = await chosen(ctx, all, input.attachmentIds);
    if (picked.length === 0)
      return {
        text:
          all.length === 0
            ? 'The message has no attachments.'
            : 'The message has only inline images; name them in attachmentIds to save them.',
      };
    const lines: string[] = [];
    for (const a of picked) lines.push(await saveOne(ctx, box, target.path, a));
    return { text: [`${picked.length} attachment(s):`, ...lines].join('\n') };
  },
});

// ------------------------------------------------------------------------------------------------
// attaching local files

export const localAttachmentsField = z
  .array(z.string().min(1).max(4096))
  .min(1)
  .max(MAX_FILES)
  .optional()
  .describe('Absolute paths of local files to attach');

/** Opens every file under the upload policy (closing them all if one is refused). */
export async function openAttachments(
  ctx: ToolContext,
  paths: readonly string[] | undefined,
): Promise<LocalUploadSource[]> {
  if (!paths?.length) return [];
  if (ctx.localFiles === undefined) throw localFileRefusal([]);
  const opened: LocalUploadSource[] = [];
  try {
    for (const p of paths)
      opened.push(await ctx.localFiles.open(p, { maxBytes: MAX_ATTACHMENT_BYTES, what: 'a mail attachment' }));
    return opened;
  } catch (error) {
    await closeAll(opened);
    throw error;
  }
}

export async function closeAll(files: readonly LocalUploadSource[]): Promise<void> {
  await Promise.all(files.map((f) => f.close().catch(() => undefined)));
}

/** Approval details, one entry per file: size and SHA-256 first (never cut), then the real path. */
export function attachmentDetails(files: readonly LocalUploadSource[]): Record<string, string> {
  const out: Record<string, string> = {};
  files.forEach((f, i) => {
    const given = f.givenPath !== f.path ? ` (path given: ${f.givenPath})` : '';
    const exact = f.size >= 1024 ? ` (${f.size.toLocaleString('en-US')} bytes)` : '';
    out[`Attachment ${i + 1}`] = `${formatBytes(f.size)}${exact}, SHA-256 ${f.sha256}: local file ${f.path}${given}`;
  });
  return out;
}

/** "; attaching 2 local files (3.1 MB)" for approval summaries. */
export function attachmentSummary(files: readonly LocalUploadSource[]): string {
  if (files.length === 0) return '';
  const total = files.reduce((n, f) => n + f.size, 0);
  return `; attaching ${files.length} local file(s) (${formatBytes(total)}): ${files.map((f) => f.name).join(', ')}`;
}

async function attachSmall(ctx: ToolContext, box: Mailbox, path: string, f: LocalUploadSource): Promise<void> {
  for await (const fragment of f.fragments(Math.max(1, f.size))) {
    if (!fragment.last) continue;
    await ctx.graph.request({
      method: 'POST',
      path: `${path}/attachments`,
      pathTemplate: `${box.template}/messages/{id}/attachments`,
      body: {
        '@odata.type': '#microsoft.graph.fileAttachment',
        name: f.name,
        contentType: contentTypeFor(f.name),
        contentBytes: Buffer.from(fragment.bytes).toString('base64'),
      },
      scopes: box.scopes('write'),
    });
    return;
  }
  throw new Error('the file ended before its last fragment');
}

async function attachLarge(ctx: ToolContext, box: Mailbox, path: string, f: LocalUploadSource): Promise<void> {
  const files = ctx.localFiles;
  if (files === undefined) throw localFileRefusal([]);
  const session = await ctx.graph.request<{ uploadUrl?: unknown }>({
    method: 'POST',
    path: `${path}/attachments/createUploadSession`,
    pathTemplate: `${box.template}/messages/{id}/attachments/createUploadSession`,
    body: {
      AttachmentItem: { attachmentType: 'file', name: f.name, size: f.size, contentType: contentTypeFor(f.name) },
    },
    scopes: box.scopes('write'),
  });
  if (typeof session?.uploadUrl !== 'string')
    throw new ToolError(
      'GRAPH_ERROR',
      'Microsoft Graph created no upload session (no uploadUrl); the file was not attached.',
    );
  await uploadThroughSession({
    uploadUrl: session.uploadUrl,
    source: f,
    send: files.sendToUploadUrl,
    sleep: (ms) => files.sleep(ms),
    fragmentBytes: ATTACHMENT_FRAGMENT_BYTES,
    destination: f.name,
    service: 'Outlook',
  });
}

/** Attaches the opened (and approved) files to message `path`, one after the other. */
export async function attachFiles(
  ctx: ToolContext,
  box: Mailbox,
  path: string,
  files: readonly LocalUploadSource[],
): Promise<void> {
  for (const f of files) {
    if (f.size < MAX_INLINE_ATTACHMENT_BYTES) await attachSmall(ctx, box, path, f);
    else await attachLarge(ctx, box, path, f);
  }
}

export const attachmentTools: readonly ToolDefinition[] = [saveAttachments];
