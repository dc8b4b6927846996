/**
 * Small pieces shared by the consumer and provider sharing pages: status tags, the working-day
 * countdown, the item checklist, the grant scope editor (items and masking), the token picker and
 * the timeline.
 */
import { CopyOutlined } from '@ant-design/icons';
import {
  App,
  Button,
  Checkbox,
  Empty,
  Select,
  Space,
  Table,
  Tag,
  Timeline,
  Tooltip,
  Typography,
} from 'antd';
import type { TFunction } from 'i18next';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../format';
import { useAsync } from '../../hooks';
import type {
  DisputeKind,
  DisputeStatus,
  GrantOrigin,
  GrantStatus,
  RequestStatus,
  ShareEvent,
  ShareMasking,
  ShareOperation,
} from './share';
import {
  SHARE_MASKING_RULES,
  SHARE_OPERATIONS,
  awaitingAnswer,
  isMaskingRule,
  isOperation,
  loadOrgTokens,
} from './share';

const GRANT_COLORS: Record<GrantStatus, string> = {
  active: 'success',
  scheduled: 'processing',
  expired: 'default',
  revoked: 'error',
};

export function GrantStatusTag({ status }: { status: GrantStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={GRANT_COLORS[status]} data-testid={`grant-status-${status}`}>
      {t(`share.grantStatus.${status}`)}
    </Tag>
  );
}

const REQUEST_COLORS: Record<RequestStatus, string> = {
  pending: 'processing',
  approved: 'success',
  refused: 'error',
  disputed: 'warning',
  decided: 'purple',
  withdrawn: 'default',
};

export function RequestStatusTag({ status }: { status: RequestStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={REQUEST_COLORS[status]} data-testid={`request-status-${status}`}>
      {t(`share.requestStatus.${status}`)}
    </Tag>
  );
}

const DISPUTE_COLORS: Record<DisputeStatus, string> = {
  open: 'processing',
  granted: 'success',
  refused: 'error',
};

export function DisputeStatusTag({ status }: { status: DisputeStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={DISPUTE_COLORS[status]} data-testid={`dispute-status-${status}`}>
      {t(`share.disputeStatus.${status}`)}
    </Tag>
  );
}

export function DisputeKindTag({ kind }: { kind: DisputeKind }) {
  const { t } = useTranslation();
  return (
    <Tag color={kind === 'refusal' ? 'volcano' : 'geekblue'} variant="outlined">
      {t(`share.disputeKind.${kind}`)}
    </Tag>
  );
}

const ORIGIN_COLORS: Record<GrantOrigin, string> = {
  direct: 'green',
  request: 'blue',
  scenario: 'purple',
  dispute: 'magenta',
  emergency: 'red',
  authority: 'geekblue',
};

export function OriginTag({ origin }: { origin: GrantOrigin }) {
  const { t } = useTranslation();
  return (
    <Tag color={ORIGIN_COLORS[origin]} variant="outlined">
      {t(`share.origin.${origin}`)}
    </Tag>
  );
}

export function operationLabel(t: TFunction, op: string): string {
  return isOperation(op) ? t(`share.op.${op}`) : op;
}

const CALLS = ['lookup', 'query', 'verify', 'export', 'changes', 'holdings'] as const;

/** The name of a data API call as the access log records it (lookup, query, changes ...). */
export function callLabel(t: TFunction, call: string): string {
  return (CALLS as readonly string[]).includes(call)
    ? t(`share.call.${call as (typeof CALLS)[number]}`)
    : call;
}

export function maskingLabel(t: TFunction, rule: string): string {
  return isMaskingRule(rule) ? t(`share.masking.${rule}`) : rule;
}

export function deliveryLabel(t: TFunction, method: string): string {
  return ['interface', 'verification', 'exchange', 'analysis'].includes(method)
    ? t(`share.delivery.${method as 'interface'}`)
    : method;
}

export function OperationTags({ operations }: { operations: readonly string[] }) {
  const { t } = useTranslation();
  return (
    <Space size={[4, 4]} wrap>
      {operations.map((op) => (
        <Tag key={op} color="blue" variant="filled">
          {operationLabel(t, op)}
        </Tag>
      ))}
    </Space>
  );
}

export function MaskingTag({ rule }: { rule: string }) {
  const { t } = useTranslation();
  const color = rule === 'none' ? 'default' : rule === 'drop' ? 'red' : 'orange';
  return (
    <Tag color={color} data-testid={`masking-${rule}`}>
      {maskingLabel(t, rule)}
    </Tag>
  );
}

/** What a countdown needs: the sharing requests and the open applications and requests have it. */
export interface DueState {
  status: string;
  workingDaysLeft: number | null;
  overdue: boolean;
  /** Answered after the due date. */
  late?: boolean;
}

/** 剩余 N 个工作日 while the provider owes an answer; red when overdue, orange at one day or less. */
export function RequestCountdown({ request }: { request: DueState }) {
  const { t } = useTranslation();
  if (!awaitingAnswer(request.status)) {
    return request.late ? <Tag color="volcano">{t('share.countdown.answeredLate')}</Tag> : null;
  }
  const left = request.workingDaysLeft;
  if (request.overdue || (left !== null && left < 0)) {
    return (
      <Tag color="red" data-testid="request-overdue">
        {t('share.countdown.overdueBy', { count: Math.abs(left ?? 0) })}
      </Tag>
    );
  }
  if (left === null) return null;
  if (left === 0) {
    return (
      <Tag color="orange" data-testid="request-countdown">
        {t('share.countdown.dueToday')}
      </Tag>
    );
  }
  return (
    <Tag color={left <= 1 ? 'orange' : 'blue'} data-testid="request-countdown">
      {t('share.countdown.left', { count: left })}
    </Tag>
  );
}

export interface ChecklistItem {
  column: string;
  name: string;
  extra?: ReactNode;
}

/** A checkbox per data item with 全选 / 清空; a form control (`value` = the checked columns). */
export function ItemChecklist({
  items,
  value,
  onChange,
  testId = 'share-items',
}: {
  items: ChecklistItem[];
  value?: string[];
  onChange?: (value: string[]) => void;
  testId?: string;
}) {
  const { t } = useTranslation();
  const checked = value ?? [];
  if (items.length === 0) return <Empty description={t('share.form.noItems')} />;
  return (
    <div data-testid={testId}>
      <Space size={8} style={{ marginBottom: 6 }}>
        <Button
          size="small"
          type="link"
          style={{ padding: 0 }}
          onClick={() => onChange?.(items.map((i) => i.column))}
        >
          {t('share.form.selectAll')}
        </Button>
        <Button size="small" type="link" style={{ padding: 0 }} onClick={() => onChange?.([])}>
          {t('share.form.selectNone')}
        </Button>
        <Typography.Text type="secondary">
          {t('share.form.selectedCount', { count: checked.length, total: items.length })}
        </Typography.Text>
      </Space>
      <div
        style={{
          maxHeight: 240,
          overflowY: 'auto',
          padding: '8px 12px',
          border: '1px solid #f0f0f0',
          borderRadius: 6,
        }}
      >
        <Checkbox.Group
          value={checked}
          onChange={(next) => onChange?.(next)}
          style={{ display: 'grid', gridTemplateColumns: 'repeat(2, minmax(0, 1fr))', gap: 6 }}
        >
          {items.map((item) => (
            <Checkbox
              key={item.column}
              value={item.column}
              data-testid={`share-item-${item.column}`}
            >
              <span>{item.name}</span>{' '}
              <Typography.Text type="secondary" className="mono" style={{ fontSize: 12 }}>
                {item.column}
              </Typography.Text>
              {item.extra ? <> {item.extra}</> : null}
            </Checkbox>
          ))}
        </Checkbox.Group>
      </div>
    </div>
  );
}

/** The operations (R4.7) as checkboxes; `allowed` limits them (narrowing an approval). */
export function OperationsChecklist({
  value,
  onChange,
  allowed,
}: {
  value?: string[];
  onChange?: (value: string[]) => void;
  allowed?: readonly string[];
}) {
  const { t } = useTranslation();
  const ops = SHARE_OPERATIONS.filter((op) => !allowed || allowed.includes(op));
  return (
    <Checkbox.Group
      value={value ?? []}
      onChange={(next) => onChange?.(next)}
      data-testid="share-operations"
    >
      <Space orientation="vertical" size={4}>
        {ops.map((op) => (
          <Checkbox key={op} value={op} data-testid={`share-op-${op}`}>
            {t(`share.op.${op}`)}{' '}
            <Typography.Text type="secondary">{t(`share.opHint.${op}`)}</Typography.Text>
          </Checkbox>
        ))}
      </Space>
    </Checkbox.Group>
  );
}

export interface ScopeRow {
  column: string;
  name: string;
  include: boolean;
  masking: ShareMasking;
  /** The catalog's default rule for the item. */
  defaultMasking: ShareMasking;
}

/**
 * The scope of a grant being approved or decided: each item included or not, with its masking rule
 * (default: the catalog's). A form control whose value is the rows.
 */
export function ScopeEditor({
  value,
  onChange,
}: {
  value?: ScopeRow[];
  onChange?: (value: ScopeRow[]) => void;
}) {
  const { t } = useTranslation();
  const rows = value ?? [];
  const change = (column: string, patch: Partial<ScopeRow>) => {
    onChange?.(rows.map((r) => (r.column === column ? { ...r, ...patch } : r)));
  };
  return (
    <Table<ScopeRow>
      size="small"
      rowKey="column"
      pagination={false}
      dataSource={rows}
      data-testid="share-scope"
      scroll={{ y: 320 }}
      columns={[
        {
          title: t('share.form.include'),
          key: 'include',
          width: 64,
          render: (_: unknown, r) => (
            <Checkbox
              checked={r.include}
              onChange={(e) => {
                change(r.column, { include: e.target.checked });
              }}
              data-testid={`scope-include-${r.column}`}
            />
          ),
        },
        {
          title: t('share.field.item'),
          key: 'item',
          render: (_: unknown, r) => (
            <Space orientation="vertical" size={0}>
              <span>{r.name}</span>
              <Typography.Text type="secondary" className="mono" style={{ fontSize: 12 }}>
                {r.column}
              </Typography.Text>
            </Space>
          ),
        },
        {
          title: t('share.field.masking'),
          key: 'masking',
          width: 230,
          render: (_: unknown, r) => (
            <Select<ShareMasking>
              size="small"
              style={{ width: '100%' }}
              disabled={!r.include}
              value={r.masking}
              onChange={(masking) => {
                change(r.column, { masking });
              }}
              options={SHARE_MASKING_RULES.map((rule) => ({
                value: rule,
                label:
                  rule === r.defaultMasking
                    ? `${t(`share.masking.${rule}`)}${t('share.form.catalogDefault')}`
                    : t(`share.masking.${rule}`),
              }))}
              data-testid={`scope-masking-${r.column}`}
            />
          ),
        },
      ]}
    />
  );
}

/** Optional system token of the consumer (GET /tokens; department admins may list them). */
export function TokenSelect({
  orgCode,
  value,
  onChange,
}: {
  orgCode: string | undefined;
  value?: string;
  onChange?: (value: string | undefined) => void;
}) {
  const { t } = useTranslation();
  const tokens = useAsync(
    async (signal) => (orgCode ? loadOrgTokens(orgCode, signal) : []),
    orgCode ?? '',
  );
  return (
    <Select<string>
      allowClear
      loading={tokens.loading}
      value={value}
      onChange={(next) => onChange?.(next)}
      placeholder={t('share.form.tokenPlaceholder')}
      notFoundContent={t('share.form.noTokens')}
      options={(tokens.data ?? []).map((tk) => ({
        value: tk.id,
        label: `${tk.name}（${tk.prefix}…）`,
      }))}
      data-testid="share-token"
    />
  );
}

const EVENT_KEYS = [
  'create',
  'submit',
  'auto_approve',
  'approve',
  'refuse',
  'withdraw',
  'dispute',
  'remind',
  'escalate',
  'overdue',
  'state',
  'statement',
  'decide',
  'grant',
  'revoke',
] as const;
type EventKey = (typeof EVENT_KEYS)[number];

function eventLabel(t: TFunction, action: string): string {
  const last = action.split('.').pop() ?? action;
  return (EVENT_KEYS as readonly string[]).includes(last)
    ? t(`share.event.${last as EventKey}`)
    : action;
}

function eventColor(action: string): string {
  if (/refuse|escalate|overdue|revoke/.test(action)) return 'red';
  if (/approve|decide|grant/.test(action)) return 'green';
  if (/dispute|remind/.test(action)) return 'orange';
  if (/withdraw/.test(action)) return 'gray';
  return 'blue';
}

export function ShareTimeline({
  events,
  testId,
  label,
}: {
  events: ShareEvent[];
  testId: string;
  /** The name of an action the sharing vocabulary does not know (null: the default). */
  label?: (action: string) => string | null;
}) {
  const { t } = useTranslation();
  if (events.length === 0) {
    return <Typography.Text type="secondary">{t('share.common.noEvents')}</Typography.Text>;
  }
  return (
    <Timeline
      data-testid={testId}
      items={events.map((event, index) => ({
        key: index,
        color: eventColor(event.action),
        title: formatDateTime(event.at),
        content: (
          <Space orientation="vertical" size={0}>
            <span>
              <strong>{label?.(event.action) ?? eventLabel(t, event.action)}</strong>
              {event.actorName ? ` · ${event.actorName}` : null}
            </span>
            {event.note ? <span className="pre-wrap">{event.note}</span> : null}
          </Space>
        ),
      }))}
    />
  );
}

/** A copy-to-clipboard button; without clipboard access it says how to copy by hand. */
export function CopyButton({ text, testId }: { text: string; testId?: string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  return (
    <Tooltip title={t('common.copy')}>
      <Button
        size="small"
        icon={<CopyOutlined />}
        onClick={() => {
          // navigator.clipboard is missing on plain http (not localhost): then() catches that too.
          void Promise.resolve()
            .then(() => navigator.clipboard.writeText(text))
            .then(() => {
              message.success(t('common.copied'));
            })
            .catch(() => {
              message.warning(t('share.common.copyManually'));
            });
        }}
        data-testid={testId}
      >
        {t('common.copy')}
      </Button>
    </Tooltip>
  );
}

export const operationsOf = (values: readonly string[]): ShareOperation[] =>
  values.filter(isOperation);
