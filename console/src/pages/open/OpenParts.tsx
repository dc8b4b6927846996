/**
 * Small pieces of the open-data pages: status tags, the applicant, the dataset link and the list
 * toolbar hint. The countdown and the timeline are the sharing pages' (ShareParts).
 */
import { ExportOutlined } from '@ant-design/icons';
import { Space, Tag, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Mono } from '../../components/common';
import type { DueState } from '../sharing/ShareParts';
import type { OpenApplication } from './open';
import {
  ACCOUNT_VERIFICATIONS,
  APPLICANT_KINDS,
  APPLICATION_STATUSES,
  DATA_REQUEST_STATUSES,
  SHOWCASE_STATUSES,
  oneOf,
  safeHttpUrl,
} from './open';

const APPLICATION_COLORS: Record<(typeof APPLICATION_STATUSES)[number], string> = {
  pending: 'processing',
  approved: 'success',
  refused: 'error',
  withdrawn: 'default',
};

export function ApplicationStatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  if (!oneOf(APPLICATION_STATUSES, status)) return <Tag>{status}</Tag>;
  return (
    <Tag color={APPLICATION_COLORS[status]} data-testid={`open-app-status-${status}`}>
      {t(`open.appStatus.${status}`)}
    </Tag>
  );
}

const REQUEST_COLORS: Record<(typeof DATA_REQUEST_STATUSES)[number], string> = {
  pending: 'processing',
  provided: 'success',
  refused: 'error',
  disputed: 'warning',
  ruled: 'purple',
};

export function DataRequestStatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  if (!oneOf(DATA_REQUEST_STATUSES, status)) return <Tag>{status}</Tag>;
  return (
    <Tag color={REQUEST_COLORS[status]} data-testid={`open-req-status-${status}`}>
      {t(`open.requestStatus.${status}`)}
    </Tag>
  );
}

const SHOWCASE_COLORS: Record<(typeof SHOWCASE_STATUSES)[number], string> = {
  pending: 'processing',
  approved: 'success',
  rejected: 'error',
};

export function ShowcaseStatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  if (!oneOf(SHOWCASE_STATUSES, status)) return <Tag>{status}</Tag>;
  return <Tag color={SHOWCASE_COLORS[status]}>{t(`open.showcaseStatus.${status}`)}</Tag>;
}

const ACCOUNT_COLORS: Record<(typeof ACCOUNT_VERIFICATIONS)[number], string> = {
  pending: 'processing',
  verified: 'success',
  rejected: 'error',
};

export function AccountStatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  if (!oneOf(ACCOUNT_VERIFICATIONS, status)) return <Tag>{status}</Tag>;
  return <Tag color={ACCOUNT_COLORS[status]}>{t(`open.accountStatus.${status}`)}</Tag>;
}

/** The countdown as text (Excel): 剩余 N 个工作日 / 已超期 N 个工作日 while the answer is owed. */
export function countdownText(t: TFunction, item: DueState): string {
  if (item.status !== 'pending') return '';
  const left = item.workingDaysLeft;
  if (item.overdue || (left !== null && left < 0)) {
    return t('share.countdown.overdueBy', { count: Math.abs(left ?? 0) });
  }
  if (left === null) return '';
  return left === 0 ? t('share.countdown.dueToday') : t('share.countdown.left', { count: left });
}

const EVENTS = {
  'open.application.create': 'applicationCreate',
  'open.application.decide': 'applicationDecide',
  'open.application.withdraw': 'applicationWithdraw',
  'open.request.create': 'requestCreate',
  'open.request.answer': 'requestAnswer',
  'open.request.dispute': 'requestDispute',
  'open.request.rule': 'requestRule',
} as const;

/** The name of a step in an application's or a request's timeline (null: not an open action). */
export function openEventLabel(t: TFunction, action: string): string | null {
  const key = (EVENTS as Record<string, (typeof EVENTS)[keyof typeof EVENTS] | undefined>)[action];
  return key ? t(`open.event.${key}`) : null;
}

export function applicantKindLabel(t: TFunction, kind: string): string {
  return oneOf(APPLICANT_KINDS, kind) ? t(`open.applicantKind.${kind}`) : kind;
}

export function ApplicantKindTag({ kind }: { kind: string }) {
  const { t } = useTranslation();
  return (
    <Tag color={kind === 'organisation' ? 'geekblue' : 'cyan'} variant="outlined">
      {applicantKindLabel(t, kind)}
    </Tag>
  );
}

/** 申请人: display name, 个人 / 法人, and the organisation of a legal person. */
export function Applicant({ applicant }: { applicant: OpenApplication['applicant'] }) {
  return (
    <Space orientation="vertical" size={0}>
      <Space size={4} wrap>
        <span>{applicant.displayName}</span>
        <ApplicantKindTag kind={applicant.kind} />
      </Space>
      {applicant.orgName ? (
        <Typography.Text type="secondary">{applicant.orgName}</Typography.Text>
      ) : null}
    </Space>
  );
}

/** A dataset of the open catalog: its name over its code. */
export function DatasetCell({ name, code }: { name: string; code: string }) {
  return (
    <Space orientation="vertical" size={0}>
      <span>{name}</span>
      <Typography.Text type="secondary">
        <Mono>{code}</Mono>
      </Typography.Text>
    </Space>
  );
}

/**
 * An address typed by the public: always shown as text; a link beside it only for http(s), opened
 * without referrer or opener and marked nofollow.
 */
export function PublicUrl({ url, testId }: { url: string; testId?: string }) {
  const { t } = useTranslation();
  const href = safeHttpUrl(url);
  return (
    <Space size={6} wrap>
      <Typography.Text className="mono" style={{ wordBreak: 'break-all' }}>
        {url}
      </Typography.Text>
      {href ? (
        <a
          href={href}
          target="_blank"
          rel="noopener noreferrer nofollow"
          referrerPolicy="no-referrer"
          data-testid={testId}
        >
          <ExportOutlined /> {t('open.common.openLink')}
        </a>
      ) : (
        <Tag color="warning">{t('open.common.notHttp')}</Tag>
      )}
    </Space>
  );
}
