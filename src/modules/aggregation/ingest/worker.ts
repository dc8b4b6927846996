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
 * as one buffer of UTF-8 text each (a JSON array per line for SQLite, COPY text for PostgreSQL),
 * transferred rather than copied, unlike arrays of values. Not as a string: a chunk's megabyte
 * string waited in the main thread's heap while the previous chunk was written, was moved to the
 * old generation by the collections meanwhile, and 100 MB of them had piled up there at 4,000,000
 * rows, before the first full collection.
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
      /** UTF-8 text, transferred. SQLite: one JSON array of values per line; PostgreSQL: COPY text. */
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
 * A chunk's text as UTF-8, in a buffer handed back by the main thread when one is large enough.
 * Recycled buffers keep the main thread's external memory flat: a new buffer per chunk whose
 * handle outlived a young-generation collection there waited for a full collection to be freed,
 * and such buffers reached 50 MB at 2,000,000 rows.
 */
function encodeChunk(text: string): Uint8Array {
  // UTF-8 takes at most three bytes per UTF-16 unit.
  const needed = text.length * 3;
  const index = spare.findIndex((buffer) => buffer.byteLength >= needed);
  const buffer =
    index >= 0 ? spare.splice(index, 1)[0]! : new Uint8Array(Math.max(needed, 1 << 20));
  const { written } = encoder.encodeInto(text, buffer);
  return buffer.subarray(0, written);
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
  let rows: number[] = [];
  // The chunk's text: JSON lines (SQLite) or COPY lines (PostgreSQL).
  let text = '';
  const replacer = job.items.some((item) => item.type === 'G') ? binaryAsText : undefined;
  let rejections: Rejection[] = [];
  let sawHeader = false;
  const tail = `\t0\t${job.batchId}\t${job.now}\n`;
  const flush = async () => {
    await inFlightRoom();
    const payload = encodeChunk(text);
    send(
      {
        type: 'chunk',
        rows,
        payload,
        rejections,
        read,
        rejected,
        bytes: digest.bytes,
      },
      [payload.buffer as ArrayBuffer],
    );
    sent += 1;
    rows = [];
    text = '';
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
      if (job.engine === 'sqlite') text += `${JSON.stringify(checked, replacer)}\n`;
      else text += copyLine(checked, job.base + record.row, tail);
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
