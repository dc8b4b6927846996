import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, Checkbox, Empty, Form, Select, Space, Spin, Tag, Typography } from 'antd';
import type { FormInstance } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { ShareClassTag } from '../../catalog/labels';
import type { ResourceVersion, ShareClass } from '../../catalog/model';
import { errorText } from '../../errors';
import { SHARE_OPERATIONS, withCode } from './adminApi';

interface CatalogHit {
  code: string;
  name: string;
  orgName: string;
  shareClass: ShareClass;
}

interface ResourceOption {
  value: string;
  label: string;
  hit: CatalogHit;
}

/** Published catalog entries matching `q` (the catalog's Chinese search), debounced. */
function useCatalogSearch(shareClass: ShareClass | undefined) {
  const { i18n } = useTranslation();
  const [options, setOptions] = useState<ResourceOption[]>([]);
  const [loading, setLoading] = useState(false);
  const seq = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const search = (q: string) => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      const mine = ++seq.current;
      setLoading(true);
      api
        .get<{ items: CatalogHit[] }>('/catalog/search', {
          query: {
            q: q.trim() || undefined,
            shareClass,
            limit: 30,
            sort: q.trim() ? 'relevance' : 'name',
          },
        })
        .then((res) => {
          if (mine !== seq.current) return;
          setOptions(
            res.items.map((hit) => ({
              value: hit.code,
              label: `${withCode(hit.name, hit.code, i18n.language)} · ${hit.orgName}`,
              hit,
            })),
          );
        })
        .catch(() => {
          if (mine === seq.current) setOptions([]);
        })
        .finally(() => {
          if (mine === seq.current) setLoading(false);
        });
    }, 250);
  };
  useEffect(() => {
    search('');
    return () => {
      clearTimeout(timer.current);
    };
  }, []);
  return { options, loading, search };
}

export interface LiveItem {
  column: string;
  name: string;
  key: boolean;
  sensitivity: string;
}

const liveItemCache = new Map<string, Promise<LiveItem[]>>();

/** The data items of the published (live) version of an entry, cached per code. */
export function loadLiveItems(code: string): Promise<LiveItem[]> {
  let entry = liveItemCache.get(code);
  if (!entry) {
    const path = `/catalog/resources/${encodeURIComponent(code)}`;
    entry = api
      .get<ResourceVersion>(path)
      .then(async (latest) =>
        latest.liveVersion !== null && latest.liveVersion !== latest.version
          ? api.get<ResourceVersion>(path, { query: { version: latest.liveVersion } })
          : latest,
      )
      .then((version) =>
        version.content.items.map((item) => ({
          column: item.column,
          name: item.name,
          key: item.key,
          sensitivity: item.sensitivity,
        })),
      )
      .catch((error: unknown) => {
        liveItemCache.delete(code);
        throw error;
      });
    liveItemCache.set(code, entry);
  }
  return entry;
}

/** A checklist of the entry's data items (a form control: value = the chosen columns). */
function ItemChecklist({
  resourceCode,
  value,
  onChange,
  testId,
}: {
  resourceCode: string | undefined;
  value?: string[];
  onChange?: (value: string[]) => void;
  testId: string;
}) {
  const { t } = useTranslation();
  const [state, setState] = useState<{
    code: string;
    items?: LiveItem[];
    error?: unknown;
  } | null>(null);

  useEffect(() => {
    if (!resourceCode) return;
    let active = true;
    setState({ code: resourceCode });
    loadLiveItems(resourceCode)
      .then((items) => {
        if (active) setState({ code: resourceCode, items });
      })
      .catch((error: unknown) => {
        if (active) setState({ code: resourceCode, error });
      });
    return () => {
      active = false;
    };
  }, [resourceCode]);

  if (!resourceCode) {
    return (
      <Typography.Text type="secondary">{t('shareAdmin.resources.pickFirst')}</Typography.Text>
    );
  }
  if (state?.code !== resourceCode || (!state.items && !state.error)) return <Spin size="small" />;
  if (state.error) {
    return <Typography.Text type="danger">{errorText(t, state.error)}</Typography.Text>;
  }
  const items = state.items ?? [];
  if (items.length === 0) {
    return (
      <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('shareAdmin.resources.noItems')} />
    );
  }
  const chosen = value ?? [];
  return (
    <div data-testid={testId}>
      <Space size={12} style={{ marginBottom: 6 }}>
        <Button
          type="link"
          size="small"
          style={{ padding: 0 }}
          onClick={() => onChange?.(items.map((i) => i.column))}
          data-testid={`${testId}-all`}
        >
          {t('shareAdmin.resources.selectAll')}
        </Button>
        <Button
          type="link"
          size="small"
          style={{ padding: 0 }}
          disabled={chosen.length === 0}
          onClick={() => onChange?.([])}
        >
          {t('shareAdmin.resources.clear')}
        </Button>
        <Typography.Text type="secondary">
          {t('shareAdmin.resources.chosen', { count: chosen.length, total: items.length })}
        </Typography.Text>
      </Space>
      <Checkbox.Group
        value={chosen}
        onChange={(next) => onChange?.(next)}
        style={{ display: 'flex', flexWrap: 'wrap', gap: '4px 0' }}
      >
        {items.map((item) => (
          <Checkbox
            key={item.column}
            value={item.column}
            style={{ width: 240, marginInlineEnd: 0 }}
          >
            <span>{item.name}</span>{' '}
            <Typography.Text type="secondary" className="mono" style={{ fontSize: 12 }}>
              {item.column}
            </Typography.Text>
            {item.key ? (
              <Tag color="blue" style={{ marginInlineStart: 4 }}>
                {t('shareAdmin.resources.key')}
              </Tag>
            ) : null}
          </Checkbox>
        ))}
      </Checkbox.Group>
    </div>
  );
}

function ResourceRow({
  form,
  listName,
  name,
  index,
  withOperations,
  itemsRequired,
  shareClass,
  onRemove,
  removable,
}: {
  form: FormInstance;
  listName: string;
  name: number;
  index: number;
  withOperations: boolean;
  itemsRequired: boolean;
  shareClass: ShareClass | undefined;
  onRemove: () => void;
  removable: boolean;
}) {
  const { t } = useTranslation();
  const search = useCatalogSearch(shareClass);
  const [selected, setSelected] = useState<ResourceOption | null>(null);
  const code = Form.useWatch<string | undefined>([listName, name, 'resourceCode'], form);
  const options =
    selected && !search.options.some((o) => o.value === selected.value)
      ? [selected, ...search.options]
      : search.options;

  return (
    <Card
      size="small"
      title={t('shareAdmin.resources.rowTitle', { n: index + 1 })}
      style={{ marginBottom: 12 }}
      extra={
        removable ? (
          <Button
            type="text"
            size="small"
            danger
            icon={<DeleteOutlined />}
            onClick={onRemove}
            aria-label={t('shareAdmin.resources.remove')}
          />
        ) : null
      }
    >
      <Form.Item
        name={[name, 'resourceCode']}
        label={t('shareAdmin.resources.resource')}
        extra={shareClass === 'conditional' ? t('shareAdmin.resources.conditionalOnly') : undefined}
        rules={[
          { required: true, message: t('shareAdmin.resources.resourceRequired') },
          {
            validator: (_, value: string | undefined) => {
              const rows = (form.getFieldValue(listName) ?? []) as { resourceCode?: string }[];
              const same = rows.filter((r) => r.resourceCode && r.resourceCode === value);
              return value && same.length > 1
                ? Promise.reject(new Error(t('shareAdmin.resources.duplicate')))
                : Promise.resolve();
            },
          },
        ]}
      >
        <Select
          showSearch={{ filterOption: false, onSearch: search.search }}
          placeholder={t('shareAdmin.resources.searchPlaceholder')}
          loading={search.loading}
          notFoundContent={
            search.loading ? <Spin size="small" /> : t('shareAdmin.resources.noResult')
          }
          options={options}
          optionRender={(option) => {
            const hit = option.data.hit;
            return (
              <Space size={6}>
                <span>{hit.name}</span>
                <Typography.Text type="secondary" className="mono">
                  {hit.code}
                </Typography.Text>
                <Typography.Text type="secondary">{hit.orgName}</Typography.Text>
                <ShareClassTag value={hit.shareClass} />
              </Space>
            );
          }}
          onChange={(_value: string, option) => {
            setSelected(Array.isArray(option) ? null : (option ?? null));
            form.setFieldValue([listName, name, 'items'], []);
          }}
          data-testid={`resource-select-${String(index)}`}
        />
      </Form.Item>
      <Form.Item
        name={[name, 'items']}
        label={t('shareAdmin.resources.items')}
        extra={itemsRequired ? undefined : t('shareAdmin.resources.itemsOptionalHint')}
        rules={
          itemsRequired
            ? [
                {
                  required: true,
                  type: 'array',
                  min: 1,
                  message: t('shareAdmin.resources.itemsRequired'),
                },
              ]
            : []
        }
      >
        <ItemChecklist resourceCode={code} testId={`resource-items-${String(index)}`} />
      </Form.Item>
      {withOperations ? (
        <Form.Item
          name={[name, 'operations']}
          label={t('shareAdmin.resources.operations')}
          rules={[
            {
              required: true,
              type: 'array',
              min: 1,
              message: t('shareAdmin.resources.operationsRequired'),
            },
          ]}
          style={{ marginBottom: 0 }}
        >
          <Checkbox.Group
            options={SHARE_OPERATIONS.map((op) => ({
              value: op,
              label: t(`shareAdmin.operation.${op}`),
            }))}
            data-testid={`resource-ops-${String(index)}`}
          />
        </Form.Item>
      ) : null}
    </Card>
  );
}

/**
 * 数据资源: a list of published catalog entries, each with its chosen data items and (for
 * scenarios) the operations allowed. Used in a Form as `listName` (an array of
 * `{resourceCode, items, operations?}`).
 */
export function AdminResourceRows({
  form,
  listName = 'resources',
  withOperations,
  itemsRequired,
  shareClass,
}: {
  form: FormInstance;
  listName?: string;
  withOperations: boolean;
  itemsRequired: boolean;
  /** Offer only published entries of this share class. */
  shareClass?: ShareClass;
}) {
  const { t } = useTranslation();
  return (
    <Form.List
      name={listName}
      rules={[
        {
          validator: (_, rows: unknown[] | undefined) =>
            !rows || rows.length === 0
              ? Promise.reject(new Error(t('shareAdmin.resources.atLeastOne')))
              : Promise.resolve(),
        },
      ]}
    >
      {(fields, { add, remove }, { errors }) => (
        <>
          {fields.map((field, index) => (
            <ResourceRow
              key={field.key}
              form={form}
              listName={listName}
              name={field.name}
              index={index}
              withOperations={withOperations}
              itemsRequired={itemsRequired}
              shareClass={shareClass}
              removable={fields.length > 1}
              onRemove={() => {
                remove(field.name);
              }}
            />
          ))}
          <Button
            type="dashed"
            block
            icon={<PlusOutlined />}
            onClick={() => {
              add(withOperations ? { items: [], operations: ['lookup'] } : { items: [] });
            }}
            data-testid="resource-add"
          >
            {t('shareAdmin.resources.add')}
          </Button>
          <Form.ErrorList errors={errors} />
        </>
      )}
    </Form.List>
  );
}
