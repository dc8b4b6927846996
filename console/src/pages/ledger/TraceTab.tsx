import { NodeIndexOutlined } from '@ant-design/icons';
import { Button, Card, Input, Result, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { LoadError, Mono } from '../../components/common';
import { formatDateTime } from '../../format';
import { useAsync } from '../../hooks';
import { formatNumber } from '../sharing/adminApi';
import { callOperationLabel } from '../sharing/AdminParts';
import type { LedgerTrace, TraceAccess, TraceChange } from './ledgerApi';
import { shortHash } from './ledgerApi';
import { LeafIndexCell, OrgCell, OutcomeTag } from './LedgerParts';

/** The event id as a link that opens the event's proof. */
function EventLink({ id, onOpen }: { id: number; onOpen: (id: number) => void }) {
  return (
    <Button
      type="link"
      size="small"
      style={{ padding: 0 }}
      onClick={() => {
        onOpen(id);
      }}
      data-testid={`ledger-trace-event-${String(id)}`}
    >
      <span className="mono">#{id}</span>
    </Button>
  );
}

/**
 * 追溯: for one resource, who accessed it (R5.9: consumer, system, operation, purpose, grant) and
 * every change of its catalog entry, each with its place in the ledger.
 */
export function TraceTab({
  resource,
  onResource,
  onOpen,
}: {
  resource: string | null;
  onResource: (code: string | null) => void;
  onOpen: (id: number) => void;
}) {
  const { t, i18n } = useTranslation();
  const [input, setInput] = useState(resource ?? '');
  const [invalid, setInvalid] = useState(false);
  useEffect(() => {
    setInput(resource ?? '');
  }, [resource]);

  const trace = useAsync(
    async (signal) =>
      resource ? api.get<LedgerTrace>('/ledger/trace', { signal, query: { resource } }) : null,
    resource ?? '',
  );
  const data = trace.data ?? null;

  const submit = (value: string) => {
    const code = value.trim().toUpperCase();
    setInvalid(code === '');
    if (!code) return;
    if (code === resource) trace.reload();
    else onResource(code);
  };

  const accessColumns: TableColumnsType<TraceAccess> = [
    {
      title: t('ledger.trace.eventId'),
      dataIndex: 'eventId',
      width: 100,
      fixed: 'left',
      render: (id: number) => <EventLink id={id} onOpen={onOpen} />,
    },
    {
      title: t('ledger.trace.time'),
      dataIndex: 'occurredAt',
      width: 170,
      render: (v: string) => formatDateTime(v),
    },
    {
      title: t('ledger.trace.consumer'),
      key: 'consumer',
      width: 220,
      ellipsis: true,
      render: (_: unknown, a) => <OrgCell code={a.consumerOrgCode} name={a.consumerOrgName} />,
    },
    {
      title: t('ledger.trace.system'),
      dataIndex: 'system',
      width: 150,
      ellipsis: true,
      render: (v: string | null) => v ?? '—',
    },
    {
      title: t('ledger.trace.operation'),
      dataIndex: 'operation',
      width: 110,
      render: (v: string) => callOperationLabel(t, v),
    },
    {
      title: t('ledger.trace.purpose'),
      dataIndex: 'purpose',
      width: 220,
      ellipsis: { showTitle: false },
      render: (v: string | null) =>
        v ? (
          <Tooltip title={v} placement="topLeft">
            <span>{v}</span>
          </Tooltip>
        ) : (
          '—'
        ),
    },
    {
      title: t('ledger.trace.grant'),
      dataIndex: 'grantId',
      width: 140,
      render: (v: string | null) =>
        v ? (
          <Tooltip title={<span className="mono">{v}</span>}>
            <Typography.Text className="mono" copyable={{ text: v }} style={{ fontSize: 12 }}>
              {shortHash(v, 8)}
            </Typography.Text>
          </Tooltip>
        ) : (
          '—'
        ),
    },
    {
      title: t('ledger.trace.status'),
      dataIndex: 'status',
      width: 80,
      render: (v: number) => <OutcomeTag outcome={String(v)} />,
    },
    {
      title: t('ledger.trace.rows'),
      dataIndex: 'rowCount',
      width: 80,
      align: 'right',
      render: (n: number) => formatNumber(n, i18n.language),
    },
    {
      title: t('ledger.trace.leafIndex'),
      dataIndex: 'leafIndex',
      width: 100,
      render: (v: number | null) => <LeafIndexCell index={v} />,
    },
  ];

  const changeColumns: TableColumnsType<TraceChange> = [
    {
      title: t('ledger.trace.eventId'),
      dataIndex: 'eventId',
      width: 100,
      render: (id: number) => <EventLink id={id} onOpen={onOpen} />,
    },
    {
      title: t('ledger.trace.time'),
      dataIndex: 'occurredAt',
      width: 170,
      render: (v: string) => formatDateTime(v),
    },
    {
      title: t('ledger.trace.type'),
      dataIndex: 'type',
      width: 260,
      render: (v: string) => <Mono>{v}</Mono>,
    },
    {
      title: t('ledger.trace.actor'),
      dataIndex: 'actorName',
      width: 200,
      ellipsis: true,
    },
    {
      title: t('ledger.trace.outcome'),
      dataIndex: 'outcome',
      width: 90,
      render: (v: string) => <OutcomeTag outcome={v} />,
    },
    {
      title: t('ledger.trace.leafIndex'),
      dataIndex: 'leafIndex',
      width: 100,
      render: (v: number | null) => <LeafIndexCell index={v} />,
    },
  ];

  const countTag = (n: number) => <Tag>{t('ledger.trace.count', { count: n })}</Tag>;

  return (
    <div data-testid="ledger-trace-tab">
      <Typography.Paragraph type="secondary">{t('ledger.trace.hint')}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 16 }} align="start">
        <Space orientation="vertical" size={2}>
          <Input.Search
            allowClear
            className="mono"
            placeholder={t('ledger.trace.resourcePlaceholder')}
            value={input}
            status={invalid ? 'error' : undefined}
            enterButton={
              <Button type="primary" icon={<NodeIndexOutlined />} data-testid="ledger-trace-submit">
                {t('ledger.trace.submit')}
              </Button>
            }
            style={{ width: 380 }}
            onChange={(e) => {
              setInput(e.target.value.toUpperCase());
              setInvalid(false);
            }}
            onSearch={submit}
            data-testid="ledger-trace-resource"
          />
          {invalid ? (
            <Typography.Text type="danger">{t('ledger.trace.resourceRequired')}</Typography.Text>
          ) : null}
        </Space>
        {data ? (
          <Typography.Text type="secondary" style={{ lineHeight: '32px' }}>
            {t('ledger.trace.covered', { size: formatNumber(data.treeSize, i18n.language) })} ·{' '}
            {t('ledger.trace.limitHint')}
          </Typography.Text>
        ) : null}
      </Space>
      {!resource ? (
        <Result
          icon={<NodeIndexOutlined style={{ color: '#bfbfbf' }} />}
          subTitle={t('ledger.trace.idle')}
        />
      ) : trace.error ? (
        <LoadError error={trace.error} onRetry={trace.reload} />
      ) : (
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          <Card
            size="small"
            title={
              <Space>
                {t('ledger.trace.accesses')}
                {data ? countTag(data.accesses.length) : null}
              </Space>
            }
          >
            <Table<TraceAccess>
              rowKey="eventId"
              size="small"
              loading={trace.loading}
              columns={accessColumns}
              dataSource={data?.accesses ?? []}
              scroll={{ x: 1370 }}
              pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
              locale={{ emptyText: t('ledger.trace.emptyAccesses') }}
              data-testid="ledger-trace-accesses"
            />
          </Card>
          <Card
            size="small"
            title={
              <Space>
                {t('ledger.trace.changes')}
                {data ? countTag(data.changes.length) : null}
              </Space>
            }
          >
            <Table<TraceChange>
              rowKey="eventId"
              size="small"
              loading={trace.loading}
              columns={changeColumns}
              dataSource={data?.changes ?? []}
              scroll={{ x: 920 }}
              pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
              locale={{ emptyText: t('ledger.trace.emptyChanges') }}
              data-testid="ledger-trace-changes"
            />
          </Card>
        </Space>
      )}
    </div>
  );
}
