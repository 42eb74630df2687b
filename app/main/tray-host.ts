/**
 * The broker inside the tray: settings → logger → AuthService → createBroker, the same production
 * pieces the headless agent uses (app/cli/host.ts), with interactive approvals on. Saved settings
 * apply at once to what the broker reads through `config()` (tool groups, read-only, approval
 * policy); sign-in settings (client, tenant, cloud, authority, OS broker, CA) need a restart, which
 * `restartNeeded()` reports to the window.
 */
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { createAuthService } from '../broker/auth/create-auth-service.ts';
import { createBroker, type BrokerCore } from '../broker/broker.ts';
import { brokerConfigFromSettings, brokerPlacement, type BrokerConfig } from '../broker/broker-config.ts';
import { createLogger, createSecretRegistry, type Logger } from '../broker/log/logger.ts';
import { fail, ok, type Result } from '../broker/protocol.ts';
import { deriveEndpoints, type EndpointConfig } from '../broker/settings/derive.ts';
import type { Settings } from '../broker/settings/settings-schema.ts';
import { loadSettings } from '../broker/settings/settings-store.ts';
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
  broker: BrokerCore;
  logger: Logger;
  logPath: string;
  settings(): Settings;
  endpoints(): EndpointConfig;
  /** Applies newly saved settings to everything that can change without a restart. */
  applySettings(settings: Settings): void;
  restartNeeded(): boolean;
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
  let config: BrokerConfig = brokerConfigFromSettings(settings, endpoints);
  let auth;
  try {
    auth = await createAuthService({
      settings,
      endpoints,
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
  const broker = createBroker({
    auth,
    ...brokerPlacement(platform),
    config: () => config,
    version: deps.version,
    logger,
    secrets,
    logPath,
    host: 'tray',
    interactiveApprovals: true,
  });
  return ok({
    broker,
    logger,
    logPath,
    settings: () => settings,
    endpoints: () => endpoints,
    applySettings(next) {
      settings = next;
      endpoints = deriveEndpoints(next);
      config = brokerConfigFromSettings(next, endpoints);
    },
    restartNeeded: () => SIGN_IN_KEYS.some((k) => !isDeepStrictEqual(settings[k], startSettings[k])),
  });
}
