/**
 * Message attachments (fileAttachment, itemAttachment, referenceAttachment):
 *   - list / get (`$select` honoured; `@odata.type` always present; an item attachment's `item` only
 *     with `$expand`, which the emulator does not serve);
 *   - `…/attachments/{id}/$value`: a file's bytes (its content type), an attached item's MIME
 *     (`text/plain`, as for a message's `$value`); a reference attachment has no content (400);
 *   - POST a `fileAttachment` with `contentBytes` (at most 3 MB: larger files need a session);
 *   - POST `…/attachments/createUploadSession` with `AttachmentItem {attachmentType: file, name, size}`
 *     (size 1 byte … 150 MB) → 201 uploadSession whose pre-authenticated URL is served by
 *     mail-upload.ts (`${downloadOrigin}/_up/<token>`, the same URL space as OneDrive sessions).
 */
import { randomBytes } from 'node:crypto';
import { badRequest, GraphHttpError, outlookNotFound } from '../errors.ts';
import { jsonResponse, type GraphResponse } from '../http.ts';
import type { FileAttachment, MailAttachment, UserState } from '../model.ts';
import { applySelect, parseSelect } from '../odata/options.ts';
import { collection } from '../odata/paging.ts';
import { meContext, type RouteContext } from '../router.ts';
import { isoZ, outlookId } from '../seed/prng.ts';
import type { GraphStore } from '../store.ts';
import { jsonBody, mailbox, messageOrThrow } from './mail-common.ts';
import type { MailRoute } from './mail-mailbox.ts';
import { messageMime } from './mail-mime.ts';

export const MAX_INLINE_ATTACHMENT_BYTES = 3 * 1024 * 1024;
export const MAX_ATTACHMENT_BYTES = 150 * 1024 * 1024;
export const ATTACHMENT_SESSION_TTL_MS = 15 * 60_000;
const ATTACHMENT_PROPS: ReadonlySet<string> = new Set([
  'id',
  'name',
  'contentType',
  'size',
  'isInline',
  'lastModifiedDateTime',
]);

/** An attachment as Graph lists it: the nested item is a navigation property (only with $expand). */
function attachmentJson(a: MailAttachment, select: readonly string[] | undefined): Record<string, unknown> {
  const { item: _item, ...rest } = a as MailAttachment & { item?: unknown };
  return applySelect(rest, select);
}

function attachmentOrThrow(ctx: RouteContext): { messageId: string; attachment: MailAttachment } {
  const state = mailbox(ctx);
  const m = messageOrThrow(state, ctx.params[0] ?? '');
  const a = (state.attachments.get(m.id) ?? []).find((x) => x.id === ctx.params[1]);
  if (!a) throw outlookNotFound();
  return { messageId: m.id, attachment: a };
}

function select(ctx: RouteContext): string[] | undefined {
  return parseSelect(ctx.req.query, {
    known: ATTACHMENT_PROPS,
    typeName: 'microsoft.graph.attachment',
    code: 'RequestBroker--ParseUri',
  });
}

function listAttachments(ctx: RouteContext): GraphResponse {
  const state = mailbox(ctx);
  const m = messageOrThrow(state, ctx.params[0] ?? '');
  const fields = select(ctx);
  const items = (state.attachments.get(m.id) ?? []).map((a) => attachmentJson(a, fields));
  return jsonResponse(200, collection(meContext(ctx, `messages('${m.id}')/attachments`), { items }));
}

function getAttachment(ctx: RouteContext): GraphResponse {
  const { messageId, attachment } = attachmentOrThrow(ctx);
  return jsonResponse(200, {
    '@odata.context': meContext(ctx, `messages('${messageId}')/attachments/$entity`),
    ...attachmentJson(attachment, select(ctx)),
  });
}

function attachmentValue(ctx: RouteContext): GraphResponse {
  const { attachment: a } = attachmentOrThrow(ctx);
  switch (a['@odata.type']) {
    case '#microsoft.graph.fileAttachment':
      return { status: 200, headers: { 'Content-Type': a.contentType }, raw: Buffer.from(a.contentBytes, 'base64') };
    case '#microsoft.graph.itemAttachment':
      return {
        status: 200,
        headers: { 'Content-Type': 'text/plain' },
        raw: Buffer.from(messageMime(a.item, []), 'utf8'),
      };
    case '#microsoft.graph.referenceAttachment':
      throw badRequest('ErrorInvalidRequest', 'A reference attachment has no content to return.');
  }
}

export function newFileAttachment(
  store: GraphStore,
  nowMs: number,
  f: { name: string; contentType: string; isInline: boolean; bytes: Buffer },
): FileAttachment {
  return {
    '@odata.type': '#microsoft.graph.fileAttachment',
    '@odata.mediaContentType': f.contentType,
    id: `${outlookId(store.rng())}BEgAQA${store.rng().b64(6)}=`,
    lastModifiedDateTime: isoZ(nowMs),
    name: f.name,
    contentType: f.contentType,
    size: f.bytes.length + 180,
    isInline: f.isInline,
    contentId: null,
    contentLocation: null,
    contentBytes: f.bytes.toString('base64'),
  };
}

/** Adds an attachment to a message of a mailbox (hasAttachments follows). */
export function attach(state: UserState, messageId: string, a: MailAttachment, nowMs: number): void {
  const m = messageOrThrow(state, messageId);
  state.attachments.set(m.id, [...(state.attachments.get(m.id) ?? []), a]);
  m.hasAttachments = true;
  m.lastModifiedDateTime = isoZ(nowMs);
}

function addAttachment(ctx: RouteContext): GraphResponse {
  const m = messageOrThrow(mailbox(ctx), ctx.params[0] ?? '');
  const json = jsonBody(ctx);
  if (json['@odata.type'] !== '#microsoft.graph.fileAttachment')
    throw badRequest('ErrorInvalidParameter', 'Only file attachments can be added with contentBytes here.');
  if (typeof json.name !== 'string' || json.name === '' || typeof json.contentBytes !== 'string')
    throw badRequest('ErrorInvalidParameter', 'A file attachment needs a name and contentBytes.');
  const bytes = Buffer.from(json.contentBytes, 'base64');
  if (bytes.length > MAX_INLINE_ATTACHMENT_BYTES)
    throw new GraphHttpError({
      status: 413,
      code: 'ErrorRequestEntityTooLarge',
      message: 'The attachment is too large for this request; use an upload session for files over 3 MB.',
    });
  const a = newFileAttachment(ctx.store, ctx.nowMs, {
    name: json.name,
    contentType: typeof json.contentType === 'string' ? json.contentType : 'application/octet-stream',
    isInline: json.isInline === true,
    bytes,
  });
  attach(mailbox(ctx), m.id, a, ctx.nowMs);
  return jsonResponse(201, {
    '@odata.context': meContext(ctx, `messages('${m.id}')/attachments/$entity`),
    ...attachmentJson(a, undefined),
  });
}

function createSession(ctx: RouteContext): GraphResponse {
  const m = messageOrThrow(mailbox(ctx), ctx.params[0] ?? '');
  const item = jsonBody(ctx).AttachmentItem ?? jsonBody(ctx).attachmentItem;
  const it = (item ?? {}) as Record<string, unknown>;
  if (it.attachmentType !== 'file')
    throw badRequest('ErrorInvalidParameter', "AttachmentItem.attachmentType must be 'file'.");
  if (typeof it.name !== 'string' || it.name === '')
    throw badRequest('ErrorInvalidParameter', 'AttachmentItem.name is required.');
  const size = it.size;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > MAX_ATTACHMENT_BYTES)
    throw badRequest('ErrorInvalidParameter', 'AttachmentItem.size must be between 1 byte and 150 MB.');
  const token = randomBytes(24).toString('base64url');
  const expiresMs = ctx.nowMs + ATTACHMENT_SESSION_TTL_MS;
  for (const [k, u] of ctx.store.attachmentUploads) if (u.expiresMs < ctx.nowMs) ctx.store.attachmentUploads.delete(k);
  ctx.store.attachmentUploads.set(token, {
    mailboxId: ctx.me.id,
    messageId: m.id,
    version: ctx.req.version,
    name: it.name,
    contentType: typeof it.contentType === 'string' ? it.contentType : 'application/octet-stream',
    isInline: it.isInline === true,
    size,
    received: [],
    receivedBytes: 0,
    expiresMs,
  });
  return jsonResponse(201, {
    '@odata.context': `${ctx.base}/$metadata#microsoft.graph.uploadSession`,
    uploadUrl: `${ctx.deps.downloadOrigin}/_up/${token}`,
    expirationDateTime: isoZ(expiresMs),
    nextExpectedRanges: ['0-'],
  });
}

const MSG = '([^/]+)';
export const mailAttachmentRoutes: MailRoute[] = [
  { method: 'GET', path: `/messages/${MSG}/attachments/?`, access: 'readFull', handler: listAttachments },
  { method: 'POST', path: `/messages/${MSG}/attachments/?`, access: 'write', handler: addAttachment },
  {
    method: 'POST',
    path: `/messages/${MSG}/attachments/createUploadSession/?`,
    access: 'write',
    handler: createSession,
  },
  {
    method: 'GET',
    path: `/messages/${MSG}/attachments/([^/]+)/\\$value`,
    access: 'readFull',
    handler: attachmentValue,
  },
  { method: 'GET', path: `/messages/${MSG}/attachments/([^/]+)/?`, access: 'readFull', handler: getAttachment },
];
