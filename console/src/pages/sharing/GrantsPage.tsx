import { ReloadOutlined } from '@ant-design/icons';
import { Button, Card, Segmented, Select, Space, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { api } from '../../api';
import { ExportButton } from '../../components/ExportButton';
import { LoadError, Mono, PageHeader } from '../../components/common';
import { exportFileName, exportRows } from '../../excel';
import type { ExportColumn } from '../../excel';
import { formatDate } from '../../format';
import { useAsync } from '../../hooks';
import { GrantDrawer } from './GrantDrawer';
import type { Grant, GrantStatus, Paged } from './share';
import { GRANT_STATUSES } from './share';
import {
  GrantStatusTag,
  OperationTags,
  OriginTag,
  maskingLabel,
  operationLabel,
} from './ShareParts';

const PAGE_SIZE = 20;
type Side = 'all' | 'consumer' | 'provider';
const SIDES: Side[] = ['all', 'consumer', 'provider'];

function exportColumns(t: TFunction): ExportColumn<Grant>[] {
  return [
    { header: t('share.grant.id'), width: 38, value: (g) => g.id },
    { header: t('share.grant.resourceCode'), width: 16, value: (g) => g.resourceCode },
    { header: t('share.field.resource'), width: 24, value: (g) => g.resourceName },
    { header: t('share.field.provider'), width: 20, value: (g) => g.providerOrgName },
    { header: t('share.field.consumer'), width: 20, value: (g) => g.consumerOrgName },
    {
      header: t('share.field.items'),
      width: 40,
      value: (g) => g.items.map((i) => i.name).join(t('common.listSeparator')),
    },
    {
      header: t('share.field.masking'),
      width: 40,
      value: (g) =>
        g.items
          .filter((i) => i.masking !== 'none')
          .map((i) => `${i.name}：${maskingLabel(t, i.masking)}`)
          .join(t('common.listSeparator')),
    },
    {
      header: t('share.field.operations'),
      width: 20,
      value: (g) => g.operations.map((o) => operationLabel(t, o)).join(t('common.listSeparator')),
    },
    { header: t('share.field.purpose'), width: 30, value: (g) => g.purpose },
    { header: t('share.field.scenario'), width: 30, value: (g) => g.scenario },
    { header: t('share.field.legalBasis'), width: 30, value: (g) => g.legalBasis },
    { header: t('share.grant.validFrom'), width: 12, value: (g) => formatDate(g.validFrom) },
    {
      header: t('share.grant.validTo'),
      width: 12,
      value: (g) => (g.validTo ? formatDate(g.validTo) : ''),
    },
    { header: t('share.field.origin'), width: 12, value: (g) => t(`share.origin.${g.origin}`) },
    {
      header: t('share.grant.originCode'),
      width: 18,
      value: (g) => g.requestCode ?? g.disputeCode ?? g.scenarioCode ?? g.emergencyCode ?? '',
    },
    {
      header: t('share.field.status'),
      width: 10,
      value: (g) => t(`share.grantStatus.${g.status}`),
    },
    { header: t('share.grant.approvedBy'), width: 16, value: (g) => g.approvedBy },
    { header: t('share.grant.revokeReason'), width: 24, value: (g) => g.revokeReason ?? '' },
  ];
}

/**
 * 数据共享 › 共享授权: the grants my organisations hold (使用) or give (提供), or, for the authority,
 * those of its region. Opening one (?id=) shows the scope with masking, the API examples, the
 * usage chart and the access log; the provider or the authority may revoke it.
 */
export function GrantsPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const sideParam = params.get('side') as Side | null;
  const side: Side = sideParam && SIDES.includes(sideParam) ? sideParam : 'all';
  const status = (params.get('status') as GrantStatus | null) ?? undefined;
  const page = Math.max(1, Number(params.get('page') ?? '1') || 1);
  const id = params.get('id');

  const update = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value === null) next.delete(key);
      else next.set(key, value);
    }
    setParams(next, { replace: true });
  };

  const filters = { side: side === 'all' ? undefined : side, status };
  const list = useAsync(
    (signal) =>
      api.get<Paged<Grant>>('/share/grants', {
        signal,
        query: { ...filters, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE },
      }),
    `${side}|${status ?? ''}|${String(page)}`,
  );

  const exportAll = async () => {
    const rows: Grant[] = [];
    for (let offset = 0; ; offset += 500) {
      const res = await api.get<Paged<Grant>>('/share/grants', {
        query: { ...filters, limit: 500, offset },
      });
      rows.push(...res.items);
      if (res.items.length < 500 || rows.length >= res.total) break;
    }
    await exportRows({
      filename: exportFileName(t('share.grant.exportName')),
      sheetName: t('share.grant.title'),
      columns: exportColumns(t),
      rows,
    });
  };

  const columns: TableColumnsType<Grant> = [
    {
      title: t('share.field.resource'),
      key: 'resource',
      render: (_: unknown, g) => (
        <Space orientation="vertical" size={0}>
          <Button
            type="link"
            size="small"
            style={{ padding: 0, height: 'auto' }}
            onClick={() => {
              update({ id: g.id });
            }}
            data-testid={`grant-open-${g.id}`}
            data-resource={g.resourceCode}
          >
            {g.resourceName}
          </Button>
          <Typography.Text type="secondary">
            <Mono>{g.resourceCode}</Mono> · {t('share.grant.itemCount', { count: g.items.length })}
          </Typography.Text>
        </Space>
      ),
    },
    { title: t('share.field.provider'), dataIndex: 'providerOrgName', width: 150 },
    { title: t('share.field.consumer'), dataIndex: 'consumerOrgName', width: 150 },
    {
      title: t('share.field.operations'),
      dataIndex: 'operations',
      width: 170,
      render: (ops: string[]) => <OperationTags operations={ops} />,
    },
    {
      title: t('share.field.validity'),
      key: 'validity',
      width: 200,
      render: (_: unknown, g) =>
        `${formatDate(g.validFrom)} ~ ${g.validTo ? formatDate(g.validTo) : t('share.grant.noEnd')}`,
    },
    {
      title: t('share.field.origin'),
      dataIndex: 'origin',
      width: 120,
      render: (_: unknown, g) => <OriginTag origin={g.origin} />,
    },
    {
      title: t('share.field.status'),
      dataIndex: 'status',
      width: 90,
      render: (s: GrantStatus) => <GrantStatusTag status={s} />,
    },
  ];

  return (
    <>
      <PageHeader
        title={t('share.grant.title')}
        description={t('share.grant.description')}
        extra={
          <>
            <Button icon={<ReloadOutlined />} onClick={list.reload}>
              {t('common.refresh')}
            </Button>
            <ExportButton
              onExport={exportAll}
              disabled={!list.data || list.data.total === 0}
              testId="grants-export"
            />
          </>
        }
      />
      <Card>
        <div className="table-toolbar">
          <Segmented<Side>
            value={side}
            onChange={(value) => {
              update({ side: value === 'all' ? null : value, page: null });
            }}
            options={SIDES.map((s) => ({ value: s, label: t(`share.grant.side.${s}`) }))}
            data-testid="grants-side"
          />
          <Select<GrantStatus>
            allowClear
            placeholder={t('share.grant.statusFilter')}
            style={{ width: 160 }}
            value={status}
            onChange={(value) => {
              update({ status: value ?? null, page: null });
            }}
            options={GRANT_STATUSES.map((s) => ({ value: s, label: t(`share.grantStatus.${s}`) }))}
            data-testid="grants-status-filter"
          />
        </div>
        {list.error ? (
          <LoadError error={list.error} onRetry={list.reload} />
        ) : (
          <Table<Grant>
            rowKey="id"
            size="middle"
            loading={list.loading}
            columns={columns}
            dataSource={list.data?.items ?? []}
            scroll={{ x: 1100 }}
            locale={{ emptyText: t('share.grant.empty') }}
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
            data-testid="grants-table"
          />
        )}
      </Card>
      <GrantDrawer
        id={id}
        onClose={() => {
          update({ id: null });
        }}
        onChanged={list.reload}
      />
    </>
  );
}
