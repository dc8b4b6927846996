/**
 * What every browser test needs (playwright-core driving Debian's Chromium, never a downloaded one):
 * the console built, a real server with the demo jurisdiction, one browser page, and URLs on it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestServer } from '../src/test/server.ts';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CHROMIUM = process.env.GOVDX_CHROMIUM ?? '/usr/bin/chromium';
export const DEMO_PASSWORD = 'Govdx@2026';
export const STEP_TIMEOUT = 20_000;

/** Builds the console and the public portal (issue 7) when they are not built yet. */
export function ensureConsoleBuilt(): void {
  for (const app of ['console', 'portal']) {
    if (existsSync(path.join(ROOT, `dist/${app}/index.html`))) continue;
    const vite = path.join(ROOT, 'node_modules/vite/bin/vite.js');
    const res = spawnSync(process.execPath, [vite, 'build', '--config', `${app}/vite.config.ts`], {
      cwd: ROOT,
      stdio: 'inherit',
    });
    assert.equal(res.status, 0, `building the ${app} (vite build) failed`);
  }
}

export interface BrowserSession {
  /** The one browser page of the test file. */
  page(): Page;
  /** An absolute URL on the test server. */
  url(pathname: string): string;
}

/** Starts the server and the browser before the file's tests and stops them after. */
export function browserSession(): BrowserSession {
  let server: { url: string; close(): Promise<void> } | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  before(
    async () => {
      ensureConsoleBuilt();
      server = await startTestServer();
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
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
  return {
    page: () => {
      assert.ok(page, 'browser page not started');
      return page;
    },
    url: (pathname) => {
      assert.ok(server, 'server not started');
      return `${server.url.replace(/\/$/, '')}${pathname}`;
    },
  };
}
