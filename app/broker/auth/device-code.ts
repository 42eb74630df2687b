/**
 * Device-code sign-in with cancellation: MSAL polls until the code is entered or expires (Entra's
 * `expires_in` bounds it); an abort sets MSAL's `cancel` flag (polling stops at its next interval)
 * and resolves at once with 'cancelled'. MSAL errors reject.
 */
import type { AuthenticationResult } from '@azure/msal-node';
import type { DeviceCodePrompt } from './auth-service.ts';
import type { MsalClient } from './msal-client.ts';

export interface DeviceCodeRun {
  client: MsalClient;
  scopes: string[];
  signal?: AbortSignal;
  onCode(prompt: DeviceCodePrompt): void;
  now(): number;
}

export async function runDeviceCode(run: DeviceCodeRun): Promise<AuthenticationResult | null | 'cancelled'> {
  const { signal } = run;
  if (signal?.aborted) return 'cancelled';
  const request = {
    scopes: run.scopes,
    cancel: false,
    deviceCodeCallback: (r: { userCode: string; verificationUri: string; expiresIn: number; message: string }) =>
      run.onCode({
        userCode: r.userCode,
        verificationUri: r.verificationUri,
        expiresOn: new Date(run.now() + r.expiresIn * 1000),
        message: r.message,
      }),
  };
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<'cancelled'>((resolve) => {
    onAbort = () => {
      request.cancel = true;
      resolve('cancelled');
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const acquisition = run.client.acquireTokenByDeviceCode(request);
    acquisition.catch(() => undefined); // observed below, or abandoned after an abort
    return await Promise.race([acquisition, aborted]);
  } finally {
    if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
  }
}
