import { once } from 'node:events';
import type { Statement as SqliteStatement } from 'better-sqlite3';
import type { Writable } from 'node:stream';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Db } from '../../../db/database.ts';
import type { Engine } from '../../../db/dialect.ts';
import type { Database } from '../../../db/schema.ts';

/**
 * Bulk loading of checked rows into a batch's work table, as fast as each engine allows (issue 4,
 * Benchmark): multi-row prepared inserts in chunked transactions on SQLite, `COPY ... FROM STDIN` on
 * PostgreSQL. Neither has a key during the load: the key is added afterwards (addWorkKey), which
 * builds its index by sorting instead of inserting into it a row at a time, and only when that finds
 * duplicates are they located (removeDuplicateKeys). Rows never reach the resource's table here: that
 * happens in one transaction in pipeline.ts, so a crash leaves only a work table to drop.
 */
export interface BulkLoader {
  /**
   * Writes a chunk from the parsing worker, UTF-8 text: for SQLite one JSON array per line holding
   * the values of up to sqliteRowsPerLine rows one after another, each followed by its row version;
   * COPY text for PostgreSQL.
   */
  write(payload: Uint8Array): Promise<void>;
  /** Ends the load. */
  finish(): Promise<void>;
  /** Abandons the load (error paths). */
  abort(): Promise<void>;
}

export interface WorkTableSpec {
  table: string;
  columns: string[];
  /** Positions of binary (G) columns, which cross from the worker as marked base64 strings. */
  binaryIndexes: number[];
}

const SYSTEM_INSERT_COLUMNS = ['_row_version', '_deleted', '_batch_id', '_updated_at'];
const BINARY_MARK = '\u0000b64:';
/** Values bound per SQLite insert statement (well under SQLite's 32,766 parameters). */
const SQLITE_VALUES_PER_STATEMENT = 500;

/**
 * Rows per SQLite insert statement, and per line of the worker's text, for a work table of `columns`
 * item columns (each row also binds its row version). One statement for fifty rows instead of one
 * per row: each run of a statement costs a fixed round of binding and resetting on top of its rows.
 */
export function sqliteRowsPerLine(columns: number): number {
  return Math.max(1, Math.floor(SQLITE_VALUES_PER_STATEMENT / (columns + 1)));
}

function quoted(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

class SqliteLoader implements BulkLoader {
  /** Prepared inserts by their number of rows: a full line's, and the shorter last lines'. */
  private readonly statements = new Map<number, SqliteStatement>();
  private readonly width: number;

  constructor(
    private readonly db: Db & { raw: { engine: 'sqlite' } },
    private readonly spec: WorkTableSpec,
  ) {
    this.width = spec.columns.length + 1;
  }

  private statement(rows: number): SqliteStatement {
    let statement = this.statements.get(rows);
    if (!statement) {
      // The work table's columns take their defaults: _deleted, and _batch_id and _updated_at once
      // added (pipeline.ts).
      const columns = [...this.spec.columns, '_row_version'];
      const tuple = `(${columns.map(() => '?').join(', ')})`;
      statement = this.db.raw.sqlite.prepare(
        `insert into ${quoted(this.spec.table)} (${columns.map(quoted).join(', ')}) values ${new Array<string>(rows).fill(tuple).join(', ')}`,
      );
      this.statements.set(rows, statement);
    }
    return statement;
  }

  async write(payload: Uint8Array): Promise<void> {
    const text = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
    const { binaryIndexes } = this.spec;
    const width = this.width;
    // Holding Kysely's single connection keeps every other query out of this transaction.
    await this.db.kysely.connection().execute(() => {
      this.db.raw.sqlite.transaction(() => {
        // Parsed a line at a time: one line's values are alive at once, never the chunk's. The
        // line's array is bound as it is, without copying into an array per statement.
        let start = 0;
        while (start < text.length) {
          const end = text.indexOf(10, start);
          const values = JSON.parse(text.toString('utf8', start, end)) as unknown[];
          start = end + 1;
          const rows = values.length / width;
          if (binaryIndexes.length > 0) {
            for (let row = 0; row < rows; row += 1) {
              for (const binary of binaryIndexes) {
                const cell = values[row * width + binary];
                if (typeof cell === 'string' && cell.startsWith(BINARY_MARK))
                  values[row * width + binary] = Buffer.from(
                    cell.slice(BINARY_MARK.length),
                    'base64',
                  );
              }
            }
          }
          this.statement(rows).run(values);
        }
      })();
      return Promise.resolve();
    });
  }

  finish(): Promise<void> {
    return Promise.resolve();
  }

  abort(): Promise<void> {
    return Promise.resolve();
  }
}

class PostgresLoader implements BulkLoader {
  private client: pg.PoolClient | undefined;
  private stream: Writable | undefined;
  private failure: Error | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly spec: WorkTableSpec,
  ) {}

  private async open(): Promise<Writable> {
    if (this.stream) return this.stream;
    this.client = await this.pool.connect();
    const columns = [...this.spec.columns, ...SYSTEM_INSERT_COLUMNS].map(quoted).join(', ');
    const stream = this.client.query(
      copyFrom(`copy ${quoted(this.spec.table)} (${columns}) from stdin`),
    );
    stream.on('error', (error: Error) => (this.failure = error));
    this.stream = stream;
    return stream;
  }

  async write(payload: Uint8Array): Promise<void> {
    const stream = await this.open();
    if (this.failure) throw this.failure;
    const bytes = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
    if (!stream.write(bytes)) await Promise.race([once(stream, 'drain'), once(stream, 'error')]);
    if (this.failure) throw this.failure as Error;
  }

  async finish(): Promise<void> {
    const stream = await this.open();
    try {
      stream.end();
      await Promise.race([once(stream, 'finish'), once(stream, 'error')]);
      if (this.failure) throw this.failure;
    } finally {
      this.client?.release();
      this.client = undefined;
    }
  }

  abort(): Promise<void> {
    if (!this.client) return Promise.resolve();
    const client = this.client;
    this.client = undefined;
    this.stream?.destroy(new Error('ingestion aborted'));
    // The connection is mid-COPY: do not hand it back to the pool.
    client.release(true);
    return Promise.resolve();
  }
}

export function createLoader(db: Db, spec: WorkTableSpec): BulkLoader {
  return db.raw.engine === 'sqlite'
    ? new SqliteLoader(db as Db & { raw: { engine: 'sqlite' } }, spec)
    : new PostgresLoader(db.raw.pool, spec);
}

const join = (names: string[], prefix = ''): RawBuilder<unknown> =>
  sql.join(names.map((name) => (prefix ? sql.ref(`${prefix}.${name}`) : sql.id(name))));

function keyMatch(key: string[], left: string, right: string): RawBuilder<unknown> {
  return sql.join(
    key.map((column) => sql`${sql.ref(`${left}.${column}`)} = ${sql.ref(`${right}.${column}`)}`),
    sql` and `,
  );
}

/**
 * Removes rows whose key repeats an earlier row of the batch (the first stays) and returns their row
 * numbers, once adding the key found duplicates (isDuplicateKeyError). One statement for both engines.
 */
export async function removeDuplicateKeys(
  db: Kysely<Database>,
  table: string,
  key: string[],
  base: number,
): Promise<{ row: number; key: string }[]> {
  const keyText = sql.join(
    key.map((column) => sql`coalesce(cast(${sql.id(column)} as text), '')`),
    sql` || '|' || `,
  );
  const { rows } = await sql<{ version: number | string; key_text: string }>`
    delete from ${sql.table(table)}
    where _row_version in (
      select w._row_version from ${sql.table(table)} as w
      join (select ${join(key)}, min(_row_version) as first_version from ${sql.table(table)}
            group by ${join(key)} having count(*) > 1) as d
      on ${keyMatch(key, 'w', 'd')} and w._row_version > d.first_version)
    returning _row_version as version, ${keyText} as key_text`.execute(db);
  return rows.map((entry) => ({ row: Number(entry.version) - base, key: entry.key_text }));
}

/**
 * Gives a loaded work table its key: PostgreSQL's primary key; on SQLite, which cannot add a primary
 * key to a table, a unique index (SQLite's primary key on a text key is that very index, under an
 * internal name). Either is built in one sort of the rows. Named after the work table, so that the
 * name stays unique once it is renamed into place; `___key` cannot be `__<column>` of a filter
 * index, because item columns start with a letter.
 */
export async function addWorkKey(
  db: Kysely<Database>,
  engine: Engine,
  table: string,
  key: string[],
): Promise<void> {
  if (engine === 'postgres') {
    await sql`alter table ${sql.table(table)} add primary key (${join(key)})`.execute(db);
  } else {
    await sql`create unique index ${sql.id(`${table}___key`)} on ${sql.table(table)} (${join(key)})`.execute(
      db,
    );
  }
}

/** Whether addWorkKey failed because the rows repeat a key. */
export function isDuplicateKeyError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** Live keys of `main` that the work table also holds: the rows a batch updates (or deletes). */
export async function countMatchingLive(
  db: Kysely<Database>,
  work: string,
  main: string,
  key: string[],
): Promise<number> {
  const { rows } = await sql<{ count: number | string }>`
    select count(*) as count from ${sql.table(work)} as w
    join ${sql.table(main)} as m on ${keyMatch(key, 'w', 'm')} and m._deleted = 0`.execute(db);
  return Number(rows[0]?.count ?? 0);
}

/**
 * Full replace, part 1 (inside the committing transaction): keys that were live and are not in the
 * new data become tombstones with new row versions (the changes feed reports them deleted); old
 * tombstones are carried over unchanged. Returns the number of rows deleted.
 */
export async function carryOverIntoReplacement(
  db: Kysely<Database>,
  options: {
    work: string;
    main: string;
    columns: string[];
    key: string[];
    tombstoneBase: number;
    batchId: string;
    now: string;
  },
): Promise<number> {
  const { work, main, columns, key, tombstoneBase, batchId, now } = options;
  const absent = sql`not exists (select 1 from ${sql.table(work)} as w where ${keyMatch(key, 'w', 'm')})`;
  const deleted = await sql`
    insert into ${sql.table(work)} (${join(columns)}, _row_version, _deleted, _batch_id, _updated_at)
    select ${join(columns, 'm')}, ${tombstoneBase} + row_number() over (order by ${join(key, 'm')}), 1, ${batchId}, ${now}
    from ${sql.table(main)} as m where m._deleted = 0 and ${absent}`.execute(db);
  await sql`
    insert into ${sql.table(work)} (${join(columns)}, _row_version, _deleted, _batch_id, _updated_at)
    select ${join(columns, 'm')}, m._row_version, 1, m._batch_id, m._updated_at
    from ${sql.table(main)} as m where m._deleted = 1 and ${absent}`.execute(db);
  return Number(deleted.numAffectedRows ?? 0);
}

/** Full replace, part 2: the work table takes the resource table's place. */
export async function swapTables(db: Kysely<Database>, work: string, main: string): Promise<void> {
  await sql`drop table ${sql.table(main)}`.execute(db);
  await sql`alter table ${sql.table(work)} rename to ${sql.id(main)}`.execute(db);
}

/** Upsert by key: new keys inserted, existing ones updated in the columns the file carries. */
export async function upsertFromWork(
  db: Kysely<Database>,
  options: { work: string; main: string; columns: string[]; update: string[]; key: string[] },
): Promise<void> {
  const { work, main, columns, update, key } = options;
  const all = [...columns, '_row_version', '_deleted', '_batch_id', '_updated_at'];
  const assignments = sql.join(
    [...update, '_row_version', '_deleted', '_batch_id', '_updated_at'].map(
      (column) => sql`${sql.id(column)} = excluded.${sql.id(column)}`,
    ),
  );
  // `where true` keeps SQLite from reading ON CONFLICT as part of the SELECT's join syntax.
  await sql`
    insert into ${sql.table(main)} (${join(all)})
    select ${join(all)} from ${sql.table(work)} where true
    on conflict (${join(key)}) do update set ${assignments}`.execute(db);
}

/** Delete by key: live rows with a key in the work table become tombstones. Returns how many. */
export async function deleteFromWork(
  db: Kysely<Database>,
  options: { work: string; main: string; key: string[]; batchId: string; now: string },
): Promise<number> {
  const { work, main, key, batchId, now } = options;
  const match = sql.join(
    key.map((column) => sql`${sql.ref(`${main}.${column}`)} = ${sql.ref(`w.${column}`)}`),
    sql` and `,
  );
  const result = await sql`
    update ${sql.table(main)} set _deleted = 1, _row_version = w._row_version,
      _batch_id = ${batchId}, _updated_at = ${now}
    from ${sql.table(work)} as w where ${match} and ${sql.ref(`${main}._deleted`)} = 0`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

export async function dropTableIfExists(db: Kysely<Database>, table: string): Promise<void> {
  await sql`drop table if exists ${sql.table(table)}`.execute(db);
}
