import { ArrowRightOutlined } from '@ant-design/icons';
import { Card, Empty, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Mono } from '../components/common';
import { diffContent } from './diff';
import type { FieldChange, ItemChange, ItemChangeKind } from './diff';
import { itemAttrText } from './fields';
import { useShareClassName } from './labels';
import type { ResourceVersion } from './model';

const KIND_COLORS: Record<ItemChangeKind, string> = {
  added: 'green',
  removed: 'red',
  changed: 'gold',
  unchanged: 'default',
};

function Value({ text, tone }: { text: string; tone?: 'old' | 'new' }) {
  if (!text) return <Typography.Text type="secondary">—</Typography.Text>;
  return <span className={tone ? `diff-${tone} pre-wrap` : 'pre-wrap'}>{text}</span>;
}

/**
 * Side-by-side comparison of two versions of an entry: changed fields highlighted, data items
 * marked added / removed / changed (with the changed attributes, old → new).
 */
export function VersionDiff({
  versions,
  from: initialFrom,
  to: initialTo,
  fixed = false,
}: {
  /** Versions of one entry, any order. */
  versions: ResourceVersion[];
  from?: number;
  to?: number;
  /** Compare exactly `from` and `to`, without version pickers (review page). */
  fixed?: boolean;
}) {
  const { t } = useTranslation();
  const shareName = useShareClassName();
  const sorted = useMemo(() => [...versions].sort((a, b) => a.version - b.version), [versions]);
  const last = sorted[sorted.length - 1];
  const [from, setFrom] = useState<number | undefined>(
    initialFrom ?? sorted[sorted.length - 2]?.version ?? last?.version,
  );
  const [to, setTo] = useState<number | undefined>(initialTo ?? last?.version);
  const [onlyChanged, setOnlyChanged] = useState(true);

  const a = sorted.find((v) => v.version === from);
  const b = sorted.find((v) => v.version === to);
  const diff = useMemo(
    () => (a && b ? diffContent(t, shareName, a.content, b.content) : null),
    [a, b, t, shareName],
  );

  if (sorted.length < 2 && !fixed) {
    return <Empty description={t('diff.singleVersion')} data-testid="diff-single" />;
  }

  const versionLabel = (v: ResourceVersion) =>
    `${t('resource.versionN', { version: v.version })} · ${t(`catalog.status.${v.status}`)}`;
  const options = sorted.map((v) => ({ value: v.version, label: versionLabel(v) }));
  const heading = (v: ResourceVersion | undefined) =>
    v ? t('resource.versionN', { version: v.version }) : '—';

  const fieldColumns: TableColumnsType<FieldChange> = [
    {
      title: t('diff.field'),
      dataIndex: 'key',
      width: 140,
      render: (key: FieldChange['key'], f) => (
        <Space size={4}>
          <span>{t(`catalog.field.${key}`)}</span>
          {f.changed ? <Tag color="gold">{t('diff.changed')}</Tag> : null}
        </Space>
      ),
    },
    {
      title: heading(a),
      dataIndex: 'before',
      render: (text: string, f) => <Value text={text} tone={f.changed ? 'old' : undefined} />,
    },
    {
      title: heading(b),
      dataIndex: 'after',
      render: (text: string, f) => <Value text={text} tone={f.changed ? 'new' : undefined} />,
    },
  ];

  const itemCell = (change: ItemChange, side: 'before' | 'after'): ReactNode => {
    const item = change[side];
    if (!item) return <Typography.Text type="secondary">—</Typography.Text>;
    const tone = change.kind === 'unchanged' ? undefined : side === 'before' ? 'old' : 'new';
    const attrs =
      change.kind === 'changed'
        ? change.changedAttrs.filter((x) => x !== 'name' && x !== 'column')
        : [];
    return (
      <div>
        <Space size={6} wrap>
          <span className={change.changedAttrs.includes('name') ? `diff-${tone ?? ''}` : ''}>
            {item.name}
          </span>
          <span className={change.changedAttrs.includes('column') ? `diff-${tone ?? ''}` : ''}>
            <Mono>{item.column}</Mono>
          </span>
          {change.kind === 'changed' ? null : (
            <Typography.Text type="secondary">
              {itemAttrText(t, item, 'type')}
              {item.length ? `(${String(item.length)})` : ''}
            </Typography.Text>
          )}
        </Space>
        {attrs.map((attr) => (
          <div key={attr} className="diff-attr">
            <Typography.Text type="secondary">{t(`catalog.item.${attr}`)}：</Typography.Text>
            <Value text={itemAttrText(t, item, attr)} tone={tone} />
          </div>
        ))}
      </div>
    );
  };

  const itemColumns: TableColumnsType<ItemChange & { index: number }> = [
    {
      title: t('diff.change'),
      dataIndex: 'kind',
      width: 90,
      render: (kind: ItemChangeKind) => (
        <Tag color={KIND_COLORS[kind]} data-testid={`diff-kind-${kind}`}>
          {t(`diff.${kind}`)}
        </Tag>
      ),
    },
    { title: heading(a), key: 'before', render: (_: unknown, c) => itemCell(c, 'before') },
    { title: heading(b), key: 'after', render: (_: unknown, c) => itemCell(c, 'after') },
  ];

  const shownFields = diff ? diff.fields.filter((f) => !onlyChanged || f.changed) : [];
  const shownItems = diff
    ? diff.items
        .map((c, index) => ({ ...c, index }))
        .filter((c) => !onlyChanged || c.kind !== 'unchanged')
    : [];

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="version-diff">
      <div className="table-toolbar" style={{ marginBottom: 0 }}>
        {fixed ? (
          <Space>
            <Tag>{a ? versionLabel(a) : '—'}</Tag>
            <ArrowRightOutlined />
            <Tag color="blue">{b ? versionLabel(b) : '—'}</Tag>
          </Space>
        ) : (
          <Space wrap>
            <Select
              value={from}
              options={options}
              onChange={setFrom}
              style={{ width: 200 }}
              aria-label={t('diff.from')}
              data-testid="diff-from"
            />
            <ArrowRightOutlined />
            <Select
              value={to}
              options={options}
              onChange={setTo}
              style={{ width: 200 }}
              aria-label={t('diff.to')}
              data-testid="diff-to"
            />
          </Space>
        )}
        <Space wrap>
          {diff ? (
            <Typography.Text type="secondary" data-testid="diff-summary">
              {t('diff.summary', {
                fields: diff.changedFieldCount,
                added: diff.counts.added,
                removed: diff.counts.removed,
                changed: diff.counts.changed,
              })}
            </Typography.Text>
          ) : null}
          <Switch checked={onlyChanged} onChange={setOnlyChanged} size="small" />
          <span>{t('diff.onlyChanged')}</span>
        </Space>
      </div>
      <Card size="small" title={t('diff.fieldsTitle')}>
        <Table<FieldChange>
          rowKey="path"
          size="small"
          columns={fieldColumns}
          dataSource={shownFields}
          pagination={false}
          rowClassName={(f) => (f.changed ? 'diff-row-changed' : '')}
          locale={{ emptyText: t('diff.noFieldChanges') }}
          data-testid="diff-fields"
        />
      </Card>
      <Card size="small" title={t('diff.itemsTitle')}>
        <Table<ItemChange & { index: number }>
          rowKey="index"
          size="small"
          columns={itemColumns}
          dataSource={shownItems}
          pagination={false}
          rowClassName={(c) => `diff-row-${c.kind}`}
          locale={{ emptyText: t('diff.noItemChanges') }}
          data-testid="diff-items"
        />
      </Card>
    </Space>
  );
}
