import { sql, type Kysely } from 'kysely';
import type { DialectInfo } from '../dialect.ts';

// Audit events reach the ledger through the sequencer (issue 6, R6.2): an action writes its audit
// row in its own transaction, and the sequencer later builds the row's ledger event, appends it to
// the tree and marks the row done, in batches. How a row waits depends on the engine:
// - SQLite serializes writers, so audit ids commit in increasing order: ledger_state.audit_watermark
//   is the last audit id whose event is in the ledger, and every row above it waits.
// - PostgreSQL commits concurrent transactions' ids out of order, so a row carries ledger_pending = 1
//   until its event is written, found through a partial index.
// Rows written before this migration already have their ledger events. Released migrations are
// never edited.
export async function up(db: Kysely<unknown>, dialect: DialectInfo): Promise<void> {
  await db.schema
    .alterTable('audit_events')
    .addColumn('ledger_pending', 'integer', (col) => col.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('ledger_state')
    .addColumn('audit_watermark', dialect.engine === 'sqlite' ? 'integer' : 'bigint', (col) =>
      col.notNull().defaultTo(0),
    )
    .execute();
  if (dialect.engine === 'sqlite') {
    await sql`update ledger_state set audit_watermark = (select coalesce(max(id), 0) from audit_events)`.execute(
      db,
    );
  } else {
    await sql`create index audit_events_ledger_pending on audit_events (id) where ledger_pending = 1`.execute(
      db,
    );
  }
}
