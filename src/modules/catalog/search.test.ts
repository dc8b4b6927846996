import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestApp, login, type Session, type TestApp } from '../../test/api.ts';
import { engineAvailable, ENGINES } from '../../test/engines.ts';
import { segmentDocument, segmentQuery } from './search.ts';

interface Result {
  total: number;
  tokens: string[];
  items: { code: string; name: string; orgCode: string; openClass: string; domains: string[] }[];
  facets: Record<string, { value: string; label: string; count: number }[]>;
}

describe('Chinese segmentation', () => {
  it('indexes sub-words and keeps queries precise', async () => {
    assert.deepEqual((await segmentDocument('常住人口基本信息')).split(' '), [
      '常住',
      '人口',
      '常住人口',
      '基本',
      '信息',
    ]);
    assert.deepEqual(await segmentQuery('营业执照 GAJ'), ['营业执照', 'gaj']);
    // Punctuation and quotes never reach the FTS5 or tsquery syntax.
    assert.deepEqual(await segmentQuery('"人口" OR \'x\' & (户籍)'), ['人口', 'or', 'x', '户籍']);
  });
});

for (const engine of ENGINES) {
  describe(`catalog search [${engine}]`, { skip: !(await engineAvailable(engine)) }, () => {
    let t: TestApp;
    let operator: Session;
    before(async () => {
      t = await createTestApp(engine);
      operator = await login(t.app, 'scjgj_admin');
    });
    after(() => t.close());
    const search = async (query: string) => {
      const response = await operator.request('GET', `/api/v1/catalog/search?${query}`);
      assert.equal(response.statusCode, 200, response.body);
      return response.json<Result>();
    };

    it('finds entries by Chinese keywords: 户籍, 人口, 营业执照', async () => {
      const household = await search(`q=${encodeURIComponent('户籍')}`);
      assert.ok(household.items.some((entry) => entry.name === '户籍人口信息'));
      const population = await search(`q=${encodeURIComponent('人口')}`);
      const names = population.items.map((entry) => entry.name);
      assert.ok(names.includes('常住人口基本信息') && names.includes('户籍人口信息'), names.join());
      const licence = await search(`q=${encodeURIComponent('营业执照')}`);
      assert.equal(licence.items[0]?.name, '营业执照电子证照');
      assert.deepEqual(licence.tokens, ['营业执照']);
      // Department users see published metadata of other departments, even when not shared (issue 3).
      const notShared = await search(`q=${encodeURIComponent('违法犯罪记录')}`);
      assert.equal(notShared.items[0]?.name, '违法犯罪记录信息');
      assert.equal((await search(`q=${encodeURIComponent('完全不存在的资源名称')}`)).total, 0);
    });

    it('filters by facets and counts each facet under the other filters', async () => {
      const all = await search('limit=5');
      assert.equal(all.total, 81);
      const transport = await search('domain=transport&limit=100');
      assert.ok(transport.total > 0);
      assert.ok(transport.items.every((entry) => entry.domains.includes('transport')));
      const domainFacet = transport.facets.domain ?? [];
      // The domain facet ignores its own filter, so other domains stay selectable.
      assert.ok(domainFacet.length > 1);
      assert.equal(domainFacet.find((f) => f.value === 'transport')?.count, transport.total);
      const byProvider = await search('provider=GAJ&shareClass=unconditional');
      assert.ok(byProvider.items.every((entry) => entry.orgCode === 'GAJ'));
      assert.equal(
        byProvider.facets.provider?.find((f) => f.value === 'GAJ')?.label,
        '示范市公安局',
      );
      const sum = (all.facets.shareClass ?? []).reduce((total, f) => total + f.count, 0);
      assert.equal(sum, 81);
    });

    it('pages, sorts, and rejects bad parameters', async () => {
      const first = await search('sort=name&limit=10&offset=0');
      const second = await search('sort=name&limit=10&offset=10');
      assert.equal(first.items.length, 10);
      assert.ok(
        first.items.every((entry) => !second.items.some((other) => other.code === entry.code)),
      );
      const bad = await operator.request('GET', '/api/v1/catalog/search?shareClass=sometimes');
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.json<{ error: { code: string } }>().error.code, 'VALIDATION');
      // Without sign-in, only the open catalog (R5.2).
      const anonymous = await t.app.inject('/api/v1/catalog/search?limit=100');
      assert.equal(anonymous.statusCode, 200);
      const open = anonymous.json<Result>();
      assert.ok(open.total > 0 && open.total < 81);
      assert.ok(open.items.every((entry) => entry.openClass !== 'none'));
      const hidden = await t.app.inject(
        `/api/v1/catalog/search?q=${encodeURIComponent('违法犯罪记录')}`,
      );
      assert.equal(hidden.json<Result>().total, 0);
    });

    it('drops withdrawn entries from search', async () => {
      const admin = await login(t.app, 'admin');
      const target = (await search(`q=${encodeURIComponent('空气质量')}`)).items[0];
      assert.ok(target);
      const withdrawn = await admin.request(
        'POST',
        `/api/v1/catalog/resources/${target.code}/withdraw`,
        { reason: '监测点位调整，重新编目' },
      );
      assert.equal(withdrawn.statusCode, 200, withdrawn.body);
      assert.ok(
        !(await search(`q=${encodeURIComponent('空气质量')}`)).items.some(
          (entry) => entry.code === target.code,
        ),
      );
    });
  });
}
