/**
 * The user's account commands: sign out (from the OS broker, the MSAL cache and the keychain, checked
 * by reading the persisted cache back) and switch the active account. Both clear the token memo first:
 * tokens never cross accounts and never outlive a sign-out.
 */
import type { AccountInfo } from '@azure/msal-node';
import type { AccountSummary } from '../../shared/bridge-contract.ts';
import type { Result } from '../../shared/result.ts';
import { findAccount } from './account-match.ts';
import { summarizeAccount } from './account-book.ts';
import type { AuthCore } from './auth-core.ts';
import { describeMsalError, failure, notSignedIn } from './error-mapping.ts';

/** The account a command names (username or home account id), or the active one. */
function accountToSignOut(core: AuthCore, idOrUsername: string | undefined): Result<AccountInfo> {
  if (idOrUsername !== undefined) {
    const found = findAccount(core.accounts.list(), idOrUsername);
    return found.ok ? { ok: true, value: found.account } : found;
  }
  const active = core.accounts.active();
  if (active === null) return notSignedIn('No account is signed in, so there is nothing to sign out.');
  return { ok: true, value: active };
}

/** Removes the account through every client; a failure is KEYCHAIN_UNAVAILABLE with what to do. */
async function removeFromCache(core: AuthCore, target: AccountInfo): Promise<Result<void>> {
  const { osBrokered, browser, cache, keychainService } = core.clients;
  try {
    await (osBrokered ?? browser).signOut(target);
    if (osBrokered !== null) await browser.signOut(target).catch(() => undefined);
  } catch (err) {
    core.log('error', `auth: sign-out failed: ${describeMsalError(err)}`);
    return failure(
      'KEYCHAIN_UNAVAILABLE',
      `Could not remove the account from the token cache (${describeMsalError(err)}).`,
    );
  }
  const persisted = await cache.readPersisted().catch(() => null);
  if (persisted !== null && persisted.includes(`"${target.homeAccountId}`)) {
    return failure(
      'KEYCHAIN_UNAVAILABLE',
      `The account was signed out here but is still in the ${cache.backend} token cache. Remove the "${keychainService}" entry from the OS keychain.`,
    );
  }
  return { ok: true, value: undefined };
}

export async function signOut(core: AuthCore, idOrUsername: string | undefined): Promise<Result<void>> {
  await core.accounts.refresh().catch(() => undefined);
  const target = accountToSignOut(core, idOrUsername);
  if (!target.ok) return target;
  // Before the cache write: any request whose MSAL call is queued behind it (cache-gate.ts) got its
  // memo ticket after this and reads the cache without the account; earlier ones cannot store.
  core.clients.memo.clear();
  const removed = await removeFromCache(core, target.value);
  if (!removed.ok) return removed;
  await core.accounts.forget(target.value.homeAccountId);
  core.events.changed();
  return removed;
}

export async function useAccount(core: AuthCore, idOrUsername: string): Promise<Result<AccountSummary>> {
  await core.accounts.refresh().catch(() => undefined);
  const found = findAccount(core.accounts.list(), idOrUsername);
  if (!found.ok) return found;
  core.clients.memo.clear(); // before the switch takes effect (setActive switches at once, then saves)
  await core.accounts.setActive(found.account.homeAccountId);
  core.events.changed();
  return { ok: true, value: summarizeAccount(found.account) };
}
