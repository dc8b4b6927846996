/**
 * Issue 2 benchmark: throughput of an authenticated, authorized read action (`org.get` with a
 * department system's API token) through the full stack, against a bare Fastify route returning the
 * same JSON, measured in the same run on the same machine. Target ratio >= 0.8.
 *
 * Each server runs in its own process; autocannon drives it from this one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { govdxNodeFlags } from '../src/node-flags.ts';
import { cpuMicros, cpuPerRequest } from './server-cpu.ts';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
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
  // Warm up JIT and caches first, then measure.
  await autocannon({ url, headers, connections: CONNECTIONS, duration: 2 });
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
  const bareRun = await measure(bare, bare.info.url, {});
  const oursRun = await measure(govdx, govdx.info.url, {
    authorization: `Bearer ${govdx.info.token}`,
  });
  // The same server's health probe: every request's envelope (request id, logger, security headers,
  // rate limit) without authentication, action or database, the ceiling of any route.
  const envelopeRun = await measure(govdx, new URL('/healthz', govdx.info.url).href, {});
  const [baseline, value, envelope] = [bareRun.rps, oursRun.rps, envelopeRun.rps];
  const ratio = Math.round((value / baseline) * 100) / 100;
  const envelopeRatio = Math.round((envelope / baseline) * 100) / 100;
  const cpuRatio = (ours: Measured) =>
    ours.cpuUs && bareRun.cpuUs ? Math.round((bareRun.cpuUs / ours.cpuUs) * 100) / 100 : null;
  console.log(
    `bare Fastify: ${baseline} req/s (${bareRun.cpuUs} µs server CPU each); govdx org.get with API token: ${value} req/s (${oursRun.cpuUs} µs); ratio ${ratio}`,
  );
  console.log(
    `govdx /healthz (the envelope alone, no authentication, action or database): ${envelope} req/s (${envelopeRun.cpuUs} µs); ratio ${envelopeRatio}`,
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
      cpu_us: oursRun.cpuUs,
      baseline_cpu_us: bareRun.cpuUs,
      cpu_ratio: cpuRatio(oursRun),
    }),
  );
  console.log(
    JSON.stringify({
      bench: 'http',
      metric: 'envelope_rps',
      value: envelope,
      baseline,
      ratio: envelopeRatio,
      cpu_us: envelopeRun.cpuUs,
      baseline_cpu_us: bareRun.cpuUs,
      cpu_ratio: cpuRatio(envelopeRun),
    }),
  );
} finally {
  govdx.child.kill();
  bare.child.kill();
}
