import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { loadConfig, type Config } from '../config/env.ts';
import type { Engine } from '../db/dialect.ts';
import { createPlatform, type Platform } from '../platform.ts';

/**
 * Every database test runs on both engines (issue 2; Backstage's `databases.eachSupportedId()`).
 * PostgreSQL is the server at GOVDX_TEST_PG_URL (default 127.0.0.1:5432, database test), one fresh
 * schema per platform. In CI a missing server fails the run; elsewhere the PostgreSQL half is skipped
 * with a loud notice, never silently.
 */
export const PG_TEST_URL =
  process.env.GOVDX_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let pgReachable: Promise<boolean> | undefined;

async function tryConnect(): Promise<unknown> {
  const client = new pg.Client({ connectionString: PG_TEST_URL, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (error) {
    return error;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function checkPostgres(): Promise<boolean> {
  // A loaded machine (a parallel build) can delay the first connection: try a few times.
  let error: unknown = null;
  for (let attempt = 0; attempt < 3; attempt++) {
    error = await tryConnect();
    if (error === null) return true;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  if (process.env.CI) {
    throw new Error(
      `PostgreSQL is required in CI but unreachable at ${PG_TEST_URL}: ${String(error)}`,
    );
  }
  process.stderr.write(
    `\n!!! PostgreSQL unreachable at ${PG_TEST_URL} (${String(error)}): the PostgreSQL half of the database tests is SKIPPED.\n` +
      `!!! Start it: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n\n`,
  );
  return false;
}

export const ENGINES: Engine[] = ['sqlite', 'postgres'];

/** Whether tests for `engine` can run; false only for PostgreSQL outside CI with no server. */
export async function engineAvailable(engine: Engine): Promise<boolean> {
  if (engine === 'sqlite') return true;
  pgReachable ??= checkPostgres();
  return pgReachable;
}

export interface TestPlatform extends Platform {
  config: Config;
  /** The PostgreSQL schema of this platform (null on SQLite), for a second process on it. */
  pgSchema: string | null;
  /** Drops the PostgreSQL schema or the SQLite folder. */
  destroy(): Promise<void>;
}

/** A migrated, empty platform on `engine`, isolated from every other test. */
export async function createTestPlatform(
  engine: Engine,
  env: NodeJS.ProcessEnv = {},
): Promise<TestPlatform> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'govdx-test-'));
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const config = loadConfig(
    {
      GOVDX_DATA_DIR: dir,
      GOVDX_DATABASE_URL: engine === 'sqlite' ? `sqlite:${path.join(dir, 'test.db')}` : PG_TEST_URL,
      GOVDX_SESSION_SECRET: 'test-secret-test-secret-test-secret-0123',
      GOVDX_LOG_LEVEL: 'silent',
      ...env,
    },
    { persistSecret: false },
  );
  const platform = await createPlatform(config, {
    logger: pino({ level: process.env.GOVDX_TEST_LOG ?? 'silent' }),
    db: engine === 'postgres' ? { pgSchema: schema, poolSize: 4 } : {},
  });
  return {
    ...platform,
    config,
    pgSchema: engine === 'postgres' ? schema : null,
    destroy: async () => {
      await platform.close();
      if (engine === 'postgres') {
        const client = new pg.Client({ connectionString: PG_TEST_URL });
        await client.connect();
        await client.query(`drop schema if exists ${schema} cascade`);
        await client.end();
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
