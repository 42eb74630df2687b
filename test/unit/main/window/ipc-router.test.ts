import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createIpcRouter,
  createTrustedSenderCheck,
  type InvokeEventLike,
  type IpcRegistrar,
  type WindowHandlers,
} from '../../../../app/main/window/ipc-router.ts';
import { WINDOW_REQUESTS } from '../../../../app/shared/window-contract.ts';
import { signedIn } from '../status-fixture.ts';

const PAGE = 'file:///opt/graph-bridge/dist/window/index.html';
const WINDOW_ID = 7;

/** A fake ipcMain: records handlers so the test can invoke them like Electron would. */
function fakeIpcMain() {
  const handlers = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => unknown>();
  const registrar: IpcRegistrar = {
    handle: (channel, listener) => {
      assert.ok(!handlers.has(channel), `${channel} registered twice`);
      handlers.set(channel, listener);
    },
    removeHandler: (channel) => handlers.delete(channel),
  };
  return {
    registrar,
    handlers,
    invoke: (channel: string, event: InvokeEventLike, payload?: unknown) => handlers.get(channel)?.(event, payload),
  };
}

function event(overrides: { id?: number; url?: string; parent?: unknown; noFrame?: boolean } = {}): InvokeEventLike {
  return {
    sender: { id: overrides.id ?? WINDOW_ID },
    senderFrame: overrides.noFrame === true ? null : { url: overrides.url ?? PAGE, parent: overrides.parent ?? null },
  };
}

function handlers(calls: unknown[]): WindowHandlers {
  const fail = () => {
    throw new Error('not used in this test');
  };
  const all = Object.fromEntries(Object.keys(WINDOW_REQUESTS).map((c) => [c, fail])) as unknown as WindowHandlers;
  return {
    ...all,
    'status:get': () => {
      // A field outside the contract must never reach the renderer.
      const withSecret = { ...signedIn(), refreshToken: '0.AAAA-secret' };
      return { ok: true, value: withSecret };
    },
    'consent:grant': ({ group }) => {
      calls.push(group);
      return { ok: true, value: ['Mail.Read'] };
    },
    'access:set-paused': () => {
      throw new Error('boom with eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl');
    },
  };
}

function setup() {
  const ipc = fakeIpcMain();
  const calls: unknown[] = [];
  const logs: string[] = [];
  const router = createIpcRouter({
    registrar: ipc.registrar,
    isTrustedSender: createTrustedSenderCheck({ webContentsId: () => WINDOW_ID, pageUrl: PAGE }),
    log: (l) => logs.push(l),
  });
  const dispose = router.register(handlers(calls));
  return { ipc, calls, logs, dispose };
}

test('registers every contract channel once and removes them all on dispose', () => {
  const { ipc, dispose } = setup();
  assert.deepEqual([...ipc.handlers.keys()].sort(), Object.keys(WINDOW_REQUESTS).sort());
  dispose();
  assert.equal(ipc.handlers.size, 0);
});

test('accepts a good request from our window and answers with the contract value', async () => {
  const { ipc, calls } = setup();
  assert.deepEqual(await ipc.invoke('consent:grant', event(), { group: 'mail' }), { ok: true, value: ['Mail.Read'] });
  assert.deepEqual(calls, ['mail']);
});

test('strips fields outside the response schema (no token can leak to the renderer)', async () => {
  const { ipc } = setup();
  const r = (await ipc.invoke('status:get', event(), {})) as { ok: true; value: Record<string, unknown> };
  assert.equal(r.ok, true);
  assert.equal(r.value.refreshToken, undefined);
  assert.equal((r.value.account as { username: string }).username, 'ada@contoso.com');
  assert.ok(!JSON.stringify(r).includes('0.AAAA-secret'));
});

test('rejects a foreign webContents, a subframe, a missing frame and a wrong URL — handler never runs', async () => {
  const { ipc, calls, logs } = setup();
  const foreign = [
    event({ id: 99 }),
    event({ parent: { url: PAGE } }),
    event({ noFrame: true }),
    event({ url: 'https://evil.example/index.html' }),
    event({ url: 'file:///tmp/evil/index.html' }),
    event({ url: 'file:///opt/graph-bridge/dist/window/other.html' }),
  ];
  for (const e of foreign) {
    const r = await ipc.invoke('consent:grant', e, { group: 'mail' });
    assert.deepEqual(r, {
      ok: false,
      error: { code: 'FORBIDDEN_SENDER', message: 'This request did not come from the Graph Bridge window.' },
    });
  }
  assert.deepEqual(calls, []);
  assert.equal(logs.length, foreign.length);
});

test('our page with a hash or query is still our page', async () => {
  const { ipc } = setup();
  const r = await ipc.invoke('consent:grant', event({ url: `${PAGE}?x=1#settings` }), { group: 'mail' });
  assert.equal((r as { ok: boolean }).ok, true);
});

test('no window open: nothing is trusted', async () => {
  const ipc = fakeIpcMain();
  const router = createIpcRouter({
    registrar: ipc.registrar,
    isTrustedSender: createTrustedSenderCheck({ webContentsId: () => undefined, pageUrl: PAGE }),
  });
  router.register(handlers([]));
  const r = (await ipc.invoke('status:get', event(), {})) as { ok: boolean; error?: { code: string } };
  assert.equal(r.error?.code, 'FORBIDDEN_SENDER');
});

test('rejects bad payloads with INVALID_PAYLOAD naming the field', async () => {
  const { ipc, calls } = setup();
  const bad: unknown[] = [{ group: 'nuclear' }, { group: 'mail', extra: 1 }, 'mail', [1], { group: 42 }];
  for (const payload of bad) {
    const r = (await ipc.invoke('consent:grant', event(), payload)) as {
      ok: false;
      error: { code: string; message: string };
    };
    assert.equal(r.ok, false);
    assert.equal(r.error.code, 'INVALID_PAYLOAD', JSON.stringify(payload));
    assert.match(r.error.message, /^Invalid request for consent:grant: /);
  }
  assert.deepEqual(calls, []);
});

test('an unknown channel is refused through dispatch', async () => {
  const ipc = fakeIpcMain();
  const router = createIpcRouter({ registrar: ipc.registrar, isTrustedSender: () => true });
  router.register(handlers([]));
  const r = await router.dispatch(event(), 'shell:exec', { cmd: 'rm -rf /' });
  assert.equal(r.ok === false && r.error.code, 'INVALID_PAYLOAD');
});

test('a throwing handler becomes INTERNAL with a generic message; the log line is redacted', async () => {
  const { ipc, logs } = setup();
  const r = await ipc.invoke('access:set-paused', event(), { paused: true });
  assert.deepEqual(r, {
    ok: false,
    error: { code: 'INTERNAL', message: 'access:set-paused failed unexpectedly; see the Graph Bridge log.' },
  });
  assert.equal(logs.length, 1);
  assert.match(logs[0] ?? '', /\[REDACTED_JWT\]/);
  assert.ok(!(logs[0] ?? '').includes('eyJhbGci'));
});

test('the trusted-sender check refuses to be built for a remote page', () => {
  assert.throws(
    () => createTrustedSenderCheck({ webContentsId: () => 1, pageUrl: 'https://example.com/' }),
    /file:\/\/ or app:\/\//,
  );
});
