/**
 * Teams tools: list_chats, list_chat_messages, send_chat_message (to a chat, a quote-reply in it, or
 * to people: their 1:1 chat or a new group chat), list_teams (joined teams, or a team's channels),
 * list_channel_messages (threads, or one thread's replies), post_channel_message (a thread or a
 * reply). Message bodies (HTML) are returned as plain text; results are text only.
 *
 * What Graph v1.0 offers, and so what the tools say: channel messages have threaded replies
 * (`…/messages/{id}/replies`); chats do not — a chat "reply" is a new message that quotes the other
 * (`POST /chats/{id}/messages/replyWithQuote`). Reading channel messages needs
 * ChannelMessage.Read.All, which only a tenant administrator can grant; listing channels and posting
 * to them do not.
 */
import { z } from 'zod';
import type { Channel, Chat, ChatMessage, Team } from '@microsoft/microsoft-graph-types';
import { ToolError, type GraphCall, type ToolContext, type ToolDefinition, type ToolResult } from './tool.ts';
import { READ_ANNOTATIONS, CREATE_ANNOTATIONS, defineTool } from './shared/define.ts';
import { cursorInput, listPage } from './shared/list.ts';
import { resolveId, shortId } from './shared/ids.ts';
import { pathSegment } from './shared/paths.ts';
import { clip, oneLine, plainLine } from './shared/text.ts';
import {
  chatLabel,
  messageLine,
  resolvePeople,
  shapeChat,
  shapeMessage,
  startChat,
  teamLine,
  type Person,
  type WithId,
} from './teams-shape.ts';

/** Least privilege per call; a unit test checks each is within GROUP_SCOPES.teams. */
const CHAT_READ = ['Chat.Read'] as const;
const TEAM_READ = ['Team.ReadBasic.All'] as const;
const CHANNEL_LIST = ['Channel.ReadBasic.All'] as const;
const CHANNEL_READ = ['ChannelMessage.Read.All'] as const;
const CHAT_SEND = ['ChatMessage.Send'] as const;
const CHANNEL_SEND = ['ChannelMessage.Send'] as const;
const CHAT_CREATE = ['Chat.Create'] as const;
const PEOPLE_READ = ['User.ReadBasic.All'] as const;

const id = z.string().min(1).max(500);
const chatIdInput = id.describe('From list_chats.');
const teamIdInput = id.describe('From list_teams.');
const channelIdInput = id.describe('From list_teams with teamId.');
const text = z.string().min(1).max(20000);
const top = z.number().int().min(1).max(50).default(20);

function textOnly(result: ToolResult): ToolResult {
  return { text: result.text };
}

/** One page of chat or channel messages (or replies) as plain text, newest first. */
async function messagesPage(
  ctx: ToolContext,
  call: Pick<GraphCall, 'path' | 'pathTemplate' | 'scopes' | 'query'>,
  input: { top: number; cursor?: string | undefined },
  what = 'message(s)',
): Promise<ToolResult> {
  const query = { ...call.query, $top: input.top };
  const result = await listPage(ctx, { method: 'GET', ...call, query }, input.cursor, {
    key: 'messages',
    shape: (m: WithId<ChatMessage>) => shapeMessage(m),
    line: messageLine,
    head: (messages) => `${messages.length} ${what}, newest first; [id] for replyTo:`,
  });
  return textOnly(result);
}

function chatPath(chatId: string): string {
  return `/chats/${pathSegment(chatId)}`;
}

function channelPath(teamId: string, channelId: string): string {
  return `/teams/${pathSegment(teamId)}/channels/${pathSegment(channelId)}`;
}

// ------------------------------------------------------------------------------------------------

const listChats = defineTool({
  name: 'list_chats',
  group: 'teams',
  title: 'List Teams chats',
  description: 'Lists your Teams chats (1:1, group, meeting): topic or members, and the chat id.',
  scopes: CHAT_READ,
  write: false,
  inputSchema: () => ({ top, cursor: cursorInput }),
  annotations: READ_ANNOTATIONS,
  async run(input, ctx) {
    const result = await listPage(
      ctx,
      {
        method: 'GET',
        path: '/me/chats',
        pathTemplate: '/me/chats',
        query: { $expand: 'members', $top: input.top },
        scopes: CHAT_READ,
      },
      input.cursor,
      {
        key: 'chats',
        idKind: 'chat',
        shape: (c: WithId<Chat>, shown) => shapeChat(c, shown),
        line: (c) => `- [${c.id}] ${c.chatType} chat ${chatLabel(c)}`,
        head: (items) => `${items.length} chat(s); [id] for list_chat_messages or send_chat_message:`,
      },
    );
    return textOnly(result);
  },
});

const listChatMessages = defineTool({
  name: 'list_chat_messages',
  group: 'teams',
  title: 'Read a Teams chat',
  description: 'Lists messages of one Teams chat, newest first, as plain text with sender, time and message id.',
  scopes: CHAT_READ,
  write: false,
  inputSchema: () => ({ chatId: chatIdInput, top, cursor: cursorInput }),
  annotations: READ_ANNOTATIONS,
  async run(input, ctx) {
    const chatId = await resolveId(ctx, 'chat', input.chatId);
    return messagesPage(
      ctx,
      { path: `${chatPath(chatId)}/messages`, pathTemplate: '/chats/{id}/messages', scopes: CHAT_READ },
      input,
    );
  },
});

const sendChatMessage = defineTool({
  name: 'send_chat_message',
  group: 'teams',
  title: 'Send a Teams chat message',
  description:
    'Sends a plain-text Teams message as you, after the user approves: to a chat (chatId), or to people (to) — one ' +
    'person gets your 1:1 chat (reused if it exists), several a new group chat. Chats have no threads: replyTo quotes a message of the chat.',
  scopes: [...CHAT_READ, ...CHAT_SEND, ...CHAT_CREATE, ...PEOPLE_READ],
  write: true,
  inputSchema: () => ({
    chatId: chatIdInput.optional(),
    to: z.array(z.string().min(1).max(320)).min(1).max(20).optional().describe('Email addresses or user ids.'),
    topic: z.string().min(1).max(250).optional().describe('Name of a new group chat.'),
    text,
    replyTo: z.string().min(1).max(100).optional().describe('Message id in chatId to quote.'),
  }),
  annotations: CREATE_ANNOTATIONS,
  async run(input, ctx) {
    if ((input.chatId === undefined) === (input.to === undefined))
      throw new ToolError('INVALID_INPUT', 'Give either chatId (an existing chat) or to (people to message).');
    if (input.to !== undefined) {
      if (input.replyTo !== undefined) throw new ToolError('INVALID_INPUT', 'replyTo needs chatId, not to.');
      // One clean line, sent as shown in the approval.
      const topic = input.topic === undefined ? undefined : plainLine(input.topic, 250) || undefined;
      return sendToPeople(ctx, { to: input.to, topic, text: input.text });
    }
    if (input.topic !== undefined)
      throw new ToolError('INVALID_INPUT', 'topic names a new group chat: use it with to.');
    return sendToChat(ctx, { chatId: input.chatId ?? '', text: input.text, replyTo: input.replyTo });
  },
});

async function sendToChat(
  ctx: ToolContext,
  input: { chatId: string; text: string; replyTo: string | undefined },
): Promise<ToolResult> {
  const path = chatPath(await resolveId(ctx, 'chat', input.chatId));
  const chat = shapeChat(
    await ctx.graph.request<WithId<Chat>>({
      method: 'GET',
      path,
      pathTemplate: '/chats/{id}',
      query: { $expand: 'members' },
      scopes: CHAT_READ,
    }),
    input.chatId,
  );
  const where = `${chat.chatType} chat ${chatLabel(chat)}`;
  const details: Record<string, string> = { Chat: where, Message: clip(input.text, 2000) };
  if (chat.members.length > 0) details.Members = clip(chat.members.join(', '), 2000);
  let quoted: string | undefined;
  if (input.replyTo !== undefined) {
    const original = shapeMessage(
      await ctx.graph.request<WithId<ChatMessage>>({
        method: 'GET',
        path: `${path}/messages/${pathSegment(input.replyTo)}`,
        pathTemplate: '/chats/{id}/messages/{id}',
        scopes: CHAT_READ,
      }),
    );
    quoted = `${original.from}: "${clip(oneLine(original.text), 200)}"`;
    details['Quoting'] = quoted;
  }
  const verb = quoted ? `Reply (quoting ${quoted}) in` : 'Send Teams message to';
  await ctx.approve(clip(`${verb} ${where}: "${clip(oneLine(input.text), 200)}"`, 1000), details);
  const body = { contentType: 'text', content: input.text };
  const sent = await ctx.graph.request<WithId<ChatMessage>>(
    input.replyTo === undefined
      ? {
          method: 'POST',
          path: `${path}/messages`,
          pathTemplate: '/chats/{id}/messages',
          body: { body },
          scopes: CHAT_SEND,
        }
      : {
          method: 'POST',
          path: `${path}/messages/replyWithQuote`,
          pathTemplate: '/chats/{id}/messages/replyWithQuote',
          body: { messageIds: [input.replyTo], replyMessage: { body } },
          scopes: CHAT_SEND,
        },
  );
  return { text: `Sent to ${where}.\nmessage id: ${sent.id}` };
}

async function sendToPeople(
  ctx: ToolContext,
  input: { to: readonly string[]; topic: string | undefined; text: string },
): Promise<ToolResult> {
  const { me, others } = await resolvePeople(ctx, input.to, PEOPLE_READ);
  const oneOnOne = others.length === 1;
  if (oneOnOne && input.topic !== undefined)
    throw new ToolError('INVALID_INPUT', 'A 1:1 chat has no topic: name two or more people in to for a group chat.');
  const names = others.map((p: Person) => p.label).join(', ');
  const where = oneOnOne
    ? `your 1:1 chat with ${names}`
    : `a new group chat${input.topic ? ` "${input.topic}"` : ''} with ${names}`;
  await ctx.approve(clip(`Send Teams message to ${where}: "${clip(oneLine(input.text), 200)}"`, 1000), {
    To: clip(names, 2000),
    Chat: oneOnOne ? '1:1 chat (an existing one is reused)' : `new group chat${input.topic ? ` "${input.topic}"` : ''}`,
    Message: clip(input.text, 2000),
  });
  const chatId = await startChat(ctx, { me, others, topic: input.topic, oneOnOne }, CHAT_CREATE);
  const sent = await ctx.graph.request<WithId<ChatMessage>>({
    method: 'POST',
    path: `${chatPath(chatId)}/messages`,
    pathTemplate: '/chats/{id}/messages',
    body: { body: { contentType: 'text', content: input.text } },
    scopes: CHAT_SEND,
  });
  return { text: `Sent to ${where}.\nchat id: ${await shortId(ctx, 'chat', chatId)}\nmessage id: ${sent.id}` };
}

const listTeams = defineTool({
  name: 'list_teams',
  group: 'teams',
  title: 'List my Teams or channels',
  description: "Lists the teams you are a member of; with teamId, that team's channels. Returns ids.",
  scopes: [...TEAM_READ, ...CHANNEL_LIST],
  write: false,
  inputSchema: () => ({ teamId: id.optional() }),
  annotations: READ_ANNOTATIONS,
  async run(input, ctx) {
    if (input.teamId === undefined) {
      const result = await listPage(
        ctx,
        { method: 'GET', path: '/me/joinedTeams', pathTemplate: '/me/joinedTeams', scopes: TEAM_READ },
        undefined,
        {
          key: 'teams',
          idKind: 'team',
          shape: (t: WithId<Team>, shown) => teamLine(t, shown),
          line: (line: string) => line,
          head: (items) => `${items.length} team(s); [id] is teamId:`,
        },
      );
      return textOnly(result);
    }
    const teamId = await resolveId(ctx, 'team', input.teamId);
    const result = await listPage(
      ctx,
      {
        method: 'GET',
        path: `/teams/${pathSegment(teamId)}/channels`,
        pathTemplate: '/teams/{id}/channels',
        query: { $select: 'id,displayName,description,membershipType' },
        scopes: CHANNEL_LIST,
      },
      undefined,
      {
        key: 'channels',
        idKind: 'channel',
        shape: (c: WithId<Channel>, shown) => teamLine(c, shown),
        line: (line: string) => line,
        head: (items) => `${items.length} channel(s); [id] is channelId (with this teamId):`,
      },
    );
    return textOnly(result);
  },
});

const listChannelMessages = defineTool({
  name: 'list_channel_messages',
  group: 'teams',
  title: 'Read a Teams channel',
  description:
    "Lists a channel's threads (newest first, with reply counts) or, with messageId, that thread's replies, as plain " +
    'text. Needs ChannelMessage.Read.All, which only a tenant admin can grant.',
  scopes: CHANNEL_READ,
  write: false,
  inputSchema: () => ({
    teamId: teamIdInput,
    channelId: channelIdInput,
    messageId: z.string().min(1).max(100).optional().describe("A thread's message id: list its replies."),
    top,
    cursor: cursorInput,
  }),
  annotations: READ_ANNOTATIONS,
  async run(input, ctx) {
    const base = channelPath(
      await resolveId(ctx, 'team', input.teamId),
      await resolveId(ctx, 'channel', input.channelId),
    );
    if (input.messageId !== undefined) {
      return messagesPage(
        ctx,
        {
          path: `${base}/messages/${pathSegment(input.messageId)}/replies`,
          pathTemplate: '/teams/{id}/channels/{id}/messages/{id}/replies',
          scopes: CHANNEL_READ,
        },
        input,
        'replies',
      );
    }
    return messagesPage(
      ctx,
      {
        path: `${base}/messages`,
        pathTemplate: '/teams/{id}/channels/{id}/messages',
        query: { $expand: 'replies' },
        scopes: CHANNEL_READ,
      },
      input,
    );
  },
});

const postChannelMessage = defineTool({
  name: 'post_channel_message',
  group: 'teams',
  title: 'Post in a Teams channel',
  description:
    'Posts a plain-text message as you in a Teams channel: a new thread (optional subject) or, with replyTo, a reply ' +
    'in that thread. The user approves first.',
  scopes: [...TEAM_READ, ...CHANNEL_LIST, ...CHANNEL_SEND],
  write: true,
  inputSchema: () => ({
    teamId: teamIdInput,
    channelId: channelIdInput,
    text,
    subject: z.string().min(1).max(250).optional(),
    replyTo: z.string().min(1).max(100).optional().describe('Message id of the thread to reply in.'),
  }),
  annotations: CREATE_ANNOTATIONS,
  async run(input, ctx) {
    if (input.subject !== undefined && input.replyTo !== undefined)
      throw new ToolError('INVALID_INPUT', 'A reply has no subject: give subject or replyTo, not both.');
    const teamId = await resolveId(ctx, 'team', input.teamId);
    const base = channelPath(teamId, await resolveId(ctx, 'channel', input.channelId));
    const where = await channelName(ctx, teamId, base);
    const details: Record<string, string> = { Channel: where, Message: clip(input.text, 2000) };
    const subject = input.subject === undefined ? undefined : plainLine(input.subject, 250) || undefined;
    if (subject) details.Subject = subject;
    // The parent is not read: that needs ChannelMessage.Read.All (admin consent), posting does not.
    if (input.replyTo) details['In reply to'] = `message ${input.replyTo}`;
    const verb = input.replyTo ? `Reply to message ${input.replyTo} in` : 'Post in';
    await ctx.approve(clip(`${verb} Teams channel ${where}: "${clip(oneLine(input.text), 200)}"`, 1000), details);
    const body = { contentType: 'text', content: input.text };
    const sent = await ctx.graph.request<WithId<ChatMessage>>(
      input.replyTo
        ? {
            method: 'POST',
            path: `${base}/messages/${pathSegment(input.replyTo)}/replies`,
            pathTemplate: '/teams/{id}/channels/{id}/messages/{id}/replies',
            body: { body },
            scopes: CHANNEL_SEND,
          }
        : {
            method: 'POST',
            path: `${base}/messages`,
            pathTemplate: '/teams/{id}/channels/{id}/messages',
            body: subject ? { subject, body } : { body },
            scopes: CHANNEL_SEND,
          },
    );
    return { text: `Posted in ${where}.\nmessage id: ${sent.id}` };
  },
});

/** `"Team › Channel"` for approvals (the team's and the channel's names, read with basic scopes). */
async function channelName(ctx: ToolContext, teamId: string, base: string): Promise<string> {
  const [team, channel] = await Promise.all([
    ctx.graph.request<{ displayName?: string | null }>({
      method: 'GET',
      path: `/teams/${pathSegment(teamId)}`,
      pathTemplate: '/teams/{id}',
      query: { $select: 'displayName' },
      scopes: TEAM_READ,
    }),
    ctx.graph.request<{ displayName?: string | null; membershipType?: string | null }>({
      method: 'GET',
      path: base,
      pathTemplate: '/teams/{id}/channels/{id}',
      query: { $select: 'displayName,membershipType' },
      scopes: CHANNEL_LIST,
    }),
  ]);
  const name = (v: string | null | undefined): string => plainLine(v, 100) || '(unnamed)';
  const kind = channel.membershipType && channel.membershipType !== 'standard' ? ` (${channel.membershipType})` : '';
  return `"${name(team.displayName)} › ${name(channel.displayName)}"${kind}`;
}

export const teamsTools: ToolDefinition[] = [
  listChats,
  listChatMessages,
  sendChatMessage,
  listTeams,
  listChannelMessages,
  postChannelMessage,
];
