/**
 * The state of a broker host — the settings in force, the broker config derived from them, what the
 * running sign-in core was built with — and building and starting one sign-in core from it.
 */
import type { AuthService } from '../auth/auth-service.ts';
import { createBroker, type BrokerCore } from '../broker.ts';
import { brokerConfigFromSettings, brokerPlacement, type BrokerConfig } from '../broker-config.ts';
import { createSecretRegistry, type Logger } from '../log/logger.ts';
import { fail, ok, type Result } from '../../shared/result.ts';
import { deriveEndpoints, type EndpointConfig } from '../settings/derive.ts';
import type { Settings } from '../settings/settings-schema.ts';
import type { LoadedSettings } from '../settings/settings-store.ts';
import { createConfirmations, type Confirmations } from '../admin/confirmations.ts';
import { createSettingsControl, type SettingsControl, type SettingsControlDeps } from '../admin/settings-control.ts';
import type { BrokerHostDeps } from './broker-host-types.ts';
import { hostLogger } from './broker-host-logger.ts';
import type { CoreTarget } from './broker-host-reloader.ts';
import { signInChanged } from './settings-apply.ts';

export interface HostState {
  readonly deps: BrokerHostDeps;
  readonly loaded: LoadedSettings;
  readonly secrets: ReturnType<typeof createSecretRegistry>;
  readonly logger: Logger;
  readonly logPath: string;
  readonly keychainService: string | undefined;
  /** `graph-bridge settings set` with this host running: applied like a save in the window, in place. */
  readonly settingsControl: SettingsControl;
  /** One-time codes, shared by every sign-in core; a rebuild withdraws the open ones (withdrawCodes). */
  readonly confirmations: Confirmations;
  settings: Settings;
  endpoints: EndpointConfig;
  config: BrokerConfig;
  /** What the running sign-in core was built with (reloadSignIn moves it on). */
  core: CoreTarget;
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * The host's state from the loaded settings; `started` raises the console log once the core runs.
 * `apply` applies what `graph-bridge settings set` saved (settings-apply.ts).
 */
export function createHostState(
  deps: BrokerHostDeps,
  env: NonNullable<BrokerHostDeps['env']>,
  loaded: LoadedSettings,
  apply: NonNullable<SettingsControlDeps['apply']>,
): { state: HostState; started: () => void } {
  const secrets = createSecretRegistry();
  const { logger, started, logPath } = hostLogger(deps, secrets);
  const { settings, endpoints } = loaded;
  const state: HostState = {
    deps,
    loaded,
    secrets,
    logger,
    logPath,
    keychainService: deps.keychainService ?? env.GRAPH_BRIDGE_KEYCHAIN_SERVICE,
    settings,
    endpoints,
    config: brokerConfigFromSettings(settings, endpoints, deps.platform),
    core: { settings, endpoints },
    settingsControl: createSettingsControl({ configDir: deps.platform.paths.configDir, env, apply }),
    confirmations: createConfirmations({
      now: deps.now ?? (() => new Date()),
      show: deps.showConfirmation ?? null,
      ...(deps.hideConfirmation === undefined ? {} : { hide: deps.hideConfirmation }),
    }),
  };
  return { state, started };
}

export function applySettings(state: HostState, next: Settings): void {
  state.settings = next;
  state.endpoints = deriveEndpoints(next);
  state.config = brokerConfigFromSettings(next, state.endpoints, state.deps.platform);
}

/** The sign-in core stopped for a rebuild: the codes made while it ran are withdrawn from the window at once. */
export function withdrawCodes(state: HostState): void {
  state.confirmations.withdrawAll(
    'That confirmation code was withdrawn: Graph Bridge restarted its sign-in with new settings after it was shown.',
  );
}

export function restartNeeded(state: HostState): boolean {
  return signInChanged(state.settings, state.core.settings);
}

/** A new sign-in core (AuthService + broker) for `target`, not started yet. */
export async function buildCore(state: HostState, target: CoreTarget): Promise<Result<BrokerCore>> {
  const { deps, logger, logPath, keychainService } = state;
  let auth: AuthService;
  try {
    auth = await deps.createAuth({
      settings: target.settings,
      endpoints: target.endpoints,
      loaded: { ...state.loaded, settings: target.settings, endpoints: target.endpoints },
      logger,
      ...(keychainService === undefined || keychainService === '' ? {} : { keychainService }),
    });
  } catch (e: unknown) {
    return fail('INTERNAL', `Could not start the sign-in core: ${errorText(e)}. See ${logPath}.`);
  }
  return ok(
    createBroker({
      auth,
      ...brokerPlacement(deps.platform),
      config: () => state.config,
      version: deps.version,
      logger,
      secrets: state.secrets,
      logPath,
      host: deps.host,
      interactiveApprovals: deps.interactiveApprovals,
      settings: state.settingsControl,
      confirmations: state.confirmations,
      ...(deps.showConfirmation === undefined ? {} : { showConfirmation: deps.showConfirmation }),
      ...(deps.hideConfirmation === undefined ? {} : { hideConfirmation: deps.hideConfirmation }),
    }),
  );
}

/** Builds and starts a sign-in core for a reload (paused like the one it replaces); a failed start is stopped. */
export async function startCore(state: HostState, target: CoreTarget, paused: boolean): Promise<Result<BrokerCore>> {
  const built = await buildCore(state, target);
  if (!built.ok) return built;
  built.value.setPaused(paused);
  try {
    await built.value.start();
  } catch (e: unknown) {
    await built.value.stop().catch(() => undefined);
    return fail('INTERNAL', `Could not start the broker: ${errorText(e)}. See ${state.logPath}.`);
  }
  return built;
}
