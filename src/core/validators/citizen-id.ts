import { isProvincePrefix } from './region-code.ts';

/**
 * Citizen identity number per GB 11643-1999: 6-digit region code, 8-digit birth date, 3-digit sequence
 * and a check character computed MOD 11-2 (weights 2^(17-i) mod 11; 10 is written X).
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

export function citizenIdCheckCharacter(first17: string): string | null {
  if (!/^\d{17}$/.test(first17)) return null;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (WEIGHTS[i] ?? 0);
  return CHECK[sum % 11] ?? null;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Whether YYYY-MM-DD names a day of the Gregorian calendar. Plain arithmetic rather than Date
 * parsing: ingestion calls it for every date and ID number of millions of rows.
 */
export function isCalendarDate(text: string): boolean {
  if (text.length !== 10 || text[4] !== '-' || text[7] !== '-') return false;
  const year = Number(text.slice(0, 4));
  const month = Number(text.slice(5, 7));
  const day = Number(text.slice(8, 10));
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= (month === 2 && leap ? 29 : MONTH_DAYS[month - 1]!);
}

export type CitizenIdProblem = 'format' | 'region' | 'birth_date' | 'check';

/** Null when valid. `today` (YYYY-MM-DD) bounds the birth date; `extraRegions` adds local codes. */
export function checkCitizenId(
  value: string,
  today: string,
  extraRegions: ReadonlySet<string> = new Set(),
): CitizenIdProblem | null {
  if (!/^\d{17}[\dX]$/.test(value)) return 'format';
  if (!isProvincePrefix(value.slice(0, 2), extraRegions)) return 'region';
  const birth = `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}`;
  if (!isCalendarDate(birth) || birth < '1900-01-01' || birth > today) return 'birth_date';
  return citizenIdCheckCharacter(value.slice(0, 17)) === value[17] ? null : 'check';
}
