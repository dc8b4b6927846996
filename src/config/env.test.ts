import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from './env.ts';

describe('configuration', () => {
  it('applies defaults and persists a generated session secret', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'govdx-config-'));
    const config = loadConfig({ GOVDX_DATA_DIR: dir });
    assert.equal(config.port, 8080);
    assert.equal(config.databaseUrl, `sqlite:${path.join(dir, 'govdx.db')}`);
    assert.ok(config.sessionSecret.length >= 32);
    assert.equal(
      readFileSync(path.join(dir, 'session-secret'), 'utf8').trim(),
      config.sessionSecret,
    );
    assert.equal(loadConfig({ GOVDX_DATA_DIR: dir }).sessionSecret, config.sessionSecret);
  });

  it('lists every problem at once', () => {
    assert.throws(
      () =>
        loadConfig({
          GOVDX_PORT: 'eighty',
          GOVDX_DATABASE_URL: 'mysql://x',
          GOVDX_LOG_LEVEL: 'loud',
          GOVDX_SESSION_SECRET: 'short',
          GOVDX_DEMO: 'maybe',
        }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.problems.length, 5);
        assert.match(error.message, /GOVDX_PORT="eighty"/);
        return true;
      },
    );
  });
});
