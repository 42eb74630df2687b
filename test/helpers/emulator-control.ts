/**
 * HTTP clients for tests that talk to the emulator like an outside process would: a tiny HTTPS
 * request function that trusts the emulator CA, and a typed client for the `/_emulator/*` control
 * plane (for e2e tests and the demo, where the emulator runs in another process).
 */
import { request } from 'node:https';

export interface HttpResult {
  status: number;
  headers: Record<string, string>;
  text: string;
}

export interface HttpOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Sent as application/x-www-form-urlencoded. */
  form?: Record<string, string>;
  /** Sent as JSON. */
  json?: unknown;
}

/** One HTTPS request trusting `caPem`; never follows redirects. */
export function emulatorRequest(caPem: string, url: string, options: HttpOptions = {}): Promise<HttpResult> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  let body = options.body;
  if (options.form) {
    body = new URLSearchParams(options.form).toString();
    headers['content-type'] = 'application/x-www-form-urlencoded';
  } else if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['content-type'] = 'application/json';
  }
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: options.method ?? (body === undefined ? 'GET' : 'POST'), headers, ca: caPem, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const flat: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers))
            if (v !== undefined) flat[k] = Array.isArray(v) ? v.join(', ') : v;
          resolve({ status: res.statusCode ?? 0, headers: flat, text: Buffer.concat(chunks).toString('utf8') });
        });
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

export interface ControlClientOptions {
  entraOrigin: string;
  controlKey: string;
  caPem: string;
}

/** Typed client for the HTTP control plane. Throws on non-2xx with the emulator's message. */
export function createControlClient(options: ControlClientOptions) {
  const call = async (method: string, path: string, json?: unknown): Promise<unknown> => {
    const res = await emulatorRequest(options.caPem, `${options.entraOrigin}/_emulator/${path}`, {
      method,
      headers: { 'x-emulator-key': options.controlKey },
      ...(json !== undefined ? { json } : {}),
    });
    if (res.status < 200 || res.status > 299) throw new Error(`control ${method} ${path} → ${res.status}: ${res.text}`);
    return res.text ? (JSON.parse(res.text) as unknown) : undefined;
  };
  const enc = encodeURIComponent;
  return {
    reset: () => call('POST', 'reset'),
    requests: (since = 0) => call('GET', `requests?since=${since}`),
    advanceClock: (seconds: number) => call('POST', 'clock', { advanceSeconds: seconds }),
    setGrant: (oid: string, clientId: string, scopes: string[]) =>
      call('PUT', `users/${enc(oid)}/grants/${enc(clientId)}`, { scopes }),
    deleteGrant: (oid: string, clientId: string) => call('DELETE', `users/${enc(oid)}/grants/${enc(clientId)}`),
    revokeSessions: (oid: string) => call('POST', `users/${enc(oid)}/revoke`),
    setPolicy: (oid: string, policy: Record<string, unknown>) => call('PUT', `users/${enc(oid)}/policy`, policy),
    device: (userCode: string, action: 'approve' | 'decline', user?: string) =>
      call('POST', `device/${enc(userCode)}`, { action, ...(user ? { user } : {}) }),
    settings: (patch?: Record<string, unknown>) => (patch ? call('PUT', 'settings', patch) : call('GET', 'settings')),
    addFault: (fault: Record<string, unknown>) => call('POST', 'faults', fault),
    clearFaults: () => call('DELETE', 'faults'),
    releaseHeld: () => call('POST', 'held/release'),
    redirectTargetRequests: () => call('GET', 'redirect-target/requests'),
  };
}

export type ControlClient = ReturnType<typeof createControlClient>;
