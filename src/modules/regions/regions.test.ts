import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getAction } from '../../actions.ts';
import { AppError } from '../../core/errors.ts';
import { runAction } from '../../core/run-action.ts';
import { createTestApp, login, type TestApp } from '../../test/api.ts';
import { engineAvailable, ENGINES } from '../../test/engines.ts';
import type { RegionDto, RegionPresetDto } from './actions.ts';

/**
 * Region setting presets (issue 2; REQUIREMENTS.md: where the jurisdictions differ, the value of each
 * source is a preset): listed by `region.presets`, applied by `preset` on `region.create` and
 * `region.update`, with the settings given in the same input winning. The demo has the province
 * 990000 (Ningxia's values, 10 days), the city 990100 (Shenyang's, 5 days) and the county 990102.
 */
interface ErrorBody {
  error: { code: string; fields?: Record<string, string> };
}

for (const engine of ENGINES) {
  describe(`region presets [${engine}]`, { skip: !(await engineAvailable(engine)) }, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(engine);
    });
    after(() => t.close());

    const auditDetails = async (action: string, target: string) => {
      const row = await t.platform.services.db.kysely
        .selectFrom('audit_events')
        .select(['details', 'outcome'])
        .where('action', '=', action)
        .where('target', '=', target)
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      return { outcome: row.outcome, details: JSON.parse(row.details) as Record<string, unknown> };
    };

    it('lists the presets over HTTP, with their settings and sources', async () => {
      const admin = await login(t.app, 'admin');
      const response = await admin.request('GET', '/api/v1/regions/presets');
      assert.equal(response.statusCode, 200, response.body);
      const { items } = response.json<{ items: RegionPresetDto[] }>();
      assert.deepEqual(
        items.map((p) => p.code),
        ['national-default', 'shenyang', 'ningxia', 'shanghai'],
      );
      const byCode = new Map(items.map((p) => [p.code, p]));
      // R4.4: Shenyang 5, Ningxia 10 working days; R5.6 open 15; R2.4 catalog 15.
      assert.equal(byCode.get('shenyang')?.settings.shareReplyDays, 5);
      assert.equal(byCode.get('shenyang')?.name.zh, '沈阳市');
      assert.equal(byCode.get('shenyang')?.name.en, 'Shenyang');
      assert.equal(byCode.get('ningxia')?.settings.shareReplyDays, 10);
      assert.equal(byCode.get('ningxia')?.settings.catalogUpdateDays, 15);
      assert.equal(byCode.get('national-default')?.settings.openReplyDays, 15);
      // R4.1: Shanghai says 授权共享 for conditional.
      assert.equal(byCode.get('shanghai')?.settings.shareClassNames.conditional, '授权共享');
      assert.equal(byCode.get('shanghai')?.settings.shareReplyDays, 10);
      for (const preset of items) {
        assert.ok(preset.note.zh.length > 0 && preset.note.en.length > 0, preset.code);
        assert.equal(preset.settings.problemUrgentReplyDays, 2, preset.code);
      }
      assert.match(byCode.get('ningxia')?.note.en ?? '', /Art\. 11/);

      const openapi = (await t.app.inject('/api/openapi.json')).json<{
        paths: Record<string, Record<string, { operationId: string }>>;
      }>();
      assert.equal(openapi.paths['/api/v1/regions/presets']?.get?.operationId, 'region.presets');
      // The province's authority admin may read them too.
      const province = await login(t.app, 'province_admin');
      assert.equal((await province.request('GET', '/api/v1/regions/presets')).statusCode, 200);
    });

    it('creating 沈阳市 with the shenyang preset gives a 5-day share reply deadline', async () => {
      const province = await login(t.app, 'province_admin');
      // Without a preset a city copies its province (Ningxia's values here: 10 days).
      const plain = await province.request('POST', '/api/v1/regions', {
        code: '990300',
        name: '无预设市',
        level: 'city',
        parentCode: '990000',
      });
      assert.equal(plain.statusCode, 201, plain.body);
      assert.equal(plain.json<RegionDto>().settings.shareReplyDays, 10);

      const created = await province.request('POST', '/api/v1/regions', {
        code: '990200',
        name: '沈阳市',
        level: 'city',
        parentCode: '990000',
        preset: 'shenyang',
      });
      assert.equal(created.statusCode, 201, created.body);
      const region = created.json<RegionDto>();
      assert.equal(region.settings.shareReplyDays, 5);
      assert.equal(region.settings.openReplyDays, 15);
      assert.equal(region.settings.catalogUpdateDays, 15);
      assert.equal(region.settings.shareClassNames.conditional, '有条件共享');
      // Stored, not only answered.
      const listed = (await province.request('GET', '/api/v1/regions')).json<{
        items: RegionDto[];
      }>();
      assert.equal(listed.items.find((r) => r.code === '990200')?.settings.shareReplyDays, 5);
      // The audit event names the preset (input) and the settings it resulted in.
      const audit = await auditDetails('region.create', 'region:990200');
      assert.equal(audit.outcome, 'success');
      assert.equal((audit.details.input as { preset: string }).preset, 'shenyang');
      assert.equal((audit.details.settings as { shareReplyDays: number }).shareReplyDays, 5);
    });

    it('the platform operator (CLI) creates a province and 沈阳市 with a preset', async () => {
      // `govdx action region.create '<json>'` runs the action as the system actor with JSON input.
      const run = (name: string, input: unknown) =>
        runAction(t.platform.services, getAction(name), input, {
          actor: { type: 'system', name: 'govdx cli' },
          inputSource: 'json',
          validateOutput: true,
        }) as Promise<RegionDto>;
      const liaoning = await run('region.create', {
        code: '210000',
        name: '辽宁省',
        level: 'province',
      });
      assert.equal(liaoning.settings.shareReplyDays, 10);
      const shenyang = await run('region.create', {
        code: '210100',
        name: '沈阳市',
        level: 'city',
        parentCode: '210000',
        preset: 'shenyang',
      });
      assert.equal(shenyang.settings.shareReplyDays, 5);
      const presets = (await runAction(
        t.platform.services,
        getAction('region.presets'),
        {},
        {
          actor: { type: 'system', name: 'govdx cli' },
          validateOutput: true,
        },
      )) as { items: RegionPresetDto[] };
      assert.equal(presets.items.length, 4);
    });

    it('a setting given in the input wins over the preset, on create and on update', async () => {
      const admin = await login(t.app, 'admin');
      const created = await admin.request('POST', '/api/v1/regions', {
        code: '990103',
        name: '预设区',
        level: 'county',
        parentCode: '990100',
        preset: 'shanghai',
        settings: { shareReplyDays: 7 },
      });
      assert.equal(created.statusCode, 201, created.body);
      const region = created.json<RegionDto>();
      assert.equal(region.settings.shareReplyDays, 7);
      assert.deepEqual(region.settings.shareClassNames, {
        unconditional: '无条件共享',
        conditional: '授权共享',
        none: '非共享',
      });

      // The parent (Shenyang's 5 days) is not what the preset says: the preset replaces it.
      const updated = await admin.request('PATCH', '/api/v1/regions/990102', {
        preset: 'ningxia',
        settings: { openReplyDays: 20 },
      });
      assert.equal(updated.statusCode, 200, updated.body);
      const settings = updated.json<RegionDto>().settings;
      assert.equal(settings.shareReplyDays, 10);
      assert.equal(settings.openReplyDays, 20);
      assert.equal(settings.catalogUpdateDays, 15);
      assert.equal(updated.json<RegionDto>().name, '示范市中心区');

      const audit = await auditDetails('region.update', 'region:990102');
      assert.equal(audit.outcome, 'success');
      const changes = audit.details.changes as Record<string, { from: unknown; to: unknown }>;
      assert.deepEqual(changes.shareReplyDays, { from: 5, to: 10 });
      assert.deepEqual(changes.openReplyDays, { from: 15, to: 20 });
      assert.equal(changes.name, undefined);
      assert.equal(changes.catalogUpdateDays, undefined);

      // A preset alone on update: the settings it fixes replace the region's.
      const again = await admin.request('PATCH', '/api/v1/regions/990102', {
        preset: 'shenyang',
      });
      assert.equal(again.statusCode, 200, again.body);
      assert.equal(again.json<RegionDto>().settings.shareReplyDays, 5);
      assert.equal(again.json<RegionDto>().settings.openReplyDays, 15);
    });

    it('an unknown preset is a VALIDATION error on the preset field', async () => {
      const admin = await login(t.app, 'admin');
      const create = await admin.request('POST', '/api/v1/regions', {
        code: '990104',
        name: '错误预设区',
        level: 'county',
        parentCode: '990100',
        preset: 'beijing',
      });
      assert.equal(create.statusCode, 400, create.body);
      const body = create.json<ErrorBody>();
      assert.equal(body.error.code, 'VALIDATION');
      assert.ok(body.error.fields?.preset, create.body);
      assert.match(body.error.fields.preset, /shenyang/);
      const list = (await admin.request('GET', '/api/v1/regions')).json<{ items: RegionDto[] }>();
      assert.equal(
        list.items.some((r) => r.code === '990104'),
        false,
      );

      const update = await admin.request('PATCH', '/api/v1/regions/990100', { preset: '' });
      assert.equal(update.statusCode, 400, update.body);
      assert.ok(update.json<ErrorBody>().error.fields?.preset, update.body);

      // The same through the CLI's path, and when a caller skips schema validation.
      for (const validateInput of [true, false]) {
        await assert.rejects(
          runAction(
            t.platform.services,
            getAction('region.update'),
            { code: '990100', preset: 'beijing' },
            { actor: { type: 'system', name: 'govdx cli' }, inputSource: 'json', validateInput },
          ),
          (error: unknown) =>
            error instanceof AppError &&
            error.code === 'VALIDATION' &&
            error.fields?.preset !== undefined,
        );
      }
    });

    it('only those who manage regions may read the presets or apply them', async () => {
      // A department admin, an operator, a reviewer and an auditor manage no region (R1.1).
      for (const user of ['gaj_admin', 'gaj_operator', 'reviewer', 'auditor']) {
        const session = await login(t.app, user);
        const list = await session.request('GET', '/api/v1/regions/presets');
        assert.equal(list.statusCode, 403, `${user}: ${list.body}`);
        const create = await session.request('POST', '/api/v1/regions', {
          code: '990105',
          name: '越权区',
          level: 'county',
          parentCode: '990100',
          preset: 'shenyang',
        });
        assert.equal(create.statusCode, 403, `${user}: ${create.body}`);
        const update = await session.request('PATCH', '/api/v1/regions/990100', {
          preset: 'ningxia',
        });
        assert.equal(update.statusCode, 403, `${user}: ${update.body}`);
      }
      assert.equal((await t.app.inject('/api/v1/regions/presets')).statusCode, 401);
      // The city's authority admin may not apply a preset to the province above it.
      const admin = await login(t.app, 'admin');
      const upward = await admin.request('PATCH', '/api/v1/regions/990000', { preset: 'shenyang' });
      assert.equal(upward.statusCode, 403, upward.body);
      const province = (await admin.request('GET', '/api/v1/regions')).json<{
        items: RegionDto[];
      }>();
      assert.equal(province.items.find((r) => r.code === '990000')?.settings.shareReplyDays, 10);
    });
  });
}
