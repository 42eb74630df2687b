/**
 * Runs INSIDE the Chromium page before window.js (bundled by status-harness.ts, added as an init
 * script). It plays the preload's role: builds the real StatusApi (app/preload/api.ts) over a
 * Playwright binding (`__gbInvoke` → the app's ipc router in the test process) and an event registry
 * the harness feeds through `__gbEmit`.
 */
import { createStatusApi, STATUS_API_KEY } from '../../app/preload/api.ts';
import type { WindowInvoke, WindowSubscribe } from '../../app/shared/window-contract.ts';

interface HarnessWindow {
  __gbInvoke(channel: string, payload: unknown): Promise<unknown>;
  __gbEmit(channel: string, payload: unknown): void;
  [STATUS_API_KEY]: unknown;
}

const w = globalThis as unknown as HarnessWindow;
const listeners = new Map<string, Set<(payload: unknown) => void>>();

const invoke: WindowInvoke = async (channel, request) => (await w.__gbInvoke(channel, request)) as never;

const subscribe: WindowSubscribe = (channel, listener) => {
  const set = listeners.get(channel) ?? new Set();
  listeners.set(channel, set);
  const wrapped = (payload: unknown) => listener(payload as never);
  set.add(wrapped);
  return () => set.delete(wrapped);
};

w.__gbEmit = (channel, payload) => {
  for (const l of listeners.get(channel) ?? []) l(payload);
};
w[STATUS_API_KEY] = Object.freeze(createStatusApi(invoke, subscribe));
