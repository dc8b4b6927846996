/** 下载记录, 我的反馈 and 我的应用 of the personal centre. */
import { PlusOutlined } from '@ant-design/icons';
import { Button, Col, Descriptions, Empty, Row, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { formatDate, formatDateTime } from '../../../../console/src/format';
import { useAsync } from '../../../../console/src/hooks';
import { api, listOf } from '../../api';
import { LoadError, PageLoading, formatNumber } from '../../components/common';
import { datasetPath } from '../../components/DatasetList';
import type { DownloadRecord, FeedbackReport, ShowcaseEntry } from '../../types';
import { ShowcaseCard, ShowcaseSubmitModal } from '../ShowcasePage';
import { usePagedList } from './paged';

export function DownloadsTab() {
  const { t, i18n } = useTranslation();
  const { list, pagination } = usePagedList<DownloadRecord>('/open/me/downloads', {}, 'downloads');
  if (list.error) return <LoadError error={list.error} onRetry={list.reload} />;
  return (
    <Table<DownloadRecord>
      size="small"
      rowKey={(r, i) => `${r.time}:${r.datasetCode}:${String(i)}`}
      loading={list.loading}
      dataSource={list.data?.items ?? []}
      data-testid="downloads-table"
      locale={{ emptyText: t('downloads.empty') }}
      pagination={pagination}
      columns={[
        {
          title: t('downloads.time'),
          dataIndex: 'time',
          key: 'time',
          render: (v: string) => formatDateTime(v),
        },
        {
          title: t('downloads.dataset'),
          dataIndex: 'datasetName',
          key: 'dataset',
          render: (_v: string, r) => (
            <Link to={datasetPath(r.datasetCode)}>{r.datasetName || r.datasetCode}</Link>
          ),
        },
        {
          title: t('downloads.channel'),
          dataIndex: 'channel',
          key: 'channel',
          render: (v: string) =>
            i18n.exists(`downloads.channels.${v}`)
              ? t(`downloads.channels.${v as 'download' | 'api' | 'preview'}`)
              : v,
        },
        {
          title: t('downloads.format'),
          dataIndex: 'format',
          key: 'format',
          render: (v: string | null) => (v ? v.toUpperCase() : '—'),
        },
        {
          title: t('downloads.rows'),
          dataIndex: 'rows',
          key: 'rows',
          align: 'right',
          render: (v: number | null) => formatNumber(v),
        },
      ]}
    />
  );
}

const FEEDBACK_COLORS: Record<string, string> = {
  open: 'processing',
  reopened: 'orange',
  resolved: 'green',
  closed: 'default',
};

export function FeedbackTab() {
  const { t, i18n } = useTranslation();
  const { list, pagination } = usePagedList<FeedbackReport>('/open/me/feedback', {}, 'feedback');
  const loose = t as unknown as (key: string) => string;
  const labelOf = (group: string, v: string | null | undefined) => {
    if (!v) return '—';
    const key = `${group}.${v}`;
    return i18n.exists(key) ? loose(key) : v;
  };
  if (list.error) return <LoadError error={list.error} onRetry={list.reload} />;
  return (
    <Table<FeedbackReport>
      size="small"
      rowKey="code"
      loading={list.loading}
      dataSource={list.data?.items ?? []}
      data-testid="feedback-table"
      locale={{ emptyText: t('myFeedback.empty') }}
      pagination={pagination}
      expandable={{
        expandedRowRender: (r) => (
          <Descriptions
            size="small"
            column={1}
            items={[
              {
                key: 'description',
                label: t('feedback.description'),
                children: <span className="pre-wrap">{r.description}</span>,
              },
              {
                key: 'answer',
                label: t('myFeedback.answer'),
                children: (
                  <span className="pre-wrap">
                    {r.answer ?? r.resolutionNote ?? t('myFeedback.noAnswer')}
                  </span>
                ),
              },
            ]}
          />
        ),
      }}
      columns={[
        {
          title: t('myFeedback.code'),
          dataIndex: 'code',
          key: 'code',
          render: (v: string) => <span className="mono">{v}</span>,
        },
        {
          title: t('myFeedback.dataset'),
          key: 'dataset',
          render: (_v, r) => {
            const code = r.datasetCode ?? r.resourceCode;
            const name = r.datasetName ?? r.resourceName ?? code;
            return code ? <Link to={datasetPath(code)}>{name}</Link> : '—';
          },
        },
        {
          title: t('feedback.category'),
          dataIndex: 'category',
          key: 'category',
          render: (v: string | undefined) => labelOf('feedback.categories', v),
        },
        {
          title: t('myFeedback.status'),
          dataIndex: 'status',
          key: 'status',
          render: (v: string, r) => (
            <Space size={4}>
              <Tag color={FEEDBACK_COLORS[v] ?? 'default'}>{labelOf('myFeedback.statuses', v)}</Tag>
              {r.resolution ? (
                <Tag bordered={false}>{labelOf('myFeedback.resolutions', r.resolution)}</Tag>
              ) : null}
            </Space>
          ),
        },
        {
          title: t('myFeedback.createdAt'),
          dataIndex: 'createdAt',
          key: 'createdAt',
          render: (v: string) => formatDate(v),
        },
        {
          title: t('myFeedback.dueDate'),
          dataIndex: 'dueDate',
          key: 'dueDate',
          render: (v: string | null | undefined) => formatDate(v),
        },
      ]}
    />
  );
}

export function MyShowcaseTab() {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const list = useAsync(
    async (signal) =>
      listOf<ShowcaseEntry>(
        await api.get<unknown>('/open/showcase', { signal, query: { mine: 'true', limit: 100 } }),
      ),
    'my-showcase',
  );
  if (list.error) return <LoadError error={list.error} onRetry={list.reload} />;
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <div>
        <Button
          type="primary"
          icon={<PlusOutlined />}
          data-testid="showcase-open-form"
          onClick={() => {
            setOpen(true);
          }}
        >
          {t('showcase.submitButton')}
        </Button>
      </div>
      {!list.data ? (
        <PageLoading />
      ) : list.data.length === 0 ? (
        <Empty description={t('showcase.mineEmpty')} />
      ) : (
        <Row gutter={[16, 16]} data-testid="my-showcase-list">
          {list.data.map((e) => (
            <Col key={e.id} xs={24} md={12} xl={8}>
              <ShowcaseCard entry={e} showStatus />
            </Col>
          ))}
        </Row>
      )}
      <ShowcaseSubmitModal
        open={open}
        onClose={() => {
          setOpen(false);
        }}
        onSubmitted={() => {
          setOpen(false);
          list.reload();
        }}
      />
    </Space>
  );
}
