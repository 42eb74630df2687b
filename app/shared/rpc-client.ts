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
import { ConnectionClosedError, RpcProtocolError } from './rpc-errors.ts';
import { createClientState, sendRequest, shutdown, type CallOptions, type ClientState } from './rpc-client-state.ts';

export { ConnectionClosedError, RequestTimeoutError, RpcProtocolError } from './rpc-errors.ts';
export type { CallOptions } from './rpc-client-state.ts';

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

export interface RpcClientOptions {
  maxFrameBytes?: number;
  /** Request deadlines (default: unref-ed setTimeout, so a pending deadline never keeps the process up). */
  setTimer?: SetTimer;
}

export function createRpcClient(stream: Duplex, options: RpcClientOptions = {}): RpcClient {
  const state = createClientState(stream, options.setTimer ?? unrefTimer);
  const decoder = new FrameDecoder(options.maxFrameBytes ?? MAX_FRAME_BYTES);
  stream.on('data', (chunk: Buffer | string) => {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    const tooLarge = decoder.each(bytes, (line) => onFrame(state, line)) === 'FRAME_TOO_LARGE';
    if (tooLarge) shutdown(state, 'the broker sent an oversized frame');
  });
  stream.on('error', () => shutdown(state, 'the connection to the broker failed'));
  stream.on('close', () => shutdown(state, 'the broker closed the connection'));
  stream.on('end', () => shutdown(state, 'the broker closed the connection'));

  return {
    get isClosed() {
      return state.isClosed;
    },
    closed: state.closed,
    call: (method, params, callOptions = {}) => sendRequest(state, { method, params }, callOptions),
    onNotification(listener) {
      state.notify.push(listener);
    },
    onClose(listener) {
      if (state.isClosed) listener();
      else state.closeListeners.push(listener);
    },
    close() {
      shutdown(state, 'the connection was closed');
    },
  };
}

function isNotification(json: unknown): json is { method: string; params?: unknown } {
  return (
    typeof json === 'object' && json !== null && !('id' in json) && 'method' in json && typeof json.method === 'string'
  );
}

/** Handles one frame; false when it closed the connection. */
function onFrame(state: ClientState, line: string): boolean {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    shutdown(state, 'the broker sent a malformed frame');
    return false;
  }
  if (isNotification(json)) {
    for (const l of state.notify) l(json.method, json.params);
    return true;
  }
  const parsed = rpcResponseSchema.safeParse(json);
  if (!parsed.success) {
    shutdown(state, 'the broker sent a malformed frame');
    return false;
  }
  const response: RpcResponse = parsed.data;
  const target = typeof response.id === 'number' ? state.pending.get(response.id) : undefined;
  if ('error' in response) {
    const error = new RpcProtocolError(response.error.code, response.error.message);
    if (target !== undefined) target.reject(error);
    else for (const p of [...state.pending.values()]) p.reject(error);
  } else target?.resolve(response.result);
  return true;
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
