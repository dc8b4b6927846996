import type { ColumnDataType, CreateTableBuilder, Kysely } from 'kysely';
import { sql } from 'kysely';

/**
 * Everything that differs between SQLite and PostgreSQL lives here (the atproto PDS pattern): the rest
 * of the code writes one query for both engines.
 */
export type Engine = 'sqlite' | 'postgres';

export interface DialectInfo {
  engine: Engine;
  /** Column type of an auto-incrementing 64-bit primary key. */
  autoIncrementType: ColumnDataType;
  /** Adds an auto-incrementing primary key column named `id`. */
  addAutoIncrementId<T extends string>(
    table: CreateTableBuilder<T, never>,
  ): CreateTableBuilder<T, 'id'>;
  /** Case-insensitive substring filter operator. */
  likeOperator: 'like' | 'ilike';
  /** Checks that the engine answers. */
  ping(db: Kysely<unknown>): Promise<void>;
}

export function dialectFor(engine: Engine): DialectInfo {
  if (engine === 'sqlite') {
    return {
      engine,
      autoIncrementType: 'integer',
      addAutoIncrementId: (table) =>
        table.addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement()),
      likeOperator: 'like',
      ping: async (db) => {
        await sql`select 1`.execute(db);
      },
    };
  }
  return {
    engine,
    autoIncrementType: 'bigint',
    addAutoIncrementId: (table) => table.addColumn('id', 'bigserial', (col) => col.primaryKey()),
    likeOperator: 'ilike',
    ping: async (db) => {
      await sql`select 1`.execute(db);
    },
  };
}
