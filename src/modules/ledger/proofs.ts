import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { leafBytes, sha256Hex } from './events.ts';
import { leafHash, proveInclusion, verifyInclusion, type Hash } from './merkle.ts';
import {
  parseCheckpointText,
  parseNote,
  parseVerifierKey,
  verifyCosignature,
  verifyNoteSignature,
  type NoteError,
} from './note.ts';
import { databaseReader, leafOf } from './store.ts';

/** Proofs and bundles over the stored log (issue 6): what the HTTP interface and the CLI serve. */

export interface StoredCheckpoint {
  treeSize: number;
  rootHash: Buffer;
  keyId: string;
  createdAt: string;
  /** The log-signed note. */
  note: string;
  cosignatures: { witness: string; keyId: string; cosignedAt: number; line: string }[];
}

export async function latestCheckpoint(db: Kysely<Database>): Promise<StoredCheckpoint | null> {
  const row = await db
    .selectFrom('ledger_checkpoints')
    .selectAll()
    .orderBy('tree_size', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) return null;
  const cosignatures = await db
    .selectFrom('ledger_cosignatures')
    .select(['witness_name', 'key_id', 'cosigned_at', 'line'])
    .where('tree_size', '=', row.tree_size)
    .orderBy('witness_name')
    .execute();
  return {
    treeSize: Number(row.tree_size),
    rootHash: Buffer.from(row.root_hash, 'hex'),
    keyId: row.key_id,
    createdAt: row.created_at,
    note: row.note,
    cosignatures: cosignatures.map((c) => ({
      witness: c.witness_name,
      keyId: c.key_id,
      cosignedAt: Number(c.cosigned_at),
      line: c.line,
    })),
  };
}

/** The note as served: the log's signature line followed by the witnesses' cosignature lines. */
export function servedNote(checkpoint: StoredCheckpoint): string {
  return checkpoint.note + checkpoint.cosignatures.map((c) => `${c.line}\n`).join('');
}

export function proofText(hashes: Hash[]): string {
  return hashes.map((hash) => `${hash.toString('base64')}\n`).join('');
}

export function inclusionProof(db: Kysely<Database>, index: number, size: number): Promise<Hash[]> {
  return proveInclusion(index, size, databaseReader(db));
}

export const BUNDLE_FORMAT = 'govdx-ledger-bundle/v1';

export interface ProofBundle {
  format: typeof BUNDLE_FORMAT;
  origin: string;
  verifierKey: string;
  witnessKeys: string[];
  event: string;
  index: number;
  leaf: string;
  treeSize: number;
  inclusionProof: string[];
  checkpoint: string;
}

export type BundleResult =
  | { state: 'pending' }
  | { state: 'uncovered'; leafIndex: number }
  | { state: 'ready'; bundle: ProofBundle };

/** Everything an outsider needs to check one event offline (`govdx ledger check-bundle`). */
export async function buildBundle(
  db: Kysely<Database>,
  eventId: number,
  origin: string,
): Promise<BundleResult | null> {
  const event = await db
    .selectFrom('ledger_events')
    .select(['leaf_index', 'occurred_at', 'event_type', 'digest', 'body'])
    .where('id', '=', eventId)
    .executeTakeFirst();
  if (!event) return null;
  if (event.leaf_index === null) return { state: 'pending' };
  const index = Number(event.leaf_index);
  const checkpoint = await latestCheckpoint(db);
  if (!checkpoint || checkpoint.treeSize <= index) return { state: 'uncovered', leafIndex: index };
  const keys = await db
    .selectFrom('ledger_keys')
    .select('verifier_key')
    .where('key_id', '=', checkpoint.keyId)
    .executeTakeFirstOrThrow();
  const witnesses = await db
    .selectFrom('ledger_witnesses')
    .select('verifier_key')
    .where('removed_at', 'is', null)
    .orderBy('name')
    .execute();
  const proof = await inclusionProof(db, index, checkpoint.treeSize);
  return {
    state: 'ready',
    bundle: {
      format: BUNDLE_FORMAT,
      origin,
      verifierKey: keys.verifier_key,
      witnessKeys: witnesses.map((w) => w.verifier_key),
      event: event.body,
      index,
      leaf: leafBytes(leafOf(event)).toString(),
      treeSize: checkpoint.treeSize,
      inclusionProof: proof.map((hash) => hash.toString('base64')),
      checkpoint: servedNote(checkpoint),
    },
  };
}

export interface BundleCheck {
  ok: boolean;
  /** Each step, in order, with its outcome (printed by the CLI). */
  steps: { check: string; ok: boolean; detail?: string }[];
}

/**
 * Verifies a bundle without the platform: the checkpoint's signature (by `trustedKey` when given,
 * else by the key in the bundle), the event's digest in the leaf, the leaf's index, the inclusion
 * proof against the signed root, and each witness cosignature.
 */
export function checkBundle(bundle: ProofBundle, trustedKey?: string): BundleCheck {
  const steps: BundleCheck['steps'] = [];
  const step = (check: string, ok: boolean, detail?: string): boolean => {
    steps.push(detail === undefined ? { check, ok } : { check, ok, detail });
    return ok;
  };
  const done = (): BundleCheck => ({ ok: steps.every((s) => s.ok), steps });
  if (!step('format', bundle.format === BUNDLE_FORMAT, bundle.format)) return done();
  try {
    const verifier = parseVerifierKey(trustedKey ?? bundle.verifierKey);
    const note = parseNote(bundle.checkpoint);
    const checkpoint = parseCheckpointText(note.text);
    step(
      'checkpoint signature',
      verifyNoteSignature(note, verifier),
      `${verifier.name}+${verifier.keyId}${trustedKey ? '' : ' (key taken from the bundle)'}`,
    );
    step('checkpoint origin', checkpoint.origin === bundle.origin, checkpoint.origin);
    step('checkpoint size', checkpoint.size === bundle.treeSize, String(checkpoint.size));
    const leaf = JSON.parse(bundle.leaf) as { digest?: unknown; seq?: unknown };
    step('event digest in leaf', leaf.digest === sha256Hex(bundle.event), String(leaf.digest));
    step('leaf index', leaf.seq === bundle.index, String(leaf.seq));
    const proof = bundle.inclusionProof.map((h) => Buffer.from(h, 'base64'));
    step(
      'inclusion proof',
      verifyInclusion(
        leafHash(Buffer.from(bundle.leaf)),
        bundle.index,
        checkpoint.size,
        proof,
        checkpoint.rootHash,
      ),
      `entry ${bundle.index} of ${checkpoint.size}`,
    );
    for (const key of bundle.witnessKeys) {
      const witness = parseVerifierKey(key);
      const line = note.signatures.find(
        (s) => s.name === witness.name && s.keyId === witness.keyId,
      );
      if (!line) continue;
      const time = verifyCosignature(note.text, line, witness);
      step(
        `cosignature ${witness.name}`,
        time !== null,
        time === null ? 'invalid' : new Date(time * 1000).toISOString(),
      );
    }
  } catch (error) {
    step('bundle', false, (error as NoteError | Error).message);
  }
  return done();
}
