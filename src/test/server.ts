import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../config/env.ts';
import { loadDemo } from '../demo/demo.ts';
import { buildServer } from '../http/server.ts';
import { createPlatform } from '../platform.ts';

/**
 * A real server on a free loopback port with a fresh SQLite database and the demo jurisdiction,
 * serving the built console: what the browser tests drive.
 */
export async function startTestServer(): Promise<{ url: string; close(): Promise<void> }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'govdx-e2e-'));
  const config = loadConfig({ GOVDX_DATA_DIR: dir, GOVDX_PORT: '0', GOVDX_LOG_LEVEL: 'silent' });
  const platform = await createPlatform(config, { logger: pino({ level: 'silent' }) });
  await loadDemo(platform.services, { data: 'sample' });
  await platform.services.ledger.sequencer.sequence();
  platform.services.ledger.sequencer.start(platform.services.ledger.intervalMs);
  const app = await buildServer(platform.services);
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    close: async () => {
      await app.close();
      await platform.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
