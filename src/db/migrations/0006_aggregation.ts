import type { Kysely } from 'kysely';
import type { DialectInfo } from '../dialect.ts';

// Aggregation (issue 4): ingestion batches and their rejected rows, stored files of non-tabular
// resources, the problem-data loop (R3.5, R3.6) with per-region deadlines, and notifications.
// Released migrations are never edited.
export async function up(db: Kysely<unknown>, dialect: DialectInfo): Promise<void> {
  await db.schema
    .createTable('ingest_batches')
    .addColumn('id', 'varchar(36)', (col) => col.primaryKey())
    .addColumn('resource_id', 'varchar(36)', (col) => col.notNull().references('resources.id'))
    .addColumn('org_id', 'varchar(36)', (col) => col.notNull().references('orgs.id'))
    .addColumn('mode', 'varchar(16)', (col) => col.notNull())
    .addColumn('source', 'varchar(16)', (col) => col.notNull())
    .addColumn('source_name', 'text', (col) => col.notNull())
    .addColumn('format', 'varchar(16)', (col) => col.notNull())
    .addColumn('encoding', 'varchar(16)')
    .addColumn('actor_type', 'varchar(16)', (col) => col.notNull())
    .addColumn('actor_id', 'varchar(36)')
    .addColumn('actor_name', 'text', (col) => col.notNull())
    .addColumn('status', 'varchar(16)', (col) => col.notNull())
    .addColumn('error_code', 'varchar(48)')
    /** JSON {zh, en}. */
    .addColumn('error_message', 'text')
    .addColumn('sha256', 'varchar(64)')
    .addColumn('bytes', 'bigint', (col) => col.notNull().defaultTo(0))
    .addColumn('rows_read', 'bigint', (col) => col.notNull().defaultTo(0))
    .addColumn('rows_inserted', 'bigint', (col) => col.notNull().defaultTo(0))
    .addColumn('rows_updated', 'bigint', (col) => col.notNull().defaultTo(0))
    .addColumn('rows_deleted', 'bigint', (col) => col.notNull().defaultTo(0))
    .addColumn('rows_rejected', 'bigint', (col) => col.notNull().defaultTo(0))
    /** Live rows of the resource after the batch committed. */
    .addColumn('rows_total', 'bigint')
    .addColumn('max_rejected_share', 'double precision', (col) => col.notNull())
    /** JSON per column {filled, empty, invalid} and per validator {checked, invalid}. */
    .addColumn('stats', 'text')
    .addColumn('row_version_from', 'bigint')
    .addColumn('row_version_to', 'bigint')
    .addColumn('started_at', 'varchar(32)', (col) => col.notNull())
    .addColumn('heartbeat_at', 'varchar(32)', (col) => col.notNull())
    .addColumn('finished_at', 'varchar(32)')
    .addColumn('duration_ms', 'bigint')
    /** Which process runs the batch, to tell a crashed batch from a running one. */
    .addColumn('host', 'text', (col) => col.notNull())
    .addColumn('pid', 'integer', (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('ingest_batches_resource')
    .on('ingest_batches')
    .columns(['resource_id', 'started_at'])
    .execute();
  await db.schema
    .createIndex('ingest_batches_status')
    .on('ingest_batches')
    .columns(['status'])
    .execute();

  await db.schema
    .createTable('ingest_rejections')
    .addColumn('batch_id', 'varchar(36)', (col) =>
      col.notNull().references('ingest_batches.id').onDelete('cascade'),
    )
    .addColumn('seq', 'integer', (col) => col.notNull())
    .addColumn('row_number', 'bigint', (col) => col.notNull())
    .addColumn('column_name', 'text')
    .addColumn('value', 'text')
    .addColumn('code', 'varchar(32)', (col) => col.notNull())
    .addColumn('reason_zh', 'text', (col) => col.notNull())
    .addColumn('reason_en', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('ingest_rejections_pk', ['batch_id', 'seq'])
    .execute();

  await db.schema
    .createTable('resource_files')
    .addColumn('id', 'varchar(36)', (col) => col.primaryKey())
    .addColumn('resource_id', 'varchar(36)', (col) => col.notNull().references('resources.id'))
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('file_name', 'text', (col) => col.notNull())
    .addColumn('content_type', 'text', (col) => col.notNull())
    .addColumn('sha256', 'varchar(64)', (col) => col.notNull())
    .addColumn('bytes', 'bigint', (col) => col.notNull())
    .addColumn('batch_id', 'varchar(36)', (col) => col.notNull().references('ingest_batches.id'))
    .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
    .addUniqueConstraint('resource_files_version', ['resource_id', 'version'])
    .execute();

  // R3.5 deadlines for answering problem reports, in working days, set per region.
  await db.schema
    .alterTable('regions')
    .addColumn('problem_reply_days', 'integer', (col) => col.notNull().defaultTo(10))
    .execute();
  await db.schema
    .alterTable('regions')
    .addColumn('problem_urgent_reply_days', 'integer', (col) => col.notNull().defaultTo(2))
    .execute();

  await db.schema
    .createTable('problem_reports')
    .addColumn('id', 'varchar(36)', (col) => col.primaryKey())
    .addColumn('code', 'varchar(32)', (col) => col.notNull().unique())
    .addColumn('resource_id', 'varchar(36)', (col) => col.notNull().references('resources.id'))
    .addColumn('provider_org_id', 'varchar(36)', (col) => col.notNull().references('orgs.id'))
    /** department | provider | public (the open portal, later) | data_subject (R3.6). */
    .addColumn('reporter_kind', 'varchar(16)', (col) => col.notNull())
    .addColumn('reporter_org_id', 'varchar(36)', (col) => col.references('orgs.id'))
    .addColumn('reporter_user_id', 'varchar(36)')
    .addColumn('reporter_name', 'text', (col) => col.notNull())
    .addColumn('reporter_contact', 'text')
    /** error | omission | infringement */
    .addColumn('category', 'varchar(16)', (col) => col.notNull())
    .addColumn('urgency', 'varchar(8)', (col) => col.notNull())
    .addColumn('description', 'text', (col) => col.notNull())
    /** JSON array of key objects of the records concerned; empty for the whole resource. */
    .addColumn('record_keys', 'text', (col) => col.notNull())
    /** open | resolved | reopened | closed */
    .addColumn('status', 'varchar(16)', (col) => col.notNull())
    .addColumn('due_date', 'varchar(10)', (col) => col.notNull())
    /** fixed | confirmed_correct | consultation */
    .addColumn('resolution', 'varchar(24)')
    .addColumn('resolution_note', 'text')
    .addColumn('resolution_batch_id', 'varchar(36)', (col) => col.references('ingest_batches.id'))
    .addColumn('resolved_at', 'varchar(32)')
    .addColumn('resolved_by', 'text')
    .addColumn('reopen_count', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('reopen_reason', 'text')
    .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
    .addColumn('updated_at', 'varchar(32)', (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('problem_reports_provider')
    .on('problem_reports')
    .columns(['provider_org_id', 'status'])
    .execute();
  await db.schema
    .createIndex('problem_reports_reporter')
    .on('problem_reports')
    .columns(['reporter_org_id', 'status'])
    .execute();

  await dialect
    .addAutoIncrementId(db.schema.createTable('notifications'))
    .addColumn('org_id', 'varchar(36)', (col) => col.notNull().references('orgs.id'))
    .addColumn('user_id', 'varchar(36)')
    .addColumn('kind', 'varchar(48)', (col) => col.notNull())
    /** JSON {zh, en}. */
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('link', 'text')
    .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
    .addColumn('read_at', 'varchar(32)')
    .execute();
  await db.schema
    .createIndex('notifications_org')
    .on('notifications')
    .columns(['org_id', 'created_at'])
    .execute();
}
