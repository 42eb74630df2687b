/**
 * The state of one connection and its way out: sending a frame, closing (read nothing more, destroy
 * after a grace period), and a protocol error (answer, then close).
 */
import { RPC_ERROR } from '../../shared/constants.ts';
import type { RpcId } from '../../shared/bridge-contract.ts';
import { FrameDecoder } from '../../shared/framing.ts';
import type { RpcConnectionOptions, RpcPeer } from './rpc-connection-types.ts';

/** How long a closing connection may take to flush its last frame before it is destroyed. */
const CLOSE_GRACE_MS = 200;

export interface ConnectionState<S> {
  readonly options: RpcConnectionOptions<S>;
  readonly decoder: FrameDecoder;
  readonly helloDeadline: { clear(): void };
  readonly peer: RpcPeer;
  session: S | null;
  closed: boolean;
  inFlight: number;
  /** Requests in flight of `outlivesClose` methods. */
  outliving: number;
  /** The server closed: close once the `outliving` requests are answered. */
  draining: boolean;
}

/** A new connection, unauthenticated, with its hello deadline running. */
export function createConnectionState<S>(options: RpcConnectionOptions<S>): ConnectionState<S> {
  const { limits } = options;
  const state: ConnectionState<S> = {
    options,
    decoder: new FrameDecoder(limits.maxPreHelloFrameBytes),
    helloDeadline: options.setTimer(() => {
      if (state.session === null && !state.closed) {
        protocolError(state, null, {
          code: RPC_ERROR.UNAUTHENTICATED,
          message: `Unauthenticated: no hello within ${Math.round(limits.helloTimeoutMs / 100) / 10} s.`,
        });
      }
    }, limits.helloTimeoutMs),
    peer: {
      id: options.id,
      notify: (method, params) => send(state, { jsonrpc: '2.0', method, params }),
      close: () => closeConnection(state),
    },
    session: null,
    closed: false,
    inFlight: 0,
    outliving: 0,
    draining: false,
  };
  return state;
}

export function send<S>(state: ConnectionState<S>, message: object): void {
  const { socket } = state.options;
  if (state.closed || socket.destroyed) return;
  socket.write(`${JSON.stringify(message)}\n`);
}

export function closeConnection<S>(state: ConnectionState<S>): void {
  if (state.closed) return;
  const { socket } = state.options;
  state.closed = true;
  state.helloDeadline.clear();
  socket.end();
  // Read nothing more, and do not wait for a misbehaving peer to read: destroy after the final
  // frame had a moment to flush.
  socket.pause();
  state.options.setTimer(() => socket.destroy(), CLOSE_GRACE_MS);
}

/** A protocol error: answered with `id` (null when the frame had none), then the connection closes. */
export function protocolError<S>(
  state: ConnectionState<S>,
  id: RpcId | null,
  { code, message }: { code: number; message: string },
): void {
  const { protocol, logger } = state.options;
  logger.debug(`${protocol.name} connection #${state.options.id}: protocol error ${code}: ${message}`);
  send(state, { jsonrpc: '2.0', id, error: { code, message } });
  closeConnection(state);
}
