/**
 * Decisions that loosen access — approving an editor or a write, resuming, a settings change that is
 * not a pure tightening — need a person: this CLI refuses them unless stdin is an interactive terminal,
 * then asks for the one-time code the broker showed in the Graph Bridge window or in the terminal
 * running `graph-bridge agent`, and retries the action with it (see app/broker/admin/confirmations.ts).
 */
import type {
  AdminError,
  AdminParams,
  AdminValue,
  Confirmation,
  ConfirmationChallenge,
} from '../broker/admin-protocol.ts';
import type { OsKind } from '../platform/platform.ts';
import type { AdminClient } from './admin-client.ts';
import { EXIT, type CliDeps } from './command.ts';
import { cliCommand, type InvocationDeps } from './invocation.ts';
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

/** Stops process `pid` from a terminal of this OS (POSIX sh; cmd or PowerShell on Windows). */
function stopCommand(os: OsKind, pid: number): string {
  return os === 'win32' ? `taskkill /F /PID ${pid}` : `kill ${pid}`;
}

/**
 * What a person can do when the running agent has no terminal to show a one-time code in (it was
 * started in the background — by an editor's GRAPH_BRIDGE_LAUNCH — or its output goes elsewhere):
 * stop it and run the agent in a terminal of their own, or use the app. `then` ends the advice.
 */
export function noTerminalAdvice(deps: InvocationDeps, reported: number | undefined, then: string): string {
  // Printed into a kill command: only a real process id (kill -1 or kill 0 would stop far more than the agent).
  const pid = reported !== undefined && Number.isSafeInteger(reported) && reported > 1 ? reported : undefined;
  const stop = pid === undefined ? 'stop it' : `stop it with: ${stopCommand(deps.platform.os, pid)}`;
  return (
    `The running Graph Bridge agent${pid === undefined ? '' : ` (process ${pid})`} has no terminal, so it cannot ` +
    'show you a one-time confirmation code (it was started in the background, for example by an editor, or its ' +
    `output goes to a file). To confirm from the command line, ${stop} — then run in a terminal of your own: ` +
    `${cliCommand(deps, 'agent')} — ${then} Or stop it and use the Graph Bridge app: its window shows the codes.`
  );
}

/** The broker had nowhere to show a code: say what to do, naming the agent's process. */
async function noDisplay(
  deps: InvocationDeps,
  admin: Pick<AdminClient, 'call'>,
  answer: Result<never, AdminError>,
): Promise<Result<never, AdminError>> {
  const status = await admin.call('status', {});
  if (!status.ok || status.value.host !== 'agent') return answer;
  const message = noTerminalAdvice(deps, status.value.pid, 'and run this command again in another terminal.');
  return { ok: false, error: { code: 'NO_CONFIRMATION_DISPLAY', message } };
}

function clock(iso: string): string {
  return new Date(iso).toLocaleTimeString();
}

/** Reads a 6-digit code (asking again after anything else); null when the prompt was cancelled. */
async function readCode(deps: Pick<CliDeps, 'terminal' | 'stderr'>): Promise<string | null> {
  for (;;) {
    const typed = await deps.terminal.ask('Code: ');
    if (typed === null) return null;
    const code = typed.replace(/\s+/g, '');
    if (/^[0-9]{6}$/.test(code)) return code;
    deps.stderr.write('The code is 6 digits.\n');
  }
}

/** Says what the code confirms and where it is shown, then retries with each code typed while attempts are left. */
async function confirmWithCode<T>(
  deps: Pick<CliDeps, 'terminal' | 'stderr'>,
  challenge: ConfirmationChallenge,
  retry: (confirmation: Confirmation) => Promise<Result<T, AdminError>>,
): Promise<Result<T, AdminError> | null> {
  deps.stderr.write(
    `To confirm: ${challenge.action}\n` +
      `Graph Bridge shows a 6-digit code in ${challenge.shownIn} (valid until ${clock(challenge.expiresAt)}).\n` +
      'Type it here only if you started this command yourself.\n',
  );
  for (;;) {
    const code = await readCode(deps);
    if (code === null) return null;
    const answer = await retry({ challengeId: challenge.challengeId, code });
    if (answer.ok || answer.error.code !== 'CONFIRMATION_FAILED' || (answer.error.attemptsLeft ?? 0) === 0) {
      return answer;
    }
    deps.stderr.write(`${answer.error.message}\n`);
  }
}

/**
 * Calls `method`; when the broker answers CONFIRMATION_REQUIRED, asks the person for the code (at most
 * the attempts the broker allows) and calls again with it. Resolves to the last answer; a cancelled
 * prompt (Ctrl-C, end of input) resolves to null. An agent with nowhere to show a code is named with
 * what to do instead.
 */
export async function callConfirmed<M extends Confirmable>(
  deps: Pick<CliDeps, 'terminal' | 'stderr'> & InvocationDeps,
  admin: Pick<AdminClient, 'call'>,
  method: M,
  params: AdminParams<M>,
): Promise<Result<AdminValue<M>, AdminError> | null> {
  // Confirmable methods answer Result<_, AdminError> (admin-protocol.ts AdminAnswer); TS cannot narrow the generic.
  const call = (p: AdminParams<M>) => admin.call(method, p) as Promise<Result<AdminValue<M>, AdminError>>;
  const answer = await call(params);
  if (answer.ok) return answer;
  if (answer.error.code === 'NO_CONFIRMATION_DISPLAY') return noDisplay(deps, admin, answer);
  const challenge = answer.error.confirmation;
  if (answer.error.code !== 'CONFIRMATION_REQUIRED' || challenge === undefined) return answer;
  if (!deps.terminal.interactive) {
    return { ok: false, error: { code: 'CONFIRMATION_REQUIRED', message: NEEDS_A_PERSON } };
  }
  return confirmWithCode(deps, challenge, (confirmation) => call({ ...params, confirmation }));
}
