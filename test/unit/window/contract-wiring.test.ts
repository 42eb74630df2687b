/**
 * Nothing in the window contract is half-wired: every request and event channel has a sender in the
 * preload's StatusApi (app/preload/api.ts), every StatusApi function is called by the window
 * (app/window), and every external-link target is one the window opens. (That every channel has a
 * handler in main is a type: `WindowHandlers` maps every channel; ipc-router.test.ts registers them.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStatusApi } from '../../../app/preload/api.ts';
import {
  EXTERNAL_TARGETS,
  WINDOW_EVENTS,
  WINDOW_REQUESTS,
  type WindowInvoke,
  type WindowSubscribe,
} from '../../../app/shared/window-contract.ts';
import { windowSources } from './window-sources.ts';

const windowSource = windowSources()
  .map((s) => s.text)
  .join('\n');

/** The StatusApi over recording primitives, with every function called once. */
function callEveryApiFunction() {
  const invoked = new Set<string>();
  const subscribed = new Set<string>();
  const invoke = ((channel: string) => {
    invoked.add(channel);
    return Promise.resolve({ ok: true, value: null });
  }) as WindowInvoke;
  const subscribe = ((channel: string) => {
    subscribed.add(channel);
    return () => undefined;
  }) as WindowSubscribe;
  const api = createStatusApi(invoke, subscribe);
  for (const fn of Object.values(api)) (fn as (...args: unknown[]) => unknown)(() => undefined, 'deny');
  return { api, invoked, subscribed };
}

test('every request and event channel of the contract has a sender in the StatusApi, and no other', () => {
  const { invoked, subscribed } = callEveryApiFunction();
  assert.deepEqual([...invoked].sort(), Object.keys(WINDOW_REQUESTS).sort());
  assert.deepEqual([...subscribed].sort(), Object.keys(WINDOW_EVENTS).sort());
});

test('the window calls every StatusApi function', () => {
  const { api } = callEveryApiFunction();
  const unused = Object.keys(api).filter((name) => !new RegExp(`\\bapi\\.${name}\\(`).test(windowSource));
  assert.deepEqual(unused, []);
});

test('the window opens every external-link target main builds', () => {
  const unused = EXTERNAL_TARGETS.filter((target) => !windowSource.includes(`openExternal('${target}')`));
  assert.deepEqual(unused, []);
});
