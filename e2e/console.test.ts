/**
 * Browser test of the web console against a real govdx server with the demo data loaded.
 *
 * Server, in order of preference:
 *   1. GOVDX_E2E_URL — an already running server (nothing is started or stopped);
 *   2. `startTestServer()` from src/test/server.ts (in-process, fresh temporary database);
 *   3. the CLI `node bin/govdx.mjs serve --demo` as a child process on a free port with a fresh
 *      temporary SQLite database (also chosen by GOVDX_E2E_SERVER=cli).
 *
 * The console must have been built (`npm run build:console`); it is built here when missing.
 * Screenshots go to /tmp/console-*.png.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ExcelJS from 'exceljs';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = process.env.GOVDX_CHROMIUM ?? '/usr/bin/chromium';
const DEMO_PASSWORD = 'Govdx@2026';
const STEP_TIMEOUT = 20_000;

interface RunningServer {
  url: string;
  close: () => Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => {
        resolve(port);
      });
    });
  });
}

async function waitForReady(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`govdx exited with code ${String(child.exitCode)}:\n${output()}`);
    }
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`govdx did not become ready at ${url}/readyz within 60 s:\n${output()}`);
}

async function spawnCli(): Promise<RunningServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'govdx-e2e-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${String(port)}`;
  let output = '';
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/govdx.mjs'), 'serve', '--demo'], {
    cwd: ROOT,
    env: {
      ...process.env,
      GOVDX_DATABASE_URL: `sqlite:${path.join(dir, 't.db')}`,
      GOVDX_PORT: String(port),
      GOVDX_DATA_DIR: dir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-8000);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  try {
    await waitForReady(url, child, () => output);
  } catch (e) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    url,
    close: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function isRunningServer(value: unknown): value is RunningServer {
  return (
    typeof value === 'object' &&
    value !== null &&
    'url' in value &&
    typeof value.url === 'string' &&
    'close' in value &&
    typeof value.close === 'function'
  );
}

async function startServer(): Promise<RunningServer> {
  const external = process.env.GOVDX_E2E_URL;
  if (external) return { url: external.replace(/\/$/, ''), close: () => Promise.resolve() };

  const helper = path.join(ROOT, 'src/test/server.ts');
  if (process.env.GOVDX_E2E_SERVER !== 'cli' && existsSync(helper)) {
    const mod: unknown = await import(pathToFileURL(helper).href);
    if (
      typeof mod === 'object' &&
      mod !== null &&
      'startTestServer' in mod &&
      typeof mod.startTestServer === 'function'
    ) {
      const started: unknown = await (mod.startTestServer as () => Promise<unknown>)();
      if (!isRunningServer(started)) {
        throw new Error(
          'startTestServer() must resolve to { url: string, close(): Promise<void> }',
        );
      }
      return { url: started.url.replace(/\/$/, ''), close: () => started.close() };
    }
  }
  return spawnCli();
}

function ensureConsoleBuilt(): void {
  if (process.env.GOVDX_E2E_URL) return;
  if (existsSync(path.join(ROOT, 'dist/console/index.html'))) return;
  const vite = path.join(ROOT, 'node_modules/vite/bin/vite.js');
  const res = spawnSync(process.execPath, [vite, 'build', '--config', 'console/vite.config.ts'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  assert.equal(res.status, 0, 'building the console (vite build) failed');
}

let server: RunningServer | undefined;
let scratchDir: string | undefined;
let browser: Browser | undefined;
let context: BrowserContext | undefined;
let page: Page | undefined;

before(
  async () => {
    ensureConsoleBuilt();
    scratchDir = mkdtempSync(path.join(tmpdir(), 'govdx-e2e-files-'));
    server = await startServer();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      locale: 'zh-CN',
    });
    context.setDefaultTimeout(STEP_TIMEOUT);
    page = await context.newPage();
  },
  { timeout: 90_000 },
);

after(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
  if (scratchDir) rmSync(scratchDir, { recursive: true, force: true });
});

function currentPage(): Page {
  assert.ok(page, 'browser page not started');
  return page;
}

function baseUrl(): string {
  assert.ok(server, 'server not started');
  return server.url;
}

async function shot(name: string): Promise<void> {
  const p = currentPage();
  // From the top: a full-page shot of a scrolled page draws the sticky header mid-page.
  await p.evaluate('window.scrollTo(0, 0)');
  await p.screenshot({ path: `/tmp/console-${name}.png`, fullPage: true });
}

/** Waits for a modal's opening animation so that screenshots show the end state. */
async function settled(p: Page): Promise<void> {
  // A string: this project's Node tsconfig has no DOM types.
  await p.evaluate(`Promise.all(
    document
      .getAnimations()
      .filter((a) => a.effect?.target?.closest?.('.ant-modal-root'))
      .map((a) => a.finished.catch(() => undefined)),
  )`);
}

async function login(p: Page, username: string, password: string): Promise<void> {
  await p.getByTestId('login-username').waitFor();
  await p.getByTestId('login-username').fill(username);
  await p.getByTestId('login-password').fill(password);
  await p.getByTestId('login-submit').click();
  await p.getByTestId('header-username').filter({ hasText: username }).waitFor();
}

async function logout(p: Page): Promise<void> {
  await p.getByTestId('logout').click();
  await p.getByTestId('login-username').waitFor();
  assert.match(p.url(), /\/console\/login$/);
}

/** Picks the option of an antd Select whose label contains `text`. */
async function chooseOption(p: Page, testId: string, text: string): Promise<void> {
  await p.getByTestId(testId).click();
  const option = p.locator('.ant-select-item-option:visible', { hasText: text }).first();
  await option.waitFor();
  await option.click();
  await p.locator('.ant-select-dropdown:visible').waitFor({ state: 'hidden' });
}

/** Types a date into an antd DatePicker and confirms it. */
async function fillDate(p: Page, testId: string, value: string): Promise<void> {
  const input = p.getByTestId(testId);
  await input.click();
  await input.fill(value);
  await input.press('Enter');
  await p.locator('.ant-picker-dropdown:visible').waitFor({ state: 'detached' });
  assert.equal(await input.inputValue(), value);
}

/** Runs the working-day calculator and returns the result (or error) text. */
async function calculate(p: Page, date: string, n: number): Promise<string> {
  await fillDate(p, 'calc-date', date);
  await p.getByTestId('calc-n').fill(String(n));
  const [response] = await Promise.all([
    p.waitForResponse((r) => r.url().includes('/api/v1/calendar/add-working-days')),
    p.getByTestId('calc-submit').click(),
  ]);
  const body = (await response.json()) as { date?: string };
  const outcome = body.date
    ? p.getByTestId('calc-result').filter({ hasText: body.date })
    : p.getByTestId('calc-error');
  await outcome.waitFor();
  return outcome.innerText();
}

/** Clicks `trigger`, saves the download it starts and reads it as a workbook. */
async function downloadWorkbook(
  p: Page,
  trigger: Locator,
): Promise<{ name: string; workbook: ExcelJS.Workbook }> {
  // Fails fast with the console's own message when it could not build the file.
  const failure = p.locator('.ant-message-error, .ant-modal:visible .ant-alert-error').first();
  const downloading = p.waitForEvent('download');
  await trigger.click();
  const download = await Promise.race([
    downloading,
    failure.waitFor().then(async () => {
      throw new Error(`no download: ${await failure.innerText()}`);
    }),
  ]);
  assert.ok(scratchDir);
  const saved = path.join(scratchDir, `download-${Date.now().toString(36)}.xlsx`);
  await download.saveAs(saved);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(saved);
  return { name: download.suggestedFilename(), workbook };
}

function headerOf(workbook: ExcelJS.Workbook): unknown[] {
  const sheet = workbook.worksheets[0];
  assert.ok(sheet, 'the workbook has no worksheet');
  return (sheet.getRow(1).values as unknown[]).slice(1);
}

function overrideRow(p: Page, text: string): Locator {
  return p.locator('[data-testid="overrides-table"] .ant-table-row', { hasText: text });
}

async function deleteOverride(p: Page, scope: string, date: string): Promise<void> {
  await p.getByTestId(`override-delete-${scope}-${date}`).click();
  await p.locator('.ant-popover:visible').getByTestId('override-delete-confirm').click();
  await p.getByTestId(`override-delete-${scope}-${date}`).waitFor({ state: 'detached' });
}

void test(
  'admin creates a department operator, who then sees a restricted console',
  { timeout: 120_000 },
  async () => {
    const p = currentPage();
    const username = `e2e_op_${Date.now().toString(36)}`;
    const password = `E2e-${Math.random().toString(36).slice(2, 10)}-Pw9!`;

    // Unauthenticated visitors land on the login page.
    await p.goto(`${baseUrl()}/console/`);
    await p.getByTestId('login-username').waitFor();
    assert.match(p.url(), /\/console\/login$/);

    // A wrong password shows the server's (generic) message.
    await p.getByTestId('login-username').fill('admin');
    await p.getByTestId('login-password').fill('definitely-wrong');
    await p.getByTestId('login-submit').click();
    const loginError = p.getByTestId('login-error');
    await loginError.waitFor();
    assert.notEqual((await loginError.innerText()).trim(), '');
    await shot('login');

    // Administrator of the data authority.
    await login(p, 'admin', DEMO_PASSWORD);
    await p.getByTestId('welcome-card').waitFor();
    assert.match(p.url(), /\/console\/?$/);
    for (const item of ['overview', 'regions', 'orgs', 'users', 'tokens', 'audit', 'calendar']) {
      assert.equal(await p.getByTestId(`menu-${item}`).count(), 1, `admin should see menu ${item}`);
    }
    await p.locator('.ant-statistic').first().waitFor();
    await shot('overview-admin');

    // Regions: a preset fills the settings form with its values and names its legal source; the
    // saved region shows them (issue 2's presets: Shenyang 5, Ningxia 10).
    await p.getByTestId('menu-regions').click();
    await p.getByTestId('region-edit-990102').click();
    assert.equal(await p.getByTestId('region-shareReplyDays').inputValue(), '5'); // from 示范市
    await chooseOption(p, 'region-preset', '宁夏');
    assert.match(await p.getByTestId('region-preset-note').innerText(), /第十一条/);
    assert.equal(await p.getByTestId('region-shareReplyDays').inputValue(), '10');
    assert.equal(await p.getByTestId('region-problemUrgentReplyDays').inputValue(), '2');
    await shot('region-preset');
    await p.getByTestId('region-edit-submit').click();
    await p.getByTestId('region-edit-submit').waitFor({ state: 'detached' });
    const county = p.locator('[data-testid="regions-table"] .ant-table-row', { hasText: '990102' });
    assert.match(await county.innerText(), /10/);

    // Users page: create a department operator of GAJ.
    await p.getByTestId('menu-users').click();
    await p.getByTestId('users-table').waitFor();
    await p.locator('[data-testid="users-table"] .ant-table-row').first().waitFor();
    await p.getByTestId('users-create').click();
    await p.getByTestId('user-form-username').fill(username);
    await p.getByTestId('user-form-displayName').fill('端到端测试操作员');
    await chooseOption(p, 'user-form-org', 'GAJ');
    await chooseOption(p, 'user-form-role', '部门操作员');

    // A one-character password passes the form but not the server: its field message is shown
    // under the password field.
    await p.getByTestId('user-form-password').fill('a');
    await p.getByTestId('user-form-passwordConfirm').fill('a');
    await p.getByTestId('user-form-submit').click();
    const passwordError = p
      .locator('.ant-form-item', { has: p.getByTestId('user-form-password') })
      .locator('.ant-form-item-explain-error');
    await passwordError.waitFor();
    assert.notEqual((await passwordError.innerText()).trim(), '');
    await shot('user-create-field-error');

    await p.getByTestId('user-form-password').fill(password);
    await p.getByTestId('user-form-passwordConfirm').fill(password);
    await shot('user-create');
    await p.getByTestId('user-form-submit').click();
    const formError = p.getByTestId('user-form-error');
    const newRow = p.locator('[data-testid="users-table"] .ant-table-row', { hasText: username });
    await newRow.or(formError).first().waitFor();
    if (await formError.isVisible()) {
      assert.fail(`creating the user failed: ${await formError.innerText()}`);
    }
    assert.match(await newRow.innerText(), /部门操作员/);
    await shot('users');

    // The audit log lists events (admin has audit.read).
    await p.getByTestId('menu-audit').click();
    await p.locator('[data-testid="audit-table"] .ant-table-row').first().waitFor();
    await shot('audit');

    await logout(p);

    // The new operator signs in and sees only what the role allows.
    await login(p, username, password);
    await p.getByTestId('welcome-card').waitFor();
    assert.equal((await p.getByTestId('header-user').innerText()).trim(), '端到端测试操作员');
    assert.equal((await p.getByTestId('header-username').innerText()).trim(), username);
    assert.match(await p.getByTestId('header-role').innerText(), /部门操作员/);
    assert.match(await p.getByTestId('header-org').innerText(), /公安/);
    const nav = p.getByTestId('nav-menu');
    const navText = await nav.innerText();
    assert.ok(!navText.includes('行政区划'), `operator menu must not list 行政区划: ${navText}`);
    for (const item of ['regions', 'users', 'tokens', 'audit']) {
      assert.equal(await p.getByTestId(`menu-${item}`).count(), 0, `operator must not see ${item}`);
    }
    assert.equal(await p.getByTestId('menu-overview').count(), 1);
    assert.equal(await p.getByTestId('menu-calendar').count(), 1);
    await shot('overview-operator');

    // Working-day calculator is available to everyone.
    await p.getByTestId('menu-calendar').click();
    await p.getByTestId('calc-submit').click();
    await p.locator('[data-testid="calc-result"], [data-testid="calc-error"]').first().waitFor();
    await shot('calendar');

    // Deep link to an admin page → 403 page; unknown route → 404 page.
    await p.goto(`${baseUrl()}/console/regions`);
    await p.getByTestId('forbidden').waitFor();
    await p.goto(`${baseUrl()}/console/no-such-page`);
    await p.getByTestId('not-found').waitFor();

    // Language switch: English UI, persisted across reloads.
    await p.getByTestId('lang-switch').getByText('English').click();
    await p.getByTestId('menu-overview').filter({ hasText: 'Overview' }).waitFor();
    await p.reload();
    await p.getByTestId('menu-overview').filter({ hasText: 'Overview' }).waitFor();
    await shot('english');
    await p.getByTestId('lang-switch').getByText('中文').click();
    await p.getByTestId('menu-overview').filter({ hasText: '首页' }).waitFor();

    await logout(p);
  },
);

void test(
  'admin maintains the working-day calendar, imports a holiday notice from Excel and exports lists',
  { timeout: 180_000 },
  async () => {
    const p = currentPage();
    await p.goto(`${baseUrl()}/console/`);
    await login(p, 'admin', DEMO_PASSWORD);

    await p.getByTestId('menu-calendar').click();
    await p.getByTestId('calc-submit').waitFor();
    // The holiday data package ends with 2026: from then on next year is not covered until an
    // administrator enters and declares it, which the page says clearly.
    const nextYear = new Date().getFullYear() + 1;
    if (nextYear > 2026) {
      const coverage = p.getByTestId('calendar-coverage-alert');
      await coverage.waitFor();
      assert.match(
        await coverage.innerText(),
        new RegExp(`${String(nextYear)} 年法定节假日尚未录入`),
      );
    }
    assert.match(await p.getByTestId('calendar-covered-years').innerText(), /2004–2026 年/);
    await shot('calendar-admin');

    // A deadline running into an uncovered year is refused with the server's Chinese message.
    if (nextYear > 2026) {
      const refused = await calculate(p, `${String(nextYear - 1)}-12-30`, 5);
      assert.match(refused, /工作日历尚未收录/);
      await shot('calendar-uncovered');
    }

    // Before: 2026-11-30 (Monday) + 1 working day = Tuesday 2026-12-01.
    assert.match(await calculate(p, '2026-11-30', 1), /2026-12-01/);

    // Add a national day off on Tuesday 2026-12-01.
    await p.getByRole('tab', { name: '节假日与调休维护' }).click();
    await p.getByTestId('overrides-table').waitFor();
    assert.match(p.url(), /[?&]tab=manage/);
    await p.getByTestId('override-add').click();
    await fillDate(p, 'override-date', '2026-12-01');
    await p.locator('.ant-modal:visible').getByText('放假（休息日）').click();
    await p.getByTestId('override-name').locator('input').fill('测试假日');
    await settled(p);
    await shot('calendar-override-add');
    await p.getByTestId('override-submit').click();
    const added = overrideRow(p, '2026-12-01');
    await added.waitFor();
    const addedText = await added.innerText();
    assert.match(addedText, /测试假日/);
    assert.match(addedText, /放假/);
    assert.match(addedText, /全国/);

    // The calculator now skips it: 2026-11-30 + 1 working day = 2026-12-02.
    await p.getByRole('tab', { name: '工作日计算' }).click();
    assert.match(await calculate(p, '2026-11-30', 1), /2026-12-02/);

    // Delete it again: back to 2026-12-01.
    await p.getByRole('tab', { name: '节假日与调休维护' }).click();
    await deleteOverride(p, 'national', '2026-12-01');
    await p.getByRole('tab', { name: '工作日计算' }).click();
    assert.match(await calculate(p, '2026-11-30', 1), /2026-12-01/);

    // Excel import: three good rows (a date cell, a text date, a local holiday) and two bad ones.
    assert.ok(scratchDir);
    const file = path.join(scratchDir, '2026年补充安排.xlsx');
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('节假日安排');
    sheet.addRow(['日期', '类型', '名称', '行政区划代码']);
    sheet.addRow([new Date(Date.UTC(2026, 11, 7)), '放假', '导入测试假日', null]);
    sheet.addRow(['2026-12-12', '上班', '导入测试调休', null]);
    sheet.addRow(['2026/12/14', '放假', '导入测试地方假日', '990100']);
    sheet.addRow(['2026-13-01', '放假', '坏日期', null]);
    sheet.addRow(['2026-12-15', '请假', '坏类型', null]);
    sheet.getCell('A2').numFmt = 'yyyy-mm-dd';
    await workbook.xlsx.writeFile(file);

    await p.getByRole('tab', { name: '节假日与调休维护' }).click();
    await p.getByTestId('override-import').click();
    await p.getByTestId('import-modal').waitFor();
    // The template has the import columns and a sheet of instructions.
    const template = await downloadWorkbook(p, p.getByTestId('import-template'));
    assert.equal(template.name, '工作日历导入模板.xlsx');
    assert.deepEqual(headerOf(template.workbook), ['日期', '类型', '名称', '行政区划代码']);
    assert.deepEqual(
      template.workbook.worksheets.map((w) => w.name),
      ['节假日安排', '填写说明'],
    );
    await p.locator('.ant-modal:visible input[type="file"]').setInputFiles(file);
    const summary = p.getByTestId('import-summary');
    await summary.waitFor();
    assert.match(await summary.innerText(), /共 5 行：3 行可导入，2 行有错误/);
    const preview = p.getByTestId('import-preview');
    assert.match(await preview.innerText(), /日期“2026-13-01”无效/);
    assert.match(await preview.innerText(), /类型“请假”无效/);
    await settled(p);
    await shot('calendar-import-preview');

    await p.getByTestId('import-run').click();
    const result = p.getByTestId('import-result');
    await result.waitFor();
    assert.match(await result.innerText(), /成功 3 条，失败 0 条，跳过 2 条/);
    await settled(p);
    await shot('calendar-import-done');
    await p.getByTestId('import-close').click();
    await p.getByTestId('import-modal').waitFor({ state: 'detached' });

    await overrideRow(p, '导入测试假日').waitFor();
    assert.match(await overrideRow(p, '2026-12-07').innerText(), /导入测试假日[\s\S]*全国/);
    assert.match(await overrideRow(p, '2026-12-12').innerText(), /调休上班/);
    assert.match(await overrideRow(p, '2026-12-14').innerText(), /示范市/);
    await shot('calendar-manage');

    // The override table exports in the import format.
    const exported = await downloadWorkbook(p, p.getByTestId('overrides-export'));
    assert.deepEqual(headerOf(exported.workbook).slice(0, 4), [
      '日期',
      '类型',
      '名称',
      '行政区划代码',
    ]);
    assert.equal(exported.workbook.worksheets[0]?.actualRowCount, 4);

    // 确认年度已录入 warns when the year has no entries yet (cancelled: declaring cannot be undone).
    await p.getByTestId('calendar-declare').click();
    await p.getByTestId('declare-year').fill('2030');
    await p.getByTestId('declare-empty-warning').waitFor();
    await p.getByTestId('declare-note').fill('国务院办公厅关于2030年部分节假日安排的通知');
    await settled(p);
    await shot('calendar-declare');
    await p
      .locator('.ant-modal:visible')
      .getByRole('button', { name: /取\s*消/ })
      .click();
    await p.getByTestId('declare-note').waitFor({ state: 'detached' });

    // The same page in English.
    await p.getByTestId('lang-switch').getByText('English').click();
    await p.getByRole('tab', { name: 'Holidays & make-up days' }).waitFor();
    await shot('calendar-manage-en');
    await p.getByTestId('override-import').click();
    await p.getByTestId('import-modal').waitFor();
    await settled(p);
    await shot('calendar-import-en');
    await p.getByTestId('import-close').click();
    await p.getByTestId('import-modal').waitFor({ state: 'detached' });
    await p.getByTestId('lang-switch').getByText('中文').click();
    await p.getByRole('tab', { name: '节假日与调休维护' }).waitFor();

    // Clean up the imported rows (the server may be a shared one, see GOVDX_E2E_URL).
    await deleteOverride(p, 'national', '2026-12-07');
    await deleteOverride(p, 'national', '2026-12-12');
    await deleteOverride(p, '990100', '2026-12-14');

    // 导出 Excel on the organisations and users lists: Chinese headers, one row per table row.
    for (const list of ['orgs', 'users'] as const) {
      await p.getByTestId(`menu-${list}`).click();
      await p.locator(`[data-testid="${list}-table"] .ant-table-row`).first().waitFor();
      const { name, workbook: listBook } = await downloadWorkbook(
        p,
        p.getByTestId(`${list}-export`),
      );
      assert.match(name, list === 'orgs' ? /^组织机构_\d{8}\.xlsx$/ : /^用户_\d{8}\.xlsx$/);
      assert.ok(headerOf(listBook).includes(list === 'orgs' ? '机构代码' : '用户名'));
      const ws = listBook.worksheets[0];
      assert.ok(ws);
      // Every row of the list (all pages), not just the visible page.
      const totalText = p.locator(`[data-testid="${list}-table"] .ant-pagination-total-text`);
      const rows =
        (await totalText.count()) > 0
          ? Number(/\d+/.exec(await totalText.innerText())?.[0])
          : await p.locator(`[data-testid="${list}-table"] .ant-table-row`).count();
      assert.equal(ws.actualRowCount - 1, rows);
    }

    await logout(p);
  },
);

/** The antd form item (label, control, messages) that holds the element with `testId`. */
function formItem(p: Page, testId: string): Locator {
  return p.locator('.ant-form-item', { has: p.getByTestId(testId) }).last();
}

/** The catalog code in an editor address /console/catalog/mine/<code>/edit. */
function codeFromEditorUrl(url: string): string {
  const match = /\/catalog\/mine\/([A-Z0-9-]+)\/edit/.exec(url);
  assert.ok(match?.[1], `not an editor address: ${url}`);
  return match[1];
}

/** Waits for a client-side (history API) navigation to an address matching `pattern`. */
async function waitForPath(p: Page, pattern: RegExp): Promise<void> {
  const deadline = Date.now() + STEP_TIMEOUT;
  while (!pattern.test(p.url())) {
    if (Date.now() > deadline)
      assert.fail(`expected an address matching ${String(pattern)}: ${p.url()}`);
    await p.waitForTimeout(100);
  }
}

async function openMine(p: Page): Promise<void> {
  await p.getByTestId('menu-catalog-mine').click();
  await p.getByTestId('mine-table').waitFor();
}

async function openReview(p: Page, code: string): Promise<void> {
  await p.getByTestId('menu-catalog-review').click();
  await p.getByTestId(`review-open-${code}`).click();
  await p.getByTestId('review-panel').waitFor();
}

void test(
  'a department drafts a catalog entry, the authority returns it with comments, then publishes it; the search finds it',
  { timeout: 240_000 },
  async () => {
    const p = currentPage();
    const name = '犬只登记信息';
    await p.goto(`${baseUrl()}/console/`);
    await login(p, 'gaj_operator', DEMO_PASSWORD);

    // The 数据目录 group offers a department operator search, own entries, obligations and
    // import/export, but not the review queue.
    for (const item of ['catalog-search', 'catalog-mine', 'catalog-triggers', 'catalog-exchange']) {
      assert.equal(await p.getByTestId(`menu-${item}`).count(), 1, `operator should see ${item}`);
    }
    assert.equal(await p.getByTestId('menu-catalog-review').count(), 0);

    // 我的目录 → 新建资源: a structured form.
    await openMine(p);
    await p.getByTestId('mine-create').click();
    await p.getByTestId('editor-name').fill(name);
    await p.getByTestId('editor-category-0').fill('社会治安');
    await p.getByTestId('editor-category-1').fill('养犬管理');
    await p
      .getByTestId('editor-summary')
      .fill('本市养犬登记、年检和免疫信息，用于养犬管理和走失犬只查找。');
    const keywords = p.getByTestId('editor-keywords').locator('input');
    for (const word of ['犬只', '养犬']) {
      await keywords.fill(word);
      await keywords.press('Enter');
    }
    await p.getByTestId('editor-business-matter').fill('养犬登记');
    await p.getByTestId('editor-system-name').fill('养犬管理信息系统');
    await p.getByTestId('editor-contact-name').fill('治安管理支队');
    await p.getByTestId('editor-contact-phone').fill('0999-01000123');
    await p.getByTestId('editor-storage').locator('input').fill('MySQL');
    await p.getByTestId('editor-name').click(); // closes the suggestions
    // 不予共享 without a legal basis: refused on submit by rule R4.2.
    await p.getByTestId('editor-share-class').getByText('不予共享').click();
    await p.getByTestId('editor-share-reasons').fill('含养犬人个人信息');
    // One key data item.
    await p.getByTestId('editor-add-item').click();
    await p.getByTestId('item-name-0').fill('登记编号');
    await p.getByTestId('item-column-0').fill('reg_no');
    await p.getByTestId('item-length-0').fill('20');
    await p.getByTestId('item-key-0').click();
    assert.equal(await p.getByTestId('item-required-0').getAttribute('aria-checked'), 'true');
    await shot('catalog-editor');

    await p.getByTestId('editor-submit').click();
    // The draft is saved (it now has a code) and the rule error shows under the field.
    const legalBasisError = formItem(p, 'editor-share-legal-basis').locator(
      '.ant-form-item-explain-error',
    );
    await legalBasisError.waitFor();
    assert.match(await legalBasisError.innerText(), /（R4\.2）/);
    assert.match(await p.getByTestId('editor-errors').innerText(), /不予共享依据/);
    const code = codeFromEditorUrl(p.url());
    assert.match(code, /^BM-GAJ-\d{6}$/);
    await shot('catalog-rule-error');

    // Share it unconditionally instead, by interface, and submit.
    await p.getByTestId('editor-share-class').getByText('无条件共享').click();
    await p.getByTestId('editor-delivery').getByText('接口调用').click();
    await p.getByTestId('editor-submit').click();
    await waitForPath(p, new RegExp(`/console/catalog/resources/${code}$`));
    await p.getByTestId('status-tag').filter({ hasText: '待审核' }).waitFor();
    await logout(p);

    // The reviewer returns it with an overall comment and a comment on the summary.
    await login(p, 'reviewer', DEMO_PASSWORD);
    assert.equal(await p.getByTestId('menu-catalog-review').count(), 1);
    await p.getByTestId('menu-catalog-review').click();
    await p.getByTestId(`review-open-${code}`).waitFor();
    await shot('catalog-review-queue');
    await openReview(p, code);
    await p.getByTestId('review-comment').fill('资源摘要不完整，请补充后重新提交。');
    await p.getByTestId('review-add-field-comment').click();
    await chooseOption(p, 'review-field-path-0', '资源摘要');
    await p.getByTestId('review-field-comment-0').fill('请写明覆盖的行政区域和数据起始年份');
    await shot('catalog-review');
    await p.getByTestId('review-return').click();
    await waitForPath(p, /\/console\/catalog\/review$/);
    await logout(p);

    // The operator sees both comments next to the entry, fixes the summary and resubmits.
    await login(p, 'gaj_operator', DEMO_PASSWORD);
    await openMine(p);
    const row = p.locator('[data-testid="mine-table"] .ant-table-row', { hasText: code });
    assert.match(await row.innerText(), /已退回/);
    await p.getByTestId(`mine-edit-${code}`).click();
    const comments = p.getByTestId('review-comments');
    await comments.waitFor();
    assert.match(await comments.innerText(), /资源摘要不完整/);
    assert.match(
      await p.getByTestId('field-comment-summary').innerText(),
      /请写明覆盖的行政区域和数据起始年份/,
    );
    await shot('catalog-returned');
    await p
      .getByTestId('editor-summary')
      .fill('示范市城区养犬登记、年检和免疫信息（2018 年起），用于养犬管理和走失犬只查找。');
    await p.getByTestId('editor-submit').click();
    await waitForPath(p, new RegExp(`/console/catalog/resources/${code}$`));
    await p.getByTestId('status-tag').filter({ hasText: '待审核' }).waitFor();
    await logout(p);

    // The reviewer, reminded of the earlier comments, publishes it.
    await login(p, 'reviewer', DEMO_PASSWORD);
    await openReview(p, code);
    assert.match(
      await p.getByTestId('review-comments').innerText(),
      /上次退回意见[\s\S]*资源摘要不完整/,
    );
    await p.getByTestId('review-publish').click();
    await p.getByTestId('review-publish-confirm').click();
    await waitForPath(p, /\/console\/catalog\/review$/);

    // The catalog search finds it by a Chinese word of its name.
    await p.getByTestId('menu-catalog-search').click();
    const search = p.getByTestId('catalog-search-input').locator('input');
    await search.fill('犬只');
    await search.press('Enter');
    const hit = p.locator(
      `[data-testid="search-results"][data-q="犬只"][data-stale="false"] [data-code="${code}"]`,
    );
    await hit.waitFor();
    assert.match(await hit.innerText(), /犬只登记信息/);
    assert.match(await hit.innerText(), /示范市公安局/);
    // How the server segmented the query is shown (jieba splits 犬只 into 犬 / 只).
    assert.match(await p.getByTestId('search-tokens').innerText(), /犬/);
    await shot('catalog-search');

    // Its page shows the metadata, the data items and the version history.
    await p.getByTestId(`search-hit-link-${code}`).click();
    await p.getByTestId('resource-name').filter({ hasText: name }).waitFor();
    await p.getByTestId('status-tag').filter({ hasText: '已发布' }).waitFor();
    assert.match(await p.getByTestId('items-table').innerText(), /reg_no/);
    await shot('catalog-detail');
    await logout(p);

    // The department administrator opens version 2 next to the live version 1 and adds an item;
    // the version comparison shows it.
    await login(p, 'gaj_admin', DEMO_PASSWORD);
    await p.goto(`${baseUrl()}/console/catalog/resources/${code}`);
    await p.getByTestId('resource-new-version').click();
    await waitForPath(p, new RegExp(`/console/catalog/mine/${code}/edit$`));
    await p.getByTestId('item-length-0').fill('32');
    await p.getByTestId('editor-add-item').click();
    await p.getByTestId('item-name-1').fill('犬只品种');
    await p.getByTestId('item-column-1').fill('breed');
    await p.getByTestId('item-length-1').fill('50');
    await chooseOption(p, 'editor-cycle', '每周');
    await p.getByTestId('editor-save').click();
    await p.locator('.ant-message-success', { hasText: '草稿已保存' }).waitFor();
    await p.goto(`${baseUrl()}/console/catalog/resources/${code}?tab=diff`);
    const diff = p.getByTestId('version-diff');
    await diff.waitFor();
    assert.match(
      await p.getByTestId('diff-summary').innerText(),
      /1 个字段变化.*新增 1、删除 0、修改 1/,
    );
    assert.match(await p.getByTestId('diff-fields').innerText(), /更新周期[\s\S]*每日[\s\S]*每周/);
    const itemChanges = await p.getByTestId('diff-items').innerText();
    assert.match(itemChanges, /修改[\s\S]*reg_no[\s\S]*长度：20[\s\S]*长度：32/);
    assert.match(itemChanges, /新增[\s\S]*犬只品种/);
    await shot('catalog-diff');
    // The live version stays in the catalog while version 2 is a draft.
    await p.getByRole('tab', { name: /版本历史/ }).click();
    const history = await p.getByTestId('version-history').innerText();
    assert.match(history, /第 2 版[\s\S]*草稿/);
    assert.match(history, /第 1 版[\s\S]*已发布/);
    await logout(p);
  },
);

void test(
  'the authority records a catalog-update obligation and adds themes; the department resolves it and picks a theme',
  { timeout: 120_000 },
  async () => {
    const p = currentPage();
    const description = `《示范市养犬管理条例》修订（${Date.now().toString(36)}）`;
    await p.goto(`${baseUrl()}/console/`);
    await login(p, 'admin', DEMO_PASSWORD);
    await p.getByTestId('menu-catalog-triggers').click();
    await p.getByTestId('triggers-table').waitFor();
    await p.getByTestId('triggers-create').click();
    await chooseOption(p, 'trigger-org', '示范市公安局');
    await p.getByTestId('trigger-description').fill(description);
    await settled(p);
    await shot('catalog-trigger-create');
    await p.getByTestId('trigger-submit').click();
    const row = p.locator('[data-testid="triggers-table"] .ant-table-row', {
      hasText: description,
    });
    await row.waitFor();
    // Due in 15 working days (the region's catalog-update deadline): a countdown, not overdue.
    assert.match(await row.innerText(), /剩余 1[45] 个工作日/);
    await shot('catalog-triggers');

    // 主题目录 (R2.3): the authority adds a theme next to the regulation's; a second time the
    // server's refusal shows on the name field.
    const stamp = Date.now().toString(36).slice(-5);
    const theme = `乡村振兴${stamp}`;
    const inlineTheme = `数字乡村${stamp}`;
    await p.getByTestId('menu-catalog-themes').click();
    const themeRow = (name: string) =>
      p.locator('[data-testid="themes-table"] .ant-table-row', { hasText: name });
    assert.match(await themeRow('应急维稳').innerText(), /内置（R2\.3）/);
    await p.getByTestId('themes-name').fill(theme);
    await p.getByTestId('themes-add').click();
    assert.match(await themeRow(theme).innerText(), /新增\s+admin/);
    await p.getByTestId('themes-name').fill(theme);
    await p.getByTestId('themes-add').click();
    const themeError = formItem(p, 'themes-name').locator('.ant-form-item-explain-error');
    await themeError.waitFor();
    assert.match(await themeError.innerText(), /已存在/);
    await shot('catalog-themes');
    // In the editor the authority adds one more from the theme select; it is then selected.
    await openMine(p);
    await p.getByTestId('mine-create').click();
    await p.getByTestId('editor-classification').getByText('主题资源').click();
    await p.getByTestId('editor-theme').click();
    await p.getByTestId('editor-theme').locator('input').fill(inlineTheme);
    await p.getByTestId('editor-theme-add').click();
    await settled(p);
    await shot('catalog-theme-add');
    assert.equal(await p.getByTestId('theme-add-name').inputValue(), inlineTheme);
    await p.getByTestId('theme-add-submit').click();
    await p.getByTestId('theme-add-name').waitFor({ state: 'detached' });
    await p.getByTestId('editor-theme').filter({ hasText: inlineTheme }).waitFor();
    await logout(p);

    // A department sees both in its editor's theme select, and that the authority keeps the list.
    await login(p, 'gaj_admin', DEMO_PASSWORD);
    await openMine(p);
    await p.getByTestId('mine-create').click();
    await p.getByTestId('editor-classification').getByText('主题资源').click();
    assert.match(await formItem(p, 'editor-theme').innerText(), /数据主管部门维护/);
    await p.getByTestId('editor-theme').click();
    await p.getByTestId('editor-theme').locator('input').fill(stamp);
    for (const name of [theme, inlineTheme]) {
      await p.locator('.ant-select-item-option:visible', { hasText: name }).waitFor();
    }
    assert.equal(await p.getByTestId('editor-theme-add').count(), 0);
    await shot('catalog-theme-select');
    await p.locator('.ant-select-item-option:visible', { hasText: theme }).click();
    await p.getByTestId('editor-theme').filter({ hasText: theme }).waitFor();

    await p.getByTestId('menu-catalog-triggers').click();
    const own = p.locator('[data-testid="triggers-table"] .ant-table-row', {
      hasText: description,
    });
    await own.waitFor();
    await own.getByRole('button', { name: /办\s*结/ }).click();
    await p.getByTestId('trigger-resolution').fill('已提交相关目录的新版本');
    await settled(p);
    await p
      .locator('.ant-modal:visible')
      .getByRole('button', { name: /办\s*结/ })
      .click();
    await p.getByTestId('trigger-resolution').waitFor({ state: 'detached' });
    await own.waitFor({ state: 'detached' });

    // 导入导出: the import template, an import with one valid and one invalid resource, exports.
    await p.getByTestId('menu-catalog-exchange').click();
    await p.getByTestId('exchange-import').waitFor();
    const template = await downloadWorkbook(p, p.getByTestId('exchange-template'));
    assert.equal(template.name, '政务数据资源目录导入模板.xlsx');
    const resources = template.workbook.getWorksheet('资源');
    const items = template.workbook.getWorksheet('信息项');
    assert.ok(resources && items, 'the template has 资源 and 信息项 sheets');
    const fill = (
      sheet: ExcelJS.Worksheet,
      row: number,
      values: Record<string, string | number>,
    ) => {
      const header = (sheet.getRow(1).values as unknown[]).map((v) =>
        typeof v === 'string' ? v : '',
      );
      for (const [name, value] of Object.entries(values)) {
        const col = header.indexOf(name);
        assert.ok(col > 0, `template column ${name} missing`);
        sheet.getRow(row).getCell(col).value = value;
      }
    };
    const resource = {
      提供部门代码: 'GAJ',
      资源分类: '部门',
      类目路径: '公共安全/犬只管理',
      摘要: '犬只狂犬病免疫接种记录。',
      关键词: '犬只、免疫',
      领域: '其他',
      联系人: '治安管理支队',
      联系电话: '0999-01000123',
      事项名称: '犬只免疫',
      信息系统名称: '养犬管理信息系统',
      格式分类: '数据库',
      存储格式: 'MySQL',
      共享类型: '无条件共享',
      共享方式: '接口调用',
      开放类型: '不予开放',
      更新周期: '每月',
    };
    fill(resources, 3, { ...resource, 资源名称: '犬只免疫记录' });
    // 不予共享 without a legal basis (依据): refused by rule R4.2.
    fill(resources, 4, {
      ...resource,
      资源名称: '犬只走失登记',
      共享类型: '不予共享',
      理由: '含养犬人个人信息',
      共享方式: '',
    });
    const item = {
      数据类型: 'C 字符型',
      长度: 20,
      必填: '是',
      主键: '是',
      可查询: '是',
      校验类型: '无',
      敏感级别: '无',
      脱敏规则: '无',
      权威来源: '否',
    };
    fill(items, 4, {
      ...item,
      资源名称: '犬只免疫记录',
      信息项名称: '免疫证号',
      字段名: 'vaccine_no',
    });
    fill(items, 5, {
      ...item,
      资源名称: '犬只走失登记',
      信息项名称: '走失编号',
      字段名: 'lost_no',
    });
    assert.ok(scratchDir);
    const upload = path.join(scratchDir, '犬只目录导入.xlsx');
    await template.workbook.xlsx.writeFile(upload);

    await p.getByTestId('exchange-import').locator('input[type="file"]').setInputFiles(upload);
    await p.getByTestId('exchange-file').filter({ hasText: '犬只目录导入.xlsx' }).waitFor();
    // All or nothing (the default): refused, every problem listed by sheet, row and column.
    await p.getByTestId('exchange-run').click();
    const summary = p.getByTestId('exchange-summary');
    await summary.waitFor();
    assert.match(await summary.innerText(), /未导入任何资源/);
    const importErrors = p.getByTestId('exchange-errors');
    assert.match(await importErrors.innerText(), /资源\s+4\s+\S+[\s\S]*R4\.2/);
    // Valid rows only: the valid resource is imported and submitted for review.
    await p.getByTestId('exchange-mode').getByText('仅导入校验通过的行').click();
    await p.getByTestId('exchange-run').click();
    const created = p.getByTestId('exchange-created');
    await created.waitFor();
    assert.match(await created.innerText(), /BM-GAJ-\d{6}[\s\S]*犬只免疫记录[\s\S]*待审核/);
    assert.match(await summary.innerText(), /已导入 1 个资源，1 处错误/);
    assert.match(await importErrors.innerText(), /R4\.2/);
    await shot('catalog-import');

    // The sharing catalog as Excel, named after the region.
    const sharing = await downloadWorkbook(p, p.getByTestId('export-sharing-xlsx'));
    assert.match(sharing.name, /^示范市共享目录-\d{8}\.xlsx$/);
    const sharingHeader = headerOf(sharing.workbook);
    assert.ok(sharingHeader.includes('资源名称') && sharingHeader.includes('共享类型'));

    // The catalog browser in English.
    await p.getByTestId('menu-catalog-search').click();
    await p.getByTestId('search-results').waitFor();
    await p.getByTestId('lang-switch').getByText('English').click();
    await p.getByTestId('page-title').filter({ hasText: 'Catalog search' }).waitFor();
    await shot('catalog-search-en');
    await p.getByTestId('lang-switch').getByText('中文').click();
    await p.getByTestId('page-title').filter({ hasText: '目录检索' }).waitFor();
    await logout(p);
  },
);

void test(
  'a department user pre-checks citizen ID numbers and exports the invalid ones',
  { timeout: 90_000 },
  async () => {
    const p = currentPage();
    await p.goto(`${baseUrl()}/console/`);
    await login(p, 'gaj_operator', DEMO_PASSWORD);
    await p.getByTestId('menu-aggregation-precheck').click();
    await p.getByTestId('page-title').filter({ hasText: '数据校验' }).waitFor();

    // Nothing pasted: a clear message instead of a request.
    await p.getByTestId('precheck-run').click();
    assert.match(await p.getByTestId('precheck-notice').innerText(), /没有可校验的数据/);

    await p
      .getByTestId('precheck-text')
      .fill('11010519491231002X\n110105194912310021\n\n11010519491331002X\n');
    assert.match(await p.getByTestId('precheck-count').innerText(), /共 3 个值/);
    await p.getByTestId('precheck-run').click();
    await p.getByTestId('precheck-summary').waitFor();
    assert.match(await p.getByTestId('precheck-valid').innerText(), /通过\s*1$/);
    assert.match(await p.getByTestId('precheck-invalid').innerText(), /未通过\s*2$/);
    // The invalid values are listed first, with the reason in Chinese.
    const table = await p.getByTestId('precheck-table').innerText();
    assert.match(table, /110105194912310021[\s\S]*公民身份号码校验码错误/);
    assert.match(table, /11010519491331002X[\s\S]*出生日期无效/);
    assert.doesNotMatch(table, /11010519491231002X/);
    await shot('precheck');

    const exported = await downloadWorkbook(p, p.getByTestId('precheck-export'));
    assert.match(exported.name, /^数据校验未通过_公民身份号码_\d{8}\.xlsx$/);
    assert.deepEqual(headerOf(exported.workbook), ['行号', '值', '原因']);
    assert.equal(exported.workbook.worksheets[0]?.getCell('B2').value, '110105194912310021');
    assert.equal(exported.workbook.worksheets[0]?.actualRowCount, 3);

    // The reasons follow the UI language.
    await p.getByTestId('lang-switch').getByText('English').click();
    await p
      .getByTestId('precheck-table')
      .filter({ hasText: 'The check character is wrong' })
      .waitFor();
    await shot('precheck-en');
    await p.getByTestId('lang-switch').getByText('中文').click();
    await p.getByTestId('page-title').filter({ hasText: '数据校验' }).waitFor();
    await logout(p);
  },
);
