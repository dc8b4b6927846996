import {
  Button,
  Card,
  Col,
  Empty,
  Input,
  Pagination,
  Row,
  Statistic,
  Table,
  Typography,
} from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { useAsync } from '../../../console/src/hooks';
import { api, isNotFound, listOf } from '../api';
import {
  LoadError,
  NotFoundResult,
  PageLoading,
  formatNumber,
  useTitle,
} from '../components/common';
import { DatasetCard, PAGE_SIZE, orgPath } from '../components/DatasetList';
import type { OpenOrg, SearchResult } from '../types';

export function OrgsPage() {
  const { t } = useTranslation();
  useTitle(t('orgs.title'));
  const [filter, setFilter] = useState('');
  const orgs = useAsync(
    async (signal) => listOf<OpenOrg>(await api.get<unknown>('/open/orgs', { signal })),
    'orgs',
  );
  const needle = filter.trim().toLowerCase();
  const rows = (orgs.data ?? []).filter(
    (o) =>
      !needle || o.name.toLowerCase().includes(needle) || o.code.toLowerCase().includes(needle),
  );
  const columns: TableColumnsType<OpenOrg> = [
    {
      title: t('orgs.name'),
      dataIndex: 'name',
      key: 'name',
      render: (_v: string, o) => (
        <Link to={orgPath(o.code)} data-testid="org-link">
          {o.name}
        </Link>
      ),
    },
    {
      title: t('orgs.datasets'),
      dataIndex: 'datasets',
      key: 'datasets',
      align: 'right',
      sorter: (a, b) => a.datasets - b.datasets,
      defaultSortOrder: 'descend',
      render: (v: number) => formatNumber(v),
    },
    {
      title: t('orgs.downloads'),
      dataIndex: 'downloads',
      key: 'downloads',
      align: 'right',
      sorter: (a, b) => a.downloads - b.downloads,
      render: (v: number) => formatNumber(v),
    },
    {
      title: t('orgs.apiCalls'),
      dataIndex: 'apiCalls',
      key: 'apiCalls',
      align: 'right',
      sorter: (a, b) => a.apiCalls - b.apiCalls,
      render: (v: number) => formatNumber(v),
    },
  ];
  return (
    <div>
      <div className="page-head">
        <div>
          <Typography.Title level={3}>{t('orgs.title')}</Typography.Title>
          <Typography.Text type="secondary">{t('orgs.subtitle')}</Typography.Text>
        </div>
        <Input.Search
          allowClear
          style={{ maxWidth: 280 }}
          placeholder={t('orgs.filter')}
          aria-label={t('orgs.filter')}
          data-testid="orgs-filter"
          onChange={(e) => {
            setFilter(e.target.value);
          }}
        />
      </div>
      {orgs.error ? (
        <LoadError error={orgs.error} onRetry={orgs.reload} />
      ) : (
        <Card>
          <Table<OpenOrg>
            rowKey="code"
            loading={orgs.loading}
            columns={columns}
            dataSource={rows}
            pagination={rows.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
            data-testid="orgs-table"
          />
        </Card>
      )}
    </div>
  );
}

export function OrgPage() {
  const { t } = useTranslation();
  const { code = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number(params.get('page')) || 1);
  const org = useAsync(
    (signal) => api.get<OpenOrg>(`/open/orgs/${encodeURIComponent(code)}`, { signal }),
    code,
  );
  const datasets = useAsync(
    (signal) =>
      api.get<SearchResult>('/open/datasets', {
        signal,
        query: { provider: code, sort: 'newest', limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE },
      }),
    `${code}:${page}`,
  );
  useTitle(org.data?.name ?? (isNotFound(org.error) ? t('orgs.notFound') : t('orgs.title')));

  if (isNotFound(org.error)) {
    return (
      <NotFoundResult
        title={t('orgs.notFound')}
        extra={
          <Link to="/orgs">
            <Button type="primary">{t('orgs.back')}</Button>
          </Link>
        }
      />
    );
  }
  if (org.error) return <LoadError error={org.error} onRetry={org.reload} />;
  if (!org.data) return <PageLoading />;
  const o = org.data;
  return (
    <div data-testid="org-page">
      <div className="breadcrumb-line">
        <Link to="/orgs">{t('nav.orgs')}</Link> / <span>{o.name}</span>
      </div>
      <Card className="block-gap">
        <Typography.Title level={3} data-testid="org-name">
          {o.name}
        </Typography.Title>
        {o.regionName ? <Typography.Text type="secondary">{o.regionName}</Typography.Text> : null}
        <Row gutter={16} className="org-stats">
          <Col xs={8} md={4}>
            <Statistic title={t('orgs.datasets')} value={formatNumber(o.datasets)} />
          </Col>
          <Col xs={8} md={4}>
            <Statistic title={t('orgs.downloads')} value={formatNumber(o.downloads)} />
          </Col>
          <Col xs={8} md={4}>
            <Statistic title={t('orgs.apiCalls')} value={formatNumber(o.apiCalls)} />
          </Col>
        </Row>
      </Card>
      <Card
        title={t('orgs.itsDatasets')}
        extra={
          <Link to={`/datasets?provider=${encodeURIComponent(o.code)}`}>{t('orgs.searchIn')}</Link>
        }
      >
        {datasets.error ? (
          <LoadError error={datasets.error} onRetry={datasets.reload} />
        ) : !datasets.data ? (
          <PageLoading />
        ) : datasets.data.items.length === 0 ? (
          <Empty description={t('search.empty')} />
        ) : (
          <div data-testid="search-results">
            {datasets.data.items.map((d) => (
              <DatasetCard key={d.code} dataset={d} />
            ))}
            <Pagination
              className="search-pagination"
              current={page}
              pageSize={PAGE_SIZE}
              total={datasets.data.total}
              showSizeChanger={false}
              hideOnSinglePage
              onChange={(p) => {
                const next = new URLSearchParams(params);
                if (p > 1) next.set('page', String(p));
                else next.delete('page');
                setParams(next);
              }}
            />
          </div>
        )}
      </Card>
    </div>
  );
}
