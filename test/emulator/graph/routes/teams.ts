/**
 * Teams (spec §9.15–§9.16): joinedTeams, channels, channel messages, chats and one chat (both with
 * $expand=members), chat messages (list, send). Teams and chats are tenant-wide; access requires
 * membership.
 */
import { badRequest, GraphHttpError, invalidJsonPayload, notFound } from '../errors.ts';
import { jsonResponse, readJsonBody, type GraphResponse } from '../http.ts';
import type { Chat, ChatMessage, Team } from '../model.ts';
import { evaluateFilter, FilterSyntaxError, parseFilter } from '../odata/filter.ts';
import { parseTop } from '../odata/options.ts';
import { collection, tokenPage } from '../odata/paging.ts';
import { meContext, type Route, type RouteContext } from '../router.ts';
import { SCOPES } from '../scopes.ts';
import { chatMessage } from '../seed/teams.ts';

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
  const items = teams.map((t) => ({
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
  }));
  return jsonResponse(200, collection(`${ctx.base}/$metadata#teams`, { items }, { '@odata.count': items.length }));
}

function channels(ctx: RouteContext): GraphResponse {
  const team = teamOrThrow(ctx);
  const list = ctx.store.tenant().channels.get(team.id) ?? [];
  return jsonResponse(
    200,
    collection(`${ctx.base}/$metadata#teams('${team.id}')/channels`, { items: list }, { '@odata.count': list.length }),
  );
}

function messagesPage(ctx: RouteContext, all: readonly ChatMessage[], context: string): GraphResponse {
  const top = parseTop(ctx.req.query, { def: 20, max: 50 });
  const page = tokenPage(all, { req: ctx.req, base: ctx.base, top });
  return jsonResponse(200, collection(context, page, page.nextLink ? {} : { '@odata.count': page.items.length }));
}

function channelMessages(ctx: RouteContext): GraphResponse {
  const team = teamOrThrow(ctx);
  const channel = (ctx.store.tenant().channels.get(team.id) ?? []).find((c) => c.id === ctx.params[1]);
  if (!channel) throw notFound('NotFound', 'Channel not found.');
  const all = ctx.store.tenant().channelMessages.get(channel.id) ?? [];
  return messagesPage(
    ctx,
    all,
    `${ctx.base}/$metadata#teams('${team.id}')/channels('${encodeURIComponent(channel.id)}')/messages`,
  );
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
  const rawFilter = q.get('$filter');
  if (rawFilter !== undefined) {
    try {
      const f = parseFilter(rawFilter);
      chats = chats.filter((c) => evaluateFilter(f, c));
    } catch (e) {
      if (e instanceof FilterSyntaxError) throw badRequest('BadRequest', 'Invalid filter clause');
      throw e;
    }
  }
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

function sendChatMessage(ctx: RouteContext): GraphResponse {
  const chat = chatOrThrow(ctx);
  const json = readJsonBody(ctx.req.body, invalidJsonPayload);
  const body = json.body as { content?: unknown; contentType?: unknown } | undefined;
  if (typeof body?.content !== 'string' || body.content === '')
    throw badRequest('BadRequest', 'Message body cannot be empty.');
  const list = ctx.store.tenant().chatMessages.get(chat.id) ?? [];
  const latest = Number(list[0]?.id ?? 0);
  const atMs = Math.max(ctx.nowMs, latest + 1);
  const html = body.contentType === 'html' ? body.content : body.content;
  const msg = chatMessage(ctx.store.rng(), { from: ctx.me, tenantId: ctx.deps.tenantId, atMs, html, chatId: chat.id });
  msg.body = { contentType: body.contentType === 'html' ? 'html' : 'text', content: html };
  ctx.store.tenant().chatMessages.set(chat.id, [msg, ...list]);
  chat.lastUpdatedDateTime = msg.createdDateTime;
  return jsonResponse(201, {
    '@odata.context': `${ctx.base}/$metadata#chats('${encodeURIComponent(chat.id)}')/messages/$entity`,
    ...msg,
  });
}

export const teamsRoutes: Route[] = [
  { method: 'GET', pattern: /^\/me\/joinedTeams\/?$/i, scope: SCOPES.joinedTeams, handler: joinedTeams },
  { method: 'GET', pattern: /^\/teams\/([^/]+)\/channels\/?$/, scope: SCOPES.channels, handler: channels },
  {
    method: 'GET',
    pattern: /^\/teams\/([^/]+)\/channels\/([^/]+)\/messages\/?$/,
    scope: SCOPES.channelMessages,
    handler: channelMessages,
  },
  { method: 'GET', pattern: /^\/me\/chats\/?$/, scope: SCOPES.chats, handler: listChats },
  { method: 'GET', pattern: /^\/chats\/([^/]+)\/?$/, scope: SCOPES.chats, handler: getChat },
  { method: 'GET', pattern: /^\/chats\/([^/]+)\/messages\/?$/, scope: SCOPES.chatMessages, handler: chatMessages },
  { method: 'POST', pattern: /^\/chats\/([^/]+)\/messages\/?$/, scope: SCOPES.chatSend, handler: sendChatMessage },
];
