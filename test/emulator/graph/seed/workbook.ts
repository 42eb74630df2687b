/**
 * Workbook models for seeded .xlsx items: the emulator serves the workbook API (routes/workbook.ts)
 * from this JSON model, not from the file's bytes (no xlsx parsing). The item itself stays a real
 * driveItem with the Excel MIME type and real zip bytes.
 */
import type { CellValue, DriveState, Workbook, WorkbookSheet, WorkbookTable } from '../model.ts';
import type { Rng } from './prng.ts';

/** Worksheet ids as Excel Online shows them: `{00000000-0001-0000-0000-000000000000}`. */
export function sheetId(n: number): string {
  return `{00000000-000${n.toString(16)}-0000-0000-000000000000}`;
}

export function sheet(n: number, name: string, cells: CellValue[][]): WorkbookSheet {
  return { id: sheetId(n), name, position: n - 1, visibility: 'Visible', cells };
}

export function table(rng: Rng, shape: Omit<WorkbookTable, 'id' | 'style'> & { style?: string }): WorkbookTable {
  return { id: `{${rng.uuid().toUpperCase()}}`, style: 'TableStyleMedium2', ...shape };
}

/** Gives the node at `itemId` a workbook model (the item must be an .xlsx file). */
export function attachWorkbook(drive: DriveState, itemId: string, workbook: Workbook): void {
  const node = drive.nodes.get(itemId);
  if (!node?.item.file) throw new Error(`no file ${itemId} to attach a workbook to`);
  node.workbook = workbook;
}

const REGIONS = ['North', 'South', 'East', 'West'];

/**
 * Falcon budget.xlsx: "Budget" (the file's own rows, a table "Budget" over them) and "Sales" (500
 * data rows: more than one tool result shows, so reads of it are capped and saved as CSV).
 */
export function falconWorkbook(rng: Rng, budgetRows: CellValue[][]): Workbook {
  const budget = sheet(
    1,
    'Budget',
    budgetRows.map((r) => [...r]),
  );
  const sales: CellValue[][] = [['Region', 'Month', 'Store', 'Revenue', 'Units']];
  for (let i = 0; i < 500; i++) {
    sales.push([
      rng.pick(REGIONS),
      (i % 12) + 1,
      `Store ${rng.int(100, 999)}`,
      rng.int(2_000, 90_000),
      rng.int(10, 900),
    ]);
  }
  return {
    sheets: [budget, sheet(2, 'Sales', sales)],
    tables: [
      table(rng, {
        name: 'Budget',
        sheetId: budget.id,
        row: 0,
        column: 0,
        columns: budgetRows[0]?.length ?? 0,
        rows: budgetRows.length - 1,
      }),
    ],
  };
}

/** Campaign budget.xlsx of the Marketing site: one sheet with a "Spend" table. */
export function campaignWorkbook(rng: Rng, rows: CellValue[][]): Workbook {
  const s = sheet(
    1,
    'Spend',
    rows.map((r) => [...r]),
  );
  return {
    sheets: [s],
    tables: [
      table(rng, {
        name: 'Spend',
        sheetId: s.id,
        row: 0,
        column: 0,
        columns: rows[0]?.length ?? 0,
        rows: rows.length - 1,
      }),
    ],
  };
}
