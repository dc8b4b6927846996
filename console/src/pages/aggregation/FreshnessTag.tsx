import { Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDate } from '../../format';
import type { Freshness } from './quality';

/** 按时 (blue), 即将到期 (orange), 逾期 N 天 (red), 无更新期限 (grey, irregular data). */
export function FreshnessTag({ freshness }: { freshness: Freshness }) {
  const { t } = useTranslation();
  const due = freshness.dueDate
    ? t('freshness.dueOn', { date: formatDate(freshness.dueDate) })
    : undefined;
  switch (freshness.status) {
    case 'overdue':
      return (
        <Tooltip title={due}>
          <Tag color="red" data-testid="freshness-overdue">
            {t('freshness.overdue', { count: freshness.daysOverdue })}
          </Tag>
        </Tooltip>
      );
    case 'due_soon':
      return (
        <Tooltip title={due}>
          <Tag color="orange" data-testid="freshness-due-soon">
            {freshness.daysLeft === 0
              ? t('freshness.dueToday')
              : t('freshness.due_soon', { count: freshness.daysLeft ?? 0 })}
          </Tag>
        </Tooltip>
      );
    case 'on_time':
      return (
        <Tooltip title={due}>
          <Tag color="blue" data-testid="freshness-on-time">
            {t('freshness.on_time')}
          </Tag>
        </Tooltip>
      );
    case 'no_deadline':
      return <Tag data-testid="freshness-no-deadline">{t('freshness.no_deadline')}</Tag>;
  }
}
