/**
 * MSAL errors → broker errors with a stable code and a message that says how to fix it.
 *
 * Classification uses the fields MSAL sets (errorCode, subError, errorNo, status, name) rather than
 * `instanceof`, because msal-node-extensions bundles its own copy of msal-common (a osBrokered error is
 * an instance of a different class with the same fields).
 */
import { needsAdminConsent } from '../../shared/tool-groups.ts';
import type { BrokerError } from '../../shared/bridge-contract.ts';
import type { BrokerErrorCode } from '../../shared/constants.ts';
import { missingScopes } from '../../shared/scopes.ts';

/** For the person at the terminal or tray (CLI output, sign-in results). */
export const SIGN_IN_REMEDY = 'Run `graph-bridge login` or use Sign in… in the Graph Bridge tray menu.';

/**
 * For text that reaches bridges and so the model (token.get): the user has to act, and no command
 * is given that the model could run itself.
 */
export const USER_MUST_SIGN_IN =
  'Only the user can fix this: they must sign in again in Graph Bridge (tray icon → Sign in…, or in a terminal when Graph Bridge runs as a headless agent).';

interface MsalErrorFields {
  name: string;
  errorCode: string;
  subError: string;
  errorNo: string;
  status: number | undefined;
  message: string;
  claims: string;
}

function fieldsOf(err: unknown): MsalErrorFields {
  const e = (err !== null && typeof err === 'object' ? err : {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
  return {
    name: str(e.name),
    errorCode: str(e.errorCode),
    subError: str(e.subError),
    errorNo: str(e.errorNo),
    status: typeof e.status === 'number' ? e.status : undefined,
    message: err instanceof Error ? err.message : str(err),
    claims: str(e.claims),
  };
}

const NOT_SIGNED_IN_CODES = new Set([
  'no_tokens_found',
  'no_account_in_silent_request',
  'no_account_found',
  'native_account_unavailable',
  'refresh_token_expired',
  'bad_token',
  'login_required',
]);
const INTERACTION_SUBERRORS = new Set(['basic_action', 'additional_action', 'message_only', 'user_password_expired']);
const UNAVAILABLE_CODES = new Set([
  'network_error',
  'no_network_connectivity',
  'server_error',
  'temporarily_unavailable',
  'server_unavailable',
  'endpoints_resolution_error',
]);

export function isConsentError(err: unknown): boolean {
  const f = fieldsOf(err);
  return (
    f.subError === 'consent_required' ||
    f.errorCode === 'consent_required' ||
    f.errorNo === '65001' ||
    /\bAADSTS65001\b/.test(f.message)
  );
}

export function isNetworkOrOutage(err: unknown): boolean {
  const f = fieldsOf(err);
  if (UNAVAILABLE_CODES.has(f.errorCode)) return true;
  if (f.status !== undefined && (f.status === 429 || f.status >= 500)) return true;
  // MSAL's own throttling (after a 429/5xx with Retry-After) throws a ServerError whose errorCode is
  // the server's numeric error_codes, e.g. "90033".
  return f.name === 'ServerError' && /^\d+(,\d+)*$/.test(f.errorCode);
}

/** Short technical reason for logs and message tails; never includes tokens. */
export function describeMsalError(err: unknown): string {
  const f = fieldsOf(err);
  const parts = [f.errorCode, f.subError, f.errorNo].filter((p) => p !== '');
  return parts.length > 0 ? parts.join('/') : f.message.slice(0, 200);
}

export interface MapContext {
  requestedScopes: readonly string[];
  /** Scopes the account is known to hold (from earlier token responses / the cache). */
  grantedScopes: Iterable<string>;
}

/** Why the active account needs a new interactive sign-in (status, tray, agent), and Entra's claims. */
export interface SignInNeeded {
  reason: string;
  /** Claims Entra asked for (e.g. Conditional Access `capolids`), to pass to the next sign-in. */
  claims?: string;
}

export interface SilentErrorClass {
  failure: Failure;
  /** Set when only a new interactive sign-in fixes this. */
  signInNeeded: SignInNeeded | null;
}

const needsUser = (code: 'NOT_SIGNED_IN' | 'INTERACTION_REQUIRED', need: SignInNeeded): SilentErrorClass => ({
  failure: failure(code, `${need.reason}. ${USER_MUST_SIGN_IN}`),
  signInNeeded: need,
});

/** Classifies an error from a SILENT acquisition (its message goes to bridges: see USER_MUST_SIGN_IN). */
export function classifySilentError(err: unknown, ctx: MapContext): SilentErrorClass {
  const f = fieldsOf(err);
  if (isConsentError(err)) {
    let missing = missingScopes(ctx.requestedScopes, ctx.grantedScopes);
    if (missing.length === 0) missing = missingScopes(ctx.requestedScopes, []);
    const admin = missing.some(needsAdminConsent);
    return {
      failure: failure('CONSENT_REQUIRED', consentMessage(missing), {
        missingScopes: missing,
        ...(admin ? { adminConsentRequired: true } : {}),
      }),
      signInNeeded: null,
    };
  }
  const claims = f.claims !== '' ? { claims: f.claims } : {};
  if (NOT_SIGNED_IN_CODES.has(f.errorCode) || NOT_SIGNED_IN_CODES.has(f.subError)) {
    return needsUser('NOT_SIGNED_IN', {
      reason: `Your Microsoft sign-in has expired or was revoked (${describeMsalError(err)})`,
    });
  }
  if (f.name === 'InteractionRequiredAuthError' || INTERACTION_SUBERRORS.has(f.subError)) {
    const why =
      f.subError === 'basic_action' || f.subError === 'additional_action'
        ? 'Your organisation requires an extra sign-in step, such as multi-factor authentication or a compliant device'
        : 'Microsoft needs you to sign in interactively';
    return needsUser('INTERACTION_REQUIRED', { reason: `${why} (${describeMsalError(err)})`, ...claims });
  }
  if (isNetworkOrOutage(err)) {
    return {
      failure: failure(
        'ENTRA_UNAVAILABLE',
        `Microsoft Entra ID could not be reached or is busy (${describeMsalError(err)}). Check the network connection and try again in a minute.`,
      ),
      signInNeeded: null,
    };
  }
  if (f.errorCode === 'invalid_grant') {
    // Refresh token unknown/malformed (e.g. AADSTS9002313): only a new sign-in helps.
    return needsUser('NOT_SIGNED_IN', { reason: `Microsoft rejected the stored sign-in (${describeMsalError(err)})` });
  }
  return {
    failure: failure(
      'INTERNAL',
      `Getting a token failed unexpectedly (${describeMsalError(err)}). See the Graph Bridge log for details.`,
    ),
    signInNeeded: null,
  };
}

/** Maps an error from a SILENT acquisition. */
export function mapSilentError(err: unknown, ctx: MapContext): Failure {
  return classifySilentError(err, ctx).failure;
}

/** Maps an error from an INTERACTIVE / device-code sign-in or consent. */
export function mapSignInError(err: unknown, what: string): Failure {
  const f = fieldsOf(err);
  if (isNetworkOrOutage(err)) {
    return failure(
      'ENTRA_UNAVAILABLE',
      `${what} failed: Microsoft Entra ID could not be reached (${describeMsalError(err)}). Check the network and try again.`,
    );
  }
  if (f.errorCode === 'access_denied' || f.errorCode === 'authorization_declined' || f.errorCode === 'user_canceled') {
    return failure(
      'INTERACTION_REQUIRED',
      `${what} was cancelled or declined (${describeMsalError(err)}). Try again and approve the request.`,
    );
  }
  if (/expired_token|device_code_expired/.test(`${f.errorCode} ${f.message}`)) {
    return failure('INTERACTION_REQUIRED', `${what} timed out before the code was entered. Start it again.`);
  }
  return failure(
    'INTERACTION_REQUIRED',
    `${what} did not complete (${describeMsalError(err)}). Try again; if it keeps failing, check the client ID and tenant in settings.`,
  );
}

export function notSignedIn(reason = 'No Microsoft account is signed in.', remedy = SIGN_IN_REMEDY): Failure {
  return failure('NOT_SIGNED_IN', `${reason} ${remedy}`);
}

/** A browser sign-in nobody finished within the time limit (the loopback is closed by then). */
export function signInTimedOut(what: string, timeoutMs: number): Failure {
  const seconds = Math.round(timeoutMs / 1000);
  const unit = (n: number, name: string): string => `${n} ${name}${n === 1 ? '' : 's'}`;
  const limit = seconds >= 60 && seconds % 60 === 0 ? unit(seconds / 60, 'minute') : unit(seconds, 'second');
  return failure(
    'INTERACTION_REQUIRED',
    `${what} was not finished within ${limit}, so Graph Bridge stopped waiting. Start it again when you are ready; if no browser can be used on this computer, use device-code sign-in instead.`,
  );
}

export function consentMessage(missing: readonly string[]): string {
  const admin = missing.filter(needsAdminConsent);
  const user = missing.filter((s) => !needsAdminConsent(s));
  const parts: string[] = [];
  if (user.length > 0) {
    parts.push(
      `Graph Bridge needs your consent for ${user.join(', ')}. Open the Graph Bridge status window and press ` +
        `Grant, or run \`graph-bridge consent ${user.join(' ')}\`.`,
    );
  }
  if (admin.length > 0) {
    parts.push(
      `${admin.join(', ')} can only be granted by a tenant administrator: send them the admin-consent link from ` +
        `the Graph Bridge status window, or have an administrator sign in and run \`graph-bridge consent ${admin.join(' ')}\`.`,
    );
  }
  return parts.join(' ');
}

/** The error half of a Result, assignable to any Result<T>. */
export interface Failure {
  ok: false;
  error: BrokerError;
}

export function failure(
  code: BrokerErrorCode,
  message: string,
  extra?: Pick<BrokerError, 'missingScopes' | 'adminConsentRequired'>,
): Failure {
  return { ok: false, error: { code, message, ...extra } };
}
