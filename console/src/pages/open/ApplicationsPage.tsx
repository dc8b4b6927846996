import { ReloadOutlined } from '@ant-design/icons';
import { Button, Card, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { api } from '../../api';
import { useMe } from '../../auth';
import { ExportButton } from '../../components/ExportButton';
import { LoadError, PageHeader } from '../../components/common';
import { exportFileName, exportRows } from '../../excel';
import { formatDate, formatDateTime } from '../../format';
import { useAsync } from '../../hooks';
import { RequestCountdown } from '../sharing/ShareParts';
import { ApplicationDrawer } from './ApplicationDrawer';
import type { ApplicationBox, ApplicationStatus, OpenApplication, Paged } from './open';
import { APPLICATION_STATUSES, fetchAll, isOpenAuthority } from './open';
import {
  Applicant,
  ApplicationStatusTag,
  DatasetCell,
  applicantKindLabel,
  countdownText,
} from './OpenParts';

const PAGE_SIZE = 20;

/**
 * 数据开放 › 开放申请 (R5.5): applications of the public for conditional datasets. 待我审批 are those
 * my department provides, to be answered within the region's working-day deadline; the authority
 * also sees 全部 and 逾期 (pending past the due date). The drawer (?code=) shows the application,
 * the agreement version accepted and the decision.
 */
export function ApplicationsPage() {
  const { t } = useTranslation();
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const authority = isOpenAuthority(me);
  const boxes: ApplicationBox[] = authority ? ['inbox', 'all', 'overdue'] : ['inbox'];
  const requested = params.get('box') as ApplicationBox | null;
  const box: ApplicationBox = requested && boxes.includes(requested) ? requested : 'inbox';
  const statusParam = params.get('status');
  const status =
    box !== 'overdue' &&
    statusParam &&
    (APPLICATION_STATUSES as readonly string[]).includes(statusParam)
      ? (statusParam as ApplicationStatus)
      : undefined;
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

  // 逾期 is 全部 narrowed to pending applications past their due date.
  const query = (limit: number, offset: number) =>
    box === 'overdue'
      ? { box: 'all', overdue: 'true', limit, offset }
      : { box, status: status ?? null, limit, offset };
  const list = useAsync(
    (signal) =>
      api.get<Paged<OpenApplication>>('/open/applications', {
        signal,
        query: query(PAGE_SIZE, (page - 1) * PAGE_SIZE),
      }),
    `${box}|${status ?? ''}|${String(page)}`,
  );
  const items = list.data?.items ?? [];
  const overdueCount = items.filter((a) => a.status === 'pending' && a.overdue).length;

  const exportList = async () => {
    const rows = await fetchAll<OpenApplication>('/open/applications', query);
    await exportRows<OpenApplication>({
      filename: exportFileName(t('open.app.exportName')),
      sheetName: t('open.app.exportSheet'),
      columns: [
        { header: t('open.field.code'), width: 20, value: (r) => r.code },
        { header: t('open.field.dataset'), width: 30, value: (r) => r.datasetName },
        { header: t('open.field.datasetCode'), width: 20, value: (r) => r.datasetCode },
        { header: t('open.field.provider'), width: 24, value: (r) => r.orgName },
        { header: t('open.field.applicant'), width: 18, value: (r) => r.applicant.displayName },
        {
          header: t('open.field.applicantKind'),
          width: 8,
          value: (r) => applicantKindLabel(t, r.applicant.kind),
        },
        { header: t('open.field.applicantOrg'), width: 26, value: (r) => r.applicant.orgName },
        { header: t('open.field.purpose'), width: 40, value: (r) => r.purpose },
        {
          header: t('open.field.period'),
          width: 24,
          value: (r) => `${formatDate(r.periodFrom)} ~ ${formatDate(r.periodTo)}`,
        },
        { header: t('open.field.agreementVersion'), width: 10, value: (r) => r.agreementVersion },
        {
          header: t('open.field.status'),
          width: 10,
          value: (r) => t(`open.appStatus.${r.status}`, { defaultValue: r.status }),
        },
        { header: t('open.field.dueDate'), width: 12, value: (r) => formatDate(r.dueDate) },
        { header: t('open.field.countdown'), width: 18, value: (r) => countdownText(t, r) },
        { header: t('open.field.createdAt'), width: 20, value: (r) => formatDateTime(r.createdAt) },
        {
          header: t('open.field.decidedAt'),
          width: 20,
          value: (r) => (r.decidedAt ? formatDateTime(r.decidedAt) : null),
        },
        {
          header: t('open.field.validTo'),
          width: 12,
          value: (r) => (r.validTo ? formatDate(r.validTo) : null),
        },
        { header: t('open.field.reasons'), width: 40, value: (r) => r.reasons },
      ],
      rows,
    });
  };

  const columns: TableColumnsType<OpenApplication> = [
    {
      title: t('open.field.code'),
      dataIndex: 'code',
      width: 160,
      fixed: 'left',
      render: (c: string) => (
        <Button
          type="link"
          size="small"
          className="mono"
          style={{ padding: 0 }}
          onClick={() => {
            update({ code: c });
          }}
          data-testid={`open-app-open-${c}`}
        >
          {c}
        </Button>
      ),
    },
    {
      title: t('open.field.dataset'),
      key: 'dataset',
      width: 220,
      render: (_: unknown, r) => <DatasetCell name={r.datasetName} code={r.datasetCode} />,
    },
    ...(box === 'inbox'
      ? []
      : [{ title: t('open.field.provider'), dataIndex: 'orgName', width: 150 }]),
    {
      title: t('open.field.applicant'),
      key: 'applicant',
      width: 190,
      render: (_: unknown, r) => <Applicant applicant={r.applicant} />,
    },
    {
      title: t('open.field.purpose'),
      dataIndex: 'purpose',
      width: 220,
      ellipsis: true,
      render: (p: string) => <Typography.Text ellipsis={{ tooltip: p }}>{p}</Typography.Text>,
    },
    {
      title: t('open.field.period'),
      key: 'period',
      width: 120,
      render: (_: unknown, r) => (
        <Space orientation="vertical" size={0}>
          <span>{formatDate(r.periodFrom)}</span>
          <span>~ {formatDate(r.periodTo)}</span>
        </Space>
      ),
    },
    {
      title: t('open.field.agreementShort'),
      dataIndex: 'agreementVersion',
      width: 90,
      render: (v: number) => <Tag>{t('open.agreement.versionTag', { version: v })}</Tag>,
    },
    {
      title: t('open.field.status'),
      dataIndex: 'status',
      width: 90,
      render: (s: string) => <ApplicationStatusTag status={s} />,
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
        title={t('open.app.title')}
        description={t('open.app.description')}
        extra={
          <>
            <Button icon={<ReloadOutlined />} onClick={list.reload}>
              {t('common.refresh')}
            </Button>
            <ExportButton
              onExport={exportList}
              disabled={items.length === 0}
              testId="open-app-export"
            />
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
            label: <span data-testid={`open-app-tab-${b}`}>{t(`open.app.box.${b}`)}</span>,
          }))}
        />
        <div className="table-toolbar">
          <Space wrap>
            {overdueCount > 0 ? (
              <Tag color="red" data-testid="open-app-overdue-count">
                {t('open.common.overdueCount', { count: overdueCount })}
              </Tag>
            ) : null}
            <Typography.Text type="secondary">{t(`open.app.boxHint.${box}`)}</Typography.Text>
          </Space>
          {box === 'overdue' ? null : (
            <Select<ApplicationStatus>
              allowClear
              placeholder={t('open.common.statusFilter')}
              style={{ width: 160 }}
              value={status}
              onChange={(value) => {
                update({ status: value ?? null, page: null });
              }}
              options={APPLICATION_STATUSES.map((s) => ({
                value: s,
                label: t(`open.appStatus.${s}`),
              }))}
              data-testid="open-app-status-filter"
            />
          )}
        </div>
        {list.error ? (
          <LoadError error={list.error} onRetry={list.reload} />
        ) : (
          <Table<OpenApplication>
            rowKey="code"
            size="middle"
            loading={list.loading}
            columns={columns}
            dataSource={items}
            scroll={{ x: 1600 }}
            rowClassName={(r) => (r.status === 'pending' && r.overdue ? 'row-overdue' : '')}
            onRow={(r) => ({ 'data-testid': `open-app-row-${r.code}` }) as object}
            locale={{ emptyText: t(`open.app.empty.${box}`) }}
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
            data-testid="open-app-table"
          />
        )}
      </Card>
      <ApplicationDrawer
        code={code}
        onClose={() => {
          update({ code: null });
        }}
        onChanged={list.reload}
      />
    </>
  );
}
