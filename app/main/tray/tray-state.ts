/**
 * What the tray icon and tooltip show, derived purely from broker status.
 *
 * Precedence: paused > needs attention (a client, consent or write approval waits for the user, or the
 * account must sign in again) >
 * signed in > signed out. Paused wins because while paused nothing is served, so pending items can wait.
 */
import type { BrokerStatus } from '../../shared/bridge-contract.ts';
import { escapeControls } from '../../shared/terminal-safe.ts';

export const TRAY_ICON_STATES = ['signed-out', 'signed-in', 'attention', 'paused'] as const;
export type TrayIconState = (typeof TRAY_ICON_STATES)[number];

export interface AttentionCounts {
  clients: number;
  consent: number;
  writes: number;
  total: number;
}

export function attentionCounts(status: BrokerStatus): AttentionCounts {
  const clients = status.clients.filter((c) => c.approval === 'pending').length;
  const consent = status.pendingConsent.length;
  const writes = status.pendingApprovals.length;
  return { clients, consent, writes, total: clients + consent + writes };
}

export function trayIconState(status: BrokerStatus): TrayIconState {
  if (status.paused) return 'paused';
  if (attentionCounts(status).total > 0 || status.signInNeeded !== undefined) return 'attention';
  return status.account === null ? 'signed-out' : 'signed-in';
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function trayTooltip(status: BrokerStatus): string {
  const lines = ['Graph Bridge'];
  lines.push(status.account === null ? 'Not signed in' : `Signed in as ${escapeControls(status.account.username)}`);
  if (status.signInNeeded !== undefined) lines.push('Sign-in needed');
  if (status.paused) lines.push('Access paused');
  const n = attentionCounts(status);
  const waiting = [
    n.clients > 0 ? plural(n.clients, 'editor') : '',
    n.consent > 0 ? plural(n.consent, 'consent request') : '',
    n.writes > 0 ? plural(n.writes, 'write approval') : '',
  ].filter((s) => s !== '');
  if (waiting.length > 0) lines.push(`Waiting for you: ${waiting.join(', ')}`);
  return lines.join('\n');
}
