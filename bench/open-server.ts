/**
 * Servers for bench/open.ts, each in its own process, on the database bench/open.ts prepared (SQLite
 * file or PostgreSQL schema):
 * - `govdx`: the full HTTP stack (buildServer) of a platform opened on that database; configuration
 *   from the GOVDX_* environment the parent passes (same keys and secrets as the platform that
 *   loaded it, open rate limits set very high).
 * - `bare`: plain Fastify without governance answering the same two paths with bare SQL:
 *   `package_search` runs the bare full-text statement of bench/catalog.ts (segmentation, match,
 *   first page of 20); `datastore_search` runs `select <open columns> from <table> where station_id = ?
 *   and _deleted = 0 order by _row_version limit ? offset ?` as a better-sqlite3 prepared statement
 *   (SQLite) or a parameterized pg query (PostgreSQL).
 * The govdx server also answers `GET /__bench/memory` (process.memoryUsage()) for the report.
 * Prints one JSON line {url, pid} when listening.
 */
import Fastify from 'fastify';
import { sql } from 'kysely';
import pino from 'pino';
import { loadConfig } from '../src/config/env.ts';
import { openDatabase } from '../src/db/database.ts';
import { buildServer } from '../src/http/server.ts';
import { segmentQuery } from '../src/modules/catalog/search.ts';
import { createPlatform } from '../src/platform.ts';

export interface BareOptions {
  databaseUrl: string;
  pgSchema: string | null;
  table: string;
  columns: string[];
}

const mode = process.argv[2];
// Exit cleanly on SIGINT/SIGTERM so that --cpu-prof can write its profile.
process.on('SIGINT', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));

if (mode === 'govdx') {
  const pgSchema = process.argv[3] || undefined;
  const config = loadConfig(process.env, { persistSecret: false });
  const platform = await createPlatform(config, {
    logger: pino({ level: 'silent' }),
    db: pgSchema ? { pgSchema } : {},
  });
  const app = await buildServer(platform.services);
  // Where the memory is (V8 heap, external and array buffers, or native), for bench/open.ts's lines.
  app.get('/__bench/memory', { schema: { hide: true } }, () => process.memoryUsage());
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  process.stdout.write(`${JSON.stringify({ url: address, pid: process.pid })}\n`);
} else if (mode === 'bare') {
  const options = JSON.parse(process.argv[3] ?? '{}') as BareOptions;
  const db = await openDatabase(
    options.databaseUrl,
    options.pgSchema ? { pgSchema: options.pgSchema } : {},
  );
  const select = `select ${options.columns.join(', ')} from ${options.table} where station_id = ? and _deleted = 0 order by _row_version limit ? offset ?`;
  let page: (station: string, limit: number, offset: number) => Promise<unknown[]>;
  if (db.raw.engine === 'sqlite') {
    const statement = db.raw.sqlite.prepare(select);
    page = (station, limit, offset) => Promise.resolve(statement.all(station, limit, offset));
  } else {
    const { pool } = db.raw;
    let n = 0;
    const text = select.replace(/\?/g, () => `$${++n}`);
    page = async (station, limit, offset) =>
      (await pool.query(text, [station, limit, offset])).rows as unknown[];
  }
  const app = Fastify({ logger: false });
  app.get<{ Querystring: Record<string, string | undefined> }>(
    '/api/3/action/datastore_search',
    async (request) => {
      const filters = JSON.parse(request.query.filters ?? '{}') as { station_id: string };
      const limit = Number(request.query.limit ?? 100);
      const offset = Number(request.query.offset ?? 0);
      const records = await page(filters.station_id, limit, offset);
      return { success: true, result: { records, limit, offset } };
    },
  );
  app.get<{ Querystring: Record<string, string | undefined> }>(
    '/api/3/action/package_search',
    async (request) => {
      const tokens = await segmentQuery(request.query.q ?? '');
      const { rows } =
        await sql`select s.* from resource_search s inner join ${db.dialect.search.matches(tokens)} m on m.doc_id = s.id order by m.rank desc limit 20`.execute(
          db.kysely,
        );
      return { success: true, result: { results: rows } };
    },
  );
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  process.stdout.write(`${JSON.stringify({ url: address, pid: process.pid })}\n`);
} else {
  throw new Error('usage: open-server.ts govdx [pgSchema] | bare <json>');
}
