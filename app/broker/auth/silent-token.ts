/**
 * getToken: silent only, never a browser. In front of MSAL the token memo (token-memo.ts) answers with
 * the latest token for the same (account, scope set) while MSAL would return that same token; behind it
 * one acquireTokenSilent per (account, scope set, forceRefresh, claims) at a time (single-flight), and a
 * forced refresh when the cached token expires within minValidity. A failure only the user can fix sets
 * the account's `signInNeeded` (with Entra's claims for the next sign-in); a missing scope records a
 * consent item.
 */
import type { AccountInfo, AuthenticationResult } from '@azure/msal-node';
import type { Result } from '../../shared/result.ts';
import type { TokenGetResult } from '../../shared/bridge-contract.ts';
import { summarizeAccount } from './account-book.ts';
import type { AuthCore } from './auth-core.ts';
import type { TokenRequest } from './auth-service.ts';
import { classifySilentError, describeMsalError, failure, notSignedIn, USER_MUST_SIGN_IN } from './error-mapping.ts';
import { normalizeScopes, scopeKey } from '../../shared/scopes.ts';
import { createSingleFlight } from './single-flight.ts';
import type { MemoTicket } from './token-memo.ts';

/** One silent acquisition as asked of MSAL. */
interface SilentCall {
  account: AccountInfo;
  scopes: string[];
  forceRefresh: boolean;
  claims: string | undefined;
  requestedBy: string | undefined;
}

interface SilentOutcome {
  result: Result<TokenGetResult>;
  fromCache: boolean;
  /** When Entra wants the token refreshed early (MSAL refreshes it then): the memo stops serving it. */
  refreshOn?: Date;
}

export type GetToken = (request: TokenRequest) => Promise<Result<TokenGetResult>>;

function toTokenResult(result: AuthenticationResult, account: AccountInfo, now: () => number): TokenGetResult {
  return {
    accessToken: result.accessToken,
    expiresOn: (result.expiresOn ?? new Date(now() + 3600_000)).toISOString(),
    grantedScopes: [...result.scopes],
    account: summarizeAccount(result.account ?? account),
  };
}

async function acquireSilently(core: AuthCore, call: SilentCall): Promise<SilentOutcome> {
  const { account, scopes, forceRefresh, claims } = call;
  const request = { account, scopes, forceRefresh, ...(claims !== undefined ? { claims } : {}) };
  try {
    const result = await core.clients.eitherClient(
      (client) => client.acquireTokenSilent(request),
      (err) => core.log('warn', `auth: OS broker unavailable for silent token (${describeMsalError(err)})`),
    );
    core.states.record(result, !result.fromCache);
    core.events.changed();
    return {
      result: { ok: true, value: toTokenResult(result, account, core.now) },
      fromCache: result.fromCache,
      ...(result.refreshOn !== undefined ? { refreshOn: result.refreshOn } : {}),
    };
  } catch (err) {
    return silentFailed(core, call, err);
  }
}

/** Maps the error, and records what it means: missing consent, a sign-in only the user can do, a dead account. */
async function silentFailed(core: AuthCore, call: SilentCall, err: unknown): Promise<SilentOutcome> {
  const { account, scopes, claims } = call;
  const id = account.homeAccountId;
  core.log(
    'warn',
    `auth: silent token failed${claims !== undefined ? ' (claims challenge)' : ''}: ${describeMsalError(err)}`,
  );
  const { failure: mapped, signInNeeded } = classifySilentError(err, {
    requestedScopes: scopes,
    grantedScopes: core.states.of(id).granted,
  });
  const code = mapped.error.code;
  if (code === 'CONSENT_REQUIRED') core.events.consentNeeded(mapped.error.missingScopes ?? scopes, call.requestedBy);
  if (signInNeeded !== null || code === 'NOT_SIGNED_IN' || code === 'INTERACTION_REQUIRED')
    core.clients.memo.clearAccount(id);
  if (signInNeeded !== null) core.states.needSignIn(id, signInNeeded);
  // The refresh token is gone or dead; the cache may have changed (MSAL deletes bad RTs).
  if (code === 'NOT_SIGNED_IN') await core.accounts.refresh().catch(() => undefined);
  core.events.changed();
  return { result: mapped, fromCache: false };
}

/** The memo's token for this request, or the ticket to store MSAL's answer with. */
async function fromMemo(
  core: AuthCore,
  request: TokenRequest,
  call: { homeAccountId: string; scopes: string[]; minValidityMs: number },
): Promise<{ token: TokenGetResult } | { token: null; ticket: MemoTicket }> {
  const { memo } = core.clients;
  if (request.forceRefresh === true || request.claims !== undefined) {
    // The caller's token was refused (401, CAE claims challenge): none of the account's is reused.
    memo.clearAccount(call.homeAccountId);
    return { token: null, ticket: await memo.ticket() };
  }
  const found = await memo.lookup(call.homeAccountId, call.scopes, call.minValidityMs);
  return found.token !== null ? { token: found.token } : { token: null, ticket: found.ticket };
}

export function createGetToken(core: AuthCore): GetToken {
  const flights = createSingleFlight<SilentOutcome>();
  const silent = (call: SilentCall): Promise<SilentOutcome> => {
    const { account, scopes, forceRefresh, claims } = call;
    const key = [account.homeAccountId, scopeKey(scopes), forceRefresh ? 'force' : '', claims ?? ''].join('\n');
    return flights.run(key, () => acquireSilently(core, call));
  };
  /** MSAL's answer: one silent call, and a forced one if the cached token expires within minValidity. */
  const acquire = async (call: SilentCall, minValidityMs: number): Promise<SilentOutcome> => {
    const first = await silent(call);
    if (!first.result.ok || call.forceRefresh || !first.fromCache) return first;
    if (Date.parse(first.result.value.expiresOn) - core.now() >= minValidityMs) return first;
    return silent({ ...call, forceRefresh: true });
  };
  return async (request) => {
    const scopes = normalizeScopes(request.scopes);
    if (scopes.length === 0) return failure('BAD_REQUEST', 'A token request needs at least one scope.');
    if (core.accounts.list().length === 0) await core.accounts.refresh().catch(() => undefined);
    const account = core.accounts.active();
    if (account === null) return notSignedIn(undefined, USER_MUST_SIGN_IN);
    const { homeAccountId } = account;
    const minValidityMs = (request.minValiditySeconds ?? 300) * 1000;
    const memoed = await fromMemo(core, request, { homeAccountId, scopes, minValidityMs });
    if (memoed.token !== null) return { ok: true, value: memoed.token };
    const { claims, requestedBy } = request;
    const call = { account, scopes, forceRefresh: request.forceRefresh === true, claims, requestedBy };
    const outcome = await acquire(call, minValidityMs);
    if (outcome.result.ok) {
      const refreshOn = outcome.refreshOn !== undefined ? { refreshOn: outcome.refreshOn } : {};
      core.clients.memo.put(memoed.ticket, { homeAccountId, scopes, token: outcome.result.value, ...refreshOn });
    }
    return outcome.result;
  };
}
