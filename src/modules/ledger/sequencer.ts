import type { Logger } from 'pino';
import type { Db } from '../../db/database.ts';
import { leafBytes } from './events.ts';
import {
  appendLeaves,
  foldSubtrees,
  leafHash,
  rangeSubtrees,
  subtreeKey,
  type Hash,
} from './merkle.ts';
import { checkpointText, signNote, type NoteSigner } from './note.ts';
import { databaseReader, treeSize, writeSequencedBatch } from './store.ts';

/** Events appended per transaction; a backlog is worked off in several. */
const BATCH_LIMIT = 20_000;

export interface SequenceResult {
  appended: number;
  treeSize: number;
  /** Size of the checkpoint written by this pass, if any. */
  checkpoint: number | null;
}

/**
 * Appends committed events to the Merkle tree and signs checkpoints (issue 6). Events are written
 * with the change they record (events.ts); the sequencer gives them their leaf index later, in
 * batches, like X-Road's batch time-stamping, so that actions and the data API do not wait for
 * hashing. Order: by event id among the events committed when a pass runs; an event that commits
 * after a pass is sequenced by the next one, so none is skipped, and an index once given never
 * changes. One sequencer at a time, across processes too: each pass first updates the single
 * ledger_state row, which locks it (PostgreSQL row lock, SQLite's write lock) until commit.
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
      result = await this.pass();
      total += result.appended;
    } while (result.appended === BATCH_LIMIT);
    return { ...result, appended: total };
  }

  /** Whether a pass has anything to do; read-only, so that an idle log writes nothing. */
  private async idle(): Promise<number | null> {
    const kysely = this.db.kysely;
    const [size, pending, latest] = await Promise.all([
      treeSize(kysely),
      kysely
        .selectFrom('ledger_events')
        .select('id')
        .where('leaf_index', 'is', null)
        .limit(1)
        .executeTakeFirst(),
      kysely
        .selectFrom('ledger_checkpoints')
        .select('tree_size')
        .orderBy('tree_size', 'desc')
        .limit(1)
        .executeTakeFirst(),
    ]);
    return !pending && latest && Number(latest.tree_size) === size ? size : null;
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
      const pending = await trx
        .selectFrom('ledger_events')
        .select(['id', 'occurred_at', 'event_type', 'digest'])
        .where('leaf_index', 'is', null)
        .orderBy('id')
        .limit(BATCH_LIMIT)
        .execute();
      const latest = await trx
        .selectFrom('ledger_checkpoints')
        .select('tree_size')
        .orderBy('tree_size', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (pending.length === 0 && (latest ? Number(latest.tree_size) : -1) === size) {
        return { appended: 0, treeSize: size, checkpoint: null };
      }
      const edgeRefs = rangeSubtrees(0, size);
      const edge = await databaseReader(trx)(edgeRefs);
      const leaves: Hash[] = pending.map((row, offset) =>
        leafHash(
          leafBytes({
            seq: size + offset,
            time: row.occurred_at,
            type: row.event_type,
            digest: row.digest,
          }),
        ),
      );
      const appended = appendLeaves(size, edge, leaves);
      const newSize = size + pending.length;
      await writeSequencedBatch(
        this.db,
        trx,
        pending.map((row, offset) => ({ id: Number(row.id), index: size + offset })),
        appended.stored.map((entry) => ({ id: subtreeKey(entry.ref), hash: entry.hash })),
      );
      await trx
        .updateTable('ledger_state')
        .set({ tree_size: newSize })
        .where('id', '=', 1)
        .execute();
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
      return { appended: pending.length, treeSize: newSize, checkpoint: newSize };
    });
  }
}
