import { CheckOutlined, CloseOutlined, ReloadOutlined } from '@ant-design/icons';
import { Button, Card, Space, Table, Tabs } from 'antd';
import type { TableColumnsType } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { api } from '../../api';
import { LoadError, PageHeader } from '../../components/common';
import { useAsync } from '../../hooks';
import type { Paged } from './open';

const PAGE_SIZE = 20;

/**
 * The authority's moderation queues of the open portal (公众账号审核 R1.3, 应用展示审核 R5.8): one
 * tab per status, the first being the default, paged; tab and page live in the URL so that a
 * reviewer can share or reload the view.
 */
export function useModerationQueue<T, S extends string>(options: {
  path: string;
  statuses: readonly S[];
  /** The query parameter the list action filters on (the URL always says `status`). */
  filter: string;
}) {
  const [params, setParams] = useSearchParams();
  const requested = params.get('status');
  const fallback = options.statuses[0] as S;
  const status: S =
    requested && (options.statuses as readonly string[]).includes(requested)
      ? (requested as S)
      : fallback;
  const page = Math.max(1, Number(params.get('page') ?? '1') || 1);
  const list = useAsync(
    (signal) =>
      api.get<Paged<T>>(options.path, {
        signal,
        query: { [options.filter]: status, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE },
      }),
    `${status}|${String(page)}`,
  );
  const setStatus = (key: string) => {
    const next = new URLSearchParams(params);
    if (key === fallback) next.delete('status');
    else next.set('status', key);
    next.delete('page');
    setParams(next, { replace: true });
  };
  const setPage = (p: number) => {
    const next = new URLSearchParams(params);
    if (p === 1) next.delete('page');
    else next.set('page', String(p));
    setParams(next, { replace: true });
  };
  return { status, page, list, setStatus, setPage };
}

/** The page around a moderation queue: header with refresh, status tabs, the paged table. */
export function ModerationQueue<T extends { id: string }, S extends string>({
  queue,
  title,
  description,
  statuses,
  tabLabel,
  columns,
  emptyText,
  scrollX,
  testIdPrefix,
  rowTestId,
  children,
}: {
  queue: ReturnType<typeof useModerationQueue<T, S>>;
  title: string;
  description: string;
  statuses: readonly S[];
  tabLabel: (status: S) => string;
  columns: TableColumnsType<T>;
  emptyText: string;
  scrollX: number;
  /** `open-account` gives `open-account-tab-pending`, `open-account-table`, ... */
  testIdPrefix: string;
  rowTestId: (row: T) => string;
  /** The decision modal. */
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const { status, page, list, setStatus, setPage } = queue;
  return (
    <>
      <PageHeader
        title={title}
        description={description}
        extra={
          <Button icon={<ReloadOutlined />} onClick={list.reload}>
            {t('common.refresh')}
          </Button>
        }
      />
      <Card>
        <Tabs
          activeKey={status}
          onChange={setStatus}
          items={statuses.map((s) => ({
            key: s,
            label: <span data-testid={`${testIdPrefix}-tab-${s}`}>{tabLabel(s)}</span>,
          }))}
        />
        {list.error ? (
          <LoadError error={list.error} onRetry={list.reload} />
        ) : (
          <Table<T>
            rowKey="id"
            size="middle"
            loading={list.loading}
            columns={columns}
            dataSource={list.data?.items ?? []}
            scroll={{ x: scrollX }}
            onRow={(r) => ({ 'data-testid': `${testIdPrefix}-row-${rowTestId(r)}` }) as object}
            locale={{ emptyText }}
            pagination={{
              current: page,
              pageSize: PAGE_SIZE,
              total: list.data?.total ?? 0,
              onChange: setPage,
              hideOnSinglePage: true,
              showSizeChanger: false,
              showTotal: (n) => t('common.total', { count: n }),
            }}
            data-testid={`${testIdPrefix}-table`}
          />
        )}
      </Card>
      {children}
    </>
  );
}

/** 通过 / 驳回 on a pending row. */
export function ApproveRejectButtons({
  testIdPrefix,
  testIdSuffix,
  onDecide,
}: {
  testIdPrefix: string;
  testIdSuffix: string;
  onDecide: (approve: boolean) => void;
}) {
  const { t } = useTranslation();
  return (
    <Space>
      <Button
        size="small"
        type="primary"
        icon={<CheckOutlined />}
        onClick={() => {
          onDecide(true);
        }}
        data-testid={`${testIdPrefix}-approve-${testIdSuffix}`}
      >
        {t('open.common.approve')}
      </Button>
      <Button
        size="small"
        danger
        icon={<CloseOutlined />}
        onClick={() => {
          onDecide(false);
        }}
        data-testid={`${testIdPrefix}-reject-${testIdSuffix}`}
      >
        {t('open.common.reject')}
      </Button>
    </Space>
  );
}
