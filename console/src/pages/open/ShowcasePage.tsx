import {
  CheckOutlined,
  CloseOutlined,
  PictureOutlined,
  ReloadOutlined,
  StopOutlined,
} from '@ant-design/icons';
import { App, Button, Card, Space, Table, Tabs, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { api } from '../../api';
import { LoadError, PageHeader } from '../../components/common';
import { formatDateTime } from '../../format';
import { useAsync, useRetained } from '../../hooks';
import type { Paged, ShowcaseEntry, ShowcaseStatus } from './open';
import { SHOWCASE_STATUSES, showcaseImageUrl } from './open';

const PAGE_SIZE = 20;
import { ModerateModal } from './ModerateModal';
import { PublicUrl, ShowcaseStatusTag } from './OpenParts';

/** The datasets an entry uses: names when the answer carries them, else the codes. */
function DatasetTags({ entry }: { entry: ShowcaseEntry }) {
  const named = entry.datasets ?? entry.datasetCodes.map((code) => ({ code, name: '' }));
  if (named.length === 0) return <span>—</span>;
  return (
    <Space size={[4, 4]} wrap>
      {named.map((d) => (
        <Tag key={d.code}>
          {d.name ? `${d.name} ` : ''}
          <span className="mono">{d.code}</span>
        </Tag>
      ))}
    </Space>
  );
}

/**
 * 数据开放 › 应用展示审核 (R5.8): applications built on open data that the public submits for the
 * showcase. Everything they typed is shown as text; the address becomes a link only when it is
 * http(s), opened without referrer and marked nofollow.
 */
export function ShowcasePage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const requested = params.get('status');
  const status: ShowcaseStatus =
    requested && (SHOWCASE_STATUSES as readonly string[]).includes(requested)
      ? (requested as ShowcaseStatus)
      : 'pending';
  const [moderating, setModerating] = useState<{ entry: ShowcaseEntry; approve: boolean } | null>(
    null,
  );

  const shown = useRetained(moderating);
  const page = Math.max(1, Number(params.get('page') ?? '1') || 1);
  const list = useAsync(
    (signal) =>
      api.get<Paged<ShowcaseEntry>>('/open/showcase', {
        signal,
        query: { status, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE },
      }),
    `${status}|${String(page)}`,
  );
  const items = list.data?.items ?? [];

  const columns: TableColumnsType<ShowcaseEntry> = [
    {
      title: t('open.showcase.image'),
      key: 'image',
      width: 120,
      render: (_: unknown, r) =>
        r.hasImage ? (
          <a
            href={showcaseImageUrl(r.id)}
            target="_blank"
            rel="noopener noreferrer"
            title={t('open.showcase.fullImage')}
          >
            <img
              src={showcaseImageUrl(r.id)}
              alt={r.title}
              width={96}
              height={64}
              loading="lazy"
              style={{ objectFit: 'cover', borderRadius: 4, border: '1px solid #f0f0f0' }}
              data-testid={`open-showcase-image-${r.id}`}
            />
          </a>
        ) : (
          <Typography.Text type="secondary">
            <PictureOutlined /> {t('open.showcase.noImage')}
          </Typography.Text>
        ),
    },
    {
      title: t('open.showcase.entry'),
      key: 'entry',
      render: (_: unknown, r) => (
        <Space orientation="vertical" size={4} style={{ width: '100%' }}>
          <Typography.Text strong>{r.title}</Typography.Text>
          <Typography.Paragraph
            className="pre-wrap"
            style={{ marginBottom: 0 }}
            ellipsis={{ rows: 3, expandable: 'collapsible' }}
          >
            {r.description}
          </Typography.Paragraph>
          <PublicUrl url={r.url} testId={`open-showcase-link-${r.id}`} />
        </Space>
      ),
    },
    {
      title: t('open.showcase.datasets'),
      key: 'datasets',
      width: 220,
      render: (_: unknown, r) => <DatasetTags entry={r} />,
    },
    {
      title: t('open.showcase.submitter'),
      key: 'submitter',
      width: 150,
      render: (_: unknown, r) => (
        <Space orientation="vertical" size={0}>
          <span>{r.submitter?.displayName ?? r.submitterName ?? '—'}</span>
          <Typography.Text type="secondary">{formatDateTime(r.createdAt)}</Typography.Text>
        </Space>
      ),
    },
    {
      title: t('open.field.status'),
      key: 'status',
      width: 170,
      render: (_: unknown, r) => (
        <Space orientation="vertical" size={2}>
          <ShowcaseStatusTag status={r.status} />
          {r.moderationNote ? (
            <Typography.Text type="secondary" className="pre-wrap">
              {r.moderationNote}
            </Typography.Text>
          ) : null}
          {r.moderatedAt ? (
            <Typography.Text type="secondary">
              {formatDateTime(r.moderatedAt)}
              {r.moderatedBy ? ` · ${r.moderatedBy}` : ''}
            </Typography.Text>
          ) : null}
        </Space>
      ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 170,
      fixed: 'right',
      render: (_: unknown, r) =>
        r.status === 'pending' ? (
          <Space>
            <Button
              size="small"
              type="primary"
              icon={<CheckOutlined />}
              onClick={() => {
                setModerating({ entry: r, approve: true });
              }}
              data-testid={`open-showcase-approve-${r.id}`}
            >
              {t('open.common.approve')}
            </Button>
            <Button
              size="small"
              danger
              icon={<CloseOutlined />}
              onClick={() => {
                setModerating({ entry: r, approve: false });
              }}
              data-testid={`open-showcase-reject-${r.id}`}
            >
              {t('open.common.reject')}
            </Button>
          </Space>
        ) : r.status === 'approved' ? (
          <Button
            size="small"
            danger
            icon={<StopOutlined />}
            onClick={() => {
              setModerating({ entry: r, approve: false });
            }}
            data-testid={`open-showcase-takedown-${r.id}`}
          >
            {t('open.showcase.takeDown')}
          </Button>
        ) : null,
    },
  ];

  return (
    <>
      <PageHeader
        title={t('open.showcase.title')}
        description={t('open.showcase.description')}
        extra={
          <Button icon={<ReloadOutlined />} onClick={list.reload}>
            {t('common.refresh')}
          </Button>
        }
      />
      <Card>
        <Tabs
          activeKey={status}
          onChange={(key) => {
            const next = new URLSearchParams(params);
            if (key === 'pending') next.delete('status');
            else next.set('status', key);
            next.delete('page');
            setParams(next, { replace: true });
          }}
          items={SHOWCASE_STATUSES.map((s) => ({
            key: s,
            label: (
              <span data-testid={`open-showcase-tab-${s}`}>{t(`open.showcaseStatus.${s}`)}</span>
            ),
          }))}
        />
        {list.error ? (
          <LoadError error={list.error} onRetry={list.reload} />
        ) : (
          <Table<ShowcaseEntry>
            rowKey="id"
            size="middle"
            loading={list.loading}
            columns={columns}
            dataSource={items}
            scroll={{ x: 1100 }}
            onRow={(r) => ({ 'data-testid': `open-showcase-row-${r.id}` }) as object}
            locale={{ emptyText: t(`open.showcase.empty.${status}`) }}
            pagination={{
              current: page,
              pageSize: PAGE_SIZE,
              total: list.data?.total ?? 0,
              onChange: (p) => {
                const next = new URLSearchParams(params);
                if (p === 1) next.delete('page');
                else next.set('page', String(p));
                setParams(next, { replace: true });
              },
              hideOnSinglePage: true,
              showSizeChanger: false,
              showTotal: (n) => t('common.total', { count: n }),
            }}
            data-testid="open-showcase-table"
          />
        )}
      </Card>
      <ModerateModal
        approve={moderating?.approve ?? null}
        path={`/open/showcase/${encodeURIComponent(shown?.entry.id ?? '')}/moderate`}
        title={t(
          shown?.approve
            ? 'open.showcase.approveTitle'
            : shown?.entry.status === 'approved'
              ? 'open.showcase.takeDownTitle'
              : 'open.showcase.rejectTitle',
        )}
        summary={shown?.entry.title}
        testId="open-showcase-moderate"
        onClose={() => {
          setModerating(null);
        }}
        onDone={(approved) => {
          setModerating(null);
          message.success(t(approved ? 'open.showcase.approved' : 'open.showcase.rejected'));
          list.reload();
        }}
      />
    </>
  );
}
