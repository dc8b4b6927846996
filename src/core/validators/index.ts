import { checkCreditCode, CREDIT_CODE_PROBLEM_TEXT } from './credit-code.ts';
import { checkCitizenId, isCalendarDate } from './citizen-id.ts';
import { isRegionCode } from './region-code.ts';
import type { LocalizedText } from '../errors.ts';

/**
 * The value validators data items declare (issue 3) and ingestion applies (issue 4), in one place so
 * that `govdx validate`, the console's pre-check and every ingestion path give the same verdict.
 */
export const VALIDATOR_KINDS = ['id-card', 'credit-code', 'mobile', 'region-code', 'date'] as const;
export type ValidatorKind = (typeof VALIDATOR_KINDS)[number];

export interface ValidationContext {
  /** YYYY-MM-DD in China Standard Time: birth dates and dates may not lie after it. */
  today: string;
  /** Region codes of this deployment beyond GB/T 2260 (e.g. the demo's 99xxxx). */
  extraRegions: ReadonlySet<string>;
}

const ID_TEXT: Record<string, LocalizedText> = {
  format: {
    zh: '公民身份号码应为17位数字加1位校验码（数字或X）',
    en: 'must be 17 digits and a check character (digit or X)',
  },
  region: {
    zh: '公民身份号码前两位不是有效的省级行政区划代码（GB/T 2260）',
    en: 'the first two digits are not a province code (GB/T 2260)',
  },
  birth_date: {
    zh: '公民身份号码中的出生日期无效',
    en: 'the birth date inside the number is not a valid date',
  },
  check: {
    zh: '公民身份号码校验码错误（GB 11643 MOD 11-2）',
    en: 'the check character is wrong (GB 11643, MOD 11-2)',
  },
};

/** Null when the value is valid, otherwise why not. */
export function validateValue(
  kind: ValidatorKind,
  value: string,
  context: ValidationContext,
): LocalizedText | null {
  switch (kind) {
    case 'id-card': {
      const problem = checkCitizenId(value, context.today, context.extraRegions);
      return problem ? ID_TEXT[problem]! : null;
    }
    case 'credit-code': {
      const problem = checkCreditCode(value);
      return problem ? CREDIT_CODE_PROBLEM_TEXT[problem] : null;
    }
    case 'mobile':
      // Mainland mobile numbers: 11 digits starting 13-19 (MIIT numbering plan).
      return /^1[3-9]\d{9}$/.test(value)
        ? null
        : {
            zh: '手机号码应为以13至19开头的11位数字',
            en: 'must be 11 digits starting with 13 to 19',
          };
    case 'region-code':
      return isRegionCode(value, context.extraRegions)
        ? null
        : { zh: '不是有效的行政区划代码（GB/T 2260）', en: 'is not a region code (GB/T 2260)' };
    case 'date': {
      const valid = /^\d{4}-\d{2}-\d{2}$/.test(value) && isCalendarDate(value);
      return valid
        ? null
        : { zh: '日期无效，应为 YYYY-MM-DD', en: 'invalid date; expected YYYY-MM-DD' };
    }
  }
}
