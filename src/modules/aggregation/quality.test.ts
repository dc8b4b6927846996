import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { IngestBatchTable } from '../../db/schema.ts';
import { syntheticCreditCode } from '../../demo/demo.ts';
import { createTestApp, login, type TestApp } from '../../test/api.ts';
import { engineAvailable, ENGINES } from '../../test/engines.ts';
import { chinaToday } from '../calendar/calendar.ts';
import { addDays, addMonths, dueDateFor, freshnessOf } from './freshness.ts';
import { LruCache, qualityScore, type QualityReportDto } from './quality.ts';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
/** The calendar day in China (UTC+8) at epoch milliseconds `ms`, as YYYY-MM-DD. */
const chinaDay = (ms: number) => new Date(ms + 8 * HOUR).toISOString().slice(0, 10);
const nextDay = (day: string) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + 24 * HOUR).toISOString().slice(0, 10);

describe('freshness rules and the quality score (no database)', () => {
  it('adds update-cycle periods in calendar days and months', () => {
    assert.equal(addDays('2026-12-31', 1), '2027-01-01');
    assert.equal(addMonths('2026-01-31', 1), '2026-02-28');
    assert.equal(addMonths('2028-01-31', 1), '2028-02-29');
    assert.equal(addMonths('2026-11-30', 3), '2027-02-28');
    assert.equal(dueDateFor('daily', '2026-05-01'), '2026-05-02');
    assert.equal(dueDateFor('realtime', '2026-05-01'), '2026-05-02');
    assert.equal(dueDateFor('weekly', '2026-05-01'), '2026-05-08');
    assert.equal(dueDateFor('monthly', '2026-05-31'), '2026-06-30');
    assert.equal(dueDateFor('half_yearly', '2026-08-31'), '2027-02-28');
    assert.equal(dueDateFor('yearly', '2028-02-29'), '2029-02-28');
    assert.equal(dueDateFor('irregular', '2026-05-01'), null);
  });

  it('counts in China time and tells on time, due soon, overdue and no deadline apart', () => {
    // 2026-03-01T17:00Z is already 2 March in China: a daily batch then is due on 3 March.
    const now = new Date('2026-03-03T03:00:00Z');
    const daily = freshnessOf('daily', '2026-03-01T17:00:00Z', '2025-01-01T00:00:00Z', now);
    assert.equal(daily.basis, 'batch');
    assert.equal(daily.dueDate, '2026-03-03');
    assert.equal(daily.status, 'due_soon');
    assert.equal(daily.daysLeft, 0);
    const late = freshnessOf('daily', '2026-02-20T02:00:00Z', null, now);
    assert.equal(late.status, 'overdue');
    assert.equal(late.daysOverdue, 10);
    assert.equal(late.periodDays, 1);
    // Never aggregated: counted from the publication.
    const monthly = freshnessOf('monthly', null, '2026-02-10T02:00:00Z', now);
    assert.equal(monthly.basis, 'publication');
    assert.equal(monthly.dueDate, '2026-03-10');
    assert.equal(monthly.status, 'on_time');
    assert.equal(monthly.daysLeft, 7);
    assert.equal(freshnessOf('monthly', null, '2026-02-05T02:00:00Z', now).status, 'due_soon');
    const irregular = freshnessOf('irregular', '2020-01-01T00:00:00Z', null, now);
    assert.equal(irregular.status, 'no_deadline');
    assert.equal(irregular.dueDate, null);
    assert.equal(irregular.daysOverdue, 0);
  });

  it('weighs the sub-scores that have data and leaves the others out', () => {
    assert.equal(
      qualityScore({ completeness: 50, validity: 100, uniqueness: 100, timeliness: 0 }),
      Math.round((30 * 50 + 30 * 100 + 15 * 100 + 25 * 0) / 100),
    );
    // Without a timeliness (irregular data) the other weights count alone.
    assert.equal(
      qualityScore({ completeness: 60, validity: 90, uniqueness: 100, timeliness: null }),
      Math.round((30 * 60 + 30 * 90 + 15 * 100) / 75),
    );
    assert.equal(
      qualityScore({ completeness: null, validity: null, uniqueness: null, timeliness: null }),
      null,
    );
  });

  it('keeps the most recently used measurements', () => {
    const cache = new LruCache<number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    assert.equal(cache.get('a'), 1);
    cache.set('c', 3);
    assert.equal(cache.get('b'), undefined);
    assert.equal(cache.get('a'), 1);
    assert.equal(cache.get('c'), 3);
    assert.equal(cache.count, 2);
  });
});

for (const engine of ENGINES) {
  describe(
    `quality reports and freshness of aggregated data [${engine}]`,
    { skip: !(await engineAvailable(engine)) },
    () => {
      let t: TestApp;
      before(async () => {
        t = await createTestApp(engine);
      });
      after(() => t.close());

      const db = () => t.platform.services.db.kysely;

      /** A published demo resource by name: its ids, typed table and items. */
      const resource = async (name: string) => {
        const row = await db()
          .selectFrom('resources')
          .innerJoin('resource_versions', (join) =>
            join
              .onRef('resource_versions.resource_id', '=', 'resources.id')
              .onRef('resource_versions.version', '=', 'resources.live_version'),
          )
          .leftJoin('resource_data_tables', 'resource_data_tables.resource_id', 'resources.id')
          .select([
            'resources.id',
            'resources.code',
            'resources.org_id',
            'resource_versions.update_cycle',
            'resource_data_tables.table_name',
          ])
          .where('resource_versions.name', '=', name)
          .executeTakeFirstOrThrow();
        return row;
      };

      let rowVersion = 0;
      const insertRow = async (table: string, values: Record<string, unknown>, deleted = false) => {
        const row = {
          ...values,
          _row_version: ++rowVersion,
          _deleted: deleted ? 1 : 0,
          _updated_at: new Date().toISOString(),
        };
        await sql`insert into ${sql.id(table)} (${sql.join(Object.keys(row).map((k) => sql.id(k)))}) values (${sql.join(Object.values(row))})`.execute(
          db(),
        );
      };

      const insertBatch = async (
        target: { id: string; org_id: string },
        batch: Partial<IngestBatchTable> & { stats?: string | null },
      ) => {
        const id = randomUUID();
        await db()
          .insertInto('ingest_batches')
          .values({
            id,
            resource_id: target.id,
            org_id: target.org_id,
            mode: 'upsert',
            source: 'cli',
            source_name: 'test.csv',
            format: 'csv',
            encoding: 'utf-8',
            actor_type: 'system',
            actor_id: null,
            actor_name: 'test',
            status: 'succeeded',
            error_code: null,
            error_message: null,
            sha256: null,
            bytes: 0,
            rows_read: 0,
            rows_inserted: 0,
            rows_updated: 0,
            rows_deleted: 0,
            rows_rejected: 0,
            rows_total: null,
            max_rejected_share: 0.1,
            stats: null,
            row_version_from: null,
            row_version_to: null,
            started_at: new Date().toISOString(),
            heartbeat_at: new Date().toISOString(),
            finished_at: new Date().toISOString(),
            duration_ms: 1000,
            host: 'test',
            pid: 1,
            ...batch,
          })
          .execute();
        return id;
      };

      const person = (n: number, extra: Record<string, unknown> = {}) => ({
        id_card_no: `9901021980010100${String(n).padStart(2, '0')}`,
        person_name: `测试${n}`,
        gender: '1',
        ...extra,
      });

      it('reports completeness, validity, uniqueness, history and the score', async () => {
        const target = await resource('常住人口基本信息');
        assert.equal(target.update_cycle, 'daily');
        const table = target.table_name!;
        // Four live rows (birth date in three, address in one) and a fully filled tombstone.
        await insertRow(
          table,
          person(1, { birth_date: '1980-01-01', current_address: '中心路1号' }),
        );
        await insertRow(table, person(2, { birth_date: '1980-01-02' }));
        await insertRow(table, person(3, { birth_date: '1980-01-03' }));
        await insertRow(table, person(4));
        await insertRow(
          table,
          person(5, {
            birth_date: '1980-01-05',
            residence_type: '1',
            current_address: 'x',
            region_code: '990102',
            police_station: 'x',
            registered_on: '2020-01-01',
          }),
          true,
        );
        await insertBatch(target, {
          rows_read: 100,
          rows_total: 80,
          started_at: ago(3 * HOUR + 60_000),
          finished_at: ago(3 * HOUR),
          stats: JSON.stringify({
            columns: {
              id_card_no: { filled: 100, empty: 0, invalid: 0 },
              person_name: { filled: 100, empty: 0, invalid: 0 },
              gender: { filled: 100, empty: 0, invalid: 0 },
            },
            validators: {
              id_card: { checked: 100, invalid: 0 },
              enum: { checked: 100, invalid: 0 },
            },
            duplicateKeys: 0,
          }),
        });
        await insertBatch(target, {
          rows_read: 100,
          rows_rejected: 5,
          rows_total: 90,
          started_at: ago(2 * HOUR + 60_000),
          finished_at: ago(2 * HOUR),
          stats: JSON.stringify({
            columns: {
              id_card_no: { filled: 95, empty: 0, invalid: 5 },
              person_name: { filled: 100, empty: 0, invalid: 0 },
              gender: { filled: 98, empty: 0, invalid: 2 },
            },
            validators: {
              id_card: { checked: 100, invalid: 5 },
              enum: { checked: 100, invalid: 2 },
            },
            duplicateKeys: 2,
          }),
        });
        // The latest finished batch failed: it counts for the rejected share, not for the scores.
        await insertBatch(target, {
          status: 'failed',
          rows_read: 50,
          rows_rejected: 40,
          started_at: ago(HOUR + 60_000),
          finished_at: ago(HOUR),
          stats: JSON.stringify({
            columns: { id_card_no: { filled: 10, empty: 0, invalid: 40 } },
            validators: { id_card: { checked: 50, invalid: 40 } },
            duplicateKeys: 30,
          }),
        });

        const provider = await login(t.app, 'gaj_operator');
        const response = await provider.request('GET', `/api/v1/resources/${target.code}/quality`);
        assert.equal(response.statusCode, 200, response.body);
        const report = response.json<QualityReportDto>();
        assert.equal(report.tabular, true);
        assert.equal(report.liveRows, 4);
        assert.equal(report.cached, false);
        const share = Object.fromEntries(report.completeness.map((c) => [c.column, c.share]));
        assert.deepEqual(share, {
          id_card_no: 1,
          person_name: 1,
          gender: 1,
          birth_date: 0.75,
          residence_type: 0,
          current_address: 0.25,
          region_code: 0,
          police_station: 0,
          registered_on: 0,
        });
        // Required columns weigh 2: (3 x 2 x 1 + 0.75 + 0.25) / (3 x 2 + 6) = 7/12.
        assert.equal(report.subScores.completeness, 58.3);
        // Values checked over the two succeeded batches: 600, of which 7 invalid.
        assert.deepEqual(report.window, {
          batches: 2,
          rowsRead: 200,
          rowsRejected: 5,
          duplicateKeys: 2,
          valuesChecked: 600,
          valuesInvalid: 7,
        });
        assert.equal(report.subScores.validity, 98.8);
        assert.deepEqual(
          report.validators.map((v) => [v.kind, v.checked, v.invalid, v.validRate]),
          [
            ['enum', 200, 2, 0.99],
            ['id_card', 200, 5, 0.975],
          ],
        );
        assert.equal(report.subScores.uniqueness, 99);
        assert.equal(report.subScores.timeliness, 100);
        // The last succeeded batch (2 hours ago) makes a daily resource due the next China day; in
        // the first two hours after China's midnight that batch fell on the day before, so it is due
        // today (due_soon). Either way it is not late (timeliness 100).
        const basisDay = chinaDay(Date.now() - 2 * HOUR);
        assert.equal(report.freshness.dueDate, nextDay(basisDay));
        assert.equal(
          report.freshness.status,
          basisDay < chinaDay(Date.now()) ? 'due_soon' : 'on_time',
        );
        assert.equal(report.freshness.basis, 'batch');
        assert.equal(report.score, Math.round((30 * 58.3 + 30 * 98.8 + 15 * 99 + 25 * 100) / 100));
        assert.equal(report.lastBatch?.status, 'failed');
        assert.equal(report.lastBatch?.rejectedShare, 0.8);
        assert.deepEqual(
          report.rowCountHistory.map((point) => point.rowsTotal),
          [80, 90],
        );
        assert.equal(report.batches.total, 3);
        assert.equal(report.batches.succeeded, 2);
        assert.equal(report.batches.failed, 1);
        assert.deepEqual(
          report.batches.recent.map((batch) => batch.status),
          ['failed', 'succeeded', 'succeeded'],
        );

        // A row written without a new batch: the cached measurement is served.
        await insertRow(table, person(6, { birth_date: '1980-01-06' }));
        const again = (
          await provider.request('GET', `/api/v1/resources/${target.code}/quality`)
        ).json<QualityReportDto>();
        assert.equal(again.cached, true);
        assert.equal(again.liveRows, 4);
        assert.equal(again.measuredAt, report.measuredAt);

        // A newer succeeded batch: the table is measured again.
        await insertBatch(target, { rows_read: 10, rows_total: 5, stats: null });
        const fresh = (
          await provider.request('GET', `/api/v1/resources/${target.code}/quality`)
        ).json<QualityReportDto>();
        assert.equal(fresh.cached, false);
        assert.equal(fresh.liveRows, 5);
        assert.equal(fresh.completeness.find((c) => c.column === 'birth_date')?.share, 0.8);
        assert.equal(fresh.lastBatch?.status, 'succeeded');
        assert.deepEqual(
          fresh.rowCountHistory.map((point) => point.rowsTotal),
          [80, 90, 5],
        );
        assert.equal(fresh.window.batches, 3);
      });

      it('measures a batch loaded through the ingestion pipeline', async () => {
        const target = await resource('经营异常名录信息');
        const code = (serial: number) => syntheticCreditCode('91', '990100', 900 + serial);
        const good = code(1);
        const bad = `${good.slice(0, 17)}${good.endsWith('0') ? '1' : '0'}`;
        const rows = [
          { credit_code: code(1), removal_reason: '已补报年报' },
          { credit_code: code(2) },
          { credit_code: code(3) },
          { credit_code: bad },
        ].map((row, index) =>
          JSON.stringify({
            listing_decision_no: `JYYC-${index}`,
            company_name: `示范企业${index}`,
            listing_reason: '未按时公示年度报告',
            listed_on: '2026-01-05',
            ...row,
          }),
        );
        const session = await login(t.app, 'scjgj_admin');
        const uploaded = await t.app.inject({
          method: 'POST',
          url: `/api/v1/resources/${target.code}/batches?mode=upsert&maxRejectedPercent=50`,
          headers: {
            'content-type': 'application/x-ndjson',
            cookie: session.cookie,
            'x-csrf-token': session.csrfToken,
          },
          payload: `${rows.join('\n')}\n`,
        });
        assert.equal(uploaded.statusCode, 201, uploaded.body);
        const report = (
          await session.request('GET', `/api/v1/resources/${target.code}/quality`)
        ).json<QualityReportDto>();
        assert.equal(report.liveRows, 3);
        assert.equal(report.lastBatch?.rowsRead, 4);
        assert.equal(report.lastBatch?.rejectedShare, 0.25);
        assert.equal(report.completeness.find((c) => c.column === 'removal_reason')?.share, 1 / 3);
        const credit = report.validators.find((v) => v.kind === 'credit_code');
        assert.deepEqual([credit?.checked, credit?.invalid], [4, 1]);
        assert.equal(report.window.batches, 1);
        assert.ok((report.subScores.validity ?? 100) < 100);
        assert.deepEqual(
          report.rowCountHistory.map((point) => point.rowsTotal),
          [3],
        );
        assert.equal(report.freshness.basis, 'batch');
        assert.equal(report.freshness.status, 'on_time');
      });

      it('shows the report to the provider, its authorities and auditors only', async () => {
        const target = await resource('常住人口基本信息');
        const url = `/api/v1/resources/${target.code}/quality`;
        for (const username of [
          'gaj_admin',
          'gaj_operator',
          'admin',
          'reviewer',
          'auditor',
          'province_admin',
        ]) {
          const session = await login(t.app, username);
          assert.equal((await session.request('GET', url)).statusCode, 200, username);
        }
        const other = await login(t.app, 'scjgj_admin');
        assert.equal((await other.request('GET', url)).statusCode, 403);
        assert.equal(
          (await other.request('GET', '/api/v1/resources/NO-SUCH-1/quality')).statusCode,
          404,
        );
        const anonymous = await t.app.inject({ method: 'GET', url });
        assert.equal(anonymous.statusCode, 401);
      });

      it('counts a never aggregated resource from its publication', async () => {
        const target = await resource('道路交通事故统计信息');
        assert.equal(target.update_cycle, 'monthly');
        const provider = await login(t.app, 'gaj_admin');
        const report = (
          await provider.request('GET', `/api/v1/resources/${target.code}/quality`)
        ).json<QualityReportDto>();
        assert.equal(report.freshness.basis, 'publication');
        assert.equal(report.freshness.dueDate, addMonths(chinaToday(new Date()), 1));
        assert.notEqual(report.freshness.status, 'overdue');
        assert.equal(report.liveRows, 0);
        assert.equal(report.subScores.completeness, null);
        assert.equal(report.subScores.validity, null);
        assert.equal(report.subScores.uniqueness, null);
        // Only timeliness has data, so it is the score.
        assert.equal(report.score, 100);
        assert.equal(report.lastBatch, null);
      });

      it('lists overdue data to its department, the authority and auditors', async () => {
        const vehicles = await resource('机动车登记信息');
        const companies = await resource('企业法人登记信息');
        const blacklist = await resource('市场监督管理严重违法失信名单');
        assert.equal(vehicles.update_cycle, 'daily');
        assert.equal(companies.update_cycle, 'daily');
        assert.equal(blacklist.update_cycle, 'irregular');
        await insertBatch(vehicles, { started_at: ago(10 * DAY), finished_at: ago(10 * DAY) });
        // An older succeeded batch and a newer failed one do not change the due date.
        await insertBatch(companies, { started_at: ago(20 * DAY), finished_at: ago(20 * DAY) });
        await insertBatch(companies, { started_at: ago(3 * DAY), finished_at: ago(3 * DAY) });
        await insertBatch(companies, { status: 'failed', finished_at: ago(HOUR) });
        await insertBatch(blacklist, { started_at: ago(400 * DAY), finished_at: ago(400 * DAY) });

        interface Listing {
          asOf: string;
          items: {
            code: string;
            orgCode: string;
            freshness: { status: string; dueDate: string | null; daysOverdue: number };
          }[];
        }
        const overdue = async (username: string, query = '') => {
          const session = await login(t.app, username);
          const response = await session.request('GET', `/api/v1/aggregation/overdue${query}`);
          assert.equal(response.statusCode, 200, response.body);
          return response.json<Listing>();
        };
        const codes = (listing: Listing) => listing.items.map((item) => item.code);

        const authority = await overdue('admin');
        assert.equal(authority.asOf, chinaToday(new Date()));
        assert.deepEqual(codes(authority), [vehicles.code, companies.code]);
        assert.deepEqual(
          authority.items.map((item) => item.freshness.daysOverdue),
          [9, 2],
        );
        assert.equal(
          authority.items[0]?.freshness.dueDate,
          addDays(chinaToday(new Date(Date.now() - 10 * DAY)), 1),
        );
        assert.deepEqual(codes(await overdue('gaj_admin')), [vehicles.code]);
        assert.deepEqual(codes(await overdue('scjgj_admin')), [companies.code]);
        assert.deepEqual(codes(await overdue('auditor')), [vehicles.code, companies.code]);
        assert.deepEqual(codes(await overdue('province_admin')), [vehicles.code, companies.code]);
        assert.deepEqual(codes(await overdue('admin', '?org=SCJGJ')), [companies.code]);
        assert.deepEqual(codes(await overdue('province_admin', '?region=990100')), [
          vehicles.code,
          companies.code,
        ]);
        assert.deepEqual(codes(await overdue('province_admin', '?region=990102')), []);

        // Irregular data is never overdue; the freshness list shows it without a due date.
        const session = await login(t.app, 'scjgj_admin');
        const all = (await session.request('GET', '/api/v1/aggregation/freshness')).json<Listing>();
        const irregular = all.items.find((item) => item.code === blacklist.code);
        assert.equal(irregular?.freshness.status, 'no_deadline');
        assert.equal(irregular?.freshness.dueDate, null);
        assert.ok(all.items.every((item) => item.orgCode === 'SCJGJ'));
        assert.equal(all.items[0]?.code, companies.code);

        // The overdue resource's report scores timeliness 0.
        const report = (
          await (
            await login(t.app, 'gaj_admin')
          ).request('GET', `/api/v1/resources/${vehicles.code}/quality`)
        ).json<QualityReportDto>();
        assert.equal(report.freshness.status, 'overdue');
        assert.equal(report.subScores.timeliness, 0);

        const unknown = await (
          await login(t.app, 'admin')
        ).request('GET', '/api/v1/aggregation/overdue?org=NOPE');
        assert.equal(unknown.statusCode, 400);
        const anonymous = await t.app.inject({ method: 'GET', url: '/api/v1/aggregation/overdue' });
        assert.equal(anonymous.statusCode, 401);
      });
    },
  );
}
