import { sql, type Kysely } from 'kysely';
import type { DialectInfo } from '../dialect.ts';

// The tamper-evident ledger (issue 6, R6.2, R5.9): every audit event and data access as a leaf of an
// RFC 6962 Merkle tree, its complete-subtree hashes, signed checkpoints and witness cosignatures.
// Released migrations are never edited.
export async function up(db: Kysely<unknown>, dialect: DialectInfo): Promise<void> {
  const integerKey = dialect.engine === 'sqlite' ? 'integer' : 'bigint';
  const bytes = dialect.engine === 'sqlite' ? 'blob' : 'bytea';

  await dialect
    .addAutoIncrementId(db.schema.createTable('ledger_events'))
    /** audit (audit_events) or access (share_access_log). */
    .addColumn('kind', 'varchar(16)', (col) => col.notNull())
    .addColumn('source_id', integerKey, (col) => col.notNull())
    .addColumn('event_type', 'varchar(64)', (col) => col.notNull())
    .addColumn('occurred_at', 'varchar(32)', (col) => col.notNull())
    /** The organisations the event concerns (actor's and provider's), for entitlement. */
    .addColumn('org_id', 'varchar(36)')
    .addColumn('other_org_id', 'varchar(36)')
    /** What the event is about (resource or catalog entry code, grant id ...), for tracing. */
    .addColumn('target', 'text')
    /** The full event, canonical JSON (RFC 8785), personal identifiers keyed-hashed. */
    .addColumn('body', 'text', (col) => col.notNull())
    /** Hex SHA-256 of body; the leaf commits to it. */
    .addColumn('digest', 'varchar(64)', (col) => col.notNull())
    /** Position in the tree; null until the sequencer appends it. */
    .addColumn('leaf_index', integerKey, (col) => col.unique())
    .execute();
  // The sequencer's queue: only unsequenced events are in this index.
  await sql`create index ledger_events_pending on ledger_events (id) where leaf_index is null`.execute(
    db,
  );
  await db.schema
    .createIndex('ledger_events_target')
    .on('ledger_events')
    .column('target')
    .execute();
  await db.schema.createIndex('ledger_events_org').on('ledger_events').column('org_id').execute();

  // Hash of every complete subtree, keyed by level * 2^40 + index (modules/ledger/merkle.ts).
  await db.schema
    .createTable('ledger_hashes')
    .addColumn('id', integerKey, (col) => col.primaryKey())
    .addColumn('hash', bytes, (col) => col.notNull())
    .execute();

  // One row; the sequencer locks it, so one process sequences at a time.
  await db.schema
    .createTable('ledger_state')
    .addColumn('id', 'integer', (col) => col.primaryKey())
    .addColumn('tree_size', integerKey, (col) => col.notNull())
    .addColumn('updated_at', 'varchar(32)', (col) => col.notNull())
    .execute();
  await db
    .insertInto('ledger_state' as never)
    .values({ id: 1, tree_size: 0, updated_at: new Date().toISOString() })
    .execute();

  await db.schema
    .createTable('ledger_checkpoints')
    .addColumn('tree_size', integerKey, (col) => col.primaryKey())
    .addColumn('root_hash', 'varchar(64)', (col) => col.notNull())
    .addColumn('key_id', 'varchar(8)', (col) => col.notNull())
    /** The signed note as served (without cosignatures, which have their own table). */
    .addColumn('note', 'text', (col) => col.notNull())
    .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
    .execute();

  await dialect
    .addAutoIncrementId(db.schema.createTable('ledger_cosignatures'))
    .addColumn('tree_size', integerKey, (col) => col.notNull())
    .addColumn('witness_name', 'text', (col) => col.notNull())
    .addColumn('key_id', 'varchar(8)', (col) => col.notNull())
    /** Seconds since the epoch, from the cosignature. */
    .addColumn('cosigned_at', integerKey, (col) => col.notNull())
    .addColumn('line', 'text', (col) => col.notNull())
    .addColumn('received_at', 'varchar(32)', (col) => col.notNull())
    .addUniqueConstraint('ledger_cosignatures_size_witness', ['tree_size', 'witness_name'])
    .execute();

  await db.schema
    .createTable('ledger_witnesses')
    .addColumn('name', 'varchar(200)', (col) => col.primaryKey())
    .addColumn('verifier_key', 'text', (col) => col.notNull())
    .addColumn('added_by', 'text', (col) => col.notNull())
    .addColumn('added_at', 'varchar(32)', (col) => col.notNull())
    .addColumn('removed_at', 'varchar(32)')
    .execute();

  // Every key that ever signed checkpoints, so old checkpoints stay verifiable after a rotation.
  await db.schema
    .createTable('ledger_keys')
    .addColumn('key_id', 'varchar(8)', (col) => col.primaryKey())
    .addColumn('verifier_key', 'text', (col) => col.notNull())
    .addColumn('first_used_at', 'varchar(32)', (col) => col.notNull())
    .addColumn('retired_at', 'varchar(32)')
    .execute();
}
