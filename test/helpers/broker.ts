/**
 * A REAL broker signed in to the emulator, for integration tests of the bridge and the broker.
 *
 *   const emulator = await startEmulator();
 *   const broker = await startTestBroker({ emulator });           // in-process, signed in via device code
 *   // bridges: GRAPH_BRIDGE_HOME=broker.home (+ NODE_EXTRA_CA_CERTS=emulator.caPath)
 *   await broker.stop();                                           // also removes the temp home
 *
 * It writes `<home>/config/settings.json` pointing at the emulator (authority, custom cloud, CA file,
 * client id), builds the production AuthService (real MSAL; the real keychain under
 * `node test/run.mjs integration`, a unique keychain service per broker; memory cache elsewhere) and
 * the production broker core (createBroker: real sockets, real key file, clients.json, audit log).
 * Sign-in: device code, approved through the emulator's control plane.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuthService } from '../../app/broker/auth/create-auth-service.ts';
import type { ProductionAuthService } from '../../app/broker/auth/create-auth-service.ts';
import { createBroker } from '../../app/broker/broker.ts';
import type { BrokerCore, BrokerDeps } from '../../app/broker/broker.ts';
import { brokerConfigFromSettings } from '../../app/broker/broker-config.ts';
import type { BrokerConfig } from '../../app/broker/broker-config.ts';
import { createLogger, createSecretRegistry } from '../../app/broker/log/logger.ts';
import { loadSettings } from '../../app/broker/settings/settings-store.ts';
import type { AccountSummary } from '../../app/shared/bridge-contract.ts';
import type { ToolGroup } from '../../app/shared/tool-groups.ts';
import { createPlatform } from '../../app/platform/platform.ts';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { RunningEmulator } from '../emulator/index.ts';
import { resultText } from './mcp-client.ts';
import type { ConfirmationPrompt } from '../../app/broker/admin/confirmations.ts';

export interface TestBrokerOptions {
  emulator: RunningEmulator;
  /** GRAPH_BRIDGE_HOME; default a fresh temp dir (removed by stop()). */
  home?: string;
  /** Unknown clients: 'allow' (default here, so bridges just work) or 'ask'. */
  clientPolicy?: 'ask' | 'allow';
  /** Write approval policy default: 'allow' (default here), 'ask' or 'deny'. */
  writes?: 'ask' | 'allow' | 'deny';
  /** Per-tool write policies. */
  writeTools?: Record<string, 'ask' | 'allow' | 'deny'>;
  /** Whether 'ask' approvals are held for broker.decideWrite (default true). */
  interactiveApprovals?: boolean;
  toolGroups?: ToolGroup[];
  readOnly?: boolean;
  /** Emulator user to sign in (UPN); default the emulator's current user. */
  user?: string;
  /** false: start the broker without signing in. */
  signIn?: boolean;
  /** Extra settings.json keys. */
  settings?: Record<string, unknown>;
  /** Echo broker log lines to stderr (default false; they always go to <home>/state/logs/broker.log). */
  verbose?: boolean;
  /** IPC limits (e.g. a short hello deadline); production defaults otherwise. */
  ipcLimits?: BrokerDeps['ipcLimits'];
  /** false: a host with nowhere to show confirmation codes (default: they are collected in `codes`). */
  showCodes?: boolean;
}

export interface TestBroker {
  home: string;
  /** Environment a bridge (or the CLI) needs to find this broker and trust the emulator. */
  env: Record<string, string>;
  /** Socket path, key file path, private dir. */
  endpoint: BrokerCore['endpoint'];
  broker: BrokerCore;
  auth: ProductionAuthService;
  /** The keychain service its token cache uses (a second sign-in core on the same profile needs it). */
  keychainService: string;
  /** The broker's current configuration (what settings.json said, plus updateConfig changes). */
  config: BrokerConfig;
  /** Changes the running broker's configuration, as a settings edit in the tray does. */
  updateConfig(patch: Partial<BrokerConfig>): void;
  account: AccountSummary | null;
  logPath: string;
  /** Confirmation codes the broker showed its host (what the tray window would display). */
  codes: ConfirmationPrompt[];
  stop(): Promise<void>;
}

export async function writeEmulatorSettings(
  home: string,
  emulator: RunningEmulator,
  extra: Record<string, unknown> = {},
): Promise<void> {
  const configDir = join(home, 'config');
  await mkdir(configDir, { recursive: true, mode: 0o700 });
  const settings = {
    clientId: emulator.clientId,
    tenant: emulator.tenantId,
    cloud: { authorityHost: emulator.entraOrigin, graphBaseUrl: `${emulator.graphOrigin}/` },
    authority: emulator.authority,
    extraCaFile: emulator.caPath,
    ...extra,
  };
  await writeFile(join(configDir, 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
}

export async function startTestBroker(options: TestBrokerOptions): Promise<TestBroker> {
  const { emulator } = options;
  const ownHome = options.home === undefined;
  const home = options.home ?? (await mkdtemp(join(tmpdir(), 'gb-test-broker-')));
  await writeEmulatorSettings(home, emulator, {
    ...(options.toolGroups === undefined ? {} : { toolGroups: options.toolGroups }),
    ...(options.readOnly === undefined ? {} : { readOnly: options.readOnly }),
    approvalPolicy: {
      clients: options.clientPolicy ?? 'allow',
      writes: { default: options.writes ?? 'allow', tools: options.writeTools ?? {} },
    },
    ...options.settings,
  });
  const env = { GRAPH_BRIDGE_HOME: home };
  const platform = createPlatform({ env });
  const loaded = await loadSettings({ configDir: platform.paths.configDir, env });
  if (!loaded.ok) throw new Error(`test broker settings invalid: ${loaded.error.message}`);
  const secrets = createSecretRegistry();
  const logger = createLogger({
    level: 'debug',
    logDir: platform.paths.logDir,
    stderr: options.verbose === true ? process.stderr : null,
    secrets,
  });
  const keychainService = `graph-bridge-test-${randomUUID()}`;
  const auth = await createAuthService({
    settings: loaded.value.settings,
    endpoints: loaded.value.endpoints,
    platform,
    log: (level, line) => logger[level](line),
    keychainService,
  });
  let config = brokerConfigFromSettings(loaded.value.settings, loaded.value.endpoints, platform);
  const codes: ConfirmationPrompt[] = [];
  const broker = createBroker({
    auth,
    endpoint: platform.paths.endpoint,
    isPipe: platform.os === 'win32',
    uid: platform.uid ?? undefined,
    stateDir: platform.paths.stateDir,
    config: () => config,
    version: '0.0.0-test',
    logger,
    secrets,
    logPath: logger.filePath,
    interactiveApprovals: options.interactiveApprovals ?? true,
    ...(options.ipcLimits === undefined ? {} : { ipcLimits: options.ipcLimits }),
    ...(options.showCodes === false
      ? {}
      : {
          showConfirmation: (prompt: ConfirmationPrompt) => {
            codes.push(prompt);
            return 'the test host';
          },
        }),
  });
  try {
    await broker.start();
  } catch (e) {
    await auth.close().catch(() => undefined);
    throw e;
  }
  let account: AccountSummary | null = auth.snapshot().account;
  if (options.signIn !== false && account === null) {
    emulator.control.settings({ deviceInterval: 1 });
    const r = await broker.signInWithDeviceCode({
      onCode: (p) => {
        // Approve on the next tick: MSAL starts polling after the callback returns.
        setTimeout(() => emulator.control.device(p.userCode, 'approve', options.user), 10);
      },
    });
    if (!r.ok) {
      await broker.stop();
      throw new Error(`test broker sign-in failed: ${r.error.code} ${r.error.message}`);
    }
    account = r.value;
  }
  return {
    home,
    env: { ...env, NODE_EXTRA_CA_CERTS: emulator.caPath },
    endpoint: platform.paths.endpoint,
    broker,
    auth,
    keychainService,
    get config() {
      return config;
    },
    updateConfig(patch) {
      config = { ...config, ...patch };
    },
    account,
    logPath: logger.filePath ?? join(platform.paths.logDir, 'broker.log'),
    codes,
    async stop() {
      await broker.stop();
      if (ownHome) await rm(home, { recursive: true, force: true });
    },
  };
}

/** JWT-shaped strings (header.payload.signature, base64url, header starting `eyJ`). */
export const JWT_PATTERN = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/;

/** Refresh tokens the emulator saw (every refresh_token grant in its request log). */
export function issuedRefreshTokens(emulator: RunningEmulator): string[] {
  return emulator
    .requestLog()
    .map((e) => e.form?.refresh_token)
    .filter((t): t is string => typeof t === 'string' && t.length >= 8);
}

/**
 * Scans every file under `dirs` (recursively) plus `texts` for JWT-shaped strings and the given
 * secrets. Returns findings as "where: what" lines (empty = clean). Token-cache files are skipped
 * only when named in `skip` (e.g. a plaintext cache a test opted into on purpose).
 */
export async function scanForSecrets(options: {
  dirs: string[];
  texts?: Record<string, string>;
  secrets: string[];
  skip?: (path: string) => boolean;
}): Promise<{ findings: string[]; scanned: string[] }> {
  const { readdir, readFile: read, lstat } = await import('node:fs/promises');
  const findings: string[] = [];
  const scanned: string[] = [];
  const check = (where: string, text: string): void => {
    const jwt = JWT_PATTERN.exec(text);
    if (jwt) findings.push(`${where}: JWT-shaped string ${jwt[0].slice(0, 12)}…`);
    for (const s of options.secrets) if (text.includes(s)) findings.push(`${where}: secret ${s.slice(0, 6)}…`);
  };
  const walk = async (p: string): Promise<void> => {
    const st = await lstat(p).catch(() => null);
    if (st === null) return;
    if (st.isDirectory()) {
      for (const name of await readdir(p)) await walk(join(p, name));
    } else if (st.isFile() && !(options.skip?.(p) ?? false)) {
      scanned.push(p);
      check(p, await read(p, 'utf8'));
    }
  };
  for (const d of options.dirs) await walk(d);
  for (const [where, text] of Object.entries(options.texts ?? {})) {
    scanned.push(where);
    check(where, text);
  }
  return { findings, scanned };
}

/**
 * Waits (polling, bounded) for `broker` to hold a pending write approval for `tool` and returns it
 * undecided. `call` is the tool call in flight: if it finishes first (it failed before asking), its
 * text is the failure.
 */
export async function pendingWrite(
  broker: BrokerCore,
  tool: string,
  call: Promise<CallToolResult>,
): Promise<{ id: string; summary: string; details: Record<string, string> }> {
  let finished: CallToolResult | undefined;
  void call.then((r) => (finished = r));
  for (let i = 0; i < 400; i++) {
    if (finished) throw new Error(`${tool} finished without asking: ${resultText(finished)}`);
    const pending = broker.status().pendingApprovals.find((p) => p.tool === tool);
    if (pending) return pending;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no pending approval for ${tool}`);
}

/** Waits for `broker` to hold a pending write approval for `tool` (see pendingWrite), then decides it. */
export async function decidePendingWrite(
  broker: BrokerCore,
  tool: string,
  decision: 'allow-once' | 'deny',
  call: Promise<CallToolResult>,
): Promise<{ summary: string; details: Record<string, string> }> {
  const pending = await pendingWrite(broker, tool, call);
  const decided = broker.decideWrite(pending.id, decision);
  if (!decided.ok) throw new Error(`deciding the ${tool} approval failed: ${decided.error.message}`);
  return pending;
}
