/**
 * The Graph request pipeline, independent of sockets: authenticate → resolve the caller →
 * route → scope check → handler, with errors rendered in Graph's shape and Graph's headers added.
 * `$batch` re-enters it once per inner request.
 */
import { randomUUID } from 'node:crypto';
import type { GraphServiceDeps } from '../types.ts';
import { authenticate, requireScope, type Workload } from './auth.ts';
import { runBatch } from './batch.ts';
import { directoryNotFound, errorBody, GraphHttpError } from './errors.ts';
import { JSON_CONTENT_TYPE, type GraphRequest, type GraphResponse } from './http.ts';
import type { Schema } from '../../graph-schema/model.ts';
import { schemaRejection, unservedOrInvalid } from './odata/schema-check.ts';
import { matchRoute, type Route } from './router.ts';
import type { GraphStore } from './store.ts';

export interface DispatcherOptions {
  deps: GraphServiceDeps;
  store: GraphStore;
  routes: readonly Route[];
  mailboxConcurrency: number;
  /** Microsoft's Graph v1.0 schema: paths and query member names real Graph rejects are rejected. */
  schema: Schema;
}

export interface Dispatcher {
  /** Runs a request; never throws for request errors (renders them). */
  dispatch(req: GraphRequest): GraphResponse;
}

/** `/users/{my id or upn}/…` is the same resource as `/me/…`. */
function rewriteSelf(path: string, me: { id: string; userPrincipalName: string; mail: string }): string {
  const m = /^\/users\/([^/]+)(\/.*)?$/i.exec(path);
  if (!m?.[1] || m[1] === '$count') return path;
  let key = m[1];
  try {
    key = decodeURIComponent(key).toLowerCase();
  } catch {
    return path;
  }
  const mine = [me.id, me.userPrincipalName, me.mail].map((s) => s.toLowerCase());
  return mine.includes(key) ? `/me${m[2] ?? ''}` : path;
}

function lastSegment(path: string): string {
  const segs = path.split('/').filter(Boolean);
  return decodeURIComponent(segs[segs.length - 1] ?? '');
}

function methodNotAllowed(): GraphHttpError {
  return new GraphHttpError({
    status: 405,
    code: 'Request_BadRequest',
    message: 'Specified HTTP method is not allowed for the request target.',
  });
}

export function createDispatcher(opts: DispatcherOptions): Dispatcher {
  const { deps, store, routes } = opts;

  const workloadOf = (req: GraphRequest): Workload | undefined => {
    const m = matchRoute(routes, req.method, req.path);
    return m && m !== 'methodMismatch' ? m.route.scope.workload : undefined;
  };

  const run = (req: GraphRequest, ids: { requestId: string; clientRequestId: string }): GraphResponse => {
    const claims = authenticate(deps, req.headers.authorization);
    const me = store.findUser(claims.oid);
    if (!me) throw directoryNotFound(claims.oid);
    const path = rewriteSelf(req.path, me);
    if (path === '/$batch') {
      if (req.method.toUpperCase() !== 'POST') throw methodNotAllowed();
      return runBatch(req, {
        run: (inner) => dispatchWith(inner, { requestId: randomUUID(), clientRequestId: ids.clientRequestId }, true),
        workloadOf: (inner) => workloadOf({ ...inner, path: rewriteSelf(inner.path, me) }),
        mailboxConcurrency: opts.mailboxConcurrency,
        graphOrigin: deps.graphOrigin,
      });
    }
    const match = matchRoute(routes, req.method, path);
    if (match === undefined) throw unservedOrInvalid(opts.schema, req.method, path, lastSegment(path));
    if (match === 'methodMismatch') throw methodNotAllowed();
    requireScope(claims, match.route.scope);
    const rejection = schemaRejection(opts.schema, { ...req, path }, match.route.scope.workload);
    if (rejection) throw rejection;
    return match.route.handler({
      req: { ...req, path },
      params: match.params,
      claims,
      me,
      store,
      deps,
      base: `${deps.graphOrigin}/${req.version}`,
      nowMs: deps.clock.nowMs(),
    });
  };

  const dispatchWith = (
    req: GraphRequest,
    ids: { requestId: string; clientRequestId: string },
    inner: boolean,
  ): GraphResponse => {
    let res: GraphResponse;
    try {
      res = run(req, ids);
    } catch (e) {
      const err =
        e instanceof GraphHttpError
          ? e
          : new GraphHttpError({
              status: 500,
              code: 'InternalServerError',
              message: e instanceof Error ? e.message : String(e),
            });
      res = { status: err.status, headers: err.headers, json: errorBody(err, { nowMs: deps.clock.nowMs(), ...ids }) };
    }
    const headers: Record<string, string> = { ...res.headers };
    if (res.json !== undefined) {
      headers['Content-Type'] ??= JSON_CONTENT_TYPE;
      headers['OData-Version'] = '4.0';
    }
    headers['Cache-Control'] ??= 'no-cache';
    if (!inner) {
      headers['request-id'] = ids.requestId;
      headers['client-request-id'] = ids.clientRequestId;
      headers['x-ms-ags-diagnostic'] = JSON.stringify({
        ServerInfo: { DataCenter: 'Emulator', Slice: 'E', Ring: '0', ScaleUnit: '000', RoleInstance: 'LOCAL' },
      });
      headers['Strict-Transport-Security'] = 'max-age=31536000';
    }
    return { ...res, headers };
  };

  return {
    dispatch(req) {
      const requestId = randomUUID();
      const clientRequestId = req.headers['client-request-id'] || requestId;
      return dispatchWith(req, { requestId, clientRequestId }, false);
    },
  };
}
