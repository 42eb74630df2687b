/**
 * The broker's two sockets (named pipes on Windows) and their keys, from start to stop:
 *   <run dir>/broker.sock, broker.key          what bridges get: the socket (0600) and its key
 *   <run dir>-admin/admin.sock, admin.key      the CLI's admin channel — never in the bridges' run dir
 * Each dir is private (0700, checked at start); keys are fresh random 256-bit keys at every start
 * (64 hex chars + "\n", 0600), registered as secrets so no log line shows them, and removed at stop.
 */
import { unlink } from 'node:fs/promises';
import {
  HELLO_DEADLINE_MS,
  MAX_FRAME_BYTES,
  MAX_IN_FLIGHT_PER_CONNECTION,
  MAX_PRE_HELLO_FRAME_BYTES,
  MAX_UNAUTHENTICATED_CONNECTIONS,
} from '../../shared/constants.ts';
import type { BrokerEndpoint } from '../../shared/endpoint.ts';
import { fail, ok, type Result } from '../../shared/result.ts';
import type { AdminEndpoint } from '../admin/admin-endpoint.ts';
import type { Logger, SecretRegistry } from '../log/logger.ts';
import { ensurePrivateDir } from '../../shared/private-dir.ts';
import { generateKey, writeKeyFile } from './key.ts';
import type { RpcProtocol } from './rpc-connection.ts';
import { createRpcServer, removeStaleSocket } from './rpc-server.ts';
import type { RpcServer, RpcServerLimits } from './rpc-server.ts';
import type { SetTimer } from '../../shared/timers.ts';

export class BrokerStartError extends Error {
  override readonly name = 'BrokerStartError';
}

/** Production IPC limits (app/shared/constants.ts), overridable per field. */
export function ipcLimitsWith(overrides: Partial<RpcServerLimits> = {}): RpcServerLimits {
  return {
    maxFrameBytes: MAX_FRAME_BYTES,
    maxPreHelloFrameBytes: MAX_PRE_HELLO_FRAME_BYTES,
    helloTimeoutMs: HELLO_DEADLINE_MS,
    maxUnauthenticated: MAX_UNAUTHENTICATED_CONNECTIONS,
    maxInFlight: MAX_IN_FLIGHT_PER_CONNECTION,
    ...overrides,
  };
}

export interface BrokerSocketsOptions {
  endpoint: BrokerEndpoint;
  adminEndpoint: AdminEndpoint;
  /** Windows named pipes: no POSIX file modes, no socket files. */
  isPipe: boolean;
  logger: Logger;
  secrets: SecretRegistry;
  ipcLimits?: Partial<RpcServerLimits>;
  setTimer?: SetTimer;
}

export interface SocketKeys {
  bridge: string;
  admin: string;
}

/** A failed start step: the broker does not start, and the message says why. */
export function startStep(r: Result<unknown>): void {
  if (!r.ok) throw new BrokerStartError(r.error.message);
}

/** A run dir exists (created 0700 when missing), is ours and private (app/shared/private-dir.ts). */
async function privateRunDir(dir: string, uid: number | undefined): Promise<Result<void>> {
  const check = await ensurePrivateDir(dir, { uid });
  if (check.ok) return ok(undefined);
  return fail(
    'INTERNAL',
    `Refusing to start: ${check.problem}. Another user could reach the broker's socket or read its key. ` +
      `Remove the directory, or make it yours and private (chown ${uid ?? ''} '${dir}' && chmod 700 '${dir}'), then start again.`,
  );
}

/** Both run dirs exist, are private and ours (created 0700 when missing). */
export async function checkRunDirs(o: BrokerSocketsOptions, uid: number | undefined): Promise<void> {
  startStep(await privateRunDir(o.endpoint.dir, uid));
  startStep(await privateRunDir(o.adminEndpoint.dir, uid));
}

/** Refuses while another broker answers on a socket path; removes a stale socket file. */
export async function claimSocketPaths(o: BrokerSocketsOptions): Promise<void> {
  startStep(await removeStaleSocket(o.endpoint.path));
  startStep(await removeStaleSocket(o.adminEndpoint.path));
}

/** Fresh keys for this run, masked in every log line from now on. */
export function freshKeys(secrets: SecretRegistry): SocketKeys {
  const keys = { bridge: generateKey(), admin: generateKey() };
  secrets.add(keys.bridge);
  secrets.add(keys.admin);
  return keys;
}

export async function writeKeyFiles(o: BrokerSocketsOptions, keys: SocketKeys): Promise<void> {
  await writeKeyFile(o.endpoint.keyPath, keys.bridge);
  await writeKeyFile(o.adminEndpoint.keyPath, keys.admin);
}

/** Listens on the bridges' socket, then the admin one; if the second fails, the first is closed again. */
export async function listenBoth<B, A>(
  o: BrokerSocketsOptions,
  keys: SocketKeys,
  protocols: { bridge: RpcProtocol<B>; admin: RpcProtocol<A> },
): Promise<RpcServer[]> {
  const common = {
    isPipe: o.isPipe,
    logger: o.logger,
    limits: ipcLimitsWith(o.ipcLimits),
    ...(o.setTimer === undefined ? {} : { setTimer: o.setTimer }),
  };
  const bridge = createRpcServer({
    ...common,
    path: o.endpoint.path,
    expectedKey: keys.bridge,
    protocol: protocols.bridge,
  });
  const admin = createRpcServer({
    ...common,
    path: o.adminEndpoint.path,
    expectedKey: keys.admin,
    protocol: protocols.admin,
  });
  startStep(await bridge.listen());
  const adminListen = await admin.listen();
  if (!adminListen.ok) {
    await bridge.close();
    startStep(adminListen);
  }
  return [bridge, admin];
}

/** Closes the servers (and their connections); the key files go once nothing listens on them. */
export async function closeSockets(o: BrokerSocketsOptions, servers: readonly RpcServer[]): Promise<void> {
  await Promise.all(servers.map((s) => s.close()));
  if (servers.length > 0) {
    await unlink(o.endpoint.keyPath).catch(() => undefined);
    await unlink(o.adminEndpoint.keyPath).catch(() => undefined);
  }
}
