/**
 * Composition root of the broker inside the CLI process: settings -> logger -> AuthService ->
 * createBroker. Used by `graph-bridge agent` (serving IPC) and by commands that run the broker core
 * in-process when no agent/tray is running (login, logout, use, status).
 */
import { join } from 'node:path';
import { createBroker } from '../broker/broker.ts';
import type { BrokerCore } from '../broker/broker.ts';
import { brokerConfigFromSettings, brokerPlacement } from '../broker/broker-config.ts';
import type { BrokerConfig } from '../broker/broker-config.ts';
import { createLogger, createSecretRegistry } from '../broker/log/logger.ts';
import type { LogLevel, Logger } from '../broker/log/logger.ts';
import { loadSettings } from '../broker/settings/settings-store.ts';
import type { LoadedSettings } from '../broker/settings/settings-store.ts';
import { fail, ok } from '../shared/result.ts';
import type { Result } from '../shared/result.ts';
import type { CliDeps, TextSink } from './command.ts';
import type { AuthFactory } from './auth-factory.ts';
import { escapeControls } from '../shared/terminal-safe.ts';
import type { ConfirmationPrompt } from '../broker/admin/confirmations.ts';
import { createSettingsControl } from '../broker/admin/settings-control.ts';
import { deriveEndpoints } from '../broker/settings/derive.ts';
import type { Settings } from '../broker/settings/settings-schema.ts';

export interface HostOptions {
  kind: 'agent' | 'cli';
  interactiveApprovals: boolean;
  authFactory: AuthFactory;
  /** Echo log lines to the terminal's stderr (agent: yes; one-shot commands: warnings only). */
  logLevel?: LogLevel;
  consoleLevel?: LogLevel;
  /**
   * When the token cache is not in the OS keychain, print its one-line reason and fix to stderr once
   * (`graph-bridge: …`). Off for the agent (its banner shows the cache) and for `status` (its output does).
   */
  cacheNotice?: boolean;
}

export interface Host {
  broker: BrokerCore;
  loaded: LoadedSettings;
  /** Current broker config (settings changed over the admin channel apply at once). */
  config: () => BrokerConfig;
  logger: Logger;
  logPath: string | null;
}

export async function createHost(deps: CliDeps, options: HostOptions): Promise<Result<Host>> {
  const { platform } = deps;
  const loaded = await loadSettings({ configDir: platform.paths.configDir, env: deps.env });
  if (!loaded.ok) return fail('BAD_REQUEST', loaded.error.message);
  const secrets = createSecretRegistry();
  const level = options.logLevel ?? (deps.env.GRAPH_BRIDGE_LOG_LEVEL as LogLevel | undefined) ?? 'info';
  const fileLogger = createLogger({
    level,
    logDir: platform.paths.logDir,
    fileName: options.kind === 'agent' ? 'agent.log' : 'cli.log',
    stderr: null,
    secrets,
  });
  const consoleLevel = options.consoleLevel ?? 'warn';
  // While the sign-in core starts, only errors reach the terminal: the cache backend's warning is shown
  // once below (or by the command's own output), not as a log line on every command.
  let consoleLogger = createLogger({ level: 'error', stderr: deps.stderr, secrets });
  const logger: Logger = {
    debug: (m, f) => (fileLogger.debug(m, f), consoleLogger.debug(m, f)),
    info: (m, f) => (fileLogger.info(m, f), consoleLogger.info(m, f)),
    warn: (m, f) => (fileLogger.warn(m, f), consoleLogger.warn(m, f)),
    error: (m, f) => (fileLogger.error(m, f), consoleLogger.error(m, f)),
  };
  let auth;
  try {
    auth = await options.authFactory({
      platform,
      loaded: loaded.value,
      logger,
      ...(deps.env.GRAPH_BRIDGE_KEYCHAIN_SERVICE === undefined
        ? {}
        : { keychainService: deps.env.GRAPH_BRIDGE_KEYCHAIN_SERVICE }),
    });
  } catch (e) {
    return fail('INTERNAL', `Could not start the sign-in core: ${e instanceof Error ? e.message : String(e)}`);
  }
  consoleLogger = createLogger({ level: consoleLevel, stderr: deps.stderr, secrets });
  const cache = auth.snapshot().cache;
  if (options.cacheNotice !== false && options.kind === 'cli' && cache.backend !== 'keychain') {
    deps.stderr.write(`graph-bridge: ${escapeControls(cache.detail)}\n`);
  }
  let config = brokerConfigFromSettings(loaded.value.settings, loaded.value.endpoints, platform);
  const started = loaded.value.settings;
  const settings = createSettingsControl({
    configDir: platform.paths.configDir,
    env: deps.env,
    apply: (next) => {
      config = brokerConfigFromSettings(next, deriveEndpoints(next), platform);
      return Promise.resolve(ok(signInChanged(started, next) ? AGENT_RESTART_NOTE : null));
    },
  });
  const broker = createBroker({
    auth,
    ...brokerPlacement(platform),
    config: () => config,
    version: deps.version,
    logger,
    secrets,
    logPath: fileLogger.filePath ?? join(platform.paths.logDir, 'agent.log'),
    host: 'agent',
    interactiveApprovals: options.interactiveApprovals,
    settings,
    // The agent's own terminal is where a person sees confirmation codes (never the log file).
    ...(options.kind === 'agent' ? { showConfirmation: (p: ConfirmationPrompt) => printCode(deps.stdout, p) } : {}),
  });
  return ok({ broker, loaded: loaded.value, config: () => config, logger, logPath: fileLogger.filePath });
}

const AGENT_RESTART_NOTE =
  'Sign-in settings (client, tenant, cloud, authority, CA, OS broker, plaintext cache) take effect when the agent restarts.';
const SIGN_IN_KEYS = [
  'clientId',
  'tenant',
  'cloud',
  'authority',
  'useBroker',
  'extraCaFile',
  'allowPlaintextCache',
] as const;

function signInChanged(a: Settings, b: Settings): boolean {
  return SIGN_IN_KEYS.some((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

/** Shows a confirmation code in the agent's terminal; returns where, for the CLI's prompt. */
export function printCode(out: TextSink, p: ConfirmationPrompt): string {
  out.write(
    `\nConfirmation code: ${p.code}\n` +
      `  To: ${p.action}\n` +
      `  Valid until ${new Date(p.expiresAt).toLocaleTimeString()}. Type it only into a terminal where you ran that ` +
      `command yourself — never give it to anyone, and never to an AI assistant. If you did not ask for it, ignore it.\n\n`,
  );
  return 'the terminal running graph-bridge agent';
}
