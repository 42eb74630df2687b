/** Builds the BrokerStatus (statusSchema, app/shared/bridge-contract.ts) from the broker's parts. Pure. */
import { TOOL_GROUPS, isOnDemand, needsAdminConsent, scopesForGroup, writeScopesOf } from '../../shared/tool-groups.ts';
import type { BrokerStatus } from '../../shared/bridge-contract.ts';
import type { ToolGroup } from '../../shared/tool-groups.ts';
import type { AuthSnapshot } from '../auth/auth-service.ts';

export interface StatusInputs {
  brokerVersion: string;
  endpoint: string;
  paused: boolean;
  auth: AuthSnapshot;
  toolGroups: readonly ToolGroup[];
  readOnly: boolean;
  clients: BrokerStatus['clients'];
  pendingApprovals: BrokerStatus['pendingApprovals'];
  pendingConsent: BrokerStatus['pendingConsent'];
}

/** Consent matrix: every group × its scopes (in the configured mode) × granted. */
export function consentMatrix(
  toolGroups: readonly ToolGroup[],
  readOnly: boolean,
  granted: readonly string[],
): BrokerStatus['consent'] {
  const have = new Set(granted.map((s) => s.toLowerCase()));
  return TOOL_GROUPS.map((group) => {
    const write = new Set(writeScopesOf(group));
    return {
      group,
      enabled: toolGroups.includes(group),
      scopes: scopesForGroup(group, readOnly).map((scope) => ({
        scope,
        granted: have.has(scope.toLowerCase()),
        write: write.has(scope),
        ...(needsAdminConsent(scope) ? { adminConsent: true } : {}),
        ...(isOnDemand(scope) ? { onDemand: true } : {}),
      })),
    };
  });
}

export function composeStatus(input: StatusInputs): BrokerStatus {
  const { auth } = input;
  return {
    brokerVersion: input.brokerVersion,
    endpoint: input.endpoint,
    paused: input.paused,
    account: auth.account,
    ...(auth.account !== null && auth.signInNeeded
      ? { signInNeeded: { reason: auth.signInNeeded.reason, since: auth.signInNeeded.since.toISOString() } }
      : {}),
    accounts: auth.accounts,
    cache: { backend: auth.cache.backend, detail: auth.cache.detail },
    token: {
      expiresOn: auth.tokenExpiresOn?.toISOString() ?? null,
      lastRefresh: auth.lastRefresh?.toISOString() ?? null,
    },
    grantedScopes: [...auth.grantedScopes],
    consent: consentMatrix(input.toolGroups, input.readOnly, auth.grantedScopes),
    clients: input.clients,
    pendingApprovals: input.pendingApprovals,
    pendingConsent: input.pendingConsent,
  };
}
