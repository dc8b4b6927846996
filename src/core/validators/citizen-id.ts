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
  if (text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return false;
  return isDay(digits(text, 0, 4), digits(text, 5, 2), digits(text, 8, 2));
}

/** The number written by `count` ASCII digits at `start`, or -1 (no string is allocated). */
function digits(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const code = text.charCodeAt(i) - 48;
    if (code < 0 || code > 9) return -1;
    value = value * 10 + code;
  }
  return value;
}

function isDay(year: number, month: number, day: number): boolean {
  if (year < 0 || month < 1 || month > 12 || day < 1) return false;
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
  const year = digits(value, 6, 4);
  const month = digits(value, 10, 2);
  const day = digits(value, 12, 2);
  // YYYYMMDD as a number compares like the date.
  const birth = year * 10000 + month * 100 + day;
  const latest = digits(today, 0, 4) * 10000 + digits(today, 5, 2) * 100 + digits(today, 8, 2);
  if (!isDay(year, month, day) || birth < 19000101 || birth > latest) return 'birth_date';
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (value.charCodeAt(i) - 48) * WEIGHTS[i]!;
  return CHECK[sum % 11] === value[17] ? null : 'check';
}
