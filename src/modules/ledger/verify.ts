import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { canonicalJson, leafText, sha256Hex } from './events.ts';
import { foldSubtrees, leafHash, pushLeaf, subtreeKey, type Hash } from './merkle.ts';
import { parseCheckpointText, parseNote, verifyNoteSignature, type NoteVerifier } from './note.ts';

/**
 * `govdx ledger verify` (issue 6): recomputes the whole tree from the stored events and checks it
 * against every stored signed checkpoint, trusting nothing in the database but what the log key
 * signed. It names the first entry that was modified, deleted, inserted or reordered:
 * - a full event edited in place no longer matches the digest its leaf commits to;
 * - a leaf (type, time, digest) edited, or rows reordered or inserted, no longer hash to the stored
 *   leaf hash, and the tree no longer matches the signed root of the first checkpoint after it;
 * - a deleted row leaves a gap in the sequence;
 * - an audit or access-log row edited after the fact no longer matches its ledger event.
 */

export type ProblemKind =
  'modified' | 'deleted' | 'inserted' | 'reordered' | 'checkpoint' | 'signature' | 'source';

export interface VerifyProblem {
  kind: ProblemKind;
  /** The entry (leaf index) concerned, when one can be named. */
  entry: number | null;
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  entries: number;
  checkpoints: number;
  latestCheckpoint: number | null;
  problems: VerifyProblem[];
  durationMs: number;
}

const PAGE = 20_000;
/** Stop listing after this many problems: the first ones locate the damage. */
const MAX_PROBLEMS = 50;

interface CheckpointRow {
  tree_size: number;
  root_hash: string;
  key_id: string;
  note: string;
}

export async function verifyLedger(
  db: Kysely<Database>,
  trustedKeys: NoteVerifier[],
  options: { origin: string; progress?: (done: number, total: number) => void },
): Promise<VerifyReport> {
  const started = Date.now();
  const problems: VerifyProblem[] = [];
  const problem = (kind: ProblemKind, entry: number | null, message: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push({ kind, entry, message });
  };

  const state = await db.selectFrom('ledger_state').select('tree_size').executeTakeFirstOrThrow();
  const stateSize = Number(state.tree_size);
  const checkpoints = (
    await db
      .selectFrom('ledger_checkpoints')
      .select(['tree_size', 'root_hash', 'key_id', 'note'])
      .orderBy('tree_size')
      .execute()
  ).map((row) => ({ ...row, tree_size: Number(row.tree_size) })) as CheckpointRow[];

  // Only signatures by trusted keys count; a checkpoint's stored root must be the signed one.
  const signedRoots = new Map<number, Buffer>();
  for (const row of checkpoints) {
    const verifier = trustedKeys.find((key) => key.keyId === row.key_id);
    try {
      const note = parseNote(row.note);
      const text = parseCheckpointText(note.text);
      if (!verifier || !verifyNoteSignature(note, verifier)) {
        problem(
          'signature',
          null,
          `checkpoint of size ${row.tree_size} is not signed by a trusted key (key ID ${row.key_id})`,
        );
        continue;
      }
      if (text.origin !== options.origin || text.size !== row.tree_size)
        problem('checkpoint', null, `checkpoint of size ${row.tree_size} names another tree`);
      signedRoots.set(text.size, text.rootHash);
    } catch (error) {
      problem(
        'signature',
        null,
        `checkpoint of size ${row.tree_size}: ${(error as Error).message}`,
      );
    }
  }

  const total = Math.max(stateSize, checkpoints.at(-1)?.tree_size ?? 0);
  const edge: Hash[] = [];
  let expected = 0;
  let previousCheckpoint = 0;
  let firstLocalized: number | null = null;
  const checkRoot = (size: number) => {
    const signed = signedRoots.get(size);
    if (!signed) return;
    if (!foldSubtrees(edge).equals(signed)) {
      const where =
        firstLocalized !== null && firstLocalized < size
          ? `; first bad entry ${firstLocalized}`
          : `; an entry in [${previousCheckpoint}, ${size}) was modified, inserted, deleted or reordered`;
      problem(
        'checkpoint',
        firstLocalized,
        `the tree of size ${size} does not match its signed checkpoint${where}`,
      );
    }
    previousCheckpoint = size;
  };
  if (signedRoots.has(0)) checkRoot(0);

  for (;;) {
    const rows = await db
      .selectFrom('ledger_events')
      .select([
        'id',
        'kind',
        'source_id',
        'leaf_index',
        'occurred_at',
        'event_type',
        'digest',
        'body',
      ])
      .where('leaf_index', '>=', expected)
      .orderBy('leaf_index')
      .limit(PAGE)
      .execute();
    if (rows.length === 0) break;
    const first = Number(rows[0]?.leaf_index);
    const last = Number(rows[rows.length - 1]?.leaf_index);
    const stored = new Map<number, Buffer>();
    const storedRows = await db
      .selectFrom('ledger_hashes')
      .select(['id', 'hash'])
      .where('id', '>=', subtreeKey({ level: 0, index: first }))
      .where('id', '<=', subtreeKey({ level: 0, index: last }))
      .execute();
    for (const row of storedRows) stored.set(Number(row.id), Buffer.from(row.hash));
    await crossCheckSources(db, rows, problem);

    for (const row of rows) {
      const index = Number(row.leaf_index);
      while (expected < index) {
        // A gap: the row of this entry is gone.
        problem('deleted', expected, `entry ${expected} is missing (deleted)`);
        firstLocalized ??= expected;
        const storedLeaf = stored.get(subtreeKey({ level: 0, index: expected }));
        pushLeaf(edge, expected, storedLeaf ?? Buffer.alloc(32));
        expected++;
        checkRoot(expected);
      }
      if (sha256Hex(row.body) !== row.digest) {
        problem('modified', index, `entry ${index}: the full event does not match its digest`);
        firstLocalized ??= index;
      }
      const hash = leafHash(
        leafText({ seq: index, time: row.occurred_at, type: row.event_type, digest: row.digest }),
      );
      const storedLeaf = stored.get(subtreeKey({ level: 0, index }));
      if (storedLeaf && !storedLeaf.equals(hash)) {
        // Is it another entry's event, moved here? Its leaf would hash as sequenced at that place.
        const elsewhere =
          problems.length < 5
            ? [...stored.keys()].find((key) => {
                const other = key - subtreeKey({ level: 0, index: 0 });
                return (
                  other !== index &&
                  leafHash(
                    leafText({
                      seq: other,
                      time: row.occurred_at,
                      type: row.event_type,
                      digest: row.digest,
                    }),
                  ).equals(stored.get(key) as Hash)
                );
              })
            : undefined;
        if (elsewhere !== undefined) {
          problem(
            'reordered',
            index,
            `entry ${index} holds the event sequenced as entry ${elsewhere} (reordered)`,
          );
        } else {
          problem('modified', index, `entry ${index}: the leaf differs from the one sequenced`);
        }
        firstLocalized ??= index;
      } else if (!storedLeaf && index < total) {
        problem('inserted', index, `entry ${index} has no sequenced leaf hash (inserted)`);
        firstLocalized ??= index;
      }
      pushLeaf(edge, index, hash);
      expected = index + 1;
      checkRoot(expected);
    }
    options.progress?.(expected, total);
  }
  if (expected < stateSize) {
    problem('deleted', expected, `entries ${expected} to ${stateSize - 1} are missing (deleted)`);
  } else if (expected > stateSize) {
    problem(
      'inserted',
      stateSize,
      `entries from ${stateSize} were added outside the sequencer (the tree has ${stateSize})`,
    );
  }
  for (const [size] of signedRoots) {
    if (size > expected)
      problem('deleted', expected, `the log is shorter than its checkpoint of size ${size}`);
  }
  return {
    ok: problems.length === 0,
    entries: expected,
    checkpoints: checkpoints.length,
    latestCheckpoint: checkpoints.at(-1)?.tree_size ?? null,
    problems,
    durationMs: Date.now() - started,
  };
}

type EventRowRef = { kind: string; source_id: number; leaf_index: number | null; body: string };

/** How the rows behind one kind of event are loaded and compared with the event's body. */
interface SourceCheck<S> {
  kind: 'audit' | 'access';
  label: string;
  load(db: Kysely<Database>, ids: number[]): Promise<(S & { id: number })[]>;
  matches(source: S, body: Record<string, unknown>): boolean;
}

const auditSources: SourceCheck<{
  action: string;
  outcome: string;
  target: string | null;
  occurred_at: string;
  actor_name: string;
  details: string;
}> = {
  kind: 'audit',
  label: 'audit event',
  load: (db, ids) =>
    db
      .selectFrom('audit_events')
      .select(['id', 'action', 'outcome', 'target', 'occurred_at', 'actor_name', 'details'])
      .where('id', 'in', ids)
      .execute(),
  matches: (source, body) =>
    source.action === body.action &&
    source.outcome === body.outcome &&
    source.target === body.target &&
    source.occurred_at === body.time &&
    source.actor_name === (body.actor as { name?: string }).name &&
    canonicalJson(JSON.parse(source.details)) === canonicalJson(body.details),
};

const accessSources: SourceCheck<{
  occurred_at: string;
  operation: string;
  status: number;
  grant_id: string | null;
  resource_code: string | null;
  row_count: number;
}> = {
  kind: 'access',
  label: 'access record',
  load: (db, ids) =>
    db
      .selectFrom('share_access_log')
      .select([
        'id',
        'occurred_at',
        'operation',
        'status',
        'grant_id',
        'resource_code',
        'row_count',
      ])
      .where('id', 'in', ids)
      .execute(),
  matches: (source, body) =>
    source.occurred_at === body.time &&
    source.operation === body.operation &&
    Number(source.status) === body.status &&
    source.grant_id === body.grantId &&
    source.resource_code === body.resourceCode &&
    Number(source.row_count) === body.rowCount,
};

/** The audit and access-log rows must still say what their ledger events say. */
async function crossCheckSources(
  db: Kysely<Database>,
  rows: EventRowRef[],
  problem: (kind: ProblemKind, entry: number | null, message: string) => void,
): Promise<void> {
  await crossCheck(db, rows, auditSources, problem);
  await crossCheck(db, rows, accessSources, problem);
}

async function crossCheck<S>(
  db: Kysely<Database>,
  rows: EventRowRef[],
  check: SourceCheck<S>,
  problem: (kind: ProblemKind, entry: number | null, message: string) => void,
): Promise<void> {
  const ofKind = rows.filter((row) => row.kind === check.kind);
  for (let start = 0; start < ofKind.length; start += 1000) {
    const chunk = ofKind.slice(start, start + 1000);
    const loaded = await check.load(
      db,
      chunk.map((row) => Number(row.source_id)),
    );
    const sources = new Map(loaded.map((source) => [Number(source.id), source]));
    for (const row of chunk) {
      const source = sources.get(Number(row.source_id));
      if (source && check.matches(source, JSON.parse(row.body) as Record<string, unknown>))
        continue;
      problem(
        'source',
        Number(row.leaf_index),
        source
          ? `${check.label} #${row.source_id} was changed after entry ${row.leaf_index} recorded it`
          : `${check.label} #${row.source_id} of entry ${row.leaf_index} was deleted`,
      );
    }
  }
}
