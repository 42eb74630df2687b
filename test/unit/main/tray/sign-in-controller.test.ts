import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSignInController } from '../../../../app/main/tray/sign-in-controller.ts';
import type { DeviceCodeOptions, SignInOptions } from '../../../../app/broker/auth/auth-service.ts';
import type { AccountSummary } from '../../../../app/shared/bridge-contract.ts';
import type { Result } from '../../../../app/shared/result.ts';
import { ADA } from '../status-fixture.ts';

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

test('device code: the prompt reaches the window, busy flips on and off, the URL is remembered only meanwhile', async () => {
  const done = deferred<Result<AccountSummary>>();
  const prompts: string[] = [];
  const busy: boolean[] = [];
  const controller = createSignInController({
    broker: {
      signIn: () => Promise.reject(new Error('unused')),
      signInWithDeviceCode: (o: DeviceCodeOptions) => {
        o.onCode({
          userCode: 'ABCD-EFGH',
          verificationUri: 'https://microsoft.com/devicelogin',
          expiresOn: new Date(),
          message: 'Go',
        });
        return done.promise;
      },
    },
    onDeviceCode: (p) => prompts.push(p.userCode),
    onBusyChanged: (b) => busy.push(b),
  });
  const running = controller.signInWithCode();
  assert.equal(controller.busy, true);
  assert.equal(controller.deviceLoginUrl, 'https://microsoft.com/devicelogin');
  done.resolve({ ok: true, value: ADA });
  assert.deepEqual(await running, { ok: true, value: ADA });
  assert.deepEqual(
    [prompts, busy, controller.busy, controller.deviceLoginUrl],
    [['ABCD-EFGH'], [true, false], false, null],
  );
});

test('a new sign-in aborts the one in progress (latest click wins)', async () => {
  const signals: AbortSignal[] = [];
  const first = deferred<Result<AccountSummary>>();
  const controller = createSignInController({
    broker: {
      signIn: (o?: SignInOptions) => {
        if (o?.signal) signals.push(o.signal);
        return signals.length === 1 ? first.promise : Promise.resolve({ ok: true as const, value: ADA });
      },
      signInWithDeviceCode: () => Promise.reject(new Error('unused')),
    },
    onDeviceCode: () => undefined,
    onBusyChanged: () => undefined,
  });
  const a = controller.signIn();
  const b = controller.signIn();
  assert.equal(signals[0]?.aborted, true);
  assert.equal(signals[1]?.aborted, false);
  assert.equal((await b).ok, true);
  first.resolve({ ok: false, error: { code: 'INTERACTION_REQUIRED', message: 'cancelled' } });
  assert.equal((await a).ok, false);
  assert.equal(controller.busy, false);
});

test('a browser that does not open is reported at once; "Sign in with a code…" then aborts the browser flow', async () => {
  const browserFlow = deferred<Result<AccountSummary>>();
  let browserSignal: AbortSignal | undefined;
  const failures: string[] = [];
  const controller = createSignInController({
    broker: {
      signIn: (o?: SignInOptions) => {
        browserSignal = o?.signal;
        o?.onBrowser?.({ kind: 'url', url: 'https://login.example/authorize?x=1' });
        o?.onBrowser?.({
          kind: 'browser-failed',
          url: 'https://login.example/authorize?x=1',
          reason: 'xdg-open exited with 3',
        });
        return browserFlow.promise;
      },
      signInWithDeviceCode: () => Promise.resolve({ ok: true as const, value: ADA }),
    },
    onDeviceCode: () => undefined,
    onBrowserFailed: (reason) => failures.push(reason),
    onBusyChanged: () => undefined,
  });
  const browser = controller.signIn();
  assert.deepEqual(failures, ['xdg-open exited with 3'], 'only the failure is reported, with its reason');
  assert.equal(controller.busy, true, 'the browser flow still waits (the user may open the URL another way)');
  const code = await controller.signInWithCode();
  assert.equal(code.ok, true);
  assert.equal(browserSignal?.aborted, true, 'the code sign-in replaced the browser flow');
  browserFlow.resolve({ ok: false, error: { code: 'INTERACTION_REQUIRED', message: 'cancelled' } });
  assert.equal((await browser).ok, false);
});
