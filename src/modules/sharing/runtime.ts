import {
  createHash,
  createPrivateKey,
  createPublicKey,
  hash,
  sign,
  type KeyObject,
} from 'node:crypto';
import type { Logger } from 'pino';
import type { Db } from '../../db/database.ts';
import type { ShareAccessLogTable } from '../../db/schema.ts';
import { accessLedgerRow } from '../ledger/access-events.ts';
import { LEDGER_EVENT_COLUMNS, type PersonalDataHasher } from '../ledger/events.ts';
import { SlidingWindowLimiter } from '../../core/rate-limit.ts';

/**
 * The long-lived parts of the sharing data API (issue 5), built once per process in `createPlatform`:
 * the response signer, the access log writer and the per-grant rate limiter.
 */

/** The prefix of every signed message, so that a govdx signature cannot be replayed as another kind. */
export const SIGNATURE_CONTEXT = 'govdx-share-v1';

/** What a response carries to prove its origin (headers of the data API, docs/API-sharing.md). */
export interface BatchSignature {
  /** Hex SHA-256 of the body. */
  digest: string;
  /** Hex Merkle root of the batch the digest was signed in. */
  root: string;
  /** Audit path from the digest's leaf to the root: `L:<hex>` or `R:<hex>` per level, leaf first. */
  proof: string[];
  /** Base64 Ed25519 signature over `govdx-share-v1:<root>`. */
  signature: string;
}

// One-shot `hash` costs less than half of `createHash` on inputs this small.
const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);
const leafHash = (digest: string) =>
  hash('sha256', Buffer.concat([LEAF, Buffer.from(digest, 'hex')]), 'buffer');
const nodeHash = (left: Buffer, right: Buffer) =>
  hash('sha256', Buffer.concat([NODE, left, right]), 'buffer');

/**
 * Signs data API responses with the platform's Ed25519 key. One signature per response would cost
 * more than the lookup it signs, so responses produced in the same turn of the event loop are signed
 * together: their body digests are the leaves of a Merkle tree (RFC 6962 hashing: leaves prefixed
 * 0x00, nodes 0x01), the root is signed once, and each response carries its audit path. Nothing is
 * delayed on purpose: the batch closes at the next `setImmediate`, so a lone request is a batch of
 * one (root = its leaf, empty path). The body itself carries the provenance (grant, resource
 * version, batch, as-of time, request id). docs/API-sharing.md shows how to verify.
 */
export class ResponseSigner {
  private pending: { digest: string; resolve: (signature: BatchSignature) => void }[] = [];
  private scheduled = false;

  private readonly privateKey: KeyObject;
  readonly publicKeyPem: string;
  readonly publicKeyRaw: Buffer;
  readonly keyId: string;

  constructor(privateKeyPem: string) {
    this.privateKey = createPrivateKey(privateKeyPem);
    if (this.privateKey.asymmetricKeyType !== 'ed25519') {
      throw new Error('the signing key must be an Ed25519 key');
    }
    const publicKey = createPublicKey(this.privateKey);
    this.publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    // The raw 32-byte key is the last 32 bytes of its SPKI DER encoding.
    this.publicKeyRaw = publicKey.export({ type: 'spki', format: 'der' }).subarray(-32);
    this.keyId = createHash('sha256').update(this.publicKeyRaw).digest('hex').slice(0, 16);
  }

  /** Signs a body in the current batch. */
  signBody(body: string | Buffer): Promise<BatchSignature> {
    const digest = hash('sha256', body, 'hex');
    return new Promise((resolve) => {
      this.pending.push({ digest, resolve });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    this.scheduled = false;
    // Levels of the tree, leaves first; an odd node is promoted unchanged (RFC 6962 style).
    const levels: Buffer[][] = [batch.map((entry) => leafHash(entry.digest))];
    while ((levels[levels.length - 1] as Buffer[]).length > 1) {
      const below = levels[levels.length - 1] as Buffer[];
      const level: Buffer[] = [];
      for (let i = 0; i < below.length; i += 2) {
        const right = below[i + 1];
        level.push(right ? nodeHash(below[i] as Buffer, right) : (below[i] as Buffer));
      }
      levels.push(level);
    }
    const root = ((levels[levels.length - 1] as Buffer[])[0] as Buffer).toString('hex');
    const signature = this.signDigest(root);
    batch.forEach((entry, leaf) => {
      const proof: string[] = [];
      let index = leaf;
      for (let depth = 0; depth < levels.length - 1; depth++) {
        const level = levels[depth] as Buffer[];
        const sibling = index % 2 === 0 ? level[index + 1] : level[index - 1];
        if (sibling) proof.push(`${index % 2 === 0 ? 'R' : 'L'}:${sibling.toString('hex')}`);
        index = Math.floor(index / 2);
      }
      entry.resolve({ digest: entry.digest, root, proof, signature });
    });
  }

  /** A signature over one hex digest (a whole export, or a batch root). */
  signDigest(digest: string): string {
    return sign(null, Buffer.from(`${SIGNATURE_CONTEXT}:${digest}`), this.privateKey).toString(
      'base64',
    );
  }
}

export type AccessRecord = Omit<ShareAccessLogTable, 'id'>;

const FLUSH_INTERVAL_MS = 200;
const FLUSH_BATCH = 100;

/**
 * The access log of the data API: every call, allowed or denied. Records are appended in batches
 * every 200 ms (or 100 records: batches of 500 held the event loop long enough to show in the p99
 * latency) rather than one write per call, so that a lookup does not hold SQLite's single writer;
 * readers of the log (usage statistics) flush first. This is the second
 * named write outside an action (docs/ARCHITECTURE.md, invariant 1): the call it records is a read.
 * Each record is written with its ledger event (issue 6) in the same transaction. A crash loses at
 * most the last 200 ms of records; none is ever in one table and not the other.
 */
const ACCESS_COLUMNS: (keyof AccessRecord)[] = [
  'occurred_at',
  'request_id',
  'token_id',
  'system_name',
  'consumer_org_id',
  'grant_id',
  'provider_org_id',
  'resource_code',
  'operation',
  'purpose',
  'end_user',
  'case_ref',
  'emergency_id',
  'status',
  'error_code',
  'row_count',
  'fields',
  'response_digest',
  'duration_ms',
  'client_ip',
];

const LEDGER_COLUMNS = LEDGER_EVENT_COLUMNS;

export class AccessLog {
  private pending: AccessRecord[] = [];
  private insert: { run(values: unknown[]): { lastInsertRowid: number | bigint } } | undefined;
  private insertLedger: { run(values: unknown[]): unknown } | undefined;
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly personalData: PersonalDataHasher,
    private readonly logger: Logger,
  ) {}

  append(record: AccessRecord): void {
    this.pending.push(record);
    if (this.pending.length >= FLUSH_BATCH) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_INTERVAL_MS);
  }

  /** Writes everything appended so far; resolves once it is in the database. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const batch = this.pending;
    this.pending = [];
    this.flushing = this.flushing.then(async () => {
      if (batch.length === 0) return;
      try {
        if (this.db.raw.engine === 'sqlite') {
          // One prepared statement in one transaction: building a Kysely insert of hundreds of
          // rows costs more than the lookups it records.
          const sqlite = this.db.raw.sqlite;
          this.insert ??= sqlite.prepare(
            `insert into share_access_log (${ACCESS_COLUMNS.join(', ')}) values (${ACCESS_COLUMNS.map(() => '?').join(', ')})`,
          );
          this.insertLedger ??= sqlite.prepare(
            `insert into ledger_events (${LEDGER_COLUMNS.join(', ')}) values (${LEDGER_COLUMNS.map(() => '?').join(', ')})`,
          );
          const insert = this.insert;
          const insertLedger = this.insertLedger;
          // Holding Kysely's connection keeps the write out of any transaction in progress.
          await this.db.kysely.connection().execute(() => {
            sqlite.transaction(() => {
              for (const record of batch) {
                const { lastInsertRowid } = insert.run(
                  ACCESS_COLUMNS.map((column) => record[column]),
                );
                const event = accessLedgerRow(
                  { ...record, id: Number(lastInsertRowid) },
                  this.personalData,
                );
                insertLedger.run(LEDGER_COLUMNS.map((column) => event[column]));
              }
            })();
            return Promise.resolve();
          });
          return;
        }
        await this.db.kysely.transaction().execute(async (trx) => {
          for (let start = 0; start < batch.length; start += 100) {
            const chunk = batch.slice(start, start + 100);
            const ids = await trx
              .insertInto('share_access_log')
              .values(chunk)
              .returning('id')
              .execute();
            await trx
              .insertInto('ledger_events')
              .values(
                chunk.map((record, i) =>
                  accessLedgerRow({ ...record, id: Number(ids[i]?.id) }, this.personalData),
                ),
              )
              .execute();
          }
        });
      } catch (error) {
        this.logger.error({ err: error, records: batch.length }, 'could not write the access log');
      }
    });
    return this.flushing;
  }
}

export interface SharingRuntime {
  signer: ResponseSigner;
  accessLog: AccessLog;
  rateLimiter: SlidingWindowLimiter;
}

export function createSharingRuntime(
  db: Db,
  signingKey: string,
  personalData: PersonalDataHasher,
  logger: Logger,
): SharingRuntime {
  return {
    signer: new ResponseSigner(signingKey),
    accessLog: new AccessLog(db, personalData, logger),
    rateLimiter: new SlidingWindowLimiter(),
  };
}
