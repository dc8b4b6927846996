import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { segmentQuery } from './search.ts';
import { configureSegmenter, releaseSegmenter, segment, segmenterLoaded } from './segmenter.ts';

describe('segmenter (jieba in a worker released when idle)', () => {
  after(async () => {
    configureSegmenter({ idleMs: 5_000 });
    await releaseSegmenter();
  });

  it('ends the worker after the idle period and starts a new one on the next call', async () => {
    configureSegmenter({ idleMs: 50 });
    assert.deepEqual(await segment('常住人口基本信息', 'query'), ['常住人口', '基本', '信息']);
    assert.equal(segmenterLoaded(), true);
    await sleep(300);
    assert.equal(segmenterLoaded(), false);
    // Same answers from a new worker, in both modes.
    assert.deepEqual(await segment('常住人口基本信息', 'query'), ['常住人口', '基本', '信息']);
    assert.deepEqual(await segment('常住人口', 'document'), ['常住', '人口', '常住人口']);
    assert.deepEqual(await segment('', 'document'), []);
  });

  it('keeps jieba loaded with an idle period of 0', async () => {
    configureSegmenter({ idleMs: 0 });
    await segment('营业执照', 'query');
    await sleep(100);
    assert.equal(segmenterLoaded(), true);
  });

  it('answers concurrent requests each with its own tokens', async () => {
    const texts = ['户籍人口', '营业执照', '空气质量监测', '医疗机构', '公积金缴存'];
    const answers = await Promise.all(texts.map((text) => segment(text, 'query')));
    assert.deepEqual(answers, await Promise.all(texts.map((text) => segment(text, 'query'))));
    assert.deepEqual(answers[1], ['营业执照']);
  });

  it('serves repeated queries from its cache without the worker, as copies', async () => {
    configureSegmenter({ idleMs: 50 });
    const first = await segmentQuery('不动产登记 信息');
    await sleep(300);
    assert.equal(segmenterLoaded(), false);
    first.push('changed');
    assert.deepEqual(await segmentQuery('不动产登记 信息'), ['不动产', '登记', '信息']);
    assert.equal(segmenterLoaded(), false);
  });
});
