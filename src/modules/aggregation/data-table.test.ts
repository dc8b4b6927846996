import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { getAction } from '../../actions.ts';
import type { Actor } from '../../core/actor.ts';
import { runAction } from '../../core/run-action.ts';
import { item, resourceContent } from '../catalog/factories.ts';
import type { ResourceContentDto } from '../catalog/model.ts';
import {
  createTestPlatform,
  engineAvailable,
  ENGINES,
  type TestPlatform,
} from '../../test/engines.ts';
import { loadDemo } from '../../demo/demo.ts';
import { dataTableName } from './data-table.ts';

const operator: Actor = { type: 'system', name: 'test' };

for (const engine of ENGINES) {
  describe(
    `typed data tables of published resources [${engine}]`,
    { skip: !(await engineAvailable(engine)) },
    () => {
      let platform: TestPlatform;
      before(async () => {
        platform = await createTestPlatform(engine);
        await loadDemo(platform.services);
      });
      after(() => platform.destroy());
      const run = (name: string, input: unknown) =>
        runAction(platform.services, getAction(name), input, { actor: operator });
      const publish = async (code: string, content: ResourceContentDto, revision: number) => {
        await run('catalog.resource.update', { code, revision, content });
        await run('catalog.resource.submit', { code });
        await run('catalog.resource.publish', { code });
      };
      const rows = async (table: string) =>
        (
          await sql<Record<string, unknown>>`select * from ${sql.id(table)}`.execute(
            platform.services.db.kysely,
          )
        ).rows;

      it('creates one table per published tabular demo resource', async () => {
        const tables = await platform.services.db.kysely
          .selectFrom('resource_data_tables')
          .selectAll()
          .execute();
        assert.ok(tables.length >= 60, `${tables.length} tables`);
      });

      it('evolves the table with new versions without losing rows', async () => {
        const content = resourceContent({ name: '居住证签发信息' });
        const { code } = (await run('catalog.resource.create', { orgCode: 'GAJ', content })) as {
          code: string;
        };
        await run('catalog.resource.submit', { code });
        await run('catalog.resource.publish', { code });
        const table = dataTableName(code);
        const db = platform.services.db.kysely;
        await sql`insert into ${sql.id(table)} (id_number, full_name, _row_version, _updated_at) values ('11010519491231002X', '测试', 1, '2026-01-01T00:00:00Z')`.execute(
          db,
        );
        // Duplicate keys are refused by the primary key.
        await assert.rejects(
          sql`insert into ${sql.id(table)} (id_number, full_name, _row_version, _updated_at) values ('11010519491231002X', 'x', 2, 'x')`.execute(
            db,
          ),
        );

        // v2 adds a queryable item: a new column, the row stays.
        await run('catalog.resource.newVersion', { code });
        const withPhone = {
          ...content,
          items: [
            ...content.items,
            item({
              name: '手机号码',
              column: 'mobile',
              length: 11,
              key: false,
              required: false,
              validator: { kind: 'mobile' },
            }),
          ],
        };
        await publish(code, withPhone, 1);
        let current = await rows(table);
        assert.equal(current.length, 1);
        assert.ok('mobile' in current[0]!);
        assert.equal(current[0].mobile, null);

        // v3 changes a type (full name C50 -> M): the table is rebuilt and swapped, the row survives.
        await run('catalog.resource.newVersion', { code });
        const retyped = {
          ...withPhone,
          items: withPhone.items.map((entry) =>
            entry.column === 'full_name'
              ? { ...entry, type: 'M' as const, length: undefined }
              : entry,
          ),
        };
        await publish(code, retyped, 1);
        current = await rows(table);
        assert.equal(current.length, 1);
        assert.equal(current[0]!.full_name, '测试');

        // v4 drops the mobile item: its column and data are kept.
        await run('catalog.resource.newVersion', { code });
        await publish(
          code,
          { ...retyped, items: retyped.items.filter((entry) => entry.column !== 'mobile') },
          1,
        );
        current = await rows(table);
        assert.ok('mobile' in current[0]!);
        const state = await db
          .selectFrom('resource_data_tables')
          .selectAll()
          .where('table_name', '=', table)
          .executeTakeFirstOrThrow();
        assert.equal(state.schema_version, 4);
      });

      it('creates no table for non-tabular resources', async () => {
        const files = resourceContent({
          name: '规划图纸档案',
          formatCategory: 'image',
          storageFormat: 'PDF',
          items: [],
        });
        const { code } = (await run('catalog.resource.create', {
          orgCode: 'ZRZYJ',
          content: files,
        })) as { code: string };
        await run('catalog.resource.submit', { code });
        await run('catalog.resource.publish', { code });
        const state = await platform.services.db.kysely
          .selectFrom('resource_data_tables')
          .select('table_name')
          .where('table_name', '=', dataTableName(code))
          .executeTakeFirst();
        assert.equal(state, undefined);
      });
    },
  );
}
