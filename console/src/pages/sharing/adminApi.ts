/**
 * The authority's sharing pages (issue 5): scenario authorization (R4.5), emergency sharing
 * (R4.10) and supervision of requests and data use (R6.5, R6.6). The shapes the API returns
 * (/tmp/share/contract.md) and small helpers; the server decides every permission anyway.
 */
import type { FormInstance } from 'antd';
import type { TFunction } from 'i18next';
import { ApiError } from '../../api';
import { errorText } from '../../errors';
import type { Me } from '../../types';

export type ShareOperation = 'lookup' | 'verify' | 'export' | 'analysis';
export const SHARE_OPERATIONS: readonly ShareOperation[] = [
  'lookup',
  'verify',
  'export',
  'analysis',
];

export interface ItemRef {
  column: string;
  name: string;
}

// ---- Scenarios (应用场景授权, R4.5) ----

export type ScenarioStatus = 'active' | 'retired';
export const SCENARIO_STATUSES: readonly ScenarioStatus[] = ['active', 'retired'];

export interface ScenarioResource {
  resourceCode: string;
  resourceName: string;
  providerOrgCode: string;
  items: ItemRef[];
  operations: ShareOperation[];
}

export interface ShareScenario {
  code: string;
  name: string;
  description: string;
  purpose: string;
  status: ScenarioStatus;
  validTo: string | null;
  authorityOrgCode: string;
  resources: ScenarioResource[];
  consumers: { orgCode: string; orgName: string }[];
  grantsIssued: number;
  createdBy: string;
  createdAt: string;
}

// ---- Emergencies (应急共享, R4.10) ----

export type EmergencyType = 'natural_disaster' | 'accident' | 'public_health' | 'social_security';
export const EMERGENCY_TYPES: readonly EmergencyType[] = [
  'natural_disaster',
  'accident',
  'public_health',
  'social_security',
];
export type EmergencyStatus = 'active' | 'ended';

export interface EmergencyGrant {
  id: string;
  consumerOrgCode: string;
  resourceCode: string;
  status: string;
}

export interface ShareEmergency {
  code: string;
  type: EmergencyType;
  title: string;
  area: string;
  status: EmergencyStatus;
  startsAt: string;
  plannedEndAt: string;
  endedAt: string | null;
  endNote: string | null;
  /** Column names of the items shared (all the resource's items when none were named). */
  resources: { resourceCode: string; resourceName: string; items: string[] }[];
  responders: { orgCode: string; orgName: string }[];
  grants: EmergencyGrant[];
  accessCount: number;
  declaredBy: string;
  createdAt: string;
}

export interface UsageTotals {
  calls: number;
  denied: number;
  rows: number;
}

/** The JSON report of an emergency (share.emergency.report): accesses per responder and resource. */
export interface EmergencyReport {
  code: string;
  generatedAt: string;
  totals: UsageTotals;
  summary: {
    consumerOrgCode: string | null;
    consumerOrgName: string | null;
    resourceCode: string | null;
    resourceName: string | null;
    calls: number;
    denied: number;
    rows: number;
  }[];
  items: {
    occurredAt: string;
    systemName: string | null;
    consumerOrgCode: string | null;
    consumerOrgName: string | null;
    resourceCode: string | null;
    resourceName: string | null;
    operation: string;
    endUser: string | null;
    caseRef: string | null;
    rowCount: number;
    status: number;
    errorCode: string | null;
  }[];
  /** More accesses than the list holds. */
  truncated: boolean;
}

// ---- Requests (the overdue box, R6.6) ----

export type RequestStatus =
  'pending' | 'approved' | 'refused' | 'disputed' | 'decided' | 'withdrawn';

export interface ShareRequest {
  code: string;
  status: RequestStatus;
  consumerOrgCode: string;
  consumerOrgName: string;
  providerOrgCode: string;
  providerOrgName: string;
  resourceCode: string;
  resourceName: string;
  items: ItemRef[];
  operations: ShareOperation[];
  purpose: string;
  dueDate: string;
  workingDaysLeft: number | null;
  overdue: boolean;
  remindedAt: string | null;
  escalatedAt: string | null;
  createdAt: string;
}

// ---- Usage and supervision ----

export interface LocalizedMessage {
  zh: string;
  en: string;
}

export type AlertKind =
  'denied_calls' | 'ended_grant_use' | 'untraced_calls' | 'volume_spike' | 'off_hours';
export const ALERT_KINDS: readonly AlertKind[] = [
  'denied_calls',
  'ended_grant_use',
  'untraced_calls',
  'volume_spike',
  'off_hours',
];

export interface UsageAlert {
  /** An AlertKind; a newer server may send others. */
  kind: string;
  grantId: string | null;
  consumerOrgCode: string | null;
  resourceCode: string | null;
  message: LocalizedMessage | string;
  count: number;
}

export interface ShareUsage {
  daily: { date: string; calls: number; denied: number; rows: number }[];
  byOperation: { operation: string; calls: number }[];
  byConsumer: { orgCode: string; orgName: string; calls: number; denied: number }[];
  byResource: { resourceCode: string; resourceName: string; calls: number }[];
  alerts: UsageAlert[];
  totals: UsageTotals;
}

export type AccessStatus = 'allowed' | 'denied';
export const ACCESS_STATUSES: readonly AccessStatus[] = ['allowed', 'denied'];

/** One call of the data API; `status` is the HTTP status answered (>= 400: refused). */
export interface AccessRecord {
  id: number;
  occurredAt: string;
  requestId?: string;
  systemName: string | null;
  consumerOrgCode: string | null;
  grantId: string | null;
  resourceCode: string | null;
  operation: string | null;
  purpose: string | null;
  endUser: string | null;
  caseRef: string | null;
  emergencyId?: string | null;
  status: number;
  errorCode: string | null;
  rowCount: number | null;
  fields: string[] | null;
  responseDigest: string | null;
  durationMs: number | null;
  clientIp?: string | null;
}

export interface TraceMatch {
  grantId: string;
  consumerOrgCode: string;
  consumerOrgName: string;
  grantStatus?: string;
  rows: number;
}

export interface TraceResult {
  checked?: number;
  unmarked?: number;
  matches: TraceMatch[];
}

export interface Paged<T> {
  items: T[];
  total: number;
}

// ---- Roles ----

/** authority_admin of a data authority: declares scenarios and emergencies, runs 督办. */
export function isAuthorityAdmin(me: Me): boolean {
  return me.memberships.some((m) => m.orgKind === 'authority' && m.role === 'authority_admin');
}

/** Authority staff and auditors see the supervision page. */
export function canSupervise(me: Me): boolean {
  return me.memberships.some((m) => m.orgKind === 'authority' || m.role === 'auditor');
}

export function oneOf<T extends string>(values: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (values as readonly string[]).includes(value);
}

/** The localized text of a `{zh, en}` message (or a plain string). */
export function localized(message: LocalizedMessage | string | null | undefined, lang: string) {
  if (!message) return '';
  if (typeof message === 'string') return message;
  return lang === 'en' ? message.en || message.zh : message.zh || message.en;
}

/** A number in the UI language's grouping. */
export function formatNumber(n: number | null | undefined, lang: string): string {
  if (n === null || n === undefined) return '—';
  return n.toLocaleString(lang === 'en' ? 'en' : 'zh-CN');
}

/**
 * Copies the server's per-field messages onto the form, for fields inside Form.List too: the
 * server names them `resources.0.items`, the form `['resources', 0, 'items']` (numbers, compared
 * strictly by antd). A message whose field is not on the form goes to the nearest field that is
 * (`consumerOrgCodes.2` → `consumerOrgCodes`). Returns the messages no field took.
 */
export function applyAdminFieldErrors(form: FormInstance, error: unknown): string[] {
  if (!(error instanceof ApiError)) return [];
  const known = new Set(
    form
      .getFieldsError()
      .map((f) => f.name.join('.'))
      .filter((name) => name !== ''),
  );
  const byField = new Map<string, string[]>();
  const unplaced: string[] = [];
  for (const [name, message] of Object.entries(error.fields)) {
    const parts = name.split('.');
    let target: string | null = null;
    for (let n = parts.length; n > 0 && target === null; n--) {
      const candidate = parts.slice(0, n).join('.');
      if (known.has(candidate)) target = candidate;
    }
    if (target === null) unplaced.push(message);
    else byField.set(target, [...(byField.get(target) ?? []), message]);
  }
  form.setFields(
    [...byField].map(([name, errors]) => ({
      name: name.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part)),
      errors,
    })),
  );
  return unplaced;
}

/**
 * What a form shows in its error banner after a failed submit: nothing when every field message
 * found its field, else the remaining messages, or the error's text when it named no field.
 */
export function submitErrorText(t: TFunction, form: FormInstance, error: unknown): string | null {
  if (error instanceof ApiError && Object.keys(error.fields).length > 0) {
    const unplaced = applyAdminFieldErrors(form, error);
    return unplaced.length > 0 ? unplaced.join(t('common.listSeparator')) : null;
  }
  return errorText(t, error);
}

/** `name（code）` in Chinese, `name (code)` in English. */
export function withCode(name: string, code: string, lang: string): string {
  return lang === 'en' ? `${name} (${code})` : `${name}（${code}）`;
}
