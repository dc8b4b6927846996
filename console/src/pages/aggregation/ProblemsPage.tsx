import { PlusOutlined, ReloadOutlined } from '@ant-design/icons';
import { App, Button, Card, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { api } from '../../api';
import { useMe } from '../../auth';
import { LoadError, PageHeader } from '../../components/common';
import { formatDate, formatDateTime } from '../../format';
import { useAsync } from '../../hooks';
import type {
  ProblemBox,
  ProblemList,
  ProblemReport,
  ProblemStatus,
  ReporterKind,
} from './problems';
import { PROBLEM_STATUSES, awaitingProvider, canSupervise, reportingOrgs } from './problems';
import { ProblemDrawer } from './ProblemDrawer';
import { CategoryTag, ProblemCountdown, ProblemStatusTag, UrgencyTag } from './ProblemTags';
import { ReportProblemModal } from './ReportProblemModal';

const PAGE_SIZE = 20;

/**
 * 数据归集 › 问题数据: the problem-data loop (R3.5). 待我处理 is what my organisation provides and
 * must answer, overdue first; 我提交的 what it reported; 逾期督办 (R6.6) and 全部 are the authority's
 * view of its region. The detail drawer (?code=) shows the timeline and the next step.
 *
 * With `reporterKind` the page lists only the reports of that kind of reporter: 数据开放 › 公众反馈
 * is this page with `public` (the open portal's feedback, R5.7), answered in the same loop; there is
 * no 我提交的 and nothing to report from the console.
 */
export function ProblemsPage({ reporterKind }: { reporterKind?: ReporterKind } = {}) {
  const { t } = useTranslation();
  const me = useMe();
  const { message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const supervisor = canSupervise(me);
  const publicFeedback = reporterKind === 'public';
  const boxes: ProblemBox[] = (
    supervisor ? (['inbox', 'sent', 'overdue', 'all'] as const) : (['inbox', 'sent'] as const)
  ).filter((b) => !publicFeedback || b !== 'sent');
  const requested = params.get('box') as ProblemBox | null;
  const box: ProblemBox = requested && boxes.includes(requested) ? requested : 'inbox';
  const status = (params.get('status') as ProblemStatus | null) ?? undefined;
  const page = Math.max(1, Number(params.get('page') ?? '1') || 1);
  const code = params.get('code');
  const reporting = params.get('report') === '1';
  const initialResource = params.get('resource') ?? undefined;

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
      api.get<ProblemList>('/problems', {
        signal,
        query: { box, status, reporterKind, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE },
      }),
    `${reporterKind ?? ''}|${box}|${status ?? ''}|${String(page)}`,
  );
  const items = list.data?.items ?? [];
  const overdueCount = items.filter((i) => i.overdue).length;

  const columns: TableColumnsType<ProblemReport> = [
    {
      title: t('problems.code'),
      dataIndex: 'code',
      width: 150,
      render: (c: string) => (
        <Button
          type="link"
          size="small"
          className="mono"
          style={{ padding: 0 }}
          onClick={() => {
            update({ code: c });
          }}
          data-testid={`problem-open-${c}`}
        >
          {c}
        </Button>
      ),
    },
    {
      title: t('problems.resource'),
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
    ...(box === 'inbox'
      ? []
      : [
          {
            title: t('problems.provider'),
            dataIndex: 'providerOrgName',
            width: 170,
          },
        ]),
    ...(box === 'sent'
      ? []
      : [
          {
            title: t('problems.reporter'),
            key: 'reporter',
            width: 170,
            render: (_: unknown, r: ProblemReport) =>
              publicFeedback
                ? r.reporterName
                : (r.reporterOrgName ?? t(`problems.reporterKind.${r.reporterKind}`)),
          },
        ]),
    {
      title: t('problems.categoryLabel'),
      key: 'category',
      width: 200,
      render: (_: unknown, r) => (
        <Space size={4} wrap>
          <CategoryTag category={r.category} />
          <UrgencyTag urgency={r.urgency} />
        </Space>
      ),
    },
    {
      title: t('problems.statusLabel'),
      dataIndex: 'status',
      width: 100,
      render: (s: ProblemStatus) => <ProblemStatusTag status={s} />,
    },
    {
      title: t('problems.dueDate'),
      key: 'due',
      width: 190,
      render: (_: unknown, r) => (
        <Space orientation="vertical" size={2}>
          <span>{awaitingProvider(r.status) ? formatDate(r.dueDate) : t('common.none')}</span>
          <ProblemCountdown report={r} />
        </Space>
      ),
    },
    {
      title: t('problems.createdAt'),
      dataIndex: 'createdAt',
      width: 160,
      render: (d: string) => formatDateTime(d),
    },
  ];

  return (
    <>
      <PageHeader
        title={publicFeedback ? t('open.feedback.title') : t('problems.title')}
        description={publicFeedback ? t('open.feedback.description') : t('problems.description')}
        extra={
          <>
            <Button icon={<ReloadOutlined />} onClick={list.reload}>
              {t('common.refresh')}
            </Button>
            {!publicFeedback && reportingOrgs(me).length > 0 ? (
              <Button
                type="primary"
                icon={<PlusOutlined />}
                onClick={() => {
                  update({ report: '1' });
                }}
                data-testid="problems-report"
              >
                {t('problems.report')}
              </Button>
            ) : null}
          </>
        }
      />
      <Card>
        <Tabs
          activeKey={box}
          onChange={(key) => {
            update({ box: key === 'inbox' ? null : key, page: null, status: null });
          }}
          items={boxes.map((b) => ({
            key: b,
            label: <span data-testid={`problems-tab-${b}`}>{t(`problems.box.${b}`)}</span>,
          }))}
        />
        <div className="table-toolbar">
          <Space wrap>
            {overdueCount > 0 ? (
              <Tag color="red">{t('problems.overdueCount', { count: overdueCount })}</Tag>
            ) : null}
            <Typography.Text type="secondary">
              {publicFeedback && box !== 'sent'
                ? t(`open.feedback.boxHint.${box}`)
                : t(`problems.boxHint.${box}`)}
            </Typography.Text>
          </Space>
          {box === 'overdue' ? null : (
            <Select<ProblemStatus>
              allowClear
              placeholder={t('problems.statusFilter')}
              style={{ width: 160 }}
              value={status}
              onChange={(value) => {
                update({ status: value ?? null, page: null });
              }}
              options={PROBLEM_STATUSES.map((s) => ({
                value: s,
                label: t(`problems.status.${s}`),
              }))}
              data-testid="problems-status-filter"
            />
          )}
        </div>
        {list.error ? (
          <LoadError error={list.error} onRetry={list.reload} />
        ) : (
          <Table<ProblemReport>
            rowKey="code"
            size="middle"
            loading={list.loading}
            columns={columns}
            dataSource={items}
            scroll={{ x: 1100 }}
            rowClassName={(r) => (r.overdue ? 'row-overdue' : '')}
            locale={{
              emptyText:
                publicFeedback && box !== 'sent'
                  ? t(`open.feedback.empty.${box}`)
                  : t(`problems.empty.${box}`),
            }}
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
            data-testid="problems-table"
          />
        )}
      </Card>
      <ReportProblemModal
        open={reporting && !publicFeedback}
        initialResourceCode={initialResource}
        onClose={() => {
          update({ report: null, resource: null });
        }}
        onReported={(created) => {
          message.success(
            t('problems.reported', { code: created.code, date: formatDate(created.dueDate) }),
          );
          update({ report: null, resource: null, box: 'sent', page: null, status: null });
          list.reload();
        }}
      />
      <ProblemDrawer
        code={code}
        onClose={() => {
          update({ code: null });
        }}
        onChanged={list.reload}
      />
    </>
  );
}
