/**
 * Browser test of data ingestion (数据归集): a department operator uploads a CSV with a Chinese
 * header into the demo resource 常住人口基本信息, sees the batch's counts and its rejected row (问题数据),
 * downloads the problem data, gets a header mismatch explained, and finds both batches under 归集批次.
 *
 * Its own server (`startTestServer`: fresh SQLite database with the demo jurisdiction) and browser;
 * the console must have been built (`npm run build:console`), it is built here when missing.
 * Screenshots go to /tmp/ingest-*.png.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { citizenIdCheckCharacter } from '../src/core/validators/citizen-id.ts';
import { startTestServer } from '../src/test/server.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = process.env.GOVDX_CHROMIUM ?? '/usr/bin/chromium';
const DEMO_PASSWORD = 'Govdx@2026';
const STEP_TIMEOUT = 20_000;
const RESOURCE = '常住人口基本信息';

/** A valid synthetic citizen ID in the demo region 990102 (GB 11643 check character). */
function citizenId(birth: string, serial: number): string {
  const first17 = `990102${birth}${String(serial).padStart(3, '0')}`;
  const check = citizenIdCheckCharacter(first17);
  assert.ok(check, first17);
  return `${first17}${check}`;
}

/** The same ID with a wrong check character. */
function withBadCheck(id: string): string {
  const wrong = id.endsWith('1') ? '2' : '1';
  return `${id.slice(0, 17)}${wrong}`;
}

function ensureConsoleBuilt(): void {
  if (existsSync(path.join(ROOT, 'dist/console/index.html'))) return;
  const vite = path.join(ROOT, 'node_modules/vite/bin/vite.js');
  const res = spawnSync(process.execPath, [vite, 'build', '--config', 'console/vite.config.ts'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  assert.equal(res.status, 0, 'building the console (vite build) failed');
}

let server: { url: string; close(): Promise<void> } | undefined;
let scratchDir: string | undefined;
let browser: Browser | undefined;
let context: BrowserContext | undefined;
let page: Page | undefined;

before(
  async () => {
    ensureConsoleBuilt();
    scratchDir = mkdtempSync(path.join(tmpdir(), 'govdx-e2e-ingest-'));
    server = await startTestServer();
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
      acceptDownloads: true,
    });
    context.setDefaultTimeout(STEP_TIMEOUT);
    page = await context.newPage();
  },
  { timeout: 120_000 },
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

async function shot(p: Page, name: string): Promise<void> {
  await p.evaluate('window.scrollTo(0, 0)');
  await p.screenshot({ path: `/tmp/ingest-${name}.png`, fullPage: true });
}

/** Picks the option of an antd Select whose label contains `text`. */
async function chooseOption(p: Page, testId: string, text: string): Promise<void> {
  await p.getByTestId(testId).click();
  const option = p.locator('.ant-select-item-option:visible', { hasText: text }).first();
  await option.waitFor();
  await option.click();
  await p.locator('.ant-select-dropdown:visible').waitFor({ state: 'hidden' });
}

async function text(p: Page, testId: string): Promise<string> {
  return (await p.getByTestId(testId).first().innerText()).trim();
}

void test(
  'a department operator uploads a CSV, sees counts and problem data, then the batches',
  { timeout: 180_000 },
  async () => {
    const p = currentPage();
    assert.ok(server);
    await p.goto(`${server.url}/console/login`);
    await p.getByTestId('login-username').fill('gaj_operator');
    await p.getByTestId('login-password').fill(DEMO_PASSWORD);
    await p.getByTestId('login-submit').click();
    await p.getByTestId('header-username').filter({ hasText: 'gaj_operator' }).waitFor();

    // 数据归集 › 数据上传
    await p.getByTestId('menu-aggregation-upload').click();
    await p.getByTestId('page-title').filter({ hasText: '数据上传' }).waitFor();
    assert.match(p.url(), /\/console\/aggregation\/upload/);

    await chooseOption(p, 'ingest-resource', RESOURCE);
    assert.equal(await text(p, 'ingest-format-category'), '数据库');
    // The header guide lists the data items by column and Chinese name.
    const help = p.getByTestId('ingest-header-items');
    await help.getByRole('cell', { name: 'id_card_no', exact: true }).waitFor();
    await help.getByRole('cell', { name: '公民身份号码', exact: true }).waitFor();
    await help.getByText('男 / 女').waitFor();

    // 全量替换 warns that the file becomes the whole data set; 增量更新 is the default.
    await p.getByTestId('ingest-mode-replace').click();
    await p.getByTestId('ingest-replace-warning').waitFor();
    await p.getByTestId('ingest-mode-upsert').click();
    await p.getByTestId('ingest-replace-warning').waitFor({ state: 'detached' });

    // One row in five is rejected: above the platform's default 5%, so allow 50%.
    const threshold = p.locator(
      'input[data-testid="ingest-threshold"], [data-testid="ingest-threshold"] input',
    );
    await threshold.first().fill('50');

    const valid = [
      citizenId('19800101', 11),
      citizenId('19851231', 22),
      citizenId('19900615', 33),
      citizenId('20010228', 44),
    ];
    const bad = withBadCheck(citizenId('19751010', 55));
    const csv = [
      '公民身份号码,姓名,性别,出生日期,常住类型,现住址,所属派出所,登记日期',
      `${valid[0]},测试甲,男,1980-01-01,户籍,示范市一路1号,示范派出所,2024-01-02`,
      `${valid[1]},测试乙,女,1985-12-31,非户籍,示范市二路2号,示范派出所,2024-02-03`,
      `${bad},测试丙,男,1975-10-10,户籍,示范市三路3号,示范派出所,2024-03-04`,
      `${valid[2]},测试丁,女,1990-06-15,户籍,,示范派出所,`,
      `${valid[3]},测试戊,男,2001-02-28,非户籍,示范市五路5号,,2024-05-06`,
    ].join('\r\n');
    await p
      .getByTestId('ingest-form')
      .locator('input[type="file"]')
      .setInputFiles({
        name: 'residents.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(csv, 'utf8'),
      });
    await p.getByTestId('ingest-file').filter({ hasText: 'residents.csv' }).waitFor();

    await p.getByTestId('ingest-start').click();
    const resultCard = p.getByTestId('ingest-result');
    await resultCard.waitFor({ timeout: 60_000 });
    assert.equal(await text(p, 'batch-rowsRead'), '5');
    assert.equal(await text(p, 'batch-rowsInserted'), '4');
    assert.equal(await text(p, 'batch-rowsUpdated'), '0');
    assert.equal(await text(p, 'batch-rowsDeleted'), '0');
    assert.equal(await text(p, 'batch-rowsRejected'), '1');
    // The resource may hold rows already (demo data): at least the four new ones.
    assert.ok(Number((await text(p, 'batch-rowsTotal')).replace(/,/g, '')) >= 4);
    assert.match(await text(p, 'batch-sha256'), /^[0-9a-f]{64}$/);
    assert.match(await text(p, 'batch-encoding'), /UTF-8/i);
    await resultCard.getByTestId('batch-status-succeeded').waitFor();
    assert.match(await text(p, 'ingest-result-summary'), /读取 5 行.*1 行未通过校验/);

    // The rejected row: row 4 of the file (the header is row 1), its column, value and reason.
    const rejection = resultCard.locator('[data-testid="rejections-table"] .ant-table-row');
    await rejection.first().waitFor();
    assert.equal(await rejection.count(), 1);
    const cells = await rejection.first().locator('td').allInnerTexts();
    assert.equal(cells[0]?.trim(), '4');
    assert.match(cells[1] ?? '', /公民身份号码（id_card_no）/);
    assert.equal(cells[2]?.trim(), bad);
    assert.match(cells[3] ?? '', /校验码/);
    await shot(p, 'upload-result');

    // 下载问题数据 (Excel): the rejected row with its reason.
    const downloading = p.waitForEvent('download');
    await resultCard.getByTestId('rejections-download-xlsx').click();
    const download = await downloading;
    assert.match(download.suggestedFilename(), /问题数据.*\.xlsx$/);
    assert.ok(scratchDir);
    const saved = path.join(scratchDir, 'rejections.xlsx');
    await download.saveAs(saved);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(saved);
    const sheet = workbook.worksheets[0];
    assert.ok(sheet);
    assert.equal(sheet.rowCount, 2);
    assert.equal(sheet.getRow(2).getCell(3).text, bad);

    // A header the catalog does not know is refused whole, with the missing and unknown columns.
    await p
      .getByTestId('ingest-form')
      .locator('input[type="file"]')
      .setInputFiles({
        name: 'wrong-header.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(`编号,名字\n1,张三\n`, 'utf8'),
      });
    await p.getByTestId('ingest-file').filter({ hasText: 'wrong-header.csv' }).waitFor();
    await p.getByTestId('ingest-start').click();
    await p.getByTestId('ingest-error').waitFor({ timeout: 60_000 });
    assert.match(await text(p, 'ingest-error-message'), /表头与目录的数据项不一致/);
    assert.match(await text(p, 'ingest-missing'), /公民身份号码\(id_card_no\)/);
    assert.match(await text(p, 'ingest-unknown'), /编号/);
    assert.equal(await p.getByTestId('ingest-result').count(), 0);
    await shot(p, 'upload-header-mismatch');

    // 数据归集 › 归集批次: both batches, newest first.
    await p.getByTestId('menu-aggregation-batches').click();
    await p.getByTestId('page-title').filter({ hasText: '归集批次' }).waitFor();
    await chooseOption(p, 'batches-resource', RESOURCE);
    const rows = p.locator('[data-testid="batches-table"] .ant-table-row');
    await rows.filter({ hasText: 'residents.csv' }).waitFor();
    const names = await rows.allInnerTexts();
    const failedAt = names.findIndex((row) => row.includes('wrong-header.csv'));
    const okAt = names.findIndex((row) => row.includes('residents.csv'));
    assert.ok(failedAt >= 0 && failedAt < okAt, names.join('\n'));
    await rows.nth(failedAt).getByTestId('batch-status-failed').waitFor();
    const okRow = rows.nth(okAt);
    await okRow.getByTestId('batch-status-succeeded').waitFor();
    const okCells = await okRow.locator('td').allInnerTexts();
    assert.ok(
      okCells.some((c) => c.includes('控制台')),
      okCells.join('|'),
    );
    assert.ok(
      okCells.some((c) => c.includes('增量更新')),
      okCells.join('|'),
    );
    assert.ok(
      okCells.some((c) => c.includes('gaj_operator')),
      okCells.join('|'),
    );

    // The detail drawer: SHA-256, counts and the problem data of the batch.
    await okRow.getByRole('button', { name: '详情' }).click();
    const drawer = p.getByTestId('batch-drawer');
    await drawer.getByTestId('batch-sha256').waitFor();
    assert.match(await drawer.getByTestId('batch-sha256').innerText(), /^[0-9a-f]{64}$/);
    assert.equal((await drawer.getByTestId('batch-rowsRejected').innerText()).trim(), '1');
    await drawer
      .locator('[data-testid="rejections-table"] .ant-table-row', { hasText: bad })
      .waitFor();
    await drawer.getByTestId('rejections-download-csv').waitFor();
    // A string: this project's Node tsconfig has no DOM types.
    await p.evaluate(
      'Promise.all(document.getAnimations().map((a) => a.finished.catch(() => undefined)))',
    );
    await shot(p, 'batches');
  },
);
