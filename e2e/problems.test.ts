/**
 * Browser test of the problem-data loop (R3.5) in the console: a consumer department reports a
 * problem, the provider sees it in its inbox (with the notification bell) and answers it, and the
 * reporter accepts the answer. Runs against `startTestServer()` (fresh SQLite, demo data, built
 * console); the console is built when missing. Screenshots go to /tmp/problems-*.png.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { browserSession, DEMO_PASSWORD } from './harness.ts';

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

async function signOut(p: Page): Promise<void> {
  await p.getByTestId('logout').click();
  await p.getByTestId('login-username').waitFor();
}

/** Opens the detail drawer of a report from the table and waits for its timeline. */
async function openReport(p: Page, code: string): Promise<void> {
  await p.getByTestId(`problem-open-${code}`).click();
  await p.getByTestId('problem-timeline').waitFor();
}

/** Fills the open step modal and submits it; waits for the API answer. */
async function submitStep(p: Page, step: string): Promise<void> {
  const [response] = await Promise.all([
    p.waitForResponse((r) => r.url().includes(`/${step}`) && r.request().method() === 'POST'),
    p.getByTestId('problem-step-submit').click(),
  ]);
  assert.equal(response.status(), 200, await response.text());
}

void test(
  'R3.5: a department reports a problem, the provider answers it, the reporter accepts',
  { timeout: 180_000 },
  async () => {
    const p = currentPage();

    // 市场监管局 reports an error in 公安局's household register.
    await signIn(p, 'scjgj_admin');
    await p.goto(url('/console/aggregation/problems'));
    await p.getByTestId('problems-table').waitFor();
    await p.getByTestId('problems-report').click();
    await p.getByTestId('problem-resource').click();
    await p.keyboard.type('户籍人口');
    const option = p
      .locator('.ant-select-item-option:visible', { hasText: '户籍人口信息' })
      .first();
    await option.waitFor();
    await option.click();
    await p.getByTestId('problem-description').fill('企业登记核验时发现户籍地址与户口簿不一致');
    await p.getByTestId('problem-record-keys').fill('[{"id_card_no": "990102198503121234"}]');
    const [created] = await Promise.all([
      p.waitForResponse(
        (r) => r.url().endsWith('/api/v1/problems') && r.request().method() === 'POST',
      ),
      p.getByTestId('problem-report-submit').click(),
    ]);
    assert.equal(created.status(), 201, await created.text());
    const { code } = (await created.json()) as { code: string };
    assert.match(code, /^WT-\d{4}-\d{6}$/);
    // After reporting, the page shows 我提交的 with the new report awaiting the provider.
    await p.getByTestId(`problem-open-${code}`).waitFor();
    await p.screenshot({ path: '/tmp/problems-sent.png', fullPage: true });
    await signOut(p);

    // 公安局 finds it in its inbox, with an unread notification, and answers it.
    await signIn(p, 'gaj_admin');
    const bell = p.getByTestId('notification-bell');
    await bell.waitFor();
    await p.locator('.ant-badge', { has: bell }).locator('.ant-badge-count').waitFor();
    await p.goto(url('/console/aggregation/problems'));
    await p.getByTestId(`problem-open-${code}`).waitFor();
    const row = p.locator('[data-testid="problems-table"] .ant-table-row', { hasText: code });
    assert.match(await row.innerText(), /剩余 \d+ 个工作日/);
    await openReport(p, code);
    await p.getByTestId('problem-resolve').click();
    await p.getByTestId('problem-note').fill('经核实，户籍地址以派出所登记为准，数据无误');
    await submitStep(p, 'resolve');
    await p.getByTestId('problem-drawer').getByTestId('problem-status-resolved').first().waitFor();
    await p.screenshot({ path: '/tmp/problems-answered.png', fullPage: true });
    await p.locator('.ant-drawer-close').click();
    await p.getByTestId('problem-timeline').waitFor({ state: 'detached' });
    await signOut(p);

    // 市场监管局 accepts the answer, which closes the report.
    await signIn(p, 'scjgj_admin');
    await p.goto(url(`/console/aggregation/problems?box=sent&code=${code}`));
    await p.getByTestId('problem-timeline').waitFor();
    await p.getByTestId('problem-accept').click();
    await submitStep(p, 'accept');
    await p.getByTestId('problem-drawer').getByTestId('problem-status-closed').first().waitFor();
    const timeline = await p.getByTestId('problem-timeline').innerText();
    assert.match(timeline, /报告问题/);
    assert.match(timeline, /处理/);
    assert.match(timeline, /确认关闭/);
    await p.screenshot({ path: '/tmp/problems-closed.png', fullPage: true });
  },
);
