import { Card, Tabs } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import { useMe } from '../../auth';
import { ForbiddenResult, PageHeader } from '../../components/common';
import { ACCESS_STATUSES, canSupervise, isAuthorityAdmin, oneOf } from './adminApi';
import { AdminAccessLogTab } from './AdminAccessLogTab';
import { AdminOverdueTab } from './AdminOverdueTab';
import { AdminTraceTab } from './AdminTraceTab';
import { AdminUsageTab } from './AdminUsageTab';

const TABS = ['overdue', 'usage', 'log', 'trace'] as const;
type Tab = (typeof TABS)[number];

function positive(value: string | null, fallback: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/**
 * 共享监管 (R6.5, R6.6), for the data authority and auditors: requests past their reply deadline
 * with 督办, usage of shared data with misuse signals, the full access log, and tracing a leaked
 * export back to its grant by the rows' watermark. The state lives in the URL (?tab=…).
 */
export function SupervisionPage() {
  const { t } = useTranslation();
  const me = useMe();
  const [params, setParams] = useSearchParams();
  const requested = params.get('tab');
  const tab: Tab = oneOf(TABS, requested) ? requested : 'overdue';

  if (!canSupervise(me)) return <ForbiddenResult />;

  const update = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value === null || value === '') next.delete(key);
      else next.set(key, value);
    }
    setParams(next, { replace: true });
  };

  const status = params.get('status');
  const content = (() => {
    switch (tab) {
      case 'overdue':
        return (
          <AdminOverdueTab
            page={positive(params.get('page'), 1)}
            canSweep={isAuthorityAdmin(me)}
            onPage={(p) => {
              update({ page: p === 1 ? null : String(p) });
            }}
          />
        );
      case 'usage':
        return (
          <AdminUsageTab
            days={positive(params.get('days'), 30)}
            consumer={params.get('consumer') ?? undefined}
            onChange={(changes) => {
              update({
                ...(changes.days !== undefined
                  ? { days: changes.days === 30 ? null : String(changes.days) }
                  : {}),
                ...(changes.consumer !== undefined ? { consumer: changes.consumer } : {}),
              });
            }}
            onOpenLog={(filters) => {
              setParams(
                new URLSearchParams({
                  tab: 'log',
                  ...(filters.grantId ? { grantId: filters.grantId } : {}),
                  ...(filters.resourceCode ? { resourceCode: filters.resourceCode } : {}),
                }),
              );
            }}
          />
        );
      case 'log':
        return (
          <AdminAccessLogTab
            filters={{
              grantId: params.get('grantId') ?? undefined,
              resourceCode: params.get('resourceCode') ?? undefined,
              status: oneOf(ACCESS_STATUSES, status) ? status : undefined,
              page: positive(params.get('page'), 1),
            }}
            onChange={(filters) => {
              update({
                grantId: filters.grantId ?? null,
                resourceCode: filters.resourceCode ?? null,
                status: filters.status ?? null,
                page: filters.page === 1 ? null : String(filters.page),
              });
            }}
          />
        );
      case 'trace':
        return <AdminTraceTab />;
    }
  })();

  return (
    <>
      <PageHeader
        title={t('shareAdmin.supervision.title')}
        description={t('shareAdmin.supervision.description')}
      />
      <Card>
        <Tabs
          activeKey={tab}
          onChange={(key) => {
            setParams(new URLSearchParams(key === 'overdue' ? {} : { tab: key }), {
              replace: true,
            });
          }}
          items={TABS.map((key) => ({
            key,
            label: (
              <span data-testid={`supervision-tab-${key}`}>
                {t(`shareAdmin.supervision.tabs.${key}`)}
              </span>
            ),
          }))}
        />
        {content}
      </Card>
    </>
  );
}
