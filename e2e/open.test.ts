/**
 * Browser test of the open data portal (issue 7): an anonymous visitor finds a weather dataset by a
 * Chinese keyword and downloads its CSV (R5.4); a company registers as an organisation (R1.3), the
 * authority verifies it in the console, it applies for a conditional dataset and accepts the data
 * use agreement (R5.5); the department approves in the console; the company downloads; the download
 * shows in the public statistics and in the ledger (R5.9). Screenshots go to /tmp/open-*.png.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { syntheticCreditCode } from '../src/demo/demo.ts';
import { browserSession, DEMO_PASSWORD } from './harness.ts';

const session = browserSession();
const url = (pathname: string): string => session.url(pathname);
const CONDITIONAL = 'JC-FR-000001'; // 企业法人登记信息, conditional open
const username = 'e2e-company';
const password = 'Portal#Pass2026';

async function consoleSignIn(p: Page, user: string): Promise<void> {
  await p.goto(url('/console/login'));
  await p.getByTestId('login-username').fill(user);
  await p.getByTestId('login-password').fill(DEMO_PASSWORD);
  await p.getByTestId('login-submit').click();
  await p.getByTestId('header-username').filter({ hasText: user }).waitFor();
}

async function consoleSignOut(p: Page): Promise<void> {
  await p.getByTestId('logout').click();
  await p.getByTestId('login-username').waitFor();
}

/** Clicks a download link and returns the saved file's text. */
async function download(p: Page, testId: string): Promise<string> {
  const [file] = await Promise.all([p.waitForEvent('download'), p.getByTestId(testId).click()]);
  const saved = await file.path();
  return readFileSync(saved, 'utf8');
}

void test(
  'R5.4, R5.5, R5.9: find and download open data; register, apply, approval, download, statistics and ledger',
  { timeout: 240_000 },
  async () => {
    const p = session.page();

    // An anonymous visitor searches the portal in Chinese and downloads a weather dataset.
    await p.goto(url('/'));
    await p.getByTestId('home-search').locator('input').fill('天气实况');
    await p.getByTestId('home-search').locator('input').press('Enter');
    await p.waitForURL(/\/datasets\?q=/);
    const result = p.getByTestId('dataset-link').filter({ hasText: '逐小时天气实况数据' }).first();
    await result.click();
    await p.waitForURL(/\/datasets\/BM-QXJ-000001$/);
    await p.getByTestId('dataset-title').filter({ hasText: '逐小时天气实况数据' }).waitFor();
    assert.match(await p.title(), /逐小时天气实况数据/);
    await p.getByRole('tab', { name: /下载/ }).click();
    const csv = await download(p, 'download-csv');
    const lines = csv.trim().split(/\r?\n/);
    assert.match(lines[0] ?? '', /区站号,观测时间,气温/);
    assert.ok(lines.length > 100, `CSV has ${lines.length} lines`);
    await p.screenshot({ path: '/tmp/open-1-dataset.png', fullPage: true });

    // A company registers as an organisation with its unified social credit code.
    await p.goto(url('/register'));
    await p.getByTestId('register-kind').getByText('法人及其他组织').click();
    await p.getByTestId('register-username').fill(username);
    await p.getByTestId('register-password').fill(password);
    await p.getByTestId('register-confirm').fill(password);
    await p.getByTestId('register-display-name').fill('示范数据分析有限公司');
    await p.getByTestId('register-email').fill('data@example.org');
    await p.getByTestId('register-org-name').fill('示范数据分析有限公司');
    await p.getByTestId('register-credit-code').fill(syntheticCreditCode('91', '990100', 4242));
    await p.getByTestId('register-submit').click();
    await p.getByTestId('register-done').waitFor();

    // The authority verifies the organisation account in the console.
    const staff = await p.context().browser()!.newContext({ locale: 'zh-CN' });
    const c = await staff.newPage();
    c.setDefaultTimeout(20_000);
    await consoleSignIn(c, 'admin');
    await c.goto(url('/console/open/accounts'));
    await c.getByTestId(`open-account-approve-${username}`).click();
    await c.getByTestId('open-account-verify-submit').click();
    await c.getByTestId(`open-account-approve-${username}`).waitFor({ state: 'detached' });
    await consoleSignOut(c);

    // The company signs in, applies for the conditional dataset and accepts the agreement.
    await p.goto(url(`/login?next=/datasets/${CONDITIONAL}`));
    await p.getByTestId('login-username').fill(username);
    await p.getByTestId('login-password').fill(password);
    await p.getByTestId('login-submit').click();
    await p.waitForURL(new RegExp(`/datasets/${CONDITIONAL}`));
    await p.getByTestId('dataset-conditions').waitFor();
    await p.getByTestId('apply-button').click();
    await p.getByTestId('agreement-text').waitFor();
    await p.getByTestId('apply-purpose').fill('企业信用风险研究与行业分析报告');
    await p.getByTestId('apply-measures').fill('专用服务器存储，访问控制与审计，项目结束后删除');
    const dates = p.getByTestId('apply-period').locator('input');
    const from = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const to = new Date(Date.now() + 8 * 3_600_000 + 60 * 86_400_000).toISOString().slice(0, 10);
    await dates.nth(0).click();
    await dates.nth(0).fill(from);
    await dates.nth(0).press('Enter');
    await dates.nth(1).fill(to);
    await dates.nth(1).press('Enter');
    await p.getByTestId('agreement-checkbox').check();
    await p.getByTestId('apply-submit').click();
    await p.getByTestId('access-pending').waitFor();
    const code = /KF-\d{4}-\d+/.exec(await p.getByTestId('access-pending').innerText())?.[0];
    assert.ok(code, 'the application code is shown');
    await p.screenshot({ path: '/tmp/open-2-applied.png', fullPage: true });

    // The department (市场监管局) approves it in the console.
    await consoleSignIn(c, 'scjgj_admin');
    await c.goto(url('/console/open/applications'));
    await c.getByTestId(`open-app-open-${code}`).click();
    await c.getByTestId('open-app-drawer').waitFor();
    await c.getByTestId('open-app-approve').click();
    const [decided] = await Promise.all([
      c.waitForResponse((r) => r.url().includes('/decide') && r.request().method() === 'POST'),
      c.getByTestId('open-app-decide-submit').click(),
    ]);
    assert.equal(decided.status(), 200, await decided.text());
    await c.screenshot({ path: '/tmp/open-3-approved.png', fullPage: true });

    // The company now downloads the data.
    await p.reload();
    await p.getByRole('tab', { name: /下载/ }).click();
    const data = await download(p, 'download-csv');
    const rows = data.trim().split(/\r?\n/);
    assert.ok(rows.length > 100, `conditional CSV has ${rows.length} lines`);

    // The personal centre keeps the agreement the company accepted (R5.5), with its text.
    await p.goto(url('/me?tab=agreements'));
    await p.getByTestId('agreements-table').filter({ hasText: '企业法人登记信息' }).waitFor();
    await p.getByTestId('agreement-show-1').click();
    await p.getByTestId('accepted-agreement-text').filter({ hasText: '数据' }).waitFor();
    await p.keyboard.press('Escape');

    // The downloads appear in the public statistics...
    await p.goto(url('/stats'));
    await p.getByTestId('stats-per-dataset').filter({ hasText: '企业法人登记信息' }).waitFor();
    await p.screenshot({ path: '/tmp/open-4-stats.png', fullPage: true });

    // ...and in the ledger, where an auditor traces the dataset's accesses.
    await c.keyboard.press('Escape');
    await c.getByTestId('open-app-drawer').waitFor({ state: 'hidden' });
    await consoleSignOut(c);
    await consoleSignIn(c, 'auditor');
    const events = await c.evaluate(async (resource) => {
      const response = await fetch(
        `/api/v1/ledger/events?target=${encodeURIComponent(resource)}&type=open.data.&limit=50`,
      );
      return (await response.json()) as { items: { type: string }[] };
    }, CONDITIONAL);
    const downloads = events.items.filter((event) => event.type === 'open.data.download');
    assert.ok(downloads.length >= 1, JSON.stringify(events));
    await staff.close();
  },
);
