import { Alert, Button, Space, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { Mono } from '../components/common';
import { formatDateTime } from '../format';
import { pathLabel } from './fields';
import { StatusTag } from './labels';
import type { DuplicateFlag, ResourceVersion } from './model';

/** The reviewer's overall comment and per-field comments on a returned (or reviewed) version. */
export function ReviewCommentsAlert({ version }: { version: ResourceVersion }) {
  const { t } = useTranslation();
  const fields = Object.entries(version.fieldComments);
  if (!version.reviewComment && fields.length === 0) return null;
  const returned = version.status === 'returned';
  // A resubmitted version still carries the comments it was returned with.
  const key = returned
    ? 'review.returnedTitle'
    : version.status === 'submitted'
      ? 'review.previousTitle'
      : 'review.commentTitle';
  return (
    <Alert
      type={returned ? 'warning' : 'info'}
      showIcon
      data-testid="review-comments"
      title={t(key, {
        reviewer: version.reviewedBy ?? '—',
        time: formatDateTime(version.reviewedAt),
      })}
      description={
        <div>
          {version.reviewComment ? (
            <div className="pre-wrap" data-testid="review-comment-text">
              {version.reviewComment}
            </div>
          ) : null}
          {fields.length > 0 ? (
            <ul className="comment-list" data-testid="review-field-comments">
              {fields.map(([path, comment]) => (
                <li key={path}>
                  <Typography.Text strong>{pathLabel(t, path)}</Typography.Text>：{comment}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      }
    />
  );
}

/** 一数一源: items another published resource already provides authoritatively (R3.2). */
export function DuplicateFlagsAlert({ flags }: { flags: DuplicateFlag[] }) {
  const { t } = useTranslation();
  if (flags.length === 0) return null;
  return (
    <Alert
      type="warning"
      showIcon
      data-testid="duplicate-flags"
      title={t('review.duplicatesTitle', { count: flags.length })}
      description={
        <ul className="comment-list">
          {flags.map((f) => (
            <li key={`${f.itemName}|${f.resourceCode}`}>
              {t('review.duplicateText', { item: f.itemName, column: f.column, org: f.orgCode })}
              <Link to={`/catalog/resources/${encodeURIComponent(f.resourceCode)}`}>
                《{f.resourceName}》<Mono>{f.resourceCode}</Mono>
              </Link>
            </li>
          ))}
        </ul>
      }
    />
  );
}

/** Every version of an entry, newest first, with its review trail. */
export function VersionHistory({
  versions,
  current,
  onShow,
  onCompare,
}: {
  versions: ResourceVersion[];
  current: number;
  onShow: (version: number) => void;
  onCompare: (version: number) => void;
}) {
  const { t } = useTranslation();
  const rows = [...versions].sort((a, b) => b.version - a.version);
  const columns: TableColumnsType<ResourceVersion> = [
    {
      title: t('resource.version'),
      dataIndex: 'version',
      width: 90,
      render: (v: number) => t('resource.versionN', { version: v }),
    },
    {
      title: t('resource.status'),
      dataIndex: 'status',
      width: 90,
      render: (s: ResourceVersion['status']) => <StatusTag status={s} />,
    },
    {
      title: t('resource.createdBy'),
      key: 'created',
      width: 190,
      render: (_: unknown, v) => (
        <Space orientation="vertical" size={0}>
          <span>{v.createdBy}</span>
          <Typography.Text type="secondary">{formatDateTime(v.createdAt)}</Typography.Text>
        </Space>
      ),
    },
    {
      title: t('resource.submittedAt'),
      dataIndex: 'submittedAt',
      width: 160,
      render: (d: string | null) => formatDateTime(d),
    },
    {
      title: t('resource.review'),
      key: 'review',
      render: (_: unknown, v) =>
        v.reviewedBy ? (
          <Space orientation="vertical" size={0}>
            <span>
              {v.reviewedBy} · {formatDateTime(v.reviewedAt)}
            </span>
            {v.reviewComment ? (
              <Typography.Text type="secondary" className="pre-wrap">
                {v.reviewComment}
              </Typography.Text>
            ) : null}
          </Space>
        ) : (
          <Typography.Text type="secondary">—</Typography.Text>
        ),
    },
    {
      title: t('resource.publishedAt'),
      key: 'published',
      width: 200,
      render: (_: unknown, v) => (
        <Space orientation="vertical" size={0}>
          <span>{formatDateTime(v.publishedAt)}</span>
          {v.withdrawnAt ? (
            <Typography.Text type="danger">
              {t('resource.withdrawnAt', { time: formatDateTime(v.withdrawnAt) })}
              {v.withdrawReason ? `：${v.withdrawReason}` : ''}
            </Typography.Text>
          ) : null}
        </Space>
      ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 150,
      render: (_: unknown, v) => (
        <Space size={0}>
          <Button
            type="link"
            size="small"
            disabled={v.version === current}
            onClick={() => {
              onShow(v.version);
            }}
          >
            {t('resource.show')}
          </Button>
          {v.version > 1 ? (
            <Button
              type="link"
              size="small"
              onClick={() => {
                onCompare(v.version);
              }}
            >
              {t('resource.comparePrevious')}
            </Button>
          ) : null}
        </Space>
      ),
    },
  ];
  return (
    <Table<ResourceVersion>
      rowKey="version"
      size="small"
      columns={columns}
      dataSource={rows}
      pagination={false}
      scroll={{ x: 1000 }}
      rowClassName={(v) => (v.version === current ? 'row-current' : '')}
      data-testid="version-history"
    />
  );
}
