import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson } from '../modules/ledger/events.ts';
import { auditEventBody, auditLedgerRow, type AuditRowForLedger } from './audit.ts';

/** The full event of an audit row as an object, canonicalized by the generic canonicalizer. */
function canonicalEvent(row: AuditRowForLedger): string {
  return canonicalJson({
    kind: 'audit',
    auditId: row.id,
    time: row.occurred_at,
    requestId: row.request_id,
    actor: { type: row.actor_type, id: row.actor_id, name: row.actor_name },
    orgId: row.org_id,
    action: row.action,
    target: row.target,
    outcome: row.outcome,
    details: JSON.parse(row.details) as unknown,
  });
}

const row: AuditRowForLedger = {
  id: 4_294_967_297,
  occurred_at: '2026-11-24T02:03:04.005Z',
  request_id: 'req-"quoted"\\back',
  actor_type: 'user',
  actor_id: '7d0c3b7e-3a53-4b5b-9a4e-2d8b1c9e0f11',
  actor_name: '王伟\u2028€',
  org_id: '7d0c3b7e-3a53-4b5b-9a4e-2d8b1c9e0f12',
  action: 'catalog.resource.update',
  target: 'resource:330000000001-01@2',
  outcome: 'success',
  details: JSON.stringify({
    z: [3, 1e21, 0.1, -0, { b: null, a: '\u0007\n' }],
    '€': true,
    a: { '\u00e9': 1, e: 2, '😀': 'emoji', '\ufb33': 'hebrew' },
    input: { contactPhone: 'hmac:0123456789abcdef0123456789abcdef', count: 12.5 },
  }),
};

describe('the ledger event of an audit row (issue 6, R6.2)', () => {
  it('writes the same canonical JSON (RFC 8785) as the generic canonicalizer', () => {
    assert.equal(auditEventBody(row), canonicalEvent(row));
    const anonymous: AuditRowForLedger = {
      ...row,
      id: 1,
      actor_type: 'system',
      actor_id: null,
      org_id: null,
      target: null,
      details: '{}',
    };
    assert.equal(auditEventBody(anonymous), canonicalEvent(anonymous));
  });

  it('commits to the body by its digest and traces the resource, not its version', () => {
    const event = auditLedgerRow(row);
    assert.equal(event.kind, 'audit');
    assert.equal(event.source_id, row.id);
    assert.equal(event.target, '330000000001-01');
    assert.match(event.digest, /^[0-9a-f]{64}$/);
    assert.notEqual(auditLedgerRow({ ...row, outcome: 'failed' }).digest, event.digest);
  });
});
