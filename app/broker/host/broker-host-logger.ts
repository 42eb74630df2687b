/** The broker host's logger: the rotated file log, and an optional console raised once the core runs. */
import { join } from 'node:path';
import { createLogger, type createSecretRegistry, type LogLevel, type Logger } from '../log/logger.ts';
import type { BrokerHostDeps } from './broker-host-types.ts';

/** File log (rotated) + an optional console whose level is raised once the sign-in core runs. */
export function hostLogger(deps: BrokerHostDeps, secrets: ReturnType<typeof createSecretRegistry>) {
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
