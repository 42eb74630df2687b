/**
 * Newline-delimited JSON-RPC 2.0 client over one duplex stream (Unix socket / named pipe).
 * Responses are parsed with the protocol's rpcResponseSchema; a malformed or oversized frame
 * closes the connection (the broker is then treated as gone and the next call reconnects).
 * Every request may carry a deadline (RequestTimeoutError; the connection stays open: a late
 * answer is dropped) and an AbortSignal (rejects with the signal's reason).
 */
import type { Duplex } from 'node:stream';
import { MAX_FRAME_BYTES } from '../../app/shared/constants.ts';
import { rpcResponseSchema, type RpcResponse } from '../../app/shared/bridge-contract.ts';

export class ConnectionClosedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectionClosedError';
  }
}

/** A JSON-RPC `error` answer (the protocol channel): the broker rejected the frame itself. */
export class RpcProtocolError extends Error {
  constructor(
    readonly rpcCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'RpcProtocolError';
  }
}

/** The broker did not answer a request within its deadline. */
export class RequestTimeoutError extends Error {
  constructor(
    readonly method: string,
    readonly timeoutMs: number,
  ) {
    super(`the broker did not answer ${method} within ${timeoutMs} ms`);
    this.name = 'RequestTimeoutError';
  }
}

export interface RequestOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** One request in flight; settling it also clears its deadline and abort listener. */
interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export interface RpcConnection {
  /** Sends a request; resolves with the raw `result` (still to be parsed by the caller). */
  request(method: string, params: unknown, options?: RequestOptions): Promise<unknown>;
  readonly closed: boolean;
  close(): void;
  onClose(listener: () => void): void;
}

export function createRpcConnection(stream: Duplex): RpcConnection {
  const pending = new Map<number, Pending>();
  const closeListeners: (() => void)[] = [];
  let nextId = 1;
  let closed = false;
  let buffer = '';

  const shutdown = (reason: string): void => {
    if (closed) return;
    closed = true;
    stream.destroy();
    for (const p of [...pending.values()]) p.reject(new ConnectionClosedError(reason));
    pending.clear();
    for (const l of closeListeners) l();
  };

  const onFrame = (line: string): void => {
    let response: RpcResponse;
    try {
      response = rpcResponseSchema.parse(JSON.parse(line));
    } catch {
      shutdown('the broker sent a malformed frame');
      return;
    }
    if (typeof response.id !== 'number') return;
    const p = pending.get(response.id);
    if (!p) return;
    if ('error' in response) p.reject(new RpcProtocolError(response.error.code, response.error.message));
    else p.resolve(response.result);
  };

  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffer += chunk;
    let nl = buffer.indexOf('\n');
    while (nl !== -1) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (line.trim() !== '') onFrame(line);
      if (closed) return;
      nl = buffer.indexOf('\n');
    }
    if (buffer.length > MAX_FRAME_BYTES) shutdown('the broker sent an oversized frame');
  });
  stream.on('error', () => shutdown('the connection to the broker failed'));
  stream.on('close', () => shutdown('the broker closed the connection'));
  stream.on('end', () => shutdown('the broker closed the connection'));

  return {
    get closed() {
      return closed;
    },
    request(method, params, options = {}) {
      const { timeoutMs, signal } = options;
      if (signal?.aborted) return Promise.reject(signal.reason as Error);
      if (closed) return Promise.reject(new ConnectionClosedError('not connected to the broker'));
      const id = nextId++;
      return new Promise<unknown>((resolve, reject) => {
        let done = false;
        let timer: ReturnType<typeof setTimeout> | undefined;
        const finish = (settle: () => void): void => {
          if (done) return;
          done = true;
          pending.delete(id);
          if (timer) clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          settle();
        };
        const onAbort = (): void => finish(() => reject(signal?.reason as Error));
        if (timeoutMs !== undefined) {
          timer = setTimeout(() => finish(() => reject(new RequestTimeoutError(method, timeoutMs))), timeoutMs);
          timer.unref?.();
        }
        pending.set(id, {
          resolve: (value) => finish(() => resolve(value)),
          reject: (error) => finish(() => reject(error)),
        });
        signal?.addEventListener('abort', onAbort, { once: true });
        stream.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
      });
    },
    close() {
      shutdown('closed by the bridge');
    },
    onClose(listener) {
      closeListeners.push(listener);
    },
  };
}
