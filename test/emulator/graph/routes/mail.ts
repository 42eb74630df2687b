/**
 * Outlook mail (spec §9.2–§9.7): list/get/patch/delete messages, folders, attachments, sendMail,
 * drafts, send, reply/replyAll/createReply. Delivery to other tenant users lands in their Inbox.
 */
import { hasAnyScope } from '../auth.ts';
import { badRequest, invalidJsonPayload, outlookNotFound } from '../errors.ts';
import { emptyResponse, jsonResponse, readJsonBody, type GraphResponse } from '../http.ts';
import type { FileAttachment, MailFolder, Message, Recipient, UserState } from '../model.ts';
import { evaluateFilter, filterUsage, FilterSyntaxError, parseFilter, type FilterExpr } from '../odata/filter.ts';
import { applySelect, parseOrderBy, parseSearch, parseSelect, parseSkip, parseTop, sortBy } from '../odata/options.ts';
import { collection, skipPage, tokenPage } from '../odata/paging.ts';
import { meContext, type Route, type RouteContext } from '../router.ts';
import { SCOPES } from '../scopes.ts';
import { bodyAs, parsePrefer, preferenceApplied, type OutlookPreferences } from '../prefer.ts';
import { bodyPreview, escapeHtml, htmlBody, newMessage } from '../seed/mail.ts';
import { isoZ } from '../seed/prng.ts';
import { compileMessageSearch } from './mail-search.ts';

const MESSAGE_TYPE = 'microsoft.graph.message';
const MESSAGE_PROPS: ReadonlySet<string> = new Set([
  'id',
  'createdDateTime',
  'lastModifiedDateTime',
  'changeKey',
  'categories',
  'receivedDateTime',
  'sentDateTime',
  'hasAttachments',
  'internetMessageId',
  'subject',
  'bodyPreview',
  'importance',
  'parentFolderId',
  'conversationId',
  'conversationIndex',
  'isDeliveryReceiptRequested',
  'isReadReceiptRequested',
  'isRead',
  'isDraft',
  'webLink',
  'inferenceClassification',
  'body',
  'uniqueBody',
  'sender',
  'from',
  'toRecipients',
  'ccRecipients',
  'bccRecipients',
  'replyTo',
  'flag',
]);
const FOLDER_PROPS: ReadonlySet<string> = new Set([
  'id',
  'displayName',
  'parentFolderId',
  'childFolderCount',
  'unreadItemCount',
  'totalItemCount',
  'isHidden',
]);

// ---------------------------------------------------------------------------------------------
// helpers

export function folderById(state: UserState, idOrName: string): MailFolder | undefined {
  const key = idOrName.toLowerCase();
  return state.folders.find((f) => f.id === idOrName || f.wellKnownName === key);
}

function folderOrThrow(state: UserState, idOrName: string): MailFolder {
  const f = folderById(state, idOrName);
  if (!f) throw outlookNotFound();
  return f;
}

function messageOrThrow(state: UserState, id: string): Message {
  const m = state.messages.find((x) => x.id === id);
  if (!m) throw outlookNotFound();
  return m;
}

/** The body format asked for with `Prefer: outlook.body-content-type` (mail takes no time zone). */
function preferredBody(ctx: RouteContext): OutlookPreferences['bodyContentType'] {
  return parsePrefer(ctx.req.headers.prefer).bodyContentType;
}

function preferenceHeaders(ctx: RouteContext): Record<string, string> {
  const bodyContentType = preferredBody(ctx);
  return preferenceApplied(bodyContentType ? { bodyContentType } : {});
}

function renderMessage(ctx: RouteContext, m: Message, select: readonly string[] | undefined): Record<string, unknown> {
  const basic = !hasAnyScope(ctx.claims, SCOPES.mailReadFull.anyOf);
  const out = applySelect(m, select);
  const body = bodyAs(m.body, preferredBody(ctx));
  if (out.body) out.body = body;
  if (select?.includes('uniqueBody')) out.uniqueBody = body;
  if (basic) {
    delete out.body;
    delete out.bodyPreview;
    delete out.uniqueBody;
  }
  return out;
}

function parseMailFilter(raw: string | undefined): FilterExpr | undefined {
  if (raw === undefined) return undefined;
  let expr: FilterExpr;
  try {
    expr = parseFilter(raw);
  } catch (e) {
    if (e instanceof FilterSyntaxError) throw badRequest('BadRequest', 'Invalid filter clause');
    throw e;
  }
  for (const p of filterUsage(expr).properties) {
    const top = p.split('/')[0] ?? '';
    if (![...MESSAGE_PROPS].some((k) => k.toLowerCase() === top.toLowerCase()))
      throw badRequest(
        'RequestBroker--ParseUri',
        `Could not find a property named '${top}' on type '${MESSAGE_TYPE}'.`,
      );
  }
  return expr;
}

// ---------------------------------------------------------------------------------------------
// reads

function listMessages(ctx: RouteContext, folderId?: string): GraphResponse {
  const q = ctx.req.query;
  const state = ctx.store.user(ctx.me.id);
  const folder = folderId === undefined ? undefined : folderOrThrow(state, folderId);
  const search = parseSearch(q);
  const order = parseOrderBy(q);
  if (search !== undefined && order)
    throw badRequest('SearchWithOrderBy', "The query parameter '$orderBy' is not supported with '$search'.");
  if (search !== undefined && q.has('$filter'))
    throw badRequest('SearchWithFilter', "The query parameter '$filter' is not supported with '$search'.");
  const filter = parseMailFilter(q.get('$filter'));
  if (filter && order) {
    const props = filterUsage(filter).properties.map((p) => p.toLowerCase());
    const ok = order.every((o, i) => props[i] === o.path.join('/').toLowerCase());
    if (!ok) throw badRequest('InefficientFilter', 'The restriction or sort order is too complex for this operation.');
  }
  const top = parseTop(q, { def: 10, max: 1000 });
  const select = parseSelect(q, { known: MESSAGE_PROPS, typeName: MESSAGE_TYPE, code: 'RequestBroker--ParseUri' });
  let all = folder ? state.messages.filter((m) => m.parentFolderId === folder.id) : state.messages;
  if (filter) all = all.filter((m) => evaluateFilter(filter, m));
  let page;
  if (search !== undefined) {
    const test = compileMessageSearch(search);
    all = sortBy(
      all.filter((m) => test(m, state.attachments.get(m.id) ?? [])),
      [{ path: ['sentDateTime'], desc: true }],
    ).slice(0, 1000);
    page = tokenPage(all, { req: ctx.req, base: ctx.base, top });
  } else {
    all = sortBy(all, [...(order ?? []), { path: ['receivedDateTime'], desc: true }]);
    page = skipPage(all, { req: ctx.req, base: ctx.base, skip: parseSkip(q), top });
  }
  const path = folder ? `mailFolders('${folder.id}')/messages` : 'messages';
  const context = meContext(ctx, select ? `${path}(${select.join(',')})` : path);
  const items = page.items.map((m) => renderMessage(ctx, m, select));
  return jsonResponse(200, collection(context, { ...page, items }), preferenceHeaders(ctx));
}

function getMessage(ctx: RouteContext): GraphResponse {
  const state = ctx.store.user(ctx.me.id);
  const m = messageOrThrow(state, ctx.params[0] ?? '');
  const select = parseSelect(ctx.req.query, {
    known: MESSAGE_PROPS,
    typeName: MESSAGE_TYPE,
    code: 'RequestBroker--ParseUri',
  });
  const context = meContext(ctx, select ? `messages(${select.join(',')})/$entity` : 'messages/$entity');
  return jsonResponse(200, { '@odata.context': context, ...renderMessage(ctx, m, select) }, preferenceHeaders(ctx));
}

function listAttachments(ctx: RouteContext): GraphResponse {
  const state = ctx.store.user(ctx.me.id);
  const m = messageOrThrow(state, ctx.params[0] ?? '');
  const atts = state.attachments.get(m.id) ?? [];
  return jsonResponse(200, collection(meContext(ctx, `messages('${m.id}')/attachments`), { items: atts }));
}

function getAttachment(ctx: RouteContext): GraphResponse {
  const state = ctx.store.user(ctx.me.id);
  const m = messageOrThrow(state, ctx.params[0] ?? '');
  const a = (state.attachments.get(m.id) ?? []).find((x) => x.id === ctx.params[1]);
  if (!a) throw outlookNotFound();
  return jsonResponse(200, { '@odata.context': meContext(ctx, `messages('${m.id}')/attachments/$entity`), ...a });
}

function renderFolder(state: UserState, f: MailFolder): MailFolder {
  const msgs = state.messages.filter((m) => m.parentFolderId === f.id);
  return { ...f, totalItemCount: msgs.length, unreadItemCount: msgs.filter((m) => !m.isRead).length };
}

function folderJson(state: UserState, f: MailFolder, select: readonly string[] | undefined): Record<string, unknown> {
  const out = applySelect(renderFolder(state, f), select);
  delete out.wellKnownName;
  return out;
}

function listFolders(ctx: RouteContext): GraphResponse {
  const state = ctx.store.user(ctx.me.id);
  const select = parseSelect(ctx.req.query, {
    known: FOLDER_PROPS,
    typeName: 'microsoft.graph.mailFolder',
    code: 'RequestBroker--ParseUri',
  });
  const top = parseTop(ctx.req.query, { def: 10, max: 1000 });
  const includeHidden = (ctx.req.query.get('includeHiddenFolders') ?? '').toLowerCase() === 'true';
  const all = state.folders.filter((f) => includeHidden || !f.isHidden);
  const page = skipPage(all, { req: ctx.req, base: ctx.base, skip: parseSkip(ctx.req.query), top });
  return jsonResponse(
    200,
    collection(meContext(ctx, 'mailFolders'), { ...page, items: page.items.map((f) => folderJson(state, f, select)) }),
  );
}

function getFolder(ctx: RouteContext): GraphResponse {
  const state = ctx.store.user(ctx.me.id);
  const f = folderOrThrow(state, ctx.params[0] ?? '');
  const select = parseSelect(ctx.req.query, {
    known: FOLDER_PROPS,
    typeName: 'microsoft.graph.mailFolder',
    code: 'RequestBroker--ParseUri',
  });
  return jsonResponse(200, {
    '@odata.context': meContext(ctx, 'mailFolders/$entity'),
    ...folderJson(state, f, select),
  });
}

// ---------------------------------------------------------------------------------------------
// writes

function recipients(v: unknown): Recipient[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((r: unknown) => {
    const ea = (r as { emailAddress?: { address?: unknown; name?: unknown } } | null)?.emailAddress;
    if (!ea || typeof ea.address !== 'string') return [];
    return [{ emailAddress: { address: ea.address, name: typeof ea.name === 'string' ? ea.name : ea.address } }];
  });
}

function bodyOf(v: unknown): { contentType: 'html' | 'text'; content: string } {
  const b = v as { contentType?: unknown; content?: unknown } | undefined;
  const content = typeof b?.content === 'string' ? b.content : '';
  const isHtml = typeof b?.contentType === 'string' && b.contentType.toLowerCase() === 'html';
  return { contentType: 'html', content: isHtml ? content : htmlBody(content.split(/\r?\n/)) };
}

function attachmentsOf(ctx: RouteContext, v: unknown): FileAttachment[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((a: unknown) => {
    const rec = a as Record<string, unknown> | null;
    if (!rec || typeof rec.name !== 'string' || typeof rec.contentBytes !== 'string') return [];
    const bytes = Buffer.from(rec.contentBytes, 'base64');
    const contentType = typeof rec.contentType === 'string' ? rec.contentType : 'application/octet-stream';
    return [
      {
        '@odata.type': '#microsoft.graph.fileAttachment' as const,
        '@odata.mediaContentType': contentType,
        id: `AAMkAG${ctx.store.rng().b64(40)}=`,
        lastModifiedDateTime: isoZ(ctx.nowMs),
        name: rec.name,
        contentType,
        size: bytes.length + 180,
        isInline: rec.isInline === true,
        contentId: null,
        contentLocation: null,
        contentBytes: bytes.toString('base64'),
      },
    ];
  });
}

/** Builds a message from a Graph `message` JSON object. */
function messageFromJson(ctx: RouteContext, json: Record<string, unknown>, folder: MailFolder): Message {
  const body = bodyOf(json.body);
  const importance = json.importance === 'high' || json.importance === 'low' ? json.importance : 'normal';
  return newMessage(ctx.store.rng(), {
    subject: typeof json.subject === 'string' ? json.subject : '',
    parentFolderId: folder.id,
    body,
    bodyPreview: bodyPreview(body.content),
    toRecipients: recipients(json.toRecipients),
    ccRecipients: recipients(json.ccRecipients),
    bccRecipients: recipients(json.bccRecipients),
    replyTo: recipients(json.replyTo),
    importance,
    categories: Array.isArray(json.categories) ? json.categories.filter((c): c is string => typeof c === 'string') : [],
    receivedDateTime: isoZ(ctx.nowMs),
    sentDateTime: isoZ(ctx.nowMs),
    createdDateTime: isoZ(ctx.nowMs),
    lastModifiedDateTime: isoZ(ctx.nowMs),
  });
}

function meRecipient(ctx: RouteContext): Recipient {
  return { emailAddress: { name: ctx.me.displayName, address: ctx.me.mail } };
}

/** Marks `msg` sent: into Sent Items (optionally) and a copy into each tenant recipient's Inbox. */
function deliver(ctx: RouteContext, msg: Message, atts: FileAttachment[], save: boolean): void {
  const state = ctx.store.user(ctx.me.id);
  const all = [...msg.toRecipients, ...msg.ccRecipients, ...msg.bccRecipients];
  if (all.length === 0)
    throw badRequest(
      'ErrorInvalidRecipients',
      "At least one recipient is not valid., A message can't be sent because it contains no recipients.",
    );
  const now = isoZ(ctx.nowMs);
  Object.assign(msg, {
    isDraft: false,
    isRead: true,
    from: meRecipient(ctx),
    sender: meRecipient(ctx),
    sentDateTime: now,
    receivedDateTime: now,
  });
  state.messages = state.messages.filter((m) => m.id !== msg.id);
  if (save) {
    msg.parentFolderId = folderOrThrow(state, 'sentitems').id;
    state.messages.push(msg);
    if (atts.length) state.attachments.set(msg.id, atts);
  }
  const delivered = new Set<string>();
  for (const r of all) {
    const user = ctx.store.findUser(r.emailAddress.address);
    if (!user || delivered.has(user.id)) continue;
    delivered.add(user.id);
    const theirs = ctx.store.user(user.id);
    const { id: _id, '@odata.etag': _etag, ...fields } = msg;
    const copy = newMessage(ctx.store.rng(), {
      ...fields,
      parentFolderId: folderOrThrow(theirs, 'inbox').id,
      isRead: false,
      bccRecipients: [],
    });
    theirs.messages.push(copy);
    if (atts.length)
      theirs.attachments.set(
        copy.id,
        atts.map((a) => ({ ...a })),
      );
  }
}

function jsonBody(ctx: RouteContext): Record<string, unknown> {
  return readJsonBody(ctx.req.body, invalidJsonPayload);
}

function sendMimeMail(ctx: RouteContext): GraphResponse {
  const text = ctx.req.body.toString('utf8').trim();
  if (!/^[A-Za-z0-9+/=\r\n]+$/.test(text))
    throw badRequest('ErrorMimeContentInvalidBase64String', 'Invalid base64 string for MIME content.');
  const mime = Buffer.from(text, 'base64').toString('utf8');
  const header = (name: string): string => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(mime)?.[1]?.trim() ?? '';
  const split = mime.split(/\r?\n\r?\n/);
  const to = header('To')
    .split(',')
    .map((a) => a.replace(/.*<|>.*/g, '').trim())
    .filter(Boolean)
    .map((address) => ({ emailAddress: { name: address, address } }));
  const state = ctx.store.user(ctx.me.id);
  const msg = messageFromJson(
    ctx,
    { subject: header('Subject'), body: { contentType: 'text', content: split.slice(1).join('\n\n') } },
    folderOrThrow(state, 'drafts'),
  );
  msg.toRecipients = to;
  deliver(ctx, msg, [], true);
  return emptyResponse(202);
}

function sendMail(ctx: RouteContext): GraphResponse {
  if ((ctx.req.headers['content-type'] ?? '').toLowerCase().startsWith('text/plain')) return sendMimeMail(ctx);
  const json = jsonBody(ctx);
  const message = json.message;
  if (message === null || typeof message !== 'object' || Array.isArray(message))
    throw badRequest('ErrorInvalidParameter', "The value of the parameter 'Message' is empty.");
  const state = ctx.store.user(ctx.me.id);
  const msg = messageFromJson(ctx, message as Record<string, unknown>, folderOrThrow(state, 'drafts'));
  const atts = attachmentsOf(ctx, (message as Record<string, unknown>).attachments);
  msg.hasAttachments = atts.length > 0;
  deliver(ctx, msg, atts, json.saveToSentItems !== false && json.saveToSentItems !== 'false');
  return emptyResponse(202);
}

function createDraft(ctx: RouteContext): GraphResponse {
  const json = jsonBody(ctx);
  const state = ctx.store.user(ctx.me.id);
  const msg = messageFromJson(ctx, json, folderOrThrow(state, 'drafts'));
  Object.assign(msg, { isDraft: true, isRead: true, from: null, sender: null });
  const atts = attachmentsOf(ctx, json.attachments);
  if (atts.length) {
    state.attachments.set(msg.id, atts);
    msg.hasAttachments = true;
  }
  state.messages.push(msg);
  return jsonResponse(201, { '@odata.context': meContext(ctx, 'messages/$entity'), ...msg });
}

function sendDraft(ctx: RouteContext): GraphResponse {
  const state = ctx.store.user(ctx.me.id);
  const msg = messageOrThrow(state, ctx.params[0] ?? '');
  if (!msg.isDraft) throw badRequest('ErrorInvalidOperation', 'Only draft messages can be sent.');
  deliver(ctx, msg, state.attachments.get(msg.id) ?? [], true);
  return emptyResponse(202);
}

function replyMessage(ctx: RouteContext, kind: 'reply' | 'replyAll', draft: boolean): GraphResponse {
  const state = ctx.store.user(ctx.me.id);
  const original = messageOrThrow(state, ctx.params[0] ?? '');
  const json = ctx.req.body.length ? jsonBody(ctx) : {};
  const comment = typeof json.comment === 'string' ? json.comment : '';
  const extra = (json.message ?? {}) as Record<string, unknown>;
  const sender = original.replyTo.length ? original.replyTo : original.from ? [original.from] : [];
  const meAddr = ctx.me.mail.toLowerCase();
  const to =
    kind === 'replyAll'
      ? [...sender, ...original.toRecipients].filter((r) => r.emailAddress.address.toLowerCase() !== meAddr)
      : sender;
  const quoted = `<hr><div><b>From:</b> ${escapeHtml(original.from?.emailAddress.name ?? '')}<br><b>Subject:</b> ${escapeHtml(original.subject)}</div>${original.body.content}`;
  const msg = messageFromJson(
    ctx,
    {
      ...extra,
      subject: /^re:/i.test(original.subject) ? original.subject : `RE: ${original.subject}`,
      body: { contentType: 'html', content: `${htmlBody(comment ? [comment] : [''])}${quoted}` },
    },
    folderOrThrow(state, 'drafts'),
  );
  msg.toRecipients = recipients(extra.toRecipients).length ? recipients(extra.toRecipients) : to;
  msg.ccRecipients =
    kind === 'replyAll' ? original.ccRecipients.filter((r) => r.emailAddress.address.toLowerCase() !== meAddr) : [];
  msg.conversationId = original.conversationId;
  if (draft) {
    Object.assign(msg, { isDraft: true, from: null, sender: null });
    state.messages.push(msg);
    return jsonResponse(201, { '@odata.context': meContext(ctx, 'messages/$entity'), ...msg });
  }
  deliver(ctx, msg, [], true);
  return emptyResponse(202);
}

function patchMessage(ctx: RouteContext): GraphResponse {
  const state = ctx.store.user(ctx.me.id);
  const msg = messageOrThrow(state, ctx.params[0] ?? '');
  const json = jsonBody(ctx);
  if (typeof json.isRead === 'boolean') msg.isRead = json.isRead;
  if (typeof json.subject === 'string') msg.subject = json.subject;
  if (json.importance === 'low' || json.importance === 'normal' || json.importance === 'high')
    msg.importance = json.importance;
  if (Array.isArray(json.categories))
    msg.categories = json.categories.filter((c): c is string => typeof c === 'string');
  const flag = (json.flag as { flagStatus?: unknown } | undefined)?.flagStatus;
  if (flag === 'notFlagged' || flag === 'flagged' || flag === 'complete') msg.flag = { flagStatus: flag };
  if (json.inferenceClassification === 'focused' || json.inferenceClassification === 'other')
    msg.inferenceClassification = json.inferenceClassification;
  if (msg.isDraft) {
    if (json.body !== undefined) {
      msg.body = bodyOf(json.body);
      msg.bodyPreview = bodyPreview(msg.body.content);
    }
    for (const k of ['toRecipients', 'ccRecipients', 'bccRecipients'] as const)
      if (json[k] !== undefined) msg[k] = recipients(json[k]);
  }
  msg.lastModifiedDateTime = isoZ(ctx.nowMs);
  msg.changeKey = ctx.store.rng().b64(18);
  msg['@odata.etag'] = `W/"${msg.changeKey}"`;
  return jsonResponse(200, { '@odata.context': meContext(ctx, 'messages/$entity'), ...msg });
}

function deleteMessage(ctx: RouteContext): GraphResponse {
  const state = ctx.store.user(ctx.me.id);
  const msg = messageOrThrow(state, ctx.params[0] ?? '');
  const deleted = folderOrThrow(state, 'deleteditems');
  if (msg.parentFolderId === deleted.id) state.messages = state.messages.filter((m) => m.id !== msg.id);
  else msg.parentFolderId = deleted.id;
  return emptyResponse(204);
}

const MSG = '([^/]+)';
export const mailRoutes: Route[] = [
  { method: 'GET', pattern: /^\/me\/messages\/?$/, scope: SCOPES.mailRead, handler: (ctx) => listMessages(ctx) },
  { method: 'POST', pattern: /^\/me\/messages\/?$/, scope: SCOPES.mailWrite, handler: createDraft },
  { method: 'GET', pattern: /^\/me\/mailFolders\/?$/i, scope: SCOPES.mailRead, handler: listFolders },
  { method: 'GET', pattern: /^\/me\/mailFolders\/([^/]+)\/?$/i, scope: SCOPES.mailRead, handler: getFolder },
  {
    method: 'GET',
    pattern: /^\/me\/mailFolders\/([^/]+)\/messages\/?$/i,
    scope: SCOPES.mailRead,
    handler: (ctx) => listMessages(ctx, ctx.params[0]),
  },
  { method: 'POST', pattern: /^\/me\/sendMail\/?$/i, scope: SCOPES.mailSend, handler: sendMail },
  {
    method: 'GET',
    pattern: new RegExp(`^/me/messages/${MSG}/attachments/?$`),
    scope: SCOPES.mailReadFull,
    handler: listAttachments,
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/me/messages/${MSG}/attachments/([^/]+)$`),
    scope: SCOPES.mailReadFull,
    handler: getAttachment,
  },
  { method: 'POST', pattern: new RegExp(`^/me/messages/${MSG}/send$`), scope: SCOPES.mailSend, handler: sendDraft },
  {
    method: 'POST',
    pattern: new RegExp(`^/me/messages/${MSG}/reply$`),
    scope: SCOPES.mailSend,
    handler: (ctx) => replyMessage(ctx, 'reply', false),
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/me/messages/${MSG}/replyAll$`),
    scope: SCOPES.mailSend,
    handler: (ctx) => replyMessage(ctx, 'replyAll', false),
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/me/messages/${MSG}/createReply$`),
    scope: SCOPES.mailWrite,
    handler: (ctx) => replyMessage(ctx, 'reply', true),
  },
  { method: 'GET', pattern: new RegExp(`^/me/messages/${MSG}/?$`), scope: SCOPES.mailRead, handler: getMessage },
  { method: 'PATCH', pattern: new RegExp(`^/me/messages/${MSG}/?$`), scope: SCOPES.mailWrite, handler: patchMessage },
  { method: 'DELETE', pattern: new RegExp(`^/me/messages/${MSG}/?$`), scope: SCOPES.mailWrite, handler: deleteMessage },
];
