/**
 * Sign-in and incremental consent, the user's explicit actions (never from getToken): a flow
 * (sign-in-flows.ts) and then what a successful one changes — the account is listed and made active,
 * its token state updated, the token memo cleared (who is active and what it may do may have changed)
 * and the consent items it granted dropped.
 */
import type { AuthenticationResult } from '@azure/msal-node';
import { userConsentableScopes } from '../../shared/tool-groups.ts';
import type { AccountSummary } from '../../shared/bridge-contract.ts';
import type { Result } from '../../shared/result.ts';
import type { Settings } from '../settings/settings-schema.ts';
import { summarizeAccount } from './account-book.ts';
import type { AuthCore } from './auth-core.ts';
import type { DeviceCodeOptions, GrantConsentOptions, SignInOptions } from './auth-service.ts';
import { describeMsalError, failure } from './error-mapping.ts';
import { normalizeScopes, OIDC_SCOPES } from '../../shared/scopes.ts';
import { browserFlow, deviceCodeFlow } from './sign-in-flows.ts';

/**
 * Scopes asked for at sign-in: the enabled groups' scopes a user can consent to (Graph only; the custom
 * API is a separate resource; admin-only scopes are asked for by the tools that need them).
 */
export function defaultSignInScopes(settings: Settings): string[] {
  return normalizeScopes(settings.toolGroups.flatMap((g) => userConsentableScopes(g, settings.readOnly)));
}

/** After a successful flow: the signed-in account becomes the active one. */
async function completeSignIn(
  core: AuthCore,
  result: AuthenticationResult | null,
  what: string,
): Promise<Result<AccountSummary>> {
  if (result === null || result.account === null) {
    return failure('INTERACTION_REQUIRED', `${what} returned no account. Try again.`);
  }
  core.states.record(result, true);
  await core.accounts
    .refresh()
    .catch((err: unknown) => core.log('warn', `auth: listing accounts failed: ${describeMsalError(err)}`));
  core.accounts.include(result.account);
  // A new sign-in or consent: which account is active and what it may do may have changed.
  core.clients.memo.clear();
  await core.accounts.setActive(result.account.homeAccountId);
  core.events.consentGranted(result.scopes);
  core.events.changed();
  return { ok: true, value: summarizeAccount(result.account) };
}

export async function signInInteractive(core: AuthCore, options: SignInOptions): Promise<Result<AccountSummary>> {
  const scopes = normalizeScopes(options.scopes ?? defaultSignInScopes(core.settings));
  const r = await browserFlow(core, scopes, { prompt: 'select_account', ...options }, 'Sign-in');
  return r.ok ? completeSignIn(core, r.result, 'Sign-in') : r.fail;
}

export async function signInDeviceCode(core: AuthCore, options: DeviceCodeOptions): Promise<Result<AccountSummary>> {
  const scopes = normalizeScopes(options.scopes ?? defaultSignInScopes(core.settings));
  const r = await deviceCodeFlow(core, scopes, options, 'Device-code sign-in');
  return r.ok ? completeSignIn(core, r.result, 'Device-code sign-in') : r.fail;
}

/** Consent for more scopes for the active account: by device code when asked, else in the browser. */
export async function grantConsent(
  core: AuthCore,
  scopes: readonly string[],
  options: GrantConsentOptions,
): Promise<Result<string[]>> {
  const wanted = normalizeScopes(scopes).filter((s) => !OIDC_SCOPES.has(s.toLowerCase()));
  if (wanted.length === 0) return failure('BAD_REQUEST', 'Name at least one scope to grant.');
  const account = core.accounts.active();
  const signal = options.signal !== undefined ? { signal: options.signal } : {};
  const what = 'Granting consent';
  const r =
    options.onDeviceCode !== undefined
      ? await deviceCodeFlow(core, wanted, { ...signal, onCode: options.onDeviceCode }, what)
      : await browserFlow(
          core,
          wanted,
          {
            ...signal,
            ...(options.onBrowser !== undefined ? { onBrowser: options.onBrowser } : {}),
            ...(account !== null ? { account, loginHint: account.username } : {}),
          },
          what,
        );
  if (!r.ok) return r.fail;
  const signedIn = await completeSignIn(core, r.result, what);
  if (!signedIn.ok) return signedIn;
  return { ok: true, value: [...(r.result?.scopes ?? [])] };
}
