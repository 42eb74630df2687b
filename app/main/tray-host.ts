/**
 * The broker inside the tray: settings → logger → AuthService → createBroker, the same production
 * pieces the headless agent uses (app/cli/host.ts), with interactive approvals on. Saved settings
 * apply at once to what the broker reads through `config()` (tool groups, read-only, approval
 * policy). Sign-in settings (client, tenant, cloud, authority, OS broker, CA) are baked into the
 * AuthService, so `reloadSignIn()` rebuilds the sign-in core in place: the old broker stops (its
 * sockets close; bridges reconnect with the new key on their next call), a new AuthService and broker
 * start from the current settings, and `host.broker` — a stable facade — forwards to the new one, so
 * the window, tray and listeners never hold a stale broker. `restartNeeded()` is true only between a
 * save and the reload (or when a reload failed).
 */
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { createAuthService } from '../broker/auth/create-auth-service.ts';
import { createBroker, type BrokerCore } from '../broker/broker.ts';
import { brokerConfigFromSettings, brokerPlacement, type BrokerConfig } from '../broker/broker-config.ts';
import { createLogger, createSecretRegistry, type Logger } from '../broker/log/logger.ts';
import { fail, ok, type Result } from '../shared/result.ts';
import type { BrokerStatus } from '../shared/bridge-contract.ts';
import { deriveEndpoints, type EndpointConfig } from '../broker/settings/derive.ts';
import type { Settings } from '../broker/settings/settings-schema.ts';
import { loadSettings } from '../broker/settings/settings-store.ts';
import type { ConfirmationPrompt } from '../broker/admin/confirmations.ts';
import { createSettingsControl } from '../broker/admin/settings-control.ts';
import type { Platform } from '../platform/platform.ts';

export interface TrayHostDeps {
  platform: Platform;
  version: string;
  /** Default: the platform's browser launcher (tests: headless Chromium). */
  openBrowser?: (url: string) => Promise<void>;
  /** Keychain service for the token cache (tests: unique per run). */
  keychainService?: string;
  /** OS-edge overrides for the token cache (tests: a keychain that is unavailable). */
  tokenCacheOptions?: Parameters<typeof createAuthService>[0]['tokenCacheOptions'];
  /** Also write log lines to this stream (development); the log file always gets them. */
  stderr?: { write(text: string): unknown } | null;
}

export interface TrayHost {
  /** Stable across reloadSignIn(): forwards to the sign-in core currently running. */
  broker: BrokerCore;
  logger: Logger;
  logPath: string;
  settings(): Settings;
  endpoints(): EndpointConfig;
  /** Applies newly saved settings to everything that can change without a restart. */
  applySettings(settings: Settings): void;
  /** The running sign-in core was built with other sign-in settings than the current ones. */
  restartNeeded(): boolean;
  /**
   * Rebuilds the sign-in core (AuthService + broker IPC) from the current settings, keeping pause
   * state and status listeners. On failure the previous settings' core is started again.
   */
  reloadSignIn(): Promise<Result<void>>;
  /**
   * Confirmation codes for `graph-bridge` commands typed in a terminal (approve, allow, resume, loosening
   * settings): the window shows them; they never go to a log, status or a socket. Fires with the codes
   * still valid whenever one is made or used.
   */
  onConfirmationCodes(listener: (codes: ConfirmationPrompt[]) => void): () => void;
  confirmationCodes(): ConfirmationPrompt[];
}

/** Where the tray shows codes, as the CLI's prompt names it. */
export const TRAY_CODE_PLACE = 'the Graph Bridge window (open it from the tray icon)';
const TRAY_RESTART_NOTE =
  'Sign-in settings take effect after a restart of Graph Bridge (Quit from the tray menu, then start it again).';

function createCodeBoard(now: () => Date) {
  const codes = new Map<string, ConfirmationPrompt>();
  const listeners = new Set<(codes: ConfirmationPrompt[]) => void>();
  const current = (): ConfirmationPrompt[] =>
    [...codes.values()].filter((c) => Date.parse(c.expiresAt) > now().getTime());
  const emit = (): void => {
    const list = current();
    for (const l of listeners) l(list);
  };
  return {
    show(prompt: ConfirmationPrompt): string {
      codes.set(prompt.challengeId, prompt);
      emit();
      return TRAY_CODE_PLACE;
    },
    hide(id: string): void {
      if (codes.delete(id)) emit();
    },
    current,
    subscribe(listener: (codes: ConfirmationPrompt[]) => void): () => void {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}

/** A BrokerCore that forwards to a replaceable core and keeps its status listeners across swaps. */
export function createSwitchableBroker(initial: BrokerCore): { broker: BrokerCore; swap(next: BrokerCore): void } {
  let current = initial;
  const listeners = new Set<(status: BrokerStatus) => void>();
  const emit = (status: BrokerStatus) => {
    for (const l of listeners) l(status);
  };
  let unsubscribe = current.onStatusChanged(emit);
  const broker: BrokerCore = {
    get auth() {
      return current.auth;
    },
    get endpoint() {
      return current.endpoint;
    },
    get adminEndpoint() {
      return current.adminEndpoint;
    },
    start: () => current.start(),
    status: () => current.status(),
    onStatusChanged(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    signIn: (options) => current.signIn(options),
    signInWithDeviceCode: (options) => current.signInWithDeviceCode(options),
    signOut: (id) => current.signOut(id),
    useAccount: (id) => current.useAccount(id),
    grantConsent: (target, options) => current.grantConsent(target, options),
    decideClient: (id, decision) => current.decideClient(id, decision),
    decideWrite: (id, decision) => current.decideWrite(id, decision),
    setPaused: (paused) => current.setPaused(paused),
    audit: (query) => current.audit(query),
    auditLogPath: () => current.auditLogPath(),
    stop: () => current.stop(),
    adminStatus: () => current.adminStatus(),
    loadState: () => current.loadState(),
    neededScopes: () => current.neededScopes(),
    connectionCount: () => current.connectionCount(),
  };
  return {
    broker,
    swap(next) {
      unsubscribe();
      current = next;
      unsubscribe = next.onStatusChanged(emit);
      emit(next.status());
    },
  };
}

const SIGN_IN_KEYS = [
  'clientId',
  'tenant',
  'cloud',
  'authority',
  'useBroker',
  'extraCaFile',
  'allowPlaintextCache',
] as const;

export async function createTrayHost(deps: TrayHostDeps): Promise<Result<TrayHost>> {
  const { platform } = deps;
  const loaded = await loadSettings({ configDir: platform.paths.configDir, env: platform.env });
  if (!loaded.ok) return fail('BAD_REQUEST', loaded.error.message);
  const secrets = createSecretRegistry();
  const logger = createLogger({
    logDir: platform.paths.logDir,
    fileName: 'tray.log',
    stderr: deps.stderr ?? null,
    secrets,
  });
  const logPath = logger.filePath ?? join(platform.paths.logDir, 'tray.log');
  const startSettings = loaded.value.settings;
  let settings = startSettings;
  let endpoints = loaded.value.endpoints;
  let config: BrokerConfig = brokerConfigFromSettings(settings, endpoints, platform);
  // What the running sign-in core was built with (reloadSignIn moves them on).
  let coreSettings = startSettings;
  let coreEndpoints = endpoints;
  const codeBoard = createCodeBoard(() => new Date());
  const applySettings = (next: Settings): void => {
    settings = next;
    endpoints = deriveEndpoints(next);
    config = brokerConfigFromSettings(next, endpoints, platform);
  };
  const restartNeeded = (): boolean => SIGN_IN_KEYS.some((k) => !isDeepStrictEqual(settings[k], coreSettings[k]));
  // `graph-bridge settings set` with the tray running: applied like a save in the window.
  const settingsControl = createSettingsControl({
    configDir: platform.paths.configDir,
    env: platform.env,
    apply: (next) => {
      applySettings(next);
      return Promise.resolve(ok(restartNeeded() ? TRAY_RESTART_NOTE : null));
    },
  });
  const buildCore = async (forSettings: Settings, forEndpoints: EndpointConfig): Promise<Result<BrokerCore>> => {
    let auth;
    try {
      auth = await createAuthService({
        settings: forSettings,
        endpoints: forEndpoints,
        platform,
        log: (level, line) => logger[level](line),
        ...(deps.openBrowser === undefined ? {} : { openBrowser: deps.openBrowser }),
        ...(deps.keychainService === undefined ? {} : { keychainService: deps.keychainService }),
        ...(deps.tokenCacheOptions === undefined ? {} : { tokenCacheOptions: deps.tokenCacheOptions }),
      });
    } catch (e: unknown) {
      return fail(
        'INTERNAL',
        `Could not start the sign-in core: ${e instanceof Error ? e.message : String(e)}. See ${logPath}.`,
      );
    }
    return ok(
      createBroker({
        auth,
        ...brokerPlacement(platform),
        config: () => config,
        version: deps.version,
        logger,
        secrets,
        logPath,
        host: 'tray',
        interactiveApprovals: true,
        settings: settingsControl,
        showConfirmation: (prompt) => codeBoard.show(prompt),
        hideConfirmation: (id) => codeBoard.hide(id),
      }),
    );
  };
  const first = await buildCore(settings, endpoints);
  if (!first.ok) return first;
  const switchable = createSwitchableBroker(first.value);
  let reloading: Promise<Result<void>> | null = null;

  const startCore = async (forSettings: Settings, forEndpoints: EndpointConfig, paused: boolean) => {
    const built = await buildCore(forSettings, forEndpoints);
    if (!built.ok) return built;
    built.value.setPaused(paused);
    try {
      await built.value.start();
    } catch (e: unknown) {
      await built.value.stop().catch(() => undefined);
      return fail(
        'INTERNAL',
        `Could not start the broker: ${e instanceof Error ? e.message : String(e)}. See ${logPath}.`,
      );
    }
    switchable.swap(built.value);
    coreSettings = forSettings;
    coreEndpoints = forEndpoints;
    return ok(undefined);
  };

  const reload = async (): Promise<Result<void>> => {
    const wanted = settings;
    const wantedEndpoints = endpoints;
    const previous = { settings: coreSettings, endpoints: coreEndpoints };
    const paused = switchable.broker.status().paused;
    logger.info('Sign-in settings changed: restarting the sign-in core');
    await switchable.broker.stop();
    const started = await startCore(wanted, wantedEndpoints, paused);
    if (started.ok) return started;
    logger.error(`Sign-in core did not start with the new settings: ${started.error.message}`);
    const restored = await startCore(previous.settings, previous.endpoints, paused);
    if (!restored.ok) {
      logger.error(`Sign-in core did not start again: ${restored.error.message}`);
      return fail(
        started.error.code,
        `${started.error.message} The previous sign-in settings could not be started again either, so Graph Bridge is not serving editors: quit and restart it (see ${logPath}).`,
      );
    }
    return fail(
      started.error.code,
      `${started.error.message} Graph Bridge keeps the previous sign-in settings until this is fixed.`,
    );
  };

  return ok({
    broker: switchable.broker,
    logger,
    logPath,
    settings: () => settings,
    endpoints: () => endpoints,
    applySettings,
    restartNeeded,
    onConfirmationCodes: (listener) => codeBoard.subscribe(listener),
    confirmationCodes: () => codeBoard.current(),
    reloadSignIn() {
      // One reload at a time; a second caller waits for it, then reloads again if still needed.
      const run = async (): Promise<Result<void>> => {
        if (reloading !== null) await reloading;
        return reload();
      };
      const next = run().finally(() => {
        if (reloading === next) reloading = null;
      });
      reloading = next;
      return next;
    },
  });
}
