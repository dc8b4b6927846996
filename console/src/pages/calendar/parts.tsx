import { Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { Region } from '../../types';

/** 放假 (day off) or 调休上班 (working day). */
export function DayTypeTag({ working }: { working: boolean }) {
  const { t } = useTranslation();
  return working ? (
    <Tag color="geekblue">{t('calendarAdmin.typeWork')}</Tag>
  ) : (
    <Tag color="volcano">{t('calendarAdmin.typeOff')}</Tag>
  );
}

/** 全国, or the region's name and code. */
export function ScopeLabel({
  regionCode,
  regionName,
}: {
  regionCode: string | null;
  regionName: (code: string) => string | undefined;
}) {
  const { t } = useTranslation();
  if (!regionCode) return <Tag>{t('calendarAdmin.national')}</Tag>;
  const name = regionName(regionCode);
  return (
    <span>
      {name ?? regionCode}{' '}
      {name ? (
        <Typography.Text type="secondary" className="mono">
          {regionCode}
        </Typography.Text>
      ) : null}
    </span>
  );
}

/** 2026-12-01 with its weekday. */
export function DateWithWeekday({ date }: { date: string }) {
  const d = dayjs(date);
  const weekend = d.day() === 0 || d.day() === 6;
  return (
    <span>
      <span className="mono">{date}</span>{' '}
      <Typography.Text type={weekend ? 'warning' : 'secondary'} style={{ fontSize: 12 }}>
        {d.format('ddd')}
      </Typography.Text>
    </span>
  );
}

export function regionOptions(regions: readonly Region[]) {
  return regions.map((r) => ({ value: r.code, label: `${r.name}（${r.code}）` }));
}
