import { ReloadOutlined } from '@ant-design/icons';
import { Button, Card, Select, Space, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { api } from '../../api';
import { LoadError, Mono, PageHeader } from '../../components/common';
import { formatDateTime } from '../../format';
import { useAsync } from '../../hooks';
import { DisputeDrawer } from './DisputeDrawer';
import type { DisputeStatus, Paged, ShareDispute } from './share';
import { DISPUTE_STATUSES } from './share';
import { DisputeKindTag, DisputeStatusTag } from './ShareParts';

const PAGE_SIZE = 20;

/**
 * 数据共享 › 争议协调 (R4.6): a refused request, or a need for data that is not shared, goes to
 * negotiation between the two departments and, failing that, to the authority's decision, which
 * binds both. The drawer (?code=) shows the argument, the provider's statement and the decision.
 */
export function DisputesPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const status = (params.get('status') as DisputeStatus | null) ?? undefined;
  const page = Math.max(1, Number(params.get('page') ?? '1') || 1);
  const code = params.get('code');

  const update = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value === null) next.delete(key);
      else next.set(key, value);
    }
    setParams(next, { replace: true });
  };

  const list = useAsync(
    (signal) =>
      api.get<Paged<ShareDispute>>('/share/disputes', {
        signal,
        query: { status, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE },
      }),
    `${status ?? ''}|${String(page)}`,
  );

  const columns: TableColumnsType<ShareDispute> = [
    {
      title: t('share.field.code'),
      dataIndex: 'code',
      width: 160,
      render: (c: string) => (
        <Button
          type="link"
          size="small"
          className="mono"
          style={{ padding: 0 }}
          onClick={() => {
            update({ code: c });
          }}
          data-testid={`dispute-open-${c}`}
        >
          {c}
        </Button>
      ),
    },
    {
      title: t('share.dispute.kindLabel'),
      dataIndex: 'kind',
      width: 160,
      render: (_: unknown, d) => <DisputeKindTag kind={d.kind} />,
    },
    {
      title: t('share.field.resource'),
      key: 'resource',
      render: (_: unknown, d) => (
        <Space orientation="vertical" size={0}>
          <Link to={`/catalog/resources/${encodeURIComponent(d.resourceCode)}`}>
            {d.resourceName}
          </Link>
          <Typography.Text type="secondary">
            <Mono>{d.resourceCode}</Mono>
            {d.requestCode ? ` · ${d.requestCode}` : ''}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t('share.field.consumer'), dataIndex: 'consumerOrgName', width: 150 },
    { title: t('share.field.provider'), dataIndex: 'providerOrgName', width: 150 },
    {
      title: t('share.field.status'),
      dataIndex: 'status',
      width: 120,
      render: (s: DisputeStatus) => <DisputeStatusTag status={s} />,
    },
    {
      title: t('share.field.createdAt'),
      dataIndex: 'createdAt',
      width: 160,
      render: (d: string) => formatDateTime(d),
    },
    {
      title: t('share.field.decidedAt'),
      dataIndex: 'decidedAt',
      width: 160,
      render: (d: string | null) => formatDateTime(d),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('share.dispute.title')}
        description={t('share.dispute.description')}
        extra={
          <Button icon={<ReloadOutlined />} onClick={list.reload}>
            {t('common.refresh')}
          </Button>
        }
      />
      <Card>
        <div className="table-toolbar">
          <Typography.Text type="secondary">{t('share.dispute.listHint')}</Typography.Text>
          <Select<DisputeStatus>
            allowClear
            placeholder={t('share.dispute.statusFilter')}
            style={{ width: 160 }}
            value={status}
            onChange={(value) => {
              update({ status: value ?? null, page: null });
            }}
            options={DISPUTE_STATUSES.map((s) => ({
              value: s,
              label: t(`share.disputeStatus.${s}`),
            }))}
            data-testid="disputes-status-filter"
          />
        </div>
        {list.error ? (
          <LoadError error={list.error} onRetry={list.reload} />
        ) : (
          <Table<ShareDispute>
            rowKey="code"
            size="middle"
            loading={list.loading}
            columns={columns}
            dataSource={list.data?.items ?? []}
            scroll={{ x: 1200 }}
            locale={{ emptyText: t('share.dispute.empty') }}
            pagination={{
              current: page,
              pageSize: PAGE_SIZE,
              total: list.data?.total ?? 0,
              hideOnSinglePage: true,
              showSizeChanger: false,
              showTotal: (n) => t('common.total', { count: n }),
              onChange: (p) => {
                update({ page: p === 1 ? null : String(p) });
              },
            }}
            data-testid="disputes-table"
          />
        )}
      </Card>
      <DisputeDrawer
        code={code}
        onClose={() => {
          update({ code: null });
        }}
        onChanged={list.reload}
      />
    </>
  );
}
