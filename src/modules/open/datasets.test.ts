import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import ExcelJS from 'exceljs';
import { createTestApp, login, publicLogin, type Session, type TestApp } from '../../test/api.ts';
import { engineAvailable, ENGINES } from '../../test/engines.ts';
import { chinaToday, formatDate } from '../calendar/calendar.ts';

/**
 * The open data side of issue 7 on both engines: the open catalog (R5.2), dataset pages, previews,
 * the open data API and downloads (R5.4, R5.5), their records in the access log and the ledger
 * (R5.9), the CKAN Action API, the paged DCAT files, rate limits, and that nothing of a closed or
 * not-yet-approved conditional dataset leaks through any of them.
 */
const WEATHER = 'BM-QXJ-000001'; // 逐小时天气实况数据: unconditional, demo rows
const COMPANIES = 'JC-FR-000001'; // 企业法人登记信息: conditional, demo rows

interface ErrorBody {
  error: { code: string; reason?: string; fields?: Record<string, string> };
}
interface CkanBody {
  success: boolean;
  result?: Record<string, unknown> & { results?: { name: string }[]; count?: number };
  error?: { __type: string; message: string };
}

for (const engine of ENGINES) {
  describe(`open data [${engine}]`, { skip: !(await engineAvailable(engine)) }, () => {
    let t: TestApp;
    let admin: Session;
    let closed: string; // a live entry that is not open (R5.1 class none)
    const today = chinaToday(new Date());

    const get = (url: string, headers: Record<string, string> = {}) =>
      t.app.inject({ method: 'GET', url, headers });
    const ok = (response: LightMyRequestResponse, status = 200) => {
      assert.equal(response.statusCode, status, response.body);
      return response;
    };
    const reason = (response: LightMyRequestResponse) => response.json<ErrorBody>().error.reason;
    const ckan = async (action: string, query = '') =>
      (await get(`/api/3/action/${action}${query ? `?${query}` : ''}`)).json<CkanBody>();

    before(
      async () => {
        t = await createTestApp(
          engine,
          { GOVDX_OPEN_RATE_ANONYMOUS: '1000', GOVDX_OPEN_RATE_KEYED: '1000' },
          { data: 'sample' },
        );
        admin = await login(t.app, 'admin');
        const row = await t.platform.services.db.kysely
          .selectFrom('resource_search')
          .select('code')
          .where('open_class', '=', 'none')
          .orderBy('code')
          .executeTakeFirstOrThrow();
        closed = row.code;
      },
      { timeout: 240_000 },
    );
    after(() => t?.close());

    it('R5.2: search sees the open catalog only, with facets and usage counts', async () => {
      const all = ok(await get('/api/v1/open/datasets?limit=100')).json<{
        total: number;
        items: { code: string; openClass: string }[];
        facets: Record<string, unknown>;
      }>();
      assert.ok(all.total > 10);
      assert.ok(all.items.every((item) => item.openClass !== 'none'));
      assert.ok(!all.items.some((item) => item.code === closed));
      assert.deepEqual(Object.keys(all.facets).sort(), [
        'domain',
        'formatCategory',
        'openClass',
        'provider',
        'updateCycle',
      ]);
      const weather = ok(
        await get(`/api/v1/open/datasets?q=${encodeURIComponent('天气')}&domain=weather`),
      ).json<{ items: { code: string }[] }>();
      assert.ok(weather.items.some((item) => item.code === WEATHER));
      // A signed-in department user on the portal still sees only the open catalog.
      const asStaff = ok(await admin.request('GET', '/api/v1/open/datasets?limit=100')).json<{
        total: number;
      }>();
      assert.equal(asStaff.total, all.total);
    });

    it('a closed dataset does not exist on any public door', async () => {
      for (const url of [
        `/api/v1/open/datasets/${closed}`,
        `/api/v1/open/datasets/${closed}/preview`,
        `/api/v1/open/datasets/${closed}/records`,
        `/api/v1/open/datasets/${closed}/download?format=csv`,
      ]) {
        assert.equal((await get(url)).statusCode, 404, url);
      }
      const shown = await ckan('package_show', `id=${closed.toLowerCase()}`);
      assert.equal(shown.success, false);
      assert.equal(shown.error?.__type, 'Not Found Error');
      const listed = await ckan('package_list');
      assert.ok(!(listed.result as unknown as string[]).includes(closed.toLowerCase()));
      const store = await get(`/api/3/action/datastore_search?resource_id=${closed}`);
      assert.equal(store.statusCode, 404);
      const jsonld = ok(await get('/catalog.jsonld')).body;
      assert.ok(!jsonld.includes(`/datasets/${closed}`));
    });

    it('R5.4: a dataset page, its preview and the open data API without signing in', async () => {
      const page = ok(await get(`/api/v1/open/datasets/${WEATHER}`)).json<{
        orgName: string;
        items: { column: string }[];
        formats: string[];
        rowCount: number;
        citation: string;
        access: { canDownload: boolean; reason: string };
      }>();
      assert.equal(page.orgName, '示范市气象局');
      assert.deepEqual(page.formats, ['csv', 'xlsx', 'json']);
      assert.ok(page.rowCount > 100);
      assert.deepEqual(page.access, { canDownload: true, reason: 'unconditional' });
      // R5.8: the citation names the department, the dataset and where it is.
      assert.match(
        page.citation,
        /^示范市气象局\. 逐小时天气实况数据\[DS\/OL\]\..*\/datasets\/BM-QXJ-000001$/,
      );
      const preview = ok(await get(`/api/v1/open/datasets/${WEATHER}/preview`)).json<{
        records: unknown[];
        total: number;
      }>();
      assert.equal(preview.records.length, 20);
      assert.equal(preview.total, page.rowCount);
      const filtered = ok(
        await get(
          `/api/v1/open/datasets/${WEATHER}/records?limit=5&sort=temperature%20desc&fields=station_id,temperature&filters=${encodeURIComponent('{"station_id":["59001","59002"]}')}`,
        ),
      ).json<{ records: { station_id: string; temperature: number }[]; total: number }>();
      assert.equal(filtered.records.length, 5);
      assert.deepEqual(Object.keys(filtered.records[0]!), ['station_id', 'temperature']);
      assert.ok(filtered.records.every((r) => ['59001', '59002'].includes(r.station_id)));
      const temperatures = filtered.records.map((r) => r.temperature);
      assert.deepEqual(
        temperatures,
        [...temperatures].sort((a, b) => b - a),
      );
      assert.equal(filtered.total, (page.rowCount * 2) / 5);
    });

    it('bad queries are refused with stable reasons, and oversized pages are refused or clamped', async () => {
      const base = `/api/v1/open/datasets/${WEATHER}/records`;
      const badJson = await get(`${base}?filters=${encodeURIComponent('{station')}`);
      assert.equal(badJson.statusCode, 400);
      assert.equal(reason(badJson), 'OPEN_BAD_QUERY');
      const badColumn = await get(`${base}?filters=${encodeURIComponent('{"password":1}')}`);
      assert.equal(reason(badColumn), 'OPEN_BAD_QUERY');
      const injection = await get(
        `${base}?sort=${encodeURIComponent('temperature; drop table x')}`,
      );
      assert.equal(reason(injection), 'OPEN_BAD_QUERY');
      assert.equal((await get(`${base}?limit=5000`)).statusCode, 400);
      // CKAN clamps limit and rows as CKAN does, rather than refusing.
      const clamped = await ckan(
        'datastore_search',
        `resource_id=${WEATHER.toLowerCase()}&limit=5000`,
      );
      assert.equal(clamped.result?.limit, 1000);
      const rows = await ckan('package_search', 'rows=100000');
      assert.ok((rows.result?.results?.length ?? 0) <= 1000);
      const malformed = await get('/api/3/action/package_search?fq=organization:(gaj');
      assert.equal(malformed.statusCode, 409);
      assert.equal(malformed.json<CkanBody>().error?.__type, 'Search Query Error');
      const unknown = await get('/api/3/action/package_search?fq=secret_field:1');
      assert.equal(unknown.statusCode, 409);
    });

    it('R5.4, R5.9: downloads stream CSV, XLSX and JSON and each is recorded and ledgered', async () => {
      const csv = ok(await get(`/api/v1/open/datasets/${WEATHER}/download?format=csv`));
      assert.match(String(csv.headers['content-type']), /^text\/csv/);
      // UTF-8 with a BOM, so that Excel reads the Chinese right.
      assert.deepEqual([...csv.rawPayload.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
      const lines = csv.body.slice(1).trimEnd().split(/\r?\n/);
      assert.ok(lines[0]!.startsWith('区站号,观测时间,气温'), JSON.stringify(lines[0]));
      const rowCount = lines.length - 1;
      const xlsx = ok(await get(`/api/v1/open/datasets/${WEATHER}/download?format=xlsx`));
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
      const sheet = workbook.worksheets[0]!;
      assert.equal(sheet.getRow(1).getCell(1).value, '区站号');
      assert.equal(sheet.actualRowCount, rowCount + 1);
      const json = ok(await get(`/api/v1/open/datasets/${WEATHER}/download?format=json`)).json<{
        records: unknown[];
      }>();
      assert.equal(json.records.length, rowCount);
      // Recorded at the end of each stream: poll briefly.
      const db = t.platform.services.db.kysely;
      let logged: { format: string | null; row_count: number; account_id: string | null }[] = [];
      for (let i = 0; i < 50 && logged.length < 3; i++) {
        logged = await db
          .selectFrom('open_access_log')
          .select(['format', 'row_count', 'account_id'])
          .where('resource_code', '=', WEATHER)
          .where('channel', '=', 'download')
          .execute();
        if (logged.length < 3) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.deepEqual(
        logged.map((entry) => [entry.format, Number(entry.row_count), entry.account_id]).sort(),
        [
          ['csv', rowCount, null],
          ['json', rowCount, null],
          ['xlsx', rowCount, null],
        ],
      );
      const audits = await db
        .selectFrom('audit_events')
        .select(['id', 'actor_type'])
        .where('action', '=', 'open.data.download')
        .execute();
      assert.equal(audits.length, 3);
      assert.ok(audits.every((entry) => entry.actor_type === 'anonymous'));
      // The sequencer builds their ledger events (R5.9, issue 6).
      await t.platform.services.ledger.sequencer.sequence();
      const ledgered = await db
        .selectFrom('ledger_events')
        .select('id')
        .where('kind', '=', 'audit')
        .where(
          'source_id',
          'in',
          audits.map((entry) => entry.id),
        )
        .execute();
      assert.equal(ledgered.length, 3);
      const stats = ok(await get('/api/v1/open/stats')).json<{
        totals: { downloads: number };
        perDataset: { code: string; downloads: number }[];
        daily: { day: string; downloads: number }[];
      }>();
      assert.ok(stats.totals.downloads >= 3, JSON.stringify(stats.totals));
      assert.equal(stats.perDataset.find((entry) => entry.code === WEATHER)?.downloads, 3);
      assert.equal(stats.daily.length, 30);
      assert.equal(stats.daily.at(-1)?.day, today);
      assert.ok((stats.daily.at(-1)?.downloads ?? 0) >= 3, JSON.stringify(stats.daily.at(-1)));
    });

    it('R5.5: conditional data needs an approved application, within its period, for that account', async () => {
      const anonymous = await get(`/api/v1/open/datasets/${COMPANIES}/download?format=csv`);
      assert.equal(anonymous.statusCode, 401);
      assert.equal(reason(anonymous), 'OPEN_ACCESS_REQUIRED');
      const page = ok(await get(`/api/v1/open/datasets/${COMPANIES}`)).json<{
        conditions: string | null;
        access: { reason: string };
        items: { column: string }[];
      }>();
      assert.equal(page.access.reason, 'login_required');
      assert.equal(typeof page.conditions, 'string');
      // Personal items of the entry are never opened.
      const content = await t.platform.services.db.kysely
        .selectFrom('resource_versions')
        .innerJoin('resources', 'resources.id', 'resource_versions.resource_id')
        .select('resource_versions.content')
        .where('resources.code', '=', COMPANIES)
        .whereRef('resource_versions.version', '=', 'resources.live_version')
        .executeTakeFirstOrThrow();
      const personal = (
        JSON.parse(content.content) as { items: { column: string; sensitivity: string }[] }
      ).items
        .filter((item) => item.sensitivity !== 'none')
        .map((item) => item.column);
      assert.ok(personal.length > 0);
      assert.ok(!page.items.some((item) => personal.includes(item.column)));

      // The demo company account (verified) applies; until the department approves, nothing.
      const company = await publicLogin(t.app, 'demo-company');
      const agreement = ok(await get('/api/v1/open/agreement')).json<{ version: number }>();
      const applied = ok(
        await company.request('POST', '/api/v1/open/applications', {
          datasetCode: COMPANIES,
          purpose: '企业信用风险分析模型研究',
          measures: '专用服务器、访问控制、数据加密存储，项目结束后删除',
          periodFrom: today,
          periodTo: formatDate(new Date(Date.parse(`${today}T00:00:00Z`) + 90 * 86_400_000)),
          agreementVersion: agreement.version,
          acceptAgreement: true,
        }),
        201,
      ).json<{ code: string }>();
      const pending = await company.request(
        'GET',
        `/api/v1/open/datasets/${COMPANIES}/download?format=csv`,
      );
      assert.equal(pending.statusCode, 403);
      assert.equal(reason(pending), 'OPEN_ACCESS_REQUIRED');
      const department = await login(t.app, 'scjgj_admin');
      ok(
        await department.request('POST', `/api/v1/open/applications/${applied.code}/decide`, {
          approve: true,
        }),
      );
      const detail = ok(await company.request('GET', `/api/v1/open/datasets/${COMPANIES}`)).json<{
        access: { canDownload: boolean; reason: string };
      }>();
      assert.deepEqual(
        { canDownload: detail.access.canDownload, reason: detail.access.reason },
        { canDownload: true, reason: 'approved' },
      );
      const csv = ok(
        await company.request('GET', `/api/v1/open/datasets/${COMPANIES}/download?format=csv`),
      );
      const header = csv.body.split(/\r?\n/)[0]!;
      assert.ok(csv.body.split(/\r?\n/).length > 100);
      for (const column of personal) assert.ok(!header.includes(column));

      // The same account's API key works too; another account, anonymous use and revoked keys do not.
      const key = ok(
        await company.request('POST', '/api/v1/open/me/keys', { name: 'analysis' }),
        201,
      ).json<{ id: string; secret: string }>();
      const byKey = await get(`/api/v1/open/datasets/${COMPANIES}/records?limit=3`, {
        authorization: `Bearer ${key.secret}`,
      });
      assert.equal(byKey.statusCode, 200, byKey.body);
      const viaCkan = await get(`/api/3/action/datastore_search?resource_id=${COMPANIES}&limit=2`, {
        'x-ckan-api-key': key.secret,
      });
      assert.equal(viaCkan.json<CkanBody>().success, true);
      ok(
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/open/accounts',
          payload: {
            kind: 'individual',
            username: 'someone-else',
            password: 'Another#Pass2026',
            displayName: '测试用户',
            email: 'someone@example.org',
          },
        }),
        201,
      );
      const other = await publicLogin(t.app, 'someone-else', 'Another#Pass2026');
      const otherTry = await other.request('GET', `/api/v1/open/datasets/${COMPANIES}/preview`);
      assert.equal(otherTry.statusCode, 403);
      assert.equal(
        (await other.request('DELETE', `/api/v1/open/me/keys/${key.id}`)).statusCode,
        404,
      );
      ok(await company.request('DELETE', `/api/v1/open/me/keys/${key.id}`));
      const revoked = await get(`/api/v1/open/datasets/${COMPANIES}/records?limit=3`, {
        authorization: `Bearer ${key.secret}`,
      });
      assert.equal(revoked.statusCode, 401);
      // The account's personal centre lists what it took.
      const mine = ok(await company.request('GET', '/api/v1/open/me/downloads')).json<
        | {
            items?: { datasetCode: string }[];
          }
        | { datasetCode: string }[]
      >();
      const entries = Array.isArray(mine) ? mine : (mine.items ?? []);
      assert.ok(entries.filter((entry) => entry.datasetCode === COMPANIES).length >= 3);

      // An approval that has run out no longer opens the data.
      await t.platform.services.db.kysely
        .updateTable('open_applications')
        .set({ valid_to: formatDate(new Date(Date.parse(`${today}T00:00:00Z`) - 86_400_000)) })
        .where('code', '=', applied.code)
        .execute();
      const expired = await company.request('GET', `/api/v1/open/datasets/${COMPANIES}/preview`);
      assert.equal(expired.statusCode, 403);
      assert.equal(
        expired.json<ErrorBody & { error: { data?: { access: string } } }>().error.data?.access,
        'expired',
      );
    });

    it('CKAN Action API: envelopes, the field mapping and the datastore', async () => {
      const status = await ckan('status_show');
      assert.equal(status.success, true);
      assert.equal(status.result?.ckan_version, '2.10.4');
      const search = await ckan(
        'package_search',
        `q=${encodeURIComponent('气象')}&fq=${encodeURIComponent('groups:weather +organization:qxj')}&rows=2&facet.field=${encodeURIComponent('["organization","groups"]')}`,
      );
      assert.equal(search.success, true);
      assert.ok((search.result?.count ?? 0) >= 1);
      const facets = search.result?.facets as Record<string, Record<string, number>>;
      assert.ok(facets.organization?.qxj);
      const pkg = (await ckan('package_show', `id=${WEATHER.toLowerCase()}`)).result as {
        name: string;
        title: string;
        organization: { name: string; title: string };
        resources: { id: string; format: string; url: string; datastore_active: boolean }[];
        tags: { name: string }[];
        metadata_modified: string;
      };
      assert.equal(pkg.name, 'bm-qxj-000001');
      assert.equal(pkg.title, '逐小时天气实况数据');
      assert.deepEqual(pkg.organization.name, 'qxj');
      assert.deepEqual(
        pkg.resources.map((resource) => resource.format),
        ['CSV', 'XLSX', 'JSON'],
      );
      assert.ok(pkg.resources[0]!.datastore_active);
      assert.ok(pkg.tags.length > 0);
      // The resource URL is a working download.
      const url = new URL(pkg.resources[0]!.url);
      ok(await get(`${url.pathname}${url.search}`));
      const resource = await ckan('resource_show', `id=${pkg.resources[1]!.id}`);
      assert.equal(resource.result?.format, 'XLSX');
      const store = (
        await ckan(
          'datastore_search',
          `resource_id=${pkg.resources[0]!.id}&limit=3&offset=2&filters=${encodeURIComponent('{"station_id":"59003"}')}`,
        )
      ).result as { records: { station_id: string }[]; total: number; fields: { id: string }[] };
      assert.equal(store.records.length, 3);
      assert.ok(store.records.every((record) => record.station_id === '59003'));
      assert.equal(store.fields[0]!.id, 'station_id');
      const orgs = (await ckan('organization_list')).result as unknown as string[];
      assert.ok(orgs.includes('qxj'));
      const org = (await ckan('organization_show', 'id=qxj&include_datasets=true')).result as {
        packages: { name: string }[];
      };
      assert.ok(org.packages.some((entry) => entry.name === 'bm-qxj-000001'));
      const groups = (await ckan('group_list', 'all_fields=true')).result as unknown as {
        name: string;
        title: string;
      }[];
      assert.ok(groups.some((group) => group.name === 'weather' && group.title === '气象'));
      const tags = (await ckan('tag_list')).result as unknown as string[];
      assert.ok(tags.includes('自动气象站'));
      // POST works like GET; unknown actions answer CKAN's Bad Request.
      const posted = await t.app.inject({
        method: 'POST',
        url: '/api/3/action/package_show',
        payload: { id: 'bm-qxj-000001' },
      });
      assert.equal(posted.json<CkanBody>().success, true);
      const unknown = await get('/api/3/action/package_delete');
      assert.equal(unknown.statusCode, 400);
      assert.equal(unknown.json<CkanBody>().error?.__type, 'Bad Request');
      // CKAN's older path without the version.
      assert.equal((await ckan('status_show')).success, true);
      assert.equal((await get('/api/action/status_show')).statusCode, 200);
    });

    it('DCAT-AP 3 files are paged for harvesters', async () => {
      const response = ok(await get('/catalog.jsonld?page=1'));
      assert.match(String(response.headers['content-type']), /^application\/ld\+json/);
      assert.match(String(response.headers.link), /rel="first"/);
      const graph = response.json<{ '@graph': { '@type'?: unknown }[] }>()['@graph'];
      assert.ok(graph.some((node) => node['@type'] === 'dcat:Catalog'));
      const view = graph.find(
        (node) => node['@type'] === 'http://www.w3.org/ns/hydra/core#PartialCollectionView',
      ) as Record<string, { '@value': number }> | undefined;
      assert.ok(view);
      const datasets = graph.filter((node) =>
        [node['@type']].flat().includes('dcat:Dataset'),
      ).length;
      assert.equal(view['http://www.w3.org/ns/hydra/core#totalItems']?.['@value'], datasets);
      const ttl = ok(await get('/catalog.ttl'));
      assert.match(ttl.body, /dcat:Catalog/);
      assert.match(ttl.body, /hydra\/core#PartialCollectionView|hydra:PartialCollectionView/);
      assert.equal((await get('/catalog.jsonld?page=0')).statusCode, 400);
    });
  });

  describe(`open rate limits [${engine}]`, { skip: !(await engineAvailable(engine)) }, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(engine, {
        GOVDX_OPEN_RATE_ANONYMOUS: '3',
        GOVDX_OPEN_RATE_KEYED: '6',
      });
    });
    after(() => t?.close());

    it('R5.4: anonymous use is limited lower than keyed use', async () => {
      const statuses = async (headers: Record<string, string>, count: number) => {
        const out: number[] = [];
        for (let i = 0; i < count; i++)
          out.push(
            (await t.app.inject({ method: 'GET', url: '/api/v1/open/home', headers })).statusCode,
          );
        return out;
      };
      // Signing in is an anonymous request (1 of 3); making a key counts against the account.
      const company = await publicLogin(t.app, 'demo-company');
      const key = (
        await company.request('POST', '/api/v1/open/me/keys', { name: 'rate test' })
      ).json<{ secret: string }>();
      const anonymous = await t.app.inject({ method: 'GET', url: '/api/3/action/status_show' });
      assert.equal(anonymous.statusCode, 200);
      assert.deepEqual(await statuses({}, 2), [200, 429]);
      const refused = await t.app.inject({ method: 'GET', url: '/api/v1/open/home' });
      assert.equal(refused.json<{ error: { reason: string } }>().error.reason, 'OPEN_RATE_LIMITED');
      const retryAfter = Number(refused.headers['retry-after']);
      assert.ok(retryAfter >= 1 && retryAfter <= 120, `retry-after ${retryAfter}`);
      const limited = await t.app.inject({ method: 'GET', url: '/api/3/action/status_show' });
      assert.equal(limited.statusCode, 429);
      assert.equal(limited.json<CkanBody>().error?.__type, 'Rate Limit Error');
      assert.deepEqual(
        await statuses({ authorization: `Bearer ${key.secret}` }, 6),
        [200, 200, 200, 200, 200, 200],
      );
      assert.equal((await statuses({ authorization: `Bearer ${key.secret}` }, 1))[0], 429);
      // A made-up key is refused, not treated as anonymous.
      assert.equal((await statuses({ authorization: 'Bearer gdxo_not-a-real-key' }, 1))[0], 401);
    });
  });
}
