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
import { RPC_ERROR } from '../../shared/constants.ts';
import type { RpcConnectionHandle, RpcConnectionOptions } from './rpc-connection-types.ts';
import { createConnectionState, protocolError } from './rpc-connection-state.ts';
import type { ConnectionState } from './rpc-connection-state.ts';
import { onFrame } from './rpc-connection-requests.ts';

export type {
  RpcConnectionHandle,
  RpcConnectionOptions,
  RpcLimits,
  RpcMethod,
  RpcPeer,
  RpcProtocol,
} from './rpc-connection-types.ts';

export function attachRpcConnection<S>(options: RpcConnectionOptions<S>): RpcConnectionHandle {
  const state = createConnectionState(options);
  const { socket, protocol, logger } = options;
  socket.on('data', (chunk: Buffer) => onData(state, chunk));
  socket.on('error', (e) => logger.debug(`${protocol.name} connection #${options.id}: socket error`, { error: e }));
  socket.on('close', () => {
    state.closed = true;
    state.helloDeadline.clear();
    if (state.session !== null) protocol.onClose?.(state.session);
  });
  return {
    reject(message) {
      if (state.session === null) protocolError(state, null, { code: RPC_ERROR.UNAUTHENTICATED, message });
    },
    drain() {
      if (state.closed || state.outliving === 0) return false;
      state.draining = true;
      socket.pause();
      return true;
    },
  };
}

function onData<S>(state: ConnectionState<S>, chunk: Buffer): void {
  if (state.closed) return;
  const error = state.decoder.each(chunk, (frame) => {
    onFrame(state, frame);
    return !state.closed;
  });
  if (error !== null && !state.closed) {
    const { limits } = state.options;
    const cap = state.session === null ? limits.maxPreHelloFrameBytes : limits.maxFrameBytes;
    protocolError(state, null, {
      code: RPC_ERROR.INVALID_REQUEST,
      message: `Frame larger than ${cap} bytes${state.session === null ? ' before hello' : ''}.`,
    });
  }
}
