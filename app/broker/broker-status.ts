/**
 * What the broker shows its hosts: status (compose-status.ts over the parts), the admin channel's
 * richer status, the scopes the enabled groups need, and status listeners — told once per microtask
 * however many changes came in it.
 */
import { userConsentableScopes } from '../shared/tool-groups.ts';
import type { BrokerStatus } from '../shared/bridge-contract.ts';
import type { AdminStatus } from './admin-protocol.ts';
import type { BrokerDeps } from './broker-deps.ts';
import type { BrokerParts } from './broker-parts.ts';
import type { Logger } from './log/logger.ts';
import { composeStatus } from './status/compose-status.ts';

export interface StatusNotifier {
  /** Something visible in status changed: listeners get the new status after this microtask. */
  changed: () => void;
  onStatusChanged(listener: (status: BrokerStatus) => void): () => void;
}

export function createStatusNotifier(status: () => BrokerStatus, logger: Logger): StatusNotifier {
  const listeners = new Set<(status: BrokerStatus) => void>();
  let emitScheduled = false;
  const tell = (): void => {
    emitScheduled = false;
    const s = status();
    for (const l of listeners) {
      try {
        l(s);
      } catch (e) {
        logger.error('status listener failed', { error: e });
      }
    }
  };
  return {
    changed() {
      if (emitScheduled || listeners.size === 0) return;
      emitScheduled = true;
      queueMicrotask(tell);
    },
    onStatusChanged(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export function brokerStatus(deps: BrokerDeps, parts: BrokerParts, paused: boolean): BrokerStatus {
  const cfg = deps.config();
  return composeStatus({
    brokerVersion: deps.version,
    endpoint: deps.endpoint.path,
    paused,
    auth: deps.auth.snapshot(),
    toolGroups: cfg.toolGroups,
    readOnly: cfg.readOnly,
    clients: parts.clients.list(),
    pendingApprovals: parts.writes.list(),
    pendingConsent: deps.auth.pendingConsent(),
  });
}

/** Scopes the bridges asked for plus every scope a user can consent to in the enabled groups. */
export function neededScopes(deps: BrokerDeps, parts: BrokerParts): string[] {
  const cfg = deps.config();
  const all = new Set(parts.bridgeProtocol.neededScopes());
  for (const g of cfg.toolGroups) for (const s of userConsentableScopes(g, cfg.readOnly)) all.add(s);
  return [...all].sort();
}

export function adminStatus(deps: BrokerDeps, parts: BrokerParts, status: BrokerStatus): AdminStatus {
  return {
    status,
    neededScopes: neededScopes(deps, parts),
    logPath: deps.logPath ?? null,
    auditPath: parts.audit.path(),
    host: deps.host ?? 'agent',
    interactiveApprovals: deps.interactiveApprovals,
    pid: process.pid,
    showsCodes: deps.showConfirmation !== undefined,
  };
}
