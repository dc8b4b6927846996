import type { CellValue } from './rows.ts';

/** One field in PostgreSQL's COPY text format: backslash escapes, \N for null, bytea as \\x hex. */
export function copyField(value: CellValue): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  if (Buffer.isBuffer(value)) return `\\\\x${value.toString('hex')}`;
  if (!/[\\\t\n\r]/.test(value)) return value;
  return value
    .replace(/\\/g, '\\\\')
    .replace(/\t/g, '\\t')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r');
}

/** A row of the work table as a COPY line: its values, its row version, then `tail` (system columns). */
export function copyLine(values: CellValue[], rowVersion: number, tail: string): string {
  let line = '';
  for (const value of values) line += `${copyField(value)}\t`;
  return `${line}${rowVersion}${tail}`;
}
