import { ReloadOutlined } from '@ant-design/icons';
import { Button, Input, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { ExportButton } from '../../components/ExportButton';
import { LoadError, Mono } from '../../components/common';
import { exportFileName, exportRows } from '../../excel';
import { formatDateTime } from '../../format';
import { useAsync, useOrgs } from '../../hooks';
import type { AccessRecord, AccessStatus, Paged } from './adminApi';
import { ACCESS_STATUSES, formatNumber } from './adminApi';
import { callOperationLabel } from './AdminParts';

const PAGE_SIZE = 50;

export interface LogFilters {
  grantId?: string;
  resourceCode?: string;
  status?: AccessStatus;
  page: number;
}

const refused = (r: AccessRecord) => r.status >= 400;

/**
 * 调用日志: every data-API call, allowed or refused (R5.9-style traceability for sharing, R6.6):
 * when, which system of which consumer, which resource and operation, for which end user and
 * case, how many rows, the answer and its digest.
 */
export function AdminAccessLogTab({
  filters,
  onChange,
}: {
  filters: LogFilters;
  onChange: (filters: LogFilters) => void;
}) {
  const { t, i18n } = useTranslation();
  const orgs = useOrgs();
  const orgName = new Map((orgs.data ?? []).map((o) => [o.code, o.name]));
  const [grantInput, setGrantInput] = useState(filters.grantId ?? '');
  const [resourceInput, setResourceInput] = useState(filters.resourceCode ?? '');
  useEffect(() => {
    setGrantInput(filters.grantId ?? '');
    setResourceInput(filters.resourceCode ?? '');
  }, [filters.grantId, filters.resourceCode]);

  const log = useAsync(
    (signal) =>
      api.get<Paged<AccessRecord>>('/share/access-log', {
        signal,
        query: {
          grantId: filters.grantId,
          resourceCode: filters.resourceCode,
          status: filters.status,
          limit: PAGE_SIZE,
          offset: (filters.page - 1) * PAGE_SIZE,
        },
      }),
    `${filters.grantId ?? ''}|${filters.resourceCode ?? ''}|${filters.status ?? ''}|${String(filters.page)}`,
  );
  const items = log.data?.items ?? [];
  const consumer = (r: AccessRecord) =>
    r.consumerOrgCode ? (orgName.get(r.consumerOrgCode) ?? r.consumerOrgCode) : '';
  const statusText = (r: AccessRecord) =>
    refused(r)
      ? `${t('shareAdmin.accessStatus.denied')} ${String(r.status)}${r.errorCode ? ` ${r.errorCode}` : ''}`
      : t('shareAdmin.accessStatus.allowed');

  const exportPage = async () => {
    await exportRows<AccessRecord>({
      filename: exportFileName(t('shareAdmin.log.exportName')),
      sheetName: t('shareAdmin.log.exportSheet'),
      columns: [
        { header: t('shareAdmin.log.time'), width: 20, value: (r) => formatDateTime(r.occurredAt) },
        { header: t('shareAdmin.log.system'), width: 20, value: (r) => r.systemName },
        { header: t('shareAdmin.log.consumer'), width: 28, value: consumer },
        { header: t('shareAdmin.log.resource'), width: 20, value: (r) => r.resourceCode },
        {
          header: t('shareAdmin.log.operation'),
          width: 12,
          value: (r) => (r.operation ? callOperationLabel(t, r.operation) : ''),
        },
        { header: t('shareAdmin.log.purpose'), width: 24, value: (r) => r.purpose },
        { header: t('shareAdmin.log.endUser'), width: 14, value: (r) => r.endUser },
        { header: t('shareAdmin.log.caseRef'), width: 18, value: (r) => r.caseRef },
        { header: t('shareAdmin.log.rows'), width: 8, value: (r) => r.rowCount },
        { header: t('shareAdmin.log.status'), width: 24, value: statusText },
        { header: t('shareAdmin.log.duration'), width: 10, value: (r) => r.durationMs },
        { header: t('shareAdmin.log.grant'), width: 38, value: (r) => r.grantId },
        { header: t('shareAdmin.log.digest'), width: 66, value: (r) => r.responseDigest },
      ],
      rows: items,
    });
  };

  const columns: TableColumnsType<AccessRecord> = [
    {
      title: t('shareAdmin.log.time'),
      dataIndex: 'occurredAt',
      width: 170,
      render: (v: string) => formatDateTime(v),
    },
    {
      title: t('shareAdmin.log.system'),
      dataIndex: 'systemName',
      width: 150,
      ellipsis: true,
      render: (v: string | null) => v ?? '—',
    },
    {
      title: t('shareAdmin.log.consumer'),
      key: 'consumer',
      width: 180,
      ellipsis: true,
      render: (_: unknown, r) => consumer(r) || '—',
    },
    {
      title: t('shareAdmin.log.resource'),
      dataIndex: 'resourceCode',
      width: 150,
      render: (v: string | null) => (v ? <Mono>{v}</Mono> : '—'),
    },
    {
      title: t('shareAdmin.log.operation'),
      dataIndex: 'operation',
      width: 130,
      render: (v: string | null) => (v ? callOperationLabel(t, v) : '—'),
    },
    {
      title: t('shareAdmin.log.endUser'),
      dataIndex: 'endUser',
      width: 110,
      ellipsis: true,
      render: (v: string | null) => v ?? <Typography.Text type="warning">—</Typography.Text>,
    },
    {
      title: t('shareAdmin.log.caseRef'),
      dataIndex: 'caseRef',
      width: 140,
      ellipsis: true,
      render: (v: string | null) => v ?? <Typography.Text type="warning">—</Typography.Text>,
    },
    {
      title: t('shareAdmin.log.rows'),
      dataIndex: 'rowCount',
      width: 80,
      align: 'right',
      render: (n: number | null) => formatNumber(n, i18n.language),
    },
    {
      title: t('shareAdmin.log.status'),
      key: 'status',
      width: 200,
      render: (_: unknown, r) =>
        refused(r) ? (
          <Space size={2} wrap>
            <Tag color="red">
              {t('shareAdmin.accessStatus.denied')} {r.status}
            </Tag>
            {r.errorCode ? <Mono>{r.errorCode}</Mono> : null}
          </Space>
        ) : (
          <Tag color="green">{t('shareAdmin.accessStatus.allowed')}</Tag>
        ),
    },
    {
      title: t('shareAdmin.log.duration'),
      dataIndex: 'durationMs',
      width: 90,
      align: 'right',
      render: (n: number | null) => (n === null ? '—' : `${String(Math.round(n))} ms`),
    },
    {
      title: t('shareAdmin.log.digest'),
      dataIndex: 'responseDigest',
      width: 150,
      render: (v: string | null) =>
        v ? (
          <Tooltip title={<span className="mono">{v}</span>}>
            <Typography.Text className="mono" copyable={{ text: v }} style={{ fontSize: 12 }}>
              {v.slice(0, 12)}…
            </Typography.Text>
          </Tooltip>
        ) : (
          '—'
        ),
    },
  ];

  return (
    <div data-testid="log-tab">
      <div className="table-toolbar">
        <Space wrap>
          <Input.Search
            allowClear
            placeholder={t('shareAdmin.log.grantFilter')}
            value={grantInput}
            onChange={(e) => {
              setGrantInput(e.target.value);
            }}
            onSearch={(value) => {
              onChange({ ...filters, grantId: value.trim() || undefined, page: 1 });
            }}
            style={{ width: 300 }}
            data-testid="log-grant"
          />
          <Input.Search
            allowClear
            placeholder={t('shareAdmin.log.resourceFilter')}
            value={resourceInput}
            onChange={(e) => {
              setResourceInput(e.target.value.toUpperCase());
            }}
            onSearch={(value) => {
              onChange({ ...filters, resourceCode: value.trim() || undefined, page: 1 });
            }}
            style={{ width: 250 }}
            data-testid="log-resource"
          />
          <Select<AccessStatus>
            allowClear
            placeholder={t('shareAdmin.log.statusFilter')}
            value={filters.status}
            style={{ width: 140 }}
            onChange={(value) => {
              onChange({ ...filters, status: value ?? undefined, page: 1 });
            }}
            options={ACCESS_STATUSES.map((s) => ({
              value: s,
              label: t(`shareAdmin.accessStatus.${s}`),
            }))}
            data-testid="log-status"
          />
        </Space>
        <Space wrap>
          <Button icon={<ReloadOutlined />} onClick={log.reload}>
            {t('common.refresh')}
          </Button>
          <ExportButton onExport={exportPage} disabled={items.length === 0} testId="log-export" />
        </Space>
      </div>
      {log.error ? (
        <LoadError error={log.error} onRetry={log.reload} />
      ) : (
        <Table<AccessRecord>
          rowKey="id"
          size="small"
          loading={log.loading}
          columns={columns}
          dataSource={items}
          scroll={{ x: 1700 }}
          rowClassName={(r) => (refused(r) ? 'row-overdue' : '')}
          locale={{ emptyText: t('shareAdmin.log.empty') }}
          pagination={{
            current: filters.page,
            pageSize: PAGE_SIZE,
            total: log.data?.total ?? 0,
            hideOnSinglePage: true,
            showSizeChanger: false,
            showTotal: (n) => t('common.total', { count: n }),
            onChange: (p) => {
              onChange({ ...filters, page: p });
            },
          }}
          data-testid="log-table"
        />
      )}
    </div>
  );
}
