/**
 * Writing mail: create_draft, update_draft (drafts only), send_mail (a new message, or an existing
 * draft by draftId) and reply_to_message (reply, reply all or forward). Each asks the user through
 * ctx.approve first with who, what and where: recipients, subject, the start of the body, and every
 * local file to attach (real path, size, SHA-256); nothing reaches Graph before that.
 * A new message with attachments is sent as Outlook does it: a draft, its attachments, then `send`.
 */
import type { Message } from '@microsoft/microsoft-graph-types';
import { z } from 'zod';
import { prune } from '../../graph/shape.ts';
import type { LocalUploadSource } from '../../uploads/types.ts';
import { defineTool } from '../shared/define.ts';
import { shortId } from '../shared/ids.ts';
import { clip, plainLine } from '../shared/text.ts';
import { ToolError, type ToolContext, type ToolDefinition } from '../tool.ts';
import {
  attachFiles,
  attachmentDetails,
  attachmentSummary,
  closeAll,
  localAttachmentsField,
  openAttachments,
} from './attachments.ts';
import { listAttachments } from './read.ts';
import {
  WRITE,
  addressList,
  bodyExcerpt,
  bodyText,
  formatAddress,
  idField,
  inMailbox,
  mailboxField,
  mailboxOf,
  messagePath,
  readMessage,
  recipientList,
  recipients,
  type Mailbox,
} from './shared.ts';

interface Compose {
  to?: string[] | undefined;
  cc?: string[] | undefined;
  bcc?: string[] | undefined;
  subject?: string | undefined;
  body?: string | undefined;
  bodyType?: 'text' | 'html' | undefined;
}

const composeFields = () => ({
  to: addressList.optional(),
  cc: addressList.optional(),
  bcc: addressList.optional(),
  subject: z.string().max(500).optional(),
  body: z.string().max(200_000).optional(),
  bodyType: z.enum(['text', 'html']).optional().describe('Default text'),
  attachments: localAttachmentsField,
  mailbox: mailboxField,
});

export function composeDetails(input: Compose): Record<string, string> {
  const details: Partial<Record<string, string>> = prune({
    To: input.to?.length ? input.to.join(', ') : undefined,
    Cc: input.cc?.length ? input.cc.join(', ') : undefined,
    Bcc: input.bcc?.length ? input.bcc.join(', ') : undefined,
    Subject: input.subject,
    Body: input.body === undefined ? undefined : bodyExcerpt(input.body),
  });
  return Object.fromEntries(Object.entries(details).filter((e): e is [string, string] => e[1] !== undefined));
}

/** The message fields of `input` that are set (a PATCH changes only those). */
function messagePayload(input: Compose): Record<string, unknown> {
  return prune({
    subject: input.subject,
    body:
      input.body === undefined
        ? undefined
        : { contentType: input.bodyType === 'html' ? 'HTML' : 'Text', content: input.body },
    toRecipients: input.to === undefined ? undefined : recipients(input.to),
    ccRecipients: input.cc === undefined ? undefined : recipients(input.cc),
    bccRecipients: input.bcc === undefined ? undefined : recipients(input.bcc),
  });
}

function toWhom(to: readonly string[] | undefined): string {
  return to?.length ? ` to ${clip(to.join(', '), 300)}` : '';
}

/** Creates a draft; returns its Graph id and path. */
async function postDraft(ctx: ToolContext, box: Mailbox, input: Compose): Promise<{ id: string; path: string }> {
  const draft = await ctx.graph.request<Message>({
    method: 'POST',
    path: `${box.root}/messages`,
    pathTemplate: `${box.template}/messages`,
    body: messagePayload(input),
    scopes: box.scopes('write'),
  });
  if (typeof draft?.id !== 'string')
    throw new ToolError('GRAPH_ERROR', 'Microsoft Graph returned no id for the new draft.');
  return { id: draft.id, path: `${box.root}/messages/${encodeURIComponent(draft.id)}` };
}

/** Attaches files to a draft that already exists; a failure says the draft is there without them. */
async function attachToDraft(
  ctx: ToolContext,
  box: Mailbox,
  draft: { id: string; path: string },
  files: readonly LocalUploadSource[],
  after: string,
): Promise<void> {
  try {
    await attachFiles(ctx, box, draft.path, files);
  } catch (error) {
    if (!(error instanceof ToolError)) throw error;
    const id = await shortId(ctx, 'message', draft.id);
    throw new ToolError(
      error.code,
      `${error.message} The draft [${id}] is in Drafts without all its attachments; ${after}`,
    );
  }
}

export const createDraft = defineTool({
  name: 'create_draft',
  group: 'mail',
  title: 'Create a mail draft',
  description:
    'Saves a new message in Drafts (nothing is sent), optionally with local files attached. Returns the draft id.',
  scopes: ['Mail.ReadWrite'],
  write: true,
  inputSchema: () => ({ ...composeFields(), subject: z.string().max(500), body: z.string().max(200_000) }),
  annotations: WRITE,
  async run(input, ctx) {
    const box = mailboxOf(input.mailbox);
    const files = await openAttachments(ctx, input.attachments);
    try {
      await ctx.approve(
        clip(`Create a draft${toWhom(input.to)}: "${input.subject}"${inMailbox(box)}${attachmentSummary(files)}`, 1000),
        { ...composeDetails(input), ...attachmentDetails(files) },
      );
      const draft = await postDraft(ctx, box, input);
      await attachToDraft(ctx, box, draft, files, 'nothing was sent.');
      const id = await shortId(ctx, 'message', draft.id);
      return {
        text: `Draft saved: [${id}] "${plainLine(input.subject, 200)}"${files.length ? ` with ${files.length} attachment(s)` : ''}.`,
      };
    } finally {
      await closeAll(files);
    }
  },
});

const updateInput = () => ({ id: idField.describe('Draft id'), ...composeFields() });

export const updateDraft = defineTool({
  name: 'update_draft',
  group: 'mail',
  title: 'Update a mail draft',
  description: 'Changes a draft: the fields given replace its own; attachments are added.',
  scopes: ['Mail.Read', 'Mail.ReadWrite'],
  write: true,
  inputSchema: updateInput,
  annotations: { ...WRITE, idempotentHint: true },
  async run(input, ctx) {
    const box = mailboxOf(input.mailbox);
    const target = await messagePath(ctx, box, input.id);
    const fields = messagePayload(input);
    if (Object.keys(fields).length === 0 && !input.attachments?.length)
      throw new ToolError('INVALID_INPUT', 'Give at least one field to change or a file to attach.');
    const current = await readMessage(ctx, box, target.path, { select: 'id,subject,isDraft,toRecipients' });
    const title = plainLine(current.subject, 200) || '(no subject)';
    if (current.isDraft !== true)
      throw new ToolError(
        'NOT_A_DRAFT',
        `"${title}" is not a draft, and only drafts can be changed. Reply to it or forward it with reply_to_message instead.`,
      );
    const files = await openAttachments(ctx, input.attachments);
    try {
      const changes = Object.keys(fields).join(', ');
      await ctx.approve(
        clip(
          `Update the draft "${title}" (to ${recipientList(current.toRecipients, 200) || 'nobody yet'})${inMailbox(box)}: ${changes || 'no field'} changed${attachmentSummary(files)}`,
          1000,
        ),
        { Draft: title, ...composeDetails(input), ...attachmentDetails(files) },
      );
      if (Object.keys(fields).length > 0)
        await ctx.graph.request({
          method: 'PATCH',
          path: target.path,
          pathTemplate: `${box.template}/messages/{id}`,
          body: fields,
          scopes: box.scopes('write'),
        });
      await attachToDraft(ctx, box, target, files, 'the other changes were saved.');
      const id = await shortId(ctx, 'message', target.id);
      return { text: `Draft [${id}] updated${files.length ? `, ${files.length} file(s) attached` : ''}.` };
    } finally {
      await closeAll(files);
    }
  },
});

// ------------------------------------------------------------------------------------------------
// send_mail

const sendInput = () => ({ ...composeFields(), draftId: idField.optional().describe('Send this draft as it is') });

async function sendDraft(ctx: ToolContext, box: Mailbox, draftId: string): Promise<string> {
  const target = await messagePath(ctx, box, draftId);
  const draft = await readMessage(ctx, box, target.path, {
    select: 'id,subject,isDraft,toRecipients,ccRecipients,bccRecipients,hasAttachments,body',
    textBody: true,
  });
  const subject = plainLine(draft.subject, 200) || '(no subject)';
  if (draft.isDraft !== true)
    throw new ToolError('NOT_A_DRAFT', `"${subject}" is not a draft; only a draft can be sent.`);
  const files = draft.hasAttachments ? await listAttachments(ctx, box, target.path) : [];
  const to = recipientList(draft.toRecipients);
  await ctx.approve(clip(`Send the draft "${subject}" to ${to || 'nobody'}${inMailbox(box)}`, 1000), {
    ...prune({
      To: to,
      Cc: recipientList(draft.ccRecipients) || undefined,
      Bcc: recipientList(draft.bccRecipients) || undefined,
    }),
    Subject: subject,
    Body: bodyExcerpt(bodyText(draft)),
    ...(files.length ? { Attachments: clip(files.map((f) => f.name).join(', '), 1500) } : {}),
  });
  await ctx.graph.request({
    method: 'POST',
    path: `${target.path}/send`,
    pathTemplate: `${box.template}/messages/{id}/send`,
    scopes: box.scopes('send'),
  });
  return `Sent the draft "${subject}" to ${to}.`;
}

export const sendMail = defineTool({
  name: 'send_mail',
  group: 'mail',
  title: 'Send mail',
  description: 'Sends a new message (to, subject, body, optional local files) or an existing draft (draftId).',
  scopes: ['Mail.Send', 'Mail.ReadWrite', 'Mail.Read'],
  write: true,
  inputSchema: sendInput,
  annotations: WRITE,
  async run(input, ctx) {
    const box = mailboxOf(input.mailbox);
    const composed = ['to', 'cc', 'bcc', 'subject', 'body', 'bodyType', 'attachments'].filter(
      (k) => (input as Record<string, unknown>)[k] !== undefined,
    );
    if (input.draftId !== undefined) {
      if (composed.length > 0)
        throw new ToolError(
          'INVALID_INPUT',
          `draftId sends the draft as it is; change it with update_draft first (not ${composed.join(', ')}).`,
        );
      return { text: await sendDraft(ctx, box, input.draftId) };
    }
    if (!input.to?.length || input.subject === undefined || input.body === undefined)
      throw new ToolError(
        'INVALID_INPUT',
        'A new message needs to, subject and body (or give draftId to send a draft).',
      );
    const files = await openAttachments(ctx, input.attachments);
    try {
      await ctx.approve(
        clip(`Send mail${toWhom(input.to)}: "${input.subject}"${inMailbox(box)}${attachmentSummary(files)}`, 1000),
        { ...composeDetails(input), ...attachmentDetails(files) },
      );
      if (files.length === 0) {
        await ctx.graph.request({
          method: 'POST',
          path: `${box.root}/sendMail`,
          pathTemplate: `${box.template}/sendMail`,
          body: { message: messagePayload(input), saveToSentItems: true },
          scopes: box.scopes('send'),
        });
      } else {
        const draft = await postDraft(ctx, box, input);
        await attachToDraft(ctx, box, draft, files, 'nothing was sent.');
        await ctx.graph.request({
          method: 'POST',
          path: `${draft.path}/send`,
          pathTemplate: `${box.template}/messages/{id}/send`,
          scopes: box.scopes('send'),
        });
      }
      return {
        text: `Sent "${plainLine(input.subject, 200)}" to ${input.to.join(', ')}${files.length ? ` with ${files.length} attachment(s)` : ''}.`,
      };
    } finally {
      await closeAll(files);
    }
  },
});

// ------------------------------------------------------------------------------------------------
// reply_to_message

const replyInput = () => ({
  id: idField,
  comment: z.string().min(1).max(100_000).describe('Text above the quoted original'),
  mode: z.enum(['reply', 'replyAll', 'forward']).optional().describe('Default reply'),
  to: addressList.min(1).optional().describe('Forward recipients'),
  mailbox: mailboxField,
});

export const replyToMessage = defineTool({
  name: 'reply_to_message',
  group: 'mail',
  title: 'Reply to or forward a message',
  description:
    'Replies to the sender (or everyone with replyAll) or forwards the message with its attachments to `to`.',
  scopes: ['Mail.Read', 'Mail.Send'],
  write: true,
  inputSchema: replyInput,
  annotations: WRITE,
  async run(input, ctx) {
    const box = mailboxOf(input.mailbox);
    const mode = input.mode ?? 'reply';
    if ((mode === 'forward') !== (input.to !== undefined))
      throw new ToolError(
        'INVALID_INPUT',
        mode === 'forward'
          ? 'A forward needs to.'
          : 'to is only for mode forward; a reply goes to the original sender(s).',
      );
    const target = await messagePath(ctx, box, input.id);
    const original = await readMessage(ctx, box, target.path, {
      select: 'id,subject,from,toRecipients,ccRecipients,replyTo,hasAttachments',
    });
    const title = plainLine(original.subject, 200);
    let to: string[];
    if (mode === 'forward') to = input.to ?? [];
    else {
      const direct = original.replyTo?.length ? original.replyTo : original.from ? [original.from] : [];
      const all =
        mode === 'replyAll' ? [...direct, ...(original.toRecipients ?? []), ...(original.ccRecipients ?? [])] : direct;
      to = [...new Set(all.map(formatAddress).filter((a) => a !== ''))];
    }
    const prefix = mode === 'forward' ? 'FW' : 'RE';
    const subject = new RegExp(`^${prefix}:`, 'i').test(title) ? title : `${prefix}: ${title}`;
    const verb = { reply: 'Reply', replyAll: 'Reply all', forward: 'Forward' }[mode];
    await ctx.approve(clip(`${verb} to ${to.join(', ') || 'the sender'}: "${subject}"${inMailbox(box)}`, 1000), {
      To: to.join(', '),
      Subject: subject,
      Body: bodyExcerpt(input.comment),
      ...(mode === 'forward'
        ? {
            Forwards: `the original message from ${formatAddress(original.from) || 'an unknown sender'}${original.hasAttachments ? ' and its attachments' : ''}`,
          }
        : {}),
    });
    await ctx.graph.request({
      method: 'POST',
      path: `${target.path}/${mode}`,
      pathTemplate: `${box.template}/messages/{id}/${mode}`,
      body: mode === 'forward' ? { comment: input.comment, toRecipients: recipients(to) } : { comment: input.comment },
      scopes: box.scopes('send'),
    });
    return { text: `${mode === 'forward' ? 'Forwarded' : 'Replied'} "${subject}" to ${to.join(', ')}.` };
  },
});

export const composeTools: readonly ToolDefinition[] = [createDraft, updateDraft, sendMail, replyToMessage];
