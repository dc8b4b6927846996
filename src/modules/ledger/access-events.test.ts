import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { accessEventBody, accessLedgerRow, type AccessRowForLedger } from './access-events.ts';
import { canonicalJson, PersonalDataHasher, sha256Hex } from './events.ts';

const hasher = new PersonalDataHasher(Buffer.from('access-events-test-key'));

/** The event as an object, scrubbed and canonicalized generically: what accessEventBody writes. */
function oracle(row: AccessRowForLedger): string {
  return canonicalJson(
    hasher.scrub({
      kind: 'access',
      accessId: row.id,
      time: row.occurred_at,
      requestId: row.request_id,
      tokenId: row.token_id,
      system: row.system_name,
      consumerOrgId: row.consumer_org_id,
      providerOrgId: row.provider_org_id,
      grantId: row.grant_id,
      resourceCode: row.resource_code,
      operation: row.operation,
      purpose: row.purpose,
      endUser: row.end_user,
      caseRef: row.case_ref,
      emergencyId: row.emergency_id,
      status: row.status,
      errorCode: row.error_code,
      rowCount: row.row_count,
      fields: row.fields === null ? null : (JSON.parse(row.fields) as unknown),
      responseDigest: row.response_digest,
      clientIp: row.client_ip,
    }),
  );
}

const base: AccessRowForLedger = {
  id: 4_294_967_297,
  occurred_at: '2026-11-24T02:03:04.005Z',
  request_id: 'req-"quoted"\\back',
  token_id: '7d0c3b7e-3a53-4b5b-9a4e-2d8b1c9e0f11',
  system_name: '综合受理平台\u2028€',
  consumer_org_id: '7d0c3b7e-3a53-4b5b-9a4e-2d8b1c9e0f12',
  grant_id: '7d0c3b7e-3a53-4b5b-9a4e-2d8b1c9e0f13',
  provider_org_id: '7d0c3b7e-3a53-4b5b-9a4e-2d8b1c9e0f14',
  resource_code: '330000000001-01',
  operation: 'lookup',
  purpose: '办理户籍迁入 😀',
  end_user: '张科员',
  case_ref: '110101199003074258',
  emergency_id: null,
  status: 200,
  error_code: null,
  row_count: 1,
  fields: JSON.stringify(['id_card_no', 'person_name', '13800138000', 'lone \ud800']),
  response_digest: sha256Hex('body'),
  client_ip: '::ffff:127.0.0.1',
};

describe('access ledger events (R6.2, R6.3)', () => {
  it('writes the same canonical event as scrubbing and canonicalizing the object', () => {
    const rows: AccessRowForLedger[] = [
      base,
      // Every nullable member null, a denied call, an empty text, a lone surrogate, a mobile number.
      {
        ...base,
        id: 1,
        token_id: null,
        system_name: null,
        consumer_org_id: null,
        grant_id: null,
        provider_org_id: null,
        resource_code: null,
        purpose: '',
        end_user: null,
        case_ref: '13912345678',
        status: 403,
        error_code: 'SHARE_GRANT_NOT_FOUND',
        row_count: 0,
        fields: null,
        response_digest: null,
        client_ip: null,
        request_id: 'bad \udc00 id',
      },
      { ...base, id: 2, end_user: 'hmac:0123456789abcdef0123456789abcdef', fields: '[]' },
      { ...base, id: 3, fields: JSON.stringify([{ nested: { endUser: 'x' } }, 1.5, null]) },
    ];
    for (const row of rows) {
      const body = accessEventBody(row, hasher);
      assert.equal(body, oracle(row));
      assert.equal(body, canonicalJson(JSON.parse(body)));
    }
  });

  it('keeps personal identifiers out: keyed hashes instead', () => {
    const event = accessLedgerRow(base, hasher);
    const body = JSON.parse(event.body) as Record<string, unknown>;
    assert.equal(body.endUser, hasher.hash('张科员'));
    assert.equal(body.caseRef, hasher.hash('110101199003074258'));
    assert.deepEqual(body.fields, [
      'id_card_no',
      'person_name',
      hasher.hash('13800138000'),
      'lone \ufffd',
    ]);
    assert.ok(!event.body.includes('张科员'));
    assert.equal(event.digest, sha256Hex(event.body));
    assert.equal(event.kind, 'access');
    assert.equal(event.source_id, base.id);
    assert.equal(event.event_type, 'share.data.lookup');
    assert.equal(event.target, '330000000001-01');
    assert.equal(event.org_id, base.consumer_org_id);
    assert.equal(event.other_org_id, base.provider_org_id);
  });

  it('hashes through its memo exactly as an HMAC each time, past the memo size too', () => {
    const fresh = new PersonalDataHasher(Buffer.from('memo-key'));
    const hmac = (value: string) =>
      `hmac:${createHmac('sha256', 'memo-key').update(value).digest('hex').slice(0, 32)}`;
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 25_000; i += 7) assert.equal(fresh.hash(`科员${i}`), hmac(`科员${i}`));
    }
  });
});
