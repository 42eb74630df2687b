/**
 * Human-readable `graph-bridge status`. No tokens ever reach this text (status carries none). Client
 * names, tools, approval summaries and error reasons come from peers and the network: every line is
 * passed through escapeControls, so none of them can add a line or reach the terminal as an escape.
 */
import type { AdminStatus } from '../broker/admin-protocol.ts';
import { escapeControls, shellArg } from '../shared/terminal-safe.ts';

export interface StatusView extends Omit<AdminStatus, 'host' | 'interactiveApprovals'> {
  running: boolean;
  host: string | null;
}

/** `cli`: how to write a graph-bridge command for this profile (app/cli/invocation.ts). */
export function formatStatus(view: StatusView, cli = 'graph-bridge'): string {
  const s = view.status;
  const lines: string[] = [];
  lines.push(
    `Broker:        ${view.running ? `running (${view.host ?? 'agent'}) on ${s.endpoint}` : `not running (would listen on ${s.endpoint})`}`,
  );
  if (s.paused) lines.push(`Access:        PAUSED (resume in the Graph Bridge window, or with: ${cli} resume)`);
  lines.push(
    `Account:       ${s.account === null ? `not signed in (run: ${cli} login)` : `${s.account.username}${s.account.name === undefined ? '' : ` (${s.account.name})`}`}`,
  );
  if (s.account !== null) lines.push(`Tenant:        ${s.account.tenantId} @ ${s.account.environment}`);
  if (s.signInNeeded !== undefined)
    lines.push(`Sign-in:       NEEDED since ${s.signInNeeded.since}: ${s.signInNeeded.reason}`);
  if (s.accounts.length > 1)
    lines.push(
      `Other accounts: ${s.accounts
        .filter((a) => a.homeAccountId !== s.account?.homeAccountId)
        .map((a) => a.username)
        .join(', ')}`,
    );
  const warn = s.cache.backend === 'keychain' ? '' : '  <- tokens are NOT kept in the OS keychain';
  lines.push(`Token cache:   ${s.cache.backend} — ${s.cache.detail}${warn}`);
  lines.push(
    `Token expiry:  ${s.token.expiresOn ?? 'no access token yet'}${s.token.lastRefresh === null ? '' : ` (last refresh ${s.token.lastRefresh})`}`,
  );
  const granted = new Set(s.grantedScopes.map((x) => x.toLowerCase()));
  const missing = view.neededScopes.filter((x) => !granted.has(x.toLowerCase()));
  lines.push(`Granted:       ${s.grantedScopes.length === 0 ? '(none)' : s.grantedScopes.join(' ')}`);
  lines.push(`Needed:        ${view.neededScopes.join(' ') || '(none)'}`);
  if (missing.length > 0) lines.push(`Missing:       ${missing.join(' ')} (grant with: ${cli} consent <group|scope…>)`);
  lines.push('Clients:');
  if (s.clients.length === 0) lines.push('  (none yet)');
  for (const c of s.clients) {
    lines.push(
      `  ${c.id.padEnd(14)} ${c.name.padEnd(24)} ${c.approval.padEnd(9)} connected ${c.connected}, calls ${c.calls}, last seen ${c.lastSeen}`,
    );
  }
  lines.push('Pending approvals:');
  if (s.pendingApprovals.length === 0) lines.push('  (none)');
  for (const a of s.pendingApprovals) {
    lines.push(`  [${a.id}] ${a.client} / ${a.tool}: ${a.summary} (expires ${a.expiresAt})`);
  }
  if (s.pendingConsent.length > 0) {
    lines.push('Consent requested:');
    for (const c of s.pendingConsent)
      lines.push(
        `  ${c.scopes.join(' ')} (by ${c.requestedBy}; grant with: ${cli} consent ${c.scopes.map(shellArg).join(' ')})`,
      );
  }
  if (view.logPath !== null) lines.push(`Log:           ${view.logPath}`);
  lines.push(`Audit log:     ${view.auditPath}`);
  return `${lines.map(escapeControls).join('\n')}\n`;
}
