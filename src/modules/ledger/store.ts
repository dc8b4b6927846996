import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { Db } from '../../db/database.ts';
import { AUDIT_LEDGER_FIELDS, type AuditRowForLedger } from '../../core/audit.ts';
import { LEDGER_EVENT_COLUMNS, leafBytes, type Leaf, type LedgerEventRow } from './events.ts';
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

const AUDIT_FOR_LEDGER = ['id', ...AUDIT_LEDGER_FIELDS] as const;

/**
 * The audit rows waiting for their ledger events (core/audit.ts, migration 0010): above the watermark
 * on SQLite, flagged on PostgreSQL.
 */
export function pendingAudit(db: Db, kysely: Kysely<Database>) {
  const rows = kysely.selectFrom('audit_events');
  return db.raw.engine === 'sqlite'
    ? rows.where('audit_events.id', '>', (eb) =>
        eb.selectFrom('ledger_state').select('audit_watermark').where('ledger_state.id', '=', 1),
      )
    : rows.where('audit_events.ledger_pending', '=', 1);
}

/**
 * Up to `limit` waiting audit rows, oldest first. On SQLite through better-sqlite3 directly, on the
 * pass's connection.
 */
export async function pendingAuditRows(
  db: Db,
  trx: Kysely<Database>,
  limit: number,
): Promise<AuditRowForLedger[]> {
  const raw = db.raw;
  if (raw.engine === 'sqlite') {
    return raw.sqlite
      .prepare(
        `select ${AUDIT_FOR_LEDGER.join(', ')} from audit_events
         where id > (select audit_watermark from ledger_state where id = 1) order by id limit ?`,
      )
      .all(limit) as AuditRowForLedger[];
  }
  const rows = await pendingAudit(db, trx)
    .select(AUDIT_FOR_LEDGER)
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ ...row, id: Number(row.id) }));
}

/** What one sequencer pass writes. */
export interface SequencedBatch {
  /** Leaf indexes of events already written (data accesses). */
  assigned: { id: number; index: number }[];
  /** Events built by the pass from audit rows, with their leaf indexes. */
  built: LedgerEventRow[];
  /**
   * The highest audit id read (rows are read in id order): SQLite's watermark moves to it, not to
   * the last leaf's, for an action that started earlier may commit later.
   */
  lastAuditId: number | null;
  /** New complete-subtree hashes. */
  hashes: { id: number; hash: Hash }[];
}

const BUILT_COLUMNS = [...LEDGER_EVENT_COLUMNS, 'leaf_index'] as const;

/**
 * Writes the sequencer's batch inside the caller's transaction `trx`. On SQLite the statements go to
 * better-sqlite3 directly (the same connection, so the same transaction): one prepared statement per
 * row costs a few microseconds, where a Kysely statement per row costs tens. On PostgreSQL one
 * statement per 5,000 rows (unnest).
 */
export async function writeSequencedBatch(
  db: Db,
  trx: Kysely<Database>,
  batch: SequencedBatch,
): Promise<void> {
  const raw = db.raw;
  if (raw.engine === 'sqlite') {
    const assign = raw.sqlite.prepare('update ledger_events set leaf_index = ? where id = ?');
    for (const a of batch.assigned) assign.run(a.index, a.id);
    const insertEvent = raw.sqlite.prepare(
      `insert into ledger_events (${BUILT_COLUMNS.join(', ')}) values (${BUILT_COLUMNS.map(() => '?').join(', ')})`,
    );
    for (const row of batch.built) insertEvent.run(BUILT_COLUMNS.map((column) => row[column]));
    if (batch.lastAuditId !== null) {
      raw.sqlite
        .prepare('update ledger_state set audit_watermark = ? where id = 1')
        .run(batch.lastAuditId);
    }
    const insertHash = raw.sqlite.prepare('insert into ledger_hashes (id, hash) values (?, ?)');
    for (const h of batch.hashes) insertHash.run(h.id, h.hash);
    return;
  }
  for (const chunk of chunks(batch.assigned)) {
    await sql`update ledger_events as e set leaf_index = v.idx
      from (select unnest(${chunk.map((a) => a.id)}::bigint[]) as id,
                   unnest(${chunk.map((a) => a.index)}::bigint[]) as idx) as v
      where e.id = v.id`.execute(trx);
  }
  for (const chunk of chunks(batch.built)) {
    const column = <K extends keyof LedgerEventRow>(key: K) => chunk.map((row) => row[key]);
    await sql`insert into ledger_events (${sql.raw(BUILT_COLUMNS.join(', '))})
      select * from unnest(${column('kind')}::text[], ${column('source_id')}::bigint[],
        ${column('event_type')}::text[], ${column('occurred_at')}::text[], ${column('org_id')}::text[],
        ${column('other_org_id')}::text[], ${column('target')}::text[], ${column('body')}::text[],
        ${column('digest')}::text[], ${column('leaf_index')}::bigint[])`.execute(trx);
  }
  for (const chunk of chunks(batch.built.map((row) => row.source_id))) {
    await sql`update audit_events set ledger_pending = 0 where id = any(${chunk}::bigint[])`.execute(
      trx,
    );
  }
  for (const chunk of chunks(batch.hashes)) {
    await sql`insert into ledger_hashes (id, hash)
      select * from unnest(${chunk.map((h) => h.id)}::bigint[], ${chunk.map((h) => h.hash)}::bytea[])`.execute(
      trx,
    );
  }
}

function* chunks<T>(list: T[], size = 5000): Generator<T[]> {
  for (let start = 0; start < list.length; start += size) yield list.slice(start, start + size);
}
