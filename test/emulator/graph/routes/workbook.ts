/**
 * The Excel workbook API on .xlsx driveItems of any drive (`…/items/{id}/workbook/…` or
 * `…/root:/path:/workbook/…`), served from the item's JSON workbook model (model.ts `Workbook`;
 * seeded in seed/workbook.ts — the file's bytes are never parsed):
 *   - sessions: `createSession {persistChanges}` → 201 `{id, persistChanges}`; requests carry it in
 *     `workbook-session-id`; `closeSession` ends it; it also ends after 5 minutes without a request.
 *     A closed, expired, unknown or another workbook's session id → 404 `itemNotFound` with the inner
 *     code `invalidSessionReCreatable`. A non-persistent session writes to its own copy. Requests
 *     without a session work too (writes persist), as in Graph.
 *   - worksheets (by id or name, `worksheets/{key}` or `worksheets('{key}')`), their `range(address=…)`
 *     (GET, PATCH `{values}`), `usedRange[(valuesOnly=…)]` and tables; tables (by id or name) with
 *     their `range`, `headerRowRange`, `dataBodyRange`, `rows` and `rows/add` (POST `{index, values}`).
 *   - reading needs the drive's read scope, writing (and sessions) its write scope; a file that is no
 *     workbook → 403 "Could not obtain a WAC access token." (what Graph answers for an .xls).
 */
import { randomBytes } from 'node:crypto';
import { GraphHttpError, invalidJsonPayload, notFound } from '../errors.ts';
import { emptyResponse, jsonResponse, readJsonBody, type GraphResponse } from '../http.ts';
import type { DriveNode, Workbook, WorkbookSheet, WorkbookTable } from '../model.ts';
import { applySelect, parseSelect } from '../odata/options.ts';
import { collection } from '../odata/paging.ts';
import { decodePathParam, type Route, type RouteContext } from '../router.ts';
import { driveRoute, nodeById, resolvePath, type DriveRef } from './drive-tree.ts';
import { ID, PATH } from './drive.ts';
import {
  invalidArgument,
  parseAddress,
  readValues,
  renderRange,
  usedRect,
  writeValues,
  type Rect,
} from './workbook-cells.ts';

/** A session ends after this long without a request (Graph: about 5 minutes for a persistent one). */
export const WORKBOOK_SESSION_IDLE_MS = 5 * 60 * 1000;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function invalidSession(): GraphHttpError {
  return new GraphHttpError({
    status: 404,
    code: 'itemNotFound',
    message: 'The session specified in the request does not exist or is invalid due to a transient error.',
    innerCode: 'invalidSessionReCreatable',
  });
}

function excelNotFound(): GraphHttpError {
  return notFound('itemNotFound', "The requested resource doesn't exist.");
}

interface Book {
  node: DriveNode;
  /** What this request reads and writes: the file's model, or a non-persistent session's copy. */
  workbook: Workbook;
  base: string;
}

/** The workbook of the addressed item, through the request's session when it names one. */
function bookOf(ctx: RouteContext, d: DriveRef, p: string[]): Book {
  const node = p[0] ? nodeById(d, p[0]) : resolvePath(d, 'root', p[1] ?? '');
  if (!node.item.file || node.item.file.mimeType !== XLSX)
    throw new GraphHttpError({ status: 403, code: 'AccessDenied', message: 'Could not obtain a WAC access token.' });
  // An uploaded .xlsx has no model (its bytes are not parsed): it opens as one empty sheet.
  node.workbook ??= {
    sheets: [
      { id: '{00000000-0001-0000-0000-000000000000}', name: 'Sheet1', position: 0, visibility: 'Visible', cells: [] },
    ],
    tables: [],
  };
  const base = `${ctx.base}/$metadata#workbook`;
  const header = ctx.req.headers['workbook-session-id'];
  if (header === undefined || header === '') return { node, workbook: node.workbook, base };
  const session = ctx.store.workbookSessions.get(header);
  if (!session || session.expiresMs < ctx.nowMs || session.itemId !== node.item.id || session.oid !== ctx.me.id) {
    if (session && session.expiresMs < ctx.nowMs) ctx.store.workbookSessions.delete(header);
    throw invalidSession();
  }
  session.expiresMs = ctx.nowMs + WORKBOOK_SESSION_IDLE_MS;
  return { node, workbook: session.scratch ?? node.workbook, base };
}

function bodyOf(ctx: RouteContext): Record<string, unknown> {
  return readJsonBody(ctx.req.body, invalidJsonPayload);
}

// ---------------------------------------------------------------------------------------------
// sessions

function createSession(ctx: RouteContext, d: DriveRef, p: string[]): GraphResponse {
  const { node, workbook } = bookOf(ctx, d, p);
  const json = ctx.req.body.length === 0 ? {} : bodyOf(ctx);
  if (typeof json.persistChanges !== 'boolean') throw invalidArgument();
  const id = `cluster=EMU&session=${randomBytes(24).toString('base64url')}`;
  for (const [k, s] of ctx.store.workbookSessions) if (s.expiresMs < ctx.nowMs) ctx.store.workbookSessions.delete(k);
  ctx.store.workbookSessions.set(id, {
    oid: ctx.me.id,
    driveId: d.drive.id,
    itemId: node.item.id,
    persistChanges: json.persistChanges,
    ...(json.persistChanges ? {} : { scratch: structuredClone(workbook) }),
    expiresMs: ctx.nowMs + WORKBOOK_SESSION_IDLE_MS,
  });
  return jsonResponse(201, {
    '@odata.context': `${ctx.base}/$metadata#microsoft.graph.workbookSessionInfo`,
    id,
    persistChanges: json.persistChanges,
  });
}

function closeSession(ctx: RouteContext, d: DriveRef, p: string[]): GraphResponse {
  const header = ctx.req.headers['workbook-session-id'];
  if (!header) throw invalidArgument('The workbook-session-id header is required.');
  bookOf(ctx, d, p);
  ctx.store.workbookSessions.delete(header);
  return emptyResponse(204);
}

// ---------------------------------------------------------------------------------------------
// worksheets and ranges

function keyOf(raw: string | undefined): string {
  const k = decodePathParam(raw ?? '').trim();
  return k.length >= 2 && k.startsWith("'") && k.endsWith("'") ? k.slice(1, -1).replace(/''/g, "'") : k;
}

function sheetOf(book: Book, raw: string | undefined): WorkbookSheet {
  const key = keyOf(raw).toLowerCase();
  const sheet = book.workbook.sheets.find((s) => s.id.toLowerCase() === key || s.name.toLowerCase() === key);
  if (!sheet) throw excelNotFound();
  return sheet;
}

function tableOf(book: Book, raw: string | undefined): WorkbookTable {
  const key = keyOf(raw).toLowerCase();
  const table = book.workbook.tables.find((t) => t.id.toLowerCase() === key || t.name.toLowerCase() === key);
  if (!table) throw excelNotFound();
  return table;
}

function selected(ctx: RouteContext, type: string, entity: Record<string, unknown>): Record<string, unknown> {
  return applySelect(
    entity,
    parseSelect(ctx.req.query, { typeName: `microsoft.graph.${type}`, code: 'invalidRequest' }),
  );
}

function renderSheet(s: WorkbookSheet): Record<string, unknown> {
  return { id: s.id, name: s.name, position: s.position, visibility: s.visibility };
}

function renderTable(t: WorkbookTable): Record<string, unknown> {
  return {
    id: t.id,
    name: t.name,
    showHeaders: true,
    showTotals: false,
    style: t.style,
    highlightFirstColumn: false,
    highlightLastColumn: false,
    showBandedRows: true,
    showBandedColumns: false,
    showFilterButton: true,
    legacyId: String(t.id.length),
  };
}

function rangeResponse(ctx: RouteContext, book: Book, sheet: WorkbookSheet, rect: Rect): GraphResponse {
  const range = renderRange(sheet, rect);
  return jsonResponse(200, { '@odata.context': `${book.base}Range`, ...selected(ctx, 'workbookRange', range) });
}

function addressParam(raw: string | undefined): Rect {
  const m = /^address=(.*)$/.exec(decodePathParam(raw ?? ''));
  return parseAddress(keyOf(m?.[1]));
}

function patchRange(ctx: RouteContext, book: Book, sheet: WorkbookSheet, rect: Rect): GraphResponse {
  const json = bodyOf(ctx);
  if (json.values !== undefined) {
    const values = readValues(json.values, rect.r1 - rect.r0 + 1, rect.c1 - rect.c0 + 1);
    writeValues(sheet, rect, values);
  }
  return rangeResponse(ctx, book, sheet, rect);
}

// ---------------------------------------------------------------------------------------------
// tables

function tableRect(t: WorkbookTable, part: 'range' | 'headerRowRange' | 'dataBodyRange'): Rect {
  const c1 = t.column + t.columns - 1;
  if (part === 'headerRowRange') return { r0: t.row, c0: t.column, r1: t.row, c1 };
  if (part === 'dataBodyRange') return { r0: t.row + 1, c0: t.column, r1: t.row + Math.max(1, t.rows), c1 };
  return { r0: t.row, c0: t.column, r1: t.row + Math.max(1, t.rows), c1 };
}

function tableSheet(book: Book, t: WorkbookTable): WorkbookSheet {
  const sheet = book.workbook.sheets.find((s) => s.id === t.sheetId);
  if (!sheet) throw excelNotFound();
  return sheet;
}

function tableRows(ctx: RouteContext, book: Book, t: WorkbookTable): GraphResponse {
  const sheet = tableSheet(book, t);
  const body = renderRange(sheet, tableRect(t, 'dataBodyRange')).values as unknown[][];
  const rows = body.slice(0, t.rows).map((values, index) => ({ index, values: [values] }));
  return jsonResponse(200, collection(`${book.base}TableRow`, { items: rows }));
}

/** rows/add and POST rows: inserts rows (at `index`, default the end), shifting cells below down. */
function addRows(ctx: RouteContext, book: Book, t: WorkbookTable, status: number): GraphResponse {
  const json = bodyOf(ctx);
  const sheet = tableSheet(book, t);
  const raw = json.values;
  const rowsIn = Array.isArray(raw) && raw.every(Array.isArray) ? raw.length : 1;
  const values = readValues(Array.isArray(raw) && !raw.every(Array.isArray) ? [raw] : raw, rowsIn, t.columns);
  const index = json.index === undefined || json.index === null ? t.rows : json.index;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index > t.rows) throw invalidArgument();
  const at = t.row + 1 + index;
  for (let r = sheet.cells.length - 1; r >= at; r--) {
    const from = sheet.cells[r] ?? [];
    const to = (sheet.cells[r + values.length] ??= []);
    for (let c = t.column; c < t.column + t.columns; c++) {
      while (to.length < c) to.push('');
      to[c] = from[c] ?? '';
      from[c] = '';
    }
  }
  writeValues(sheet, { r0: at, c0: t.column }, values);
  t.rows += values.length;
  return jsonResponse(status, {
    '@odata.context': `${book.base}TableRow`,
    '@odata.type': '#microsoft.graph.workbookTableRow',
    index,
    values: renderRange(sheet, { r0: at, c0: t.column, r1: at + values.length - 1, c1: t.column + t.columns - 1 })
      .values,
  });
}

// ---------------------------------------------------------------------------------------------

const ITEM = `(?:${ID}|${PATH}:)/workbook`;
const SHEET = `/worksheets(?:/([^/]+)|\\(([^/]*)\\))`;
const TABLE = `/tables(?:/([^/]+)|\\(([^/]*)\\))`;
const RANGE = '/range\\(([^/]*)\\)';
const USED = '/usedRange(?:\\(valuesOnly=(?:true|false)\\))?';

/** A workbook route: the handler gets the book and the captures after the item's two. */
function wb(
  method: Route['method'],
  rest: string,
  handler: (ctx: RouteContext, book: Book, p: string[]) => GraphResponse,
): Route {
  return driveRoute(method, `${ITEM}${rest}/?$`, (ctx, d, p) => handler(ctx, bookOf(ctx, d, p), p.slice(2)));
}

const sheetParam = (book: Book, p: string[]): WorkbookSheet => sheetOf(book, p[0] || p[1]);
const tableParam = (book: Book, p: string[]): WorkbookTable => tableOf(book, p[0] || p[1]);

export const workbookRoutes: Route[] = [
  driveRoute('POST', `${ITEM}/createSession/?$`, createSession),
  driveRoute('POST', `${ITEM}/closeSession/?$`, closeSession),
  driveRoute('POST', `${ITEM}/refreshSession/?$`, (ctx, d, p) => (bookOf(ctx, d, p), emptyResponse(204))),
  wb('GET', '/worksheets', (ctx, book) =>
    jsonResponse(
      200,
      collection(`${book.base}Worksheet`, {
        items: book.workbook.sheets.map((s) => selected(ctx, 'workbookWorksheet', renderSheet(s))),
      }),
    ),
  ),
  wb('GET', SHEET, (ctx, book, p) =>
    jsonResponse(200, {
      '@odata.context': `${book.base}Worksheet`,
      ...selected(ctx, 'workbookWorksheet', renderSheet(sheetParam(book, p))),
    }),
  ),
  wb('GET', `${SHEET}${RANGE}`, (ctx, book, p) => rangeResponse(ctx, book, sheetParam(book, p), addressParam(p[2]))),
  wb('PATCH', `${SHEET}${RANGE}`, (ctx, book, p) => patchRange(ctx, book, sheetParam(book, p), addressParam(p[2]))),
  wb('GET', `${SHEET}${USED}`, (ctx, book, p) => {
    const sheet = sheetParam(book, p);
    return rangeResponse(ctx, book, sheet, usedRect(sheet));
  }),
  wb('GET', `${SHEET}/tables`, (ctx, book, p) => {
    const sheet = sheetParam(book, p);
    const items = book.workbook.tables.filter((t) => t.sheetId === sheet.id);
    return jsonResponse(
      200,
      collection(`${book.base}Table`, { items: items.map((t) => selected(ctx, 'workbookTable', renderTable(t))) }),
    );
  }),
  wb('GET', '/tables', (ctx, book) =>
    jsonResponse(
      200,
      collection(`${book.base}Table`, {
        items: book.workbook.tables.map((t) => selected(ctx, 'workbookTable', renderTable(t))),
      }),
    ),
  ),
  wb('GET', TABLE, (ctx, book, p) =>
    jsonResponse(200, {
      '@odata.context': `${book.base}Table`,
      ...selected(ctx, 'workbookTable', renderTable(tableParam(book, p))),
    }),
  ),
  wb('GET', `${TABLE}/(range|headerRowRange|dataBodyRange)`, (ctx, book, p) => {
    const t = tableParam(book, p);
    return rangeResponse(ctx, book, tableSheet(book, t), tableRect(t, p[2] as 'range'));
  }),
  wb('GET', `${TABLE}/rows`, (ctx, book, p) => tableRows(ctx, book, tableParam(book, p))),
  wb('POST', `${TABLE}/rows/add`, (ctx, book, p) => addRows(ctx, book, tableParam(book, p), 200)),
  wb('POST', `${TABLE}/rows`, (ctx, book, p) => addRows(ctx, book, tableParam(book, p), 201)),
];
