/**
 * What one connection does with each frame: parse it as JSON-RPC, accept only hello with the right
 * key until the connection is authenticated, then dispatch to the protocol's methods (params checked
 * against their schema, at most `limits.maxInFlight` in flight, a thrown handler answered INTERNAL).
 */
import { RPC_ERROR } from '../../shared/constants.ts';
import { rpcRequestSchema } from '../../shared/bridge-contract.ts';
import type { RpcId } from '../../shared/bridge-contract.ts';
import { keysMatch } from './key.ts';
import { closeConnection, protocolError, send } from './rpc-connection-state.ts';
import type { ConnectionState } from './rpc-connection-state.ts';

/** One request as it arrived. */
interface Request {
  id: RpcId;
  method: string;
  params?: unknown;
}

export function onFrame<S>(state: ConnectionState<S>, text: string): void {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return protocolError(state, null, {
      code: RPC_ERROR.PARSE_ERROR,
      message: 'Parse error: each frame must be one JSON object.',
    });
  }
  const req = rpcRequestSchema.safeParse(json);
  if (!req.success) {
    return protocolError(state, null, { code: RPC_ERROR.INVALID_REQUEST, message: 'Invalid JSON-RPC 2.0 request.' });
  }
  const { id, method } = req.data;
  if (state.session === null) {
    if (method !== 'hello') {
      return protocolError(state, id, {
        code: RPC_ERROR.UNAUTHENTICATED,
        message: 'Unauthenticated: the first request must be hello.',
      });
    }
    return handleHello(state, req.data);
  }
  if (method === 'hello') {
    send(state, {
      jsonrpc: '2.0',
      id,
      result: { ok: false, error: { code: 'BAD_REQUEST', message: 'Already said hello.' } },
    });
    return;
  }
  dispatch(state, req.data, state.session);
}

function handleHello<S>(state: ConnectionState<S>, { id, params }: Request): void {
  const { protocol, logger, limits } = state.options;
  const parsed = protocol.hello.params.safeParse(params);
  if (!parsed.success || !keysMatch(parsed.data.key, state.options.expectedKey)) {
    logger.warn(`${protocol.name} connection #${state.options.id}: rejected (missing or wrong key)`);
    protocolError(state, id, {
      code: RPC_ERROR.UNAUTHENTICATED,
      message: 'Unauthenticated: hello must carry the key from broker.key.',
    });
    return;
  }
  const opened = protocol.hello.open(parsed.data as never, state.peer);
  send(state, { jsonrpc: '2.0', id, result: opened.result });
  if (opened.session === null) {
    closeConnection(state);
    return;
  }
  state.session = opened.session;
  state.helloDeadline.clear();
  state.decoder.setMaxFrameBytes(limits.maxFrameBytes);
  state.options.onAuthenticated?.();
}

function dispatch<S>(state: ConnectionState<S>, { id, method, params }: Request, session: S): void {
  const { protocol, logger, limits } = state.options;
  const entry = Object.hasOwn(protocol.methods, method) ? protocol.methods[method] : undefined;
  if (entry === undefined) {
    return protocolError(state, id, { code: RPC_ERROR.METHOD_NOT_FOUND, message: `Unknown method "${method}".` });
  }
  const parsed = entry.params.safeParse(params);
  if (!parsed.success) {
    return protocolError(state, id, {
      code: RPC_ERROR.INVALID_PARAMS,
      message: `Invalid params for ${method}: ${parsed.error.message}`,
    });
  }
  if (state.inFlight >= limits.maxInFlight) {
    send(state, {
      jsonrpc: '2.0',
      id,
      error: { code: RPC_ERROR.BUSY, message: 'Too many requests in flight; retry.' },
    });
    return;
  }
  state.inFlight++;
  const outlives = entry.outlivesClose === true;
  if (outlives) state.outliving++;
  Promise.resolve()
    .then(() => entry.handle(parsed.data as never, session))
    .catch((e: unknown) => {
      logger.error(`${protocol.name} ${method} failed`, { error: e });
      return {
        ok: false as const,
        error: { code: 'INTERNAL' as const, message: 'Internal broker error; see the broker log for details.' },
      };
    })
    .then((result) => {
      state.inFlight--;
      if (outlives) state.outliving--;
      send(state, { jsonrpc: '2.0', id, result });
      if (state.draining && state.outliving === 0) closeConnection(state);
    })
    .catch(() => undefined);
}
