import { CloudUploadOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Drawer,
  Empty,
  Segmented,
  Space,
  Spin,
  Table,
  Tooltip,
  Typography,
} from 'antd';
import type { TableColumnsType } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { api } from '../../api';
import { useMe } from '../../auth';
import { enumLabel } from '../../catalog/labels';
import type { DataItem } from '../../catalog/model';
import { ForbiddenResult, LoadError, Mono, PageHeader } from '../../components/common';
import { formatDateTime } from '../../format';
import { useAsync } from '../../hooks';
import {
  BatchDescriptions,
  BatchSourceTag,
  BatchStatusTag,
  RejectionsTable,
  ResourceSelect,
  StoredFileLink,
  useNumber,
  usePublishedResources,
  useResourceVersion,
  uploadOrgCodes,
} from './IngestParts';
import { BATCH_STATUSES, formatBytes, formatDuration, isTabular, modeLabel } from './ingest';
import type { Batch, BatchList, BatchStatus, FileVersion } from './ingest';

const PAGE_SIZE = 20;
const REFRESH_MS = 2000;
type Filter = 'all' | BatchStatus;
const FILTERS: Filter[] = ['all', ...BATCH_STATUSES];

/** 资源文件: the stored versions of a non-tabular resource's file. */
function StoredFiles({ code }: { code: string }) {
  const { t } = useTranslation();
  const files = useAsync(
    (signal) =>
      api.get<{ items: FileVersion[] }>(`/resources/${encodeURIComponent(code)}/files`, {
        signal,
      }),
    `files|${code}`,
  );
  const columns: TableColumnsType<FileVersion> = [
    {
      title: t('ingest.files.version'),
      dataIndex: 'version',
      width: 80,
      render: (v: number) => `v${String(v)}`,
    },
    {
      title: t('ingest.files.fileName'),
      dataIndex: 'fileName',
      width: 260,
      render: (name: string, f) => (
        <StoredFileLink code={code} version={f.version} fileName={name} />
      ),
    },
    { title: t('ingest.files.contentType'), dataIndex: 'contentType', width: 180 },
    {
      title: t('ingest.files.bytes'),
      dataIndex: 'bytes',
      width: 100,
      align: 'right',
      render: (n: number) => formatBytes(n),
    },
    {
      title: t('ingest.field.sha256'),
      dataIndex: 'sha256',
      width: 200,
      ellipsis: { showTitle: false },
      render: (sha: string) => (
        <Tooltip title={sha}>
          <Typography.Text copyable={{ text: sha }} className="mono">
            {sha.slice(0, 16)}…
          </Typography.Text>
        </Tooltip>
      ),
    },
    {
      title: t('ingest.files.createdAt'),
      dataIndex: 'createdAt',
      width: 170,
      render: (v: string) => formatDateTime(v),
    },
  ];
  return (
    <Card title={t('ingest.files.title')} data-testid="ingest-files">
      {files.error ? (
        <LoadError error={files.error} onRetry={files.reload} />
      ) : (
        <Table<FileVersion>
          rowKey="version"
          size="small"
          loading={files.loading}
          columns={columns}
          dataSource={files.data?.items ?? []}
          scroll={{ x: 990 }}
          pagination={{ pageSize: 10, hideOnSinglePage: true }}
          locale={{ emptyText: t('ingest.files.none') }}
        />
      )}
    </Card>
  );
}

/** A batch in full: its record, and its 问题数据 or stored file. */
function BatchDrawer({
  id,
  code,
  tabular,
  items,
  onClose,
}: {
  id: string | null;
  code: string;
  tabular: boolean;
  items: readonly DataItem[];
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const batch = useAsync(
    (signal) =>
      id ? api.get<Batch>(`/batches/${encodeURIComponent(id)}`, { signal }) : Promise.resolve(null),
    `batch|${id ?? ''}`,
  );
  const files = useAsync(
    (signal) =>
      id && !tabular
        ? api.get<{ items: FileVersion[] }>(`/resources/${encodeURIComponent(code)}/files`, {
            signal,
          })
        : Promise.resolve(null),
    `batch-files|${id ?? ''}|${String(tabular)}`,
  );
  const data = batch.data;
  const stored = files.data?.items.find((f) => f.batchId === id);
  return (
    <Drawer
      open={id !== null}
      onClose={onClose}
      size={760}
      destroyOnHidden
      title={t('ingest.batches.detailTitle')}
      data-testid="batch-drawer"
    >
      {batch.error ? (
        <LoadError error={batch.error} onRetry={batch.reload} />
      ) : !data || data.id !== id ? (
        <Spin />
      ) : (
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          <BatchDescriptions batch={data} tabular={tabular} column={2} />
          {tabular && data.rowsRejected > 0 ? (
            <RejectionsTable batchId={data.id} items={items} />
          ) : null}
          {!tabular && stored ? (
            <Space>
              <Typography.Text strong>{t('ingest.files.stored')}</Typography.Text>
              <StoredFileLink code={code} version={stored.version} fileName={stored.fileName} />
            </Space>
          ) : null}
        </Space>
      )}
    </Drawer>
  );
}

/** 归集批次: the batches of a resource (newest first), each with its counts and 问题数据. */
export function BatchesPage() {
  const { t } = useTranslation();
  const me = useMe();
  const num = useNumber();
  const [params, setParams] = useSearchParams();
  const writerOrgs = uploadOrgCodes(me);
  const resources = usePublishedResources(writerOrgs.length > 0 ? writerOrgs : 'all');
  const code = params.get('code') ?? undefined;
  const summary = resources.data?.find((r) => r.code === code);
  const version = useResourceVersion(summary);
  const detail = version.data ?? null;
  const tabular = detail ? isTabular(detail.content) : true;
  const statusParam = params.get('status');
  const status: Filter = FILTERS.includes(statusParam as Filter) ? (statusParam as Filter) : 'all';
  const page = Math.max(1, Number(params.get('page')) || 1);
  const openId = params.get('batch');

  const update = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) next.delete(k);
      else next.set(k, v);
    }
    if (!('page' in changes) && !('batch' in changes)) next.delete('page');
    setParams(next, { replace: true });
  };

  const list = useAsync(
    (signal) =>
      summary
        ? api.get<BatchList>(`/resources/${encodeURIComponent(summary.code)}/batches`, {
            signal,
            query: {
              status: status === 'all' ? undefined : status,
              limit: PAGE_SIZE,
              offset: (page - 1) * PAGE_SIZE,
            },
          })
        : Promise.resolve(null),
    `${summary?.code ?? ''}|${status}|${String(page)}`,
  );
  const reload = list.reload;
  const running = list.data?.items.some((b) => b.status === 'running') ?? false;

  // A running batch reports its progress every 2 s: follow it until it ends.
  useEffect(() => {
    if (!running) return;
    const timer = window.setInterval(reload, REFRESH_MS);
    return () => {
      window.clearInterval(timer);
    };
  }, [running, reload]);

  // The first resource is chosen for the user when there is only one.
  useEffect(() => {
    const only = resources.data?.length === 1 ? resources.data[0] : undefined;
    if (!code && only) setParams({ code: only.code }, { replace: true });
  }, [code, resources.data, setParams]);

  if (me.memberships.length === 0) return <ForbiddenResult />;

  const columns: TableColumnsType<Batch> = [
    {
      title: t('ingest.field.startedAt'),
      dataIndex: 'startedAt',
      width: 170,
      render: (v: string) => formatDateTime(v),
    },
    {
      title: t('ingest.field.source'),
      dataIndex: 'source',
      width: 100,
      render: (s: string) => <BatchSourceTag source={s} />,
    },
    {
      title: t('ingest.field.fileName'),
      dataIndex: 'sourceName',
      width: 200,
      ellipsis: { showTitle: false },
      render: (name: string) => (
        <Tooltip title={name}>
          <span>{name}</span>
        </Tooltip>
      ),
    },
    ...(tabular
      ? [
          {
            title: t('ingest.field.mode'),
            dataIndex: 'mode',
            width: 100,
            render: (m: string) => modeLabel(t, m),
          },
        ]
      : []),
    {
      title: t('ingest.field.status'),
      dataIndex: 'status',
      width: 90,
      render: (s: string) => <BatchStatusTag status={s} />,
    },
    ...(tabular
      ? ([
          {
            title: t('ingest.field.rowsRead'),
            dataIndex: 'rowsRead',
            width: 90,
            align: 'right',
            render: (n: number) => num(n),
          },
          {
            title: t('ingest.field.rowsInserted'),
            dataIndex: 'rowsInserted',
            width: 80,
            align: 'right',
            render: (n: number) => num(n),
          },
          {
            title: t('ingest.field.rowsUpdated'),
            dataIndex: 'rowsUpdated',
            width: 80,
            align: 'right',
            render: (n: number) => num(n),
          },
          {
            title: t('ingest.field.rowsDeleted'),
            dataIndex: 'rowsDeleted',
            width: 80,
            align: 'right',
            render: (n: number) => num(n),
          },
          {
            title: t('ingest.field.rowsRejected'),
            dataIndex: 'rowsRejected',
            width: 90,
            align: 'right',
            render: (n: number) =>
              n > 0 ? <Typography.Text type="danger">{num(n)}</Typography.Text> : '0',
          },
        ] satisfies TableColumnsType<Batch>)
      : [
          {
            title: t('ingest.field.bytes'),
            dataIndex: 'bytes',
            width: 100,
            align: 'right' as const,
            render: (n: number) => formatBytes(n),
          },
        ]),
    {
      title: t('ingest.field.duration'),
      dataIndex: 'durationMs',
      width: 100,
      render: (ms: number | null) => formatDuration(t, ms),
    },
    { title: t('ingest.field.actor'), dataIndex: 'actorName', width: 130, ellipsis: true },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 80,
      fixed: 'right',
      render: (_: unknown, b) => (
        <Button
          type="link"
          size="small"
          onClick={() => {
            update({ batch: b.id });
          }}
          data-testid={`batch-open-${b.id}`}
        >
          {t('ingest.batches.detail')}
        </Button>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('ingest.batches.title')}
        description={t('ingest.batches.description')}
        extra={
          writerOrgs.length > 0 ? (
            <Link
              to={
                code
                  ? `/aggregation/upload?code=${encodeURIComponent(code)}`
                  : '/aggregation/upload'
              }
            >
              <Button type="primary" icon={<CloudUploadOutlined />}>
                {t('ingest.batches.upload')}
              </Button>
            </Link>
          ) : null
        }
      />
      <Space orientation="vertical" size={16} style={{ width: '100%' }}>
        <Card>
          <div className="table-toolbar" style={{ flexWrap: 'wrap', gap: 12 }}>
            <div style={{ flex: '1 1 360px', maxWidth: 560 }}>
              <ResourceSelect
                resources={resources}
                value={summary?.code}
                onChange={(next) => {
                  setParams({ code: next }, { replace: true });
                }}
                testId="batches-resource"
              />
            </div>
            <Space wrap>
              <Segmented<Filter>
                value={status}
                onChange={(value) => {
                  update({ status: value === 'all' ? null : value });
                }}
                options={FILTERS.map((f) => ({
                  value: f,
                  label: f === 'all' ? t('common.all') : t(`ingest.status.${f}`),
                }))}
                data-testid="batches-status"
              />
              <Button
                icon={<ReloadOutlined />}
                disabled={!summary}
                onClick={reload}
                data-testid="batches-refresh"
              >
                {t('common.refresh')}
              </Button>
            </Space>
          </div>
          {summary ? (
            <Space size={6} wrap style={{ marginBottom: 12 }}>
              <Typography.Text type="secondary">{summary.orgName}</Typography.Text>
              <Mono>{summary.code}</Mono>
              <Typography.Text type="secondary">
                · {enumLabel(t, 'format', summary.formatCategory)}
              </Typography.Text>
              {running ? (
                <Typography.Text type="secondary">
                  · {t('ingest.batches.following')}
                </Typography.Text>
              ) : null}
            </Space>
          ) : null}
          {!summary ? (
            <Empty
              image={Empty.PRESENTED_IMAGE_SIMPLE}
              description={
                resources.data?.length === 0
                  ? t('ingest.noPublishedResources')
                  : t('ingest.chooseResourceFirst')
              }
            />
          ) : list.error && !list.data ? (
            <LoadError error={list.error} onRetry={reload} />
          ) : (
            <>
              {list.error ? (
                <Alert
                  type="warning"
                  showIcon
                  style={{ marginBottom: 8 }}
                  title={t('ingest.batches.refreshFailed')}
                />
              ) : null}
              <Table<Batch>
                rowKey="id"
                size="small"
                loading={list.loading && !list.data}
                columns={columns}
                dataSource={list.data?.items ?? []}
                scroll={{ x: 1400 }}
                pagination={{
                  current: page,
                  pageSize: PAGE_SIZE,
                  total: list.data?.total ?? 0,
                  showSizeChanger: false,
                  hideOnSinglePage: true,
                  showTotal: (total) => t('common.total', { count: total }),
                  onChange: (p) => {
                    update({ page: String(p) });
                  },
                }}
                locale={{ emptyText: t('ingest.batches.none') }}
                data-testid="batches-table"
              />
            </>
          )}
        </Card>
        {summary && detail && !tabular ? <StoredFiles code={summary.code} /> : null}
      </Space>
      {summary ? (
        <BatchDrawer
          id={openId}
          code={summary.code}
          tabular={tabular}
          items={detail?.content.items ?? []}
          onClose={() => {
            update({ batch: null });
          }}
        />
      ) : null}
    </>
  );
}
