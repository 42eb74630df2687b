/**
 * Desktop notifications as a pure diff of two broker statuses. Only NEW items notify (an approval
 * that was already pending does not notify again on every status change). Clicking any of them
 * opens the status window, where the user acts. Peer-controlled text (client names, tools, summaries)
 * is passed through escapeControls: one notification cannot pose as two or carry escape sequences.
 */
import type { BrokerStatus } from '../../shared/bridge-contract.ts';
import { escapeControls as e } from '../../shared/terminal-safe.ts';

export type NotificationKind = 'sign-in-needed' | 'client-approval' | 'consent-needed' | 'write-approval';

export interface NotificationModel {
  kind: NotificationKind;
  /** Stable per item, so the shell can replace rather than stack duplicates. */
  id: string;
  title: string;
  body: string;
}

function signInNeeded(prev: BrokerStatus | null, next: BrokerStatus): NotificationModel[] {
  if (next.signInNeeded !== undefined && next.account !== null && prev?.signInNeeded === undefined) {
    return [
      {
        kind: 'sign-in-needed',
        id: 'sign-in',
        title: 'Graph Bridge: sign-in needed',
        body: `${e(next.account.username)} has to sign in again (${e(next.signInNeeded.reason)}). Editors cannot use Microsoft 365 until you do: open the tray icon and choose Sign in.`,
      },
    ];
  }
  if (prev === null || prev.account === null || next.account !== null) return [];
  return [
    {
      kind: 'sign-in-needed',
      id: 'sign-in',
      title: 'Graph Bridge: sign-in needed',
      body: `${e(prev.account.username)} is no longer signed in. Editors cannot use Microsoft 365 until you sign in again from the tray icon.`,
    },
  ];
}

function newClients(prev: BrokerStatus | null, next: BrokerStatus): NotificationModel[] {
  const before = new Set(prev?.clients.filter((c) => c.approval === 'pending').map((c) => c.id) ?? []);
  return next.clients
    .filter((c) => c.approval === 'pending' && !before.has(c.id))
    .map((c) => ({
      kind: 'client-approval' as const,
      id: `client:${c.id}`,
      title: 'Graph Bridge: new editor wants access',
      body: `"${e(c.name)}" asked to use your Microsoft 365 account. Open Graph Bridge to allow or deny it.`,
    }));
}

function newConsent(prev: BrokerStatus | null, next: BrokerStatus): NotificationModel[] {
  const before = new Set(prev?.pendingConsent.map((c) => c.id) ?? []);
  return next.pendingConsent
    .filter((c) => !before.has(c.id))
    .map((c) => ({
      kind: 'consent-needed' as const,
      id: `consent:${c.id}`,
      title: 'Graph Bridge: permission needed',
      body: `${e(c.requestedBy)} needs ${e(c.scopes.join(', '))}. Open Graph Bridge and press Grant to consent.`,
    }));
}

function newWrites(prev: BrokerStatus | null, next: BrokerStatus): NotificationModel[] {
  const before = new Set(prev?.pendingApprovals.map((a) => a.id) ?? []);
  return next.pendingApprovals
    .filter((a) => !before.has(a.id))
    .map((a) => ({
      kind: 'write-approval' as const,
      id: `write:${a.id}`,
      title: `Graph Bridge: ${e(a.client)} wants to run ${e(a.tool)}`,
      body: `${e(a.summary)}\nOpen Graph Bridge to allow or deny it.`,
    }));
}

export function notificationsFor(prev: BrokerStatus | null, next: BrokerStatus): NotificationModel[] {
  return [...signInNeeded(prev, next), ...newClients(prev, next), ...newConsent(prev, next), ...newWrites(prev, next)];
}
