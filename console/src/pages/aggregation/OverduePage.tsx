import { LineChartOutlined, ReloadOutlined } from '@ant-design/icons';
import { Button, Card, Select, Space, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { api } from '../../api';
import { useMe } from '../../auth';
import { enumLabel } from '../../catalog/labels';
import { ExportButton } from '../../components/ExportButton';
import { ForbiddenResult, LoadError, Mono, PageHeader } from '../../components/common';
import { exportFileName, exportRows } from '../../excel';
import { filterOptionByLabel, formatDate, formatDateTime } from '../../format';
import { useAsync, useOrgs, useRegions } from '../../hooks';
import { FreshnessTag } from './FreshnessTag';
import type { FreshnessItem, FreshnessList } from './quality';

/**
 * 逾期未归集: published resources whose data is past the deadline of its update cycle (R3.1, R6.6),
 * most overdue first; a department sees its own, an authority its region's, an auditor all.
 */
export function OverduePage() {
  const { t } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const org = params.get('org') ?? '';
  const region = params.get('region') ?? '';
  const orgs = useOrgs();
  const regions = useRegions();
  const list = useAsync(
    async (signal) =>
      await api.get<FreshnessList>('/aggregation/overdue', {
        signal,
        query: { org: org || undefined, region: region || undefined },
      }),
    `${org}|${region}`,
  );
  const supervises = me.memberships.some((m) => m.orgKind === 'authority' || m.role === 'auditor');

  if (me.memberships.length === 0) return <ForbiddenResult />;
  const items = list.data?.items ?? [];

  const setFilter = (key: 'org' | 'region', value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };

  const lastBatch = (item: FreshnessItem) =>
    item.freshness.lastBatchAt
      ? formatDateTime(item.freshness.lastBatchAt)
      : t('overdue.never', { date: formatDate(item.freshness.publishedAt) });

  const exportList = async () => {
    await exportRows<FreshnessItem>({
      filename: exportFileName(t('overdue.exportName')),
      sheetName: t('overdue.exportSheet'),
      columns: [
        { header: t('overdue.code'), width: 22, value: (r) => r.code },
        { header: t('overdue.name'), width: 36, value: (r) => r.name },
        { header: t('overdue.org'), width: 30, value: (r) => r.orgName },
        { header: t('overdue.region'), width: 14, value: (r) => r.regionName },
        {
          header: t('overdue.cycle'),
          width: 10,
          value: (r) => enumLabel(t, 'cycle', r.freshness.updateCycle),
        },
        { header: t('overdue.lastBatchAt'), width: 30, value: lastBatch },
        { header: t('overdue.dueDate'), width: 12, value: (r) => r.freshness.dueDate },
        { header: t('overdue.daysOverdue'), width: 10, value: (r) => r.freshness.daysOverdue },
      ],
      rows: items,
    });
  };

  const columns: TableColumnsType<FreshnessItem> = [
    {
      title: t('overdue.name'),
      key: 'name',
      render: (_: unknown, r) => (
        <Space orientation="vertical" size={0}>
          <Link to={`/catalog/resources/${r.code}`}>{r.name}</Link>
          <Mono>{r.code}</Mono>
        </Space>
      ),
    },
    { title: t('overdue.org'), dataIndex: 'orgName', width: 200 },
    {
      title: t('overdue.cycle'),
      key: 'cycle',
      width: 100,
      render: (_: unknown, r) => enumLabel(t, 'cycle', r.freshness.updateCycle),
    },
    {
      title: t('overdue.lastBatchAt'),
      key: 'last',
      width: 200,
      render: (_: unknown, r) =>
        r.freshness.lastBatchAt ? (
          formatDateTime(r.freshness.lastBatchAt)
        ) : (
          <Typography.Text type="secondary">{lastBatch(r)}</Typography.Text>
        ),
    },
    {
      title: t('overdue.dueDate'),
      key: 'due',
      width: 120,
      render: (_: unknown, r) => formatDate(r.freshness.dueDate),
    },
    {
      title: t('overdue.daysOverdue'),
      key: 'days',
      width: 170,
      render: (_: unknown, r) => <FreshnessTag freshness={r.freshness} />,
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 110,
      fixed: 'right',
      render: (_: unknown, r) => (
        <Button
          type="link"
          size="small"
          icon={<LineChartOutlined />}
          onClick={() => {
            void navigate(`/aggregation/quality?code=${encodeURIComponent(r.code)}`);
          }}
        >
          {t('overdue.quality')}
        </Button>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('overdue.title')}
        description={t('overdue.description')}
        extra={
          <>
            <Button icon={<ReloadOutlined />} onClick={list.reload}>
              {t('common.refresh')}
            </Button>
            <ExportButton
              onExport={exportList}
              disabled={items.length === 0}
              testId="overdue-export"
            />
          </>
        }
      />
      <Card>
        <div className="table-toolbar">
          <Space wrap>
            {supervises ? (
              <>
                <Select
                  allowClear
                  showSearch={{ filterOption: filterOptionByLabel }}
                  placeholder={t('overdue.allRegions')}
                  value={region || undefined}
                  loading={regions.loading}
                  style={{ width: 180 }}
                  onChange={(value: string | undefined) => {
                    setFilter('region', value);
                  }}
                  options={(regions.data ?? []).map((r) => ({ value: r.code, label: r.name }))}
                  data-testid="overdue-region"
                />
                <Select
                  allowClear
                  showSearch={{ filterOption: filterOptionByLabel }}
                  placeholder={t('overdue.allOrgs')}
                  value={org || undefined}
                  loading={orgs.loading}
                  style={{ width: 260 }}
                  onChange={(value: string | undefined) => {
                    setFilter('org', value);
                  }}
                  options={(orgs.data ?? [])
                    .filter((o) => o.kind !== 'authority')
                    .map((o) => ({ value: o.code, label: o.name }))}
                  data-testid="overdue-org"
                />
              </>
            ) : null}
            {items.length > 0 ? (
              <Tag color="red" data-testid="overdue-count">
                {t('overdue.count', { count: items.length })}
              </Tag>
            ) : null}
          </Space>
          {list.data ? (
            <Typography.Text type="secondary">
              {t('overdue.asOf', { date: list.data.asOf })}
            </Typography.Text>
          ) : null}
        </div>
        {list.error ? (
          <LoadError error={list.error} onRetry={list.reload} />
        ) : (
          <Table<FreshnessItem>
            rowKey="code"
            size="middle"
            loading={list.loading}
            columns={columns}
            dataSource={items}
            scroll={{ x: 1000 }}
            locale={{ emptyText: t('overdue.empty') }}
            pagination={{
              pageSize: 20,
              hideOnSinglePage: true,
              showTotal: (n) => t('common.total', { count: n }),
            }}
            data-testid="overdue-table"
          />
        )}
      </Card>
    </>
  );
}
