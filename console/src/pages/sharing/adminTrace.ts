/**
 * Reading the rows of a leaked export (CSV or NDJSON as the data API's exchange writes them) for
 * watermark tracing. The export's own lines are skipped: `# govdx-…` comment lines of the CSV and
 * `{"_govdx": …}` lines of the NDJSON; the resource code is taken from them when present.
 */

export const WATERMARK_COLUMN = '_govdx_wm';
/** The most rows one trace request may carry (share.watermark.trace). */
export const MAX_TRACE_ROWS = 1000;

export interface ParsedLeak {
  format: 'csv' | 'ndjson';
  rows: Record<string, unknown>[];
  /** Rows beyond MAX_TRACE_ROWS, not sent. */
  truncated: number;
  /** Rows that carry the watermark column. */
  marked: number;
  /** From the export's provenance line, when the copy kept it. */
  resourceCode: string | null;
  /** 1-based line numbers that could not be read. */
  badLines: number[];
}

/** One CSV record split into fields (RFC 4180 quoting). */
function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        field += ch;
      }
    } else if (ch === '"' && field === '') {
      quoted = true;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
    } else {
      field += ch;
    }
  }
  fields.push(field);
  return fields;
}

/** Records of a CSV text: quoted fields may span lines. */
function csvRecords(text: string): { line: number; fields: string[] }[] {
  const records: { line: number; fields: string[] }[] = [];
  const lines = text.split(/\r?\n/);
  let pending: string | null = null;
  let start = 0;
  lines.forEach((line, index) => {
    const joined: string = pending === null ? line : `${pending}\n${line}`;
    if (pending === null) start = index + 1;
    // An odd number of quotes means a quoted field continues on the next line.
    if ((joined.match(/"/g)?.length ?? 0) % 2 === 1) {
      pending = joined;
      return;
    }
    pending = null;
    if (joined.trim() === '' || joined.startsWith('#')) return;
    records.push({ line: start, fields: splitCsvLine(joined) });
  });
  if (pending !== null) records.push({ line: start, fields: splitCsvLine(pending) });
  return records;
}

function provenanceCode(text: string): string | null {
  const match = /resourceCode=([A-Z0-9-]{2,40})/.exec(text);
  return match?.[1] ?? null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseLeak(text: string): ParsedLeak {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  const firstData = trimmed.split(/\r?\n/).find((l) => l.trim() !== '' && !l.startsWith('#'));
  const badLines: number[] = [];
  let rows: Record<string, unknown>[] = [];
  let resourceCode: string | null = null;
  let format: ParsedLeak['format'] = 'csv';

  if (firstData?.trim().startsWith('{')) {
    format = 'ndjson';
    trimmed.split(/\r?\n/).forEach((line, index) => {
      if (line.trim() === '') return;
      try {
        const value: unknown = JSON.parse(line);
        if (!isRecord(value)) {
          badLines.push(index + 1);
          return;
        }
        if ('_govdx' in value) {
          const meta = value._govdx;
          if (isRecord(meta) && isRecord(meta.provenance)) {
            const code = meta.provenance.resourceCode;
            if (typeof code === 'string') resourceCode = code;
          }
          return;
        }
        rows.push(value);
      } catch {
        badLines.push(index + 1);
      }
    });
  } else {
    resourceCode = provenanceCode(
      trimmed
        .split(/\r?\n/)
        .filter((l) => l.startsWith('#'))
        .join('\n'),
    );
    const records = csvRecords(trimmed);
    const header = records[0]?.fields.map((h) => h.trim());
    if (header) {
      for (const record of records.slice(1)) {
        if (record.fields.length !== header.length) {
          badLines.push(record.line);
          continue;
        }
        const row: Record<string, unknown> = {};
        header.forEach((name, i) => {
          row[name] = record.fields[i] ?? '';
        });
        rows.push(row);
      }
    }
  }

  const truncated = Math.max(0, rows.length - MAX_TRACE_ROWS);
  rows = rows.slice(0, MAX_TRACE_ROWS);
  const marked = rows.filter((r) => typeof r[WATERMARK_COLUMN] === 'string').length;
  return { format, rows, truncated, marked, resourceCode, badLines };
}
