import { Select, Space, Tag, Tooltip } from 'antd';
import dayjs from 'dayjs';
import type { TFunction } from 'i18next';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { filterOptionByLabel, formatDateTime } from '../../format';
import { useOrgs } from '../../hooks';
import type { EmergencyStatus, EmergencyType, ScenarioStatus } from './adminApi';
import { SHARE_OPERATIONS, oneOf, withCode } from './adminApi';

export function ScenarioStatusTag({ status }: { status: ScenarioStatus }) {
  const { t } = useTranslation();
  return (
    <Tag
      color={status === 'active' ? 'success' : 'default'}
      data-testid={`scenario-status-${status}`}
    >
      {t(`shareAdmin.scenarioStatus.${status}`)}
    </Tag>
  );
}

const TYPE_COLORS: Record<EmergencyType, string> = {
  natural_disaster: 'orange',
  accident: 'volcano',
  public_health: 'green',
  social_security: 'geekblue',
};

export function EmergencyTypeTag({ type }: { type: EmergencyType }) {
  const { t } = useTranslation();
  return <Tag color={TYPE_COLORS[type]}>{t(`shareAdmin.emergencyType.${type}`)}</Tag>;
}

export function EmergencyStatusTag({ status }: { status: EmergencyStatus }) {
  const { t } = useTranslation();
  return (
    <Tag
      color={status === 'active' ? 'processing' : 'default'}
      data-testid={`emergency-status-${status}`}
    >
      {t(`shareAdmin.emergencyStatus.${status}`)}
    </Tag>
  );
}

/** 查询 / 比对验证 / 数据交换 / 平台内分析 */
export function OperationTags({ operations }: { operations: readonly string[] }) {
  const { t } = useTranslation();
  return (
    <Space size={[2, 2]} wrap>
      {operations.map((op) => (
        <Tag key={op} variant="outlined">
          {operationLabel(t, op)}
        </Tag>
      ))}
    </Space>
  );
}

export function operationLabel(t: TFunction, op: string): string {
  return oneOf(SHARE_OPERATIONS, op) ? t(`shareAdmin.operation.${op}`) : op;
}

const CALL_OPERATIONS = [
  'lookup',
  'query',
  'verify',
  'changes',
  'export',
  'holdings',
  'analysis',
] as const;

/** The operation of a data-API call as the access log names it (lookup, query, changes…). */
export function callOperationLabel(t: TFunction, op: string): string {
  return oneOf(CALL_OPERATIONS, op) ? t(`shareAdmin.callOperation.${op}`) : op;
}

/** The current time, refreshed every `ms`: for countdowns. */
export function useNow(ms = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => {
      setNow(Date.now());
    }, ms);
    return () => {
      window.clearInterval(timer);
    };
  }, [ms]);
  return now;
}

/** Time left to the planned end of an active emergency: 剩余 2 天 3 小时, red once past. */
export function EmergencyCountdown({
  plannedEndAt,
  status,
}: {
  plannedEndAt: string;
  status: EmergencyStatus;
}) {
  const { t } = useTranslation();
  const now = useNow();
  if (status !== 'active') return null;
  const end = dayjs(plannedEndAt);
  if (!end.isValid()) return null;
  const minutes = end.diff(now, 'minute');
  const title = t('shareAdmin.emergencies.plannedEndAt', { time: formatDateTime(plannedEndAt) });
  if (minutes <= 0) {
    return (
      <Tooltip title={title}>
        <Tag color="red" data-testid="emergency-past-end">
          {t('shareAdmin.emergencies.pastPlannedEnd')}
        </Tag>
      </Tooltip>
    );
  }
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  const label =
    days > 0
      ? t('shareAdmin.emergencies.leftDays', { days, hours })
      : hours > 0
        ? t('shareAdmin.emergencies.leftHours', { hours, minutes: mins })
        : t('shareAdmin.emergencies.leftMinutes', { minutes: mins });
  return (
    <Tooltip title={title}>
      <Tag color={minutes < 24 * 60 ? 'orange' : 'blue'} data-testid="emergency-countdown">
        {label}
      </Tag>
    </Tooltip>
  );
}

/**
 * A multiple choice of organisations that may use shared data (departments, utilities, public
 * organisations; not the data authorities), searchable by name or code.
 */
export function OrgMultiSelect({
  value,
  onChange,
  placeholder,
  testId,
}: {
  value?: string[];
  onChange?: (value: string[]) => void;
  placeholder?: string;
  testId?: string;
}) {
  const { i18n } = useTranslation();
  const orgs = useOrgs();
  return (
    <Select
      mode="multiple"
      allowClear
      value={value}
      onChange={onChange}
      placeholder={placeholder}
      loading={orgs.loading}
      showSearch={{ filterOption: filterOptionByLabel }}
      options={(orgs.data ?? [])
        .filter((o) => o.kind !== 'authority')
        .map((o) => ({ value: o.code, label: withCode(o.name, o.code, i18n.language) }))}
      data-testid={testId}
    />
  );
}
