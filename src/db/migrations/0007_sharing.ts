import type { Kysely } from 'kysely';
import type { DialectInfo } from '../dialect.ts';

// Sharing (issue 5, REQUIREMENTS section 4): grants (default deny), conditional share requests on the
// working-day clock, disputes, authorized scenarios, emergencies, and the access log of the data API.
// Released migrations are never edited.
export async function up(db: Kysely<unknown>, dialect: DialectInfo): Promise<void> {
  await db.schema
    .createTable('share_scenarios')
    .addColumn('id', 'varchar(36)', (col) => col.primaryKey())
    .addColumn('code', 'varchar(32)', (col) => col.notNull().unique())
    /** The authority that authorized it (R4.5). */
    .addColumn('authority_org_id', 'varchar(36)', (col) => col.notNull().references('orgs.id'))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('description', 'text', (col) => col.notNull())
    .addColumn('purpose', 'text', (col) => col.notNull())
    /** JSON array of {resourceId, items[], operations[]}. */
    .addColumn('resources', 'text', (col) => col.notNull())
    /** JSON array of eligible consumer organisation ids. */
    .addColumn('consumer_org_ids', 'text', (col) => col.notNull())
    /** active | retired */
    .addColumn('status', 'varchar(16)', (col) => col.notNull())
    .addColumn('valid_to', 'varchar(32)')
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
    .addColumn('updated_at', 'varchar(32)', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('share_emergencies')
    .addColumn('id', 'varchar(36)', (col) => col.primaryKey())
    .addColumn('code', 'varchar(32)', (col) => col.notNull().unique())
    .addColumn('authority_org_id', 'varchar(36)', (col) => col.notNull().references('orgs.id'))
    /** natural_disaster | accident | public_health | social_security (R4.10). */
    .addColumn('type', 'varchar(24)', (col) => col.notNull())
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('area', 'text', (col) => col.notNull())
    .addColumn('starts_at', 'varchar(32)', (col) => col.notNull())
    .addColumn('planned_end_at', 'varchar(32)', (col) => col.notNull())
    .addColumn('ended_at', 'varchar(32)')
    .addColumn('end_note', 'text')
    /** JSON array of {resourceId, items[]}. */
    .addColumn('resources', 'text', (col) => col.notNull())
    .addColumn('responder_org_ids', 'text', (col) => col.notNull())
    .addColumn('declared_by', 'text', (col) => col.notNull())
    .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('share_requests')
    .addColumn('id', 'varchar(36)', (col) => col.primaryKey())
    .addColumn('code', 'varchar(32)', (col) => col.notNull().unique())
    .addColumn('consumer_org_id', 'varchar(36)', (col) => col.notNull().references('orgs.id'))
    .addColumn('provider_org_id', 'varchar(36)', (col) => col.notNull().references('orgs.id'))
    .addColumn('resource_id', 'varchar(36)', (col) => col.notNull().references('resources.id'))
    /** JSON array of item columns asked for. */
    .addColumn('items', 'text', (col) => col.notNull())
    .addColumn('operations', 'text', (col) => col.notNull())
    .addColumn('purpose', 'text', (col) => col.notNull())
    .addColumn('scenario', 'text', (col) => col.notNull())
    .addColumn('business_process', 'text', (col) => col.notNull())
    .addColumn('legal_basis', 'text', (col) => col.notNull())
    .addColumn('period_from', 'varchar(10)', (col) => col.notNull())
    .addColumn('period_to', 'varchar(10)', (col) => col.notNull())
    .addColumn('delivery_method', 'varchar(16)', (col) => col.notNull())
    .addColumn('contact_name', 'text', (col) => col.notNull())
    .addColumn('contact_phone', 'text', (col) => col.notNull())
    /** The system (token) the grant is for, if the consumer named one. */
    .addColumn('token_id', 'varchar(36)', (col) => col.references('api_tokens.id'))
    /** pending | approved | refused | disputed | decided | withdrawn */
    .addColumn('status', 'varchar(16)', (col) => col.notNull())
    .addColumn('due_date', 'varchar(10)', (col) => col.notNull())
    .addColumn('decided_at', 'varchar(32)')
    .addColumn('decided_by', 'text')
    .addColumn('decision_note', 'text')
    .addColumn('refusal_reason', 'text')
    .addColumn('refusal_legal_basis', 'text')
    .addColumn('scenario_id', 'varchar(36)', (col) => col.references('share_scenarios.id'))
    .addColumn('grant_id', 'varchar(36)')
    .addColumn('reminded_at', 'varchar(32)')
    .addColumn('escalated_at', 'varchar(32)')
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
    .addColumn('updated_at', 'varchar(32)', (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('share_requests_provider')
    .on('share_requests')
    .columns(['provider_org_id', 'status'])
    .execute();
  await db.schema
    .createIndex('share_requests_consumer')
    .on('share_requests')
    .columns(['consumer_org_id', 'status'])
    .execute();

  await db.schema
    .createTable('share_disputes')
    .addColumn('id', 'varchar(36)', (col) => col.primaryKey())
    .addColumn('code', 'varchar(32)', (col) => col.notNull().unique())
    /** refusal (of a request) | none_class (a resource not shared) (R4.6). */
    .addColumn('kind', 'varchar(16)', (col) => col.notNull())
    .addColumn('request_id', 'varchar(36)', (col) => col.references('share_requests.id'))
    .addColumn('consumer_org_id', 'varchar(36)', (col) => col.notNull().references('orgs.id'))
    .addColumn('provider_org_id', 'varchar(36)', (col) => col.notNull().references('orgs.id'))
    .addColumn('resource_id', 'varchar(36)', (col) => col.notNull().references('resources.id'))
    .addColumn('items', 'text', (col) => col.notNull())
    .addColumn('operations', 'text', (col) => col.notNull())
    .addColumn('purpose', 'text', (col) => col.notNull())
    .addColumn('legal_basis', 'text', (col) => col.notNull())
    .addColumn('argument', 'text', (col) => col.notNull())
    .addColumn('period_to', 'varchar(10)', (col) => col.notNull())
    /** open | granted | refused */
    .addColumn('status', 'varchar(16)', (col) => col.notNull())
    .addColumn('provider_statement', 'text')
    .addColumn('decided_at', 'varchar(32)')
    .addColumn('decided_by', 'text')
    .addColumn('decision_reason', 'text')
    .addColumn('decision_legal_basis', 'text')
    .addColumn('grant_id', 'varchar(36)')
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
    .addColumn('updated_at', 'varchar(32)', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('share_grants')
    .addColumn('id', 'varchar(36)', (col) => col.primaryKey())
    .addColumn('consumer_org_id', 'varchar(36)', (col) => col.notNull().references('orgs.id'))
    /** One named system of the consumer, or null for any of its tokens. */
    .addColumn('token_id', 'varchar(36)', (col) => col.references('api_tokens.id'))
    .addColumn('provider_org_id', 'varchar(36)', (col) => col.notNull().references('orgs.id'))
    .addColumn('resource_id', 'varchar(36)', (col) => col.notNull().references('resources.id'))
    /** JSON array of granted item columns. */
    .addColumn('items', 'text', (col) => col.notNull())
    /** JSON object item column -> masking rule. */
    .addColumn('masking', 'text', (col) => col.notNull())
    /** JSON array of lookup | verify | export | analysis. */
    .addColumn('operations', 'text', (col) => col.notNull())
    .addColumn('purpose', 'text', (col) => col.notNull())
    .addColumn('scenario', 'text', (col) => col.notNull())
    .addColumn('legal_basis', 'text', (col) => col.notNull())
    .addColumn('valid_from', 'varchar(32)', (col) => col.notNull())
    .addColumn('valid_to', 'varchar(32)')
    .addColumn('rate_limit_per_minute', 'integer', (col) => col.notNull())
    /** direct | request | scenario | dispute | emergency | authority */
    .addColumn('origin', 'varchar(16)', (col) => col.notNull())
    .addColumn('request_id', 'varchar(36)', (col) => col.references('share_requests.id'))
    .addColumn('scenario_id', 'varchar(36)', (col) => col.references('share_scenarios.id'))
    .addColumn('dispute_id', 'varchar(36)', (col) => col.references('share_disputes.id'))
    .addColumn('emergency_id', 'varchar(36)', (col) => col.references('share_emergencies.id'))
    .addColumn('approved_by', 'text', (col) => col.notNull())
    .addColumn('approved_at', 'varchar(32)', (col) => col.notNull())
    /** Secret of the export watermark: HMAC key of each exported row's fingerprint. */
    .addColumn('watermark_key', 'varchar(64)', (col) => col.notNull())
    .addColumn('revoked_at', 'varchar(32)')
    .addColumn('revoked_by', 'text')
    .addColumn('revoke_reason', 'text')
    .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('share_grants_consumer')
    .on('share_grants')
    .columns(['consumer_org_id', 'resource_id'])
    .execute();
  await db.schema
    .createIndex('share_grants_provider')
    .on('share_grants')
    .columns(['provider_org_id', 'resource_id'])
    .execute();

  // Every data API call, allowed or denied (issue 5: feeds usage statistics, misuse detection and
  // the ledger). No foreign keys: a refused call may name a grant or resource that does not exist.
  await dialect
    .addAutoIncrementId(db.schema.createTable('share_access_log'))
    .addColumn('occurred_at', 'varchar(32)', (col) => col.notNull())
    .addColumn('request_id', 'varchar(64)', (col) => col.notNull())
    .addColumn('token_id', 'varchar(36)')
    .addColumn('system_name', 'text')
    .addColumn('consumer_org_id', 'varchar(36)')
    .addColumn('grant_id', 'varchar(64)')
    .addColumn('provider_org_id', 'varchar(36)')
    .addColumn('resource_code', 'varchar(48)')
    .addColumn('operation', 'varchar(16)', (col) => col.notNull())
    .addColumn('purpose', 'text')
    .addColumn('end_user', 'text')
    .addColumn('case_ref', 'text')
    .addColumn('emergency_id', 'varchar(36)')
    .addColumn('status', 'integer', (col) => col.notNull())
    .addColumn('error_code', 'varchar(48)')
    .addColumn('row_count', 'integer', (col) => col.notNull())
    /** JSON array of the item columns returned. */
    .addColumn('fields', 'text')
    .addColumn('response_digest', 'varchar(64)')
    .addColumn('duration_ms', 'double precision', (col) => col.notNull())
    .addColumn('client_ip', 'varchar(64)')
    .execute();
  // Two indexes only: every lookup appends a row, and each index is a B-tree to maintain. Usage by
  // organisation scans the time range.
  await db.schema
    .createIndex('share_access_log_grant')
    .on('share_access_log')
    .columns(['grant_id', 'occurred_at'])
    .execute();
  await db.schema
    .createIndex('share_access_log_time')
    .on('share_access_log')
    .columns(['occurred_at'])
    .execute();
}
