/**
 * Newline-delimited JSON-RPC 2.0 client over one duplex stream (Unix socket / named pipe).
 * Responses are parsed with the protocol's rpcResponseSchema; a malformed or oversized frame
 * closes the connection (the broker is then treated as gone and the next call reconnects).
 */
import type { Duplex } from 'node:stream';
import { MAX_FRAME_BYTES, rpcResponseSchema, type RpcResponse } from '../../app/broker/protocol.ts';

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

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export interface RpcConnection {
  /** Sends a request; resolves with the raw `result` (still to be parsed by the caller). */
  request(method: string, params: unknown, timeoutMs?: number): Promise<unknown>;
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
    for (const p of pending.values()) {
      if (p.timer) clearTimeout(p.timer);
      p.reject(new ConnectionClosedError(reason));
    }
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
    pending.delete(response.id);
    if (p.timer) clearTimeout(p.timer);
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
    request(method, params, timeoutMs) {
      if (closed) return Promise.reject(new ConnectionClosedError('not connected to the broker'));
      const id = nextId++;
      return new Promise<unknown>((resolve, reject) => {
        const timer =
          timeoutMs === undefined
            ? undefined
            : setTimeout(() => {
                pending.delete(id);
                reject(new ConnectionClosedError(`the broker did not answer ${method} within ${timeoutMs} ms`));
              }, timeoutMs);
        timer?.unref?.();
        pending.set(id, { resolve, reject, timer });
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
