import { sql, type Kysely } from 'kysely';
import type { DialectInfo } from '../dialect.ts';

// Catalog search (issue 3): one row per live catalog entry with its facets, plus the engine's
// full-text index (db/dialect.ts). Released migrations are never edited.
export async function up(db: Kysely<unknown>, dialect: DialectInfo): Promise<void> {
  await dialect
    .addAutoIncrementId(db.schema.createTable('resource_search'))
    .addColumn('resource_id', 'varchar(36)', (col) =>
      col.notNull().unique().references('resources.id'),
    )
    .addColumn('code', 'varchar(40)', (col) => col.notNull())
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('org_id', 'varchar(36)', (col) => col.notNull())
    .addColumn('org_code', 'varchar(64)', (col) => col.notNull())
    .addColumn('org_name', 'text', (col) => col.notNull())
    .addColumn('region_path', 'text', (col) => col.notNull())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('summary', 'text', (col) => col.notNull())
    .addColumn('classification', 'varchar(16)', (col) => col.notNull())
    .addColumn('share_class', 'varchar(16)', (col) => col.notNull())
    .addColumn('open_class', 'varchar(16)', (col) => col.notNull())
    .addColumn('format_category', 'varchar(20)', (col) => col.notNull())
    .addColumn('update_cycle', 'varchar(16)', (col) => col.notNull())
    .addColumn('published_at', 'varchar(32)', (col) => col.notNull())
    /** Space-separated domains, for the in-memory facet index (resource_search_domains serves SQL). */
    .addColumn('domains', 'text', (col) => col.notNull())
    .execute();
  // Bumped with every change to the index, so each process knows when to reload its facet index.
  await db.schema
    .createTable('resource_search_state')
    .addColumn('id', 'integer', (col) => col.primaryKey())
    .addColumn('version', 'integer', (col) => col.notNull())
    .execute();
  await sql`insert into resource_search_state (id, version) values (1, 0)`.execute(db);
  for (const column of [
    'org_code',
    'classification',
    'share_class',
    'open_class',
    'format_category',
    'update_cycle',
    'published_at',
  ]) {
    await db.schema
      .createIndex(`resource_search_${column}_idx`)
      .on('resource_search')
      .column(column)
      .execute();
  }
  await db.schema
    .createTable('resource_search_domains')
    .addColumn('doc_id', 'integer', (col) => col.notNull())
    .addColumn('domain', 'varchar(32)', (col) => col.notNull())
    .addPrimaryKeyConstraint('resource_search_domains_pk', ['doc_id', 'domain'])
    .execute();
  await db.schema
    .createIndex('resource_search_domains_domain_idx')
    .on('resource_search_domains')
    .columns(['domain', 'doc_id'])
    .execute();
  await dialect.search.createIndex(db);
}
