/**
 * Differences between two versions of a catalog entry: every field (changed or not), and the data
 * items matched by column name (then by item name), as added, removed, changed or unchanged.
 */
import type { TFunction } from 'i18next';
import { CONTENT_FIELDS, ITEM_ATTRS, fieldText } from './fields';
import type { FieldKey, ItemAttr } from './fields';
import type { DataItem, ResourceContent } from './model';

export interface FieldChange {
  path: string;
  key: FieldKey;
  before: string;
  after: string;
  changed: boolean;
}

export type ItemChangeKind = 'added' | 'removed' | 'changed' | 'unchanged';

export interface ItemChange {
  kind: ItemChangeKind;
  before?: DataItem;
  after?: DataItem;
  changedAttrs: ItemAttr[];
}

export interface ContentDiff {
  fields: FieldChange[];
  items: ItemChange[];
  changedFieldCount: number;
  counts: Record<ItemChangeKind, number>;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function raw(content: ResourceContent, path: string): unknown {
  let value: unknown = content;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  // Empty optional text and absent values are the same thing.
  return value === '' ? undefined : value;
}

function changedAttrs(a: DataItem, b: DataItem): ItemAttr[] {
  return ITEM_ATTRS.filter((attr) => {
    if (attr === 'validator') {
      const va = a.validator?.kind === 'none' ? undefined : a.validator;
      const vb = b.validator?.kind === 'none' ? undefined : b.validator;
      return !same(va, vb);
    }
    if (attr === 'description') return (a.description ?? '') !== (b.description ?? '');
    return !same(a[attr], b[attr]);
  });
}

export function diffContent(
  t: TFunction,
  shareName: (value: string) => string,
  before: ResourceContent,
  after: ResourceContent,
): ContentDiff {
  const fields = CONTENT_FIELDS.filter((f) => f.path !== 'items').map(({ path, key }) => {
    const changed = !same(raw(before, path), raw(after, path));
    return {
      path,
      key,
      before: fieldText(t, shareName, before, path),
      after: fieldText(t, shareName, after, path),
      changed,
    };
  });

  const remaining = [...before.items];
  const take = (match: (item: DataItem) => boolean): DataItem | undefined => {
    const index = remaining.findIndex(match);
    return index < 0 ? undefined : remaining.splice(index, 1)[0];
  };
  const paired = after.items.map((item) => ({
    item,
    old: take((old) => old.column.toLowerCase() === item.column.toLowerCase()),
  }));
  // Second pass: an item whose column was renamed is still the same item if its name is.
  for (const pair of paired) {
    if (!pair.old) pair.old = take((old) => old.name === pair.item.name);
  }
  const items: ItemChange[] = paired.map(({ item, old }) => {
    if (!old) return { kind: 'added', after: item, changedAttrs: [] };
    const attrs = changedAttrs(old, item);
    return {
      kind: attrs.length > 0 ? 'changed' : 'unchanged',
      before: old,
      after: item,
      changedAttrs: attrs,
    };
  });
  for (const old of remaining) items.push({ kind: 'removed', before: old, changedAttrs: [] });

  const counts: Record<ItemChangeKind, number> = {
    added: 0,
    removed: 0,
    changed: 0,
    unchanged: 0,
  };
  for (const item of items) counts[item.kind]++;
  return {
    fields,
    items,
    changedFieldCount: fields.filter((f) => f.changed).length,
    counts,
  };
}
