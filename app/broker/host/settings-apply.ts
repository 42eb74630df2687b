/**
 * Settings saved with `graph-bridge settings set` applied to the running host, tray or agent, as a save
 * in the window is: tool groups, read-only and policies at once; new sign-in settings by rebuilding the
 * sign-in core in place (the reloader: on failure the previous core starts again and the failure is
 * returned, so settings-control.ts puts the file back). The note tells the user what the rebuild did to
 * their sign-in — still signed in, or signed out because the new settings cannot use the old sign-in.
 */
import { isDeepStrictEqual } from 'node:util';
import type { AccountSummary } from '../../shared/bridge-contract.ts';
import { ok, type Result } from '../../shared/result.ts';
import type { AppliedSettings } from '../admin/settings-control.ts';
import type { Settings } from '../settings/settings-schema.ts';

/** The settings baked into the sign-in core (AuthService): changing one rebuilds it. */
export const SIGN_IN_KEYS = [
  'clientId',
  'tenant',
  'cloud',
  'authority',
  'useBroker',
  'extraCaFile',
  'allowPlaintextCache',
] as const;

export function signInChanged(a: Settings, b: Settings): boolean {
  return SIGN_IN_KEYS.some((k) => !isDeepStrictEqual(a[k], b[k]));
}

export interface SettingsApplyDeps {
  /** Takes the settings in force (config() follows at once); true when the sign-in core must be rebuilt. */
  adopt(settings: Settings): boolean;
  /** What the running sign-in core was built with. */
  running(): Settings;
  /** Who is signed in on the running core. */
  account(): AccountSummary | null;
  /** A silent token for the signed-in account from the running core (MSAL; Entra when the cache has none). */
  silentToken(): Promise<Result<unknown>>;
  /** Rebuilds the sign-in core from the settings in force; on failure the previous one runs again. */
  reloadSignIn(): Promise<Result<void>>;
}

/** How the sign-in stands on the rebuilt core. */
type SignInCheck =
  | { state: 'signed-in'; account: AccountSummary }
  | { state: 'signed-out' }
  | { state: 'unknown'; account: AccountSummary; reason: string };

function changedKeys(before: Settings, after: Settings): string[] {
  return SIGN_IN_KEYS.filter((k) => !isDeepStrictEqual(before[k], after[k]));
}

/**
 * Whether the account the rebuilt core lists can still get tokens: MSAL lists every account in the
 * cache, but its tokens belong to the app registration and authority they were issued to, so after a
 * client or cloud change the account is listed yet only a new sign-in gets it a token.
 */
async function checkSignIn(deps: SettingsApplyDeps): Promise<SignInCheck> {
  const account = deps.account();
  if (account === null) return { state: 'signed-out' };
  const token = await deps.silentToken();
  if (token.ok || token.error.code === 'CONSENT_REQUIRED') return { state: 'signed-in', account };
  if (token.error.code === 'NOT_SIGNED_IN' || token.error.code === 'INTERACTION_REQUIRED')
    return { state: 'signed-out' };
  return { state: 'unknown', account, reason: token.error.message };
}

/** What the user is told after the sign-in core was rebuilt with `keys` changed. */
export function signInNote(keys: readonly string[], was: AccountSummary | null, now: SignInCheck): string {
  const restarted =
    `Graph Bridge restarted its sign-in with the new ${keys.join(', ')} (no restart needed); ` +
    'editors reconnect on their next call.';
  if (now.state === 'signed-out') {
    return was === null
      ? `${restarted} Nobody is signed in yet.`
      : `${restarted} You are signed out: ${was.username} was signed in with the previous settings, which the new ones cannot use. Sign in again.`;
  }
  if (now.state === 'unknown') {
    return `${restarted} Could not check the sign-in of ${now.account.username} yet: ${now.reason}`;
  }
  const same = was !== null && was.homeAccountId === now.account.homeAccountId;
  return `${restarted} ${same ? 'Still signed in' : 'Signed in'} as ${now.account.username}.`;
}

export async function applySavedSettings(deps: SettingsApplyDeps, next: Settings): Promise<Result<AppliedSettings>> {
  const before = deps.running();
  if (!deps.adopt(next)) return ok({ note: null });
  const was = deps.account();
  const reloaded = await deps.reloadSignIn();
  if (!reloaded.ok) return reloaded;
  const now = await checkSignIn(deps);
  return ok({
    note: signInNote(changedKeys(before, next), was, now),
    signIn: { account: now.state === 'signed-out' ? null : now.account },
  });
}
