/**
 * Browser sign-in with cancellation. MSAL runs the loopback server and PKCE itself but has no abort
 * option, so on abort we answer its loopback the way Entra would when the user cancels (a form_post
 * with `error=access_denied` and the request's own `state`): MSAL then stops waiting and closes the
 * server. The caller's promise rejects with an AbortError at once.
 */
import { request as httpRequest } from 'node:http';
import type { AuthenticationResult, InteractiveRequest } from '@azure/msal-node';
import type { MsalClient } from './msal-client.ts';

export class SignInAbortedError extends Error {
  override readonly name = 'AbortError';
  constructor() {
    super('Sign-in was cancelled.');
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

export interface InteractiveRun {
  client: MsalClient;
  request: Omit<InteractiveRequest, 'openBrowser'>;
  openBrowser: (url: string) => Promise<void>;
  signal?: AbortSignal;
}

export function runInteractive({
  client,
  request,
  openBrowser,
  signal,
}: InteractiveRun): Promise<AuthenticationResult> {
  if (signal?.aborted) return Promise.reject(new SignInAbortedError());
  let authorizeUrl: string | null = null;
  let aborted = false;
  const acquisition = client.acquireTokenInteractive({
    ...request,
    openBrowser: async (url: string) => {
      authorizeUrl = url;
      if (aborted) {
        await cancelLoopback(url);
        return;
      }
      await openBrowser(url);
    },
  });
  if (signal === undefined) return acquisition;
  return new Promise<AuthenticationResult>((resolve, reject) => {
    const onAbort = () => {
      aborted = true;
      if (authorizeUrl !== null) void cancelLoopback(authorizeUrl);
      reject(new SignInAbortedError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    acquisition.then(
      (r) => {
        signal.removeEventListener('abort', onAbort);
        resolve(r);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}
