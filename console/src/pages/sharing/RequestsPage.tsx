import { ReloadOutlined } from '@ant-design/icons';
import { Button, Card, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { api } from '../../api';
import { useMe } from '../../auth';
import { LoadError, Mono, PageHeader } from '../../components/common';
import { formatDate, formatDateTime } from '../../format';
import { useAsync } from '../../hooks';
import { RequestDrawer } from './RequestDrawer';
import type { Paged, RequestBox, RequestStatus, ShareRequest } from './share';
import { REQUEST_STATUSES, awaitingAnswer, isAuthorityStaff } from './share';
import { RequestCountdown, RequestStatusTag } from './ShareParts';

const PAGE_SIZE = 20;

/**
 * 数据共享 › 共享申请 (R4.4): 我提交的 are the requests of my organisations as consumer, 待我审批 those
 * my organisations must answer as provider within the region's deadline in working days; the
 * authority also sees 逾期督办 (pending past the due date) and 全部. The drawer (?code=) shows the
 * request, its timeline and the next step.
 */
export function RequestsPage() {
  const { t } = useTranslation();
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const supervisor = isAuthorityStaff(me);
  const boxes: RequestBox[] = supervisor ? ['sent', 'inbox', 'overdue', 'all'] : ['sent', 'inbox'];
  const requested = params.get('box') as RequestBox | null;
  const box: RequestBox = requested && boxes.includes(requested) ? requested : 'sent';
  const status = (params.get('status') as RequestStatus | null) ?? undefined;
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
      api.get<Paged<ShareRequest>>('/share/requests', {
        signal,
        query: { box, status, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE },
      }),
    `${box}|${status ?? ''}|${String(page)}`,
  );
  const items = list.data?.items ?? [];
  const overdueCount = items.filter((i) => i.overdue && awaitingAnswer(i.status)).length;

  const columns: TableColumnsType<ShareRequest> = [
    {
      title: t('share.field.code'),
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
          data-testid={`request-open-${c}`}
        >
          {c}
        </Button>
      ),
    },
    {
      title: t('share.field.resource'),
      key: 'resource',
      render: (_: unknown, r) => (
        <Space orientation="vertical" size={0}>
          <Link to={`/catalog/resources/${encodeURIComponent(r.resourceCode)}`}>
            {r.resourceName}
          </Link>
          <Typography.Text type="secondary">
            <Mono>{r.resourceCode}</Mono> ·{' '}
            {t('share.request.itemCount', { count: r.items.length })}
          </Typography.Text>
        </Space>
      ),
    },
    ...(box === 'sent'
      ? []
      : [{ title: t('share.field.consumer'), dataIndex: 'consumerOrgName', width: 160 }]),
    ...(box === 'inbox'
      ? []
      : [{ title: t('share.field.provider'), dataIndex: 'providerOrgName', width: 160 }]),
    {
      title: t('share.field.status'),
      key: 'status',
      width: 170,
      render: (_: unknown, r) => (
        <Space size={4} wrap>
          <RequestStatusTag status={r.status} />
          {r.autoApproved ? (
            <Tag color="purple" data-testid={`request-auto-${r.code}`}>
              {t('share.request.autoShort')}
              {r.scenarioCode ? ` ${r.scenarioCode}` : ''}
            </Tag>
          ) : null}
        </Space>
      ),
    },
    {
      title: t('share.field.dueDate'),
      key: 'due',
      width: 190,
      render: (_: unknown, r) => (
        <Space orientation="vertical" size={2}>
          <span>{awaitingAnswer(r.status) ? formatDate(r.dueDate) : t('common.none')}</span>
          <RequestCountdown request={r} />
        </Space>
      ),
    },
    {
      title: t('share.field.createdAt'),
      dataIndex: 'createdAt',
      width: 160,
      render: (d: string) => formatDateTime(d),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('share.request.title')}
        description={t('share.request.description')}
        extra={
          <>
            <Button icon={<ReloadOutlined />} onClick={list.reload}>
              {t('common.refresh')}
            </Button>
            <Link to="/sharing/catalog">
              <Button type="primary">{t('share.request.newRequest')}</Button>
            </Link>
          </>
        }
      />
      <Card>
        <Tabs
          activeKey={box}
          onChange={(key) => {
            update({ box: key === 'sent' ? null : key, page: null, status: null });
          }}
          items={boxes.map((b) => ({
            key: b,
            label: <span data-testid={`requests-tab-${b}`}>{t(`share.request.box.${b}`)}</span>,
          }))}
        />
        <div className="table-toolbar">
          <Space wrap>
            {overdueCount > 0 ? (
              <Tag color="red">{t('share.request.overdueCount', { count: overdueCount })}</Tag>
            ) : null}
            <Typography.Text type="secondary">{t(`share.request.boxHint.${box}`)}</Typography.Text>
          </Space>
          {box === 'overdue' ? null : (
            <Select<RequestStatus>
              allowClear
              placeholder={t('share.request.statusFilter')}
              style={{ width: 160 }}
              value={status}
              onChange={(value) => {
                update({ status: value ?? null, page: null });
              }}
              options={REQUEST_STATUSES.map((s) => ({
                value: s,
                label: t(`share.requestStatus.${s}`),
              }))}
              data-testid="requests-status-filter"
            />
          )}
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
            scroll={{ x: 1100 }}
            rowClassName={(r) => (r.overdue && awaitingAnswer(r.status) ? 'row-overdue' : '')}
            locale={{ emptyText: t(`share.request.empty.${box}`) }}
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
            data-testid="requests-table"
          />
        )}
      </Card>
      <RequestDrawer
        code={code}
        onClose={() => {
          update({ code: null });
        }}
        onChanged={list.reload}
      />
    </>
  );
}
