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
 *
 * This file is the facade (broker-api.ts) over the parts; each is its own file:
 *   broker-deps.ts       what a host passes in
 *   broker-parts.ts      approvals, audit, the bridge protocol, confirmation codes, wired together
 *   broker-status.ts     status, admin status, needed scopes, status listeners
 *   broker-lifecycle.ts  start and stop (ipc/broker-sockets.ts: run dirs, sockets, keys)
 */
import type { BrokerEndpoint } from '../shared/endpoint.ts';
import type { Result } from '../shared/result.ts';
import type { ToolGroup } from '../shared/tool-groups.ts';
import type { Broker } from './broker-api.ts';
import type { AdminStatus } from './admin-protocol.ts';
import type { GrantConsentOptions } from './auth/auth-service.ts';
import type { AdminEndpoint } from './admin/admin-endpoint.ts';
import type { BrokerDeps } from './broker-deps.ts';
import { createBrokerLifecycle } from './broker-lifecycle.ts';
import { createBrokerParts } from './broker-parts.ts';
import { adminStatus, brokerStatus, createStatusNotifier, neededScopes } from './broker-status.ts';
import { grantScopesFor } from './consent/grant-scopes.ts';

export type { BrokerDeps } from './broker-deps.ts';
export { BrokerStartError, ipcLimitsWith } from './ipc/broker-sockets.ts';

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

export { adminEndpointFor } from './admin/admin-endpoint.ts';

/** Consent for a group's (or explicit) scopes; the auth service drops the consent items it covers. */
async function grantConsent(
  deps: BrokerDeps,
  target: { group: ToolGroup } | { scopes: string[] },
  options: GrantConsentOptions | undefined,
  changed: () => void,
): Promise<Result<string[]>> {
  const scopes = grantScopesFor(target, deps.config());
  if (!scopes.ok) return scopes;
  const result = await deps.auth.grantConsent(scopes.value, options);
  changed();
  return result;
}

export function createBroker(deps: BrokerDeps): BrokerCore {
  const { auth, logger } = deps;
  let paused = false;
  const notifier = createStatusNotifier(() => broker.status(), logger);
  const { changed } = notifier;
  const parts = createBrokerParts(deps, { changed, isPaused: () => paused, status: () => broker.status() });
  const { clients, writes, audit } = parts;
  const broker: BrokerCore = {
    auth,
    endpoint: deps.endpoint,
    adminEndpoint: parts.adminEndpoint,
    start: () => lifecycle.start(),
    stop: () => lifecycle.stop(),
    loadState: () => clients.load(),
    status: () => brokerStatus(deps, parts, paused),
    adminStatus: () => adminStatus(deps, parts, broker.status()),
    neededScopes: () => neededScopes(deps, parts),
    connectionCount: () => lifecycle.connectionCount(),
    onStatusChanged: (listener) => notifier.onStatusChanged(listener),
    signIn: (options) => auth.signInInteractive(options),
    signInWithDeviceCode: (options) => auth.signInDeviceCode(options),
    signOut: (homeAccountId) => auth.signOut(homeAccountId),
    useAccount: (id) => auth.useAccount(id),
    grantConsent: (target, options) => grantConsent(deps, target, options, changed),
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
  };
  const lifecycle = createBrokerLifecycle(deps, parts, {
    broker,
    adminStatus: () => broker.adminStatus(),
    changed,
  });
  return broker;
}
