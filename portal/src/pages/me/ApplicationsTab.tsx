/** 我的申请: applications for conditional datasets (R5.5), with due dates and validity. */
import { App, Button, Descriptions, Popconfirm, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { errorText } from '../../../../console/src/errors';
import { formatDate, formatDateTime } from '../../../../console/src/format';
import { api } from '../../api';
import { LoadError } from '../../components/common';
import { datasetPath, orgPath } from '../../components/DatasetList';
import type { Application, ApplicationStatus } from '../../types';
import { usePagedList } from './paged';

const STATUS_COLORS: Record<ApplicationStatus, string> = {
  pending: 'processing',
  approved: 'green',
  refused: 'red',
  withdrawn: 'default',
};

export function DueDate({
  dueDate,
  daysLeft,
  overdue,
  waiting,
}: {
  dueDate: string;
  daysLeft: number | null;
  overdue: boolean;
  waiting: boolean;
}) {
  const { t } = useTranslation();
  return (
    <span>
      {formatDate(dueDate)}
      {waiting && overdue ? (
        <Tag color="red" className="tag-gap">
          {t('me.overdue')}
        </Tag>
      ) : waiting && daysLeft !== null ? (
        <Typography.Text type="secondary" className="tag-gap">
          {t('me.daysLeft', { count: daysLeft })}
        </Typography.Text>
      ) : null}
    </span>
  );
}

export function ApplicationsTab() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { list, pagination } = usePagedList<Application>(
    '/open/applications',
    { box: 'mine' },
    'applications',
  );

  async function withdraw(app: Application) {
    try {
      await api.post(`/open/applications/${encodeURIComponent(app.code)}/withdraw`);
      message.success(t('applications.withdrawn'));
      list.reload();
    } catch (e) {
      message.error(errorText(t, e));
    }
  }

  if (list.error) return <LoadError error={list.error} onRetry={list.reload} />;
  return (
    <Table<Application>
      size="small"
      rowKey="code"
      loading={list.loading}
      dataSource={list.data?.items ?? []}
      data-testid="applications-table"
      locale={{ emptyText: t('applications.empty') }}
      pagination={pagination}
      expandable={{
        expandedRowRender: (a) => (
          <Descriptions
            size="small"
            column={1}
            items={[
              {
                key: 'purpose',
                label: t('apply.purpose'),
                children: <span className="pre-wrap">{a.purpose}</span>,
              },
              {
                key: 'measures',
                label: t('apply.measures'),
                children: <span className="pre-wrap">{a.measures}</span>,
              },
              {
                key: 'period',
                label: t('apply.period'),
                children: `${formatDate(a.periodFrom)} ~ ${formatDate(a.periodTo)}`,
              },
              {
                key: 'agreement',
                label: t('applications.agreement'),
                children: t('applications.agreementAccepted', {
                  version: a.agreementVersion,
                  at: formatDateTime(a.agreementAcceptedAt),
                }),
              },
              ...(a.reasons
                ? [
                    {
                      key: 'reasons',
                      label: t('applications.reasons'),
                      children: <span className="pre-wrap">{a.reasons}</span>,
                    },
                  ]
                : []),
              ...(a.decidedAt
                ? [
                    {
                      key: 'decidedAt',
                      label: t('applications.decidedAt'),
                      children: formatDateTime(a.decidedAt),
                    },
                  ]
                : []),
            ]}
          />
        ),
      }}
      columns={[
        {
          title: t('applications.code'),
          dataIndex: 'code',
          key: 'code',
          render: (v: string) => <span className="mono">{v}</span>,
        },
        {
          title: t('applications.dataset'),
          dataIndex: 'datasetName',
          key: 'dataset',
          render: (_v: string, a) => (
            <Link to={datasetPath(a.datasetCode)}>{a.datasetName || a.datasetCode}</Link>
          ),
        },
        {
          title: t('dataset.department'),
          dataIndex: 'orgName',
          key: 'org',
          render: (_v: string, a) => <Link to={orgPath(a.orgCode)}>{a.orgName}</Link>,
        },
        {
          title: t('applications.status'),
          dataIndex: 'status',
          key: 'status',
          render: (v: ApplicationStatus) => (
            <Tag color={STATUS_COLORS[v]} data-testid="application-status" data-value={v}>
              {t(`applications.statuses.${v}`)}
            </Tag>
          ),
        },
        {
          title: t('applications.createdAt'),
          dataIndex: 'createdAt',
          key: 'createdAt',
          render: (v: string) => formatDate(v),
        },
        {
          title: t('applications.dueDate'),
          dataIndex: 'dueDate',
          key: 'dueDate',
          render: (_v: string, a) => (
            <DueDate
              dueDate={a.dueDate}
              daysLeft={a.workingDaysLeft}
              overdue={a.overdue}
              waiting={a.status === 'pending'}
            />
          ),
        },
        {
          title: t('applications.validTo'),
          dataIndex: 'validTo',
          key: 'validTo',
          render: (v: string | null) => formatDate(v),
        },
        {
          title: t('common.actions'),
          key: 'actions',
          render: (_v, a) =>
            a.status === 'pending' ? (
              <Popconfirm
                title={t('applications.withdrawConfirm')}
                okText={t('applications.withdraw')}
                cancelText={t('common.cancel')}
                onConfirm={() => {
                  void withdraw(a);
                }}
              >
                <Button size="small" data-testid="application-withdraw">
                  {t('applications.withdraw')}
                </Button>
              </Popconfirm>
            ) : null,
        },
      ]}
    />
  );
}
