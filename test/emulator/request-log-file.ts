/**
 * The Graph request log on disk, for the schema check after the integration run (issue #12):
 * with `GRAPH_BRIDGE_EMULATOR_REQUEST_LOG=<dir>` set, every request the Graph origin receives is
 * appended as one JSON line to `<dir>/graph-requests-<pid>-<random>.jsonl` (one file per emulator
 * instance). `test/graph-schema/check-log.ts` validates them against Microsoft's v1.0 schema.
 *
 * Never logged: `Authorization`, cookies, the control-plane key. Bodies: JSON as parsed, anything
 * else only as its length and content type.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, relative } from 'node:path';
import type { RequestLogEntry } from './types.ts';

export const REQUEST_LOG_ENV = 'GRAPH_BRIDGE_EMULATOR_REQUEST_LOG';

/**
 * The reviewed marker a test sets on a request it sends invalid ON PURPOSE (to see the emulator's
 * 400): `x-graph-bridge-schema-expect: invalid; <why>`. The check skips exactly those requests.
 */
export const EXPECT_INVALID_HEADER = 'x-graph-bridge-schema-expect';

/** Headers worth keeping for the check (everything else is dropped, secrets always). */
const KEPT_HEADERS = new Set([
  'content-type',
  'content-length',
  'consistencylevel',
  'prefer',
  'if-match',
  'if-none-match',
  'client-request-id',
  'user-agent',
  'sdkversion',
  EXPECT_INVALID_HEADER,
]);

/** One line of the file (see check-log.ts for the reader's schema). */
export interface LoggedGraphRequest {
  time: string;
  method: string;
  /** Path as received (percent-encoded), including the version segment. */
  path: string;
  /** Raw query string without `?` (OData options stay literal). */
  rawQuery: string;
  headers: Record<string, string>;
  body?: unknown;
  /** Non-JSON bodies: their size only. */
  bodyBytes?: number;
  status: number;
  /** The process that ran the emulator: the test file under node --test, else the entry script. */
  source: string;
}

export interface RequestLogSink {
  readonly file: string;
  append(entry: RequestLogEntry, extra: { rawQuery: string; bodyBytes: number }): void;
}

export function keptHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (KEPT_HEADERS.has(k.toLowerCase())) out[k.toLowerCase()] = v;
  return out;
}

/** The sink for `dir`, or undefined when logging is off. Throws if the directory cannot be created. */
export function createRequestLogSink(opts: {
  dir: string | undefined;
  source: string;
  cwd: string;
}): RequestLogSink | undefined {
  if (!opts.dir) return undefined;
  mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
  const file = join(opts.dir, `graph-requests-${process.pid}-${randomBytes(4).toString('hex')}.jsonl`);
  const source = opts.source ? relative(opts.cwd, opts.source) : '';
  return {
    file,
    append(entry, extra) {
      const line: LoggedGraphRequest = {
        time: entry.time,
        method: entry.method,
        path: entry.path,
        rawQuery: extra.rawQuery,
        headers: keptHeaders(entry.headers),
        ...(entry.body !== undefined ? { body: entry.body } : {}),
        ...(entry.body === undefined && extra.bodyBytes > 0 ? { bodyBytes: extra.bodyBytes } : {}),
        status: entry.status,
        source,
      };
      appendFileSync(file, `${JSON.stringify(line)}\n`, { mode: 0o600 });
    },
  };
}

/** Production default: the env var, the script node runs (the test file under node --test). */
export function requestLogSinkFromEnv(env: NodeJS.ProcessEnv = process.env): RequestLogSink | undefined {
  return createRequestLogSink({ dir: env[REQUEST_LOG_ENV], source: process.argv[1] ?? '', cwd: process.cwd() });
}
