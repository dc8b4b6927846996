import {
  BranchesOutlined,
  EditOutlined,
  EyeOutlined,
  PlusOutlined,
  ReloadOutlined,
} from '@ant-design/icons';
import {
  App,
  Badge,
  Button,
  Card,
  Segmented,
  Select,
  Space,
  Table,
  Tooltip,
  Typography,
} from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { api } from '../../api';
import { useMe } from '../../auth';
import { ClassificationTag, ShareClassTag, StatusTag } from '../../catalog/labels';
import { EDITABLE_STATUSES, STATUSES } from '../../catalog/model';
import type {
  ResourceList,
  ResourceStatus,
  ResourceSummary,
  ResourceVersion,
} from '../../catalog/model';
import { compileMemberships } from '../../catalog/roles';
import { ForbiddenResult, LoadError, Mono, PageHeader } from '../../components/common';
import { errorText } from '../../errors';
import { formatDateTime } from '../../format';
import { useAsync } from '../../hooks';

const PAGE_SIZE = 20;
type Filter = 'all' | ResourceStatus;
const FILTERS: Filter[] = ['all', ...STATUSES.filter((s) => s !== 'superseded')];

/** 我的目录: the entries of the user's organisation, by status. */
export function MyResourcesPage() {
  const { t } = useTranslation();
  const me = useMe();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const orgs = compileMemberships(me);
  const orgCode = orgs.some((m) => m.orgCode === params.get('org'))
    ? (params.get('org') ?? '')
    : (orgs[0]?.orgCode ?? '');
  const statusParam = params.get('status');
  const status: Filter = FILTERS.includes(statusParam as Filter) ? (statusParam as Filter) : 'all';
  const page = Math.max(1, Number(params.get('page')) || 1);
  const { message } = App.useApp();
  const [branching, setBranching] = useState<string | null>(null);

  const list = useAsync(
    (signal) =>
      api.get<ResourceList>('/catalog/resources', {
        signal,
        query: {
          orgCode,
          status: status === 'all' ? undefined : status,
          limit: PAGE_SIZE,
          offset: (page - 1) * PAGE_SIZE,
        },
      }),
    `${orgCode}|${status}|${String(page)}`,
  );

  if (orgs.length === 0) return <ForbiddenResult />;

  /** 新版本: a draft of the next version beside the live one, then its editor. */
  const newVersion = async (code: string) => {
    setBranching(code);
    try {
      const draft = await api.post<ResourceVersion>(
        `/catalog/resources/${encodeURIComponent(code)}/versions`,
      );
      message.success(t('resource.newVersionCreated', { version: draft.version }));
      void navigate(`/catalog/mine/${encodeURIComponent(draft.code)}/edit`);
    } catch (e) {
      message.error(errorText(t, e));
    } finally {
      setBranching(null);
    }
  };

  const update = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) next.delete(k);
      else next.set(k, v);
    }
    if (!('page' in changes)) next.delete('page');
    setParams(next, { replace: true });
  };

  const columns: TableColumnsType<ResourceSummary> = [
    {
      title: t('catalog.field.code'),
      dataIndex: 'code',
      width: 150,
      render: (code: string) => <Mono>{code}</Mono>,
    },
    {
      title: t('catalog.field.name'),
      dataIndex: 'name',
      width: 260,
      render: (name: string, r) => (
        <Link to={`/catalog/resources/${encodeURIComponent(r.code)}`}>{name}</Link>
      ),
    },
    {
      title: t('resource.version'),
      dataIndex: 'version',
      width: 80,
      render: (v: number) => t('resource.versionN', { version: v }),
    },
    {
      title: t('resource.status'),
      dataIndex: 'status',
      width: 100,
      render: (s: ResourceStatus) => <StatusTag status={s} />,
    },
    {
      title: t('catalog.field.classification'),
      dataIndex: 'classification',
      width: 110,
      render: (c: string) => <ClassificationTag value={c} />,
    },
    {
      title: t('catalog.field.shareClass'),
      dataIndex: 'shareClass',
      width: 120,
      render: (c: string) => <ShareClassTag value={c} />,
    },
    {
      title: t('review.duplicates'),
      dataIndex: 'duplicateFlagCount',
      width: 100,
      render: (n: number) =>
        n > 0 ? (
          <Tooltip title={t('review.duplicatesHint')}>
            <Badge count={n} color="orange" />
          </Tooltip>
        ) : (
          <Typography.Text type="secondary">—</Typography.Text>
        ),
    },
    {
      title: t('resource.updatedAt'),
      dataIndex: 'updatedAt',
      width: 170,
      render: (d: string) => formatDateTime(d),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 210,
      fixed: 'right',
      render: (_: unknown, r) => (
        <Space size={0}>
          {EDITABLE_STATUSES.includes(r.status) ? (
            <Button
              type="link"
              size="small"
              icon={<EditOutlined />}
              onClick={() => {
                void navigate(`/catalog/mine/${encodeURIComponent(r.code)}/edit`);
              }}
              data-testid={`mine-edit-${r.code}`}
            >
              {t('common.edit')}
            </Button>
          ) : null}
          {r.status === 'published' ? (
            <Button
              type="link"
              size="small"
              icon={<BranchesOutlined />}
              loading={branching === r.code}
              onClick={() => {
                void newVersion(r.code);
              }}
              data-testid={`mine-new-version-${r.code}`}
            >
              {t('resource.newVersion')}
            </Button>
          ) : null}
          <Button
            type="link"
            size="small"
            icon={<EyeOutlined />}
            onClick={() => {
              void navigate(`/catalog/resources/${encodeURIComponent(r.code)}`);
            }}
            data-testid={`mine-view-${r.code}`}
          >
            {t('resource.show')}
          </Button>
        </Space>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('mine.title')}
        description={t('mine.description')}
        extra={
          <>
            <Button icon={<ReloadOutlined />} onClick={list.reload}>
              {t('common.refresh')}
            </Button>
            <Button
              type="primary"
              icon={<PlusOutlined />}
              onClick={() => {
                void navigate('/catalog/mine/new');
              }}
              data-testid="mine-create"
            >
              {t('mine.create')}
            </Button>
          </>
        }
      />
      <Card>
        <div className="table-toolbar">
          <Segmented<Filter>
            value={status}
            options={FILTERS.map((f) => ({
              value: f,
              label: f === 'all' ? t('common.all') : t(`catalog.status.${f}`),
            }))}
            onChange={(value) => {
              update({ status: value === 'all' ? null : value });
            }}
            data-testid="mine-status"
          />
          {orgs.length > 1 ? (
            <Select
              value={orgCode}
              style={{ minWidth: 220 }}
              options={orgs.map((m) => ({ value: m.orgCode, label: m.orgName }))}
              onChange={(value) => {
                update({ org: value });
              }}
            />
          ) : (
            <Typography.Text type="secondary">{orgs[0]?.orgName}</Typography.Text>
          )}
        </div>
        {list.error ? (
          <LoadError error={list.error} onRetry={list.reload} />
        ) : (
          <Table<ResourceSummary>
            rowKey={(r) => `${r.code}@${String(r.version)}`}
            size="middle"
            loading={list.loading}
            columns={columns}
            dataSource={list.data?.items ?? []}
            scroll={{ x: 1400 }}
            locale={{ emptyText: t('mine.empty') }}
            pagination={{
              current: page,
              pageSize: PAGE_SIZE,
              total: list.data?.total ?? 0,
              hideOnSinglePage: true,
              showTotal: (n) => t('common.total', { count: n }),
              onChange: (p) => {
                update({ page: p > 1 ? String(p) : null });
              },
            }}
            data-testid="mine-table"
          />
        )}
      </Card>
    </>
  );
}
