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

async function measure(url: string, headers: Record<string, string>): Promise<number> {
  // Warm up JIT and caches first, then measure.
  await autocannon({ url, headers, connections: CONNECTIONS, duration: 2 });
  const result = await autocannon({ url, headers, connections: CONNECTIONS, duration: DURATION_S });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx responses, ${result.errors} errors`);
  }
  return Math.round(result.requests.average);
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
  const baseline = await measure(bare.info.url, {});
  const value = await measure(govdx.info.url, { authorization: `Bearer ${govdx.info.token}` });
  // The same server's health probe: every request's envelope (request id, logger, security headers,
  // rate limit, cookies) without authentication, action or database, the ceiling of any route.
  const envelope = await measure(new URL('/healthz', govdx.info.url).href, {});
  const ratio = Math.round((value / baseline) * 100) / 100;
  const envelopeRatio = Math.round((envelope / baseline) * 100) / 100;
  console.log(
    `bare Fastify: ${baseline} req/s; govdx org.get with API token: ${value} req/s; ratio ${ratio}`,
  );
  console.log(
    `govdx /healthz (the envelope alone, no authentication, action or database): ${envelope} req/s; ratio ${envelopeRatio}`,
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
    }),
  );
  console.log(
    JSON.stringify({
      bench: 'http',
      metric: 'envelope_rps',
      value: envelope,
      baseline,
      ratio: envelopeRatio,
    }),
  );
} finally {
  govdx.child.kill();
  bare.child.kill();
}
