import { StopOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Drawer,
  Form,
  Input,
  Modal,
  Row,
  Skeleton,
  Space,
  Statistic,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd';
import type { DescriptionsProps, TableColumnsType } from 'antd';
import { Suspense, lazy, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../../api';
import { useMe } from '../../auth';
import { ShareClassTag } from '../../catalog/labels';
import { LoadError, Mono } from '../../components/common';
import { applyFieldErrors, errorText } from '../../errors';
import { formatDate, formatDateTime } from '../../format';
import { useAsync } from '../../hooks';
import { ApiExamples } from './ApiExamples';
import type { AccessRecord, Grant, GrantItem, Paged, ShareUsage } from './share';
import { isMemberOf, mayRevoke } from './share';
import { GrantStatusTag, MaskingTag, OperationTags, OriginTag, callLabel } from './ShareParts';

const UsageChart = lazy(() => import('./UsageChart'));

function RevokeModal({
  grant,
  open,
  onClose,
  onDone,
}: {
  grant: Grant;
  open: boolean;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ reason: string }>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    let values: { reason: string };
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.post<Grant>(`/share/grants/${grant.id}/revoke`, { reason: values.reason.trim() });
      onDone();
    } catch (e) {
      if (!applyFieldErrors(form, e)) setError(errorText(t, e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open={open}
      title={t('share.grant.revokeTitle', { name: grant.resourceName })}
      okText={t('share.grant.revoke')}
      okButtonProps={{ danger: true, 'data-testid': 'grant-revoke-submit' }}
      confirmLoading={busy}
      onOk={() => {
        void submit();
      }}
      onCancel={() => {
        setError(null);
        onClose();
      }}
      destroyOnHidden
    >
      <Alert
        type="warning"
        showIcon
        title={t('share.grant.revokeWarning', { consumer: grant.consumerOrgName })}
        style={{ marginBottom: 16 }}
      />
      {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} /> : null}
      <Form form={form} layout="vertical" preserve={false}>
        <Form.Item
          name="reason"
          label={t('share.grant.revokeReason')}
          rules={[
            { required: true, whitespace: true, message: t('share.grant.revokeReasonRequired') },
            { min: 2, message: t('share.grant.revokeReasonRequired') },
          ]}
        >
          <Input.TextArea rows={3} maxLength={1000} showCount data-testid="grant-revoke-reason" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** Daily calls and refusals over 30 days (GET /share/usage) with the totals. */
function UsagePanel({ grant }: { grant: Grant }) {
  const { t } = useTranslation();
  const usage = useAsync(
    (signal) =>
      api.get<ShareUsage>('/share/usage', { signal, query: { grantId: grant.id, days: 30 } }),
    grant.id,
  );
  if (usage.error) return <LoadError error={usage.error} onRetry={usage.reload} />;
  const data = usage.data;
  if (!data) return <Skeleton active paragraph={{ rows: 6 }} />;
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }} data-testid="grant-usage">
      <Row gutter={16}>
        <Col span={8}>
          <Statistic title={t('share.grant.calls30')} value={data.totals.calls} />
        </Col>
        <Col span={8}>
          <Statistic
            title={t('share.grant.denied30')}
            value={data.totals.denied}
            styles={{ content: data.totals.denied > 0 ? { color: '#cf1322' } : {} }}
          />
        </Col>
        <Col span={8}>
          <Statistic title={t('share.grant.rows30')} value={data.totals.rows} />
        </Col>
      </Row>
      {data.byOperation.length > 0 ? (
        <Space size={[4, 4]} wrap>
          {data.byOperation.map((o) => (
            <Tag key={o.operation}>
              {callLabel(t, o.operation)} · {o.calls}
            </Tag>
          ))}
        </Space>
      ) : null}
      <Suspense fallback={<Skeleton active paragraph={{ rows: 5 }} />}>
        <UsageChart
          daily={data.daily}
          callsLabel={t('share.grant.callsSeries')}
          deniedLabel={t('share.grant.deniedSeries')}
        />
      </Suspense>
    </Space>
  );
}

/** The latest calls made under the grant (GET /share/access-log). */
function AccessPanel({ grant }: { grant: Grant }) {
  const { t } = useTranslation();
  const log = useAsync(
    (signal) =>
      api.get<Paged<AccessRecord>>('/share/access-log', {
        signal,
        query: { grantId: grant.id, limit: 20 },
      }),
    grant.id,
  );
  const columns: TableColumnsType<AccessRecord> = [
    {
      title: t('share.access.time'),
      dataIndex: 'occurredAt',
      width: 160,
      render: (v: string) => formatDateTime(v),
    },
    {
      title: t('share.access.operation'),
      dataIndex: 'operation',
      width: 90,
      render: (v: string) => callLabel(t, v),
    },
    {
      title: t('share.access.system'),
      dataIndex: 'systemName',
      width: 120,
      render: (v: string | null) => v ?? '—',
    },
    {
      title: t('share.access.endUser'),
      key: 'who',
      render: (_: unknown, r) => (
        <Space orientation="vertical" size={0}>
          <span>{r.endUser ?? '—'}</span>
          {r.caseRef ? <Typography.Text type="secondary">{r.caseRef}</Typography.Text> : null}
        </Space>
      ),
    },
    {
      title: t('share.access.result'),
      key: 'status',
      width: 170,
      render: (_: unknown, r) =>
        r.status < 400 ? (
          <Tag color="success">{t('share.access.allowed', { status: r.status })}</Tag>
        ) : (
          <Tag color="error">
            {r.status} {r.errorCode ?? ''}
          </Tag>
        ),
    },
    { title: t('share.access.rows'), dataIndex: 'rowCount', width: 70, align: 'right' },
    {
      title: t('share.access.duration'),
      dataIndex: 'durationMs',
      width: 80,
      align: 'right',
      render: (v: number) => `${Math.round(v)} ms`,
    },
  ];
  if (log.error) return <LoadError error={log.error} onRetry={log.reload} />;
  return (
    <Table<AccessRecord>
      rowKey="id"
      size="small"
      loading={log.loading}
      columns={columns}
      dataSource={log.data?.items ?? []}
      pagination={false}
      scroll={{ x: 760 }}
      locale={{ emptyText: t('share.access.empty') }}
      footer={
        log.data && log.data.total > log.data.items.length
          ? () =>
              t('share.access.latestOf', { shown: log.data?.items.length, total: log.data?.total })
          : undefined
      }
      data-testid="grant-access-log"
    />
  );
}

function OriginLink({ grant }: { grant: Grant }) {
  const link =
    grant.requestCode !== null
      ? `/sharing/requests?code=${grant.requestCode}`
      : grant.disputeCode !== null
        ? `/sharing/disputes?code=${grant.disputeCode}`
        : grant.scenarioCode !== null
          ? `/sharing/scenarios?code=${grant.scenarioCode}`
          : grant.emergencyCode !== null
            ? `/sharing/emergencies?code=${grant.emergencyCode}`
            : null;
  const code = grant.requestCode ?? grant.disputeCode ?? grant.scenarioCode ?? grant.emergencyCode;
  return (
    <Space size={4} wrap>
      <OriginTag origin={grant.origin} />
      {link && code ? (
        <Link to={link} className="mono" data-testid="grant-origin-link">
          {code}
        </Link>
      ) : null}
    </Space>
  );
}

/** 共享授权详情: scope, masking, validity, origin; for the consumer the API examples. */
export function GrantDrawer({
  id,
  onClose,
  onChanged,
}: {
  id: string | null;
  onClose: () => void;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const me = useMe();
  const { message } = App.useApp();
  const detail = useAsync(
    async (signal) => (id ? api.get<Grant>(`/share/grants/${id}`, { signal }) : null),
    id ?? '',
  );
  const [revoking, setRevoking] = useState(false);
  const grant = detail.data;
  const ended = grant ? grant.status === 'revoked' || grant.status === 'expired' : true;

  const info: DescriptionsProps['items'] = grant
    ? [
        {
          key: 'resource',
          label: t('share.field.resource'),
          span: 2,
          children: (
            <Space size={6} wrap>
              <Link to={`/catalog/resources/${encodeURIComponent(grant.resourceCode)}`}>
                {grant.resourceName}
              </Link>
              <Mono>{grant.resourceCode}</Mono>
              <ShareClassTag value={grant.shareClass} />
            </Space>
          ),
        },
        { key: 'provider', label: t('share.field.provider'), children: grant.providerOrgName },
        { key: 'consumer', label: t('share.field.consumer'), children: grant.consumerOrgName },
        {
          key: 'status',
          label: t('share.field.status'),
          children: <GrantStatusTag status={grant.status} />,
        },
        {
          key: 'validity',
          label: t('share.field.validity'),
          children: `${formatDate(grant.validFrom)} ~ ${grant.validTo ? formatDate(grant.validTo) : t('share.grant.noEnd')}`,
        },
        {
          key: 'operations',
          label: t('share.field.operations'),
          children: <OperationTags operations={grant.operations} />,
        },
        {
          key: 'token',
          label: t('share.field.token'),
          children: grant.tokenName ?? t('share.grant.anyToken'),
        },
        {
          key: 'purpose',
          label: t('share.field.purpose'),
          span: 2,
          children: <span className="pre-wrap">{grant.purpose}</span>,
        },
        {
          key: 'scenario',
          label: t('share.field.scenario'),
          span: 2,
          children: <span className="pre-wrap">{grant.scenario}</span>,
        },
        {
          key: 'legal',
          label: t('share.field.legalBasis'),
          span: 2,
          children: <span className="pre-wrap">{grant.legalBasis}</span>,
        },
        {
          key: 'origin',
          label: t('share.field.origin'),
          children: <OriginLink grant={grant} />,
        },
        {
          key: 'rate',
          label: t('share.field.rateLimit'),
          children: t('share.grant.perMinute', { count: grant.rateLimitPerMinute }),
        },
        {
          key: 'approved',
          label: t('share.grant.approvedBy'),
          span: 2,
          children: `${grant.approvedBy} · ${formatDateTime(grant.approvedAt)}`,
        },
        { key: 'id', label: t('share.grant.id'), span: 2, children: <Mono>{grant.id}</Mono> },
      ]
    : [];

  const itemColumns: TableColumnsType<GrantItem> = [
    { title: t('share.field.item'), dataIndex: 'name' },
    {
      title: t('share.grant.column'),
      dataIndex: 'column',
      render: (v: string) => <Mono>{v}</Mono>,
    },
    {
      title: t('share.grant.itemUse'),
      key: 'use',
      width: 160,
      render: (_: unknown, item) => (
        <Space size={4}>
          {item.key ? <Tag color="blue">{t('share.grant.keyItem')}</Tag> : null}
          {item.queryable ? <Tag>{t('share.grant.queryable')}</Tag> : null}
        </Space>
      ),
    },
    {
      title: t('share.field.masking'),
      dataIndex: 'masking',
      width: 200,
      render: (v: string) => <MaskingTag rule={v} />,
    },
  ];

  const consumerSide = grant ? isMemberOf(me, grant.consumerOrgCode) : false;

  return (
    <Drawer
      open={id !== null}
      onClose={onClose}
      size={820}
      title={grant ? t('share.grant.detailTitle', { name: grant.resourceName }) : ''}
      destroyOnHidden
      data-testid="grant-drawer"
      extra={
        grant && !ended && mayRevoke(me, grant) ? (
          <Button
            danger
            icon={<StopOutlined />}
            onClick={() => {
              setRevoking(true);
            }}
            data-testid="grant-revoke"
          >
            {t('share.grant.revoke')}
          </Button>
        ) : null
      }
    >
      {detail.error ? (
        <LoadError error={detail.error} onRetry={detail.reload} />
      ) : grant ? (
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          {grant.status === 'revoked' ? (
            <Alert
              type="error"
              showIcon
              title={t('share.grant.revokedNotice', {
                by: grant.revokedBy ?? '',
                at: formatDateTime(grant.revokedAt),
              })}
              description={grant.revokeReason}
            />
          ) : null}
          {consumerSide && grant.status === 'active' ? (
            <Alert type="info" showIcon title={t('share.grant.useNotice')} />
          ) : null}
          <Descriptions
            bordered
            size="small"
            column={2}
            items={info}
            styles={{ label: { width: 110 } }}
            data-testid="grant-info"
          />
          <Card size="small" title={t('share.grant.itemsTitle', { count: grant.items.length })}>
            <Table<GrantItem>
              rowKey="column"
              size="small"
              pagination={false}
              columns={itemColumns}
              dataSource={grant.items}
              data-testid="grant-items"
            />
          </Card>
          <Tabs
            defaultActiveKey={consumerSide ? 'api' : 'usage'}
            items={[
              {
                key: 'api',
                label: t('share.grant.tabApi'),
                children: <ApiExamples grant={grant} />,
              },
              {
                key: 'usage',
                label: t('share.grant.tabUsage'),
                children: <UsagePanel grant={grant} />,
              },
              {
                key: 'access',
                label: t('share.grant.tabAccess'),
                children: <AccessPanel grant={grant} />,
              },
            ]}
          />
        </Space>
      ) : (
        <Skeleton active paragraph={{ rows: 10 }} />
      )}
      {grant ? (
        <RevokeModal
          grant={grant}
          open={revoking}
          onClose={() => {
            setRevoking(false);
          }}
          onDone={() => {
            setRevoking(false);
            message.success(t('share.grant.revoked'));
            detail.reload();
            onChanged();
          }}
        />
      ) : null}
    </Drawer>
  );
}
