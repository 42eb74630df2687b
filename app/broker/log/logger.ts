/**
 * The broker's leveled logger. Every line goes through redactSecrets() (app/shared/redact.ts) plus masking of
 * secrets the broker knows at runtime (its keys, access tokens it issued), then escapeControls()
 * (app/shared/terminal-safe.ts): messages and fields carry peer-controlled text (client names and versions,
 * tool names, error messages), and none of it may start a new line, reach a terminal as an escape
 * sequence or reorder the line with bidi controls — one entry is always exactly one line. Then to the
 * log file in the log dir (`broker.log`, appended, 0600; rotated by size like the audit log:
 * `<name>.1`, `<name>.2`, 5 MiB each) and to stderr.
 * Format: `ISO-time LEVEL [pid] message {json}`.
 */
import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { redactSecrets } from '../../shared/redact.ts';
import { escapeControls } from '../../shared/terminal-safe.ts';
import { createRotation, type Rotation } from './rotation.ts';

export const LOG_MAX_BYTES = 5 * 1024 * 1024;
/** Files kept per log, the current one included. */
export const LOG_FILES = 3;

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Secrets to mask in every line; the broker adds its keys and issued tokens (bounded). */
export interface SecretRegistry {
  add(secret: string): void;
  values(): Iterable<string>;
}

export function createSecretRegistry(limit = 256): SecretRegistry {
  const set = new Set<string>();
  return {
    add(secret) {
      if (secret.length < 8 || set.has(secret)) return;
      set.add(secret);
      if (set.size > limit) {
        const first = set.values().next();
        if (first.done !== true) set.delete(first.value);
      }
    },
    values: () => set.values(),
  };
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Directory for broker.log; omit for stderr only. */
  logDir?: string;
  fileName?: string;
  /** Defaults to process.stderr; pass null to silence the console sink. */
  stderr?: { write(text: string): unknown } | null;
  secrets?: SecretRegistry;
  now?: () => Date;
  pid?: number;
  /** Rotation size (default LOG_MAX_BYTES) and files kept (default LOG_FILES). */
  maxBytes?: number;
  files?: number;
}

/** Appends a line to the log file, rotating first when it would pass the size limit. */
function appendRotating(path: string, rotation: Rotation, line: string): void {
  if (rotation.knownSize() === null) {
    try {
      rotation.setSize(statSync(path).size);
    } catch {
      rotation.setSize(0);
    }
  }
  const bytes = Buffer.byteLength(line);
  if (rotation.due(bytes)) {
    for (const [from, to] of rotation.renames()) {
      try {
        renameSync(from, to);
      } catch {
        // A missing older file is normal; the current one is rotated regardless.
      }
    }
    rotation.rotated();
  }
  appendFileSync(path, line, { mode: 0o600 });
  rotation.appended(bytes);
}

export function createLogger(options: LoggerOptions = {}): Logger & { readonly filePath: string | null } {
  const threshold = LOG_LEVELS.indexOf(options.level ?? 'info');
  const stderr = options.stderr === undefined ? process.stderr : options.stderr;
  const now = options.now ?? (() => new Date());
  const pid = options.pid ?? process.pid;
  let filePath: string | null = null;
  let rotation: Rotation | null = null;
  if (options.logDir !== undefined) {
    mkdirSync(options.logDir, { recursive: true, mode: 0o700 });
    filePath = join(options.logDir, options.fileName ?? 'broker.log');
    rotation = createRotation({
      filePath,
      maxBytes: options.maxBytes ?? LOG_MAX_BYTES,
      files: Math.max(2, options.files ?? LOG_FILES),
    });
  }
  const write = (level: LogLevel, message: string, fields?: Record<string, unknown>): void => {
    if (LOG_LEVELS.indexOf(level) < threshold) return;
    const extra = fields === undefined ? '' : ` ${safeJson(fields)}`;
    const raw = `${now().toISOString()} ${level.toUpperCase()} [${pid}] ${message}${extra}`;
    const line = `${escapeControls(redactSecrets(raw, options.secrets?.values() ?? []))}\n`;
    if (filePath !== null && rotation !== null) {
      try {
        appendRotating(filePath, rotation, line);
      } catch {
        // A full disk must not take the broker down; stderr still gets the line.
      }
    }
    stderr?.write(line);
  };
  return {
    filePath,
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  };
}

function safeJson(fields: Record<string, unknown>): string {
  try {
    return JSON.stringify(fields, (_k, v: unknown) => (v instanceof Error ? `${v.name}: ${v.message}` : v));
  } catch {
    return '{"unserializable":true}';
  }
}

/** A logger that drops everything (unit tests). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
