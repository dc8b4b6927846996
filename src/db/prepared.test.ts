import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadDemo } from '../demo/demo.ts';
import {
  createTestPlatform,
  ENGINES,
  engineAvailable,
  type TestPlatform,
} from '../test/engines.ts';
import { preparedQuery } from './prepared.ts';

// Arguments and fixed values together, in an order that differs from the arguments' own.
const departmentsOfRegion = preparedQuery((db, args: { region: string; after: string }) =>
  db
    .selectFrom('orgs')
    .select(['code', 'kind'])
    .where('kind', '=', 'department')
    .where('region_code', '=', args.region)
    .where('code', '>', args.after)
    .orderBy('code')
    .limit(3),
);

const orgByCode = preparedQuery((db, args: { code: string }) =>
  db.selectFrom('orgs').select(['code', 'name']).where('code', '=', args.code),
);

for (const engine of ENGINES) {
  describe(`preparedQuery (${engine})`, async () => {
    const available = await engineAvailable(engine);
    let platform: TestPlatform;
    before(async () => {
      if (!available) return;
      platform = await createTestPlatform(engine);
      await loadDemo(platform.services);
    });
    after(async () => {
      if (available) await platform.destroy();
    });

    it(
      'runs with each call’s arguments, as the same query built anew would',
      { skip: !available },
      async () => {
        const db = platform.services.db.kysely;
        for (const after of ['', 'GAJ', 'JTYSJ']) {
          const expected = await db
            .selectFrom('orgs')
            .select(['code', 'kind'])
            .where('kind', '=', 'department')
            .where('region_code', '=', '990100')
            .where('code', '>', after)
            .orderBy('code')
            .limit(3)
            .execute();
          assert.ok(expected.length > 0);
          assert.deepEqual(
            await departmentsOfRegion.execute(db, { region: '990100', after }),
            expected,
          );
        }
        assert.deepEqual(
          await departmentsOfRegion.execute(db, { region: '000000', after: '' }),
          [],
        );
        assert.equal((await orgByCode.executeTakeFirst(db, { code: 'GAJ' }))?.name, '示范市公安局');
        assert.equal(await orgByCode.executeTakeFirst(db, { code: 'NOPE' }), undefined);
      },
    );

    it('reads inside a transaction what the transaction wrote', { skip: !available }, async () => {
      const db = platform.services.db.kysely;
      await db
        .transaction()
        .execute(async (trx) => {
          await trx.updateTable('orgs').set({ name: '改名中' }).where('code', '=', 'GAJ').execute();
          assert.equal((await orgByCode.executeTakeFirst(trx, { code: 'GAJ' }))?.name, '改名中');
          throw new Error('roll back');
        })
        .catch((error: unknown) => assert.equal((error as Error).message, 'roll back'));
      assert.equal((await orgByCode.executeTakeFirst(db, { code: 'GAJ' }))?.name, '示范市公安局');
    });
  });
}
