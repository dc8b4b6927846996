import { InfoCircleOutlined, ReloadOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Col,
  Descriptions,
  Empty,
  Progress,
  Row,
  Select,
  Space,
  Spin,
  Statistic,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import type { TableColumnsType } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { api } from '../../api';
import { useMe } from '../../auth';
import { enumLabel } from '../../catalog/labels';
import { ForbiddenResult, LoadError, Mono, PageHeader } from '../../components/common';
import { formatDate, formatDateTime } from '../../format';
import { useAsync } from '../../hooks';
import { FreshnessTag } from './FreshnessTag';
import { CompletenessChart, RowHistoryChart, ScoreGauge, ValidityChart } from './QualityCharts';
import { SUB_SCORES, percent, scoreColor } from './quality';
import type { BatchSummary, FreshnessList, QualityReport, SubScoreName } from './quality';

const MODES = ['replace', 'upsert', 'delete'] as const;
const BATCH_STATUSES = ['running', 'succeeded', 'failed', 'refused'] as const;
const SOURCES = ['console', 'push', 'cli', 'demo'] as const;
const VALIDATORS = [
  'id_card',
  'credit_code',
  'mobile',
  'region_code',
  'date',
  'enum',
  'regex',
] as const;

function oneOf<T extends string>(values: readonly T[], value: string): value is T {
  return (values as readonly string[]).includes(value);
}

function modeLabel(t: TFunction, mode: string): string {
  return oneOf(MODES, mode) ? t(`quality.mode.${mode}`) : mode;
}

function sourceLabel(t: TFunction, source: string): string {
  return oneOf(SOURCES, source) ? t(`quality.source.${source}`) : source;
}

function validatorLabel(t: TFunction, kind: string): string {
  return oneOf(VALIDATORS, kind) ? t(`catalog.validator.${kind}`) : kind;
}

const STATUS_COLORS: Record<(typeof BATCH_STATUSES)[number], string> = {
  running: 'processing',
  succeeded: 'success',
  failed: 'error',
  refused: 'warning',
};

function BatchStatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  if (!oneOf(BATCH_STATUSES, status)) return <Tag>{status}</Tag>;
  return <Tag color={STATUS_COLORS[status]}>{t(`quality.batchStatus.${status}`)}</Tag>;
}

function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${String(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  return `${String(Math.floor(seconds / 60))} min ${String(Math.round(seconds % 60))} s`;
}

/** One sub-score: its name and weight, a bar, and what it was measured on. */
function SubScoreRow({
  name,
  value,
  weight,
  detail,
}: {
  name: SubScoreName;
  value: number | null;
  weight: number;
  detail: string;
}) {
  const { t } = useTranslation();
  return (
    <div data-testid={`quality-sub-${name}`} style={{ marginBottom: 12 }}>
      <Space style={{ width: '100%', justifyContent: 'space-between' }}>
        <Space size={6}>
          <Typography.Text strong>{t(`quality.subScores.${name}`)}</Typography.Text>
          <Typography.Text type="secondary">{t('quality.weight', { weight })}</Typography.Text>
        </Space>
        <Typography.Text type="secondary">{detail}</Typography.Text>
      </Space>
      {value === null ? (
        <div>
          <Typography.Text type="secondary">{t('quality.notApplicable')}</Typography.Text>
        </div>
      ) : (
        <Progress
          percent={value}
          strokeColor={scoreColor(value)}
          format={(p) => (p === undefined ? '' : String(p))}
        />
      )}
    </div>
  );
}

function QualityView({ report }: { report: QualityReport }) {
  const { t, i18n } = useTranslation();
  const num = (n: number) => n.toLocaleString(i18n.language === 'en' ? 'en' : 'zh-CN');
  const f = report.freshness;
  const details: Record<SubScoreName, string> = {
    completeness:
      report.liveRows === null
        ? t('quality.noTableShort')
        : t('quality.completenessDetail', { rows: num(report.liveRows) }),
    validity: t('quality.validityDetail', {
      checked: num(report.window.valuesChecked),
      invalid: num(report.window.valuesInvalid),
    }),
    uniqueness: t('quality.uniquenessDetail', {
      count: report.window.duplicateKeys,
      rows: num(report.window.rowsRead),
    }),
    timeliness: f.dueDate
      ? t('quality.timelinessDetail', { date: formatDate(f.dueDate) })
      : t('freshness.no_deadline'),
  };

  const batchColumns: TableColumnsType<BatchSummary> = [
    {
      title: t('quality.col.startedAt'),
      dataIndex: 'startedAt',
      width: 170,
      render: (v: string) => formatDateTime(v),
    },
    {
      title: t('quality.col.status'),
      dataIndex: 'status',
      width: 90,
      render: (s: string) => <BatchStatusTag status={s} />,
    },
    {
      title: t('quality.col.mode'),
      dataIndex: 'mode',
      width: 100,
      render: (m: string) => modeLabel(t, m),
    },
    {
      title: t('quality.col.source'),
      key: 'source',
      width: 200,
      ellipsis: true,
      render: (_: unknown, b) => (
        <Tooltip title={`${b.sourceName} · ${b.actorName}`}>
          {sourceLabel(t, b.source)} · {b.sourceName}
        </Tooltip>
      ),
    },
    {
      title: t('quality.col.rowsRead'),
      dataIndex: 'rowsRead',
      width: 90,
      align: 'right',
      render: (n: number) => num(n),
    },
    {
      title: t('quality.col.changes'),
      key: 'changes',
      width: 150,
      render: (_: unknown, b) => (
        <Typography.Text type="secondary">
          +{num(b.rowsInserted)} / ~{num(b.rowsUpdated)} / −{num(b.rowsDeleted)}
        </Typography.Text>
      ),
    },
    {
      title: t('quality.col.rowsRejected'),
      key: 'rejected',
      width: 130,
      align: 'right',
      render: (_: unknown, b) =>
        b.rowsRejected > 0 ? (
          <Typography.Text type="danger">
            {num(b.rowsRejected)}（{percent(b.rejectedShare)}）
          </Typography.Text>
        ) : (
          '0'
        ),
    },
    {
      title: t('quality.col.rowsTotal'),
      dataIndex: 'rowsTotal',
      width: 110,
      align: 'right',
      render: (n: number | null) => (n === null ? '—' : num(n)),
    },
    {
      title: t('quality.col.duration'),
      dataIndex: 'durationMs',
      width: 100,
      render: (ms: number | null) => formatDuration(ms),
    },
  ];

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="quality-report">
      <Card
        title={
          <Space wrap>
            <span>{report.name}</span>
            <Mono>{report.code}</Mono>
            <Tag>v{report.version}</Tag>
          </Space>
        }
        extra={<FreshnessTag freshness={f} />}
      >
        <Descriptions
          size="small"
          column={{ xs: 1, sm: 2, lg: 4 }}
          items={[
            { key: 'org', label: t('quality.org'), children: report.orgName },
            {
              key: 'cycle',
              label: t('quality.cycle'),
              children: enumLabel(t, 'cycle', f.updateCycle),
            },
            {
              key: 'last',
              label: t('quality.lastBatchAt'),
              children: f.lastBatchAt ? formatDateTime(f.lastBatchAt) : t('quality.never'),
            },
            {
              key: 'due',
              label: t('quality.dueDate'),
              children: (
                <span data-testid="quality-due-date">
                  {f.dueDate ? formatDate(f.dueDate) : '—'}
                  {f.basis === 'publication' ? (
                    <Typography.Text type="secondary">
                      {t('quality.fromPublication')}
                    </Typography.Text>
                  ) : null}
                </span>
              ),
            },
          ]}
        />
      </Card>

      <Row gutter={[16, 16]}>
        <Col xs={24} lg={8}>
          <Card
            title={t('quality.score')}
            extra={
              <Tooltip title={t('quality.scoreHelp')}>
                <InfoCircleOutlined />
              </Tooltip>
            }
            style={{ height: '100%' }}
          >
            <ScoreGauge score={report.score} label={t('quality.scoreUnit')} />
            <Typography.Text type="secondary" data-testid="quality-score">
              {report.score === null ? t('quality.noScore') : t('quality.scoreHelp')}
            </Typography.Text>
          </Card>
        </Col>
        <Col xs={24} lg={16}>
          <Card title={t('quality.subScoresTitle')} style={{ height: '100%' }}>
            {SUB_SCORES.map((name) => (
              <SubScoreRow
                key={name}
                name={name}
                value={report.subScores[name]}
                weight={report.weights[name]}
                detail={details[name]}
              />
            ))}
            <Row gutter={16} style={{ marginTop: 8 }}>
              <Col span={8}>
                <Statistic
                  title={t('quality.liveRows')}
                  value={report.liveRows === null ? '—' : num(report.liveRows)}
                />
              </Col>
              <Col span={8}>
                <Statistic title={t('quality.batchCount')} value={num(report.batches.total)} />
              </Col>
              <Col span={8}>
                <Statistic
                  title={t('quality.lastRejected')}
                  value={report.lastBatch ? percent(report.lastBatch.rejectedShare) : '—'}
                />
              </Col>
            </Row>
            {report.measuredAt ? (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('quality.measuredAt', { time: formatDateTime(report.measuredAt) })}
                {report.cached ? t('quality.cached') : ''}
              </Typography.Text>
            ) : null}
          </Card>
        </Col>
      </Row>

      {!report.tabular ? <Alert type="info" showIcon title={t('quality.noTable')} /> : null}

      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <Card title={t('quality.completenessTitle')} style={{ height: '100%' }}>
            <Typography.Paragraph type="secondary">
              {t('quality.completenessHint')}
            </Typography.Paragraph>
            {report.completeness.length === 0 || !report.liveRows ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('quality.noRows')} />
            ) : (
              <CompletenessChart
                columns={report.completeness.map((c) => ({
                  label: c.name,
                  share: c.share,
                  required: c.required || c.key,
                }))}
                requiredLabel={t('quality.required')}
                optionalLabel={t('quality.optional')}
              />
            )}
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card title={t('quality.validityTitle')} style={{ height: '100%' }}>
            <Typography.Paragraph type="secondary">
              {t('quality.validityHint', { count: report.window.batches })}
            </Typography.Paragraph>
            {report.validators.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('quality.noValidators')} />
            ) : (
              <ValidityChart
                validators={report.validators.map((v) => ({
                  label: validatorLabel(t, v.kind),
                  validRate: v.validRate,
                  checked: v.checked,
                  invalid: v.invalid,
                }))}
              />
            )}
          </Card>
        </Col>
      </Row>

      <Card title={t('quality.historyTitle')}>
        <Typography.Paragraph type="secondary">{t('quality.historyHint')}</Typography.Paragraph>
        {report.rowCountHistory.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('quality.noHistory')} />
        ) : (
          <RowHistoryChart
            points={report.rowCountHistory}
            rowsLabel={t('quality.rows')}
            formatTime={formatDateTime}
          />
        )}
      </Card>

      <Card
        title={t('quality.batchesTitle')}
        extra={
          <Typography.Text type="secondary" data-testid="quality-batch-summary">
            {t('quality.batchSummary', {
              total: num(report.batches.total),
              succeeded: num(report.batches.succeeded),
              failed: num(report.batches.failed),
              refused: num(report.batches.refused),
              running: num(report.batches.running),
            })}
          </Typography.Text>
        }
      >
        <Table<BatchSummary>
          rowKey="id"
          size="small"
          columns={batchColumns}
          dataSource={report.batches.recent}
          scroll={{ x: 1100 }}
          pagination={false}
          locale={{ emptyText: t('quality.noBatches') }}
          data-testid="quality-batches"
        />
      </Card>
    </Space>
  );
}

/** 数据质量: the quality report of one published resource (R3.3, R3.4). */
export function QualityPage() {
  const { t } = useTranslation();
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const code = params.get('code') ?? '';
  const resources = useAsync(
    async (signal) => await api.get<FreshnessList>('/aggregation/freshness', { signal }),
    'resources',
  );
  const report = useAsync(
    async (signal) =>
      code
        ? await api.get<QualityReport>(`/resources/${encodeURIComponent(code)}/quality`, {
            signal,
          })
        : null,
    code,
  );

  if (me.memberships.length === 0) return <ForbiddenResult />;
  const items = resources.data?.items ?? [];
  const manyOrgs = new Set(items.map((i) => i.orgCode)).size > 1;

  return (
    <>
      <PageHeader
        title={t('quality.title')}
        description={t('quality.description')}
        extra={
          <>
            <Select
              showSearch={{ optionFilterProp: 'search' }}
              value={code || undefined}
              placeholder={t('quality.pickResource')}
              loading={resources.loading}
              style={{ width: 420, maxWidth: '100%' }}
              onChange={(value: string) => {
                setParams({ code: value });
              }}
              notFoundContent={resources.loading ? <Spin size="small" /> : t('quality.noResources')}
              options={[...items]
                .sort((a, b) => a.orgCode.localeCompare(b.orgCode) || a.code.localeCompare(b.code))
                .map((item) => ({
                  value: item.code,
                  search: `${item.name} ${item.code} ${item.orgName}`,
                  label: (
                    <Space size={4}>
                      <span>{item.name}</span>
                      <Typography.Text type="secondary">
                        {manyOrgs ? `${item.orgName} · ` : ''}
                        {item.code}
                      </Typography.Text>
                    </Space>
                  ),
                }))}
              data-testid="quality-resource"
            />
            <Button icon={<ReloadOutlined />} onClick={report.reload} disabled={!code}>
              {t('common.refresh')}
            </Button>
          </>
        }
      />
      {resources.error ? <LoadError error={resources.error} onRetry={resources.reload} /> : null}
      {!code ? (
        <Card>
          <Empty
            image={Empty.PRESENTED_IMAGE_SIMPLE}
            description={t('quality.pickHint')}
            data-testid="quality-empty"
          />
        </Card>
      ) : report.error ? (
        <LoadError error={report.error} onRetry={report.reload} />
      ) : report.loading && !report.data ? (
        <div className="page-loading">
          <Spin />
        </div>
      ) : report.data ? (
        <Spin spinning={report.loading}>
          <QualityView report={report.data} />
        </Spin>
      ) : null}
    </>
  );
}
