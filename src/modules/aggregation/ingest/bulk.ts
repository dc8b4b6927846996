import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Db } from '../../../db/database.ts';
import type { Database } from '../../../db/schema.ts';

/**
 * Bulk loading of checked rows into a batch's work table, as fast as each engine allows (issue 4,
 * Benchmark): better-sqlite3 prepared statements in chunked transactions on SQLite (duplicate keys
 * caught by the primary key as they arrive), `COPY ... FROM STDIN` on PostgreSQL (no primary key
 * during the copy; duplicates found afterwards in SQL). Rows never reach the resource's table here:
 * that happens in one transaction in pipeline.ts, so a crash leaves only a work table to drop.
 */
export interface BulkLoader {
  /**
   * Writes a chunk from the parsing worker: `rows` are the row numbers, `payload` the rows as UTF-8
   * text (a JSON array of values per line for SQLite, COPY text for PostgreSQL). Returns the rows
   * refused as duplicate keys (SQLite; PostgreSQL finds them after the load, see
   * removeDuplicateKeys).
   */
  write(rows: number[], payload: Uint8Array): Promise<{ row: number; key: string }[]>;
  /** Ends the load. */
  finish(): Promise<void>;
  /** Abandons the load (error paths). */
  abort(): Promise<void>;
}

export interface WorkTableSpec {
  table: string;
  columns: string[];
  /** Positions of the key columns in `columns`. */
  keyIndexes: number[];
  /** Positions of binary (G) columns, which cross from the worker as marked base64 strings. */
  binaryIndexes: number[];
  batchId: string;
  /** Row versions are `base + row number`: unique, increasing, gaps where rows were rejected. */
  base: number;
  now: string;
}

const SYSTEM_INSERT_COLUMNS = ['_row_version', '_deleted', '_batch_id', '_updated_at'];
const BINARY_MARK = '\u0000b64:';

function quoted(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

class SqliteLoader implements BulkLoader {
  private readonly statement;

  constructor(
    private readonly db: Db & { raw: { engine: 'sqlite' } },
    private readonly spec: WorkTableSpec,
  ) {
    // The work table's defaults fill _deleted, _batch_id and _updated_at (pipeline.ts).
    const columns = [...spec.columns, '_row_version'];
    this.statement = db.raw.sqlite.prepare(
      `insert or ignore into ${quoted(spec.table)} (${columns.map(quoted).join(', ')}) values (${columns.map(() => '?').join(', ')})`,
    );
  }

  async write(rows: number[], payload: Uint8Array): Promise<{ row: number; key: string }[]> {
    const text = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
    const duplicates: { row: number; key: string }[] = [];
    const { base, keyIndexes, binaryIndexes } = this.spec;
    const statement = this.statement;
    // Holding Kysely's single connection keeps every other query out of this transaction.
    await this.db.kysely.connection().execute(() => {
      this.db.raw.sqlite.transaction(() => {
        // Parsed a line at a time: one row's values are alive at once, never the chunk's.
        let start = 0;
        for (let index = 0; index < rows.length; index += 1) {
          const row = rows[index]!;
          const end = text.indexOf(10, start);
          const cells = JSON.parse(text.toString('utf8', start, end)) as unknown[];
          start = end + 1;
          for (const binary of binaryIndexes) {
            const cell = cells[binary];
            if (typeof cell === 'string' && cell.startsWith(BINARY_MARK))
              cells[binary] = Buffer.from(cell.slice(BINARY_MARK.length), 'base64');
          }
          cells.push(base + row);
          const result = statement.run(cells);
          if (result.changes === 0)
            duplicates.push({ row, key: keyIndexes.map((key) => String(cells[key])).join('|') });
        }
      })();
      return Promise.resolve();
    });
    return duplicates;
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

  async write(_rows: number[], payload: Uint8Array): Promise<{ row: number; key: string }[]> {
    const stream = await this.open();
    if (this.failure) throw this.failure;
    const bytes = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
    if (!stream.write(bytes)) await Promise.race([once(stream, 'drain'), once(stream, 'error')]);
    if (this.failure) throw this.failure as Error;
    return [];
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
 * PostgreSQL: removes rows whose key repeats an earlier row of the batch (the first stays) and
 * returns their row numbers. SQLite refused them on insert already.
 */
export async function removeDuplicateKeys(
  db: Kysely<Database>,
  table: string,
  key: string[],
  base: number,
): Promise<{ row: number; key: string }[]> {
  const keyText = sql.join(
    key.map((column) => sql`coalesce(cast(${sql.ref(`w.${column}`)} as text), '')`),
    sql` || '|' || `,
  );
  const { rows } = await sql<{ version: number | string; key_text: string }>`
    delete from ${sql.table(table)} as w
    using (select ${join(key)}, min(_row_version) as first_version from ${sql.table(table)}
           group by ${join(key)} having count(*) > 1) as d
    where ${keyMatch(key, 'w', 'd')} and w._row_version > d.first_version
    returning w._row_version as version, ${keyText} as key_text`.execute(db);
  return rows.map((entry) => ({ row: Number(entry.version) - base, key: entry.key_text }));
}

export async function addPrimaryKey(
  db: Kysely<Database>,
  table: string,
  key: string[],
): Promise<void> {
  await sql`alter table ${sql.table(table)} add primary key (${join(key)})`.execute(db);
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
