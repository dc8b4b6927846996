import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Actor } from '../../core/actor.ts';
import { AppError } from '../../core/errors.ts';
import { runAction } from '../../core/run-action.ts';
import { getAction } from '../../actions.ts';
import {
  createTestPlatform,
  engineAvailable,
  ENGINES,
  type TestPlatform,
} from '../../test/engines.ts';

const operator: Actor = { type: 'system', name: 'test' };

for (const engine of ENGINES) {
  describe(
    `PRC working-day calendar [${engine}]`,
    { skip: !(await engineAvailable(engine)) },
    () => {
      let platform: TestPlatform;
      before(async () => {
        platform = await createTestPlatform(engine);
      });
      after(() => platform.destroy());
      const add = (date: string, n: number, regionPath?: string) =>
        platform.services.calendar.addWorkingDays(date, n, regionPath);

      it('counts from the day after receipt over holidays and 调休 working days (issue 2 examples)', async () => {
        assert.equal(await add('2025-09-26', 5), '2025-10-10');
        assert.equal(await add('2025-09-26', 10), '2025-10-16');
        assert.equal(await add('2026-02-10', 15), '2026-03-09');
        assert.equal(await add('2024-09-27', 5), '2024-10-10');
        assert.equal(await add('2025-09-26', 0), '2025-09-26');
        // A Friday receipt: Saturday and Sunday are off, Monday is day 1.
        assert.equal(await add('2025-11-21', 1), '2025-11-24');
      });

      it('refuses a year the data does not cover instead of guessing weekdays', async () => {
        await assert.rejects(add('2027-03-01', 1), (error: unknown) => {
          assert.ok(error instanceof AppError);
          assert.equal(error.code, 'VALIDATION');
          assert.match(error.localized.en, /does not cover 2027/);
          return true;
        });
        await assert.rejects(add('2026-12-28', 10), /does not cover 2027/);
        await assert.rejects(add('2026-02-30', 1), (error: unknown) => {
          assert.ok(error instanceof AppError);
          assert.match(error.fields?.date?.en ?? '', /invalid date/);
          return true;
        });
      });

      it('applies admin overrides, national and regional, and declared years', async () => {
        const run = (name: string, input: unknown) =>
          runAction(platform.services, getAction(name), input, {
            actor: operator,
            validateOutput: true,
          });
        await run('region.create', { code: '980000', name: '测试省', level: 'province' });
        await run('region.create', {
          code: '980100',
          name: '测试市',
          level: 'city',
          parentCode: '980000',
        });
        // A local holiday in one city moves its deadlines but not the nation's.
        await run('calendar.override.set', {
          date: '2025-11-24',
          working: false,
          name: '地方节日',
          regionCode: '980100',
        });
        assert.equal(await add('2025-11-21', 1, '/980000/980100/'), '2025-11-25');
        assert.equal(await add('2025-11-21', 1, '/980000/'), '2025-11-24');
        // 2027 becomes usable once declared; its overrides then count.
        // A year with no national holidays entered cannot be declared complete.
        await assert.rejects(
          run('calendar.year.declare', { year: 2027, note: '空' }),
          (error: unknown) => {
            assert.ok(error instanceof AppError);
            assert.ok(error.fields?.year);
            return true;
          },
        );
        await assert.rejects(
          run('calendar.override.set', { date: '2027-01-01', working: false, name: '  ' }),
          AppError,
        );
        await run('calendar.override.set', { date: '2027-01-01', working: false, name: '元旦' });
        await run('calendar.year.declare', {
          year: 2027,
          note: '国务院办公厅2027年部分节假日安排通知已录入',
        });
        assert.equal(await add('2026-12-31', 1), '2027-01-04');
        const listed = (await run('calendar.override.list', {})) as {
          coveredYears: number[];
          declaredYears: { year: number; note: string }[];
          items: unknown[];
        };
        assert.ok(listed.coveredYears.includes(2027));
        assert.equal(listed.declaredYears[0]?.year, 2027);
        assert.equal(listed.items.length, 2);
        await run('calendar.year.undeclare', { year: 2027 });
        await assert.rejects(add('2026-12-31', 1), /does not cover 2027/);
        await run('calendar.override.delete', { date: '2025-11-24', regionCode: '980100' });
        assert.equal(await add('2025-11-21', 1, '/980000/980100/'), '2025-11-24');
      });
    },
  );
}
