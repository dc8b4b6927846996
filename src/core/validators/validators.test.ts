import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkCitizenId, citizenIdCheckCharacter } from './citizen-id.ts';
import { validateValue } from './index.ts';
import { isRegionCode } from './region-code.ts';

const context = { today: '2026-11-24', extraRegions: new Set(['990100']) };
const withCheck = (first17: string) => first17 + (citizenIdCheckCharacter(first17) ?? '');

describe('GB 11643 citizen identity numbers', () => {
  it('computes the MOD 11-2 check character (the standard example ends in X)', () => {
    // GB 11643-1999 appendix example: 11010519491231002X.
    assert.equal(citizenIdCheckCharacter('11010519491231002'), 'X');
    assert.equal(checkCitizenId('11010519491231002X', context.today), null);
  });

  it('rejects wrong check characters, impossible birth dates, unknown regions and bad formats', () => {
    assert.equal(checkCitizenId('110105194912310021', context.today), 'check');
    assert.equal(checkCitizenId(withCheck('11010519490231002'), context.today), 'birth_date');
    assert.equal(checkCitizenId(withCheck('11010520990101002'), context.today), 'birth_date');
    assert.equal(checkCitizenId(withCheck('98010519491231002'), context.today), 'region');
    assert.equal(checkCitizenId('11010519491231002x', context.today), 'format');
    assert.equal(checkCitizenId('1101051949123100', context.today), 'format');
    // A deployment's own synthetic regions count as regions.
    assert.equal(
      checkCitizenId(withCheck('99010219800101001'), context.today, context.extraRegions),
      null,
    );
  });
});

describe('value validators', () => {
  it('checks mobile numbers, GB/T 2260 region codes and dates', () => {
    assert.equal(validateValue('mobile', '13800000000', context), null);
    assert.ok(validateValue('mobile', '12800000000', context));
    assert.ok(isRegionCode('110105'));
    assert.ok(isRegionCode('210100'));
    assert.ok(!isRegionCode('110199'));
    assert.equal(validateValue('region-code', '990100', context), null);
    assert.equal(validateValue('date', '2024-02-29', context), null);
    assert.ok(validateValue('date', '2023-02-29', context));
    assert.match(
      validateValue('credit-code', '91350100M000100Y44', context)?.en ?? '',
      /check character/,
    );
  });
});
