import { ReloadOutlined } from '@ant-design/icons';
import { Button, Card, Col, Empty, Row, Spin, Statistic, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { Suspense, lazy } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { ExportButton } from '../../components/ExportButton';
import { LoadError, Mono, PageHeader } from '../../components/common';
import { exportFileName, exportSheets, sheet } from '../../excel';
import { useAsync } from '../../hooks';
import { formatNumber } from '../sharing/adminApi';
import type { OpenStats } from './open';

const DailyOpenChart = lazy(() =>
  import('./OpenStatsCharts').then((m) => ({ default: m.DailyOpenChart })),
);
const TopDatasetsChart = lazy(() =>
  import('./OpenStatsCharts').then((m) => ({ default: m.TopDatasetsChart })),
);

const TOP = 10;

type ProviderRow = OpenStats['perProvider'][number];
type DatasetRow = OpenStats['perDataset'][number];

function ChartFallback({ height }: { height: number }) {
  return (
    <div className="page-loading" style={{ height }}>
      <Spin />
    </div>
  );
}

/**
 * 数据开放 › 开放统计 (R5.9): the open catalog in numbers — datasets, providers, downloads and API
 * calls; the last 30 days; the most used datasets; and each providing department.
 */
export function StatsPage() {
  const { t, i18n } = useTranslation();
  const stats = useAsync((signal) => api.get<OpenStats>('/open/stats', { signal }), 'open-stats');
  const data = stats.data;
  const num = (n: number | null | undefined) => formatNumber(n, i18n.language);

  const use = (r: { downloads: number; apiCalls: number }) => r.downloads + r.apiCalls;
  const top = data ? [...data.perDataset].sort((a, b) => use(b) - use(a)).slice(0, TOP) : [];
  const providers = data ? [...data.perProvider].sort((a, b) => use(b) - use(a)) : [];

  const exportAll = async () => {
    if (!data) return;
    await exportSheets({
      filename: exportFileName(t('open.stats.exportName')),
      sheets: [
        sheet<ProviderRow>({
          sheetName: t('open.stats.perProvider'),
          columns: [
            { header: t('open.stats.orgCode'), width: 14, value: (r) => r.orgCode },
            { header: t('open.stats.orgName'), width: 30, value: (r) => r.orgName },
            { header: t('open.stats.datasets'), width: 10, value: (r) => r.datasets },
            { header: t('open.stats.downloads'), width: 12, value: (r) => r.downloads },
            { header: t('open.stats.apiCalls'), width: 12, value: (r) => r.apiCalls },
          ],
          rows: providers,
        }),
        sheet<DatasetRow>({
          sheetName: t('open.stats.perDataset'),
          columns: [
            { header: t('open.field.datasetCode'), width: 20, value: (r) => r.code },
            { header: t('open.field.dataset'), width: 36, value: (r) => r.name },
            { header: t('open.stats.orgName'), width: 30, value: (r) => r.orgName },
            ...(data.perDataset.some((r) => r.views !== undefined)
              ? [{ header: t('open.stats.views'), width: 10, value: (r: DatasetRow) => r.views }]
              : []),
            { header: t('open.stats.downloads'), width: 12, value: (r) => r.downloads },
            { header: t('open.stats.apiCalls'), width: 12, value: (r) => r.apiCalls },
          ],
          rows: [...data.perDataset].sort((a, b) => use(b) - use(a)),
        }),
        sheet<OpenStats['daily'][number]>({
          sheetName: t('open.stats.dailySheet'),
          columns: [
            { header: t('open.stats.day'), width: 12, value: (r) => r.day },
            { header: t('open.stats.downloads'), width: 12, value: (r) => r.downloads },
            { header: t('open.stats.apiCalls'), width: 12, value: (r) => r.apiCalls },
          ],
          rows: data.daily,
        }),
      ],
    });
  };

  const providerColumns: TableColumnsType<ProviderRow> = [
    {
      title: t('open.stats.orgName'),
      key: 'org',
      render: (_: unknown, r) => (
        <span>
          {r.orgName}{' '}
          <Typography.Text type="secondary">
            <Mono>{r.orgCode}</Mono>
          </Typography.Text>
        </span>
      ),
    },
    {
      title: t('open.stats.datasets'),
      dataIndex: 'datasets',
      width: 120,
      align: 'right',
      sorter: (a, b) => a.datasets - b.datasets,
      render: (n: number) => num(n),
    },
    {
      title: t('open.stats.downloads'),
      dataIndex: 'downloads',
      width: 140,
      align: 'right',
      sorter: (a, b) => a.downloads - b.downloads,
      render: (n: number) => num(n),
    },
    {
      title: t('open.stats.apiCalls'),
      dataIndex: 'apiCalls',
      width: 140,
      align: 'right',
      sorter: (a, b) => a.apiCalls - b.apiCalls,
      render: (n: number) => num(n),
    },
  ];

  const cards: { key: keyof OpenStats['totals']; label: string }[] = [
    { key: 'datasets', label: t('open.stats.datasets') },
    { key: 'providers', label: t('open.stats.providers') },
    { key: 'downloads', label: t('open.stats.downloads') },
    { key: 'apiCalls', label: t('open.stats.apiCalls') },
  ];

  return (
    <>
      <PageHeader
        title={t('open.stats.title')}
        description={t('open.stats.description')}
        extra={
          <>
            <Button icon={<ReloadOutlined />} onClick={stats.reload}>
              {t('common.refresh')}
            </Button>
            <ExportButton onExport={exportAll} disabled={!data} testId="open-stats-export" />
          </>
        }
      />
      {stats.error ? (
        <LoadError error={stats.error} onRetry={stats.reload} />
      ) : !data ? (
        <div className="page-loading">
          <Spin />
        </div>
      ) : (
        <Row gutter={[16, 16]}>
          {cards.map((c) => (
            <Col xs={12} md={6} key={c.key}>
              <Card size="small">
                <Statistic
                  title={c.label}
                  value={num(data.totals[c.key])}
                  data-testid={`open-stats-${c.key}`}
                />
              </Card>
            </Col>
          ))}
          <Col xs={24} xl={14}>
            <Card size="small" title={t('open.stats.dailyTitle')}>
              {data.daily.length === 0 ? (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('open.stats.noUse')} />
              ) : (
                <Suspense fallback={<ChartFallback height={300} />}>
                  <DailyOpenChart
                    daily={data.daily}
                    downloadsLabel={t('open.stats.downloads')}
                    apiCallsLabel={t('open.stats.apiCalls')}
                  />
                </Suspense>
              )}
            </Card>
          </Col>
          <Col xs={24} xl={10}>
            <Card size="small" title={t('open.stats.topTitle', { count: TOP })}>
              {top.length === 0 ? (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('open.stats.noUse')} />
              ) : (
                <Suspense fallback={<ChartFallback height={300} />}>
                  <TopDatasetsChart
                    datasets={top}
                    downloadsLabel={t('open.stats.downloads')}
                    apiCallsLabel={t('open.stats.apiCalls')}
                  />
                </Suspense>
              )}
            </Card>
          </Col>
          <Col span={24}>
            <Card size="small" title={t('open.stats.perProvider')}>
              <Table<ProviderRow>
                rowKey="orgCode"
                size="small"
                columns={providerColumns}
                dataSource={providers}
                pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
                locale={{ emptyText: t('open.stats.noProviders') }}
                data-testid="open-stats-providers"
              />
            </Card>
          </Col>
        </Row>
      )}
    </>
  );
}
