/**
 * Sharing between departments (issue 5, REQUIREMENTS section 4): the shapes the sharing API
 * returns (/tmp/share/contract.md), the vocabularies, and what the console offers by role. The
 * server decides every step anyway (requests and disputes say so in `can`).
 */
import dayjs from 'dayjs';
import { api } from '../../api';
import type { DataItem, ResourceVersion } from '../../catalog/model';
import type { Me, Membership, Token } from '../../types';

export const SHARE_OPERATIONS = ['lookup', 'verify', 'export', 'analysis'] as const;
export type ShareOperation = (typeof SHARE_OPERATIONS)[number];

/** Masking rules of a grant (src/modules/sharing/masking.ts MASKING_RULES), in menu order. */
export const SHARE_MASKING_RULES = [
  'none',
  'id_number',
  'mobile',
  'name',
  'address',
  'bank_card',
  'partial',
  'hash',
  'drop',
] as const;
export type ShareMasking = (typeof SHARE_MASKING_RULES)[number];

export const REQUEST_DELIVERY_METHODS = [
  'interface',
  'verification',
  'exchange',
  'analysis',
] as const;
export type RequestDeliveryMethod = (typeof REQUEST_DELIVERY_METHODS)[number];

export const GRANT_STATUSES = ['active', 'scheduled', 'expired', 'revoked'] as const;
export type GrantStatus = (typeof GRANT_STATUSES)[number];
export const GRANT_ORIGINS = [
  'direct',
  'request',
  'scenario',
  'dispute',
  'emergency',
  'authority',
] as const;
export type GrantOrigin = (typeof GRANT_ORIGINS)[number];

export const REQUEST_STATUSES = [
  'pending',
  'approved',
  'refused',
  'disputed',
  'decided',
  'withdrawn',
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];
export type RequestBox = 'inbox' | 'sent' | 'overdue' | 'all';

export const DISPUTE_STATUSES = ['open', 'granted', 'refused'] as const;
export type DisputeStatus = (typeof DISPUTE_STATUSES)[number];
export type DisputeKind = 'refusal' | 'none_class';

export interface GrantItem {
  column: string;
  name: string;
  masking: string;
  key: boolean;
  queryable: boolean;
}

export interface Grant {
  id: string;
  status: GrantStatus;
  consumerOrgCode: string;
  consumerOrgName: string;
  tokenId: string | null;
  tokenName: string | null;
  providerOrgCode: string;
  providerOrgName: string;
  resourceCode: string;
  resourceName: string;
  shareClass: string;
  items: GrantItem[];
  operations: string[];
  purpose: string;
  scenario: string;
  legalBasis: string;
  validFrom: string;
  validTo: string | null;
  rateLimitPerMinute: number;
  origin: GrantOrigin;
  requestCode: string | null;
  scenarioCode: string | null;
  disputeCode: string | null;
  emergencyCode: string | null;
  approvedBy: string;
  approvedAt: string;
  revokedAt: string | null;
  revokedBy: string | null;
  revokeReason: string | null;
  createdAt: string;
}

export interface Paged<T> {
  items: T[];
  total: number;
}

export interface NamedItem {
  column: string;
  name: string;
}

export interface ShareRequest {
  code: string;
  status: RequestStatus;
  consumerOrgCode: string;
  consumerOrgName: string;
  providerOrgCode: string;
  providerOrgName: string;
  resourceCode: string;
  resourceName: string;
  items: NamedItem[];
  operations: string[];
  purpose: string;
  scenario: string;
  businessProcess: string;
  legalBasis: string;
  periodFrom: string;
  periodTo: string;
  deliveryMethod: string;
  contactName: string;
  contactPhone: string;
  tokenId: string | null;
  dueDate: string;
  workingDaysLeft: number | null;
  overdue: boolean;
  late: boolean;
  decidedAt: string | null;
  decidedBy: string | null;
  decisionNote: string | null;
  refusalReason: string | null;
  refusalLegalBasis: string | null;
  scenarioCode: string | null;
  autoApproved: boolean;
  grantId: string | null;
  remindedAt: string | null;
  escalatedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ShareEvent {
  at: string;
  action: string;
  actorName: string;
  note: string | null;
}

export interface ShareRequestDetail extends ShareRequest {
  timeline: ShareEvent[];
  can: { approve: boolean; refuse: boolean; withdraw: boolean; dispute: boolean };
}

export interface ShareDispute {
  code: string;
  kind: DisputeKind;
  status: DisputeStatus;
  requestCode: string | null;
  consumerOrgCode: string;
  consumerOrgName: string;
  providerOrgCode: string;
  providerOrgName: string;
  resourceCode: string;
  resourceName: string;
  shareClass: string;
  items: NamedItem[];
  operations: string[];
  purpose: string;
  legalBasis: string;
  argument: string;
  periodTo: string | null;
  providerStatement: string | null;
  decidedAt: string | null;
  decidedBy: string | null;
  decisionReason: string | null;
  decisionLegalBasis: string | null;
  grantId: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface ShareDisputeDetail extends ShareDispute {
  timeline?: ShareEvent[];
  can?: { state: boolean; decide: boolean };
}

export interface UsageDay {
  date: string;
  calls: number;
  denied: number;
  rows: number;
}

export interface ShareUsage {
  totals: { calls: number; denied: number; rows: number };
  daily: UsageDay[];
  byOperation: { operation: string; calls: number }[];
}

export interface AccessRecord {
  id: number;
  occurredAt: string;
  systemName: string | null;
  consumerOrgCode: string | null;
  grantId: string | null;
  resourceCode: string | null;
  operation: string;
  purpose: string | null;
  endUser: string | null;
  caseRef: string | null;
  status: number;
  errorCode: string | null;
  rowCount: number;
  fields: string[] | null;
  durationMs: number;
}

/** Roles that act for an organisation in sharing (auditors only read). */
const ACTING = new Set(['authority_admin', 'reviewer', 'dept_admin', 'dept_operator']);

/** Organisations the user may request or obtain data for (consumer side). */
export function consumerOrgs(me: Me): Membership[] {
  const seen = new Map<string, Membership>();
  for (const m of me.memberships) {
    if (ACTING.has(m.role) && !seen.has(m.orgCode)) seen.set(m.orgCode, m);
  }
  return [...seen.values()];
}

export function isMemberOf(me: Me, orgCode: string): boolean {
  return me.memberships.some((m) => m.orgCode === orgCode);
}

export function isAuthorityAdmin(me: Me): boolean {
  return me.memberships.some((m) => m.orgKind === 'authority' && m.role === 'authority_admin');
}

export function isAuthorityStaff(me: Me): boolean {
  return me.memberships.some(
    (m) =>
      m.orgKind === 'authority' &&
      (m.role === 'authority_admin' || m.role === 'reviewer' || m.role === 'auditor'),
  );
}

/** Provider dept_admin or authority_admin may revoke (the server checks the region). */
export function mayRevoke(me: Me, grant: Grant): boolean {
  return me.memberships.some(
    (m) =>
      (m.orgCode === grant.providerOrgCode && m.role === 'dept_admin') ||
      (m.orgKind === 'authority' && m.role === 'authority_admin'),
  );
}

/**
 * The rule the catalog's masking setting implies for an item: the default of a grant, as
 * `defaultRule` in src/modules/sharing/masking.ts computes it.
 */
export function defaultMasking(item: DataItem): ShareMasking {
  switch (item.masking) {
    case 'none':
      return 'none';
    case 'hash':
      return 'hash';
    case 'full':
      return 'drop';
    case 'partial':
      break;
  }
  if (item.validator?.kind === 'id_card') return 'id_number';
  if (item.validator?.kind === 'mobile') return 'mobile';
  const column = item.column;
  if (/(^|_)(name|xm)$/.test(column) || item.name.endsWith('姓名')) return 'name';
  if (/address|addr|(^|_)dz$/.test(column) || /(地址|住址)$/.test(item.name)) return 'address';
  if (/bank|card_no/.test(column) || item.name.includes('银行卡')) return 'bank_card';
  return 'partial';
}

export function isMaskingRule(value: string): value is ShareMasking {
  return (SHARE_MASKING_RULES as readonly string[]).includes(value);
}

export function isOperation(value: string): value is ShareOperation {
  return (SHARE_OPERATIONS as readonly string[]).includes(value);
}

/** The published version of a catalog entry (its items, masking and delivery methods). */
export async function loadLiveVersion(
  code: string,
  signal?: AbortSignal,
  version?: number,
): Promise<ResourceVersion> {
  const path = `/catalog/resources/${encodeURIComponent(code)}`;
  const first = await api.get<ResourceVersion>(path, {
    signal,
    query: version ? { version } : {},
  });
  if (version || first.liveVersion === null || first.liveVersion === first.version) return first;
  return api.get<ResourceVersion>(path, { signal, query: { version: first.liveVersion } });
}

/** Active (unrevoked, unexpired) API tokens of an organisation; empty when not allowed to list. */
export async function loadOrgTokens(orgCode: string, signal?: AbortSignal): Promise<Token[]> {
  try {
    const res = await api.get<{ items: Token[] }>('/tokens', { signal, query: { orgCode } });
    return res.items.filter(
      (tk) =>
        tk.revokedAt === null &&
        (tk.expiresAt === null || dayjs(tk.expiresAt).isAfter(dayjs())) &&
        tk.orgCode === orgCode,
    );
  } catch (e) {
    if (signal?.aborted) throw e;
    return [];
  }
}

/** A request is awaiting the provider's answer: the due date runs. */
export const awaitingAnswer = (status: string): boolean => status === 'pending';
