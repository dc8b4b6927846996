import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { createTestApp, login, type Session, type TestApp } from '../../test/api.ts';
import { engineAvailable, ENGINES } from '../../test/engines.ts';
import { creditCodeCheckCharacter } from '../../core/validators/credit-code.ts';
import { chinaToday, formatDate } from '../calendar/calendar.ts';
import type { ProblemReportDto } from '../problems/actions.ts';
import type { AgreementDto } from './agreements.ts';
import { activeApplication, type ApplicationDto } from './applications.ts';
import { DEMO_COMPANY } from './demo.ts';
import type { DataRequestDto } from './requests.ts';
import type { ShowcaseEntryDto } from './showcase.ts';

interface ErrorBody {
  error: { code: string; reason?: string; message: string; fields?: Record<string, string> };
}
type Timeline = { action: string; actorName: string; note: string | null }[];
type ApplicationDetail = ApplicationDto & {
  timeline: Timeline;
  can: { decide: boolean; withdraw: boolean };
};
type RequestDetail = DataRequestDto & {
  timeline: Timeline;
  can: { answer: boolean; dispute: boolean; rule: boolean };
};
interface Listed<T> {
  total: number;
  items: T[];
}
interface NotificationList {
  items: { kind: string; title: { zh: string; en: string }; link: string | null }[];
}
interface FeedbackItem {
  code: string;
  datasetCode: string;
  datasetName: string;
  category: string;
  description: string;
  status: string;
  dueDate: string;
  resolution: string | null;
  resolutionNote: string | null;
}

/** A public account signed in in a browser: portal cookie, CSRF token, the portal header. */
interface Portal {
  id: string;
  request(
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    payload?: unknown,
  ): Promise<LightMyRequestResponse>;
}

const CITY_PATH = '/990000/990100/';
const SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>';
/** A 1x1 PNG. */
const PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const addDays = (date: string, days: number) =>
  formatDate(new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000));

for (const engine of ENGINES) {
  describe(`open portal workflows [${engine}]`, { skip: !(await engineAvailable(engine)) }, () => {
    let t: TestApp;
    let admin: Session; // the city's data authority (DSJ)
    let gaj: Session; // 公安局 dept_admin: provides the accident statistics (conditional)
    let gajOperator: Session;
    let scjgj: Session; // 市场监管局 dept_admin: provides company and credit data
    let auditor: Session;
    let alice: Portal; // an individual, verified at registration
    let bob: Portal; // another individual
    let company: Portal; // the demo's verified organisation
    let newco: Portal; // an organisation awaiting verification
    let accidents: string; // GAJ 道路交通事故统计信息: conditional
    let companies: string; // SCJGJ 企业法人登记信息: conditional
    let penalties: string; // SCJGJ 行政处罚信用信息: unconditional
    let household: string; // GAJ 户籍人口信息: closed
    const today = chinaToday(new Date());

    const ok = (response: LightMyRequestResponse, status = 200) => {
      assert.equal(response.statusCode, status, response.body);
      return response;
    };
    const errorOf = (response: LightMyRequestResponse) => response.json<ErrorBody>().error;
    const refused = (response: LightMyRequestResponse, status: number, reason?: string) => {
      assert.equal(response.statusCode, status, response.body);
      if (reason) assert.equal(errorOf(response).reason, reason, response.body);
      return errorOf(response);
    };
    const anonymous = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
      t.app.inject({
        method,
        url,
        ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
      });
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
    const register = async (body: Record<string, unknown>) =>
      ok(await anonymous('POST', '/api/v1/open/accounts', body), 201).json<{
        id: string;
        verification: string;
      }>();
    const portalLogin = async (username: string, password: string): Promise<Portal> => {
      const response = ok(await anonymous('POST', '/api/v1/open/session', { username, password }));
      const setCookie = response.headers['set-cookie'];
      const cookie = (Array.isArray(setCookie) ? setCookie[0] : setCookie)?.split(';')[0] ?? '';
      assert.match(cookie, /^govdx_portal=/);
      const { account, csrfToken } = response.json<{
        account: { id: string };
        csrfToken: string;
      }>();
      return {
        id: account.id,
        request: (method, url, payload) =>
          t.app.inject({
            method,
            url,
            headers: { cookie, 'x-csrf-token': csrfToken, 'x-govdx-portal': '1' },
            ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
          }),
      };
    };
    const currentVersion = async () =>
      ok(await anonymous('GET', '/api/v1/open/agreement')).json<AgreementDto>().version;
    const applicationBody = async (overrides: Record<string, unknown> = {}) => ({
      datasetCode: accidents,
      purpose: '研究城市道路交通安全，撰写学术论文',
      measures: '数据存放于单位内网加密服务器，仅课题组三人可访问，操作留痕',
      periodFrom: today,
      periodTo: addDays(today, 180),
      agreementVersion: await currentVersion(),
      acceptAgreement: true,
      ...overrides,
    });
    const apply = async (portal: Portal, overrides: Record<string, unknown> = {}) =>
      ok(
        await portal.request('POST', '/api/v1/open/applications', await applicationBody(overrides)),
        201,
      ).json<ApplicationDto>();
    const requestBody = (overrides: Record<string, unknown> = {}) => ({
      orgCode: 'GAJ',
      title: '各派出所辖区年度户籍迁入迁出统计',
      description: '希望获得近三年按派出所辖区汇总的户籍迁入、迁出人数，不含个人信息',
      purpose: '城市人口流动研究',
      confidentiality: '仅用于研究，成果只发布汇总数据',
      ...overrides,
    });
    const notifications = async (session: Session) =>
      ok(await session.request('GET', '/api/v1/notifications?limit=100')).json<NotificationList>();
    const regionDays = async () =>
      t.platform.services.db.kysely
        .selectFrom('regions')
        .select(['open_reply_days', 'problem_reply_days'])
        .where('code', '=', '990100')
        .executeTakeFirstOrThrow();

    before(async () => {
      t = await createTestApp(engine);
      admin = await login(t.app, 'admin');
      gaj = await login(t.app, 'gaj_admin');
      gajOperator = await login(t.app, 'gaj_operator');
      scjgj = await login(t.app, 'scjgj_admin');
      auditor = await login(t.app, 'auditor');
      const aliceAccount = await register({
        kind: 'individual',
        username: 'alice',
        password: 'Alice-pass-2026',
        displayName: '李爱丽',
        email: 'alice@example.com',
      });
      assert.equal(aliceAccount.verification, 'verified');
      await register({
        kind: 'individual',
        username: 'bob',
        password: 'Bob-pass-2026',
        displayName: '王博',
        email: 'bob@example.com',
      });
      const first17 = '91990100MA0000777';
      const pending = await register({
        kind: 'organisation',
        username: 'newco',
        password: 'Newco-pass-2026',
        displayName: '新成立科技有限公司',
        email: 'newco@example.com',
        orgName: '新成立科技有限公司',
        creditCode: first17 + (creditCodeCheckCharacter(first17) ?? ''),
      });
      assert.equal(pending.verification, 'pending');
      alice = await portalLogin('alice', 'Alice-pass-2026');
      bob = await portalLogin('bob', 'Bob-pass-2026');
      newco = await portalLogin('newco', 'Newco-pass-2026');
      company = await portalLogin(DEMO_COMPANY.username, DEMO_COMPANY.password);
      accidents = await publishedCode('GAJ', '道路交通事故统计信息');
      companies = await publishedCode('SCJGJ', '企业法人登记信息');
      penalties = await publishedCode('SCJGJ', '行政处罚信用信息');
      household = await publishedCode('GAJ', '户籍人口信息');
    });
    after(() => t.close());

    describe('R5.5 data use agreement', () => {
      it('R5.5: the demo has version 1 with the terms an applicant accepts; anyone reads it', async () => {
        const current = ok(await anonymous('GET', '/api/v1/open/agreement')).json<AgreementDto>();
        assert.equal(current.version, 1);
        for (const term of [
          '用途',
          '重新识别',
          '安全',
          '数据来源',
          '第三方',
          '删除',
          '审计',
          '违约',
        ]) {
          assert.ok(current.body.includes(term), `the agreement covers ${term}`);
        }
        assert.equal(current.bodySha256, createHash('sha256').update(current.body).digest('hex'));
        const list = ok(await anonymous('GET', '/api/v1/open/agreements')).json<{
          items: AgreementDto[];
        }>();
        assert.deepEqual(
          list.items.map((item) => item.version),
          [1],
        );
        const me = ok(await anonymous('GET', '/api/v1/open/me')).json<{ account: unknown }>();
        assert.equal(me.account, null);
      });

      it('R5.5: only the authority publishes a new version; old versions are kept', async () => {
        const body = {
          title: '数据使用协议（第二版）',
          body: '第一条 用途限定：仅限申请用途使用。'.repeat(3),
        };
        refused(await anonymous('POST', '/api/v1/open/agreements', body), 401);
        refused(await gaj.request('POST', '/api/v1/open/agreements', body), 403);
        refused(await auditor.request('POST', '/api/v1/open/agreements', body), 403);
        refused(await alice.request('POST', '/api/v1/open/agreements', body), 403);
        const blank = await admin.request('POST', '/api/v1/open/agreements', {
          title: '空白',
          body: ' '.repeat(30),
        });
        refused(blank, 400);
        const published = ok(
          await admin.request('POST', '/api/v1/open/agreements', body),
          201,
        ).json<AgreementDto>();
        assert.equal(published.version, 2);
        assert.equal(published.bodySha256, createHash('sha256').update(body.body).digest('hex'));
        assert.equal(await currentVersion(), 2);
        const list = ok(await anonymous('GET', '/api/v1/open/agreements')).json<{
          items: AgreementDto[];
        }>();
        assert.deepEqual(
          list.items.map((item) => item.version),
          [2, 1],
        );
        const audit = await t.platform.services.db.kysely
          .selectFrom('audit_events')
          .select(['target', 'org_id'])
          .where('action', '=', 'open.agreement.publish')
          .where('outcome', '=', 'success')
          .orderBy('id', 'desc')
          .executeTakeFirstOrThrow();
        assert.equal(audit.target, 'open-agreement:2');
        assert.equal(audit.org_id, null);
      });
    });

    describe('R5.5 applications for conditional data', () => {
      it('R5.5: a verified account applies; due in the region open reply days; the provider is told', async () => {
        const { open_reply_days: days } = await regionDays();
        const created = await apply(alice);
        assert.match(created.code, new RegExp(`^KF-${today.slice(0, 4)}-\\d{6}$`));
        assert.equal(created.status, 'pending');
        assert.equal(created.datasetCode, accidents);
        assert.equal(created.datasetName, '道路交通事故统计信息');
        assert.equal(created.orgCode, 'GAJ');
        assert.deepEqual(created.applicant, {
          id: alice.id,
          displayName: '李爱丽',
          kind: 'individual',
          orgName: null,
        });
        assert.equal(created.agreementVersion, 2);
        const due = await t.platform.services.calendar.addWorkingDays(today, days, CITY_PATH);
        assert.equal(created.dueDate, due);
        assert.equal(created.workingDaysLeft, days);
        assert.equal(created.overdue, false);
        assert.equal(created.validTo, null);

        const note = (await notifications(gaj)).items.find((n) => n.link?.includes(created.code));
        assert.ok(note, 'provider notified');
        assert.equal(note.kind, 'open.application.created');
        assert.ok(note.title.zh.includes(due));
        const inbox = ok(
          await gajOperator.request('GET', '/api/v1/open/applications?box=inbox'),
        ).json<Listed<ApplicationDto>>();
        assert.ok(inbox.items.some((item) => item.code === created.code));
        const otherInbox = ok(
          await scjgj.request('GET', '/api/v1/open/applications?box=inbox'),
        ).json<Listed<ApplicationDto>>();
        assert.ok(!otherInbox.items.some((item) => item.code === created.code));
        for (const session of [admin, auditor]) {
          const all = ok(await session.request('GET', '/api/v1/open/applications?box=all')).json<
            Listed<ApplicationDto>
          >();
          assert.ok(all.items.some((item) => item.code === created.code));
        }
        const mine = ok(await alice.request('GET', '/api/v1/open/applications')).json<
          Listed<ApplicationDto>
        >();
        assert.deepEqual(
          mine.items.map((item) => item.code),
          [created.code],
        );
        assert.equal(mine.total, 1);
        const bobs = ok(await bob.request('GET', '/api/v1/open/applications?box=mine')).json<
          Listed<ApplicationDto>
        >();
        assert.equal(bobs.total, 0);
        // A public account has no inbox; staff have no "mine".
        refused(await alice.request('GET', '/api/v1/open/applications?box=inbox'), 403);
        refused(await gaj.request('GET', '/api/v1/open/applications?box=mine'), 403);
        refused(await anonymous('GET', '/api/v1/open/applications'), 401);
      });

      it('R1.3, R5.5: an organisation awaiting verification cannot apply (403); after verification it can', async () => {
        const error = refused(
          await newco.request('POST', '/api/v1/open/applications', await applicationBody()),
          403,
          'OPEN_ACCOUNT_NOT_VERIFIED',
        );
        assert.ok(error.message);
        const created = await apply(company, { datasetCode: companies });
        assert.equal(created.applicant.kind, 'organisation');
        assert.equal(created.applicant.orgName, '示范数据科技有限公司');
      });

      it('R5.5: refuses an outdated agreement (409), no acceptance, bad periods and a second open application', async () => {
        refused(
          await bob.request(
            'POST',
            '/api/v1/open/applications',
            await applicationBody({ agreementVersion: 1 }),
          ),
          409,
          'OPEN_AGREEMENT_OUTDATED',
        );
        const notAccepted = refused(
          await bob.request(
            'POST',
            '/api/v1/open/applications',
            await applicationBody({ acceptAgreement: false }),
          ),
          400,
        );
        assert.ok(notAccepted.fields?.acceptAgreement);
        const cases: [Record<string, unknown>, string][] = [
          [{ periodFrom: addDays(today, 10), periodTo: addDays(today, 5) }, 'periodTo'],
          [{ periodFrom: addDays(today, -30), periodTo: addDays(today, -1) }, 'periodTo'],
          [{ periodTo: addDays(today, 3 * 366 + 1) }, 'periodTo'],
          [{ periodFrom: '2026-02-30' }, 'periodFrom'],
        ];
        for (const [overrides, field] of cases) {
          const error = refused(
            await bob.request(
              'POST',
              '/api/v1/open/applications',
              await applicationBody(overrides),
            ),
            400,
          );
          assert.ok(
            error.fields?.[field],
            `${JSON.stringify(overrides)}: ${JSON.stringify(error)}`,
          );
        }
        refused(
          await alice.request('POST', '/api/v1/open/applications', await applicationBody()),
          409,
          'OPEN_APPLICATION_EXISTS',
        );
        const missing = await bob.request(
          'POST',
          '/api/v1/open/applications',
          await applicationBody({ purpose: undefined }),
        );
        refused(missing, 400);
      });

      it('R5.2, R5.4: closed and unknown datasets are 404; unconditional ones need no application', async () => {
        for (const datasetCode of [household, 'NO-SUCH-000001']) {
          refused(
            await bob.request(
              'POST',
              '/api/v1/open/applications',
              await applicationBody({ datasetCode }),
            ),
            404,
          );
        }
        refused(
          await bob.request(
            'POST',
            '/api/v1/open/applications',
            await applicationBody({ datasetCode: penalties }),
          ),
          409,
          'OPEN_NOT_CONDITIONAL',
        );
        refused(await anonymous('POST', '/api/v1/open/applications', await applicationBody()), 401);
        refused(
          await gaj.request('POST', '/api/v1/open/applications', await applicationBody()),
          403,
        );
      });

      it('R5.5: only the provider decides; a refusal needs reasons; approval opens access until validTo', async () => {
        const created = await apply(bob);
        const url = `/api/v1/open/applications/${created.code}/decide`;
        // Another department does not see it; an auditor sees but does not act; nor does the applicant.
        refused(await scjgj.request('POST', url, { approve: true }), 404);
        refused(await auditor.request('POST', url, { approve: true }), 403);
        refused(await bob.request('POST', url, { approve: true }), 403);
        refused(await anonymous('POST', url, { approve: true }), 401);
        const noReasons = refused(await gaj.request('POST', url, { approve: false }), 400);
        assert.ok(noReasons.fields?.reasons);
        refused(await gaj.request('POST', url, { approve: false, reasons: '   ' }), 400);
        const late = refused(
          await gaj.request('POST', url, { approve: true, validTo: addDays(today, 181) }),
          400,
        );
        assert.ok(late.fields?.validTo);
        const before = refused(
          await gaj.request('POST', url, { approve: true, validTo: addDays(today, -1) }),
          400,
        );
        assert.ok(before.fields?.validTo);

        const validTo = addDays(today, 90);
        const approved = ok(
          await gajOperator.request('POST', url, {
            approve: true,
            validTo,
            reasons: '同意，仅限研究用途',
          }),
        ).json<ApplicationDto>();
        assert.equal(approved.status, 'approved');
        assert.equal(approved.validTo, validTo);
        assert.equal(approved.decidedBy, '孙丽（公安局操作员）');
        assert.ok(approved.decidedAt);
        assert.equal(approved.workingDaysLeft, null);
        refused(
          await gaj.request('POST', url, { approve: false, reasons: '再次决定不予同意' }),
          409,
        );

        const row = await t.platform.services.db.kysely
          .selectFrom('open_applications')
          .select(['resource_id', 'decided_by'])
          .where('code', '=', created.code)
          .executeTakeFirstOrThrow();
        assert.equal(row.decided_by, '孙丽（公安局操作员）');
        const db = t.platform.services.db.kysely;
        const active = await activeApplication(db, bob.id, row.resource_id, today);
        assert.equal(active?.code, created.code);
        assert.equal(
          await activeApplication(db, bob.id, row.resource_id, addDays(validTo, 1)),
          undefined,
        );
        assert.equal(await activeApplication(db, alice.id, row.resource_id, today), undefined);

        const seen = ok(
          await bob.request('GET', `/api/v1/open/applications/${created.code}`),
        ).json<ApplicationDetail>();
        assert.equal(seen.status, 'approved');
        assert.deepEqual(
          seen.timeline.map((event) => event.action),
          ['open.application.create', 'open.application.decide'],
        );
        assert.equal(seen.timeline[0]?.actorName, '王博');
        assert.equal(seen.can.withdraw, false);
        // An approved application in force is a second active one.
        refused(
          await bob.request('POST', '/api/v1/open/applications', await applicationBody()),
          409,
          'OPEN_APPLICATION_EXISTS',
        );
        // No one else is told: the decision is recorded on the application.
        const audit = await db
          .selectFrom('audit_events')
          .select(['org_id'])
          .where('action', '=', 'open.application.decide')
          .where('target', '=', `open-application:${created.code}`)
          .where('outcome', '=', 'success')
          .executeTakeFirstOrThrow();
        const gajOrg = await db
          .selectFrom('orgs')
          .select('id')
          .where('code', '=', 'GAJ')
          .executeTakeFirstOrThrow();
        assert.equal(audit.org_id, gajOrg.id);
      });

      it('R5.5: the provider refuses with reasons; the applicant sees them', async () => {
        const created = await apply(alice, { datasetCode: companies });
        const refusedApp = ok(
          await scjgj.request('POST', `/api/v1/open/applications/${created.code}/decide`, {
            approve: false,
            reasons: '申请用途与数据开放条件不符',
          }),
        ).json<ApplicationDto>();
        assert.equal(refusedApp.status, 'refused');
        assert.equal(refusedApp.validTo, null);
        const seen = ok(
          await alice.request('GET', `/api/v1/open/applications/${created.code}`),
        ).json<ApplicationDetail>();
        assert.equal(seen.reasons, '申请用途与数据开放条件不符');
        assert.equal(seen.timeline.at(-1)?.note, '申请用途与数据开放条件不符');
        const list = ok(
          await alice.request('GET', '/api/v1/open/applications?status=refused'),
        ).json<Listed<ApplicationDto>>();
        assert.deepEqual(
          list.items.map((item) => item.code),
          [created.code],
        );
      });

      it('another account’s application is 404; the applicant withdraws while pending', async () => {
        const { items } = ok(
          await alice.request('GET', '/api/v1/open/applications?status=pending'),
        ).json<Listed<ApplicationDto>>();
        const mine = items[0];
        assert.ok(mine);
        const url = `/api/v1/open/applications/${mine.code}`;
        refused(await bob.request('GET', url), 404);
        refused(await bob.request('POST', `${url}/withdraw`), 404);
        refused(await scjgj.request('GET', url), 404);
        refused(await anonymous('GET', url), 401);
        ok(await admin.request('GET', url));
        ok(await auditor.request('GET', url));
        const detail = ok(await gaj.request('GET', url)).json<ApplicationDetail>();
        assert.equal(detail.can.decide, true);
        assert.equal(detail.can.withdraw, false);
        refused(await gaj.request('POST', `${url}/withdraw`), 403);
        const withdrawn = ok(await alice.request('POST', `${url}/withdraw`)).json<ApplicationDto>();
        assert.equal(withdrawn.status, 'withdrawn');
        refused(await alice.request('POST', `${url}/withdraw`), 409);
        refused(await gaj.request('POST', `${url}/decide`, { approve: true }), 409);
        const note = (await notifications(gaj)).items.find(
          (n) => n.kind === 'open.application.withdrawn' && n.link?.includes(mine.code),
        );
        assert.ok(note, 'the provider learns of the withdrawal');
      });

      it('R6.6: overdue pending applications are listed first and by the overdue filter', async () => {
        const created = await apply(alice);
        const past = addDays(today, -10);
        await t.platform.services.db.kysely
          .updateTable('open_applications')
          .set({ due_date: past })
          .where('code', '=', created.code)
          .execute();
        const overdue = ok(
          await admin.request('GET', '/api/v1/open/applications?box=all&overdue=true'),
        ).json<Listed<ApplicationDto>>();
        assert.deepEqual(
          overdue.items.map((item) => item.code),
          [created.code],
        );
        assert.equal(overdue.items[0]?.overdue, true);
        assert.ok((overdue.items[0]?.workingDaysLeft ?? 0) < 0);
        const inbox = ok(await gaj.request('GET', '/api/v1/open/applications')).json<
          Listed<ApplicationDto>
        >();
        assert.equal(inbox.items[0]?.code, created.code, 'overdue first');
        const page = ok(
          await gaj.request('GET', '/api/v1/open/applications?limit=1&offset=1'),
        ).json<Listed<ApplicationDto>>();
        assert.equal(page.items.length, 1);
        assert.equal(page.total, inbox.total);
      });
    });

    describe('R5.6 requests for data not in the open catalog', () => {
      it('R5.6: anyone with an account asks a department; due in working days; the department is told', async () => {
        refused(await anonymous('POST', '/api/v1/open/requests', requestBody()), 401);
        refused(await gaj.request('POST', '/api/v1/open/requests', requestBody()), 403);
        for (const orgCode of ['DSJ', 'NOPE']) {
          const error = refused(
            await alice.request('POST', '/api/v1/open/requests', requestBody({ orgCode })),
            400,
          );
          assert.ok(error.fields?.orgCode);
        }
        refused(
          await alice.request('POST', '/api/v1/open/requests', requestBody({ purpose: '  ' })),
          400,
        );
        const { open_reply_days: days } = await regionDays();
        const created = ok(
          await newco.request('POST', '/api/v1/open/requests', requestBody({ title: SCRIPT })),
          201,
        ).json<DataRequestDto>();
        assert.match(created.code, new RegExp(`^XQ-${today.slice(0, 4)}-\\d{6}$`));
        assert.equal(created.status, 'pending');
        assert.equal(created.orgCode, 'GAJ');
        assert.equal(created.title, SCRIPT, 'stored as typed');
        assert.deepEqual(created.requester, { id: newco.id, displayName: '新成立科技有限公司' });
        const due = await t.platform.services.calendar.addWorkingDays(today, days, CITY_PATH);
        assert.equal(created.dueDate, due);
        assert.equal(created.workingDaysLeft, days);
        const note = (await notifications(gajOperator)).items.find((n) =>
          n.link?.includes(created.code),
        );
        assert.equal(note?.kind, 'open.request.created');
        const inbox = ok(await gaj.request('GET', '/api/v1/open/requests?box=inbox')).json<
          Listed<DataRequestDto>
        >();
        assert.ok(inbox.items.some((item) => item.code === created.code));
        const mine = ok(await newco.request('GET', '/api/v1/open/requests')).json<
          Listed<DataRequestDto>
        >();
        assert.deepEqual(
          mine.items.map((item) => item.code),
          [created.code],
        );
        refused(await alice.request('GET', `/api/v1/open/requests/${created.code}`), 404);
        refused(await scjgj.request('GET', `/api/v1/open/requests/${created.code}`), 404);
      });

      it('R5.6: a refusal states reasons; the requester disputes; the authority rules, binding both sides', async () => {
        const created = ok(
          await alice.request('POST', '/api/v1/open/requests', requestBody()),
          201,
        ).json<DataRequestDto>();
        const url = `/api/v1/open/requests/${created.code}`;
        refused(
          await alice.request('POST', `${url}/dispute`, { reason: '不同意不予提供的答复' }),
          409,
        );
        refused(
          await scjgj.request('POST', `${url}/answer`, {
            decision: 'refused',
            answer: '不予提供',
            reasons: '涉及个人信息',
          }),
          404,
        );
        refused(
          await auditor.request('POST', `${url}/answer`, {
            decision: 'provided',
            answer: '已提供',
          }),
          403,
        );
        const noReasons = refused(
          await gaj.request('POST', `${url}/answer`, { decision: 'refused', answer: '不予提供' }),
          400,
        );
        assert.ok(noReasons.fields?.reasons);
        const answered = ok(
          await gaj.request('POST', `${url}/answer`, {
            decision: 'refused',
            answer: '经研究，不予提供',
            reasons: '按辖区汇总的数据可能识别到个人',
          }),
        ).json<DataRequestDto>();
        assert.equal(answered.status, 'refused');
        assert.equal(answered.reasons, '按辖区汇总的数据可能识别到个人');
        assert.ok(answered.answeredAt);
        assert.equal(answered.workingDaysLeft, null);

        refused(await bob.request('POST', `${url}/dispute`, { reason: '我认为应当提供' }), 404);
        refused(await alice.request('POST', `${url}/dispute`, { reason: '     ' }), 400);
        const disputed = ok(
          await alice.request('POST', `${url}/dispute`, {
            reason: '汇总数据不含个人信息，请求主管部门裁决',
          }),
        ).json<DataRequestDto>();
        assert.equal(disputed.status, 'disputed');
        assert.equal(disputed.disputeReason, '汇总数据不含个人信息，请求主管部门裁决');
        const told = (await notifications(admin)).items.find((n) => n.link?.includes(created.code));
        assert.equal(told?.kind, 'open.request.disputed', 'the authority is told');
        const disputes = ok(await admin.request('GET', '/api/v1/open/requests?box=disputes')).json<
          Listed<DataRequestDto>
        >();
        assert.deepEqual(
          disputes.items.map((item) => item.code),
          [created.code],
        );
        const detail = ok(await admin.request('GET', url)).json<RequestDetail>();
        assert.equal(detail.can.rule, true);

        refused(
          await gaj.request('POST', `${url}/rule`, {
            decision: 'provide',
            reasons: '部门不能自行裁决',
          }),
          403,
        );
        refused(
          await alice.request('POST', `${url}/rule`, {
            decision: 'provide',
            reasons: '申请人不能裁决',
          }),
          403,
        );
        refused(
          await admin.request('POST', `${url}/rule`, { decision: 'provide', reasons: '  ' }),
          400,
        );
        const ruled = ok(
          await admin.request('POST', `${url}/rule`, {
            decision: 'provide',
            reasons: '汇总到辖区的统计数据不能识别个人，应予提供',
          }),
        ).json<DataRequestDto>();
        assert.equal(ruled.status, 'ruled');
        assert.equal(ruled.ruling, 'provide');
        assert.ok(ruled.ruledAt);
        const ruling = (await notifications(gaj)).items.find(
          (n) => n.kind === 'open.request.ruled' && n.link?.includes(created.code),
        );
        assert.ok(ruling, 'the department learns the ruling');
        // The ruling is final.
        refused(
          await admin.request('POST', `${url}/rule`, {
            decision: 'refuse',
            reasons: '改判不予提供',
          }),
          409,
        );
        refused(
          await gaj.request('POST', `${url}/answer`, { decision: 'provided', answer: '已提供' }),
          409,
        );
        const seen = ok(await alice.request('GET', url)).json<RequestDetail>();
        assert.deepEqual(
          seen.timeline.map((event) => event.action),
          [
            'open.request.create',
            'open.request.answer',
            'open.request.dispute',
            'open.request.rule',
          ],
        );
        assert.equal(seen.timeline[0]?.actorName, '李爱丽');
      });

      it('R5.6: the department provides the data, naming an open dataset; a closed one is refused', async () => {
        const created = ok(
          await bob.request('POST', '/api/v1/open/requests', requestBody({ orgCode: 'SCJGJ' })),
          201,
        ).json<DataRequestDto>();
        const url = `/api/v1/open/requests/${created.code}/answer`;
        const closed = refused(
          await scjgj.request('POST', url, {
            decision: 'provided',
            answer: '已开放',
            resourceCode: household,
          }),
          400,
        );
        assert.ok(closed.fields?.resourceCode);
        const provided = ok(
          await scjgj.request('POST', url, {
            decision: 'provided',
            answer: '相关数据已在开放目录中发布，可直接下载',
            resourceCode: penalties,
          }),
        ).json<DataRequestDto>();
        assert.equal(provided.status, 'provided');
        assert.equal(provided.resourceCode, penalties);
        refused(
          await bob.request('POST', `/api/v1/open/requests/${created.code}/dispute`, {
            reason: '没有拒绝也要争议',
          }),
          409,
        );
      });
    });

    describe('R5.7 feedback on open data', () => {
      it('R5.7: feedback enters the problem-data loop as a public report; stored as typed', async () => {
        const body = {
          category: 'error',
          description: `数值有误 ${SCRIPT}`,
          contact: '13800000000',
        };
        refused(await anonymous('POST', `/api/v1/open/datasets/${penalties}/feedback`, body), 401);
        refused(
          await scjgj.request('POST', `/api/v1/open/datasets/${penalties}/feedback`, body),
          403,
        );
        refused(
          await alice.request('POST', `/api/v1/open/datasets/${household}/feedback`, body),
          404,
        );
        refused(
          await alice.request('POST', '/api/v1/open/datasets/NO-SUCH-01/feedback', body),
          404,
        );
        refused(
          await alice.request('POST', `/api/v1/open/datasets/${penalties}/feedback`, {
            ...body,
            category: 'rumour',
          }),
          400,
        );
        const response = ok(
          await alice.request('POST', `/api/v1/open/datasets/${penalties}/feedback`, body),
          201,
        );
        assert.match(String(response.headers['content-type']), /^application\/json/);
        const filed = response.json<{ code: string; dueDate: string }>();
        assert.match(filed.code, new RegExp(`^WT-${today.slice(0, 4)}-\\d{6}$`));
        const { problem_reply_days: days } = await regionDays();
        assert.equal(
          filed.dueDate,
          await t.platform.services.calendar.addWorkingDays(today, days, CITY_PATH),
        );
        // Conditional datasets are open too.
        ok(
          await bob.request('POST', `/api/v1/open/datasets/${accidents}/feedback`, {
            category: 'omission',
            description: '缺少上个月的统计',
          }),
          201,
        );

        const inbox = ok(
          await scjgj.request('GET', '/api/v1/problems?box=inbox&reporterKind=public&limit=100'),
        ).json<Listed<ProblemReportDto>>();
        const report = inbox.items.find((item) => item.code === filed.code);
        assert.ok(report, 'in the provider inbox, filtered as public feedback');
        assert.ok(inbox.items.every((item) => item.reporterKind === 'public'));
        assert.equal(report.reporterKind, 'public');
        assert.equal(report.reporterOrgCode, null);
        assert.equal(report.reporterOrgName, null);
        assert.equal(report.reporterName, '李爱丽');
        assert.equal(report.reporterContact, '13800000000');
        assert.equal(report.description, body.description, 'verbatim, never interpreted');
        const departments = ok(
          await scjgj.request(
            'GET',
            '/api/v1/problems?box=inbox&reporterKind=department&limit=100',
          ),
        ).json<Listed<ProblemReportDto>>();
        assert.ok(!departments.items.some((item) => item.code === filed.code));
        const note = (await notifications(scjgj)).items.find((n) => n.link?.includes(filed.code));
        assert.equal(note?.kind, 'problem.reported');
        assert.ok(note.title.zh.includes('公众反馈'));

        const detail = ok(await scjgj.request('GET', `/api/v1/problems/${filed.code}`)).json<{
          timeline: Timeline;
          can: { resolve: boolean; reopen: boolean; accept: boolean };
        }>();
        assert.equal(detail.timeline[0]?.action, 'open.feedback.create');
        assert.equal(detail.timeline[0]?.actorName, '李爱丽');
        assert.deepEqual(detail.can, { resolve: true, reopen: false, accept: false });
        // The public account never reaches the console's problem actions.
        refused(await alice.request('GET', `/api/v1/problems/${filed.code}`), 403);
        refused(await alice.request('GET', '/api/v1/problems'), 403);

        ok(
          await scjgj.request('POST', `/api/v1/problems/${filed.code}/resolve`, {
            resolution: 'confirmed_correct',
            note: '经核实，数据与处罚决定书一致',
          }),
        );
        const mine = ok(await alice.request('GET', '/api/v1/open/me/feedback')).json<
          Listed<FeedbackItem>
        >();
        assert.equal(mine.total, 1);
        const item = mine.items[0];
        assert.ok(item);
        assert.equal(item.code, filed.code);
        assert.equal(item.datasetCode, penalties);
        assert.equal(item.datasetName, '行政处罚信用信息');
        assert.equal(item.category, 'error');
        assert.equal(item.description, body.description);
        assert.equal(item.status, 'resolved');
        assert.equal(item.dueDate, filed.dueDate);
        assert.equal(item.resolution, 'confirmed_correct');
        assert.equal(item.resolutionNote, '经核实，数据与处罚决定书一致');
        refused(await anonymous('GET', '/api/v1/open/me/feedback'), 401);
        refused(await scjgj.request('GET', '/api/v1/open/me/feedback'), 403);
        const audit = await t.platform.services.db.kysely
          .selectFrom('audit_events')
          .innerJoin('orgs', 'orgs.id', 'audit_events.org_id')
          .select(['orgs.code', 'audit_events.actor_type'])
          .where('audit_events.action', '=', 'open.feedback.create')
          .where('audit_events.target', '=', `problem:${filed.code}`)
          .executeTakeFirstOrThrow();
        assert.deepEqual(audit, { code: 'SCJGJ', actor_type: 'public' });
      });
    });

    describe('R5.8 showcase', () => {
      const entryBody = (overrides: Record<string, unknown> = {}) => ({
        title: `信用地图 ${SCRIPT}`,
        description: `基于开放数据的企业信用地图。${SCRIPT}`,
        url: 'https://map.example.com/credit?x=1',
        datasetCodes: [penalties],
        ...overrides,
      });

      it('R5.8: anyone sees the approved demo entry with its datasets', async () => {
        const list = ok(await anonymous('GET', '/api/v1/open/showcase')).json<
          Listed<ShowcaseEntryDto>
        >();
        assert.equal(list.total, 1);
        const entry = list.items[0];
        assert.ok(entry);
        assert.equal(entry.status, 'approved');
        assert.equal(entry.hasImage, false);
        assert.equal(entry.submitter.displayName, '示范数据科技有限公司');
        assert.ok(entry.datasets.some((d) => d.name === '行政处罚信用信息'));
        assert.equal(entry.moderationNote, null, 'the moderator’s note is not public');
        refused(await anonymous('GET', `/api/v1/open/showcase/${entry.id}/image`), 404);
      });

      it('R5.8: refuses javascript: links, closed datasets and images that are not what they say', async () => {
        refused(await anonymous('POST', '/api/v1/open/showcase', entryBody()), 401);
        refused(await gaj.request('POST', '/api/v1/open/showcase', entryBody()), 403);
        for (const url of [
          'javascript:alert(1)',
          'JavaScript:alert(document.cookie)//http://x',
          'data:text/html,<script>alert(1)</script>',
          'ftp://files.example.com/x',
          'not a url at all',
        ]) {
          const error = refused(
            await alice.request('POST', '/api/v1/open/showcase', entryBody({ url })),
            400,
          );
          assert.ok(error.fields?.url, url);
        }
        const closed = refused(
          await alice.request(
            'POST',
            '/api/v1/open/showcase',
            entryBody({ datasetCodes: [household] }),
          ),
          400,
        );
        assert.ok(closed.fields?.datasetCodes);
        const images = [
          `data:image/png;base64,${Buffer.from('<svg onload=alert(1)>').toString('base64')}`,
          `data:image/jpeg;base64,${PNG_BASE64}`,
          `data:image/svg+xml;base64,${Buffer.from('<svg/>').toString('base64')}`,
          'data:image/png;base64,',
          `data:text/html;base64,${PNG_BASE64}`,
        ];
        for (const image of images) {
          const error = refused(
            await alice.request('POST', '/api/v1/open/showcase', entryBody({ image })),
            400,
          );
          assert.ok(error.fields?.image, image.slice(0, 40));
        }
        // More than 1 MB of image: refused, whether by the body limit or by the check.
        const big = Buffer.alloc(1024 * 1024 + 16);
        Buffer.from(PNG_BASE64, 'base64').copy(big);
        const tooBig = await alice.request(
          'POST',
          '/api/v1/open/showcase',
          entryBody({ image: `data:image/png;base64,${big.toString('base64')}` }),
        );
        assert.ok([400, 413].includes(tooBig.statusCode), tooBig.body);
      });

      it('R5.8: a submission waits for moderation; text is stored as typed; the image is served safely', async () => {
        const response = ok(
          await alice.request(
            'POST',
            '/api/v1/open/showcase',
            entryBody({
              image: `data:image/png;base64,${PNG_BASE64}`,
              datasetCodes: [penalties, accidents],
            }),
          ),
          201,
        );
        assert.match(String(response.headers['content-type']), /^application\/json/);
        const entry = response.json<ShowcaseEntryDto>();
        assert.equal(entry.status, 'pending');
        assert.equal(entry.title, `信用地图 ${SCRIPT}`);
        assert.equal(entry.description, `基于开放数据的企业信用地图。${SCRIPT}`);
        assert.equal(entry.hasImage, true);
        assert.deepEqual(
          entry.datasets.map((d) => d.code),
          [penalties, accidents],
        );
        const imageUrl = `/api/v1/open/showcase/${entry.id}/image`;
        refused(await anonymous('GET', imageUrl), 404);
        refused(await bob.request('GET', imageUrl), 404);
        const own = ok(await alice.request('GET', imageUrl));
        assert.equal(own.headers['content-type'], 'image/png');
        assert.deepEqual(own.rawPayload, Buffer.from(PNG_BASE64, 'base64'));
        ok(await admin.request('GET', imageUrl));

        const publicList = ok(await anonymous('GET', '/api/v1/open/showcase')).json<
          Listed<ShowcaseEntryDto>
        >();
        assert.ok(!publicList.items.some((item) => item.id === entry.id), 'not public yet');
        refused(await anonymous('GET', '/api/v1/open/showcase?status=pending'), 401);
        refused(await alice.request('GET', '/api/v1/open/showcase?status=pending'), 403);
        refused(await gaj.request('GET', '/api/v1/open/showcase?status=pending'), 403);
        refused(await anonymous('GET', '/api/v1/open/showcase?mine=true'), 401);
        const pending = ok(await admin.request('GET', '/api/v1/open/showcase?status=pending')).json<
          Listed<ShowcaseEntryDto>
        >();
        assert.deepEqual(
          pending.items.map((item) => item.id),
          [entry.id],
        );
        const mine = ok(await alice.request('GET', '/api/v1/open/showcase?mine=true')).json<
          Listed<ShowcaseEntryDto>
        >();
        assert.deepEqual(
          mine.items.map((item) => item.id),
          [entry.id],
        );

        const moderate = `/api/v1/open/showcase/${entry.id}/moderate`;
        refused(await gaj.request('POST', moderate, { approve: true }), 403);
        refused(await auditor.request('POST', moderate, { approve: true }), 403);
        refused(await alice.request('POST', moderate, { approve: true }), 403);
        refused(await anonymous('POST', moderate, { approve: true }), 401);
        const noNote = refused(await admin.request('POST', moderate, { approve: false }), 400);
        assert.ok(noNote.fields?.note);
        refused(
          await admin.request(
            'POST',
            '/api/v1/open/showcase/00000000-0000-0000-0000-000000000000/moderate',
            {
              approve: true,
            },
          ),
          404,
        );
        const approved = ok(
          await admin.request('POST', moderate, { approve: true, note: '已核实' }),
        ).json<ShowcaseEntryDto>();
        assert.equal(approved.status, 'approved');

        const after = ok(await anonymous('GET', '/api/v1/open/showcase')).json<
          Listed<ShowcaseEntryDto>
        >();
        const shown = after.items.find((item) => item.id === entry.id);
        assert.ok(shown);
        assert.equal(shown.title, `信用地图 ${SCRIPT}`, 'returned as a JSON string, verbatim');
        assert.equal(shown.submitter.displayName, '李爱丽');
        const served = ok(await anonymous('GET', imageUrl));
        assert.equal(served.headers['content-type'], 'image/png');
        assert.equal(served.headers['cache-control'], 'public, max-age=300');
        assert.equal(served.headers['x-content-type-options'], 'nosniff');

        // The image never enters the audit log: only its size and digest.
        const events = await t.platform.services.db.kysely
          .selectFrom('audit_events')
          .select('details')
          .where('action', '=', 'open.showcase.submit')
          .execute();
        assert.ok(events.length >= 2);
        for (const event of events) assert.ok(!event.details.includes(PNG_BASE64.slice(0, 40)));

        const rejected = ok(
          await admin.request('POST', moderate, { approve: false, note: '链接无法访问' }),
        ).json<ShowcaseEntryDto>();
        assert.equal(rejected.status, 'rejected');
        assert.equal(rejected.moderationNote, '链接无法访问');
        refused(await anonymous('GET', imageUrl), 404, undefined);
        const ownView = ok(await alice.request('GET', '/api/v1/open/showcase?mine=true')).json<
          Listed<ShowcaseEntryDto>
        >();
        assert.equal(ownView.items[0]?.moderationNote, '链接无法访问');
      });
    });

    describe('R5.9 my downloads', () => {
      it('R5.9: the account sees its own downloads and API calls, newest first, with dataset names', async () => {
        const db = t.platform.services.db.kysely;
        const resource = await db
          .selectFrom('resources')
          .select(['id', 'org_id'])
          .where('code', '=', penalties)
          .executeTakeFirstOrThrow();
        const row = (accountId: string, minutes: number, channel: 'download' | 'api') => ({
          occurred_at: new Date(Date.now() - (60 - minutes) * 60_000).toISOString(),
          account_id: accountId,
          key_id: null,
          resource_id: resource.id,
          resource_code: penalties,
          org_id: resource.org_id,
          channel,
          format: channel === 'download' ? 'csv' : null,
          row_count: minutes * 10,
          request_id: `test-${minutes}`,
        });
        await db
          .insertInto('open_access_log')
          .values([row(alice.id, 1, 'download'), row(bob.id, 2, 'api'), row(alice.id, 3, 'api')])
          .execute();
        const mine = ok(await alice.request('GET', '/api/v1/open/me/downloads')).json<
          Listed<{
            time: string;
            datasetCode: string;
            datasetName: string;
            channel: string;
            format: string | null;
            rows: number;
          }>
        >();
        assert.equal(mine.total, 2);
        assert.deepEqual(
          mine.items.map((item) => [item.channel, item.rows, item.format, item.datasetName]),
          [
            ['api', 30, null, '行政处罚信用信息'],
            ['download', 10, 'csv', '行政处罚信用信息'],
          ],
        );
        const page = ok(
          await alice.request('GET', '/api/v1/open/me/downloads?limit=1&offset=1'),
        ).json<Listed<{ rows: number }>>();
        assert.deepEqual(
          page.items.map((item) => item.rows),
          [10],
        );
        refused(await anonymous('GET', '/api/v1/open/me/downloads'), 401);
        refused(await gaj.request('GET', '/api/v1/open/me/downloads'), 403);
      });
    });
  });
}
