/**
 * Outlook personal contacts (Contacts.Read; writes Contacts.ReadWrite): `/me/contacts` (the default
 * Contacts folder; GET/POST), `/me/contacts/{id}` (any folder; GET/PATCH/DELETE),
 * `/me/contactFolders[/{id}]` (the child folders of Contacts) and `/me/contactFolders/{id}/contacts`
 * (GET/POST). `$top` (10 / 1000), `$skip`, `$select`, `$filter`, `$orderby` (default displayName)
 * like the other Outlook lists. On `emailAddresses` Outlook allows only
 * `emailAddresses/any(a:a/address eq '…')` (anything else → 400 ErrorInvalidUrlQueryFilter), and
 * `$search` on contacts is undocumented with unreliable results, so it is answered 501 here.
 */
import { badRequest, GraphHttpError, invalidJsonPayload, outlookNotFound } from '../errors.ts';
import { emptyResponse, jsonResponse, readJsonBody, type GraphResponse } from '../http.ts';
import type { Contact, ContactFolder } from '../model.ts';
import { evaluateFilter, type FilterExpr, type Operand, parseFilterParam } from '../odata/filter.ts';
import { applySelect, parseOrderBy, parseSelect, parseSkip, parseTop, sortBy } from '../odata/options.ts';
import { collection, skipPage } from '../odata/paging.ts';
import { meContext, type Route, type RouteContext } from '../router.ts';
import { SCOPES } from '../scopes.ts';
import { newContact, type ContactFields } from '../seed/contacts.ts';
import { isoZ } from '../seed/prng.ts';

const CONTACT_TYPE = 'microsoft.graph.contact';
const FOLDER_TYPE = 'microsoft.graph.contactFolder';
const PARSE = 'RequestBroker--ParseUri';

function invalidNodes(): GraphHttpError {
  return badRequest('ErrorInvalidUrlQueryFilter', 'The query filter contains one or more invalid nodes.');
}

const isEmailAddresses = (path: readonly string[]): boolean => path[0]?.toLowerCase() === 'emailaddresses';

function operandTouches(op: Operand): boolean {
  if (op.k === 'prop') return isEmailAddresses(op.path);
  return op.k === 'call' && op.args.some(operandTouches);
}

/** `a/address eq 'x'` (either side) over the lambda variable `v`. */
function isAddressEq(body: FilterExpr, v: string): boolean {
  if (body.k !== 'cmp' || body.op !== 'eq') return false;
  const isAddress = (o: Operand): boolean =>
    o.k === 'prop' && o.path.length === 2 && o.path[0] === v && o.path[1]?.toLowerCase() === 'address';
  const isText = (o: Operand): boolean => o.k === 'lit' && typeof o.v === 'string';
  return (isAddress(body.l) && isText(body.r)) || (isAddress(body.r) && isText(body.l));
}

/** Outlook's rule for contacts: emailAddresses only as `any(a:a/address eq '…')`. */
export function checkContactFilter(expr: FilterExpr): void {
  switch (expr.k) {
    case 'and':
    case 'or':
      checkContactFilter(expr.l);
      checkContactFilter(expr.r);
      return;
    case 'not':
      checkContactFilter(expr.e);
      return;
    case 'cmp':
      if (operandTouches(expr.l) || operandTouches(expr.r)) throw invalidNodes();
      return;
    case 'bool':
      if (operandTouches(expr.operand)) throw invalidNodes();
      return;
    case 'lambda':
      if (isEmailAddresses(expr.path) && (expr.fn !== 'any' || !isAddressEq(expr.body, expr.v))) throw invalidNodes();
      return;
  }
}

function contactFilter(raw: string | undefined): FilterExpr | undefined {
  const expr = parseFilterParam(raw);
  if (expr === undefined) return undefined;
  checkContactFilter(expr);
  return expr;
}

function state(ctx: RouteContext): { contacts: Contact[]; contactFolders: ContactFolder[] } {
  return ctx.store.user(ctx.me.id);
}

function rootFolder(ctx: RouteContext): ContactFolder {
  const root = state(ctx).contactFolders[0];
  if (!root) throw outlookNotFound();
  return root;
}

function folderOrThrow(ctx: RouteContext, id: string | undefined): ContactFolder {
  const f = state(ctx).contactFolders.find((x) => x.id === id);
  if (!f) throw outlookNotFound();
  return f;
}

function contactOrThrow(ctx: RouteContext): Contact {
  const c = state(ctx).contacts.find((x) => x.id === ctx.params[0]);
  if (!c) throw outlookNotFound();
  return c;
}

function listContacts(ctx: RouteContext, folder: ContactFolder, context: string): GraphResponse {
  const q = ctx.req.query;
  if (q.has('$search'))
    throw new GraphHttpError({
      status: 501,
      code: 'NotImplemented',
      message:
        'The Graph emulator does not model $search on contacts: Microsoft Graph v1.0 does not document it and its results are unreliable (emailAddresses come back empty). Use $filter (see docs/emulator-graph.md).',
    });
  const top = parseTop(q, { def: 10, max: 1000 });
  const select = parseSelect(q, { typeName: CONTACT_TYPE, code: PARSE });
  let all = state(ctx).contacts.filter((c) => c.parentFolderId === folder.id);
  const filter = contactFilter(q.get('$filter'));
  if (filter) all = all.filter((c) => evaluateFilter(filter, c));
  all = sortBy(all, [...(parseOrderBy(q) ?? []), { path: ['displayName'], desc: false }]);
  const page = skipPage(all, { req: ctx.req, base: ctx.base, skip: parseSkip(q), top });
  const ctxPath = select ? `${context}(${select.join(',')})` : context;
  return jsonResponse(
    200,
    collection(meContext(ctx, ctxPath), { ...page, items: page.items.map((c) => applySelect(c, select)) }),
  );
}

function getContact(ctx: RouteContext): GraphResponse {
  const c = contactOrThrow(ctx);
  const select = parseSelect(ctx.req.query, { typeName: CONTACT_TYPE, code: PARSE });
  return jsonResponse(200, { '@odata.context': meContext(ctx, 'contacts/$entity'), ...applySelect(c, select) });
}

const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined;
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function emailAddresses(v: unknown): { name: string; address: string }[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.flatMap((e: unknown) => {
    const r = e as { address?: unknown; name?: unknown } | null;
    if (typeof r?.address !== 'string') return [];
    return [{ address: r.address, name: typeof r.name === 'string' ? r.name : r.address }];
  });
}

/** The writable fields of a contact payload that are present. */
function fieldsOf(json: Record<string, unknown>): Partial<ContactFields> {
  const out: Partial<ContactFields> = {};
  const set = <K extends keyof ContactFields>(k: K, v: ContactFields[K] | undefined): void => {
    if (v !== undefined) out[k] = v;
  };
  set('givenName', text(json.givenName));
  set('surname', text(json.surname));
  set('displayName', text(json.displayName));
  set('emailAddresses', emailAddresses(json.emailAddresses));
  set('companyName', text(json.companyName));
  set('jobTitle', text(json.jobTitle));
  set('department', text(json.department));
  set('officeLocation', text(json.officeLocation));
  set('businessPhones', strings(json.businessPhones));
  set('mobilePhone', text(json.mobilePhone));
  set('personalNotes', text(json.personalNotes));
  return out;
}

function createContact(ctx: RouteContext, folder: ContactFolder): GraphResponse {
  const f = fieldsOf(readJsonBody(ctx.req.body, invalidJsonPayload));
  const contact = newContact(
    ctx.store.rng(),
    folder.id,
    { ...f, givenName: f.givenName ?? '', surname: f.surname ?? '', emailAddresses: f.emailAddresses ?? [] },
    ctx.nowMs,
  );
  state(ctx).contacts.push(contact);
  return jsonResponse(201, { '@odata.context': meContext(ctx, 'contacts/$entity'), ...contact });
}

function patchContact(ctx: RouteContext): GraphResponse {
  const c = contactOrThrow(ctx);
  Object.assign(c, fieldsOf(readJsonBody(ctx.req.body, invalidJsonPayload)));
  c.changeKey = ctx.store.rng().b64(12);
  c['@odata.etag'] = `W/"${c.changeKey}"`;
  c.lastModifiedDateTime = isoZ(ctx.nowMs);
  return jsonResponse(200, { '@odata.context': meContext(ctx, 'contacts/$entity'), ...c });
}

function deleteContact(ctx: RouteContext): GraphResponse {
  const c = contactOrThrow(ctx);
  const all = state(ctx).contacts;
  all.splice(all.indexOf(c), 1);
  return emptyResponse(204);
}

function listFolders(ctx: RouteContext): GraphResponse {
  const q = ctx.req.query;
  const select = parseSelect(q, { typeName: FOLDER_TYPE, code: PARSE });
  const root = rootFolder(ctx);
  let all = state(ctx).contactFolders.filter((f) => f.parentFolderId === root.id);
  const filter = contactFilter(q.get('$filter'));
  if (filter) all = all.filter((f) => evaluateFilter(filter, f));
  const page = skipPage(all, {
    req: ctx.req,
    base: ctx.base,
    skip: parseSkip(q),
    top: parseTop(q, { def: 10, max: 1000 }),
  });
  const context = meContext(ctx, select ? `contactFolders(${select.join(',')})` : 'contactFolders');
  return jsonResponse(200, collection(context, { ...page, items: page.items.map((f) => applySelect(f, select)) }));
}

function getFolder(ctx: RouteContext): GraphResponse {
  const f = folderOrThrow(ctx, ctx.params[0]);
  const select = parseSelect(ctx.req.query, { typeName: FOLDER_TYPE, code: PARSE });
  return jsonResponse(200, { '@odata.context': meContext(ctx, 'contactFolders/$entity'), ...applySelect(f, select) });
}

const ID = '([^/]+)';
const R = SCOPES.contactsRead;
const W = SCOPES.contactsWrite;

export const contactRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/me\/contacts\/?$/,
    scope: R,
    handler: (ctx) => listContacts(ctx, rootFolder(ctx), 'contacts'),
  },
  { method: 'POST', pattern: /^\/me\/contacts\/?$/, scope: W, handler: (ctx) => createContact(ctx, rootFolder(ctx)) },
  { method: 'GET', pattern: new RegExp(`^/me/contacts/${ID}/?$`), scope: R, handler: getContact },
  { method: 'PATCH', pattern: new RegExp(`^/me/contacts/${ID}/?$`), scope: W, handler: patchContact },
  { method: 'DELETE', pattern: new RegExp(`^/me/contacts/${ID}/?$`), scope: W, handler: deleteContact },
  { method: 'GET', pattern: /^\/me\/contactFolders\/?$/i, scope: R, handler: listFolders },
  { method: 'GET', pattern: new RegExp(`^/me/contactFolders/${ID}/?$`, 'i'), scope: R, handler: getFolder },
  {
    method: 'GET',
    pattern: new RegExp(`^/me/contactFolders/${ID}/contacts/?$`, 'i'),
    scope: R,
    handler: (ctx) =>
      listContacts(ctx, folderOrThrow(ctx, ctx.params[0]), `contactFolders('${ctx.params[0] ?? ''}')/contacts`),
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/me/contactFolders/${ID}/contacts/?$`, 'i'),
    scope: W,
    handler: (ctx) => createContact(ctx, folderOrThrow(ctx, ctx.params[0])),
  },
];
