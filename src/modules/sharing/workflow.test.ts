import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { DEMO_PASSWORD } from '../../demo/demo.ts';
import { createTestApp, login, type Session, type TestApp } from '../../test/api.ts';
import { engineAvailable, ENGINES } from '../../test/engines.ts';
import { chinaToday, formatDate } from '../calendar/calendar.ts';
import type { ShareDisputeDto } from './disputes.ts';
import type { ShareEmergencyDto } from './emergencies.ts';
import { chinaDayEnd, type GrantDto } from './grants.ts';
import type { ShareRequestDto } from './requests.ts';
import type { ShareScenarioDto } from './scenarios.ts';

interface ErrorBody {
  error: { code: string; reason?: string; message: string; fields?: Record<string, string> };
}
type RequestDetail = ShareRequestDto & {
  timeline: { action: string; actorName: string; note: string | null }[];
  can: { approve: boolean; refuse: boolean; withdraw: boolean; dispute: boolean };
};
type DisputeDetail = ShareDisputeDto & {
  timeline: { action: string; note: string | null }[];
  can: { state: boolean; decide: boolean };
};
interface NotificationList {
  items: { kind: string; title: { zh: string; en: string }; link: string | null }[];
}
interface EmergencyReport {
  totals: { calls: number; denied: number; rows: number };
  summary: {
    consumerOrgCode: string | null;
    resourceCode: string | null;
    calls: number;
    denied: number;
    rows: number;
  }[];
  items: {
    consumerOrgCode: string | null;
    caseRef: string | null;
    endUser: string | null;
    status: number;
    rowCount: number;
  }[];
  truncated: boolean;
}

const CITY_PATH = '/990000/990100/';
const addDays = (date: string, days: number) =>
  formatDate(new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000));

for (const engine of ENGINES) {
  describe(`sharing workflow [${engine}]`, { skip: !(await engineAvailable(engine)) }, () => {
    let t: TestApp;
    let admin: Session; // the city's data authority (DSJ)
    let gaj: Session; // provider (公安局, dept_admin)
    let gajOperator: Session;
    let scjgj: Session; // a consumer (市场监管局, dept_admin)
    let rsj: Session; // another department (人社局)
    let auditor: Session;
    let vehicles: string; // GAJ 机动车登记信息: conditional
    let household: string; // GAJ 户籍人口信息: unconditional
    let records: string; // GAJ 违法犯罪记录信息: none
    const today = chinaToday(new Date());

    const ok = (response: LightMyRequestResponse, status = 200) => {
      assert.equal(response.statusCode, status, response.body);
      return response;
    };
    const errorOf = (response: LightMyRequestResponse) => response.json<ErrorBody>().error;
    const publishedCode = async (orgCode: string, name: string) => {
      const list = ok(
        await admin.request(
          'GET',
          `/api/v1/catalog/resources?orgCode=${orgCode}&status=published&limit=500`,
        ),
      ).json<{ items: { code: string; name: string }[] }>();
      const entry = list.items.find((item) => item.name === name);
      assert.ok(entry, `${orgCode} ${name} published`);
      return entry.code;
    };
    const requestBody = (overrides: Record<string, unknown> = {}) => ({
      resourceCode: vehicles,
      items: ['plate_no', 'plate_type', 'vehicle_type', 'owner_name', 'owner_id_no'],
      operations: ['lookup', 'verify'],
      purpose: '核查车辆登记信息，用于特种设备与车辆监管',
      scenario: '市场主体登记注册时核验经营车辆',
      businessProcess: '企业开办一网通办：营运车辆核验',
      legalBasis: '《中华人民共和国市场主体登记管理条例》',
      periodTo: addDays(today, 60),
      deliveryMethod: 'interface',
      contactName: '信息化科',
      contactPhone: '0999-01009999',
      ...overrides,
    });
    const file = async (session: Session, overrides: Record<string, unknown> = {}) =>
      ok(
        await session.request('POST', '/api/v1/share/requests', requestBody(overrides)),
        201,
      ).json<ShareRequestDto>();
    const detail = async (session: Session, code: string) =>
      ok(await session.request('GET', `/api/v1/share/requests/${code}`)).json<RequestDetail>();
    const grant = async (session: Session, id: string) =>
      ok(await session.request('GET', `/api/v1/share/grants/${id}`)).json<GrantDto>();
    const notifications = async (session: Session) =>
      ok(await session.request('GET', '/api/v1/notifications?limit=100')).json<NotificationList>();
    const replyDays = async () =>
      (
        await t.platform.services.db.kysely
          .selectFrom('regions')
          .select('share_reply_days')
          .where('code', '=', '990100')
          .executeTakeFirstOrThrow()
      ).share_reply_days;

    before(async () => {
      t = await createTestApp(engine);
      admin = await login(t.app, 'admin');
      gaj = await login(t.app, 'gaj_admin');
      gajOperator = await login(t.app, 'gaj_operator');
      scjgj = await login(t.app, 'scjgj_admin');
      auditor = await login(t.app, 'auditor');
      ok(
        await admin.request('POST', '/api/v1/users', {
          username: 'rsj_admin',
          password: DEMO_PASSWORD,
          displayName: '人社局管理员',
          orgCode: 'RSJ',
          role: 'dept_admin',
        }),
        201,
      );
      rsj = await login(t.app, 'rsj_admin');
      vehicles = await publishedCode('GAJ', '机动车登记信息');
      household = await publishedCode('GAJ', '户籍人口信息');
      records = await publishedCode('GAJ', '违法犯罪记录信息');
    });
    after(() => t.close());

    it('R4.4: a request on a conditional resource is pending, due in the region reply days (working days)', async () => {
      const days = await replyDays();
      const created = await file(scjgj);
      assert.match(created.code, new RegExp(`^GX-${today.slice(0, 4)}-\\d{6}$`));
      assert.equal(created.status, 'pending');
      assert.equal(created.consumerOrgCode, 'SCJGJ');
      assert.equal(created.providerOrgCode, 'GAJ');
      assert.equal(created.resourceName, '机动车登记信息');
      assert.equal(created.periodFrom, today);
      assert.deepEqual(
        created.items.map((item) => item.name),
        ['号牌号码', '号牌种类', '车辆类型', '所有人名称', '所有人证件号码'],
      );
      const due = await t.platform.services.calendar.addWorkingDays(today, days, CITY_PATH);
      assert.equal(created.dueDate, due);
      assert.equal(created.workingDaysLeft, days);
      assert.equal(created.overdue, false);
      assert.equal(created.autoApproved, false);
      assert.equal(created.grantId, null);

      const inbox = ok(await gajOperator.request('GET', '/api/v1/share/requests?box=inbox')).json<{
        items: ShareRequestDto[];
      }>();
      assert.ok(
        inbox.items.some((item) => item.code === created.code),
        'in the provider inbox',
      );
      const sent = ok(await scjgj.request('GET', '/api/v1/share/requests?box=sent')).json<{
        items: ShareRequestDto[];
      }>();
      assert.ok(
        sent.items.some((item) => item.code === created.code),
        'in the consumer sent box',
      );
      const consumerInbox = ok(
        await scjgj.request('GET', '/api/v1/share/requests?box=inbox'),
      ).json<{ items: ShareRequestDto[] }>();
      assert.ok(!consumerInbox.items.some((item) => item.code === created.code));
      const note = (await notifications(gaj)).items.find((n) => n.link?.includes(created.code));
      assert.ok(note, 'provider notified');
      assert.equal(note.kind, 'share.requested');
      assert.ok(note.title.zh.includes(due));

      // The next request takes the next number of the year's sequence.
      const next = await file(scjgj, { operations: ['verify'] });
      assert.equal(Number(next.code.slice(-6)), Number(created.code.slice(-6)) + 1);
    });

    it('R4.3, R4.2: unconditional resources are obtained, none-class ones disputed, not requested', async () => {
      const unconditional = await scjgj.request(
        'POST',
        '/api/v1/share/requests',
        requestBody({ resourceCode: household, items: ['id_card_no', 'person_name'] }),
      );
      assert.equal(unconditional.statusCode, 409);
      assert.equal(errorOf(unconditional).reason, 'SHARE_USE_OBTAIN');
      const none = await scjgj.request(
        'POST',
        '/api/v1/share/requests',
        requestBody({ resourceCode: records, items: ['record_no'] }),
      );
      assert.equal(none.statusCode, 409);
      assert.equal(errorOf(none).reason, 'SHARE_CLASS_NONE');
      const badItem = await scjgj.request(
        'POST',
        '/api/v1/share/requests',
        requestBody({ items: ['plate_no', 'no_such_item'] }),
      );
      assert.equal(badItem.statusCode, 400);
      assert.match(errorOf(badItem).fields?.items ?? '', /no_such_item/);
      const own = await gaj.request('POST', '/api/v1/share/requests', requestBody());
      assert.equal(own.statusCode, 400);
      assert.ok(errorOf(own).fields?.resourceCode);
      const method = await scjgj.request(
        'POST',
        '/api/v1/share/requests',
        requestBody({ deliveryMethod: 'exchange' }),
      );
      assert.equal(method.statusCode, 400, 'the catalog offers interface and verification only');
      assert.ok(errorOf(method).fields?.deliveryMethod);
      const past = await scjgj.request(
        'POST',
        '/api/v1/share/requests',
        requestBody({ periodTo: addDays(today, -1) }),
      );
      assert.equal(past.statusCode, 400);
      assert.ok(errorOf(past).fields?.periodTo);
    });

    it('R4.4: the provider approves narrower; the grant has exactly the approved items, masking and period', async () => {
      const created = await file(scjgj);
      const url = `/api/v1/share/requests/${created.code}/approve`;
      // Approval narrows, never widens.
      const wider = await gaj.request('POST', url, { items: ['plate_no', 'vin'] });
      assert.equal(wider.statusCode, 400);
      assert.match(errorOf(wider).fields?.items ?? '', /vin/);
      const later = await gaj.request('POST', url, { periodTo: addDays(today, 61) });
      assert.equal(later.statusCode, 400);
      assert.ok(errorOf(later).fields?.periodTo);
      const moreOps = await gaj.request('POST', url, { operations: ['export'] });
      assert.equal(moreOps.statusCode, 400);

      const periodTo = addDays(today, 30);
      const approved = ok(
        await gaj.request('POST', url, {
          items: ['plate_no', 'plate_type', 'owner_name'],
          operations: ['verify'],
          masking: { owner_name: 'drop' },
          periodTo,
          rateLimitPerMinute: 120,
          note: '仅用于核验，不提供所有人证件号码',
        }),
      ).json<ShareRequestDto>();
      assert.equal(approved.status, 'approved');
      assert.ok(approved.decidedBy);
      assert.equal(approved.decisionNote, '仅用于核验，不提供所有人证件号码');
      assert.equal(approved.late, false);
      assert.equal(approved.workingDaysLeft, null);
      assert.ok(approved.grantId);

      const g = await grant(scjgj, approved.grantId);
      assert.equal(g.status, 'active');
      assert.equal(g.origin, 'request');
      assert.equal(g.requestCode, created.code);
      assert.equal(g.consumerOrgCode, 'SCJGJ');
      assert.deepEqual(
        g.items.map((item) => [item.column, item.masking]),
        [
          ['plate_no', 'none'],
          ['plate_type', 'none'],
          ['owner_name', 'drop'],
        ],
      );
      assert.deepEqual(g.operations, ['verify']);
      assert.equal(g.validTo, chinaDayEnd(periodTo));
      assert.equal(g.rateLimitPerMinute, 120);
      assert.equal(g.purpose, created.purpose);

      const again = await gaj.request('POST', url, {});
      assert.equal(again.statusCode, 409);
      const view = await detail(scjgj, created.code);
      assert.deepEqual(
        view.timeline.map((event) => event.action),
        ['share.request.create', 'share.request.approve'],
      );
      assert.deepEqual(view.can, {
        approve: false,
        refuse: false,
        withdraw: false,
        dispute: false,
      });
      const told = (await notifications(scjgj)).items.find(
        (n) => n.kind === 'share.granted' && n.link?.includes(approved.grantId ?? '-'),
      );
      assert.ok(told, 'the consumer is told of its grant');
    });

    it('R4.4, R4.6: a refusal states reasons and legal basis; the consumer disputes; the authority grants', async () => {
      const created = await file(scjgj);
      const url = `/api/v1/share/requests/${created.code}/refuse`;
      const bare = await gaj.request('POST', url, { reason: '涉及个人信息，不宜共享' });
      assert.equal(bare.statusCode, 400, 'no legal basis');
      const short = await gaj.request('POST', url, {
        reason: '不行',
        legalBasis: '个人信息保护法',
      });
      assert.equal(short.statusCode, 400, 'reason too short');
      const blank = await gaj.request('POST', url, { reason: '          ', legalBasis: '个保法' });
      assert.equal(blank.statusCode, 400, 'blank reason');
      const refused = ok(
        await gaj.request('POST', url, {
          reason: '所有人证件号码属敏感个人信息，超出必要范围',
          legalBasis: '《中华人民共和国个人信息保护法》第二十八条',
        }),
      ).json<ShareRequestDto>();
      assert.equal(refused.status, 'refused');
      assert.equal(refused.refusalReason, '所有人证件号码属敏感个人信息，超出必要范围');
      assert.equal(refused.refusalLegalBasis, '《中华人民共和国个人信息保护法》第二十八条');
      assert.equal(refused.grantId, null);
      assert.ok((await notifications(scjgj)).items.some((n) => n.kind === 'share.request.refused'));
      assert.equal((await detail(scjgj, created.code)).can.dispute, true);

      // R4.6: the consumer disputes the refusal.
      const shortArgument = await scjgj.request('POST', '/api/v1/share/disputes', {
        requestCode: created.code,
        argument: '需要',
      });
      assert.equal(shortArgument.statusCode, 400);
      const byProvider = await gaj.request('POST', '/api/v1/share/disputes', {
        requestCode: created.code,
        argument: '提供部门不能对自己的拒绝提出争议',
      });
      assert.equal(byProvider.statusCode, 403);
      const dispute = ok(
        await scjgj.request('POST', '/api/v1/share/disputes', {
          requestCode: created.code,
          argument: '企业开办核验必须比对车辆所有人，已承诺仅做比对不落地',
        }),
        201,
      ).json<ShareDisputeDto>();
      assert.match(dispute.code, /^ZY-\d{4}-\d{6}$/);
      assert.equal(dispute.kind, 'refusal');
      assert.equal(dispute.status, 'open');
      assert.equal(dispute.requestCode, created.code);
      assert.equal(dispute.shareClass, 'conditional');
      assert.equal(dispute.periodTo, created.periodTo);
      assert.equal((await detail(scjgj, created.code)).status, 'disputed');
      const twice = await scjgj.request('POST', '/api/v1/share/disputes', {
        requestCode: created.code,
        argument: '再次提出同一个争议，应被拒绝',
      });
      assert.equal(twice.statusCode, 409);
      assert.ok(
        (await notifications(admin)).items.some(
          (n) => n.kind === 'share.dispute.raised' && n.link?.includes(dispute.code),
        ),
        'the authority is told',
      );

      // Negotiation: the provider states its position; the consumer cannot state for it.
      const statementUrl = `/api/v1/share/disputes/${dispute.code}/statement`;
      assert.equal(
        (await scjgj.request('POST', statementUrl, { statement: '替提供部门陈述意见' })).statusCode,
        403,
      );
      const stated = ok(
        await gaj.request('POST', statementUrl, {
          statement: '可同意比对验证，但不提供证件号码原文',
        }),
      ).json<ShareDisputeDto>();
      assert.equal(stated.providerStatement, '可同意比对验证，但不提供证件号码原文');

      // R4.6: only the authority over the provider decides; its decision is final.
      const decideUrl = `/api/v1/share/disputes/${dispute.code}/decide`;
      const decision = {
        decision: 'grant',
        reason: '比对验证确属履职必需，按最小必要授权',
        items: ['plate_no', 'owner_id_no'],
        operations: ['verify'],
        masking: { owner_id_no: 'hash' },
      };
      assert.equal((await gaj.request('POST', decideUrl, decision)).statusCode, 403);
      assert.equal((await scjgj.request('POST', decideUrl, decision)).statusCode, 403);
      const view = ok(
        await admin.request('GET', `/api/v1/share/disputes/${dispute.code}`),
      ).json<DisputeDetail>();
      assert.deepEqual(view.can, { state: false, decide: true });
      const decided = ok(await admin.request('POST', decideUrl, decision)).json<ShareDisputeDto>();
      assert.equal(decided.status, 'granted');
      assert.equal(decided.decisionReason, decision.reason);
      assert.ok(decided.grantId);
      const g = await grant(scjgj, decided.grantId);
      assert.equal(g.origin, 'dispute');
      assert.equal(g.disputeCode, dispute.code);
      assert.equal(g.requestCode, created.code);
      assert.deepEqual(
        g.items.map((item) => [item.column, item.masking]),
        [
          ['plate_no', 'none'],
          ['owner_id_no', 'hash'],
        ],
      );
      assert.deepEqual(g.operations, ['verify']);
      const request = await detail(scjgj, created.code);
      assert.equal(request.status, 'decided');
      assert.equal(request.grantId, decided.grantId);
      assert.deepEqual(
        request.timeline.map((event) => event.action),
        [
          'share.request.create',
          'share.request.refuse',
          'share.dispute.create',
          'share.dispute.state',
          'share.dispute.decide',
        ],
      );
      const second = await admin.request('POST', decideUrl, { ...decision, decision: 'refuse' });
      assert.equal(second.statusCode, 409);
      assert.equal(
        (await gaj.request('POST', statementUrl, { statement: '决定之后再陈述' })).statusCode,
        409,
      );
    });

    it('R4.6: data of class none is reached by a dispute; the authority may refuse it with a legal basis', async () => {
      const conditional = await scjgj.request('POST', '/api/v1/share/disputes', {
        resourceCode: vehicles,
        items: ['plate_no'],
        operations: ['verify'],
        purpose: '核验',
        legalBasis: '市场主体登记管理条例',
        periodTo: addDays(today, 30),
        argument: '有条件共享的资源应当先申请后争议',
      });
      assert.equal(conditional.statusCode, 409);
      assert.equal(errorOf(conditional).reason, 'SHARE_USE_REQUEST');
      const incomplete = await scjgj.request('POST', '/api/v1/share/disputes', {
        resourceCode: records,
        argument: '没有写明数据项和用途的争议',
      });
      assert.equal(incomplete.statusCode, 400);
      assert.ok(errorOf(incomplete).fields?.items);

      const dispute = ok(
        await scjgj.request('POST', '/api/v1/share/disputes', {
          resourceCode: records,
          items: ['record_no', 'case_category'],
          operations: ['verify'],
          purpose: '食品经营许可审查中核查从业禁止情形',
          legalBasis: '《中华人民共和国食品安全法》第一百三十五条',
          periodTo: addDays(today, 90),
          argument: '从业禁止核查须比对违法犯罪记录，申请仅返回是否匹配',
        }),
        201,
      ).json<ShareDisputeDto>();
      assert.equal(dispute.kind, 'none_class');
      assert.equal(dispute.shareClass, 'none');
      assert.equal(dispute.requestCode, null);
      assert.equal(dispute.consumerOrgCode, 'SCJGJ');
      assert.equal(dispute.providerOrgCode, 'GAJ');

      const refused = ok(
        await admin.request('POST', `/api/v1/share/disputes/${dispute.code}/decide`, {
          decision: 'refuse',
          reason: '犯罪记录查询须按专门规定办理，不通过共享平台提供',
        }),
      ).json<ShareDisputeDto>();
      assert.equal(refused.status, 'refused');
      assert.equal(refused.grantId, null);
      // Without a basis of its own, the decision keeps the catalog's legal basis for "none".
      assert.match(refused.decisionLegalBasis ?? '', /刑事诉讼法/);
      const grants = ok(
        await scjgj.request('GET', `/api/v1/share/grants?resourceCode=${records}`),
      ).json<{ total: number }>();
      assert.equal(grants.total, 0);
      const open = ok(await scjgj.request('GET', '/api/v1/share/disputes?status=open')).json<{
        items: ShareDisputeDto[];
      }>();
      assert.ok(!open.items.some((item) => item.code === dispute.code));
      const closed = ok(await scjgj.request('GET', '/api/v1/share/disputes?status=refused')).json<{
        items: ShareDisputeDto[];
      }>();
      assert.ok(closed.items.some((item) => item.code === dispute.code));
    });

    it('R4.5: a request within an authorized scenario is approved at once; one outside it stays pending', async () => {
      const body = {
        name: '就业参保车辆核验',
        description: '人社部门在就业登记中核验营运车辆登记情况',
        purpose: '灵活就业人员营运车辆核验',
        resources: [
          {
            resourceCode: vehicles,
            items: ['plate_no', 'plate_type', 'vehicle_type', 'use_character'],
            operations: ['lookup', 'verify'],
          },
        ],
        consumerOrgCodes: ['RSJ'],
        validTo: addDays(today, 365),
      };
      assert.equal(
        (await gaj.request('POST', '/api/v1/share/scenarios', body)).statusCode,
        403,
        'only the authority authorizes scenarios',
      );
      const unconditional = await admin.request('POST', '/api/v1/share/scenarios', {
        ...body,
        resources: [{ resourceCode: household, items: ['id_card_no'], operations: ['verify'] }],
      });
      assert.equal(unconditional.statusCode, 400);
      const scenario = ok(
        await admin.request('POST', '/api/v1/share/scenarios', body),
        201,
      ).json<ShareScenarioDto>();
      assert.match(scenario.code, /^CJ-\d{4}-\d{4}$/);
      assert.equal(scenario.status, 'active');
      assert.equal(scenario.authorityOrgCode, 'DSJ');
      assert.deepEqual(scenario.consumers, [
        { orgCode: 'RSJ', orgName: '示范市人力资源和社会保障局' },
      ]);
      assert.equal(scenario.resources[0]?.providerOrgCode, 'GAJ');
      assert.equal(scenario.grantsIssued, 0);

      const matching = await file(rsj, {
        items: ['plate_no', 'vehicle_type'],
        operations: ['verify'],
        periodTo: addDays(today, 90),
      });
      assert.equal(matching.status, 'approved');
      assert.equal(matching.autoApproved, true);
      assert.equal(matching.scenarioCode, scenario.code);
      assert.ok(matching.grantId);
      const g = await grant(rsj, matching.grantId);
      assert.equal(g.origin, 'scenario');
      assert.equal(g.scenarioCode, scenario.code);
      assert.equal(g.requestCode, matching.code);
      assert.deepEqual(
        g.items.map((item) => item.column),
        ['plate_no', 'vehicle_type'],
      );

      const extraItem = await file(rsj, {
        items: ['plate_no', 'owner_name'],
        operations: ['verify'],
        periodTo: addDays(today, 90),
      });
      assert.equal(extraItem.status, 'pending');
      assert.equal(extraItem.autoApproved, false);
      assert.equal(extraItem.scenarioCode, null);
      const otherConsumer = await file(scjgj, {
        items: ['plate_no'],
        operations: ['verify'],
      });
      assert.equal(otherConsumer.status, 'pending', 'SCJGJ is not eligible');

      const got = ok(
        await rsj.request('GET', `/api/v1/share/scenarios/${scenario.code}`),
      ).json<ShareScenarioDto>();
      assert.equal(got.grantsIssued, 1);
      assert.equal(
        (await scjgj.request('GET', `/api/v1/share/scenarios/${scenario.code}`)).statusCode,
        404,
        'neither eligible nor provider',
      );

      // Retired, the scenario approves nothing more; retiring twice is a conflict.
      assert.equal(
        (await gaj.request('POST', `/api/v1/share/scenarios/${scenario.code}/retire`)).statusCode,
        403,
      );
      const retired = ok(
        await admin.request('POST', `/api/v1/share/scenarios/${scenario.code}/retire`),
      ).json<ShareScenarioDto>();
      assert.equal(retired.status, 'retired');
      const afterRetire = await file(rsj, {
        items: ['plate_no', 'vehicle_type'],
        operations: ['verify'],
        periodTo: addDays(today, 90),
      });
      assert.equal(afterRetire.status, 'pending');
      assert.equal(
        (await admin.request('POST', `/api/v1/share/scenarios/${scenario.code}/retire`)).statusCode,
        409,
      );
      const list = ok(await admin.request('GET', '/api/v1/share/scenarios?status=retired')).json<{
        items: ShareScenarioDto[];
      }>();
      assert.ok(list.items.some((item) => item.code === scenario.code));
    });

    it('R4.10: an emergency grants responders at once; its end ends the grants; the report lists every access', async () => {
      const plannedEndAt = new Date(Date.now() + 3 * 86_400_000).toISOString();
      const body = {
        type: 'natural_disaster',
        title: '示范市强降雨洪涝应急响应',
        area: '示范市中心区沿河片区',
        plannedEndAt,
        resources: [
          { resourceCode: vehicles, items: ['plate_no', 'plate_type', 'owner_name'] },
          { resourceCode: household },
        ],
        responderOrgCodes: ['SCJGJ', 'RSJ'],
      };
      assert.equal((await gaj.request('POST', '/api/v1/share/emergencies', body)).statusCode, 403);
      const past = await admin.request('POST', '/api/v1/share/emergencies', {
        ...body,
        plannedEndAt: new Date(Date.now() - 60_000).toISOString(),
      });
      assert.equal(past.statusCode, 400);
      const declared = ok(
        await admin.request('POST', '/api/v1/share/emergencies', body),
        201,
      ).json<ShareEmergencyDto>();
      assert.match(declared.code, /^YJ-\d{4}-\d{4}$/);
      assert.equal(declared.status, 'active');
      assert.equal(declared.plannedEndAt, plannedEndAt);
      assert.deepEqual(
        declared.responders.map((r) => r.orgCode),
        ['SCJGJ', 'RSJ'],
      );
      assert.equal(declared.grants.length, 4, 'every responder x resource');
      assert.ok(declared.grants.every((g) => g.status === 'active'));
      const householdItems = declared.resources.find((r) => r.resourceCode === household)?.items;
      assert.ok(householdItems?.includes('id_card_no'), 'all items by default');

      const scjgjVehicles = declared.grants.find(
        (g) => g.consumerOrgCode === 'SCJGJ' && g.resourceCode === vehicles,
      );
      assert.ok(scjgjVehicles);
      const g = await grant(scjgj, scjgjVehicles.id);
      assert.equal(g.origin, 'emergency');
      assert.equal(g.emergencyCode, declared.code);
      assert.deepEqual(g.operations, ['lookup', 'verify']);
      assert.equal(g.validTo, plannedEndAt);
      assert.deepEqual(
        g.items.map((item) => [item.column, item.masking]),
        [
          ['plate_no', 'none'],
          ['plate_type', 'none'],
          ['owner_name', 'name'],
        ],
        'catalog masking kept',
      );
      // A responder sees the emergency it serves.
      ok(await rsj.request('GET', `/api/v1/share/emergencies/${declared.code}`));

      // Accesses under the emergency, as the data API logs them.
      const emergencyId = (
        await t.platform.services.db.kysely
          .selectFrom('share_emergencies')
          .select('id')
          .where('code', '=', declared.code)
          .executeTakeFirstOrThrow()
      ).id;
      const orgId = async (code: string) =>
        (
          await t.platform.services.db.kysely
            .selectFrom('orgs')
            .select('id')
            .where('code', '=', code)
            .executeTakeFirstOrThrow()
        ).id;
      const scjgjId = await orgId('SCJGJ');
      const access = (status: number, rows: number, caseRef: string) => ({
        occurred_at: new Date().toISOString(),
        request_id: randomUUID(),
        token_id: null,
        system_name: '市场监管应急指挥系统',
        consumer_org_id: scjgjId,
        grant_id: scjgjVehicles.id,
        provider_org_id: null,
        resource_code: vehicles,
        operation: 'lookup',
        purpose: g.purpose,
        end_user: '值班员01',
        case_ref: caseRef,
        emergency_id: emergencyId,
        status,
        error_code: status === 200 ? null : 'SHARE_RATE_LIMITED',
        row_count: rows,
        fields: null,
        response_digest: null,
        duration_ms: 1.5,
        client_ip: null,
      });
      await t.platform.services.db.kysely
        .insertInto('share_access_log')
        .values([
          access(200, 1, 'YJ-CASE-1'),
          access(200, 2, 'YJ-CASE-2'),
          access(429, 0, 'YJ-CASE-3'),
        ])
        .execute();

      const reportUrl = `/api/v1/share/emergencies/${declared.code}/report`;
      assert.equal((await gaj.request('GET', reportUrl)).statusCode, 403);
      const report = ok(
        await admin.request('GET', `${reportUrl}?format=json`),
      ).json<EmergencyReport>();
      assert.deepEqual(report.totals, { calls: 3, denied: 1, rows: 3 });
      assert.deepEqual(
        report.summary.map((row) => [row.consumerOrgCode, row.resourceCode, row.calls, row.denied]),
        [['SCJGJ', vehicles, 3, 1]],
      );
      assert.deepEqual(
        report.items.map((row) => [row.caseRef, row.status, row.rowCount]),
        [
          ['YJ-CASE-1', 200, 1],
          ['YJ-CASE-2', 200, 2],
          ['YJ-CASE-3', 429, 0],
        ],
      );
      assert.equal(report.items[0]?.endUser, '值班员01');
      assert.equal(report.truncated, false);
      const xlsx = ok(await auditor.request('GET', `${reportUrl}?format=xlsx`));
      assert.match(String(xlsx.headers['content-type']), /spreadsheetml/);
      assert.match(String(xlsx.headers['content-disposition']), /attachment/);
      assert.equal(xlsx.rawPayload.subarray(0, 2).toString(), 'PK');
      const ExcelJS = (await import('exceljs')).default;
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
      assert.equal(workbook.worksheets[1]?.rowCount, 4, 'header + three accesses');

      // The end: grants end at once; ending twice is a conflict; auditors cannot end.
      const endUrl = `/api/v1/share/emergencies/${declared.code}/end`;
      assert.equal((await auditor.request('POST', endUrl, {})).statusCode, 403);
      const ended = ok(
        await admin.request('POST', endUrl, { note: '洪水退去，应急响应解除' }),
      ).json<ShareEmergencyDto>();
      assert.equal(ended.status, 'ended');
      assert.equal(ended.endNote, '洪水退去，应急响应解除');
      assert.ok(ended.endedAt);
      assert.equal(ended.accessCount, 3);
      assert.ok(ended.grants.every((entry) => entry.status === 'expired'));
      assert.equal((await grant(scjgj, scjgjVehicles.id)).status, 'expired');
      assert.equal((await admin.request('POST', endUrl, {})).statusCode, 409);
      assert.ok(
        (await notifications(rsj)).items.some(
          (n) => n.kind === 'share.emergency.ended' && n.link?.includes(declared.code),
        ),
      );
    });

    it('R4.4, R6.6: the sweep reminds a day ahead and escalates overdue requests to the authority', async () => {
      const template = await file(scjgj, { items: ['plate_no'], operations: ['verify'] });
      const db = t.platform.services.db.kysely;
      const row = await db
        .selectFrom('share_requests')
        .selectAll()
        .where('code', '=', template.code)
        .executeTakeFirstOrThrow();
      const year = today.slice(0, 4);
      const overdueCode = `GX-${year}-900001`;
      const dueTodayCode = `GX-${year}-900002`;
      const yesterday = addDays(today, -1);
      await db
        .insertInto('share_requests')
        .values([
          { ...row, id: randomUUID(), code: overdueCode, due_date: yesterday },
          { ...row, id: randomUUID(), code: dueTodayCode, due_date: today },
        ])
        .execute();

      assert.equal((await gaj.request('POST', '/api/v1/share/requests/sweep')).statusCode, 403);
      const swept = ok(await admin.request('POST', '/api/v1/share/requests/sweep')).json<{
        reminded: number;
        escalated: number;
      }>();
      assert.deepEqual(swept, { reminded: 1, escalated: 1 });

      const overdue = await detail(admin, overdueCode);
      assert.ok(overdue.escalatedAt);
      assert.equal(overdue.overdue, true);
      assert.ok((overdue.workingDaysLeft ?? 0) <= 0);
      assert.ok(overdue.timeline.some((event) => event.action === 'share.request.overdue'));
      const dueToday = await detail(gaj, dueTodayCode);
      assert.ok(dueToday.remindedAt);
      assert.equal(dueToday.escalatedAt, null);
      assert.equal((await detail(gaj, template.code)).remindedAt, null, 'not due yet');

      const dsj = (await notifications(admin)).items.find(
        (n) => n.kind === 'share.request.overdue' && n.link?.includes(overdueCode),
      );
      assert.ok(dsj, 'the authority (DSJ) is notified');
      assert.match(dsj.title.en, /did not answer/);
      assert.ok(
        (await notifications(gaj)).items.some(
          (n) => n.kind === 'share.request.reminder' && n.link?.includes(dueTodayCode),
        ),
      );
      const violation = await db
        .selectFrom('audit_events')
        .select(['action', 'org_id'])
        .where('target', '=', `share-request:${overdueCode}`)
        .where('action', '=', 'share.request.overdue')
        .execute();
      assert.equal(violation.length, 1);

      // Reminders and escalations happen once; a sweep with nothing due leaves no audit event.
      const sweepEvents = async () =>
        (
          await t.platform.services.db.kysely
            .selectFrom('audit_events')
            .select('id')
            .where('action', '=', 'share.request.sweep')
            .execute()
        ).length;
      const before = await sweepEvents();
      assert.ok(before >= 1, 'the sweep that changed something is audited');
      const again = ok(await admin.request('POST', '/api/v1/share/requests/sweep')).json<{
        reminded: number;
        escalated: number;
      }>();
      assert.deepEqual(again, { reminded: 0, escalated: 0 });
      assert.equal(await sweepEvents(), before);

      const box = ok(await admin.request('GET', '/api/v1/share/requests?box=overdue')).json<{
        items: ShareRequestDto[];
      }>();
      assert.deepEqual(
        box.items.map((item) => item.code),
        [overdueCode],
      );
      const rsjBox = ok(await rsj.request('GET', '/api/v1/share/requests?box=overdue')).json<{
        total: number;
      }>();
      assert.equal(rsjBox.total, 0, 'not a party, not an authority');
    });

    it('R4.4: two simultaneous answers to one request: one wins, the other is a conflict and leaves no grant', async () => {
      const created = await file(scjgj, { items: ['plate_no'], operations: ['verify'] });
      const url = `/api/v1/share/requests/${created.code}`;
      const answers = await Promise.all([
        gaj.request('POST', `${url}/approve`, {}),
        gaj.request('POST', `${url}/refuse`, {
          reason: '同时拒绝，用于并发测试',
          legalBasis: '《中华人民共和国数据安全法》',
        }),
      ]);
      assert.deepEqual(answers.map((answer) => answer.statusCode).sort(), [200, 409]);
      const final = await detail(scjgj, created.code);
      const grants = await t.platform.services.db.kysely
        .selectFrom('share_grants as g')
        .innerJoin('share_requests as q', 'q.id', 'g.request_id')
        .select('g.id')
        .where('q.code', '=', created.code)
        .execute();
      assert.equal(grants.length, final.status === 'approved' ? 1 : 0);
      assert.equal(final.grantId, grants[0]?.id ?? null);
    });

    it('authorization: only parties, the authority and auditors read; only the provider answers; auditors only read', async () => {
      const created = await file(scjgj, { items: ['plate_no', 'vin'], operations: ['lookup'] });
      const url = `/api/v1/share/requests/${created.code}`;
      assert.equal((await rsj.request('GET', url)).statusCode, 404, 'neither party');
      const rsjList = ok(await rsj.request('GET', '/api/v1/share/requests?box=all')).json<{
        items: ShareRequestDto[];
      }>();
      assert.ok(!rsjList.items.some((item) => item.code === created.code));
      assert.equal((await rsj.request('POST', `${url}/approve`, {})).statusCode, 404);
      ok(await admin.request('GET', url));
      const audited = ok(await auditor.request('GET', url)).json<RequestDetail>();
      assert.deepEqual(audited.can, {
        approve: false,
        refuse: false,
        withdraw: false,
        dispute: false,
      });

      // The consumer cannot approve its own request, nor can the authority answer for the provider.
      assert.equal((await scjgj.request('POST', `${url}/approve`, {})).statusCode, 403);
      assert.equal((await admin.request('POST', `${url}/approve`, {})).statusCode, 403);
      // An operator of the provider reads, but answering is for its administrator.
      assert.equal((await gajOperator.request('POST', `${url}/approve`, {})).statusCode, 403);
      for (const [path, payload] of [
        ['approve', {}],
        ['refuse', { reason: '审计员不能拒绝申请', legalBasis: '《中华人民共和国审计法》' }],
        ['withdraw', undefined],
      ] as const) {
        assert.equal(
          (await auditor.request('POST', `${url}/${path}`, payload)).statusCode,
          403,
          path,
        );
      }
      assert.equal(
        (await auditor.request('POST', '/api/v1/share/requests', requestBody())).statusCode,
        403,
      );
      assert.equal((await auditor.request('POST', '/api/v1/share/requests/sweep')).statusCode, 403);
      assert.equal(
        (
          await auditor.request('POST', '/api/v1/share/disputes', {
            resourceCode: records,
            items: ['record_no'],
            operations: ['verify'],
            purpose: '审计员不能提出争议',
            legalBasis: '《中华人民共和国审计法》',
            periodTo: addDays(today, 10),
            argument: '审计员只读，不能提出争议',
          })
        ).statusCode,
        403,
      );

      // The provider cannot withdraw the consumer's request; the consumer can while pending.
      assert.equal((await gaj.request('POST', `${url}/withdraw`)).statusCode, 403);
      const provider = await detail(gaj, created.code);
      assert.deepEqual(provider.can, {
        approve: true,
        refuse: true,
        withdraw: false,
        dispute: false,
      });
      const withdrawn = ok(await scjgj.request('POST', `${url}/withdraw`)).json<ShareRequestDto>();
      assert.equal(withdrawn.status, 'withdrawn');
      assert.equal((await gaj.request('POST', `${url}/approve`, {})).statusCode, 409);
      assert.equal(
        (await scjgj.request('GET', '/api/v1/share/requests/GX-2000-000001')).statusCode,
        404,
      );
    });
  });
}
