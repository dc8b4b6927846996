import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestApp, login, type Session, type TestApp } from '../../test/api.ts';
import { engineAvailable, ENGINES } from '../../test/engines.ts';
import { item, resourceContent } from './factories.ts';
import type { ResourceVersionDto } from './actions.ts';

interface ErrorBody {
  error: { code: string; fields?: Record<string, string> };
}

for (const engine of ENGINES) {
  describe(`catalog lifecycle [${engine}]`, { skip: !(await engineAvailable(engine)) }, () => {
    let t: TestApp;
    let operator: Session;
    let reviewer: Session;
    let otherDept: Session;
    before(async () => {
      t = await createTestApp(engine);
      operator = await login(t.app, 'gaj_operator');
      reviewer = await login(t.app, 'reviewer');
      otherDept = await login(t.app, 'scjgj_admin');
    });
    after(() => t.close());

    const auditCount = async (action: string) =>
      Number(
        (
          await t.platform.services.db.kysely
            .selectFrom('audit_events')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('action', '=', action)
            .where('outcome', '=', 'success')
            .executeTakeFirstOrThrow()
        ).n,
      );

    it('drafts, checks rules on submit, returns with comments, guards concurrent edits, publishes', async () => {
      // R4.2: "none" without legal basis or reasons, and opened although not shared.
      const bad = resourceContent({
        share: { class: 'none', deliveryMethods: [] },
        open: { class: 'conditional' },
      });
      const created = await operator.request('POST', '/api/v1/catalog/resources', {
        orgCode: 'GAJ',
        content: bad,
      });
      assert.equal(created.statusCode, 201, created.body);
      const draft = created.json<ResourceVersionDto>();
      assert.match(draft.code, /^BM-GAJ-\d{6}$/);
      assert.equal(draft.status, 'draft');
      const rejected = await operator.request(
        'POST',
        `/api/v1/catalog/resources/${draft.code}/submit`,
      );
      assert.equal(rejected.statusCode, 400);
      const fields = rejected.json<ErrorBody>().error.fields ?? {};
      assert.match(fields['share.legalBasis'] ?? '', /R4\.2/);
      assert.match(fields['share.reasons'] ?? '', /R4\.2/);
      assert.ok(fields['open.class']);
      assert.ok(fields['open.conditions']);

      // Another department can neither see nor edit the draft.
      assert.equal(
        (await otherDept.request('GET', `/api/v1/catalog/resources/${draft.code}`)).statusCode,
        404,
      );
      const foreignSave = await otherDept.request(
        'PUT',
        `/api/v1/catalog/resources/${draft.code}/draft`,
        { revision: draft.revision, content: resourceContent() },
      );
      assert.equal(foreignSave.statusCode, 403, foreignSave.body);

      const saved = await operator.request('PUT', `/api/v1/catalog/resources/${draft.code}/draft`, {
        revision: draft.revision,
        content: resourceContent(),
      });
      assert.equal(saved.statusCode, 200, saved.body);
      // A second save based on the old revision is refused and applies nothing.
      const stale = await operator.request('PUT', `/api/v1/catalog/resources/${draft.code}/draft`, {
        revision: draft.revision,
        content: resourceContent({ name: '被覆盖的名称' }),
      });
      assert.equal(stale.statusCode, 409);
      assert.equal(
        (
          await operator.request('GET', `/api/v1/catalog/resources/${draft.code}`)
        ).json<ResourceVersionDto>().content.name,
        '居民户籍迁移登记信息',
      );

      assert.equal(
        (await operator.request('POST', `/api/v1/catalog/resources/${draft.code}/submit`))
          .statusCode,
        200,
      );
      // Department staff cannot publish; the region's reviewer can.
      assert.equal(
        (await operator.request('POST', `/api/v1/catalog/resources/${draft.code}/publish`))
          .statusCode,
        403,
      );
      const queue = (
        await reviewer.request('GET', '/api/v1/catalog/resources?status=submitted')
      ).json<{ items: { code: string }[] }>();
      assert.ok(queue.items.some((entry) => entry.code === draft.code));
      const returned = await reviewer.request(
        'POST',
        `/api/v1/catalog/resources/${draft.code}/return`,
        {
          comment: '请补充共享条件的适用范围',
          fieldComments: { 'share.conditions': '写明可申请的业务场景' },
        },
      );
      assert.equal(returned.json<ResourceVersionDto>().status, 'returned');
      assert.equal(
        returned.json<ResourceVersionDto>().fieldComments['share.conditions'],
        '写明可申请的业务场景',
      );

      const current = (
        await operator.request('GET', `/api/v1/catalog/resources/${draft.code}`)
      ).json<ResourceVersionDto>();
      const fixed = resourceContent({
        share: { ...resourceContent().share, conditions: '仅限户籍、社保业务场景使用' },
      });
      assert.equal(
        (
          await operator.request('PUT', `/api/v1/catalog/resources/${draft.code}/draft`, {
            revision: current.revision,
            content: fixed,
          })
        ).statusCode,
        200,
      );
      assert.equal(
        (await operator.request('POST', `/api/v1/catalog/resources/${draft.code}/submit`))
          .statusCode,
        200,
      );
      const published = await reviewer.request(
        'POST',
        `/api/v1/catalog/resources/${draft.code}/publish`,
        { comment: '同意发布' },
      );
      assert.equal(published.statusCode, 200, published.body);
      assert.equal(published.json<ResourceVersionDto>().status, 'published');
      assert.equal(published.json<ResourceVersionDto>().liveVersion, 1);
      // Published metadata is visible to every department (they must know what exists).
      assert.equal(
        (await otherDept.request('GET', `/api/v1/catalog/resources/${draft.code}`)).statusCode,
        200,
      );
      for (const action of [
        'catalog.resource.create',
        'catalog.resource.update',
        'catalog.resource.submit',
        'catalog.resource.return',
        'catalog.resource.publish',
      ]) {
        assert.ok((await auditCount(action)) >= 1, action);
      }
    });

    it('changes a published entry through a new version, keeps every version, and withdraws with a reason', async () => {
      const created = (
        await operator.request('POST', '/api/v1/catalog/resources', {
          orgCode: 'GAJ',
          content: resourceContent({ name: '机动车驾驶人信息' }),
        })
      ).json<ResourceVersionDto>();
      await operator.request('POST', `/api/v1/catalog/resources/${created.code}/submit`);
      await reviewer.request('POST', `/api/v1/catalog/resources/${created.code}/publish`);
      const v2 = await operator.request(
        'POST',
        `/api/v1/catalog/resources/${created.code}/versions`,
      );
      assert.equal(v2.statusCode, 201, v2.body);
      assert.equal(v2.json<ResourceVersionDto>().version, 2);
      assert.equal(v2.json<ResourceVersionDto>().liveVersion, 1);
      assert.equal(
        (await operator.request('POST', `/api/v1/catalog/resources/${created.code}/versions`))
          .statusCode,
        409,
      );
      const content = resourceContent({
        name: '机动车驾驶人信息',
        summary: '新增驾驶证状态字段。',
      });
      await operator.request('PUT', `/api/v1/catalog/resources/${created.code}/draft`, {
        revision: v2.json<ResourceVersionDto>().revision,
        content,
      });
      await operator.request('POST', `/api/v1/catalog/resources/${created.code}/submit`);
      // The live v1 stays what others see until v2 is published.
      const live = (
        await otherDept.request('GET', `/api/v1/catalog/resources/${created.code}?version=1`)
      ).json<ResourceVersionDto>();
      assert.equal(live.status, 'published');
      await reviewer.request('POST', `/api/v1/catalog/resources/${created.code}/publish`);
      const history = (
        await operator.request('GET', `/api/v1/catalog/resources/${created.code}/versions`)
      ).json<{ items: ResourceVersionDto[] }>();
      assert.deepEqual(
        history.items.map((v) => [v.version, v.status]),
        [
          [1, 'superseded'],
          [2, 'published'],
        ],
      );
      assert.equal(history.items[1]?.content.summary, '新增驾驶证状态字段。');

      const noReason = await operator.request(
        'POST',
        `/api/v1/catalog/resources/${created.code}/withdraw`,
        { reason: '' },
      );
      assert.equal(noReason.statusCode, 400);
      assert.equal(
        (
          await operator.request('POST', `/api/v1/catalog/resources/${created.code}/withdraw`, {
            reason: '职能调整',
          })
        ).statusCode,
        403,
      );
      const deptAdmin = await login(t.app, 'gaj_admin');
      const withdrawn = await deptAdmin.request(
        'POST',
        `/api/v1/catalog/resources/${created.code}/withdraw`,
        { reason: '职能调整，数据移交其他部门' },
      );
      assert.equal(withdrawn.statusCode, 200, withdrawn.body);
      assert.equal(withdrawn.json<ResourceVersionDto>().status, 'withdrawn');
      assert.equal(
        withdrawn.json<ResourceVersionDto>().withdrawReason,
        '职能调整，数据移交其他部门',
      );
    });

    it('flags possible duplicate collection against authoritative sources (一数一源, R3.2)', async () => {
      const source = resourceContent({
        classification: 'base',
        baseKind: 'population',
        name: '常住人口基本信息',
        share: { class: 'unconditional', deliveryMethods: ['interface'] },
        items: [item({ authoritative: true })],
      });
      const base = (
        await operator.request('POST', '/api/v1/catalog/resources', {
          orgCode: 'GAJ',
          content: source,
        })
      ).json<ResourceVersionDto>();
      assert.match(base.code, /^JC-RK-\d{6}$/);
      assert.equal(
        (await operator.request('POST', `/api/v1/catalog/resources/${base.code}/submit`))
          .statusCode,
        200,
      );
      await reviewer.request('POST', `/api/v1/catalog/resources/${base.code}/publish`);

      const copy = (
        await otherDept.request('POST', '/api/v1/catalog/resources', {
          orgCode: 'SCJGJ',
          content: resourceContent({ name: '个体工商户经营者信息' }),
        })
      ).json<ResourceVersionDto>();
      const submitted = (
        await otherDept.request('POST', `/api/v1/catalog/resources/${copy.code}/submit`)
      ).json<ResourceVersionDto>();
      // The demo's 户籍人口信息 is an authoritative source too; the flag must name our new source.
      const flag = submitted.duplicateFlags.find((f) => f.resourceCode === base.code);
      assert.ok(flag, JSON.stringify(submitted.duplicateFlags));
      assert.equal(flag.itemName, '公民身份号码');
      assert.equal(flag.column, 'id_number');
      // R4.2: base data cannot be conditional.
      const conditionalBase = (
        await operator.request('POST', '/api/v1/catalog/resources', {
          orgCode: 'GAJ',
          content: { ...source, name: '户籍人口信息', share: resourceContent().share },
        })
      ).json<ResourceVersionDto>();
      const refused = await operator.request(
        'POST',
        `/api/v1/catalog/resources/${conditionalBase.code}/submit`,
      );
      assert.match(refused.json<ErrorBody>().error.fields?.['share.class'] ?? '', /R4\.2/);
    });

    it('records catalog-update obligations with working-day due dates (R2.4)', async () => {
      const admin = await login(t.app, 'admin');
      const late = await admin.request('POST', '/api/v1/catalog/triggers', {
        orgCode: 'GAJ',
        kind: 'law',
        description: '《户口登记条例》修订，户籍信息项需调整',
        effectiveDate: '2025-09-26',
      });
      assert.equal(late.statusCode, 201, late.body);
      // 15 working days after 2025-09-26 across the National Day holiday and two 调休 Saturdays/Sundays.
      assert.equal(late.json<{ dueDate: string }>().dueDate, '2025-10-23');
      assert.equal(late.json<{ overdue: boolean }>().overdue, true);
      assert.equal(
        (
          await operator.request('POST', '/api/v1/catalog/triggers', {
            orgCode: 'GAJ',
            kind: 'duty',
            description: '职责调整',
          })
        ).statusCode,
        403,
      );
      const fresh = (
        await admin.request('POST', '/api/v1/catalog/triggers', {
          orgCode: 'GAJ',
          kind: 'duty',
          description: '新增出入境管理职责',
        })
      ).json<{ id: number; workingDaysLeft: number }>();
      assert.ok(fresh.workingDaysLeft > 0 && fresh.workingDaysLeft <= 15);
      const listed = (
        await operator.request('GET', '/api/v1/catalog/triggers?openOnly=true')
      ).json<{ items: { id: number; overdue: boolean }[] }>();
      assert.equal(listed.items[0]?.overdue, true);
      assert.equal(listed.items.length, 2);
      assert.equal(
        (await otherDept.request('GET', '/api/v1/catalog/triggers')).json<{ items: unknown[] }>()
          .items.length,
        0,
      );
      const resolved = await operator.request(
        'POST',
        `/api/v1/catalog/triggers/${fresh.id}/resolve`,
        { resolution: '已提交 BM-GAJ 相关目录更新' },
      );
      assert.equal(resolved.json<{ late: boolean }>().late, false);
      assert.equal(
        (
          await operator.request('POST', `/api/v1/catalog/triggers/${fresh.id}/resolve`, {
            resolution: '再次办结',
          })
        ).statusCode,
        409,
      );
    });

    it('keeps thematic catalogs a list the authority extends (R2.3)', async () => {
      const thematic = resourceContent({
        classification: 'thematic',
        theme: '智慧养老',
        name: '养老服务机构信息',
      });
      const draft = (
        await operator.request('POST', '/api/v1/catalog/resources', {
          orgCode: 'GAJ',
          content: thematic,
        })
      ).json<ResourceVersionDto>();
      assert.match(draft.code, /^ZT-\d{6}$/);
      const refused = await operator.request(
        'POST',
        `/api/v1/catalog/resources/${draft.code}/submit`,
      );
      assert.match(refused.json<ErrorBody>().error.fields?.theme ?? '', /R2\.3/);
      assert.equal(
        (await operator.request('POST', '/api/v1/catalog/themes', { name: '智慧养老' })).statusCode,
        403,
      );
      const admin = await login(t.app, 'admin');
      assert.equal(
        (await admin.request('POST', '/api/v1/catalog/themes', { name: '智慧养老' })).statusCode,
        201,
      );
      assert.equal(
        (await admin.request('POST', '/api/v1/catalog/themes', { name: '智慧养老' })).statusCode,
        409,
      );
      const themes = (await operator.request('GET', '/api/v1/catalog/themes')).json<{
        items: { name: string; builtin: boolean }[];
      }>();
      assert.equal(themes.items.filter((theme) => theme.builtin).length, 11);
      assert.ok(themes.items.some((theme) => theme.name === '智慧养老' && !theme.builtin));
      assert.equal(
        (await operator.request('POST', `/api/v1/catalog/resources/${draft.code}/submit`))
          .statusCode,
        200,
      );
    });

    it('rejects unknown enum values and ill-formed data items', async () => {
      const wrongEnum = await operator.request('POST', '/api/v1/catalog/resources', {
        orgCode: 'GAJ',
        content: { ...resourceContent(), updateCycle: 'hourly' },
      });
      assert.equal(wrongEnum.statusCode, 400);
      assert.ok(wrongEnum.json<ErrorBody>().error.fields?.['content.updateCycle']);
      // Missing nested properties are named by their full path.
      const { summary: _summary, ...withoutSummary } = resourceContent();
      const missing = await operator.request('POST', '/api/v1/catalog/resources', {
        orgCode: 'GAJ',
        content: withoutSummary,
      });
      assert.equal(missing.json<ErrorBody>().error.fields?.['content.summary'], '必填');
      const duplicate = (
        await operator.request('POST', '/api/v1/catalog/resources', {
          orgCode: 'GAJ',
          content: resourceContent({
            items: [
              item(),
              item({ name: '证件号码' }),
              item({
                name: '备注',
                column: 'remark',
                type: 'M',
                key: false,
                required: false,
                length: undefined,
              }),
            ],
          }),
        })
      ).json<ResourceVersionDto>();
      const refused = await operator.request(
        'POST',
        `/api/v1/catalog/resources/${duplicate.code}/submit`,
      );
      assert.ok(refused.json<ErrorBody>().error.fields?.['items.1.column']);
    });
  });
}
