import { DownloadOutlined, FileExcelOutlined, FileTextOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Descriptions,
  Select,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import type { DescriptionsProps, TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { API_BASE, api, downloadRequest } from '../../api';
import { useMe } from '../../auth';
import { enumLabel } from '../../catalog/labels';
import type { DataItem, ResourceList, ResourceSummary, ResourceVersion } from '../../catalog/model';
import { LoadError, Mono } from '../../components/common';
import { errorText } from '../../errors';
import { downloadFile } from '../../excel';
import { filterOptionByLabel, formatDateTime } from '../../format';
import { useAsync } from '../../hooks';
import type { AsyncState } from '../../hooks';
import {
  BATCH_SOURCE_COLORS,
  BATCH_STATUS_COLORS,
  columnLabel,
  formatBytes,
  formatDuration,
  isBatchSource,
  isBatchStatus,
  modeLabel,
} from './ingest';
import type { Batch, Rejection, RejectionList } from './ingest';
import { localized } from './values';

export function BatchStatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  if (!isBatchStatus(status)) return <Tag>{status}</Tag>;
  return (
    <Tag color={BATCH_STATUS_COLORS[status]} data-testid={`batch-status-${status}`}>
      {t(`ingest.status.${status}`)}
    </Tag>
  );
}

export function BatchSourceTag({ source }: { source: string }) {
  const { t } = useTranslation();
  if (!isBatchSource(source)) return <Tag>{source}</Tag>;
  return <Tag color={BATCH_SOURCE_COLORS[source]}>{t(`ingest.source.${source}`)}</Tag>;
}

export function useNumber(): (n: number | null | undefined) => string {
  const { i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'zh-CN';
  return (n) => (n === null || n === undefined ? '—' : n.toLocaleString(locale));
}

/**
 * Published entries a user may upload to (their departments' own) or, with `all`, every published
 * entry the user can see (authority staff and auditors read the batches of many providers).
 */
export function usePublishedResources(orgCodes: string[] | 'all'): AsyncState<ResourceSummary[]> {
  const key = orgCodes === 'all' ? 'all' : orgCodes.join(',');
  return useAsync(async (signal) => {
    const lists =
      orgCodes === 'all'
        ? [
            await api.get<ResourceList>('/catalog/resources', {
              signal,
              query: { status: 'published', limit: 500 },
            }),
          ]
        : await Promise.all(
            orgCodes.map((orgCode) =>
              api.get<ResourceList>('/catalog/resources', {
                signal,
                query: { status: 'published', orgCode, limit: 500 },
              }),
            ),
          );
    return lists
      .flatMap((list) => list.items)
      .sort((a, b) => a.orgCode.localeCompare(b.orgCode) || a.name.localeCompare(b.name, 'zh-CN'));
  }, `published|${key}`);
}

/** The memberships whose holders write data for their organisation (the ingest policy). */
export function uploadOrgCodes(me: ReturnType<typeof useMe>): string[] {
  return [
    ...new Set(
      me.memberships
        .filter((m) => m.role === 'dept_admin' || m.role === 'dept_operator')
        .map((m) => m.orgCode),
    ),
  ];
}

/** The live version of an entry (its data items), once one is chosen. */
export function useResourceVersion(
  summary: ResourceSummary | undefined,
): AsyncState<ResourceVersion | null> {
  return useAsync(
    (signal) =>
      summary
        ? api.get<ResourceVersion>(`/catalog/resources/${encodeURIComponent(summary.code)}`, {
            signal,
            query: { version: summary.version },
          })
        : Promise.resolve(null),
    summary ? `${summary.code}@${String(summary.version)}` : '',
  );
}

/**
 * The resource picker of the ingestion pages: name and code, the format category beside each, grouped
 * by provider when there are several.
 */
export function ResourceSelect({
  resources,
  value,
  onChange,
  disabled,
  testId,
}: {
  resources: AsyncState<ResourceSummary[]>;
  value: string | undefined;
  onChange: (code: string) => void;
  disabled?: boolean;
  testId: string;
}) {
  const { t } = useTranslation();
  const list = resources.data ?? [];
  const option = (r: ResourceSummary) => ({
    value: r.code,
    label: `${r.name}（${r.code}）`,
    name: r.name,
    format: r.formatCategory,
  });
  const orgs = [...new Set(list.map((r) => r.orgCode))];
  const options =
    orgs.length > 1
      ? orgs.map((orgCode) => {
          const members = list.filter((r) => r.orgCode === orgCode);
          return {
            label: members[0]?.orgName ?? orgCode,
            title: members[0]?.orgName ?? orgCode,
            options: members.map(option),
          };
        })
      : list.map(option);
  return (
    <Select
      style={{ width: '100%' }}
      value={value}
      disabled={disabled}
      loading={resources.loading}
      placeholder={t('ingest.chooseResource')}
      showSearch={{ filterOption: filterOptionByLabel }}
      onChange={onChange}
      options={options}
      notFoundContent={
        resources.error ? errorText(t, resources.error) : t('ingest.noPublishedResources')
      }
      optionRender={(o) => {
        const data = o.data as { name?: string; value?: string; format?: string };
        if (!data.format) return o.label;
        return (
          <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8 }}>
            <span style={{ overflow: 'hidden', textOverflow: 'ellipsis' }}>
              {data.name}{' '}
              <Typography.Text type="secondary" className="mono" style={{ fontSize: 12 }}>
                {data.value}
              </Typography.Text>
            </span>
            <Tag style={{ marginInlineEnd: 0 }}>{enumLabel(t, 'format', data.format)}</Tag>
          </div>
        );
      }}
      data-testid={testId}
    />
  );
}

/** 下载问题数据: the rejected rows of a batch as XLSX or CSV. */
export function RejectionDownloads({ batchId, disabled }: { batchId: string; disabled?: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [busy, setBusy] = useState<'xlsx' | 'csv' | null>(null);
  const run = async (format: 'xlsx' | 'csv') => {
    setBusy(format);
    try {
      const file = await downloadRequest(
        `/batches/${encodeURIComponent(batchId)}/rejections/export`,
        { format },
      );
      const name = file.fileName ?? `${t('ingest.rejections.fileName')}.${format}`;
      downloadFile(file.blob, name, file.blob.type || 'application/octet-stream');
      message.success(t('ingest.rejections.downloaded', { name }));
    } catch (e) {
      message.error(errorText(t, e));
    } finally {
      setBusy(null);
    }
  };
  return (
    <Space wrap>
      <Button
        type="primary"
        ghost
        icon={<FileExcelOutlined />}
        loading={busy === 'xlsx'}
        disabled={disabled}
        onClick={() => {
          void run('xlsx');
        }}
        data-testid="rejections-download-xlsx"
      >
        {t('ingest.rejections.downloadXlsx')}
      </Button>
      <Button
        icon={<FileTextOutlined />}
        loading={busy === 'csv'}
        disabled={disabled}
        onClick={() => {
          void run('csv');
        }}
        data-testid="rejections-download-csv"
      >
        {t('ingest.rejections.downloadCsv')}
      </Button>
    </Space>
  );
}

const PAGE_SIZE = 20;

/** 问题数据 of a batch: row, column, value and reason, paged from the server, with downloads. */
export function RejectionsTable({
  batchId,
  items,
  title,
}: {
  batchId: string;
  /** The entry's data items, to show a column with its Chinese name. */
  items: readonly DataItem[];
  title?: string;
}) {
  const { t, i18n } = useTranslation();
  const num = useNumber();
  const [page, setPage] = useState(1);
  const list = useAsync(
    (signal) =>
      api.get<RejectionList>(`/batches/${encodeURIComponent(batchId)}/rejections`, {
        signal,
        query: { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE },
      }),
    `${batchId}|${String(page)}`,
  );

  if (list.error && !list.data) return <LoadError error={list.error} onRetry={list.reload} />;

  const columns: TableColumnsType<Rejection & { key: string }> = [
    { title: t('ingest.rejections.row'), dataIndex: 'row', width: 80 },
    {
      title: t('ingest.rejections.column'),
      dataIndex: 'column',
      width: 200,
      render: (column: string | null) => (column ? columnLabel(items, column) : '—'),
    },
    {
      title: t('ingest.rejections.value'),
      dataIndex: 'value',
      width: 220,
      ellipsis: { showTitle: false },
      render: (value: string | null) =>
        value === null || value === '' ? (
          <Typography.Text type="secondary">{t('ingest.rejections.empty')}</Typography.Text>
        ) : (
          <Tooltip title={value}>
            <span className="mono">{value}</span>
          </Tooltip>
        ),
    },
    {
      title: t('ingest.rejections.reason'),
      dataIndex: 'reason',
      render: (reason: Rejection['reason']) => localized(reason, i18n.language),
    },
  ];

  const data = list.data;
  const rows = (data?.items ?? []).map((r, index) => ({
    ...r,
    key: `${String((page - 1) * PAGE_SIZE + index)}`,
  }));
  return (
    <div data-testid="rejections">
      <div className="table-toolbar" style={{ flexWrap: 'wrap', gap: 8 }}>
        <Typography.Text strong>
          {title ?? t('ingest.rejections.title')}
          {data ? (
            <Typography.Text
              type="secondary"
              style={{ marginInlineStart: 8, fontWeight: 'normal' }}
            >
              {t('ingest.rejections.count', { count: data.total, number: num(data.total) })}
            </Typography.Text>
          ) : null}
        </Typography.Text>
        <RejectionDownloads batchId={batchId} disabled={!data || data.stored === 0} />
      </div>
      {data && data.stored < data.total ? (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 8 }}
          title={t('ingest.rejections.storedOnly', {
            stored: num(data.stored),
            total: num(data.total),
          })}
        />
      ) : null}
      <Table
        rowKey="key"
        size="small"
        loading={list.loading}
        columns={columns}
        dataSource={rows}
        scroll={{ x: 720 }}
        pagination={{
          current: page,
          pageSize: PAGE_SIZE,
          total: data?.stored ?? 0,
          hideOnSinglePage: true,
          showSizeChanger: false,
          onChange: setPage,
        }}
        locale={{ emptyText: t('ingest.rejections.none') }}
        data-testid="rejections-table"
      />
    </div>
  );
}

/** The fields of a batch record (result card, detail drawer). */
export function BatchDescriptions({
  batch,
  tabular,
  column = 3,
}: {
  batch: Batch;
  tabular: boolean;
  column?: DescriptionsProps['column'];
}) {
  const { t, i18n } = useTranslation();
  const num = useNumber();
  type Row = NonNullable<DescriptionsProps['items']>[number];
  type CountKey =
    'rowsRead' | 'rowsInserted' | 'rowsUpdated' | 'rowsDeleted' | 'rowsRejected' | 'rowsTotal';
  const count = (key: CountKey, value: number | null, danger = false): Row => ({
    key,
    label: t(`ingest.field.${key}`),
    children: (
      <span data-testid={`batch-${key}`}>
        {danger && value ? (
          <Typography.Text type="danger">{num(value)}</Typography.Text>
        ) : (
          num(value)
        )}
      </span>
    ),
  });
  const items: Row[] = [
    {
      key: 'status',
      label: t('ingest.field.status'),
      children: <BatchStatusTag status={batch.status} />,
    },
    ...(tabular
      ? [{ key: 'mode', label: t('ingest.field.mode'), children: modeLabel(t, batch.mode) }]
      : []),
    {
      key: 'source',
      label: t('ingest.field.source'),
      children: (
        <Space size={4}>
          <BatchSourceTag source={batch.source} />
          <span>{batch.sourceName}</span>
        </Space>
      ),
    },
    ...(tabular
      ? [
          count('rowsRead', batch.rowsRead),
          count('rowsInserted', batch.rowsInserted),
          count('rowsUpdated', batch.rowsUpdated),
          count('rowsDeleted', batch.rowsDeleted),
          count('rowsRejected', batch.rowsRejected, true),
          count('rowsTotal', batch.rowsTotal),
        ]
      : []),
    {
      key: 'format',
      label: t('ingest.field.format'),
      children: (
        <span>
          {batch.format === 'file' ? t('ingest.fileFormat') : batch.format.toUpperCase()}
          {batch.encoding ? (
            <Typography.Text type="secondary" data-testid="batch-encoding">
              {' · '}
              {batch.encoding.toUpperCase()}
            </Typography.Text>
          ) : null}
        </span>
      ),
    },
    { key: 'bytes', label: t('ingest.field.bytes'), children: formatBytes(batch.bytes) },
    {
      key: 'duration',
      label: t('ingest.field.duration'),
      children: formatDuration(t, batch.durationMs),
    },
    {
      key: 'startedAt',
      label: t('ingest.field.startedAt'),
      children: formatDateTime(batch.startedAt),
    },
    { key: 'actor', label: t('ingest.field.actor'), children: batch.actorName },
    ...(tabular
      ? [
          {
            key: 'threshold',
            label: t('ingest.field.threshold'),
            children: `${String(Math.round(batch.maxRejectedShare * 1000) / 10)}%`,
          },
        ]
      : []),
    {
      key: 'sha256',
      label: t('ingest.field.sha256'),
      span: 'filled',
      children: batch.sha256 ? (
        <Typography.Text copyable className="mono" style={{ wordBreak: 'break-all' }}>
          <span data-testid="batch-sha256">{batch.sha256}</span>
        </Typography.Text>
      ) : (
        '—'
      ),
    },
    {
      key: 'id',
      label: t('ingest.field.id'),
      span: 'filled',
      children: (
        <Typography.Text copyable={{ text: batch.id }}>
          <Mono>{batch.id}</Mono>
        </Typography.Text>
      ),
    },
    ...(batch.errorMessage
      ? [
          {
            key: 'error',
            label: t('ingest.field.error'),
            span: 'filled' as const,
            children: (
              <Typography.Text type="danger">
                {localized(batch.errorMessage, i18n.language)}
                {batch.errorCode ? (
                  <Typography.Text type="secondary" className="mono">
                    {' '}
                    ({batch.errorCode})
                  </Typography.Text>
                ) : null}
              </Typography.Text>
            ),
          },
        ]
      : []),
  ];
  return (
    <Descriptions
      bordered
      size="small"
      column={column}
      items={items}
      styles={{ label: { whiteSpace: 'nowrap' } }}
      data-testid="batch-descriptions"
    />
  );
}

/** A link to download a stored file version (a plain GET: the browser streams it to disk). */
export function StoredFileLink({
  code,
  version,
  fileName,
}: {
  code: string;
  version: number;
  fileName: string;
}) {
  return (
    <a
      href={`${API_BASE}/resources/${encodeURIComponent(code)}/files/${String(version)}`}
      download={fileName}
      data-testid={`file-download-${String(version)}`}
    >
      <DownloadOutlined /> {fileName}
    </a>
  );
}
