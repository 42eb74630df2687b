/**
 * A local JSON-RPC server on a Unix domain socket (mode 0600, inside the private 0700 dir) or a
 * Windows named pipe. Serves one RpcProtocol (bridge or admin); each connection is independent.
 *
 * Unauthenticated peers are bounded: each connection has the hello deadline and the small pre-hello
 * frame cap (rpc-connection.ts), and at most `maxUnauthenticated` connections may be waiting for
 * hello — one more closes the OLDEST waiting one (it is told why), so a flood of idle connections
 * cannot lock out a bridge that says hello at once.
 *
 * Stale sockets: if the path exists, we try to connect. A live peer means another broker is running
 * (refuse); a refused connection means a crashed broker left it behind (remove it, then listen).
 */
import { createConnection, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { chmod, lstat, unlink } from 'node:fs/promises';
import type { Result } from '../../shared/result.ts';
import { fail, ok } from '../../shared/result.ts';
import type { Logger } from '../log/logger.ts';
import { attachRpcConnection } from './rpc-connection.ts';
import type { RpcConnectionHandle, RpcLimits, RpcProtocol } from './rpc-connection.ts';
import { errnoOf } from '../../shared/errno.ts';
import type { SetTimer } from '../../shared/timers.ts';
import { unrefTimer } from '../../shared/timers.ts';

export interface RpcServerLimits extends RpcLimits {
  /** Connections that may be waiting for hello at once. */
  maxUnauthenticated: number;
}

export interface RpcServerOptions<S> {
  /** Socket path or pipe name. */
  path: string;
  /** Windows named pipe: no file to chmod or unlink. */
  isPipe: boolean;
  protocol: RpcProtocol<S>;
  expectedKey: string;
  logger: Logger;
  limits: RpcServerLimits;
  /** Hello deadlines and close grace periods (default: unref'd setTimeout). */
  setTimer?: SetTimer;
}

export interface RpcServer {
  listen(): Promise<Result<void>>;
  close(): Promise<void>;
  connectionCount(): number;
  /** Connections that have not said hello yet. */
  waitingForHello(): number;
}

export function createRpcServer<S>(options: RpcServerOptions<S>): RpcServer {
  const state: ServerState<S> = {
    options,
    sockets: new Set(),
    handles: new Map(),
    waiting: new Map(),
    nextId: 1,
    server: null,
  };
  return {
    listen: () => startListening(state),
    close: () => closeServer(state),
    connectionCount: () => state.sockets.size,
    waitingForHello: () => state.waiting.size,
  };
}

/** One server's connections and listening socket. */
interface ServerState<S> {
  options: RpcServerOptions<S>;
  sockets: Set<Socket>;
  /** Every open connection's handle (close drains the ones still answering: RpcMethod outlivesClose). */
  handles: Map<Socket, RpcConnectionHandle>;
  /** Connections waiting for hello, oldest first (Map keeps insertion order). */
  waiting: Map<Socket, RpcConnectionHandle>;
  nextId: number;
  server: Server | null;
}

async function startListening<S>(state: ServerState<S>): Promise<Result<void>> {
  const { options } = state;
  if (!options.isPipe) {
    const stale = await removeStaleSocket(options.path);
    if (!stale.ok) return stale;
  }
  const srv = createServer((socket) => onConnection(state, socket));
  const listened = await listenOn(srv, options.path);
  if (!listened.ok) return listened;
  if (!options.isPipe) await chmod(options.path, 0o600);
  srv.on('error', (e) => options.logger.error(`${options.protocol.name} server error`, { error: e }));
  state.server = srv;
  return ok(undefined);
}

/** Starts listening; an address in use means another broker. */
function listenOn(srv: Server, path: string): Promise<Result<void>> {
  return new Promise<Result<void>>((resolve) => {
    srv.once('error', (e) => {
      if (errnoOf(e) === 'EADDRINUSE') {
        resolve(
          fail(
            'INTERNAL',
            `Another Graph Bridge broker is already listening on ${path}. Stop it (quit the tray or ` +
              `the other "graph-bridge agent") and try again.`,
          ),
        );
      } else resolve(fail('INTERNAL', `Could not listen on ${path}: ${e.message}`));
    });
    srv.listen(path, () => resolve(ok(undefined)));
  });
}

async function closeServer<S>(state: ServerState<S>): Promise<void> {
  const srv = state.server;
  state.server = null;
  if (srv === null) return;
  let draining = 0;
  for (const s of state.sockets) {
    if (state.handles.get(s)?.drain() === true) draining++;
    else s.destroy();
  }
  const closed = new Promise<void>((resolve) => srv.close(() => resolve()));
  // The server stops listening at once; a connection still answering its last request (RpcMethod
  // outlivesClose) closes itself afterwards and does not hold up the close.
  if (draining === 0) await closed;
}

function onConnection<S>(state: ServerState<S>, socket: Socket): void {
  const { options, sockets, handles, waiting } = state;
  sockets.add(socket);
  if (waiting.size >= options.limits.maxUnauthenticated) closeOldestWaiting(state);
  socket.on('close', () => {
    sockets.delete(socket);
    handles.delete(socket);
    waiting.delete(socket);
  });
  const handle = attachRpcConnection({
    socket,
    id: state.nextId++,
    protocol: options.protocol,
    expectedKey: options.expectedKey,
    logger: options.logger,
    limits: options.limits,
    setTimer: options.setTimer ?? unrefTimer,
    onAuthenticated: () => waiting.delete(socket),
  });
  if (!socket.destroyed) {
    waiting.set(socket, handle);
    handles.set(socket, handle);
  }
}

/** Makes room for a newcomer: the connection that has waited longest for hello is told why and closed. */
function closeOldestWaiting<S>(state: ServerState<S>): void {
  const [oldest] = state.waiting;
  if (oldest === undefined) return;
  state.waiting.delete(oldest[0]);
  oldest[1].reject(
    `Unauthenticated: more than ${state.options.limits.maxUnauthenticated} connections were waiting to say hello; this one, the oldest, was closed.`,
  );
}

/** Removes a socket file nobody answers on; refuses when a live broker answers. */
export async function removeStaleSocket(path: string): Promise<Result<void>> {
  const st = await lstat(path).catch((e: unknown) => {
    if (errnoOf(e) === 'ENOENT') return null;
    throw e;
  });
  if (st === null) return ok(undefined);
  if (!st.isSocket()) {
    return fail('INTERNAL', `${path} exists and is not a socket. Remove it and start Graph Bridge again.`);
  }
  const alive = await new Promise<boolean>((resolve) => {
    const probe = createConnection(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (alive) {
    return fail(
      'INTERNAL',
      `Another Graph Bridge broker is running (it answers on ${path}). Quit the tray or stop the other ` +
        `"graph-bridge agent" first, or use it instead.`,
    );
  }
  await unlink(path).catch(() => undefined);
  return ok(undefined);
}
