/**
 * runInteractive (browser sign-in) against a fake MSAL that behaves like msal-node's
 * acquireTokenInteractive: a real loopback HTTP listener on 127.0.0.1, `openBrowser(authorizeUrl)`,
 * wait for a form_post, close the listener in `finally`. Timers are injected: no test waits on time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AuthenticationResult, InteractiveRequest } from '@azure/msal-node';
import type { BrowserEvent } from '../../../../app/broker/auth/auth-service.ts';
import {
  BrowserNotOpenedError,
  runInteractive,
  SignInAbortedError,
  SignInTimeoutError,
  type InteractiveTimers,
} from '../../../../app/broker/auth/interactive.ts';
import type { MsalClient } from '../../../../app/broker/auth/msal-client.ts';

interface Loopback {
  server: Server;
  closed: Promise<void>;
  posts: string[];
}

/** msal-node's acquireTokenInteractive in miniature (LoopbackClient + PublicClientApplication). */
function fakeMsal(onListening: (l: Loopback) => void = () => undefined): MsalClient {
  const unexpected = () => Promise.reject(new Error('unexpected'));
  return {
    acquireTokenSilent: unexpected,
    acquireTokenByDeviceCode: unexpected,
    getAllAccounts: () => Promise.resolve([]),
    signOut: () => Promise.resolve(),
    cachedScopes: () => Promise.resolve([]),
    async acquireTokenInteractive(request: InteractiveRequest): Promise<AuthenticationResult> {
      const posts: string[] = [];
      let answer: (body: string) => void = () => undefined;
      const answered = new Promise<string>((resolve) => (answer = resolve));
      const server = createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          posts.push(body);
          res.end('ok');
          answer(body);
        });
      });
      const closed = new Promise<void>((resolve) => server.once('close', () => resolve()));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      onListening({ server, closed, posts });
      try {
        const port = (server.address() as AddressInfo).port;
        const redirect = encodeURIComponent(`http://localhost:${port}`);
        await request.openBrowser(`https://login.example/authorize?redirect_uri=${redirect}&state=st-1&client_id=c`);
        const form = new URLSearchParams(await answered);
        throw Object.assign(new Error(form.get('error') ?? 'no code'), { errorCode: form.get('error') });
      } finally {
        server.close();
        server.closeAllConnections();
      }
    },
  };
}

/** Timers whose callbacks the test fires. */
function manualTimers(): InteractiveTimers & { fire(): void; pending(): number } {
  const callbacks = new Map<number, () => void>();
  let next = 0;
  return {
    setTimeout(callback) {
      callbacks.set(++next, callback);
      return next;
    },
    clearTimeout(handle) {
      callbacks.delete(handle as number);
    },
    fire() {
      for (const [id, cb] of [...callbacks]) {
        callbacks.delete(id);
        cb();
      }
    },
    pending: () => callbacks.size,
  };
}

const request = { scopes: ['User.Read'] };

void test('the URL is handed out first; a browser that fails to open is reported and the sign-in keeps waiting', async () => {
  let loopback: Loopback | undefined;
  const events: BrowserEvent[] = [];
  const timers = manualTimers();
  const controller = new AbortController();
  const pending = runInteractive({
    client: fakeMsal((l) => (loopback = l)),
    request,
    openBrowser: () => Promise.reject(new Error('Could not open a browser (xdg-open exited with code 3).')),
    signal: controller.signal,
    timeoutMs: 60_000,
    timers,
    onBrowser: (e) => {
      events.push(e);
      if (e.kind === 'browser-failed') controller.abort(); // the flow must still be waiting here
    },
  });
  await assert.rejects(pending, SignInAbortedError);
  assert.deepEqual(
    events.map((e) => e.kind),
    ['url', 'browser-failed'],
  );
  assert.match(events[0]?.url ?? '', /^https:\/\/login\.example\/authorize\?redirect_uri=/);
  assert.equal(
    events[1]?.kind === 'browser-failed' && events[1].reason,
    'Could not open a browser (xdg-open exited with code 3).',
  );
  assert.equal(timers.pending(), 0, 'the time limit is cleared');
  await loopback?.closed;
  assert.match(loopback?.posts[0] ?? '', /error=access_denied/, 'cancelled through the loopback');
  assert.match(loopback?.posts[0] ?? '', /state=st-1/);
});

void test('nobody finishes: after the time limit the call rejects and the loopback listener is closed', async () => {
  let loopback: Loopback | undefined;
  const timers = manualTimers();
  let markOpened: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (markOpened = resolve));
  const pending = runInteractive({
    client: fakeMsal((l) => (loopback = l)),
    request,
    openBrowser: () => (markOpened(), Promise.resolve()),
    timeoutMs: 1234,
    timers,
  });
  await opened;
  assert.equal(loopback?.server.listening, true);
  timers.fire();
  await assert.rejects(pending, (err: unknown) => err instanceof SignInTimeoutError && err.timeoutMs === 1234);
  await loopback?.closed;
  assert.equal(loopback?.server.listening, false);
});

void test('stopped before MSAL asks to open the browser: the callback throws, MSAL closes its listener, no URL', async () => {
  let loopback: Loopback | undefined;
  const controller = new AbortController();
  const events: BrowserEvent[] = [];
  const pending = runInteractive({
    // Abort while MSAL is still preparing (listening, before openBrowser).
    client: fakeMsal((l) => {
      loopback = l;
      controller.abort();
    }),
    request,
    openBrowser: () => assert.fail('the browser must not open'),
    signal: controller.signal,
    timeoutMs: 60_000,
    timers: manualTimers(),
    onBrowser: (e) => events.push(e),
  });
  await assert.rejects(pending, SignInAbortedError);
  await loopback?.closed;
  assert.deepEqual(events, []);
  assert.deepEqual(loopback?.posts, []);
});

void test('an already aborted signal never starts MSAL', async () => {
  let started = false;
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(
    runInteractive({
      client: fakeMsal(() => (started = true)),
      request,
      openBrowser: () => Promise.resolve(),
      signal: controller.signal,
      timeoutMs: 1,
      timers: manualTimers(),
    }),
    SignInAbortedError,
  );
  assert.equal(started, false);
});

void test('a failed launch with nobody to hand the URL to (no onBrowser) fails at once and closes the listener', async () => {
  let loopback: Loopback | undefined;
  const timers = manualTimers();
  await assert.rejects(
    runInteractive({
      client: fakeMsal((l) => (loopback = l)),
      request,
      openBrowser: () => Promise.reject(new Error('Could not open a browser (xdg-open exited with code 3).')),
      timeoutMs: 60_000,
      timers,
    }),
    (err: unknown) =>
      err instanceof BrowserNotOpenedError && err.message === 'Could not open a browser (xdg-open exited with code 3).',
  );
  await loopback?.closed;
  assert.equal(timers.pending(), 0);
});
