import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { createTestApp, login, type Session, type TestApp } from '../../test/api.ts';
import { engineAvailable, ENGINES } from '../../test/engines.ts';
import { DEMO_PASSWORD } from '../../demo/demo.ts';
import type { BatchStatus } from '../../db/schema.ts';
import { chinaToday, formatDate } from '../calendar/calendar.ts';
import type { ProblemReportDto } from './actions.ts';
import { loadDemoProblemReports } from './demo.ts';

interface ErrorBody {
  error: { code: string; message: string; fields?: Record<string, string> };
}
type Detail = ProblemReportDto & {
  timeline: { action: string; actorName: string; note: string | null; reason: string | null }[];
  can: { resolve: boolean; reopen: boolean; accept: boolean };
};
interface NotificationList {
  items: {
    id: number;
    kind: string;
    title: { zh: string; en: string };
    link: string | null;
    readAt: string | null;
  }[];
  unread: number;
  total: number;
}

for (const engine of ENGINES) {
  describe(`problem-data loop [${engine}]`, { skip: !(await engineAvailable(engine)) }, () => {
    let t: TestApp;
    let gaj: Session; // provider of the population resources (dept_admin)
    let gajOperator: Session;
    let scjgj: Session; // a consumer department (dept_admin)
    let admin: Session; // the city's data authority
    let auditor: Session;
    let rsj: Session; // a department that is neither provider nor reporter
    let household: string; // GAJ 户籍人口信息
    let residents: string; // GAJ 常住人口基本信息
    let companies: string; // SCJGJ 企业法人登记信息
    const CITY_PATH = '/990000/990100/';

    const ok = (response: LightMyRequestResponse, status = 200) => {
      assert.equal(response.statusCode, status, response.body);
      return response;
    };
    const report = async (session: Session, body: Record<string, unknown>) =>
      ok(await session.request('POST', '/api/v1/problems', body), 201).json<ProblemReportDto>();
    const inbox = async (session: Session, query = 'box=inbox') =>
      ok(await session.request('GET', `/api/v1/problems?${query}&limit=100`)).json<{
        items: ProblemReportDto[];
        total: number;
      }>();
    const expectedDue = async (days: number) =>
      t.platform.services.calendar.addWorkingDays(chinaToday(new Date()), days, CITY_PATH);
    const regionDays = async () =>
      t.platform.services.db.kysely
        .selectFrom('regions')
        .select(['problem_reply_days', 'problem_urgent_reply_days'])
        .where('code', '=', '990100')
        .executeTakeFirstOrThrow();
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
    const addBatch = async (resourceCode: string, status: BatchStatus, startedAt: Date) => {
      const resource = await t.platform.services.db.kysely
        .selectFrom('resources')
        .select(['id', 'org_id'])
        .where('code', '=', resourceCode)
        .executeTakeFirstOrThrow();
      const id = randomUUID();
      const at = startedAt.toISOString();
      await t.platform.services.db.kysely
        .insertInto('ingest_batches')
        .values({
          id,
          resource_id: resource.id,
          org_id: resource.org_id,
          mode: 'upsert',
          source: 'console',
          source_name: 'fix.csv',
          format: 'csv',
          encoding: null,
          actor_type: 'user',
          actor_id: null,
          actor_name: 'gaj_operator',
          status,
          error_code: null,
          error_message: null,
          sha256: null,
          bytes: 10,
          rows_read: 1,
          rows_inserted: 0,
          rows_updated: 1,
          rows_deleted: 0,
          rows_rejected: 0,
          rows_total: 1,
          max_rejected_share: 0,
          stats: null,
          row_version_from: null,
          row_version_to: null,
          started_at: at,
          heartbeat_at: at,
          finished_at: at,
          duration_ms: 5,
          host: 'test',
          pid: 1,
        })
        .execute();
      return id;
    };
    const errorOf = (response: LightMyRequestResponse) => response.json<ErrorBody>().error;

    before(async () => {
      t = await createTestApp(engine);
      gaj = await login(t.app, 'gaj_admin');
      gajOperator = await login(t.app, 'gaj_operator');
      scjgj = await login(t.app, 'scjgj_admin');
      admin = await login(t.app, 'admin');
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
      household = await publishedCode('GAJ', '户籍人口信息');
      residents = await publishedCode('GAJ', '常住人口基本信息');
      companies = await publishedCode('SCJGJ', '企业法人登记信息');
    });
    after(() => t.close());

    it('R3.5: a department reports; the provider inbox shows it, due in working days on the PRC calendar', async () => {
      const days = await regionDays();
      const created = await report(scjgj, {
        resourceCode: household,
        category: 'error',
        description: '户籍地址与本人户口簿不一致，请核实',
        recordKeys: [{ id_card_no: '990102198503121234' }],
      });
      const year = chinaToday(new Date()).slice(0, 4);
      assert.match(created.code, new RegExp(`^WT-${year}-\\d{6}$`));
      assert.equal(created.status, 'open');
      assert.equal(created.urgency, 'normal');
      assert.equal(created.reporterKind, 'department');
      assert.equal(created.reporterOrgCode, 'SCJGJ');
      assert.equal(created.providerOrgCode, 'GAJ');
      assert.equal(created.resourceName, '户籍人口信息');
      assert.deepEqual(created.recordKeys, [{ id_card_no: '990102198503121234' }]);
      assert.equal(created.dueDate, await expectedDue(days.problem_reply_days));
      // Counting from today, the due date is exactly the region's period of working days away.
      assert.equal(created.workingDaysLeft, days.problem_reply_days);
      assert.equal(created.overdue, false);

      const provider = await inbox(gajOperator);
      const row = provider.items.find((item) => item.code === created.code);
      assert.ok(row, 'in the provider inbox');
      assert.equal(row.dueDate, created.dueDate);
      assert.ok((await inbox(scjgj, 'box=sent')).items.some((i) => i.code === created.code));
      assert.ok(!(await inbox(scjgj)).items.some((i) => i.code === created.code));

      // The next report takes the next number of the year's sequence; the provider may report too.
      const own = await report(gaj, {
        resourceCode: household,
        category: 'omission',
        description: '自查发现部分迁入人员缺少迁入日期',
      });
      assert.equal(own.reporterKind, 'provider');
      assert.equal(Number(own.code.slice(-6)), Number(created.code.slice(-6)) + 1);
    });

    it('R3.5: refuses unknown resources, record keys that are not key items, and auditors', async () => {
      const unknown = await scjgj.request('POST', '/api/v1/problems', {
        resourceCode: 'JC-RK-999999',
        category: 'error',
        description: '没有这个资源的问题',
      });
      assert.equal(unknown.statusCode, 400);
      assert.ok(errorOf(unknown).fields?.resourceCode);
      const badKey = await scjgj.request('POST', '/api/v1/problems', {
        resourceCode: household,
        category: 'error',
        description: '用错误的主键报告记录',
        recordKeys: [{ person_name: '张三' }],
      });
      assert.equal(badKey.statusCode, 400);
      assert.match(errorOf(badKey).fields?.recordKeys ?? '', /id_card_no/);
      const byAuditor = await auditor.request('POST', '/api/v1/problems', {
        resourceCode: household,
        category: 'error',
        description: '审计员只读，不能报告',
      });
      assert.equal(byAuditor.statusCode, 403);
    });

    it('R3.5: an urgent report gets the shorter urgent deadline', async () => {
      const days = await regionDays();
      assert.ok(days.problem_urgent_reply_days < days.problem_reply_days);
      const urgent = await report(scjgj, {
        resourceCode: residents,
        category: 'omission',
        urgency: 'urgent',
        description: '新落户人员缺失，影响待遇发放',
      });
      assert.equal(urgent.urgency, 'urgent');
      assert.equal(urgent.dueDate, await expectedDue(days.problem_urgent_reply_days));
      assert.equal(urgent.workingDaysLeft, days.problem_urgent_reply_days);
      // The provider is told, urgent first in the title.
      const notes = ok(await gaj.request('GET', '/api/v1/notifications')).json<NotificationList>();
      const note = notes.items.find((n) => n.link?.includes(urgent.code));
      assert.ok(note, 'provider notified');
      assert.match(note.title.zh, /紧急/);
      assert.match(note.title.en, /URGENT/);
    });

    it('R3.5: only the provider answers; confirmed correct needs a note, fixed a succeeded batch of the resource', async () => {
      const created = await report(scjgj, {
        resourceCode: household,
        category: 'error',
        description: '出生日期疑似录入错误',
      });
      const url = `/api/v1/problems/${created.code}/resolve`;
      // The reporter is not the provider.
      assert.equal(
        (await scjgj.request('POST', url, { resolution: 'consultation', note: '自己处理' }))
          .statusCode,
        403,
      );
      const noNote = await gajOperator.request('POST', url, { resolution: 'confirmed_correct' });
      assert.equal(noNote.statusCode, 400);
      assert.ok(errorOf(noNote).fields?.note);
      const noBatch = await gajOperator.request('POST', url, { resolution: 'fixed' });
      assert.equal(noBatch.statusCode, 400);
      assert.match(errorOf(noBatch).fields?.batchId ?? '', /R3\.5/);
      const later = new Date(Date.now() + 1000);
      const foreign = await addBatch(companies, 'succeeded', later);
      const failed = await addBatch(household, 'failed', later);
      const earlier = await addBatch(household, 'succeeded', new Date(Date.now() - 86_400_000));
      for (const batchId of [foreign, failed, earlier, randomUUID()]) {
        const refused = await gajOperator.request('POST', url, { resolution: 'fixed', batchId });
        assert.equal(refused.statusCode, 400, `batch ${batchId}: ${refused.body}`);
        assert.ok(errorOf(refused).fields?.batchId);
      }
      const good = await addBatch(household, 'succeeded', later);
      const fixed = ok(
        await gajOperator.request('POST', url, {
          resolution: 'fixed',
          batchId: good,
          note: '已更正出生日期并重新归集',
        }),
      ).json<ProblemReportDto>();
      assert.equal(fixed.status, 'resolved');
      assert.equal(fixed.resolution, 'fixed');
      assert.equal(fixed.resolutionBatchId, good);
      assert.equal(fixed.workingDaysLeft, null);
      // Answered once; a second answer conflicts.
      const again = await gajOperator.request('POST', url, {
        resolution: 'consultation',
        note: '再处理一次',
      });
      assert.equal(again.statusCode, 409);

      const other = await report(scjgj, {
        resourceCode: household,
        category: 'error',
        description: '姓名中生僻字显示为问号',
      });
      const confirmed = ok(
        await gaj.request('POST', `/api/v1/problems/${other.code}/resolve`, {
          resolution: 'confirmed_correct',
          note: '系统记录正确，显示问题系贵局系统字库缺字',
        }),
      ).json<ProblemReportDto>();
      assert.equal(confirmed.resolution, 'confirmed_correct');
      assert.equal(confirmed.resolutionNote, '系统记录正确，显示问题系贵局系统字库缺字');
    });

    it('R3.5: the reporter reopens once (a second reopen is 409), then accepts, which closes the report', async () => {
      const days = await regionDays();
      const created = await report(scjgj, {
        resourceCode: household,
        category: 'error',
        description: '户籍地址门牌号错误',
      });
      const base = `/api/v1/problems/${created.code}`;
      // Only an answered report can be reopened or accepted.
      assert.equal(
        (await scjgj.request('POST', `${base}/reopen`, { reason: '还没处理' })).statusCode,
        409,
      );
      assert.equal((await scjgj.request('POST', `${base}/accept`, {})).statusCode, 409);
      ok(
        await gaj.request('POST', `${base}/resolve`, {
          resolution: 'consultation',
          note: '已电话沟通',
        }),
      );
      // The provider cannot reopen on the reporter's behalf.
      assert.equal(
        (await gaj.request('POST', `${base}/reopen`, { reason: '替对方打开' })).statusCode,
        403,
      );
      assert.ok(ok(await scjgj.request('GET', base)).json<Detail>().can.reopen);
      const reopened = ok(
        await scjgj.request('POST', `${base}/reopen`, { reason: '电话沟通未解决问题' }),
      ).json<ProblemReportDto>();
      assert.equal(reopened.status, 'reopened');
      assert.equal(reopened.reopenCount, 1);
      assert.equal(reopened.reopenReason, '电话沟通未解决问题');
      assert.equal(reopened.resolution, null);
      assert.equal(reopened.dueDate, await expectedDue(days.problem_reply_days));
      ok(
        await gaj.request('POST', `${base}/resolve`, {
          resolution: 'confirmed_correct',
          note: '经派出所核实，门牌号无误',
        }),
      );
      const detail = ok(await scjgj.request('GET', base)).json<Detail>();
      assert.equal(detail.can.reopen, false);
      assert.equal(detail.can.accept, true);
      const second = await scjgj.request('POST', `${base}/reopen`, { reason: '仍有异议' });
      assert.equal(second.statusCode, 409);
      assert.match(errorOf(second).message, /已重新打开过一次/);
      const english = await t.app.inject({
        method: 'POST',
        url: `${base}/reopen`,
        headers: {
          cookie: scjgj.cookie,
          'x-csrf-token': scjgj.csrfToken,
          'accept-language': 'en',
        },
        payload: { reason: 'still disagree' },
      });
      assert.equal(english.statusCode, 409);
      assert.match(errorOf(english).message, /already reopened once/);

      const closed = ok(
        await scjgj.request('POST', `${base}/accept`, { comment: '认可' }),
      ).json<ProblemReportDto>();
      assert.equal(closed.status, 'closed');
      assert.equal((await scjgj.request('POST', `${base}/accept`, {})).statusCode, 409);
      const history = ok(await gaj.request('GET', base)).json<Detail>();
      assert.deepEqual(
        history.timeline.map((e) => e.action),
        [
          'problem.report',
          'problem.resolve',
          'problem.reopen',
          'problem.resolve',
          'problem.accept',
        ],
      );
      assert.equal(history.timeline[2]?.reason, '电话沟通未解决问题');
      assert.equal(history.timeline[3]?.note, '经派出所核实，门牌号无误');
      assert.equal(history.can.resolve, false);
    });

    it('notifies the provider and the reporter; each reads and marks only its own', async () => {
      const created = await report(scjgj, {
        resourceCode: household,
        category: 'infringement',
        description: '接口返回了不必要的个人照片',
      });
      const provider = ok(
        await gaj.request('GET', '/api/v1/notifications?limit=100'),
      ).json<NotificationList>();
      const note = provider.items.find(
        (n) => n.kind === 'problem.reported' && n.link?.includes(created.code),
      );
      assert.ok(note, 'provider notified');
      assert.equal(note.readAt, null);
      assert.equal(note.link, `/aggregation/problems?code=${created.code}`);
      assert.match(note.title.zh, new RegExp(created.code));
      assert.ok(provider.unread >= 1);
      // Unread first.
      const firstRead = provider.items.findIndex((n) => n.readAt !== null);
      if (firstRead >= 0)
        assert.ok(provider.items.slice(firstRead).every((n) => n.readAt !== null));

      // Another organisation cannot mark it.
      assert.equal(
        (await scjgj.request('POST', `/api/v1/notifications/${note.id}/read`, {})).statusCode,
        404,
      );
      ok(await gajOperator.request('POST', `/api/v1/notifications/${note.id}/read`, {}));
      const marked = ok(
        await gaj.request('GET', '/api/v1/notifications?limit=100'),
      ).json<NotificationList>();
      assert.equal(marked.unread, provider.unread - 1);
      assert.ok(marked.items.find((n) => n.id === note.id)?.readAt);

      ok(
        await gaj.request('POST', `/api/v1/problems/${created.code}/resolve`, {
          resolution: 'consultation',
          note: '已调整共享字段',
        }),
      );
      const reporter = ok(
        await scjgj.request('GET', '/api/v1/notifications?unreadOnly=true'),
      ).json<NotificationList>();
      assert.ok(
        reporter.items.some((n) => n.kind === 'problem.resolved' && n.link?.includes(created.code)),
      );
      assert.ok(reporter.items.every((n) => n.readAt === null));
      const all = ok(await scjgj.request('POST', '/api/v1/notifications/read-all', {})).json<{
        count: number;
      }>();
      assert.equal(all.count, reporter.unread);
      assert.equal(
        ok(await scjgj.request('GET', '/api/v1/notifications')).json<NotificationList>().unread,
        0,
      );
    });

    it('R6.6: the authority and auditors see overdue reports, overdue first in the inbox', async () => {
      const created = await report(scjgj, {
        resourceCode: residents,
        category: 'error',
        description: '常住地址未随迁移更新',
      });
      const past = new Date(`${chinaToday(new Date())}T00:00:00Z`);
      past.setUTCDate(past.getUTCDate() - 7);
      await t.platform.services.db.kysely
        .updateTable('problem_reports')
        .set({ due_date: formatDate(past) })
        .where('code', '=', created.code)
        .execute();

      const supervised = await inbox(admin, 'box=overdue');
      const row = supervised.items.find((item) => item.code === created.code);
      assert.ok(row, 'the authority sees the overdue report');
      assert.equal(row.overdue, true);
      assert.ok((row.workingDaysLeft ?? 0) < 0, `negative countdown: ${row.workingDaysLeft}`);
      assert.ok(supervised.items.every((item) => item.overdue));
      assert.ok((await inbox(auditor, 'box=overdue')).items.some((i) => i.code === created.code));
      assert.ok((await inbox(admin, 'box=all')).total >= supervised.total);
      // Overdue reports lead the provider's inbox.
      assert.equal((await inbox(gaj)).items[0]?.overdue, true);
      // A department with no part in it does not see it, even as overdue.
      assert.ok(!(await inbox(rsj, 'box=overdue')).items.some((i) => i.code === created.code));
      // Answered, it leaves the overdue list (and counts as late).
      const answered = ok(
        await gaj.request('POST', `/api/v1/problems/${created.code}/resolve`, {
          resolution: 'consultation',
          note: '已补正',
        }),
      ).json<ProblemReportDto>();
      assert.equal(answered.late, true);
      assert.ok(!(await inbox(admin, 'box=overdue')).items.some((i) => i.code === created.code));
    });

    it('a department that is neither provider nor reporter can neither read nor act', async () => {
      const created = await report(scjgj, {
        resourceCode: household,
        category: 'error',
        description: '性别字段与证件不符',
      });
      const base = `/api/v1/problems/${created.code}`;
      assert.equal((await rsj.request('GET', base)).statusCode, 404);
      for (const [action, body] of [
        ['resolve', { resolution: 'consultation', note: '越权处理' }],
        ['reopen', { reason: '越权打开' }],
        ['accept', {}],
      ] as const) {
        const refused = await rsj.request('POST', `${base}/${action}`, body);
        assert.ok([403, 404].includes(refused.statusCode), `${action}: ${refused.statusCode}`);
      }
      assert.ok(!(await inbox(rsj, 'box=all')).items.some((i) => i.code === created.code));
      // The authority over the provider's region and the auditor read it.
      assert.equal(ok(await admin.request('GET', base)).json<Detail>().code, created.code);
      assert.equal(ok(await auditor.request('GET', base)).json<Detail>().can.resolve, false);
      assert.equal((await rsj.request('GET', '/api/v1/problems/WT-2000-000001')).statusCode, 404);
    });

    it('R3.5 (LZ Art. 32): a department system reports through the API with its token', async () => {
      const issued = ok(
        await scjgj.request('POST', '/api/v1/tokens', {
          orgCode: 'SCJGJ',
          name: '企业登记业务系统',
          expiresAt: '2099-12-31',
        }),
        201,
      ).json<{ secret: string }>();
      const asSystem = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
        t.app.inject({
          method,
          url,
          headers: { authorization: `Bearer ${issued.secret}` },
          ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
        });
      const created = await asSystem('POST', '/api/v1/problems', {
        resourceCode: household,
        category: 'error',
        urgency: 'urgent',
        description: '业务办理页面发现该人员户籍状态为注销，但本人仍在办理业务',
        recordKeys: [{ id_card_no: '990102199001011234' }],
      });
      assert.equal(created.statusCode, 201, created.body);
      const dto = created.json<ProblemReportDto>();
      assert.equal(dto.reporterOrgCode, 'SCJGJ');
      assert.equal(dto.reporterName, '企业登记业务系统');
      assert.equal(dto.reporterKind, 'department');
      // Only for its own organisation.
      const foreign = await asSystem('POST', '/api/v1/problems', {
        resourceCode: household,
        category: 'error',
        description: '冒用其他部门名义报告',
        reporterOrgCode: 'RSJ',
      });
      assert.equal(foreign.statusCode, 403);
      const sent = (await asSystem('GET', '/api/v1/problems?box=sent')).json<{
        items: ProblemReportDto[];
      }>();
      assert.ok(sent.items.some((item) => item.code === dto.code));
      assert.equal((await asSystem('GET', `/api/v1/problems/${dto.code}`)).statusCode, 200);
      assert.ok((await inbox(gaj)).items.some((item) => item.code === dto.code));
    });

    it('loads the demo reports in every state through the actions', async () => {
      const { codes } = await loadDemoProblemReports(t.platform.services);
      assert.equal(codes.length, 5);
      const statuses = [];
      for (const code of codes) {
        statuses.push(ok(await admin.request('GET', `/api/v1/problems/${code}`)).json<Detail>());
      }
      assert.deepEqual(
        statuses.map((d) => [d.status, d.urgency, d.resolution]),
        [
          ['open', 'normal', null],
          ['open', 'urgent', null],
          ['resolved', 'normal', 'confirmed_correct'],
          ['reopened', 'normal', null],
          ['closed', 'urgent', 'consultation'],
        ],
      );
      assert.deepEqual(
        statuses.map((d) => d.reporterOrgCode),
        ['SCJGJ', 'RSJ', 'GAJ', 'SCJGJ', 'RSJ'],
      );
      assert.equal(statuses[2]?.providerOrgCode, 'SCJGJ');
    });
  });
}
