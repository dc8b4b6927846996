import { ReloadOutlined } from '@ant-design/icons';
import { Button, Card, Space, Table, Tabs, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { api } from '../../api';
import { useMe } from '../../auth';
import { LoadError, PageHeader } from '../../components/common';
import { formatDate, formatDateTime } from '../../format';
import { useAsync } from '../../hooks';
import { RequestCountdown } from '../sharing/ShareParts';
import { DataRequestDrawer } from './DataRequestDrawer';
import type { DataRequest, DataRequestBox, Paged } from './open';
import { isOpenAuthority } from './open';
import { DataRequestStatusTag } from './OpenParts';

const PAGE_SIZE = 20;

/**
 * 数据开放 › 未开放数据需求 (R5.6): the public asks for data not in the open catalog. 待我答复 are the
 * requests addressed to my department, to be answered within the working-day deadline; the authority
 * also sees 争议协调 (refusals the requester disputes, which it rules on) and 全部.
 */
export function DataRequestsPage() {
  const { t } = useTranslation();
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const authority = isOpenAuthority(me);
  const boxes: DataRequestBox[] = authority ? ['inbox', 'disputes', 'all'] : ['inbox'];
  const requested = params.get('box') as DataRequestBox | null;
  const box: DataRequestBox = requested && boxes.includes(requested) ? requested : 'inbox';
  const page = Math.max(1, Number(params.get('page') ?? '1') || 1);
  const code = params.get('code');

  const update = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value === null) next.delete(key);
      else next.set(key, value);
    }
    setParams(next, { replace: true });
  };

  const list = useAsync(
    (signal) =>
      api.get<Paged<DataRequest>>('/open/requests', {
        signal,
        query: { box, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE },
      }),
    `${box}|${String(page)}`,
  );
  const items = list.data?.items ?? [];
  const overdueCount = items.filter((r) => r.status === 'pending' && r.overdue).length;

  const columns: TableColumnsType<DataRequest> = [
    {
      title: t('open.field.code'),
      dataIndex: 'code',
      width: 160,
      render: (c: string) => (
        <Button
          type="link"
          size="small"
          className="mono"
          style={{ padding: 0 }}
          onClick={() => {
            update({ code: c });
          }}
          data-testid={`open-req-open-${c}`}
        >
          {c}
        </Button>
      ),
    },
    {
      title: t('open.field.requestTitle'),
      key: 'title',
      render: (_: unknown, r) => (
        <Space orientation="vertical" size={0}>
          <span>{r.title}</span>
          <Typography.Text type="secondary" ellipsis={{ tooltip: r.description }}>
            {r.description}
          </Typography.Text>
        </Space>
      ),
    },
    ...(box === 'inbox'
      ? []
      : [{ title: t('open.field.addressee'), dataIndex: 'orgName', width: 150 }]),
    {
      title: t('open.field.requester'),
      key: 'requester',
      width: 140,
      render: (_: unknown, r) => r.requester.displayName,
    },
    {
      title: t('open.field.status'),
      dataIndex: 'status',
      width: 100,
      render: (s: string) => <DataRequestStatusTag status={s} />,
    },
    {
      title: t('open.field.dueDate'),
      key: 'due',
      width: 170,
      render: (_: unknown, r) => (
        <Space orientation="vertical" size={2}>
          <span>{r.status === 'pending' ? formatDate(r.dueDate) : t('common.none')}</span>
          <RequestCountdown request={r} />
        </Space>
      ),
    },
    {
      title: t('open.field.createdAt'),
      dataIndex: 'createdAt',
      width: 160,
      render: (d: string) => formatDateTime(d),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('open.request.title')}
        description={t('open.request.description')}
        extra={
          <Button icon={<ReloadOutlined />} onClick={list.reload}>
            {t('common.refresh')}
          </Button>
        }
      />
      <Card>
        <Tabs
          activeKey={box}
          onChange={(key) => {
            update({ box: key === 'inbox' ? null : key, page: null });
          }}
          items={boxes.map((b) => ({
            key: b,
            label: <span data-testid={`open-req-tab-${b}`}>{t(`open.request.box.${b}`)}</span>,
          }))}
        />
        <div className="table-toolbar">
          <Space wrap>
            {overdueCount > 0 ? (
              <Tag color="red">{t('open.common.overdueCount', { count: overdueCount })}</Tag>
            ) : null}
            <Typography.Text type="secondary">{t(`open.request.boxHint.${box}`)}</Typography.Text>
          </Space>
        </div>
        {list.error ? (
          <LoadError error={list.error} onRetry={list.reload} />
        ) : (
          <Table<DataRequest>
            rowKey="code"
            size="middle"
            loading={list.loading}
            columns={columns}
            dataSource={items}
            scroll={{ x: 1100 }}
            rowClassName={(r) => (r.status === 'pending' && r.overdue ? 'row-overdue' : '')}
            onRow={(r) => ({ 'data-testid': `open-req-row-${r.code}` }) as object}
            locale={{ emptyText: t(`open.request.empty.${box}`) }}
            pagination={{
              current: page,
              pageSize: PAGE_SIZE,
              total: list.data?.total ?? 0,
              hideOnSinglePage: true,
              showSizeChanger: false,
              showTotal: (n) => t('common.total', { count: n }),
              onChange: (p) => {
                update({ page: p === 1 ? null : String(p) });
              },
            }}
            data-testid="open-req-table"
          />
        )}
      </Card>
      <DataRequestDrawer
        code={code}
        onClose={() => {
          update({ code: null });
        }}
        onChanged={list.reload}
      />
    </>
  );
}
