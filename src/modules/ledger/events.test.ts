import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import canonicalize from 'canonicalize';
import { canonicalJson } from './events.ts';

/** A deterministic pseudo-random generator, so that a failure can be replayed. */
function generator(seed: number) {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return state / 2 ** 32;
  };
}

const CHARACTERS = [
  'a',
  'Z',
  '0',
  ' ',
  '"',
  '\\',
  '\n',
  '\u0007',
  '\u007f',
  'é',
  '€',
  '中',
  '😀',
  '\u2028',
  '\ufb33',
];
const NUMBERS = [
  0, -0, 1, -1, 0.1, 1e21, 1e-7, 5e-324, 1.7976931348623157e308, 333333333.3333333, 4.5, 2e-3,
];

function randomValue(random: () => number, depth: number): unknown {
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)] as T;
  const text = () =>
    Array.from({ length: Math.floor(random() * 6) }, () => pick(CHARACTERS)).join('');
  const kind = depth > 3 ? Math.floor(random() * 4) : Math.floor(random() * 7);
  switch (kind) {
    case 0:
      return text();
    case 1:
      return random() < 0.5 ? pick(NUMBERS) : (random() - 0.5) * 10 ** Math.floor(random() * 30);
    case 2:
      return random() < 0.5;
    case 3:
      return null;
    case 4:
      return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth + 1));
    case 5:
      return random() < 0.2 ? undefined : { when: new Date(Math.floor(random() * 2e12)) };
    default:
      return Object.fromEntries(
        Array.from({ length: Math.floor(random() * 5) }, () => [
          text(),
          randomValue(random, depth + 1),
        ]),
      );
  }
}

describe('canonical JSON (RFC 8785) of full events (issue 6)', () => {
  it('orders members by UTF-16 code units and writes numbers as ECMAScript does (RFC 8785 §3.2)', () => {
    const keys = {
      '\u20ac': 'Euro',
      '\r': 'CR',
      '\ufb33': 'Hebrew',
      '1': 'One',
      '\u0080': 'Control',
      '\ud83d\ude00': 'Smiley',
      '\u00f6': 'Latin',
    };
    assert.equal(
      canonicalJson(keys),
      '{"\\r":"CR","1":"One","\u0080":"Control","\u00f6":"Latin","\u20ac":"Euro","\ud83d\ude00":"Smiley","\ufb33":"Hebrew"}',
    );
    assert.equal(
      canonicalJson({ numbers: [333333333.3333333, 1e30, 4.5, 2e-3, 0.000001, 1e-7, -0] }),
      '{"numbers":[333333333.3333333,1e+30,4.5,0.002,0.000001,1e-7,0]}',
    );
    assert.equal(canonicalJson({ b: undefined, a: [undefined, () => 1] }), '{"a":[null,null]}');
  });

  it('refuses what RFC 8785 cannot express', () => {
    assert.throws(() => canonicalJson({ text: 'lone \ud800' }), /Lone surrogate/);
    assert.throws(() => canonicalJson({ ['key \udc00']: 1 }), /Lone surrogate/);
    assert.throws(() => canonicalJson([Number.NaN]), /not allowed/);
    assert.throws(() => canonicalJson({ n: Infinity }), /not allowed/);
    assert.throws(() => canonicalJson({ n: 1n }), /BigInt/);
    assert.throws(() => canonicalJson(undefined), /no JSON form/);
  });

  it('writes what the canonicalize package writes, for 3,000 random values', () => {
    const random = generator(20261124);
    for (let i = 0; i < 3000; i++) {
      const value = randomValue(random, 0);
      if (value === undefined) continue;
      assert.equal(canonicalJson(value), canonicalize(value), JSON.stringify(value));
    }
  });
});
