import { sql, type Kysely } from 'kysely';
import type { DialectInfo } from '../dialect.ts';

// The open data portal (issue 7, REQUIREMENTS section 5 and R1.3): public accounts, their sessions and
// API keys, versioned data use agreements, applications for conditional data, requests for data not
// in the open catalog, the application showcase, and the record of every open download and API call.
// Released migrations are never edited.
export async function up(db: Kysely<unknown>, dialect: DialectInfo): Promise<void> {
  const bytes = dialect.engine === 'sqlite' ? 'blob' : 'bytea';

  await db.schema
    .createTable('open_accounts')
    .addColumn('id', 'varchar(36)', (col) => col.primaryKey())
    .addColumn('username', 'varchar(64)', (col) => col.notNull().unique())
    .addColumn('password_hash', 'text', (col) => col.notNull())
    /** individual | organisation (R1.3). */
    .addColumn('kind', 'varchar(16)', (col) => col.notNull())
    .addColumn('display_name', 'text', (col) => col.notNull())
    .addColumn('email', 'text', (col) => col.notNull())
    .addColumn('phone', 'text')
    .addColumn('org_name', 'text')
    .addColumn('credit_code', 'varchar(18)')
    /** verified | pending | rejected */
    .addColumn('verification', 'varchar(16)', (col) => col.notNull())
    .addColumn('verification_note', 'text')
    .addColumn('verified_by', 'text')
    .addColumn('verified_at', 'varchar(32)')
    .addColumn('disabled', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
    .addColumn('updated_at', 'varchar(32)', (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('open_accounts_verification')
    .on('open_accounts')
    .columns(['verification', 'created_at'])
    .execute();

  await db.schema
    .createTable('open_sessions')
    .addColumn('token_hash', 'varchar(64)', (col) => col.primaryKey())
    .addColumn('account_id', 'varchar(36)', (col) => col.notNull().references('open_accounts.id'))
    .addColumn('csrf_token', 'varchar(64)', (col) => col.notNull())
    .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
    .addColumn('expires_at', 'varchar(32)', (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('open_sessions_account')
    .on('open_sessions')
    .column('account_id')
    .execute();

  await db.schema
    .createTable('open_api_keys')
    .addColumn('id', 'varchar(36)', (col) => col.primaryKey())
    .addColumn('account_id', 'varchar(36)', (col) => col.notNull().references('open_accounts.id'))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('secret_hash', 'varchar(64)', (col) => col.notNull().unique())
    /** The first characters of the secret, so that a user can tell keys apart. */
    .addColumn('prefix', 'varchar(16)', (col) => col.notNull())
    .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
    .addColumn('last_used_at', 'varchar(32)')
    .addColumn('revoked_at', 'varchar(32)')
    .execute();
  await db.schema
    .createIndex('open_api_keys_account')
    .on('open_api_keys')
    .column('account_id')
    .execute();

  await db.schema
    .createTable('open_agreements')
    .addColumn('version', 'integer', (col) => col.primaryKey())
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('body', 'text', (col) => col.notNull())
    /** Hex SHA-256 of the body: an acceptance names exactly this text. */
    .addColumn('body_sha256', 'varchar(64)', (col) => col.notNull())
    .addColumn('published_by', 'text', (col) => col.notNull())
    .addColumn('published_at', 'varchar(32)', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('open_applications')
    .addColumn('id', 'varchar(36)', (col) => col.primaryKey())
    .addColumn('code', 'varchar(32)', (col) => col.notNull().unique())
    .addColumn('account_id', 'varchar(36)', (col) => col.notNull().references('open_accounts.id'))
    .addColumn('resource_id', 'varchar(36)', (col) => col.notNull().references('resources.id'))
    .addColumn('provider_org_id', 'varchar(36)', (col) => col.notNull().references('orgs.id'))
    .addColumn('purpose', 'text', (col) => col.notNull())
    .addColumn('measures', 'text', (col) => col.notNull())
    .addColumn('period_from', 'varchar(10)', (col) => col.notNull())
    .addColumn('period_to', 'varchar(10)', (col) => col.notNull())
    .addColumn('agreement_version', 'integer', (col) =>
      col.notNull().references('open_agreements.version'),
    )
    .addColumn('agreement_accepted_at', 'varchar(32)', (col) => col.notNull())
    /** pending | approved | refused | withdrawn */
    .addColumn('status', 'varchar(16)', (col) => col.notNull())
    .addColumn('due_date', 'varchar(10)', (col) => col.notNull())
    .addColumn('decided_at', 'varchar(32)')
    .addColumn('decided_by', 'text')
    .addColumn('reasons', 'text')
    /** Last day of access when approved (inclusive, China time). */
    .addColumn('valid_to', 'varchar(10)')
    .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
    .addColumn('updated_at', 'varchar(32)', (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('open_applications_account')
    .on('open_applications')
    .columns(['account_id', 'resource_id'])
    .execute();
  await db.schema
    .createIndex('open_applications_provider')
    .on('open_applications')
    .columns(['provider_org_id', 'status'])
    .execute();

  await db.schema
    .createTable('open_requests')
    .addColumn('id', 'varchar(36)', (col) => col.primaryKey())
    .addColumn('code', 'varchar(32)', (col) => col.notNull().unique())
    .addColumn('account_id', 'varchar(36)', (col) => col.notNull().references('open_accounts.id'))
    .addColumn('org_id', 'varchar(36)', (col) => col.notNull().references('orgs.id'))
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('description', 'text', (col) => col.notNull())
    .addColumn('purpose', 'text', (col) => col.notNull())
    .addColumn('confidentiality', 'text', (col) => col.notNull())
    /** pending | provided | refused | disputed | ruled */
    .addColumn('status', 'varchar(16)', (col) => col.notNull())
    .addColumn('due_date', 'varchar(10)', (col) => col.notNull())
    .addColumn('answer', 'text')
    .addColumn('reasons', 'text')
    .addColumn('resource_code', 'varchar(64)')
    .addColumn('answered_at', 'varchar(32)')
    .addColumn('answered_by', 'text')
    .addColumn('dispute_reason', 'text')
    .addColumn('disputed_at', 'varchar(32)')
    /** provide | refuse: the authority's ruling (R5.6), binding both sides. */
    .addColumn('ruling', 'varchar(16)')
    .addColumn('ruling_reasons', 'text')
    .addColumn('ruled_at', 'varchar(32)')
    .addColumn('ruled_by', 'text')
    .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
    .addColumn('updated_at', 'varchar(32)', (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('open_requests_org')
    .on('open_requests')
    .columns(['org_id', 'status'])
    .execute();
  await db.schema
    .createIndex('open_requests_account')
    .on('open_requests')
    .column('account_id')
    .execute();

  await db.schema
    .createTable('open_showcase')
    .addColumn('id', 'varchar(36)', (col) => col.primaryKey())
    .addColumn('account_id', 'varchar(36)', (col) => col.notNull().references('open_accounts.id'))
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('description', 'text', (col) => col.notNull())
    .addColumn('url', 'text', (col) => col.notNull())
    /** JSON array of dataset codes. */
    .addColumn('dataset_codes', 'text', (col) => col.notNull())
    .addColumn('image', bytes)
    .addColumn('image_type', 'varchar(32)')
    /** pending | approved | rejected */
    .addColumn('status', 'varchar(16)', (col) => col.notNull())
    .addColumn('moderation_note', 'text')
    .addColumn('moderated_by', 'text')
    .addColumn('moderated_at', 'varchar(32)')
    .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('open_showcase_status')
    .on('open_showcase')
    .columns(['status', 'created_at'])
    .execute();

  // Who took what (R5.9): one row per open download, API call and CKAN datastore call, written in
  // the transaction of its audit event (and so its ledger entry).
  await dialect
    .addAutoIncrementId(db.schema.createTable('open_access_log'))
    .addColumn('occurred_at', 'varchar(32)', (col) => col.notNull())
    .addColumn('account_id', 'varchar(36)')
    .addColumn('key_id', 'varchar(36)')
    .addColumn('resource_id', 'varchar(36)', (col) => col.notNull())
    .addColumn('resource_code', 'varchar(64)', (col) => col.notNull())
    .addColumn('org_id', 'varchar(36)', (col) => col.notNull())
    /** download | api | preview */
    .addColumn('channel', 'varchar(16)', (col) => col.notNull())
    .addColumn('format', 'varchar(16)')
    .addColumn('row_count', 'integer', (col) => col.notNull())
    .addColumn('request_id', 'text', (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('open_access_log_account')
    .on('open_access_log')
    .columns(['account_id', 'id'])
    .execute();

  // Usage counters per dataset and China-time day, for statistics pages that stay fast however long
  // the access log grows.
  await db.schema
    .createTable('open_usage_daily')
    .addColumn('resource_id', 'varchar(36)', (col) => col.notNull())
    .addColumn('day', 'varchar(10)', (col) => col.notNull())
    .addColumn('org_id', 'varchar(36)', (col) => col.notNull())
    .addColumn('downloads', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('api_calls', 'integer', (col) => col.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('open_usage_daily_pk', ['resource_id', 'day'])
    .execute();
  await db.schema
    .createIndex('open_usage_daily_day')
    .on('open_usage_daily')
    .column('day')
    .execute();
  // Typed tables made before this version: their filter indexes become (column, _deleted,
  // _row_version), as data-table.ts now creates them, so that filtered pages and counts of the open
  // data API read the index alone. Written out here: a migration must not change with later code.
  const tables = await sql<{ table_name: string; content: string }>`
    select t.table_name, v.content from resource_data_tables t
    join resources r on r.id = t.resource_id
    join resource_versions v on v.resource_id = r.id and v.version = r.live_version`.execute(db);
  for (const { table_name: table, content } of tables.rows) {
    const items = (
      JSON.parse(content) as { items: { column: string; key: boolean; queryable: boolean }[] }
    ).items;
    const key = items.filter((item) => item.key).map((item) => item.column);
    const columns = [
      ...(key.length > 1 ? [key[0] as string] : []),
      ...items.filter((item) => item.queryable && !item.key).map((item) => item.column),
    ];
    for (const column of columns) {
      await sql`drop index if exists ${sql.id(`${table}__${column}`)}`.execute(db);
      await sql`create index ${sql.id(`${table}__${column}`)} on ${sql.id(table)} (${sql.id(column)}, _deleted, _row_version)`.execute(
        db,
      );
    }
  }

  // A public account's feedback (R5.7) is found by its reporter.
  await db.schema
    .createIndex('problem_reports_reporter_user')
    .on('problem_reports')
    .column('reporter_user_id')
    .execute();
}
