import { createHmac, hash } from 'node:crypto';
import type { LedgerEventTable } from '../../db/schema.ts';

/**
 * What becomes a leaf of the ledger (issue 6, R6.2, R5.9). The full event is stored as canonical JSON
 * (RFC 8785) and shown only to those entitled; the public leaf carries its SHA-256 digest, so anyone
 * checks the log without learning its contents and an entitled party checks that the event it was
 * shown is the one in the log.
 */

/**
 * The canonical (RFC 8785) serialization; every body and leaf goes through it. Hand-written rather
 * than the `canonicalize` package, which the tests keep as its oracle (events.test.ts): the
 * sequencer canonicalizes every audit event, and the package's generic checks (a Set for cycles, a
 * JavaScript loop over every string for lone surrogates) made it 1.6 times slower on our events.
 * Numbers and strings are what ECMAScript's JSON.stringify makes of them, as RFC 8785 prescribes;
 * members are sorted by UTF-16 code units, as Array.prototype.sort does; a lone surrogate, NaN or
 * an infinity is an error, for RFC 8785 has no form for them.
 */
export function canonicalJson(value: unknown): string {
  const text = canonical(value);
  if (text === undefined) throw new Error('value has no JSON form');
  return text;
}

function canonical(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      if (!value.isWellFormed()) throw new Error('Lone surrogate is not allowed');
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new Error(`${value} is not allowed`);
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      throw new Error('BigInt is not allowed');
    case 'object':
      break;
    default:
      // undefined, functions and symbols: left out of objects, null in arrays, as in JSON.
      return undefined;
  }
  if (value === null) return 'null';
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return canonical((value as { toJSON(): unknown }).toJSON());
  }
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      out += `${i === 0 ? '' : ','}${canonical(value[i]) ?? 'null'}`;
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  let out = '{';
  for (const key of Object.keys(record).sort()) {
    const member = canonical(record[key]);
    if (member === undefined) continue;
    out += `${out.length === 1 ? '' : ','}${canonical(key)}:${member}`;
  }
  return `${out}}`;
}

export const sha256Hex = (text: string | Uint8Array): string => hash('sha256', text, 'hex');

/** The public leaf of entry `seq`: sequence, time, event type and digest of the full event. */
export interface Leaf {
  seq: number;
  time: string;
  type: string;
  digest: string;
}

/**
 * The leaf's canonical JSON, written out directly: the members are already in RFC 8785 order and
 * JSON.stringify escapes strings as RFC 8785 does. The sequencer and `ledger verify` build one per
 * entry, and the generic canonicalizer cost a sixth of verification (`leafBytes` equals
 * `canonicalJson(leaf)`, checked in merkle.test.ts).
 */
export function leafBytes(leaf: Leaf): Buffer {
  return Buffer.from(leafText(leaf));
}

/** `leafBytes` as text, for hashing without a buffer of its own (merkle.ts `leafHash`). */
export function leafText(leaf: Leaf): string {
  return `{"digest":${JSON.stringify(leaf.digest)},"seq":${leaf.seq},"time":${JSON.stringify(leaf.time)},"type":${JSON.stringify(leaf.type)}}`;
}

const HASH_MEMO_SIZE = 10_000;

/** Keys whose values are personal however they look (R6.3). */
const PERSONAL_KEYS =
  /^(end_?user|contact_?(name|phone)|phone|mobile|id_?number|citizen_?id|person_?name|holder)$/i;
const MOBILE = /^1[3-9][0-9]{9}$/;
/** Shaped like a GB 11643 number; a wrong check digit is still somebody's mistyped number. */
const CITIZEN_ID = /^[1-9][0-9]{16}[0-9Xx]$/;

/**
 * Replaces personal identifiers by a keyed hash (HMAC-SHA-256 under the platform's key), so that
 * the same person gives the same value across events, and the value itself appears nowhere in the
 * log: strings shaped like citizen ID numbers (GB 11643) or mobile numbers wherever they occur, and the values of keys
 * that name a person or their contact.
 */
export class PersonalDataHasher {
  constructor(private readonly key: Buffer) {}

  /**
   * Recent hashes by value: the same clerks, case numbers and citizens come back call after call, and
   * an HMAC costs a fifth of building an access event. Cleared when full, so it never grows past
   * HASH_MEMO_SIZE values.
   */
  private readonly memo = new Map<string, string>();

  hash(value: string): string {
    let hashed = this.memo.get(value);
    if (hashed === undefined) {
      hashed = `hmac:${createHmac('sha256', this.key).update(value).digest('hex').slice(0, 32)}`;
      if (this.memo.size >= HASH_MEMO_SIZE) this.memo.clear();
      this.memo.set(value, hashed);
    }
    return hashed;
  }

  /** `scrub` of one text, the value of `key`. */
  scrubText(value: string, key: string): string {
    if (value === '' || value.startsWith('hmac:')) return value;
    if (PERSONAL_KEYS.test(key)) return this.hash(value);
    if (MOBILE.test(value)) return this.hash(value);
    if (CITIZEN_ID.test(value)) return this.hash(value);
    return value.toWellFormed();
  }

  /**
   * Also makes every text well-formed UTF-16 (a lone surrogate becomes U+FFFD): RFC 8785 has no form
   * for a lone surrogate, and an event the sequencer could not canonicalize would stop the ledger.
   */
  scrub(value: unknown, key = ''): unknown {
    if (typeof value === 'string') return this.scrubText(value, key);
    if (Array.isArray(value)) return value.map((inner) => this.scrub(inner, key));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([inner, nested]) => [
          inner.toWellFormed(),
          this.scrub(nested, inner),
        ]),
      );
    }
    return value;
  }
}

export type LedgerEventRow = Omit<LedgerEventTable, 'id'>;

/** The columns of a ledger event as written, but for its leaf index. */
export const LEDGER_EVENT_COLUMNS = [
  'kind',
  'source_id',
  'event_type',
  'occurred_at',
  'org_id',
  'other_org_id',
  'target',
  'body',
  'digest',
] as const satisfies readonly (keyof LedgerEventRow)[];

/** What writers of audit events need from the ledger (Services.ledger). */
export interface LedgerWriter {
  personalData: PersonalDataHasher;
  /**
   * audit_events.ledger_pending of a new audit row (migration 0010): 1 on PostgreSQL, where rows
   * wait for the sequencer by this flag; 0 on SQLite, where they wait above the watermark; and 0 in
   * the baseline of `npm run bench:ledger`, which measures the same actions without the ledger.
   */
  auditPendingFlag: 0 | 1;
}
