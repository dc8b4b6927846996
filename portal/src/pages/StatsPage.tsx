import {
  ApiOutlined,
  CloudDownloadOutlined,
  DatabaseOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import { Card, Col, Row, Spin, Statistic, Table, Typography } from 'antd';
import { Suspense, lazy } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useAsync } from '../../../console/src/hooks';
import { api } from '../api';
import { LoadError, PageLoading, formatNumber, useTitle } from '../components/common';
import { datasetPath, orgPath } from '../components/DatasetList';
import type { StatsData } from '../types';

const DailyChart = lazy(() => import('./DailyChart'));

type DatasetRow = StatsData['perDataset'][number];
type ProviderRow = StatsData['perProvider'][number];

const num = (v: number) => formatNumber(v);

export function StatsPage() {
  const { t } = useTranslation();
  useTitle(t('stats.title'));
  const stats = useAsync((signal) => api.get<StatsData>('/open/stats', { signal }), 'stats');
  if (stats.error) return <LoadError error={stats.error} onRetry={stats.reload} />;
  if (!stats.data) return <PageLoading />;
  const { totals, perDataset, perProvider, daily } = stats.data;
  return (
    <div>
      <div className="page-head">
        <div>
          <Typography.Title level={3}>{t('stats.title')}</Typography.Title>
          <Typography.Text type="secondary">{t('stats.subtitle')}</Typography.Text>
        </div>
      </div>
      <Row gutter={[16, 16]} className="block-gap">
        {(
          [
            ['datasets', <DatabaseOutlined key="i" />],
            ['providers', <TeamOutlined key="i" />],
            ['downloads', <CloudDownloadOutlined key="i" />],
            ['apiCalls', <ApiOutlined key="i" />],
          ] as const
        ).map(([key, icon]) => (
          <Col xs={12} md={6} key={key}>
            <Card data-testid={`stats-${key}`}>
              <Statistic
                title={t(`home.totals.${key}`)}
                value={totals[key]}
                prefix={icon}
                formatter={(v) => formatNumber(Number(v))}
              />
            </Card>
          </Col>
        ))}
      </Row>
      <Card title={t('stats.daily')} className="block-gap">
        <Suspense fallback={<Spin />}>
          <DailyChart
            daily={daily}
            downloadsLabel={t('stats.downloads')}
            apiCallsLabel={t('stats.apiCalls')}
          />
        </Suspense>
      </Card>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <Card title={t('stats.perDataset')}>
            <Table<DatasetRow>
              size="small"
              rowKey="code"
              dataSource={perDataset}
              data-testid="stats-per-dataset"
              pagination={perDataset.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
              columns={[
                {
                  title: t('stats.dataset'),
                  dataIndex: 'name',
                  key: 'name',
                  render: (_v: string, r) => <Link to={datasetPath(r.code)}>{r.name}</Link>,
                },
                { title: t('dataset.department'), dataIndex: 'orgName', key: 'orgName' },
                {
                  title: t('stats.downloads'),
                  dataIndex: 'downloads',
                  key: 'downloads',
                  align: 'right',
                  sorter: (a, b) => a.downloads - b.downloads,
                  render: num,
                },
                {
                  title: t('stats.apiCalls'),
                  dataIndex: 'apiCalls',
                  key: 'apiCalls',
                  align: 'right',
                  sorter: (a, b) => a.apiCalls - b.apiCalls,
                  render: num,
                },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <Card title={t('stats.perProvider')}>
            <Table<ProviderRow>
              size="small"
              rowKey="orgCode"
              dataSource={perProvider}
              data-testid="stats-per-provider"
              pagination={
                perProvider.length > 20 ? { pageSize: 20, showSizeChanger: false } : false
              }
              columns={[
                {
                  title: t('dataset.department'),
                  dataIndex: 'orgName',
                  key: 'orgName',
                  render: (_v: string, r) => <Link to={orgPath(r.orgCode)}>{r.orgName}</Link>,
                },
                {
                  title: t('stats.datasets'),
                  dataIndex: 'datasets',
                  key: 'datasets',
                  align: 'right',
                  render: num,
                },
                {
                  title: t('stats.downloads'),
                  dataIndex: 'downloads',
                  key: 'downloads',
                  align: 'right',
                  sorter: (a, b) => a.downloads - b.downloads,
                  render: num,
                },
                {
                  title: t('stats.apiCalls'),
                  dataIndex: 'apiCalls',
                  key: 'apiCalls',
                  align: 'right',
                  sorter: (a, b) => a.apiCalls - b.apiCalls,
                  render: num,
                },
              ]}
            />
          </Card>
        </Col>
      </Row>
    </div>
  );
}
