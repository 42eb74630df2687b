/**
 * The emulator's fault controls for the bridge's traffic tests: `redirect` (to the redirect target's
 * other https origin or its plain-http listener, which record every Authorization header) and
 * `hold` (no answer until the client closes the connection or the control plane releases it), over
 * real HTTPS and through the HTTP control plane.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { request } from 'node:https';
import { after, before, beforeEach, test } from 'node:test';
import { createControlClient, emulatorRequest, type ControlClient } from '../helpers/emulator-control.ts';
import { startEmulator, type RunningEmulator } from '../helpers/emulator.ts';
import { waitFor } from '../helpers/wait-for.ts';

let emulator: RunningEmulator;
let control: ControlClient;

before(async () => {
  emulator = await startEmulator();
  control = createControlClient({
    entraOrigin: emulator.entraOrigin,
    controlKey: emulator.controlKey,
    caPem: emulator.caPem,
  });
});
beforeEach(() => emulator.control.reset());
after(() => emulator?.close());

function get(url: string, headers: Record<string, string> = {}) {
  return url.startsWith('http:')
    ? new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = httpRequest(url, { headers }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        });
        req.on('error', reject);
        req.end();
      })
    : emulatorRequest(emulator.caPem, url, { headers });
}

test('redirect faults point at the redirect target, which records each request with its Authorization', async () => {
  await control.addFault({ host: 'graph', pathPattern: '/content$', always: true, redirect: { to: 'other-origin' } });
  emulator.control.addFault({ host: 'api', count: 1, redirect: { to: 'http', status: 307 } });
  const first = await emulatorRequest(emulator.caPem, `${emulator.graphOrigin}/v1.0/me/drive/items/x/content?a=1`);
  assert.equal(first.status, 302);
  assert.equal(first.headers.location, `${emulator.redirectTarget.httpsOrigin}/v1.0/me/drive/items/x/content?a=1`);
  const api = await emulatorRequest(emulator.caPem, `${emulator.apiOrigin}/api/orders`);
  assert.equal(api.status, 307);
  assert.equal(api.headers.location, `${emulator.redirectTarget.httpOrigin}/api/orders`);

  const followed = await get(first.headers.location ?? '', { authorization: 'Bearer leaked' });
  assert.equal(followed.status, 200);
  assert.match(followed.text, /emulator redirect target/);
  await get(api.headers.location ?? '');
  assert.deepEqual(
    ((await control.redirectTargetRequests()) as { scheme: string; path: string; authorization?: string }[]).map(
      (r) => [r.scheme, r.path, r.authorization ?? null],
    ),
    [
      ['https', '/v1.0/me/drive/items/x/content', 'Bearer leaked'],
      ['http', '/api/orders', null],
    ],
  );
  emulator.control.reset();
  assert.deepEqual(emulator.control.redirectTargetRequests(), [], 'reset clears the log');
});

test('hold: no answer until released (then the normal answer), or until the client closes (logged)', async () => {
  emulator.control.addFault({ host: 'graph', method: 'GET', pathPattern: '^/v1\\.0/me$', count: 2, hold: true });
  const pending = emulatorRequest(emulator.caPem, `${emulator.graphOrigin}/v1.0/me`);
  await waitFor(() => emulator.control.requests().find((e) => e.path === '/v1.0/me'), 'the held request');
  assert.deepEqual(await control.releaseHeld(), { released: 1 });
  assert.equal((await pending).status, 401, 'released, it gets the normal answer (no token → 401)');

  const req = request(`${emulator.graphOrigin}/v1.0/me`, { ca: emulator.caPem, agent: false });
  req.on('error', () => undefined);
  req.end();
  const held = await waitFor(
    () => emulator.control.requests().filter((e) => e.path === '/v1.0/me')[1],
    'the second held request',
  );
  req.destroy();
  await waitFor(
    () => emulator.control.requests().find((e) => e.seq === held.seq)?.closedByClient === true,
    'closedByClient on the log entry',
  );
  assert.equal(emulator.control.releaseHeld(), 0, 'a closed request is no longer held');
});
