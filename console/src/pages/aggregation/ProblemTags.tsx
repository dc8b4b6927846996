import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ProblemCategory, ProblemReport, ProblemStatus, ProblemUrgency } from './problems';
import { awaitingProvider } from './problems';

const STATUS_COLORS: Record<ProblemStatus, string> = {
  open: 'processing',
  reopened: 'warning',
  resolved: 'cyan',
  closed: 'default',
};

export function ProblemStatusTag({ status }: { status: ProblemStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLORS[status]} data-testid={`problem-status-${status}`}>
      {t(`problems.status.${status}`)}
    </Tag>
  );
}

export function UrgencyTag({ urgency }: { urgency: ProblemUrgency }) {
  const { t } = useTranslation();
  return urgency === 'urgent' ? (
    <Tag color="red">{t('problems.urgency.urgent')}</Tag>
  ) : (
    <Tag>{t('problems.urgency.normal')}</Tag>
  );
}

export function CategoryTag({ category }: { category: ProblemCategory }) {
  const { t } = useTranslation();
  const color = category === 'infringement' ? 'magenta' : category === 'omission' ? 'gold' : 'blue';
  return (
    <Tag color={color} variant="outlined">
      {t(`problems.category.${category}`)}
    </Tag>
  );
}

/** Working days to the due date while the provider owes an answer: 红色 overdue, 橙色 close. */
export function ProblemCountdown({ report }: { report: ProblemReport }) {
  const { t } = useTranslation();
  if (!awaitingProvider(report.status)) {
    return report.late ? <Tag color="volcano">{t('problems.answeredLate')}</Tag> : null;
  }
  const left = report.workingDaysLeft;
  if (report.overdue || (left !== null && left < 0)) {
    return (
      <Tag color="red" data-testid="problem-overdue">
        {t('problems.overdueBy', { count: Math.abs(left ?? 0) })}
      </Tag>
    );
  }
  if (left === null) return <Tag>{t('problems.unknownLeft')}</Tag>;
  if (left === 0) return <Tag color="orange">{t('problems.dueToday')}</Tag>;
  return <Tag color={left <= 2 ? 'orange' : 'blue'}>{t('problems.left', { count: left })}</Tag>;
}
