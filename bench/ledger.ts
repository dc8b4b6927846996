/**
 * Issue 6 benchmark: the tamper-evident ledger.
 *
 * 1. Sustained appends: `calendar.override.set` (one row deleted and inserted) run by a system actor
 *    through runAction, so each action writes its audit event and its ledger event in the same
 *    transaction, with the sequencer running at its default interval and a last pass inside the
 *    timed window (every event is in the tree at the end). Baseline, same run: the same actions on a
 *    second platform that queues no audit row for the ledger and whose sequencer never runs.
 *    Sequential, and 4 in flight; phases alternate (baseline, ours, baseline, ours ...), best of
 *    each. Target: ratio >= 0.8. Each line also gives the CPU time per action (less sensitive to
 *    other load on the machine than throughput) and the time spent in sequencer passes.
 * 2. Verification of a log of 1,000,000 entries (half audit events, half data accesses, with their
 *    source rows), written in bulk and sequenced by the real sequencer, with `verifyLedger` under the
 *    log's key. Target <= 30 s. Baseline: a plain paged scan of the same ledger_events rows.
 * 3. Inclusion-proof latency on that log over HTTP (the real server), sequential requests, random
 *    entries. Target p95 <= 5 ms. Baseline: bare Fastify answering a fixed text of the same size.
 *
 * BENCH_ENGINE=postgres runs on PostgreSQL (GOVDX_TEST_PG_URL, a fresh schema per platform).
 * BENCH_LEDGER_ENTRIES (1,000,000), BENCH_APPEND_SECONDS (5), BENCH_ROUNDS (3), BENCH_PROOFS
 * (2,000) and BENCH_PARTS (appends,verify,proofs) adjust it. Ends with one JSON line per figure.
 */
import Fastify from 'fastify';
import { getAction } from '../src/actions.ts';
import type { Actor } from '../src/core/actor.ts';
import { runAction } from '../src/core/run-action.ts';
import type { Services } from '../src/core/services.ts';
import type { Engine } from '../src/db/dialect.ts';
import { buildServer } from '../src/http/server.ts';
import { leafHash, verifyInclusion } from '../src/modules/ledger/merkle.ts';
import { parseCheckpointText, parseNote, parseVerifierKey } from '../src/modules/ledger/note.ts';
import { verifyLedger } from '../src/modules/ledger/verify.ts';
import { createTestPlatform, engineAvailable } from '../src/test/engines.ts';
import { buildLog } from './ledger-log.ts';

const ENGINE = (process.env.BENCH_ENGINE ?? 'sqlite') as Engine;
const ENTRIES = Number(process.env.BENCH_LEDGER_ENTRIES ?? 1_000_000);
const APPEND_SECONDS = Number(process.env.BENCH_APPEND_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PROOFS = Number(process.env.BENCH_PROOFS ?? 2000);
const PARTS = new Set((process.env.BENCH_PARTS ?? 'appends,verify,proofs').split(','));
const ENV = { GOVDX_RATE_LIMIT: '10000000' };
const system: Actor = { type: 'system', name: 'bench' };
const figures: Record<string, unknown>[] = [];
const benchStarted = performance.now();

const round = (n: number, digits = 2) => Number(n.toFixed(digits));
const seconds = (since: number) => (performance.now() - since) / 1000;
const log = (message: string) =>
  console.log(`[${seconds(benchStarted).toFixed(1).padStart(6)} s] ${message}`);

function figure(line: Record<string, unknown>): void {
  figures.push({ bench: 'ledger', engine: ENGINE, ...line });
}

async function countPending(services: Services): Promise<number> {
  const row = await services.db.kysely
    .selectFrom('ledger_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('leaf_index', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

// ---------------------------------------------------------------------------------------------
// 1. Appends

const overrideSet = getAction('calendar.override.set');
const DAY = 86_400_000;
const FIRST_DAY = Date.UTC(2000, 0, 1);
/** Each action sets its own date (30,000 days, then they are replaced), so none conflicts. */
const counters = new WeakMap<Services, number>();
const YIELD_EVERY = 20;

/** Time spent in sequencer passes, for the analysis printed with each phase. */
const passTime = new WeakMap<Services, { passes: number; ms: number }>();

function timePasses(services: Services): void {
  const sequencer = services.ledger.sequencer;
  const sequence = sequencer.sequence.bind(sequencer);
  const stats = { passes: 0, ms: 0 };
  passTime.set(services, stats);
  sequencer.sequence = async () => {
    const started = performance.now();
    try {
      return await sequence();
    } finally {
      stats.passes++;
      stats.ms += performance.now() - started;
    }
  };
}

interface PhaseResult {
  rate: number;
  actions: number;
  /** CPU time of this process per action, microseconds. */
  cpuUs: number;
  passes: number;
  passMs: number;
}

async function appendPhase(
  services: Services,
  concurrency: number,
  durationS: number,
  withLedger: boolean,
): Promise<PhaseResult> {
  const sequencer = services.ledger.sequencer;
  let actions = 0;
  const before = { ...(passTime.get(services) ?? { passes: 0, ms: 0 }) };
  if (withLedger) sequencer.start(services.ledger.intervalMs);
  const cpu = process.cpuUsage();
  const started = performance.now();
  const end = started + durationS * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let k = 1; performance.now() < end; k++) {
        // better-sqlite3 is synchronous: without a turn of the event loop now and then, the
        // sequencer's timer would never fire during the phase (a server has I/O between requests).
        if (k % YIELD_EVERY === 0) await new Promise(setImmediate);
        const n = counters.get(services) ?? 0;
        counters.set(services, n + 1);
        const date = new Date(FIRST_DAY + (n % 30_000) * DAY).toISOString().slice(0, 10);
        await runAction(
          services,
          overrideSet,
          { date, working: n % 2 === 0, name: '基准测试调休' },
          { actor: system },
        );
        actions++;
      }
    }),
  );
  if (withLedger) {
    // Inside the timed window: every event of the phase is in the tree when it ends.
    await sequencer.stop();
    await sequencer.sequence();
  }
  const elapsed = seconds(started);
  const usage = process.cpuUsage(cpu);
  if (withLedger) {
    const pending = await countPending(services);
    if (pending !== 0) throw new Error(`${pending} ledger events still pending after the phase`);
  }
  const after = passTime.get(services) ?? { passes: 0, ms: 0 };
  return {
    rate: actions / elapsed,
    actions,
    cpuUs: (usage.user + usage.system) / actions,
    passes: after.passes - before.passes,
    passMs: after.ms - before.ms,
  };
}

const describe = (r: PhaseResult) =>
  `${Math.round(r.rate)}/s (${r.actions} actions, ${r.cpuUs.toFixed(0)} µs CPU each` +
  (r.passes > 0 ? `, ${r.passes} sequencer passes ${Math.round(r.passMs)} ms)` : ')');

async function appends(): Promise<void> {
  const ours = await createTestPlatform(ENGINE, ENV);
  const bare = await createTestPlatform(ENGINE, ENV);
  try {
    // The baseline: the same action path, the ledger write removed, no sequencer.
    bare.services.ledger.auditPendingFlag = 0;
    timePasses(ours.services);
    await appendPhase(bare.services, 1, 1, false); // warm-up
    await appendPhase(ours.services, 1, 1, true);
    for (const concurrency of [1, 4]) {
      const best = { baseline: 0, ours: 0, baselineCpu: Infinity, oursCpu: Infinity };
      for (let r = 0; r < ROUNDS; r++) {
        const baseline = await appendPhase(bare.services, concurrency, APPEND_SECONDS, false);
        const value = await appendPhase(ours.services, concurrency, APPEND_SECONDS, true);
        log(
          `appends, ${concurrency} in flight, round ${r + 1}: baseline ${describe(baseline)}; ` +
            `with ledger ${describe(value)}`,
        );
        best.baseline = Math.max(best.baseline, baseline.rate);
        best.ours = Math.max(best.ours, value.rate);
        best.baselineCpu = Math.min(best.baselineCpu, baseline.cpuUs);
        best.oursCpu = Math.min(best.oursCpu, value.cpuUs);
      }
      const ratio = best.ours / best.baseline;
      figure({
        metric: concurrency === 1 ? 'appends_per_s' : `appends_per_s_c${concurrency}`,
        value: Math.round(best.ours),
        baseline: Math.round(best.baseline),
        ratio: round(ratio),
        target: 0.8,
        pass: ratio >= 0.8,
        // Less sensitive to other load on the machine: CPU time per action, best phase of each.
        cpu_us: round(best.oursCpu, 1),
        baseline_cpu_us: round(best.baselineCpu, 1),
        cpu_ratio: round(best.baselineCpu / best.oursCpu),
      });
    }
    // The ledger and the audit log agree: one event per successful action.
    const [events, audit] = await Promise.all([
      ours.services.db.kysely
        .selectFrom('ledger_events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow(),
      ours.services.db.kysely
        .selectFrom('audit_events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow(),
    ]);
    if (Number(events.n) !== Number(audit.n))
      throw new Error(`ledger has ${events.n} events for ${audit.n} audit events`);
  } finally {
    await ours.destroy();
    await bare.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// 2. Verification of a large log

const SCAN_PAGE = 20_000;

/** The baseline: reading every ledger event row of the log, paged by leaf index, doing nothing. */
async function scan(services: Services): Promise<{ s: number; rows: number; bytes: number }> {
  const started = performance.now();
  let next = 0;
  let rows = 0;
  let bytes = 0;
  for (;;) {
    const page = await services.db.kysely
      .selectFrom('ledger_events')
      .select([
        'id',
        'kind',
        'source_id',
        'leaf_index',
        'occurred_at',
        'event_type',
        'digest',
        'body',
      ])
      .where('leaf_index', '>=', next)
      .orderBy('leaf_index')
      .limit(SCAN_PAGE)
      .execute();
    if (page.length === 0) break;
    rows += page.length;
    for (const row of page) bytes += row.body.length;
    next = Number(page[page.length - 1]?.leaf_index) + 1;
  }
  return { s: seconds(started), rows, bytes };
}

/** Writes the log and sequences it with the real sequencer. */
async function buildAndSequence(services: Services): Promise<void> {
  let started = performance.now();
  let lastLog = 0;
  const writeRate = await buildLog(services, ENTRIES, (done) => {
    if (done === ENTRIES || performance.now() - lastLog > 10_000) {
      lastLog = performance.now();
      log(`log: ${done.toLocaleString('en')} events written`);
    }
  });
  log(`log: ${ENTRIES} events written in ${seconds(started).toFixed(1)} s`);

  started = performance.now();
  const cpu = process.cpuUsage();
  const result = await services.ledger.sequencer.sequence();
  const sequenceS = seconds(started);
  const sequenceCpu = process.cpuUsage(cpu);
  if (result.treeSize !== ENTRIES || (await countPending(services)) !== 0)
    throw new Error(`sequenced ${result.treeSize} of ${ENTRIES} events`);
  log(
    `sequencer: ${ENTRIES} events in ${sequenceS.toFixed(1)} s (${Math.round(ENTRIES / sequenceS)}/s; ` +
      `CPU of this process ${((sequenceCpu.user + sequenceCpu.system) / 1e6).toFixed(1)} s)`,
  );
  figure({
    metric: 'sequence_events_per_s',
    value: Math.round(ENTRIES / sequenceS),
    baseline: Math.round(writeRate),
    ratio: round(ENTRIES / sequenceS / writeRate),
    target: null,
    pass: null,
    note: 'informational; baseline = bulk write of the same events with their source rows',
  });
}

async function verifyBench(services: Services): Promise<void> {
  const firstScan = await scan(services);
  log(
    `scan: ${firstScan.rows} rows in ${firstScan.s.toFixed(2)} s, bodies average ${Math.round(firstScan.bytes / firstScan.rows)} bytes`,
  );
  const key = parseVerifierKey(services.ledger.signer.verifierKey);
  const started = performance.now();
  const verifyCpu = process.cpuUsage();
  const report = await verifyLedger(services.db.kysely, [key], { origin: services.ledger.origin });
  const verifyS = seconds(started);
  const verifyUsage = process.cpuUsage(verifyCpu);
  const secondScan = await scan(services);
  const scanS = Math.min(firstScan.s, secondScan.s);
  log(
    `verify: ${report.entries} entries, ${report.checkpoints} checkpoints in ${verifyS.toFixed(2)} s ` +
      `(CPU ${((verifyUsage.user + verifyUsage.system) / 1e6).toFixed(1)} s); ok=${report.ok}; scan ${scanS.toFixed(2)} s`,
  );
  if (!report.ok || report.entries !== ENTRIES) {
    console.error(
      `\n!!! VERIFICATION FAILED on the benchmark log (${report.entries} of ${ENTRIES} entries): ` +
        `${JSON.stringify(report.problems.slice(0, 5))}\n`,
    );
    process.exitCode = 1;
  }
  figure({
    metric: 'verify_s',
    entries: report.entries,
    body_bytes: Math.round(firstScan.bytes / Math.max(firstScan.rows, 1)),
    ok: report.ok,
    value: round(verifyS),
    baseline: round(scanS),
    ratio: round(scanS / verifyS, 3),
    target: 30,
    pass: report.ok && report.entries === ENTRIES && verifyS <= 30,
  });
}

// ---------------------------------------------------------------------------------------------
// 3. Inclusion-proof latency

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0;
}

async function latencies(url: (i: number) => string, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = -200; i < count; i++) {
    const started = performance.now();
    const response = await fetch(url(i));
    const body = await response.text();
    if (response.status !== 200 || body.length === 0)
      throw new Error(`${url(i)} answered ${response.status}: ${body}`);
    if (i >= 0) times.push(performance.now() - started); // the first 200 warm up
  }
  return times.sort((a, b) => a - b);
}

async function proofs(services: Services): Promise<void> {
  const app = await buildServer(services);
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const bare = Fastify({ logger: false });
  try {
    const size = ENTRIES;
    const proofUrl = (index: number) =>
      `${base}/api/v1/ledger/proofs/inclusion?index=${index}&size=${size}`;
    // The proofs served are right: a few checked against the signed checkpoint.
    const note = parseNote(await (await fetch(`${base}/api/v1/ledger/checkpoint`)).text());
    const checkpoint = parseCheckpointText(note.text);
    if (checkpoint.size !== size) throw new Error(`checkpoint of size ${checkpoint.size}`);
    let proofBytes = 0;
    for (const index of [0, size - 1, Math.floor(size / 3), Math.floor(Math.random() * size)]) {
      const leaf = Buffer.from(
        await (await fetch(`${base}/api/v1/ledger/entries/${index}`)).arrayBuffer(),
      );
      const text = await (await fetch(proofUrl(index))).text();
      proofBytes = Math.max(proofBytes, text.length);
      const proof = text
        .split('\n')
        .filter(Boolean)
        .map((line) => Buffer.from(line, 'base64'));
      if (!verifyInclusion(leafHash(leaf), index, size, proof, checkpoint.rootHash))
        throw new Error(`the inclusion proof of entry ${index} does not verify`);
    }
    const fixed = `${'A'.repeat(43)}=\n`.repeat(Math.round(proofBytes / 45));
    bare.get('/api/v1/ledger/proofs/inclusion', (_request, reply) =>
      reply.type('text/plain; charset=utf-8').send(fixed),
    );
    const bareBase = await bare.listen({ port: 0, host: '127.0.0.1' });
    const indexes = Array.from({ length: PROOFS + 200 }, () => Math.floor(Math.random() * size));
    const baseline = await latencies(
      (i) => `${bareBase}/api/v1/ledger/proofs/inclusion?index=${indexes[i + 200]}&size=${size}`,
      PROOFS,
    );
    const ours = await latencies((i) => proofUrl(indexes[i + 200] as number), PROOFS);
    const p = (sorted: number[], q: number) => round(percentile(sorted, q), 3);
    log(
      `inclusion proofs (${proofBytes} bytes): p50 ${p(ours, 0.5)} / p95 ${p(ours, 0.95)} / p99 ${p(ours, 0.99)} ms; ` +
        `bare Fastify p50 ${p(baseline, 0.5)} / p95 ${p(baseline, 0.95)} / p99 ${p(baseline, 0.99)} ms`,
    );
    figure({
      metric: 'inclusion_proof_p95_ms',
      entries: size,
      value: p(ours, 0.95),
      p50: p(ours, 0.5),
      p99: p(ours, 0.99),
      baseline: p(baseline, 0.95),
      ratio: round(percentile(baseline, 0.95) / percentile(ours, 0.95), 3),
      target: 5,
      pass: percentile(ours, 0.95) <= 5,
    });
  } finally {
    await app.close();
    await bare.close();
  }
}

// ---------------------------------------------------------------------------------------------

if (!(await engineAvailable(ENGINE))) throw new Error(`${ENGINE} is not available`);
log(`engine ${ENGINE}, ${ENTRIES.toLocaleString('en')} entries`);
if (PARTS.has('appends')) await appends();
if (PARTS.has('verify') || PARTS.has('proofs')) {
  const platform = await createTestPlatform(ENGINE, ENV);
  try {
    await buildAndSequence(platform.services);
    if (PARTS.has('verify')) await verifyBench(platform.services);
    if (PARTS.has('proofs')) await proofs(platform.services);
  } finally {
    await platform.destroy();
  }
}
log(`done in ${seconds(benchStarted).toFixed(0)} s`);
for (const line of figures) console.log(JSON.stringify(line));
