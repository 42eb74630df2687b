/**
 * Browser sign-in that always ends: cancelled (AbortSignal), abandoned (a time limit), or failed to
 * open a browser (reported and not fatal when the caller takes the URL through `onBrowser`, so the
 * user can open it; fatal at once otherwise).
 *
 * MSAL runs the loopback server and PKCE itself but has no abort option and no time limit. To stop
 * it we answer its loopback the way Entra would when the user cancels (a form_post with
 * `error=access_denied` and the request's own `state`): MSAL then stops waiting and closes the
 * server. If the stop comes before MSAL asked us to open the browser, our `openBrowser` callback
 * throws instead, which also makes MSAL close the server. The caller's promise rejects at once.
 */
import { request as httpRequest } from 'node:http';
import type { AuthenticationResult, InteractiveRequest } from '@azure/msal-node';
import type { BrowserEvent } from './auth-service.ts';
import type { MsalClient } from './msal-client.ts';

export class SignInAbortedError extends Error {
  override readonly name = 'AbortError';
  constructor() {
    super('Sign-in was cancelled.');
  }
}

/** The browser did not open and nobody was given the URL to open by hand (no `onBrowser`). */
export class BrowserNotOpenedError extends Error {
  override readonly name = 'BrowserNotOpenedError';
}

export class SignInTimeoutError extends Error {
  override readonly name = 'SignInTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`Sign-in was not completed within ${timeoutMs} ms.`);
  }
}

/** Posts a cancel response to MSAL's loopback listener (http://localhost:<port>/ only). */
export function cancelLoopback(authorizeUrl: string): Promise<void> {
  return new Promise((resolve) => {
    let redirect: URL;
    let state: string | null;
    try {
      const url = new URL(authorizeUrl);
      redirect = new URL(url.searchParams.get('redirect_uri') ?? '');
      state = url.searchParams.get('state');
    } catch {
      resolve();
      return;
    }
    if (redirect.protocol !== 'http:' || !['localhost', '127.0.0.1'].includes(redirect.hostname) || state === null) {
      resolve();
      return;
    }
    const body = new URLSearchParams({
      error: 'access_denied',
      error_description: 'Cancelled in Graph Bridge',
      state,
    }).toString();
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: redirect.port,
        path: '/',
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve());
      },
    );
    req.on('error', () => resolve());
    req.end(body);
  });
}

export interface InteractiveTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const NODE_TIMERS: InteractiveTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface InteractiveRun {
  client: MsalClient;
  request: Omit<InteractiveRequest, 'openBrowser'>;
  openBrowser: (url: string) => Promise<void>;
  signal?: AbortSignal;
  /** After this long without an answer the loopback is closed and the call rejects (SignInTimeoutError). */
  timeoutMs: number;
  onBrowser?: (event: BrowserEvent) => void;
  timers?: InteractiveTimers;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function runInteractive(run: InteractiveRun): Promise<AuthenticationResult> {
  const { client, request, openBrowser, signal, onBrowser } = run;
  const timers = run.timers ?? NODE_TIMERS;
  if (signal?.aborted) return Promise.reject(new SignInAbortedError());
  return new Promise<AuthenticationResult>((resolve, reject) => {
    let authorizeUrl: string | null = null;
    /** Set once the caller has its answer; a later MSAL outcome is ignored. */
    let outcome: { stoppedBy: Error | null } | null = null;
    const settle = (stoppedBy: Error | null): boolean => {
      if (outcome !== null) return false;
      outcome = { stoppedBy };
      timers.clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      return true;
    };
    const stop = (reason: Error): void => {
      if (!settle(reason)) return;
      if (authorizeUrl !== null) void cancelLoopback(authorizeUrl);
      reject(reason);
    };
    const onAbort = (): void => stop(new SignInAbortedError());
    const timer = timers.setTimeout(() => stop(new SignInTimeoutError(run.timeoutMs)), run.timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });

    client
      .acquireTokenInteractive({
        ...request,
        openBrowser: async (url: string) => {
          // Stopped before MSAL got here: throwing makes MSAL close its loopback.
          if (outcome !== null) throw outcome.stoppedBy ?? new SignInAbortedError();
          authorizeUrl = url;
          onBrowser?.({ kind: 'url', url });
          try {
            await openBrowser(url);
          } catch (err) {
            // Without a listener nobody can open the URL by hand: fail now (MSAL closes its loopback).
            if (onBrowser === undefined) throw new BrowserNotOpenedError(errorMessage(err));
            // Otherwise not fatal: the URL was handed out, the user can open it in a browser themselves.
            onBrowser({ kind: 'browser-failed', url, reason: errorMessage(err) });
          }
        },
      })
      .then(
        (result) => {
          if (settle(null)) resolve(result);
        },
        (err: unknown) => {
          if (settle(null)) reject(err instanceof Error ? err : new Error(String(err)));
        },
      );
  });
}
