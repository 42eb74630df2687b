/**
 * Reading mail: list_messages, search_messages, get_message (with its attachments' ids) and
 * list_mail_folders (folders, a folder's subfolders, or the inbox rules). Lists are compact text (one
 * entry per message: short id, time, sender, flags, subject, preview); bodies are asked of Graph as
 * text (`Prefer: outlook.body-content-type="text"`). Every tool takes `mailbox` for a shared mailbox.
 */
import type { Attachment, MailFolder, Message, MessageRule } from '@microsoft/microsoft-graph-types';
import { z } from 'zod';
import { select } from '../../graph/shape.ts';
import { formatBytes } from '../shared/file-types.ts';
import { shortId, shortIds } from '../shared/ids.ts';
import { cursorInput, listText, pageIds } from '../shared/list.ts';
import { maxBodyCharsInput, outlookBody } from '../shared/outlook-body.ts';
import { clip, plainLine } from '../shared/text.ts';
import { compactUtc } from '../shared/time.ts';
import { ToolError, type ToolContext, type ToolDefinition, type ToolResult } from '../tool.ts';
import { defineTool } from '../shared/define.ts';
import {
  READ,
  bodyText,
  folderSegment,
  formatAddress,
  idField,
  mailboxField,
  mailboxOf,
  messageLine,
  messagePath,
  readMessage,
  recipientList,
  summarize,
  topField,
  type Mailbox,
} from './shared.ts';

const LIST_FIELDS = [
  'id',
  'subject',
  'from',
  'receivedDateTime',
  'isRead',
  'hasAttachments',
  'importance',
  'flag',
  'bodyPreview',
];
const GET_FIELDS = [
  'id',
  'subject',
  'from',
  'toRecipients',
  'ccRecipients',
  'receivedDateTime',
  'isRead',
  'isDraft',
  'importance',
  'flag',
  'categories',
  'hasAttachments',
  'webLink',
  'body',
];

/** One page of messages as the tool result (short ids, list text). */
async function messagesResult(
  ctx: ToolContext,
  page: { items: Message[]; nextCursor: string | null },
  head: string,
): Promise<ToolResult> {
  const ids = await pageIds(ctx, 'message', page.items as { id: string }[]);
  const lines = page.items.map((m, i) => messageLine(summarize(m, ids[i] ?? m.id ?? '')));
  return {
    text: listText(
      `${lines.length} message(s) ${head}; times UTC:`,
      lines,
      page.nextCursor,
      ctx.limits.maxResultChars,
      'ask for fewer per page with top, or read one with get_message',
    ),
  };
}

/** OData string literal: single quotes doubled. */
function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

const listInput = () => ({
  folder: z
    .string()
    .min(1)
    .max(400)
    .optional()
    .describe('Folder id, or inbox, drafts, sentitems, deleteditems, archive, junkemail'),
  unreadOnly: z.boolean().optional(),
  from: z.email().max(320).optional().describe('Sender address'),
  since: z.iso.datetime({ offset: true }).optional(),
  top: topField(50).describe('Default 10'),
  cursor: cursorInput,
  mailbox: mailboxField,
});

export const listMessages = defineTool({
  name: 'list_messages',
  group: 'mail',
  title: 'List mail messages',
  description: 'Lists messages newest first (all folders unless folder is given), with ids for the other mail tools.',
  scopes: ['Mail.Read'],
  write: false,
  inputSchema: listInput,
  annotations: READ,
  async run(input, ctx) {
    const box = mailboxOf(input.mailbox);
    const filters: string[] = [];
    // Outlook requires the $orderby property to appear first in $filter (InefficientFilter otherwise).
    if (input.unreadOnly === true || input.from !== undefined || input.since !== undefined)
      filters.push(`receivedDateTime ge ${input.since ? new Date(input.since).toISOString() : '1900-01-01T00:00:00Z'}`);
    if (input.unreadOnly) filters.push('isRead eq false');
    if (input.from) filters.push(`from/emailAddress/address eq ${odataString(input.from.trim())}`);
    const folder = input.folder === undefined ? undefined : await folderSegment(ctx, input.folder);
    const page = await ctx.graph.page<Message>(
      {
        method: 'GET',
        path: folder ? `${box.root}/mailFolders/${folder}/messages` : `${box.root}/messages`,
        pathTemplate: folder ? `${box.template}/mailFolders/{id}/messages` : `${box.template}/messages`,
        query: {
          $select: select(LIST_FIELDS),
          $top: input.top ?? 10,
          $orderby: 'receivedDateTime desc',
          ...(filters.length ? { $filter: filters.join(' and ') } : {}),
        },
        scopes: box.scopes('read'),
      },
      input.cursor,
    );
    return messagesResult(ctx, page, 'newest first');
  },
});

const searchInput = () => ({
  query: z.string().min(1).max(500).describe('Words, or KQL such as from:ada subject:"Q3 plan" hasAttachments:true'),
  top: topField(50).describe('Default 10'),
  cursor: cursorInput,
  mailbox: mailboxField,
});

export const searchMessages = defineTool({
  name: 'search_messages',
  group: 'mail',
  title: 'Search mail',
  description: 'Full-text search over all mail folders, most recent first.',
  scopes: ['Mail.Read'],
  write: false,
  inputSchema: searchInput,
  annotations: READ,
  async run(input, ctx) {
    const box = mailboxOf(input.mailbox);
    const kql = input.query.replace(/\\/g, ' ').replace(/"/g, '\\"').trim();
    const page = await ctx.graph.page<Message>(
      {
        method: 'GET',
        path: `${box.root}/messages`,
        pathTemplate: `${box.template}/messages`,
        query: { $search: `"${kql}"`, $select: select(LIST_FIELDS), $top: input.top ?? 10 },
        scopes: box.scopes('read'),
      },
      input.cursor,
    );
    return messagesResult(ctx, page, `matching "${plainLine(input.query, 100)}", most recent first`);
  },
});

type Kind = 'file' | 'item' | 'reference';
export interface ListedAttachment {
  id: string;
  name: string;
  kind: Kind;
  contentType?: string;
  size?: number;
  isInline: boolean;
}

function kindOf(a: Attachment & { '@odata.type'?: string }): Kind {
  const t = (a['@odata.type'] ?? '').toLowerCase();
  return t.endsWith('itemattachment') ? 'item' : t.endsWith('referenceattachment') ? 'reference' : 'file';
}

/** A message's attachments (no content): id, name, kind (file, attached item, cloud link), type, size. */
export async function listAttachments(
  ctx: ToolContext,
  box: Mailbox,
  messagePathValue: string,
): Promise<ListedAttachment[]> {
  const page = await ctx.graph.page<Attachment & { '@odata.type'?: string }>({
    method: 'GET',
    path: `${messagePathValue}/attachments`,
    pathTemplate: `${box.template}/messages/{id}/attachments`,
    query: { $select: 'id,name,contentType,size,isInline' },
    scopes: box.scopes('read'),
  });
  return page.items.flatMap((a) =>
    typeof a.id === 'string'
      ? [
          {
            id: a.id,
            name: plainLine(a.name, 200) || '(unnamed)',
            kind: kindOf(a),
            ...(a.contentType ? { contentType: plainLine(a.contentType, 100) } : {}),
            ...(typeof a.size === 'number' ? { size: a.size } : {}),
            isInline: a.isInline === true,
          },
        ]
      : [],
  );
}

export function attachmentLine(a: ListedAttachment, id: string): string {
  const what =
    a.kind === 'item'
      ? 'attached message, saved as .eml'
      : a.kind === 'reference'
        ? 'link to a cloud file: open the message in Outlook'
        : (a.contentType ?? 'file');
  const size = a.size !== undefined ? `, ${formatBytes(a.size)}` : '';
  return `- [${id}] ${a.name} (${what}${size}${a.isInline ? ', inline' : ''})`;
}

/** A message whose attachments cannot be listed is still shown (without them). */
function notListed(error: unknown): ListedAttachment[] {
  if (error instanceof ToolError && (error.code === 'GRAPH_NOT_FOUND' || error.code === 'GRAPH_BAD_REQUEST')) return [];
  throw error;
}

const getInput = () => ({
  id: idField,
  maxBodyChars: maxBodyCharsInput,
  mailbox: mailboxField,
});

export const getMessage = defineTool({
  name: 'get_message',
  group: 'mail',
  title: 'Read a mail message',
  description:
    'Returns one message: headers, flags, the body as text and its attachments with ids for save_attachments.',
  scopes: ['Mail.Read'],
  write: false,
  inputSchema: getInput,
  annotations: READ,
  async run(input, ctx) {
    const box = mailboxOf(input.mailbox);
    const target = await messagePath(ctx, box, input.id);
    const m = await readMessage(ctx, box, target.path, { select: select(GET_FIELDS), textBody: true });
    const id = await shortId(ctx, 'message', m.id ?? target.id);
    const attachments = m.hasAttachments ? await listAttachments(ctx, box, target.path).catch(notListed) : [];
    const attachmentIds = await shortIds(
      ctx,
      'attachment',
      attachments.map((a) => a.id),
    );
    const state = [
      m.isDraft ? 'draft' : '',
      m.isRead === false ? 'unread' : '',
      m.flag?.flagStatus && m.flag.flagStatus !== 'notFlagged' ? m.flag.flagStatus : '',
      m.importance && m.importance !== 'normal' ? `${m.importance} importance` : '',
    ].filter(Boolean);
    const categories = (m.categories ?? []).map((c) => plainLine(c, 50)).filter(Boolean);
    const header = [
      `Subject: ${plainLine(m.subject, 1000)}`,
      `From: ${formatAddress(m.from)}`,
      `To: ${recipientList(m.toRecipients)}`,
      ...(m.ccRecipients?.length ? [`Cc: ${recipientList(m.ccRecipients)}`] : []),
      `Received: ${m.receivedDateTime ? `${compactUtc(m.receivedDateTime)} UTC` : ''}`,
      ...(state.length ? [`State: ${state.join(', ')}`] : []),
      ...(categories.length ? [clip(`Categories: ${categories.join(', ')}`, 300)] : []),
      `Id: ${id}`,
      ...(attachments.length
        ? [
            clip(
              [
                `Attachments (ids for save_attachments):`,
                ...attachments.map((a, i) => attachmentLine(a, attachmentIds[i] ?? a.id)),
              ].join('\n'),
              4000,
            ),
          ]
        : []),
    ].join('\n');
    // The body (and its cut note) gets what is left of one result after the header.
    const body = outlookBody(bodyText(m), {
      requested: input.maxBodyChars,
      room: ctx.limits.maxResultChars - header.length - 2,
      what: 'message',
      webLink: m.webLink,
    });
    return { text: `${header}\n\n${body}` };
  },
});

function folderLine(f: MailFolder, id: string): string {
  const counts = `${f.unreadItemCount ?? 0} unread of ${f.totalItemCount ?? 0}`;
  const children = f.childFolderCount ? `, ${f.childFolderCount} subfolder(s)` : '';
  return `- [${id}] ${plainLine(f.displayName, 200)}: ${counts}${children}`;
}

function ruleLine(r: MessageRule): string {
  const when = JSON.stringify({ ...(r.conditions ?? {}), ...(r.exceptions ? { except: r.exceptions } : {}) });
  const then = JSON.stringify(r.actions ?? {});
  return `- ${r.sequence ?? '?'}. ${plainLine(r.displayName, 200)}${r.isEnabled === false ? ' (off)' : ''}: if ${plainLine(when, 500)} then ${plainLine(then, 500)}`;
}

const foldersInput = () => ({
  parent: z.string().min(1).max(400).optional().describe("List this folder's subfolders"),
  rules: z.boolean().optional().describe('List the inbox rules instead (your mailbox)'),
  top: topField(100).describe('Default 50'),
  cursor: cursorInput,
  mailbox: mailboxField,
});

async function listRules(ctx: ToolContext): Promise<ToolResult> {
  const page = await ctx.graph.page<MessageRule>({
    method: 'GET',
    path: '/me/mailFolders/inbox/messageRules',
    pathTemplate: '/me/mailFolders/inbox/messageRules',
    scopes: ['MailboxSettings.Read'],
  });
  const lines = [...page.items].sort((a, b) => (a.sequence ?? 0) - (b.sequence ?? 0)).map(ruleLine);
  return {
    text: listText(
      `${lines.length} inbox rule(s), in the order they run:`,
      lines,
      page.nextCursor,
      ctx.limits.maxResultChars,
    ),
  };
}

export const listMailFolders = defineTool({
  name: 'list_mail_folders',
  group: 'mail',
  title: 'List mail folders',
  description:
    'Lists mail folders with unread/total counts (top level, or the subfolders of parent), or the inbox rules.',
  scopes: ['Mail.Read'],
  write: false,
  inputSchema: foldersInput,
  annotations: READ,
  async run(input, ctx) {
    if (input.rules) {
      if (input.mailbox !== undefined)
        throw new ToolError(
          'INVALID_INPUT',
          "Inbox rules can only be listed for the user's own mailbox: leave out mailbox.",
        );
      return listRules(ctx);
    }
    const box = mailboxOf(input.mailbox);
    const parent = input.parent === undefined ? undefined : await folderSegment(ctx, input.parent);
    const page = await ctx.graph.page<MailFolder & { id: string }>(
      {
        method: 'GET',
        path: parent ? `${box.root}/mailFolders/${parent}/childFolders` : `${box.root}/mailFolders`,
        pathTemplate: parent ? `${box.template}/mailFolders/{id}/childFolders` : `${box.template}/mailFolders`,
        query: { $top: input.top ?? 50, $select: 'id,displayName,childFolderCount,unreadItemCount,totalItemCount' },
        scopes: box.scopes('read'),
      },
      input.cursor,
    );
    const ids = await pageIds(ctx, 'mailFolder', page.items);
    const lines = page.items.map((f, i) => folderLine(f, ids[i] ?? f.id));
    return {
      text: listText(
        `${lines.length} folder(s); [id] for list_messages folder:`,
        lines,
        page.nextCursor,
        ctx.limits.maxResultChars,
      ),
    };
  },
});

export const readTools: readonly ToolDefinition[] = [listMessages, searchMessages, getMessage, listMailFolders];
