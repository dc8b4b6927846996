import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientAddressKey, SlidingWindowLimiter } from './rate-limit.ts';

const START = Date.UTC(2026, 10, 24, 10, 0, 0);
const SECOND = 1000;

describe('sliding-window rate limiter', () => {
  it('allows the limit within a minute and refuses beyond it, per key', () => {
    const limiter = new SlidingWindowLimiter();
    for (let i = 0; i < 5; i++) assert.equal(limiter.take('g', 5, START + i), true);
    assert.equal(limiter.take('g', 5, START + 10), false);
    assert.equal(limiter.take('other', 5, START + 10), true);
    // Two minutes on, the window has moved past the burst.
    assert.equal(limiter.take('g', 5, START + 120 * SECOND), true);
  });

  it("weighs the previous minute's calls by the part of it still inside the window", () => {
    const limiter = new SlidingWindowLimiter();
    for (let i = 0; i < 10; i++) assert.equal(limiter.take('k', 10, START + 50 * SECOND), true);
    // 15 s into the next minute, 3/4 of the previous minute is inside the window: 7.5 calls, so three
    // more fit (9.5 < 10) and a fourth does not.
    const at = START + 75 * SECOND;
    for (let i = 0; i < 3; i++) assert.equal(limiter.take('k', 10, at), true);
    assert.equal(limiter.take('k', 10, at), false);
    // 45 s in, a quarter (2.5 calls) is left: with this minute's 3, five more fit.
    const later = START + 105 * SECOND;
    for (let i = 0; i < 5; i++) assert.equal(limiter.take('k', 10, later), true);
    assert.equal(limiter.take('k', 10, later), false);
  });

  it('says how long a refused key waits, and the key fits again then', () => {
    const limiter = new SlidingWindowLimiter();
    // This minute's own calls reach the limit: wait for the next minute, then for the weight to drop.
    for (let i = 0; i < 4; i++) limiter.take('a', 4, START + 20 * SECOND);
    assert.equal(limiter.take('a', 4, START + 30 * SECOND), false);
    const wait = limiter.retryAfterSeconds('a', 4, START + 30 * SECOND);
    assert.equal(wait, 31); // the next minute starts in 30 s; 4 * w < 4 right after it
    assert.equal(limiter.take('a', 4, START + 30 * SECOND + (wait - 1) * SECOND), false);
    assert.equal(limiter.take('a', 4, START + 30 * SECOND + wait * SECOND), true);

    // Only the previous minute's calls are in the way: the wait ends within this minute.
    const other = new SlidingWindowLimiter();
    for (let i = 0; i < 8; i++) other.take('b', 8, START + 59 * SECOND);
    const now = START + 61 * SECOND;
    assert.equal(other.take('b', 8, now), true); // 8 * 59/60 = 7.87 previous + 0 current < 8
    assert.equal(other.take('b', 8, now), false); // 1 + 7.87 >= 8
    const retry = other.retryAfterSeconds('b', 8, now);
    assert.equal(retry, 7); // 1 + 8 * w < 8 once w < 7/8, i.e. 7.5 s into the minute
    assert.equal(other.take('b', 8, now + (retry - 1) * SECOND), false);
    assert.equal(other.take('b', 8, now + retry * SECOND), true);
  });

  it('keeps counts only for the keys seen in the last two minutes', () => {
    const limiter = new SlidingWindowLimiter();
    for (let i = 0; i < 1000; i++) limiter.take(`ip:10.0.${i >> 8}.${i & 255}`, 60, START + i);
    assert.equal(limiter.size, 1000);
    limiter.take('ip:10.9.9.9', 60, START + 61 * SECOND);
    assert.equal(limiter.size, 1001); // the previous minute still weighs
    limiter.take('ip:10.9.9.9', 60, START + 121 * SECOND);
    assert.equal(limiter.size, 2); // only 10.9.9.9, in both minutes
  });

  it('starts afresh when the clock is set back', () => {
    const limiter = new SlidingWindowLimiter();
    for (let i = 0; i < 3; i++) limiter.take('c', 3, START + 5 * 60 * SECOND);
    assert.equal(limiter.take('c', 3, START + 5 * 60 * SECOND), false);
    assert.equal(limiter.take('c', 3, START), true);
  });
});

describe('client address keys', () => {
  it('counts an IPv6 /64 as one client, and an IPv4-mapped address as its IPv4 form', () => {
    assert.equal(clientAddressKey('10.0.0.7'), '10.0.0.7');
    assert.equal(clientAddressKey('::ffff:10.0.0.7'), '10.0.0.7');
    assert.equal(clientAddressKey('2001:db8:1:2:3:4:5:6'), '2001:db8:1:2::/64');
    assert.equal(clientAddressKey('2001:db8:1:2:ffff::1'), '2001:db8:1:2::/64');
    assert.notEqual(clientAddressKey('2001:db8:1:3::1'), clientAddressKey('2001:db8:1:2::1'));
    assert.equal(clientAddressKey('::1'), '::/64');
  });
});
