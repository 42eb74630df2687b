/**
 * The domain error channel: a typed result with a stable error code and a message that tells the
 * user what to do. One shape for every boundary — the broker's errors by default; the admin channel,
 * the window and app/clients pass their own error type. Zod-free (the schema of a result on the wire is
 * `resultSchema` in bridge-contract.ts); the type import below is erased at build time.
 */
import type { BrokerErrorCode } from './constants.ts';
import type { BrokerError } from './bridge-contract.ts';

export type Result<T, E = BrokerError> = { ok: true; value: T } | { ok: false; error: E };

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

/** A broker error result: `fail('NOT_SIGNED_IN', 'Sign in with …')`. */
export function fail<T = never>(
  code: BrokerErrorCode,
  message: string,
  extra?: Pick<BrokerError, 'missingScopes' | 'adminConsentRequired'>,
): Result<T> {
  return { ok: false, error: { code, message, ...extra } };
}
