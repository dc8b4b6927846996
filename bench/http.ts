/**
 * Issue 2 benchmark: throughput of an authenticated, authorized read action (`org.get` with a
 * department system's API token) through the full stack, against a bare Fastify route returning the
 * same JSON, measured in the same run on the same machine. Target ratio >= 0.8.
 *
 * Each server runs in its own process; autocannon drives it from this one, in interleaved rounds
 * (BENCH_ROUNDS, default 3, of BENCH_DURATION seconds, default 5) whose medians are reported.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { govdxNodeFlags } from '../src/node-flags.ts';
import { cpuMicros, cpuPerRequest } from './server-cpu.ts';

/** Seconds of each measurement; each target is measured once per round, the rounds interleaved. */
const DURATION_S = Number(process.env.BENCH_DURATION ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const TARGET = 0.8;
const here = path.dirname(fileURLToPath(import.meta.url));

interface Started {
  child: ChildProcess;
  info: { url: string; token?: string; body?: unknown };
}

async function startServer(args: string[], flags: string[] = []): Promise<Started> {
  const child = spawn(
    process.execPath,
    [...flags, '--import', 'tsx', path.join(here, 'http-server.ts'), ...args],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    lines.close();
    return { child, info: JSON.parse(line) as Started['info'] };
  }
  throw new Error('server exited before listening');
}

interface Measured {
  rps: number;
  /** Server CPU per request, µs, or null where /proc is not there. */
  cpuUs: number | null;
}

async function measure(
  server: Started,
  url: string,
  headers: Record<string, string>,
): Promise<Measured> {
  const cpuBefore = cpuMicros(server.child.pid);
  const result = await autocannon({ url, headers, connections: CONNECTIONS, duration: DURATION_S });
  const cpuAfter = cpuMicros(server.child.pid);
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx responses, ${result.errors} errors`);
  }
  return {
    rps: Math.round(result.requests.average),
    cpuUs: cpuPerRequest(cpuBefore, cpuAfter, result.requests.total),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

interface Target {
  server: Started;
  url: string;
  headers: Record<string, string>;
  runs: Measured[];
}

/**
 * Each target warmed up (JIT, caches), then measured once per round, the rounds interleaved: a
 * drift of the machine's speed during the run (other tenants, frequency) falls on all targets alike
 * rather than on whichever ran last. Ratios are taken per round, between neighbours in time.
 */
async function measureInterleaved(targets: Target[]): Promise<void> {
  for (const target of targets)
    await autocannon({
      url: target.url,
      headers: target.headers,
      connections: CONNECTIONS,
      duration: 2,
    });
  for (let round = 0; round < ROUNDS; round++)
    for (const target of targets)
      target.runs.push(await measure(target.server, target.url, target.headers));
}

/** Median of the per-round ratios of `ours` to `baseline` (by throughput), two decimals. */
function ratioOf(ours: Target, baseline: Target): number {
  return Math.round(median(ours.runs.map((run, i) => run.rps / baseline.runs[i]!.rps)) * 100) / 100;
}

/** Median of the per-round CPU ratios (baseline's CPU per request over ours), or null without /proc. */
function cpuRatioOf(ours: Target, baseline: Target): number | null {
  const ratios = ours.runs.map((run, i) => {
    const base = baseline.runs[i]!.cpuUs;
    return run.cpuUs && base ? base / run.cpuUs : null;
  });
  if (ratios.some((ratio) => ratio === null)) return null;
  return Math.round(median(ratios as number[]) * 100) / 100;
}

const medianRps = (target: Target) => Math.round(median(target.runs.map((run) => run.rps)));
const medianCpu = (target: Target) =>
  target.runs.some((run) => run.cpuUs === null)
    ? null
    : Math.round(median(target.runs.map((run) => run.cpuUs!)) * 10) / 10;

// govdx runs with the node flags of `govdx serve` (bin/govdx.mjs), bare Fastify with node's defaults.
const govdx = await startServer(['govdx'], govdxNodeFlags());
const bare = await startServer(['bare', JSON.stringify(govdx.info.body)]);
try {
  // Check both answer the same JSON before timing anything.
  const ours = await fetch(govdx.info.url, {
    headers: { authorization: `Bearer ${govdx.info.token}` },
  });
  const theirs = await fetch(bare.info.url);
  const [oursText, theirsText] = [await ours.text(), await theirs.text()];
  if (ours.status !== 200 || oursText !== theirsText) {
    throw new Error(`responses differ: ${ours.status} ${oursText} vs ${theirsText}`);
  }
  const bareTarget: Target = { server: bare, url: bare.info.url, headers: {}, runs: [] };
  const oursTarget: Target = {
    server: govdx,
    url: govdx.info.url,
    headers: { authorization: `Bearer ${govdx.info.token}` },
    runs: [],
  };
  // The same server's health probe: every request's envelope (request id, logger, security headers,
  // rate limit) without authentication, action or database, the ceiling of any route.
  const envelopeTarget: Target = {
    server: govdx,
    url: new URL('/healthz', govdx.info.url).href,
    headers: {},
    runs: [],
  };
  await measureInterleaved([bareTarget, oursTarget, envelopeTarget]);
  const [baseline, value, envelope] = [bareTarget, oursTarget, envelopeTarget].map(medianRps);
  const ratio = ratioOf(oursTarget, bareTarget);
  const envelopeRatio = ratioOf(envelopeTarget, bareTarget);
  const perRound = (target: Target) =>
    target.runs.map((run) => Math.round((run.rps / 1000) * 10) / 10).join(' / ');
  console.log(
    `${ROUNDS} interleaved rounds of ${DURATION_S} s, medians; thousands of req/s per round: ` +
      `bare ${perRound(bareTarget)}; govdx ${perRound(oursTarget)}; /healthz ${perRound(envelopeTarget)}`,
  );
  console.log(
    `bare Fastify: ${baseline} req/s (${medianCpu(bareTarget)} µs server CPU each); govdx org.get with API token: ${value} req/s (${medianCpu(oursTarget)} µs); ratio ${ratio}`,
  );
  console.log(
    `govdx /healthz (the envelope alone, no authentication, action or database): ${envelope} req/s (${medianCpu(envelopeTarget)} µs); ratio ${envelopeRatio}`,
  );
  console.log(
    JSON.stringify({
      bench: 'http',
      metric: 'read_action_rps',
      value,
      baseline,
      ratio,
      target: TARGET,
      pass: ratio >= TARGET,
      // Server CPU per request (both servers' processes), less sensitive to the machine's other load.
      cpu_us: medianCpu(oursTarget),
      baseline_cpu_us: medianCpu(bareTarget),
      cpu_ratio: cpuRatioOf(oursTarget, bareTarget),
    }),
  );
  console.log(
    JSON.stringify({
      bench: 'http',
      metric: 'envelope_rps',
      value: envelope,
      baseline,
      ratio: envelopeRatio,
      cpu_us: medianCpu(envelopeTarget),
      baseline_cpu_us: medianCpu(bareTarget),
      cpu_ratio: cpuRatioOf(envelopeTarget, bareTarget),
    }),
  );
} finally {
  govdx.child.kill();
  bare.child.kill();
}
