/**
 * The broker's state and the bridges' protocol over it, wired to each other: client approvals
 * (clients.json + editor credentials), write approvals under the write policy, the audit log, the bridge protocol and the one-time confirmation codes of the admin channel.
 * Every part reports a change through `changed` (status listeners, broker-status.ts).
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { BrokerStatus } from '../shared/bridge-contract.ts';
import type { BrokerDeps } from './broker-deps.ts';
import { createAuditLog, type AuditLog } from './audit/audit-log.ts';
import { createClientRegistry, type ClientRegistry } from './approvals/client-registry.ts';
import { createEditorCredentials, EDITOR_KEYS_FILE } from './approvals/editor-credentials.ts';
import { adminEndpointFor, type AdminEndpoint } from './admin/admin-endpoint.ts';
import { createConfirmations, type Confirmations } from './admin/confirmations.ts';
import { createWriteApprovals, type WriteApprovals } from './approvals/write-approvals.ts';
import type { WritePolicy } from './approvals/write-approvals.ts';
import { createBridgeProtocol, type BridgeProtocol } from './ipc/bridge-protocol.ts';

export interface BrokerParts {
  now: () => Date;
  adminEndpoint: AdminEndpoint;
  clients: ClientRegistry;
  writes: WriteApprovals;
  audit: AuditLog;
  bridgeProtocol: BridgeProtocol;
  confirmations: Confirmations;
}

/** What the parts ask of the broker around them. */
export interface BrokerHooks {
  /** Something visible in status changed. */
  changed: () => void;
  isPaused: () => boolean;
  status: () => BrokerStatus;
}

/** Settings first ('deny' always wins), then a remembered "always allow", then the configured policy. */
function writePolicyFor(deps: BrokerDeps, clients: ClientRegistry): (tool: string) => WritePolicy {
  return (tool) => {
    const cfg = deps.config();
    const configured = cfg.writePolicy.tools[tool] ?? cfg.writePolicy.default;
    if (configured === 'deny') return 'deny';
    return clients.isToolAlwaysAllowed(tool) ? 'allow' : configured;
  };
}

function createApprovals(deps: BrokerDeps, now: () => Date, newId: () => string, changed: () => void) {
  const clients = createClientRegistry({
    filePath: join(deps.stateDir, 'clients.json'),
    now,
    policy: () => deps.config().clientPolicy,
    credentials: createEditorCredentials({ filePath: join(deps.stateDir, EDITOR_KEYS_FILE), now }),
    logger: deps.logger,
    onChange: changed,
  });
  const writes = createWriteApprovals({
    now,
    newId,
    timeoutMs: () => deps.config().approvalTimeoutSeconds * 1000,
    policy: writePolicyFor(deps, clients),
    interactive: deps.interactiveApprovals,
    rememberAllowed: (tool) => clients.rememberToolAllowed(tool),
    onChange: changed,
  });
  return { clients, writes };
}

export function createBrokerParts(deps: BrokerDeps, hooks: BrokerHooks): BrokerParts {
  const now = deps.now ?? (() => new Date());
  const newId = deps.newId ?? (() => randomUUID().slice(0, 8));
  const { clients, writes } = createApprovals(deps, now, newId, hooks.changed);
  const audit = createAuditLog({ filePath: join(deps.stateDir, 'audit.jsonl') });
  const bridgeProtocol = createBridgeProtocol({
    version: deps.version,
    auth: deps.auth,
    clients,
    writes,
    audit,
    config: deps.config,
    isPaused: hooks.isPaused,
    status: hooks.status,
    secrets: deps.secrets,
    logger: deps.logger,
    now,
  });
  const confirmations =
    deps.confirmations ??
    createConfirmations({
      now,
      show: deps.showConfirmation ?? null,
      ...(deps.hideConfirmation === undefined ? {} : { hide: deps.hideConfirmation }),
    });
  const adminEndpoint = adminEndpointFor(deps.endpoint, deps.isPipe);
  return { now, adminEndpoint, clients, writes, audit, bridgeProtocol, confirmations };
}
