/**
 * Finds the signed-in account a person named: by home account id (`<oid>.<tid>`, what status shows
 * for scripts) or by username (`ada@contoso.com`, what people type), case-insensitively. One rule for
 * every command that names an account (use, logout, the admin methods and the tray).
 */
import type { AccountInfo } from '@azure/msal-node';
import { failure, type Failure } from './error-mapping.ts';

export type AccountMatch = { ok: true; account: AccountInfo } | Failure;

/** A name from a person, quoted for a message: control characters escaped, length bounded. */
function quoted(name: string): string {
  return JSON.stringify(name.length > 120 ? `${name.slice(0, 120)}…` : name);
}

export function findAccount(accounts: readonly AccountInfo[], idOrUsername: string): AccountMatch {
  const needle = idOrUsername.trim();
  const byId = accounts.find((a) => a.homeAccountId === needle);
  if (byId !== undefined) return { ok: true, account: byId };
  const lower = needle.toLowerCase();
  const byName = accounts.filter((a) => a.username.toLowerCase() === lower);
  const [only] = byName;
  if (only !== undefined && byName.length === 1) return { ok: true, account: only };
  if (byName.length > 1) {
    return failure(
      'BAD_REQUEST',
      `More than one signed-in account is ${quoted(needle)} (${byName.map((a) => `${a.homeAccountId} on ${a.environment}`).join(', ')}). Name it by its home account id instead.`,
    );
  }
  const known = accounts.map((a) => a.username).join(', ') || 'none';
  return failure(
    'NOT_SIGNED_IN',
    `No signed-in account is ${quoted(needle)} (signed in: ${known}). Use a username or home account id shown by \`graph-bridge status\`, or sign in with that account first.`,
  );
}
