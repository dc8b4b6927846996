/** 个人中心: the signed-in public account's own things (login required). */
import { Card, Descriptions, Tabs, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation, useSearchParams } from 'react-router-dom';
import { formatDateTime } from '../../../../console/src/format';
import { loginPath, useAuth } from '../../auth';
import { PageLoading, useTitle } from '../../components/common';
import type { Account, Verification } from '../../types';
import { AgreementsTab } from './AgreementsTab';
import { ApplicationsTab } from './ApplicationsTab';
import { KeysTab } from './KeysTab';
import { DownloadsTab, FeedbackTab, MyShowcaseTab } from './ListsTabs';
import { RequestsTab } from './RequestsTab';

const TABS = [
  'account',
  'keys',
  'applications',
  'agreements',
  'requests',
  'downloads',
  'feedback',
  'showcase',
] as const;
type TabKey = (typeof TABS)[number];

const VERIFICATION_COLORS: Record<Verification, string> = {
  verified: 'green',
  pending: 'gold',
  rejected: 'red',
};

function AccountTab({ account }: { account: Account }) {
  const { t } = useTranslation();
  const org = account.kind === 'organisation';
  return (
    <>
      <Descriptions
        bordered
        size="small"
        column={1}
        data-testid="account-info"
        items={[
          { key: 'username', label: t('auth.username'), children: account.username },
          { key: 'kind', label: t('me.kind'), children: t(`auth.kind.${account.kind}`) },
          {
            key: 'displayName',
            label: org ? t('auth.contactName') : t('auth.displayName'),
            children: account.displayName,
          },
          ...(org
            ? [
                { key: 'orgName', label: t('auth.orgName'), children: account.orgName ?? '—' },
                {
                  key: 'creditCode',
                  label: t('auth.creditCode'),
                  children: <span className="mono">{account.creditCode ?? '—'}</span>,
                },
              ]
            : []),
          { key: 'email', label: t('auth.email'), children: account.email },
          { key: 'phone', label: t('auth.phone'), children: account.phone ?? '—' },
          {
            key: 'verification',
            label: t('me.verification'),
            children: (
              <span data-testid="account-verification" data-value={account.verification}>
                <Tag color={VERIFICATION_COLORS[account.verification]}>
                  {t(`me.verificationStatus.${account.verification}`)}
                </Tag>
                {account.verificationNote ? (
                  <Typography.Text type="secondary">{account.verificationNote}</Typography.Text>
                ) : null}
              </span>
            ),
          },
          {
            key: 'createdAt',
            label: t('me.createdAt'),
            children: formatDateTime(account.createdAt),
          },
        ]}
      />
      {account.verification !== 'verified' ? (
        <Typography.Paragraph type="secondary" className="block-top">
          {account.verification === 'pending' ? t('me.pendingHint') : t('me.rejectedHint')}
        </Typography.Paragraph>
      ) : null}
    </>
  );
}

export function MePage() {
  const { t } = useTranslation();
  const { status, account } = useAuth();
  const location = useLocation();
  const [params, setParams] = useSearchParams();
  const tabParam = params.get('tab');
  const tab: TabKey = TABS.includes(tabParam as TabKey) ? (tabParam as TabKey) : 'account';
  useTitle(t('nav.me'));

  if (status === 'loading') return <PageLoading />;
  if (!account)
    return <Navigate to={loginPath(`${location.pathname}${location.search}`)} replace />;

  const content: Record<TabKey, () => ReactNode> = {
    account: () => <AccountTab account={account} />,
    keys: () => <KeysTab />,
    applications: () => <ApplicationsTab />,
    agreements: () => <AgreementsTab />,
    requests: () => <RequestsTab />,
    downloads: () => <DownloadsTab />,
    feedback: () => <FeedbackTab />,
    showcase: () => <MyShowcaseTab />,
  };

  return (
    <div data-testid="me-page">
      <div className="page-head">
        <div>
          <Typography.Title level={3}>{t('nav.me')}</Typography.Title>
          <Typography.Text type="secondary">
            {t('me.welcome', { name: account.displayName || account.username })}
          </Typography.Text>
        </div>
      </div>
      <Card>
        <Tabs
          activeKey={tab}
          onChange={(key) => {
            const next = new URLSearchParams();
            if (key !== 'account') next.set('tab', key);
            setParams(next, { replace: true });
          }}
          items={TABS.map((k) => ({
            key: k,
            label: <span data-testid={`me-tab-${k}`}>{t(`me.tabs.${k}`)}</span>,
            children: k === tab ? content[k]() : null,
          }))}
        />
      </Card>
    </div>
  );
}
