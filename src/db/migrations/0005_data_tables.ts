import type { Kysely } from 'kysely';

// Typed tables of published tabular resources (issue 4): which table holds a resource's data, its
// schema version, and the changes cursor. Released migrations are never edited.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('resource_data_tables')
    .addColumn('resource_id', 'varchar(36)', (col) => col.primaryKey().references('resources.id'))
    .addColumn('table_name', 'varchar(63)', (col) => col.notNull().unique())
    .addColumn('schema_version', 'integer', (col) => col.notNull())
    /** JSON {columns: [name, sql type][], key: string[]} of the table as it stands. */
    .addColumn('shape', 'text', (col) => col.notNull())
    .addColumn('last_row_version', 'bigint', (col) => col.notNull())
    .addColumn('row_count', 'bigint', (col) => col.notNull())
    .addColumn('updated_at', 'varchar(32)', (col) => col.notNull())
    .execute();
}
