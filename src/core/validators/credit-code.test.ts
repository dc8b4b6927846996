import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkCreditCode, creditCodeCheckCharacter } from './credit-code.ts';

describe('GB 32100 unified social credit code', () => {
  it('accepts codes whose check character is right', () => {
    // Synthetic: 11 (government organ) + region 990100 + organisation code, check computed per GB 32100.
    const first17 = '11990100MB0000001';
    const code = first17 + creditCodeCheckCharacter(first17);
    assert.equal(checkCreditCode(code), null);
    // Published worked example from the standard's annex structure: 91350100M000100Y43.
    assert.equal(checkCreditCode('91350100M000100Y43'), null);
  });

  it('rejects a wrong check character, bad length, forbidden letters', () => {
    assert.equal(checkCreditCode('91350100M000100Y44'), 'check');
    assert.equal(checkCreditCode('91350100M000100Y4'), 'length');
    assert.equal(checkCreditCode('91350100M000100I43'), 'alphabet');
    assert.equal(checkCreditCode('91350100m000100Y43'), 'alphabet');
    assert.equal(checkCreditCode('91ABCDEFM000100Y43'), 'region');
  });
});
