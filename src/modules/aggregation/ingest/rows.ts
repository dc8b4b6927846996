import type { LocalizedText } from '../../../core/errors.ts';
import { isCalendarDate } from '../../../core/validators/citizen-id.ts';
import {
  validateValue,
  type ValidationContext,
  type ValidatorKind,
} from '../../../core/validators/index.ts';
import type { DataItemDto } from '../../catalog/model.ts';
import type { IngestMode } from '../../../db/schema.ts';
import { ingestError } from './errors.ts';

/**
 * Checking one row against the data items (issue 4, Validation; R3.3): type, required, length,
 * enumeration and the validators of core/validators. Values come out normalized for the typed table
 * (dates as YYYY-MM-DD, logicals as 0/1, Excel dates from their cells); a row with any problem is
 * rejected whole, with one rejection per problem.
 */

export type CellValue = string | number | Buffer | null;

export interface Rejection {
  row: number;
  column: string | null;
  value: string | null;
  code: string;
  reason: LocalizedText;
}

/** PostgreSQL's varchar limit for C items that declare no length (data-table.ts). */
const DEFAULT_C_LENGTH = 255;

const ITEM_VALIDATORS: Partial<Record<string, ValidatorKind>> = {
  id_card: 'id-card',
  credit_code: 'credit-code',
  mobile: 'mobile',
  region_code: 'region-code',
  date: 'date',
};

type Converted =
  { ok: true; value: CellValue } | { ok: false; code: string; reason: LocalizedText };

const pad = (value: number) => String(value).padStart(2, '0');

function isoDate(year: number, month: number, day: number): string | null {
  const text = `${String(year).padStart(4, '0')}-${pad(month)}-${pad(day)}`;
  return isCalendarDate(text) ? text : null;
}

/** Dates as Chinese offices write them: 2024-03-05, 2024/3/5, 2024.3.5, 20240305, 2024年3月5日. */
export function normalizeDate(value: unknown): string | null {
  // The common case first: already YYYY-MM-DD.
  if (typeof value === 'string' && value.length === 10 && value[4] === '-' && value[7] === '-')
    return isCalendarDate(value) ? value : null;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return null;
    return isoDate(value.getUTCFullYear(), value.getUTCMonth() + 1, value.getUTCDate());
  }
  const textValue = String(value).trim();
  const match =
    /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(textValue) ??
    /^(\d{4})(\d{2})(\d{2})$/.exec(textValue) ??
    /^(\d{4})年(\d{1,2})月(\d{1,2})日$/.exec(textValue);
  if (!match) return null;
  return isoDate(Number(match[1]), Number(match[2]), Number(match[3]));
}

/** Date-times as YYYY-MM-DD HH:MM:SS (the time as written; an offset, if any, is dropped). */
export function normalizeDateTime(value: unknown): string | null {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return null;
    return value.toISOString().slice(0, 19).replace('T', ' ');
  }
  const match =
    /^(\d{4}[-/.]\d{1,2}[-/.]\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$/.exec(
      String(value).trim(),
    );
  if (!match) return null;
  const date = normalizeDate(match[1]);
  const hours = Number(match[2]);
  const minutes = Number(match[3]);
  const seconds = Number(match[4] ?? 0);
  if (!date || hours > 23 || minutes > 59 || seconds > 59) return null;
  return `${date} ${pad(hours)}:${pad(minutes)}:${pad(seconds)}`;
}

const TYPE_TEXT: Record<string, LocalizedText> = {
  N: { zh: '应为数值', en: 'must be a number' },
  Y: { zh: '应为金额（最多两位小数）', en: 'must be an amount with at most two decimals' },
  D: { zh: '应为日期，如 2024-03-05', en: 'must be a date such as 2024-03-05' },
  T: {
    zh: '应为日期时间，如 2024-03-05 14:30:00',
    en: 'must be a date-time such as 2024-03-05 14:30:00',
  },
  L: { zh: '应为是/否（true/false、1/0）', en: 'must be yes/no (true/false, 1/0)' },
  I: { zh: '应为整数', en: 'must be an integer' },
  B: { zh: '应为数值', en: 'must be a number' },
  F: { zh: '应为数值', en: 'must be a number' },
  G: { zh: '应为 Base64 编码的二进制内容', en: 'must be Base64-encoded binary content' },
};

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const INTEGER = /^[-+]?\d{1,19}$/;
const MONEY = /^[-+]?\d{1,16}(\.\d{1,2})?$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const TRUE_WORDS = new Set(['true', '1', 'y', 'yes', '是', 't']);
const FALSE_WORDS = new Set(['false', '0', 'n', 'no', '否', 'f']);

function typeError(type: string): Converted {
  return { ok: false, code: 'TYPE', reason: TYPE_TEXT[type]! };
}

function asText(value: unknown): string {
  if (value instanceof Date) return normalizeDateTime(value)!.replace(/ 00:00:00$/, '');
  return typeof value === 'string' ? value.trim() : String(value);
}

/** Converts a present (non-empty) cell to the item's type. */
function convertType(item: DataItemDto, value: unknown): Converted {
  switch (item.type) {
    case 'C':
    case 'M': {
      const textValue = asText(value);
      const limit =
        item.type === 'C' ? (item.length ?? DEFAULT_C_LENGTH) : (item.length ?? 1_000_000);
      if (textValue.length > limit && [...textValue].length > limit) {
        return {
          ok: false,
          code: 'LENGTH',
          reason: { zh: `长度超过 ${limit} 个字符`, en: `longer than ${limit} characters` },
        };
      }
      return { ok: true, value: textValue };
    }
    case 'N':
    case 'B':
    case 'F': {
      if (typeof value === 'number')
        return Number.isFinite(value) ? { ok: true, value } : typeError(item.type);
      const textValue = asText(value);
      return NUMBER.test(textValue)
        ? { ok: true, value: textValue.replace(/^\+/, '') }
        : typeError(item.type);
    }
    case 'Y': {
      const textValue =
        typeof value === 'number' ? String(Math.round(value * 100) / 100) : asText(value);
      return MONEY.test(textValue)
        ? { ok: true, value: textValue.replace(/^\+/, '') }
        : typeError('Y');
    }
    case 'I': {
      if (typeof value === 'number')
        return Number.isSafeInteger(value) ? { ok: true, value } : typeError('I');
      const textValue = asText(value);
      if (!INTEGER.test(textValue)) return typeError('I');
      const big = BigInt(textValue);
      if (big > 9223372036854775807n || big < -9223372036854775808n) return typeError('I');
      return { ok: true, value: textValue.replace(/^\+/, '') };
    }
    case 'L': {
      if (typeof value === 'boolean') return { ok: true, value: value ? 1 : 0 };
      const word = asText(value).toLowerCase();
      if (TRUE_WORDS.has(word)) return { ok: true, value: 1 };
      if (FALSE_WORDS.has(word)) return { ok: true, value: 0 };
      return typeError('L');
    }
    case 'D': {
      const date = normalizeDate(value);
      return date ? { ok: true, value: date } : typeError('D');
    }
    case 'T': {
      const dateTime = normalizeDateTime(value);
      return dateTime ? { ok: true, value: dateTime } : typeError('T');
    }
    case 'G': {
      const textValue = asText(value);
      return BASE64.test(textValue) && textValue.length % 4 === 0
        ? { ok: true, value: Buffer.from(textValue, 'base64') }
        : typeError('G');
    }
  }
}

export interface ColumnStats {
  filled: number;
  empty: number;
  invalid: number;
}

export interface BatchStats {
  columns: Record<string, ColumnStats>;
  validators: Record<string, { checked: number; invalid: number }>;
  duplicateKeys: number;
  /** Delete mode: keys that matched no live row. */
  notFound?: number;
}

interface CompiledItem {
  item: DataItemDto;
  stats: ColumnStats;
  check: (value: unknown) => Converted;
}

function isEmpty(value: unknown): boolean {
  return (
    value === null || value === undefined || (typeof value === 'string' && value.trim() === '')
  );
}

function compileItem(
  item: DataItemDto,
  context: ValidationContext,
  validatorStats: BatchStats['validators'],
): CompiledItem {
  const stats: ColumnStats = { filled: 0, empty: 0, invalid: 0 };
  const kind = item.validator?.kind ?? 'none';
  const shared = ITEM_VALIDATORS[kind];
  const enumValues = kind === 'enum' ? new Set(item.validator?.values ?? []) : undefined;
  let pattern: RegExp | undefined;
  if (kind === 'regex' && item.validator?.pattern) {
    try {
      pattern = new RegExp(`^(?:${item.validator.pattern})$`, 'u');
    } catch {
      pattern = undefined;
    }
  }
  const counter =
    kind !== 'none' ? (validatorStats[kind] ??= { checked: 0, invalid: 0 }) : undefined;
  // A D item's type conversion has validated the date already.
  const sharedCheck = shared === 'date' && item.type === 'D' ? undefined : shared;
  const isIdCard = kind === 'id_card';
  return {
    item,
    stats,
    check: (raw) => {
      const converted = convertType(
        item,
        isIdCard && typeof raw === 'string' && raw.endsWith('x') ? raw.toUpperCase() : raw,
      );
      if (!converted.ok || !counter) return converted;
      const value = String(converted.value);
      counter.checked += 1;
      let reason: LocalizedText | null = null;
      let code = 'VALIDATOR';
      if (sharedCheck) reason = validateValue(sharedCheck, value, context);
      else if (enumValues && !enumValues.has(value)) {
        code = 'ENUM';
        const shown = [...enumValues].slice(0, 10).join('、');
        reason = { zh: `不在可选值中（${shown}）`, en: `not one of the allowed values (${shown})` };
      } else if (pattern && !pattern.test(value)) {
        code = 'PATTERN';
        reason = { zh: '不符合规定的格式', en: 'does not match the required pattern' };
      }
      if (!reason) return converted;
      counter.invalid += 1;
      return { ok: false, code, reason };
    },
  };
}

/** Cell text for a rejection listing, short enough to store. */
function shownValue(value: unknown): string | null {
  if (isEmpty(value)) return null;
  const textValue = value instanceof Date ? value.toISOString() : String(value);
  return textValue.length > 200 ? `${textValue.slice(0, 200)}…` : textValue;
}

export interface CheckedRow {
  /** Values in the order of `RowChecker.columns`. */
  values: CellValue[];
}

/**
 * Maps a file's header (or a JSON record's keys) to the data items, by column name or Chinese name,
 * and checks rows. Built once per batch.
 */
export class RowChecker {
  /** Columns written to the typed table, in order: every item for replace/upsert, the key for delete. */
  readonly columns: string[];
  readonly keyColumns: string[];
  /** Columns the file provides (upsert updates only these). */
  readonly presentColumns = new Set<string>();
  readonly stats: BatchStats = { columns: {}, validators: {}, duplicateKeys: 0 };
  private readonly compiled: CompiledItem[];
  private readonly byLabel = new Map<string, number>();
  /** For cells: file position -> index into `compiled`, or -1 to ignore. */
  private positions: number[] | undefined;
  private headerWidth = 0;
  private identity = false;

  constructor(
    items: DataItemDto[],
    private readonly mode: IngestMode,
    context: ValidationContext,
  ) {
    const used = mode === 'delete' ? items.filter((item) => item.key) : items;
    this.compiled = used.map((item) => compileItem(item, context, this.stats.validators));
    this.columns = used.map((item) => item.column);
    this.keyColumns = items.filter((item) => item.key).map((item) => item.column);
    for (const entry of this.compiled) this.stats.columns[entry.item.column] = entry.stats;
    items.forEach((item) => {
      const index = used.indexOf(item);
      this.byLabel.set(item.column.toLowerCase(), index);
      this.byLabel.set(item.name.trim(), index);
    });
  }

  private locate(label: unknown): number | undefined {
    const textValue = (typeof label === 'string' ? label : String(label)).trim();
    return this.byLabel.get(textValue) ?? this.byLabel.get(textValue.toLowerCase());
  }

  /** Binds a header row; refuses headers that leave out required items or name unknown columns. */
  bindHeader(header: unknown[]): void {
    const unknown: string[] = [];
    const seen = new Set<number>();
    this.positions = header.map((label) => {
      const index = this.locate(label);
      if (index === undefined) {
        if (!isEmpty(label)) unknown.push(String(label).trim());
        return -1;
      }
      if (index >= 0) {
        if (seen.has(index)) unknown.push(`${String(label).trim()}（重复/duplicate）`);
        seen.add(index);
      }
      return index;
    });
    this.headerWidth = header.length;
    this.finishBinding(seen, unknown);
    this.identity =
      this.positions.length === this.compiled.length &&
      this.positions.every((index, position) => index === position);
  }

  /** Binds the keys of the first JSON record, which stand for the header. */
  bindKeys(record: Record<string, unknown>): void {
    const unknown: string[] = [];
    const seen = new Set<number>();
    for (const key of Object.keys(record)) {
      const index = this.locate(key);
      if (index === undefined) unknown.push(key);
      else if (index >= 0) seen.add(index);
    }
    this.finishBinding(seen, unknown);
  }

  private finishBinding(seen: Set<number>, unknown: string[]): void {
    const missing = this.compiled
      .filter(
        (entry, index) =>
          !seen.has(index) && (entry.item.key || (this.mode === 'replace' && entry.item.required)),
      )
      .map((entry) => `${entry.item.name}(${entry.item.column})`);
    if (unknown.length > 0 || missing.length > 0) {
      const parts: string[] = [];
      const partsEn: string[] = [];
      if (missing.length) {
        parts.push(`缺少必需的列：${missing.join('、')}`);
        partsEn.push(`missing required columns: ${missing.join(', ')}`);
      }
      if (unknown.length) {
        parts.push(`无法对应到数据项的列：${unknown.join('、')}`);
        partsEn.push(`columns matching no data item: ${unknown.join(', ')}`);
      }
      throw ingestError(
        'INGEST_HEADER_MISMATCH',
        `表头与目录的数据项不一致。${parts.join('；')}。表头可用列名或中文名称。`,
        `the header does not match the catalog's data items: ${partsEn.join('; ')}. Use column names or Chinese names.`,
        { missing, unknown },
      );
    }
    for (const index of seen) this.presentColumns.add(this.compiled[index]!.item.column);
  }

  /**
   * Checks a data row: the converted values, or null with its rejections. CSV rows must be as wide as
   * the header (`strictWidth`); XLSX rows drop trailing empty cells, so they may be shorter.
   */
  checkCells(
    row: number,
    cells: unknown[],
    rejections: Rejection[],
    strictWidth: boolean,
  ): CellValue[] | null {
    const positions = this.positions!;
    const tooWide =
      cells.length > this.headerWidth && !cells.slice(this.headerWidth).every(isEmpty);
    if (tooWide || (strictWidth && cells.length < this.headerWidth)) {
      rejections.push({
        row,
        column: null,
        value: null,
        code: 'COLUMN_COUNT',
        reason: {
          zh: `列数为 ${cells.length}，与表头的 ${this.headerWidth} 列不一致`,
          en: `${cells.length} columns where the header has ${this.headerWidth}`,
        },
      });
      return null;
    }
    // The header in the items' order (the template's) needs no remapping.
    if (this.identity && cells.length === this.compiled.length)
      return this.checkValues(row, cells, rejections);
    const raw: unknown[] = new Array(this.compiled.length).fill(null);
    for (let position = 0; position < positions.length; position += 1) {
      const index = positions[position]!;
      if (index >= 0) raw[index] = cells[position];
    }
    return this.checkValues(row, raw, rejections);
  }

  checkObject(
    row: number,
    object: Record<string, unknown>,
    rejections: Rejection[],
  ): CellValue[] | null {
    const raw: unknown[] = new Array(this.compiled.length).fill(null);
    for (const [key, value] of Object.entries(object)) {
      const index = this.locate(key);
      if (index === undefined) {
        rejections.push({
          row,
          column: key,
          value: shownValue(value),
          code: 'UNKNOWN_FIELD',
          reason: { zh: '字段无法对应到数据项', en: 'the field matches no data item' },
        });
        return null;
      }
      if (index >= 0) raw[index] = value;
    }
    return this.checkValues(row, raw, rejections);
  }

  private checkValues(row: number, raw: unknown[], rejections: Rejection[]): CellValue[] | null {
    const values = new Array<CellValue>(raw.length);
    let rejected = false;
    for (let index = 0; index < raw.length; index += 1) {
      const entry = this.compiled[index]!;
      const value = raw[index];
      if (isEmpty(value)) {
        entry.stats.empty += 1;
        values[index] = null;
        if (entry.item.required || entry.item.key) {
          // In upsert, a column the file does not carry keeps its stored value (and was checked on load).
          if (
            this.mode === 'upsert' &&
            !entry.item.key &&
            !this.presentColumns.has(entry.item.column)
          )
            continue;
          rejected = true;
          rejections.push({
            row,
            column: entry.item.column,
            value: null,
            code: 'REQUIRED',
            reason: { zh: `${entry.item.name}为必填项`, en: `${entry.item.column} is required` },
          });
        }
        continue;
      }
      const converted = entry.check(value);
      if (converted.ok) {
        entry.stats.filled += 1;
        values[index] = converted.value;
      } else {
        entry.stats.invalid += 1;
        rejected = true;
        rejections.push({
          row,
          column: entry.item.column,
          value: shownValue(value),
          code: converted.code,
          reason: {
            zh: `${entry.item.name}：${converted.reason.zh}`,
            en: `${entry.item.column}: ${converted.reason.en}`,
          },
        });
      }
    }
    return rejected ? null : values;
  }
}

export function duplicateKeyRejection(row: number, key: string): Rejection {
  return {
    row,
    column: null,
    value: key.length > 200 ? `${key.slice(0, 200)}…` : key,
    code: 'DUPLICATE_KEY',
    reason: {
      zh: '主键与本批次中前面的行重复',
      en: 'the key repeats an earlier row of this batch',
    },
  };
}
