/**
 * Mail group: list/search/read messages and folders; create drafts, send, reply (writes ask the
 * user through ctx.approve first, with recipients and subject).
 *
 * Lists are compact text (one entry per message: short id, time, sender, flags, subject, preview);
 * ids are short handles (shared/ids.ts) and every id input takes a handle or a Graph id. Bodies are
 * asked of Graph as text (`Prefer: outlook.body-content-type="text"`).
 */
import { z } from 'zod';
import { compactJson, prune, select } from '../graph/shape.ts';
import { ToolError, type ToolContext, type ToolDefinition } from './tool.ts';
import { formatAddress as formatEmailAddress } from './shared/define.ts';
import { resolveId, shortId } from './shared/ids.ts';
import { cursorInput, listText, pageIds } from './shared/list.ts';
import { bodyToText, clip, cutBody, plainLine } from './shared/text.ts';
import { compactUtc } from './shared/time.ts';

const READ = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true } as const;
const WRITE = { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true } as const;

const MAIL_READ = ['Mail.Read'];
const LIST_FIELDS = [
  'id',
  'subject',
  'from',
  'receivedDateTime',
  'isRead',
  'hasAttachments',
  'importance',
  'bodyPreview',
];
const GET_FIELDS = [
  'id',
  'subject',
  'from',
  'toRecipients',
  'ccRecipients',
  'replyTo',
  'receivedDateTime',
  'sentDateTime',
  'isRead',
  'isDraft',
  'importance',
  'hasAttachments',
  'conversationId',
  'webLink',
  'body',
];
/** Graph converts HTML bodies to text itself when asked (bridge/graph/html-to-text.ts stays the fallback). */
const PREFER_TEXT_BODY = { Prefer: 'outlook.body-content-type="text"' };
const PREVIEW_CHARS = 100;
const SUBJECT_CHARS = 200;
const DEFAULT_BODY_CHARS = 8000;

const topField = z.number().int().min(1).max(50).optional().describe('Messages per page (default 10, max 50)');

interface GraphRecipient {
  emailAddress?: { name?: string; address?: string };
}
interface GraphMessage {
  id: string;
  subject?: string | null;
  from?: GraphRecipient | null;
  toRecipients?: GraphRecipient[];
  ccRecipients?: GraphRecipient[];
  replyTo?: GraphRecipient[];
  receivedDateTime?: string | null;
  sentDateTime?: string | null;
  isRead?: boolean;
  isDraft?: boolean;
  importance?: string;
  hasAttachments?: boolean;
  conversationId?: string;
  webLink?: string;
  bodyPreview?: string;
  body?: { contentType?: string; content?: string };
}

/** "Ada Lovelace <ada@contoso.com>" (one clean line). */
export function formatAddress(r: GraphRecipient | null | undefined): string {
  const text = formatEmailAddress(r?.emailAddress);
  return text === '(unknown)' ? '' : text;
}

const summarySchema = z.object({
  id: z.string().describe('Message id for get_message and reply_to_message'),
  received: z.string().optional().describe('Received time, ISO 8601 UTC'),
  from: z.string(),
  subject: z.string(),
  isRead: z.boolean().optional(),
  importance: z.string().optional().describe('Only when not normal'),
  hasAttachments: z.boolean().optional().describe('Only when true'),
  preview: z.string().optional(),
});
type MessageSummary = z.infer<typeof summarySchema>;

function summarize(m: GraphMessage, id: string): MessageSummary {
  return prune({
    id,
    received: m.receivedDateTime ?? undefined,
    from: formatAddress(m.from),
    subject: plainLine(m.subject, SUBJECT_CHARS),
    isRead: m.isRead,
    importance: m.importance && m.importance !== 'normal' ? m.importance : undefined,
    hasAttachments: m.hasAttachments === true ? true : undefined,
    preview: plainLine(m.bodyPreview, PREVIEW_CHARS) || undefined,
  }) as MessageSummary;
}

/** Two or three lines per message: id, time, sender and flags; subject; preview. */
export function messageLine(m: MessageSummary): string {
  const flags = [
    m.isRead === false ? 'unread' : '',
    m.importance ? `${m.importance} importance` : '',
    m.hasAttachments ? 'attachments' : '',
  ].filter(Boolean);
  const lines = [
    `- [${m.id}] ${compactUtc(m.received)} from ${m.from || '(unknown sender)'}${flags.length ? ` (${flags.join(', ')})` : ''}`,
    `  Subject: ${m.subject || '(no subject)'}`,
  ];
  if (m.preview) lines.push(`  Preview: ${m.preview}`);
  return lines.join('\n');
}

const listOutput = { messages: z.array(summarySchema), nextCursor: z.string().nullable() };

/** One page of messages as the tool result (short ids, list text). */
async function messagesResult(
  ctx: ToolContext,
  page: { items: GraphMessage[]; nextCursor: string | null },
  head: string,
): Promise<{ text: string; structured: Record<string, unknown> }> {
  const ids = await pageIds(ctx, 'message', page.items);
  const messages = page.items.map((m, i) => summarize(m, ids[i] ?? m.id));
  const text = listText(
    `${messages.length} message(s) ${head}; times UTC; [id] for get_message:`,
    messages.map(messageLine),
    page.nextCursor,
    ctx.limits.maxResultChars,
    'ask for fewer per page with top, or read one with get_message',
  );
  return { text, structured: { messages, nextCursor: page.nextCursor } };
}

/** OData string literal: single quotes doubled. */
function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A folder id or a well-known name (inbox, drafts, sentitems, deleteditems, archive, junkemail). */
const folderField = z
  .string()
  .min(1)
  .max(400)
  .regex(/^[A-Za-z0-9_=+\-.]+$/, 'a folder id or well-known name')
  .optional()
  .describe(
    'Folder id from list_mail_folders, or inbox, drafts, sentitems, deleteditems, archive, junkemail. Omit for all folders.',
  );

const listInput = {
  folder: folderField,
  unreadOnly: z.boolean().optional().describe('Only unread messages'),
  from: z.string().max(300).optional().describe('Only messages from this email address'),
  since: z.iso.datetime({ offset: true }).optional().describe('Only messages received at or after this ISO 8601 time'),
  top: topField,
  cursor: cursorInput,
};

export const listMessages: ToolDefinition<typeof listInput, typeof listOutput> = {
  name: 'list_messages',
  group: 'mail',
  title: 'List mail messages',
  description:
    'Lists messages newest first (id, received time, sender, unread/importance/attachment flags, subject, short preview), optionally in one folder, unread only, from one sender, or since a time. Use get_message with an id for the full body. Pass nextCursor back as cursor for more.',
  scopes: MAIL_READ,
  write: false,
  inputSchema: listInput,
  outputSchema: listOutput,
  annotations: READ,
  async run(input, ctx) {
    const filters: string[] = [];
    const hasFilter = input.unreadOnly === true || input.from !== undefined || input.since !== undefined;
    // Outlook requires the $orderby property to appear first in $filter (InefficientFilter otherwise).
    if (hasFilter)
      filters.push(`receivedDateTime ge ${input.since ? new Date(input.since).toISOString() : '1900-01-01T00:00:00Z'}`);
    if (input.unreadOnly) filters.push('isRead eq false');
    if (input.from) filters.push(`from/emailAddress/address eq ${odataString(input.from.trim())}`);
    const folder = input.folder === undefined ? undefined : await resolveId(ctx, 'mailFolder', input.folder);
    const page = await ctx.graph.page<GraphMessage>(
      {
        method: 'GET',
        path: folder ? `/me/mailFolders/${encodeURIComponent(folder)}/messages` : '/me/messages',
        pathTemplate: folder ? '/me/mailFolders/{id}/messages' : '/me/messages',
        query: {
          $select: select(LIST_FIELDS),
          $top: input.top ?? 10,
          $orderby: 'receivedDateTime desc',
          ...(filters.length ? { $filter: filters.join(' and ') } : {}),
        },
        scopes: this.scopes,
      },
      input.cursor,
    );
    return messagesResult(ctx, page, 'newest first');
  },
};

const searchInput = {
  query: z
    .string()
    .min(1)
    .max(500)
    .describe(
      'Words to find in subject, body or sender; KQL such as from:ada subject:"Q3 plan" hasAttachments:true also works',
    ),
  top: topField,
  cursor: cursorInput,
};

export const searchMessages: ToolDefinition<typeof searchInput, typeof listOutput> = {
  name: 'search_messages',
  group: 'mail',
  title: 'Search mail',
  description:
    'Full-text search over all mail folders (subject, body, sender, recipients), most recent first. Returns message summaries with ids for get_message.',
  scopes: MAIL_READ,
  write: false,
  inputSchema: searchInput,
  outputSchema: listOutput,
  annotations: READ,
  async run(input, ctx) {
    const kql = input.query.replace(/\\/g, ' ').replace(/"/g, '\\"').trim();
    const page = await ctx.graph.page<GraphMessage>(
      {
        method: 'GET',
        path: '/me/messages',
        pathTemplate: '/me/messages',
        query: { $search: `"${kql}"`, $select: select(LIST_FIELDS), $top: input.top ?? 10 },
        scopes: this.scopes,
      },
      input.cursor,
    );
    return messagesResult(ctx, page, `matching "${plainLine(input.query, 100)}", most recent first`);
  },
};

const attachmentSchema = z.object({
  id: z.string(),
  name: z.string(),
  contentType: z.string().optional(),
  size: z.number().optional(),
  isInline: z.boolean().optional(),
});
const messageOutput = {
  id: z.string(),
  subject: z.string(),
  from: z.string(),
  to: z.array(z.string()),
  cc: z.array(z.string()).optional(),
  receivedDateTime: z.string().optional(),
  sentDateTime: z.string().optional(),
  isRead: z.boolean().optional(),
  isDraft: z.boolean().optional(),
  importance: z.string().optional(),
  conversationId: z.string().optional(),
  webLink: z.string().optional(),
  body: z.string(),
  bodyTruncated: z.boolean(),
  attachments: z.array(attachmentSchema).optional(),
};
const getInput = {
  id: z.string().min(1).max(400).describe('Message id from list_messages or search_messages'),
  maxBodyChars: z
    .number()
    .int()
    .min(200)
    .max(100_000)
    .optional()
    .describe(
      `Longest body text to return (default ${DEFAULT_BODY_CHARS} characters; at most what fits in one result, about 19,000). The body is cut with a note beyond it`,
    ),
};

function messageIdPath(id: string): string {
  if (/[/?#\\]/.test(id))
    throw new ToolError('BAD_REQUEST', 'id must be a message id from list_messages or search_messages.');
  return `/me/messages/${encodeURIComponent(id)}`;
}

async function listAttachments(
  id: string,
  ctx: ToolContext,
  scopes: readonly string[],
): Promise<z.infer<typeof attachmentSchema>[]> {
  try {
    const page = await ctx.graph.page<Record<string, unknown>>({
      method: 'GET',
      path: `${messageIdPath(id)}/attachments`,
      pathTemplate: '/me/messages/{id}/attachments',
      query: { $select: 'id,name,contentType,size,isInline' },
      scopes,
    });
    return page.items.flatMap((a) => {
      const parsed = attachmentSchema.safeParse(a);
      return parsed.success ? [prune(parsed.data) as z.infer<typeof attachmentSchema>] : [];
    });
  } catch (error) {
    if (error instanceof ToolError && (error.code === 'GRAPH_NOT_FOUND' || error.code === 'GRAPH_BAD_REQUEST'))
      return [];
    throw error;
  }
}

/** Recipients as one header value, clipped so a huge list cannot crowd out the body. */
function recipientList(list: GraphRecipient[] | undefined): string {
  return clip((list ?? []).map(formatAddress).join(', '), 2000);
}

export const getMessage: ToolDefinition<typeof getInput, typeof messageOutput> = {
  name: 'get_message',
  group: 'mail',
  title: 'Read a mail message',
  description:
    'Returns one message: sender, recipients, dates, the body as plain text (long bodies cut with a note; maxBodyChars shows more) and the list of attachments (names, types, sizes).',
  scopes: MAIL_READ,
  write: false,
  inputSchema: getInput,
  outputSchema: messageOutput,
  annotations: READ,
  async run(input, ctx) {
    const graphId = await resolveId(ctx, 'message', input.id);
    const m = await ctx.graph.request<GraphMessage>({
      method: 'GET',
      path: messageIdPath(graphId),
      pathTemplate: '/me/messages/{id}',
      query: { $select: select(GET_FIELDS) },
      headers: PREFER_TEXT_BODY,
      scopes: this.scopes,
    });
    const id = await shortId(ctx, 'message', m.id);
    const attachments = m.hasAttachments ? await listAttachments(m.id, ctx, this.scopes) : [];
    const header = [
      `Subject: ${plainLine(m.subject, 1000)}`,
      `From: ${formatAddress(m.from)}`,
      `To: ${recipientList(m.toRecipients)}`,
      ...(m.ccRecipients?.length ? [`Cc: ${recipientList(m.ccRecipients)}`] : []),
      `Received: ${m.receivedDateTime ? `${compactUtc(m.receivedDateTime)} UTC` : ''}`,
      ...(m.importance && m.importance !== 'normal' ? [`Importance: ${m.importance}`] : []),
      `Id: ${id}`,
      ...(attachments.length
        ? [
            clip(
              `Attachments: ${attachments.map((a) => `${plainLine(a.name, 200)} (${a.contentType ?? 'unknown type'}, ${a.size ?? '?'} bytes)`).join('; ')}`,
              2000,
            ),
          ]
        : []),
    ].join('\n');
    // The body (and its cut note) gets what is left of one result after the header.
    const body = cutBody(bodyToText(m.body), {
      requested: input.maxBodyChars ?? DEFAULT_BODY_CHARS,
      room: ctx.limits.maxResultChars - header.length - 2,
      option: 'maxBodyChars',
      elsewhere: m.webLink
        ? `open the message in Outlook to read the rest: ${clip(m.webLink, 1000)}`
        : 'open the message in Outlook',
    });
    const structured = prune({
      id,
      subject: m.subject ?? '',
      from: formatAddress(m.from),
      to: (m.toRecipients ?? []).map(formatAddress),
      cc: (m.ccRecipients ?? []).map(formatAddress),
      receivedDateTime: m.receivedDateTime ?? undefined,
      sentDateTime: m.sentDateTime ?? undefined,
      isRead: m.isRead,
      isDraft: m.isDraft,
      importance: m.importance,
      conversationId: m.conversationId,
      webLink: m.webLink,
      body: body.text,
      bodyTruncated: body.truncated,
      attachments,
    });
    return { text: `${header}\n\n${body.text}`, structured: structured };
  },
};

const folderSchema = z.object({
  id: z.string(),
  displayName: z.string(),
  parentFolderId: z.string().optional(),
  childFolderCount: z.number().optional(),
  unreadItemCount: z.number().optional(),
  totalItemCount: z.number().optional(),
});
type MailFolder = z.infer<typeof folderSchema>;
const foldersInput = {
  top: z.number().int().min(1).max(100).optional().describe('Folders per page (default 50)'),
  cursor: cursorInput,
};
const foldersOutput = { folders: z.array(folderSchema), nextCursor: z.string().nullable() };

function folderLine(f: MailFolder): string {
  const counts = `${f.unreadItemCount ?? 0} unread of ${f.totalItemCount ?? 0}`;
  const children = f.childFolderCount ? `, ${f.childFolderCount} subfolder(s)` : '';
  return `- [${f.id}] ${plainLine(f.displayName, 200)}: ${counts}${children}`;
}

export const listMailFolders: ToolDefinition<typeof foldersInput, typeof foldersOutput> = {
  name: 'list_mail_folders',
  group: 'mail',
  title: 'List mail folders',
  description: 'Lists the top-level mail folders with unread and total counts; use a folder id with list_messages.',
  scopes: MAIL_READ,
  write: false,
  inputSchema: foldersInput,
  outputSchema: foldersOutput,
  annotations: READ,
  async run(input, ctx) {
    const page = await ctx.graph.page<Record<string, unknown>>(
      {
        method: 'GET',
        path: '/me/mailFolders',
        pathTemplate: '/me/mailFolders',
        query: {
          $top: input.top ?? 50,
          $select: 'id,displayName,parentFolderId,childFolderCount,unreadItemCount,totalItemCount',
        },
        scopes: this.scopes,
      },
      input.cursor,
    );
    const parsed = page.items.flatMap((f) => {
      const result = folderSchema.safeParse(f);
      return result.success ? [result.data] : [];
    });
    const ids = await pageIds(ctx, 'mailFolder', parsed);
    // parentFolderId is the (hidden) root for top-level folders: of no use to the model.
    const folders = parsed.map(({ parentFolderId: _parent, ...f }, i) => ({ ...f, id: ids[i] ?? f.id }));
    const text = listText(
      `${folders.length} folder(s); [id] for list_messages folder:`,
      folders.map(folderLine),
      page.nextCursor,
      ctx.limits.maxResultChars,
    );
    return { text, structured: { folders, nextCursor: page.nextCursor } };
  },
};

// ------------------------------------------------------------------------------------------------
// Writes

const addressList = z.array(z.email().max(320)).max(100);
const composeInput = {
  to: addressList.min(1).describe('Recipient email addresses'),
  cc: addressList.optional().describe('Cc email addresses'),
  bcc: addressList.optional().describe('Bcc email addresses'),
  subject: z.string().max(500).describe('Subject line'),
  body: z.string().max(200_000).describe('Message body'),
  bodyType: z.enum(['text', 'html']).optional().describe('Body format (default text)'),
};

function recipients(addresses: readonly string[] | undefined): { emailAddress: { address: string } }[] {
  return (addresses ?? []).map((address) => ({ emailAddress: { address } }));
}

export function composeDetails(input: {
  to: string[];
  cc?: string[];
  bcc?: string[];
  subject: string;
  body: string;
}): Record<string, string> {
  return prune({
    To: input.to.join(', '),
    Cc: input.cc?.length ? input.cc.join(', ') : undefined,
    Bcc: input.bcc?.length ? input.bcc.join(', ') : undefined,
    Subject: input.subject,
    Body: input.body.length > 500 ? `${input.body.slice(0, 500)}…` : input.body,
  });
}

function messagePayload(input: {
  to: string[];
  cc?: string[];
  bcc?: string[];
  subject: string;
  body: string;
  bodyType?: 'text' | 'html';
}) {
  return {
    subject: input.subject,
    body: { contentType: input.bodyType === 'html' ? 'HTML' : 'Text', content: input.body },
    toRecipients: recipients(input.to),
    ...(input.cc?.length ? { ccRecipients: recipients(input.cc) } : {}),
    ...(input.bcc?.length ? { bccRecipients: recipients(input.bcc) } : {}),
  };
}

const draftOutput = { id: z.string(), webLink: z.string().optional(), subject: z.string() };

export const createDraft: ToolDefinition<typeof composeInput, typeof draftOutput> = {
  name: 'create_draft',
  group: 'mail',
  title: 'Create a mail draft',
  description:
    'Saves a new message in Drafts without sending it (the user can review and send it from Outlook). Asks the user to approve first. Returns the draft id and web link.',
  scopes: ['Mail.ReadWrite'],
  write: true,
  inputSchema: composeInput,
  outputSchema: draftOutput,
  annotations: WRITE,
  async run(input, ctx) {
    await ctx.approve(`Create a draft to ${input.to.join(', ')}: "${input.subject}"`, composeDetails(input));
    const draft = await ctx.graph.request<GraphMessage>({
      method: 'POST',
      path: '/me/messages',
      pathTemplate: '/me/messages',
      body: messagePayload(input),
      scopes: this.scopes,
    });
    const id = await shortId(ctx, 'message', draft.id);
    const structured = prune({ id, webLink: draft.webLink, subject: draft.subject ?? input.subject }) as {
      id: string;
      subject: string;
    };
    return { text: `Draft saved. ${compactJson(structured, ctx.limits.maxResultChars)}`, structured };
  },
};

const sendInput = {
  ...composeInput,
  saveToSentItems: z.boolean().optional().describe('Keep a copy in Sent Items (default true)'),
};
const sentOutput = { sent: z.boolean(), to: z.array(z.string()), subject: z.string() };

export const sendMail: ToolDefinition<typeof sendInput, typeof sentOutput> = {
  name: 'send_mail',
  group: 'mail',
  title: 'Send mail',
  description:
    'Sends a new email as the signed-in user. The user is asked to approve (recipients, subject, body) before anything is sent; if they decline, nothing is sent.',
  scopes: ['Mail.Send'],
  write: true,
  inputSchema: sendInput,
  outputSchema: sentOutput,
  annotations: WRITE,
  async run(input, ctx) {
    await ctx.approve(`Send mail to ${input.to.join(', ')}: "${input.subject}"`, composeDetails(input));
    await ctx.graph.request({
      method: 'POST',
      path: '/me/sendMail',
      pathTemplate: '/me/sendMail',
      body: { message: messagePayload(input), saveToSentItems: input.saveToSentItems ?? true },
      scopes: this.scopes,
    });
    const structured = { sent: true, to: input.to, subject: input.subject };
    return { text: `Sent "${input.subject}" to ${input.to.join(', ')}.`, structured };
  },
};

const replyInput = {
  id: z
    .string()
    .min(1)
    .max(400)
    .describe('Id of the message to reply to (from list_messages, search_messages or get_message)'),
  comment: z.string().min(1).max(100_000).describe('Reply text (placed above the quoted original)'),
  replyAll: z.boolean().optional().describe('Reply to all recipients instead of only the sender (default false)'),
};
const replyOutput = { sent: z.boolean(), to: z.array(z.string()), subject: z.string() };

export const replyToMessage: ToolDefinition<typeof replyInput, typeof replyOutput> = {
  name: 'reply_to_message',
  group: 'mail',
  title: 'Reply to a message',
  description:
    'Replies to a message (sender only, or everyone with replyAll) with the given text, quoting the original. The user approves the recipients and text first.',
  scopes: ['Mail.Read', 'Mail.Send'],
  write: true,
  inputSchema: replyInput,
  outputSchema: replyOutput,
  annotations: WRITE,
  async run(input, ctx) {
    const path = messageIdPath(await resolveId(ctx, 'message', input.id));
    const original = await ctx.graph.request<GraphMessage>({
      method: 'GET',
      path,
      pathTemplate: '/me/messages/{id}',
      query: { $select: 'id,subject,from,toRecipients,ccRecipients,replyTo' },
      scopes: this.scopes,
    });
    const direct = original.replyTo?.length ? original.replyTo : original.from ? [original.from] : [];
    const all = input.replyAll
      ? [...direct, ...(original.toRecipients ?? []), ...(original.ccRecipients ?? [])]
      : direct;
    const to = [...new Set(all.map(formatAddress).filter((a) => a !== ''))];
    const subject = /^re:/i.test(original.subject ?? '') ? (original.subject ?? '') : `RE: ${original.subject ?? ''}`;
    await ctx.approve(`${input.replyAll ? 'Reply all' : 'Reply'} to ${to.join(', ') || 'the sender'}: "${subject}"`, {
      To: to.join(', '),
      Subject: subject,
      Body: input.comment.length > 500 ? `${input.comment.slice(0, 500)}…` : input.comment,
    });
    await ctx.graph.request({
      method: 'POST',
      path: `${path}/${input.replyAll ? 'replyAll' : 'reply'}`,
      pathTemplate: `/me/messages/{id}/${input.replyAll ? 'replyAll' : 'reply'}`,
      body: { comment: input.comment },
      scopes: this.scopes,
    });
    const structured = { sent: true, to, subject };
    return { text: `Replied to ${to.join(', ')}: "${subject}".`, structured };
  },
};

export const mailTools: readonly ToolDefinition[] = [
  listMessages,
  searchMessages,
  getMessage,
  listMailFolders,
  createDraft,
  sendMail,
  replyToMessage,
];
