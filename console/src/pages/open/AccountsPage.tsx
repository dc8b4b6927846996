import { App, Space, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Mono } from '../../components/common';
import { formatDateTime } from '../../format';
import { useRetained } from '../../hooks';
import type { AccountVerification, PublicAccount } from './open';
import { ACCOUNT_VERIFICATIONS } from './open';

import { ModerateModal } from './ModerateModal';
import { ApproveRejectButtons, ModerationQueue, useModerationQueue } from './ModerationQueue';
import { AccountStatusTag, ApplicantKindTag } from './OpenParts';

/**
 * 数据开放 › 公众账号审核 (R1.3): organisation accounts of the open portal wait for the authority to
 * check the organisation's name and unified social credit code (individuals are verified at
 * registration unless a real-name verification service is configured).
 */
export function AccountsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queue = useModerationQueue<PublicAccount, AccountVerification>({
    path: '/open/accounts',
    statuses: ACCOUNT_VERIFICATIONS,
    // The contract calls the filter `status`; the server names it after the field.
    filter: 'verification',
  });
  const [verifying, setVerifying] = useState<{ account: PublicAccount; approve: boolean } | null>(
    null,
  );
  const shown = useRetained(verifying);

  const columns: TableColumnsType<PublicAccount> = [
    {
      title: t('open.account.name'),
      key: 'name',
      render: (_: unknown, r) => (
        <Space orientation="vertical" size={0}>
          <Space size={4} wrap>
            <span>{r.orgName ?? r.displayName}</span>
            <ApplicantKindTag kind={r.kind} />
            {r.disabled ? <Tag>{t('open.account.disabled')}</Tag> : null}
          </Space>
          <Typography.Text type="secondary">
            {r.displayName} · <Mono>{r.username}</Mono>
          </Typography.Text>
        </Space>
      ),
    },
    {
      title: t('open.account.creditCode'),
      dataIndex: 'creditCode',
      width: 200,
      render: (c: string | null) => (c ? <Mono>{c}</Mono> : '—'),
    },
    {
      title: t('open.account.contact'),
      key: 'contact',
      width: 220,
      render: (_: unknown, r) => (
        <Space orientation="vertical" size={0}>
          <span>{r.email}</span>
          {r.phone ? <Typography.Text type="secondary">{r.phone}</Typography.Text> : null}
        </Space>
      ),
    },
    {
      title: t('open.account.registeredAt'),
      dataIndex: 'createdAt',
      width: 160,
      render: (d: string) => formatDateTime(d),
    },
    {
      title: t('open.field.status'),
      key: 'status',
      width: 180,
      render: (_: unknown, r) => (
        <Space orientation="vertical" size={2}>
          <AccountStatusTag status={r.verification} />
          {r.verificationNote ? (
            <Typography.Text type="secondary" className="pre-wrap">
              {r.verificationNote}
            </Typography.Text>
          ) : null}
        </Space>
      ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 170,
      fixed: 'right',
      render: (_: unknown, r) =>
        r.verification === 'pending' ? (
          <ApproveRejectButtons
            testIdPrefix="open-account"
            testIdSuffix={r.username}
            onDecide={(approve) => {
              setVerifying({ account: r, approve });
            }}
          />
        ) : null,
    },
  ];

  return (
    <ModerationQueue<PublicAccount, AccountVerification>
      queue={queue}
      title={t('open.account.title')}
      description={t('open.account.description')}
      statuses={ACCOUNT_VERIFICATIONS}
      tabLabel={(s) => t(`open.accountStatus.${s}`)}
      columns={columns}
      emptyText={t(`open.account.empty.${queue.status}`)}
      scrollX={1000}
      testIdPrefix="open-account"
      rowTestId={(r) => r.username}
    >
      <ModerateModal
        approve={verifying?.approve ?? null}
        path={`/open/accounts/${encodeURIComponent(shown?.account.id ?? '')}/verify`}
        title={t(shown?.approve ? 'open.account.approveTitle' : 'open.account.rejectTitle')}
        summary={
          shown ? (
            <>
              {shown.account.orgName ?? shown.account.displayName}
              {shown.account.creditCode ? (
                <>
                  {' · '}
                  <Mono>{shown.account.creditCode}</Mono>
                </>
              ) : null}
            </>
          ) : null
        }
        testId="open-account-verify"
        onClose={() => {
          setVerifying(null);
        }}
        onDone={(approved) => {
          setVerifying(null);
          message.success(t(approved ? 'open.account.approved' : 'open.account.rejected'));
          queue.list.reload();
        }}
      />
    </ModerationQueue>
  );
}
