export type Role = 'authority_admin' | 'reviewer' | 'dept_admin' | 'dept_operator' | 'auditor';
export const ROLES: readonly Role[] = [
  'authority_admin',
  'reviewer',
  'dept_admin',
  'dept_operator',
  'auditor',
];

export type Ability =
  | 'region.manage'
  | 'org.manage'
  | 'org.read'
  | 'user.manage'
  | 'token.manage'
  | 'audit.read'
  | 'calendar.manage';

export type OrgKind = 'authority' | 'department' | 'utility' | 'public_org';
export const ORG_KINDS: readonly OrgKind[] = ['authority', 'department', 'utility', 'public_org'];

export type RegionLevel = 'province' | 'city' | 'county';
export const REGION_LEVELS: readonly RegionLevel[] = ['province', 'city', 'county'];

export interface Membership {
  orgCode: string;
  orgName: string;
  orgKind: string;
  role: Role;
  regionCode: string;
}

export interface Me {
  user: { id: string; username: string; displayName: string };
  memberships: Membership[];
  abilities: string[];
  csrfToken: string;
}

export interface RegionSettings {
  shareReplyDays: number;
  openReplyDays: number;
  catalogUpdateDays: number;
  /** Reply deadlines of problem reports (R3.5), ordinary and urgent. */
  problemReplyDays: number;
  problemUrgentReplyDays: number;
  shareClassNames: { unconditional: string; conditional: string; none: string };
}

export interface Region {
  code: string;
  name: string;
  level: RegionLevel;
  parentCode: string | null;
  settings: RegionSettings;
}

export interface Org {
  code: string;
  name: string;
  kind: OrgKind;
  regionCode: string;
  creditCode: string | null;
  createdAt: string;
}

export interface User {
  id: string;
  username: string;
  displayName: string;
  disabled: boolean;
  memberships: { orgCode: string; role: Role }[];
  createdAt: string;
}

export interface Token {
  id: string;
  orgCode: string;
  name: string;
  prefix: string;
  expiresAt: string | null;
  revokedAt: string | null;
  revokeReason: string | null;
  lastUsedAt: string | null;
  createdAt: string;
}

export type AuditOutcome = 'success' | 'denied' | 'failed';

export interface AuditEvent {
  id: number;
  occurredAt: string;
  requestId: string;
  actorType: string;
  actorName: string;
  orgCode: string | null;
  action: string;
  target: string | null;
  outcome: AuditOutcome;
}

export interface ListResponse<T> {
  items: T[];
}

export interface AuditPage {
  items: AuditEvent[];
  nextBefore: number | null;
}

export interface WorkingDayResult {
  date: string;
  start: string;
  n: number;
  regionCode: string;
}

export interface CalendarOverride {
  /** null = national; otherwise the region (and its sub-regions) the override applies to. */
  regionCode: string | null;
  date: string;
  /** true = 调休上班 (a working day), false = 放假 (a day off). */
  working: boolean;
  name: string;
}

export interface CalendarOverrides {
  items: CalendarOverride[];
  /** Years the calendar can compute deadlines in (holiday data package plus declared years). */
  coveredYears: number[];
}
