/**
 * The shapes of one authenticated JSON-RPC connection (rpc-connection.ts re-exports them): what a
 * protocol serves, what a connection may cost, and what its owner passes and gets back.
 */
import type { Socket } from 'node:net';
import type { z } from 'zod';
import type { Result } from '../../shared/result.ts';
import type { Logger } from '../log/logger.ts';
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
  /**
   * A request of this method is answered even when the server closes while it runs (it may be what
   * restarts the server: a settings change that rebuilds the broker); its connection then reads
   * nothing more and closes once the answer is sent.
   */
  outlivesClose?: boolean;
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
  /**
   * The server is closing. False: close it now. True: an `outlivesClose` request is running, so the
   * connection reads nothing more and closes itself once that request is answered.
   */
  drain(): boolean;
}
