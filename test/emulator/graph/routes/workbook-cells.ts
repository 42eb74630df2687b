/**
 * Cells of the emulator's workbook model: A1 addresses, reading a rectangle as a workbookRange
 * (values, text, formulas, numberFormat, valueTypes), writing values, the used range, and Excel's
 * errors for a bad address or mismatched dimensions.
 */
import { GraphHttpError } from '../errors.ts';
import type { CellValue, WorkbookSheet } from '../model.ts';

export const MAX_ROWS = 1_048_576;
export const MAX_COLUMNS = 16_384;
/** Graph refuses ranges with more cells than this ("rangeExceedsLimit"). */
export const MAX_RANGE_CELLS = 5_000_000;

/** Zero-based, inclusive. */
export interface Rect {
  r0: number;
  c0: number;
  r1: number;
  c1: number;
}

export function invalidArgument(message = 'The argument is invalid or missing or has an incorrect format.') {
  return new GraphHttpError({ status: 400, code: 'InvalidArgument', message });
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

/** `A1`, `A1:C5`, `A:C` (whole columns), `1:5` (whole rows); `$` signs and a `Sheet!` prefix allowed. */
export function parseAddress(raw: string): Rect {
  const text = raw
    .trim()
    .replace(/^(?:'(?:[^']|'')+'|[^!']+)!/, '')
    .replace(/\$/g, '');
  const cell = /^([A-Za-z]{1,3})(\d{1,7})$/;
  const [a = '', b = a] = text.split(':');
  const ca = cell.exec(a);
  const cb = cell.exec(b);
  let rect: Rect;
  if (ca && cb) {
    rect = { r0: Number(ca[2]) - 1, c0: columnIndex(ca[1] ?? ''), r1: Number(cb[2]) - 1, c1: columnIndex(cb[1] ?? '') };
  } else if (/^[A-Za-z]{1,3}$/.test(a) && /^[A-Za-z]{1,3}$/.test(b) && text.includes(':')) {
    rect = { r0: 0, c0: columnIndex(a), r1: MAX_ROWS - 1, c1: columnIndex(b) };
  } else if (/^\d{1,7}$/.test(a) && /^\d{1,7}$/.test(b) && text.includes(':')) {
    rect = { r0: Number(a) - 1, c0: 0, r1: Number(b) - 1, c1: MAX_COLUMNS - 1 };
  } else throw invalidArgument();
  const norm = {
    r0: Math.min(rect.r0, rect.r1),
    r1: Math.max(rect.r0, rect.r1),
    c0: Math.min(rect.c0, rect.c1),
    c1: Math.max(rect.c0, rect.c1),
  };
  if (norm.r0 < 0 || norm.c0 < 0 || norm.r1 >= MAX_ROWS || norm.c1 >= MAX_COLUMNS) throw invalidArgument();
  return norm;
}

export function rectAddress(rect: Rect): string {
  const tl = `${columnName(rect.c0)}${rect.r0 + 1}`;
  const br = `${columnName(rect.c1)}${rect.r1 + 1}`;
  return tl === br ? tl : `${tl}:${br}`;
}

export function sheetRef(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.]*$/.test(name) ? name : `'${name.replace(/'/g, "''")}'`;
}

function cellAt(sheet: WorkbookSheet, r: number, c: number): CellValue {
  return sheet.cells[r]?.[c] ?? '';
}

function textOf(v: CellValue): string {
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  return String(v);
}

function typeOf(v: CellValue): string {
  if (v === '') return 'Empty';
  if (typeof v === 'number') return 'Double';
  if (typeof v === 'boolean') return 'Boolean';
  return 'String';
}

/** The rectangle of non-empty cells (A1 alone for an empty sheet). */
export function usedRect(sheet: WorkbookSheet): Rect {
  let r1 = -1;
  let c1 = -1;
  let r0 = Number.POSITIVE_INFINITY;
  let c0 = Number.POSITIVE_INFINITY;
  sheet.cells.forEach((row, r) =>
    row.forEach((v, c) => {
      if (v === '') return;
      r0 = Math.min(r0, r);
      c0 = Math.min(c0, c);
      r1 = Math.max(r1, r);
      c1 = Math.max(c1, c);
    }),
  );
  return r1 < 0 ? { r0: 0, c0: 0, r1: 0, c1: 0 } : { r0, c0, r1, c1 };
}

/** The workbookRange JSON of `rect` on `sheet`. */
export function renderRange(sheet: WorkbookSheet, rect: Rect): Record<string, unknown> {
  const rows = rect.r1 - rect.r0 + 1;
  const cols = rect.c1 - rect.c0 + 1;
  if (rows * cols > MAX_RANGE_CELLS)
    throw new GraphHttpError({
      status: 400,
      code: 'InvalidArgument',
      message: 'The cell count in the range has exceeded the maximum supported number.',
      innerCode: 'rangeExceedsLimit',
    });
  const grid = <T>(f: (v: CellValue) => T): T[][] =>
    Array.from({ length: rows }, (_, i) =>
      Array.from({ length: cols }, (_, j) => f(cellAt(sheet, rect.r0 + i, rect.c0 + j))),
    );
  const address = `${sheetRef(sheet.name)}!${rectAddress(rect)}`;
  const values = grid((v) => v);
  return {
    '@odata.type': '#microsoft.graph.workbookRange',
    address,
    addressLocal: address,
    cellCount: rows * cols,
    columnCount: cols,
    columnHidden: false,
    columnIndex: rect.c0,
    formulas: values,
    formulasLocal: values,
    formulasR1C1: values,
    hidden: false,
    numberFormat: grid(() => 'General'),
    rowCount: rows,
    rowHidden: false,
    rowIndex: rect.r0,
    text: grid(textOf),
    values,
    valueTypes: grid(typeOf),
  };
}

function isCell(v: unknown): v is CellValue | null {
  return v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

/**
 * A `values` payload for `rows`×`cols` cells: a 2-D array of exactly that shape, or one value for
 * every cell. `null` leaves a cell as it is. Anything else is Excel's InvalidArgument.
 */
export function readValues(raw: unknown, rows: number, cols: number): (CellValue | null)[][] {
  if (isCell(raw)) return Array.from({ length: rows }, () => Array.from({ length: cols }, () => raw));
  if (!Array.isArray(raw) || raw.length !== rows)
    throw invalidArgument(
      "The number of rows or columns in the input array doesn't match the size or dimensions of the range.",
    );
  return raw.map((row) => {
    if (!Array.isArray(row) || row.length !== cols)
      throw invalidArgument(
        "The number of rows or columns in the input array doesn't match the size or dimensions of the range.",
      );
    return row.map((v) => {
      if (!isCell(v)) throw invalidArgument();
      return v;
    });
  });
}

/** Writes `values` into `sheet` at the rectangle's top left (null = unchanged). */
export function writeValues(
  sheet: WorkbookSheet,
  at: { r0: number; c0: number },
  values: (CellValue | null)[][],
): void {
  values.forEach((row, i) =>
    row.forEach((v, j) => {
      if (v === null) return;
      const r = at.r0 + i;
      const c = at.c0 + j;
      const line = (sheet.cells[r] ??= []);
      while (line.length < c) line.push('');
      line[c] = v;
    }),
  );
  for (let r = 0; r < sheet.cells.length; r++) sheet.cells[r] ??= [];
}
