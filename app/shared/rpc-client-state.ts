/**
 * The state of one RPC client connection (rpc-client.ts) and what changes it without parsing a frame:
 * sending a request (with its deadline and abort signal) and shutting down (every request in flight
 * rejects with ConnectionClosedError). Zod-free.
 */
import type { Duplex } from 'node:stream';
import { ConnectionClosedError, RequestTimeoutError } from './rpc-errors.ts';
import type { SetTimer } from './timers.ts';

export interface CallOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** One request in flight; settling it also clears its deadline and abort listener. */
export interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export interface ClientState {
  readonly stream: Duplex;
  readonly setTimer: SetTimer;
  readonly pending: Map<number, Pending>;
  readonly notify: ((method: string, params: unknown) => void)[];
  readonly closeListeners: (() => void)[];
  /** Resolves once the connection is closed. */
  readonly closed: Promise<void>;
  resolveClosed(): void;
  nextId: number;
  isClosed: boolean;
}

export function createClientState(stream: Duplex, setTimer: SetTimer): ClientState {
  let resolveClosed = (): void => undefined;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  return {
    stream,
    setTimer,
    pending: new Map(),
    notify: [],
    closeListeners: [],
    closed,
    resolveClosed,
    nextId: 1,
    isClosed: false,
  };
}

/** Closes the connection once: every request in flight rejects with `reason`, then close listeners run. */
export function shutdown(state: ClientState, reason: string): void {
  if (state.isClosed) return;
  state.isClosed = true;
  state.stream.destroy();
  for (const p of [...state.pending.values()]) p.reject(new ConnectionClosedError(reason));
  state.pending.clear();
  state.resolveClosed();
  for (const l of state.closeListeners) l();
}

/** Sends one request; settles with its answer, its deadline, its abort signal or the connection closing. */
export function sendRequest(
  state: ClientState,
  { method, params }: { method: string; params: unknown },
  { timeoutMs, signal }: CallOptions,
): Promise<unknown> {
  if (signal?.aborted) return Promise.reject(signal.reason as Error);
  if (state.isClosed) return Promise.reject(new ConnectionClosedError('not connected to the broker'));
  const id = state.nextId++;
  return new Promise<unknown>((resolve, reject) => {
    let done = false;
    let timer: { clear(): void } | undefined;
    const finish = (settle: () => void): void => {
      if (done) return;
      done = true;
      state.pending.delete(id);
      timer?.clear();
      signal?.removeEventListener('abort', onAbort);
      settle();
    };
    const onAbort = (): void => finish(() => reject(signal?.reason as Error));
    if (timeoutMs !== undefined) {
      timer = state.setTimer(() => finish(() => reject(new RequestTimeoutError(method, timeoutMs))), timeoutMs);
    }
    state.pending.set(id, {
      resolve: (value) => finish(() => resolve(value)),
      reject: (error) => finish(() => reject(error)),
    });
    signal?.addEventListener('abort', onAbort, { once: true });
    state.stream.write(
      `${JSON.stringify({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) })}\n`,
    );
  });
}
