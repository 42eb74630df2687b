/**
 * The post-run schema check (issue #12): validates every Graph request the emulator logged during a
 * test tier (GRAPH_BRIDGE_EMULATOR_REQUEST_LOG, see test/emulator/request-log-file.ts) against
 * Microsoft's Graph v1.0 schema, and fails listing each invalid request with the reason and the
 * test file that ran the emulator.
 *
 * Not checked, each for a stated reason: pre-authenticated download and upload-session URLs
 * (`/_dl/…`, `/_up/…`: the emulator's stand-ins for SharePoint's download/upload hosts, not Graph); requests a test marks as invalid on purpose
 * with `x-graph-bridge-schema-expect: invalid; <why>` (a marked request that turns out VALID fails
 * the check: the marker must not hide anything); bridge requests on the commented allow-list.
 *
 * CLI: `node --import tsx test/graph-schema/check-log.ts <log dir>` (test/run.mjs runs it).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { EXPECT_INVALID_HEADER } from '../emulator/request-log-file.ts';
import { KNOWN_INVALID_BRIDGE_REQUESTS, type AllowedInvalidRequest } from './allow-list.ts';
import { loadGraphSchema } from './load.ts';
import type { Schema } from './model.ts';
import { validateGraphRequest } from './validate.ts';

const LoggedRequestSchema = z.object({
  time: z.string(),
  method: z.string(),
  path: z.string(),
  rawQuery: z.string(),
  headers: z.record(z.string(), z.string()),
  body: z.unknown().optional(),
  bodyBytes: z.number().optional(),
  status: z.number(),
  source: z.string(),
});
export type LoggedRequest = z.infer<typeof LoggedRequestSchema>;

export interface Finding {
  request: LoggedRequest;
  errors: string[];
  where: string;
}

export interface LogCheckResult {
  checked: number;
  invalid: Finding[];
  /** Marked invalid on purpose (the header), and the validator agrees. */
  expectedInvalid: Finding[];
  /** Marked invalid on purpose but valid: the marker is wrong. */
  wronglyMarked: Finding[];
  allowed: { finding: Finding; entry: AllowedInvalidRequest }[];
  unusedAllowEntries: AllowedInvalidRequest[];
  /** Lines that are not a logged request (a broken log fails the check). */
  unreadable: string[];
  /** `/_dl/…` and `/_up/…`: pre-authenticated download/upload URLs, not Graph API requests. */
  skippedPreauthenticated: number;
}

/** The emulator's download (`/_dl/<token>`), upload-session (`/_up/<token>`) and copy-monitor (`/_mon/<token>`) URLs. */
const PREAUTHENTICATED_PATH = /^\/_(dl|up|mon)\/[A-Za-z0-9_-]+$/;

function readEntries(dir: string): { entries: { request: LoggedRequest; where: string }[]; unreadable: string[] } {
  const entries: { request: LoggedRequest; where: string }[] = [];
  const unreadable: string[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()) {
    const lines = readFileSync(join(dir, file), 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      const where = `${file}:${i + 1}`;
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        unreadable.push(`${where}: not JSON`);
        return;
      }
      const parsed = LoggedRequestSchema.safeParse(json);
      if (parsed.success) entries.push({ request: parsed.data, where });
      else unreadable.push(`${where}: ${parsed.error.issues[0]?.message ?? 'bad entry'}`);
    });
  }
  return { entries, unreadable };
}

function belowVersion(path: string): string {
  return path.replace(/^\/(v1\.0|beta)(?=\/|$)/i, '') || '/';
}

function allowEntryFor(
  finding: Finding,
  allowList: readonly AllowedInvalidRequest[],
): AllowedInvalidRequest | undefined {
  const path = belowVersion(finding.request.path);
  return allowList.find(
    (a) =>
      a.method.toUpperCase() === finding.request.method.toUpperCase() &&
      a.path.test(path) &&
      finding.errors.every((e) => e.includes(a.error)),
  );
}

export function checkRequestLog(
  schema: Schema,
  dir: string,
  allowList: readonly AllowedInvalidRequest[] = KNOWN_INVALID_BRIDGE_REQUESTS,
): LogCheckResult {
  const { entries, unreadable } = readEntries(dir);
  const result: LogCheckResult = {
    checked: 0,
    invalid: [],
    expectedInvalid: [],
    wronglyMarked: [],
    allowed: [],
    unusedAllowEntries: [],
    unreadable,
    skippedPreauthenticated: 0,
  };
  const used = new Set<AllowedInvalidRequest>();
  for (const { request, where } of entries) {
    if (PREAUTHENTICATED_PATH.test(request.path)) {
      result.skippedPreauthenticated++;
      continue;
    }
    result.checked++;
    const url = request.rawQuery ? `${request.path}?${request.rawQuery}` : request.path;
    const errors = validateGraphRequest(schema, {
      method: request.method,
      url,
      headers: request.headers,
      ...(request.body !== undefined ? { body: request.body } : {}),
    });
    const finding: Finding = { request, errors, where };
    const marker = request.headers[EXPECT_INVALID_HEADER];
    if (marker !== undefined) {
      const why = /^invalid;\s*(\S.*)$/.exec(marker)?.[1];
      if (!why) finding.errors.push(`${EXPECT_INVALID_HEADER} must be "invalid; <why>", got "${marker}"`);
      (errors.length > 0 && why ? result.expectedInvalid : result.wronglyMarked).push(finding);
      continue;
    }
    if (errors.length === 0) continue;
    const entry = allowEntryFor(finding, allowList);
    if (entry) {
      used.add(entry);
      result.allowed.push({ finding, entry });
    } else result.invalid.push(finding);
  }
  result.unusedAllowEntries = allowList.filter((a) => !used.has(a));
  return result;
}

export function checkPassed(r: LogCheckResult): boolean {
  return (
    r.invalid.length === 0 &&
    r.wronglyMarked.length === 0 &&
    r.unreadable.length === 0 &&
    r.unusedAllowEntries.length === 0
  );
}

function describeRequest(f: Finding): string {
  const q = f.request.rawQuery ? `?${f.request.rawQuery}` : '';
  const id = f.request.headers['client-request-id'];
  return `${f.request.method} ${f.request.path}${q}\n    sent during ${f.request.source || '(unknown)'} (${f.where}${id ? `, client-request-id ${id}` : ''}, answered ${f.request.status})`;
}

export function formatReport(r: LogCheckResult): string {
  const out: string[] = [
    `# Graph v1.0 schema check: ${r.checked} request(s) checked, ${r.invalid.length} invalid, ` +
      `${r.expectedInvalid.length} invalid on purpose (marked), ${r.allowed.length} on the allow-list, ` +
      `${r.skippedPreauthenticated} pre-authenticated download/upload request(s) skipped`,
  ];
  for (const f of r.invalid) out.push(`INVALID ${describeRequest(f)}`, ...f.errors.map((e) => `    - ${e}`));
  for (const f of r.wronglyMarked) {
    out.push(
      `MARKED INVALID BUT ${f.errors.length === 0 ? 'VALID' : 'BADLY MARKED'} ${describeRequest(f)}`,
      ...f.errors.map((e) => `    - ${e}`),
    );
  }
  for (const { finding, entry } of r.allowed) {
    out.push(
      `ALLOWED (allow-list: ${entry.sentBy}) ${describeRequest(finding)}`,
      ...finding.errors.map((e) => `    - ${e}`),
    );
  }
  for (const a of r.unusedAllowEntries) {
    out.push(
      `STALE allow-list entry (matched nothing; delete it): ${a.method} ${String(a.path)} "${a.error}" (${a.sentBy})`,
    );
  }
  for (const u of r.unreadable) out.push(`UNREADABLE log line ${u}`);
  return out.join('\n');
}

function main(argv: string[]): number {
  const dir = argv[0];
  if (!dir) {
    process.stderr.write('usage: node --import tsx test/graph-schema/check-log.ts <request log dir>\n');
    return 2;
  }
  const result = checkRequestLog(loadGraphSchema(), dir);
  process.stdout.write(`${formatReport(result)}\n`);
  return checkPassed(result) ? 0 : 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = main(process.argv.slice(2));
