/**
 * Start and stop (ipc/broker-sockets.ts has the steps on the sockets and keys):
 *
 * start: both run dirs private → clients.json loaded → (POSIX) refuse a live broker, remove stale
 *   sockets → fresh keys → (POSIX) key files → listen on the bridges' socket, then the admin one →
 *   (Windows) key files → status follows sign-in changes.
 * stop: pending writes denied → sockets closed, key files removed → audit log and clients.json flushed → auth closed.
 */
import type { Broker } from './broker-api.ts';
import type { AdminStatus } from './admin-protocol.ts';
import type { BrokerDeps } from './broker-deps.ts';
import type { BrokerParts } from './broker-parts.ts';
import { createAdminProtocol } from './admin/admin-server-protocol.ts';
import {
  checkRunDirs,
  claimSocketPaths,
  closeSockets,
  freshKeys,
  listenBoth,
  writeKeyFiles,
  type BrokerSocketsOptions,
} from './ipc/broker-sockets.ts';
import type { RpcServer } from './ipc/rpc-server.ts';

export interface BrokerLifecycle {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Connections on both sockets. */
  connectionCount(): number;
}

/** The broker around the lifecycle: the facade and admin status the admin channel serves, status changes. */
export interface LifecycleHooks {
  broker: Broker;
  adminStatus(): AdminStatus;
  /** Something visible in status changed (sign-in state). */
  changed(): void;
}

function socketsOptions(deps: BrokerDeps, parts: BrokerParts): BrokerSocketsOptions {
  return {
    endpoint: deps.endpoint,
    adminEndpoint: parts.adminEndpoint,
    isPipe: deps.isPipe,
    logger: deps.logger,
    secrets: deps.secrets,
    ...(deps.ipcLimits === undefined ? {} : { ipcLimits: deps.ipcLimits }),
    ...(deps.setTimer === undefined ? {} : { setTimer: deps.setTimer }),
  };
}

export function createBrokerLifecycle(deps: BrokerDeps, parts: BrokerParts, hooks: LifecycleHooks): BrokerLifecycle {
  const sockets = socketsOptions(deps, parts);
  let servers: RpcServer[] = [];
  let unsubscribeAuth: (() => void) | null = null;

  async function start(): Promise<void> {
    await checkRunDirs(sockets, deps.uid);
    await parts.clients.load();
    // Refuse before touching the key files of a live broker.
    if (!deps.isPipe) await claimSocketPaths(sockets);
    const keys = freshKeys(deps.secrets);
    if (!deps.isPipe) await writeKeyFiles(sockets, keys);
    servers = await listenBoth(sockets, keys, {
      bridge: parts.bridgeProtocol,
      admin: createAdminProtocol({
        broker: hooks.broker,
        version: deps.version,
        adminStatus: () => hooks.adminStatus(),
        confirmations: parts.confirmations,
        settings: deps.settings ?? null,
      }),
    });
    if (deps.isPipe) await writeKeyFiles(sockets, keys);
    unsubscribeAuth = deps.auth.onChange(() => hooks.changed());
    deps.logger.info(`Broker listening on ${deps.endpoint.path}`);
  }

  async function stop(): Promise<void> {
    unsubscribeAuth?.();
    unsubscribeAuth = null;
    parts.writes.denyAll('Graph Bridge is shutting down.');
    const running = servers;
    servers = [];
    await closeSockets(sockets, running);
    deps.logger.debug('Sockets closed: writing the audit records and client decisions accepted before');
    // Nothing new arrives once the sockets are closed: what was accepted is written before stop returns
    // (a quitting tray or agent, or a test removing its temp dir, never races a late append).
    await parts.audit.flush();
    await parts.clients.flush();
    await deps.auth.close();
    deps.logger.info('Broker stopped');
  }

  return { start, stop, connectionCount: () => servers.reduce((n, s) => n + s.connectionCount(), 0) };
}
