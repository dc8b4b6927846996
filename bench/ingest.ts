/**
 * Issue 4 benchmark: ingestion of a generated 1,000,000-row CSV of 8 columns (citizen IDs, names, an
 * enumeration, dates, region codes, mobile numbers, integers), with full validation, through the real
 * path (`aggregation.ingest`, mode replace: parse, check every row, load, index, swap, commit).
 *
 * Baselines, same run:
 * - SQLite: the same file read with the same CSV parser (Papa Parse) and inserted with one plain
 *   prepared statement in one transaction, no validation, into an equivalent table (same columns,
 *   same primary key, the same indexes on the queryable items). Target: ours >= 0.7 of the baseline.
 * - PostgreSQL: `psql \copy` of the same file into an equivalent table. Target: ours >= 0.6.
 * - Peak RSS of a server process (a child running the real HTTP server) while it ingests a ~1 GB
 *   CSV uploaded over HTTP: <= 300 MB. BENCH_RSS_BYTES sets the size (0 skips this part).
 *
 * BENCH_ROWS overrides the row count. Ends with one JSON line per figure.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import Papa from 'papaparse';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { getAction } from '../src/actions.ts';
import type { Actor } from '../src/core/actor.ts';
import { runAction } from '../src/core/run-action.ts';
import type { Services } from '../src/core/services.ts';
import { citizenIdCheckCharacter } from '../src/core/validators/citizen-id.ts';
import { loadDemo } from '../src/demo/demo.ts';
import { item, resourceContent } from '../src/modules/catalog/factories.ts';
import { govdxNodeFlags } from '../src/node-flags.ts';
import { createTestPlatform, engineAvailable, PG_TEST_URL } from '../src/test/engines.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const RSS_BYTES = Number(process.env.BENCH_RSS_BYTES ?? 1024 ** 3);
const system: Actor = { type: 'system', name: 'bench' };
const figures: Record<string, unknown>[] = [];
const dir = mkdtempSync(path.join(os.tmpdir(), 'govdx-bench-ingest-'));

const HEADER = [
  'id_card_no',
  'person_name',
  'gender',
  'birth_date',
  'region_code',
  'mobile',
  'registered_on',
  'score',
];

const content = resourceContent({
  name: '基准测试人口信息',
  items: [
    item({ name: '公民身份号码', column: 'id_card_no' }),
    item({
      name: '姓名',
      column: 'person_name',
      length: 50,
      key: false,
      validator: { kind: 'none' },
    }),
    item({
      name: '性别',
      column: 'gender',
      length: 2,
      key: false,
      queryable: false,
      validator: { kind: 'enum', values: ['男', '女'] },
    }),
    item({
      name: '出生日期',
      column: 'birth_date',
      type: 'D',
      length: undefined,
      key: false,
      queryable: false,
      validator: { kind: 'date' },
    }),
    item({
      name: '行政区划代码',
      column: 'region_code',
      length: 6,
      key: false,
      queryable: true,
      validator: { kind: 'region_code' },
    }),
    item({
      name: '手机号码',
      column: 'mobile',
      length: 11,
      key: false,
      required: false,
      queryable: false,
      validator: { kind: 'mobile' },
    }),
    item({
      name: '登记日期',
      column: 'registered_on',
      type: 'D',
      length: undefined,
      key: false,
      required: false,
      queryable: false,
      validator: { kind: 'date' },
    }),
    item({
      name: '积分',
      column: 'score',
      type: 'I',
      length: undefined,
      key: false,
      required: false,
      queryable: false,
      validator: { kind: 'none' },
      sensitivity: 'none',
      masking: 'none',
    }),
  ],
});

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗';
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞';

/** Row i of the generated file: unique valid citizen IDs (region 99xxxx, birth day and serial from i). */
function csvLine(i: number): string {
  const days = 29_000;
  const birth = new Date(Date.UTC(1945, 0, 1) + (i % days) * 86_400_000).toISOString().slice(0, 10);
  const serial = Math.floor(i / days);
  const first17 = `${i % 2 ? '990102' : '990100'}${birth.replace(/-/g, '')}${String(serial).padStart(3, '0')}`;
  const id = first17 + citizenIdCheckCharacter(first17);
  const name = SURNAMES[i % 20]! + GIVEN[(i * 7) % 20]! + GIVEN[(i * 13) % 20]!;
  const mobile = `13${String(100_000_000 + ((i * 7919) % 899_999_999)).slice(0, 9)}`;
  return `${id},${name},${i % 2 ? '男' : '女'},${birth},${i % 2 ? '990102' : '990100'},${mobile},2020-0${1 + (i % 9)}-1${i % 10},${i % 1000}\n`;
}

async function writeCsv(file: string, rows: number): Promise<number> {
  const out = createWriteStream(file);
  out.write(`${HEADER.join(',')}\n`);
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    chunk += csvLine(i);
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  return statSync(file).size;
}

async function makeResource(services: Services): Promise<string> {
  const { code } = (await runAction(
    services,
    getAction('catalog.resource.create'),
    { orgCode: 'GAJ', content },
    { actor: system },
  )) as { code: string };
  for (const name of ['catalog.resource.submit', 'catalog.resource.publish'])
    await runAction(services, getAction(name), { code }, { actor: system });
  return code;
}

async function ours(services: Services, code: string, file: string): Promise<number> {
  const started = process.hrtime.bigint();
  const result = (await runAction(
    services,
    getAction('aggregation.ingest'),
    { code, mode: 'replace', format: 'csv', name: 'bench.csv', file: createReadStream(file) },
    { actor: system },
  )) as { batch: { rowsInserted: number; rowsRejected: number } };
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.batch.rowsInserted !== ROWS || result.batch.rowsRejected !== 0) {
    throw new Error(`expected ${ROWS} rows, got ${JSON.stringify(result.batch)}`);
  }
  return ROWS / seconds;
}

const BASELINE_DDL = `create table bench_baseline (id_card_no varchar(18) not null, person_name varchar(50) not null,
  gender varchar(2) not null, birth_date varchar(10) not null, region_code varchar(6) not null, mobile varchar(11),
  registered_on varchar(10), score bigint, primary key (id_card_no));
  create index bench_baseline_name on bench_baseline (person_name);
  create index bench_baseline_region on bench_baseline (region_code)`;

async function sqliteBaseline(file: string): Promise<number> {
  const db = new SqliteDatabase(path.join(dir, 'baseline.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(BASELINE_DDL);
  const insert = db.prepare(`insert into bench_baseline values (?, ?, ?, ?, ?, ?, ?, ?)`);
  const started = process.hrtime.bigint();
  // Papa Parse in its plainest streaming form (the parser ingestion uses), header row skipped.
  db.exec('begin');
  let count = -1;
  await new Promise<void>((resolve, reject) => {
    Papa.parse<string[]>(createReadStream(file, { encoding: 'utf8' }) as unknown as File, {
      delimiter: ',',
      skipEmptyLines: true,
      step: (results) => {
        if (count++ >= 0) insert.run(results.data);
      },
      complete: () => resolve(),
      error: reject,
    });
  });
  db.exec('commit');
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  db.close();
  if (count !== ROWS) throw new Error(`baseline read ${count} rows`);
  return ROWS / seconds;
}

async function postgresBaseline(file: string): Promise<number> {
  const schema = `bench_${process.pid}`;
  const client = new pg.Client({ connectionString: PG_TEST_URL });
  await client.connect();
  await client.query(`drop schema if exists ${schema} cascade; create schema ${schema}`);
  await client.query(`set search_path = ${schema}; ${BASELINE_DDL}`);
  const started = process.hrtime.bigint();
  const psql = spawnSync(
    'psql',
    [
      PG_TEST_URL,
      '-v',
      'ON_ERROR_STOP=1',
      '-c',
      `set search_path = ${schema}`,
      '-c',
      `\\copy bench_baseline from '${file}' with (format csv, header true)`,
    ],
    { encoding: 'utf8' },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (psql.status !== 0) throw new Error(`psql failed: ${psql.stderr}`);
  await client.query(`drop schema ${schema} cascade`);
  await client.end();
  return ROWS / seconds;
}

function figure(metric: string, value: number, baseline: number, target: number): void {
  const ratio = value / baseline;
  figures.push({
    bench: 'ingest',
    metric,
    value: Math.round(value),
    baseline: Math.round(baseline),
    ratio: Number(ratio.toFixed(3)),
    target,
    pass: ratio >= target,
  });
}

/** Peak RSS (VmHWM) of a real server process while it ingests a large CSV uploaded over HTTP. */
async function serverPeakRss(bytes: number): Promise<void> {
  const rows = Math.ceil(bytes / (csvLine(0).length + 2));
  const file = path.join(dir, 'large.csv');
  const size = await writeCsv(file, rows);
  const dataDir = path.join(dir, 'server');
  const bin = path.resolve(import.meta.dirname, '../bin/govdx.mjs');
  const env = {
    ...process.env,
    GOVDX_DATA_DIR: dataDir,
    GOVDX_PORT: '0',
    GOVDX_LOG_LEVEL: 'silent',
    GOVDX_DEMO_DATA: 'none',
  };
  spawnSync(process.execPath, [bin, 'demo'], { env, stdio: 'ignore' });
  const secret = spawnSync(
    process.execPath,
    [bin, 'token', 'create', '--org', 'GAJ', '--name', 'bench'],
    { env, encoding: 'utf8' },
  ).stdout.trim();
  const code = createResourceWithCli(bin, env);
  const port = 18_000 + (process.pid % 1000);
  // Started as `govdx serve` runs: with the node flags of the command's `#!` line.
  const server: ChildProcess = spawn(process.execPath, [...govdxNodeFlags(), bin, 'serve'], {
    env: { ...env, GOVDX_PORT: String(port) },
    stdio: 'ignore',
  });
  try {
    for (let attempt = 0; attempt < 100; attempt++) {
      const ready = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (response) => response.ok,
        () => false,
      );
      if (ready) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const started = Date.now();
    const status = await new Promise<number>((resolve, reject) => {
      const upload = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: `/api/v1/resources/${code}/batches?mode=replace&name=large.csv`,
          headers: {
            authorization: `Bearer ${secret}`,
            'content-type': 'text/csv',
            'content-length': size,
          },
        },
        (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
        },
      );
      upload.on('error', reject);
      createReadStream(file).pipe(upload);
    });
    const seconds = (Date.now() - started) / 1000;
    const status2 = await readFile(`/proc/${server.pid}/status`, 'utf8');
    const peakKb = Number(/VmHWM:\s+(\d+)/.exec(status2)?.[1] ?? 0);
    if (status !== 201) throw new Error(`large upload answered ${status}`);
    const peakMb = peakKb / 1024;
    figures.push({
      bench: 'ingest',
      metric: 'server_peak_rss_mb',
      value: Math.round(peakMb),
      file_mb: Math.round(size / 1024 ** 2),
      rows,
      rows_per_s: Math.round(rows / seconds),
      target: 300,
      pass: peakMb <= 300,
    });
  } finally {
    server.kill('SIGTERM');
  }
}

/** The resource is created and published through the CLI's actions (a token may not publish). */
function createResourceWithCli(bin: string, env: NodeJS.ProcessEnv): string {
  const created = spawnSync(
    process.execPath,
    [bin, 'action', 'catalog.resource.create', JSON.stringify({ orgCode: 'GAJ', content })],
    { env, encoding: 'utf8' },
  );
  const { code } = JSON.parse(created.stdout) as { code: string };
  for (const action of ['catalog.resource.submit', 'catalog.resource.publish'])
    spawnSync(process.execPath, [bin, 'action', action, JSON.stringify({ code })], { env });
  return code;
}

const file = path.join(dir, 'bench.csv');
const size = await writeCsv(file, ROWS);
console.log(`generated ${ROWS} rows, ${(size / 1024 ** 2).toFixed(1)} MB`);

// BENCH_PARTS=sqlite,postgres,rss selects parts (default all).
const PARTS = new Set((process.env.BENCH_PARTS ?? 'sqlite,postgres,rss').split(','));
try {
  if (PARTS.has('sqlite')) {
    const platform = await createTestPlatform('sqlite');
    await loadDemo(platform.services);
    const code = await makeResource(platform.services);
    const baseline = await sqliteBaseline(file);
    const value = await ours(platform.services, code, file);
    console.log(
      `sqlite: baseline ${Math.round(baseline)} rows/s, ours ${Math.round(value)} rows/s`,
    );
    figure('sqlite_rows_per_s', value, baseline, 0.7);
    await platform.destroy();
  }
  if (PARTS.has('postgres') && (await engineAvailable('postgres'))) {
    const platform = await createTestPlatform('postgres');
    await loadDemo(platform.services);
    const code = await makeResource(platform.services);
    const baseline = await postgresBaseline(file);
    const value = await ours(platform.services, code, file);
    console.log(
      `postgres: \\copy ${Math.round(baseline)} rows/s, ours ${Math.round(value)} rows/s`,
    );
    figure('postgres_rows_per_s', value, baseline, 0.6);
    await platform.destroy();
  }
  if (PARTS.has('rss') && RSS_BYTES > 0) await serverPeakRss(RSS_BYTES);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
for (const line of figures) console.log(JSON.stringify(line));
