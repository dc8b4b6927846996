import { DownloadOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Row,
  Space,
  Statistic,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import type { TableColumnsType } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { formatDate, formatDateTime } from '../../../../console/src/format';
import { useAsync } from '../../../../console/src/hooks';
import { ApiError, api, apiUrl, isNotFound } from '../../api';
import {
  CodeBlock,
  LoadError,
  NotFoundResult,
  OpenClassTag,
  PageLoading,
  formatNumber,
  useLabel,
  useTitle,
} from '../../components/common';
import { orgPath } from '../../components/DatasetList';
import type { DatasetDetail, DatasetItem, Preview } from '../../types';
import { AccessNotice, AccessPanel } from './AccessPanel';
import { FeedbackForm } from './FeedbackForm';

const TABS = ['items', 'preview', 'download', 'api', 'citation', 'feedback'] as const;
type TabKey = (typeof TABS)[number];

function ItemsTab({ items }: { items: DatasetItem[] }) {
  const { t } = useTranslation();
  const label = useLabel();
  const columns: TableColumnsType<DatasetItem> = [
    { title: t('items.name'), dataIndex: 'name', key: 'name' },
    {
      title: t('items.column'),
      dataIndex: 'column',
      key: 'column',
      render: (v: string) => <span className="mono">{v}</span>,
    },
    {
      title: t('items.type'),
      dataIndex: 'type',
      key: 'type',
      width: 120,
      render: (v: string) => label('dataType', v),
    },
    {
      title: t('items.key'),
      dataIndex: 'key',
      key: 'key',
      width: 90,
      render: (v: boolean) => (v ? <Tag color="blue">{t('items.keyYes')}</Tag> : null),
    },
    {
      title: t('items.description'),
      dataIndex: 'description',
      key: 'description',
      render: (v: string | undefined) => v ?? '',
    },
  ];
  return (
    <Table<DatasetItem>
      size="small"
      rowKey="column"
      columns={columns}
      dataSource={items}
      pagination={false}
      data-testid="items-table"
      locale={{ emptyText: t('items.empty') }}
    />
  );
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function PreviewTab({ dataset }: { dataset: DatasetDetail }) {
  const { t } = useTranslation();
  const allowed = dataset.access.canDownload;
  const preview = useAsync(
    async (signal) =>
      allowed && dataset.tabular
        ? api.get<Preview>(`/open/datasets/${encodeURIComponent(dataset.code)}/preview`, {
            signal,
          })
        : null,
    `${dataset.code}:${String(allowed)}`,
  );
  if (!dataset.tabular) return <Empty description={t('preview.notTabular')} />;
  const denied =
    !allowed || (preview.error instanceof ApiError && preview.error.code === 'FORBIDDEN');
  if (denied) return <AccessNotice dataset={dataset} />;
  if (preview.error) return <LoadError error={preview.error} onRetry={preview.reload} />;
  if (!preview.data) return <PageLoading />;
  const { fields, records, total } = preview.data;
  return (
    <>
      <Typography.Paragraph type="secondary">
        {t('preview.note', { shown: records.length, total: formatNumber(total) })}
      </Typography.Paragraph>
      <Table<Record<string, unknown>>
        size="small"
        rowKey={(_r, i) => String(i)}
        scroll={{ x: 'max-content' }}
        pagination={false}
        data-testid="preview-table"
        dataSource={records}
        columns={fields.map((f) => ({
          title: f.name || f.column,
          dataIndex: f.column,
          key: f.column,
          render: (v: unknown) => cellText(v),
        }))}
      />
    </>
  );
}

function DownloadTab({ dataset }: { dataset: DatasetDetail }) {
  const { t } = useTranslation();
  if (!dataset.access.canDownload) return <AccessNotice dataset={dataset} />;
  if (dataset.formats.length === 0) return <Empty description={t('download.none')} />;
  return (
    <Space orientation="vertical" size={16}>
      <Typography.Text type="secondary">{t('download.hint')}</Typography.Text>
      <Space wrap>
        {dataset.formats.map((f) => (
          <Button
            key={f}
            type="primary"
            ghost
            icon={<DownloadOutlined />}
            href={apiUrl(`/open/datasets/${encodeURIComponent(dataset.code)}/download`, {
              format: f,
            })}
            data-testid={`download-${f}`}
          >
            {t('download.as', { format: f.toUpperCase() })}
          </Button>
        ))}
      </Space>
      <Typography.Text type="secondary">{t('download.citeHint')}</Typography.Text>
    </Space>
  );
}

function ApiTab({ dataset }: { dataset: DatasetDetail }) {
  const { t } = useTranslation();
  const origin = window.location.origin;
  const code = encodeURIComponent(dataset.code);
  const records = `curl -H "Authorization: Bearer <your API key>" \\\n  "${origin}/api/v1/open/datasets/${code}/records?limit=10"`;
  const ckanSearch = `curl "${origin}/api/3/action/datastore_search?resource_id=${code}&limit=5"`;
  const ckanPackage = `curl "${origin}/api/3/action/package_show?id=${code}"`;
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Alert
        type="info"
        showIcon
        title={t('apiTab.keyHint')}
        action={
          <Link to="/me?tab=keys">
            <Button size="small">{t('apiTab.manageKeys')}</Button>
          </Link>
        }
      />
      {!dataset.access.canDownload ? (
        <Alert type="warning" showIcon title={t('apiTab.accessNeeded')} />
      ) : null}
      <div>
        <Typography.Title level={5}>{t('apiTab.records')}</Typography.Title>
        <Typography.Paragraph type="secondary">{t('apiTab.recordsHint')}</Typography.Paragraph>
        <CodeBlock text={records} testId="api-records" />
      </div>
      {dataset.tabular ? (
        <div>
          <Typography.Title level={5}>{t('apiTab.ckanSearch')}</Typography.Title>
          <CodeBlock text={ckanSearch} testId="api-ckan-search" />
        </div>
      ) : null}
      <div>
        <Typography.Title level={5}>{t('apiTab.ckanPackage')}</Typography.Title>
        <CodeBlock text={ckanPackage} testId="api-ckan-package" />
      </div>
      <Typography.Text type="secondary">
        {t('apiTab.docs')} <a href="/api/docs">/api/docs</a>
      </Typography.Text>
    </Space>
  );
}

function CitationTab({ citation }: { citation: string }) {
  const { t } = useTranslation();
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      <Typography.Text type="secondary">{t('citation.hint')}</Typography.Text>
      <CodeBlock text={citation} testId="citation" />
    </Space>
  );
}

export function DatasetPage() {
  const { t } = useTranslation();
  const label = useLabel();
  const { code = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const tabParam = params.get('tab');
  const tab: TabKey = TABS.includes(tabParam as TabKey) ? (tabParam as TabKey) : 'items';
  const detail = useAsync(
    (signal) => api.get<DatasetDetail>(`/open/datasets/${encodeURIComponent(code)}`, { signal }),
    code,
  );
  const d = detail.data;
  useTitle(
    d ? d.name : isNotFound(detail.error) ? t('dataset.notFound') : t('dataset.titleLoading'),
  );

  if (isNotFound(detail.error)) {
    return (
      <NotFoundResult
        title={t('dataset.notFound')}
        extra={
          <Link to="/datasets">
            <Button type="primary">{t('dataset.backToCatalog')}</Button>
          </Link>
        }
      />
    );
  }
  if (detail.error && !d) return <LoadError error={detail.error} onRetry={detail.reload} />;
  if (!d) return <PageLoading />;

  const conditional = d.openClass === 'conditional';
  const tabChildren: Record<TabKey, () => ReactNode> = {
    items: () => <ItemsTab items={d.items} />,
    preview: () => <PreviewTab dataset={d} />,
    download: () => <DownloadTab dataset={d} />,
    api: () => <ApiTab dataset={d} />,
    citation: () => <CitationTab citation={d.citation} />,
    feedback: () => <FeedbackForm code={d.code} />,
  };

  return (
    <div className="dataset-page" data-testid="dataset-page" data-code={d.code}>
      <div className="breadcrumb-line">
        <Link to="/datasets">{t('nav.datasets')}</Link> / <span>{d.name}</span>
      </div>
      <Card className="dataset-head">
        <div className="dataset-title-row">
          <Typography.Title level={2} className="dataset-title" data-testid="dataset-title">
            {d.name}
          </Typography.Title>
          <OpenClassTag value={d.openClass} />
        </div>
        {d.summary ? (
          <Typography.Paragraph className="pre-wrap dataset-summary">
            {d.summary}
          </Typography.Paragraph>
        ) : null}
        <Row gutter={16} className="dataset-usage" data-testid="dataset-usage">
          <Col xs={8} md={4}>
            <Statistic title={t('dataset.downloads')} value={formatNumber(d.downloads)} />
          </Col>
          <Col xs={8} md={4}>
            <Statistic title={t('dataset.apiCalls')} value={formatNumber(d.apiCalls)} />
          </Col>
        </Row>
        <Descriptions
          size="small"
          bordered
          column={{ xs: 1, md: 2 }}
          className="dataset-meta"
          items={[
            {
              key: 'org',
              label: t('dataset.department'),
              children: (
                <Link to={orgPath(d.orgCode)} data-testid="dataset-org-link">
                  {d.orgName}
                </Link>
              ),
            },
            {
              key: 'code',
              label: t('dataset.code'),
              children: <span className="mono">{d.code}</span>,
            },
            {
              key: 'cycle',
              label: t('dataset.updateCycle'),
              children: label('cycle', d.updateCycle),
            },
            {
              key: 'lastUpdated',
              label: t('dataset.lastUpdatedAt'),
              children: formatDateTime(d.lastUpdatedAt),
            },
            {
              key: 'published',
              label: t('dataset.publishedAt'),
              children: formatDate(d.publishedAt),
            },
            {
              key: 'format',
              label: t('dataset.formatCategory'),
              children: label('formatCategory', d.formatCategory),
            },
            {
              key: 'domains',
              label: t('dataset.domains'),
              children:
                d.domains.length > 0
                  ? d.domains.map((x) => (
                      <Link key={x} to={`/datasets?domain=${encodeURIComponent(x)}`}>
                        <Tag color="blue">{label('domain', x)}</Tag>
                      </Link>
                    ))
                  : '—',
            },
            {
              key: 'keywords',
              label: t('dataset.keywords'),
              children:
                d.keywords.length > 0
                  ? d.keywords.map((k) => (
                      <Link key={k} to={`/datasets?q=${encodeURIComponent(k)}`}>
                        <Tag>{k}</Tag>
                      </Link>
                    ))
                  : '—',
            },
            {
              key: 'rows',
              label: t('dataset.rowCount'),
              children: d.rowCount === null ? '—' : formatNumber(d.rowCount),
            },
            {
              key: 'quality',
              label: t('dataset.qualityScore'),
              children: d.qualityScore === null ? '—' : String(d.qualityScore),
            },
            ...(d.theme ? [{ key: 'theme', label: t('dataset.theme'), children: d.theme }] : []),
            { key: 'version', label: t('dataset.version'), children: String(d.version) },
          ]}
        />
      </Card>

      {conditional ? (
        <Card
          title={t('dataset.conditionalTitle')}
          className="dataset-conditions"
          data-testid="dataset-conditions"
        >
          <Typography.Paragraph className="pre-wrap">
            {d.conditions || t('dataset.noConditions')}
          </Typography.Paragraph>
          <AccessPanel dataset={d} onChanged={detail.reload} />
        </Card>
      ) : null}

      <Card className="dataset-tabs">
        <Tabs
          activeKey={tab}
          onChange={(key) => {
            const next = new URLSearchParams(params);
            if (key === 'items') next.delete('tab');
            else next.set('tab', key);
            setParams(next, { replace: true });
          }}
          items={TABS.map((k) => ({
            key: k,
            label: <span data-testid={`tab-${k}`}>{t(`dataset.tabs.${k}`)}</span>,
            children: k === tab ? tabChildren[k]() : null,
          }))}
        />
      </Card>
    </div>
  );
}
