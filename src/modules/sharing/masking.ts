import { createHmac } from 'node:crypto';
import type { DataItemDto } from '../catalog/model.ts';

/**
 * Server-side masking per grant (issue 5, R4.1 "only masked"): each granted item carries one rule,
 * applied to every value the data API returns. A rule is a pure function of the value (and, for
 * `hash`, of a per-grant key, so that two consumers' pseudonyms cannot be joined). To add a rule,
 * add it to MASKING_RULES with its names; grants, the console and the docs list rules from here.
 */
export interface MaskingRule {
  zh: string;
  en: string;
  /** Returns the masked value; `undefined` drops the item from the response. */
  apply(value: string, key: string): string | undefined;
}

const stars = (count: number) => '*'.repeat(Math.max(count, 0));

/** Keeps `head` leading and `tail` trailing characters; short values are starred whole. */
function keepEnds(value: string, head: number, tail: number): string {
  const chars = [...value];
  if (chars.length <= head + tail) return stars(chars.length);
  return (
    chars.slice(0, head).join('') +
    stars(chars.length - head - tail) +
    chars.slice(chars.length - tail).join('')
  );
}

// Compound surnames are kept whole (欧阳娜娜 -> 欧阳**); the list is the common two-character ones.
const COMPOUND_SURNAMES = new Set(
  '欧阳 太史 端木 上官 司马 东方 独孤 南宫 万俟 闻人 夏侯 诸葛 尉迟 公羊 赫连 澹台 皇甫 宗政 濮阳 公冶 太叔 申屠 公孙 慕容 仲孙 钟离 长孙 宇文 司徒 鲜于 司空 令狐'.split(
    ' ',
  ),
);

function maskName(value: string): string {
  const chars = [...value];
  const surname = COMPOUND_SURNAMES.has(chars.slice(0, 2).join('')) && chars.length > 2 ? 2 : 1;
  return chars.slice(0, surname).join('') + stars(chars.length - surname);
}

/** Cuts an address after its district (区, 县, 旗), or after the city when no district is named. */
function maskAddress(value: string): string {
  const district = value.search(/[区县旗]/);
  const city = value.indexOf('市');
  const cut = district >= 0 ? district + 1 : city >= 0 ? city + 1 : Math.min(3, value.length);
  return cut >= value.length ? value : `${value.slice(0, cut)}****`;
}

export const MASKING_RULES = {
  none: { zh: '不脱敏', en: 'none', apply: (value: string) => value },
  id_number: {
    zh: '身份证号（保留前6后4位）',
    en: 'ID number (keep first 6 and last 4)',
    apply: (value: string) => keepEnds(value, 6, 4),
  },
  mobile: {
    zh: '手机号（保留前3后4位）',
    en: 'mobile (keep 3 + 4)',
    apply: (value: string) => keepEnds(value, 3, 4),
  },
  name: {
    zh: '姓名（保留姓氏）',
    en: 'name (keep the surname)',
    apply: maskName,
  },
  address: {
    zh: '地址（截至区县）',
    en: 'address (cut after the district)',
    apply: maskAddress,
  },
  bank_card: {
    zh: '银行卡号（保留前6后4位）',
    en: 'bank card (keep 6 + 4)',
    apply: (value: string) => keepEnds(value, 6, 4),
  },
  partial: {
    zh: '部分遮盖（保留首尾各四分之一）',
    en: 'partial (keep a quarter at each end)',
    apply: (value: string) => {
      const quarter = Math.floor([...value].length / 4);
      return keepEnds(value, quarter, quarter);
    },
  },
  hash: {
    zh: '哈希（按授权生成的假名）',
    en: 'hash (a pseudonym per grant)',
    apply: (value: string, key: string) =>
      createHmac('sha256', key).update(value).digest('hex').slice(0, 32),
  },
  drop: { zh: '不提供', en: 'drop', apply: () => undefined },
} satisfies Record<string, MaskingRule>;

export type MaskingRuleName = keyof typeof MASKING_RULES;
export const MASKING_RULE_NAMES = Object.keys(MASKING_RULES) as MaskingRuleName[];

/** The rule the catalog's masking setting implies for an item (the default of a grant). */
export function defaultRule(item: DataItemDto): MaskingRuleName {
  switch (item.masking) {
    case 'none':
      return 'none';
    case 'hash':
      return 'hash';
    case 'full':
      return 'drop';
    case 'partial':
      return partialRuleFor(item);
  }
}

function partialRuleFor(item: DataItemDto): MaskingRuleName {
  if (item.validator?.kind === 'id_card') return 'id_number';
  if (item.validator?.kind === 'mobile') return 'mobile';
  const column = item.column;
  if (/(^|_)(name|xm)$/.test(column) || item.name.endsWith('姓名')) return 'name';
  if (/address|addr|(^|_)dz$/.test(column) || /(地址|住址)$/.test(item.name)) return 'address';
  if (/bank|card_no/.test(column) || item.name.includes('银行卡')) return 'bank_card';
  return 'partial';
}

/** A value as the consumer gets it: masked per the grant's rule, `undefined` when dropped. */
export function maskValue(value: unknown, rule: MaskingRuleName, key: string): unknown {
  if (value === null || value === undefined || rule === 'none') return value;
  return MASKING_RULES[rule].apply(scalarText(value), key);
}

/** A database value as text (numbers, booleans, bytes as base64). */
export function scalarText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value);
}

/** A CSV field (RFC 4180): quoted when it holds a quote, comma or line break. */
export function csvField(value: unknown): string {
  const s = scalarText(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
