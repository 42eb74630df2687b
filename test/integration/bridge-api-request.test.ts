/**
 * api_request end to end against a REAL Entra-protected API: the emulator's "Contoso Orders API"
 * (its own HTTPS origin; validates the bearer's signature, aud, issuer, expiry and scp). A real MCP
 * Client spawns the bridge over stdio; a REAL broker (real MSAL, real keychain under
 * `node test/run.mjs integration`) is signed in to the emulator and configured with
 * `api: {baseUrl, scope}`; the emulator's API request log proves what arrived.
 *
 * Consent: the API scope starts ungranted, so the first call is CONSENT_REQUIRED; the test then
 * presses the broker's Grant (broker.grantConsent), which opens the system browser — `xdg-open`, the
 * OS edge, is replaced on PATH by a script that hands the URL to this test — and a real headless
 * Chromium signs in and accepts the emulator's consent page, which lists the API scope.
 */
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { JWT_PATTERN, startTestBroker, type TestBroker, decidePendingWrite } from '../helpers/broker.ts';
import { launchChromium } from '../helpers/browser.ts';
import { emulatorRequest } from '../helpers/emulator-control.ts';
import { startEmulator, type RunningEmulator } from '../helpers/emulator.ts';
import { resultText, startBridgeClient, type BridgeClient } from '../helpers/mcp-client.ts';
import type { ServedApi } from '../emulator/index.ts';

let emulator: RunningEmulator;
let api: ServedApi;
let broker: TestBroker;
let bridge: BridgeClient;
let work: string;
let openedFile: string;
const savedPath = process.env.PATH;

type ApiResult = { status: number; contentType: string; body: string; truncated: boolean };
type Order = { id: string; item: string; quantity: number; status: string; createdBy: string };

function ok(r: CallToolResult): ApiResult {
  assert.notEqual(r.isError, true, resultText(r));
  return r.structuredContent as ApiResult;
}

function lastSeq(): number {
  return emulator.requestLog().at(-1)?.seq ?? 0;
}

function adele() {
  const user = emulator.users.find((u) => u.upn.startsWith('adele@'));
  assert.ok(user);
  return user;
}

/** The URLs the broker asked the OS to open (one line each, written by the fake xdg-open). */
async function openedUrls(): Promise<string[]> {
  const text = await readFile(openedFile, 'utf8').catch(() => '');
  return text.split('\n').filter((l) => l !== '');
}

async function nextOpenedUrl(already: number, pending: Promise<unknown>): Promise<string> {
  let done = false;
  void pending.then(() => (done = true));
  for (let i = 0; i < 600; i++) {
    const urls = await openedUrls();
    if (urls.length > already) return urls[already] ?? '';
    if (done) throw new Error(`finished without opening a browser: ${JSON.stringify(await pending)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the broker never opened a browser');
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'gb-api-request-'));
  // The OS browser launcher (platform/open-browser.ts runs `xdg-open <url>` on Linux) → a script
  // that hands the URL to this test, which drives a real Chromium with it.
  const bin = join(work, 'bin');
  openedFile = join(work, 'opened-urls');
  await mkdir(bin);
  await writeFile(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$1" >> '${openedFile}'\n`);
  await chmod(join(bin, 'xdg-open'), 0o755);
  process.env.PATH = `${bin}${delimiter}${savedPath ?? ''}`;

  emulator = await startEmulator();
  assert.ok(emulator.api, 'the emulator serves its demo API');
  api = emulator.api;
  broker = await startTestBroker({
    emulator,
    writes: 'allow',
    writeTools: { api_request: 'ask' },
    toolGroups: ['profile', 'api'],
    settings: { api: { baseUrl: api.baseUrl, scope: api.scope } },
  });
  bridge = await startBridgeClient({
    home: broker.home,
    caPath: emulator.caPath,
    clientName: 'api-request-it',
    args: ['--tools', 'profile,api'],
  });
});

after(async () => {
  process.env.PATH = savedPath;
  await bridge?.close();
  await broker?.stop();
  await emulator?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

void describe('api_request against the emulator’s protected API', () => {
  void test('missing consent → CONSENT_REQUIRED naming the API scope; after Grant in the browser, GET returns the API’s data', async () => {
    const user = adele();
    assert.equal(
      (emulator.control.grants(user.oid)[emulator.clientId] ?? []).includes(api.scope),
      false,
      'the API scope starts ungranted',
    );
    const since = lastSeq();
    const denied = await bridge.call('api_request', { path: '/orders' });
    assert.equal(denied.isError, true, resultText(denied));
    assert.match(resultText(denied), /needs permissions that have not been granted yet/);
    assert.ok(resultText(denied).includes(api.scope), resultText(denied));
    assert.match(resultText(denied), /Grant/);
    assert.deepEqual(emulator.apiRequestLog(since), [], 'nothing reached the API');
    const refusals = emulator
      .requestLog(since)
      .filter((e) => e.host === 'entra' && e.path.endsWith('/oauth2/v2.0/token'));
    assert.ok(
      refusals.some((e) => e.status === 400 && (e.form?.scope ?? '').split(' ').includes(api.scope)),
      'the broker asked Entra for a token of the API scope alone and was refused',
    );
    assert.ok(
      refusals.every((e) => !(e.form?.scope ?? '').split(' ').some((s) => /^[A-Z]\w+\.\w+/.test(s))),
      'never mixed with Graph scopes',
    );
    const pending = broker.broker.status().pendingConsent.find((c) => c.scopes.includes(api.scope));
    assert.ok(pending, JSON.stringify(broker.broker.status().pendingConsent));

    // The status window's Grant button: the broker opens the browser for the missing scopes.
    const already = (await openedUrls()).length;
    const granting = broker.broker.grantConsent({ scopes: pending.scopes });
    const url = await nextOpenedUrl(already, granting);
    assert.equal(new URL(url).origin, emulator.entraOrigin);
    assert.deepEqual(
      (new URL(url).searchParams.get('scope') ?? '').split(' ').filter((s) => s.includes('/')),
      [api.scope],
    );
    const browser = await launchChromium(emulator.leafSpkiSha256);
    let consentScopes: (string | null)[];
    let finalText: string;
    try {
      const page = await (await browser.newContext({ ignoreHTTPSErrors: false })).newPage();
      await page.goto(url, { waitUntil: 'load' });
      await page.fill('#i0118', user.password);
      await page.fill('#i0116', user.upn);
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#idSIButton9')]);
      consentScopes = await Promise.all(
        (await page.locator('#scopes li').all()).map((li) => li.getAttribute('data-scope')),
      );
      await Promise.all([
        page.waitForURL((u) => u.protocol === 'http:' && u.hostname === 'localhost', { waitUntil: 'load' }),
        page.click('#idSIButton9'),
      ]);
      finalText = await page.locator('body').innerText();
    } finally {
      await browser.close();
    }
    assert.deepEqual(consentScopes, [api.scope], 'the consent page asks for the API scope only');
    assert.match(finalText, /signed in|close this/i);
    const granted = await granting;
    assert.ok(granted.ok, JSON.stringify(granted));
    assert.ok(granted.value.includes(api.scope));
    assert.ok(emulator.control.grants(user.oid)[emulator.clientId]?.includes(api.scope));
    assert.equal(
      broker.broker.status().pendingConsent.some((c) => c.scopes.includes(api.scope)),
      false,
      'the pending consent is resolved',
    );

    const afterGrant = lastSeq();
    const r = await bridge.call('api_request', { path: '/orders?status=open' });
    const out = ok(r);
    assert.equal(out.status, 200);
    assert.match(out.contentType, /application\/json/);
    assert.doesNotMatch(resultText(r), JWT_PATTERN, 'no token in the tool output');
    const arrived = emulator.apiRequestLog(afterGrant);
    assert.equal(arrived.length, 1, JSON.stringify(arrived.map((e) => `${e.method} ${e.path}`)));
    const get = arrived[0];
    assert.ok(get);
    assert.equal(get.method, 'GET');
    assert.equal(get.path, '/api/orders');
    assert.deepEqual(get.query, { status: 'open' });
    assert.equal(get.status, 200);
    const verdict = emulator.verifyApiToken(get.headers.authorization);
    assert.ok(verdict.ok, JSON.stringify(verdict));
    assert.equal(verdict.claims.aud, api.clientId, 'v2 token: aud = the API client id');
    assert.equal(verdict.claims.scp, 'access_as_user');
    assert.equal(verdict.claims.preferred_username, user.upn);
    assert.equal(verdict.claims.azp, emulator.clientId);
    assert.equal(emulator.verifyAccessToken(get.headers.authorization).ok, false, 'not a Graph token');

    // The tool returned exactly what the API serves to that token.
    const direct = await emulatorRequest(emulator.caPem, `${api.baseUrl}/orders?status=open`, {
      headers: { authorization: get.headers.authorization ?? '' },
    });
    assert.equal(direct.status, 200);
    const served = JSON.parse(direct.text) as { value: Order[]; count: number };
    const returned = JSON.parse(out.body) as { value: Order[]; count: number };
    assert.deepEqual(returned, served);
    assert.ok(returned.count > 0 && returned.value.every((o) => o.status === 'open'));
  });

  void test('a denied POST never reaches the API; an approved one arrives with its body', async () => {
    const order = { item: 'Bridge IT widget', quantity: 3, note: 'from the integration test' };
    const since = lastSeq();
    const deniedCall = bridge.call('api_request', { method: 'POST', path: '/orders', body: order });
    const asked = await decidePendingWrite(broker.broker, 'api_request', 'deny', deniedCall);
    assert.match(asked.summary, /^Your API: POST /);
    assert.equal(asked.details.Method, 'POST');
    assert.equal(asked.details.URL, `${api.baseUrl}/orders`);
    assert.match(asked.details.Body ?? '', /Bridge IT widget/);
    const denied = await deniedCall;
    assert.equal(denied.isError, true);
    assert.match(resultText(denied), /did not approve/);
    assert.deepEqual(emulator.apiRequestLog(since), [], 'the denied POST never reached the API');

    const approvedCall = bridge.call('api_request', { method: 'POST', path: '/orders', body: order });
    await decidePendingWrite(broker.broker, 'api_request', 'allow-once', approvedCall);
    const out = ok(await approvedCall);
    assert.equal(out.status, 201);
    const created = JSON.parse(out.body) as Order;
    assert.equal(created.item, order.item);
    assert.equal(created.createdBy, adele().upn);
    const arrived = emulator.apiRequestLog(since);
    assert.deepEqual(
      arrived.map((e) => `${e.method} ${e.path} ${e.status}`),
      ['POST /api/orders 201'],
    );
    assert.deepEqual(arrived[0]?.body, order);
    assert.match(arrived[0]?.headers['content-type'] ?? '', /application\/json/);

    const fetched = ok(await bridge.call('api_request', { path: `/orders/${created.id}` }));
    assert.deepEqual(JSON.parse(fetched.body), created);
  });

  void test('paths outside the configured base URL are refused before anything is sent', async () => {
    const since = lastSeq();
    const outside = [
      '../me',
      '/orders/../../me',
      '/%2e%2e/me',
      `${emulator.graphOrigin}/v1.0/me`,
      '//evil.example/api/orders',
      'https://evil.example/api/orders',
    ];
    for (const path of outside) {
      const r = await bridge.call('api_request', { path });
      assert.equal(r.isError, true, `${path}: ${resultText(r)}`);
      assert.match(resultText(r), /relative|"\."|\.\./, path);
    }
    assert.deepEqual(
      emulator.requestLog(since).map((e) => `${e.host} ${e.method} ${e.path}`),
      [],
      'no request to the API, Graph or Entra',
    );
  });

  void test('a first segment with a colon stays a path under the base URL (not a URL scheme)', async () => {
    const since = lastSeq();
    const r = await bridge.call('api_request', { path: '/orders:search' });
    assert.match(resultText(r), /The API answered 404 to GET \/orders:search/);
    assert.deepEqual(
      emulator.apiRequestLog(since).map((e) => `${e.method} ${e.path} ${e.status}`),
      ['GET /api/orders:search 404'],
    );
  });

  void test('an API error status comes back as API_ERROR with the API’s message', async () => {
    const since = lastSeq();
    const r = await bridge.call('api_request', { path: '/orders/ORD-0' });
    assert.equal(r.isError, true);
    assert.match(resultText(r), /The API answered 404 to GET \/orders\/ORD-0/);
    assert.match(resultText(r), /No order with id ORD-0/);
    assert.deepEqual(
      emulator.apiRequestLog(since).map((e) => `${e.method} ${e.path} ${e.status}`),
      ['GET /api/orders/ORD-0 404'],
    );
  });
});
