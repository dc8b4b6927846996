import type { Kysely } from 'kysely';
import type { DialectInfo } from '../dialect.ts';

// The catalog (issue 3). Released migrations are never edited: add a new file instead.
export async function up(db: Kysely<unknown>, dialect: DialectInfo): Promise<void> {
  await db.schema
    .createTable('resources')
    .addColumn('id', 'varchar(36)', (col) => col.primaryKey())
    .addColumn('code', 'varchar(40)', (col) => col.notNull().unique())
    .addColumn('org_id', 'varchar(36)', (col) => col.notNull().references('orgs.id'))
    .addColumn('live_version', 'integer')
    .addColumn('latest_version', 'integer', (col) => col.notNull())
    .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('resources_org_idx').on('resources').column('org_id').execute();

  await db.schema
    .createTable('resource_versions')
    .addColumn('resource_id', 'varchar(36)', (col) => col.notNull().references('resources.id'))
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('status', 'varchar(16)', (col) => col.notNull())
    /** Optimistic concurrency: every save increments it; a save naming an older revision conflicts. */
    .addColumn('revision', 'integer', (col) => col.notNull())
    .addColumn('content', 'text', (col) => col.notNull())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('classification', 'varchar(16)', (col) => col.notNull())
    .addColumn('share_class', 'varchar(16)', (col) => col.notNull())
    .addColumn('open_class', 'varchar(16)', (col) => col.notNull())
    .addColumn('format_category', 'varchar(20)', (col) => col.notNull())
    .addColumn('update_cycle', 'varchar(16)', (col) => col.notNull())
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
    .addColumn('updated_at', 'varchar(32)', (col) => col.notNull())
    .addColumn('submitted_at', 'varchar(32)')
    .addColumn('reviewed_by', 'text')
    .addColumn('reviewed_at', 'varchar(32)')
    .addColumn('review_comment', 'text')
    /** JSON object field path -> reviewer's comment. */
    .addColumn('field_comments', 'text')
    /** JSON array of possible duplicate collections found on submit (一数一源, R3.2). */
    .addColumn('duplicate_flags', 'text')
    .addColumn('published_at', 'varchar(32)')
    .addColumn('withdrawn_at', 'varchar(32)')
    .addColumn('withdraw_reason', 'text')
    .addPrimaryKeyConstraint('resource_versions_pk', ['resource_id', 'version'])
    .execute();
  await db.schema
    .createIndex('resource_versions_status_idx')
    .on('resource_versions')
    .column('status')
    .execute();

  // Items that a published resource declares as the authoritative source of a datum (一数一源, R3.2).
  await db.schema
    .createTable('resource_authoritative_items')
    .addColumn('resource_id', 'varchar(36)', (col) => col.notNull().references('resources.id'))
    .addColumn('item_name', 'text', (col) => col.notNull())
    .addColumn('column_name', 'varchar(64)', (col) => col.notNull())
    .addPrimaryKeyConstraint('resource_authoritative_items_pk', ['resource_id', 'column_name'])
    .execute();
  await db.schema
    .createIndex('resource_authoritative_items_name_idx')
    .on('resource_authoritative_items')
    .column('item_name')
    .execute();

  await db.schema
    .createTable('catalog_sequences')
    .addColumn('prefix', 'varchar(20)', (col) => col.primaryKey())
    .addColumn('last_value', 'integer', (col) => col.notNull())
    .execute();

  // R2.4: a law or duty changed; the department owes a catalog update by the due date.
  await dialect
    .addAutoIncrementId(db.schema.createTable('catalog_triggers'))
    .addColumn('org_id', 'varchar(36)', (col) => col.notNull().references('orgs.id'))
    .addColumn('kind', 'varchar(16)', (col) => col.notNull())
    .addColumn('description', 'text', (col) => col.notNull())
    .addColumn('recorded_at', 'varchar(32)', (col) => col.notNull())
    .addColumn('recorded_by', 'text', (col) => col.notNull())
    .addColumn('due_date', 'varchar(10)', (col) => col.notNull())
    .addColumn('resolved_at', 'varchar(32)')
    .addColumn('resolution', 'text')
    .execute();
  await db.schema
    .createIndex('catalog_triggers_org_idx')
    .on('catalog_triggers')
    .column('org_id')
    .execute();
}
