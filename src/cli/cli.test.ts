import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import pg from 'pg';
import { resourceContent } from '../modules/catalog/factories.ts';
import {
  buildImportTemplate,
  ITEM_COLUMNS,
  RESOURCE_COLUMNS,
  templateValues,
} from '../modules/catalog/xlsx.ts';
import { engineAvailable, ENGINES, PG_TEST_URL } from '../test/engines.ts';

const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/govdx.mjs');

for (const engine of ENGINES) {
  describe(`govdx CLI [${engine}]`, { skip: !(await engineAvailable(engine)) }, () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'govdx-cli-'));
    const schema = `cli_${randomBytes(5).toString('hex')}`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      GOVDX_DATA_DIR: dir,
      GOVDX_LOG_LEVEL: 'silent',
      GOVDX_DEMO_DATA: 'sample',
      GOVDX_DATABASE_URL:
        engine === 'sqlite'
          ? `sqlite:${path.join(dir, 'cli.db')}`
          : `${PG_TEST_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    };
    const govdx = (...args: string[]) =>
      spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', timeout: 60_000 });

    before(async () => {
      if (engine !== 'postgres') return;
      const client = new pg.Client({ connectionString: PG_TEST_URL });
      await client.connect();
      await client.query(`create schema ${schema}`);
      await client.end();
    });
    after(async () => {
      rmSync(dir, { recursive: true, force: true });
      if (engine !== 'postgres') return;
      const client = new pg.Client({ connectionString: PG_TEST_URL });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    });

    it('lists every command in --help', () => {
      const help = govdx('--help');
      assert.equal(help.status, 0);
      for (const command of [
        'serve',
        'catalog',
        'migrate',
        'demo',
        'user',
        'token',
        'org',
        'config',
        'calendar',
        'grant',
        'share',
      ]) {
        assert.match(help.stdout, new RegExp(`\\b${command}\\b`));
      }
    });

    it('migrates, loads the demo once, and lists organisations as JSON', () => {
      const migrate = govdx('migrate');
      assert.equal(migrate.status, 0, migrate.stderr);
      assert.match(migrate.stdout, /Success: 0001_foundation/);
      assert.match(govdx('migrate').stdout, /up to date/);
      const demo = govdx('demo');
      assert.equal(demo.status, 0, demo.stderr);
      assert.match(demo.stdout, /admin\s+authority_admin/);
      const again = govdx('demo');
      assert.equal(again.status, 1);
      assert.match(again.stderr, /not empty/);
      const list = govdx('org', 'list', '--json');
      const orgs = JSON.parse(list.stdout) as { code: string; kind: string }[];
      assert.ok(orgs.filter((org) => org.kind === 'department').length >= 12);
      assert.ok(orgs.some((org) => org.code === 'DSJ' && org.kind === 'authority'));
    });

    it('lists the organisations of a region and refuses a region that does not exist', () => {
      const city = govdx('org', 'list', '--region', '990100');
      assert.equal(city.status, 0, city.stderr);
      assert.match(city.stdout, /^GAJ\s+department\s+990100/m);
      const unknown = govdx('org', 'list', '--region', '999999');
      assert.equal(unknown.status, 1);
      assert.equal(unknown.stdout, '');
      assert.match(unknown.stderr, /^error VALIDATION: /);
      assert.match(unknown.stderr, /^ {2}regionCode: 行政区划不存在 \/ region does not exist$/m);
    });

    it('migrates a paper sharing agreement into a grant, lists and revokes it (issue 5)', () => {
      const list = govdx('catalog', 'list', '--json', '--status', 'published', '--org', 'GAJ');
      const entries = JSON.parse(list.stdout) as { code: string; name: string }[];
      const vehicles = entries.find((entry) => entry.name === '机动车登记信息')?.code ?? '';
      assert.ok(vehicles);
      const created = govdx(
        'grant',
        'create',
        '--consumer',
        'JTJ',
        '--resource',
        vehicles,
        '--items',
        'plate_no,plate_type,owner_name,owner_id_no',
        '--purpose',
        '道路运输经营许可核查',
        '--mask',
        'owner_id_no=id_number',
        '--mask',
        'owner_name=name',
        '--ops',
        'lookup,verify',
        '--until',
        '2099-12-31',
      );
      assert.equal(created.status, 0, created.stderr);
      const id = created.stdout.trim();
      assert.match(id, /^[0-9a-f-]{36}$/);
      const grants = JSON.parse(govdx('grant', 'list', '--json').stdout) as {
        id: string;
        status: string;
        consumerOrgCode: string;
        origin: string;
        operations: string[];
        validTo: string;
        items: { column: string; masking: string }[];
      }[];
      const grant = grants.find((g) => g.id === id);
      assert.equal(grant?.status, 'active');
      assert.equal(grant?.consumerOrgCode, 'JTJ');
      assert.equal(grant?.origin, 'authority');
      assert.deepEqual(grant?.operations, ['lookup', 'verify']);
      assert.equal(grant?.validTo, '2099-12-31T15:59:59.999Z');
      assert.deepEqual(
        grant?.items.map((item) => `${item.column}=${item.masking}`),
        ['plate_no=none', 'plate_type=none', 'owner_name=name', 'owner_id_no=id_number'],
      );
      const table = govdx('grant', 'list');
      assert.match(table.stdout, new RegExp(`${id}\\s+active\\s+JTJ`));
      const badMask = govdx(
        'grant',
        'create',
        '--consumer',
        'JTJ',
        '--resource',
        vehicles,
        '--items',
        'plate_no',
        '--purpose',
        '测试用途',
        '--mask',
        'plate_no=blur',
      );
      assert.equal(badMask.status, 1);
      assert.match(badMask.stderr, /--mask/);
      const revoked = govdx('grant', 'revoke', id, '--reason', '协议到期终止');
      assert.equal(revoked.status, 0, revoked.stderr);
      const after = JSON.parse(govdx('grant', 'list', '--json', '--status', 'revoked').stdout) as {
        id: string;
      }[];
      assert.ok(after.some((g) => g.id === id));
      const requests = govdx('share', 'requests', '--json', '--overdue');
      assert.equal(requests.status, 0, requests.stderr);
      assert.ok(Array.isArray(JSON.parse(requests.stdout)));
    });

    it('lists, exports and imports catalog entries', async () => {
      const list = govdx('catalog', 'list', '--json', '--status', 'published', '--org', 'GAJ');
      assert.equal(list.status, 0, list.stderr);
      const entries = JSON.parse(list.stdout) as {
        code: string;
        provider: { code: string };
        status: string;
        version: number;
        shareClass: string;
        updateCycle: string;
        items: { name: string; type: string }[];
      }[];
      assert.ok(entries.length >= 3);
      for (const entry of entries) {
        assert.equal(entry.provider.code, 'GAJ');
        assert.equal(entry.status, 'published');
        assert.ok(entry.version >= 1 && entry.shareClass && entry.updateCycle);
      }
      assert.ok(entries.some((entry) => entry.items.some((item) => item.name === '公民身份号码')));

      const csv = spawnSync(
        process.execPath,
        [BIN, 'catalog', 'export', '--format', 'csv', '--list', 'open'],
        { env, timeout: 60_000 },
      );
      assert.equal(csv.status, 0, String(csv.stderr));
      assert.deepEqual([...csv.stdout.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
      assert.match(csv.stdout.toString('utf8'), /^\ufeff资源代码,资源名称,资源提供方/);
      // A file with one good and one faulty resource: nothing, then (--valid-only) the good one.
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load((await buildImportTemplate()) as never);
      const add = (good: boolean) => {
        const content = resourceContent({ name: good ? 'CLI 导入资源' : 'CLI 问题资源' });
        const values = templateValues('GAJ', content);
        workbook
          .getWorksheet('资源')
          ?.addRow(
            RESOURCE_COLUMNS.map((column) =>
              !good && column.key === 'updateCycle'
                ? '每小时'
                : (values.resource[column.key] ?? null),
            ),
          );
        for (const itemValues of values.items) {
          workbook
            .getWorksheet('信息项')
            ?.addRow(ITEM_COLUMNS.map((column) => itemValues[column.key] ?? null));
        }
      };
      add(true);
      add(false);
      const file = path.join(dir, 'import.xlsx');
      await workbook.xlsx.writeFile(file);
      const refused = govdx('catalog', 'import', file);
      assert.equal(refused.status, 1);
      assert.match(refused.stderr, /未导入任何资源/);
      assert.match(refused.stderr, /资源\s+4\s+更新周期\s+“每小时”不是有效的更新周期/);
      const partial = govdx('catalog', 'import', file, '--valid-only');
      assert.equal(partial.status, 0, partial.stderr);
      assert.match(partial.stdout, /row 3\s+BM-GAJ-\d{6}\s+submitted\s+CLI 导入资源/);
      assert.match(partial.stderr, /资源\s+4\s+更新周期/);
    });

    it('creates users and tokens through the actions, with clear errors', () => {
      const created = govdx(
        'user',
        'create',
        '--org',
        'GAJ',
        '--role',
        'dept_operator',
        '--username',
        'cli_clerk',
        '--password',
        'Cli-password-1',
      );
      assert.equal(created.status, 0, created.stderr);
      assert.match(created.stdout, /created user cli_clerk/);
      const duplicate = govdx(
        'user',
        'create',
        '--org',
        'GAJ',
        '--role',
        'dept_operator',
        '--username',
        'cli_clerk',
        '--password',
        'Cli-password-1',
      );
      assert.equal(duplicate.status, 1);
      assert.match(duplicate.stderr, /CONFLICT/);
      const weak = govdx(
        'user',
        'create',
        '--org',
        'GAJ',
        '--role',
        'dept_operator',
        '--username',
        'cli_weak',
        '--password',
        'short',
      );
      assert.equal(weak.status, 1);
      assert.match(weak.stderr, /password: 至少 10 个字符/);
      const token = govdx(
        'token',
        'create',
        '--org',
        'GAJ',
        '--name',
        '前置机',
        '--expires',
        '2099-01-01',
      );
      assert.equal(token.status, 0, token.stderr);
      assert.match(token.stdout.trim(), /^gdx_[A-Za-z0-9_-]{43}$/);
      const badOrg = govdx('token', 'create', '--org', 'NOPE', '--name', 'x');
      assert.equal(badOrg.status, 1);
      assert.match(badOrg.stderr, /orgCode/);
    });

    it('pre-checks values with the ingestion validators, exiting 1 when any is invalid', () => {
      const ok = govdx('validate', '--kind', 'credit-code', '91350100M000100Y43');
      assert.equal(ok.status, 0, ok.stderr);
      assert.match(ok.stdout, /1 valid, 0 invalid/);
      const bad = govdx(
        'validate',
        '--kind',
        'id-card',
        '--json',
        '11010519491231002X',
        '110105194912310021',
      );
      assert.equal(bad.status, 1, bad.stderr);
      assert.notEqual(bad.stdout, '', bad.stderr);
      const report = JSON.parse(bad.stdout) as { validCount: number; invalidCount: number };
      assert.deepEqual([report.validCount, report.invalidCount], [1, 1]);
    });

    it('computes working days and refuses uncovered years', () => {
      const ok = govdx('calendar', 'add-working-days', '2025-09-26', '5', '--region', '990100');
      assert.equal(ok.stdout.trim(), '2025-10-10');
      const uncovered = govdx('calendar', 'add-working-days', '2026-12-28', '10');
      assert.equal(uncovered.status, 1);
      assert.match(uncovered.stderr, /2027/);
    });

    it('checks the configuration, listing every problem', () => {
      const ok = govdx('config', 'check');
      assert.equal(ok.status, 0, ok.stderr);
      assert.match(ok.stdout, /schema up to date/);
      const bad = spawnSync(process.execPath, [BIN, 'config', 'check'], {
        env: { ...env, GOVDX_PORT: 'x', GOVDX_LOG_LEVEL: 'loud' },
        encoding: 'utf8',
      });
      assert.equal(bad.status, 1);
      assert.match(bad.stderr, /GOVDX_PORT/);
      assert.match(bad.stderr, /GOVDX_LOG_LEVEL/);
    });

    it('serves until SIGTERM and shuts down cleanly', async () => {
      const server = spawn(process.execPath, [BIN, 'serve'], { env: { ...env, GOVDX_PORT: '0' } });
      let output = '';
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no listen line: ${output}`)), 30_000);
        server.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /listening on (http:\/\/\S+)/.exec(output);
          if (match?.[1]) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        });
      });
      const ready = await fetch(`${url}/readyz`);
      assert.equal(ready.status, 200);
      const exited = new Promise<number | null>((resolve) => server.on('exit', resolve));
      server.kill('SIGTERM');
      assert.equal(await exited, 0);
    });
  });
}
