/**
 * Issue 5 benchmark: gated key lookups of the sharing data API (token check, grant check, masking,
 * signature, access log) over HTTP against a bare Fastify route doing the same indexed lookup on the
 * same SQLite table without governance, in the same run, 32 concurrent connections, random keys of
 * the 200,000-person demo population. Targets: throughput ratio >= 0.7, p99 <= 25 ms. Also a
 * 1,000-record verification batch: p95 <= 100 ms.
 *
 * BENCH_ENGINE=postgres runs both servers on PostgreSQL (GOVDX_TEST_PG_URL, a fresh schema dropped at
 * the end; the bare route queries through a pg pool of the platform's size with a named statement).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { demoCitizenId } from '../src/demo/demo-data.ts';
import { govdxNodeFlags } from '../src/node-flags.ts';
import { PG_TEST_URL } from '../src/test/engines.ts';
import { cpuMicros, cpuPerRequest } from './server-cpu.ts';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const PERSONS = 200_000;
const VERIFY_BATCHES = Number(process.env.BENCH_VERIFY_BATCHES ?? 60);
const ENGINE = process.env.BENCH_ENGINE === 'postgres' ? 'postgres' : 'sqlite';
const PG_SCHEMA = `bench_share_${process.pid}`;
const here = path.dirname(fileURLToPath(import.meta.url));

interface Info {
  url: string;
  token?: string;
  grant?: string;
  code: string;
  table: string;
  sqlite: string | null;
  databaseUrl: string;
  pgSchema: string | null;
}

async function start(
  args: string[],
  flags: string[] = [],
): Promise<{ child: ChildProcess; info: Info }> {
  const child = spawn(
    process.execPath,
    [...flags, '--import', 'tsx', path.join(here, 'share-server.ts'), ...args],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env:
        ENGINE === 'postgres'
          ? { ...process.env, BENCH_DATABASE_URL: PG_TEST_URL, BENCH_PG_SCHEMA: PG_SCHEMA }
          : process.env,
    },
  );
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    lines.close();
    return { child, info: JSON.parse(line) as Info };
  }
  throw new Error('server exited before listening');
}

const keys = Array.from({ length: PERSONS }, (_, i) => demoCitizenId(i).id);
const randomKey = () => keys[Math.floor(Math.random() * keys.length)] as string;

async function lookups(
  server: ChildProcess,
  base: string,
  code: string,
  headers: Record<string, string>,
) {
  const options = {
    url: base,
    headers,
    connections: CONNECTIONS,
    requests: [
      {
        method: 'GET' as const,
        setupRequest: (request: { path?: string }) => ({
          ...request,
          path: `/api/v1/share/${code}/records/${randomKey()}`,
        }),
      },
    ],
  };
  await autocannon({ ...options, duration: 3 });
  const cpuBefore = cpuMicros(server.pid);
  const result = await autocannon({ ...options, duration: DURATION_S });
  const cpuAfter = cpuMicros(server.pid);
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${base}: ${result.non2xx} non-2xx responses, ${result.errors} errors`);
  }
  // CPU of the server process per lookup (on PostgreSQL, not the database server's).
  const cpuUs = cpuPerRequest(cpuBefore, cpuAfter, result.requests.total);
  return { rps: Math.round(result.requests.average), p99: result.latency.p99, cpuUs };
}

async function verifyBatches(base: string, code: string, headers: Record<string, string>) {
  const times: number[] = [];
  for (let batch = 0; batch < VERIFY_BATCHES; batch++) {
    const records = Array.from({ length: 1000 }, () => ({ id_card_no: randomKey(), gender: '男' }));
    const started = performance.now();
    const response = await fetch(`${base}/api/v1/share/${code}/verify`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ records }),
    });
    await response.text();
    if (response.status !== 200) throw new Error(`verify answered ${response.status}`);
    if (batch >= 5) times.push(performance.now() - started); // the first few warm up
  }
  times.sort((a, b) => a - b);
  return Math.round((times[Math.floor(times.length * 0.95)] ?? 0) * 10) / 10;
}

const round = (n: number) => Math.round(n * 100) / 100;
// govdx runs with the node flags of `govdx serve` (bin/govdx.mjs), bare Fastify with node's defaults.
const govdx = await start(['govdx'], govdxNodeFlags());
const bare = await start(['bare', JSON.stringify(govdx.info)]);
try {
  const headers = {
    authorization: `Bearer ${govdx.info.token}`,
    'x-govdx-grant': govdx.info.grant ?? '',
  };
  const probe = await fetch(
    `${govdx.info.url}/api/v1/share/${govdx.info.code}/records/${keys[0]}`,
    { headers },
  );
  if (probe.status !== 200)
    throw new Error(`govdx lookup answered ${probe.status}: ${await probe.text()}`);
  const baseline = await lookups(bare.child, bare.info.url, govdx.info.code, {});
  const ours = await lookups(govdx.child, govdx.info.url, govdx.info.code, headers);
  const verifyBaseline = await verifyBatches(bare.info.url, govdx.info.code, {});
  const verifyP95 = await verifyBatches(govdx.info.url, govdx.info.code, headers);
  const ratio = round(ours.rps / baseline.rps);
  console.log(
    `bare Fastify lookup: ${baseline.rps} req/s (p99 ${baseline.p99} ms, ${baseline.cpuUs} µs server CPU each); govdx gated lookup: ${ours.rps} req/s (p99 ${ours.p99} ms, ${ours.cpuUs} µs); ratio ${ratio}`,
  );
  console.log(
    `1,000-record verification: p95 ${verifyP95} ms (bare IN query: ${verifyBaseline} ms)`,
  );
  const lines = [
    {
      metric: 'lookup_rps',
      value: ours.rps,
      baseline: baseline.rps,
      ratio,
      target: 0.7,
      pass: ratio >= 0.7,
      cpu_us: ours.cpuUs,
      baseline_cpu_us: baseline.cpuUs,
      cpu_ratio: ours.cpuUs && baseline.cpuUs ? round(baseline.cpuUs / ours.cpuUs) : null,
    },
    {
      metric: 'lookup_p99_ms',
      value: ours.p99,
      baseline: baseline.p99,
      ratio: round(ours.p99 / Math.max(baseline.p99, 1)),
      target: 25,
      pass: ours.p99 <= 25,
    },
    {
      metric: 'verify_1000_p95_ms',
      value: verifyP95,
      baseline: verifyBaseline,
      ratio: round(verifyP95 / Math.max(verifyBaseline, 0.1)),
      target: 100,
      pass: verifyP95 <= 100,
    },
  ];
  for (const line of lines)
    console.log(JSON.stringify({ bench: 'share', engine: ENGINE, ...line }));
} finally {
  govdx.child.kill();
  bare.child.kill();
  if (ENGINE === 'postgres') {
    const client = new pg.Client({ connectionString: PG_TEST_URL });
    await client.connect();
    await client.query(`drop schema if exists ${PG_SCHEMA} cascade`);
    await client.end();
  }
}
