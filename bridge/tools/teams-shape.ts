/**
 * Shaping and people lookups for the Teams tools (teams.ts): chats, messages and list lines as
 * plain text with peer-controlled names made one clean line; the people a new chat is with, read
 * from the directory so the approval names them; and creating that chat.
 */
import type { AadUserConversationMember, Chat, ChatMessage, User } from '@microsoft/microsoft-graph-types';
import { ToolError, type ToolContext } from './tool.ts';
import { resolveId } from './shared/ids.ts';
import { pathSegment } from './shared/paths.ts';
import { bodyToText, clip, plainLine, withoutControls } from './shared/text.ts';

export type WithId<T> = T & { id: string };

const MESSAGE_CHARS = 1500;

export interface ShapedChat {
  id: string;
  chatType: string;
  topic?: string;
  members: string[];
}

export function shapeChat(c: WithId<Chat>, id: string): ShapedChat {
  const members = (c.members ?? []) as AadUserConversationMember[];
  const out: ShapedChat = {
    id,
    chatType: c.chatType ?? 'unknown',
    members: members.map((m) => plainLine(m.displayName ?? m.email, 100) || '(unknown)').slice(0, 20),
  };
  if (c.topic) out.topic = plainLine(c.topic, 200);
  return out;
}

export function chatLabel(c: ShapedChat): string {
  if (c.topic) return `"${c.topic}"`;
  return c.members.length > 0 ? `with ${c.members.join(', ')}` : `(${c.chatType} chat)`;
}

export interface ShapedMessage {
  id: string;
  from: string;
  created?: string;
  subject?: string;
  text: string;
  attachments: number;
  /** Replies in the thread, when Graph expanded them (channel messages). */
  replies?: number;
}

export function shapeMessage(m: WithId<ChatMessage>): ShapedMessage {
  const quotes = (m.attachments ?? []).filter((a) => a.contentType === 'messageReference').length;
  const out: ShapedMessage = {
    id: plainLine(m.id, 100),
    from:
      plainLine(m.from?.user?.displayName ?? m.from?.application?.displayName, 100) ||
      (m.messageType === 'message' ? '(unknown)' : 'system'),
    text: m.deletedDateTime ? '(deleted)' : clip(withoutControls(bodyToText(m.body)), MESSAGE_CHARS),
    attachments: (m.attachments?.length ?? 0) - quotes,
  };
  if (quotes > 0) out.text = `(quoting ${quotes} message(s)) ${out.text}`;
  if (m.createdDateTime) out.created = m.createdDateTime;
  if (m.subject) out.subject = plainLine(m.subject, 200);
  if (Array.isArray(m.replies)) out.replies = m.replies.length;
  return out;
}

export function messageLine(m: ShapedMessage): string {
  const when = m.created ? `${m.created.slice(0, 16).replace('T', ' ')} ` : '';
  const subject = m.subject ? `[${m.subject}] ` : '';
  const attach = m.attachments > 0 ? ` (+${m.attachments} attachment(s))` : '';
  const replies = m.replies ? ` (${m.replies} repl${m.replies === 1 ? 'y' : 'ies'})` : '';
  return `- [${m.id}] ${when}${m.from}: ${subject}${m.text.replace(/\n/g, '\n  ')}${attach}${replies}`;
}

/** A team or channel as one list line: `- [id] Name — description (private)`. */
export function teamLine(
  t: { displayName?: string | null; description?: string | null; membershipType?: string | null },
  id: string,
): string {
  const description = plainLine(t.description, 200);
  const kind = t.membershipType && t.membershipType !== 'standard' ? ` (${plainLine(t.membershipType, 20)})` : '';
  return `- [${id}] ${plainLine(t.displayName, 200) || '(unnamed)'}${description ? ` — ${description}` : ''}${kind}`;
}

export interface Person {
  id: string;
  /** "Name <address>" for approvals. */
  label: string;
}

function person(u: User & { id: string }): Person {
  const name = plainLine(u.displayName, 100);
  const address = plainLine(u.mail ?? u.userPrincipalName, 320);
  return { id: u.id, label: name && address ? `${name} <${address}>` : name || address || u.id };
}

const USER_SELECT = 'id,displayName,mail,userPrincipalName';

/** One person of `to` (an email address, UPN, user id or user handle) from the directory. */
async function lookUp(ctx: ToolContext, value: string, scopes: readonly string[]): Promise<Person> {
  const key = await resolveId(ctx, 'user', value);
  try {
    const user = await ctx.graph.request<User & { id: string }>({
      method: 'GET',
      path: `/users/${pathSegment(key)}`,
      pathTemplate: '/users/{id}',
      query: { $select: USER_SELECT },
      scopes,
    });
    return person(user);
  } catch (error) {
    if (error instanceof ToolError && error.code === 'GRAPH_NOT_FOUND')
      throw new ToolError(
        'INVALID_INPUT',
        `No one in your organization is "${plainLine(value, 100)}". Check the address; nothing was sent.`,
      );
    throw error;
  }
}

/** The signed-in user and the other people of `to` (duplicates and the user left out). */
export async function resolvePeople(
  ctx: ToolContext,
  to: readonly string[],
  scopes: readonly string[],
): Promise<{ me: Person; others: Person[] }> {
  const [meUser, ...found] = await Promise.all([
    ctx.graph.request<User & { id: string }>({
      method: 'GET',
      path: '/me',
      pathTemplate: '/me',
      query: { $select: USER_SELECT },
      scopes,
    }),
    ...to.map((v) => lookUp(ctx, v, scopes)),
  ]);
  const me = person(meUser);
  const others = [...new Map(found.filter((p) => p.id !== me.id).map((p) => [p.id, p])).values()];
  if (others.length === 0) throw new ToolError('INVALID_INPUT', '`to` names only you: name the people to message.');
  return { me, others };
}

/** `user@odata.bind` for a user id (single quotes doubled, as OData keys escape them). */
function bindUser(userId: string): string {
  return `https://graph.microsoft.com/v1.0/users('${userId.replace(/'/g, "''")}')`;
}

/**
 * POST /chats for `me` and `others`: a one-on-one chat (Teams returns the existing one between the
 * two) or a new group chat. Returns the chat id. Call only after the user approved.
 */
export async function startChat(
  ctx: ToolContext,
  chat: { me: Person; others: readonly Person[]; topic: string | undefined; oneOnOne: boolean },
  scopes: readonly string[],
): Promise<string> {
  const members = [chat.me, ...chat.others].map((p) => ({
    '@odata.type': '#microsoft.graph.aadUserConversationMember',
    roles: ['owner'],
    'user@odata.bind': bindUser(p.id),
  }));
  const created = await ctx.graph.request<WithId<Chat>>({
    method: 'POST',
    path: '/chats',
    pathTemplate: '/chats',
    body: {
      chatType: chat.oneOnOne ? 'oneOnOne' : 'group',
      ...(chat.oneOnOne || chat.topic === undefined ? {} : { topic: chat.topic }),
      members,
    },
    scopes,
  });
  return created.id;
}
