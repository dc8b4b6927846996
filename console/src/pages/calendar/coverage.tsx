import { Alert, Button, Space, Tag, Tooltip } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { useAsync } from '../../hooks';
import type { AsyncState } from '../../hooks';
import type { CalendarOverrides } from '../../types';

/** The override table and the covered years; readable by every signed-in user. */
export function useCalendarOverrides(): AsyncState<CalendarOverrides> {
  return useAsync(
    (signal) => api.get<CalendarOverrides>('/calendar/overrides', { signal }),
    'calendar-overrides',
  );
}

/** [2004..2026, 2028] → [[2004, 2026], [2028, 2028]] */
export function yearRanges(years: readonly number[]): [number, number][] {
  const sorted = [...new Set(years)].sort((a, b) => a - b);
  const ranges: [number, number][] = [];
  for (const year of sorted) {
    const last = ranges[ranges.length - 1];
    if (last && year === last[1] + 1) last[1] = year;
    else ranges.push([year, year]);
  }
  return ranges;
}

/** The first year from `from` on that the calendar does not cover. */
export function firstUncoveredYear(covered: readonly number[], from: number): number {
  const set = new Set(covered);
  let year = from;
  while (set.has(year)) year++;
  return year;
}

/** Covered years as tags, consecutive years merged into one range tag. */
export function CoverageTags({ years }: { years: readonly number[] }) {
  const { t } = useTranslation();
  const ranges = yearRanges(years);
  if (ranges.length === 0) return <Tag>{t('calendarAdmin.noCoveredYears')}</Tag>;
  return (
    <Space size={[4, 4]} wrap data-testid="calendar-covered-years">
      {ranges.map(([from, to]) => (
        <Tooltip
          key={from}
          title={t('calendarAdmin.rangeTooltip', { count: to - from + 1 })}
          placement="top"
        >
          <Tag color="blue" className="year-tag">
            {from === to
              ? t('calendarAdmin.yearTag', { year: from })
              : t('calendarAdmin.yearRangeTag', { from, to })}
          </Tag>
        </Tooltip>
      ))}
    </Space>
  );
}

/**
 * Warns when the calendar cannot compute deadlines running into next year (or even this year):
 * the holiday notice for that year has not been entered and declared.
 */
export function CoverageAlert({
  coveredYears,
  canManage,
  onManage,
}: {
  coveredYears: readonly number[];
  canManage: boolean;
  onManage?: () => void;
}) {
  const { t } = useTranslation();
  const thisYear = dayjs().year();
  const covered = new Set(coveredYears);
  const year = covered.has(thisYear) ? thisYear + 1 : thisYear;
  if (covered.has(year)) return null;
  const severe = year === thisYear;
  return (
    <Alert
      type={severe ? 'error' : 'warning'}
      showIcon
      style={{ marginBottom: 16 }}
      title={
        severe
          ? t('calendarAdmin.uncoveredThisYear', { year })
          : t('calendarAdmin.uncoveredNextYear', { year })
      }
      description={
        canManage
          ? t('calendarAdmin.uncoveredHintAdmin', { year })
          : t('calendarAdmin.uncoveredHintUser', { year })
      }
      action={
        canManage && onManage ? (
          <Button size="small" onClick={onManage} data-testid="coverage-manage">
            {t('calendarAdmin.goManage')}
          </Button>
        ) : undefined
      }
      data-testid="calendar-coverage-alert"
    />
  );
}
