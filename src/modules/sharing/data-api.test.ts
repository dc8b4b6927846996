import assert from 'node:assert/strict';
import { createPublicKey, verify as verifySignature, createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { demoCitizenId, loadDemoData } from '../../demo/demo-data.ts';
import { createTestApp, login, type Session, type TestApp } from '../../test/api.ts';
import { engineAvailable, ENGINES } from '../../test/engines.ts';
import type { GrantDto } from './grants.ts';

/**
 * The data API (issue 5): masking per grant (R4.1 "only masked"), purpose-bound and recorded access
 * (R4.8), verification without data (R4.7), holder lookup (R4.9), signed provenance, watermarked
 * exports, and every refusal the issue lists: no token, revoked token, a user session, another
 * organisation's token, a missing/foreign/revoked/expired grant, an operation or item not granted,
 * a filter on a non-queryable item, SQL-like values, page sizes beyond the maximum, oversized
 * verification batches, the rate limit. None leaks a row or whether a key exists.
 */
/**
 * Verification as docs/API-sharing.md tells a consumer to do it: hash the body, walk the Merkle audit
 * path to the root, check the Ed25519 signature over the root.
 */
export function verifyResponse(
  headers: Record<string, string | string[] | number | undefined>,
  digest: string,
  publicKey: ReturnType<typeof createPublicKey>,
): boolean {
  const sha = (...parts: Buffer[]) => {
    const hash = createHash('sha256');
    for (const part of parts) hash.update(part);
    return hash.digest();
  };
  let node = sha(Buffer.from([0]), Buffer.from(digest, 'hex'));
  const header = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value.join(',') : String(value ?? '');
  };
  const proof = header('x-govdx-merkle-proof');
  for (const step of proof ? proof.split(',') : []) {
    const [side, hex] = step.split(':');
    const sibling = Buffer.from(hex ?? '', 'hex');
    node =
      side === 'L' ? sha(Buffer.from([1]), sibling, node) : sha(Buffer.from([1]), node, sibling);
  }
  if (node.toString('hex') !== header('x-govdx-merkle-root')) return false;
  return verifySignature(
    null,
    Buffer.from(`govdx-share-v1:${node.toString('hex')}`),
    publicKey,
    Buffer.from(header('x-govdx-signature'), 'base64'),
  );
}

interface ErrorBody {
  error: { code: string; message: string; reason?: string; requestId: string };
}
interface Provenance {
  grantId: string;
  resourceCode: string;
  resourceVersion: number;
  batchId: string | null;
  asOf: string | null;
  requestId: string;
}

for (const engine of ENGINES) {
  describe(`sharing data API [${engine}]`, { skip: !(await engineAvailable(engine)) }, () => {
    let t: TestApp;
    let gaj: Session; // provider (公安局)
    let scjgj: Session; // consumer (市场监管局)
    let admin: Session; // the city's authority
    let population: string; // 户籍人口信息 (unconditional)
    let vehiclesCode: string; // 机动车登记信息 (conditional)
    let consumerToken: string;
    let consumerTokenId: string;
    let secondToken: string; // another system of the consumer
    let otherOrgToken: string; // 人社局's system
    let grant: GrantDto; // SCJGJ on population: lookup, verify, export
    let vehicleGrant: GrantDto; // SCJGJ on vehicles, created by the provider with masking
    const person = demoCitizenId(4);

    const ok = (response: LightMyRequestResponse, status = 200) => {
      assert.equal(response.statusCode, status, response.body);
      return response;
    };
    const errorOf = (response: LightMyRequestResponse) => response.json<ErrorBody>().error;
    const call = (
      method: 'GET' | 'POST',
      url: string,
      options: {
        token?: string | null;
        grant?: string;
        payload?: unknown;
        headers?: Record<string, string>;
      } = {},
    ) =>
      t.app.inject({
        method,
        url,
        headers: {
          ...(options.token === null
            ? {}
            : { authorization: `Bearer ${options.token ?? consumerToken}` }),
          ...(options.grant ? { 'x-govdx-grant': options.grant } : {}),
          ...options.headers,
        },
        ...(options.payload === undefined
          ? {}
          : { payload: options.payload as Record<string, unknown> }),
      });
    const lookupUrl = (key = person.id, code = population) =>
      `/api/v1/share/${code}/records/${key}`;
    const createToken = async (session: Session, orgCode: string, name: string) => {
      const created = ok(
        await session.request('POST', '/api/v1/tokens', { orgCode, name }),
        201,
      ).json<{
        secret: string;
        token: { id: string };
      }>();
      return created;
    };
    const refused = (response: LightMyRequestResponse, status: number, reason: string) => {
      assert.equal(response.statusCode, status, response.body);
      assert.equal(errorOf(response).reason, reason, response.body);
    };
    const accessLog = async (query: string) =>
      ok(await admin.request('GET', `/api/v1/share/access-log?${query}`)).json<{
        items: {
          grantId: string | null;
          operation: string;
          status: number;
          errorCode: string | null;
          endUser: string | null;
          caseRef: string | null;
          rowCount: number;
          fields: string[] | null;
          responseDigest: string | null;
          requestId: string;
        }[];
        total: number;
      }>();

    before(async () => {
      t = await createTestApp(engine);
      await loadDemoData(t.platform.services, 'sample');
      gaj = await login(t.app, 'gaj_admin');
      scjgj = await login(t.app, 'scjgj_admin');
      admin = await login(t.app, 'admin');
      const list = ok(
        await admin.request(
          'GET',
          '/api/v1/catalog/resources?orgCode=GAJ&status=published&limit=500',
        ),
      ).json<{ items: { code: string; name: string }[] }>();
      population = list.items.find((item) => item.name === '户籍人口信息')?.code ?? '';
      vehiclesCode = list.items.find((item) => item.name === '机动车登记信息')?.code ?? '';
      assert.ok(population && vehiclesCode);
      const consumer = await createToken(scjgj, 'SCJGJ', '企业登记系统');
      consumerToken = consumer.secret;
      consumerTokenId = consumer.token.id;
      secondToken = (await createToken(scjgj, 'SCJGJ', '执法办案系统')).secret;
      otherOrgToken = (await createToken(admin, 'RSJ', '社保系统')).secret;
      grant = ok(
        await scjgj.request('POST', '/api/v1/share/grants/obtain', {
          resourceCode: population,
          items: [
            'id_card_no',
            'person_name',
            'household_address',
            'gender',
            'birth_date',
            'household_no',
            'person_status',
          ],
          operations: ['lookup', 'verify', 'export'],
          purpose: '企业登记时核验法定代表人身份',
          scenario: '企业开办一网通办',
          legalBasis: '《市场主体登记管理条例》第十三条',
        }),
        201,
      ).json<GrantDto>();
      vehicleGrant = ok(
        await gaj.request('POST', '/api/v1/share/grants', {
          consumerOrgCode: 'SCJGJ',
          resourceCode: vehiclesCode,
          items: ['plate_no', 'plate_type', 'vin', 'owner_name', 'owner_id_no', 'vehicle_status'],
          operations: ['lookup'],
          masking: { owner_id_no: 'id_number', vin: 'drop' },
          purpose: '查验经营车辆登记状态',
          scenario: '道路运输经营许可',
          legalBasis: '《道路运输条例》',
          tokenId: consumerTokenId,
        }),
        201,
      ).json<GrantDto>();
    });
    after(() => t.close());

    it('grants: unconditional access is obtained at once with the catalog masking; conditional is refused', async () => {
      assert.equal(grant.status, 'active');
      assert.equal(grant.origin, 'direct');
      const masking = Object.fromEntries(grant.items.map((item) => [item.column, item.masking]));
      // R4.1: the catalog's masking ("partial") becomes the rule fitting each item.
      assert.deepEqual(
        [masking.id_card_no, masking.person_name, masking.household_address, masking.gender],
        ['id_number', 'name', 'address', 'none'],
      );
      const conditional = await scjgj.request('POST', '/api/v1/share/grants/obtain', {
        resourceCode: vehiclesCode,
        items: ['plate_no'],
        operations: ['lookup'],
        purpose: '直接获取',
        scenario: '测试',
        legalBasis: '无法律依据',
      });
      assert.equal(conditional.statusCode, 409, conditional.body);
      // Only the provider or the authority creates grants directly; nobody grants on an item that is not there.
      const byConsumer = await scjgj.request('POST', '/api/v1/share/grants', {
        consumerOrgCode: 'SCJGJ',
        resourceCode: vehiclesCode,
        items: ['plate_no'],
        operations: ['lookup'],
        purpose: '自行授权',
        scenario: '测试',
        legalBasis: '无法律依据',
      });
      assert.equal(byConsumer.statusCode, 403, byConsumer.body);
      const unknownItem = await gaj.request('POST', '/api/v1/share/grants', {
        consumerOrgCode: 'SCJGJ',
        resourceCode: vehiclesCode,
        items: ['plate_no', 'salary'],
        operations: ['lookup'],
        purpose: '测试',
        scenario: '测试',
        legalBasis: '测试',
      });
      assert.equal(unknownItem.statusCode, 400, unknownItem.body);
      assert.equal(vehicleGrant.origin, 'authority');
      assert.equal(vehicleGrant.tokenName, '企业登记系统');
    });

    it('key lookup returns the granted items masked, with provenance and a verifiable signature, and is logged', async () => {
      const response = ok(
        await call('GET', lookupUrl(), {
          grant: grant.id,
          headers: { 'x-govdx-user': encodeURIComponent('张科员'), 'x-govdx-case': 'QY-2026-0001' },
        }),
      );
      const body = response.json<{ record: Record<string, string>; provenance: Provenance }>();
      assert.equal(
        body.record.id_card_no,
        `${person.id.slice(0, 6)}********${person.id.slice(-4)}`,
      );
      assert.match(body.record.person_name ?? '', /^[^*]\*+$/u);
      assert.match(body.record.household_address ?? '', /^示范市(中心区|[^*]+区)\*{4}$/u);
      assert.equal(body.record.gender, person.gender);
      assert.deepEqual(Object.keys(body.record).sort(), [
        'birth_date',
        'gender',
        'household_address',
        'household_no',
        'id_card_no',
        'person_name',
        'person_status',
      ]);
      assert.equal(body.provenance.grantId, grant.id);
      assert.equal(body.provenance.resourceCode, population);
      assert.ok(body.provenance.batchId, 'the batch the record came from');
      assert.ok(body.provenance.asOf);
      // The platform signature covers the exact bytes (docs/API-sharing.md).
      const keys = ok(
        await t.app.inject({ method: 'GET', url: '/api/v1/share/signing-keys' }),
      ).json<{
        keys: { keyId: string; publicKeyPem: string }[];
      }>();
      const key = keys.keys[0]!;
      assert.equal(response.headers['x-govdx-key-id'], key.keyId);
      const digest = createHash('sha256').update(response.rawPayload).digest('hex');
      assert.equal(response.headers['x-govdx-content-sha256'], digest);
      const publicKey = createPublicKey(key.publicKeyPem);
      assert.equal(verifyResponse(response.headers, digest, publicKey), true);
      // A changed body (its digest) no longer verifies.
      const altered = `${digest.slice(0, -1)}${digest.endsWith('0') ? '1' : '0'}`;
      assert.equal(verifyResponse(response.headers, altered, publicKey), false);
      // Concurrent responses are signed together: each verifies through its own audit path.
      const concurrent = await Promise.all(
        [0, 1, 2, 3, 5, 6, 7, 8, 9].map((i) =>
          call('GET', lookupUrl(demoCitizenId(i).id), { grant: grant.id }),
        ),
      );
      for (const each of concurrent) {
        const eachDigest = createHash('sha256').update(each.rawPayload).digest('hex');
        assert.equal(verifyResponse(each.headers, eachDigest, publicKey), true);
      }
      const log = await accessLog(`grantId=${grant.id}&status=allowed&limit=50`);
      const entry = log.items.find((item) => item.requestId === body.provenance.requestId);
      assert.ok(entry, 'the call is in the access log');
      assert.equal(entry.operation, 'lookup');
      assert.equal(entry.endUser, '张科员');
      assert.equal(entry.caseRef, 'QY-2026-0001');
      assert.equal(entry.rowCount, 1);
      assert.equal(entry.responseDigest, digest);
      assert.ok(entry.fields?.includes('id_card_no'));
    });

    it('the provider’s masking and dropped items apply; a grant bound to one system refuses the others', async () => {
      const plate = '示A00000';
      const response = ok(
        await call('GET', lookupUrl(`${plate}|02`, vehiclesCode), { grant: vehicleGrant.id }),
      ).json<{ record: Record<string, string> }>();
      assert.equal(response.record.plate_no, plate);
      assert.equal(response.record.vin, undefined, 'vin is dropped');
      assert.match(response.record.owner_id_no ?? '', /^\d{6}\*{8}[\dX]{4}$/);
      refused(
        await call('GET', lookupUrl(`${plate}|02`, vehiclesCode), {
          grant: vehicleGrant.id,
          token: secondToken,
        }),
        403,
        'SHARE_GRANT_OTHER_SYSTEM',
      );
      refused(
        await call('GET', lookupUrl(plate, vehiclesCode), { grant: vehicleGrant.id }),
        400,
        'SHARE_KEY_INVALID',
      );
    });

    it('query: filters, projection, sort, keyset pages; refusals for items, masked ranges, non-queryable items; clamps the page size', async () => {
      const url = `/api/v1/share/${population}/query`;
      const page = async (payload: Record<string, unknown>) =>
        ok(await call('POST', url, { grant: grant.id, payload })).json<{
          items: Record<string, string>[];
          pageSize: number;
          clamped: boolean;
          nextCursor: string | null;
        }>();
      const household = '100000001';
      const members = await page({
        filters: [{ item: 'household_no', op: 'eq', value: household }],
        limit: 10,
      });
      assert.equal(members.items.length, 3);
      assert.ok(members.items.every((row) => row.household_no === household));
      // Keyset pages of one cover the same rows, in key order, without repeats.
      const seen: string[] = [];
      let cursor: string | null | undefined;
      do {
        const next = await page({
          filters: [{ item: 'household_no', op: 'in', values: [household, '100000002'] }],
          fields: ['id_card_no', 'household_no'],
          sort: { item: 'household_no', direction: 'desc' },
          limit: 1,
          ...(cursor ? { cursor } : {}),
        });
        assert.deepEqual(Object.keys(next.items[0] ?? { id_card_no: 1, household_no: 1 }).sort(), [
          'household_no',
          'id_card_no',
        ]);
        seen.push(...next.items.map((row) => `${row.household_no}/${row.id_card_no}`));
        cursor = next.nextCursor;
      } while (cursor);
      assert.equal(seen.length, 6);
      assert.equal(new Set(seen).size, 6);
      assert.deepEqual(
        seen.map((s) => s.split('/')[0]),
        [...seen.map((s) => s.split('/')[0])].sort().reverse(),
      );
      const clamped = await page({ limit: 1_000_000 });
      assert.equal(clamped.pageSize, 1000);
      assert.equal(clamped.clamped, true);
      assert.equal(clamped.items.length, 1000);
      refused(
        await call('POST', url, { grant: grant.id, payload: { fields: ['former_name'] } }),
        403,
        'SHARE_ITEM_NOT_GRANTED',
      );
      refused(
        await call('POST', url, {
          grant: grant.id,
          payload: { filters: [{ item: 'ethnicity_code', op: 'eq', value: '01' }] },
        }),
        403,
        'SHARE_ITEM_NOT_GRANTED',
      );
      refused(
        await call('POST', url, {
          grant: grant.id,
          payload: { filters: [{ item: 'birth_date', op: 'gte', value: '2000-01-01' }] },
        }),
        400,
        'SHARE_FILTER_NOT_QUERYABLE',
      );
      refused(
        await call('POST', url, {
          grant: grant.id,
          payload: { filters: [{ item: 'id_card_no', op: 'gte', value: '1' }] },
        }),
        400,
        'SHARE_FILTER_MASKED_RANGE',
      );
      // SQL-like strings are values, never SQL.
      const injected = await page({
        filters: [
          { item: 'person_name', op: 'eq', value: "' OR 1=1; DROP TABLE share_grants; --" },
        ],
      });
      assert.equal(injected.items.length, 0);
      const stillThere = await page({
        filters: [{ item: 'household_no', op: 'eq', value: household }],
      });
      assert.equal(stillThere.items.length, 3);
      refused(
        await call('POST', url, { grant: grant.id, payload: { cursor: 'not-a-cursor' } }),
        400,
        'SHARE_CURSOR_INVALID',
      );
    });

    it('verification answers match or no match per record and field and returns no data', async () => {
      const other = demoCitizenId(5);
      const lookup = ok(await call('GET', lookupUrl(), { grant: grant.id })).json<{
        record: { birth_date: string };
      }>();
      const response = ok(
        await call('POST', `/api/v1/share/${population}/verify`, {
          grant: grant.id,
          payload: {
            records: [
              {
                id_card_no: person.id,
                gender: person.gender,
                birth_date: lookup.record.birth_date,
              },
              { id_card_no: other.id, gender: other.gender === '男' ? '女' : '男' },
              { id_card_no: demoCitizenId(1_999_999).id, gender: '男' },
            ],
          },
        }),
      );
      const body = response.json<{
        results: { index: number; match: boolean; fields: Record<string, boolean> }[];
        matched: number;
      }>();
      assert.equal(body.matched, 1);
      assert.deepEqual(body.results[0], {
        index: 0,
        match: true,
        fields: { id_card_no: true, gender: true, birth_date: true },
      });
      assert.deepEqual(body.results[1], {
        index: 1,
        match: false,
        fields: { id_card_no: true, gender: false },
      });
      assert.deepEqual(body.results[2], {
        index: 2,
        match: false,
        fields: { id_card_no: false, gender: false },
      });
      assert.ok(!response.body.includes(lookup.record.birth_date), 'no values of the records');
      const tooMany = Array.from({ length: 1001 }, (_, i) => ({ id_card_no: demoCitizenId(i).id }));
      refused(
        await call('POST', `/api/v1/share/${population}/verify`, {
          grant: grant.id,
          payload: { records: tooMany },
        }),
        400,
        'SHARE_VERIFY_TOO_MANY',
      );
      refused(
        await call('POST', `/api/v1/share/${population}/verify`, {
          grant: grant.id,
          payload: { records: [{ id_card_no: person.id, former_name: 'x' }] },
        }),
        403,
        'SHARE_ITEM_NOT_GRANTED',
      );
    });

    it('export streams the masked view with a per-grant watermark and a signature line; a leaked copy is traced to the grant', async () => {
      const response = ok(
        await call('GET', `/api/v1/share/${population}/export?format=csv`, { grant: grant.id }),
      );
      const lines = response.body.trimEnd().split('\n');
      assert.match(lines[0] ?? '', /^# govdx-export .*grantId=/);
      assert.equal(
        lines[1],
        'id_card_no,person_name,household_address,gender,birth_date,household_no,person_status,_govdx_wm',
      );
      const rows = lines.slice(2, -1);
      assert.equal(rows.length, 2000);
      const signatureLine = lines[lines.length - 1] ?? '';
      const match = /sha256=([0-9a-f]{64}) signature=(\S+) rows=2000$/.exec(signatureLine);
      assert.ok(match, signatureLine);
      const signed = response.body.slice(0, response.body.lastIndexOf('# govdx-signature'));
      assert.equal(createHash('sha256').update(signed).digest('hex'), match[1]);
      const keys = ok(
        await t.app.inject({ method: 'GET', url: '/api/v1/share/signing-keys' }),
      ).json<{ keys: { publicKeyPem: string }[] }>();
      assert.ok(
        verifySignature(
          null,
          Buffer.from(`govdx-share-v1:${match[1]}`),
          createPublicKey(keys.keys[0]!.publicKeyPem),
          Buffer.from(match[2] ?? '', 'base64'),
        ),
      );
      assert.ok(
        rows.every((row) => /\*{8}/.test(row)),
        'ID numbers masked in every row',
      );
      // The provider traces three leaked rows back to the consumer's grant.
      const header = (lines[1] ?? '').split(',');
      const leaked = rows
        .slice(10, 13)
        .map(
          (row) =>
            Object.fromEntries(row.split(',').map((value, i) => [header[i], value])) as Record<
              string,
              string
            >,
        );
      const traced = ok(
        await gaj.request('POST', '/api/v1/share/watermark/trace', {
          resourceCode: population,
          rows: leaked,
        }),
      ).json<{ matches: { grantId: string; consumerOrgCode: string; rows: number }[] }>();
      assert.deepEqual(
        traced.matches.map((m) => [m.grantId, m.consumerOrgCode, m.rows]),
        [[grant.id, 'SCJGJ', 3]],
      );
      const tampered = leaked.map((row) => ({ ...row, gender: row.gender === '男' ? '女' : '男' }));
      const none = ok(
        await gaj.request('POST', '/api/v1/share/watermark/trace', {
          resourceCode: population,
          rows: tampered,
        }),
      ).json<{ matches: unknown[] }>();
      assert.deepEqual(none.matches, []);
      // Only the provider and the authority trace.
      const byConsumer = await scjgj.request('POST', '/api/v1/share/watermark/trace', {
        resourceCode: population,
        rows: leaked,
      });
      assert.equal(byConsumer.statusCode, 403);
      const ndjson = ok(
        await call('GET', `/api/v1/share/${population}/export?format=ndjson`, { grant: grant.id }),
      );
      const first = JSON.parse(ndjson.body.split('\n')[1] ?? '{}') as Record<string, string>;
      assert.match(first._govdx_wm ?? '', /^[0-9a-f]{16}$/);
      refused(
        await call('GET', `/api/v1/share/${vehiclesCode}/export`, { grant: vehicleGrant.id }),
        403,
        'SHARE_OPERATION_NOT_GRANTED',
      );
      const log = await accessLog(`grantId=${grant.id}&status=allowed&limit=50`);
      const exportEntry = log.items.find((item) => item.operation === 'export');
      assert.equal(exportEntry?.rowCount, 2000);
      assert.ok(exportEntry?.responseDigest);
    });

    it('the changes feed pages the masked view by row version', async () => {
      const first = ok(
        await call('GET', `/api/v1/share/${population}/changes?since=0&limit=5`, {
          grant: grant.id,
        }),
      ).json<{
        items: { rowVersion: number; deleted: boolean; values: Record<string, string> }[];
        nextCursor: number;
      }>();
      assert.equal(first.items.length, 5);
      assert.match(first.items[0]?.values.id_card_no ?? '', /\*{8}/);
      const next = ok(
        await call('GET', `/api/v1/share/${population}/changes?since=${first.nextCursor}&limit=5`, {
          grant: grant.id,
        }),
      ).json<{ items: { rowVersion: number }[] }>();
      assert.ok((next.items[0]?.rowVersion ?? 0) > first.nextCursor);
    });

    it('holder lookup lists what the platform holds for a person within the caller’s grants (R4.9)', async () => {
      const response = ok(await call('GET', `/api/v1/share/holdings?idNumber=${person.id}`)).json<{
        subject: { value: string };
        holdings: {
          resourceCode: string;
          count: number;
          records: Record<string, string>[];
          eLicence: boolean;
        }[];
      }>();
      assert.equal(
        response.subject.value,
        `${person.id.slice(0, 6)}********${person.id.slice(-4)}`,
      );
      const held = response.holdings.find((h) => h.resourceCode === population);
      assert.equal(held?.count, 1);
      assert.match(held?.records[0]?.id_card_no ?? '', /\*{8}/);
      // Without grants, nothing is held as far as the caller can know.
      const other = ok(
        await call('GET', `/api/v1/share/holdings?idNumber=${person.id}`, { token: otherOrgToken }),
      ).json<{
        holdings: unknown[];
      }>();
      assert.deepEqual(other.holdings, []);
      refused(
        await call('GET', '/api/v1/share/holdings?idNumber=110101199001011234'),
        400,
        'SHARE_HOLDER_INVALID',
      );
      refused(await call('GET', '/api/v1/share/holdings'), 400, 'SHARE_HOLDER_INVALID');
    });

    it('refuses every call without a lawful grant, with a stable reason, and never reveals whether a key exists', async () => {
      const endpoints: [string, 'GET' | 'POST', string, unknown?][] = [
        ['lookup', 'GET', lookupUrl()],
        ['query', 'POST', `/api/v1/share/${population}/query`, { limit: 1 }],
        [
          'verify',
          'POST',
          `/api/v1/share/${population}/verify`,
          { records: [{ id_card_no: person.id }] },
        ],
        ['changes', 'GET', `/api/v1/share/${population}/changes`],
        ['export', 'GET', `/api/v1/share/${population}/export`],
      ];
      const expiredToken = await createToken(scjgj, 'SCJGJ', '已过期系统');
      // Expired before its first use, so that no credential cache holds it.
      await t.platform.services.db.kysely
        .updateTable('api_tokens')
        .set({ expires_at: new Date(Date.now() - 60_000).toISOString() })
        .where('id', '=', expiredToken.token.id)
        .execute();
      const revokedToken = await createToken(scjgj, 'SCJGJ', '已吊销系统');
      ok(
        await scjgj.request('POST', `/api/v1/tokens/${revokedToken.token.id}/revoke`, {
          reason: '系统下线',
        }),
      );
      const revokedGrant = ok(
        await scjgj.request('POST', '/api/v1/share/grants/obtain', {
          resourceCode: population,
          items: ['id_card_no'],
          operations: ['lookup', 'verify', 'export'],
          purpose: '将被撤销',
          scenario: '测试',
          legalBasis: '测试',
        }),
        201,
      ).json<GrantDto>();
      ok(
        await gaj.request('POST', `/api/v1/share/grants/${revokedGrant.id}/revoke`, {
          reason: '用途已结束',
        }),
      );
      const expiredGrant = ok(
        await scjgj.request('POST', '/api/v1/share/grants/obtain', {
          resourceCode: population,
          items: ['id_card_no'],
          operations: ['lookup', 'verify', 'export'],
          purpose: '将过期',
          scenario: '测试',
          legalBasis: '测试',
        }),
        201,
      ).json<GrantDto>();
      await t.platform.services.db.kysely
        .updateTable('share_grants')
        .set({ valid_to: new Date(Date.now() - 60_000).toISOString() })
        .where('id', '=', expiredGrant.id)
        .execute();
      for (const [name, method, url, payload] of endpoints) {
        const p = payload === undefined ? {} : { payload };
        const noToken = await call(method, url, { token: null, grant: grant.id, ...p });
        assert.equal(noToken.statusCode, 401, `${name} without a token`);
        const session = await t.app.inject({
          method,
          url,
          headers: {
            cookie: scjgj.cookie,
            'x-csrf-token': scjgj.csrfToken,
            'x-govdx-grant': grant.id,
          },
          ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
        });
        refused(session, 403, 'SHARE_TOKEN_REQUIRED');
        const revoked = await call(method, url, {
          token: revokedToken.secret,
          grant: grant.id,
          ...p,
        });
        assert.equal(revoked.statusCode, 401, `${name} with a revoked token`);
        const expired = await call(method, url, {
          token: expiredToken.secret,
          grant: grant.id,
          ...p,
        });
        assert.equal(expired.statusCode, 401, `${name} with an expired token`);
        refused(await call(method, url, { ...p }), 400, 'SHARE_GRANT_MISSING');
        refused(
          await call(method, url, { grant: '00000000-0000-0000-0000-000000000000', ...p }),
          403,
          'SHARE_GRANT_NOT_FOUND',
        );
        refused(
          await call(method, url, { grant: "1' or '1'='1", ...p }),
          403,
          'SHARE_GRANT_NOT_FOUND',
        );
        refused(
          await call(method, url, { token: otherOrgToken, grant: grant.id, ...p }),
          403,
          'SHARE_GRANT_NOT_FOUND',
        );
        refused(
          await call(method, url, { grant: revokedGrant.id, ...p }),
          403,
          'SHARE_GRANT_REVOKED',
        );
        refused(
          await call(method, url, { grant: expiredGrant.id, ...p }),
          403,
          'SHARE_GRANT_EXPIRED',
        );
        refused(
          await call(method, url.replace(population, vehiclesCode), { grant: grant.id, ...p }),
          403,
          'SHARE_GRANT_OTHER_RESOURCE',
        );
      }
      // Another consumer's answer is the same for a key that exists and one that does not.
      const existing = await call('GET', lookupUrl(), { token: otherOrgToken, grant: grant.id });
      const missing = await call('GET', lookupUrl(demoCitizenId(1_999_999).id), {
        token: otherOrgToken,
        grant: grant.id,
      });
      assert.equal(existing.statusCode, missing.statusCode);
      const strip = (r: LightMyRequestResponse) => ({ ...errorOf(r), requestId: '' });
      assert.deepEqual(strip(existing), strip(missing));
      // With the grant, a missing key is simply not found.
      refused(
        await call('GET', lookupUrl(demoCitizenId(1_999_999).id), { grant: grant.id }),
        404,
        'SHARE_RECORD_NOT_FOUND',
      );
      // Every refusal is in the access log with its reason.
      const log = await accessLog(`grantId=${revokedGrant.id}&status=denied&limit=50`);
      assert.equal(log.total, endpoints.length);
      assert.ok(
        log.items.every((item) => item.errorCode === 'SHARE_GRANT_REVOKED' && item.rowCount === 0),
      );
    });

    it('enforces the grant’s rate limit', async () => {
      const limited = ok(
        await scjgj.request('POST', '/api/v1/share/grants/obtain', {
          resourceCode: population,
          items: ['id_card_no', 'gender'],
          operations: ['lookup'],
          purpose: '限流测试',
          scenario: '测试',
          legalBasis: '测试',
          rateLimitPerMinute: 3,
        }),
        201,
      ).json<GrantDto>();
      for (let i = 0; i < 3; i++) ok(await call('GET', lookupUrl(), { grant: limited.id }));
      const overLimit = await call('GET', lookupUrl(), { grant: limited.id });
      refused(overLimit, 429, 'SHARE_RATE_LIMITED');
      // Retry-After: when the sliding minute has room again, at most two minutes away.
      const retryAfter = Number(overLimit.headers['retry-after']);
      assert.ok(retryAfter >= 1 && retryAfter <= 120, `retry-after ${retryAfter}`);
    });

    it('revocation by the provider ends access at once; the consumer cannot revoke', async () => {
      const temporary = ok(
        await scjgj.request('POST', '/api/v1/share/grants/obtain', {
          resourceCode: population,
          items: ['id_card_no', 'gender'],
          operations: ['lookup'],
          purpose: '临时核验',
          scenario: '测试',
          legalBasis: '测试',
        }),
        201,
      ).json<GrantDto>();
      ok(await call('GET', lookupUrl(), { grant: temporary.id }));
      const byConsumer = await scjgj.request(
        'POST',
        `/api/v1/share/grants/${temporary.id}/revoke`,
        { reason: '不再需要' },
      );
      assert.equal(byConsumer.statusCode, 403);
      const revoked = ok(
        await gaj.request('POST', `/api/v1/share/grants/${temporary.id}/revoke`, {
          reason: '发现超范围使用',
        }),
      ).json<GrantDto>();
      assert.equal(revoked.status, 'revoked');
      assert.equal(revoked.revokeReason, '发现超范围使用');
      refused(await call('GET', lookupUrl(), { grant: temporary.id }), 403, 'SHARE_GRANT_REVOKED');
      const again = await gaj.request('POST', `/api/v1/share/grants/${temporary.id}/revoke`, {
        reason: '再次撤销',
      });
      assert.equal(again.statusCode, 409);
    });

    it('usage statistics count calls and refusals and raise misuse signals', async () => {
      const usage = ok(await admin.request('GET', `/api/v1/share/usage?days=7`)).json<{
        totals: { calls: number; denied: number };
        daily: { date: string; calls: number }[];
        byOperation: { operation: string; calls: number }[];
        byConsumer: { orgCode: string; calls: number; denied: number }[];
        alerts: { kind: string; grantId: string | null }[];
      }>();
      assert.equal(usage.daily.length, 7);
      assert.ok(usage.totals.calls > 20);
      assert.ok(usage.totals.denied > 10);
      assert.equal(
        usage.daily.reduce((sum, day) => sum + day.calls, 0),
        usage.totals.calls,
      );
      assert.ok(usage.byConsumer.some((c) => c.orgCode === 'SCJGJ' && c.calls > 0));
      assert.ok(usage.byOperation.some((o) => o.operation === 'verify'));
      // Calls on the revoked grant after its revocation are a misuse signal.
      assert.ok(usage.alerts.some((alert) => alert.kind === 'ended_grant_use'));
      // A department that is neither party sees none of these calls.
      const rsjAdmin = await t.app.inject({
        method: 'GET',
        url: '/api/v1/share/usage',
        headers: { authorization: `Bearer ${otherOrgToken}` },
      });
      const rsj = ok(rsjAdmin).json<{ totals: { calls: number; denied: number } }>();
      assert.ok(rsj.totals.calls < usage.totals.calls);
      const scjgjView = ok(
        await scjgj.request('GET', `/api/v1/share/access-log?grantId=${grant.id}`),
      ).json<{ total: number }>();
      assert.ok(scjgjView.total > 0);
      const foreign = await t.app.inject({
        method: 'GET',
        url: `/api/v1/share/access-log?grantId=${grant.id}`,
        headers: { authorization: `Bearer ${otherOrgToken}` },
      });
      assert.equal(foreign.statusCode, 403);
    });
  });
}
