import { Readable } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import type { LocalizedText } from '../../../core/errors.ts';
import type { ValidationContext } from '../../../core/validators/index.ts';
import { useGbt2260Codes } from '../../../core/validators/region-code.ts';
import type { IngestMode } from '../../../db/schema.ts';
import type { DataItemDto } from '../../catalog/model.ts';
import { copyLine } from './copy-text.ts';
import { reasonOf } from './errors.ts';
import { RowChecker, type CellValue, type Rejection } from './rows.ts';
import { Digest, openSource, type DeclaredEncoding, type TabularFormat } from './sources.ts';

/**
 * The parsing half of an ingestion, in a worker thread (see parse-worker.ts for the other side):
 * decoding, CSV/XLSX/JSON parsing and the row checks run here, on one core, while the main thread
 * writes the previous chunk into the database (or PostgreSQL does, on another core). Chunks go back
 * as one string each (JSON rows for SQLite, COPY text for PostgreSQL), which crosses threads at
 * memcpy speed, unlike arrays of values.
 */
export interface ParseJob {
  format: TabularFormat;
  encoding: DeclaredEncoding;
  items: DataItemDto[];
  mode: IngestMode;
  context: { today: string; extraRegions: string[]; regionCodes: string[] };
  /** Read this file; otherwise the bytes come from the main thread on request. */
  file?: string;
  maxBytes: number;
  engine: 'sqlite' | 'postgres';
  chunkSize: number;
  base: number;
  batchId: string;
  now: string;
}

export type WorkerMessage =
  | { type: 'pull' }
  | { type: 'header'; presentColumns: string[] }
  | {
      type: 'chunk';
      /** Row numbers of the rows in the chunk, in order. */
      rows: number[];
      /** SQLite: JSON array of value arrays; PostgreSQL: COPY text lines. */
      payload: string;
      rejections: Rejection[];
      read: number;
      rejected: number;
      bytes: number;
    }
  | {
      type: 'done';
      read: number;
      rejected: number;
      maxRow: number;
      bytes: number;
      sha256: string;
      encoding: string | null;
      stats: RowChecker['stats'];
      rejections: Rejection[];
    }
  | {
      type: 'error';
      reason: string;
      message: LocalizedText | null;
      data?: Record<string, unknown>;
      detail: string;
    };

export type MainMessage = { type: 'data'; chunk: Uint8Array } | { type: 'end' } | { type: 'ack' };

const job = workerData as ParseJob;
const port = parentPort!;
const send = (message: WorkerMessage) => port.postMessage(message);

/** Bytes from the main thread, pulled one chunk at a time (backpressure end to end). */
class PulledBytes extends Readable {
  constructor() {
    // A few MB buffered ahead: parsing never waits while the main thread is busy writing.
    super({ highWaterMark: 4 * 1024 * 1024 });
  }

  override _read(): void {
    send({ type: 'pull' });
  }
}

const pulled = job.file ? undefined : new PulledBytes();
let acked = 0;
let sent = 0;
let wake: (() => void) | undefined;
port.on('message', (message: MainMessage) => {
  if (message.type === 'data') pulled?.push(Buffer.from(message.chunk));
  else if (message.type === 'end') pulled?.push(null);
  else {
    acked += 1;
    wake?.();
  }
});

/** At most two chunks in flight: the main thread writes one while this thread fills the next. */
async function inFlightRoom(): Promise<void> {
  while (sent - acked >= 2) await new Promise<void>((resolve) => (wake = resolve));
}

function encodeSqlite(values: CellValue[][]): string {
  // Binary (G) values cross as base64 strings prefixed with a marker the main thread decodes.
  return JSON.stringify(values, (_key, value: unknown) =>
    value !== null && typeof value === 'object' && 'type' in value && value.type === 'Buffer'
      ? `\u0000b64:${Buffer.from((value as unknown as { data: number[] }).data).toString('base64')}`
      : value,
  );
}

async function run(): Promise<void> {
  useGbt2260Codes(job.context.regionCodes);
  const context: ValidationContext = {
    today: job.context.today,
    extraRegions: new Set(job.context.extraRegions),
  };
  const checker = new RowChecker(job.items, job.mode, context);
  const digest = new Digest(job.maxBytes);
  const { createReadStream } = await import('node:fs');
  let source: ReturnType<typeof openSource>;
  if (job.format === 'xlsx') {
    source = openSource('xlsx', { file: job.file! }, 'auto');
  } else {
    const input = job.file ? createReadStream(job.file) : pulled!;
    input.on('error', (error: Error) => digest.destroy(error));
    source = openSource(job.format, { stream: input.pipe(digest) }, job.encoding);
  }
  const strictWidth = job.format === 'csv';
  let read = 0;
  let rejected = 0;
  let maxRow = 0;
  let rows: number[] = [];
  let values: CellValue[][] = [];
  let copy = '';
  let rejections: Rejection[] = [];
  let sawHeader = false;
  const tail = `\t0\t${job.batchId}\t${job.now}\n`;
  const flush = async () => {
    await inFlightRoom();
    send({
      type: 'chunk',
      rows,
      payload: job.engine === 'sqlite' ? encodeSqlite(values) : copy,
      rejections,
      read,
      rejected,
      bytes: digest.bytes,
    });
    sent += 1;
    rows = [];
    values = [];
    copy = '';
    rejections = [];
  };
  for await (const record of source.records) {
    if (!sawHeader) {
      sawHeader = true;
      if ('cells' in record) {
        checker.bindHeader(record.cells);
        send({ type: 'header', presentColumns: [...checker.presentColumns] });
        continue;
      }
      checker.bindKeys(record.object);
      send({ type: 'header', presentColumns: [...checker.presentColumns] });
    }
    read += 1;
    maxRow = record.row;
    const checked =
      'cells' in record
        ? checker.checkCells(record.row, record.cells, rejections, strictWidth)
        : checker.checkObject(record.row, record.object, rejections);
    if (!checked) {
      rejected += 1;
    } else {
      rows.push(record.row);
      if (job.engine === 'sqlite') values.push(checked);
      else copy += copyLine(checked, job.base + record.row, tail);
    }
    if (rows.length >= job.chunkSize || rejections.length >= 1000) await flush();
  }
  if (rows.length > 0 || rejections.length > 0) await flush();
  send({
    type: 'done',
    read,
    rejected,
    maxRow,
    bytes: digest.bytes,
    sha256: digest.hex(),
    encoding: source.encoding(),
    stats: checker.stats,
    rejections: [],
  });
}

run().catch((error: unknown) => {
  const detail = error as {
    localized?: LocalizedText;
    detail?: { data?: Record<string, unknown> };
  };
  send({
    type: 'error',
    reason: reasonOf(error),
    message: detail.localized ?? null,
    ...(detail.detail?.data ? { data: detail.detail.data } : {}),
    detail: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
});
