import { Tag, Tooltip, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { LedgerKind, ProofState } from './ledgerApi';

/** A monospace block for notes, leaves and JSON: wraps long lines, scrolls when tall. */
export function CodeBlock({
  children,
  testId,
  maxHeight = 360,
}: {
  children: ReactNode;
  testId?: string;
  maxHeight?: number;
}) {
  return (
    <pre
      className="mono"
      data-testid={testId}
      style={{
        margin: 0,
        padding: '10px 12px',
        background: '#f6f8fa',
        border: '1px solid #d0d7de',
        borderRadius: 6,
        whiteSpace: 'pre-wrap',
        wordBreak: 'break-all',
        maxHeight,
        overflow: 'auto',
      }}
    >
      {children}
    </pre>
  );
}

const PROOF_COLORS: Record<ProofState, string> = {
  verified: 'green',
  unverified: 'red',
  uncovered: 'default',
  pending: 'gold',
};

/** 已验证 / 验证未通过 / 未覆盖 / 待入账, with what it means on hover. */
export function ProofTag({ state }: { state: ProofState }) {
  const { t } = useTranslation();
  return (
    <Tooltip title={t(`ledger.proof.${state}Hint`)}>
      <Tag color={PROOF_COLORS[state]} data-testid="ledger-proof-state" data-state={state}>
        {t(`ledger.proof.${state}`)}
      </Tag>
    </Tooltip>
  );
}

/** The leaf index, or 待入账 while the event waits for the sequencer. */
export function LeafIndexCell({ index }: { index: number | null }) {
  const { t } = useTranslation();
  if (index === null) return <Tag color="gold">{t('ledger.proof.pending')}</Tag>;
  return (
    <span className="mono" data-testid="ledger-leaf-index">
      {index}
    </span>
  );
}

export function KindTag({ kind }: { kind: LedgerKind }) {
  const { t } = useTranslation();
  return (
    <Tag color={kind === 'access' ? 'geekblue' : 'purple'}>
      {t(`ledger.kind.${kind}`, { defaultValue: kind })}
    </Tag>
  );
}

const AUDIT_OUTCOME_COLORS: Record<string, string> = {
  success: 'green',
  denied: 'orange',
  failed: 'red',
};

/** Audit events: success / denied / failed; data accesses: the HTTP status. */
export function OutcomeTag({ outcome }: { outcome: string }) {
  const { t } = useTranslation();
  const color = AUDIT_OUTCOME_COLORS[outcome];
  if (color) {
    return (
      <Tag color={color}>{t(`ledger.outcome.${outcome as 'success' | 'denied' | 'failed'}`)}</Tag>
    );
  }
  const status = Number(outcome);
  if (Number.isInteger(status) && status > 0) {
    return <Tag color={status < 400 ? 'green' : 'red'}>{status}</Tag>;
  }
  return <Tag>{outcome}</Tag>;
}

/** An organisation as name with code, or a dash. */
export function OrgCell({ code, name }: { code: string | null; name: string | null }) {
  if (!code && !name) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <span>
      {name ?? code}
      {name && code ? (
        <Typography.Text type="secondary" className="mono" style={{ marginInlineStart: 6 }}>
          {code}
        </Typography.Text>
      ) : null}
    </span>
  );
}
