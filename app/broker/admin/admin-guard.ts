/**
 * Which admin requests loosen access, how each is described to the person who must confirm it, and
 * the guard that runs such a request only with the one-time code for exactly that action
 * (confirmations.ts). Requests that only tighten carry no action and run at once.
 */
import type { AdminError, AdminParams, Confirmation } from '../admin-protocol.ts';
import type { Result } from '../../shared/result.ts';
import type { Broker } from '../broker-api.ts';
import type { Confirmations } from './confirmations.ts';

export type Answer = Result<unknown> | Result<unknown, AdminError>;

/** An action that loosens access: what its code is bound to, and what the person is asked to confirm. */
export interface LooseningAction {
  key: unknown;
  description: string;
}

/** JSON with sorted keys: the same action always gives the same key. */
export function actionKey(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

/** Runs `run` when `action` is null (nothing loosens) or the confirmation matches; else challenges. */
export async function guard(
  confirmations: Confirmations,
  { action, confirmation }: { action: LooseningAction | null; confirmation: Confirmation | undefined },
  run: () => Answer | Promise<Answer>,
): Promise<Answer> {
  if (action === null) return run();
  const key = actionKey(action.key);
  if (confirmation === undefined) return confirmations.request(key, action.description);
  const checked = confirmations.verify(confirmation, key);
  return checked.ok ? run() : checked;
}

/** Approving a client loosens access (null when it is not known: the broker answers that itself). */
export function approveClientAction(broker: Broker, id: string): LooseningAction | null {
  const c = broker.status().clients.find((x) => x.id === id);
  if (c === undefined) return null;
  // firstSeen changes when an editor's credential is replaced: a code never approves a newer one.
  const key = ['clients.decide', c.id, 'approve', c.firstSeen, c.name];
  return {
    key,
    description: c.remembered
      ? `Allow the editor ${c.id} (it calls itself ${JSON.stringify(c.name)}) to use your Microsoft 365 account`
      : `Allow ${JSON.stringify(c.name)} (${c.id}: not a connected editor, so for this session only) to use your Microsoft 365 account`,
  };
}

/** Allowing a pending write (once or always) loosens access; denying it does not. */
export function writeDecisionAction(
  broker: Broker,
  { id, decision }: Pick<AdminParams<'approvals.decide'>, 'id' | 'decision'>,
): LooseningAction | null {
  if (decision === 'deny') return null;
  const a = broker.status().pendingApprovals.find((x) => x.id === id);
  if (a === undefined) return null;
  const description =
    decision === 'allow-always'
      ? `Always allow ${a.tool} for every editor, starting with ${JSON.stringify(a.client)}: ${a.summary}`
      : `Allow ${JSON.stringify(a.client)} to run ${a.tool} once: ${a.summary}`;
  return { key: ['approvals.decide', id, decision], description };
}

/** Resuming a paused broker loosens access; pausing (or "resuming" a running one) does not. */
export function resumeAction(broker: Broker, paused: boolean): LooseningAction | null {
  const resumes = !paused && broker.status().paused;
  return resumes ? { key: ['pause', false], description: 'Resume Graph Bridge access for every editor' } : null;
}
