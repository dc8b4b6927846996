import dayjs from 'dayjs';

export function formatDateTime(value: string | null | undefined): string {
  if (!value) return '—';
  const d = dayjs(value);
  return d.isValid() ? d.format('YYYY-MM-DD HH:mm:ss') : value;
}

export function formatDate(value: string | null | undefined): string {
  if (!value) return '—';
  const d = dayjs(value);
  return d.isValid() ? d.format('YYYY-MM-DD') : value;
}

/** Case-insensitive match on an antd Select option's label, for `showSearch`. */
export function filterOptionByLabel(input: string, option?: { label?: unknown }): boolean {
  const label = option?.label;
  return typeof label === 'string' && label.toLowerCase().includes(input.trim().toLowerCase());
}
