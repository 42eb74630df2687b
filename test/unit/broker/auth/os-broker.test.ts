import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClientAuthError, InteractionRequiredAuthError, type INativeBrokerPlugin } from '@azure/msal-node';
import { isBrokerUnavailableError, selectOsBroker, withBrokerFallback } from '../../../../app/broker/auth/os-broker.ts';

function fakePlugin(available: boolean): INativeBrokerPlugin {
  return { isBrokerAvailable: available } as unknown as INativeBrokerPlugin;
}

void test('the OS broker is used only when enabled and available', () => {
  assert.equal(selectOsBroker(false, () => fakePlugin(true)).plugin, null);
  assert.equal(selectOsBroker(true, () => fakePlugin(false)).plugin, null);
  assert.match(selectOsBroker(true, () => fakePlugin(false)).detail, /No OS broker/);
  const failing = selectOsBroker(true, () => {
    throw new Error('msal-node-runtime missing');
  });
  assert.equal(failing.plugin, null);
  assert.match(failing.detail, /msal-node-runtime missing/);
  assert.notEqual(selectOsBroker(true, () => fakePlugin(true)).plugin, null);
});

void test('on this Linux machine the real NativeBrokerPlugin reports no broker', () => {
  assert.equal(selectOsBroker(true).plugin, null);
});

void test('a broker-unavailable failure falls back to the browser flow', async () => {
  const unavailable = Object.assign(new ClientAuthError('platform_broker_error', 'c'), {
    platformBrokerError: { errorStatus: 'ApiContractViolation' },
  });
  assert.equal(isBrokerUnavailableError(unavailable), true);
  const fallbacks: unknown[] = [];
  const r = await withBrokerFallback(
    () => Promise.reject(unavailable),
    () => Promise.resolve('browser'),
    (e) => fallbacks.push(e),
  );
  assert.equal(r, 'browser');
  assert.deepEqual(fallbacks, [unavailable]);
});

void test('other osBrokered failures (user said no, consent) are NOT retried in the browser', async () => {
  const consent = new InteractionRequiredAuthError('interaction_required', 'c', 'consent');
  let browserCalls = 0;
  await assert.rejects(
    withBrokerFallback(
      () => Promise.reject(consent),
      () => {
        browserCalls++;
        return Promise.resolve('browser');
      },
      () => undefined,
    ),
    (e) => e === consent,
  );
  assert.equal(browserCalls, 0);
  assert.equal(
    await withBrokerFallback(
      null,
      () => Promise.resolve('browser'),
      () => undefined,
    ),
    'browser',
  );
});
