import { DownOutlined, SearchOutlined, UndoOutlined } from '@ant-design/icons';
import { Button, DatePicker, Input, Select, Space, Table, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import type { Dayjs } from 'dayjs';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { LoadError, Mono } from '../../components/common';
import { filterOptionByLabel, formatDateTime } from '../../format';
import { useOrgs } from '../../hooks';
import type { EventFilters, LedgerEvent, LedgerEventPage, LedgerKind } from './ledgerApi';
import { LEDGER_KINDS } from './ledgerApi';
import { KindTag, LeafIndexCell, OrgCell, OutcomeTag } from './LedgerParts';

const PAGE_SIZE = 50;

interface Draft {
  kind?: LedgerKind;
  type: string;
  target: string;
  orgCode?: string;
  range: [Dayjs | null, Dayjs | null] | null;
}

const EMPTY: Draft = { type: '', target: '', range: null };

function toFilters(draft: Draft): EventFilters {
  const from = draft.range?.[0];
  const to = draft.range?.[1];
  return {
    kind: draft.kind,
    type: draft.type.trim() || undefined,
    target: draft.target.trim() || undefined,
    orgCode: draft.orgCode,
    from: from ? from.format('YYYY-MM-DD') : undefined,
    to: to ? to.format('YYYY-MM-DD') : undefined,
  };
}

/**
 * 事件检索: the ledger's events newest first, by kind, type (or type prefix), target, organisation
 * and date; cursor pagination (加载更多). A row opens the event with its proof.
 */
export function EventsTab({ onOpen }: { onOpen: (id: number) => void }) {
  const { t } = useTranslation();
  const orgs = useOrgs();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [items, setItems] = useState<LedgerEvent[]>([]);
  const [nextBefore, setNextBefore] = useState<number | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  /** The filters of the list on screen; "load more" continues with them. */
  const applied = useRef<EventFilters>({});
  /** Only the latest request may update the list. */
  const generation = useRef(0);

  const load = useCallback(async (filters: EventFilters, before: number | null) => {
    const mine = ++generation.current;
    setLoading(true);
    setError(null);
    try {
      const page = await api.get<LedgerEventPage>('/ledger/events', {
        query: { ...filters, limit: PAGE_SIZE, before },
      });
      if (mine !== generation.current) return;
      applied.current = filters;
      setItems((current) => (before === null ? page.items : [...current, ...page.items]));
      setNextBefore(page.nextBefore);
    } catch (e) {
      if (mine !== generation.current) return;
      setError(e);
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    void load({}, null);
    return () => {
      generation.current++;
    };
  }, [load]);

  const search = (next: Draft = draft) => {
    void load(toFilters(next), null);
  };

  const columns: TableColumnsType<LedgerEvent> = [
    {
      title: t('ledger.events.id'),
      dataIndex: 'id',
      width: 110,
      fixed: 'left',
      render: (id: number) => (
        <Button
          type="link"
          size="small"
          style={{ padding: 0 }}
          onClick={(e) => {
            e.stopPropagation();
            onOpen(id);
          }}
          data-testid={`ledger-event-${String(id)}`}
        >
          <span className="mono">#{id}</span>
        </Button>
      ),
    },
    {
      title: t('ledger.events.leafIndex'),
      dataIndex: 'leafIndex',
      width: 110,
      render: (v: number | null) => <LeafIndexCell index={v} />,
    },
    {
      title: t('ledger.events.time'),
      dataIndex: 'occurredAt',
      width: 170,
      render: (v: string) => formatDateTime(v),
    },
    {
      title: t('ledger.events.type'),
      dataIndex: 'type',
      width: 260,
      render: (v: string, e) => (
        <Space size={4}>
          <KindTag kind={e.kind} />
          <Mono>{v}</Mono>
        </Space>
      ),
    },
    {
      title: t('ledger.events.target'),
      dataIndex: 'target',
      width: 200,
      ellipsis: { showTitle: false },
      render: (v: string | null) =>
        v ? (
          <Tooltip title={v} placement="topLeft">
            <span className="mono">{v}</span>
          </Tooltip>
        ) : (
          <Typography.Text type="secondary">—</Typography.Text>
        ),
    },
    {
      title: t('ledger.events.org'),
      key: 'org',
      width: 240,
      render: (_: unknown, e) =>
        e.otherOrgCode || e.otherOrgName ? (
          <Space orientation="vertical" size={0}>
            <OrgCell code={e.orgCode} name={e.orgName} />
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              ↔ <OrgCell code={e.otherOrgCode} name={e.otherOrgName} />
            </Typography.Text>
          </Space>
        ) : (
          <OrgCell code={e.orgCode} name={e.orgName} />
        ),
    },
    {
      title: t('ledger.events.actor'),
      dataIndex: 'actorName',
      width: 180,
      ellipsis: true,
      render: (v: string | null) => v ?? <Typography.Text type="secondary">—</Typography.Text>,
    },
    {
      title: t('ledger.events.outcome'),
      dataIndex: 'outcome',
      width: 90,
      render: (v: string) => <OutcomeTag outcome={v} />,
    },
  ];

  const orgOptions = (orgs.data ?? []).map((o) => ({
    value: o.code,
    label: `${o.name} (${o.code})`,
  }));

  return (
    <div data-testid="ledger-events-tab">
      <div className="table-toolbar">
        <Space wrap>
          <Select<LedgerKind>
            allowClear
            placeholder={t('ledger.events.allKinds')}
            value={draft.kind}
            style={{ width: 130 }}
            options={LEDGER_KINDS.map((k) => ({ value: k, label: t(`ledger.kind.${k}`) }))}
            onChange={(kind) => {
              setDraft((d) => ({ ...d, kind: kind ?? undefined }));
            }}
            data-testid="ledger-filter-kind"
          />
          <Input
            allowClear
            placeholder={t('ledger.events.typePlaceholder')}
            value={draft.type}
            className="mono"
            style={{ width: 330 }}
            onChange={(e) => {
              setDraft((d) => ({ ...d, type: e.target.value }));
            }}
            onPressEnter={() => {
              search();
            }}
            data-testid="ledger-filter-type"
          />
          <Input
            allowClear
            placeholder={t('ledger.events.targetPlaceholder')}
            value={draft.target}
            className="mono"
            style={{ width: 240 }}
            onChange={(e) => {
              setDraft((d) => ({ ...d, target: e.target.value }));
            }}
            onPressEnter={() => {
              search();
            }}
            data-testid="ledger-filter-target"
          />
          <Select<string>
            allowClear
            showSearch={{ filterOption: filterOptionByLabel }}
            placeholder={t('ledger.events.orgPlaceholder')}
            value={draft.orgCode}
            style={{ width: 240 }}
            options={orgOptions}
            loading={orgs.loading}
            onChange={(orgCode) => {
              setDraft((d) => ({ ...d, orgCode: orgCode ?? undefined }));
            }}
            data-testid="ledger-filter-org"
          />
          <DatePicker.RangePicker
            allowEmpty={[true, true]}
            value={draft.range}
            onChange={(range) => {
              setDraft((d) => ({ ...d, range: range ?? null }));
            }}
            data-testid="ledger-filter-dates"
          />
          <Button
            type="primary"
            icon={<SearchOutlined />}
            onClick={() => {
              search();
            }}
            data-testid="ledger-search"
          >
            {t('ledger.events.search')}
          </Button>
          <Button
            icon={<UndoOutlined />}
            onClick={() => {
              setDraft(EMPTY);
              search(EMPTY);
            }}
          >
            {t('ledger.events.reset')}
          </Button>
        </Space>
      </div>
      {error && items.length === 0 ? (
        <LoadError
          error={error}
          onRetry={() => {
            void load(applied.current, null);
          }}
        />
      ) : (
        <>
          <Table<LedgerEvent>
            rowKey="id"
            size="small"
            loading={loading && items.length === 0}
            columns={columns}
            dataSource={items}
            pagination={false}
            scroll={{ x: 1340 }}
            locale={{ emptyText: t('ledger.events.empty') }}
            onRow={(e) => ({
              onClick: () => {
                onOpen(e.id);
              },
              style: { cursor: 'pointer' },
            })}
            data-testid="ledger-events"
          />
          <div style={{ textAlign: 'center', marginTop: 16 }}>
            <Space orientation="vertical" size={4}>
              {nextBefore !== null ? (
                <Button
                  icon={<DownOutlined />}
                  loading={loading && items.length > 0}
                  onClick={() => {
                    void load(applied.current, nextBefore);
                  }}
                  data-testid="ledger-load-more"
                >
                  {t('ledger.events.loadMore')}
                </Button>
              ) : items.length > 0 ? (
                <Typography.Text type="secondary">{t('ledger.events.noMore')}</Typography.Text>
              ) : null}
              {items.length > 0 ? (
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('ledger.events.shown', { count: items.length })}
                </Typography.Text>
              ) : null}
              {error && items.length > 0 ? (
                <Typography.Text type="danger">{t('common.loadFailed')}</Typography.Text>
              ) : null}
            </Space>
          </div>
        </>
      )}
    </div>
  );
}
