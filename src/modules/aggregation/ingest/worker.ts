import { Readable } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import type { LocalizedText } from '../../../core/errors.ts';
import type { ValidationContext } from '../../../core/validators/index.ts';
import { useGbt2260Codes } from '../../../core/validators/region-code.ts';
import type { IngestMode } from '../../../db/schema.ts';
import type { DataItemDto } from '../../catalog/model.ts';
import { copyLine } from './copy-text.ts';
import { reasonOf } from './errors.ts';
import { RowChecker, type Rejection } from './rows.ts';
import { Digest, openSource, type DeclaredEncoding, type TabularFormat } from './sources.ts';

/**
 * The parsing half of an ingestion, in a worker thread (see parse-worker.ts for the other side):
 * decoding, CSV/XLSX/JSON parsing and the row checks run here, on one core, while the main thread
 * writes the previous chunk into the database (or PostgreSQL does, on another core). Chunks go back
 * as one buffer of UTF-8 text each (for SQLite a JSON array per line of one insert statement's rows,
 * COPY text for PostgreSQL), transferred rather than copied, unlike arrays of values. Not as a
 * string: a chunk's megabyte string waited in the main thread's heap while the previous chunk was
 * written, was moved to the old generation by the collections meanwhile, and 100 MB of them had
 * piled up there at 4,000,000 rows, before the first full collection.
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
  /** SQLite: rows per line of a chunk's text, one insert statement's (bulk.ts sqliteRowsPerLine). */
  rowsPerLine: number;
  /** Row versions are `base + row number`: unique, increasing, gaps where rows were rejected. */
  base: number;
  batchId: string;
  now: string;
}

export type WorkerMessage =
  | { type: 'pull' }
  | { type: 'header'; presentColumns: string[] }
  | {
      type: 'chunk';
      /** Rows in the chunk. */
      count: number;
      /**
       * UTF-8 text, transferred. SQLite: per line one JSON array of up to `rowsPerLine` rows' values
       * one after another, each row's followed by its row version; PostgreSQL: COPY text.
       */
      payload: Uint8Array;
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

export type MainMessage =
  | { type: 'data'; chunk: Uint8Array }
  | { type: 'end' }
  | { type: 'ack' }
  /** A chunk's buffer, written and handed back for the next chunk's text (SQLite). */
  | { type: 'recycle'; buffer: Uint8Array };

const job = workerData as ParseJob;
const port = parentPort!;
const send = (message: WorkerMessage, transfer: ArrayBuffer[] = []) =>
  port.postMessage(message, transfer);
const encoder = new TextEncoder();

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
/** Buffers handed back by the main thread, reused for the next chunks' text. */
const spare: Uint8Array[] = [];
port.on('message', (message: MainMessage) => {
  if (message.type === 'data') {
    const { chunk } = message;
    // A view of the transferred bytes, not a copy.
    pulled?.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
  } else if (message.type === 'end') pulled?.push(null);
  else if (message.type === 'recycle') spare.push(message.buffer);
  else {
    acked += 1;
    wake?.();
  }
});

/** At most two chunks in flight: the main thread writes one while this thread fills the next. */
async function inFlightRoom(): Promise<void> {
  while (sent - acked >= 2) await new Promise<void>((resolve) => (wake = resolve));
}

/**
 * A chunk's text, written as UTF-8 into its buffer as the rows come rather than gathered in a
 * string: a chunk's string (its pieces, up to a megabyte) lived through the young generation's
 * collections, which copied it each time and then moved it to the old generation; now only a line
 * of text (SQLite: one insert's rows) is alive at once.
 * The buffer is one handed back by the main thread when there is one (see recycle in
 * parse-worker.ts): recycled buffers keep the main thread's external memory flat, where a new
 * buffer per chunk whose handle outlived a young-generation collection waited for a full collection
 * to be freed (50 MB of them at 2,000,000 rows).
 */
class ChunkText {
  private buffer: Uint8Array | undefined;
  private length = 0;

  append(text: string): void {
    // UTF-8 takes at most three bytes per UTF-16 unit.
    const needed = this.length + text.length * 3;
    if (!this.buffer || this.buffer.byteLength < needed) this.grow(needed);
    this.length += encoder.encodeInto(text, this.buffer!.subarray(this.length)).written;
  }

  private grow(needed: number): void {
    const index = spare.findIndex((buffer) => buffer.byteLength >= needed);
    const larger =
      index >= 0
        ? spare.splice(index, 1)[0]!
        : new Uint8Array(Math.max(needed, 2 * (this.buffer?.byteLength ?? 0), 1 << 20));
    if (this.buffer) {
      larger.set(this.buffer.subarray(0, this.length));
      spare.push(this.buffer);
    }
    this.buffer = larger;
  }

  /** The text so far, as a view of its buffer; the next append starts a new buffer. */
  take(): Uint8Array {
    const taken = (this.buffer ?? new Uint8Array(0)).subarray(0, this.length);
    this.buffer = undefined;
    this.length = 0;
    return taken;
  }
}

/** Binary (G) values cross as base64 strings prefixed with a marker the main thread decodes. */
function binaryAsText(_key: string, value: unknown): unknown {
  return value !== null && typeof value === 'object' && 'type' in value && value.type === 'Buffer'
    ? `\u0000b64:${Buffer.from((value as unknown as { data: number[] }).data).toString('base64')}`
    : value;
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
  let count = 0;
  // The chunk's text: JSON lines (SQLite) or COPY lines (PostgreSQL).
  const text = new ChunkText();
  // SQLite: the line being gathered, its rows' values without the brackets, and its row count.
  let line = '';
  let lineRows = 0;
  const replacer = job.items.some((item) => item.type === 'G') ? binaryAsText : undefined;
  let rejections: Rejection[] = [];
  let sawHeader = false;
  const tail = `\t0\t${job.batchId}\t${job.now}\n`;
  const endLine = () => {
    text.append(`[${line}]\n`);
    line = '';
    lineRows = 0;
  };
  const flush = async () => {
    if (lineRows > 0) endLine();
    await inFlightRoom();
    const payload = text.take();
    send(
      {
        type: 'chunk',
        count,
        payload,
        rejections,
        read,
        rejected,
        bytes: digest.bytes,
      },
      [payload.buffer as ArrayBuffer],
    );
    sent += 1;
    count = 0;
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
      count += 1;
      if (job.engine === 'sqlite') {
        // The row's values and its version, appended to the line without the array's brackets.
        checked.push(job.base + record.row);
        const values = JSON.stringify(checked, replacer);
        line += lineRows === 0 ? values.slice(1, -1) : `,${values.slice(1, -1)}`;
        lineRows += 1;
        if (lineRows === job.rowsPerLine) endLine();
      } else text.append(copyLine(checked, job.base + record.row, tail));
    }
    if (count >= job.chunkSize || rejections.length >= 1000) await flush();
  }
  if (count > 0 || rejections.length > 0) await flush();
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
