/**
 * The one newline-delimited JSON-RPC 2.0 client for the broker's sockets (Unix socket / named pipe):
 * the bridge's broker connection, the CLI's admin channel, tests and benchmarks.
 *
 * Frames are split by FrameDecoder (a byte cap, MAX_FRAME_BYTES by default) and parsed with
 * rpcResponseSchema; a malformed or oversized frame closes the connection (the peer is then treated as
 * gone: the bridge's next call reconnects). A JSON-RPC `error` answer rejects its request with
 * RpcProtocolError (one without a known id — the broker refusing the connection itself — rejects every
 * request in flight). Frames with a `method` and no `id` are notifications for `onNotification`.
 * Every request may carry a deadline (RequestTimeoutError; the connection stays open and a late answer
 * is dropped) and an AbortSignal (rejects with the signal's reason).
 */
import { createConnection } from 'node:net';
import type { Duplex } from 'node:stream';
import { rpcResponseSchema, type RpcResponse } from './bridge-contract.ts';
import { MAX_FRAME_BYTES } from './constants.ts';
import { FrameDecoder } from './framing.ts';
import { unrefTimer, type SetTimer } from './timers.ts';

/** The connection is closed (by either side, or it failed); `message` says why. */
export class ConnectionClosedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectionClosedError';
  }
}

/** A JSON-RPC `error` answer (the protocol channel): the peer rejected the frame itself. */
export class RpcProtocolError extends Error {
  constructor(
    readonly rpcCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'RpcProtocolError';
  }
}

/** The peer did not answer a request within its deadline. */
export class RequestTimeoutError extends Error {
  constructor(
    readonly method: string,
    readonly timeoutMs: number,
  ) {
    super(`the broker did not answer ${method} within ${timeoutMs} ms`);
    this.name = 'RequestTimeoutError';
  }
}

export interface CallOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface RpcClient {
  /** Sends a request; resolves with the raw `result` (still to be parsed by the caller with its schema). */
  call(method: string, params?: unknown, options?: CallOptions): Promise<unknown>;
  onNotification(listener: (method: string, params: unknown) => void): void;
  onClose(listener: () => void): void;
  readonly isClosed: boolean;
  /** Resolves once the connection is closed (by the peer, a failure, or close()). */
  readonly closed: Promise<void>;
  close(): void;
}

/** One request in flight; settling it also clears its deadline and abort listener. */
interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

function isNotification(json: unknown): json is { method: string; params?: unknown } {
  return (
    typeof json === 'object' && json !== null && !('id' in json) && 'method' in json && typeof json.method === 'string'
  );
}

export interface RpcClientOptions {
  maxFrameBytes?: number;
  /** Request deadlines (default: unref-ed setTimeout, so a pending deadline never keeps the process up). */
  setTimer?: SetTimer;
}

export function createRpcClient(stream: Duplex, options: RpcClientOptions = {}): RpcClient {
  const setTimer = options.setTimer ?? unrefTimer;
  const pending = new Map<number, Pending>();
  const notify: ((method: string, params: unknown) => void)[] = [];
  const closeListeners: (() => void)[] = [];
  const decoder = new FrameDecoder(options.maxFrameBytes ?? MAX_FRAME_BYTES);
  let nextId = 1;
  let isClosed = false;
  let resolveClosed = (): void => undefined;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));

  const shutdown = (reason: string): void => {
    if (isClosed) return;
    isClosed = true;
    stream.destroy();
    for (const p of [...pending.values()]) p.reject(new ConnectionClosedError(reason));
    pending.clear();
    resolveClosed();
    for (const l of closeListeners) l();
  };

  /** Handles one frame; false when it closed the connection. */
  const onFrame = (line: string): boolean => {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      shutdown('the broker sent a malformed frame');
      return false;
    }
    if (isNotification(json)) {
      for (const l of notify) l(json.method, json.params);
      return true;
    }
    const parsed = rpcResponseSchema.safeParse(json);
    if (!parsed.success) {
      shutdown('the broker sent a malformed frame');
      return false;
    }
    const response: RpcResponse = parsed.data;
    const target = typeof response.id === 'number' ? pending.get(response.id) : undefined;
    if ('error' in response) {
      const error = new RpcProtocolError(response.error.code, response.error.message);
      if (target !== undefined) target.reject(error);
      else for (const p of [...pending.values()]) p.reject(error);
    } else target?.resolve(response.result);
    return true;
  };

  stream.on('data', (chunk: Buffer | string) => {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    if (decoder.each(bytes, onFrame) === 'FRAME_TOO_LARGE') shutdown('the broker sent an oversized frame');
  });
  stream.on('error', () => shutdown('the connection to the broker failed'));
  stream.on('close', () => shutdown('the broker closed the connection'));
  stream.on('end', () => shutdown('the broker closed the connection'));

  return {
    get isClosed() {
      return isClosed;
    },
    closed,
    call(method, params, callOptions = {}) {
      const { timeoutMs, signal } = callOptions;
      if (signal?.aborted) return Promise.reject(signal.reason as Error);
      if (isClosed) return Promise.reject(new ConnectionClosedError('not connected to the broker'));
      const id = nextId++;
      return new Promise<unknown>((resolve, reject) => {
        let done = false;
        let timer: { clear(): void } | undefined;
        const finish = (settle: () => void): void => {
          if (done) return;
          done = true;
          pending.delete(id);
          timer?.clear();
          signal?.removeEventListener('abort', onAbort);
          settle();
        };
        const onAbort = (): void => finish(() => reject(signal?.reason as Error));
        if (timeoutMs !== undefined) {
          timer = setTimer(() => finish(() => reject(new RequestTimeoutError(method, timeoutMs))), timeoutMs);
        }
        pending.set(id, {
          resolve: (value) => finish(() => resolve(value)),
          reject: (error) => finish(() => reject(error)),
        });
        signal?.addEventListener('abort', onAbort, { once: true });
        stream.write(
          `${JSON.stringify({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) })}\n`,
        );
      });
    },
    onNotification(listener) {
      notify.push(listener);
    },
    onClose(listener) {
      if (isClosed) listener();
      else closeListeners.push(listener);
    },
    close() {
      shutdown('the connection was closed');
    },
  };
}

/** Connects to a socket/pipe and wraps it; rejects when nothing answers within `timeoutMs` (5 s). */
export function connectRpc(path: string, options: { timeoutMs?: number } = {}): Promise<RpcClient> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new ConnectionClosedError(`Timed out connecting to ${path}`));
    }, options.timeoutMs ?? 5000);
    socket.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(createRpcClient(socket));
    });
  });
}
