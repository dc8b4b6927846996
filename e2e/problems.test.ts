/**
 * Browser test of the problem-data loop (R3.5) in the console: a consumer department reports a
 * problem, the provider sees it in its inbox (with the notification bell) and answers it, and the
 * reporter accepts the answer. Runs against `startTestServer()` (fresh SQLite, demo data, built
 * console); the console is built when missing. Screenshots go to /tmp/problems-*.png.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer } from '../src/test/server.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = process.env.GOVDX_CHROMIUM ?? '/usr/bin/chromium';
const DEMO_PASSWORD = 'Govdx@2026';
const STEP_TIMEOUT = 20_000;

let server: { url: string; close(): Promise<void> } | undefined;
let browser: Browser | undefined;
let context: BrowserContext | undefined;
let page: Page | undefined;

function ensureConsoleBuilt(): void {
  if (existsSync(path.join(ROOT, 'dist/console/index.html'))) return;
  const vite = path.join(ROOT, 'node_modules/vite/bin/vite.js');
  const res = spawnSync(process.execPath, [vite, 'build', '--config', 'console/vite.config.ts'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  assert.equal(res.status, 0, 'building the console (vite build) failed');
}

before(
  async () => {
    ensureConsoleBuilt();
    server = await startTestServer();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
    context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    context.setDefaultTimeout(STEP_TIMEOUT);
    page = await context.newPage();
  },
  { timeout: 90_000 },
);

after(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
});

function currentPage(): Page {
  assert.ok(page, 'browser page not started');
  return page;
}

function url(pathname: string): string {
  assert.ok(server, 'server not started');
  return `${server.url.replace(/\/$/, '')}${pathname}`;
}

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
