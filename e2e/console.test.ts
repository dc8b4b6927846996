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
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';

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
let browser: Browser | undefined;
let context: BrowserContext | undefined;
let page: Page | undefined;

before(
  async () => {
    ensureConsoleBuilt();
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
  await currentPage().screenshot({ path: `/tmp/console-${name}.png`, fullPage: true });
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
