/**
 * The Excel format of working-day calendar overrides: one row per date with the columns
 * 日期 | 类型（放假/上班）| 名称 | 行政区划代码（选填）. Used by the import (parsing and checking each
 * row in the browser), the downloadable template and the export of the override table.
 */
import type { TFunction } from 'i18next';
import type { Workbook } from 'exceljs';
import { exportFileName, loadExcel, downloadWorkbook, styleHeaderRow } from '../../excel';
import type { PlainCell, SheetRow } from '../../excel';
import type { CalendarOverride } from '../../types';

export const MAX_IMPORT_ROWS = 1000;
const MAX_NAME_LENGTH = 100;
/** Rows of the template prepared with the date format and the 类型 drop-down. */
const TEMPLATE_ROWS = 400;

export interface ImportRow {
  /** Row number in the sheet, as Excel shows it. */
  rowNumber: number;
  date: string | null;
  working: boolean | null;
  name: string;
  /** null = national */
  regionCode: string | null;
  errors: string[];
}

export interface ParsedSheet {
  rows: ImportRow[];
  /** A problem with the file as a whole (no rows, missing column, too many rows). */
  fileError: string | null;
}

type Column = 'date' | 'type' | 'name' | 'region';
const COLUMNS: readonly Column[] = ['date', 'type', 'name', 'region'];

const HEADER_PATTERNS: Record<Column, RegExp> = {
  date: /日期|date/i,
  type: /类型|type|放假|上班/i,
  name: /名称|name/i,
  region: /区划|地区|region/i,
};

const OFF_WORDS = new Set([
  '放假',
  '休',
  '休息',
  '休息日',
  '假',
  '假日',
  '节假日',
  'off',
  'day off',
  'holiday',
  'rest',
]);
const WORK_WORDS = new Set([
  '上班',
  '班',
  '调休上班',
  '补班',
  '工作日',
  'work',
  'working',
  'workday',
  'working day',
]);

const pad2 = (n: number) => String(n).padStart(2, '0');

/** YYYY-MM-DD when y-m-d is a real calendar date, else null. */
function isoDate(y: number, m: number, d: number): string | null {
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) {
    return null;
  }
  if (y < 2000 || y > 2100) return null;
  return `${String(y)}-${pad2(m)}-${pad2(d)}`;
}

/** Day 0 of Excel's 1900 date system (serial 1 = 1900-01-01, with its fictitious 1900-02-29). */
const EXCEL_EPOCH = Date.UTC(1899, 11, 30);

export function parseDateCell(cell: PlainCell): string | null {
  if (cell instanceof Date) {
    // exceljs reads date cells as UTC midnight of the date shown in Excel.
    if (Number.isNaN(cell.getTime())) return null;
    return isoDate(cell.getUTCFullYear(), cell.getUTCMonth() + 1, cell.getUTCDate());
  }
  if (typeof cell === 'number') {
    if (!Number.isInteger(cell) || cell < 1) return null;
    const date = new Date(EXCEL_EPOCH + cell * 86_400_000);
    return isoDate(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
  }
  if (typeof cell !== 'string') return null;
  const text = cell.trim();
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  const separated = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(text);
  const match = compact ?? separated;
  if (!match) return null;
  return isoDate(Number(match[1]), Number(match[2]), Number(match[3]));
}

export function parseTypeCell(cell: PlainCell): boolean | null {
  if (typeof cell !== 'string') return null;
  const word = cell.trim().toLowerCase().replace(/\s+/g, ' ');
  if (OFF_WORDS.has(word)) return false;
  if (WORK_WORDS.has(word)) return true;
  return null;
}

function textCell(cell: PlainCell): string {
  if (cell === null) return '';
  if (cell instanceof Date) return cell.toISOString().slice(0, 10);
  return String(cell).trim();
}

/** Which column holds what: from the header row when there is one, else the template's order. */
function locateColumns(first: SheetRow | undefined): {
  index: Record<Column, number> | null;
  hasHeader: boolean;
  missing: Column[];
} {
  const positional: Record<Column, number> = { date: 0, type: 1, name: 2, region: 3 };
  if (!first) return { index: positional, hasHeader: false, missing: [] };
  const texts = first.cells.map((c) => (typeof c === 'string' ? c : ''));
  const dateCol = texts.findIndex((s) => HEADER_PATTERNS.date.test(s));
  if (dateCol < 0) return { index: positional, hasHeader: false, missing: [] };
  const found: Partial<Record<Column, number>> = {};
  for (const col of COLUMNS) {
    const at = texts.findIndex((s) => HEADER_PATTERNS[col].test(s));
    if (at >= 0) found[col] = at;
  }
  const missing = (['type', 'name'] as const).filter((c) => found[c] === undefined);
  if (missing.length > 0) return { index: null, hasHeader: true, missing };
  return {
    index: {
      date: found.date ?? dateCol,
      type: found.type ?? 1,
      name: found.name ?? 2,
      region: found.region ?? -1,
    },
    hasHeader: true,
    missing: [],
  };
}

/**
 * Checks each row of an uploaded sheet. `regionCodes` (when known) are the regions the user may
 * choose; other codes are reported on their row instead of failing on the server one by one.
 */
export function parseOverrideSheet(
  sheetRows: SheetRow[],
  t: TFunction,
  regionCodes: ReadonlySet<string> | null,
): ParsedSheet {
  const { index, hasHeader, missing } = locateColumns(sheetRows[0]);
  if (!index) {
    return {
      rows: [],
      fileError: t('calendarAdmin.import.missingColumns', {
        columns: missing.map((c) => t(`calendarAdmin.import.columns.${c}`)).join('、'),
      }),
    };
  }
  const dataRows = hasHeader ? sheetRows.slice(1) : sheetRows;
  if (dataRows.length === 0) return { rows: [], fileError: t('calendarAdmin.import.noRows') };
  if (dataRows.length > MAX_IMPORT_ROWS) {
    return {
      rows: [],
      fileError: t('calendarAdmin.import.tooManyRows', { max: MAX_IMPORT_ROWS }),
    };
  }

  const seen = new Map<string, number>();
  const rows = dataRows.map((sheetRow): ImportRow => {
    const cell = (col: number): PlainCell => (col < 0 ? null : (sheetRow.cells[col] ?? null));
    const errors: string[] = [];

    const rawDate = cell(index.date);
    const date = parseDateCell(rawDate);
    if (rawDate === null) errors.push(t('calendarAdmin.import.errDateMissing'));
    else if (!date) errors.push(t('calendarAdmin.import.errDate', { value: textCell(rawDate) }));

    const rawType = cell(index.type);
    const working = parseTypeCell(rawType);
    if (working === null) {
      errors.push(
        rawType === null
          ? t('calendarAdmin.import.errTypeMissing')
          : t('calendarAdmin.import.errType', { value: textCell(rawType) }),
      );
    }

    const name = textCell(cell(index.name));
    if (!name) errors.push(t('calendarAdmin.import.errNameMissing'));
    else if (name.length > MAX_NAME_LENGTH) {
      errors.push(t('calendarAdmin.import.errNameTooLong', { max: MAX_NAME_LENGTH }));
    }

    const rawRegion = textCell(cell(index.region));
    let regionCode: string | null = null;
    if (rawRegion) {
      if (!/^\d{6}$/.test(rawRegion)) {
        errors.push(t('calendarAdmin.import.errRegion', { value: rawRegion }));
      } else if (regionCodes && !regionCodes.has(rawRegion)) {
        errors.push(t('calendarAdmin.import.errRegionUnknown', { value: rawRegion }));
      } else {
        regionCode = rawRegion;
      }
    }

    if (date) {
      const key = `${date}|${regionCode ?? ''}`;
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        errors.push(t('calendarAdmin.import.errDuplicate', { row: earlier }));
      } else {
        seen.set(key, sheetRow.rowNumber);
      }
    }

    return { rowNumber: sheetRow.rowNumber, date, working, name, regionCode, errors };
  });
  return { rows, fileError: null };
}

const COLUMN_WIDTHS = [14, 10, 24, 16];

function sheetHeaders(t: TFunction): string[] {
  return COLUMNS.map((c) => t(`calendarAdmin.import.columns.${c}`));
}

/** The type words the template offers in its drop-down, in the UI language. */
function typeWords(t: TFunction): [string, string] {
  return [t('calendarAdmin.import.typeOff'), t('calendarAdmin.import.typeWork')];
}

function addOverrideSheet(workbook: Workbook, t: TFunction, rowsForFormat: number) {
  const sheet = workbook.addWorksheet(t('calendarAdmin.import.sheetName'));
  sheet.columns = sheetHeaders(t).map((header, i) => ({ header, width: COLUMN_WIDTHS[i] }));
  styleHeaderRow(sheet, COLUMNS.length);
  const [off, work] = typeWords(t);
  for (let r = 2; r <= rowsForFormat + 1; r++) {
    sheet.getCell(r, 1).numFmt = 'yyyy-mm-dd';
    sheet.getCell(r, 2).dataValidation = {
      type: 'list',
      allowBlank: true,
      formulae: [`"${off},${work}"`],
      showErrorMessage: true,
      errorTitle: t('calendarAdmin.import.columns.type'),
      error: t('calendarAdmin.import.typeHint'),
    };
    sheet.getCell(r, 4).numFmt = '@';
  }
  return sheet;
}

/** Downloads the empty import template with a sheet of instructions. */
export async function downloadTemplate(t: TFunction): Promise<void> {
  const { Workbook } = await loadExcel();
  const workbook = new Workbook();
  workbook.creator = 'govdx';
  workbook.created = new Date();
  addOverrideSheet(workbook, t, TEMPLATE_ROWS);

  const help = workbook.addWorksheet(t('calendarAdmin.import.helpSheetName'));
  COLUMN_WIDTHS.forEach((width, i) => {
    help.getColumn(i + 1).width = width;
  });
  help.getCell('A1').value = t('calendarAdmin.import.helpTitle');
  help.getCell('A1').font = { bold: true, size: 13 };
  const lines = [
    t('calendarAdmin.import.help1'),
    t('calendarAdmin.import.help2'),
    t('calendarAdmin.import.help3'),
    t('calendarAdmin.import.help4'),
    t('calendarAdmin.import.help5'),
  ];
  lines.forEach((line, i) => {
    help.getCell(i + 3, 1).value = line;
  });
  const exampleStart = lines.length + 4;
  help.getCell(exampleStart, 1).value = t('calendarAdmin.import.helpExample');
  help.getCell(exampleStart, 1).font = { bold: true };
  help.getRow(exampleStart + 1).values = sheetHeaders(t);
  help.getRow(exampleStart + 1).font = { bold: true };
  const [off, work] = typeWords(t);
  const newYear = t('calendarAdmin.import.exampleNewYear');
  const example: [string, string, string, string][] = [
    ['2026-01-01', off, newYear, ''],
    ['2026-01-02', off, newYear, ''],
    ['2026-01-03', off, newYear, ''],
    ['2026-01-04', work, t('calendarAdmin.import.exampleMakeUp'), ''],
    ['2026-03-16', off, t('calendarAdmin.import.exampleLocal'), '990100'],
  ];
  example.forEach((values, i) => {
    help.getRow(exampleStart + 2 + i).values = values;
  });

  await downloadWorkbook(workbook, t('calendarAdmin.import.templateFile'));
}

/** Exports overrides in the import format (plus the scope's name), so they can be re-imported. */
export async function exportOverrides(
  items: readonly CalendarOverride[],
  t: TFunction,
  regionName: (code: string) => string | undefined,
): Promise<void> {
  const { Workbook } = await loadExcel();
  const workbook = new Workbook();
  workbook.creator = 'govdx';
  workbook.created = new Date();
  const sheet = addOverrideSheet(workbook, t, 0);
  sheet.getCell(1, 5).value = t('calendarAdmin.scope');
  sheet.getColumn(5).width = 24;
  styleHeaderRow(sheet, 5);
  const [off, work] = typeWords(t);
  for (const item of items) {
    sheet.addRow([
      item.date,
      item.working ? work : off,
      item.name,
      item.regionCode ?? '',
      item.regionCode
        ? (regionName(item.regionCode) ?? item.regionCode)
        : t('calendarAdmin.national'),
    ]);
  }
  await downloadWorkbook(workbook, exportFileName(t('calendarAdmin.exportBase')));
}
