import { createHash, createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import type { Logger } from 'pino';
import type { Db } from '../../db/database.ts';
import type { ShareAccessLogTable } from '../../db/schema.ts';

/**
 * The long-lived parts of the sharing data API (issue 5), built once per process in `createPlatform`:
 * the response signer, the access log writer and the per-grant rate limiter.
 */

/** The prefix of every signed message, so that a govdx signature cannot be replayed as another kind. */
export const SIGNATURE_CONTEXT = 'govdx-share-v1';

/**
 * Signs data API responses with the platform's Ed25519 key: the signature covers
 * `govdx-share-v1:<hex SHA-256 of the exact body bytes>`; the body itself carries the provenance
 * (grant, resource version, batch, as-of time, request id). docs/API-sharing.md shows how to verify.
 */
export class ResponseSigner {
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

  /** The hex digest of a body and the base64 signature over it. */
  signBody(body: string | Buffer): { digest: string; signature: string } {
    const digest = createHash('sha256').update(body).digest('hex');
    return { digest, signature: this.signDigest(digest) };
  }

  signDigest(digest: string): string {
    return sign(null, Buffer.from(`${SIGNATURE_CONTEXT}:${digest}`), this.privateKey).toString(
      'base64',
    );
  }
}

export type AccessRecord = Omit<ShareAccessLogTable, 'id'>;

const FLUSH_INTERVAL_MS = 200;
const FLUSH_BATCH = 500;

/**
 * The access log of the data API: every call, allowed or denied. Records are appended in batches
 * every 200 ms (or 500 records) rather than one write per call, so that a lookup does not hold
 * SQLite's single writer; readers of the log (usage statistics) flush first. This is the second
 * named write outside an action (docs/ARCHITECTURE.md, invariant 1): the call it records is a read.
 * A crash loses at most the last 200 ms of records, which the ledger issue will close by appending
 * the same records to the tamper-evident log.
 */
export class AccessLog {
  private pending: AccessRecord[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
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
        for (let start = 0; start < batch.length; start += 100) {
          await this.db.kysely
            .insertInto('share_access_log')
            .values(batch.slice(start, start + 100))
            .execute();
        }
      } catch (error) {
        this.logger.error({ err: error, records: batch.length }, 'could not write the access log');
      }
    });
    return this.flushing;
  }
}

/**
 * A sliding one-minute window per grant (issue 5: a grant's rate limit). In-process: with several
 * server processes each enforces the limit on its own share of the traffic.
 */
export class GrantRateLimiter {
  private readonly windows = new Map<string, { start: number; count: number; previous: number }>();

  /** True when one more call fits the limit; counts it. */
  take(grantId: string, perMinute: number, now = Date.now()): boolean {
    const minute = Math.floor(now / 60_000) * 60_000;
    let window = this.windows.get(grantId);
    if (!window || window.start !== minute) {
      const previous = window && window.start === minute - 60_000 ? window.count : 0;
      window = { start: minute, count: 0, previous };
      this.windows.set(grantId, window);
    }
    // The previous minute's calls weigh as much as the part of it still inside the window.
    const weight = 1 - (now - minute) / 60_000;
    if (window.count + window.previous * weight >= perMinute) return false;
    window.count++;
    return true;
  }
}

export interface SharingRuntime {
  signer: ResponseSigner;
  accessLog: AccessLog;
  rateLimiter: GrantRateLimiter;
}

export function createSharingRuntime(db: Db, signingKey: string, logger: Logger): SharingRuntime {
  return {
    signer: new ResponseSigner(signingKey),
    accessLog: new AccessLog(db, logger),
    rateLimiter: new GrantRateLimiter(),
  };
}
