import { CheckOutlined, CloseOutlined, ReloadOutlined } from '@ant-design/icons';
import { App, Button, Card, Space, Table, Tabs, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { api } from '../../api';
import { LoadError, Mono, PageHeader } from '../../components/common';
import { formatDateTime } from '../../format';
import { useAsync, useRetained } from '../../hooks';
import type { AccountVerification, Paged, PublicAccount } from './open';
import { ACCOUNT_VERIFICATIONS } from './open';

const PAGE_SIZE = 20;
import { ModerateModal } from './ModerateModal';
import { AccountStatusTag, ApplicantKindTag } from './OpenParts';

/**
 * 数据开放 › 公众账号审核 (R1.3): organisation accounts of the open portal wait for the authority to
 * check the organisation's name and unified social credit code (individuals are verified at
 * registration unless a real-name verification service is configured).
 */
export function AccountsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const requested = params.get('status');
  const status: AccountVerification =
    requested && (ACCOUNT_VERIFICATIONS as readonly string[]).includes(requested)
      ? (requested as AccountVerification)
      : 'pending';
  const [verifying, setVerifying] = useState<{ account: PublicAccount; approve: boolean } | null>(
    null,
  );
  const shown = useRetained(verifying);

  const page = Math.max(1, Number(params.get('page') ?? '1') || 1);
  const list = useAsync(
    (signal) =>
      api.get<Paged<PublicAccount>>('/open/accounts', {
        signal,
        // The contract calls the filter `status`; the server names it after the field.
        query: { verification: status, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE },
      }),
    `${status}|${String(page)}`,
  );
  const items = list.data?.items ?? [];

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
          <Space>
            <Button
              size="small"
              type="primary"
              icon={<CheckOutlined />}
              onClick={() => {
                setVerifying({ account: r, approve: true });
              }}
              data-testid={`open-account-approve-${r.username}`}
            >
              {t('open.common.approve')}
            </Button>
            <Button
              size="small"
              danger
              icon={<CloseOutlined />}
              onClick={() => {
                setVerifying({ account: r, approve: false });
              }}
              data-testid={`open-account-reject-${r.username}`}
            >
              {t('open.common.reject')}
            </Button>
          </Space>
        ) : null,
    },
  ];

  return (
    <>
      <PageHeader
        title={t('open.account.title')}
        description={t('open.account.description')}
        extra={
          <Button icon={<ReloadOutlined />} onClick={list.reload}>
            {t('common.refresh')}
          </Button>
        }
      />
      <Card>
        <Tabs
          activeKey={status}
          onChange={(key) => {
            const next = new URLSearchParams(params);
            if (key === 'pending') next.delete('status');
            else next.set('status', key);
            next.delete('page');
            setParams(next, { replace: true });
          }}
          items={ACCOUNT_VERIFICATIONS.map((s) => ({
            key: s,
            label: (
              <span data-testid={`open-account-tab-${s}`}>{t(`open.accountStatus.${s}`)}</span>
            ),
          }))}
        />
        {list.error ? (
          <LoadError error={list.error} onRetry={list.reload} />
        ) : (
          <Table<PublicAccount>
            rowKey="id"
            size="middle"
            loading={list.loading}
            columns={columns}
            dataSource={items}
            scroll={{ x: 1000 }}
            onRow={(r) => ({ 'data-testid': `open-account-row-${r.username}` }) as object}
            locale={{ emptyText: t(`open.account.empty.${status}`) }}
            pagination={{
              current: page,
              pageSize: PAGE_SIZE,
              total: list.data?.total ?? 0,
              onChange: (p) => {
                const next = new URLSearchParams(params);
                if (p === 1) next.delete('page');
                else next.set('page', String(p));
                setParams(next, { replace: true });
              },
              hideOnSinglePage: true,
              showSizeChanger: false,
              showTotal: (n) => t('common.total', { count: n }),
            }}
            data-testid="open-account-table"
          />
        )}
      </Card>
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
          list.reload();
        }}
      />
    </>
  );
}
