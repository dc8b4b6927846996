/**
 * A server for bench/http.ts, run as its own process so that it has a core to itself:
 * `bare` is plain Fastify returning the same JSON; `govdx` is the full stack with the demo loaded and
 * what `govdx serve` runs beside it (ledger sequencer, deadline sweep).
 * Prints one JSON line {port, token?, path} when listening.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import pino from 'pino';
import { getAction } from '../src/actions.ts';
import { loadConfig } from '../src/config/env.ts';
import { startBackgroundWork } from '../src/core/background.ts';
import { runAction } from '../src/core/run-action.ts';
import { loadDemo } from '../src/demo/demo.ts';
import { buildServer } from '../src/http/server.ts';
import { createPlatform } from '../src/platform.ts';

const mode = process.argv[2];
// Exit cleanly on SIGINT so that --cpu-prof can write its profile.
process.on('SIGINT', () => process.exit(0));
const READ_PATH = '/api/v1/orgs/GAJ';

if (mode === 'govdx') {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'govdx-bench-'));
  const config = loadConfig({
    GOVDX_DATA_DIR: dir,
    GOVDX_LOG_LEVEL: 'silent',
    GOVDX_RATE_LIMIT: '10000000',
  });
  const platform = await createPlatform(config, { logger: pino({ level: 'silent' }) });
  await loadDemo(platform.services);
  const { secret } = (await runAction(
    platform.services,
    getAction('token.create'),
    { orgCode: 'GAJ', name: 'bench' },
    { actor: { type: 'system', name: 'bench' } },
  )) as { secret: string };
  const org = await runAction(
    platform.services,
    getAction('org.get'),
    { code: 'GAJ' },
    { actor: { type: 'system', name: 'bench' } },
  );
  const app = await buildServer(platform.services);
  // What `govdx serve` runs beside the server: the ledger sequencer and the deadline sweep.
  await startBackgroundWork(platform.services);
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  process.stdout.write(
    `${JSON.stringify({ url: address + READ_PATH, token: secret, body: org })}\n`,
  );
} else if (mode === 'bare') {
  const body = JSON.parse(process.argv[3] ?? '{}') as unknown;
  const app = Fastify({ logger: false });
  app.get(READ_PATH, () => body);
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  process.stdout.write(`${JSON.stringify({ url: address + READ_PATH })}\n`);
} else {
  throw new Error('usage: http-server.ts govdx|bare [json]');
}
