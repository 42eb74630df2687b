/**
 * Decisions that loosen access — approving an editor or a write, resuming, a settings change that is
 * not a pure tightening — need a person: this CLI refuses them unless stdin is an interactive terminal,
 * then asks for the one-time code the broker showed in the Graph Bridge window or in the terminal
 * running `graph-bridge agent`, and retries the action with it (see app/broker/admin/confirmations.ts).
 */
import type { AdminParams, AdminValue, Confirmation, AdminError } from '../broker/admin-protocol.ts';
import type { AdminClient } from './admin-client.ts';
import { EXIT, type CliDeps } from './command.ts';
import type { Result } from '../shared/result.ts';

export const NEEDS_A_PERSON =
  'this needs a person at a terminal: approve it in the Graph Bridge window (tray icon), or run this command in ' +
  'your own terminal, where you will be asked for the code Graph Bridge shows you.';

type Confirmable = 'clients.decide' | 'approvals.decide' | 'pause' | 'settings.update';

/** Prints the refusal and returns 1 unless a person can type at this terminal (then null). */
export function requireTerminal(deps: Pick<CliDeps, 'terminal' | 'stderr'>): number | null {
  if (deps.terminal.interactive) return null;
  deps.stderr.write(`graph-bridge: ${NEEDS_A_PERSON}\n`);
  return EXIT.FAILURE;
}

function clock(iso: string): string {
  return new Date(iso).toLocaleTimeString();
}

/**
 * Calls `method`; when the broker answers CONFIRMATION_REQUIRED, asks the person for the code (at most
 * the attempts the broker allows) and calls again with it. Resolves to the last answer; a cancelled
 * prompt (Ctrl-C, end of input) resolves to null.
 */
export async function callConfirmed<M extends Confirmable>(
  deps: Pick<CliDeps, 'terminal' | 'stderr'>,
  admin: Pick<AdminClient, 'call'>,
  method: M,
  params: AdminParams<M>,
): Promise<Result<AdminValue<M>, AdminError> | null> {
  // Confirmable methods answer Result<_, AdminError> (admin-protocol.ts AdminAnswer); TS cannot narrow the generic.
  const call = (p: AdminParams<M>) => admin.call(method, p) as Promise<Result<AdminValue<M>, AdminError>>;
  let answer = await call(params);
  if (answer.ok || answer.error.code !== 'CONFIRMATION_REQUIRED' || answer.error.confirmation === undefined) {
    return answer;
  }
  if (!deps.terminal.interactive) {
    return { ok: false, error: { code: 'CONFIRMATION_REQUIRED', message: NEEDS_A_PERSON } };
  }
  const challenge = answer.error.confirmation;
  deps.stderr.write(
    `To confirm: ${challenge.action}\n` +
      `Graph Bridge shows a 6-digit code in ${challenge.shownIn} (valid until ${clock(challenge.expiresAt)}).\n` +
      'Type it here only if you started this command yourself.\n',
  );
  for (;;) {
    const typed = await deps.terminal.ask('Code: ');
    if (typed === null) return null;
    const code = typed.replace(/\s+/g, '');
    if (!/^[0-9]{6}$/.test(code)) {
      deps.stderr.write('The code is 6 digits.\n');
      continue;
    }
    const confirmation: Confirmation = { challengeId: challenge.challengeId, code };
    answer = await call({ ...params, confirmation });
    if (answer.ok || answer.error.code !== 'CONFIRMATION_FAILED' || (answer.error.attemptsLeft ?? 0) === 0) {
      return answer;
    }
    deps.stderr.write(`${answer.error.message}\n`);
  }
}
