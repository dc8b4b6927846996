import { mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { buildSync } from 'esbuild';
import { Worker } from 'node:worker_threads';
import { AppError } from '../../../core/errors.ts';
import { ingestError, INGEST_REASONS, type IngestReason } from './errors.ts';
import { CACHE_DIR, REPO_ROOT } from '../../../paths.ts';
import type { MainMessage, ParseJob, WorkerMessage } from './worker.ts';

type Delivered = Exclude<WorkerMessage, { type: 'pull' }>;

let bundled: string | undefined;
const FEED_BYTES = 1024 * 1024;

/**
 * The worker as one plain JavaScript file, bundled once per process with esbuild (which tsx runs on
 * already). A TypeScript worker would need tsx's loader in the worker, and Node runs loader hooks in a
 * thread of their own: two more V8 isolates and about 150 MB per ingestion instead of one small one.
 * Packages stay external and resolve from node_modules, where the bundle is written.
 */
function workerScript(): string {
  if (bundled) return bundled;
  const outfile = path.join(CACHE_DIR, 'ingest-worker.mjs');
  mkdirSync(path.dirname(outfile), { recursive: true });
  const temporary = `${outfile}.${process.pid}.tmp`;
  buildSync({
    entryPoints: [path.join(REPO_ROOT, 'src/modules/aggregation/ingest/worker.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile: temporary,
    logLevel: 'silent',
  });
  // Several processes may build at once: each writes its own file and renames it into place.
  renameSync(temporary, outfile);
  bundled = outfile;
  return outfile;
}

/**
 * The main thread's side of the parsing worker (worker.ts): feeds it the upload's bytes on request,
 * and hands its messages (header, chunks, done) to the pipeline in order. An error in the worker
 * arrives as the same AppError it would have been in this thread.
 */
export class ParseWorker {
  private readonly worker: Worker;
  private readonly queue: Delivered[] = [];
  private waiting: (() => void) | undefined;
  private finished = false;
  private failure: Error | undefined;

  constructor(job: ParseJob, input?: Readable) {
    this.worker = new Worker(workerScript(), {
      workerData: job,
      // Parsing needs little heap, but allocates a few KB per row that die young: a young
      // generation of 16 MB (semi-spaces of about 5 MB, like the server's 8 MB) instead of 4 MB
      // cut the worker's scavenges from 2,300 to a few hundred per 1,000,000 rows, 2 s of its
      // 7 s (bench:ingest), for a few MB more resident (the 1 GB upload's peak stayed ~235 MB).
      // XLSX keeps the workbook's shared strings in memory; text formats hold only a chunk or two.
      resourceLimits: {
        maxYoungGenerationSizeMb: 16,
        maxOldGenerationSizeMb: job.format === 'xlsx' ? 512 : 128,
      },
    });
    const bytes = input?.[Symbol.asyncIterator]() as AsyncIterator<Buffer | string> | undefined;
    this.worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'pull') {
        if (bytes) void this.feed(bytes);
        return;
      }
      this.queue.push(message);
      if (message.type === 'done' || message.type === 'error') this.finished = true;
      this.wake();
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => {
      if (!this.finished) this.fail(new Error(`the parsing worker exited (${code})`));
    });
  }

  private feeding = false;

  /**
   * Answers a pull with up to 1 MB (fewer round trips between the threads). Each piece of the
   * upload is copied out as it arrives and the megabyte is moved to the worker, not copied: pieces
   * kept until a megabyte was gathered outlived young-generation collections, and their buffers
   * then waited for a full collection, 50 MB of them at 2,000,000 rows.
   */
  private async feed(bytes: AsyncIterator<Buffer | string>): Promise<void> {
    if (this.feeding) return;
    this.feeding = true;
    try {
      let gathered: Buffer | undefined;
      let size = 0;
      let done = false;
      while (size < FEED_BYTES) {
        const next = await bytes.next();
        if (next.done) {
          done = true;
          break;
        }
        // Text streams (the demo loader's) arrive as strings.
        const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
        if (!gathered || size + chunk.length > gathered.length) {
          // Not from Buffer's shared pool: a buffer of its own can be transferred.
          const larger = Buffer.allocUnsafeSlow(Math.max(FEED_BYTES, size + chunk.length));
          gathered?.copy(larger, 0, 0, size);
          gathered = larger;
        }
        chunk.copy(gathered, size);
        size += chunk.length;
      }
      if (gathered && size > 0) {
        const chunk = new Uint8Array(gathered.buffer, gathered.byteOffset, size);
        const reply: MainMessage = { type: 'data', chunk };
        this.worker.postMessage(reply, [gathered.buffer as ArrayBuffer]);
      }
      if (done) this.worker.postMessage({ type: 'end' } satisfies MainMessage);
    } catch (error) {
      this.fail(uploadError(error));
    } finally {
      this.feeding = false;
    }
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.finished = true;
    this.wake();
  }

  /** The worker's messages in order; throws what the worker threw. */
  async *messages(): AsyncGenerator<Delivered> {
    for (;;) {
      const message = this.queue.shift();
      if (message) {
        if (message.type === 'error') throw toError(message);
        yield message;
        if (message.type === 'done') return;
        continue;
      }
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
  }

  /** The main thread took a chunk: the worker may send another. */
  ack(): void {
    this.worker.postMessage({ type: 'ack' } satisfies MainMessage);
  }

  /**
   * Hands a chunk's payload back once nothing reads it any more, for the worker to write a later
   * chunk into (its buffer moves back; the view here becomes empty).
   */
  recycle(payload: Uint8Array): void {
    const buffer = new Uint8Array(payload.buffer);
    this.worker.postMessage({ type: 'recycle', buffer } satisfies MainMessage, [
      buffer.buffer as ArrayBuffer,
    ]);
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

/** A client that goes away mid-upload is not a server error. */
function uploadError(error: unknown): Error {
  const code = (error as { code?: string }).code;
  if (
    code === 'ECONNRESET' ||
    code === 'ERR_STREAM_PREMATURE_CLOSE' ||
    (error as Error).message === 'aborted'
  ) {
    return ingestError(
      'INGEST_UPLOAD_ABORTED',
      '上传在完成前中断，本批次未生效，原有数据保持不变',
      'the upload stopped before it was complete; nothing of this batch was applied',
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}

function toError(message: Extract<WorkerMessage, { type: 'error' }>): Error {
  if (message.reason in INGEST_REASONS && message.message) {
    return new AppError(
      INGEST_REASONS[message.reason as IngestReason],
      message.message,
      undefined,
      {
        reason: message.reason,
        ...(message.data ? { data: message.data } : {}),
      },
    );
  }
  if (message.message) {
    return new AppError('BAD_REQUEST', message.message, undefined, { reason: message.reason });
  }
  return new Error(`ingestion parsing failed: ${message.detail}`);
}
