import type { Logger } from 'pino';
import type { Db } from '../../db/database.ts';
import { auditLedgerRow } from '../../core/audit.ts';
import { leafText, type LedgerEventRow } from './events.ts';
import {
  appendLeaves,
  foldSubtrees,
  leafHash,
  rangeSubtrees,
  subtreeKey,
  type Hash,
} from './merkle.ts';
import { checkpointText, signNote, type NoteSigner } from './note.ts';
import {
  databaseReader,
  pendingAudit,
  pendingAuditRows,
  treeSize,
  writeSequencedBatch,
  type SequencedBatch,
} from './store.ts';

/**
 * Events appended per transaction. Building and hashing them, and better-sqlite3's writes, hold the
 * event loop: 300 events take 3 to 8 ms, and the loop turns between transactions, so that a server
 * answers requests while a backlog is worked off (a pass of 20,000 held it for half a second; with
 * 1,000 the sharing API's p99 under load was 28 ms, with 300 21 ms, bench:share). The last
 * transaction of a pass signs its checkpoint.
 */
const BATCH_LIMIT = 300;

export interface SequenceResult {
  appended: number;
  treeSize: number;
  /** Size of the checkpoint written by this pass, if any. */
  checkpoint: number | null;
}

/**
 * Appends committed events to the Merkle tree and signs checkpoints (issue 6). Audit rows commit with
 * the change they record and the sequencer builds their full events (core/audit.ts); data accesses are
 * written with their events (sharing/runtime.ts). A pass gives them their leaf indexes in batches,
 * like X-Road's batch time-stamping, so that actions and the data API do not wait for canonical JSON
 * or hashing. Order: by time among the events committed when a pass runs; one that commits after a
 * pass is sequenced by the next one (store.ts `pendingAudit`), so none is skipped, and an index once
 * given never changes. One sequencer at a time, across processes too: each pass first updates the
 * single ledger_state row, which locks it (PostgreSQL row lock, SQLite's write lock) until commit.
 */
export class LedgerSequencer {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<SequenceResult> | null = null;
  /** Writers that batch their events in memory (the data API's access log) flush first. */
  private readonly flushers: (() => Promise<void>)[] = [];

  constructor(
    private readonly db: Db,
    private readonly signer: NoteSigner,
    private readonly origin: string,
    private readonly logger: Logger,
  ) {}

  flushBeforeEachPass(flush: () => Promise<void>): void {
    this.flushers.push(flush);
  }

  /** Sequences everything pending now and signs a checkpoint of the result. */
  sequence(): Promise<SequenceResult> {
    // Passes in one process run one after the other; a pass asked for while one runs waits for it
    // and then runs again, so that events committed before the call are included.
    const previous = this.running ?? Promise.resolve(null);
    const next = previous
      .then(() => this.drain())
      .finally(() => {
        if (this.running === next) this.running = null;
      });
    this.running = next;
    return next;
  }

  /** Runs `sequence` every `intervalMs` until stopped (the server; a new checkpoint each second). */
  start(intervalMs: number): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.sequence().catch((error: unknown) =>
        this.logger.error({ err: error }, 'ledger sequencing failed'),
      );
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  private async drain(): Promise<SequenceResult> {
    for (const flush of this.flushers) await flush();
    let total = 0;
    let result: SequenceResult;
    do {
      if (total > 0) await new Promise(setImmediate);
      result = await this.pass();
      total += result.appended;
    } while (result.appended === BATCH_LIMIT);
    return { ...result, appended: total };
  }

  /** Whether a pass has anything to do; read-only, so that an idle log writes nothing. */
  private async idle(): Promise<number | null> {
    const kysely = this.db.kysely;
    const [size, pendingEvent, waitingAudit, latest] = await Promise.all([
      treeSize(kysely),
      kysely
        .selectFrom('ledger_events')
        .select('id')
        .where('leaf_index', 'is', null)
        .limit(1)
        .executeTakeFirst(),
      pendingAudit(this.db, kysely).select('audit_events.id').limit(1).executeTakeFirst(),
      kysely
        .selectFrom('ledger_checkpoints')
        .select('tree_size')
        .orderBy('tree_size', 'desc')
        .limit(1)
        .executeTakeFirst(),
    ]);
    return !pendingEvent && !waitingAudit && latest && Number(latest.tree_size) === size
      ? size
      : null;
  }

  private async pass(): Promise<SequenceResult> {
    const idleSize = await this.idle();
    if (idleSize !== null) return { appended: 0, treeSize: idleSize, checkpoint: null };
    const kysely = this.db.kysely;
    return kysely.transaction().execute(async (trx) => {
      const now = new Date().toISOString();
      // The lock: nothing else sequences until this transaction ends.
      await trx.updateTable('ledger_state').set({ updated_at: now }).where('id', '=', 1).execute();
      const size = await treeSize(trx);
      // Two queues: events written with their record (data accesses, sharing/runtime.ts) and audit
      // rows, whose events are built here from the committed row (core/audit.ts).
      const pendingEvents = await trx
        .selectFrom('ledger_events')
        .select(['id', 'occurred_at', 'event_type', 'digest'])
        .where('leaf_index', 'is', null)
        .orderBy('id')
        .limit(BATCH_LIMIT)
        .execute();
      const auditRows =
        pendingEvents.length < BATCH_LIMIT
          ? await pendingAuditRows(this.db, trx, BATCH_LIMIT - pendingEvents.length)
          : [];
      const latest = await trx
        .selectFrom('ledger_checkpoints')
        .select('tree_size')
        .orderBy('tree_size', 'desc')
        .limit(1)
        .executeTakeFirst();
      const count = pendingEvents.length + auditRows.length;
      if (count === 0 && (latest ? Number(latest.tree_size) : -1) === size) {
        return { appended: 0, treeSize: size, checkpoint: null };
      }
      // In the order they happened: by time, which is not quite commit order.
      const entries: PendingEntry[] = [
        ...pendingEvents.map((row) => ({
          occurredAt: row.occurred_at,
          type: row.event_type,
          digest: row.digest,
          eventId: Number(row.id),
          built: null,
        })),
        ...auditRows.map((row) => {
          const built = auditLedgerRow(row);
          return {
            occurredAt: built.occurred_at,
            type: built.event_type,
            digest: built.digest,
            eventId: null,
            built,
          };
        }),
      ];
      entries.sort((a, b) =>
        a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : 0,
      );
      const edgeRefs = rangeSubtrees(0, size);
      const edge = await databaseReader(trx)(edgeRefs);
      const leaves: Hash[] = entries.map((entry, offset) =>
        leafHash(
          leafText({
            seq: size + offset,
            time: entry.occurredAt,
            type: entry.type,
            digest: entry.digest,
          }),
        ),
      );
      const appended = appendLeaves(size, edge, leaves);
      const newSize = size + count;
      const batch: SequencedBatch = {
        assigned: [],
        built: [],
        lastAuditId: auditRows.at(-1)?.id ?? null,
        hashes: [],
      };
      entries.forEach((entry, offset) => {
        if (entry.built) {
          entry.built.leaf_index = size + offset;
          batch.built.push(entry.built);
        } else if (entry.eventId !== null) {
          batch.assigned.push({ id: entry.eventId, index: size + offset });
        }
      });
      batch.hashes = appended.stored.map((entry) => ({
        id: subtreeKey(entry.ref),
        hash: entry.hash,
      }));
      await writeSequencedBatch(this.db, trx, batch);
      await trx
        .updateTable('ledger_state')
        .set({ tree_size: newSize })
        .where('id', '=', 1)
        .execute();
      // A full batch leaves the signature to the transaction after it, which has the rest.
      if (count === BATCH_LIMIT) return { appended: count, treeSize: newSize, checkpoint: null };
      const rootHash = foldSubtrees(appended.edge);
      const note = signNote(
        checkpointText({ origin: this.origin, size: newSize, rootHash }),
        this.signer,
      );
      await trx
        .insertInto('ledger_checkpoints')
        .values({
          tree_size: newSize,
          root_hash: rootHash.toString('hex'),
          key_id: this.signer.keyId,
          note,
          created_at: now,
        })
        .execute();
      return { appended: count, treeSize: newSize, checkpoint: newSize };
    });
  }
}

/** One event of a pass: already written (its row id), or built now from its audit row. */
interface PendingEntry {
  occurredAt: string;
  type: string;
  digest: string;
  eventId: number | null;
  built: LedgerEventRow | null;
}
