/**
 * The problem-data loop (问题数据闭环, R3.5): the shapes the API returns and what the console
 * offers by role (the server decides per report anyway and says so in `can`).
 */
import type { Me } from '../../types';

export type ProblemBox = 'inbox' | 'sent' | 'overdue' | 'all';
export type ProblemCategory = 'error' | 'omission' | 'infringement';
export type ProblemUrgency = 'normal' | 'urgent';
export type ProblemStatus = 'open' | 'resolved' | 'reopened' | 'closed';
export type ProblemResolution = 'fixed' | 'confirmed_correct' | 'consultation';
export type ReporterKind = 'department' | 'provider' | 'public' | 'data_subject';

export const PROBLEM_CATEGORIES: readonly ProblemCategory[] = ['error', 'omission', 'infringement'];
export const PROBLEM_STATUSES: readonly ProblemStatus[] = [
  'open',
  'reopened',
  'resolved',
  'closed',
];
export const PROBLEM_RESOLUTIONS: readonly ProblemResolution[] = [
  'fixed',
  'confirmed_correct',
  'consultation',
];

export type RecordKey = Record<string, string | number>;

export interface ProblemReport {
  code: string;
  resourceCode: string;
  resourceName: string;
  providerOrgCode: string;
  providerOrgName: string;
  reporterKind: ReporterKind;
  reporterOrgCode: string | null;
  reporterOrgName: string | null;
  reporterName: string;
  reporterContact: string | null;
  category: ProblemCategory;
  urgency: ProblemUrgency;
  description: string;
  recordKeys: RecordKey[];
  status: ProblemStatus;
  dueDate: string;
  overdue: boolean;
  workingDaysLeft: number | null;
  late: boolean;
  resolution: ProblemResolution | null;
  resolutionNote: string | null;
  resolutionBatchId: string | null;
  resolvedAt: string | null;
  resolvedBy: string | null;
  reopenCount: number;
  reopenReason: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ProblemEvent {
  at: string;
  action: string;
  actorName: string;
  resolution: string | null;
  note: string | null;
  batchId: string | null;
  reason: string | null;
  dueDate: string | null;
}

export interface ProblemDetail extends ProblemReport {
  timeline: ProblemEvent[];
  can: { resolve: boolean; reopen: boolean; accept: boolean };
}

export interface ProblemList {
  items: ProblemReport[];
  total: number;
}

/** Awaiting the provider: the due date runs. */
export const awaitingProvider = (status: ProblemStatus): boolean =>
  status === 'open' || status === 'reopened';

/** Organisations the user may report for: every membership but auditors (read-only). */
export function reportingOrgs(me: Me): { code: string; name: string }[] {
  const seen = new Map<string, string>();
  for (const m of me.memberships) {
    if (m.role !== 'auditor') seen.set(m.orgCode, m.orgName);
  }
  return [...seen].map(([code, name]) => ({ code, name }));
}

/** R6.6: authority staff and auditors supervise overdue reports of their region. */
export function canSupervise(me: Me): boolean {
  return me.memberships.some(
    (m) =>
      m.orgKind === 'authority' &&
      (m.role === 'authority_admin' || m.role === 'reviewer' || m.role === 'auditor'),
  );
}

/**
 * Parses the optional record keys typed as JSON: an array of objects (or one object), each naming
 * key items and their values. Returns null when the text is not such JSON.
 */
export function parseRecordKeys(textValue: string | undefined): RecordKey[] | null {
  const trimmed = (textValue ?? '').trim();
  if (!trimmed) return [];
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return null;
  }
  const list: unknown[] = Array.isArray(value) ? value : [value];
  const keys: RecordKey[] = [];
  for (const entry of list) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return null;
    const record: RecordKey = {};
    for (const [key, v] of Object.entries(entry as Record<string, unknown>)) {
      if (typeof v !== 'string' && typeof v !== 'number') return null;
      record[key] = v;
    }
    if (Object.keys(record).length === 0) return null;
    keys.push(record);
  }
  return keys;
}
