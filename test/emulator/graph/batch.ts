/**
 * JSON batching `POST /$batch` (spec §10): ≤ 20 requests, unique ids (case-insensitive), dependsOn
 * ordering with 424 for failed dependencies, inner urls relative to the version root (a leading
 * `/v1.0` or `/beta` is stripped), each inner request authorised on its own, Outlook requests beyond
 * the mailbox concurrency limit answered 429, responses in a shuffled but deterministic order.
 */
import type { Workload } from './auth.ts';
import { badRequest, GraphHttpError, invalidJsonPayload } from './errors.ts';
import { jsonResponse, parseQuery, readJsonBody, type GraphRequest, type GraphResponse } from './http.ts';
import { createRng, shuffle } from './seed/prng.ts';

export const MAX_BATCH = 20;

interface InnerRequest {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  dependsOn: string[];
}

export interface BatchOptions {
  /** Runs one inner request through the normal pipeline (auth, scopes, handler). */
  run(inner: GraphRequest): GraphResponse;
  /** Which workload would serve this inner request (undefined: no route). */
  workloadOf(inner: GraphRequest): Workload | undefined;
  /** Concurrent Outlook requests allowed per mailbox in one batch (Infinity disables the rule). */
  mailboxConcurrency: number;
  graphOrigin: string;
}

function parseInner(raw: unknown): InnerRequest {
  const r = raw as Record<string, unknown> | null;
  if (!r || typeof r !== 'object') throw badRequest('BadRequest', 'Invalid batch payload format.');
  const id = typeof r.id === 'number' ? String(r.id) : r.id;
  if (typeof id !== 'string' || !id) throw badRequest('BadRequest', 'Batch request id is missing or invalid.');
  if (typeof r.method !== 'string' || typeof r.url !== 'string')
    throw badRequest('BadRequest', `Request id : ${id} is missing the method or url.`);
  const headers: Record<string, string> = {};
  if (r.headers && typeof r.headers === 'object')
    for (const [k, v] of Object.entries(r.headers as Record<string, unknown>))
      if (typeof v === 'string') headers[k.toLowerCase()] = v;
  const dependsOn = Array.isArray(r.dependsOn) ? r.dependsOn.map(String) : [];
  if (r.body !== undefined && !headers['content-type'])
    throw badRequest('BadRequest', `Write request id : ${id} does not contain Content-Type header or body.`);
  return { id, method: r.method.toUpperCase(), url: r.url, headers, body: r.body, dependsOn };
}

/** `/v1.0/me?x` | `me?x` | `https://host/v1.0/me` → path `/me` and the query. */
function innerTarget(url: string, version: string, origin: string): { path: string; rawQuery: string } {
  let u = url.startsWith(origin) ? url.slice(origin.length) : url;
  if (!u.startsWith('/')) u = `/${u}`;
  if (u.toLowerCase().startsWith(`/${version.toLowerCase()}/`)) u = u.slice(version.length + 1);
  const q = u.indexOf('?');
  return q < 0 ? { path: u, rawQuery: '' } : { path: u.slice(0, q), rawQuery: u.slice(q + 1) };
}

function innerBody(body: unknown): Buffer {
  if (body === undefined || body === null) return Buffer.alloc(0);
  return Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
}

function toBatchResponse(id: string, res: GraphResponse): Record<string, unknown> {
  const out: Record<string, unknown> = { id, status: res.status, headers: res.headers };
  if (res.json !== undefined) out.body = res.json;
  else if (res.raw !== undefined) out.body = res.raw.toString('base64');
  return out;
}

function failedDependency(id: string, dep: string): GraphResponse {
  return {
    status: 424,
    headers: { 'Content-Type': 'application/json' },
    json: {
      error: { code: 'FailedDependency', message: `The request ${id} depends on request ${dep}, which failed.` },
    },
  };
}

function mailboxThrottled(): GraphResponse {
  return {
    status: 429,
    headers: { 'Content-Type': 'application/json', 'Retry-After': '1' },
    json: { error: { code: 'ApplicationThrottled', message: 'Application is over its MailboxConcurrency limit.' } },
  };
}

export function runBatch(outer: GraphRequest, opts: BatchOptions): GraphResponse {
  const json = readJsonBody(outer.body, invalidJsonPayload);
  if (!Array.isArray(json.requests)) throw badRequest('BadRequest', 'Invalid batch payload format.');
  if (json.requests.length > MAX_BATCH)
    throw badRequest('BadRequest', 'Number of requests inside batch exceeds the limit.');
  if (json.requests.length === 0) throw badRequest('BadRequest', 'Batch request must contain at least one request.');
  const requests = json.requests.map(parseInner);
  const ids = new Set<string>();
  for (const r of requests) {
    if (ids.has(r.id.toLowerCase()))
      throw badRequest('BadRequest', `Batch request contains duplicate request id '${r.id}'.`);
    ids.add(r.id.toLowerCase());
  }
  for (const r of requests)
    for (const d of r.dependsOn)
      if (!ids.has(d.toLowerCase()) || d.toLowerCase() === r.id.toLowerCase())
        throw badRequest('BadRequest', `Request id : ${r.id} depends on an unknown request id '${d}'.`);

  const results = new Map<string, GraphResponse>();
  let outlookInFlight = 0;
  let pending = [...requests];
  while (pending.length) {
    const ready = pending.filter((r) => r.dependsOn.every((d) => results.has(d.toLowerCase())));
    if (ready.length === 0) throw badRequest('BadRequest', 'Batch request dependencies contain a cycle.');
    for (const r of ready) {
      const failed = r.dependsOn.find((d) => {
        const s = results.get(d.toLowerCase())?.status ?? 0;
        return s < 200 || s >= 300;
      });
      if (failed) {
        results.set(r.id.toLowerCase(), failedDependency(r.id, failed));
        continue;
      }
      const target = innerTarget(r.url, outer.version, `${opts.graphOrigin}`);
      const inner: GraphRequest = {
        method: r.method,
        version: outer.version,
        path: target.path,
        query: parseQuery(target.rawQuery),
        headers: {
          ...r.headers,
          ...(outer.headers.authorization ? { authorization: outer.headers.authorization } : {}),
        },
        body: innerBody(r.body),
      };
      // Requests without dependsOn run concurrently in real Graph; chained ones one at a time.
      if (r.dependsOn.length === 0 && opts.workloadOf(inner) === 'outlook') {
        outlookInFlight += 1;
        if (outlookInFlight > opts.mailboxConcurrency) {
          results.set(r.id.toLowerCase(), mailboxThrottled());
          continue;
        }
      }
      let res: GraphResponse;
      try {
        res = opts.run(inner);
      } catch (e) {
        if (!(e instanceof GraphHttpError)) throw e;
        res = jsonResponse(e.status, { error: { code: e.code, message: e.message } }, e.headers);
      }
      results.set(r.id.toLowerCase(), res);
    }
    pending = pending.filter((r) => !ready.includes(r));
  }

  let order = shuffle(requests, createRng(`batch:${requests.map((r) => r.id).join('|')}`));
  if (order.length > 1 && order.every((r, i) => r === requests[i]))
    order = [...order.slice(1), order[0] as InnerRequest];
  return jsonResponse(200, {
    responses: order.map((r) => toBatchResponse(r.id, results.get(r.id.toLowerCase()) as GraphResponse)),
  });
}
