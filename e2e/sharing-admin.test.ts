/**
 * Browser test of the authority's sharing pages (issue 5): the data authority (admin of DSJ)
 * authorizes an application scenario (R4.5), declares an emergency (R4.10), sees its time-boxed
 * grants and the accesses made under them, ends it, and opens 共享监管 (R6.5, R6.6): the overdue
 * requests, the usage charts and totals, the access log and the watermark tracing form. Runs
 * against `startTestServer()` (fresh SQLite, demo data, built console); the console is built when
 * missing. Screenshots go to /tmp/sharing-admin-*.png.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { browserSession, DEMO_PASSWORD } from './harness.ts';

/** A conditional resource of 人社局 (scenarios authorize conditional resources only). */
const SCENARIO_RESOURCE = { code: 'ZT-000006', name: '社会保险参保信息' };
/** 公安局's household register: the data a health emergency needs. */
const EMERGENCY_RESOURCE = { code: 'JC-RK-000001', name: '户籍人口信息' };

const session = browserSession();
const currentPage = (): Page => session.page();
const url = (pathname: string): string => session.url(pathname);

async function signIn(p: Page, username: string): Promise<void> {
  await p.goto(url('/console/login'));
  await p.getByTestId('login-username').fill(username);
  await p.getByTestId('login-password').fill(DEMO_PASSWORD);
  await p.getByTestId('login-submit').click();
  await p.getByTestId('header-username').filter({ hasText: username }).waitFor();
}

/** Types into an open antd Select and picks the visible option containing `text`. */
async function pickOption(p: Page, testId: string, typed: string, text: string): Promise<void> {
  await p.getByTestId(testId).click();
  await p.keyboard.type(typed);
  const option = p.locator('.ant-select-item-option:visible', { hasText: text }).first();
  await option.waitFor();
  await option.click();
}

/** GET of the JSON API with the browser's session. */
async function apiGet<T>(p: Page, pathname: string): Promise<T> {
  const res = await p.request.get(url(`/api/v1${pathname}`));
  assert.equal(res.status(), 200, await res.text());
  return (await res.json()) as T;
}

/** POST of the JSON API with the browser's session and its CSRF token. */
async function apiPost<T>(p: Page, pathname: string, body: unknown): Promise<T> {
  const me = await apiGet<{ csrfToken: string }>(p, '/auth/me');
  const res = await p.request.post(url(`/api/v1${pathname}`), {
    data: body,
    headers: { 'x-csrf-token': me.csrfToken },
  });
  assert.ok(res.ok(), await res.text());
  return (await res.json()) as T;
}

interface Usage {
  totals: { calls: number; denied: number; rows: number };
  byConsumer: { orgName: string; calls: number }[];
}

const num = (n: number) => n.toLocaleString('zh-CN');

void test(
  'R4.5, R4.10, R6.6: the authority authorizes a scenario, runs an emergency and supervises sharing',
  { timeout: 240_000 },
  async () => {
    const p = currentPage();
    await signIn(p, 'admin');

    // 场景授权: a scenario for 人社局's social insurance data, for 市场监管局.
    await p.goto(url('/console/sharing/scenarios'));
    await p.getByTestId('scenarios-table').waitFor();
    await p.getByTestId('scenario-create').click();
    await p.getByTestId('scenario-name').fill('企业开办参保核验');
    await p.getByTestId('scenario-description').fill('企业开办一件事联办中核验员工参保状态');
    await p.getByTestId('scenario-purpose').fill('企业开办登记时核验参保信息');
    await pickOption(p, 'resource-select-0', '社会保险', SCENARIO_RESOURCE.code);
    await p.getByTestId('resource-items-0-all').click();
    await pickOption(p, 'scenario-consumers', '市场监督', '示范市市场监督管理局');
    await p.keyboard.press('Escape');
    const [created] = await Promise.all([
      p.waitForResponse(
        (r) => r.url().endsWith('/api/v1/share/scenarios') && r.request().method() === 'POST',
      ),
      p.getByTestId('scenario-submit').click(),
    ]);
    assert.equal(created.status(), 201, await created.text());
    const scenario = (await created.json()) as { code: string; resources: { items: unknown[] }[] };
    assert.match(scenario.code, /^CJ-\d{4}-\d{4,}$/);
    assert.equal(scenario.resources[0]?.items.length, 8);
    await p.getByTestId('scenario-name').waitFor({ state: 'detached' });
    const scenarioRow = p.locator('[data-testid="scenarios-table"] .ant-table-row', {
      hasText: scenario.code,
    });
    await scenarioRow.waitFor();
    const scenarioText = await scenarioRow.innerText();
    assert.match(scenarioText, /企业开办参保核验/);
    assert.match(scenarioText, /社会保险参保信息/);
    assert.match(scenarioText, /示范市市场监督管理局/);
    assert.match(scenarioText, /生效中/);
    await p.screenshot({ path: '/tmp/sharing-admin-scenarios.png', fullPage: true });

    // The scenario's items and operations in the expanded row; then it is retired.
    await scenarioRow.locator('.ant-table-row-expand-icon').click();
    const expanded = p.locator('[data-testid="scenarios-table"] .ant-table-expanded-row');
    await expanded.waitFor();
    const expandedText = await expanded.innerText();
    assert.match(expandedText, /公民身份号码/);
    assert.match(expandedText, /缴费基数/);
    assert.match(expandedText, /查询/);
    await p.getByTestId(`scenario-retire-${scenario.code}`).click();
    const [retired] = await Promise.all([
      p.waitForResponse((r) => r.url().endsWith('/retire') && r.request().method() === 'POST'),
      p.getByTestId('scenario-retire-ok').click(),
    ]);
    assert.equal(retired.status(), 200, await retired.text());
    await scenarioRow.getByTestId('scenario-status-retired').waitFor();

    // 应急共享: a public-health emergency; 卫健委 responds with the household register.
    await p.goto(url('/console/sharing/emergencies'));
    await p.getByTestId('emergencies-table').waitFor();
    await p.getByTestId('emergency-declare').click();
    await p.getByTestId('emergency-type').getByText('公共卫生').click();
    await p.getByTestId('emergency-title').fill('示范市流感聚集性疫情');
    await p.getByTestId('emergency-area').fill('示范市东城区');
    await p.getByTestId('emergency-planned-end').click();
    await p.locator('.ant-picker-presets li:visible', { hasText: '72 小时后' }).click();
    await pickOption(p, 'resource-select-0', '户籍人口', EMERGENCY_RESOURCE.code);
    await pickOption(p, 'emergency-responders', '卫生健康', '示范市卫生健康委员会');
    await p.keyboard.press('Escape');
    const [declared] = await Promise.all([
      p.waitForResponse(
        (r) => r.url().endsWith('/api/v1/share/emergencies') && r.request().method() === 'POST',
      ),
      p.getByTestId('emergency-submit').click(),
    ]);
    assert.equal(declared.status(), 201, await declared.text());
    const emergency = (await declared.json()) as {
      code: string;
      grants: { id: string; consumerOrgCode: string; status: string }[];
    };
    assert.match(emergency.code, /^YJ-\d{4}-\d{4,}$/);
    assert.equal(emergency.grants.length, 1);
    const grant = emergency.grants[0];
    assert.ok(grant);
    assert.equal(grant.consumerOrgCode, 'WJW');

    // The drawer opens on the new emergency with its time-boxed grant.
    const drawer = p.getByTestId('emergency-drawer');
    const grants = drawer.getByTestId('emergency-grants');
    await p.getByTestId('emergency-title').waitFor({ state: 'detached' });
    await grants.locator('.ant-table-row').first().waitFor();
    const grantText = await grants.innerText();
    assert.match(grantText, /示范市卫生健康委员会/);
    assert.match(grantText, /户籍人口信息/);
    assert.match(grantText, /有效/);
    await drawer.getByTestId('emergency-status-active').waitFor();
    await drawer.getByTestId('emergency-countdown').waitFor();

    // 卫健委's command system uses the grant: one query (served) and one export (refused).
    const token = await apiPost<{ secret: string }>(p, '/tokens', {
      orgCode: 'WJW',
      name: '应急指挥系统',
    });
    const headers = {
      authorization: `Bearer ${token.secret}`,
      'x-govdx-grant': grant.id,
      'x-govdx-user': encodeURIComponent('李医生'),
      'x-govdx-case': 'YQ-001',
    };
    const query = await p.request.post(url(`/api/v1/share/${EMERGENCY_RESOURCE.code}/query`), {
      headers,
      data: { filters: [], limit: 5 },
    });
    assert.equal(query.status(), 200, await query.text());
    const exported = await p.request.get(
      url(`/api/v1/share/${EMERGENCY_RESOURCE.code}/export?format=csv`),
      { headers },
    );
    assert.equal(exported.status(), 403);

    // The access summary of the drawer counts both calls under the responder.
    await p.goto(url(`/console/sharing/emergencies?code=${emergency.code}`));
    const summary = p.getByTestId('emergency-summary');
    await summary.waitFor();
    const summaryText = await summary.innerText();
    assert.match(summaryText, /示范市卫生健康委员会\s+户籍人口信息\s+2\s+1/);
    await p.screenshot({ path: '/tmp/sharing-admin-emergency.png', fullPage: true });

    // 下载报告: the server's Excel report of the accesses.
    const [download] = await Promise.all([
      p.waitForEvent('download'),
      p.getByTestId('emergency-report').click(),
    ]);
    assert.match(download.suggestedFilename(), new RegExp(`${emergency.code}\\.xlsx$`));
    const report = await readFile(await download.path());
    assert.equal(report.subarray(0, 2).toString('latin1'), 'PK');

    // 结束应急: the grant ends and the emergency shows 已结束.
    await p.getByTestId('emergency-end').click();
    await p.getByTestId('emergency-end-note').fill('疫情得到控制，应急响应终止');
    const [ended] = await Promise.all([
      p.waitForResponse((r) => r.url().endsWith('/end') && r.request().method() === 'POST'),
      p.getByTestId('emergency-end-ok').click(),
    ]);
    assert.equal(ended.status(), 200, await ended.text());
    await drawer.getByTestId('emergency-status-ended').waitFor();
    assert.match(await grants.innerText(), /已到期/);
    await p.locator('.ant-drawer-close').click();
    await drawer.waitFor({ state: 'detached' });
    const emergencyRow = p.locator('[data-testid="emergencies-table"] .ant-table-row', {
      hasText: emergency.code,
    });
    assert.match(await emergencyRow.innerText(), /已结束/);
    await p.screenshot({ path: '/tmp/sharing-admin-emergency-ended.png', fullPage: true });

    // 共享监管 › 超期申请: the table and its headers, the count from the API.
    const overdue = await apiGet<{ total: number }>(p, '/share/requests?box=overdue');
    await p.goto(url('/console/sharing/supervision'));
    const overdueTable = p.getByTestId('share-overdue-table');
    await overdueTable.waitFor();
    const headerText = await overdueTable.locator('thead').innerText();
    for (const header of [
      '申请编号',
      '数据资源',
      '提供部门',
      '使用部门',
      '答复期限',
      '超期',
      '督办',
    ]) {
      assert.ok(headerText.includes(header), `${header} in ${headerText}`);
    }
    assert.equal(
      await p.getByTestId('share-overdue-total').innerText(),
      `超期 ${String(overdue.total)} 件`,
    );
    await p.getByTestId('share-overdue-sweep').click();
    const [swept] = await Promise.all([
      p.waitForResponse((r) => r.url().endsWith('/api/v1/share/requests/sweep')),
      p.getByTestId('share-overdue-sweep-ok').click(),
    ]);
    assert.equal(swept.status(), 200, await swept.text());
    const sweep = (await swept.json()) as { reminded: number; escalated: number };
    await p
      .locator('.ant-message', {
        hasText: `已提醒 ${String(sweep.reminded)} 件，督办 ${String(sweep.escalated)} 件`,
      })
      .waitFor();

    // 调用统计: the totals as the API counts them (the demo's calls and ours), and the charts drawn.
    const usage = await apiGet<Usage>(p, '/share/usage?days=30');
    assert.ok(usage.totals.calls >= 2 && usage.totals.denied >= 1, JSON.stringify(usage.totals));
    await p.getByTestId('supervision-tab-usage').click();
    await p.getByTestId('usage-charts').waitFor();
    await p.getByTestId('usage-daily-chart').locator('canvas').waitFor();
    await p.getByTestId('usage-operation-chart').locator('canvas').waitFor();
    const calls = p.getByTestId('usage-total-calls');
    assert.match(await calls.innerText(), new RegExp(`调用次数\\s+${num(usage.totals.calls)}`));
    const denied = p.getByTestId('usage-total-denied');
    assert.match(await denied.innerText(), new RegExp(`拒绝次数\\s+${num(usage.totals.denied)}`));
    const rate = ((usage.totals.denied / usage.totals.calls) * 100).toFixed(1);
    assert.ok((await p.getByTestId('usage-denied-rate').innerText()).includes(`${rate}%`));
    const busiest = usage.byConsumer[0];
    assert.ok(busiest);
    assert.match(
      await p.getByTestId('usage-consumers').locator('.ant-table-row').first().innerText(),
      new RegExp(`${busiest.orgName}\\s+${num(busiest.calls)}`),
    );
    assert.match(await p.getByTestId('usage-consumers').innerText(), /示范市卫生健康委员会/);
    await p.screenshot({ path: '/tmp/sharing-admin-usage.png', fullPage: true });

    // 调用日志: the emergency grant's two calls, the refused one with its reason.
    await p.getByTestId('supervision-tab-log').click();
    const log = p.getByTestId('log-table');
    await log.locator('.ant-table-row').first().waitFor();
    await p.getByTestId('log-grant').locator('input').fill(grant.id);
    await p.getByTestId('log-grant').locator('input').press('Enter');
    await p.waitForURL(new RegExp(`grantId=${grant.id}`));
    await log.locator('.ant-table-row').nth(2).waitFor({ state: 'detached' });
    assert.equal(await log.locator('.ant-table-row').count(), 2);
    const logText = await log.innerText();
    assert.match(logText, /应急指挥系统/);
    assert.match(logText, /李医生/);
    assert.match(logText, /YQ-001/);
    assert.match(logText, /SHARE_OPERATION_NOT_GRANTED/);
    await p.getByTestId('log-status').click();
    await p.locator('.ant-select-item-option:visible', { hasText: '拒绝' }).click();
    await p.waitForURL(/status=denied/);
    await log.locator('.ant-table-row').nth(1).waitFor({ state: 'detached' });
    assert.equal(await log.locator('.ant-table-row').count(), 1);
    assert.match(await log.innerText(), /SHARE_OPERATION_NOT_GRANTED/);
    await p.screenshot({ path: '/tmp/sharing-admin-log.png', fullPage: true });

    // 水印溯源: 卫健委 exports under a grant of its own; rows of the copy trace back to it.
    const exportGrant = await apiPost<{ id: string }>(p, '/share/grants', {
      resourceCode: EMERGENCY_RESOURCE.code,
      consumerOrgCode: 'WJW',
      items: ['id_card_no', 'person_name', 'gender'],
      operations: ['export'],
      purpose: '出生医学证明签发核验',
      scenario: '出生医学证明办理',
      legalBasis: '《母婴保健法》',
    });
    const copy = await p.request.get(
      url(`/api/v1/share/${EMERGENCY_RESOURCE.code}/export?format=csv`),
      { headers: { authorization: `Bearer ${token.secret}`, 'x-govdx-grant': exportGrant.id } },
    );
    assert.equal(copy.status(), 200, await copy.text());
    // The provenance line, the header and ten rows, as a leaked copy might keep them.
    const leaked = (await copy.text()).split('\n').slice(0, 12).join('\n');
    assert.match(leaked, /_govdx_wm/);
    await p.getByTestId('supervision-tab-trace').click();
    await p.getByTestId('trace-text').fill(leaked);
    assert.equal(await p.getByTestId('trace-resource').inputValue(), EMERGENCY_RESOURCE.code);
    assert.match(await p.getByTestId('trace-preview').innerText(), /CSV：10 行，其中 10 行带水印/);
    const [traced] = await Promise.all([
      p.waitForResponse((r) => r.url().endsWith('/api/v1/share/watermark/trace')),
      p.getByTestId('trace-submit').click(),
    ]);
    assert.equal(traced.status(), 200, await traced.text());
    const matches = p.getByTestId('trace-matches');
    await matches.waitFor();
    const matchText = await matches.innerText();
    assert.match(matchText, /示范市卫生健康委员会/);
    assert.ok(matchText.includes(exportGrant.id), matchText);
    assert.match(matchText, /有效\s+10/);
    await p.screenshot({ path: '/tmp/sharing-admin-trace.png', fullPage: true });

    // Rows that match no grant say so.
    await p
      .getByTestId('trace-text')
      .fill('id_card_no,person_name,_govdx_wm\n990102198503121234,张三,0123456789abcdef\n');
    await Promise.all([
      p.waitForResponse((r) => r.url().endsWith('/api/v1/share/watermark/trace')),
      p.getByTestId('trace-submit').click(),
    ]);
    await p.getByTestId('trace-result').getByText('未匹配到任何共享授权').waitFor();
  },
);
