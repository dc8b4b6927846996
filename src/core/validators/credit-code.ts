/**
 * Unified social credit code per GB 32100-2015: 18 characters from the 31-character alphabet without
 * I, O, S, V, Z; the last is a check character computed MOD 31 with weights 3^i mod 31.
 */
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function creditCodeCheckCharacter(first17: string): string | null {
  if (first17.length !== 17) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = ALPHABET.indexOf(first17[i] ?? '');
    if (value < 0) return null;
    sum += value * (WEIGHTS[i] ?? 0);
  }
  return ALPHABET[(31 - (sum % 31)) % 31] ?? null;
}

export type CreditCodeProblem = 'length' | 'alphabet' | 'region' | 'check';

/** Null when valid, otherwise what is wrong. */
export function checkCreditCode(code: string): CreditCodeProblem | null {
  if (code.length !== 18) return 'length';
  for (const char of code) if (!ALPHABET.includes(char)) return 'alphabet';
  if (!/^[0-9A-HJ-NP-RT-UW-Y]{2}\d{6}/.test(code)) return 'region';
  return creditCodeCheckCharacter(code.slice(0, 17)) === code[17] ? null : 'check';
}

export const CREDIT_CODE_PROBLEM_TEXT: Record<CreditCodeProblem, { zh: string; en: string }> = {
  length: { zh: '统一社会信用代码应为18位（GB 32100）', en: 'must be 18 characters (GB 32100)' },
  alphabet: {
    zh: '统一社会信用代码含非法字符（不得含 I、O、S、V、Z，字母须大写）',
    en: 'contains a character outside the GB 32100 alphabet (no I, O, S, V, Z; upper case)',
  },
  region: {
    zh: '统一社会信用代码第3-8位应为行政区划码',
    en: 'characters 3-8 must be a region code (GB 32100)',
  },
  check: {
    zh: '统一社会信用代码校验位错误（GB 32100）',
    en: 'check character is wrong (GB 32100)',
  },
};
