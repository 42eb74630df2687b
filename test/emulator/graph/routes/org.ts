/**
 * A user's manager and direct reports (`/me|/users/{id}/manager`, `…/directReports`). The org chart is
 * derived from the directory: the President reports to no one; in each department the first person
 * whose title says Director, Manager, Lead or President heads it and reports to the President; everyone
 * else reports to their department's head (or to the President when it has none). Other users come
 * back with the basic properties only unless the token can read full profiles (User.Read.All, …).
 */
import { directoryNotFound, notFound } from '../errors.ts';
import { jsonResponse, type GraphResponse } from '../http.ts';
import type { DirectoryUser } from '../model.ts';
import { parseTop } from '../odata/options.ts';
import { collection, skipPage } from '../odata/paging.ts';
import type { Route, RouteContext } from '../router.ts';
import { SCOPES } from '../scopes.ts';
import { basicOnly, renderUser, selectFor } from './users.ts';

const HEAD = /Director|Manager|Lead|President/i;
const USER = '#microsoft.graph.user';

function president(dir: readonly DirectoryUser[]): DirectoryUser | undefined {
  return dir.find((u) => /President/i.test(u.jobTitle ?? ''));
}

export function managerOf(u: DirectoryUser, dir: readonly DirectoryUser[]): DirectoryUser | undefined {
  const top = president(dir);
  if (!top || top.id === u.id) return undefined;
  const head = dir.find(
    (x) => x.id !== top.id && x.department !== null && x.department === u.department && HEAD.test(x.jobTitle ?? ''),
  );
  return !head || head.id === u.id ? top : head;
}

export function directReportsOf(u: DirectoryUser, dir: readonly DirectoryUser[]): DirectoryUser[] {
  return dir.filter((x) => managerOf(x, dir)?.id === u.id);
}

function subject(ctx: RouteContext): DirectoryUser {
  if (ctx.params.length === 0) return ctx.me;
  const key = ctx.params[0] ?? '';
  const user = ctx.store.findUser(key);
  if (!user) throw directoryNotFound(key);
  return user;
}

function render(ctx: RouteContext, u: DirectoryUser): Record<string, unknown> {
  return { '@odata.type': USER, ...renderUser(u, selectFor(ctx), u.id !== ctx.me.id && basicOnly(ctx)) };
}

function getManager(ctx: RouteContext): GraphResponse {
  const manager = managerOf(subject(ctx), ctx.store.directory());
  if (!manager)
    throw notFound(
      'Request_ResourceNotFound',
      "Resource 'manager' does not exist or one of its queried reference-property objects are not present.",
    );
  return jsonResponse(200, {
    '@odata.context': `${ctx.base}/$metadata#directoryObjects/$entity`,
    ...render(ctx, manager),
  });
}

function listDirectReports(ctx: RouteContext): GraphResponse {
  const all = directReportsOf(subject(ctx), ctx.store.directory());
  const page = skipPage(all, {
    req: ctx.req,
    base: ctx.base,
    skip: 0,
    top: parseTop(ctx.req.query, { def: 100, max: 999 }),
  });
  return jsonResponse(
    200,
    collection(`${ctx.base}/$metadata#directoryObjects`, { ...page, items: page.items.map((u) => render(ctx, u)) }),
  );
}

export const orgRoutes: Route[] = [
  { method: 'GET', pattern: /^\/me\/manager\/?$/, scope: SCOPES.myRelations, handler: getManager },
  { method: 'GET', pattern: /^\/me\/directReports\/?$/i, scope: SCOPES.myRelations, handler: listDirectReports },
  { method: 'GET', pattern: /^\/users\/([^/]+)\/manager\/?$/, scope: SCOPES.users, handler: getManager },
  { method: 'GET', pattern: /^\/users\/([^/]+)\/directReports\/?$/i, scope: SCOPES.users, handler: listDirectReports },
];
