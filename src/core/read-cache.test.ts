import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { getAction } from '../actions.ts';
import { loadDemo } from '../demo/demo.ts';
import {
  createTestPlatform,
  ENGINES,
  engineAvailable,
  type TestPlatform,
} from '../test/engines.ts';
import { ANONYMOUS } from './actor.ts';
import { AppError } from './errors.ts';
import { ActionReadCache, READ_CACHE_TTL_MS } from './read-cache.ts';
import { runAction } from './run-action.ts';

const orgGet = getAction('org.get');

describe('ActionReadCache', () => {
  it('serves an output until its time runs out', () => {
    let now = 1_000;
    const cache = new ActionReadCache(() => now);
    const key = ActionReadCache.key(orgGet, { code: 'GAJ' });
    assert.equal(cache.get(key), ActionReadCache.MISS);
    cache.set(key, { name: 'a' }, 100, cache.generation);
    assert.deepEqual(cache.get(key), { name: 'a' });
    now += 99;
    assert.deepEqual(cache.get(key), { name: 'a' });
    now += 1;
    assert.equal(cache.get(key), ActionReadCache.MISS);
    assert.equal(cache.size, 0);
  });

  it('keys on the action and its input', () => {
    const cache = new ActionReadCache();
    cache.set(ActionReadCache.key(orgGet, { code: 'GAJ' }), 'GAJ', 1_000, 0);
    assert.equal(cache.get(ActionReadCache.key(orgGet, { code: 'SCJGJ' })), ActionReadCache.MISS);
    assert.equal(
      cache.get(ActionReadCache.key(getAction('org.list'), { code: 'GAJ' })),
      ActionReadCache.MISS,
    );
    assert.equal(cache.get(ActionReadCache.key(orgGet, { code: 'GAJ' })), 'GAJ');
  });

  it('does not keep what a read saw while a change committed, and forgets all on a change', () => {
    const cache = new ActionReadCache();
    const key = ActionReadCache.key(orgGet, { code: 'GAJ' });
    const before = cache.generation;
    cache.invalidate(); // a change commits while the read is in flight
    cache.set(key, { name: 'stale' }, 1_000, before);
    assert.equal(cache.get(key), ActionReadCache.MISS);
    cache.set(key, { name: 'fresh' }, 1_000, cache.generation);
    assert.deepEqual(cache.get(key), { name: 'fresh' });
    cache.invalidate();
    assert.equal(cache.get(key), ActionReadCache.MISS);
  });

  it('freezes what it keeps, so that no caller changes it for the next', () => {
    const cache = new ActionReadCache();
    const stored = cache.set('k', { items: [{ name: 'a' }] }, 1_000, 0);
    assert.throws(() => {
      (stored.items[0] as { name: string }).name = 'b';
    }, TypeError);
    assert.throws(() => stored.items.push({ name: 'c' }), TypeError);
  });
});

for (const engine of ENGINES) {
  describe(`cached reference reads through runAction (${engine})`, async () => {
    const available = await engineAvailable(engine);
    const system = { actor: { type: 'system' as const, name: 'test' } };
    let platform: TestPlatform;
    let now = Date.now();
    before(async () => {
      if (!available) return;
      platform = await createTestPlatform(engine);
      await loadDemo(platform.services);
    });
    beforeEach(() => {
      if (!available) return;
      now = Date.now();
      platform.services.readCache = new ActionReadCache(() => now);
    });
    after(async () => {
      if (available) await platform.destroy();
    });

    const readName = async (code: string) =>
      ((await runAction(platform.services, orgGet, { code }, system)) as { name: string }).name;
    // What another process (the CLI) does: a change that this process's cache cannot hear of.
    const renameElsewhere = (code: string, name: string) =>
      platform.services.db.kysely
        .updateTable('orgs')
        .set({ name })
        .where('code', '=', code)
        .execute();

    it(
      'serves org.get from the cache; a change made elsewhere shows after the TTL',
      { skip: !available },
      async () => {
        const original = await readName('GAJ');
        await renameElsewhere('GAJ', '改名后的公安局');
        assert.equal(await readName('GAJ'), original, 'the cached read');
        now += READ_CACHE_TTL_MS;
        assert.equal(await readName('GAJ'), '改名后的公安局');
        await renameElsewhere('GAJ', original);
      },
    );

    it(
      'shows a change committed through an action in this process at once',
      { skip: !available },
      async () => {
        const original = await readName('RSJ');
        const list = (await runAction(platform.services, getAction('org.list'), {}, system)) as {
          items: { code: string; name: string }[];
        };
        assert.equal(list.items.find((org) => org.code === 'RSJ')?.name, original);
        await runAction(
          platform.services,
          getAction('org.update'),
          { code: 'RSJ', name: '示范市人力资源和社会保障局（新）' },
          system,
        );
        assert.equal(await readName('RSJ'), '示范市人力资源和社会保障局（新）');
        const listed = (await runAction(platform.services, getAction('org.list'), {}, system)) as {
          items: { code: string; name: string }[];
        };
        assert.equal(
          listed.items.find((org) => org.code === 'RSJ')?.name,
          '示范市人力资源和社会保障局（新）',
        );
        await runAction(
          platform.services,
          getAction('org.update'),
          { code: 'RSJ', name: original },
          system,
        );
      },
    );

    it(
      'does not cache a miss: an organisation created later is found',
      { skip: !available },
      async () => {
        await assert.rejects(readName('CACHETEST'), (error: unknown) => {
          assert.ok(error instanceof AppError);
          assert.equal(error.code, 'NOT_FOUND');
          return true;
        });
        await runAction(
          platform.services,
          getAction('org.create'),
          { code: 'CACHETEST', name: '缓存测试局', kind: 'department', regionCode: '990100' },
          system,
        );
        assert.equal(await readName('CACHETEST'), '缓存测试局');
      },
    );

    it('still runs the policy on a cached read', { skip: !available }, async () => {
      await readName('GAJ');
      assert.ok(platform.services.readCache.size > 0);
      await assert.rejects(
        runAction(platform.services, orgGet, { code: 'GAJ' }, { actor: ANONYMOUS }),
        (error: unknown) => error instanceof AppError && error.code === 'UNAUTHENTICATED',
      );
    });
  });
}
