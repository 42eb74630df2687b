/**
 * What the mail tools share: whose mailbox a call works on (the signed-in user's `/me`, or a shared
 * mailbox `/users/{address}` with the on-demand *.Shared scopes), the common input fields, message
 * paths, recipients and the one-line shapes of addresses and messages.
 */
import type { Message, Recipient } from '@microsoft/microsoft-graph-types';
import { z } from 'zod';
import { prune } from '../../graph/shape.ts';
import { formatAddress as formatEmailAddress } from '../shared/define.ts';
import { resolveId } from '../shared/ids.ts';
import { bodyToText, clip, plainLine } from '../shared/text.ts';
import { compactUtc } from '../shared/time.ts';
import { ToolError, type ToolAnnotations, type ToolContext } from '../tool.ts';

export const READ: ToolAnnotations = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: true,
};
export const WRITE: ToolAnnotations = {
  readOnlyHint: false,
  destructiveHint: false,
  idempotentHint: false,
  openWorldHint: true,
};

export type MailAccess = 'read' | 'write' | 'send';
const OWN_SCOPES: Record<MailAccess, string[]> = {
  read: ['Mail.Read'],
  write: ['Mail.ReadWrite'],
  send: ['Mail.Send'],
};
/** On demand (GROUP_SCOPES.mail.onDemand): only a call on a shared mailbox asks for them. */
const SHARED_SCOPES: Record<MailAccess, string[]> = {
  read: ['Mail.Read.Shared'],
  write: ['Mail.ReadWrite.Shared'],
  send: ['Mail.Send.Shared'],
};

/** Whose mailbox: the user's own (`/me`) or a shared one (`/users/{address}`). */
export interface Mailbox {
  /** `/me` or `/users/<encoded address>`. */
  root: string;
  /** For the audit log: `/me` or `/users/{mailbox}`. */
  template: string;
  /** The shared mailbox's address, or undefined for the user's own. */
  address?: string;
  scopes(access: MailAccess): string[];
}

export function mailboxOf(address: string | undefined): Mailbox {
  if (address === undefined) return { root: '/me', template: '/me', scopes: (a) => OWN_SCOPES[a] };
  return {
    root: `/users/${encodeURIComponent(address)}`,
    template: '/users/{mailbox}',
    address,
    scopes: (a) => SHARED_SCOPES[a],
  };
}

/** " in the shared mailbox x@y" for approval summaries (empty for the user's own). */
export function inMailbox(box: Mailbox): string {
  return box.address ? ` in the shared mailbox ${box.address}` : '';
}

export const mailboxField = z.email().max(320).optional().describe('A shared mailbox address; omit for your own');
export const idField = z.string().min(1).max(400);
export const topField = (max: number) => z.number().int().min(1).max(max).optional();
const ADDRESS = z.email().max(320);
export const addressList = z.array(ADDRESS).max(100);

/** A message's path (`{root}/messages/{id}`) after its id is resolved; ids with path characters are refused. */
export async function messagePath(ctx: ToolContext, box: Mailbox, id: string): Promise<{ path: string; id: string }> {
  const graphId = await resolveId(ctx, 'message', id);
  if (/[/?#\\]/.test(graphId))
    throw new ToolError('INVALID_INPUT', 'Use a message id from list_messages or search_messages.');
  return { path: `${box.root}/messages/${encodeURIComponent(graphId)}`, id: graphId };
}

/** Graph converts HTML bodies to text itself when asked (bridge/graph/html-to-text.ts stays the fallback). */
const PREFER_TEXT_BODY = { Prefer: 'outlook.body-content-type="text"' };

/** The message at `path` (from messagePath) with the fields `select` names; its body as text with textBody. */
export function readMessage(
  ctx: ToolContext,
  box: Mailbox,
  path: string,
  options: { select: string; textBody?: boolean },
): Promise<Message> {
  return ctx.graph.request<Message>({
    method: 'GET',
    path,
    pathTemplate: `${box.template}/messages/{id}`,
    query: { $select: options.select },
    ...(options.textBody === true ? { headers: PREFER_TEXT_BODY } : {}),
    scopes: box.scopes('read'),
  });
}

/** A folder id or well-known name (inbox, archive, …), resolved; refused when it could leave the path. */
export async function folderSegment(ctx: ToolContext, folder: string): Promise<string> {
  const id = await resolveId(ctx, 'mailFolder', folder);
  if (!/^[A-Za-z0-9_=+\-.]+$/.test(id))
    throw new ToolError('INVALID_INPUT', 'Use a folder id from list_mail_folders or a well-known name such as inbox.');
  return encodeURIComponent(id);
}

/** "Ada Lovelace <ada@contoso.com>" (one clean line); empty when unknown. */
export function formatAddress(r: Recipient | null | undefined): string {
  const text = formatEmailAddress(r?.emailAddress);
  return text === '(unknown)' ? '' : text;
}

/** Recipients as one header value, clipped so a huge list cannot crowd out the rest. */
export function recipientList(list: readonly Recipient[] | null | undefined, max = 2000): string {
  return clip((list ?? []).map(formatAddress).join(', '), max);
}

export function recipients(addresses: readonly string[] | undefined): Recipient[] {
  return (addresses ?? []).map((address) => ({ emailAddress: { address } }));
}

/** A message body as plain text (HTML converted). */
export function bodyText(m: Message): string {
  return bodyToText({ contentType: m.body?.contentType ?? 'text', content: m.body?.content ?? '' });
}

/** Body text for an approval: the first 500 characters. */
export function bodyExcerpt(body: string): string {
  return body.length > 500 ? `${body.slice(0, 500)}…` : body;
}

export interface MessageSummary {
  id: string;
  received?: string;
  from: string;
  subject: string;
  isRead?: boolean;
  importance?: string;
  hasAttachments?: boolean;
  flagged?: boolean;
  preview?: string;
}

export function summarize(m: Message, id: string): MessageSummary {
  return prune({
    id,
    received: m.receivedDateTime ?? undefined,
    from: formatAddress(m.from),
    subject: plainLine(m.subject, 200),
    isRead: m.isRead ?? undefined,
    importance: m.importance && m.importance !== 'normal' ? m.importance : undefined,
    hasAttachments: m.hasAttachments === true ? true : undefined,
    flagged: m.flag?.flagStatus === 'flagged' ? true : undefined,
    preview: plainLine(m.bodyPreview, 100) || undefined,
  }) as MessageSummary;
}

/** Two or three lines per message: id, time, sender and flags; subject; preview. */
export function messageLine(m: MessageSummary): string {
  const flags = [
    m.isRead === false ? 'unread' : '',
    m.importance ? `${m.importance} importance` : '',
    m.flagged ? 'flagged' : '',
    m.hasAttachments ? 'attachments' : '',
  ].filter(Boolean);
  const lines = [
    `- [${m.id}] ${compactUtc(m.received)} from ${m.from || '(unknown sender)'}${flags.length ? ` (${flags.join(', ')})` : ''}`,
    `  Subject: ${m.subject || '(no subject)'}`,
  ];
  if (m.preview) lines.push(`  Preview: ${m.preview}`);
  return lines.join('\n');
}

/** "Sender — Subject" in one clean line, for approvals that list messages. */
export function senderAndSubject(m: Message, max = 180): string {
  return clip(`${formatAddress(m.from) || '(unknown sender)'} — "${plainLine(m.subject, 200) || '(no subject)'}"`, max);
}
