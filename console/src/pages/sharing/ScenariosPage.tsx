import { PlusOutlined, ReloadOutlined, StopOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Segmented,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import type { TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { api } from '../../api';
import { useMe } from '../../auth';
import { ForbiddenResult, LoadError, Mono, PageHeader } from '../../components/common';
import { errorText } from '../../errors';
import { formatDate, formatDateTime } from '../../format';
import { useAsync } from '../../hooks';
import type { Paged, ScenarioStatus, ShareScenario } from './adminApi';
import { SCENARIO_STATUSES, isAuthorityAdmin, oneOf } from './adminApi';
import { OperationTags, ScenarioStatusTag } from './AdminParts';
import { AdminScenarioModal } from './AdminScenarioModal';

const MAX_CONSUMER_TAGS = 3;

/** The resources, items, operations and consumers of a scenario (the expanded row). */
function ScenarioDetail({ scenario }: { scenario: ShareScenario }) {
  const { t } = useTranslation();
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%' }}>
      <Descriptions
        size="small"
        column={1}
        items={[
          {
            key: 'purpose',
            label: t('shareAdmin.scenarios.purpose'),
            children: <span className="pre-wrap">{scenario.purpose}</span>,
          },
          {
            key: 'description',
            label: t('shareAdmin.scenarios.descriptionLabel'),
            children: <span className="pre-wrap">{scenario.description}</span>,
          },
          {
            key: 'consumers',
            label: t('shareAdmin.scenarios.consumers'),
            children: (
              <Space size={[4, 4]} wrap>
                {scenario.consumers.map((c) => (
                  <Tag key={c.orgCode}>{c.orgName}</Tag>
                ))}
              </Space>
            ),
          },
        ]}
      />
      <Table
        rowKey="resourceCode"
        size="small"
        pagination={false}
        dataSource={scenario.resources}
        columns={[
          {
            title: t('shareAdmin.scenarios.resource'),
            key: 'resource',
            width: 260,
            render: (_: unknown, r) => (
              <Space orientation="vertical" size={0}>
                <Link to={`/catalog/resources/${encodeURIComponent(r.resourceCode)}`}>
                  {r.resourceName}
                </Link>
                <Mono>{r.resourceCode}</Mono>
              </Space>
            ),
          },
          {
            title: t('shareAdmin.scenarios.items'),
            key: 'items',
            render: (_: unknown, r) => (
              <Space size={[2, 2]} wrap>
                {r.items.map((i) => (
                  <Tooltip key={i.column} title={i.column}>
                    <Tag>{i.name}</Tag>
                  </Tooltip>
                ))}
              </Space>
            ),
          },
          {
            title: t('shareAdmin.scenarios.operations'),
            key: 'operations',
            width: 240,
            render: (_: unknown, r) => <OperationTags operations={r.operations} />,
          },
        ]}
      />
    </Space>
  );
}

/**
 * 场景授权 (R4.5): the scenarios the data authority has authorized. A request that falls within
 * an active scenario (eligible consumer, listed resource, items and operations within it) is
 * approved at once without a new application. The authority creates and retires scenarios;
 * everyone else sees which scenarios apply to their organisation.
 */
export function ScenariosPage() {
  const { t } = useTranslation();
  const me = useMe();
  const { message, modal } = App.useApp();
  const [params, setParams] = useSearchParams();
  const requested = params.get('status');
  const status: ScenarioStatus | undefined = oneOf(SCENARIO_STATUSES, requested)
    ? requested
    : undefined;
  const creating = params.get('create') === '1';
  const admin = isAuthorityAdmin(me);
  const myOrgs = new Set(me.memberships.map((m) => m.orgCode));

  const list = useAsync(
    // The server's largest page: a region authorizes scenarios by the dozen, not the thousand.
    (signal) =>
      api.get<Paged<ShareScenario>>('/share/scenarios', { signal, query: { status, limit: 500 } }),
    status ?? '',
  );

  if (me.memberships.length === 0) return <ForbiddenResult />;

  const update = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value === null) next.delete(key);
      else next.set(key, value);
    }
    setParams(next, { replace: true });
  };

  const retire = (scenario: ShareScenario) => {
    modal.confirm({
      title: t('shareAdmin.scenarios.retireTitle', { name: scenario.name }),
      content: t('shareAdmin.scenarios.retireConfirm'),
      okText: t('shareAdmin.scenarios.retire'),
      okButtonProps: { danger: true, 'data-testid': 'scenario-retire-ok' },
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await api.post<ShareScenario>(
            `/share/scenarios/${encodeURIComponent(scenario.code)}/retire`,
          );
          message.success(t('shareAdmin.scenarios.retired', { name: scenario.name }));
          list.reload();
        } catch (e) {
          message.error(errorText(t, e));
        }
      },
    });
  };

  const items = list.data?.items ?? [];
  const applicable = (s: ShareScenario) => s.consumers.some((c) => myOrgs.has(c.orgCode));

  const columns: TableColumnsType<ShareScenario> = [
    {
      title: t('shareAdmin.scenarios.name'),
      key: 'name',
      render: (_: unknown, s) => (
        <Space orientation="vertical" size={0}>
          <Space size={6} wrap>
            <Typography.Text strong>{s.name}</Typography.Text>
            {!admin && applicable(s) && s.status === 'active' ? (
              <Tag color="green">{t('shareAdmin.scenarios.appliesToMe')}</Tag>
            ) : null}
          </Space>
          <Mono>{s.code}</Mono>
          <Typography.Text
            type="secondary"
            ellipsis={{ tooltip: s.description }}
            style={{ maxWidth: 320 }}
          >
            {s.description}
          </Typography.Text>
        </Space>
      ),
    },
    {
      title: t('shareAdmin.scenarios.resources'),
      key: 'resources',
      width: 280,
      render: (_: unknown, s) => (
        <Space orientation="vertical" size={2}>
          {s.resources.map((r) => (
            <span key={r.resourceCode}>
              {r.resourceName}
              <Typography.Text type="secondary">
                {' '}
                {t('shareAdmin.scenarios.itemCount', { count: r.items.length })}
              </Typography.Text>
            </span>
          ))}
        </Space>
      ),
    },
    {
      title: t('shareAdmin.scenarios.consumers'),
      key: 'consumers',
      width: 240,
      render: (_: unknown, s) => (
        <Space size={[4, 4]} wrap>
          {s.consumers.slice(0, MAX_CONSUMER_TAGS).map((c) => (
            <Tag key={c.orgCode} color={myOrgs.has(c.orgCode) ? 'green' : undefined}>
              {c.orgName}
            </Tag>
          ))}
          {s.consumers.length > MAX_CONSUMER_TAGS ? (
            <Tooltip title={s.consumers.map((c) => c.orgName).join(t('common.listSeparator'))}>
              <Tag>+{s.consumers.length - MAX_CONSUMER_TAGS}</Tag>
            </Tooltip>
          ) : null}
        </Space>
      ),
    },
    {
      title: t('shareAdmin.scenarios.validTo'),
      dataIndex: 'validTo',
      width: 120,
      render: (v: string | null) => (v ? formatDate(v) : t('shareAdmin.scenarios.noEnd')),
    },
    {
      title: t('shareAdmin.scenarios.status'),
      dataIndex: 'status',
      width: 90,
      render: (s: ScenarioStatus) => <ScenarioStatusTag status={s} />,
    },
    {
      title: t('shareAdmin.scenarios.grantsIssued'),
      dataIndex: 'grantsIssued',
      width: 110,
      align: 'right',
      render: (n: number) => <span data-testid="scenario-grants">{n}</span>,
    },
    {
      title: t('shareAdmin.scenarios.createdAt'),
      key: 'created',
      width: 170,
      render: (_: unknown, s) => (
        <Space orientation="vertical" size={0}>
          <span>{formatDateTime(s.createdAt)}</span>
          <Typography.Text type="secondary">{s.createdBy}</Typography.Text>
        </Space>
      ),
    },
    ...(admin
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            width: 100,
            fixed: 'right' as const,
            render: (_: unknown, s: ShareScenario) =>
              s.status === 'active' ? (
                <Button
                  type="link"
                  size="small"
                  danger
                  icon={<StopOutlined />}
                  onClick={() => {
                    retire(s);
                  }}
                  data-testid={`scenario-retire-${s.code}`}
                >
                  {t('shareAdmin.scenarios.retire')}
                </Button>
              ) : null,
          },
        ]
      : []),
  ];

  return (
    <>
      <PageHeader
        title={t('shareAdmin.scenarios.title')}
        description={t('shareAdmin.scenarios.description')}
        extra={
          <>
            <Button icon={<ReloadOutlined />} onClick={list.reload}>
              {t('common.refresh')}
            </Button>
            {admin ? (
              <Button
                type="primary"
                icon={<PlusOutlined />}
                onClick={() => {
                  update({ create: '1' });
                }}
                data-testid="scenario-create"
              >
                {t('shareAdmin.scenarios.create')}
              </Button>
            ) : null}
          </>
        }
      />
      {!admin ? (
        <Alert
          type="info"
          showIcon
          title={t('shareAdmin.scenarios.readOnlyHint')}
          style={{ marginBottom: 16 }}
        />
      ) : null}
      <Card>
        <div className="table-toolbar">
          <Segmented<string>
            value={status ?? 'all'}
            onChange={(value) => {
              update({ status: value === 'all' ? null : value });
            }}
            options={[
              { value: 'all', label: t('common.all') },
              ...SCENARIO_STATUSES.map((s) => ({
                value: s,
                label: t(`shareAdmin.scenarioStatus.${s}`),
              })),
            ]}
            data-testid="scenario-status-filter"
          />
          <Typography.Text type="secondary">{t('shareAdmin.scenarios.expandHint')}</Typography.Text>
        </div>
        {list.error ? (
          <LoadError error={list.error} onRetry={list.reload} />
        ) : (
          <Table<ShareScenario>
            rowKey="code"
            size="middle"
            loading={list.loading}
            columns={columns}
            dataSource={items}
            scroll={{ x: 1300 }}
            expandable={{
              expandedRowRender: (s) => <ScenarioDetail scenario={s} />,
            }}
            locale={{
              emptyText: admin
                ? t('shareAdmin.scenarios.emptyAdmin')
                : t('shareAdmin.scenarios.empty'),
            }}
            pagination={{
              pageSize: 20,
              hideOnSinglePage: true,
              showTotal: (n) => t('common.total', { count: n }),
            }}
            data-testid="scenarios-table"
          />
        )}
      </Card>
      {admin ? (
        <AdminScenarioModal
          open={creating}
          onClose={() => {
            update({ create: null });
          }}
          onCreated={(created) => {
            message.success(
              t('shareAdmin.scenarios.created', { name: created.name, code: created.code }),
            );
            update({ create: null, status: null });
            list.reload();
          }}
        />
      ) : null}
    </>
  );
}
