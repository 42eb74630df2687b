/**
 * One audit record as the line written to audit.jsonl: only the whitelisted fields (the path template
 * redacted), and never longer than the file's size bound — a record that would be is kept with its text
 * fields cut (path template first, time last), each cut marked with "…", so every file stays bounded
 * whatever a bridge sends.
 */
import { redactSecrets } from '../../shared/redact.ts';
import type { AuditEntry } from '../../shared/audit-contract.ts';

/**
 * The smallest size bound: a record with every text field emptied still fits (its numbers and keys
 * take about 130 bytes), so cutting always ends with a line within the bound.
 */
export const AUDIT_MIN_BYTES = 512;

/** Text fields in the order they are cut when a record is too long. */
const CUT_ORDER = ['pathTemplate', 'requestId', 'client', 'tool', 'method', 'time'] as const;
/** The most bytes one UTF-16 unit can take in a JSON line (`\u001b`). */
const MAX_BYTES_PER_UNIT = 6;
const CUT_MARK = '…';

const lineOf = (entry: AuditEntry): string => `${JSON.stringify(entry)}\n`;

/** The whitelisted fields of `entry` (a bridge's extra fields never reach the file). */
function cleanEntry(entry: AuditEntry): AuditEntry {
  return {
    time: entry.time,
    client: entry.client,
    tool: entry.tool,
    method: entry.method,
    pathTemplate: redactSecrets(entry.pathTemplate),
    status: entry.status,
    durationMs: Math.round(entry.durationMs),
    ...(entry.requestId === undefined ? {} : { requestId: entry.requestId }),
  };
}

/** `text` without its last `drop` UTF-16 units (never half a surrogate pair), marked as cut. */
function cutText(text: string, drop: number): string {
  let keep = Math.max(0, text.length - CUT_MARK.length - drop);
  const last = text.charCodeAt(keep - 1);
  if (keep > 0 && last >= 0xd800 && last <= 0xdbff) keep--;
  return keep === 0 ? '' : `${text.slice(0, keep)}${CUT_MARK}`;
}

/** The line for `entry`, at most `maxBytes` bytes (maxBytes is at least AUDIT_MIN_BYTES). */
export function auditLine(entry: AuditEntry, maxBytes: number): string {
  const out = cleanEntry(entry);
  let line = lineOf(out);
  for (const field of CUT_ORDER) {
    for (;;) {
      const excess = Buffer.byteLength(line) - maxBytes;
      const value = out[field];
      if (excess <= 0 || value === undefined || value === '') break;
      out[field] = cutText(value, Math.ceil(excess / MAX_BYTES_PER_UNIT));
      line = lineOf(out);
    }
  }
  return line;
}
