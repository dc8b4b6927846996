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
  const date = new Date(`${birth}T00:00:00Z`);
  if (
    Number.isNaN(date.getTime()) ||
    date.toISOString().slice(0, 10) !== birth ||
    birth < '1900-01-01' ||
    birth > today
  ) {
    return 'birth_date';
  }
  return citizenIdCheckCharacter(value.slice(0, 17)) === value[17] ? null : 'check';
}
