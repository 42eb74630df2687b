/**
 * One authenticated JSON-RPC connection (shared by the bridge socket and the admin socket).
 *
 * State machine: UNAUTHENTICATED --hello with the right key--> READY. Before READY, any frame other
 * than a well-formed hello carrying the right key gets an UNAUTHENTICATED protocol error and the
 * connection is closed: nothing is served. Protocol errors (oversized/unparsable frame, invalid
 * JSON-RPC, unknown method, params failing their schema) close this connection only. Domain errors
 * are normal results `{ok:false,error}`.
 *
 * What an unauthenticated peer can cost: frames of at most `limits.maxPreHelloFrameBytes` (a few KiB)
 * until hello succeeded, `limits.helloTimeoutMs` to say it, then the connection is closed; the
 * server (rpc-server.ts) also caps how many connections may be waiting for hello at once. After a
 * protocol error nothing more is read from the socket (it is paused until it is destroyed).
 */
import type { Socket } from 'node:net';
import type { z } from 'zod';
import { RPC_ERROR } from '../../shared/constants.ts';
import { rpcRequestSchema } from '../../shared/bridge-contract.ts';
import type { Result } from '../../shared/result.ts';
import type { RpcId } from '../../shared/bridge-contract.ts';
import type { Logger } from '../log/logger.ts';
import { FrameDecoder } from '../../shared/framing.ts';
import { keysMatch } from './key.ts';
import type { SetTimer } from '../../shared/timers.ts';

export interface RpcPeer {
  readonly id: number;
  /** Server -> client notification (no id). */
  notify(method: string, params: unknown): void;
  close(): void;
}

export interface RpcMethod<S> {
  params: z.ZodType;
  handle(params: never, session: S): Result<unknown> | Promise<Result<unknown>>;
}

export interface RpcProtocol<S> {
  /** Name for logs ("bridge", "admin"). */
  name: string;
  hello: {
    params: z.ZodType<{ key: string }>;
    /**
     * Called synchronously once the key matched, so requests pipelined after hello see the session.
     * A failed result is sent and the connection closed.
     */
    open(
      params: never,
      peer: RpcPeer,
    ): { session: S; result: Result<unknown> } | { session: null; result: Result<unknown> };
  };
  methods: Readonly<Record<string, RpcMethod<S>>>;
  onClose?(session: S): void;
}

/** What one connection may cost the broker (app/shared/constants.ts has the production values). */
export interface RpcLimits {
  /** Largest frame once hello succeeded. */
  maxFrameBytes: number;
  /** Largest frame before hello succeeded. */
  maxPreHelloFrameBytes: number;
  /** A connection that has not said hello within this is closed. */
  helloTimeoutMs: number;
  /** Requests in flight per connection before BUSY. */
  maxInFlight: number;
}

export interface RpcConnectionOptions<S> {
  socket: Socket;
  id: number;
  protocol: RpcProtocol<S>;
  expectedKey: string;
  logger: Logger;
  limits: RpcLimits;
  setTimer: SetTimer;
  /** Called once, when hello succeeded. */
  onAuthenticated?(): void;
}

export interface RpcConnectionHandle {
  /** Closes a connection that has not said hello yet, telling the peer why (no-op after hello). */
  reject(message: string): void;
}

/** How long a closing connection may take to flush its last frame before it is destroyed. */
const CLOSE_GRACE_MS = 200;

export function attachRpcConnection<S>(options: RpcConnectionOptions<S>): RpcConnectionHandle {
  const { socket, protocol, logger, limits } = options;
  const decoder = new FrameDecoder(limits.maxPreHelloFrameBytes);
  let session: S | null = null;
  let closed = false;
  let inFlight = 0;
  const helloDeadline = options.setTimer(() => {
    if (session === null && !closed) {
      protocolError(
        null,
        RPC_ERROR.UNAUTHENTICATED,
        `Unauthenticated: no hello within ${Math.round(limits.helloTimeoutMs / 100) / 10} s.`,
      );
    }
  }, limits.helloTimeoutMs);

  const send = (message: object): void => {
    if (closed || socket.destroyed) return;
    socket.write(`${JSON.stringify(message)}\n`);
  };
  const close = (): void => {
    if (closed) return;
    closed = true;
    helloDeadline.clear();
    socket.end();
    // Read nothing more, and do not wait for a misbehaving peer to read: destroy after the final
    // frame had a moment to flush.
    socket.pause();
    options.setTimer(() => socket.destroy(), CLOSE_GRACE_MS);
  };
  const protocolError = (id: RpcId | null, code: number, message: string): void => {
    logger.debug(`${protocol.name} connection #${options.id}: protocol error ${code}: ${message}`);
    send({ jsonrpc: '2.0', id, error: { code, message } });
    close();
  };
  const peer: RpcPeer = {
    id: options.id,
    notify: (method, params) => send({ jsonrpc: '2.0', method, params }),
    close,
  };

  const handleHello = (id: RpcId, params: unknown): void => {
    const parsed = protocol.hello.params.safeParse(params);
    if (!parsed.success || !keysMatch(parsed.data.key, options.expectedKey)) {
      logger.warn(`${protocol.name} connection #${options.id}: rejected (missing or wrong key)`);
      protocolError(id, RPC_ERROR.UNAUTHENTICATED, 'Unauthenticated: hello must carry the key from broker.key.');
      return;
    }
    const opened = protocol.hello.open(parsed.data as never, peer);
    send({ jsonrpc: '2.0', id, result: opened.result });
    if (opened.session === null) {
      close();
      return;
    }
    session = opened.session;
    helloDeadline.clear();
    decoder.setMaxFrameBytes(limits.maxFrameBytes);
    options.onAuthenticated?.();
  };

  const dispatch = (id: RpcId, method: string, params: unknown, s: S): void => {
    const entry = Object.hasOwn(protocol.methods, method) ? protocol.methods[method] : undefined;
    if (entry === undefined) return protocolError(id, RPC_ERROR.METHOD_NOT_FOUND, `Unknown method "${method}".`);
    const parsed = entry.params.safeParse(params);
    if (!parsed.success) {
      return protocolError(id, RPC_ERROR.INVALID_PARAMS, `Invalid params for ${method}: ${parsed.error.message}`);
    }
    if (inFlight >= limits.maxInFlight) {
      send({ jsonrpc: '2.0', id, error: { code: RPC_ERROR.BUSY, message: 'Too many requests in flight; retry.' } });
      return;
    }
    inFlight++;
    Promise.resolve()
      .then(() => entry.handle(parsed.data as never, s))
      .catch((e: unknown) => {
        logger.error(`${protocol.name} ${method} failed`, { error: e });
        return {
          ok: false as const,
          error: { code: 'INTERNAL' as const, message: 'Internal broker error; see the broker log for details.' },
        };
      })
      .then((result) => {
        inFlight--;
        send({ jsonrpc: '2.0', id, result });
      })
      .catch(() => undefined);
  };

  const onFrame = (text: string): void => {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return protocolError(null, RPC_ERROR.PARSE_ERROR, 'Parse error: each frame must be one JSON object.');
    }
    const req = rpcRequestSchema.safeParse(json);
    if (!req.success) return protocolError(null, RPC_ERROR.INVALID_REQUEST, 'Invalid JSON-RPC 2.0 request.');
    const { id, method, params } = req.data;
    if (session === null) {
      if (method !== 'hello') {
        return protocolError(id, RPC_ERROR.UNAUTHENTICATED, 'Unauthenticated: the first request must be hello.');
      }
      return handleHello(id, params);
    }
    if (method === 'hello') {
      send({
        jsonrpc: '2.0',
        id,
        result: { ok: false, error: { code: 'BAD_REQUEST', message: 'Already said hello.' } },
      });
      return;
    }
    dispatch(id, method, params, session);
  };

  socket.on('data', (chunk: Buffer) => {
    if (closed) return;
    const error = decoder.each(chunk, (frame) => {
      onFrame(frame);
      return !closed;
    });
    if (error !== null && !closed) {
      const cap = session === null ? limits.maxPreHelloFrameBytes : limits.maxFrameBytes;
      protocolError(
        null,
        RPC_ERROR.INVALID_REQUEST,
        `Frame larger than ${cap} bytes${session === null ? ' before hello' : ''}.`,
      );
    }
  });
  socket.on('error', (e) => logger.debug(`${protocol.name} connection #${options.id}: socket error`, { error: e }));
  socket.on('close', () => {
    closed = true;
    helloDeadline.clear();
    if (session !== null) protocol.onClose?.(session);
  });

  return {
    reject(message) {
      if (session === null) protocolError(null, RPC_ERROR.UNAUTHENTICATED, message);
    },
  };
}
