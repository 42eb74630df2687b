/** /me, /users, /users/{id|upn}, /users/$count, /me/people (spec §9.1, §9.13, §9.14, §9.21). */
import { hasAnyScope } from '../auth.ts';
import { badRequest, directoryNotFound, type GraphHttpError } from '../errors.ts';
import { jsonResponse } from '../http.ts';
import type { DirectoryUser, Person } from '../model.ts';
import { evaluateFilter, filterUsage, type FilterExpr, parseFilterParam } from '../odata/filter.ts';
import {
  applySelect,
  parseCount,
  parseOrderBy,
  parseSearch,
  parseSelect,
  parseSkip,
  parseTop,
  sortBy,
} from '../odata/options.ts';
import { collection, skipPage, tokenPage } from '../odata/paging.ts';
import { meContext, type Route, type RouteContext } from '../router.ts';
import { SCOPES } from '../scopes.ts';

const USER_TYPE = 'microsoft.graph.user';
const USER_PROPS: ReadonlySet<string> = new Set([
  'id',
  'displayName',
  'givenName',
  'surname',
  'mail',
  'userPrincipalName',
  'jobTitle',
  'department',
  'officeLocation',
  'businessPhones',
  'mobilePhone',
  'preferredLanguage',
  'accountEnabled',
  'city',
  'country',
  'companyName',
  'usageLocation',
]);
const DEFAULT_PROPS = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
];
const BASIC_PROPS = new Set(['id', 'displayName', 'givenName', 'surname', 'mail', 'userPrincipalName']);
const DEFAULT_FILTER_PROPS = new Set([
  'displayname',
  'givenname',
  'surname',
  'mail',
  'userprincipalname',
  'id',
  'accountenabled',
  'jobtitle',
  'department',
  'city',
  'country',
  'companyname',
  'officelocation',
  'usagelocation',
]);
const ADVANCED_HINT =
  'required parameters might be missing. Try adding $count=true query parameter and ConsistencyLevel:eventual header. Refer to https://aka.ms/graph-docs/advanced-queries for more information';

function unsupported(message: string): GraphHttpError {
  return badRequest('Request_UnsupportedQuery', message);
}

/** Shapes a user for output: $select or the default set; basic-only tokens see other props as null. */
export function renderUser(
  u: DirectoryUser,
  select: readonly string[] | undefined,
  basicOnly: boolean,
): Record<string, unknown> {
  const props = select ?? DEFAULT_PROPS;
  const rec = u as unknown as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const p of props) {
    const v = rec[p];
    out[p] = basicOnly && !BASIC_PROPS.has(p) ? (Array.isArray(v) ? [] : null) : (v ?? null);
  }
  if (!('id' in out)) out.id = u.id;
  return out;
}

export function selectFor(ctx: RouteContext): string[] | undefined {
  return parseSelect(ctx.req.query, { known: USER_PROPS, typeName: USER_TYPE, code: 'Request_BadRequest' });
}

export function basicOnly(ctx: RouteContext): boolean {
  return !hasAnyScope(ctx.claims, [
    'User.Read.All',
    'User.ReadWrite.All',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  ]);
}

function getMe(ctx: RouteContext): ReturnType<Route['handler']> {
  const select = selectFor(ctx);
  const context = select
    ? `${ctx.base}/$metadata#users(${select.join(',')})/$entity`
    : `${ctx.base}/$metadata#users/$entity`;
  return jsonResponse(200, { '@odata.context': context, ...renderUser(ctx.me, select, false) });
}

function getUser(ctx: RouteContext): ReturnType<Route['handler']> {
  const key = ctx.params[0] ?? '';
  const user = ctx.store.findUser(key);
  if (!user) throw directoryNotFound(key);
  const select = selectFor(ctx);
  const context = select
    ? `${ctx.base}/$metadata#users(${select.join(',')})/$entity`
    : `${ctx.base}/$metadata#users/$entity`;
  const self = user.id === ctx.me.id;
  return jsonResponse(200, { '@odata.context': context, ...renderUser(user, select, !self && basicOnly(ctx)) });
}

function isAdvanced(ctx: RouteContext): { eventual: boolean; count: boolean } {
  return {
    eventual: (ctx.req.headers.consistencylevel ?? '').toLowerCase() === 'eventual',
    count: parseCount(ctx.req.query),
  };
}

/** Directory $search: `"displayName:ade" AND "mail:contoso"` — tokenised prefix match. */
export function parseDirectorySearch(raw: string): (u: DirectoryUser) => boolean {
  const clauses = raw.split(/\s+(AND|OR)\s+/);
  const terms: { prop: string; value: string }[] = [];
  const ops: string[] = [];
  for (const c of clauses) {
    if (c === 'AND' || c === 'OR') {
      ops.push(c);
      continue;
    }
    const m = /^"?([A-Za-z]+):(.*?)"?$/.exec(c.trim());
    if (!m?.[1]) throw badRequest('Request_UnsupportedQuery', 'Invalid search query. Use the syntax "property:value".');
    const prop = m[1];
    if (
      !['displayName', 'description', 'mail', 'userPrincipalName', 'givenName', 'surname'].some(
        (p) => p.toLowerCase() === prop.toLowerCase(),
      )
    )
      throw badRequest('Request_UnsupportedQuery', `Unsupported property '${prop}' in $search.`);
    terms.push({ prop, value: (m[2] ?? '').toLowerCase() });
  }
  const test = (u: DirectoryUser, t: { prop: string; value: string }): boolean => {
    const key = Object.keys(u).find((k) => k.toLowerCase() === t.prop.toLowerCase());
    const v = key ? (u as unknown as Record<string, unknown>)[key] : undefined;
    if (typeof v !== 'string') return false;
    return (
      v
        .toLowerCase()
        .split(/[\s@._-]+/)
        .some((tok) => tok.startsWith(t.value)) || v.toLowerCase().startsWith(t.value)
    );
  };
  return (u) => {
    let acc = terms[0] ? test(u, terms[0]) : true;
    for (let i = 1; i < terms.length; i++) {
      const t = terms[i];
      if (!t) continue;
      acc = ops[i - 1] === 'OR' ? acc || test(u, t) : acc && test(u, t);
    }
    return acc;
  };
}

function parseDirectoryFilter(raw: string | undefined, advanced: boolean): FilterExpr | undefined {
  const expr = parseFilterParam(raw);
  if (expr === undefined) return undefined;
  const usage = filterUsage(expr);
  for (const p of usage.properties) {
    const top = (p.split('/')[0] ?? '').toLowerCase();
    if (!DEFAULT_FILTER_PROPS.has(top) && !USER_PROPS.has(p))
      throw badRequest('BadRequest', `Could not find a property named '${p}' on type '${USER_TYPE}'.`);
  }
  if (!advanced) {
    for (const [op, name] of [
      ['endswith', 'endsWith'],
      ['ne', 'ne'],
      ['not', 'not'],
      ['contains', 'contains'],
    ] as const) {
      if (usage.operators.has(op))
        throw unsupported(`Operator '${name}' is not supported because the ${ADVANCED_HINT}`);
    }
  }
  return expr;
}

function listUsers(ctx: RouteContext): ReturnType<Route['handler']> {
  const q = ctx.req.query;
  const { eventual, count } = isAdvanced(ctx);
  const search = parseSearch(q);
  if (search !== undefined && !eventual)
    throw unsupported(
      "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
    );
  if (q.has('$skip')) throw badRequest('Request_BadRequest', "'$skip' is not supported by the service.");
  const advanced = eventual && (count || search !== undefined);
  const filter = parseDirectoryFilter(q.get('$filter'), advanced);
  const order = parseOrderBy(q, 'Request_UnsupportedQuery');
  if (order) {
    const sortable = order.every((o) => ['displayname', 'userprincipalname'].includes((o.path[0] ?? '').toLowerCase()));
    if (!sortable || (filter && !advanced)) throw unsupported('Sorting not supported for current query.');
  }
  const rawTop = q.get('$top');
  if (rawTop !== undefined && Number(rawTop) > 999)
    throw badRequest(
      'Request_BadRequest',
      `Invalid page size specified: '${rawTop}'. Must be between 1 and 999 inclusive.`,
    );
  const top = parseTop(q, { def: 100, max: 999 }, 'Request_BadRequest');
  const select = selectFor(ctx);
  let all = [...ctx.store.directory()].sort((a, b) => (a.id < b.id ? -1 : 1));
  if (filter) all = all.filter((u) => evaluateFilter(filter, u));
  if (search !== undefined) all = all.filter(parseDirectorySearch(search));
  if (order) all = sortBy(all, order);
  const page = tokenPage(all, { req: ctx.req, base: ctx.base, top });
  const basic = basicOnly(ctx);
  const extra: Record<string, unknown> = {};
  if (count && eventual && !q.has('$skiptoken')) extra['@odata.count'] = all.length;
  const context = select ? `${ctx.base}/$metadata#users(${select.join(',')})` : `${ctx.base}/$metadata#users`;
  return jsonResponse(
    200,
    collection(
      context,
      { ...page, items: page.items.map((u) => renderUser(u, select, basic && u.id !== ctx.me.id)) },
      extra,
    ),
  );
}

function countUsers(ctx: RouteContext): ReturnType<Route['handler']> {
  if ((ctx.req.headers.consistencylevel ?? '').toLowerCase() !== 'eventual')
    throw badRequest('Request_BadRequest', '$count is not currently supported.');
  let all = ctx.store.directory();
  const filter = parseDirectoryFilter(ctx.req.query.get('$filter'), true);
  if (filter) all = all.filter((u) => evaluateFilter(filter, u));
  return { status: 200, headers: { 'Content-Type': 'text/plain;charset=utf-8' }, raw: Buffer.from(String(all.length)) };
}

const PERSON_PROPS: ReadonlySet<string> = new Set([
  'id',
  'displayName',
  'givenName',
  'surname',
  'birthday',
  'personNotes',
  'isFavorite',
  'jobTitle',
  'companyName',
  'yomiCompany',
  'department',
  'officeLocation',
  'profession',
  'userPrincipalName',
  'imAddress',
  'scoredEmailAddresses',
  'phones',
  'personType',
]);

function personMatches(p: Person, term: string): boolean {
  const words = [p.displayName, p.givenName, p.surname, ...p.scoredEmailAddresses.map((e) => e.address)]
    .join(' ')
    .toLowerCase()
    .split(/[\s@.]+/);
  return term
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((t) => words.some((w) => w.startsWith(t)));
}

function listPeople(ctx: RouteContext): ReturnType<Route['handler']> {
  const q = ctx.req.query;
  const search = parseSearch(q);
  if (search !== undefined && q.has('$skip'))
    throw badRequest('ErrorInvalidArgument', "The query parameter '$skip' is not supported with '$search'.");
  const top = parseTop(q, { def: 10, max: 1000 });
  const skip = parseSkip(q);
  const select = parseSelect(q, {
    known: PERSON_PROPS,
    typeName: 'microsoft.graph.person',
    code: 'ErrorInvalidProperty',
  });
  let all = ctx.store.user(ctx.me.id).people;
  if (search !== undefined) all = all.filter((p) => personMatches(p, search)).slice(0, 250);
  const page = skipPage(all, { req: ctx.req, base: ctx.base, skip, top });
  return jsonResponse(
    200,
    collection(meContext(ctx, 'people'), { ...page, items: page.items.map((p) => applySelect(p, select)) }),
  );
}

export const userRoutes: Route[] = [
  { method: 'GET', pattern: /^\/me\/?$/, scope: SCOPES.me, handler: getMe },
  { method: 'GET', pattern: /^\/me\/people\/?$/, scope: SCOPES.people, handler: listPeople },
  { method: 'GET', pattern: /^\/users\/?$/, scope: SCOPES.users, handler: listUsers },
  { method: 'GET', pattern: /^\/users\/\$count$/, scope: SCOPES.users, handler: countUsers },
  { method: 'GET', pattern: /^\/users\/([^/]+)\/?$/, scope: SCOPES.users, handler: getUser },
];
