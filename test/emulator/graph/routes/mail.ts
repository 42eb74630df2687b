/**
 * Outlook mail (spec §9.2–§9.7): list/get/patch/delete/move messages, sendMail, drafts, send,
 * reply/replyAll/forward/createReply — on the caller's mailbox (`/me/…`) or a shared one
 * (`/users/{id|address}/…`, mail-mailbox.ts). Delivery to other tenant users (and to a shared
 * mailbox) lands in their Inbox. Folders: mail-folders.ts; attachments: mail-attachments.ts.
 */
import { hasAnyScope } from '../auth.ts';
import { badRequest } from '../errors.ts';
import { emptyResponse, jsonResponse, type GraphResponse } from '../http.ts';
import type { MailAttachment, MailFolder, Message, Recipient } from '../model.ts';
import { evaluateFilter, filterUsage, type FilterExpr, parseFilterParam } from '../odata/filter.ts';
import { applySelect, parseOrderBy, parseSearch, parseSelect, parseSkip, parseTop, sortBy } from '../odata/options.ts';
import { collection, skipPage, tokenPage } from '../odata/paging.ts';
import { meContext, type Route, type RouteContext } from '../router.ts';
import { SCOPES } from '../scopes.ts';
import { bodyAs, parsePrefer, preferenceApplied, type OutlookPreferences } from '../prefer.ts';
import { bodyPreview, escapeHtml, htmlBody, newMessage } from '../seed/mail.ts';
import { isoZ, outlookId } from '../seed/prng.ts';
import { mailAttachmentRoutes, newFileAttachment } from './mail-attachments.ts';
import { bodyOf, folderOrThrow, jsonBody, mailbox, messageOrThrow, noRecipients, recipients } from './mail-common.ts';
import { mailFolderRoutes } from './mail-folders.ts';
import { findMailbox, mailboxRoutes, type MailRoute } from './mail-mailbox.ts';
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
// ---------------------------------------------------------------------------------------------
// helpers

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
  const expr = parseFilterParam(raw);
  if (expr === undefined) return undefined;
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
  const state = mailbox(ctx);
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
  const state = mailbox(ctx);
  const m = messageOrThrow(state, ctx.params[0] ?? '');
  const select = parseSelect(ctx.req.query, {
    known: MESSAGE_PROPS,
    typeName: MESSAGE_TYPE,
    code: 'RequestBroker--ParseUri',
  });
  const context = meContext(ctx, select ? `messages(${select.join(',')})/$entity` : 'messages/$entity');
  return jsonResponse(200, { '@odata.context': context, ...renderMessage(ctx, m, select) }, preferenceHeaders(ctx));
}

// ---------------------------------------------------------------------------------------------
// writes

function attachmentsOf(ctx: RouteContext, v: unknown): MailAttachment[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((a: unknown) => {
    const rec = a as Record<string, unknown> | null;
    if (!rec || typeof rec.name !== 'string' || typeof rec.contentBytes !== 'string') return [];
    const contentType = typeof rec.contentType === 'string' ? rec.contentType : 'application/octet-stream';
    const bytes = Buffer.from(rec.contentBytes, 'base64');
    return [
      newFileAttachment(ctx.store, ctx.nowMs, { name: rec.name, contentType, isInline: rec.isInline === true, bytes }),
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
function deliver(ctx: RouteContext, msg: Message, atts: MailAttachment[], save: boolean): void {
  const state = mailbox(ctx);
  const all = [...msg.toRecipients, ...msg.ccRecipients, ...msg.bccRecipients];
  if (all.length === 0) throw noRecipients();
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
    const user = findMailbox(ctx.store, r.emailAddress.address)?.owner;
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
  const state = mailbox(ctx);
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
  const state = mailbox(ctx);
  const msg = messageFromJson(ctx, message as Record<string, unknown>, folderOrThrow(state, 'drafts'));
  const atts = attachmentsOf(ctx, (message as Record<string, unknown>).attachments);
  msg.hasAttachments = atts.length > 0;
  deliver(ctx, msg, atts, json.saveToSentItems !== false && json.saveToSentItems !== 'false');
  return emptyResponse(202);
}

function createDraft(ctx: RouteContext): GraphResponse {
  const json = jsonBody(ctx);
  const state = mailbox(ctx);
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
  const state = mailbox(ctx);
  const msg = messageOrThrow(state, ctx.params[0] ?? '');
  if (!msg.isDraft) throw badRequest('ErrorInvalidOperation', 'Only draft messages can be sent.');
  deliver(ctx, msg, state.attachments.get(msg.id) ?? [], true);
  return emptyResponse(202);
}

type Respond = 'reply' | 'replyAll' | 'forward';

function replyMessage(ctx: RouteContext, kind: Respond, draft: boolean): GraphResponse {
  const state = mailbox(ctx);
  const original = messageOrThrow(state, ctx.params[0] ?? '');
  const json = ctx.req.body.length ? jsonBody(ctx) : {};
  const comment = typeof json.comment === 'string' ? json.comment : '';
  const extra = (json.message ?? {}) as Record<string, unknown>;
  const sender = original.replyTo.length ? original.replyTo : original.from ? [original.from] : [];
  const meAddr = ctx.me.mail.toLowerCase();
  const notMe = (r: Recipient): boolean => r.emailAddress.address.toLowerCase() !== meAddr;
  const to =
    kind === 'forward'
      ? recipients(json.toRecipients)
      : kind === 'replyAll'
        ? [...sender, ...original.toRecipients].filter(notMe)
        : sender;
  const prefix = kind === 'forward' ? 'FW' : 'RE';
  const subject = new RegExp(`^${prefix}:`, 'i').test(original.subject)
    ? original.subject
    : `${prefix}: ${original.subject}`;
  const quoted = `<hr><div><b>From:</b> ${escapeHtml(original.from?.emailAddress.name ?? '')}<br><b>Subject:</b> ${escapeHtml(original.subject)}</div>${original.body.content}`;
  const msg = messageFromJson(
    ctx,
    { ...extra, subject, body: { contentType: 'html', content: `${htmlBody(comment ? [comment] : [''])}${quoted}` } },
    folderOrThrow(state, 'drafts'),
  );
  msg.toRecipients = recipients(extra.toRecipients).length ? recipients(extra.toRecipients) : to;
  msg.ccRecipients = kind === 'replyAll' ? original.ccRecipients.filter(notMe) : recipients(extra.ccRecipients);
  msg.conversationId = original.conversationId;
  // A forward carries the original's attachments.
  const atts = kind === 'forward' ? (state.attachments.get(original.id) ?? []).map((a) => ({ ...a })) : [];
  msg.hasAttachments = atts.length > 0;
  if (draft) {
    Object.assign(msg, { isDraft: true, from: null, sender: null });
    state.messages.push(msg);
    if (atts.length) state.attachments.set(msg.id, atts);
    return jsonResponse(201, { '@odata.context': meContext(ctx, 'messages/$entity'), ...msg });
  }
  deliver(ctx, msg, atts, true);
  return emptyResponse(202);
}

/** Only a draft's recipients and sender can change (Graph: ErrorInvalidPropertySet "Message is not draft."). */
const DRAFT_ONLY = ['toRecipients', 'ccRecipients', 'bccRecipients', 'from', 'sender', 'replyTo'] as const;

function patchMessage(ctx: RouteContext): GraphResponse {
  const state = mailbox(ctx);
  const msg = messageOrThrow(state, ctx.params[0] ?? '');
  const json = jsonBody(ctx);
  if (!msg.isDraft && DRAFT_ONLY.some((k) => json[k] !== undefined))
    throw badRequest('ErrorInvalidPropertySet', 'Message is not draft.');
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
  // Graph lets a sent message's body change too (its documentation says drafts only; the service does not).
  if (json.body !== undefined) {
    msg.body = bodyOf(json.body);
    msg.bodyPreview = bodyPreview(msg.body.content);
  }
  for (const k of ['toRecipients', 'ccRecipients', 'bccRecipients', 'replyTo'] as const)
    if (json[k] !== undefined) msg[k] = recipients(json[k]);
  msg.lastModifiedDateTime = isoZ(ctx.nowMs);
  msg.changeKey = ctx.store.rng().b64(18);
  msg['@odata.etag'] = `W/"${msg.changeKey}"`;
  return jsonResponse(200, { '@odata.context': meContext(ctx, 'messages/$entity'), ...msg });
}

function deleteMessage(ctx: RouteContext): GraphResponse {
  const state = mailbox(ctx);
  const msg = messageOrThrow(state, ctx.params[0] ?? '');
  const deleted = folderOrThrow(state, 'deleteditems');
  if (msg.parentFolderId === deleted.id) state.messages = state.messages.filter((m) => m.id !== msg.id);
  else msg.parentFolderId = deleted.id;
  return emptyResponse(204);
}

/** `POST …/move {destinationId}` → 201 with the message in its new folder, under a NEW id (as Exchange does). */
function moveMessage(ctx: RouteContext): GraphResponse {
  const state = mailbox(ctx);
  const msg = messageOrThrow(state, ctx.params[0] ?? '');
  const json = jsonBody(ctx);
  if (typeof json.destinationId !== 'string' || json.destinationId === '')
    throw badRequest('ErrorInvalidParameter', "The value of the parameter 'DestinationId' is empty.");
  const dest = folderOrThrow(state, json.destinationId);
  const oldId = msg.id;
  msg.id = outlookId(ctx.store.rng());
  msg.parentFolderId = dest.id;
  msg.lastModifiedDateTime = isoZ(ctx.nowMs);
  msg.changeKey = ctx.store.rng().b64(18);
  msg['@odata.etag'] = `W/"${msg.changeKey}"`;
  msg.webLink = msg.webLink.replace(encodeURIComponent(oldId), encodeURIComponent(msg.id));
  const atts = state.attachments.get(oldId);
  if (atts) {
    state.attachments.delete(oldId);
    state.attachments.set(msg.id, atts);
  }
  return jsonResponse(201, { '@odata.context': meContext(ctx, 'messages/$entity'), ...msg });
}

const MSG = '([^/]+)';
const messageRoutes: MailRoute[] = [
  { method: 'GET', path: '/messages/?', access: 'read', handler: (ctx) => listMessages(ctx) },
  { method: 'POST', path: '/messages/?', access: 'write', handler: createDraft },
  {
    method: 'GET',
    path: '/mailFolders/([^/]+)/messages/?',
    caseInsensitive: true,
    access: 'read',
    handler: (ctx) => listMessages(ctx, ctx.params[0]),
  },
  { method: 'POST', path: '/sendMail/?', caseInsensitive: true, access: 'send', handler: sendMail },
  { method: 'POST', path: `/messages/${MSG}/send`, access: 'send', handler: sendDraft },
  {
    method: 'POST',
    path: `/messages/${MSG}/reply`,
    access: 'send',
    handler: (ctx) => replyMessage(ctx, 'reply', false),
  },
  {
    method: 'POST',
    path: `/messages/${MSG}/replyAll`,
    access: 'send',
    handler: (ctx) => replyMessage(ctx, 'replyAll', false),
  },
  {
    method: 'POST',
    path: `/messages/${MSG}/forward`,
    access: 'send',
    handler: (ctx) => {
      const to = recipients(jsonBody(ctx).toRecipients);
      if (to.length === 0) throw noRecipients();
      return replyMessage(ctx, 'forward', false);
    },
  },
  {
    method: 'POST',
    path: `/messages/${MSG}/createReply`,
    access: 'write',
    handler: (ctx) => replyMessage(ctx, 'reply', true),
  },
  { method: 'POST', path: `/messages/${MSG}/move`, access: 'write', handler: moveMessage },
  { method: 'GET', path: `/messages/${MSG}/?`, access: 'read', handler: getMessage },
  { method: 'PATCH', path: `/messages/${MSG}/?`, access: 'write', handler: patchMessage },
  { method: 'DELETE', path: `/messages/${MSG}/?`, access: 'write', handler: deleteMessage },
];

/** Every mail route, for `/me/…` and for `/users/{id|address}/…` (mail-mailbox.ts). */
export const mailRoutes: Route[] = mailboxRoutes([...mailAttachmentRoutes, ...mailFolderRoutes, ...messageRoutes]);
