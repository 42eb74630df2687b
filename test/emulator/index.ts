/**
 * Entra ID v2 + Microsoft Graph emulator (test and demo infrastructure; spec:
 * shared/design/entra-graph-emulator-spec.md). `startEmulator()` generates a CA + leaf, listens on
 * two loopback HTTPS ports (Entra, Graph — the Graph port also answers as 127.0.0.1 for download
 * URLs) and returns everything a test needs: origins, authority, CA path, fixtures, control API.
 *
 * Files: `<caDir>/ca.pem` — PEM of the generated CA certificate (public; trust it with
 * NODE_EXTRA_CA_CERTS or an extra-CA setting). Nothing else touches disk.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClock } from './clock.ts';
import { CONTROL_KEY_HEADER, createControl, handleControlHttp, type EmulatorControl } from './control.ts';
import type { EntraContext } from './entra/context.ts';
import { routeEntra } from './entra/router.ts';
import { verifyAccessToken } from './entra/tokens.ts';
import { DEMO_CLIENT_ID, TENANT_DOMAIN, TENANT_ID, defaultApps, defaultUsers, type EmulatorApp } from './fixtures.ts';
import { createGraphService } from './graph/index.ts';
import { createSigningKey } from './jwt.ts';
import { closeServer, createOriginServer, listen, type OriginHandler } from './server.ts';
import { EmulatorState } from './state.ts';
import { createTlsMaterial } from './tls.ts';
import type { EmulatorClock, EmulatorUser, GraphService, RequestLogEntry, TokenVerification } from './types.ts';

export type { EmulatorControl } from './control.ts';
export type { EmulatorSettings, UserPolicy } from './state.ts';
export type { FaultInput } from './faults.ts';
export { CONTROL_KEY_HEADER } from './control.ts';
export { DEMO_CLIENT_ID, OTHER_CLIENT_ID, TENANT_ID, TENANT_DOMAIN } from './fixtures.ts';

export interface EmulatorOptions {
  /** 0 (default) = ephemeral. */
  entraPort?: number;
  graphPort?: number;
  /** Where ca.pem is written (created if missing); default a fresh temp dir. */
  caDir?: string;
  clock?: EmulatorClock;
  interactiveMode?: 'auto' | 'page';
  /** One line per request (`entra POST /…/token -> 200`); never bodies or tokens. */
  log?: (line: string) => void;
  users?: () => EmulatorUser[];
  apps?: () => EmulatorApp[];
  /** Control-plane key; default random. */
  controlKey?: string;
}

export interface RunningEmulator {
  /** https://localhost:<entraPort> */
  entraOrigin: string;
  /** https://localhost:<graphPort> */
  graphOrigin: string;
  /** https://127.0.0.1:<graphPort> — pre-authenticated download URLs. */
  downloadOrigin: string;
  tenantId: string;
  tenantDomain: string;
  /** entraOrigin/tenantId — MSAL `auth.authority`. */
  authority: string;
  /** localhost:<entraPort> — MSAL `auth.knownAuthorities` entry (host WITH port). */
  knownAuthority: string;
  /** The demo public-client app id. */
  clientId: string;
  /** PEM file of the generated CA. */
  caPath: string;
  caPem: string;
  /** base64 SHA-256 of the leaf's SubjectPublicKeyInfo (Chromium --ignore-certificate-errors-spki-list). */
  leafSpkiSha256: string;
  /** Header value for `x-emulator-key` on `/_emulator/*`. */
  controlKey: string;
  controlKeyHeader: string;
  /** Fixture users (with passwords) as seeded. */
  users: readonly EmulatorUser[];
  control: EmulatorControl;
  clock: EmulatorClock;
  /** The token check the Graph half uses (exposed for tests). */
  verifyAccessToken(authorizationHeader: string | undefined): TokenVerification;
  requestLog(since?: number): RequestLogEntry[];
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const clock = options.clock ?? createClock();
  const [tls, signingKey] = await Promise.all([createTlsMaterial(clock.nowMs()), createSigningKey()]);
  const caDir = options.caDir ?? (await mkdtemp(join(tmpdir(), 'graph-bridge-emulator-')));
  await mkdir(caDir, { recursive: true });
  const caPath = join(caDir, 'ca.pem');
  await writeFile(caPath, tls.caCertPem);

  const seedUsers = options.users ?? defaultUsers;
  const state = new EmulatorState(seedUsers, options.apps ?? defaultApps);
  const applyStartSettings = (): void => {
    if (options.interactiveMode) state.settings.interactiveMode = options.interactiveMode;
  };
  applyStartSettings();
  const controlKey = options.controlKey ?? randomBytes(24).toString('hex');

  // Handlers are bound after both ports are known (origins are built from them).
  const handlers: { entra?: OriginHandler; graph?: OriginHandler } = {};
  let entraOrigin = '';
  let graphOrigin = '';
  const common = { state, clock, ...(options.log ? { log: options.log } : {}) };
  const entraServer = createOriginServer(tls, {
    ...common,
    host: 'entra',
    origin: () => entraOrigin || 'https://localhost',
    isInternal: (path) => path.startsWith('/_emulator/'),
    handler: () => handlers.entra,
  });
  const graphServer = createOriginServer(tls, {
    ...common,
    host: 'graph',
    origin: () => graphOrigin || 'https://localhost',
    handler: () => handlers.graph,
  });
  const entraPort = await listen(entraServer, options.entraPort ?? 0);
  let graphPort: number;
  try {
    graphPort = await listen(graphServer, options.graphPort ?? 0);
  } catch (err) {
    await closeServer(entraServer);
    throw err;
  }
  entraOrigin = `https://localhost:${entraPort}`;
  graphOrigin = `https://localhost:${graphPort}`;
  const downloadOrigin = `https://127.0.0.1:${graphPort}`;

  const ctx: EntraContext = {
    state,
    clock,
    origin: entraOrigin,
    graphOrigin,
    tenantId: TENANT_ID,
    tenantDomain: TENANT_DOMAIN,
    keys: [signingKey],
  };
  const graph: GraphService = createGraphService({
    clock,
    verifyAccessToken: (h) => verifyAccessToken(ctx, h),
    graphOrigin,
    downloadOrigin,
    authorizeUri: `${entraOrigin}/common/oauth2/v2.0/authorize`,
    tenantId: TENANT_ID,
    users: () => [...state.users.values()].map((u) => u.user),
  });
  const baseControl = createControl(ctx, graph);
  const control: EmulatorControl = {
    ...baseControl,
    reset() {
      baseControl.reset();
      applyStartSettings();
    },
  };

  handlers.entra = (req, res, input) => {
    if (input.url.pathname.startsWith('/_emulator/')) {
      return handleControlHttp(control, controlKey, req, res, {
        path: input.url.pathname,
        query: input.url.searchParams,
        body: input.body,
      });
    }
    return routeEntra(ctx, req, res, input);
  };
  handlers.graph = (req, res, input) => graph.handle(req, res, input.body);

  return {
    entraOrigin,
    graphOrigin,
    downloadOrigin,
    tenantId: TENANT_ID,
    tenantDomain: TENANT_DOMAIN,
    authority: `${entraOrigin}/${TENANT_ID}`,
    knownAuthority: `localhost:${entraPort}`,
    clientId: DEMO_CLIENT_ID,
    caPath,
    caPem: tls.caCertPem,
    leafSpkiSha256: tls.leafSpkiSha256,
    controlKey,
    controlKeyHeader: CONTROL_KEY_HEADER,
    users: seedUsers(),
    control,
    clock,
    verifyAccessToken: (h) => verifyAccessToken(ctx, h),
    requestLog: (since) => control.requests(since),
    async close() {
      await Promise.all([closeServer(entraServer), closeServer(graphServer)]);
    },
  };
}
