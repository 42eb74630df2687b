/**
 * Spreadsheet cells for the Excel tools: strict A1 addresses and worksheet/table names (they go into
 * Graph paths, so nothing but what Excel allows gets through), a range as a compact text table for
 * the model (sheet row numbers and column letters, one clean line per row, `|` escaped), and CSV
 * for ranges too big to show — with cells that would start a formula in a spreadsheet app neutralised.
 */
import { ToolError } from '../tool.ts';
import { plainLine } from './text.ts';

export type Cell = string | number | boolean | null;

export const MAX_ROW = 1_048_576;
export const MAX_COLUMN = 16_384;

/** Zero-based, inclusive. */
export interface Rect {
  r0: number;
  c0: number;
  r1: number;
  c1: number;
}

export function columnName(index: number): string {
  let n = index + 1;
  let out = '';
  while (n > 0) {
    const rem = (n - 1) % 26;
    out = String.fromCharCode(65 + rem) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

function columnIndex(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

const CELL = /^([A-Za-z]{1,3})([1-9][0-9]{0,6})$/;

function cellOf(text: string): { r: number; c: number } | null {
  const m = CELL.exec(text);
  if (!m) return null;
  const r = Number(m[2]) - 1;
  const c = columnIndex(m[1] ?? '');
  return r < MAX_ROW && c < MAX_COLUMN ? { r, c } : null;
}

/** `A1` or `A1:C5` (`$` allowed) → a rectangle; anything else is INVALID_INPUT. */
export function parseA1(address: string): Rect {
  const [a = '', b, ...rest] = address.trim().replace(/\$/g, '').split(':');
  const tl = cellOf(a);
  const br = b === undefined ? tl : cellOf(b);
  if (!tl || !br || rest.length > 0)
    throw new ToolError(
      'INVALID_INPUT',
      `range must be a cell or cell range such as A1 or A1:C10, not "${plainLine(address, 40)}".`,
    );
  return {
    r0: Math.min(tl.r, br.r),
    c0: Math.min(tl.c, br.c),
    r1: Math.max(tl.r, br.r),
    c1: Math.max(tl.c, br.c),
  };
}

export function a1(rect: Rect): string {
  const tl = `${columnName(rect.c0)}${rect.r0 + 1}`;
  const br = `${columnName(rect.c1)}${rect.r1 + 1}`;
  return tl === br ? tl : `${tl}:${br}`;
}

/** The address part of Graph's `Sheet1!A1:C5` (`'My sheet'!A1` too). */
export function addressRect(address: string | undefined): Rect | null {
  const part = address?.slice(address.lastIndexOf('!') + 1) ?? '';
  try {
    return parseA1(part);
  } catch {
    return null;
  }
}

/** A worksheet name as Excel allows it (1–31 characters, none of \ / ? * [ ] :). */
export function checkSheetName(name: string): string {
  // eslint-disable-next-line no-control-regex
  if (name.length < 1 || name.length > 31 || /[\\/?*[\]:\u0000-\u001f\u007f]/.test(name))
    throw new ToolError('INVALID_INPUT', 'sheet must be a worksheet name (1–31 characters, none of \\ / ? * [ ] :).');
  return name;
}

/** A table name (letters, digits, _ and .; starting with a letter or _) or a table id `{GUID}`. */
export function checkTableName(name: string): string {
  if (!/^(?:[A-Za-z_][A-Za-z0-9_.]{0,254}|\{[0-9A-Fa-f-]{36}\})$/.test(name))
    throw new ToolError('INVALID_INPUT', 'table must be a table name such as Table1 (letters, digits, _ and .).');
  return name;
}

/** `worksheets('…')`-style key: quotes doubled, everything percent-encoded. */
export function keySegment(name: string): string {
  const encoded = encodeURIComponent(name.replace(/'/g, "''"))
    .replace(/'/g, '%27')
    .replace(/\(/g, '%28')
    .replace(/\)/g, '%29');
  return `('${encoded}')`;
}

/** What a cell shows: the displayed text, unless Excel shows `####` (column too narrow). */
function shown(value: unknown, text: unknown): string {
  if (typeof text === 'string' && text !== '' && !/^#+$/.test(text)) return text;
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  return typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value);
}

function cellText(value: unknown, text: unknown): string {
  return plainLine(shown(value, text), 200).replace(/\|/g, '\\|');
}

export interface RangeData {
  /** Graph's address, e.g. `Budget!A1:D4`. */
  address?: string;
  values?: unknown[][];
  text?: unknown[][];
}

export interface TableText {
  text: string;
  /** Rows left out (0 when everything is shown). */
  leftOut: number;
  rows: number;
}

/**
 * The range as text lines: a header with the column letters, then `<sheet row> | cells…` per row,
 * as many rows as fit in `maxChars` (at most `maxRows`).
 */
export function rangeTable(range: RangeData, limits: { maxChars: number; maxRows: number }): TableText {
  const values = Array.isArray(range.values) ? range.values : [];
  const rect = addressRect(range.address) ?? { r0: 0, c0: 0, r1: values.length - 1, c1: 0 };
  const width = Math.max(0, ...values.map((r) => (Array.isArray(r) ? r.length : 0)));
  const head = ['row', ...Array.from({ length: width }, (_, j) => columnName(rect.c0 + j))].join(' | ');
  const lines = [head];
  let used = head.length;
  let shownRows = 0;
  for (let i = 0; i < values.length && shownRows < limits.maxRows; i++) {
    const row = values[i] ?? [];
    const texts = range.text?.[i] ?? [];
    const line = plainLine([String(rect.r0 + i + 1), ...row.map((v, j) => cellText(v, texts[j]))].join(' | '), 4000);
    if (used + 1 + line.length > limits.maxChars) break;
    lines.push(line);
    used += 1 + line.length;
    shownRows++;
  }
  return { text: lines.join('\n'), leftOut: values.length - shownRows, rows: values.length };
}

function csvCell(value: unknown): string {
  let s: string;
  if (value === null || value === undefined) s = '';
  else if (typeof value === 'boolean') s = value ? 'TRUE' : 'FALSE';
  else if (typeof value === 'number') s = String(value);
  else s = typeof value === 'string' ? value : JSON.stringify(value);
  // A text cell a spreadsheet app would run as a formula (=, +, -, @, tab, CR) is prefixed with '.
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s) && !/^[+-]?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV of the values (CRLF line ends). */
export function toCsv(values: readonly unknown[][]): string {
  return values.map((row) => (Array.isArray(row) ? row : []).map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** Values as a small text grid for an approval (cut at `max` characters). */
export function valuesPreview(values: readonly Cell[][], max: number): string {
  const text = values.map((row) => row.map((v) => cellText(v, undefined)).join(' | ')).join('\n');
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
