import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { createInterface } from 'node:readline';
import type ExcelJS from 'exceljs';
import Papa from 'papaparse';
import iconv from 'iconv-lite';
import type yauzl from 'yauzl';
import type { IngestFormat } from '../../../db/schema.ts';
import { ingestError } from './errors.ts';

/**
 * Turning an uploaded file into records (issue 4, Formats): CSV in UTF-8 (with or without BOM) or
 * GBK/GB18030, XLSX, a JSON array of objects, NDJSON. Everything streams: a file of several GB is
 * read in constant memory (XLSX is first spooled to disk, because a ZIP is read from its end).
 */

export const TABULAR_INGEST_FORMATS = ['csv', 'xlsx', 'json', 'ndjson'] as const;
export type TabularFormat = (typeof TABULAR_INGEST_FORMATS)[number];
export const ENCODINGS = ['auto', 'utf-8', 'gbk', 'gb18030'] as const;
export type DeclaredEncoding = (typeof ENCODINGS)[number];

/** A header or data row (cells, CSV and XLSX) or an object (JSON, NDJSON), with its row number. */
export type SourceRecord =
  { row: number; cells: unknown[] } | { row: number; object: Record<string, unknown> };

export const XLSX_LIMITS = {
  /** What a workbook may unpack to (declared sizes in its ZIP directory): a zip-bomb guard. */
  maxUnpackedBytes: 1024 * 1024 * 1024,
};

/** The media types each format arrives as over HTTP. */
export const FORMAT_CONTENT_TYPES: Record<TabularFormat, string[]> = {
  csv: ['text/csv', 'application/csv'],
  xlsx: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  json: ['application/json'],
  ndjson: ['application/x-ndjson', 'application/jsonl'],
};

export function formatFromContentType(contentType: string | undefined): TabularFormat | undefined {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return (Object.keys(FORMAT_CONTENT_TYPES) as TabularFormat[]).find((format) =>
    FORMAT_CONTENT_TYPES[format].includes(type),
  );
}

export function formatFromFileName(name: string): IngestFormat | undefined {
  const extension = name.toLowerCase().split('.').pop();
  switch (extension) {
    case 'csv':
    case 'txt':
      return 'csv';
    case 'xlsx':
      return 'xlsx';
    case 'json':
      return 'json';
    case 'ndjson':
    case 'jsonl':
      return 'ndjson';
    default:
      return undefined;
  }
}

/** Counts and hashes the bytes that pass (the batch's SHA-256 and size), refusing more than `max`. */
export class Digest extends Transform {
  readonly hash = createHash('sha256');
  bytes = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) {
      done(
        ingestError(
          'INGEST_TOO_LARGE',
          `文件超过 ${this.maxBytes} 字节的上限`,
          `the file exceeds the limit of ${this.maxBytes} bytes`,
        ),
      );
      return;
    }
    this.hash.update(chunk);
    done(null, chunk);
  }

  hex(): string {
    return this.hash.digest('hex');
  }
}

/**
 * Decodes CSV bytes into text. `auto` looks at the start: a UTF-8 BOM or valid UTF-8 means UTF-8,
 * anything else GB18030 (a superset of GBK and GB2312, what Excel on Chinese Windows saves). UTF-8
 * is decoded strictly, so a GBK file declared or detected as UTF-8 fails with a clear error instead
 * of loading mojibake.
 */
class Decoder extends Transform {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private decoder: { write(chunk: Buffer): string; end(): string } | undefined;
  private offset = 0;
  encoding: 'utf-8' | 'gb18030' | undefined;

  constructor(private readonly declared: DeclaredEncoding) {
    super({ readableObjectMode: false, decodeStrings: true, encoding: 'utf8' });
    if (declared === 'utf-8') this.choose('utf-8');
    if (declared === 'gbk' || declared === 'gb18030') this.choose('gb18030');
  }

  private choose(encoding: 'utf-8' | 'gb18030'): void {
    this.encoding = encoding;
    if (encoding === 'gb18030') {
      const decoder = iconv.getDecoder('gb18030');
      this.decoder = { write: (chunk) => decoder.write(chunk), end: () => decoder.end() ?? '' };
    } else {
      const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
      this.decoder = {
        write: (chunk) => decoder.decode(chunk, { stream: true }),
        end: () => decoder.decode(),
      };
    }
  }

  private decode(chunk: Buffer): string {
    try {
      const textOut = this.decoder!.write(chunk);
      this.offset += chunk.length;
      return textOut;
    } catch {
      throw ingestError(
        'INGEST_ENCODING',
        `文件在第 ${this.offset} 字节附近不是有效的 UTF-8 编码；如为 GBK/GB18030 编码，请指定编码 gbk`,
        `the file is not valid UTF-8 near byte ${this.offset}; if it is GBK/GB18030, declare encoding=gbk`,
      );
    }
  }

  private detect(sample: Buffer): void {
    if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return this.choose('utf-8');
    if ((sample[0] === 0xff && sample[1] === 0xfe) || (sample[0] === 0xfe && sample[1] === 0xff)) {
      throw ingestError(
        'INGEST_ENCODING',
        '不支持 UTF-16 编码的文件；请另存为“CSV UTF-8”或 GBK 编码',
        'UTF-16 files are not supported; save as "CSV UTF-8" or GBK',
      );
    }
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
      this.choose('utf-8');
    } catch {
      this.choose('gb18030');
    }
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      if (!this.decoder) {
        this.pending.push(chunk);
        this.pendingBytes += chunk.length;
        if (this.pendingBytes < 65536) return done();
        chunk = Buffer.concat(this.pending);
        this.pending = [];
        this.detect(chunk);
      }
      done(null, this.decode(chunk));
    } catch (error) {
      done(error as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      let out = '';
      if (!this.decoder) {
        const sample = Buffer.concat(this.pending);
        this.detect(sample);
        out = this.decode(sample);
      }
      const rest = this.decoder!.end();
      done(null, out + rest);
    } catch (error) {
      done(error as Error);
    }
  }
}

function csvSyntaxError(error: Papa.ParseError): Error {
  // Papa Parse counts data rows from 0 after the header-less start; the header is row 1.
  const row = error.row === undefined ? undefined : error.row + 1;
  const where = row ? `（约第 ${row} 行）` : '';
  const whereEn = row ? ` (around row ${row})` : '';
  if (error.type === 'Quotes') {
    return ingestError(
      'INGEST_CSV_SYNTAX',
      `CSV 引号不配对${where}`,
      `unbalanced quotes in the CSV${whereEn}`,
      { row },
    );
  }
  return ingestError(
    'INGEST_CSV_SYNTAX',
    `CSV 格式错误${where}：${error.message}`,
    `malformed CSV${whereEn}: ${error.message}`,
    { row },
  );
}

/**
 * CSV records through Papa Parse (three times csv-parse's speed here), with backpressure: parsing
 * pauses while a thousand records wait to be taken.
 */
async function* csvRecords(
  input: Readable,
  encoding: DeclaredEncoding,
  detected: (encoding: string) => void,
): AsyncGenerator<SourceRecord> {
  const decoder = new Decoder(encoding);
  input.on('error', (error) => decoder.destroy(error));
  input.pipe(decoder);
  const queue: string[][] = [];
  let done = false;
  let failure: Error | undefined;
  let parser: Papa.Parser | undefined;
  let paused = false;
  let wake: (() => void) | undefined;
  const signal = () => {
    const waiting = wake;
    wake = undefined;
    waiting?.();
  };
  decoder.on('error', (error) => {
    failure ??= error;
    signal();
  });
  Papa.parse<string[]>(decoder as unknown as NodeJS.ReadableStream, {
    skipEmptyLines: true,
    delimiter: ',',
    step: (results, handle) => {
      parser = handle;
      const error = results.errors.find(
        (entry) => entry.type === 'Quotes' || entry.type === 'Delimiter',
      );
      if (error) {
        failure ??= csvSyntaxError(error);
        handle.abort();
        signal();
        return;
      }
      queue.push(results.data);
      if (queue.length >= 1000 && !paused) {
        paused = true;
        handle.pause();
      }
      signal();
    },
    complete: () => {
      done = true;
      signal();
    },
    error: (error: Error) => {
      failure ??= error;
      signal();
    },
  });
  let row = 0;
  let reported = false;
  for (;;) {
    if (queue.length > 0) {
      const batch = queue.splice(0);
      if (!reported && decoder.encoding) {
        detected(decoder.encoding);
        reported = true;
      }
      for (const cells of batch) {
        row += 1;
        yield { row, cells };
      }
      if (paused && !failure) {
        paused = false;
        parser?.resume();
      }
      continue;
    }
    if (failure) throw failure;
    if (done) break;
    await new Promise<void>((resolve) => (wake = resolve));
  }
  if (!reported && decoder.encoding) detected(decoder.encoding);
}

async function* ndjsonRecords(input: Readable): AsyncGenerator<SourceRecord> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let row = 0;
  for await (const line of lines) {
    row += 1;
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw ingestError(
        'INGEST_JSON_SYNTAX',
        `第 ${row} 行不是有效的 JSON`,
        `line ${row} is not valid JSON`,
        { line: row },
      );
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw ingestError(
        'INGEST_JSON_SYNTAX',
        `第 ${row} 行应为一个 JSON 对象（每行一条记录）`,
        `line ${row} must be a JSON object (one record a line)`,
        { line: row },
      );
    }
    yield { row, object: value as Record<string, unknown> };
  }
}

async function* jsonRecords(input: Readable): AsyncGenerator<SourceRecord> {
  // Loaded on first use: a CSV batch's worker stays small (issue 4: bounded server memory).
  const { default: streamArray } = await import('stream-json/streamers/stream-array.js');
  const elements = streamArray.withParserAsStream();
  input.on('error', (error) => elements.destroy(error));
  input.pipe(elements);
  try {
    for await (const { key, value } of elements as AsyncIterable<{ key: number; value: unknown }>) {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw ingestError(
          'INGEST_JSON_SYNTAX',
          `数组第 ${key + 1} 个元素应为 JSON 对象`,
          `element ${key + 1} of the array must be a JSON object`,
        );
      }
      yield { row: key + 1, object: value as Record<string, unknown> };
    }
  } catch (error) {
    if (error instanceof Error && !('detail' in error)) {
      throw ingestError(
        'INGEST_JSON_SYNTAX',
        `JSON 格式错误：应为对象数组 [{...}, ...]（${error.message}）`,
        `malformed JSON: expected an array of objects [{...}, ...] (${error.message})`,
      );
    }
    throw error;
  }
}

function notSpreadsheet(): Error {
  return ingestError(
    'INGEST_FORMAT',
    '文件内容不是 XLSX 电子表格；请用 Excel 另存为 .xlsx，或上传 CSV',
    'the file is not an XLSX spreadsheet; save it as .xlsx from Excel, or upload CSV',
  );
}

/**
 * Reads the ZIP directory of a spooled XLSX: refuses a file that is no ZIP, has no worksheet, or
 * declares more unpacked bytes than XLSX_LIMITS allow (a zip bomb), before anything is inflated.
 */
export async function checkXlsxFile(file: string): Promise<void> {
  const { default: zipReader } = await import('yauzl');
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    zipReader.open(file, { lazyEntries: true, autoClose: true }, (error, opened) =>
      error || !opened ? reject(notSpreadsheet()) : resolve(opened),
    ),
  );
  let unpacked = 0;
  let hasSheet = false;
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      unpacked += entry.uncompressedSize;
      if (/^xl\/worksheets\/sheet\d+\.xml$/.test(entry.fileName)) hasSheet = true;
      zip.readEntry();
    });
    zip.on('end', resolve);
    zip.on('error', () => reject(notSpreadsheet()));
    zip.readEntry();
  });
  if (!hasSheet) throw notSpreadsheet();
  if (unpacked > XLSX_LIMITS.maxUnpackedBytes) {
    throw ingestError(
      'INGEST_XLSX_TOO_LARGE',
      `XLSX 解压后达 ${unpacked} 字节，超过 ${XLSX_LIMITS.maxUnpackedBytes} 字节上限；请拆分文件或改用 CSV`,
      `the XLSX unpacks to ${unpacked} bytes, over the limit of ${XLSX_LIMITS.maxUnpackedBytes}; split it or use CSV`,
    );
  }
}

/** A cell as a plain value: rich text, formulas and hyperlinks reduced to what they show. */
function cellValue(value: ExcelJS.CellValue): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  if (typeof value !== 'object') return value;
  if ('richText' in value) return value.richText.map((part) => part.text).join('');
  if ('result' in value) return cellValue(value.result);
  if ('text' in value) return (value as { text: unknown }).text;
  if ('error' in value) return null;
  return null;
}

/** Reads a spooled XLSX that pipeline.ts has checked with checkXlsxFile. */
async function* xlsxRecords(file: string): AsyncGenerator<SourceRecord> {
  const { default: Excel } = await import('exceljs');
  const reader = new Excel.stream.xlsx.WorkbookReader(createReadStream(file), {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  });
  try {
    for await (const sheet of reader) {
      for await (const row of sheet) {
        const values = row.values as ExcelJS.CellValue[];
        const cells: unknown[] = [];
        for (let index = 1; index < values.length; index += 1) cells.push(cellValue(values[index]));
        yield { row: row.number, cells };
      }
      // Only the first worksheet holds data; the rest (notes, lists) are ignored.
      break;
    }
  } catch (error) {
    if (error instanceof Error && 'detail' in error) throw error;
    throw notSpreadsheet();
  }
}

export interface OpenedSource {
  records: AsyncIterable<SourceRecord>;
  /** The encoding CSV was read in, once known. */
  encoding(): string | null;
}

export function openSource(
  format: TabularFormat,
  input: { stream: Readable } | { file: string },
  encoding: DeclaredEncoding,
): OpenedSource {
  let detected: string | null = null;
  const stream = () => ('stream' in input ? input.stream : createReadStream(input.file));
  switch (format) {
    case 'csv':
      return {
        records: csvRecords(stream(), encoding, (name) => (detected = name)),
        encoding: () => detected,
      };
    case 'ndjson':
      return { records: ndjsonRecords(stream()), encoding: () => 'utf-8' };
    case 'json':
      return { records: jsonRecords(stream()), encoding: () => 'utf-8' };
    case 'xlsx':
      if (!('file' in input)) throw new Error('XLSX is read from a spooled file');
      return { records: xlsxRecords(input.file), encoding: () => null };
  }
}
