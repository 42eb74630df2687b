/**
 * A minimal newline-delimited JSON-RPC client for the broker's sockets (used by the CLI's admin
 * commands, tests and benchmarks; the bridge has its own client in bridge/). Responses are parsed with
 * rpcResponseSchema; results are returned as `unknown` for the caller to parse with its schema.
 */
import { createConnection } from 'node:net';
import type { Socket } from 'node:net';
import { MAX_FRAME_BYTES } from '../../shared/constants.ts';
import { rpcResponseSchema } from '../../shared/bridge-contract.ts';
import { FrameDecoder } from './frame-decoder.ts';

export class RpcCallError extends Error {
  constructor(
    message: string,
    readonly rpcCode: number | null,
  ) {
    super(message);
    this.name = 'RpcCallError';
  }
}

export interface RpcClient {
  call(method: string, params?: unknown): Promise<unknown>;
  onNotification(listener: (method: string, params: unknown) => void): void;
  /** Resolves when the server closed the connection (or close() was called). */
  readonly closed: Promise<void>;
  close(): void;
}

export function connectRpc(path: string, options: { timeoutMs?: number } = {}): Promise<RpcClient> {
  return new Promise((resolve, reject) => {
    const socket: Socket = createConnection(path);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new RpcCallError(`Timed out connecting to ${path}`, null));
    }, options.timeoutMs ?? 5000);
    socket.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(wrap(socket));
    });
  });
}

function wrap(socket: Socket): RpcClient {
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  const notify: ((method: string, params: unknown) => void)[] = [];
  const decoder = new FrameDecoder(MAX_FRAME_BYTES);
  let nextId = 1;
  let closeResolve = (): void => undefined;
  const closed = new Promise<void>((r) => (closeResolve = r));

  const failAll = (e: Error): void => {
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  socket.on('data', (chunk: Buffer) => {
    const out = decoder.push(chunk);
    for (const frame of out.frames) {
      let json: unknown;
      try {
        json = JSON.parse(frame);
      } catch {
        continue;
      }
      if (typeof json === 'object' && json !== null && 'method' in json && !('id' in json)) {
        const n = json as { method: unknown; params?: unknown };
        if (typeof n.method === 'string') for (const l of notify) l(n.method, n.params);
        continue;
      }
      const res = rpcResponseSchema.safeParse(json);
      if (!res.success) continue;
      const msg = res.data;
      if ('error' in msg) {
        const e = new RpcCallError(msg.error.message, msg.error.code);
        if (typeof msg.id === 'number' && pending.has(msg.id)) {
          pending.get(msg.id)?.reject(e);
          pending.delete(msg.id);
        } else failAll(e);
      } else if (typeof msg.id === 'number') {
        pending.get(msg.id)?.resolve(msg.result);
        pending.delete(msg.id);
      }
    }
  });
  socket.on('error', () => undefined);
  socket.on('close', () => {
    failAll(new RpcCallError('The broker closed the connection.', null));
    closeResolve();
  });
  return {
    call(method, params) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        if (socket.destroyed) return reject(new RpcCallError('The connection to the broker is closed.', null));
        pending.set(id, { resolve, reject });
        socket.write(
          `${JSON.stringify({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) })}\n`,
        );
      });
    },
    onNotification: (l) => void notify.push(l),
    closed,
    close: () => socket.destroy(),
  };
}
