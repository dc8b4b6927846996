import { ReloadOutlined, WarningOutlined } from '@ant-design/icons';
import {
  Button,
  Card,
  Col,
  Empty,
  Row,
  Segmented,
  Select,
  Space,
  Spin,
  Statistic,
  Table,
  Tag,
  Typography,
} from 'antd';
import { Suspense, lazy } from 'react';
import { useTranslation } from 'react-i18next';
import { LoadError, Mono } from '../../components/common';
import { filterOptionByLabel } from '../../format';
import { api } from '../../api';
import { useAsync, useOrgs } from '../../hooks';
import type { AlertKind, ShareUsage, UsageAlert } from './adminApi';
import { ALERT_KINDS, formatNumber, localized, oneOf } from './adminApi';
import { callOperationLabel } from './AdminParts';

const DailyCallsChart = lazy(() =>
  import('./AdminUsageCharts').then((m) => ({ default: m.DailyCallsChart })),
);
const OperationPieChart = lazy(() =>
  import('./AdminUsageCharts').then((m) => ({ default: m.OperationPieChart })),
);

const DAY_CHOICES = [7, 30, 90] as const;
const TOP = 10;

const ALERT_COLORS: Record<AlertKind, string> = {
  denied_calls: 'red',
  ended_grant_use: 'volcano',
  untraced_calls: 'gold',
  volume_spike: 'orange',
  off_hours: 'purple',
};

function AlertKindTag({ kind }: { kind: string }) {
  const { t } = useTranslation();
  if (!oneOf(ALERT_KINDS, kind)) return <Tag>{kind}</Tag>;
  return (
    <Tag color={ALERT_COLORS[kind]} icon={<WarningOutlined />}>
      {t(`shareAdmin.alertKind.${kind}`)}
    </Tag>
  );
}

function ChartFallback() {
  return (
    <div className="page-loading" style={{ height: 280 }}>
      <Spin />
    </div>
  );
}

/**
 * 调用统计: the region's data-API calls over the last days (R6.5): calls and refusals per day, per
 * operation, the busiest consumers and resources, and misuse signals (R6.6: use beyond the stated
 * purpose, use after a grant ended, untraceable calls).
 */
export function AdminUsageTab({
  days,
  consumer,
  onChange,
  onOpenLog,
}: {
  days: number;
  consumer: string | undefined;
  onChange: (changes: { days?: number; consumer?: string | null }) => void;
  onOpenLog: (filters: { grantId?: string; resourceCode?: string }) => void;
}) {
  const { t, i18n } = useTranslation();
  const orgs = useOrgs();
  const usage = useAsync(
    (signal) =>
      api.get<ShareUsage>('/share/usage', {
        signal,
        query: { days, consumerOrgCode: consumer },
      }),
    `${String(days)}|${consumer ?? ''}`,
  );
  const num = (n: number | null | undefined) => formatNumber(n, i18n.language);
  const orgName = new Map((orgs.data ?? []).map((o) => [o.code, o.name]));
  const data = usage.data;
  const deniedRate =
    data && data.totals.calls > 0
      ? `${((data.totals.denied / data.totals.calls) * 100).toFixed(1)}%`
      : '—';

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="usage-tab">
      <div className="table-toolbar">
        <Space wrap>
          <Segmented<number>
            value={days}
            onChange={(value) => {
              onChange({ days: value });
            }}
            options={DAY_CHOICES.map((d) => ({
              value: d,
              label: t('shareAdmin.usage.lastDays', { count: d }),
            }))}
            data-testid="usage-days"
          />
          <Select
            allowClear
            showSearch={{ filterOption: filterOptionByLabel }}
            placeholder={t('shareAdmin.usage.allConsumers')}
            value={consumer}
            loading={orgs.loading}
            style={{ width: 260 }}
            onChange={(value: string | undefined) => {
              onChange({ consumer: value ?? null });
            }}
            options={(orgs.data ?? [])
              .filter((o) => o.kind !== 'authority')
              .map((o) => ({ value: o.code, label: o.name }))}
          />
        </Space>
        <Button icon={<ReloadOutlined />} onClick={usage.reload}>
          {t('common.refresh')}
        </Button>
      </div>

      {usage.error ? (
        <LoadError error={usage.error} onRetry={usage.reload} />
      ) : !data ? (
        <div className="page-loading">
          <Spin description={t('common.loading')}>
            <div style={{ width: 200, height: 80 }} />
          </Spin>
        </div>
      ) : (
        <Spin spinning={usage.loading}>
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <Row gutter={[16, 16]} data-testid="usage-totals">
              <Col xs={12} md={6}>
                <Card size="small">
                  <Statistic
                    title={t('shareAdmin.usage.calls')}
                    value={num(data.totals.calls)}
                    data-testid="usage-total-calls"
                  />
                </Card>
              </Col>
              <Col xs={12} md={6}>
                <Card size="small">
                  <Statistic
                    title={t('shareAdmin.usage.denied')}
                    value={num(data.totals.denied)}
                    styles={{ content: data.totals.denied > 0 ? { color: '#cf1322' } : {} }}
                    data-testid="usage-total-denied"
                  />
                </Card>
              </Col>
              <Col xs={12} md={6}>
                <Card size="small">
                  <Statistic
                    title={t('shareAdmin.usage.deniedRate')}
                    value={deniedRate}
                    data-testid="usage-denied-rate"
                  />
                </Card>
              </Col>
              <Col xs={12} md={6}>
                <Card size="small">
                  <Statistic
                    title={t('shareAdmin.usage.rows')}
                    value={num(data.totals.rows)}
                    data-testid="usage-total-rows"
                  />
                </Card>
              </Col>
            </Row>

            <Row gutter={[16, 16]} data-testid="usage-charts">
              <Col xs={24} xl={16}>
                <Card size="small" title={t('shareAdmin.usage.dailyTitle')}>
                  <Suspense fallback={<ChartFallback />}>
                    <DailyCallsChart
                      daily={data.daily}
                      callsLabel={t('shareAdmin.usage.calls')}
                      deniedLabel={t('shareAdmin.usage.denied')}
                    />
                  </Suspense>
                </Card>
              </Col>
              <Col xs={24} xl={8}>
                <Card size="small" title={t('shareAdmin.usage.operationTitle')}>
                  {data.byOperation.length === 0 ? (
                    <Empty
                      image={Empty.PRESENTED_IMAGE_SIMPLE}
                      description={t('shareAdmin.usage.noCalls')}
                      style={{ height: 248, paddingTop: 60 }}
                    />
                  ) : (
                    <Suspense fallback={<ChartFallback />}>
                      <OperationPieChart
                        slices={data.byOperation.map((o) => ({
                          label: callOperationLabel(t, o.operation),
                          calls: o.calls,
                        }))}
                      />
                    </Suspense>
                  )}
                </Card>
              </Col>
            </Row>

            <Card
              size="small"
              title={
                <Space>
                  <span>{t('shareAdmin.usage.alertsTitle')}</span>
                  {data.alerts.length > 0 ? (
                    <Tag color="red" data-testid="usage-alert-count">
                      {data.alerts.length}
                    </Tag>
                  ) : null}
                </Space>
              }
            >
              <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
                {t('shareAdmin.usage.alertsHint')}
              </Typography.Paragraph>
              <Table<UsageAlert>
                rowKey={(a) =>
                  `${a.kind}|${a.grantId ?? a.consumerOrgCode ?? ''}|${a.resourceCode ?? ''}`
                }
                size="small"
                pagination={{ pageSize: 10, hideOnSinglePage: true }}
                dataSource={data.alerts}
                locale={{ emptyText: t('shareAdmin.usage.noAlerts') }}
                data-testid="usage-alerts"
                columns={[
                  {
                    title: t('shareAdmin.usage.alertKindLabel'),
                    dataIndex: 'kind',
                    width: 170,
                    render: (k: string) => <AlertKindTag kind={k} />,
                  },
                  {
                    title: t('shareAdmin.usage.alertMessage'),
                    key: 'message',
                    render: (_: unknown, a) => localized(a.message, i18n.language),
                  },
                  {
                    title: t('shareAdmin.usage.consumer'),
                    key: 'consumer',
                    width: 200,
                    render: (_: unknown, a) =>
                      a.consumerOrgCode
                        ? (orgName.get(a.consumerOrgCode) ?? a.consumerOrgCode)
                        : '—',
                  },
                  {
                    title: t('shareAdmin.usage.resource'),
                    dataIndex: 'resourceCode',
                    width: 150,
                    render: (c: string | null) => (c ? <Mono>{c}</Mono> : '—'),
                  },
                  {
                    title: t('common.actions'),
                    key: 'actions',
                    width: 110,
                    render: (_: unknown, a) =>
                      a.grantId || a.resourceCode ? (
                        <Button
                          type="link"
                          size="small"
                          style={{ padding: 0 }}
                          onClick={() => {
                            onOpenLog(
                              a.grantId
                                ? { grantId: a.grantId }
                                : { resourceCode: a.resourceCode ?? undefined },
                            );
                          }}
                        >
                          {t('shareAdmin.usage.viewLog')}
                        </Button>
                      ) : null,
                  },
                ]}
              />
            </Card>

            <Row gutter={[16, 16]}>
              <Col xs={24} xl={12}>
                <Card size="small" title={t('shareAdmin.usage.topConsumers', { count: TOP })}>
                  <Table
                    rowKey="orgCode"
                    size="small"
                    pagination={false}
                    dataSource={data.byConsumer.slice(0, TOP)}
                    locale={{ emptyText: t('shareAdmin.usage.noCalls') }}
                    data-testid="usage-consumers"
                    columns={[
                      { title: t('shareAdmin.usage.consumer'), dataIndex: 'orgName' },
                      {
                        title: t('shareAdmin.usage.calls'),
                        dataIndex: 'calls',
                        align: 'right',
                        width: 110,
                        render: (n: number) => num(n),
                      },
                      {
                        title: t('shareAdmin.usage.denied'),
                        dataIndex: 'denied',
                        align: 'right',
                        width: 110,
                        render: (n: number) =>
                          n > 0 ? <Typography.Text type="danger">{num(n)}</Typography.Text> : '0',
                      },
                    ]}
                  />
                </Card>
              </Col>
              <Col xs={24} xl={12}>
                <Card size="small" title={t('shareAdmin.usage.topResources', { count: TOP })}>
                  <Table
                    rowKey="resourceCode"
                    size="small"
                    pagination={false}
                    dataSource={data.byResource.slice(0, TOP)}
                    locale={{ emptyText: t('shareAdmin.usage.noCalls') }}
                    data-testid="usage-resources"
                    columns={[
                      {
                        title: t('shareAdmin.usage.resource'),
                        key: 'resource',
                        render: (_: unknown, r) => (
                          <Space size={6} wrap>
                            <span>{r.resourceName}</span>
                            <Mono>{r.resourceCode}</Mono>
                          </Space>
                        ),
                      },
                      {
                        title: t('shareAdmin.usage.calls'),
                        dataIndex: 'calls',
                        align: 'right',
                        width: 110,
                        render: (n: number) => num(n),
                      },
                    ]}
                  />
                </Card>
              </Col>
            </Row>
          </Space>
        </Spin>
      )}
    </Space>
  );
}
