import {
  ApartmentOutlined,
  CheckCircleOutlined,
  CommentOutlined,
  FileDoneOutlined,
  ThunderboltOutlined,
} from '@ant-design/icons';
import {
  App,
  Button,
  Card,
  Input,
  Segmented,
  Select,
  Skeleton,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import type { TableColumnsType } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { api } from '../../api';
import { useMe } from '../../auth';
import { ShareClassTag, enumLabel, useShareClassName } from '../../catalog/labels';
import type { SearchHit, SearchResult, ShareClass } from '../../catalog/model';
import { SHARE_CLASSES } from '../../catalog/model';
import { LoadError, Mono, PageHeader } from '../../components/common';
import { filterOptionByLabel, formatDate } from '../../format';
import { useAsync } from '../../hooks';
import type { ApplyMode, ApplyResult, ApplyTarget } from './ApplyModal';
import { ApplyModal } from './ApplyModal';
import type { Grant, Paged, ShareRequest } from './share';
import { consumerOrgs, defaultMasking, isMemberOf, loadLiveVersion } from './share';

const PAGE_SIZE = 20;

const MODE_BY_CLASS: Record<ShareClass, ApplyMode> = {
  unconditional: 'obtain',
  conditional: 'request',
  none: 'dispute',
};

/** The data items of a published resource, loaded when its row is expanded. */
function ResourceItems({ code, version }: { code: string; version: number }) {
  const { t } = useTranslation();
  const resource = useAsync(
    (signal) => loadLiveVersion(code, signal, version),
    `${code}@${String(version)}`,
  );
  if (resource.error) return <LoadError error={resource.error} onRetry={resource.reload} />;
  const content = resource.data?.content;
  if (!content) return <Skeleton active paragraph={{ rows: 2 }} />;
  return (
    <Space orientation="vertical" size={6} style={{ width: '100%' }}>
      <Typography.Text type="secondary">{content.summary}</Typography.Text>
      <div>
        <Typography.Text strong>
          {t('share.catalog.itemsTitle', { count: content.items.length })}
        </Typography.Text>
      </div>
      <Space size={[6, 6]} wrap data-testid={`share-items-of-${code}`}>
        {content.items.map((item) => {
          const rule = defaultMasking(item);
          return (
            <Tooltip key={item.column} title={item.description || item.column}>
              <Tag color={item.key ? 'blue' : undefined}>
                {item.name}
                {rule !== 'none' ? (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {' '}
                    · {t(`share.masking.${rule}`)}
                  </Typography.Text>
                ) : null}
              </Tag>
            </Tooltip>
          );
        })}
      </Space>
      {content.share.conditions ? (
        <Typography.Text>
          {t('share.field.conditions')}：{content.share.conditions}
        </Typography.Text>
      ) : null}
      {content.share.class !== 'unconditional' && content.share.legalBasis ? (
        <Typography.Text type="secondary">
          {t('share.field.catalogBasis')}：{content.share.legalBasis}
        </Typography.Text>
      ) : null}
    </Space>
  );
}

/**
 * 数据共享 › 共享目录 (consumer, R4.1-R4.6): the published resources of the catalog with their share
 * class, and by class the way to the data: 直接获取 (unconditional), 申请共享 (conditional), 提请协调
 * (not shared). Grants the caller's organisations already hold and requests in progress are marked.
 */
export function SharingCatalogPage() {
  const { t } = useTranslation();
  const me = useMe();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const shareName = useShareClassName();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const shareClass = params.get('shareClass');
  const provider = params.get('provider');
  const page = Math.max(1, Number(params.get('page')) || 1);
  const [draft, setDraft] = useState(q);
  const [target, setTarget] = useState<ApplyTarget | null>(null);
  useEffect(() => {
    setDraft(q);
  }, [q]);
  const canApply = consumerOrgs(me).length > 0;

  const update = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value === null || value === '') next.delete(key);
      else next.set(key, value);
    }
    if (!('page' in changes)) next.delete('page');
    setParams(next, { replace: true });
  };

  const key = params.toString();
  const result = useAsync(
    (signal) =>
      api.get<SearchResult>('/catalog/search', {
        signal,
        query: {
          q: q.trim(),
          shareClass,
          provider,
          limit: PAGE_SIZE,
          offset: (page - 1) * PAGE_SIZE,
        },
      }),
    key,
  );

  // What the caller's organisations hold already, and what they asked for and await.
  const held = useAsync(async (signal) => {
    const [grants, pending] = await Promise.all([
      api
        .get<Paged<Grant>>('/share/grants', {
          signal,
          query: { side: 'consumer', status: 'active', limit: 500 },
        })
        .catch(() => ({ items: [], total: 0 })),
      api
        .get<Paged<ShareRequest>>('/share/requests', {
          signal,
          query: { box: 'sent', status: 'pending', limit: 500 },
        })
        .catch(() => ({ items: [], total: 0 })),
    ]);
    return { grants: grants.items, pending: pending.items };
  }, 'held');
  const grantsByResource = useMemo(() => {
    const map = new Map<string, Grant>();
    for (const g of held.data?.grants ?? [])
      if (!map.has(g.resourceCode)) map.set(g.resourceCode, g);
    return map;
  }, [held.data]);
  const pendingByResource = useMemo(() => {
    const map = new Map<string, ShareRequest>();
    for (const r of held.data?.pending ?? []) map.set(r.resourceCode, r);
    return map;
  }, [held.data]);

  const data = result.data;
  const classCounts = new Map((data?.facets.shareClass ?? []).map((f) => [f.value, f.count]));

  const onDone = (res: ApplyResult) => {
    setTarget(null);
    held.reload();
    if (res.mode === 'obtain') {
      message.success(t('share.catalog.obtained', { name: res.grant.resourceName }));
      void navigate(`/sharing/grants?id=${res.grant.id}`);
    } else if (res.mode === 'request') {
      message.success(
        res.request.autoApproved
          ? t('share.catalog.autoApproved', {
              code: res.request.code,
              scenario: res.request.scenarioCode ?? '',
            })
          : t('share.catalog.requested', {
              code: res.request.code,
              date: formatDate(res.request.dueDate),
            }),
      );
      void navigate(`/sharing/requests?box=sent&code=${res.request.code}`);
    } else {
      message.success(t('share.catalog.disputed', { code: res.dispute.code }));
      void navigate(`/sharing/disputes?code=${res.dispute.code}`);
    }
  };

  const actionButton = (hit: SearchHit) => {
    if (isMemberOf(me, hit.orgCode)) {
      return <Tag>{t('share.catalog.ownResource')}</Tag>;
    }
    if (!canApply) return null;
    const mode = MODE_BY_CLASS[hit.shareClass];
    const icons = {
      obtain: <ThunderboltOutlined />,
      request: <FileDoneOutlined />,
      dispute: <CommentOutlined />,
    };
    const holds = grantsByResource.has(hit.code);
    return (
      <Button
        size="small"
        type={mode === 'dispute' || holds ? 'default' : 'primary'}
        icon={icons[mode]}
        onClick={() => {
          setTarget({
            mode,
            code: hit.code,
            version: hit.version,
            name: hit.name,
            orgName: hit.orgName,
          });
        }}
        data-testid={`share-action-${hit.code}`}
      >
        {t(`share.catalog.action.${mode}`)}
      </Button>
    );
  };

  const columns: TableColumnsType<SearchHit> = [
    {
      title: t('share.field.resource'),
      key: 'name',
      render: (_: unknown, hit) => (
        <Space orientation="vertical" size={0}>
          <Link to={`/catalog/resources/${encodeURIComponent(hit.code)}`}>{hit.name}</Link>
          <Mono>{hit.code}</Mono>
        </Space>
      ),
    },
    {
      title: t('share.field.provider'),
      dataIndex: 'orgName',
      width: 170,
      render: (name: string) => (
        <span>
          <ApartmentOutlined /> {name}
        </span>
      ),
    },
    {
      title: t('share.field.shareClass'),
      dataIndex: 'shareClass',
      width: 150,
      render: (value: string) => <ShareClassTag value={value} />,
    },
    {
      title: t('share.catalog.updateCycle'),
      dataIndex: 'updateCycle',
      width: 100,
      render: (value: string) => enumLabel(t, 'cycle', value),
    },
    {
      title: t('share.catalog.myStatus'),
      key: 'mine',
      width: 170,
      render: (_: unknown, hit) => {
        const grant = grantsByResource.get(hit.code);
        const pending = pendingByResource.get(hit.code);
        return (
          <Space orientation="vertical" size={2}>
            {grant ? (
              <Link to={`/sharing/grants?id=${grant.id}`} data-testid={`share-held-${hit.code}`}>
                <Tag color="success" icon={<CheckCircleOutlined />}>
                  {grant.validTo
                    ? t('share.catalog.heldUntil', { date: formatDate(grant.validTo) })
                    : t('share.catalog.held')}
                </Tag>
              </Link>
            ) : null}
            {pending ? (
              <Link
                to={`/sharing/requests?box=sent&code=${pending.code}`}
                data-testid={`share-pending-${hit.code}`}
              >
                <Tag color="processing">{t('share.catalog.pending', { code: pending.code })}</Tag>
              </Link>
            ) : null}
            {!grant && !pending ? <Typography.Text type="secondary">—</Typography.Text> : null}
          </Space>
        );
      },
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 130,
      fixed: 'right',
      render: (_: unknown, hit) => actionButton(hit),
    },
  ];

  return (
    <>
      <PageHeader title={t('share.catalog.title')} description={t('share.catalog.description')} />
      <Card>
        <div className="table-toolbar">
          <Space wrap>
            <Input.Search
              allowClear
              style={{ width: 320 }}
              placeholder={t('share.catalog.searchPlaceholder')}
              value={draft}
              maxLength={200}
              onChange={(e) => {
                setDraft(e.target.value);
              }}
              onSearch={(value) => {
                update({ q: value.trim() || null });
              }}
              data-testid="share-catalog-search"
            />
            <Select<string>
              allowClear
              showSearch={{ filterOption: filterOptionByLabel }}
              style={{ width: 200 }}
              placeholder={t('share.catalog.providerFilter')}
              value={provider ?? undefined}
              onChange={(value) => {
                update({ provider: value ?? null });
              }}
              options={(data?.facets.provider ?? []).map((f) => ({
                value: f.value,
                label: f.label,
              }))}
              data-testid="share-catalog-provider"
            />
          </Space>
          <Segmented<string>
            value={shareClass ?? 'all'}
            onChange={(value) => {
              update({ shareClass: value === 'all' ? null : value });
            }}
            options={[
              { value: 'all', label: t('common.all') },
              ...SHARE_CLASSES.map((c) => ({
                value: c,
                label: (
                  <span data-testid={`share-class-${c}`}>
                    {shareName(c)}
                    {classCounts.has(c) ? ` (${String(classCounts.get(c))})` : ''}
                  </span>
                ),
              })),
            ]}
            data-testid="share-catalog-class"
          />
        </div>
        <Typography.Paragraph type="secondary" style={{ marginTop: -4 }}>
          {t('share.catalog.classHint')}
        </Typography.Paragraph>
        {result.error ? (
          <LoadError error={result.error} onRetry={result.reload} />
        ) : (
          <Table<SearchHit>
            rowKey="code"
            size="middle"
            loading={result.loading}
            columns={columns}
            dataSource={data?.items ?? []}
            scroll={{ x: 1000 }}
            expandable={{
              expandedRowRender: (hit) => <ResourceItems code={hit.code} version={hit.version} />,
            }}
            locale={{
              emptyText: q ? t('share.catalog.emptyQuery', { q }) : t('share.catalog.empty'),
            }}
            pagination={{
              current: page,
              pageSize: PAGE_SIZE,
              total: data?.total ?? 0,
              hideOnSinglePage: true,
              showSizeChanger: false,
              showTotal: (n) => t('common.total', { count: n }),
              onChange: (p) => {
                update({ page: p === 1 ? null : String(p) });
              },
            }}
            data-testid="share-catalog-table"
          />
        )}
      </Card>
      <ApplyModal
        target={target}
        onClose={() => {
          setTarget(null);
        }}
        onDone={onDone}
      />
    </>
  );
}
