import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { Db } from '../../db/database.ts';
import { leafBytes, type Leaf } from './events.ts';
import { subtreeKey, type Hash, type SubtreeReader } from './merkle.ts';

/** Reads stored subtree hashes (ledger_hashes) for the Merkle functions. */
export function databaseReader(db: Kysely<Database>): SubtreeReader {
  return async (refs) => {
    if (refs.length === 0) return [];
    const keys = [...new Set(refs.map(subtreeKey))];
    const found = new Map<number, Hash>();
    for (let start = 0; start < keys.length; start += 500) {
      const rows = await db
        .selectFrom('ledger_hashes')
        .select(['id', 'hash'])
        .where('id', 'in', keys.slice(start, start + 500))
        .execute();
      for (const row of rows) found.set(Number(row.id), Buffer.from(row.hash));
    }
    return refs.map((ref) => {
      const hash = found.get(subtreeKey(ref));
      if (!hash) throw new Error(`ledger hash (${ref.level}, ${ref.index}) is missing`);
      return hash;
    });
  };
}

export async function treeSize(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('ledger_state')
    .select('tree_size')
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
  return Number(row.tree_size);
}

/** The leaf of an event row, rebuilt from its columns (the leaf is never stored twice). */
export function leafOf(row: {
  leaf_index: number | null;
  occurred_at: string;
  event_type: string;
  digest: string;
}): Leaf {
  if (row.leaf_index === null) throw new Error('the event is not sequenced yet');
  return {
    seq: Number(row.leaf_index),
    time: row.occurred_at,
    type: row.event_type,
    digest: row.digest,
  };
}

export async function leafAt(db: Kysely<Database>, index: number): Promise<Buffer | null> {
  const row = await db
    .selectFrom('ledger_events')
    .select(['leaf_index', 'occurred_at', 'event_type', 'digest'])
    .where('leaf_index', '=', index)
    .executeTakeFirst();
  return row ? leafBytes(leafOf(row)) : null;
}

/**
 * Writes the sequencer's batch: leaf indexes of the events and the new subtree hashes, inside the
 * caller's transaction `trx`. On SQLite the statements go to better-sqlite3 directly (the same
 * connection, so the same transaction): one prepared statement per row costs a few microseconds,
 * where a Kysely statement per row costs tens. On PostgreSQL one statement per 5,000 rows (unnest).
 */
export async function writeSequencedBatch(
  db: Db,
  trx: Kysely<Database>,
  assignments: { id: number; index: number }[],
  hashes: { id: number; hash: Hash }[],
): Promise<void> {
  const raw = db.raw;
  if (raw.engine === 'sqlite') {
    const assign = raw.sqlite.prepare('update ledger_events set leaf_index = ? where id = ?');
    for (const a of assignments) assign.run(a.index, a.id);
    const insert = raw.sqlite.prepare('insert into ledger_hashes (id, hash) values (?, ?)');
    for (const h of hashes) insert.run(h.id, h.hash);
    return;
  }
  for (let start = 0; start < assignments.length; start += 5000) {
    const chunk = assignments.slice(start, start + 5000);
    await sql`update ledger_events as e set leaf_index = v.idx
      from (select unnest(${chunk.map((a) => a.id)}::bigint[]) as id,
                   unnest(${chunk.map((a) => a.index)}::bigint[]) as idx) as v
      where e.id = v.id`.execute(trx);
  }
  for (let start = 0; start < hashes.length; start += 5000) {
    const chunk = hashes.slice(start, start + 5000);
    await sql`insert into ledger_hashes (id, hash)
      select * from unnest(${chunk.map((h) => h.id)}::bigint[], ${chunk.map((h) => h.hash)}::bytea[])`.execute(
      trx,
    );
  }
}
