import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
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
