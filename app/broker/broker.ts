/**
 * createBroker(deps): the broker composition root shared by the headless agent and the tray.
 *
 * Files it owns (two private dirs, 0700, both checked at start; see admin/admin-endpoint.ts):
 *   <run dir>/broker.sock, broker.key          what bridges get: the socket (0600) and its key
 *   <run dir>-admin/admin.sock, admin.key      the CLI's admin channel — never in the bridges' run dir
 *   (Windows: named pipes `<pipe>` and `<pipe>-admin`); keys are 64 hex chars + "\n" (0600), fresh random
 *   256-bit keys at every start, removed at stop
 * and in the state dir: clients.json (client approvals, see approvals/client-registry.ts),
 * editor-keys.json (hashes of per-editor credentials, approvals/editor-credentials.ts) and
 * audit.jsonl[.1|.2] (see audit/audit-log.ts).
 */
import { randomUUID } from 'node:crypto';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import {
  HELLO_DEADLINE_MS,
  MAX_FRAME_BYTES,
  MAX_IN_FLIGHT_PER_CONNECTION,
  MAX_PRE_HELLO_FRAME_BYTES,
  MAX_UNAUTHENTICATED_CONNECTIONS,
} from '../shared/constants.ts';
import { userConsentableScopes } from '../shared/tool-groups.ts';
import type { BrokerEndpoint } from '../shared/endpoint.ts';
import type { BrokerStatus } from '../shared/bridge-contract.ts';
import { fail, ok, type Result } from '../shared/result.ts';
import type { AuthService } from './auth/auth-service.ts';
import type { Broker } from './broker-api.ts';
import type { BrokerConfig } from './broker-config.ts';
import type { AdminStatus } from './admin-protocol.ts';
import { createAuditLog } from './audit/audit-log.ts';
import { createClientRegistry } from './approvals/client-registry.ts';
import { createEditorCredentials, EDITOR_KEYS_FILE } from './approvals/editor-credentials.ts';
import { adminEndpointFor, type AdminEndpoint } from './admin/admin-endpoint.ts';
import { createConfirmations, type ShowConfirmation } from './admin/confirmations.ts';
import type { SettingsControl } from './admin/settings-control.ts';
import { createWriteApprovals } from './approvals/write-approvals.ts';
import type { WritePolicy } from './approvals/write-approvals.ts';
import { grantScopesFor } from './consent/grant-scopes.ts';
import { composeStatus } from './status/compose-status.ts';
import { createBridgeProtocol } from './ipc/bridge-protocol.ts';
import { createAdminProtocol } from './admin/admin-server-protocol.ts';
import { createRpcServer, removeStaleSocket } from './ipc/rpc-server.ts';
import type { RpcServer, RpcServerLimits } from './ipc/rpc-server.ts';
import type { SetTimer } from '../shared/timers.ts';
import { ensurePrivateDir } from '../shared/private-dir.ts';
import { generateKey, writeKeyFile } from './ipc/key.ts';
import type { Logger, SecretRegistry } from './log/logger.ts';

export interface BrokerDeps {
  auth: AuthService;
  endpoint: BrokerEndpoint;
  /** Windows named pipes: no POSIX file modes, no socket files. */
  isPipe: boolean;
  /** Current uid for the private-dir owner check (undefined on Windows). */
  uid: number | undefined;
  /** clients.json and audit.jsonl live here. */
  stateDir: string;
  config: () => BrokerConfig;
  version: string;
  logger: Logger;
  /** Shared with the logger so the keys and issued tokens are masked in every line. */
  secrets: SecretRegistry;
  /** Path of the log file, shown in status and INTERNAL error messages. */
  logPath?: string | null;
  host?: 'agent' | 'tray';
  /** Can a human answer write approvals (tray: yes; agent: only with --approvals=ask)? */
  interactiveApprovals: boolean;
  /**
   * Shows a one-time confirmation code to the person at this host — the tray's window, the agent's own
   * terminal — and says where; never a log, status or a socket. Without it, nothing that loosens access
   * can be done over the admin channel (the window still can).
   */
  showConfirmation?: ShowConfirmation;
  /** The code is no longer valid (used, expired): stop showing it. */
  hideConfirmation?: (challengeId: string) => void;
  /** settings.json for the admin channel's settings.get/update (`graph-bridge settings`). */
  settings?: SettingsControl;
  now?: () => Date;
  newId?: () => string;
  /** What one connection may cost (both sockets); defaults from app/shared/constants.ts. Tests shorten the deadline. */
  ipcLimits?: Partial<RpcServerLimits>;
  /** Timers of the IPC servers (hello deadlines); default unref'd setTimeout. */
  setTimer?: SetTimer;
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

/** What createBroker returns: the Broker facade plus host-only extras. */
export interface BrokerCore extends Broker {
  readonly endpoint: BrokerEndpoint;
  readonly adminEndpoint: AdminEndpoint;
  adminStatus(): AdminStatus;
  /** Loads persisted state (clients.json) without listening: for CLI commands run in-process. */
  loadState(): Promise<void>;
  neededScopes(): string[];
  connectionCount(): number;
}

export class BrokerStartError extends Error {
  override readonly name = 'BrokerStartError';
}

export { adminEndpointFor } from './admin/admin-endpoint.ts';

/**
 * The broker's run dir (and the admin dir): created 0700 when missing, else it must already be the
 * user's and private (app/shared/private-dir.ts) — another user must never reach the socket or read
 * the key. Refused, the message says how to fix it.
 */
async function privateRunDir(dir: string, uid: number | undefined): Promise<Result<void>> {
  const check = await ensurePrivateDir(dir, { uid });
  if (check.ok) return ok(undefined);
  return fail(
    'INTERNAL',
    `Refusing to start: ${check.problem}. Another user could reach the broker's socket or read its key. ` +
      `Remove the directory, or make it yours and private (chown ${uid ?? ''} '${dir}' && chmod 700 '${dir}'), then start again.`,
  );
}

export function createBroker(deps: BrokerDeps): BrokerCore {
  const { auth, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const newId = deps.newId ?? (() => randomUUID().slice(0, 8));
  const adminEndpoint = adminEndpointFor(deps.endpoint, deps.isPipe);
  const listeners = new Set<(status: BrokerStatus) => void>();
  let paused = false;
  let emitScheduled = false;
  let servers: RpcServer[] = [];
  let unsubscribeAuth: (() => void) | null = null;

  const changed = (): void => {
    if (emitScheduled || listeners.size === 0) return;
    emitScheduled = true;
    queueMicrotask(() => {
      emitScheduled = false;
      const s = broker.status();
      for (const l of listeners) {
        try {
          l(s);
        } catch (e) {
          logger.error('status listener failed', { error: e });
        }
      }
    });
  };

  const clients = createClientRegistry({
    filePath: join(deps.stateDir, 'clients.json'),
    now,
    policy: () => deps.config().clientPolicy,
    credentials: createEditorCredentials({ filePath: join(deps.stateDir, EDITOR_KEYS_FILE), now }),
    logger,
    onChange: changed,
  });
  const writePolicy = (tool: string): WritePolicy => {
    const cfg = deps.config();
    const configured = cfg.writePolicy.tools[tool] ?? cfg.writePolicy.default;
    if (configured === 'deny') return 'deny';
    return clients.isToolAlwaysAllowed(tool) ? 'allow' : configured;
  };
  const writes = createWriteApprovals({
    now,
    newId,
    timeoutMs: () => deps.config().approvalTimeoutSeconds * 1000,
    policy: writePolicy,
    interactive: deps.interactiveApprovals,
    rememberAllowed: (tool) => clients.rememberToolAllowed(tool),
    onChange: changed,
  });
  const audit = createAuditLog({ filePath: join(deps.stateDir, 'audit.jsonl') });
  const bridgeProtocol = createBridgeProtocol({
    version: deps.version,
    auth,
    clients,
    writes,
    audit,
    config: deps.config,
    isPaused: () => paused,
    status: () => broker.status(),
    secrets: deps.secrets,
    logger,
    now,
  });
  const confirmations = createConfirmations({
    now,
    show: deps.showConfirmation ?? null,
    ...(deps.hideConfirmation === undefined ? {} : { hide: deps.hideConfirmation }),
  });

  const startError = (r: Result<unknown>): void => {
    if (!r.ok) throw new BrokerStartError(r.error.message);
  };

  const broker: BrokerCore = {
    auth,
    endpoint: deps.endpoint,
    adminEndpoint,

    async start() {
      startError(await privateRunDir(deps.endpoint.dir, deps.uid));
      startError(await privateRunDir(adminEndpoint.dir, deps.uid));
      await clients.load();
      if (!deps.isPipe) {
        // Refuse before touching the key files of a live broker.
        startError(await removeStaleSocket(deps.endpoint.path));
        startError(await removeStaleSocket(adminEndpoint.path));
      }
      const bridgeKey = generateKey();
      const adminKey = generateKey();
      deps.secrets.add(bridgeKey);
      deps.secrets.add(adminKey);
      const common = {
        isPipe: deps.isPipe,
        logger,
        limits: ipcLimitsWith(deps.ipcLimits),
        ...(deps.setTimer === undefined ? {} : { setTimer: deps.setTimer }),
      };
      const bridgeServer = createRpcServer({
        ...common,
        path: deps.endpoint.path,
        expectedKey: bridgeKey,
        protocol: bridgeProtocol,
      });
      const adminServer = createRpcServer({
        ...common,
        path: adminEndpoint.path,
        expectedKey: adminKey,
        protocol: createAdminProtocol({
          broker,
          version: deps.version,
          adminStatus: () => broker.adminStatus(),
          confirmations,
          settings: deps.settings ?? null,
        }),
      });
      if (!deps.isPipe) {
        await writeKeyFile(deps.endpoint.keyPath, bridgeKey);
        await writeKeyFile(adminEndpoint.keyPath, adminKey);
      }
      startError(await bridgeServer.listen());
      servers.push(bridgeServer);
      const adminListen = await adminServer.listen();
      if (!adminListen.ok) {
        await bridgeServer.close();
        servers = [];
        startError(adminListen);
      }
      servers.push(adminServer);
      if (deps.isPipe) {
        await writeKeyFile(deps.endpoint.keyPath, bridgeKey);
        await writeKeyFile(adminEndpoint.keyPath, adminKey);
      }
      unsubscribeAuth = auth.onChange(changed);
      logger.info(`Broker listening on ${deps.endpoint.path}`);
    },

    loadState: () => clients.load(),

    status() {
      const cfg = deps.config();
      return composeStatus({
        brokerVersion: deps.version,
        endpoint: deps.endpoint.path,
        paused,
        auth: auth.snapshot(),
        toolGroups: cfg.toolGroups,
        readOnly: cfg.readOnly,
        clients: clients.list(),
        pendingApprovals: writes.list(),
        pendingConsent: auth.pendingConsent(),
      });
    },
    adminStatus() {
      return {
        status: broker.status(),
        neededScopes: broker.neededScopes(),
        logPath: deps.logPath ?? null,
        auditPath: audit.path(),
        host: deps.host ?? 'agent',
        interactiveApprovals: deps.interactiveApprovals,
      };
    },
    neededScopes() {
      const cfg = deps.config();
      const all = new Set(bridgeProtocol.neededScopes());
      for (const g of cfg.toolGroups) for (const s of userConsentableScopes(g, cfg.readOnly)) all.add(s);
      return [...all].sort();
    },
    connectionCount: () => servers.reduce((n, s) => n + s.connectionCount(), 0),
    onStatusChanged(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    signIn: (options) => auth.signInInteractive(options),
    signInWithDeviceCode: (options) => auth.signInDeviceCode(options),
    signOut: (homeAccountId) => auth.signOut(homeAccountId),
    useAccount: (id) => auth.useAccount(id),
    async grantConsent(target, options) {
      const scopes = grantScopesFor(target, deps.config());
      if (!scopes.ok) return scopes;
      const result = await auth.grantConsent(scopes.value, options);
      changed();
      return result;
    },
    decideClient: (id, decision) => clients.decide(id, decision),
    decideWrite: (id, decision) => writes.decide(id, decision),
    setPaused(value) {
      if (paused === value) return;
      paused = value;
      if (value) writes.denyAll('The user paused Graph Bridge access, so the write was not made.');
      logger.info(value ? 'Access paused' : 'Access resumed');
      changed();
    },
    audit: (query) => audit.query(query),
    auditLogPath: () => audit.path(),

    async stop() {
      unsubscribeAuth?.();
      unsubscribeAuth = null;
      writes.denyAll('Graph Bridge is shutting down.');
      const running = servers;
      servers = [];
      await Promise.all(running.map((s) => s.close()));
      if (running.length > 0) {
        await unlink(deps.endpoint.keyPath).catch(() => undefined);
        await unlink(adminEndpoint.keyPath).catch(() => undefined);
      }
      await clients.flush();
      await auth.close();
      logger.info('Broker stopped');
    },
  };
  return broker;
}
