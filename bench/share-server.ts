/**
 * Servers for bench/share.ts, each in its own process: `govdx` is the full stack with the demo
 * jurisdiction and its full demo data (200,000 persons), a consumer token and grant, and what
 * `govdx serve` runs beside it (the ledger sequencer appending every access each second); `bare` is plain
 * Fastify doing the same indexed lookup on the same database with a prepared statement (the SQLite
 * file read-only, or PostgreSQL through a pool with a named statement), without governance (no token,
 * grant, masking, signature or access log). On PostgreSQL (BENCH_DATABASE_URL) both use the schema
 * BENCH_PG_SCHEMA. Prints one JSON line when listening.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import pino from 'pino';
import { getAction } from '../src/actions.ts';
import { loadConfig } from '../src/config/env.ts';
import { startBackgroundWork } from '../src/core/background.ts';
import { runAction } from '../src/core/run-action.ts';
import { loadDemo } from '../src/demo/demo.ts';
import { loadDemoData } from '../src/demo/demo-data.ts';
import { openDatabase } from '../src/db/database.ts';
import { buildServer } from '../src/http/server.ts';
import { createPlatform } from '../src/platform.ts';

const mode = process.argv[2];
process.on('SIGINT', () => process.exit(0));
export const ITEMS = [
  'id_card_no',
  'person_name',
  'gender',
  'birth_date',
  'household_address',
  'household_no',
  'person_status',
];

if (mode === 'govdx') {
  // BENCH_DATA_DIR keeps the loaded demo between runs (loading 200,000 persons takes a while).
  const dir =
    process.env.BENCH_DATA_DIR ?? mkdtempSync(path.join(os.tmpdir(), 'govdx-bench-share-'));
  const loaded = existsSync(path.join(dir, 'govdx.db'));
  const config = loadConfig({
    GOVDX_DATA_DIR: dir,
    GOVDX_LOG_LEVEL: 'silent',
    GOVDX_RATE_LIMIT: '10000000',
    ...(process.env.BENCH_DATABASE_URL
      ? { GOVDX_DATABASE_URL: process.env.BENCH_DATABASE_URL }
      : {}),
  });
  const pgSchema = process.env.BENCH_PG_SCHEMA;
  const platform = await createPlatform(config, {
    logger: pino({ level: 'silent' }),
    ...(pgSchema ? { db: { pgSchema } } : {}),
  });
  if (!loaded || process.env.BENCH_DATABASE_URL) {
    await loadDemo(platform.services);
    await loadDemoData(platform.services, 'full');
  }
  const system = { actor: { type: 'system' as const, name: 'bench' } };
  const { secret } = (await runAction(
    platform.services,
    getAction('token.create'),
    { orgCode: 'SCJGJ', name: 'bench' },
    system,
  )) as { secret: string };
  const code = await platform.services.db.kysely
    .selectFrom('resources')
    .innerJoin('resource_versions as v', (join) =>
      join
        .onRef('v.resource_id', '=', 'resources.id')
        .onRef('v.version', '=', 'resources.live_version'),
    )
    .innerJoin('resource_data_tables as t', 't.resource_id', 'resources.id')
    .select(['resources.code', 't.table_name'])
    .where('v.name', '=', '户籍人口信息')
    .executeTakeFirstOrThrow();
  const grant = (await runAction(
    platform.services,
    getAction('share.grant.obtain'),
    {
      resourceCode: code.code,
      consumerOrgCode: 'SCJGJ',
      items: ITEMS,
      operations: ['lookup', 'verify'],
      purpose: '基准测试',
      scenario: '基准测试',
      legalBasis: '基准测试',
      rateLimitPerMinute: 1_000_000,
    },
    system,
  )) as { id: string };
  const app = await buildServer(platform.services);
  // What `govdx serve` runs beside the server: the ledger sequencer and the deadline sweep.
  await startBackgroundWork(platform.services);
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  process.stdout.write(
    `${JSON.stringify({
      url: address,
      token: secret,
      grant: grant.id,
      code: code.code,
      table: code.table_name,
      sqlite: config.databaseUrl.startsWith('sqlite:')
        ? config.databaseUrl.slice('sqlite:'.length)
        : null,
      databaseUrl: config.databaseUrl,
      pgSchema: pgSchema ?? null,
    })}\n`,
  );
} else if (mode === 'bare') {
  const { sqlite, table, code, databaseUrl, pgSchema } = JSON.parse(process.argv[3] ?? '{}') as {
    sqlite: string | null;
    table: string;
    code: string;
    databaseUrl: string;
    pgSchema: string | null;
  };
  const columns = ITEMS.join(', ');
  const app = Fastify({ logger: false });
  const lookupPath = `/api/v1/share/${code}/records/:key`;
  const verifyPath = `/api/v1/share/${code}/verify`;
  type Lookup = { Params: { key: string } };
  type Verify = { Body: { records: { id_card_no: string }[] } };
  if (sqlite) {
    const db = new Database(sqlite, { readonly: true });
    const select = db.prepare(
      `select ${columns} from "${table}" where id_card_no = ? and _deleted = 0`,
    );
    app.get<Lookup>(lookupPath, (request, reply) => {
      const record = select.get(request.params.key);
      if (!record) return reply.status(404).send({ error: 'not found' });
      return { record };
    });
    app.post<Verify>(verifyPath, (request) => {
      const keys = request.body.records.map((r) => r.id_card_no);
      const found = db
        .prepare(
          `select ${columns} from "${table}" where _deleted = 0 and id_card_no in (${keys.map(() => '?').join(',')})`,
        )
        .all(...keys);
      return { found: found.length };
    });
  } else {
    // The same pool as the platform's (db/database.ts), queried with a named (prepared) statement.
    const db = await openDatabase(databaseUrl, pgSchema ? { pgSchema } : {});
    if (db.raw.engine !== 'postgres') throw new Error('bare: expected PostgreSQL');
    const { pool } = db.raw;
    const text = `select ${columns} from "${table}" where id_card_no = $1 and _deleted = 0`;
    app.get<Lookup>(lookupPath, async (request, reply) => {
      const { rows } = await pool.query({ name: 'lookup', text, values: [request.params.key] });
      if (rows.length === 0) return reply.status(404).send({ error: 'not found' });
      return { record: rows[0] as unknown };
    });
    app.post<Verify>(verifyPath, async (request) => {
      const keys = request.body.records.map((r) => r.id_card_no);
      const { rows } = await pool.query(
        `select ${columns} from "${table}" where _deleted = 0 and id_card_no = any($1)`,
        [keys],
      );
      return { found: rows.length };
    });
  }
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  process.stdout.write(`${JSON.stringify({ url: address })}\n`);
} else {
  throw new Error('usage: share-server.ts govdx|bare [json]');
}
