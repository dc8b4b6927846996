/**
 * Browser test of 存证核验 (issue 6; R6.2, R5.9): the demo auditor opens the ledger page, sees the
 * latest signed checkpoint, searches the events, opens a sequenced one whose inclusion proof the
 * server (and the browser itself) verified, downloads its proof bundle, and traces the demo's
 * population register (the sharing demo's 120 lookups by 市场监管局's 企业登记系统) to its accesses.
 * Finally the page in English.
 *
 * Runs against `startTestServer()` (fresh SQLite, sample demo data, built console). Screenshots go
 * to /tmp/ledger-*.png.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { checkBundle, type ProofBundle } from '../src/modules/ledger/proofs.ts';
import { browserSession, DEMO_PASSWORD } from './harness.ts';

const POPULATION = '户籍人口信息';
const LOOKUP_SYSTEM = '企业登记系统';

const session = browserSession();
const url = (pathname: string): string => session.url(pathname);

async function apiGet<T>(username: string, pathname: string): Promise<T> {
  const login = await fetch(url('/api/v1/auth/login'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: DEMO_PASSWORD }),
  });
  assert.equal(login.status, 200, await login.clone().text());
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const res = await fetch(url(`/api/v1${pathname}`), { headers: { cookie } });
  const text = await res.text();
  assert.ok(res.ok, `GET ${pathname}: ${String(res.status)} ${text}`);
  return JSON.parse(text) as T;
}

async function signIn(p: Page, username: string): Promise<void> {
  await p.goto(url('/console/login'));
  await p.getByTestId('login-username').fill(username);
  await p.getByTestId('login-password').fill(DEMO_PASSWORD);
  await p.getByTestId('login-submit').click();
  await p.getByTestId('header-username').filter({ hasText: username }).waitFor();
}

async function closeDrawer(p: Page): Promise<void> {
  await p.getByTestId('ledger-drawer').locator('.ant-drawer-close').click();
  await p.getByTestId('ledger-drawer').waitFor({ state: 'hidden' });
}

void test(
  'R6.2, R5.9: checkpoint, event search, verified inclusion proof, proof bundle and trace',
  { timeout: 180_000 },
  async () => {
    const p = session.page();
    const scratch = mkdtempSync(path.join(tmpdir(), 'govdx-e2e-ledger-'));
    try {
      await scenario(p, scratch);
    } catch (error) {
      await p
        .screenshot({ path: '/tmp/ledger-failure.png', fullPage: true })
        .catch(() => undefined);
      throw error;
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  },
);

async function scenario(p: Page, scratch: string): Promise<void> {
  // The population register's code, as the sharing demo found it.
  const resources = await apiGet<{ items: { code: string; name: string }[] }>(
    'auditor',
    '/catalog/resources?orgCode=GAJ&status=published&limit=500',
  );
  const population = resources.items.find((r) => r.name === POPULATION);
  assert.ok(population, `${POPULATION} is in the demo catalog`);

  // The menu offers 存证核验 to the auditor.
  await signIn(p, 'auditor');
  await p.getByTestId('menu-ledger').click();
  await p.waitForURL(/\/console\/ledger/);
  await p.getByTestId('page-title').filter({ hasText: '存证核验' }).waitFor();

  // The latest checkpoint: a tree with entries, its signed note and the log's key.
  // (the card refreshes itself; the sequencer signs a checkpoint about once a second)
  await p
    .locator('[data-testid="ledger-tree-size"]:not([data-value="0"])')
    .waitFor({ timeout: 30_000 });
  const treeSize = Number(await p.getByTestId('ledger-tree-size').getAttribute('data-value'));
  const note = await p.getByTestId('ledger-note').innerText();
  const noteLines = note.split('\n');
  assert.equal(noteLines[1], String(treeSize), 'the note carries the tree size');
  assert.match(note, /\n\n— \S+ \S+/, 'the note carries a signature line');
  const verifierKey = await p.getByTestId('ledger-verifier-key').innerText();
  assert.ok(verifierKey.startsWith(`${noteLines[0] ?? ''}+`), verifierKey);
  await p.screenshot({ path: '/tmp/ledger-checkpoint.png', fullPage: true });

  // Event search: the data accesses of the lookup operation, newest first.
  await p.getByTestId('ledger-filter-type').fill('share.data.lookup');
  const [searched] = await Promise.all([
    p.waitForResponse(
      (r) => r.url().includes('/api/v1/ledger/events?') && r.url().includes('type=share.data.'),
    ),
    p.getByTestId('ledger-search').click(),
  ]);
  assert.equal(searched.status(), 200, await searched.text());
  const page1 = (await searched.json()) as {
    items: { id: number; type: string; leafIndex: number | null; target: string | null }[];
    nextBefore: number | null;
  };
  assert.ok(page1.items.length > 0, 'the demo made lookups');
  assert.ok(page1.items.every((e) => e.type === 'share.data.lookup'));
  const rows = p.getByTestId('ledger-events').locator('.ant-table-row');
  await rows.first().waitFor();
  assert.equal(await rows.count(), page1.items.length);

  // 120 lookups are more than one page: 加载更多 appends the next one.
  assert.ok(page1.nextBefore !== null, 'a second page of lookups');
  await p.getByTestId('ledger-load-more').click();
  await rows.nth(page1.items.length).waitFor();

  // Open a sequenced event: verified by the server, and rechecked in the browser.
  const sequenced = p
    .getByTestId('ledger-events')
    .locator('.ant-table-row:has([data-testid="ledger-leaf-index"])')
    .first();
  const leafIndex = Number(await sequenced.getByTestId('ledger-leaf-index').innerText());
  const eventId = Number((await sequenced.locator('td').first().innerText()).replace('#', ''));
  await sequenced.locator('td').first().getByRole('button').click();
  const drawer = p.getByTestId('ledger-drawer');
  await drawer.getByTestId('ledger-proof-state').waitFor();
  assert.equal(
    await drawer.getByTestId('ledger-proof-state').getAttribute('data-state'),
    'verified',
  );
  assert.equal((await drawer.getByTestId('ledger-proof-state').innerText()).trim(), '已验证');
  assert.match(p.url(), new RegExp(`event=${String(eventId)}`));
  const digest = (await drawer.getByTestId('ledger-digest').innerText()).trim();
  assert.match(digest, /^[0-9a-f]{64}$/);
  const leaf = JSON.parse(await drawer.getByTestId('ledger-leaf').innerText()) as {
    seq: number;
    digest: string;
    type: string;
  };
  assert.deepEqual([leaf.seq, leaf.digest, leaf.type], [leafIndex, digest, 'share.data.lookup']);
  const body = JSON.parse(await drawer.getByTestId('ledger-body').innerText()) as Record<
    string,
    unknown
  >;
  assert.ok(!JSON.stringify(body).includes('张科员'), 'the end user appears only hashed');
  await drawer.locator('[data-testid="ledger-local-digest"][data-ok="true"]').waitFor();
  await drawer.locator('[data-testid="ledger-local-inclusion"][data-ok="true"]').waitFor();
  await p.screenshot({ path: '/tmp/ledger-event.png' });

  // 下载证明包: the bundle an outsider verifies offline.
  const downloading = p.waitForEvent('download');
  await drawer.getByTestId('ledger-download-bundle').click();
  const download = await downloading;
  assert.equal(download.suggestedFilename(), `govdx-ledger-${String(eventId)}.json`);
  const saved = path.join(scratch, download.suggestedFilename());
  await download.saveAs(saved);
  const bundle = JSON.parse(readFileSync(saved, 'utf8')) as ProofBundle;
  assert.equal(bundle.format, 'govdx-ledger-bundle/v1');
  assert.equal(bundle.index, leafIndex);
  assert.equal(bundle.verifierKey, verifierKey);
  assert.ok(bundle.treeSize > leafIndex);
  assert.ok(bundle.checkpoint.startsWith(`${bundle.origin}\n${String(bundle.treeSize)}\n`));
  assert.equal((JSON.parse(bundle.leaf) as { digest: string }).digest, digest);
  // What `govdx ledger check-bundle <file> --verifier-key <key>` runs, with the key shown on the page.
  const checked = checkBundle(bundle, verifierKey);
  assert.ok(checked.ok, JSON.stringify(checked.steps));
  await closeDrawer(p);

  // 追溯: who accessed the population register.
  await p.getByTestId('ledger-tab-trace').click();
  await p.getByTestId('ledger-trace-resource').locator('input').fill(population.code);
  const [traced] = await Promise.all([
    p.waitForResponse((r) => r.url().includes('/api/v1/ledger/trace?')),
    p.getByTestId('ledger-trace-submit').click(),
  ]);
  assert.equal(traced.status(), 200, await traced.text());
  const trace = (await traced.json()) as { accesses: { eventId: number; system: string | null }[] };
  assert.ok(trace.accesses.length >= 120, `${String(trace.accesses.length)} accesses`);
  const accessRows = p.getByTestId('ledger-trace-accesses').locator('.ant-table-row');
  await accessRows.first().waitFor();
  assert.ok((await accessRows.count()) > 0);
  assert.match(await accessRows.first().innerText(), new RegExp(LOOKUP_SYSTEM));
  assert.match(p.url(), new RegExp(`resource=${population.code}`));
  await p.screenshot({ path: '/tmp/ledger-trace.png', fullPage: true });
  // An access opens the same drawer.
  await accessRows.first().locator('td').first().getByRole('button').click();
  await drawer.getByTestId('ledger-digest').waitFor();
  await closeDrawer(p);

  // The instructions for outsiders name the CLI with this log's key.
  await p.getByTestId('ledger-guide-title').click();
  assert.match(
    await p.getByTestId('ledger-guide-command').innerText(),
    /govdx ledger check-bundle .*--verifier-key/,
  );

  // In English.
  await p.getByTestId('lang-switch').getByText('English').click();
  await p.getByTestId('page-title').filter({ hasText: 'Ledger verification' }).waitFor();
  await p
    .getByTestId('ledger-checkpoint')
    .getByText('Latest checkpoint', { exact: true })
    .waitFor();
  await p.getByTestId('menu-ledger').filter({ hasText: 'Ledger' }).waitFor();
  await p.getByTestId('lang-switch').getByText('中文').click();
  await p.getByTestId('page-title').filter({ hasText: '存证核验' }).waitFor();
}

void test(
  "R6.2: a department administrator sees its organisation's events; an operator has no page",
  { timeout: 90_000 },
  async () => {
    const p = session.page();
    try {
      await p.goto(url('/console/'));
      await p.getByTestId('logout').click();
      await p.getByTestId('login-username').waitFor();
      await signIn(p, 'gaj_admin');
      assert.equal(await p.getByTestId('menu-ledger').count(), 1);
      const [listed] = await Promise.all([
        p.waitForResponse((r) => r.url().includes('/api/v1/ledger/events?')),
        p.getByTestId('menu-ledger').click(),
      ]);
      assert.equal(listed.status(), 200, await listed.text());
      const events = (await listed.json()) as {
        items: { orgCode: string | null; otherOrgCode: string | null }[];
      };
      assert.ok(events.items.length > 0, '公安局 has events in the ledger');
      for (const e of events.items) {
        assert.ok(e.orgCode === 'GAJ' || e.otherOrgCode === 'GAJ', JSON.stringify(e));
      }
      await p.getByTestId('ledger-events').locator('.ant-table-row').first().waitFor();

      await p.getByTestId('logout').click();
      await p.getByTestId('login-username').waitFor();
      await signIn(p, 'gaj_operator');
      assert.equal(await p.getByTestId('menu-ledger').count(), 0);
      await p.goto(url('/console/ledger'));
      await p.getByTestId('forbidden').waitFor();
    } catch (error) {
      await p
        .screenshot({ path: '/tmp/ledger-dept-failure.png', fullPage: true })
        .catch(() => undefined);
      throw error;
    }
  },
);
