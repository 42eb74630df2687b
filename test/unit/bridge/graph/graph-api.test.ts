import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AuditRecordParams } from '../../../../app/shared/bridge-contract.ts';
import { encodeCursor } from '../../../../bridge/graph/cursor.ts';
import {
  buildUrl,
  createGraphApi,
  parseClaimsChallenge,
  parseRetryAfter,
  type TransportRequest,
  type TransportResponse,
} from '../../../../bridge/graph/graph-api.ts';
import { ToolError, type GraphCall } from '../../../../bridge/tools/tool.ts';

const BASE = 'https://graph.example.com/';
const CALL: GraphCall = { method: 'GET', path: '/me', pathTemplate: '/me', scopes: ['User.Read'] };

function response(status: number, body?: unknown, headers: Record<string, string> = {}): TransportResponse {
  return { status, headers: new Headers({ 'request-id': `rid-${status}`, ...headers }), body };
}

function harness(responses: TransportResponse[], policy: { throttleBudgetMs?: number } = {}) {
  const sent: TransportRequest[] = [];
  const audits: AuditRecordParams[] = [];
  const sleeps: number[] = [];
  let clock = 1_000_000;
  const api = createGraphApi({
    transport: {
      send: async (req) => {
        sent.push(req);
        const next = responses.shift();
        if (!next) throw new Error('no more responses');
        clock += 5;
        return next;
      },
    },
    graphBaseUrl: BASE,
    tool: 'get_my_profile',
    group: 'profile',
    audit: (r) => audits.push(r),
    sleep: async (ms) => {
      sleeps.push(ms);
      clock += ms;
    },
    now: () => clock,
    ...policy,
  });
  return { api, sent, audits, sleeps };
}

test('buildUrl encodes values but keeps $ option names', () => {
  assert.equal(
    buildUrl('me/messages', { $top: 5, $filter: "a eq 'b c'", skip: undefined }),
    "/me/messages?$top=5&$filter=a%20eq%20'b%20c'",
  );
  assert.equal(buildUrl('/me'), '/me');
});

test('a successful call returns the body and is audited with the request-id', async () => {
  const h = harness([response(200, { id: 'u1' })]);
  assert.deepEqual(await h.api.request(CALL), { id: 'u1' });
  assert.deepEqual(h.audits, [
    { tool: 'get_my_profile', method: 'GET', pathTemplate: '/me', status: 200, durationMs: 5, requestId: 'rid-200' },
  ]);
  assert.deepEqual(h.sent[0]!.auth, { scopes: ['User.Read'], tool: 'get_my_profile' });
});

test('202/204 resolve to undefined', async () => {
  const h = harness([response(202, '')]);
  assert.equal(await h.api.request({ ...CALL, method: 'POST', body: {} }), undefined);
});

test('401 forces one token refresh and retries once', async () => {
  const h = harness([response(401, { error: { code: 'InvalidAuthenticationToken' } }), response(200, { id: 'u1' })]);
  assert.deepEqual(await h.api.request(CALL), { id: 'u1' });
  assert.equal(h.sent.length, 2);
  assert.equal(h.sent[1]!.auth.forceRefresh, true);
  assert.equal(h.audits.length, 2);
});

test('a second 401 is reported, not retried forever', async () => {
  const h = harness([
    response(401, {}),
    response(401, { error: { code: 'InvalidAuthenticationToken', message: 'expired' } }),
  ]);
  await assert.rejects(h.api.request(CALL), (e: unknown) => e instanceof ToolError && e.code === 'GRAPH_UNAUTHORIZED');
  assert.equal(h.sent.length, 2);
});

test('a 401 claims challenge retries with the decoded claims', async () => {
  const claims = '{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}';
  const header = `Bearer realm="", error="insufficient_claims", claims="${Buffer.from(claims).toString('base64')}"`;
  const h = harness([response(401, {}, { 'www-authenticate': header }), response(200, {})]);
  await h.api.request(CALL);
  assert.equal(h.sent[1]!.auth.claims, claims);
  assert.equal(parseClaimsChallenge('Bearer realm=""'), undefined);
});

test('429 honours Retry-After, then succeeds', async () => {
  const h = harness([
    response(429, {}, { 'retry-after': '2' }),
    response(429, {}, { 'retry-after': '1' }),
    response(200, { ok: 1 }),
  ]);
  assert.deepEqual(await h.api.request(CALL), { ok: 1 });
  assert.deepEqual(h.sleeps, [2000, 1000]);
});

test('throttling beyond the budget ends with a clear THROTTLED error', async () => {
  const storm = Array.from({ length: 10 }, () =>
    response(429, { error: { code: 'TooManyRequests' } }, { 'retry-after': '4' }),
  );
  const h = harness(storm, { throttleBudgetMs: 10_000 });
  await assert.rejects(h.api.request(CALL), (e: unknown) => {
    assert.ok(e instanceof ToolError);
    assert.equal(e.code, 'THROTTLED');
    assert.match(e.message, /Microsoft Graph is throttling/);
    return true;
  });
  assert.deepEqual(h.sleeps, [4000, 4000]);
  assert.equal(h.sent.length, 3);
});

test('a Retry-After longer than the budget is not waited for', async () => {
  const h = harness([response(503, {}, { 'retry-after': '120' })], { throttleBudgetMs: 30_000 });
  await assert.rejects(h.api.request(CALL), /about 120 s/);
  assert.deepEqual(h.sleeps, []);
});

test('503 on POST is not retried (the write may have happened); 429 on POST is', async () => {
  const post = { ...CALL, method: 'POST' as const, body: {} };
  const a = harness([response(503, {})]);
  await assert.rejects(a.api.request(post), (e: unknown) => e instanceof ToolError && e.code === 'GRAPH_UNAVAILABLE');
  const b = harness([response(429, {}, { 'retry-after': '0' }), response(202, '')]);
  assert.equal(await b.api.request(post), undefined);
  // A POST that only reads (getSchedule) changes nothing, so a 503/504 is retried like a GET.
  const c = harness([response(504, {}, { 'retry-after': '0' }), response(200, { value: [] })]);
  assert.deepEqual(await c.api.request({ ...post, readOnly: true }), { value: [] });
  assert.equal(c.sent.length, 2);
});

test('403 maps to GRAPH_FORBIDDEN without any retry', async () => {
  const h = harness([response(403, { error: { code: 'ErrorAccessDenied', message: 'Access is denied.' } })]);
  await assert.rejects(h.api.request(CALL), (e: unknown) => e instanceof ToolError && e.code === 'GRAPH_FORBIDDEN');
  assert.equal(h.sent.length, 1);
});

test('network failures become GRAPH_UNREACHABLE; ToolErrors from the token source pass through', async () => {
  const api = createGraphApi({
    transport: { send: () => Promise.reject(new TypeError('fetch failed')) },
    graphBaseUrl: BASE,
    tool: 't',
    group: 'profile',
    audit: () => undefined,
    sleep: async () => undefined,
    now: () => 0,
  });
  await assert.rejects(api.request(CALL), (e: unknown) => e instanceof ToolError && e.code === 'GRAPH_UNREACHABLE');
  const consent = createGraphApi({
    transport: { send: () => Promise.reject(new ToolError('CONSENT_REQUIRED', 'grant')) },
    graphBaseUrl: BASE,
    tool: 't',
    group: 'profile',
    audit: () => undefined,
    sleep: async () => undefined,
    now: () => 0,
  });
  await assert.rejects(consent.request(CALL), (e: unknown) => e instanceof ToolError && e.code === 'CONSENT_REQUIRED');
});

test('page returns items and an opaque cursor; a cursor replaces path and query', async () => {
  const next = 'https://graph.example.com/v1.0/me/messages?$skip=10';
  const h = harness([
    response(200, { value: [{ id: 1 }], '@odata.nextLink': next }),
    response(200, { value: [{ id: 2 }] }),
  ]);
  const first = await h.api.page({ ...CALL, path: '/me/messages', query: { $top: 10 } });
  assert.deepEqual(first.items, [{ id: 1 }]);
  assert.equal(first.nextCursor, encodeCursor(next));
  const second = await h.api.page({ ...CALL, path: '/me/messages' }, first.nextCursor);
  assert.equal(h.sent[1]!.url, next);
  assert.equal(second.nextCursor, null);
});

test('a forged cursor is refused before any request', async () => {
  const h = harness([]);
  await assert.rejects(
    h.api.page(CALL, encodeCursor('https://attacker.example/v1.0/me')),
    (e: unknown) => e instanceof ToolError && e.code === 'BAD_CURSOR',
  );
  assert.equal(h.sent.length, 0);
});

test('parseRetryAfter: seconds, HTTP date, garbage', () => {
  assert.equal(parseRetryAfter('7', 0), 7);
  assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 0), 10);
  assert.equal(parseRetryAfter('soon', 0), undefined);
  assert.equal(parseRetryAfter(null, 0), undefined);
});

/** A transport whose requests never get an answer; they end only when their signal aborts (or never, if deaf). */
function silentGraph(options: { deaf?: boolean } = {}) {
  const sent: TransportRequest[] = [];
  const timers: { fn: () => void; ms: number; stopped: boolean }[] = [];
  let arrived!: () => void;
  const firstArrived = new Promise<void>((resolve) => (arrived = resolve));
  const controller = new AbortController();
  const api = createGraphApi({
    transport: {
      send: (req) => {
        sent.push(req);
        arrived();
        return new Promise((_resolve, reject) => {
          if (!options.deaf) req.signal?.addEventListener('abort', () => reject(new Error('aborted')));
        });
      },
    },
    graphBaseUrl: BASE,
    tool: 'send_mail',
    group: 'mail',
    audit: () => undefined,
    sleep: async () => undefined,
    now: () => 0,
    signal: controller.signal,
    timeoutMs: 45_000,
    setTimer: (fn, ms) => {
      const timer = { fn, ms, stopped: false };
      timers.push(timer);
      return () => (timer.stopped = true);
    },
  });
  return { api, sent, timers, controller, firstArrived };
}

test('a call Graph never answers ends at its deadline with TIMEOUT saying what to do; the request is aborted', async () => {
  const g = silentGraph();
  const pending = g.api.request({ ...CALL, method: 'POST', path: '/me/sendMail', pathTemplate: '/me/sendMail' });
  await g.firstArrived;
  assert.equal(g.timers.length, 1);
  assert.equal(g.timers[0]!.ms, 45_000);
  g.timers[0]!.fn();
  await assert.rejects(pending, (e: unknown) => {
    assert.ok(e instanceof ToolError && e.code === 'TIMEOUT', String(e));
    assert.match(e.message, /^Microsoft Graph did not answer POST \/me\/sendMail within 45 s/);
    assert.match(e.message, /may or may not have been made: check before trying again/);
    assert.match(e.message, /GRAPH_BRIDGE_HTTP_TIMEOUT_MS \(milliseconds, now 45000\)/);
    return true;
  });
  assert.equal(g.sent[0]!.signal?.aborted, true, 'the HTTP request itself was aborted');
});

test('MCP cancellation aborts the request at once, even one that does not listen (e.g. waiting for a token)', async () => {
  for (const deaf of [false, true]) {
    const g = silentGraph({ deaf });
    const pending = g.api.request(CALL);
    await g.firstArrived;
    g.controller.abort(new Error('notifications/cancelled'));
    await assert.rejects(pending, (e: unknown) => e instanceof ToolError && e.code === 'CANCELLED');
    assert.equal(g.sent[0]!.signal?.aborted, true);
    assert.equal(g.timers[0]!.stopped, true, 'the deadline timer is stopped');
    await assert.rejects(g.api.request(CALL), (e: unknown) => e instanceof ToolError && e.code === 'CANCELLED');
    assert.equal(g.sent.length, 1, 'nothing is sent after the cancellation');
  }
});

test('a throttling wait ends when the call is cancelled; no retry is sent', async () => {
  const sent: TransportRequest[] = [];
  const controller = new AbortController();
  let waiting!: () => void;
  const inSleep = new Promise<void>((resolve) => (waiting = resolve));
  const api = createGraphApi({
    transport: {
      send: (req) => {
        sent.push(req);
        return Promise.resolve(response(429, {}, { 'Retry-After': '20' }));
      },
    },
    graphBaseUrl: BASE,
    tool: 't',
    group: 'profile',
    audit: () => undefined,
    sleep: (_ms, signal) =>
      new Promise((_resolve, reject) => {
        waiting();
        signal?.addEventListener('abort', () => reject(new Error('sleep aborted')));
      }),
    now: () => 0,
    signal: controller.signal,
  });
  const pending = api.request(CALL);
  await inSleep;
  controller.abort();
  await assert.rejects(pending, (e: unknown) => e instanceof ToolError && e.code === 'CANCELLED');
  assert.equal(sent.length, 1);
});

test('a binary download gets ten times the deadline (a 100 MB file over a slow link)', async () => {
  const g = silentGraph();
  const pending = g.api.download({
    ...CALL,
    path: '/me/drive/items/1/content',
    pathTemplate: '/me/drive/items/{id}/content',
  });
  await g.firstArrived;
  assert.equal(g.timers[0]!.ms, 450_000);
  g.timers[0]!.fn();
  await assert.rejects(pending, /within 450 s.*GRAPH_BRIDGE_HTTP_TIMEOUT_MS \(milliseconds, now 45000\)/);
});
