/**
 * Reading and writing .xlsx files in the browser with `exceljs`. The library is large (about 1 MB
 * minified), so it is loaded on first use: nothing here imports it statically.
 */
import type { CellValue, Workbook, Worksheet } from 'exceljs';

type ExcelModule = typeof import('exceljs');

let loading: Promise<ExcelModule> | null = null;

/** The exceljs module, fetched once on first call. */
export function loadExcel(): Promise<ExcelModule> {
  loading ??= import('exceljs')
    .then((mod) => {
      // exceljs is CommonJS: its exports may arrive as the namespace or as its default export.
      const withDefault = mod as ExcelModule & { default?: ExcelModule };
      return withDefault.default ?? mod;
    })
    .catch((error: unknown) => {
      loading = null;
      throw error;
    });
  return loading;
}

const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Offers `data` to the user as a file download. */
export function downloadFile(data: BlobPart, filename: string, type = XLSX_MIME): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.rel = 'noopener';
  link.style.display = 'none';
  document.body.appendChild(link);
  link.click();
  link.remove();
  // Revoked later: some browsers start reading the blob only after click() returns.
  window.setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 30_000);
}

export async function downloadWorkbook(workbook: Workbook, filename: string): Promise<void> {
  const buffer = await workbook.xlsx.writeBuffer();
  downloadFile(buffer, filename);
}

export type ExportValue = string | number | boolean | null | undefined;

export interface ExportColumn<T> {
  header: string;
  /** Column width in characters (CJK characters count about double). */
  width?: number;
  value: (row: T) => ExportValue;
}

const HEADER_FILL = 'FFE8EEF8';
const BORDER_COLOR = 'FFD0D7DE';

/** Bold, shaded, frozen header row with a filter; used by every sheet the console writes. */
export function styleHeaderRow(sheet: Worksheet, columnCount: number): void {
  const header = sheet.getRow(1);
  header.height = 22;
  for (let col = 1; col <= columnCount; col++) {
    const cell = header.getCell(col);
    cell.font = { bold: true };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: HEADER_FILL } };
    cell.alignment = { vertical: 'middle' };
    cell.border = { bottom: { style: 'thin', color: { argb: BORDER_COLOR } } };
  }
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
}

export interface ExportSheet<T> {
  sheetName: string;
  columns: ExportColumn<T>[];
  rows: readonly T[];
}

function addExportSheet<T>(workbook: Workbook, spec: ExportSheet<T>): void {
  const sheet = workbook.addWorksheet(spec.sheetName);
  sheet.columns = spec.columns.map((c) => ({ header: c.header, width: c.width ?? 16 }));
  for (const row of spec.rows) {
    sheet.addRow(spec.columns.map((c) => c.value(row) ?? ''));
  }
  styleHeaderRow(sheet, spec.columns.length);
  if (spec.rows.length > 0) {
    sheet.autoFilter = {
      from: { row: 1, column: 1 },
      to: { row: spec.rows.length + 1, column: spec.columns.length },
    };
  }
}

/**
 * Writes several sheets, each with its own columns, into one workbook and downloads it. The sheets
 * are built with `sheet()` so that each keeps its row type.
 */
export async function exportSheets(options: {
  filename: string;
  sheets: ((workbook: Workbook) => void)[];
}): Promise<void> {
  const { Workbook } = await loadExcel();
  const workbook = new Workbook();
  workbook.creator = 'govdx';
  workbook.created = new Date();
  for (const add of options.sheets) add(workbook);
  await downloadWorkbook(workbook, options.filename);
}

/** One sheet of `exportSheets`. */
export function sheet<T>(spec: ExportSheet<T>): (workbook: Workbook) => void {
  return (workbook) => {
    addExportSheet(workbook, spec);
  };
}

/** Writes `rows` as a one-sheet workbook with the given columns and downloads it. */
export async function exportRows<T>(options: {
  filename: string;
  sheetName: string;
  columns: ExportColumn<T>[];
  rows: readonly T[];
}): Promise<void> {
  await exportSheets({ filename: options.filename, sheets: [sheet(options)] });
}

/** A cell reduced to what an import needs: text, a number, a date (UTC midnight) or nothing. */
export type PlainCell = string | number | Date | null;

function plainCell(value: CellValue): PlainCell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || value instanceof Date) return value;
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if ('richText' in value) return value.richText.map((part) => part.text).join('');
  if ('hyperlink' in value) return plainCell(value.text);
  if ('result' in value) {
    const result: unknown = value.result;
    if (typeof result === 'string' || typeof result === 'number' || result instanceof Date) {
      return result;
    }
    return null;
  }
  return null;
}

export interface SheetRow {
  /** 1-based row number as Excel shows it. */
  rowNumber: number;
  cells: PlainCell[];
}

function sheetRows(sheet: Worksheet): SheetRow[] {
  const rows: SheetRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: PlainCell[] = [];
    for (let col = 1; col <= row.cellCount; col++) {
      const cell = plainCell(row.getCell(col).value);
      cells.push(typeof cell === 'string' ? cell.trim() || null : cell);
    }
    if (cells.some((c) => c !== null)) rows.push({ rowNumber, cells });
  });
  return rows;
}

async function loadWorkbook(file: Blob): Promise<Workbook> {
  const { Workbook } = await loadExcel();
  const workbook = new Workbook();
  await workbook.xlsx.load(await file.arrayBuffer());
  return workbook;
}

/** The non-empty rows of the first worksheet of an .xlsx file. */
export async function readFirstSheet(file: Blob): Promise<SheetRow[]> {
  const sheet = (await loadWorkbook(file)).worksheets[0];
  return sheet ? sheetRows(sheet) : [];
}

export interface SheetData {
  name: string;
  rows: SheetRow[];
}

/** Every worksheet of an .xlsx file with its non-empty rows, in workbook order. */
export async function readSheets(file: Blob): Promise<SheetData[]> {
  const workbook = await loadWorkbook(file);
  return workbook.worksheets.map((sheet) => ({ name: sheet.name, rows: sheetRows(sheet) }));
}

/** `name_YYYYMMDD.xlsx`, with characters Windows forbids in file names replaced. */
export function exportFileName(base: string, now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const stamp = `${String(now.getFullYear())}${pad(now.getMonth() + 1)}${pad(now.getDate())}`;
  return `${base.replace(/[\\/:*?"<>|]/g, '_')}_${stamp}.xlsx`;
}
