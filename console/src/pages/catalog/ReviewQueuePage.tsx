import { AuditOutlined, EyeOutlined, ReloadOutlined } from '@ant-design/icons';
import { Badge, Button, Card, Segmented, Table, Tag, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { api } from '../../api';
import { useMe } from '../../auth';
import { ClassificationTag, ShareClassTag, StatusTag } from '../../catalog/labels';
import type { ResourceList, ResourceStatus, ResourceSummary } from '../../catalog/model';
import { canReview } from '../../catalog/roles';
import { ForbiddenResult, LoadError, Mono, PageHeader } from '../../components/common';
import { formatDateTime } from '../../format';
import { useAsync } from '../../hooks';

const PAGE_SIZE = 20;
type QueueTab = 'submitted' | 'returned' | 'published';
const TABS: QueueTab[] = ['submitted', 'returned', 'published'];

/** 目录审核: entries submitted for review in the reviewer's region, and recent outcomes. */
export function ReviewQueuePage() {
  const { t } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const tabParam = params.get('tab');
  const tab: QueueTab = TABS.includes(tabParam as QueueTab) ? (tabParam as QueueTab) : 'submitted';
  const page = Math.max(1, Number(params.get('page')) || 1);

  const list = useAsync(
    (signal) =>
      api.get<ResourceList>('/catalog/resources', {
        signal,
        query: { status: tab, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE },
      }),
    `${tab}|${String(page)}`,
  );

  if (!canReview(me)) return <ForbiddenResult />;

  const columns: TableColumnsType<ResourceSummary> = [
    {
      title: t('catalog.field.code'),
      dataIndex: 'code',
      width: 150,
      render: (code: string) => <Mono>{code}</Mono>,
    },
    {
      title: t('catalog.field.name'),
      dataIndex: 'name',
      render: (name: string, r) => (
        <span>
          {name}
          {r.version > 1 ? (
            <Tag color="purple" style={{ marginInlineStart: 8 }}>
              {t('review.changeOf', { version: r.version })}
            </Tag>
          ) : null}
        </span>
      ),
    },
    { title: t('catalog.field.org'), dataIndex: 'orgName', width: 200 },
    {
      title: t('catalog.field.classification'),
      dataIndex: 'classification',
      width: 110,
      render: (c: string) => <ClassificationTag value={c} />,
    },
    {
      title: t('catalog.field.shareClass'),
      dataIndex: 'shareClass',
      width: 120,
      render: (c: string) => <ShareClassTag value={c} />,
    },
    {
      title: t('review.duplicates'),
      dataIndex: 'duplicateFlagCount',
      width: 100,
      render: (n: number) =>
        n > 0 ? (
          <Tooltip title={t('review.duplicatesHint')}>
            <Badge count={n} color="orange" />
          </Tooltip>
        ) : (
          <Typography.Text type="secondary">—</Typography.Text>
        ),
    },
    {
      title: t('resource.status'),
      dataIndex: 'status',
      width: 90,
      render: (s: ResourceStatus) => <StatusTag status={s} />,
    },
    {
      title: t('resource.updatedAt'),
      dataIndex: 'updatedAt',
      width: 170,
      render: (d: string) => formatDateTime(d),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 100,
      fixed: 'right',
      render: (_: unknown, r) =>
        r.status === 'submitted' ? (
          <Button
            type="primary"
            size="small"
            icon={<AuditOutlined />}
            onClick={() => {
              void navigate(`/catalog/review/${encodeURIComponent(r.code)}`);
            }}
            data-testid={`review-open-${r.code}`}
          >
            {t('review.open')}
          </Button>
        ) : (
          <Button
            type="link"
            size="small"
            icon={<EyeOutlined />}
            onClick={() => {
              void navigate(
                `/catalog/resources/${encodeURIComponent(r.code)}?version=${String(r.version)}`,
              );
            }}
          >
            {t('resource.show')}
          </Button>
        ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('review.title')}
        description={t('review.description')}
        extra={
          <Button icon={<ReloadOutlined />} onClick={list.reload}>
            {t('common.refresh')}
          </Button>
        }
      />
      <Card>
        <div className="table-toolbar">
          <Segmented<QueueTab>
            value={tab}
            options={TABS.map((s) => ({ value: s, label: t(`review.tabs.${s}`) }))}
            onChange={(value) => {
              setParams(value === 'submitted' ? {} : { tab: value }, { replace: true });
            }}
            data-testid="review-tabs"
          />
        </div>
        {list.error ? (
          <LoadError error={list.error} onRetry={list.reload} />
        ) : (
          <Table<ResourceSummary>
            rowKey={(r) => `${r.code}@${String(r.version)}`}
            size="middle"
            loading={list.loading}
            columns={columns}
            dataSource={list.data?.items ?? []}
            scroll={{ x: 1200 }}
            locale={{ emptyText: t(`review.empty.${tab}`) }}
            pagination={{
              current: page,
              pageSize: PAGE_SIZE,
              total: list.data?.total ?? 0,
              hideOnSinglePage: true,
              showTotal: (n) => t('common.total', { count: n }),
              onChange: (p) => {
                const next = new URLSearchParams(params);
                if (p > 1) next.set('page', String(p));
                else next.delete('page');
                setParams(next, { replace: true });
              },
            }}
            data-testid="review-table"
          />
        )}
      </Card>
    </>
  );
}
