import { sql, type Kysely } from 'kysely';
import type { DialectInfo } from '../dialect.ts';

// SQLite finds the sequencer's queue (ledger_events where leaf_index is null, in id order) through
// the unique index on leaf_index, whose null entries are kept in rowid order; its planner never chose
// the partial index 0008 made for it, which only cost every data access's event an index entry to
// write and delete (an event's insert and sequencing took 24 µs with it, 20 µs without). PostgreSQL
// keeps it: there it is what the queue query uses. Released migrations are never edited.
export async function up(db: Kysely<unknown>, dialect: DialectInfo): Promise<void> {
  if (dialect.engine === 'sqlite')
    await sql`drop index if exists ledger_events_pending`.execute(db);
}
