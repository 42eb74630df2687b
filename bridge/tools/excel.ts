/**
 * Excel workbooks (.xlsx) in OneDrive or a SharePoint library, through Graph's workbook API:
 *   - read_workbook: without sheet/table, the worksheets (with their used range) and tables; with
 *     `sheet` its used range (`usedRange(valuesOnly=true)`) or `range`; with `table` the table's
 *     range. The cells come back as a compact text table; a range bigger than one result shows its
 *     first rows and is saved whole as CSV (ctx.saveDownload). Reads need no session (and so no
 *     write permission: createSession needs Files.ReadWrite).
 *   - write_workbook: values into `sheet`!`range` (PATCH range `{values}`; a single start cell grows
 *     to the values' size) or new rows at the end of `table` (`POST tables/{t}/rows/add`), inside a
 *     workbook session (`createSession {persistChanges: true}`, header `workbook-session-id`,
 *     `closeSession` afterwards). The approval names the workbook, the range or table (with its
 *     columns), the values, the non-empty cells it overwrites and any cell that starts a formula.
 */
import type { DriveItem, WorkbookRange, WorkbookSessionInfo } from '@microsoft/microsoft-graph-types';
import { z } from 'zod';
import { GROUP_SCOPES } from '../../app/shared/tool-groups.ts';
import { ToolError, type GraphCall, type ToolContext, type ToolDefinition } from './tool.ts';
import { READ_ANNOTATIONS, defineTool } from './shared/define.ts';
import {
  a1,
  checkSheetName,
  MAX_COLUMN,
  MAX_ROW,
  checkTableName,
  keySegment,
  parseA1,
  rangeTable,
  toCsv,
  valuesPreview,
  type Cell,
  type Rect,
} from './shared/cells.ts';
import {
  driveInput,
  driveLabel,
  driveTarget,
  getItem,
  itemInputs,
  itemPath,
  itemRef,
  type DriveTarget,
} from './shared/drive.ts';
import { shortId } from './shared/ids.ts';
import { pathSegment } from './shared/paths.ts';
import { clip, plainLine } from './shared/text.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** Rows of a range shown in one result at most (the rest goes to the CSV file). */
export const MAX_ROWS_SHOWN = 200;
/** write_workbook sends at most this many cells in one call. */
export const MAX_WRITE_CELLS = 20_000;
/** …and at most this many characters (Graph refuses workbook requests over about 4 MB). */
export const MAX_WRITE_CHARS = 1_000_000;
/** read_workbook's overview reads the used range of at most this many worksheets. */
const OVERVIEW_SHEETS = 10;

interface Book {
  t: DriveTarget;
  /** `{drive}/items/{id}/workbook`. */
  base: string;
  template: string;
  name: string;
  path: string;
  id: string;
}

/** The workbook item (metadata read first: it must be an .xlsx). */
async function openBook(
  ctx: ToolContext,
  input: { itemId?: string | undefined; path?: string | undefined; drive?: string | undefined },
  access: 'read' | 'write',
): Promise<Book> {
  const t = await driveTarget(ctx, input.drive, access);
  const item: DriveItem = await getItem(ctx, t, await itemRef(ctx, t, input));
  const name = item.name ?? 'workbook';
  if (typeof item.id !== 'string' || (item.file?.mimeType !== XLSX && !/\.xlsx$/i.test(name)))
    throw new ToolError(
      'INVALID_INPUT',
      `'${plainLine(name, 200)}' is not an Excel workbook (.xlsx); use read_file for other files.`,
    );
  return {
    t,
    base: `${t.base}/items/${pathSegment(item.id)}/workbook`,
    template: `${t.template}/items/{id}/workbook`,
    name,
    path: itemPath(item),
    id: item.id,
  };
}

/** `{name}` markers in `rest` become the real key in the path and stay placeholders in the audit template. */
function keyed(rest: string, keys: Record<string, string>): { path: string; template: string } {
  return {
    path: rest.replace(/\{(\w+)\}/g, (_, k: string) => keys[k] ?? ''),
    template: rest.replace(/\{(\w+)\}/g, (_, k: string) => `('{${k}}')`),
  };
}

type CallOptions = { keys?: Record<string, string> } & Pick<GraphCall, 'query' | 'headers' | 'body'>;

/** A workbook request: `rest` below `{drive}/items/{id}/workbook`, with the drive's scopes. */
function request<T>(ctx: ToolContext, book: Book, method: GraphCall['method'], rest: string, opts: CallOptions = {}) {
  const { keys = {}, ...extra } = opts;
  const k = keyed(rest, keys);
  return ctx.graph.request<T>({
    method,
    path: `${book.base}${k.path}`,
    pathTemplate: `${book.template}${k.template}`,
    scopes: book.t.scopes,
    ...extra,
  });
}

const RANGE_SELECT = { $select: 'address,values,text' };

// ------------------------------------------------------------------------------------------------
// read_workbook

async function overview(ctx: ToolContext, book: Book, head: string): Promise<string> {
  const sheets = await request<{ value?: { name?: string; visibility?: string }[] }>(ctx, book, 'GET', '/worksheets', {
    query: { $select: 'name,visibility' },
  });
  const tables = await request<{ value?: { name?: string }[] }>(ctx, book, 'GET', '/tables', {
    query: { $select: 'name' },
  });
  const lines: string[] = [];
  for (const [i, s] of (sheets.value ?? []).entries()) {
    const name = s.name ?? '';
    let used = '';
    if (i < OVERVIEW_SHEETS && name !== '') {
      const r = await request<WorkbookRange>(ctx, book, 'GET', '/worksheets{sheet}/usedRange(valuesOnly=true)', {
        keys: { sheet: keySegment(name) },
        query: { $select: 'address,rowCount,columnCount' },
      });
      used = ` — used ${plainLine(r.address?.slice(r.address.lastIndexOf('!') + 1), 40)} (${r.rowCount ?? 0} rows × ${r.columnCount ?? 0} columns)`;
    }
    const hidden = s.visibility && s.visibility !== 'Visible' ? ' (hidden)' : '';
    lines.push(`- ${plainLine(name, 100)}${hidden}${used}`);
  }
  const tableNames = (tables.value ?? []).map((t) => plainLine(t.name, 100)).filter(Boolean);
  return [
    head,
    `Worksheets:`,
    ...lines,
    `Tables: ${tableNames.length ? tableNames.join(', ') : '(none)'}`,
    'Read cells with sheet (and range) or table.',
  ].join('\n');
}

async function readCells(ctx: ToolContext, book: Book, head: string, range: WorkbookRange): Promise<string> {
  const values = (range.values as unknown[][] | undefined) ?? [];
  const data = { address: range.address ?? undefined, values, text: range.text as unknown[][] | undefined };
  const room = Math.max(1000, ctx.limits.maxResultChars - head.length - 400);
  const table = rangeTable(data, { maxChars: room, maxRows: MAX_ROWS_SHOWN });
  const cols = Math.max(0, ...values.map((r) => (Array.isArray(r) ? r.length : 0)));
  const title = `${head}\n${plainLine(range.address, 100)} (${values.length} rows × ${cols} columns):\n`;
  if (table.leftOut === 0) return `${title}${table.text}`;
  const where = (range.address ?? 'range')
    .replace('!', ' ')
    .replace(':', '-')
    .replace(/[^A-Za-z0-9 _.-]/g, '_');
  const saved = await ctx.saveDownload(`${book.name.replace(/\.xlsx$/i, '')} ${where}.csv`, Buffer.from(toCsv(values)));
  return `${title}${table.text}\n[Showing ${table.rows - table.leftOut} of ${table.rows} rows. All rows saved as CSV: ${saved}]`;
}

const readWorkbook = defineTool({
  name: 'read_workbook',
  group: 'files',
  title: 'Read an Excel workbook',
  description:
    'Reads an .xlsx by id or path: without sheet or table it lists worksheets and tables; otherwise returns the cells of ' +
    "a sheet's used range, a range, or a table as a text table (big ranges also saved as CSV).",
  scopes: GROUP_SCOPES.files.read,
  write: false,
  inputSchema: () => ({
    ...itemInputs(),
    sheet: z.string().max(31).optional(),
    range: z.string().max(30).optional().describe('A1 range in sheet, e.g. A1:D20. Default: the used range'),
    table: z.string().max(255).optional(),
    drive: driveInput,
  }),
  annotations: READ_ANNOTATIONS,
  async run(input, ctx) {
    if (input.range !== undefined && input.sheet === undefined)
      throw new ToolError('INVALID_INPUT', 'range needs sheet (the worksheet name).');
    if (input.table !== undefined && input.sheet !== undefined)
      throw new ToolError('INVALID_INPUT', 'Give sheet or table, not both.');
    const rect = input.range !== undefined ? parseA1(input.range) : undefined;
    const sheet = input.sheet !== undefined ? checkSheetName(input.sheet) : undefined;
    const table = input.table !== undefined ? checkTableName(input.table) : undefined;
    const book = await openBook(ctx, input, 'read');
    const head = `${plainLine(book.path, 500)} [${await shortId(ctx, 'driveItem', book.id)}]`;
    if (sheet === undefined && table === undefined) return { text: await overview(ctx, book, head) };
    const range =
      table !== undefined
        ? await request<WorkbookRange>(ctx, book, 'GET', '/tables{table}/range', {
            keys: { table: keySegment(table) },
            query: RANGE_SELECT,
          })
        : await request<WorkbookRange>(
            ctx,
            book,
            'GET',
            rect ? `/worksheets{sheet}/range(address='${a1(rect)}')` : '/worksheets{sheet}/usedRange(valuesOnly=true)',
            { keys: { sheet: keySegment(sheet ?? '') }, query: RANGE_SELECT },
          );
    return { text: await readCells(ctx, book, head, range) };
  },
});

// ------------------------------------------------------------------------------------------------
// write_workbook

const cellInput = z.union([z.string().max(32_767), z.number(), z.boolean(), z.null()]);

/** The values as a rectangle (every row as long as the first). */
function rectangular(values: Cell[][]): { rows: number; cols: number } {
  const cols = values[0]?.length ?? 0;
  if (cols === 0 || values.some((r) => r.length !== cols))
    throw new ToolError('INVALID_INPUT', 'values must be rows of equal length, e.g. [["Item", 5], ["Other", 7]].');
  if (values.length * cols > MAX_WRITE_CELLS)
    throw new ToolError('INVALID_INPUT', `At most ${MAX_WRITE_CELLS} cells per call; split the values.`);
  const chars = values.flat().reduce<number>((n, v) => n + (typeof v === 'string' ? v.length : 8), 0);
  if (chars > MAX_WRITE_CHARS)
    throw new ToolError('INVALID_INPUT', `At most ${MAX_WRITE_CHARS} characters of values per call; split the values.`);
  return { rows: values.length, cols };
}

function formulaNote(values: Cell[][]): Record<string, string> {
  const n = values.flat().filter((v) => typeof v === 'string' && v.startsWith('=')).length;
  return n ? { Formulas: `${n} cell(s) start with "=" and will be calculated by Excel as formulas` } : {};
}

/** Runs `work` inside a persistent workbook session and closes it afterwards. */
async function inSession<T>(
  ctx: ToolContext,
  book: Book,
  work: (headers: Record<string, string>) => Promise<T>,
): Promise<{ result: T; closed: boolean }> {
  const info = await request<WorkbookSessionInfo>(ctx, book, 'POST', '/createSession', {
    body: { persistChanges: true },
  });
  const id = info.id;
  if (typeof id !== 'string' || !/^[\x21-\x7e]{1,4000}$/.test(id))
    throw new ToolError('GRAPH_ERROR', 'Microsoft Graph opened no usable workbook session; nothing was written.');
  const headers = { 'workbook-session-id': id };
  try {
    const result = await work(headers);
    const closed = await request(ctx, book, 'POST', '/closeSession', { headers }).then(
      () => true,
      () => false,
    );
    return { result, closed };
  } catch (e) {
    await request(ctx, book, 'POST', '/closeSession', { headers }).catch(() => undefined);
    throw e;
  }
}

/** The range the values go to: `range` itself, or the values' size from a single start cell. */
function fitRange(range: string, values: Cell[][]): Rect {
  const { rows, cols } = rectangular(values);
  const start = parseA1(range);
  const single = start.r0 === start.r1 && start.c0 === start.c1;
  const rect = single ? { ...start, r1: start.r0 + rows - 1, c1: start.c0 + cols - 1 } : start;
  if (rect.r1 >= MAX_ROW || rect.c1 >= MAX_COLUMN)
    throw new ToolError('INVALID_INPUT', 'The values run past the last row or column of a worksheet.');
  if (rect.r1 - rect.r0 + 1 !== rows || rect.c1 - rect.c0 + 1 !== cols)
    throw new ToolError(
      'INVALID_INPUT',
      `${a1(rect)} is ${rect.r1 - rect.r0 + 1}×${rect.c1 - rect.c0 + 1} cells but values are ${rows}×${cols}; give only the start cell to fit the values.`,
    );
  return rect;
}

async function writeRange(
  ctx: ToolContext,
  book: Book,
  label: string,
  input: { sheet: string; rect: Rect; values: Cell[][] },
) {
  const { rect } = input;
  const rows = rect.r1 - rect.r0 + 1;
  const cols = rect.c1 - rect.c0 + 1;
  const where = `/worksheets{sheet}/range(address='${a1(rect)}')`;
  const keys = { sheet: keySegment(input.sheet) };
  const before = await request<WorkbookRange>(ctx, book, 'GET', where, { keys, query: { $select: 'values' } });
  const overwritten = ((before.values as unknown[][] | undefined) ?? [])
    .flat()
    .filter((v) => v !== '' && v !== null).length;
  const target = `${plainLine(input.sheet, 31)}!${a1(rect)}`;
  await ctx.approve(
    clip(
      `Write ${rows} row(s) × ${cols} column(s) to ${target} of workbook "${plainLine(book.path, 500)}" in ${label}`,
      1000,
    ),
    {
      Action: 'write range',
      Workbook: `${label}: ${plainLine(book.path, 500)}`,
      Range: target,
      Overwrites: `${overwritten} non-empty cell(s)`,
      Values: valuesPreview(input.values, 1500),
      ...formulaNote(input.values),
    },
  );
  const { result, closed } = await inSession(ctx, book, (headers) =>
    request<WorkbookRange>(ctx, book, 'PATCH', where, {
      keys,
      headers,
      body: { values: input.values },
      query: { $select: 'address' },
    }),
  );
  return `Wrote ${rows}×${cols} cell(s) to ${plainLine(result.address ?? target, 100)} of ${plainLine(book.path, 500)}.${closed ? '' : ' (The workbook session could not be closed; it ends by itself in a few minutes.)'}`;
}

async function addRows(ctx: ToolContext, book: Book, label: string, input: { table: string; values: Cell[][] }) {
  const { rows, cols } = rectangular(input.values);
  const keys = { table: keySegment(input.table) };
  const header = await request<WorkbookRange>(ctx, book, 'GET', '/tables{table}/headerRowRange', {
    keys,
    query: { $select: 'values' },
  });
  const names = ((header.values as unknown[][] | undefined)?.[0] ?? []).map((v) => plainLine(String(v), 60));
  if (names.length !== cols)
    throw new ToolError(
      'INVALID_INPUT',
      `Table ${plainLine(input.table, 100)} has ${names.length} columns (${names.join(', ')}); each row of values needs ${names.length}.`,
    );
  await ctx.approve(
    clip(
      `Add ${rows} row(s) to table "${plainLine(input.table, 100)}" of workbook "${plainLine(book.path, 500)}" in ${label}`,
      1000,
    ),
    {
      Action: 'add table rows',
      Workbook: `${label}: ${plainLine(book.path, 500)}`,
      Table: `${plainLine(input.table, 100)} (columns: ${names.join(', ')})`,
      Values: valuesPreview(input.values, 1500),
      ...formulaNote(input.values),
    },
  );
  const { closed } = await inSession(ctx, book, (headers) =>
    request(ctx, book, 'POST', '/tables{table}/rows/add', {
      keys,
      headers,
      body: { index: null, values: input.values },
    }),
  );
  return `Added ${rows} row(s) to table ${plainLine(input.table, 100)} of ${plainLine(book.path, 500)}.${closed ? '' : ' (The workbook session could not be closed; it ends by itself in a few minutes.)'}`;
}

const writeWorkbook = defineTool({
  name: 'write_workbook',
  group: 'files',
  title: 'Write to an Excel workbook',
  description:
    'Writes values into a range of a worksheet (sheet + range; a start cell grows to fit) or appends rows to a table of an ' +
    '.xlsx, in a workbook session. The user approves first.',
  scopes: GROUP_SCOPES.files.write,
  write: true,
  inputSchema: () => ({
    ...itemInputs(),
    sheet: z.string().max(31).optional(),
    range: z.string().max(30).optional().describe('A1 range or start cell, e.g. B2'),
    table: z.string().max(255).optional().describe('Append values as rows of this table'),
    values: z.array(z.array(cellInput).min(1).max(1000)).min(1).max(5000).describe('Rows of cells'),
    drive: driveInput,
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  async run(input, ctx) {
    rectangular(input.values);
    if (input.table !== undefined) {
      if (input.sheet !== undefined || input.range !== undefined)
        throw new ToolError('INVALID_INPUT', 'Give sheet and range, or table — not both.');
      const table = checkTableName(input.table);
      const book = await openBook(ctx, input, 'write');
      return { text: await addRows(ctx, book, await driveLabel(ctx, book.t), { table, values: input.values }) };
    }
    if (input.sheet === undefined || input.range === undefined)
      throw new ToolError('INVALID_INPUT', 'Give sheet and range (a range or its start cell), or table.');
    const rect = fitRange(input.range, input.values);
    const sheet = checkSheetName(input.sheet);
    const book = await openBook(ctx, input, 'write');
    const label = await driveLabel(ctx, book.t);
    return { text: await writeRange(ctx, book, label, { sheet, rect, values: input.values }) };
  },
});

export const excelTools: ToolDefinition[] = [readWorkbook, writeWorkbook];
