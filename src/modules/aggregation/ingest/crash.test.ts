import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { demoCitizenId } from '../../../demo/demo-data.ts';
import { engineAvailable, ENGINES, PG_TEST_URL } from '../../../test/engines.ts';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../bin/govdx.mjs');
const HEADER = '公民身份号码,姓名,性别,出生日期,常住类型,现住址,行政区划代码,所属派出所,登记日期';

function residentsCsv(from: number, count: number, name = '居民'): string {
  const lines = [HEADER];
  for (let i = from; i < from + count; i++) {
    const { id, birth, gender } = demoCitizenId(i);
    lines.push(
      `${id},${name}${i},${gender},${birth},户籍,示范市中心区人民路${i}号,990102,中心派出所,2020-01-01`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * `govdx ingest` end to end, and the crash guarantee of issue 4: a process killed with SIGKILL in the
 * middle of a full replace leaves the previous data intact and the batch failed once recovered; a
 * rerun works. Runs the real CLI in child processes on both engines.
 */
for (const engine of ENGINES) {
  describe(
    `govdx ingest and crash safety [${engine}]`,
    { skip: !(await engineAvailable(engine)) },
    () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'govdx-ingest-cli-'));
      const schema = `ingest_${randomBytes(5).toString('hex')}`;
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        GOVDX_DATA_DIR: dir,
        GOVDX_LOG_LEVEL: 'silent',
        GOVDX_DEMO_DATA: 'none',
        GOVDX_DATABASE_URL:
          engine === 'sqlite'
            ? `sqlite:${path.join(dir, 'cli.db')}`
            : `${PG_TEST_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`,
      };
      const govdx = (...args: string[]) =>
        spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', timeout: 120_000 });
      let code = '';
      let query: (text: string) => Promise<Record<string, unknown>[]>;
      let close: () => Promise<void> = () => Promise.resolve();

      before(async () => {
        if (engine === 'postgres') {
          const client = new pg.Client({ connectionString: PG_TEST_URL });
          await client.connect();
          await client.query(`create schema ${schema}`);
          await client.query(`set search_path = ${schema}`);
          query = async (text) => (await client.query(text)).rows as Record<string, unknown>[];
          close = async () => {
            await client.query(`drop schema if exists ${schema} cascade`);
            await client.end();
          };
        }
        assert.equal(govdx('demo').status, 0);
        if (engine === 'sqlite') {
          const sqlite = new SqliteDatabase(path.join(dir, 'cli.db'), { readonly: true });
          query = (text) =>
            Promise.resolve(sqlite.prepare(text).all() as Record<string, unknown>[]);
          close = () => {
            sqlite.close();
            return Promise.resolve();
          };
        }
        const listed = govdx('catalog', 'list', '--json', '--org', 'GAJ');
        assert.equal(listed.status, 0, listed.stderr);
        const list = JSON.parse(listed.stdout) as {
          code: string;
          name: string;
        }[];
        code = list.find((entry) => entry.name === '常住人口基本信息')!.code;
      });
      after(async () => {
        await close();
        rmSync(dir, { recursive: true, force: true });
      });

      const liveCount = async () =>
        Number(
          (
            await query(
              `select count(*) as n from ds_${code.toLowerCase().replace(/-/g, '_')} where _deleted = 0`,
            )
          )[0]!.n,
        );

      it('loads a file and prints the batch summary with rejected rows as JSON (exit 1 when rows are rejected)', async () => {
        const file = path.join(dir, 'residents.csv');
        const valid = demoCitizenId(999_999).id;
        const wrongCheck = valid.endsWith('0') ? '1' : '0';
        const bad = `${valid.slice(0, 17)}${wrongCheck},坏号码,男,1990-01-01,户籍,,990102,,`;
        writeFileSync(file, `${residentsCsv(0, 50)}${bad}\n`);
        const result = govdx(
          'ingest',
          '--resource',
          code,
          '--file',
          file,
          '--mode',
          'replace',
          '--json',
        );
        assert.equal(result.status, 1, result.stderr);
        const summary = JSON.parse(result.stdout) as {
          status: string;
          rowsRead: number;
          rowsInserted: number;
          rowsRejected: number;
          sha256: string;
          rejections: { row: number; column: string; code: string }[];
        };
        assert.equal(summary.status, 'succeeded');
        assert.equal(summary.rowsRead, 51);
        assert.equal(summary.rowsInserted, 50);
        assert.equal(summary.rowsRejected, 1);
        assert.deepEqual(
          summary.rejections.map((entry) => [entry.row, entry.column, entry.code]),
          [[52, 'id_card_no', 'VALIDATOR']],
        );
        assert.match(summary.sha256, /^[0-9a-f]{64}$/);
        assert.equal(await liveCount(), 50);
        const clean = govdx(
          'ingest',
          '--resource',
          code,
          '--file',
          file.replace('residents', 'clean'),
        );
        assert.notEqual(clean.status, 0, 'a missing file is an error');
      });

      it('survives SIGKILL in the middle of a full replace: old data intact, batch failed, rerun works', async () => {
        const big = path.join(dir, 'big.csv');
        writeFileSync(big, residentsCsv(1000, 400_000, '新'));
        const child = spawn(
          process.execPath,
          [BIN, 'ingest', '--resource', code, '--file', big, '--mode', 'replace'],
          {
            env,
            stdio: 'ignore',
          },
        );
        // Kill it once the batch is under way (rows counted by its heartbeat).
        let running: Record<string, unknown> | undefined;
        for (let attempt = 0; attempt < 1500 && !running; attempt++) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          running = (
            await query(`select id, rows_read from ingest_batches where status = 'running'`)
          ).find((row) => Number(row.rows_read) > 0);
        }
        assert.ok(running, 'the batch started');
        child.kill('SIGKILL');
        await new Promise((resolve) => child.once('exit', resolve));
        // Still exactly the previous 50 rows; the batch is left running by the dead process.
        assert.equal(await liveCount(), 50);
        const [left] = await query(
          `select status from ingest_batches where id = '${String(running.id)}'`,
        );
        assert.equal(left?.status, 'running');

        const small = path.join(dir, 'small.csv');
        writeFileSync(small, residentsCsv(2000, 10));
        const rerun = govdx(
          'ingest',
          '--resource',
          code,
          '--file',
          small,
          '--mode',
          'replace',
          '--json',
        );
        assert.equal(rerun.status, 0, rerun.stderr);
        assert.equal(await liveCount(), 10);
        const [recovered] = await query(
          `select status, error_code from ingest_batches where id = '${String(running.id)}'`,
        );
        assert.deepEqual({ ...recovered }, { status: 'failed', error_code: 'INGEST_INTERRUPTED' });
        const leftovers = await query(
          engine === 'sqlite'
            ? `select name from sqlite_master where type = 'table' and instr(name, '__b') > 0`
            : `select table_name from information_schema.tables where table_schema = '${schema}' and table_name like '%\\_\\_b%'`,
        );
        assert.deepEqual(leftovers, []);
      });
    },
  );
}
