/**
 * Issue 7 benchmark: the open data portal's read paths at 100,000 catalog entries and a
 * 1,000,000-row open dataset, over HTTP against the real server (bench/open-server.ts, its own
 * process), sequential requests. Figures and baselines (same run, same machine):
 *
 * - CKAN `package_search` (varied Chinese q, fq on groups / organization / open class / update cycle,
 *   rows=20, facet.field) p50/p95. Baseline: a bare Fastify route running the bare full-text statement
 *   of bench/catalog.ts (segmentation, match, first 20 rows). Target: p95 <= 50 ms.
 * - CKAN `datastore_search` of 100 rows filtered on a random station at a random small offset,
 *   p50/p95. Baseline: a bare Fastify route running the same page as plain SQL (better-sqlite3
 *   prepared statement / pg). Target: p95 <= 30 ms.
 * - The full CSV download (`GET /api/v1/open/datasets/BM-QXJ-000001/download?format=csv`): MB/s
 *   (MiB of the body the client consumed per second) and the server process's peak VmRSS, sampled
 *   every 100 ms during the download. Baseline: on SQLite a plain better-sqlite3 iterate writing
 *   CSV to /dev/null; on PostgreSQL `psql \copy (select ...) to '/dev/null' csv` (its byte count from
 *   a second, untimed `\copy ... to stdout`). Target: peak RSS <= 200 MB.
 *
 * Setup: the demo (no data), the catalog filled to BENCH_ENTRIES entries (bench/catalog-entries.ts,
 * with published version rows so that open entries are real open datasets; ~62% open), and the
 * demo's 逐小时天气实况数据 (open, unconditional) loaded with BENCH_ROWS rows (200 stations, hourly)
 * through `aggregation.ingest` (NDJSON stream, mode replace).
 *
 * BENCH_ENGINE=sqlite (default) | postgres | both; BENCH_ENTRIES (100,000), BENCH_ROWS (1,000,000),
 * BENCH_QUERIES (300 per figure), BENCH_STATIONS (200); the govdx server runs with the node flags of
 * `govdx serve` (bin/govdx.mjs's `#!` line), and BENCH_SERVER_NODE_ARGS passes more to both server
 * processes (e.g. "--max-semi-space-size=16"). Ends with one JSON line per figure.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import SqliteDatabase from 'better-sqlite3';
import { buildSync } from 'esbuild';
import { sql } from 'kysely';
import pg from 'pg';
import { getAction } from '../src/actions.ts';
import type { Actor } from '../src/core/actor.ts';
import { runAction } from '../src/core/run-action.ts';
import type { Engine } from '../src/db/dialect.ts';
import { loadDemo } from '../src/demo/demo.ts';
import { dataTableName } from '../src/modules/aggregation/data-table.ts';
import { DEMO_CATALOG_ENTRIES } from '../src/modules/catalog/demo-entries.ts';
import { DOMAINS } from '../src/modules/catalog/model.ts';
import { govdxNodeFlags } from '../src/node-flags.ts';
import { createTestPlatform, engineAvailable, PG_TEST_URL } from '../src/test/engines.ts';
import { percentile, QUERY_WORDS, writeCatalogEntries } from './catalog-entries.ts';
import type { BareOptions } from './open-server.ts';

const ENGINE_ARG = process.env.BENCH_ENGINE ?? 'sqlite';
const ENTRIES = Number(process.env.BENCH_ENTRIES ?? 100_000);
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 300);
const STATIONS = Number(process.env.BENCH_STATIONS ?? 200);
const WARMUP = 20;
const DATASET = '逐小时天气实况数据';
const TARGETS = { packageSearch: 50, datastoreSearch: 30, rssMb: 200 };
const MB = 1024 * 1024;
const system: Actor = { type: 'system', name: 'bench' };
const here = import.meta.dirname;
const figures: Record<string, unknown>[] = [];
const benchStarted = performance.now();

const round = (n: number, digits = 1) => Number(n.toFixed(digits));
const seconds = (since: number) => (performance.now() - since) / 1000;
const log = (message: string) =>
  console.log(`[${seconds(benchStarted).toFixed(1).padStart(6)} s] ${message}`);

// ---------------------------------------------------------------------------------------------
// The open dataset: hourly observations of STATIONS stations, generated from a seeded LCG.

const stationId = (index: number) => String(59001 + index);
const hoursPerStation = Math.ceil(ROWS / STATIONS);

function* observations(rows: number): Generator<Record<string, unknown>> {
  let seed = 7;
  const random = () => {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
    return seed / 4_294_967_296;
  };
  const start = Date.UTC(2025, 0, 1);
  let produced = 0;
  for (let hour = 0; produced < rows; hour++) {
    const observedAt = new Date(start + hour * 3_600_000)
      .toISOString()
      .slice(0, 19)
      .replace('T', ' ');
    for (let s = 0; s < STATIONS && produced < rows; s++, produced++) {
      yield {
        station_id: stationId(s),
        observed_at: observedAt,
        temperature:
          Math.round((12 + 6 * Math.sin((hour / 24) * 2 * Math.PI) + random() * 4) * 10) / 10,
        precipitation: random() < 0.08 ? Math.round(random() * 80) / 10 : 0,
        humidity: Math.round(55 + random() * 35),
        wind_speed: Math.round(random() * 60) / 10,
        wind_direction: Math.floor(random() * 360),
        pressure: Math.round((1012 + (random() - 0.5) * 12) * 10) / 10,
        visibility: Math.round(5000 + random() * 25000),
      };
    }
  }
}

function ndjson(records: Iterable<Record<string, unknown>>): Readable {
  function* chunks() {
    let chunk = '';
    let count = 0;
    for (const record of records) {
      chunk += `${JSON.stringify(record)}\n`;
      if (++count % 5000 === 0) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }
  return Readable.from(chunks());
}

// ---------------------------------------------------------------------------------------------
// Servers and requests.

interface Server {
  child: ChildProcess;
  url: string;
  pid: number;
}

/**
 * The server script as the platform runs in production (bin/govdx.mjs): bundled by esbuild into plain
 * JavaScript, packages external, so that no loader thread and heap (tsx, ~40 MB) weighs on the RSS
 * figure. BENCH_SERVER_LOADER=tsx runs the TypeScript through tsx instead.
 */
function serverScript(): string[] {
  const source = path.join(here, 'open-server.ts');
  if (process.env.BENCH_SERVER_LOADER === 'tsx') return ['--import', 'tsx', source];
  const bundle = path.resolve(here, '../node_modules/.cache/govdx-bench/open-server.mjs');
  const temporary = `${bundle}.${process.pid}.tmp`;
  mkdirSync(path.dirname(bundle), { recursive: true });
  buildSync({
    entryPoints: [source],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile: temporary,
    logLevel: 'warning',
  });
  renameSync(temporary, bundle);
  return [bundle];
}

async function startServer(
  args: string[],
  env: NodeJS.ProcessEnv,
  flags: string[] = [],
): Promise<Server> {
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...flags, ...nodeArgs, ...SERVER_SCRIPT, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env,
  });
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    lines.close();
    const info = JSON.parse(line) as { url: string; pid: number };
    return { child, ...info };
  }
  throw new Error('server exited before listening');
}

async function stopServer(server: Server): Promise<void> {
  if (server.child.exitCode !== null) return;
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  await exited;
}

async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** GETs a path on both servers in turn, n times, and returns both latency lists, sorted. */
async function timePair(
  ours: string,
  bare: string,
  n: number,
  paths: (i: number) => { ours: string; bare: string },
): Promise<{ ours: number[]; bare: number[] }> {
  const times = { ours: [] as number[], bare: [] as number[] };
  for (let i = -WARMUP; i < n; i++) {
    const pathOf = paths(i + WARMUP);
    for (const side of i % 2 === 0 ? (['bare', 'ours'] as const) : (['ours', 'bare'] as const)) {
      const started = performance.now();
      const response = await fetch(`${side === 'ours' ? ours : bare}${pathOf[side]}`);
      await response.arrayBuffer();
      const ms = performance.now() - started;
      if (response.status !== 200) throw new Error(`${side} ${pathOf[side]}: ${response.status}`);
      if (i >= 0) times[side].push(ms);
    }
  }
  times.ours.sort((a, b) => a - b);
  times.bare.sort((a, b) => a - b);
  return times;
}

function latencyFigures(
  engine: Engine,
  name: string,
  times: { ours: number[]; bare: number[] },
  target: number,
  extra: Record<string, unknown>,
): void {
  for (const p of [50, 95]) {
    const value = percentile(times.ours, p);
    const base = percentile(times.bare, p);
    figures.push({
      bench: 'open',
      engine,
      metric: `${name}_p${p}_ms`,
      value: round(value),
      baseline: round(base),
      ratio: round(value / Math.max(base, 0.01), 2),
      target,
      pass: p === 95 ? value <= target : true,
      ...extra,
    });
  }
  log(
    `${name}: p50 ${percentile(times.ours, 50).toFixed(1)} ms, p95 ${percentile(times.ours, 95).toFixed(1)} ms; bare p50 ${percentile(times.bare, 50).toFixed(1)} ms, p95 ${percentile(times.bare, 95).toFixed(1)} ms (${times.ours.length} requests each)`,
  );
}

// ---------------------------------------------------------------------------------------------
// Downloads.

function vmKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
}

/** Consumes a download, counting bytes and lines, while sampling the server's VmRSS every 100 ms. */
async function download(
  url: string,
  pid: number,
  memoryUrl: string,
): Promise<{
  bytes: number;
  lines: number;
  seconds: number;
  peakRssKb: number;
  head: string;
  samplesKb: number[];
  /** The largest of each process.memoryUsage() field, asked of the server every 500 ms. */
  memoryMax: Record<string, number>;
}> {
  let peakRssKb = vmKb(pid, 'VmRSS');
  const samplesKb: number[] = [];
  const memoryMax: Record<string, number> = {};
  let ticks = 0;
  const sampler = setInterval(() => {
    const kb = vmKb(pid, 'VmRSS');
    samplesKb.push(kb);
    peakRssKb = Math.max(peakRssKb, kb);
    if (++ticks % 5 === 0)
      void fetch(memoryUrl)
        .then((response) => response.json() as Promise<Record<string, number>>)
        .then((memory) => {
          for (const [key, value] of Object.entries(memory))
            memoryMax[key] = Math.max(memoryMax[key] ?? 0, value);
        })
        .catch(() => undefined);
  }, 100);
  const started = performance.now();
  try {
    return await new Promise((resolve, reject) => {
      request(url, (response) => {
        if (response.statusCode !== 200) {
          reject(new Error(`download answered ${response.statusCode}`));
          response.resume();
          return;
        }
        let bytes = 0;
        let lines = 0;
        let head = '';
        response.on('data', (chunk: Buffer) => {
          if (head === '') head = chunk.subarray(0, 200).toString('utf8');
          bytes += chunk.length;
          for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
        });
        response.on('end', () => {
          peakRssKb = Math.max(peakRssKb, vmKb(pid, 'VmRSS'));
          resolve({
            bytes,
            lines,
            seconds: seconds(started),
            peakRssKb,
            head,
            samplesKb,
            memoryMax,
          });
        });
        response.on('error', reject);
      })
        .on('error', reject)
        .end();
    });
  } finally {
    clearInterval(sampler);
  }
}

const BASELINE_SELECT = (table: string, columns: string[]) =>
  `select ${columns.join(', ')} from ${table} where _deleted = 0 order by _row_version`;

function sqliteDownloadBaseline(
  file: string,
  table: string,
  columns: string[],
  header: string,
): { bytes: number; rows: number; seconds: number } {
  const db = new SqliteDatabase(file, { readonly: true });
  const out = openSync('/dev/null', 'w');
  const started = performance.now();
  let chunk = `\uFEFF${header}\r\n`;
  let bytes = 0;
  let rows = 0;
  for (const row of db.prepare(BASELINE_SELECT(table, columns)).raw().iterate()) {
    chunk += `${(row as unknown[]).join(',')}\r\n`;
    rows++;
    if (chunk.length > 1 << 16) {
      bytes += writeSync(out, chunk);
      chunk = '';
    }
  }
  bytes += writeSync(out, chunk);
  const elapsed = seconds(started);
  closeSync(out);
  db.close();
  return { bytes, rows, seconds: elapsed };
}

function psql(schema: string, copy: string, stdout: 'ignore' | 'pipe') {
  return spawn(
    'psql',
    [
      PG_TEST_URL,
      '-X',
      '-q',
      '-v',
      'ON_ERROR_STOP=1',
      '-c',
      `set search_path = ${schema}`,
      '-c',
      copy,
    ],
    { stdio: ['ignore', stdout, 'inherit'] },
  );
}

async function postgresDownloadBaseline(
  schema: string,
  table: string,
  columns: string[],
): Promise<{ bytes: number; seconds: number }> {
  const select = BASELINE_SELECT(table, columns);
  const started = performance.now();
  const timed = psql(
    schema,
    `\\copy (${select}) to '/dev/null' with (format csv, header true)`,
    'ignore',
  );
  const code = await new Promise((resolve) => timed.on('exit', resolve));
  const elapsed = seconds(started);
  if (code !== 0) throw new Error(`psql \\copy failed (${String(code)})`);
  const counted = psql(
    schema,
    `\\copy (${select}) to stdout with (format csv, header true)`,
    'pipe',
  );
  let bytes = 0;
  for await (const chunk of counted.stdout!) bytes += (chunk as Buffer).length;
  return { bytes, seconds: elapsed };
}

// ---------------------------------------------------------------------------------------------

async function run(engine: Engine): Promise<void> {
  const env = {
    GOVDX_RATE_LIMIT: '10000000',
    GOVDX_OPEN_RATE_ANONYMOUS: '10000000',
    GOVDX_OPEN_RATE_KEYED: '10000000',
  };
  const platform = await createTestPlatform(engine, env);
  const { config } = platform;
  let closed = false;
  const servers: Server[] = [];
  try {
    const services = platform.services;
    let started = performance.now();
    await loadDemo(services);
    log(`[${engine}] demo loaded in ${seconds(started).toFixed(1)} s`);
    started = performance.now();
    const entries = await writeCatalogEntries(services, ENTRIES, { versions: true });
    const open = await services.db.kysely
      .selectFrom('resource_search')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('open_class', '!=', 'none')
      .executeTakeFirstOrThrow();
    log(
      `[${engine}] ${entries} catalog entries (${Number(open.n)} open, ${((Number(open.n) / entries) * 100).toFixed(0)}%) in ${seconds(started).toFixed(1)} s`,
    );

    const dataset = await services.db.kysely
      .selectFrom('resources')
      .innerJoin('resource_versions as v', (join) =>
        join
          .onRef('v.resource_id', '=', 'resources.id')
          .onRef('v.version', '=', 'resources.live_version'),
      )
      .select(['resources.code', 'v.content'])
      .where('v.name', '=', DATASET)
      .executeTakeFirstOrThrow();
    const code = dataset.code;
    const items = (JSON.parse(dataset.content) as { items: { column: string; name: string }[] })
      .items;
    const columns = items.map((item) => item.column);
    started = performance.now();
    const ingested = (await runAction(
      services,
      getAction('aggregation.ingest'),
      {
        code,
        mode: 'replace',
        format: 'ndjson',
        name: 'bench-weather.ndjson',
        maxRejectedPercent: 0,
        file: ndjson(observations(ROWS)),
      },
      { actor: system },
    )) as { batch: { rowsInserted: number; rowsRejected: number } };
    const ingestSeconds = seconds(started);
    if (ingested.batch.rowsInserted !== ROWS)
      throw new Error(`ingested ${JSON.stringify(ingested.batch)}, expected ${ROWS} rows`);
    if (engine === 'postgres') await sql`analyze`.execute(services.db.kysely);
    const table = dataTableName(code);
    log(
      `[${engine}] ${code} ${DATASET}: ${ROWS} rows (${STATIONS} stations x ${hoursPerStation} hours) ingested in ${ingestSeconds.toFixed(1)} s (${Math.round(ROWS / ingestSeconds)} rows/s) into ${table}`,
    );

    // The platform's process lets go of the database; the servers open it in their own processes.
    await platform.close();
    closed = true;
    const serverEnv = {
      ...process.env,
      ...env,
      GOVDX_DATA_DIR: config.dataDir,
      GOVDX_DATABASE_URL: config.databaseUrl,
      GOVDX_SESSION_SECRET: config.sessionSecret,
      GOVDX_SIGNING_KEY: config.signingKey,
      GOVDX_LEDGER_KEY: config.ledgerKey,
      GOVDX_PII_HMAC_KEY: config.piiHmacKey,
      GOVDX_LOG_LEVEL: 'silent',
    };
    started = performance.now();
    // The govdx server runs with the node flags `govdx serve` runs with (bin/govdx.mjs).
    const ours = await startServer(['govdx', platform.pgSchema ?? ''], serverEnv, govdxNodeFlags());
    servers.push(ours);
    const bareOptions: BareOptions = {
      databaseUrl: config.databaseUrl,
      pgSchema: platform.pgSchema,
      table,
      columns,
    };
    const bare = await startServer(['bare', JSON.stringify(bareOptions)], process.env);
    servers.push(bare);
    const rssMb = async () => {
      const memory = (await (await fetch(`${ours.url}/__bench/memory`)).json()) as Record<
        string,
        number
      >;
      const mb = (bytes: number | undefined) => ((bytes ?? 0) / MB).toFixed(0);
      return `${(vmKb(ours.pid, 'VmRSS') / 1024).toFixed(0)} MB (V8 heap used ${mb(memory.heapUsed)} of ${mb(memory.heapTotal)} MiB, external ${mb(memory.external)} MiB)`;
    };
    log(
      `[${engine}] servers listening in ${seconds(started).toFixed(1)} s; govdx server VmRSS ${await rssMb()}`,
    );

    // Correctness first.
    const lowerCode = code.toLowerCase();
    const search = await getJson(
      `${ours.url}/api/3/action/package_search?q=${encodeURIComponent('气象')}&fq=groups:weather&rows=20&facet.field=${encodeURIComponent('["organization","groups"]')}`,
    );
    const searchResult = search.body.result as {
      count: number;
      results: { name: string; groups: { name: string }[] }[];
      facets: Record<string, Record<string, number>>;
    };
    if (
      search.status !== 200 ||
      searchResult.results.length !== 20 ||
      !searchResult.results.every((result) => result.groups.some((g) => g.name === 'weather')) ||
      !searchResult.results.some((result) => result.name.startsWith('bench-')) ||
      !searchResult.facets.groups?.weather
    )
      throw new Error(`package_search check failed: ${JSON.stringify(search.body).slice(0, 500)}`);
    const station = stationId(STATIONS - 1);
    const store = await getJson(
      `${ours.url}/api/3/action/datastore_search?resource_id=${lowerCode}&limit=100&offset=7&filters=${encodeURIComponent(JSON.stringify({ station_id: station }))}`,
    );
    const storeResult = store.body.result as { records: { station_id: string }[]; total: number };
    const expectedTotal = Math.floor(ROWS / STATIONS); // the last station has the fewest rows
    if (
      store.status !== 200 ||
      storeResult.records.length !== 100 ||
      !storeResult.records.every((record) => record.station_id === station) ||
      storeResult.total !== expectedTotal
    )
      throw new Error(`datastore_search check failed: ${JSON.stringify(store.body).slice(0, 500)}`);
    log(
      `[${engine}] checks: package_search 气象 + groups:weather finds ${searchResult.count} open datasets (20 on the page); datastore_search station ${station} answers 100 of ${storeResult.total} rows, all of that station`,
    );

    // package_search: varied q, fq and facets; one search in ten browses without q.
    const orgs = [...new Set(DEMO_CATALOG_ENTRIES.map((entry) => entry.orgCode))];
    const fqs = [
      () => '',
      () => `groups:${DOMAINS[Math.floor(Math.random() * (DOMAINS.length - 1))]}`,
      () => `organization:${orgs[Math.floor(Math.random() * orgs.length)]!.toLowerCase()}`,
      () => 'open_class:unconditional',
      () => 'update_cycle:daily',
      () => 'groups:weather',
    ];
    const facetField = encodeURIComponent('["organization","groups"]');
    const searchTimes = await timePair(ours.url, bare.url, QUERIES, (i) => {
      const q = QUERY_WORDS[i % QUERY_WORDS.length]!;
      const fq = fqs[i % fqs.length]!();
      const qPart = i % 10 === 9 ? '' : `q=${encodeURIComponent(q)}&`;
      return {
        ours: `/api/3/action/package_search?${qPart}fq=${encodeURIComponent(fq)}&rows=20&facet.field=${facetField}`,
        bare: `/api/3/action/package_search?q=${encodeURIComponent(q)}`,
      };
    });
    latencyFigures(engine, 'package_search', searchTimes, TARGETS.packageSearch, { entries });
    log(`[${engine}] govdx server VmRSS after package_search ${await rssMb()}`);

    // datastore_search: 100 rows of a random station at a random small offset.
    const maxOffset = Math.max(0, Math.min(expectedTotal - 100, 1000));
    const storeTimes = await timePair(ours.url, bare.url, QUERIES, () => {
      const filters = encodeURIComponent(
        JSON.stringify({ station_id: stationId(Math.floor(Math.random() * STATIONS)) }),
      );
      const offset = Math.floor(Math.random() * (maxOffset + 1));
      const path = `/api/3/action/datastore_search?resource_id=${lowerCode}&limit=100&filters=${filters}&offset=${offset}`;
      return { ours: path, bare: path };
    });
    latencyFigures(engine, 'datastore_search', storeTimes, TARGETS.datastoreSearch, { rows: ROWS });

    // The full CSV download.
    const header = items.map((item) => item.name).join(',');
    let baseline: { bytes: number; seconds: number };
    if (engine === 'sqlite') {
      const file = config.databaseUrl.slice('sqlite:'.length);
      const result = sqliteDownloadBaseline(file, table, columns, header);
      if (result.rows !== ROWS) throw new Error(`baseline read ${result.rows} rows`);
      baseline = result;
    } else {
      baseline = await postgresDownloadBaseline(platform.pgSchema!, table, columns);
    }
    const baselineMbS = baseline.bytes / MB / baseline.seconds;
    log(
      `[${engine}] download baseline (${engine === 'sqlite' ? 'better-sqlite3 iterate to /dev/null' : "psql \\copy to '/dev/null'"}): ${(baseline.bytes / MB).toFixed(1)} MiB in ${baseline.seconds.toFixed(2)} s, ${baselineMbS.toFixed(1)} MiB/s`,
    );
    const rssBeforeKb = vmKb(ours.pid, 'VmRSS');
    const hwmBeforeKb = vmKb(ours.pid, 'VmHWM');
    const result = await download(
      `${ours.url}/api/v1/open/datasets/${code}/download?format=csv`,
      ours.pid,
      `${ours.url}/__bench/memory`,
    );
    const hwmAfterKb = vmKb(ours.pid, 'VmHWM');
    if (result.lines !== ROWS + 1 || !result.head.startsWith(`\uFEFF${header}`))
      throw new Error(
        `download: ${result.lines} lines (expected ${ROWS + 1}), head ${JSON.stringify(result.head.slice(0, 80))}`,
      );
    const mbS = result.bytes / MB / result.seconds;
    const timeline = Array.from({ length: 10 }, (_, i) =>
      (
        (result.samplesKb[Math.floor(((i + 1) / 10) * (result.samplesKb.length - 1))] ?? 0) / 1024
      ).toFixed(0),
    );
    log(
      `[${engine}] server VmRSS during the download, each tenth of the time (MB): ${timeline.join(' ')}; after: ${await rssMb()}`,
    );
    const maxMb = (key: string) => ((result.memoryMax[key] ?? 0) / MB).toFixed(0);
    log(
      `[${engine}] server memory during the download (largest of samples every 500 ms, MiB): V8 heap used ${maxMb('heapUsed')}, heap total ${maxMb('heapTotal')}, external ${maxMb('external')}, array buffers ${maxMb('arrayBuffers')}`,
    );
    const peakMb = result.peakRssKb / 1024;
    log(
      `[${engine}] download: ${result.lines} lines (header + ${ROWS} rows), ${(result.bytes / MB).toFixed(1)} MiB in ${result.seconds.toFixed(2)} s, ${mbS.toFixed(1)} MiB/s; server VmRSS before ${(rssBeforeKb / 1024).toFixed(0)} MB, peak during ${peakMb.toFixed(0)} MB (VmHWM ${(hwmBeforeKb / 1024).toFixed(0)} -> ${(hwmAfterKb / 1024).toFixed(0)} MB)`,
    );
    figures.push({
      bench: 'open',
      engine,
      metric: 'download_mb_s',
      value: round(mbS),
      baseline: round(baselineMbS),
      ratio: round(mbS / baselineMbS, 2),
      target: null,
      pass: true,
      rows: ROWS,
      bytes: result.bytes,
      seconds: round(result.seconds, 2),
    });
    figures.push({
      bench: 'open',
      engine,
      metric: 'download_peak_rss_mb',
      value: round(peakMb),
      rss_before_mb: round(rssBeforeKb / 1024),
      hwm_mb: round(hwmAfterKb / 1024),
      target: TARGETS.rssMb,
      pass: peakMb <= TARGETS.rssMb,
    });
  } finally {
    for (const server of servers) await stopServer(server);
    if (!closed) await platform.close();
    if (platform.pgSchema) {
      const client = new pg.Client({ connectionString: PG_TEST_URL });
      await client.connect();
      await client.query(`drop schema if exists ${platform.pgSchema} cascade`);
      await client.end();
    }
    rmSync(config.dataDir, { recursive: true, force: true });
  }
}

const SERVER_SCRIPT = serverScript();
const engines: Engine[] = ENGINE_ARG === 'both' ? ['sqlite', 'postgres'] : [ENGINE_ARG as Engine];
for (const engine of engines) {
  if (!(await engineAvailable(engine))) throw new Error(`${engine} is not available`);
  log(`engine ${engine}: ${ENTRIES} catalog entries, ${ROWS} rows, ${QUERIES} requests per figure`);
  await run(engine);
}
for (const line of figures) console.log(JSON.stringify(line));
