import { NotificationOutlined, ReloadOutlined } from '@ant-design/icons';
import { App, Button, Popconfirm, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { ExportButton } from '../../components/ExportButton';
import { LoadError, Mono } from '../../components/common';
import { errorText } from '../../errors';
import { exportFileName, exportRows } from '../../excel';
import { formatDate, formatDateTime } from '../../format';
import { useAsync } from '../../hooks';
import type { Paged, ShareRequest } from './adminApi';

const PAGE_SIZE = 20;

function overdueDays(r: ShareRequest): number {
  return Math.abs(Math.min(0, r.workingDaysLeft ?? 0));
}

/**
 * 超期申请: share requests still pending past the provider's reply deadline (R4.4, R6.6 "data not
 * provided in time"). The sweep (every 10 minutes on the server) reminds providers and escalates
 * overdue requests to the authority; 立即督办 runs it now.
 */
export function AdminOverdueTab({
  page,
  canSweep,
  onPage,
}: {
  page: number;
  canSweep: boolean;
  onPage: (page: number) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [sweeping, setSweeping] = useState(false);
  const list = useAsync(
    (signal) =>
      api.get<Paged<ShareRequest>>('/share/requests', {
        signal,
        query: { box: 'overdue', limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE },
      }),
    String(page),
  );
  const items = list.data?.items ?? [];
  const total = list.data?.total ?? 0;

  const sweep = async () => {
    setSweeping(true);
    try {
      const result = await api.post<{ reminded: number; escalated: number }>(
        '/share/requests/sweep',
      );
      message.success(t('shareAdmin.overdue.swept', result));
      list.reload();
    } catch (e) {
      message.error(errorText(t, e));
    } finally {
      setSweeping(false);
    }
  };

  const exportList = async () => {
    await exportRows<ShareRequest>({
      filename: exportFileName(t('shareAdmin.overdue.exportName')),
      sheetName: t('shareAdmin.overdue.exportSheet'),
      columns: [
        { header: t('shareAdmin.overdue.code'), width: 20, value: (r) => r.code },
        { header: t('shareAdmin.overdue.resource'), width: 32, value: (r) => r.resourceName },
        { header: t('shareAdmin.overdue.resourceCode'), width: 20, value: (r) => r.resourceCode },
        { header: t('shareAdmin.overdue.provider'), width: 28, value: (r) => r.providerOrgName },
        { header: t('shareAdmin.overdue.consumer'), width: 28, value: (r) => r.consumerOrgName },
        { header: t('shareAdmin.overdue.dueDate'), width: 12, value: (r) => r.dueDate },
        { header: t('shareAdmin.overdue.overdueDays'), width: 12, value: overdueDays },
        {
          header: t('shareAdmin.overdue.escalatedAt'),
          width: 20,
          value: (r) => (r.escalatedAt ? formatDateTime(r.escalatedAt) : ''),
        },
        {
          header: t('shareAdmin.overdue.createdAt'),
          width: 20,
          value: (r) => formatDateTime(r.createdAt),
        },
      ],
      rows: items,
    });
  };

  const columns: TableColumnsType<ShareRequest> = [
    {
      title: t('shareAdmin.overdue.code'),
      dataIndex: 'code',
      width: 160,
      render: (c: string) => <Mono>{c}</Mono>,
    },
    {
      title: t('shareAdmin.overdue.resource'),
      key: 'resource',
      render: (_: unknown, r) => (
        <Space orientation="vertical" size={0}>
          <span>{r.resourceName}</span>
          <Typography.Text type="secondary" className="mono">
            {r.resourceCode}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t('shareAdmin.overdue.provider'), dataIndex: 'providerOrgName', width: 190 },
    { title: t('shareAdmin.overdue.consumer'), dataIndex: 'consumerOrgName', width: 190 },
    {
      title: t('shareAdmin.overdue.dueDate'),
      dataIndex: 'dueDate',
      width: 120,
      render: (d: string) => formatDate(d),
    },
    {
      title: t('shareAdmin.overdue.overdueDays'),
      key: 'days',
      width: 150,
      render: (_: unknown, r) => (
        <Tag color="red" data-testid="share-overdue-days">
          {t('shareAdmin.overdue.overdueBy', { count: overdueDays(r) })}
        </Tag>
      ),
    },
    {
      title: t('shareAdmin.overdue.escalated'),
      key: 'escalated',
      width: 150,
      render: (_: unknown, r) =>
        r.escalatedAt ? (
          <Tooltip title={formatDateTime(r.escalatedAt)}>
            <Tag color="volcano">{t('shareAdmin.overdue.escalatedYes')}</Tag>
          </Tooltip>
        ) : (
          <Tag>{t('shareAdmin.overdue.escalatedNo')}</Tag>
        ),
    },
    {
      title: t('shareAdmin.overdue.createdAt'),
      dataIndex: 'createdAt',
      width: 170,
      render: (d: string) => formatDateTime(d),
    },
  ];

  return (
    <div data-testid="share-overdue-tab">
      <div className="table-toolbar">
        <Space wrap>
          <Tag color={total > 0 ? 'red' : 'green'} data-testid="share-overdue-total">
            {t('shareAdmin.overdue.count', { count: total })}
          </Tag>
          <Typography.Text type="secondary">{t('shareAdmin.overdue.hint')}</Typography.Text>
        </Space>
        <Space wrap>
          <Button icon={<ReloadOutlined />} onClick={list.reload}>
            {t('common.refresh')}
          </Button>
          <ExportButton
            onExport={exportList}
            disabled={items.length === 0}
            testId="share-overdue-export"
          />
          {canSweep ? (
            <Popconfirm
              title={t('shareAdmin.overdue.sweepConfirm')}
              okText={t('shareAdmin.overdue.sweep')}
              cancelText={t('common.cancel')}
              onConfirm={() => {
                void sweep();
              }}
              okButtonProps={{ 'data-testid': 'share-overdue-sweep-ok' }}
            >
              <Button
                type="primary"
                icon={<NotificationOutlined />}
                loading={sweeping}
                data-testid="share-overdue-sweep"
              >
                {t('shareAdmin.overdue.sweep')}
              </Button>
            </Popconfirm>
          ) : null}
        </Space>
      </div>
      {list.error ? (
        <LoadError error={list.error} onRetry={list.reload} />
      ) : (
        <Table<ShareRequest>
          rowKey="code"
          size="middle"
          loading={list.loading}
          columns={columns}
          dataSource={items}
          scroll={{ x: 1200 }}
          locale={{ emptyText: t('shareAdmin.overdue.empty') }}
          pagination={{
            current: page,
            pageSize: PAGE_SIZE,
            total,
            hideOnSinglePage: true,
            showSizeChanger: false,
            showTotal: (n) => t('common.total', { count: n }),
            onChange: onPage,
          }}
          data-testid="share-overdue-table"
        />
      )}
    </div>
  );
}
