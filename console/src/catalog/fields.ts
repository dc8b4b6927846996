/**
 * The fields of a catalog entry by their server path (`share.legalBasis`, `items.2.column`), with
 * their labels and display values: used by the entry view, the version diff, the reviewer's
 * per-field comments and the mapping of server field errors onto the editor.
 */
import type { TFunction } from 'i18next';
import { enumLabel } from './labels';
import type { DataItem, ResourceContent } from './model';

export type FieldKey =
  | 'classification'
  | 'baseKind'
  | 'theme'
  | 'categoryPath'
  | 'name'
  | 'summary'
  | 'keywords'
  | 'domains'
  | 'contactName'
  | 'contactPhone'
  | 'businessMatter'
  | 'systemName'
  | 'relatedResources'
  | 'formatCategory'
  | 'storageFormat'
  | 'items'
  | 'shareClass'
  | 'shareConditions'
  | 'shareReasons'
  | 'legalBasis'
  | 'deliveryMethods'
  | 'sharePeriod'
  | 'openClass'
  | 'openConditions'
  | 'updateCycle'
  | 'releaseDate';

/** Content paths (as the server names them) in display order, with their label keys. */
export const CONTENT_FIELDS: readonly { path: string; key: FieldKey }[] = [
  { path: 'name', key: 'name' },
  { path: 'classification', key: 'classification' },
  { path: 'baseKind', key: 'baseKind' },
  { path: 'theme', key: 'theme' },
  { path: 'categoryPath', key: 'categoryPath' },
  { path: 'summary', key: 'summary' },
  { path: 'keywords', key: 'keywords' },
  { path: 'domains', key: 'domains' },
  { path: 'businessMatter', key: 'businessMatter' },
  { path: 'systemName', key: 'systemName' },
  { path: 'contact.name', key: 'contactName' },
  { path: 'contact.phone', key: 'contactPhone' },
  { path: 'formatCategory', key: 'formatCategory' },
  { path: 'storageFormat', key: 'storageFormat' },
  { path: 'relatedResources', key: 'relatedResources' },
  { path: 'share.class', key: 'shareClass' },
  { path: 'share.conditions', key: 'shareConditions' },
  { path: 'share.reasons', key: 'shareReasons' },
  { path: 'share.legalBasis', key: 'legalBasis' },
  { path: 'share.deliveryMethods', key: 'deliveryMethods' },
  { path: 'share.period', key: 'sharePeriod' },
  { path: 'open.class', key: 'openClass' },
  { path: 'open.conditions', key: 'openConditions' },
  { path: 'updateCycle', key: 'updateCycle' },
  { path: 'releaseDate', key: 'releaseDate' },
  { path: 'items', key: 'items' },
];

const KEY_BY_PATH = new Map(CONTENT_FIELDS.map((f) => [f.path, f.key]));

export type ItemAttr = Exclude<keyof DataItem, never>;

export const ITEM_ATTRS: readonly ItemAttr[] = [
  'name',
  'column',
  'type',
  'length',
  'description',
  'required',
  'key',
  'queryable',
  'validator',
  'sensitivity',
  'masking',
  'authoritative',
];

/** Server paths may carry a `content.` prefix (schema errors) or not (rule errors). */
export function normalizePath(path: string): string {
  return path.startsWith('content.') ? path.slice('content.'.length) : path;
}

/** 共享属性 · 法律依据; 信息项第 3 行 · 字段名 */
export function pathLabel(t: TFunction, rawPath: string): string {
  const path = normalizePath(rawPath);
  const key = KEY_BY_PATH.get(path);
  if (key) return t(`catalog.field.${key}`);
  const item = /^items\.(\d+)(?:\.(\w+))?/.exec(path);
  if (item) {
    const row = t('catalog.itemRow', { n: Number(item[1]) + 1 });
    const attr = item[2] as ItemAttr | undefined;
    return attr && ITEM_ATTRS.includes(attr) ? `${row} · ${t(`catalog.item.${attr}`)}` : row;
  }
  const top = path.split('.')[0] ?? path;
  if (top === 'contact') return t('catalog.field.contact');
  if (top === 'share') return t('catalog.section.share');
  if (top === 'open') return t('catalog.section.open');
  return path;
}

function read(content: ResourceContent, path: string): unknown {
  let value: unknown = content;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** A field's value as text, for views and diffs ('' when empty). */
export function fieldText(
  t: TFunction,
  shareName: (value: string) => string,
  content: ResourceContent,
  path: string,
): string {
  const value = read(content, path);
  if (value === undefined || value === null || value === '') return '';
  const plain = (v: unknown): string =>
    typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
  const sep = t('common.listSeparator');
  switch (path) {
    case 'classification':
      return enumLabel(t, 'classification', content.classification);
    case 'baseKind':
      return t(`catalog.baseKind.${content.baseKind ?? 'population'}`);
    case 'categoryPath':
      return content.categoryPath.join(' / ');
    case 'domains':
      return content.domains.map((d) => enumLabel(t, 'domain', d)).join(sep);
    case 'formatCategory':
      return enumLabel(t, 'format', content.formatCategory);
    case 'share.class':
      return shareName(content.share.class);
    case 'share.deliveryMethods':
      return content.share.deliveryMethods.map((m) => t(`catalog.delivery.${m}`)).join(sep);
    case 'open.class':
      return enumLabel(t, 'openClass', content.open.class);
    case 'updateCycle':
      return enumLabel(t, 'cycle', content.updateCycle);
    case 'items':
      return t('catalog.itemCount', { count: content.items.length });
    default:
      return Array.isArray(value) ? value.map(plain).join(sep) : plain(value);
  }
}

/** One attribute of a data item as text. */
export function itemAttrText(t: TFunction, item: DataItem, attr: ItemAttr): string {
  switch (attr) {
    case 'type':
      return t(`catalog.dataType.${item.type}`);
    case 'required':
    case 'key':
    case 'queryable':
    case 'authoritative':
      return item[attr] ? t('catalog.yes') : t('catalog.no');
    case 'validator': {
      const v = item.validator;
      if (!v || v.kind === 'none') return t('catalog.validator.none');
      const label = t(`catalog.validator.${v.kind}`);
      if (v.kind === 'enum') return `${label}：${(v.values ?? []).join('、')}`;
      if (v.kind === 'regex') return `${label}：${v.pattern ?? ''}`;
      return label;
    }
    case 'sensitivity':
      return t(`catalog.sensitivity.${item.sensitivity}`);
    case 'masking':
      return t(`catalog.masking.${item.masking}`);
    case 'length':
      return item.length === undefined ? '' : String(item.length);
    default:
      return item[attr] ?? '';
  }
}
