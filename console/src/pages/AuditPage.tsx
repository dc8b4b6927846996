import {
  LeftOutlined,
  ReloadOutlined,
  RightOutlined,
  VerticalRightOutlined,
} from '@ant-design/icons';
import { Button, Card, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api';
import { ForbiddenResult, LoadError, Mono, PageHeader } from '../components/common';
import { isForbidden } from '../errors';
import { formatDateTime } from '../format';
import { useAsync } from '../hooks';
import type { AuditEvent, AuditOutcome, AuditPage as AuditPageData } from '../types';

const OUTCOME_COLOR: Record<AuditOutcome, string> = {
  success: 'success',
  denied: 'warning',
  failed: 'error',
};

const PAGE_SIZES = [20, 50, 100] as const;

export function AuditPage() {
  const { t } = useTranslation();
  const [limit, setLimit] = useState<number>(50);
  /** Cursors of the pages visited so far; the last one is the current page (null = newest). */
  const [cursors, setCursors] = useState<(number | null)[]>([null]);
  const before = cursors[cursors.length - 1] ?? null;

  const page = useAsync(
    (signal) => api.get<AuditPageData>('/audit-events', { signal, query: { limit, before } }),
    `${String(limit)}|${String(before)}`,
  );

  if (page.error && isForbidden(page.error)) return <ForbiddenResult />;

  const actorTypeLabel = (type: string): string =>
    type === 'user' || type === 'token' || type === 'system' ? t(`audit.actorTypes.${type}`) : type;

  const columns: TableColumnsType<AuditEvent> = [
    {
      title: t('audit.occurredAt'),
      dataIndex: 'occurredAt',
      width: 170,
      render: (v: string) => formatDateTime(v),
    },
    {
      title: t('audit.actor'),
      key: 'actor',
      width: 180,
      render: (_: unknown, e) => (
        <Space size={4}>
          <Tag>{actorTypeLabel(e.actorType)}</Tag>
          <span>{e.actorName}</span>
        </Space>
      ),
    },
    {
      title: t('audit.org'),
      dataIndex: 'orgCode',
      width: 100,
      render: (v: string | null) =>
        v ? <Mono>{v}</Mono> : <Typography.Text type="secondary">—</Typography.Text>,
    },
    {
      title: t('audit.action'),
      dataIndex: 'action',
      width: 170,
      render: (v: string) => <Mono>{v}</Mono>,
    },
    {
      title: t('audit.target'),
      dataIndex: 'target',
      width: 200,
      ellipsis: { showTitle: false },
      render: (v: string | null) =>
        v ? (
          <Tooltip title={v} placement="topLeft">
            <span>{v}</span>
          </Tooltip>
        ) : (
          <Typography.Text type="secondary">—</Typography.Text>
        ),
    },
    {
      title: t('audit.outcome'),
      dataIndex: 'outcome',
      width: 90,
      render: (v: AuditOutcome) => (
        <Tag color={OUTCOME_COLOR[v]}>{t(`audit.outcomes.${v}`, { defaultValue: v })}</Tag>
      ),
    },
    {
      title: t('audit.requestId'),
      dataIndex: 'requestId',
      width: 220,
      render: (v: string) => (
        <Typography.Text className="mono" copyable={{ text: v }} ellipsis style={{ maxWidth: 200 }}>
          {v}
        </Typography.Text>
      ),
    },
  ];

  const nextBefore = page.data?.nextBefore ?? null;
  const pageNo = cursors.length;

  return (
    <>
      <PageHeader title={t('audit.title')} description={t('audit.description')} />
      <Card>
        <div className="table-toolbar">
          <Space>
            <Button
              icon={<VerticalRightOutlined />}
              disabled={pageNo === 1}
              onClick={() => {
                setCursors([null]);
              }}
            >
              {t('audit.first')}
            </Button>
            <Button
              icon={<LeftOutlined />}
              disabled={pageNo === 1}
              onClick={() => {
                setCursors((c) => (c.length > 1 ? c.slice(0, -1) : c));
              }}
              data-testid="audit-prev"
            >
              {t('audit.prev')}
            </Button>
            <Typography.Text type="secondary">{t('audit.page', { page: pageNo })}</Typography.Text>
            <Button
              disabled={nextBefore === null || page.loading}
              onClick={() => {
                if (nextBefore !== null) setCursors((c) => [...c, nextBefore]);
              }}
              data-testid="audit-next"
            >
              {t('audit.next')} <RightOutlined />
            </Button>
          </Space>
          <Space>
            <Typography.Text type="secondary">{t('audit.pageSize')}</Typography.Text>
            <Select<number>
              value={limit}
              style={{ width: 90 }}
              options={PAGE_SIZES.map((n) => ({ value: n, label: String(n) }))}
              onChange={(n) => {
                setLimit(n);
                setCursors([null]);
              }}
            />
            <Button icon={<ReloadOutlined />} onClick={page.reload}>
              {t('common.refresh')}
            </Button>
          </Space>
        </div>
        {page.error ? (
          <LoadError error={page.error} onRetry={page.reload} />
        ) : (
          <Table<AuditEvent>
            rowKey="id"
            size="small"
            loading={page.loading}
            columns={columns}
            dataSource={page.data?.items ?? []}
            pagination={false}
            scroll={{ x: 1130 }}
            locale={{ emptyText: t('audit.empty') }}
            data-testid="audit-table"
          />
        )}
      </Card>
    </>
  );
}
