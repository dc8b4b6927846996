import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { LedgerWriter } from '../modules/ledger/events.ts';
import { actorId, actorName, actorOrgId, type Actor } from './actor.ts';

export interface AuditEventInput {
  actor: Actor;
  requestId: string;
  action: string;
  target: string | null;
  /** Organisation the event concerns; defaults to the actor's own. */
  orgId?: string | null;
  outcome: 'success' | 'denied' | 'failed';
  details: Record<string, unknown>;
  occurredAt: Date;
}

const SECRET_KEY = /pass(word)?|secret|token$/i;
const DATA_URL = /^data:([\w.+-]+\/[\w.+-]+);base64,/;

/** Copies action input for the audit log, with passwords and secrets replaced. */
export function redact(value: unknown): unknown {
  // Uploaded files are recorded by size and digest, never by content.
  if (value instanceof Uint8Array) {
    return `[${value.length} bytes, sha256 ${createHash('sha256').update(value).digest('hex')}]`;
  }
  if (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { pipe?: unknown }).pipe === 'function'
  ) {
    return '[stream]';
  }
  // Files sent inline as data URLs (a showcase image, issue 7) likewise: by type, size and digest.
  if (typeof value === 'string') {
    const dataUrl = DATA_URL.exec(value);
    if (dataUrl) {
      const digest = createHash('sha256').update(value).digest('hex');
      return `[${dataUrl[1]} data URL, ${value.length} characters, sha256 ${digest}]`;
    }
  }
  if (Array.isArray(value)) return value.map(redact);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [
        key,
        SECRET_KEY.test(key) ? '[redacted]' : redact(inner),
      ]),
    );
  }
  return value;
}

/** What a ledger event is about, for tracing: `resource:CODE@3` and `CODE` both trace to CODE. */
export function ledgerSubject(target: string | null): string | null {
  if (target === null) return null;
  const resource = /^resource:([^@]+)/.exec(target);
  return resource ? (resource[1] as string) : target;
}

/**
 * The single append point of the audit log (R6.2, R5.9). Callers pass the transaction of the change
 * being recorded, so the event commits or rolls back with it, and with it its ledger event (issue
 * 6): the full event, personal identifiers keyed-hashed (R6.3), which the sequencer appends to the
 * Merkle tree.
 */
export async function appendAuditEvent(
  db: Kysely<Database>,
  ledger: LedgerWriter,
  event: AuditEventInput,
): Promise<void> {
  const occurredAt = event.occurredAt.toISOString();
  const orgId = event.orgId === undefined ? actorOrgId(event.actor) : event.orgId;
  const details = ledger.personalData.scrub(redact(event.details)) as Record<string, unknown>;
  const actor = {
    type: event.actor.type,
    id: actorId(event.actor),
    name: actorName(event.actor),
  };
  const row = await db
    .insertInto('audit_events')
    .values({
      occurred_at: occurredAt,
      request_id: event.requestId,
      actor_type: actor.type,
      actor_id: actor.id,
      actor_name: actor.name,
      org_id: orgId,
      action: event.action,
      target: event.target,
      outcome: event.outcome,
      details: JSON.stringify(details),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await ledger.record(db, {
    kind: 'audit',
    sourceId: Number(row.id),
    type: event.action,
    occurredAt,
    orgId,
    target: ledgerSubject(event.target),
    body: {
      kind: 'audit',
      auditId: Number(row.id),
      time: occurredAt,
      requestId: event.requestId,
      actor,
      orgId,
      action: event.action,
      target: event.target,
      outcome: event.outcome,
      details,
    },
  });
}
