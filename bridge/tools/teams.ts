/**
 * Teams tools: list_chats, list_chat_messages, send_chat_message, list_joined_teams,
 * list_channel_messages. Graph: /me/chats, /chats/{id}, /chats/{id}/messages, /me/joinedTeams,
 * /teams/{id}/channels/{id}/messages. Message bodies (HTML) are returned as plain text.
 */
import { z } from 'zod';
import type { GraphCall, ToolContext, ToolDefinition, ToolResult } from './tool.ts';
import { READ_ANNOTATIONS, CREATE_ANNOTATIONS, defineTool } from './shared/define.ts';
import { cursorInput, listPage } from './shared/list.ts';
import { resolveId } from './shared/ids.ts';
import { pathSegment } from './shared/paths.ts';
import { bodyToText, clip, oneLine, plainLine, withoutControls } from './shared/text.ts';

/** Least privilege per tool; a unit test checks each is within GROUP_SCOPES.teams. */
const CHAT_READ = ['Chat.Read'] as const;
const TEAM_READ = ['Team.ReadBasic.All'] as const;
const CHANNEL_READ = ['ChannelMessage.Read.All'] as const;
const CHAT_SEND = ['Chat.Read', 'ChatMessage.Send'] as const;
const MESSAGE_CHARS = 1500;

interface GraphChat {
  id: string;
  topic?: string | null;
  chatType?: string;
  createdDateTime?: string;
  lastUpdatedDateTime?: string;
  members?: { displayName?: string | null; email?: string | null }[];
}

interface GraphChatMessage {
  id: string;
  createdDateTime?: string;
  deletedDateTime?: string | null;
  messageType?: string;
  subject?: string | null;
  from?: { user?: { displayName?: string | null } | null; application?: { displayName?: string | null } | null } | null;
  body?: { contentType?: string; content?: string } | null;
  attachments?: unknown[];
}

const chatShape = z.object({
  id: z.string(),
  chatType: z.string(),
  topic: z.string().optional(),
  members: z.array(z.string()),
  lastUpdated: z.string().optional(),
});
type ShapedChat = z.infer<typeof chatShape>;

const messageShape = z.object({
  id: z.string(),
  from: z.string(),
  created: z.string().optional(),
  type: z.string(),
  subject: z.string().optional(),
  text: z.string(),
  attachments: z.number(),
});
type ShapedMessage = z.infer<typeof messageShape>;

function shapeChat(c: GraphChat, id: string): ShapedChat {
  const out: ShapedChat = {
    id,
    chatType: c.chatType ?? 'unknown',
    members: (c.members ?? []).map((m) => plainLine(m.displayName ?? m.email, 100) || '(unknown)').slice(0, 20),
  };
  if (c.topic) out.topic = plainLine(c.topic, 200);
  if (c.lastUpdatedDateTime) out.lastUpdated = c.lastUpdatedDateTime;
  return out;
}

function chatLabel(c: ShapedChat): string {
  if (c.topic) return `"${c.topic}"`;
  return c.members.length > 0 ? `with ${c.members.join(', ')}` : `(${c.chatType} chat)`;
}

function shapeMessage(m: GraphChatMessage): ShapedMessage {
  const out: ShapedMessage = {
    id: m.id,
    from:
      plainLine(m.from?.user?.displayName ?? m.from?.application?.displayName, 100) ||
      (m.messageType === 'message' ? '(unknown)' : 'system'),
    type: m.messageType ?? 'message',
    text: m.deletedDateTime ? '(deleted)' : clip(withoutControls(bodyToText(m.body)), MESSAGE_CHARS),
    attachments: m.attachments?.length ?? 0,
  };
  if (m.createdDateTime) out.created = m.createdDateTime;
  if (m.subject) out.subject = plainLine(m.subject, 200);
  return out;
}

function messageLine(m: ShapedMessage): string {
  const when = m.created ? `${m.created.slice(0, 16).replace('T', ' ')} ` : '';
  const subject = m.subject ? `[${m.subject}] ` : '';
  const attach = m.attachments > 0 ? ` (+${m.attachments} attachment(s))` : '';
  return `- ${when}${m.from}: ${subject}${m.text.replace(/\n/g, '\n  ')}${attach}`;
}

function chatLine(c: ShapedChat): string {
  return `- [${c.id}] ${c.chatType} chat ${chatLabel(c)}`;
}

/** One page of chat or channel messages as plain text, newest first. */
function messagesPage(
  ctx: ToolContext,
  call: Pick<GraphCall, 'path' | 'pathTemplate' | 'scopes'>,
  input: { top: number; cursor?: string | undefined },
): Promise<ToolResult> {
  return listPage(ctx, { method: 'GET', ...call, query: { $top: input.top } }, input.cursor, {
    key: 'messages',
    shape: shapeMessage,
    line: messageLine,
    head: (messages) => `${messages.length} message(s), newest first:`,
  });
}

interface ShapedTeam {
  id: string;
  displayName: string;
  description?: string;
}

function shapeTeam(
  t: { id: string; displayName?: string | null; description?: string | null },
  id: string,
): ShapedTeam {
  return {
    id,
    displayName: plainLine(t.displayName, 200) || '(unnamed)',
    ...(t.description ? { description: plainLine(t.description, 200) } : {}),
  };
}

function teamLine(t: ShapedTeam): string {
  return `- [${t.id}] ${t.displayName}${t.description ? ` — ${t.description}` : ''}`;
}

// ------------------------------------------------------------------------------------------------

const listChats = defineTool({
  name: 'list_chats',
  group: 'teams',
  title: 'List Teams chats',
  description:
    "Lists the signed-in user's Teams chats (one-on-one, group and meeting chats) with topic, members and chat id. " +
    'Use the id with list_chat_messages or send_chat_message. Pages with a cursor.',
  scopes: CHAT_READ,
  write: false,
  inputSchema: {
    top: z.number().int().min(1).max(50).default(20).describe('Chats per page (1–50).'),
    cursor: cursorInput,
  },
  outputSchema: { chats: z.array(chatShape), nextCursor: z.string().nullable() },
  annotations: READ_ANNOTATIONS,
  async run(input, ctx) {
    return listPage(
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
        shape: shapeChat,
        line: chatLine,
        head: (items) => `${items.length} chat(s); [id] for list_chat_messages or send_chat_message:`,
      },
    );
  },
});

const listChatMessages = defineTool({
  name: 'list_chat_messages',
  group: 'teams',
  title: 'Read a Teams chat',
  description:
    'Lists messages of one Teams chat (chat id from list_chats), newest first, as plain text with sender and time. ' +
    'Long messages are truncated. Pages with a cursor.',
  scopes: CHAT_READ,
  write: false,
  inputSchema: {
    chatId: z.string().min(1).max(500).describe('Chat id from list_chats (or a Graph chat id, e.g. 19:…@thread.v2).'),
    top: z.number().int().min(1).max(50).default(20).describe('Messages per page (1–50).'),
    cursor: cursorInput,
  },
  outputSchema: { messages: z.array(messageShape), nextCursor: z.string().nullable() },
  annotations: READ_ANNOTATIONS,
  async run(input, ctx) {
    const chatId = await resolveId(ctx, 'chat', input.chatId);
    return messagesPage(
      ctx,
      { path: `/chats/${pathSegment(chatId)}/messages`, pathTemplate: '/chats/{id}/messages', scopes: CHAT_READ },
      input,
    );
  },
});

const sendChatMessage = defineTool({
  name: 'send_chat_message',
  group: 'teams',
  title: 'Send a Teams chat message',
  description:
    'Posts a plain-text message to a Teams chat (chat id from list_chats) as the signed-in user. ' +
    'The user is asked to approve first (the approval shows the chat and its members).',
  scopes: CHAT_SEND,
  write: true,
  inputSchema: {
    chatId: z.string().min(1).max(500).describe('Chat id from list_chats.'),
    text: z.string().min(1).max(20000).describe('Message text (plain text).'),
  },
  outputSchema: { message: messageShape, chatId: z.string() },
  annotations: CREATE_ANNOTATIONS,
  async run(input, ctx) {
    const chatPath = `/chats/${pathSegment(await resolveId(ctx, 'chat', input.chatId))}`;
    const chat = shapeChat(
      await ctx.graph.request<GraphChat>({
        method: 'GET',
        path: chatPath,
        pathTemplate: '/chats/{id}',
        query: { $expand: 'members' },
        scopes: ['Chat.Read'],
      }),
      input.chatId,
    );
    const details: Record<string, string> = {
      Chat: `${chat.chatType} chat ${chatLabel(chat)}`,
      Message: clip(input.text, 2000),
    };
    if (chat.members.length > 0) details.Members = clip(chat.members.join(', '), 2000);
    await ctx.approve(
      clip(`Send Teams message to ${chat.chatType} chat ${chatLabel(chat)}: "${clip(oneLine(input.text), 200)}"`, 1000),
      details,
    );
    const sent = await ctx.graph.request<GraphChatMessage>({
      method: 'POST',
      path: `${chatPath}/messages`,
      pathTemplate: '/chats/{id}/messages',
      body: { body: { contentType: 'text', content: input.text } },
      scopes: ['ChatMessage.Send'],
    });
    const message = shapeMessage(sent);
    return {
      text: `Sent to chat ${chatLabel(chat)}.\nmessage id: ${message.id}`,
      structured: { message, chatId: input.chatId },
    };
  },
});

const listJoinedTeams = defineTool({
  name: 'list_joined_teams',
  group: 'teams',
  title: 'List my Teams',
  description: 'Lists the Teams the signed-in user is a member of, with name, description and team id.',
  scopes: TEAM_READ,
  write: false,
  inputSchema: { cursor: cursorInput },
  outputSchema: {
    teams: z.array(z.object({ id: z.string(), displayName: z.string(), description: z.string().optional() })),
    nextCursor: z.string().nullable(),
  },
  annotations: READ_ANNOTATIONS,
  async run(input, ctx) {
    return listPage(
      ctx,
      { method: 'GET', path: '/me/joinedTeams', pathTemplate: '/me/joinedTeams', scopes: TEAM_READ },
      input.cursor,
      {
        key: 'teams',
        idKind: 'team',
        shape: shapeTeam,
        line: teamLine,
        head: (items) => `${items.length} team(s); [id] for list_channel_messages:`,
      },
    );
  },
});

const listChannelMessages = defineTool({
  name: 'list_channel_messages',
  group: 'teams',
  title: 'Read a Teams channel',
  description:
    'Lists top-level messages (not replies) in a Teams channel, newest first, as plain text with sender, subject and time. ' +
    'Needs the team id (list_joined_teams) and the channel id. Pages with a cursor.',
  scopes: CHANNEL_READ,
  write: false,
  inputSchema: {
    teamId: z.string().min(1).max(500).describe('Team id from list_joined_teams.'),
    channelId: z.string().min(1).max(500).describe('Channel id, e.g. 19:…@thread.tacv2.'),
    top: z.number().int().min(1).max(50).default(20).describe('Messages per page (1–50).'),
    cursor: cursorInput,
  },
  outputSchema: { messages: z.array(messageShape), nextCursor: z.string().nullable() },
  annotations: READ_ANNOTATIONS,
  async run(input, ctx) {
    return messagesPage(
      ctx,
      {
        path: `/teams/${pathSegment(await resolveId(ctx, 'team', input.teamId))}/channels/${pathSegment(input.channelId)}/messages`,
        pathTemplate: '/teams/{id}/channels/{id}/messages',
        scopes: CHANNEL_READ,
      },
      input,
    );
  },
});

export const teamsTools: ToolDefinition[] = [
  listChats,
  listChatMessages,
  sendChatMessage,
  listJoinedTeams,
  listChannelMessages,
];
