import { AlertOutlined, ReloadOutlined } from '@ant-design/icons';
import { App, Button, Card, Segmented, Space, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { api } from '../../api';
import { useMe } from '../../auth';
import { ForbiddenResult, LoadError, PageHeader } from '../../components/common';
import { formatDateTime } from '../../format';
import { useAsync } from '../../hooks';
import type { EmergencyStatus, Paged, ShareEmergency } from './adminApi';
import { canSupervise, formatNumber, isAuthorityAdmin, oneOf } from './adminApi';
import { AdminEmergencyDrawer } from './AdminEmergencyDrawer';
import { AdminEmergencyModal } from './AdminEmergencyModal';
import { EmergencyCountdown, EmergencyStatusTag, EmergencyTypeTag } from './AdminParts';

const STATUSES: readonly EmergencyStatus[] = ['active', 'ended'];

/**
 * 应急共享 (R4.10): in a natural disaster, accident, public-health or social-security emergency
 * the authority declares it and the responders get the required data at once, through
 * time-boxed grants used only for the emergency. The detail drawer (?code=) shows the grants and
 * the accesses made under them; ending the emergency ends its grants.
 */
export function EmergenciesPage() {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const { message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const admin = isAuthorityAdmin(me);
  const code = params.get('code');
  const declaring = params.get('declare') === '1';
  const requested = params.get('status');
  const status: EmergencyStatus | undefined = oneOf(STATUSES, requested) ? requested : undefined;

  const update = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value === null) next.delete(key);
      else next.set(key, value);
    }
    setParams(next, { replace: true });
  };

  const list = useAsync(
    // The server's largest page: a region declares emergencies by the dozen, not the thousand.
    (signal) =>
      api.get<Paged<ShareEmergency>>('/share/emergencies', { signal, query: { limit: 500 } }),
    'emergencies',
  );

  if (me.memberships.length === 0) return <ForbiddenResult />;
  const all = list.data?.items ?? [];
  const items = status ? all.filter((e) => e.status === status) : all;
  const activeCount = all.filter((e) => e.status === 'active').length;

  const columns: TableColumnsType<ShareEmergency> = [
    {
      title: t('shareAdmin.emergencies.code'),
      dataIndex: 'code',
      width: 140,
      render: (c: string) => (
        <Button
          type="link"
          size="small"
          className="mono"
          style={{ padding: 0 }}
          onClick={() => {
            update({ code: c });
          }}
          data-testid={`emergency-open-${c}`}
        >
          {c}
        </Button>
      ),
    },
    {
      title: t('shareAdmin.emergencies.titleLabel'),
      key: 'title',
      render: (_: unknown, e) => (
        <Space orientation="vertical" size={0}>
          <Space size={6} wrap>
            <EmergencyTypeTag type={e.type} />
            <Typography.Text strong>{e.title}</Typography.Text>
          </Space>
          <Typography.Text type="secondary">{e.area}</Typography.Text>
        </Space>
      ),
    },
    {
      title: t('shareAdmin.emergencies.status'),
      key: 'status',
      width: 190,
      render: (_: unknown, e) => (
        <Space size={4} wrap>
          <EmergencyStatusTag status={e.status} />
          <EmergencyCountdown plannedEndAt={e.plannedEndAt} status={e.status} />
        </Space>
      ),
    },
    {
      title: t('shareAdmin.emergencies.period'),
      key: 'period',
      width: 200,
      render: (_: unknown, e) => (
        <Space orientation="vertical" size={0}>
          <span>{formatDateTime(e.startsAt)}</span>
          <Typography.Text type="secondary">
            {e.endedAt
              ? t('shareAdmin.emergencies.endedOn', { time: formatDateTime(e.endedAt) })
              : t('shareAdmin.emergencies.plannedEndAt', {
                  time: formatDateTime(e.plannedEndAt),
                })}
          </Typography.Text>
        </Space>
      ),
    },
    {
      title: t('shareAdmin.emergencies.scope'),
      key: 'scope',
      width: 200,
      render: (_: unknown, e) =>
        t('shareAdmin.emergencies.scopeText', {
          resources: e.resources.length,
          responders: e.responders.length,
        }),
    },
    {
      title: t('shareAdmin.emergencies.accessCount'),
      dataIndex: 'accessCount',
      width: 110,
      align: 'right',
      render: (n: number) => formatNumber(n, i18n.language),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('shareAdmin.emergencies.title')}
        description={t('shareAdmin.emergencies.description')}
        extra={
          <>
            <Button icon={<ReloadOutlined />} onClick={list.reload}>
              {t('common.refresh')}
            </Button>
            {admin ? (
              <Button
                type="primary"
                danger
                icon={<AlertOutlined />}
                onClick={() => {
                  update({ declare: '1' });
                }}
                data-testid="emergency-declare"
              >
                {t('shareAdmin.emergencies.declare')}
              </Button>
            ) : null}
          </>
        }
      />
      <Card>
        <div className="table-toolbar">
          <Segmented<string>
            value={status ?? 'all'}
            onChange={(value) => {
              update({ status: value === 'all' ? null : value });
            }}
            options={[
              { value: 'all', label: t('common.all') },
              ...STATUSES.map((s) => ({ value: s, label: t(`shareAdmin.emergencyStatus.${s}`) })),
            ]}
          />
          {activeCount > 0 ? (
            <Typography.Text type="danger" data-testid="emergency-active-count">
              {t('shareAdmin.emergencies.activeCount', { count: activeCount })}
            </Typography.Text>
          ) : null}
        </div>
        {list.error ? (
          <LoadError error={list.error} onRetry={list.reload} />
        ) : (
          <Table<ShareEmergency>
            rowKey="code"
            size="middle"
            loading={list.loading}
            columns={columns}
            dataSource={items}
            scroll={{ x: 1100 }}
            locale={{ emptyText: t('shareAdmin.emergencies.empty') }}
            pagination={{
              pageSize: 20,
              hideOnSinglePage: true,
              showTotal: (n) => t('common.total', { count: n }),
            }}
            data-testid="emergencies-table"
          />
        )}
      </Card>
      {admin ? (
        <AdminEmergencyModal
          open={declaring}
          onClose={() => {
            update({ declare: null });
          }}
          onDeclared={(declared) => {
            message.success(
              t('shareAdmin.emergencies.declared', {
                code: declared.code,
                count: declared.grants.length,
              }),
            );
            update({ declare: null, status: null, code: declared.code });
            list.reload();
          }}
        />
      ) : null}
      <AdminEmergencyDrawer
        code={code}
        canEnd={admin}
        canReport={canSupervise(me)}
        onClose={() => {
          update({ code: null });
        }}
        onChanged={list.reload}
      />
    </>
  );
}
