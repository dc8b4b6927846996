import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
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

/**
 * The single append point of the audit log (R6.2, R5.9). Callers pass the transaction of the change
 * being recorded, so the event commits or rolls back with it. The ledger (issue 6) hooks in here.
 */
export async function appendAuditEvent(
  db: Kysely<Database>,
  event: AuditEventInput,
): Promise<void> {
  await db
    .insertInto('audit_events')
    .values({
      occurred_at: event.occurredAt.toISOString(),
      request_id: event.requestId,
      actor_type: event.actor.type,
      actor_id: actorId(event.actor),
      actor_name: actorName(event.actor),
      org_id: event.orgId === undefined ? actorOrgId(event.actor) : event.orgId,
      action: event.action,
      target: event.target,
      outcome: event.outcome,
      details: JSON.stringify(redact(event.details)),
    })
    .execute();
}
