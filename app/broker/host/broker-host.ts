/**
 * The ONE assembly of a broker host — settings → logger → AuthService → createBroker — used by the
 * tray (app/main/tray/tray-host.ts) and by the CLI (`graph-bridge agent` and in-process commands,
 * app/cli/host.ts), so they cannot drift apart (keychain service, log rotation, settings control).
 *
 * Saved settings apply at once to what the broker reads through `config()` (tool groups, read-only,
 * approval policy). Sign-in settings (client, tenant, cloud, authority, OS broker, CA, plaintext
 * cache) are baked into the AuthService: `reloadSignIn()` rebuilds the sign-in core in place — the
 * old broker stops (its sockets close; bridges reconnect with the new key on their next call), a new
 * AuthService and broker start from the current settings, and `broker` — a stable facade — forwards
 * to the new one, so listeners never hold a stale broker. `restartNeeded()` is true only between a
 * save and the reload (or when a reload failed).
 */
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { AuthService } from '../auth/auth-service.ts';
import { createBroker, type BrokerCore, type BrokerDeps } from '../broker.ts';
import { brokerConfigFromSettings, brokerPlacement, type BrokerConfig } from '../broker-config.ts';
import { createLogger, createSecretRegistry, type LogLevel, type Logger } from '../log/logger.ts';
import { fail, ok, type Result } from '../../shared/result.ts';
import { deriveEndpoints, type EndpointConfig } from '../settings/derive.ts';
import type { Settings } from '../settings/settings-schema.ts';
import { loadSettings, type LoadedSettings } from '../settings/settings-store.ts';
import { createSettingsControl } from '../admin/settings-control.ts';
import type { Platform } from '../../platform/platform.ts';
import { createSwitchableBroker } from './switchable-broker.ts';

export { createSwitchableBroker } from './switchable-broker.ts';

/** What the sign-in core is built from; `keychainService` is already resolved (env or override). */
export interface AuthInput {
  settings: Settings;
  endpoints: EndpointConfig;
  /** The loaded settings with `settings`/`endpoints` those of this core. */
  loaded: LoadedSettings;
  logger: Logger;
  keychainService?: string;
}

export interface BrokerHostDeps {
  platform: Platform;
  /** The environment settings overrides come from (default: platform.env). */
  env?: Readonly<Record<string, string | undefined>>;
  version: string;
  /** Who hosts the broker (status and admin answers name it). */
  host: 'tray' | 'agent';
  /** Log file in the platform's log dir (tray.log, agent.log, cli.log). */
  logFileName: string;
  logLevel?: LogLevel;
  /** Also write log lines here at `consoleLevel` (only errors while the sign-in core starts). */
  console?: { sink: { write(text: string): unknown }; level: LogLevel } | null;
  interactiveApprovals: boolean;
  createAuth(input: AuthInput): Promise<AuthService>;
  /** Keychain service for the token cache; default GRAPH_BRIDGE_KEYCHAIN_SERVICE, else the profile's. */
  keychainService?: string;
  showConfirmation?: BrokerDeps['showConfirmation'];
  hideConfirmation?: BrokerDeps['hideConfirmation'];
  /** Said to `graph-bridge settings set` when a saved sign-in setting waits for a restart. */
  restartNote: string;
}

export interface BrokerHost {
  /** Stable across reloadSignIn(): forwards to the sign-in core currently running. */
  broker: BrokerCore;
  logger: Logger;
  logPath: string;
  /** The settings as loaded at start (with their origins). */
  loaded: LoadedSettings;
  settings: () => Settings;
  endpoints: () => EndpointConfig;
  config: () => BrokerConfig;
  /** Applies newly saved settings to everything that can change without a restart. */
  applySettings: (settings: Settings) => void;
  /** The running sign-in core was built with other sign-in settings than the current ones. */
  restartNeeded: () => boolean;
  /** Rebuilds the sign-in core from the current settings; on failure the previous one starts again. */
  reloadSignIn: () => Promise<Result<void>>;
  /** Stops the running core after any reload in progress (sockets, keys, approvals flushed, cache closed). */
  stop: () => Promise<void>;
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

export function signInChanged(a: Settings, b: Settings): boolean {
  return SIGN_IN_KEYS.some((k) => !isDeepStrictEqual(a[k], b[k]));
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** File log (rotated) + an optional console whose level is raised once the sign-in core runs. */
function hostLogger(deps: BrokerHostDeps, secrets: ReturnType<typeof createSecretRegistry>) {
  const file = createLogger({
    level: deps.logLevel ?? 'info',
    logDir: deps.platform.paths.logDir,
    fileName: deps.logFileName,
    stderr: null,
    secrets,
  });
  const consoleAt = (level: LogLevel) =>
    deps.console == null ? null : createLogger({ level, stderr: deps.console.sink, secrets });
  let console = consoleAt('error');
  const logger: Logger = {
    debug: (m, f) => (file.debug(m, f), console?.debug(m, f)),
    info: (m, f) => (file.info(m, f), console?.info(m, f)),
    warn: (m, f) => (file.warn(m, f), console?.warn(m, f)),
    error: (m, f) => (file.error(m, f), console?.error(m, f)),
  };
  const started = (): void => {
    if (deps.console != null) console = consoleAt(deps.console.level);
  };
  return { logger, started, logPath: file.filePath ?? join(deps.platform.paths.logDir, deps.logFileName) };
}

export async function createBrokerHost(deps: BrokerHostDeps): Promise<Result<BrokerHost>> {
  const { platform } = deps;
  const env = deps.env ?? platform.env;
  const loaded = await loadSettings({ configDir: platform.paths.configDir, env });
  if (!loaded.ok) return fail('BAD_REQUEST', loaded.error.message);
  const secrets = createSecretRegistry();
  const { logger, started, logPath } = hostLogger(deps, secrets);
  const keychainService = deps.keychainService ?? env.GRAPH_BRIDGE_KEYCHAIN_SERVICE;
  let settings = loaded.value.settings;
  let endpoints = loaded.value.endpoints;
  let config: BrokerConfig = brokerConfigFromSettings(settings, endpoints, platform);
  // What the running sign-in core was built with (reloadSignIn moves it on).
  let core = { settings, endpoints };
  const applySettings = (next: Settings): void => {
    settings = next;
    endpoints = deriveEndpoints(next);
    config = brokerConfigFromSettings(next, endpoints, platform);
  };
  const restartNeeded = (): boolean => signInChanged(settings, core.settings);
  // `graph-bridge settings set` with this host running: applied like a save in the window.
  const settingsControl = createSettingsControl({
    configDir: platform.paths.configDir,
    env,
    apply: (next) => {
      applySettings(next);
      return Promise.resolve(ok(restartNeeded() ? deps.restartNote : null));
    },
  });

  const buildCore = async (forSettings: Settings, forEndpoints: EndpointConfig): Promise<Result<BrokerCore>> => {
    let auth: AuthService;
    try {
      auth = await deps.createAuth({
        settings: forSettings,
        endpoints: forEndpoints,
        loaded: { ...loaded.value, settings: forSettings, endpoints: forEndpoints },
        logger,
        ...(keychainService === undefined || keychainService === '' ? {} : { keychainService }),
      });
    } catch (e: unknown) {
      return fail('INTERNAL', `Could not start the sign-in core: ${errorText(e)}. See ${logPath}.`);
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
        host: deps.host,
        interactiveApprovals: deps.interactiveApprovals,
        settings: settingsControl,
        ...(deps.showConfirmation === undefined ? {} : { showConfirmation: deps.showConfirmation }),
        ...(deps.hideConfirmation === undefined ? {} : { hideConfirmation: deps.hideConfirmation }),
      }),
    );
  };

  const first = await buildCore(settings, endpoints);
  if (!first.ok) return first;
  started();
  const switchable = createSwitchableBroker(first.value);
  const reloads = createReloader({
    broker: switchable.broker,
    logger,
    logPath,
    current: () => ({ settings, endpoints }),
    running: () => core,
    start: async (target, paused) => {
      const built = await buildCore(target.settings, target.endpoints);
      if (!built.ok) return built;
      built.value.setPaused(paused);
      try {
        await built.value.start();
      } catch (e: unknown) {
        await built.value.stop().catch(() => undefined);
        return fail('INTERNAL', `Could not start the broker: ${errorText(e)}. See ${logPath}.`);
      }
      switchable.swap(built.value);
      core = target;
      return ok(undefined);
    },
  });

  return ok({
    broker: switchable.broker,
    logger,
    logPath,
    loaded: loaded.value,
    settings: () => settings,
    endpoints: () => endpoints,
    config: () => config,
    applySettings,
    restartNeeded,
    reloadSignIn: () => reloads.reload(),
    async stop() {
      await reloads.idle();
      await switchable.broker.stop();
    },
  });
}

interface CoreTarget {
  settings: Settings;
  endpoints: EndpointConfig;
}

interface ReloaderDeps {
  broker: BrokerCore;
  logger: Logger;
  logPath: string;
  current(): CoreTarget;
  running(): CoreTarget;
  start(target: CoreTarget, paused: boolean): Promise<Result<void>>;
}

/** One reload at a time (a second caller waits, then reloads again); failure restores the previous core. */
function createReloader(deps: ReloaderDeps) {
  let reloading: Promise<Result<void>> | null = null;
  const reloadOnce = async (): Promise<Result<void>> => {
    const wanted = deps.current();
    const previous = deps.running();
    const paused = deps.broker.status().paused;
    deps.logger.info('Sign-in settings changed: restarting the sign-in core');
    await deps.broker.stop();
    const started = await deps.start(wanted, paused);
    if (started.ok) return started;
    deps.logger.error(`Sign-in core did not start with the new settings: ${started.error.message}`);
    const restored = await deps.start(previous, paused);
    if (!restored.ok) {
      deps.logger.error(`Sign-in core did not start again: ${restored.error.message}`);
      return fail(
        started.error.code,
        `${started.error.message} The previous sign-in settings could not be started again either, so Graph Bridge is not serving editors: quit and restart it (see ${deps.logPath}).`,
      );
    }
    return fail(
      started.error.code,
      `${started.error.message} Graph Bridge keeps the previous sign-in settings until this is fixed.`,
    );
  };
  return {
    reload(): Promise<Result<void>> {
      const run = async (): Promise<Result<void>> => {
        if (reloading !== null) await reloading;
        return reloadOnce();
      };
      const next = run().finally(() => {
        if (reloading === next) reloading = null;
      });
      reloading = next;
      return next;
    },
    async idle(): Promise<void> {
      while (reloading !== null) await reloading.catch(() => undefined);
    },
  };
}
