/** What a broker host (broker-host.ts, which re-exports these) is built from and what it offers. */
import type { AuthService } from '../auth/auth-service.ts';
import type { BrokerCore, BrokerDeps } from '../broker.ts';
import type { BrokerConfig } from '../broker-config.ts';
import type { LogLevel, Logger } from '../log/logger.ts';
import type { Result } from '../../shared/result.ts';
import type { SettingsSnapshot } from '../admin-protocol.ts';
import type { AppliedSettings, SettingsPlan } from '../admin/settings-control.ts';
import type { EndpointConfig } from '../settings/derive.ts';
import type { Settings } from '../settings/settings-schema.ts';
import type { LoadedSettings } from '../settings/settings-store.ts';
import type { Platform } from '../../platform/platform.ts';

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
  /** Clock of the confirmation codes, which outlive each sign-in core (default: the system clock). */
  now?: () => Date;
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
  /**
   * Writes `raw` as settings.json and applies it to this host — the one path for the window's save and
   * `graph-bridge settings set`. When the host cannot apply it (sign-in settings that do not start), the
   * previous sign-in core runs again and settings.json is put back to `previousRaw`.
   */
  commitSettings: (
    change: Pick<SettingsPlan, 'raw' | 'previousRaw'>,
  ) => Promise<Result<{ snapshot: SettingsSnapshot } & AppliedSettings>>;
  /** Stops the running core after any reload in progress (sockets, keys, approvals flushed, cache closed). */
  stop: () => Promise<void>;
}
