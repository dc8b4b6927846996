import { CheckOutlined, KeyOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { Card, Descriptions, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { DescriptionsProps, TableColumnsType } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Mono } from '../components/common';
import { formatDate } from '../format';
import { itemAttrText, pathLabel } from './fields';
import { ClassificationTag, OpenClassTag, ShareClassTag, enumLabel } from './labels';
import type { DataItem, ResourceContent } from './model';

function Empty() {
  return <Typography.Text type="secondary">—</Typography.Text>;
}

function text(value: string | undefined | null): ReactNode {
  return value?.trim() ? <span className="pre-wrap">{value}</span> : <Empty />;
}

/** Shows the reviewer's comment on a field beneath its value. */
function withComment(value: ReactNode, comment: string | undefined): ReactNode {
  if (!comment) return value;
  return (
    <>
      {value}
      <div className="field-comment" data-testid="field-comment">
        {comment}
      </div>
    </>
  );
}

const SENSITIVITY_COLORS = { none: undefined, personal: 'orange', sensitive_personal: 'red' };

export function ItemsTable({
  items,
  fieldComments = {},
  testId = 'items-table',
}: {
  items: DataItem[];
  fieldComments?: Record<string, string>;
  testId?: string;
}) {
  const { t } = useTranslation();
  const rowComments = (index: number) =>
    Object.entries(fieldComments)
      .filter(
        ([path]) => path === `items.${String(index)}` || path.startsWith(`items.${String(index)}.`),
      )
      .map(([path, comment]) => `${pathLabel(t, path)}：${comment}`);

  const flag = (on: boolean, icon: ReactNode = <CheckOutlined />) =>
    on ? (
      <span className="flag-on">{icon}</span>
    ) : (
      <Typography.Text type="secondary">—</Typography.Text>
    );

  const columns: TableColumnsType<DataItem & { index: number }> = [
    { title: '#', dataIndex: 'index', width: 48, render: (i: number) => i + 1 },
    {
      title: t('catalog.item.name'),
      dataIndex: 'name',
      width: 160,
      render: (name: string, item) => {
        const comments = rowComments(item.index);
        return (
          <Space size={4} wrap>
            <span>{name}</span>
            {comments.length > 0 ? (
              <Tooltip title={comments.join('\n')}>
                <Tag color="orange">{t('review.fieldCommentMark')}</Tag>
              </Tooltip>
            ) : null}
          </Space>
        );
      },
    },
    {
      title: t('catalog.item.column'),
      dataIndex: 'column',
      width: 150,
      render: (c: string) => <Mono>{c}</Mono>,
    },
    {
      title: t('catalog.item.type'),
      key: 'type',
      width: 110,
      render: (_: unknown, item) => itemAttrText(t, item, 'type'),
    },
    {
      title: t('catalog.item.length'),
      dataIndex: 'length',
      width: 70,
      render: (n: number | undefined) => n ?? <Empty />,
    },
    {
      title: t('catalog.item.key'),
      key: 'key',
      width: 60,
      align: 'center',
      render: (_: unknown, item) => flag(item.key, <KeyOutlined />),
    },
    {
      title: t('catalog.item.required'),
      key: 'required',
      width: 60,
      align: 'center',
      render: (_: unknown, item) => flag(item.required),
    },
    {
      title: t('catalog.item.queryable'),
      key: 'queryable',
      width: 70,
      align: 'center',
      render: (_: unknown, item) => flag(item.queryable),
    },
    {
      title: t('catalog.item.validator'),
      key: 'validator',
      width: 160,
      render: (_: unknown, item) =>
        item.validator && item.validator.kind !== 'none' ? (
          itemAttrText(t, item, 'validator')
        ) : (
          <Empty />
        ),
    },
    {
      title: t('catalog.item.sensitivity'),
      key: 'sensitivity',
      width: 120,
      render: (_: unknown, item) =>
        item.sensitivity === 'none' ? (
          <Empty />
        ) : (
          <Tag color={SENSITIVITY_COLORS[item.sensitivity]}>
            {t(`catalog.sensitivity.${item.sensitivity}`)}
          </Tag>
        ),
    },
    {
      title: t('catalog.item.masking'),
      key: 'masking',
      width: 100,
      render: (_: unknown, item) =>
        item.masking === 'none' ? <Empty /> : t(`catalog.masking.${item.masking}`),
    },
    {
      title: t('catalog.item.authoritative'),
      key: 'authoritative',
      width: 90,
      align: 'center',
      render: (_: unknown, item) => flag(item.authoritative, <SafetyCertificateOutlined />),
    },
    {
      title: t('catalog.item.description'),
      dataIndex: 'description',
      width: 220,
      render: (d: string | undefined) => d ?? <Empty />,
    },
  ];

  return (
    <Table<DataItem & { index: number }>
      rowKey="index"
      size="small"
      columns={columns}
      dataSource={items.map((item, index) => ({ ...item, index }))}
      pagination={false}
      scroll={{ x: 1320 }}
      rowClassName={(item) => (rowComments(item.index).length > 0 ? 'row-commented' : '')}
      locale={{ emptyText: t('catalog.noItems') }}
      data-testid={testId}
    />
  );
}

/** All the metadata of one version of an entry, read-only. */
export function ResourceView({
  code,
  orgName,
  content,
  fieldComments = {},
  compact = false,
}: {
  code?: string;
  orgName: string;
  content: ResourceContent;
  fieldComments?: Record<string, string>;
  /** Narrower layout (two columns), e.g. beside the review panel. */
  compact?: boolean;
}) {
  const { t } = useTranslation();
  const sep = t('common.listSeparator');
  const c = (path: string) => fieldComments[path];
  const item = (
    key: string,
    path: string | null,
    label: ReactNode,
    children: ReactNode,
    span?: number | 'filled',
  ): NonNullable<DescriptionsProps['items']>[number] => ({
    key,
    label,
    children: withComment(children, path ? c(path) : undefined),
    ...(span ? { span } : {}),
  });

  const classification = (
    <Space size={4} wrap>
      <ClassificationTag value={content.classification} />
      {content.classification === 'base' && content.baseKind ? (
        <span>{t(`catalog.baseKind.${content.baseKind}`)}</span>
      ) : null}
      {content.classification === 'thematic' && content.theme ? <span>{content.theme}</span> : null}
    </Space>
  );

  const basic: DescriptionsProps['items'] = [
    item('name', 'name', t('catalog.field.name'), <strong>{content.name}</strong>),
    item('code', null, t('catalog.field.code'), code ? <Mono>{code}</Mono> : <Empty />),
    item('org', null, t('catalog.field.org'), orgName),
    item(
      'classification',
      'classification',
      t('catalog.field.classification'),
      withComment(withComment(classification, c('baseKind')), c('theme')),
    ),
    item(
      'categoryPath',
      'categoryPath',
      t('catalog.field.categoryPath'),
      content.categoryPath.length ? content.categoryPath.join(' / ') : <Empty />,
    ),
    item(
      'updateCycle',
      'updateCycle',
      t('catalog.field.updateCycle'),
      enumLabel(t, 'cycle', content.updateCycle),
    ),
    item('summary', 'summary', t('catalog.field.summary'), text(content.summary), 'filled'),
    item(
      'keywords',
      'keywords',
      t('catalog.field.keywords'),
      content.keywords.length ? (
        <Space size={[4, 4]} wrap>
          {content.keywords.map((k) => (
            <Tag key={k}>{k}</Tag>
          ))}
        </Space>
      ) : (
        <Empty />
      ),
    ),
    item(
      'domains',
      'domains',
      t('catalog.field.domains'),
      content.domains.length ? (
        content.domains.map((d) => enumLabel(t, 'domain', d)).join(sep)
      ) : (
        <Empty />
      ),
    ),
    item(
      'businessMatter',
      'businessMatter',
      t('catalog.field.businessMatter'),
      text(content.businessMatter),
    ),
    item('systemName', 'systemName', t('catalog.field.systemName'), text(content.systemName)),
    item(
      'contact',
      null,
      t('catalog.field.contact'),
      withComment(
        withComment(
          <span>
            {content.contact.name} <Mono>{content.contact.phone}</Mono>
          </span>,
          c('contact.name'),
        ),
        c('contact.phone'),
      ),
    ),
    item(
      'format',
      'formatCategory',
      t('catalog.field.formatCategory'),
      withComment(
        <span>
          {enumLabel(t, 'format', content.formatCategory)}
          {content.storageFormat ? (
            <Typography.Text type="secondary"> · {content.storageFormat}</Typography.Text>
          ) : null}
        </span>,
        c('storageFormat'),
      ),
    ),
    item(
      'releaseDate',
      'releaseDate',
      t('catalog.field.releaseDate'),
      formatDate(content.releaseDate),
    ),
    item(
      'relatedResources',
      'relatedResources',
      t('catalog.field.relatedResources'),
      content.relatedResources.length ? content.relatedResources.join(sep) : <Empty />,
      'filled',
    ),
  ];

  const { share: sh, open } = content;
  /** Shown when the class calls for the field, when it has a value, or when it has a comment. */
  const relevant = (path: string, applies: boolean, value: string | undefined) =>
    applies || Boolean(value?.trim()) || Boolean(c(path));
  type Row = NonNullable<DescriptionsProps['items']>[number];
  const shareItems: Row[] = [
    item(
      'shareClass',
      'share.class',
      t('catalog.field.shareClass'),
      <ShareClassTag value={sh.class} />,
    ),
    item(
      'deliveryMethods',
      'share.deliveryMethods',
      t('catalog.field.deliveryMethods'),
      sh.deliveryMethods.length ? (
        <Space size={[4, 4]} wrap>
          {sh.deliveryMethods.map((m) => (
            <Tag key={m}>{t(`catalog.delivery.${m}`)}</Tag>
          ))}
        </Space>
      ) : (
        <Empty />
      ),
    ),
    ...(relevant('share.conditions', sh.class === 'conditional', sh.conditions)
      ? [
          item(
            'shareConditions',
            'share.conditions',
            t('catalog.field.shareConditions'),
            text(sh.conditions),
            'filled',
          ),
        ]
      : []),
    ...(relevant('share.reasons', sh.class !== 'unconditional', sh.reasons)
      ? [
          item(
            'shareReasons',
            'share.reasons',
            t('catalog.field.shareReasons'),
            text(sh.reasons),
            'filled',
          ),
        ]
      : []),
    ...(relevant('share.legalBasis', sh.class === 'none', sh.legalBasis)
      ? [
          item(
            'legalBasis',
            'share.legalBasis',
            t('catalog.field.legalBasis'),
            text(sh.legalBasis),
            'filled',
          ),
        ]
      : []),
    item('sharePeriod', 'share.period', t('catalog.field.sharePeriod'), text(sh.period), 'filled'),
  ];
  const openItems: Row[] = [
    item(
      'openClass',
      'open.class',
      t('catalog.field.openClass'),
      <OpenClassTag value={open.class} />,
      'filled',
    ),
    ...(relevant('open.conditions', open.class === 'conditional', open.conditions)
      ? [
          item(
            'openConditions',
            'open.conditions',
            t('catalog.field.openConditions'),
            text(open.conditions),
            'filled',
          ),
        ]
      : []),
  ];

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="resource-view">
      <Card title={t('catalog.section.basic')} size="small">
        <Descriptions
          bordered
          size="small"
          column={{ xs: 1, sm: 1, md: 2, lg: 2, xl: compact ? 2 : 3, xxl: compact ? 2 : 3 }}
          items={basic}
          styles={{ label: { width: 120 } }}
        />
      </Card>
      <Card title={t('catalog.section.shareOpen')} size="small">
        <Descriptions
          bordered
          size="small"
          column={{ xs: 1, sm: 1, md: 2, lg: 2, xl: 2, xxl: 2 }}
          items={shareItems}
          styles={{ label: { width: 120 } }}
          data-testid="share-block"
        />
        <Descriptions
          bordered
          size="small"
          style={{ marginTop: 12 }}
          column={{ xs: 1, sm: 1, md: 2, lg: 2, xl: 2, xxl: 2 }}
          items={openItems}
          styles={{ label: { width: 120 } }}
          data-testid="open-block"
        />
      </Card>
      <Card
        title={
          <span>
            {t('catalog.field.items')}
            <Typography.Text type="secondary" style={{ marginInlineStart: 8, fontWeight: 400 }}>
              {t('catalog.itemCount', { count: content.items.length })}
            </Typography.Text>
          </span>
        }
        size="small"
      >
        {c('items') ? (
          <div className="field-comment" style={{ marginBottom: 8 }} data-testid="field-comment">
            {c('items')}
          </div>
        ) : null}
        <ItemsTable items={content.items} fieldComments={fieldComments} />
      </Card>
    </Space>
  );
}
