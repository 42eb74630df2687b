/**
 * Teams (spec §9.15–§9.16): joinedTeams, one team, channels (list, one), channel messages (list with
 * `$expand=replies`, one, post) and their replies (list, post), chats and one chat (both with
 * $expand=members), chat messages (list, one, send, replyWithQuote), and creating a chat (`POST
 * /chats`: an existing one-on-one chat between the same two people is returned, not duplicated).
 * Teams and chats are tenant-wide; access requires membership.
 */
import { badRequest, GraphHttpError, invalidJsonPayload, notFound } from '../errors.ts';
import { jsonResponse, readJsonBody, type GraphResponse } from '../http.ts';
import type { Channel, Chat, ChatMessage, Team } from '../model.ts';
import { evaluateFilter, parseFilterParam } from '../odata/filter.ts';
import { applySelect, parseSelect, parseTop } from '../odata/options.ts';
import { collection, tokenPage } from '../odata/paging.ts';
import { meContext, type Route, type RouteContext } from '../router.ts';
import { SCOPES } from '../scopes.ts';
import { chatMessage } from '../seed/teams.ts';
import { isoZ } from '../seed/prng.ts';

function teamOrThrow(ctx: RouteContext): Team {
  const team = ctx.store.tenant().teams.find((t) => t.id.toLowerCase() === (ctx.params[0] ?? '').toLowerCase());
  if (!team) throw notFound('NotFound', `No team found with Group Id ${ctx.params[0] ?? ''}`);
  if (!team.memberIds.includes(ctx.me.id))
    throw new GraphHttpError({
      status: 403,
      code: 'Forbidden',
      message: 'Forbidden: the user is not a member of this team.',
    });
  return team;
}

function chatOrThrow(ctx: RouteContext): Chat {
  const chat = ctx.store.tenant().chats.find((c) => c.id === ctx.params[0]);
  if (!chat || !chat.memberIds.includes(ctx.me.id)) throw notFound('NotFound', 'Resource not found.');
  return chat;
}

function joinedTeams(ctx: RouteContext): GraphResponse {
  for (const k of ctx.req.query.keys())
    if (k.startsWith('$')) throw badRequest('BadRequest', `Query option '${k}' is not supported for this request.`);
  const teams = ctx.store.tenant().teams.filter((t) => t.memberIds.includes(ctx.me.id));
  const items = teams.map(teamJson);
  return jsonResponse(200, collection(`${ctx.base}/$metadata#teams`, { items }, { '@odata.count': items.length }));
}

/** A team as joinedTeams lists it (Graph fills only id, displayName, description and a few more). */
function teamJson(t: Team): Record<string, unknown> {
  return {
    id: t.id,
    createdDateTime: null,
    displayName: t.displayName,
    description: t.description,
    internalId: null,
    classification: null,
    specialization: null,
    visibility: null,
    webUrl: null,
    isArchived: t.isArchived,
    tenantId: t.tenantId,
    isMembershipLimitedToOwners: null,
    memberSettings: null,
    guestSettings: null,
    messagingSettings: null,
    funSettings: null,
    discoverySettings: null,
    summary: null,
  };
}

/** GET /teams/{id} (`$select` names checked against microsoft.graph.team). */
function getTeam(ctx: RouteContext): GraphResponse {
  const team = teamOrThrow(ctx);
  const select = parseSelect(ctx.req.query, { typeName: 'microsoft.graph.team', code: 'BadRequest' });
  return jsonResponse(200, {
    '@odata.context': `${ctx.base}/$metadata#teams/$entity`,
    ...applySelect(teamJson(team), select),
  });
}

function channelSelect(ctx: RouteContext): string[] | undefined {
  return parseSelect(ctx.req.query, { typeName: 'microsoft.graph.channel', code: 'BadRequest' });
}

function channels(ctx: RouteContext): GraphResponse {
  const team = teamOrThrow(ctx);
  const select = channelSelect(ctx);
  const list = (ctx.store.tenant().channels.get(team.id) ?? []).map((c) => applySelect(c, select));
  return jsonResponse(
    200,
    collection(`${ctx.base}/$metadata#teams('${team.id}')/channels`, { items: list }, { '@odata.count': list.length }),
  );
}

function channelOrThrow(ctx: RouteContext, team: Team): Channel {
  const channel = (ctx.store.tenant().channels.get(team.id) ?? []).find((c) => c.id === ctx.params[1]);
  if (!channel) throw notFound('NotFound', 'Channel not found.');
  return channel;
}

function getChannel(ctx: RouteContext): GraphResponse {
  const team = teamOrThrow(ctx);
  const channel = channelOrThrow(ctx, team);
  return jsonResponse(200, {
    '@odata.context': `${ctx.base}/$metadata#teams('${team.id}')/channels/$entity`,
    ...applySelect(channel, channelSelect(ctx)),
  });
}

function messagesPage(ctx: RouteContext, all: readonly ChatMessage[], context: string): GraphResponse {
  const top = parseTop(ctx.req.query, { def: 20, max: 50 });
  const page = tokenPage(all, { req: ctx.req, base: ctx.base, top });
  return jsonResponse(200, collection(context, page, page.nextLink ? {} : { '@odata.count': page.items.length }));
}

function channelContext(ctx: RouteContext, team: Team, channel: Channel): string {
  return `${ctx.base}/$metadata#teams('${team.id}')/channels('${encodeURIComponent(channel.id)}')/messages`;
}

/** Top-level channel messages, newest first; `$expand=replies` adds each one's replies. */
function channelMessages(ctx: RouteContext): GraphResponse {
  const team = teamOrThrow(ctx);
  const channel = channelOrThrow(ctx, team);
  const raw = ctx.req.query.get('$expand');
  if (raw !== undefined && raw.toLowerCase() !== 'replies')
    throw badRequest('BadRequest', `Expanding '${raw}' is not supported.`);
  const all = ctx.store.tenant().channelMessages.get(channel.id) ?? [];
  const replies = ctx.store.tenant().channelReplies;
  const items =
    raw === undefined ? all : all.map((m) => ({ ...m, replies: replies.get(`${channel.id}/${m.id}`) ?? [] }));
  return messagesPage(ctx, items, channelContext(ctx, team, channel));
}

function channelMessageOrThrow(ctx: RouteContext, channel: Channel): ChatMessage {
  const message = (ctx.store.tenant().channelMessages.get(channel.id) ?? []).find((m) => m.id === ctx.params[2]);
  if (!message) throw notFound('NotFound', 'Message not found.');
  return message;
}

function getChannelMessage(ctx: RouteContext): GraphResponse {
  const team = teamOrThrow(ctx);
  const channel = channelOrThrow(ctx, team);
  return jsonResponse(200, {
    '@odata.context': `${channelContext(ctx, team, channel)}/$entity`,
    ...channelMessageOrThrow(ctx, channel),
  });
}

function channelReplies(ctx: RouteContext): GraphResponse {
  const team = teamOrThrow(ctx);
  const channel = channelOrThrow(ctx, team);
  const parent = channelMessageOrThrow(ctx, channel);
  const all = ctx.store.tenant().channelReplies.get(`${channel.id}/${parent.id}`) ?? [];
  return messagesPage(ctx, all, `${channelContext(ctx, team, channel)}('${parent.id}')/replies`);
}

/** The message body a POST must carry (Graph: "Message body cannot be empty"). */
function postedBody(json: Record<string, unknown>): { contentType: 'html' | 'text'; content: string } {
  const body = json.body as { content?: unknown; contentType?: unknown } | undefined;
  if (typeof body?.content !== 'string' || body.content === '')
    throw badRequest('BadRequest', 'Message body cannot be empty.');
  return { contentType: body.contentType === 'html' ? 'html' : 'text', content: body.content };
}

/** A new message by the caller, dated after the newest one in `list` (ids are creation times). */
function newMessage(
  ctx: RouteContext,
  list: readonly ChatMessage[],
  at: { chatId?: string; channel?: { teamId: string; channelId: string } },
  body: { contentType: 'html' | 'text'; content: string },
): ChatMessage {
  const latest = Math.max(0, ...list.map((m) => Number(m.id)));
  const atMs = Math.max(ctx.nowMs, latest + 1);
  const msg = chatMessage(ctx.store.rng(), {
    from: ctx.me,
    tenantId: ctx.deps.tenantId,
    atMs,
    html: body.content,
    ...at,
  });
  msg.body = body;
  return msg;
}

/** POST …/channels/{id}/messages: a new thread (`subject` optional). */
function postChannelMessage(ctx: RouteContext): GraphResponse {
  const team = teamOrThrow(ctx);
  const channel = channelOrThrow(ctx, team);
  const json = readJsonBody(ctx.req.body, invalidJsonPayload);
  const body = postedBody(json);
  const tenant = ctx.store.tenant();
  const list = tenant.channelMessages.get(channel.id) ?? [];
  const msg = newMessage(ctx, list, { channel: { teamId: team.id, channelId: channel.id } }, body);
  if (typeof json.subject === 'string' && json.subject !== '') msg.subject = json.subject;
  tenant.channelMessages.set(channel.id, [msg, ...list]);
  return jsonResponse(201, { '@odata.context': `${channelContext(ctx, team, channel)}/$entity`, ...msg });
}

/** POST …/messages/{id}/replies: a reply in the message's thread. */
function postChannelReply(ctx: RouteContext): GraphResponse {
  const team = teamOrThrow(ctx);
  const channel = channelOrThrow(ctx, team);
  const parent = channelMessageOrThrow(ctx, channel);
  const body = postedBody(readJsonBody(ctx.req.body, invalidJsonPayload));
  const key = `${channel.id}/${parent.id}`;
  const replies = ctx.store.tenant().channelReplies;
  const list = replies.get(key) ?? [];
  const msg = {
    ...newMessage(ctx, [parent, ...list], { channel: { teamId: team.id, channelId: channel.id } }, body),
    replyToId: parent.id,
  };
  replies.set(key, [msg, ...list]);
  return jsonResponse(201, {
    '@odata.context': `${channelContext(ctx, team, channel)}('${parent.id}')/replies/$entity`,
    ...msg,
  });
}

function memberJson(ctx: RouteContext, chat: Chat, oid: string): Record<string, unknown> {
  const u = ctx.store.findUser(oid);
  return {
    '@odata.type': '#microsoft.graph.aadUserConversationMember',
    id: Buffer.from(`${chat.id}##${oid}`).toString('base64'),
    // Graph reports every non-guest member of a oneOnOne or group chat as an owner (guests: "guest").
    roles: ['owner'],
    displayName: u?.displayName ?? null,
    visibleHistoryStartDateTime: '0001-01-01T00:00:00Z',
    userId: oid,
    email: u?.mail ?? null,
    tenantId: ctx.deps.tenantId,
  };
}

/** `$expand` on chats: only `members` (spec §8.3); true when members are to be included. */
function expandMembers(ctx: RouteContext): boolean {
  const raw = ctx.req.query.get('$expand');
  const expand = (raw ?? '').toLowerCase();
  if (expand && expand !== 'members') throw badRequest('BadRequest', `Expanding '${raw ?? ''}' is not supported.`);
  return expand === 'members';
}

/** A chat as Graph returns it (memberIds is the emulator's own), with `members` when expanded. */
function chatJson(ctx: RouteContext, chat: Chat, expand: boolean): Record<string, unknown> {
  const { memberIds, ...c } = chat;
  return expand ? { ...c, members: memberIds.map((m) => memberJson(ctx, chat, m)) } : c;
}

function listChats(ctx: RouteContext): GraphResponse {
  const q = ctx.req.query;
  const expand = expandMembers(ctx);
  let chats = ctx.store.tenant().chats.filter((c) => c.memberIds.includes(ctx.me.id));
  const filter = parseFilterParam(q.get('$filter'));
  if (filter) chats = chats.filter((c) => evaluateFilter(filter, c));
  chats = [...chats].sort((a, b) => (a.lastUpdatedDateTime < b.lastUpdatedDateTime ? 1 : -1));
  const top = parseTop(q, { def: 50, max: 50 });
  const page = tokenPage(chats, { req: ctx.req, base: ctx.base, top });
  const items = page.items.map((c) => chatJson(ctx, c, expand));
  const context = meContext(ctx, expand ? 'chats(members())' : 'chats');
  return jsonResponse(200, collection(context, { ...page, items }, { '@odata.count': items.length }));
}

/** GET /chats/{id}: one chat the user is a member of (else 404, as Graph does not reveal others). */
function getChat(ctx: RouteContext): GraphResponse {
  const expand = expandMembers(ctx);
  const chat = chatOrThrow(ctx);
  return jsonResponse(200, {
    '@odata.context': `${ctx.base}/$metadata#chats${expand ? '(members())' : ''}/$entity`,
    ...chatJson(ctx, chat, expand),
  });
}

function chatMessages(ctx: RouteContext): GraphResponse {
  const chat = chatOrThrow(ctx);
  const all = ctx.store.tenant().chatMessages.get(chat.id) ?? [];
  return messagesPage(ctx, all, `${ctx.base}/$metadata#chats('${encodeURIComponent(chat.id)}')/messages`);
}

function chatMessagesContext(ctx: RouteContext, chat: Chat): string {
  return `${ctx.base}/$metadata#chats('${encodeURIComponent(chat.id)}')/messages`;
}

function addChatMessage(ctx: RouteContext, chat: Chat, msg: ChatMessage): GraphResponse {
  const list = ctx.store.tenant().chatMessages.get(chat.id) ?? [];
  ctx.store.tenant().chatMessages.set(chat.id, [msg, ...list]);
  chat.lastUpdatedDateTime = msg.createdDateTime;
  return jsonResponse(201, { '@odata.context': `${chatMessagesContext(ctx, chat)}/$entity`, ...msg });
}

function sendChatMessage(ctx: RouteContext): GraphResponse {
  const chat = chatOrThrow(ctx);
  const body = postedBody(readJsonBody(ctx.req.body, invalidJsonPayload));
  const list = ctx.store.tenant().chatMessages.get(chat.id) ?? [];
  return addChatMessage(ctx, chat, newMessage(ctx, list, { chatId: chat.id }, body));
}

function getChatMessage(ctx: RouteContext): GraphResponse {
  const chat = chatOrThrow(ctx);
  const msg = (ctx.store.tenant().chatMessages.get(chat.id) ?? []).find((m) => m.id === ctx.params[1]);
  if (!msg) throw notFound('NotFound', 'Message not found.');
  return jsonResponse(200, { '@odata.context': `${chatMessagesContext(ctx, chat)}/$entity`, ...msg });
}

/**
 * POST /chats/{id}/messages/replyWithQuote `{messageIds (1–10, of this chat), replyMessage}`: a new
 * message whose body quotes the others as `messageReference` attachments (chatmessage-replywithquote).
 */
function replyWithQuote(ctx: RouteContext): GraphResponse {
  const chat = chatOrThrow(ctx);
  const json = readJsonBody(ctx.req.body, invalidJsonPayload);
  const ids = json.messageIds;
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > 10 || !ids.every((i) => typeof i === 'string'))
    throw badRequest('BadRequest', 'messageIds must list 1 to 10 message ids of this chat.');
  const reply = json.replyMessage as Record<string, unknown> | undefined;
  const body = postedBody(reply ?? {});
  const list = ctx.store.tenant().chatMessages.get(chat.id) ?? [];
  const quoted = ids.map((id) => {
    const m = list.find((x) => x.id === id);
    if (!m) throw notFound('NotFound', `Message ${id} not found.`);
    return m;
  });
  const msg = newMessage(ctx, list, { chatId: chat.id }, body);
  msg.body = {
    contentType: 'html',
    content: `<p></p>\n${quoted.map((q) => `<attachment id="${q.id}"></attachment>`).join('\n')}\n${body.content}\n<p></p>`,
  };
  msg.attachments = quoted.map((q) => ({
    id: q.id,
    contentType: 'messageReference',
    contentUrl: null,
    content: JSON.stringify({ messageId: q.id, messagePreview: q.body.content.slice(0, 100), messageSender: q.from }),
    name: null,
    thumbnailUrl: null,
    teamsAppId: null,
  }));
  return addChatMessage(ctx, chat, msg);
}

const BIND = /\/users\('([^']+)'\)$/;

/** The members of a POST /chats body as directory user ids (each must exist). */
function chatMembers(ctx: RouteContext, members: unknown): string[] {
  if (!Array.isArray(members) || members.length === 0) throw badRequest('BadRequest', 'Members are required.');
  const ids = members.map((m) => {
    const member = m as Record<string, unknown> | null;
    const bind = member?.['user@odata.bind'];
    const type = member?.['@odata.type'];
    const key = typeof bind === 'string' ? BIND.exec(bind)?.[1] : undefined;
    if (type !== '#microsoft.graph.aadUserConversationMember' || key === undefined)
      throw badRequest('BadRequest', 'Each member must be an aadUserConversationMember with user@odata.bind.');
    const user = ctx.store.findUser(decodeURIComponent(key));
    // [unverified] the status and text Graph gives for a member that does not exist.
    if (!user) throw notFound('NotFound', `User '${key}' was not found.`);
    return user.id;
  });
  return [...new Set(ids)];
}

/**
 * POST /chats {chatType: oneOnOne|group, topic?, members}. The caller must be a member; a one-on-one
 * chat has exactly two members and no topic, and when the two already have one it is returned.
 */
function createChat(ctx: RouteContext): GraphResponse {
  const json = readJsonBody(ctx.req.body, invalidJsonPayload);
  const chatType = json.chatType;
  if (chatType !== 'oneOnOne' && chatType !== 'group')
    throw badRequest('BadRequest', "chatType must be 'oneOnOne' or 'group'.");
  const ids = chatMembers(ctx, json.members);
  if (!ids.includes(ctx.me.id))
    throw new GraphHttpError({
      status: 403,
      code: 'Forbidden',
      message: 'The user creating the chat must be one of its members.',
    });
  const topic = typeof json.topic === 'string' && json.topic !== '' ? json.topic : null;
  if (chatType === 'oneOnOne' && (ids.length !== 2 || topic !== null))
    throw badRequest('BadRequest', 'A oneOnOne chat has exactly two members and no topic.');
  // [unverified] Teams' group chats have three or more people; the exact error is not known.
  if (chatType === 'group' && ids.length < 3)
    throw badRequest('BadRequest', 'A group chat needs at least three members.');
  const tenant = ctx.store.tenant();
  const id =
    chatType === 'oneOnOne'
      ? `19:${[...ids].sort().join('_')}@unq.gbl.spaces`
      : `19:${ctx.store.rng().b64(16).replace(/[-_]/g, 'a')}@thread.v2`;
  let chat = tenant.chats.find((c) => c.id === id);
  if (!chat) {
    const now = isoZ(ctx.nowMs);
    chat = {
      id,
      topic,
      createdDateTime: now,
      lastUpdatedDateTime: now,
      chatType,
      webUrl: `https://teams.microsoft.com/l/chat/${encodeURIComponent(id)}/0?tenantId=${ctx.deps.tenantId}`,
      tenantId: ctx.deps.tenantId,
      onlineMeetingInfo: null,
      memberIds: ids,
    };
    tenant.chats.push(chat);
    tenant.chatMessages.set(id, []);
  }
  return jsonResponse(201, { '@odata.context': `${ctx.base}/$metadata#chats/$entity`, ...chatJson(ctx, chat, false) });
}

const ID = '([^/]+)';
const CHANNEL = `^/teams/${ID}/channels/${ID}`;
export const teamsRoutes: Route[] = [
  { method: 'GET', pattern: /^\/me\/joinedTeams\/?$/i, scope: SCOPES.joinedTeams, handler: joinedTeams },
  { method: 'GET', pattern: /^\/teams\/([^/]+)\/?$/, scope: SCOPES.joinedTeams, handler: getTeam },
  { method: 'GET', pattern: /^\/teams\/([^/]+)\/channels\/?$/, scope: SCOPES.channels, handler: channels },
  { method: 'GET', pattern: new RegExp(`${CHANNEL}/?$`), scope: SCOPES.channels, handler: getChannel },
  {
    method: 'GET',
    pattern: new RegExp(`${CHANNEL}/messages/?$`),
    scope: SCOPES.channelMessages,
    handler: channelMessages,
  },
  {
    method: 'POST',
    pattern: new RegExp(`${CHANNEL}/messages/?$`),
    scope: SCOPES.channelSend,
    handler: postChannelMessage,
  },
  {
    method: 'GET',
    pattern: new RegExp(`${CHANNEL}/messages/${ID}/?$`),
    scope: SCOPES.channelMessages,
    handler: getChannelMessage,
  },
  {
    method: 'GET',
    pattern: new RegExp(`${CHANNEL}/messages/${ID}/replies/?$`),
    scope: SCOPES.channelMessages,
    handler: channelReplies,
  },
  {
    method: 'POST',
    pattern: new RegExp(`${CHANNEL}/messages/${ID}/replies/?$`),
    scope: SCOPES.channelSend,
    handler: postChannelReply,
  },
  { method: 'GET', pattern: /^\/me\/chats\/?$/, scope: SCOPES.chats, handler: listChats },
  { method: 'POST', pattern: /^\/chats\/?$/, scope: SCOPES.chatCreate, handler: createChat },
  { method: 'GET', pattern: /^\/chats\/([^/]+)\/?$/, scope: SCOPES.chats, handler: getChat },
  { method: 'GET', pattern: /^\/chats\/([^/]+)\/messages\/?$/, scope: SCOPES.chatMessages, handler: chatMessages },
  { method: 'POST', pattern: /^\/chats\/([^/]+)\/messages\/?$/, scope: SCOPES.chatSend, handler: sendChatMessage },
  {
    method: 'POST',
    pattern: /^\/chats\/([^/]+)\/messages\/replyWithQuote\/?$/,
    scope: SCOPES.chatQuote,
    handler: replyWithQuote,
  },
  {
    method: 'GET',
    pattern: /^\/chats\/([^/]+)\/messages\/([^/]+)\/?$/,
    scope: SCOPES.chatMessages,
    handler: getChatMessage,
  },
];
