/**
 * One-time confirmation codes: what makes "a person approved this" different from "a process ran a
 * command". An admin request that loosens access gets a challenge; the broker makes a 6-digit code
 * bound to exactly that action and hands it to the host's `show` hook — the tray's status window, or
 * the agent's own terminal (its stdout) — never to a log, the audit trail, status or any socket. The
 * request succeeds only when it comes back with that code.
 *
 * A code is single use, expires (2 min), allows 3 attempts, and is compared in constant time. Failed
 * attempts across all challenges are counted: after 10 within the lockout window no new challenge is
 * made until it passes (a process guessing codes also fills the user's window with codes it cannot
 * see). At most 5 challenges are open at once; a new one retires the oldest.
 *
 * A host that rebuilds its sign-in core withdraws every open code at once (`withdrawAll`): they were made
 * for the core that stopped. A withdrawn code typed later is refused with the reason and told to ask
 * again; that is no wrong guess, so it does not count towards the lockout.
 */
import { randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { Confirmation, ConfirmationChallenge, AdminError } from '../admin-protocol.ts';
import { printable } from '../../shared/terminal-safe.ts';
import type { Result } from '../../shared/result.ts';

export interface ConfirmationPrompt {
  challengeId: string;
  /** Six digits. */
  code: string;
  /** What the code confirms, printable (control characters escaped). */
  action: string;
  expiresAt: string;
}

/**
 * Shows a code to the person at the host (window or terminal); returns where it was shown, for the
 * CLI's prompt ("the Graph Bridge window"), or null when this host has nowhere to show it.
 */
export type ShowConfirmation = (prompt: ConfirmationPrompt) => string | null;

export interface ConfirmationsOptions {
  now: () => Date;
  show: ShowConfirmation | null;
  /** Tells the host a code is no longer valid (used, expired, retired) so it can stop showing it. */
  hide?: (challengeId: string) => void;
  ttlMs?: number;
  maxAttempts?: number;
  maxOpen?: number;
  maxFailures?: number;
  lockoutMs?: number;
  randomCode?: () => string;
  randomId?: () => string;
}

interface Challenge {
  id: string;
  code: Buffer;
  actionKey: string;
  action: string;
  expiresAt: number;
  attemptsLeft: number;
}

export type Confirmations = ReturnType<typeof createConfirmations>;

const NO_DISPLAY =
  'Nobody can be shown a confirmation code here. Decide it in the Graph Bridge window (tray icon), or run ' +
  'the broker with `graph-bridge agent` in a terminal of your own, which shows the code.';

/** The options with their defaults, and the open challenges and recent failures. */
interface ConfirmationState {
  options: ConfirmationsOptions;
  ttlMs: number;
  maxAttempts: number;
  maxOpen: number;
  maxFailures: number;
  lockoutMs: number;
  randomCode: () => string;
  randomId: () => string;
  open: Map<string, Challenge>;
  /** Why recently withdrawn challenges were withdrawn, by id (the newest WITHDRAWN_KEPT). */
  withdrawn: Map<string, string>;
  /** When each recent wrong code was typed (ms). */
  failures: number[];
}

function createState(options: ConfirmationsOptions): ConfirmationState {
  return {
    options,
    ttlMs: options.ttlMs ?? 120_000,
    maxAttempts: options.maxAttempts ?? 3,
    maxOpen: options.maxOpen ?? 5,
    maxFailures: options.maxFailures ?? 10,
    lockoutMs: options.lockoutMs ?? 5 * 60_000,
    randomCode: options.randomCode ?? (() => String(randomInt(0, 1_000_000)).padStart(6, '0')),
    randomId: options.randomId ?? (() => randomBytes(9).toString('base64url')),
    open: new Map(),
    withdrawn: new Map(),
    failures: [],
  };
}

/** Drops a challenge and tells the host to stop showing it. */
function retire(state: ConfirmationState, id: string): void {
  if (state.open.delete(id)) state.options.hide?.(id);
}

/** How many withdrawn challenges are remembered (a later one forgets the oldest). */
const WITHDRAWN_KEPT = 50;

/** Retires every open challenge, remembering why (`withdrawAll`). */
function withdrawOpen(state: ConfirmationState, reason: string): void {
  for (const id of [...state.open.keys()]) {
    state.withdrawn.delete(id);
    state.withdrawn.set(id, reason);
    retire(state, id);
  }
  for (const id of state.withdrawn.keys()) {
    if (state.withdrawn.size <= WITHDRAWN_KEPT) break;
    state.withdrawn.delete(id);
  }
}

/** Retires expired challenges and forgets failures older than the lockout window. */
function sweep(state: ConfirmationState, t: number): void {
  for (const c of [...state.open.values()]) if (c.expiresAt <= t) retire(state, c.id);
  state.failures = state.failures.filter((f) => t - f < state.lockoutMs);
}

/** Why no code is taken now (too many wrong ones lately), or null. */
function lockedOut(state: ConfirmationState, t: number): string | null {
  if (state.failures.length < state.maxFailures) return null;
  const until = Math.ceil(((state.failures[0] ?? t) + state.lockoutMs - t) / 1000);
  return `Too many wrong confirmation codes. Wait ${until} s, then try again — and if you did not type them, something on this computer is guessing: decide in the Graph Bridge window instead.`;
}

function failed(message: string, attemptsLeft: number): Result<never, AdminError> {
  return { ok: false, error: { code: 'CONFIRMATION_FAILED', message, attemptsLeft } };
}

const noDisplay = (): Result<never, AdminError> => ({
  ok: false,
  error: { code: 'NO_CONFIRMATION_DISPLAY', message: NO_DISPLAY },
});

/** Makes room for one more challenge: the oldest open ones are retired. */
function makeRoom(state: ConfirmationState): void {
  while (state.open.size >= state.maxOpen) {
    const oldest = state.open.keys().next().value;
    if (oldest === undefined) break;
    retire(state, oldest);
  }
}

/** A new challenge for `actionKey`, shown at the host; CONFIRMATION_REQUIRED, or why there is none. */
function challenge(
  state: ConfirmationState,
  show: ShowConfirmation,
  t: number,
  key: { actionKey: string; action: string },
): Result<never, AdminError> {
  makeRoom(state);
  const id = state.randomId();
  const code = state.randomCode();
  const action = printable(key.action, 500);
  const expiresAt = t + state.ttlMs;
  const expires = new Date(expiresAt).toISOString();
  const shownIn = show({ challengeId: id, code, action, expiresAt: expires });
  if (shownIn === null) return noDisplay();
  state.open.set(id, {
    id,
    code: Buffer.from(code, 'utf8'),
    actionKey: key.actionKey,
    action,
    expiresAt,
    attemptsLeft: state.maxAttempts,
  });
  const confirmation: ConfirmationChallenge = { challengeId: id, shownIn, expiresAt: expires, action };
  return {
    ok: false,
    error: {
      code: 'CONFIRMATION_REQUIRED',
      message: `A person must confirm this: type the 6-digit code shown in ${shownIn}.`,
      confirmation,
    },
  };
}

/** The typed code against an open challenge: a match consumes it, a miss costs an attempt. */
function check(state: ConfirmationState, c: Challenge, given: Confirmation, actionKey: string, t: number) {
  const typed = Buffer.from(given.code, 'utf8');
  const match = typed.length === c.code.length && timingSafeEqual(typed, c.code) && c.actionKey === actionKey;
  if (match) {
    retire(state, c.id);
    return { ok: true as const, value: null };
  }
  state.failures.push(t);
  c.attemptsLeft--;
  if (c.attemptsLeft <= 0) {
    retire(state, c.id);
    return failed('Wrong confirmation code, and no attempts are left. Run the command again for a new code.', 0);
  }
  return failed(
    `Wrong confirmation code (${c.attemptsLeft} attempt${c.attemptsLeft === 1 ? '' : 's'} left).`,
    c.attemptsLeft,
  );
}

export function createConfirmations(options: ConfirmationsOptions) {
  const state = createState(options);
  return {
    /** A new challenge for `actionKey` (answer CONFIRMATION_REQUIRED with it), or why there is none. */
    request(actionKey: string, action: string): Result<never, AdminError> {
      const t = options.now().getTime();
      sweep(state, t);
      if (options.show === null) return noDisplay();
      const locked = lockedOut(state, t);
      if (locked !== null) return failed(locked, 0);
      return challenge(state, options.show, t, { actionKey, action });
    },
    /** Checks a typed code for `actionKey`; a match consumes the challenge. */
    verify(given: Confirmation, actionKey: string): Result<null, AdminError> {
      const t = options.now().getTime();
      sweep(state, t);
      const locked = lockedOut(state, t);
      if (locked !== null) return failed(locked, 0);
      const c = state.open.get(given.challengeId);
      if (c !== undefined) return check(state, c, given, actionKey, t);
      const withdrawn = state.withdrawn.get(given.challengeId);
      if (withdrawn !== undefined) return failed(`${withdrawn} Run the command again for a new code.`, 0);
      state.failures.push(t);
      return failed('That confirmation code has expired or was already used. Run the command again for a new one.', 0);
    },
    /** Withdraws every open code at once (the window stops showing them); typed later, they are refused with `reason`. */
    withdrawAll(reason: string): void {
      withdrawOpen(state, reason);
    },
  };
}
