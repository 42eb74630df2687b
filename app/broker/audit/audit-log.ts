/**
 * Audit trail of Graph calls made on the user's behalf.
 *
 * Files (state dir): `audit.jsonl` (current) and `audit.jsonl.1` … `audit.jsonl.<files-1>` (older),
 * rotated by size. One JSON object per line, mode 0600:
 *   {"time":ISO,"client":"cursor","tool":"mail_send","method":"POST","pathTemplate":"/me/sendMail",
 *    "status":202,"durationMs":312,"requestId":"…"}
 * Never tokens, query strings or bodies: only the fields above (pathTemplate is also redacted).
 *
 * The size bound holds for every file and every `files` value: a record that would take the current
 * file past `maxBytes` first rotates it — with `files: 1` the one file is emptied instead (it keeps the
 * newest records, up to `maxBytes`) — and a record longer than `maxBytes` on its own is written with its
 * text fields cut to fit (audit-line.ts). `maxBytes` is at least AUDIT_MIN_BYTES.
 */
import { appendFile, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { auditEntrySchema, type AuditEntry } from '../../shared/audit-contract.ts';
import type { AuditQuery } from '../broker-api.ts';
import { createSerialQueue } from '../state/serial-queue.ts';
import { createRotation } from '../log/rotation.ts';
import { AUDIT_MIN_BYTES, auditLine } from './audit-line.ts';

export interface AuditLogOptions {
  /** Path of the current file, e.g. <stateDir>/audit.jsonl. */
  filePath: string;
  /** Size bound of each file (default AUDIT_MAX_BYTES, at least AUDIT_MIN_BYTES). */
  maxBytes?: number;
  /** Total files kept including the current one (at least 1). */
  files?: number;
}

export type AuditLog = ReturnType<typeof createAuditLog>;

export const AUDIT_MAX_BYTES = 5 * 1024 * 1024;
export const AUDIT_FILES = 3;

type Rotation = ReturnType<typeof createRotation>;

/** The files of one log (the current one at filePath), and how many to keep. */
interface LogFiles {
  filePath: string;
  files: number;
  rotation: Rotation;
}

/** Learns the current file's size once (creating its directory): 0 when there is no file yet. */
async function learnSize({ filePath, rotation }: LogFiles): Promise<void> {
  if (rotation.knownSize() !== null) return;
  await mkdir(dirname(filePath), { recursive: true, mode: 0o700 });
  rotation.setSize(
    await stat(filePath).then(
      (s) => s.size,
      () => 0,
    ),
  );
}

/** Appends `line`, rotating first when it would pass the bound (one file: nothing to rename, it is replaced). */
async function write({ filePath, files, rotation }: LogFiles, line: string): Promise<void> {
  const bytes = Buffer.byteLength(line);
  const due = rotation.due(bytes);
  if (due) {
    for (const [from, to] of rotation.renames()) await rename(from, to).catch(() => undefined);
    rotation.rotated();
  }
  await (due && files === 1 ? writeFile : appendFile)(filePath, line, { mode: 0o600 });
  rotation.appended(bytes);
}

/** Every file of the log, oldest first. */
function oldestFirst(filePath: string, files: number): string[] {
  const paths = [];
  for (let i = files - 1; i >= 1; i--) paths.push(`${filePath}.${i}`);
  paths.push(filePath);
  return paths;
}

/** The entries of one file's text that parse and match the query's client and tool. */
function matchingEntries(text: string, q: AuditQuery): AuditEntry[] {
  const out: AuditEntry[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let parsed;
    try {
      parsed = auditEntrySchema.safeParse(JSON.parse(line));
    } catch {
      continue;
    }
    if (!parsed.success) continue;
    const e = parsed.data;
    if (q.client !== undefined && e.client !== q.client) continue;
    if (q.tool !== undefined && e.tool !== q.tool) continue;
    out.push(e);
  }
  return out;
}

/** Oldest first; `limit` keeps the newest N. Unparsable lines are skipped. */
async function readEntries(filePath: string, files: number, q: AuditQuery): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  for (const p of oldestFirst(filePath, files)) {
    const text = await readFile(p, 'utf8').catch(() => '');
    out.push(...matchingEntries(text, q));
  }
  return q.limit !== undefined ? out.slice(Math.max(0, out.length - q.limit)) : out;
}

export function createAuditLog(options: AuditLogOptions) {
  const maxBytes = Math.max(AUDIT_MIN_BYTES, options.maxBytes ?? AUDIT_MAX_BYTES);
  const files = Math.max(1, options.files ?? AUDIT_FILES);
  const serial = createSerialQueue();
  const log: LogFiles = {
    filePath: options.filePath,
    files,
    rotation: createRotation({ filePath: options.filePath, maxBytes, files }),
  };

  return {
    path: () => options.filePath,
    record(entry: AuditEntry): Promise<void> {
      const line = auditLine(entry, maxBytes);
      return serial(async () => {
        await learnSize(log);
        await write(log, line);
      });
    },
    /** Resolves once every record accepted so far is on disk (the broker awaits it when it stops). */
    flush: (): Promise<void> => serial(() => Promise.resolve()),
    /** Oldest first; `limit` keeps the newest N. Unparsable lines are skipped. */
    async query(q: AuditQuery = {}): Promise<AuditEntry[]> {
      await serial(() => Promise.resolve());
      return readEntries(options.filePath, files, q);
    },
  };
}
