/**
 * `GET /me/messages/{id}/$value`: the message as MIME (RFC 5322), as Outlook serves it — Graph
 * answers `Content-Type: text/plain` with the MIME text as the body. HTML body as
 * quoted-printable-free base64, file attachments as base64 parts of a multipart/mixed.
 */
import { outlookNotFound } from '../errors.ts';
import type { GraphResponse } from '../http.ts';
import type { FileAttachment, MailAttachment, Message, Recipient } from '../model.ts';
import type { Route, RouteContext } from '../router.ts';
import { mailboxRoutes } from './mail-mailbox.ts';

function address(r: Recipient): string {
  const name = r.emailAddress.name?.replace(/["\\\r\n]/g, '') ?? '';
  return name ? `"${name}" <${r.emailAddress.address}>` : `<${r.emailAddress.address}>`;
}

/** RFC 2047 encoded-word when the header value is not plain ASCII. */
function headerText(s: string): string {
  const clean = s.replace(/[\r\n]+/g, ' ');
  return /^[\x20-\x7e]*$/.test(clean) ? clean : `=?utf-8?B?${Buffer.from(clean, 'utf8').toString('base64')}?=`;
}

function base64Lines(b64: string): string {
  return (b64.match(/.{1,76}/g) ?? []).join('\r\n');
}

function bodyPart(m: Message): string[] {
  const type = m.body.contentType === 'html' ? 'text/html' : 'text/plain';
  return [
    `Content-Type: ${type}; charset="utf-8"`,
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(Buffer.from(m.body.content, 'utf8').toString('base64')),
  ];
}

function attachmentPart(a: FileAttachment): string[] {
  const name = headerText(a.name).replace(/"/g, '');
  return [
    `Content-Type: ${a.contentType}; name="${name}"`,
    `Content-Disposition: ${a.isInline ? 'inline' : 'attachment'}; filename="${name}"`,
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(a.contentBytes),
  ];
}

/** The MIME text of a message. */
export function messageMime(m: Message, all: readonly MailAttachment[]): string {
  const attachments = all.filter((a): a is FileAttachment => a['@odata.type'] === '#microsoft.graph.fileAttachment');
  const headers = [
    ...(m.from ? [`From: ${address(m.from)}`] : []),
    ...(m.toRecipients.length ? [`To: ${m.toRecipients.map(address).join(', ')}`] : []),
    ...(m.ccRecipients.length ? [`Cc: ${m.ccRecipients.map(address).join(', ')}`] : []),
    `Subject: ${headerText(m.subject)}`,
    `Date: ${new Date(m.sentDateTime || m.receivedDateTime).toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: ${m.internetMessageId}`,
    'MIME-Version: 1.0',
  ];
  if (attachments.length === 0) return [...headers, ...bodyPart(m), ''].join('\r\n');
  const boundary = `_000_${m.id.replace(/[^A-Za-z0-9]/g, '').slice(0, 40)}_`;
  const parts = [bodyPart(m), ...attachments.map(attachmentPart)];
  return [
    ...headers,
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    ...parts.flatMap((p) => [`--${boundary}`, ...p]),
    `--${boundary}--`,
    '',
  ].join('\r\n');
}

function getMime(ctx: RouteContext): GraphResponse {
  const state = ctx.store.user(ctx.me.id);
  const m = state.messages.find((x) => x.id === ctx.params[0]);
  if (!m) throw outlookNotFound();
  const raw = Buffer.from(messageMime(m, state.attachments.get(m.id) ?? []), 'utf8');
  return { status: 200, headers: { 'Content-Type': 'text/plain' }, raw };
}

export const mailMimeRoutes: Route[] = mailboxRoutes([
  { method: 'GET', path: '/messages/([^/]+)/\\$value', access: 'readFull', handler: getMime },
]);
