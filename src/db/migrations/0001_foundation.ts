import type { Kysely } from 'kysely';
import type { DialectInfo } from '../dialect.ts';

// Released migrations are never edited: add a new file instead (docs/ARCHITECTURE.md, invariants).
export async function up(db: Kysely<unknown>, dialect: DialectInfo): Promise<void> {
  await db.schema
    .createTable('regions')
    .addColumn('code', 'varchar(12)', (col) => col.primaryKey())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('level', 'varchar(16)', (col) => col.notNull())
    .addColumn('parent_code', 'varchar(12)', (col) => col.references('regions.code'))
    .addColumn('path', 'text', (col) => col.notNull())
    .addColumn('share_reply_days', 'integer', (col) => col.notNull())
    .addColumn('open_reply_days', 'integer', (col) => col.notNull())
    .addColumn('catalog_update_days', 'integer', (col) => col.notNull())
    .addColumn('share_class_names', 'text', (col) => col.notNull())
    .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
    .addColumn('updated_at', 'varchar(32)', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('orgs')
    .addColumn('id', 'varchar(36)', (col) => col.primaryKey())
    .addColumn('code', 'varchar(64)', (col) => col.notNull().unique())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('kind', 'varchar(16)', (col) => col.notNull())
    .addColumn('region_code', 'varchar(12)', (col) => col.notNull().references('regions.code'))
    .addColumn('credit_code', 'varchar(18)', (col) => col.unique())
    .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
    .addColumn('updated_at', 'varchar(32)', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('orgs_region_idx').on('orgs').column('region_code').execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'varchar(36)', (col) => col.primaryKey())
    .addColumn('username', 'varchar(64)', (col) => col.notNull().unique())
    .addColumn('display_name', 'text', (col) => col.notNull())
    .addColumn('password_hash', 'text', (col) => col.notNull())
    .addColumn('disabled', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
    .addColumn('updated_at', 'varchar(32)', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('memberships')
    .addColumn('user_id', 'varchar(36)', (col) =>
      col.notNull().references('users.id').onDelete('cascade'),
    )
    .addColumn('org_id', 'varchar(36)', (col) => col.notNull().references('orgs.id'))
    .addColumn('role', 'varchar(32)', (col) => col.notNull())
    .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
    .addPrimaryKeyConstraint('memberships_pk', ['user_id', 'org_id', 'role'])
    .execute();
  await db.schema.createIndex('memberships_org_idx').on('memberships').column('org_id').execute();

  await db.schema
    .createTable('sessions')
    .addColumn('token_hash', 'varchar(64)', (col) => col.primaryKey())
    .addColumn('user_id', 'varchar(36)', (col) =>
      col.notNull().references('users.id').onDelete('cascade'),
    )
    .addColumn('csrf_token', 'varchar(64)', (col) => col.notNull())
    .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
    .addColumn('expires_at', 'varchar(32)', (col) => col.notNull())
    .execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'varchar(36)', (col) => col.primaryKey())
    .addColumn('org_id', 'varchar(36)', (col) => col.notNull().references('orgs.id'))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('prefix', 'varchar(16)', (col) => col.notNull())
    .addColumn('secret_hash', 'varchar(64)', (col) => col.notNull().unique())
    .addColumn('expires_at', 'varchar(32)')
    .addColumn('revoked_at', 'varchar(32)')
    .addColumn('revoke_reason', 'text')
    .addColumn('last_used_at', 'varchar(32)')
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('api_tokens_org_idx').on('api_tokens').column('org_id').execute();

  await dialect
    .addAutoIncrementId(db.schema.createTable('audit_events'))
    .addColumn('occurred_at', 'varchar(32)', (col) => col.notNull())
    .addColumn('request_id', 'varchar(64)', (col) => col.notNull())
    .addColumn('actor_type', 'varchar(16)', (col) => col.notNull())
    .addColumn('actor_id', 'varchar(36)')
    .addColumn('actor_name', 'text', (col) => col.notNull())
    .addColumn('org_id', 'varchar(36)')
    .addColumn('action', 'varchar(64)', (col) => col.notNull())
    .addColumn('target', 'text')
    .addColumn('outcome', 'varchar(16)', (col) => col.notNull())
    .addColumn('details', 'text', (col) => col.notNull())
    .execute();
  await db.schema.createIndex('audit_events_org_idx').on('audit_events').column('org_id').execute();

  await dialect
    .addAutoIncrementId(db.schema.createTable('login_failures'))
    .addColumn('throttle_key', 'text', (col) => col.notNull())
    .addColumn('attempted_at', 'varchar(32)', (col) => col.notNull())
    .execute();
  await db.schema
    .createIndex('login_failures_key_idx')
    .on('login_failures')
    .columns(['throttle_key', 'attempted_at'])
    .execute();

  await db.schema
    .createTable('calendar_overrides')
    .addColumn('region_code', 'varchar(12)', (col) => col.notNull())
    .addColumn('date', 'varchar(10)', (col) => col.notNull())
    .addColumn('working', 'integer', (col) => col.notNull())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
    .addPrimaryKeyConstraint('calendar_overrides_pk', ['region_code', 'date'])
    .execute();

  await db.schema
    .createTable('calendar_years')
    .addColumn('year', 'integer', (col) => col.primaryKey())
    .addColumn('note', 'text', (col) => col.notNull())
    .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
    .execute();
}
