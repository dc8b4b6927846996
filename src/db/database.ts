import { mkdirSync } from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  Kysely,
  PostgresDialect,
  SqliteDialect,
  type PostgresPool,
  type PostgresPoolClient,
  type SqliteDatabase as SqliteDialectDatabase,
} from 'kysely';
import pg from 'pg';
import { dialectFor, type DialectInfo } from './dialect.ts';
import type { Database } from './schema.ts';

// PostgreSQL returns int8 (bigserial ids, counts) as strings; ours stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

export interface Db {
  kysely: Kysely<Database>;
  dialect: DialectInfo;
  /** Human-readable location without credentials, for logs. */
  describe: string;
  /**
   * The driver underneath Kysely, for bulk loading only (aggregation/ingest): better-sqlite3 prepared
   * statements, or PostgreSQL COPY on a pooled client. On SQLite, use it only while holding Kysely's
   * connection (`kysely.connection().execute`) so that no other query interleaves.
   */
  raw:
    { engine: 'sqlite'; sqlite: SqliteDatabase.Database } | { engine: 'postgres'; pool: pg.Pool };
  close(): Promise<void>;
}

export interface OpenOptions {
  /** PostgreSQL schema to use (created if missing); tests use one schema per run. */
  pgSchema?: string;
  /** Largest number of pooled PostgreSQL connections. */
  poolSize?: number;
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely prepares every SQLite statement anew, which costs three times the query itself on a keyed
 * read; this keeps the most recent prepared statements by SQL text (better-sqlite3 statements are
 * reusable). PostgreSQL needs no such help: pg sends the text each time and the server parses fast.
 */
function withStatementCache(sqlite: SqliteDatabase.Database): SqliteDialectDatabase {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => sqlite.close(),
    prepare: (sqlText: string) => {
      let statement = cache.get(sqlText);
      if (statement) {
        // Re-insert to keep the map in least-recently-used order.
        cache.delete(sqlText);
      } else {
        statement = sqlite.prepare(sqlText);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      }
      cache.set(sqlText, statement);
      return statement;
    },
  };
}

/**
 * The pool as Kysely sees it, its clients querying through node-postgres's callback form. The
 * promise form (`client.query(text, values)` without a callback, what Kysely calls) kept each
 * result's rows alive across young-generation collections, so they went to the old generation:
 * paging 100,000 catalog entries moved 37 MB of rows there (against 1 MB with the callback), old
 * garbage that stays in the server's memory until a full collection.
 */
function callbackQueries(pool: pg.Pool): PostgresPool {
  const clients = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    let wrapped = clients.get(client);
    if (!wrapped) {
      wrapped = {
        query: ((text: string, parameters: readonly unknown[]) =>
          new Promise<pg.QueryResult>((resolve, reject) => {
            client.query(text, parameters as unknown[], (error, result) =>
              error ? reject(error) : resolve(result),
            );
          })) as unknown as PostgresPoolClient['query'],
        release: () => client.release(),
      };
      clients.set(client, wrapped);
    }
    return wrapped;
  };
  return { connect: async () => wrap(await pool.connect()), end: () => pool.end() };
}

export async function openDatabase(url: string, options: OpenOptions = {}): Promise<Db> {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const sqlite = new SqliteDatabase(file);
    // WAL lets readers proceed while a writer commits; busy_timeout covers a second process (CLI).
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    const kysely = new Kysely<Database>({
      dialect: new SqliteDialect({ database: withStatementCache(sqlite) }),
    });
    return {
      kysely,
      dialect: dialectFor('sqlite'),
      describe: `sqlite:${file}`,
      raw: { engine: 'sqlite', sqlite },
      close: () => kysely.destroy(),
    };
  }
  const schema = options.pgSchema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) {
    throw new Error(`invalid PostgreSQL schema name ${schema}`);
  }
  if (schema !== undefined) {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`create schema if not exists ${schema}`);
    } finally {
      await admin.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    ...(schema !== undefined ? { options: `-c search_path=${schema}` } : {}),
  });
  const kysely = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: callbackQueries(pool) }),
  });
  const parsed = new URL(url);
  return {
    kysely,
    dialect: dialectFor('postgres'),
    describe: `postgres://${parsed.host}${parsed.pathname}${schema ? ` (schema ${schema})` : ''}`,
    raw: { engine: 'postgres', pool },
    close: () => kysely.destroy(),
  };
}
