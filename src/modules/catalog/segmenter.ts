import { createRequire } from 'node:module';
import v8 from 'node:v8';
import { Worker } from 'node:worker_threads';

/**
 * jieba (jieba-wasm) in a worker thread that is ended after an idle period. Once loaded, jieba's
 * dictionary holds about 55 MB of WebAssembly memory, which a wasm instance can never give back, and
 * its compiled code more: kept in the server's own thread that is 70 MB for the life of the process,
 * more than a third of the open portal's 200 MB budget (issue 7). Ending the thread returns all of it.
 * The price is a cold start (about 0.4 s, on the worker's thread, not the event loop's) for the first
 * segmentation after an idle period; queries are cached below, so paging and faceting a search do
 * not pay it again. GOVDX_SEGMENTER_IDLE_MS sets the period (0: keep jieba loaded).
 */

export type SegmentMode = 'query' | 'document';

type Reply = { id: number; tokens: string[] } | { id: number; error: string };

// Plain CommonJS evaluated by the worker: it needs no TypeScript, so no loader or bundle (compare
// ingest/parse-worker.ts). The jieba module's path is resolved here, where node_modules is known.
const WORKER_SOURCE = `
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const jieba = require(workerData.jieba);
parentPort.on('message', ({ id, mode, text }) => {
  try {
    const tokens = mode === 'query' ? jieba.cut(text, true) : jieba.cut_for_search(text, true);
    parentPort.postMessage({ id, tokens });
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.stack) || error) });
  }
});
`;

const JIEBA_PATH = createRequire(import.meta.url).resolve('jieba-wasm');

let idleMs = 5_000;
let worker: Worker | undefined;
let idleTimer: NodeJS.Timeout | undefined;
let nextId = 0;
let flagsSet = false;
const pending = new Map<
  number,
  { resolve: (tokens: string[]) => void; reject: (error: Error) => void }
>();

/** How long jieba stays loaded after its last use, in ms; 0 keeps it for the life of the process. */
export function configureSegmenter(options: { idleMs: number }): void {
  idleMs = options.idleMs;
  if (worker && pending.size === 0) scheduleRelease();
}

function start(): Worker {
  if (!flagsSet) {
    // Baseline (Liftoff) code only for WebAssembly, whose only heavy user is jieba: TurboFan's
    // tier-up of jieba cost 30 MB more while it ran and left 13 MB of compiler memory that glibc
    // keeps after the thread ends, for segmentation about 1.4 times faster (0.15 against 0.1 ms for
    // a long description; a query takes microseconds either way).
    v8.setFlagsFromString('--no-wasm-tier-up');
    v8.setFlagsFromString('--no-wasm-dynamic-tiering');
    flagsSet = true;
  }
  const thread = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { jieba: JIEBA_PATH },
    // The worker's JavaScript only passes strings to and from wasm: a small heap is plenty.
    resourceLimits: { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 64 },
  });
  thread.on('message', (reply: Reply) => {
    const request = pending.get(reply.id);
    if (!request) return;
    pending.delete(reply.id);
    if ('error' in reply) request.reject(new Error(`segmentation failed: ${reply.error}`));
    else request.resolve(reply.tokens);
    if (pending.size === 0) scheduleRelease();
  });
  const fail = (error: Error) => {
    if (worker !== thread) return;
    worker = undefined;
    clearTimeout(idleTimer);
    for (const request of pending.values()) request.reject(error);
    pending.clear();
  };
  thread.on('error', fail);
  thread.on('exit', (code) => fail(new Error(`the segmentation worker exited (${code})`)));
  return thread;
}

/** Idle: the thread no longer keeps the process alive, and ends after the idle period. */
function scheduleRelease(): void {
  worker?.unref();
  clearTimeout(idleTimer);
  if (idleMs <= 0) return;
  idleTimer = setTimeout(() => {
    const idle = worker;
    worker = undefined;
    void idle?.terminate();
  }, idleMs);
  idleTimer.unref();
}

/** jieba's tokens of `text`: precise mode for queries, search mode (with sub-words) for documents. */
export function segment(text: string, mode: SegmentMode): Promise<string[]> {
  if (text === '') return Promise.resolve([]);
  clearTimeout(idleTimer);
  worker ??= start();
  // A request in flight keeps the process alive until its answer (a CLI command that indexes).
  worker.ref();
  const id = nextId++;
  const answer = new Promise<string[]>((resolve, reject) => pending.set(id, { resolve, reject }));
  worker.postMessage({ id, mode, text });
  return answer;
}

/** Ends the worker at once (tests, shutdown); the next segmentation starts a new one. */
export async function releaseSegmenter(): Promise<void> {
  const thread = worker;
  worker = undefined;
  clearTimeout(idleTimer);
  for (const request of pending.values()) request.reject(new Error('the segmenter was released'));
  pending.clear();
  await thread?.terminate();
}

/** Whether jieba is loaded now (tests). */
export function segmenterLoaded(): boolean {
  return worker !== undefined;
}
