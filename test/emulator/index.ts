/**
 * Entra ID v2 + Microsoft Graph emulator (test and demo infrastructure; spec:
 * shared/design/entra-graph-emulator-spec.md). `startEmulator()` generates a CA + leaf, listens on
 * three loopback HTTPS ports (Entra, Graph — the Graph port also answers as 127.0.0.1 for download
 * URLs — and a small Entra-protected demo API, "Contoso Orders API", for tokens of a custom
 * resource) and returns everything a test needs: origins, authority, CA path, fixtures, control API.
 *
 * Files: `<caDir>/ca.pem` — PEM of the generated CA certificate (public; trust it with
 * NODE_EXTRA_CA_CERTS or an extra-CA setting). With GRAPH_BRIDGE_EMULATOR_REQUEST_LOG=<dir> (or the
 * `requestLogDir` option) every Graph request is also appended to a JSON-lines file there
 * (request-log-file.ts; never Authorization). Nothing else touches disk.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClock } from './clock.ts';
import { CONTROL_KEY_HEADER, createControl, handleControlHttp, type EmulatorControl } from './control.ts';
import type { EntraContext } from './entra/context.ts';
import { routeEntra } from './entra/router.ts';
import { API_BASE_PATH, createProtectedApi } from './api/index.ts';
import { verifyAccessToken, verifyApiAccessToken } from './entra/tokens.ts';
import {
  DEMO_API_SCOPE_NAME,
  DEMO_CLIENT_ID,
  TENANT_DOMAIN,
  TENANT_ID,
  defaultApis,
  defaultApps,
  defaultUsers,
  type EmulatorApi,
  type EmulatorApp,
} from './fixtures.ts';
import { createGraphService } from './graph/index.ts';
import { createSigningKey } from './jwt.ts';
import { createRequestLogSink, requestLogSinkFromEnv } from './request-log-file.ts';
import { startRedirectTarget, type RedirectTargets } from './redirect-target.ts';
import { closeServer, createOriginServer, listen, type OriginHandler } from './server.ts';
import { EmulatorState } from './state.ts';
import { createTlsMaterial } from './tls.ts';
import type {
  ApiTokenVerification,
  EmulatorClock,
  EmulatorUser,
  GraphService,
  RequestLogEntry,
  TokenVerification,
} from './types.ts';

export type { ApiInput, EmulatorControl } from './control.ts';
export type { EmulatorApi, EmulatorApiScope } from './fixtures.ts';
export type { EmulatorSettings, UserPolicy } from './state.ts';
export type { FaultInput } from './faults.ts';
export type { RedirectTargetRequest, RedirectTargets } from './redirect-target.ts';
export { CONTROL_KEY_HEADER } from './control.ts';
export {
  DEMO_API_CLIENT_ID,
  DEMO_API_SCOPE_NAME,
  DEMO_CLIENT_ID,
  OTHER_CLIENT_ID,
  TENANT_ID,
  TENANT_DOMAIN,
} from './fixtures.ts';

export interface EmulatorOptions {
  /** 0 (default) = ephemeral. */
  entraPort?: number;
  graphPort?: number;
  /** The protected demo API's port (0 default = ephemeral). */
  apiPort?: number;
  /** Where ca.pem is written (created if missing); default a fresh temp dir. */
  caDir?: string;
  clock?: EmulatorClock;
  interactiveMode?: 'auto' | 'page';
  /** One line per request (`entra POST /…/token -> 200`); never bodies or tokens. */
  log?: (line: string) => void;
  users?: () => EmulatorUser[];
  apps?: () => EmulatorApp[];
  /** Apps that expose APIs (default: the demo "Contoso Orders API"); the FIRST is the one served on apiOrigin. */
  apis?: () => EmulatorApi[];
  /** Control-plane key; default random. */
  controlKey?: string;
  /** Append every Graph request to a JSON-lines file in this dir; default $GRAPH_BRIDGE_EMULATOR_REQUEST_LOG. */
  requestLogDir?: string;
}

export interface RunningEmulator {
  /** https://localhost:<entraPort> */
  entraOrigin: string;
  /** https://localhost:<graphPort> */
  graphOrigin: string;
  /** https://127.0.0.1:<graphPort> — pre-authenticated download URLs. */
  downloadOrigin: string;
  /** https://localhost:<apiPort> — the protected demo API (routes under /api). */
  apiOrigin: string;
  /**
   * Where `redirect` faults point: `https://127.0.0.1:<port>` and `http://127.0.0.1:<port>`, two
   * listeners that record the Authorization header of every request (`control.redirectTargetRequests()`).
   */
  redirectTarget: RedirectTargets;
  /**
   * The API served on apiOrigin, as Graph Bridge's `api` setting wants it: `baseUrl`
   * (`<apiOrigin>/api`) and `scope` (`api://<clientId>/access_as_user`); null with `apis: () => []`.
   */
  api: ServedApi | null;
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
  /** The token check the served API uses (signature, aud, issuer, expiry; not scp). */
  verifyApiToken(authorizationHeader: string | undefined): ApiTokenVerification;
  requestLog(since?: number): RequestLogEntry[];
  /** What reached the protected demo API (request log entries of host `api`). */
  apiRequestLog(since?: number): RequestLogEntry[];
  close(): Promise<void>;
}

export interface ServedApi {
  clientId: string;
  displayName: string;
  appIdUri: string;
  /** `<appIdUri>/access_as_user` (the first scope the registration exposes). */
  scope: string;
  /** `<apiOrigin>/api` */
  baseUrl: string;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const clock = options.clock ?? createClock();
  const [tls, signingKey] = await Promise.all([createTlsMaterial(clock.nowMs()), createSigningKey()]);
  const caDir = options.caDir ?? (await mkdtemp(join(tmpdir(), 'graph-bridge-emulator-')));
  await mkdir(caDir, { recursive: true });
  const caPath = join(caDir, 'ca.pem');
  await writeFile(caPath, tls.caCertPem);

  const seedUsers = options.users ?? defaultUsers;
  const seedApis = options.apis ?? defaultApis;
  const servedApiId = seedApis()[0]?.clientId;
  const state = new EmulatorState(seedUsers, options.apps ?? defaultApps, seedApis);
  const applyStartSettings = (): void => {
    if (options.interactiveMode) state.settings.interactiveMode = options.interactiveMode;
  };
  applyStartSettings();
  const controlKey = options.controlKey ?? randomBytes(24).toString('hex');

  // Handlers are bound after both ports are known (origins are built from them).
  const handlers: { entra?: OriginHandler; graph?: OriginHandler; api?: OriginHandler } = {};
  let entraOrigin = '';
  let graphOrigin = '';
  let apiOrigin = '';
  const requestLog =
    options.requestLogDir === undefined
      ? requestLogSinkFromEnv()
      : createRequestLogSink({ dir: options.requestLogDir, source: process.argv[1] ?? '', cwd: process.cwd() });
  const redirectTarget = await startRedirectTarget(tls);
  const redirectTargets = (): RedirectTargets => redirectTarget;
  const common = { state, clock, redirectTargets, ...(options.log ? { log: options.log } : {}) };
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
    ...(requestLog ? { requestLog } : {}),
  });
  const apiServer = createOriginServer(tls, {
    ...common,
    host: 'api',
    origin: () => apiOrigin || 'https://localhost',
    handler: () => handlers.api,
  });
  let entraPort: number;
  try {
    entraPort = await listen(entraServer, options.entraPort ?? 0);
  } catch (err) {
    await redirectTarget.close();
    throw err;
  }
  let graphPort: number;
  let apiPort: number;
  try {
    graphPort = await listen(graphServer, options.graphPort ?? 0);
  } catch (err) {
    await Promise.all([closeServer(entraServer), redirectTarget.close()]);
    throw err;
  }
  try {
    apiPort = await listen(apiServer, options.apiPort ?? 0);
  } catch (err) {
    await Promise.all([closeServer(entraServer), closeServer(graphServer), redirectTarget.close()]);
    throw err;
  }
  entraOrigin = `https://localhost:${entraPort}`;
  graphOrigin = `https://localhost:${graphPort}`;
  apiOrigin = `https://localhost:${apiPort}`;
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
  const servedApi = (): EmulatorApi | undefined =>
    servedApiId === undefined ? undefined : state.apis.get(servedApiId);
  const protectedApi = createProtectedApi({
    apiOrigin,
    api: servedApi,
    verify: (api, h) => verifyApiAccessToken(ctx, api, h),
    authorizeUri: `${entraOrigin}/${TENANT_ID}/oauth2/v2.0/authorize`,
    tenantDomain: TENANT_DOMAIN,
    now: () => clock.nowMs(),
    requiredScope: DEMO_API_SCOPE_NAME,
  });
  const baseControl = createControl(ctx, graph, [protectedApi, redirectTarget], redirectTarget);
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
  handlers.api = (req, res, input) => protectedApi.handle(req, res, input.body);
  const seeded = servedApi();
  const api: ServedApi | null = seeded
    ? {
        clientId: seeded.clientId,
        displayName: seeded.displayName,
        appIdUri: seeded.appIdUri,
        scope: `${seeded.appIdUri}/${seeded.scopes[0]?.value ?? DEMO_API_SCOPE_NAME}`,
        baseUrl: `${apiOrigin}${API_BASE_PATH}`,
      }
    : null;

  return {
    entraOrigin,
    graphOrigin,
    downloadOrigin,
    apiOrigin,
    api,
    redirectTarget: { httpsOrigin: redirectTarget.httpsOrigin, httpOrigin: redirectTarget.httpOrigin },
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
    verifyApiToken(h) {
      const current = servedApi();
      return current ? verifyApiAccessToken(ctx, current, h) : { ok: false, reason: 'invalid_audience' };
    },
    requestLog: (since) => control.requests(since),
    apiRequestLog: (since) => control.requests(since, 'api'),
    async close() {
      await Promise.all([
        closeServer(entraServer),
        closeServer(graphServer),
        closeServer(apiServer),
        redirectTarget.close(),
      ]);
    },
  };
}
