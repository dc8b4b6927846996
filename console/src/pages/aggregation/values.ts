/**
 * The values of 数据校验 (data pre-check): read from pasted text, a .txt/.csv file (one value per
 * line) or a column of an .xlsx sheet, and cut into requests for `POST /validate`.
 */
import type { PlainCell, SheetData } from '../../excel';

export const VALIDATOR_KINDS = ['id-card', 'credit-code', 'mobile', 'region-code', 'date'] as const;
export type ValidatorKind = (typeof VALIDATOR_KINDS)[number];

/** Per request, as the server accepts (`values`: 1..10000). */
export const CHUNK_SIZE = 10_000;
/** Per value, as the server accepts; longer values are reported invalid without a request. */
export const MAX_VALUE_LENGTH = 200;
/** Per run: 20 requests. */
export const MAX_VALUES = 200_000;
/** Request body budget below the server's default limit (1 MiB). */
const MAX_BODY_BYTES = 900_000;

export interface LocalizedText {
  zh: string;
  en: string;
}

/** One value to check and where it came from (line of the text, row of the sheet). */
export interface SourceValue {
  line: number;
  value: string;
}

export interface CheckedValue extends SourceValue {
  valid: boolean;
  reason: LocalizedText | null;
}

export interface ValidateResponse {
  kind: ValidatorKind;
  validCount: number;
  invalidCount: number;
  results: { value: string; valid: boolean; reason?: LocalizedText }[];
}

/** The server's reason in the UI language (the English one starts a sentence here). */
export function localized(text: LocalizedText | null, language: string): string {
  if (!text) return '';
  if (language !== 'en') return text.zh;
  return text.en.charAt(0).toUpperCase() + text.en.slice(1);
}

/** A CSV field written by a spreadsheet: `"a ""b"""` → `a "b"`. */
function unquote(field: string): string {
  const match = /^"((?:[^"]|"")*)"$/.exec(field);
  return match ? (match[1] ?? '').replace(/""/g, '"') : field;
}

/** The non-blank lines of `text`, trimmed (and unquoted for CSV), numbered from 1. */
export function valuesFromText(
  text: string,
  options: { csv?: boolean; skipFirst?: boolean } = {},
): SourceValue[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const values: SourceValue[] = [];
  lines.forEach((line, index) => {
    if (options.skipFirst && index === 0) return;
    let value = line.trim();
    if (options.csv) value = unquote(value).trim();
    if (value !== '') values.push({ line: index + 1, value });
  });
  return values;
}

/** Counts the non-blank lines without building the list (called on every keystroke). */
export function countLines(text: string): number {
  let count = 0;
  for (const line of text.split(/\r\n|\n|\r/)) if (line.trim() !== '') count++;
  return count;
}

/** A text file's content: UTF-8 (with or without BOM), else GB 18030 as saved by Chinese Excel. */
export function decodeText(buffer: ArrayBuffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buffer);
  } catch {
    return new TextDecoder('gb18030').decode(buffer);
  }
}

/** Spreadsheet column name of a 0-based index: 0 → A, 26 → AA. */
export function columnLetter(index: number): string {
  let name = '';
  let n = index + 1;
  while (n > 0) {
    const rest = (n - 1) % 26;
    name = String.fromCharCode(65 + rest) + name;
    n = Math.floor((n - 1) / 26);
  }
  return name;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

function cellText(cell: PlainCell): string {
  if (cell === null) return '';
  if (cell instanceof Date) {
    // exceljs gives date cells as UTC midnight.
    return `${String(cell.getUTCFullYear())}-${pad2(cell.getUTCMonth() + 1)}-${pad2(cell.getUTCDate())}`;
  }
  if (typeof cell === 'number') {
    return Number.isInteger(cell) ? BigInt(cell).toString() : String(cell);
  }
  return cell.trim();
}

export interface SheetColumn {
  index: number;
  letter: string;
  header: string;
}

/** The columns of a sheet, named by its first row. */
export function sheetColumns(sheet: SheetData): SheetColumn[] {
  const width = Math.max(0, ...sheet.rows.map((row) => row.cells.length));
  const header = sheet.rows[0]?.cells ?? [];
  return Array.from({ length: width }, (_, index) => ({
    index,
    letter: columnLetter(index),
    header: cellText(header[index] ?? null),
  }));
}

const HEADER_PATTERNS: Record<ValidatorKind, RegExp> = {
  'id-card': /身份证|身份号码|证件号|id.?card|citizen/i,
  'credit-code': /信用代码|credit/i,
  mobile: /手机|电话|mobile|phone/i,
  'region-code': /区划|region/i,
  date: /日期|date/i,
};

/** The column whose header names the kind (身份证号码 for id-card), if any. */
export function guessColumn(columns: readonly SheetColumn[], kind: ValidatorKind): number | null {
  return columns.find((c) => HEADER_PATTERNS[kind].test(c.header))?.index ?? null;
}

export interface ColumnValues {
  values: SourceValue[];
  /** Number cells of more than 15 digits: Excel has already lost their last digits. */
  imprecise: number;
}

/** The non-empty cells of one column below the header row, with their Excel row numbers. */
export function columnValues(sheet: SheetData, column: number): ColumnValues {
  const values: SourceValue[] = [];
  let imprecise = 0;
  for (const row of sheet.rows.slice(1)) {
    const cell = row.cells[column] ?? null;
    const value = cellText(cell);
    if (value === '') continue;
    if (typeof cell === 'number' && Math.abs(cell) > Number.MAX_SAFE_INTEGER) imprecise++;
    values.push({ line: row.rowNumber, value });
  }
  return { values, imprecise };
}

/** Upper bound of a value's bytes in the JSON request body. */
function jsonBytes(value: string): number {
  let bytes = 3; // quotes and comma
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code === 0x22 || code === 0x5c) bytes += 2;
    else if (code < 0x20) bytes += 6;
    else if (code < 0x80) bytes += 1;
    else bytes += 3;
  }
  return bytes;
}

/**
 * Batches of at most CHUNK_SIZE values (fewer when the values are long, so that a request stays
 * under the server's body limit).
 */
export function chunkValues(values: readonly string[]): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const value of values) {
    const size = jsonBytes(value);
    if (current.length >= CHUNK_SIZE || (current.length > 0 && bytes + size > MAX_BODY_BYTES)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(value);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
