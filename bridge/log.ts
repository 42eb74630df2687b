/**
 * The bridge's only logger. stdout belongs to the MCP protocol, so every line goes to stderr
 * (injected writer), prefixed with the pid, and passes through redactSecrets() first.
 */
import { redactSecrets } from '../app/shared/redact.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface LoggerOptions {
  /** Writes one already-formatted line (production: process.stderr.write). */
  write(line: string): void;
  pid: number;
  /** Lowest level written; default info. */
  level?: LogLevel;
  now?: () => Date;
  /** Extra strings to mask (e.g. the current access token). */
  secrets?: () => Iterable<string>;
}

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export function createLogger(options: LoggerOptions): Logger {
  const min = ORDER[options.level ?? 'info'];
  const now = options.now ?? (() => new Date());
  const log = (level: LogLevel, message: string): void => {
    if (ORDER[level] < min) return;
    const text = redactSecrets(message, options.secrets?.() ?? []).replace(/\r?\n/g, ' | ');
    options.write(`[graph-bridge ${options.pid}] ${now().toISOString()} ${level}: ${text}\n`);
  };
  return {
    debug: (m) => log('debug', m),
    info: (m) => log('info', m),
    warn: (m) => log('warn', m),
    error: (m) => log('error', m),
  };
}

/** A short description of an unknown thrown value, for logs. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
