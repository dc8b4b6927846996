import { Empty, List, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { formatDate } from '../../../console/src/format';
import type { DatasetSummary } from '../types';
import { OpenClassTag, formatNumber, useLabel } from './common';

/** Search hits per page. */
export const PAGE_SIZE = 20;

export function datasetPath(code: string): string {
  return `/datasets/${encodeURIComponent(code)}`;
}

export function orgPath(code: string): string {
  return `/orgs/${encodeURIComponent(code)}`;
}

/** One search hit: name, summary, opening department, open class, update cycle, usage. */
export function DatasetCard({ dataset }: { dataset: DatasetSummary }) {
  const { t } = useTranslation();
  const label = useLabel();
  return (
    <div className="dataset-card" data-testid="dataset-card" data-code={dataset.code}>
      <div className="dataset-card-title">
        <Link to={datasetPath(dataset.code)} data-testid="dataset-link">
          {dataset.name}
        </Link>
        <OpenClassTag value={dataset.openClass} />
      </div>
      {dataset.summary ? (
        <Typography.Paragraph
          type="secondary"
          className="dataset-card-summary"
          ellipsis={{ rows: 2 }}
        >
          {dataset.summary}
        </Typography.Paragraph>
      ) : null}
      <Space wrap size={[16, 4]} className="dataset-card-meta">
        <span>
          {t('dataset.department')}：
          <Link to={orgPath(dataset.orgCode)} data-testid="dataset-org-link">
            {dataset.orgName}
          </Link>
        </span>
        <span>
          {t('dataset.updateCycle')}：{label('cycle', dataset.updateCycle)}
        </span>
        <span>
          {t('dataset.publishedAt')}：{formatDate(dataset.publishedAt)}
        </span>
        <span data-testid="dataset-downloads">
          {t('dataset.downloads')}：{formatNumber(dataset.downloads)}
        </span>
        <span>
          {t('dataset.apiCalls')}：{formatNumber(dataset.apiCalls)}
        </span>
      </Space>
      {dataset.domains.length > 0 ? (
        <div className="dataset-card-tags">
          {dataset.domains.map((d) => (
            <Tag key={d} bordered={false} color="blue">
              {label('domain', d)}
            </Tag>
          ))}
        </div>
      ) : null}
    </div>
  );
}

/** A short list of datasets (home page): name and a secondary line. */
export function DatasetShortList({
  items,
  extra,
  testId,
}: {
  items: DatasetSummary[];
  extra: (d: DatasetSummary) => string;
  testId: string;
}) {
  const { t } = useTranslation();
  if (items.length === 0) {
    return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('common.empty')} />;
  }
  return (
    <List
      data-testid={testId}
      dataSource={items}
      renderItem={(d) => (
        <List.Item key={d.code}>
          <div className="short-item">
            <div className="short-item-title">
              <Link to={datasetPath(d.code)} data-testid="dataset-link">
                {d.name}
              </Link>
              <OpenClassTag value={d.openClass} />
            </div>
            <Typography.Text type="secondary" className="short-item-meta">
              {d.orgName} · {extra(d)}
            </Typography.Text>
          </div>
        </List.Item>
      )}
    />
  );
}
