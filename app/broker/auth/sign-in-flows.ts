/**
 * The interactive sign-in flows, each ending in MSAL's result or a Failure that says what to do:
 *
 * - browser: system browser + loopback + PKCE (interactive.ts), through the OS broker when it is
 *   enabled and available, falling back to the browser when the OS broker cannot serve the call
 *   (os-broker.ts). It carries the claims Entra asked for when the active account's silent
 *   refresh last needed the user (MFA, a compliant device);
 * - device code (device-code.ts), always on the broker-less client.
 */
import type { AccountInfo, AuthenticationResult } from '@azure/msal-node';
import type { AuthCore } from './auth-core.ts';
import type { DeviceCodePrompt, SignInOptions } from './auth-service.ts';
import { runDeviceCode } from './device-code.ts';
import { describeMsalError, failure, mapSignInError, signInTimedOut, type Failure } from './error-mapping.ts';
import { BrowserNotOpenedError, runInteractive, SignInAbortedError, SignInTimeoutError } from './interactive.ts';
import { SIGN_IN_ERROR_PAGE, SIGN_IN_SUCCESS_PAGE } from './login-pages.ts';
import type { MsalClient } from './msal-client.ts';

export type FlowOutcome = { ok: true; result: AuthenticationResult | null } | { ok: false; fail: Failure };

export type BrowserFlowOptions = SignInOptions & { account?: AccountInfo };

export interface DeviceCodeFlowOptions {
  signal?: AbortSignal;
  onCode(prompt: DeviceCodePrompt): void;
}

/** Claims Entra asked for when the active account's silent refresh needed the user (MFA, device). */
function pendingClaims(core: AuthCore): string | undefined {
  const active = core.accounts.active();
  return active !== null ? core.states.get(active.homeAccountId)?.signInNeeded?.claims : undefined;
}

function browserRequest(scopes: string[], options: BrowserFlowOptions, claims: string | undefined) {
  return {
    scopes,
    successTemplate: SIGN_IN_SUCCESS_PAGE,
    errorTemplate: SIGN_IN_ERROR_PAGE,
    ...(options.prompt !== undefined ? { prompt: options.prompt } : {}),
    ...(options.loginHint !== undefined ? { loginHint: options.loginHint } : {}),
    ...(options.account !== undefined ? { account: options.account } : {}),
    ...(claims !== undefined ? { claims } : {}),
  };
}

function browserFlowFailed(core: AuthCore, err: unknown, what: string): Failure {
  if (err instanceof SignInAbortedError) return failure('INTERACTION_REQUIRED', `${what} was cancelled.`);
  if (err instanceof BrowserNotOpenedError)
    return failure('INTERACTION_REQUIRED', `${what} did not start: ${err.message} Use device-code sign-in instead.`);
  if (err instanceof SignInTimeoutError) {
    core.log('info', `auth: ${what} was not finished within ${err.timeoutMs} ms; stopped waiting`);
    return signInTimedOut(what, err.timeoutMs);
  }
  core.log('warn', `auth: ${what} failed: ${describeMsalError(err)}`);
  return mapSignInError(err, what);
}

/** Browser sign-in (or the OS broker's); ends on abort or after settings.signInTimeoutSeconds. */
export async function browserFlow(
  core: AuthCore,
  scopes: string[],
  options: BrowserFlowOptions,
  what: string,
): Promise<FlowOutcome> {
  const request = browserRequest(scopes, options, pendingClaims(core));
  const run = (client: MsalClient) =>
    runInteractive({
      client,
      request,
      openBrowser: core.openBrowser,
      timeoutMs: core.settings.signInTimeoutSeconds * 1000,
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
      ...(options.onBrowser !== undefined ? { onBrowser: options.onBrowser } : {}),
      ...(core.timers !== undefined ? { timers: core.timers } : {}),
    });
  const onFallback = (err: unknown) =>
    core.log('warn', `auth: OS broker unavailable (${describeMsalError(err)}); falling back to the browser`);
  try {
    return { ok: true, result: await core.clients.eitherClient(run, onFallback) };
  } catch (err) {
    return { ok: false, fail: browserFlowFailed(core, err, what) };
  }
}

/** Device-code sign-in on the broker-less client; an abort cancels MSAL's polling. */
export async function deviceCodeFlow(
  core: AuthCore,
  scopes: string[],
  options: DeviceCodeFlowOptions,
  what: string,
): Promise<FlowOutcome> {
  try {
    // Only the signal and the code callback: a caller's other fields (e.g. SignInOptions.scopes) must not
    // replace the normalised scopes.
    const onCode = (prompt: DeviceCodePrompt): void => options.onCode(prompt);
    const { signal } = options;
    const result = await runDeviceCode({ client: core.clients.browser, scopes, signal, onCode, now: core.now });
    if (result === 'cancelled') return { ok: false, fail: failure('INTERACTION_REQUIRED', `${what} was cancelled.`) };
    return { ok: true, result };
  } catch (err) {
    core.log('warn', `auth: ${what} (device code) failed: ${describeMsalError(err)}`);
    return { ok: false, fail: mapSignInError(err, what) };
  }
}
