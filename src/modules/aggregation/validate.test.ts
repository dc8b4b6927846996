import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { createTestApp, login, type TestApp } from '../../test/api.ts';
import { engineAvailable, ENGINES } from '../../test/engines.ts';

interface Report {
  validCount: number;
  invalidCount: number;
  results: { value: string; valid: boolean; reason?: { zh: string; en: string } }[];
}

for (const engine of ENGINES) {
  describe(
    `pre-check validators over HTTP [${engine}]`,
    { skip: !(await engineAvailable(engine)) },
    () => {
      let t: TestApp;
      before(async () => {
        t = await createTestApp(engine);
      });
      after(() => t.close());

      it('reports each value valid or invalid with the reason', async () => {
        const operator = await login(t.app, 'gaj_operator');
        const response = await operator.request('POST', '/api/v1/validate', {
          kind: 'id-card',
          values: ['11010519491231002X', ' 110105194912310021 ', '990102198001010016'],
        });
        assert.equal(response.statusCode, 200, response.body);
        const report = response.json<Report>();
        assert.equal(report.validCount, 1);
        assert.equal(report.invalidCount, 2);
        assert.equal(report.results[1]?.value, '110105194912310021');
        assert.match(report.results[1]?.reason?.zh ?? '', /校验码/);
        // The deployment's own (synthetic) region 990102 counts as a region; only the check fails here.
        assert.match(report.results[2]?.reason?.en ?? '', /check character/);
        const regions = await operator.request('POST', '/api/v1/validate', {
          kind: 'region-code',
          values: ['990100', '110105', '123456'],
        });
        assert.deepEqual(
          regions.json<Report>().results.map((r) => r.valid),
          [true, true, false],
        );
      });

      it('serves the changes feed of a typed table by row-version cursor', async () => {
        const db = t.platform.services.db.kysely;
        const target = await db
          .selectFrom('resource_data_tables')
          .innerJoin('resources', 'resources.id', 'resource_data_tables.resource_id')
          .innerJoin('orgs', 'orgs.id', 'resources.org_id')
          .innerJoin('resource_versions', (join) =>
            join
              .onRef('resource_versions.resource_id', '=', 'resources.id')
              .onRef('resource_versions.version', '=', 'resources.live_version'),
          )
          .select([
            'resources.code',
            'resource_data_tables.table_name',
            'resource_versions.content',
          ])
          .where('orgs.code', '=', 'GAJ')
          .executeTakeFirstOrThrow();
        const content = JSON.parse(target.content) as {
          items: { column: string; key: boolean; required: boolean; type: string }[];
        };
        // Fill every required column with a value of its type, three rows with rising row versions.
        for (let version = 1; version <= 3; version++) {
          const values: Record<string, unknown> = {
            _row_version: version,
            _updated_at: '2026-11-24T00:00:00Z',
            _deleted: version === 3 ? 1 : 0,
          };
          for (const item of content.items.filter((entry) => entry.required || entry.key)) {
            values[item.column] = ['N', 'Y', 'B', 'I', 'F', 'L'].includes(item.type)
              ? version
              : item.type === 'D'
                ? `2026-01-0${version}`
                : item.type === 'T'
                  ? `2026-01-0${version}T00:00:00Z`
                  : String(version);
          }
          await sql`insert into ${sql.id(target.table_name)} (${sql.join(Object.keys(values).map((k) => sql.id(k)))}) values (${sql.join(Object.values(values))})`.execute(
            db,
          );
        }
        const provider = await login(t.app, 'gaj_admin');
        const first = await provider.request(
          'GET',
          `/api/v1/resources/${target.code}/changes?since=0&limit=2`,
        );
        assert.equal(first.statusCode, 200, first.body);
        const page = first.json<{
          items: { rowVersion: number; deleted: boolean; values: Record<string, unknown> }[];
          nextCursor: number;
        }>();
        assert.deepEqual(
          page.items.map((row) => row.rowVersion),
          [1, 2],
        );
        assert.equal(page.nextCursor, 2);
        assert.ok(!('_row_version' in (page.items[0]?.values ?? {})));
        const rest = (
          await provider.request('GET', `/api/v1/resources/${target.code}/changes?since=2`)
        ).json<typeof page>();
        assert.deepEqual(
          rest.items.map((row) => [row.rowVersion, row.deleted]),
          [[3, true]],
        );
        assert.equal(
          (await provider.request('GET', `/api/v1/resources/${target.code}/changes?since=3`)).json<
            typeof page
          >().nextCursor,
          3,
        );
        const otherDept = await login(t.app, 'scjgj_admin');
        assert.equal(
          (await otherDept.request('GET', `/api/v1/resources/${target.code}/changes`)).statusCode,
          403,
        );
      });

      it('rejects unknown kinds and empty lists, and needs a signed-in caller', async () => {
        const operator = await login(t.app, 'gaj_operator');
        assert.equal(
          (await operator.request('POST', '/api/v1/validate', { kind: 'passport', values: ['x'] }))
            .statusCode,
          400,
        );
        assert.equal(
          (await operator.request('POST', '/api/v1/validate', { kind: 'mobile', values: [] }))
            .statusCode,
          400,
        );
        const anonymous = await t.app.inject({
          method: 'POST',
          url: '/api/v1/validate',
          payload: { kind: 'mobile', values: ['13800000000'] },
        });
        assert.equal(anonymous.statusCode, 401);
      });
    },
  );
}
