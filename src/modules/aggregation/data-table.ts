import { sql, type Kysely } from 'kysely';
import type { DialectInfo } from '../../db/dialect.ts';
import type { Database } from '../../db/schema.ts';
import { TABULAR_FORMATS, type DataItemDto, type ResourceContentDto } from '../catalog/model.ts';

/**
 * The typed table of a published tabular resource (issue 4, Data store): one column per data item with
 * the national guide's type, the key items as primary key, an index per queryable item, and system
 * columns for the changes feed. A new catalog version changes the table without losing data: new
 * items become new columns; a changed type or key rebuilds the table and swaps it in, in the
 * publishing transaction.
 *
 * Column names come from the catalog schema (^[a-z][a-z0-9_]{0,62}$), so they are safe identifiers;
 * system columns start with an underscore, which item columns never do.
 */
export const SYSTEM_COLUMNS = ['_row_version', '_deleted', '_batch_id', '_updated_at'] as const;

export function dataTableName(code: string): string {
  return `ds_${code.toLowerCase().replace(/[^a-z0-9]/g, '_')}`;
}

export function isTabular(content: ResourceContentDto): boolean {
  return TABULAR_FORMATS.includes(content.formatCategory) && content.items.some((item) => item.key);
}

/** SQL type of a data item on an engine; dates are ISO text on both, so values compare the same. */
export function columnType(item: DataItemDto, dialect: DialectInfo): string {
  const pg = dialect.engine === 'postgres';
  switch (item.type) {
    case 'C':
      return pg ? `varchar(${item.length ?? 255})` : 'text';
    case 'N':
      return 'numeric';
    case 'Y':
      return pg ? 'numeric(18,2)' : 'numeric';
    case 'D':
      return pg ? 'varchar(10)' : 'text';
    case 'T':
      return pg ? 'varchar(32)' : 'text';
    case 'L':
      return 'integer';
    case 'M':
      return 'text';
    case 'G':
      return pg ? 'bytea' : 'blob';
    case 'B':
      return pg ? 'double precision' : 'real';
    case 'I':
      return 'bigint';
    case 'F':
      return 'real';
  }
}

export interface TableShape {
  columns: Map<string, string>;
  key: string[];
}

function serializeShape(shape: TableShape): string {
  return JSON.stringify({ columns: [...shape.columns], key: shape.key });
}

export function parseShape(text: string): TableShape {
  const parsed = JSON.parse(text) as { columns: [string, string][]; key: string[] };
  return { columns: new Map(parsed.columns), key: parsed.key };
}

function shapeOf(content: ResourceContentDto, dialect: DialectInfo): TableShape {
  return {
    columns: new Map(content.items.map((item) => [item.column, columnType(item, dialect)])),
    key: content.items.filter((item) => item.key).map((item) => item.column),
  };
}

/**
 * Creates a typed table. Ingestion (ingest/bulk.ts) builds a full replacement in a work table with
 * the same DDL, deferring the key and indexes until the rows are in, and names them after the work
 * table so that they stay unique once it is renamed into place. The key is then PostgreSQL's primary
 * key, and on SQLite a unique index (bulk.ts addWorkKey): a SQLite table that a full replace swapped
 * in has its key as a unique index rather than a declared primary key, the same constraint.
 */
export async function createTable(
  db: Kysely<Database>,
  table: string,
  shape: TableShape,
  content: ResourceContentDto,
  options: {
    primaryKey?: boolean;
    indexes?: boolean;
    /**
     * Leave out `_batch_id` and `_updated_at`: a SQLite work table gets them once its rows are in
     * (addBatchColumns), so that the rows do not store them.
     */
    withoutBatchColumns?: boolean;
  } = {},
): Promise<void> {
  const required = new Set(
    content.items.filter((item) => item.required).map((item) => item.column),
  );
  const columns = [...shape.columns].map(([name, type]) =>
    sql.raw(`${name} ${type}${required.has(name) ? ' not null' : ''}`),
  );
  const system = [
    sql.raw('_row_version bigint not null'),
    sql.raw('_deleted integer not null default 0'),
    ...(options.withoutBatchColumns
      ? []
      : [sql.raw('_batch_id varchar(36)'), sql.raw('_updated_at varchar(32) not null')]),
  ];
  const primaryKey =
    options.primaryKey === false
      ? []
      : [sql`primary key (${sql.join(shape.key.map((k) => sql.id(k)))})`];
  await sql`create table ${sql.id(table)} (${sql.join([...columns, ...system, ...primaryKey])})`.execute(
    db,
  );
  if (options.indexes !== false) await createIndexes(db, table, content);
}

/**
 * SQLite: adds `_batch_id` and `_updated_at` to a work table loaded without them (createTable's
 * `withoutBatchColumns`), with the batch's values as their defaults. SQLite adds a column by changing
 * the schema alone: the rows already in keep their records and read the default, so a batch's rows
 * never store these 60 bytes each (a quarter of the pages of a typical table, and of the writes that
 * load them; the same rows in the same columns as far as any query can tell). Rows written later
 * (upserts, tombstones) store their own values as usual.
 */
export async function addBatchColumns(
  db: Kysely<Database>,
  table: string,
  defaults: { batchId: string; now: string },
): Promise<void> {
  await sql`alter table ${sql.id(table)} add column _batch_id varchar(36) default ${sql.lit(defaults.batchId)}`.execute(
    db,
  );
  await sql`alter table ${sql.id(table)} add column _updated_at varchar(32) not null default ${sql.lit(defaults.now)}`.execute(
    db,
  );
}

/** The columns filtered on by equality: queryable items, and the first of a composite key. */
export function filterColumns(content: ResourceContentDto): string[] {
  const key = content.items.filter((item) => item.key).map((item) => item.column);
  const queryable = content.items
    .filter((item) => item.queryable && !item.key)
    .map((item) => item.column);
  return [...(key.length > 1 ? [key[0] as string] : []), ...queryable];
}

/**
 * The row-version index (changes feed) and, per filter column, an index on (column, _deleted,
 * _row_version): a filtered page of live rows in row-version order (the open data API, CKAN's
 * datastore_search, issue 7) and its count then read the index alone, without sorting or visiting
 * the rows.
 */
export async function createIndexes(
  db: Kysely<Database>,
  table: string,
  content: ResourceContentDto,
): Promise<void> {
  await sql`create index ${sql.id(`${table}__rv`)} on ${sql.id(table)} (_row_version)`.execute(db);
  for (const column of filterColumns(content)) {
    await sql`create index ${sql.id(`${table}__${column}`)} on ${sql.id(table)} (${sql.id(column)}, _deleted, _row_version)`.execute(
      db,
    );
  }
}

/** Creates or evolves the typed table of a resource's newly published version. */
export async function ensureDataTable(
  db: Kysely<Database>,
  dialect: DialectInfo,
  resource: { id: string; code: string },
  content: ResourceContentDto,
  now: string,
): Promise<void> {
  if (!isTabular(content)) return;
  const table = dataTableName(resource.code);
  const state = await db
    .selectFrom('resource_data_tables')
    .selectAll()
    .where('resource_id', '=', resource.id)
    .executeTakeFirst();
  if (!state) {
    await createTable(db, table, shapeOf(content, dialect), content);
    await db
      .insertInto('resource_data_tables')
      .values({
        resource_id: resource.id,
        table_name: table,
        schema_version: 1,
        shape: serializeShape(shapeOf(content, dialect)),
        last_row_version: 0,
        row_count: 0,
        updated_at: now,
      })
      .execute();
    return;
  }
  const before = parseShape(state.shape);
  const wanted = shapeOf(content, dialect);
  // Items dropped from the catalog keep their column (and data), nullable, with their old type.
  const after: TableShape = {
    columns: new Map([
      ...wanted.columns,
      ...[...before.columns].filter(([name]) => !wanted.columns.has(name)),
    ]),
    key: wanted.key,
  };
  const changedType = [...after.columns].some(
    ([name, type]) => before.columns.has(name) && before.columns.get(name) !== type,
  );
  const changedKey = after.key.join(',') !== before.key.join(',');
  if (!changedType && !changedKey) {
    // Only added items: new nullable columns keep every existing row.
    for (const [name, type] of after.columns) {
      if (!before.columns.has(name))
        await sql`alter table ${sql.id(table)} add column ${sql.raw(`${name} ${type}`)}`.execute(
          db,
        );
    }
  } else {
    // A type or key change: build the new table, copy what both versions share, swap.
    const staging = `${table}__v${state.schema_version + 1}`;
    await createTable(db, staging, after, content);
    const shared = [...after.columns.keys()].filter((name) => before.columns.has(name));
    const columns = [...shared, ...SYSTEM_COLUMNS].map((name) => sql.id(name));
    const casts = [
      ...shared.map((name) => sql`cast(${sql.id(name)} as ${sql.raw(after.columns.get(name)!)})`),
      ...SYSTEM_COLUMNS.map((name) => sql.id(name)),
    ];
    await sql`insert into ${sql.id(staging)} (${sql.join(columns)}) select ${sql.join(casts)} from ${sql.id(table)}`.execute(
      db,
    );
    await sql`drop table ${sql.id(table)}`.execute(db);
    await sql`alter table ${sql.id(staging)} rename to ${sql.id(table)}`.execute(db);
  }
  await db
    .updateTable('resource_data_tables')
    .set({
      schema_version: state.schema_version + 1,
      shape: serializeShape(after),
      updated_at: now,
    })
    .where('resource_id', '=', resource.id)
    .execute();
}
