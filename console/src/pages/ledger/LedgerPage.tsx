import { Card, Space, Tabs } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { api } from '../../api';
import { useMe } from '../../auth';
import { ForbiddenResult, PageHeader } from '../../components/common';
import { useAsync } from '../../hooks';
import { CheckpointCard, STATUS_REFRESH_SECONDS } from './CheckpointCard';
import { EventDrawer } from './EventDrawer';
import { EventsTab } from './EventsTab';
import type { LedgerStatus } from './ledgerApi';
import { canSearchLedger } from './ledgerApi';
import { TraceTab } from './TraceTab';
import { VerifyGuide } from './VerifyGuide';

const TABS = ['events', 'trace'] as const;
type Tab = (typeof TABS)[number];

function eventParam(value: string | null): number | null {
  const n = Number(value);
  return value !== null && Number.isInteger(n) && n > 0 ? n : null;
}

/**
 * 存证核验 (issue 6; R6.2, R5.9, R6.1), for auditors and administrators: the latest signed
 * checkpoint with its cosignatures, a search over the ledger's events with each event's inclusion
 * proof and proof bundle, tracing who accessed a resource, and how outsiders verify on their own.
 * The tab, the traced resource and the open event live in the URL (?tab=trace&resource=…&event=…).
 */
export function LedgerPage() {
  const { t } = useTranslation();
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const requested = params.get('tab');
  const tab: Tab = requested === 'trace' ? 'trace' : 'events';
  const openEvent = eventParam(params.get('event'));
  const allowed = canSearchLedger(me);

  // Any signed-in user may read the status; the page itself is for those who search the ledger.
  const status = useAsync(
    (signal) => api.get<LedgerStatus>('/ledger/status', { signal }),
    'ledger-status',
  );
  const { reload } = status;
  useEffect(() => {
    if (!allowed) return;
    const timer = window.setInterval(reload, STATUS_REFRESH_SECONDS * 1000);
    return () => {
      window.clearInterval(timer);
    };
  }, [allowed, reload]);

  if (!allowed) return <ForbiddenResult />;

  const update = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value === null || value === '') next.delete(key);
      else next.set(key, value);
    }
    setParams(next, { replace: true });
  };
  const open = (id: number) => {
    update({ event: String(id) });
  };

  const currentKey =
    status.data?.keys.find((k) => k.retiredAt === null)?.verifierKey ??
    status.data?.keys[0]?.verifierKey ??
    null;

  return (
    <>
      <PageHeader title={t('ledger.title')} description={t('ledger.description')} />
      <Space orientation="vertical" size={16} style={{ width: '100%' }}>
        <CheckpointCard status={status} />
        <Card>
          <Tabs
            activeKey={tab}
            onChange={(key) => {
              update({ tab: key === 'events' ? null : key });
            }}
            items={TABS.map((key) => ({
              key,
              label: <span data-testid={`ledger-tab-${key}`}>{t(`ledger.tabs.${key}`)}</span>,
              children:
                key === 'events' ? (
                  <EventsTab onOpen={open} />
                ) : (
                  <TraceTab
                    resource={params.get('resource')}
                    onResource={(code) => {
                      update({ resource: code });
                    }}
                    onOpen={open}
                  />
                ),
            }))}
          />
        </Card>
        <VerifyGuide verifierKey={currentKey} />
      </Space>
      <EventDrawer
        id={openEvent}
        onClose={() => {
          update({ event: null });
        }}
      />
    </>
  );
}
