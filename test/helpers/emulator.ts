/**
 * Test helpers around the emulator: start it, and build an UNMODIFIED msal-node
 * PublicClientApplication configured for it.
 *
 * TLS trust: msal-node's default network client is Node's global fetch, which trusts the emulator CA
 * only when NODE_EXTRA_CA_CERTS=<emulator.caPath> is set before the process starts (a test file cannot
 * do that for itself; test/integration/emulator-entra-tls.test.ts proves it with a child process).
 * In-process tests therefore pass `createTestNetworkClient(emulator.caPem)` — a test-only MSAL
 * INetworkModule over node:https with the CA in `ca` — as `system.networkClient`. The product ships
 * its own extra-CA network client; this one is never used outside tests.
 */
import { request } from 'node:https';
import {
  PublicClientApplication,
  type Configuration,
  type INetworkModule,
  type NetworkRequestOptions,
  type NetworkResponse,
} from '@azure/msal-node';
import type { RunningEmulator } from '../emulator/index.ts';

export { startEmulator, type RunningEmulator, type EmulatorOptions } from '../emulator/index.ts';

function send<T>(
  ca: string,
  method: 'GET' | 'POST',
  url: string,
  options: NetworkRequestOptions | undefined,
  timeoutMs?: number,
): Promise<NetworkResponse<T>> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: options?.headers ?? {}, ca, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers))
          if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as T;
          resolve({ headers, body, status: res.statusCode ?? 0 });
        } catch (err: unknown) {
          reject(new Error(`Failed to parse response from ${url}: ${String(err)}`));
        }
      });
    });
    if (timeoutMs) req.setTimeout(timeoutMs, () => req.destroy(new Error('Request timeout')));
    req.on('error', reject);
    if (method === 'POST') req.write(options?.body ?? '');
    req.end();
  });
}

/** Test-only MSAL network client that trusts `caPem` (node:https `ca`). */
export function createTestNetworkClient(caPem: string): INetworkModule {
  return {
    sendGetRequestAsync: <T>(url: string, options?: NetworkRequestOptions, timeout?: number) =>
      send<T>(caPem, 'GET', url, options, timeout),
    sendPostRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => send<T>(caPem, 'POST', url, options),
  };
}

export interface MsalConfigOptions {
  clientId?: string;
  /** Default: the emulator's GUID authority. */
  authority?: string;
  clientCapabilities?: string[];
  /** Use MSAL's default fetch client (needs NODE_EXTRA_CA_CERTS in this process). */
  defaultNetworkClient?: boolean;
}

/** MSAL configuration for the emulator: authority, knownAuthorities (host WITH port), network client. */
export function emulatorMsalConfig(emulator: RunningEmulator, options: MsalConfigOptions = {}): Configuration {
  return {
    auth: {
      clientId: options.clientId ?? emulator.clientId,
      authority: options.authority ?? emulator.authority,
      knownAuthorities: [emulator.knownAuthority],
      ...(options.clientCapabilities ? { clientCapabilities: options.clientCapabilities } : {}),
    },
    system: options.defaultNetworkClient ? {} : { networkClient: createTestNetworkClient(emulator.caPem) },
  };
}

/** A fresh, unmodified PublicClientApplication (use one per test: MSAL throttles per instance). */
export function createEmulatorPca(emulator: RunningEmulator, options: MsalConfigOptions = {}): PublicClientApplication {
  return new PublicClientApplication(emulatorMsalConfig(emulator, options));
}
