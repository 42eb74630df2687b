/**
 * The broker inside the CLI process: the shared broker host (app/broker/host/broker-host.ts — the
 * same assembly the tray uses). Used by `graph-bridge agent` (serving IPC) and by commands that run
 * the broker core in-process when no agent/tray is running (login, logout, use, status).
 */
import type { BrokerCore } from '../broker/broker.ts';
import type { BrokerConfig } from '../broker/broker-config.ts';
import type { LogLevel, Logger } from '../broker/log/logger.ts';
import type { LoadedSettings } from '../broker/settings/settings-store.ts';
import type { Result } from '../shared/result.ts';
import type { CliDeps, TextSink } from './command.ts';
import type { AuthFactory } from './auth-factory.ts';
import { escapeControls } from '../shared/terminal-safe.ts';
import type { ConfirmationPrompt } from '../broker/admin/confirmations.ts';
import { createBrokerHost } from '../broker/host/broker-host.ts';

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
  /** Stops the broker core (after a sign-in reload in progress). */
  stop(): Promise<void>;
}

export async function createHost(deps: CliDeps, options: HostOptions): Promise<Result<Host>> {
  const { platform } = deps;
  const created = await createBrokerHost({
    platform,
    env: deps.env,
    version: deps.version,
    host: 'agent',
    logFileName: options.kind === 'agent' ? 'agent.log' : 'cli.log',
    logLevel: options.logLevel ?? (deps.env.GRAPH_BRIDGE_LOG_LEVEL as LogLevel | undefined) ?? 'info',
    // While the sign-in core starts only errors reach the terminal: the cache backend's warning is shown
    // once below (or by the command's own output), not as a log line on every command.
    console: { sink: deps.stderr, level: options.consoleLevel ?? 'warn' },
    interactiveApprovals: options.interactiveApprovals,
    createAuth: ({ loaded, logger, keychainService }) =>
      options.authFactory({ platform, loaded, logger, ...(keychainService === undefined ? {} : { keychainService }) }),
    // The agent's own terminal is where a person sees confirmation codes: never the log file, and never
    // a stdout that is no terminal (a pipe a model reads, a file, /dev/null of a background agent).
    ...(options.kind === 'agent' && deps.terminal.showsOutput
      ? { showConfirmation: (p: ConfirmationPrompt) => printCode(deps.stdout, p) }
      : {}),
  });
  if (!created.ok) return created;
  const host = created.value;
  const cache = host.broker.auth.snapshot().cache;
  if (options.cacheNotice !== false && options.kind === 'cli' && cache.backend !== 'keychain') {
    deps.stderr.write(`graph-bridge: ${escapeControls(cache.detail)}\n`);
  }
  return {
    ok: true,
    value: {
      broker: host.broker,
      loaded: host.loaded,
      config: host.config,
      logger: host.logger,
      logPath: host.logPath,
      stop: host.stop,
    },
  };
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
