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

export function createConfirmations(options: ConfirmationsOptions) {
  const ttlMs = options.ttlMs ?? 120_000;
  const maxAttempts = options.maxAttempts ?? 3;
  const maxOpen = options.maxOpen ?? 5;
  const maxFailures = options.maxFailures ?? 10;
  const lockoutMs = options.lockoutMs ?? 5 * 60_000;
  const randomCode = options.randomCode ?? (() => String(randomInt(0, 1_000_000)).padStart(6, '0'));
  const randomId = options.randomId ?? (() => randomBytes(9).toString('base64url'));
  const open = new Map<string, Challenge>();
  let failures: number[] = [];

  const retire = (id: string): void => {
    if (open.delete(id)) options.hide?.(id);
  };
  const sweep = (t: number): void => {
    for (const c of [...open.values()]) if (c.expiresAt <= t) retire(c.id);
    failures = failures.filter((f) => t - f < lockoutMs);
  };
  const lockedOut = (t: number): string | null => {
    if (failures.length < maxFailures) return null;
    const until = Math.ceil(((failures[0] ?? t) + lockoutMs - t) / 1000);
    return `Too many wrong confirmation codes. Wait ${until} s, then try again — and if you did not type them, something on this computer is guessing: decide in the Graph Bridge window instead.`;
  };
  const failed = (message: string, attemptsLeft: number): Result<never, AdminError> => ({
    ok: false,
    error: { code: 'CONFIRMATION_FAILED', message, attemptsLeft },
  });

  return {
    /** A new challenge for `actionKey` (answer CONFIRMATION_REQUIRED with it), or why there is none. */
    request(actionKey: string, action: string): Result<never, AdminError> {
      const t = options.now().getTime();
      sweep(t);
      if (options.show === null) return { ok: false, error: { code: 'NO_CONFIRMATION_DISPLAY', message: NO_DISPLAY } };
      const locked = lockedOut(t);
      if (locked !== null) return failed(locked, 0);
      while (open.size >= maxOpen) {
        const oldest = open.keys().next().value;
        if (oldest === undefined) break;
        retire(oldest);
      }
      const id = randomId();
      const code = randomCode();
      const shown = printable(action, 500);
      const challenge: Challenge = {
        id,
        code: Buffer.from(code, 'utf8'),
        actionKey,
        action: shown,
        expiresAt: t + ttlMs,
        attemptsLeft: maxAttempts,
      };
      const expiresAt = new Date(challenge.expiresAt).toISOString();
      const shownIn = options.show({ challengeId: id, code, action: shown, expiresAt });
      if (shownIn === null) return { ok: false, error: { code: 'NO_CONFIRMATION_DISPLAY', message: NO_DISPLAY } };
      open.set(id, challenge);
      const confirmation: ConfirmationChallenge = { challengeId: id, shownIn, expiresAt, action: shown };
      return {
        ok: false,
        error: {
          code: 'CONFIRMATION_REQUIRED',
          message: `A person must confirm this: type the 6-digit code shown in ${shownIn}.`,
          confirmation,
        },
      };
    },
    /** Checks a typed code for `actionKey`; a match consumes the challenge. */
    verify(given: Confirmation, actionKey: string): Result<null, AdminError> {
      const t = options.now().getTime();
      sweep(t);
      const locked = lockedOut(t);
      if (locked !== null) return failed(locked, 0);
      const c = open.get(given.challengeId);
      if (c === undefined) {
        failures.push(t);
        return failed(
          'That confirmation code has expired or was already used. Run the command again for a new one.',
          0,
        );
      }
      const typed = Buffer.from(given.code, 'utf8');
      const match = typed.length === c.code.length && timingSafeEqual(typed, c.code) && c.actionKey === actionKey;
      if (match) {
        retire(c.id);
        return { ok: true, value: null };
      }
      failures.push(t);
      c.attemptsLeft--;
      if (c.attemptsLeft <= 0) {
        retire(c.id);
        return failed('Wrong confirmation code, and no attempts are left. Run the command again for a new code.', 0);
      }
      return failed(
        `Wrong confirmation code (${c.attemptsLeft} attempt${c.attemptsLeft === 1 ? '' : 's'} left).`,
        c.attemptsLeft,
      );
    },
  };
}
