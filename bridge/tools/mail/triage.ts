/**
 * Inbox triage: update_messages (one action on up to 20 messages: move, delete — to Deleted Items —,
 * markRead, markUnread, flag, unflag, categorize, setImportance) and create_mail_folder. The approval
 * of a bulk action names the action and lists every message it touches (sender and subject, read
 * first), and for a move the destination folder's name. Moving gives a message a new id: the result
 * shows the new ones.
 */
import type { MailFolder, Message } from '@microsoft/microsoft-graph-types';
import { z } from 'zod';
import { defineTool } from '../shared/define.ts';
import { shortId } from '../shared/ids.ts';
import { clip, plainLine } from '../shared/text.ts';
import { ToolError, type ToolContext, type ToolDefinition } from '../tool.ts';
import {
  WRITE,
  folderSegment,
  idField,
  inMailbox,
  mailboxField,
  mailboxOf,
  messagePath,
  readMessage,
  senderAndSubject,
  type Mailbox,
} from './shared.ts';

/** Outlook allows 4 concurrent requests per mailbox and app (MailboxConcurrency). */
const CONCURRENCY = 4;

const ACTIONS = ['move', 'delete', 'markRead', 'markUnread', 'flag', 'unflag', 'categorize', 'setImportance'] as const;
type Action = (typeof ACTIONS)[number];

const updateInput = () => ({
  ids: z.array(idField).min(1).max(20).describe('Message ids'),
  action: z.enum(ACTIONS),
  folder: z.string().min(1).max(400).optional().describe('move: folder id or well-known name'),
  categories: z.array(z.string().min(1).max(255)).max(25).optional().describe('categorize: replaces them; [] clears'),
  importance: z.enum(['low', 'normal', 'high']).optional(),
  mailbox: mailboxField,
});
type UpdateInput = z.infer<z.ZodObject<ReturnType<typeof updateInput>>>;

/** Runs `work` over `items` with at most CONCURRENCY at once, keeping order. */
async function inBatches<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += CONCURRENCY)
    out.push(...(await Promise.all(items.slice(i, i + CONCURRENCY).map(work))));
  return out;
}

/** The PATCH body of a flag-like action, or undefined for move/delete. */
function patchOf(input: UpdateInput): Record<string, unknown> | undefined {
  switch (input.action) {
    case 'markRead':
      return { isRead: true };
    case 'markUnread':
      return { isRead: false };
    case 'flag':
      return { flag: { flagStatus: 'flagged' } };
    case 'unflag':
      return { flag: { flagStatus: 'notFlagged' } };
    case 'categorize':
      if (input.categories === undefined) throw new ToolError('INVALID_INPUT', 'categorize needs categories.');
      return { categories: input.categories.map((c) => plainLine(c, 255)) };
    case 'setImportance':
      if (input.importance === undefined) throw new ToolError('INVALID_INPUT', 'setImportance needs importance.');
      return { importance: input.importance };
    case 'move':
    case 'delete':
      return undefined;
  }
}

function actionText(input: UpdateInput, folderName: string): string {
  const n = `${input.ids.length} message(s)`;
  const what: Record<Action, string> = {
    move: `Move ${n} to "${folderName}"`,
    delete: `Delete ${n} (to Deleted Items)`,
    markRead: `Mark ${n} read`,
    markUnread: `Mark ${n} unread`,
    flag: `Flag ${n}`,
    unflag: `Clear the flag of ${n}`,
    categorize: `Set the categories of ${n} to ${input.categories?.length ? input.categories.map((c) => `"${plainLine(c, 60)}"`).join(', ') : 'none'}`,
    setImportance: `Set ${n} to ${input.importance ?? '?'} importance`,
  };
  return what[input.action];
}

interface Target {
  path: string;
  id: string;
  message: Message;
}

async function readTargets(ctx: ToolContext, box: Mailbox, ids: readonly string[]): Promise<Target[]> {
  const unique = [...new Set(ids)];
  return inBatches(unique, async (given) => {
    const t = await messagePath(ctx, box, given);
    const message = await readMessage(ctx, box, t.path, { select: 'id,subject,from' });
    return { ...t, message };
  });
}

/** "Messages 1–10": one approval entry per ten messages (an approval holds 20 entries of ≤ 2,000 characters). */
function messageDetails(targets: readonly Target[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < targets.length; i += 10) {
    const part = targets.slice(i, i + 10);
    out[`Messages ${i + 1}–${i + part.length}`] = part
      .map((t, j) => `${i + j + 1}. ${senderAndSubject(t.message)}`)
      .join('\n');
  }
  return out;
}

async function folderName(ctx: ToolContext, box: Mailbox, segment: string): Promise<string> {
  const f = await ctx.graph.request<MailFolder>({
    method: 'GET',
    path: `${box.root}/mailFolders/${segment}`,
    pathTemplate: `${box.template}/mailFolders/{id}`,
    query: { $select: 'id,displayName' },
    scopes: box.scopes('read'),
  });
  return plainLine(f.displayName, 200) || segment;
}

async function apply(ctx: ToolContext, box: Mailbox, t: Target, input: UpdateInput, folder: string): Promise<string> {
  const template = `${box.template}/messages/{id}`;
  if (input.action === 'delete') {
    await ctx.graph.request({ method: 'DELETE', path: t.path, pathTemplate: template, scopes: box.scopes('write') });
    return 'deleted';
  }
  if (input.action === 'move') {
    const moved = await ctx.graph.request<Message>({
      method: 'POST',
      path: `${t.path}/move`,
      pathTemplate: `${template}/move`,
      body: { destinationId: decodeURIComponent(folder) },
      scopes: box.scopes('write'),
    });
    return typeof moved?.id === 'string' ? `moved, new id [${await shortId(ctx, 'message', moved.id)}]` : 'moved';
  }
  await ctx.graph.request({
    method: 'PATCH',
    path: t.path,
    pathTemplate: template,
    body: patchOf(input),
    scopes: box.scopes('write'),
  });
  return 'done';
}

export const updateMessages = defineTool({
  name: 'update_messages',
  group: 'mail',
  title: 'Triage mail messages',
  description:
    'Applies one action to up to 20 messages: move, delete (to Deleted Items), mark read/unread, flag, categorize or set importance.',
  scopes: ['Mail.Read', 'Mail.ReadWrite'],
  write: true,
  inputSchema: updateInput,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  async run(input, ctx) {
    const box = mailboxOf(input.mailbox);
    if (input.action === 'move' && input.folder === undefined)
      throw new ToolError('INVALID_INPUT', 'move needs folder.');
    patchOf(input); // refuses a categorize/setImportance without its value before anything is read
    const folder = input.action === 'move' ? await folderSegment(ctx, input.folder ?? '') : '';
    const name = input.action === 'move' ? await folderName(ctx, box, folder) : '';
    const targets = await readTargets(ctx, box, input.ids);
    await ctx.approve(clip(`${actionText({ ...input, ids: targets.map((t) => t.id) }, name)}${inMailbox(box)}`, 1000), {
      Action: input.action,
      ...(input.action === 'move' ? { 'Move to': name } : {}),
      ...messageDetails(targets),
    });
    const results = await inBatches(targets, async (t) => {
      const who = senderAndSubject(t.message, 120);
      try {
        return { ok: true, line: `- ${who}: ${await apply(ctx, box, t, input, folder)}` };
      } catch (error) {
        if (!(error instanceof ToolError)) throw error;
        return { ok: false, line: `- ${who}: FAILED (${error.code}: ${clip(error.message, 200)})` };
      }
    });
    const done = results.filter((r) => r.ok).length;
    return { text: [`${input.action}: ${done} of ${targets.length} done.`, ...results.map((r) => r.line)].join('\n') };
  },
});

const folderInput = () => ({
  name: z.string().min(1).max(255),
  parent: z.string().min(1).max(400).optional().describe('Parent folder id or well-known name; default top level'),
  mailbox: mailboxField,
});

export const createMailFolder = defineTool({
  name: 'create_mail_folder',
  group: 'mail',
  title: 'Create a mail folder',
  description: 'Creates a mail folder (top level or inside parent) and returns its id.',
  scopes: ['Mail.Read', 'Mail.ReadWrite'],
  write: true,
  inputSchema: folderInput,
  annotations: WRITE,
  async run(input, ctx) {
    const box = mailboxOf(input.mailbox);
    const name = plainLine(input.name, 255);
    if (name === '') throw new ToolError('INVALID_INPUT', 'name must contain visible characters.');
    const parent = input.parent === undefined ? undefined : await folderSegment(ctx, input.parent);
    const parentName = parent === undefined ? undefined : await folderName(ctx, box, parent);
    await ctx.approve(
      clip(
        `Create the mail folder "${name}"${parentName ? ` in "${parentName}"` : ' at the top level'}${inMailbox(box)}`,
        1000,
      ),
      { Name: name, Parent: parentName ?? '(top level)' },
    );
    const created = await ctx.graph.request<MailFolder>({
      method: 'POST',
      path: parent ? `${box.root}/mailFolders/${parent}/childFolders` : `${box.root}/mailFolders`,
      pathTemplate: parent ? `${box.template}/mailFolders/{id}/childFolders` : `${box.template}/mailFolders`,
      body: { displayName: name },
      scopes: box.scopes('write'),
    });
    const id = typeof created?.id === 'string' ? await shortId(ctx, 'mailFolder', created.id) : '?';
    return { text: `Folder "${name}" created: [${id}] (use it as folder in list_messages or update_messages).` };
  },
});

export const triageTools: readonly ToolDefinition[] = [updateMessages, createMailFolder];
