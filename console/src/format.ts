import dayjs, { type Dayjs } from 'dayjs';

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

const PLATFORM_DATE = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/**
 * Today on the platform's calendar (China Standard Time), which the server uses for every date
 * rule (R4.4 periods, grant validity, deadlines). A browser in another time zone, or one that
 * reaches midnight eight hours later, would otherwise offer a start date the server refuses.
 */
export function platformToday(): Dayjs {
  return dayjs(PLATFORM_DATE.format(new Date()));
}

/** For DatePicker `disabledDate`: days before the platform's today. */
export function beforePlatformToday(d: Dayjs): boolean {
  return d.isBefore(platformToday(), 'day');
}
