/**
 * Between the editor's form values and the server's ResourceContent, and from the server's field
 * error paths (`share.legalBasis`, `items.2.column`, `content.updateCycle`) to form fields.
 */
import type { FormInstance } from 'antd';
import dayjs from 'dayjs';
import type { Dayjs } from 'dayjs';
import { normalizePath } from '../../../catalog/fields';
import type {
  BaseKind,
  Classification,
  DataItem,
  DataType,
  DeliveryMethod,
  Domain,
  FormatCategory,
  Masking,
  OpenClass,
  ResourceContent,
  Sensitivity,
  ShareClass,
  UpdateCycle,
  ValidatorKind,
} from '../../../catalog/model';

export interface ItemValues {
  name?: string;
  column?: string;
  type: DataType;
  length?: number | null;
  description?: string;
  required: boolean;
  key: boolean;
  queryable: boolean;
  validator?: { kind?: ValidatorKind; values?: string[]; pattern?: string };
  sensitivity: Sensitivity;
  masking: Masking;
  authoritative: boolean;
}

export interface EditorValues {
  orgCode?: string;
  classification: Classification;
  baseKind?: BaseKind;
  theme?: string;
  /** Four levels (类/项/目/细目); empty trailing levels are dropped. */
  categoryPath: (string | undefined)[];
  name: string;
  summary: string;
  keywords: string[];
  domains: Domain[];
  contact: { name: string; phone: string };
  businessMatter: string;
  systemName: string;
  relatedResources: string[];
  formatCategory: FormatCategory;
  storageFormat: string;
  items: ItemValues[];
  share: {
    class: ShareClass;
    conditions?: string;
    reasons?: string;
    legalBasis?: string;
    deliveryMethods: DeliveryMethod[];
    period?: string;
  };
  open: { class: OpenClass; conditions?: string };
  updateCycle: UpdateCycle;
  releaseDate?: Dayjs | null;
}

export function toFormValues(content: ResourceContent, orgCode?: string): EditorValues {
  const path = [...content.categoryPath];
  while (path.length < 4) path.push('');
  return {
    orgCode,
    classification: content.classification,
    baseKind: content.baseKind,
    theme: content.theme,
    categoryPath: path,
    name: content.name,
    summary: content.summary,
    keywords: content.keywords,
    domains: content.domains,
    contact: { ...content.contact },
    businessMatter: content.businessMatter,
    systemName: content.systemName,
    relatedResources: content.relatedResources,
    formatCategory: content.formatCategory,
    storageFormat: content.storageFormat,
    items: content.items.map((item) => ({
      ...item,
      validator: { kind: 'none', ...item.validator },
    })),
    share: { ...content.share },
    open: { ...content.open },
    updateCycle: content.updateCycle,
    releaseDate: content.releaseDate ? dayjs(content.releaseDate) : null,
  };
}

function clean(value: string | undefined | null): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function cleanList(values: (string | undefined)[] | undefined): string[] {
  return [...new Set((values ?? []).map((v) => v?.trim() ?? '').filter((v) => v !== ''))];
}

function toItem(values: ItemValues): DataItem {
  const kind = values.validator?.kind ?? 'none';
  const item: DataItem = {
    name: values.name?.trim() ?? '',
    column: values.column?.trim() ?? '',
    type: values.type,
    required: values.required || values.key,
    key: values.key,
    queryable: values.queryable,
    sensitivity: values.sensitivity,
    masking: values.masking,
    authoritative: values.authoritative,
  };
  if (typeof values.length === 'number') item.length = values.length;
  const description = clean(values.description);
  if (description) item.description = description;
  if (kind === 'enum') item.validator = { kind, values: cleanList(values.validator?.values) };
  else if (kind === 'regex') item.validator = { kind, pattern: values.validator?.pattern ?? '' };
  else if (kind !== 'none') item.validator = { kind };
  return item;
}

/** The content the server expects; fields that do not apply to the chosen classes are dropped. */
export function toContent(values: EditorValues): ResourceContent {
  const share = values.share;
  const content: ResourceContent = {
    classification: values.classification,
    categoryPath: cleanList(values.categoryPath),
    name: values.name.trim(),
    summary: values.summary.trim(),
    keywords: cleanList(values.keywords),
    domains: values.domains,
    contact: { name: values.contact.name.trim(), phone: values.contact.phone.trim() },
    businessMatter: values.businessMatter.trim(),
    systemName: values.systemName.trim(),
    relatedResources: cleanList(values.relatedResources),
    formatCategory: values.formatCategory,
    storageFormat: values.storageFormat.trim(),
    items: values.items.map(toItem),
    share: {
      class: share.class,
      deliveryMethods: share.class === 'none' ? [] : share.deliveryMethods,
    },
    open: { class: values.open.class },
    updateCycle: values.updateCycle,
  };
  if (values.classification === 'base' && values.baseKind) content.baseKind = values.baseKind;
  const theme = clean(values.theme);
  if (values.classification === 'thematic' && theme) content.theme = theme;
  const conditions = clean(share.conditions);
  if (share.class === 'conditional' && conditions) content.share.conditions = conditions;
  const reasons = clean(share.reasons);
  if (share.class !== 'unconditional' && reasons) content.share.reasons = reasons;
  const legalBasis = clean(share.legalBasis);
  if (share.class === 'none' && legalBasis) content.share.legalBasis = legalBasis;
  const period = clean(share.period);
  if (period) content.share.period = period;
  const openConditions = clean(values.open.conditions);
  if (values.open.class === 'conditional' && openConditions) {
    content.open.conditions = openConditions;
  }
  if (values.releaseDate) content.releaseDate = values.releaseDate.format('YYYY-MM-DD');
  return content;
}

/** A server path as a form name path: numeric segments become list indexes. */
function toNamePath(path: string): (string | number)[] {
  return path.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/** Editor fields that show errors addressed to a broader or different path. */
const ALIASES: [RegExp, string][] = [
  [/^items\.(\d+)\.validator$/, 'items.$1.validator.kind'],
  [/^categoryPath\.\d+$/, 'categoryPath.0'],
  [/^categoryPath$/, 'categoryPath.0'],
];

/**
 * Puts the server's field errors on the form's fields. An error whose path has no field of its own
 * goes to the nearest enclosing field there is. Returns the errors that found no field.
 */
export function applyContentErrors(
  form: FormInstance,
  fields: Record<string, string>,
): { path: string; message: string }[] {
  const known = new Set(
    form
      .getFieldsError()
      .map((f) => f.name.join('.'))
      .filter((name) => name !== ''),
  );
  const grouped = new Map<string, string[]>();
  const unmatched: { path: string; message: string }[] = [];
  for (const [raw, message] of Object.entries(fields)) {
    let path = normalizePath(raw);
    for (const [pattern, target] of ALIASES) {
      if (pattern.test(path)) {
        const aliased = path.replace(pattern, target);
        if (known.has(aliased)) path = aliased;
      }
    }
    let target: string | null = null;
    const parts = path.split('.');
    while (parts.length > 0) {
      const candidate = parts.join('.');
      if (known.has(candidate)) {
        target = candidate;
        break;
      }
      parts.pop();
    }
    if (target) grouped.set(target, [...(grouped.get(target) ?? []), message]);
    else unmatched.push({ path: raw, message });
  }
  form.setFields(
    [...grouped.entries()].map(([path, errors]) => ({ name: toNamePath(path), errors })),
  );
  return unmatched;
}
