import { PictureOutlined, StopOutlined } from '@ant-design/icons';
import { App, Button, Space, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../format';
import { useRetained } from '../../hooks';
import type { ShowcaseEntry, ShowcaseStatus } from './open';
import { SHOWCASE_STATUSES, showcaseImageUrl } from './open';

import { ModerateModal } from './ModerateModal';
import { ApproveRejectButtons, ModerationQueue, useModerationQueue } from './ModerationQueue';
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
  const queue = useModerationQueue<ShowcaseEntry, ShowcaseStatus>({
    path: '/open/showcase',
    statuses: SHOWCASE_STATUSES,
    filter: 'status',
  });
  const [moderating, setModerating] = useState<{ entry: ShowcaseEntry; approve: boolean } | null>(
    null,
  );
  const shown = useRetained(moderating);

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
          <ApproveRejectButtons
            testIdPrefix="open-showcase"
            testIdSuffix={r.id}
            onDecide={(approve) => {
              setModerating({ entry: r, approve });
            }}
          />
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
    <ModerationQueue<ShowcaseEntry, ShowcaseStatus>
      queue={queue}
      title={t('open.showcase.title')}
      description={t('open.showcase.description')}
      statuses={SHOWCASE_STATUSES}
      tabLabel={(s) => t(`open.showcaseStatus.${s}`)}
      columns={columns}
      emptyText={t(`open.showcase.empty.${queue.status}`)}
      scrollX={1100}
      testIdPrefix="open-showcase"
      rowTestId={(r) => r.id}
    >
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
          queue.list.reload();
        }}
      />
    </ModerationQueue>
  );
}
