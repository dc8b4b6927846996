/**
 * Open data (开放, issue 7), the department and authority side: the shapes of the open API
 * (docs/API-open.md) the console reads, the vocabularies, and what the console offers by role. The
 * server decides every step anyway; `can`, when an answer carries it, wins over the role guess.
 */
import { api } from '../../api';
import type { RequestOptions } from '../../api';
import type { Me } from '../../types';
import { isAuthorityAdmin } from '../sharing/share';
import type { Paged, ShareEvent } from '../sharing/share';

export type { Paged };

export const APPLICATION_STATUSES = ['pending', 'approved', 'refused', 'withdrawn'] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];
/** `overdue` is the authority's view of pending applications past their due date. */
export type ApplicationBox = 'inbox' | 'all' | 'overdue';

export const APPLICANT_KINDS = ['individual', 'organisation'] as const;
export type ApplicantKind = (typeof APPLICANT_KINDS)[number];

export interface OpenApplication {
  code: string;
  datasetCode: string;
  datasetName: string;
  orgCode: string;
  orgName: string;
  applicant: { id: string; displayName: string; kind: ApplicantKind; orgName: string | null };
  purpose: string;
  measures: string;
  periodFrom: string;
  periodTo: string;
  agreementVersion: number;
  agreementAcceptedAt: string | null;
  status: ApplicationStatus;
  dueDate: string;
  workingDaysLeft: number | null;
  overdue: boolean;
  decidedAt: string | null;
  decidedBy: string | null;
  reasons: string | null;
  validTo: string | null;
  createdAt: string;
  /** Optional in the contract: when present it replaces the timeline built from the fields. */
  timeline?: ShareEvent[];
  can?: { decide?: boolean };
}

export interface Agreement {
  version: number;
  title: string;
  body: string;
  publishedAt: string;
  publishedBy?: string | null;
}

export const DATA_REQUEST_STATUSES = [
  'pending',
  'provided',
  'refused',
  'disputed',
  'ruled',
] as const;
export type DataRequestStatus = (typeof DATA_REQUEST_STATUSES)[number];
export type DataRequestBox = 'inbox' | 'disputes' | 'all';

export interface DataRequest {
  code: string;
  orgCode: string;
  orgName: string;
  requester: { id: string; displayName: string };
  title: string;
  description: string;
  purpose: string;
  confidentiality: string;
  status: DataRequestStatus;
  dueDate: string;
  workingDaysLeft: number | null;
  overdue: boolean;
  answer: string | null;
  reasons: string | null;
  resourceCode: string | null;
  answeredAt: string | null;
  disputeReason: string | null;
  disputedAt?: string | null;
  ruling: 'provide' | 'refuse' | null;
  rulingReasons: string | null;
  ruledAt: string | null;
  createdAt: string;
  timeline?: ShareEvent[];
  can?: { answer?: boolean; rule?: boolean };
}

export const SHOWCASE_STATUSES = ['pending', 'approved', 'rejected'] as const;
export type ShowcaseStatus = (typeof SHOWCASE_STATUSES)[number];

/** A showcase entry (R5.8); the contract names its fields loosely, so the extras are optional. */
export interface ShowcaseEntry {
  id: string;
  title: string;
  description: string;
  url: string;
  datasetCodes: string[];
  datasets?: { code: string; name: string }[];
  hasImage: boolean;
  status: ShowcaseStatus;
  submitter?: { id?: string; displayName: string } | null;
  submitterName?: string | null;
  moderationNote?: string | null;
  moderatedAt?: string | null;
  moderatedBy?: string | null;
  createdAt: string;
}

export const ACCOUNT_VERIFICATIONS = ['pending', 'verified', 'rejected'] as const;
export type AccountVerification = (typeof ACCOUNT_VERIFICATIONS)[number];

export interface PublicAccount {
  id: string;
  username: string;
  kind: ApplicantKind;
  displayName: string;
  email: string;
  phone: string | null;
  orgName: string | null;
  creditCode: string | null;
  verification: AccountVerification;
  verificationNote: string | null;
  disabled?: boolean;
  createdAt: string;
}

export interface OpenTotals {
  datasets: number;
  providers: number;
  downloads: number;
  apiCalls: number;
}

export interface OpenStats {
  totals: OpenTotals;
  perDataset: {
    code: string;
    name: string;
    orgName: string;
    /** In the contract; not every server sends it. */
    views?: number;
    downloads: number;
    apiCalls: number;
  }[];
  perProvider: {
    orgCode: string;
    orgName: string;
    datasets: number;
    downloads: number;
    apiCalls: number;
  }[];
  daily: { day: string; downloads: number; apiCalls: number }[];
}

export interface Listed<T> {
  items: T[];
  total?: number;
}

/** The rows of a list answer, whether it is `{items}` or a bare array. */
export function listItems<T>(answer: Listed<T> | T[] | null | undefined): T[] {
  if (!answer) return [];
  return Array.isArray(answer) ? answer : answer.items;
}

/** Every row of a paged list (100 a request, at most `max`): for the Excel exports. */
export async function fetchAll<T>(
  path: string,
  query: (limit: number, offset: number) => NonNullable<RequestOptions['query']>,
  max = 10_000,
): Promise<T[]> {
  const rows: T[] = [];
  for (;;) {
    const page = await api.get<Paged<T>>(path, { query: query(100, rows.length) });
    rows.push(...page.items);
    if (page.items.length === 0 || rows.length >= page.total || rows.length >= max) return rows;
  }
}

/** A status the server sent that the console does not know is shown as it came. */
export function oneOf<T extends string>(values: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (values as readonly string[]).includes(value);
}

const DEPARTMENT_ROLES = new Set(['dept_admin', 'dept_operator']);

/** Department staff who answer applications, requests and feedback for their organisation. */
export function isOpenDepartmentStaff(me: Me): boolean {
  return me.memberships.some((m) => DEPARTMENT_ROLES.has(m.role));
}

/** Agreements, the showcase and public accounts are the authority administrators' (R5). */
export const isOpenAuthority = (me: Me): boolean => isAuthorityAdmin(me);

/** 开放申请, 未开放数据需求, 公众反馈: department staff and authority administrators. */
export const canHandleOpen = (me: Me): boolean => isOpenDepartmentStaff(me) || isOpenAuthority(me);

/** 开放统计: everyone with a role (department staff, authority staff, auditors). */
export const canSeeOpenStats = (me: Me): boolean => me.memberships.length > 0;

/** Acts for `orgCode` as its department (the provider of a dataset, the addressee of a request). */
export function actsForOrg(me: Me, orgCode: string): boolean {
  return me.memberships.some((m) => m.orgCode === orgCode && DEPARTMENT_ROLES.has(m.role));
}

/** The provider may decide a pending application (the answer's `can` wins when present). */
export function mayDecide(me: Me, app: OpenApplication): boolean {
  if (app.status !== 'pending') return false;
  return app.can?.decide ?? actsForOrg(me, app.orgCode);
}

/** The addressed department answers a pending request. */
export function mayAnswer(me: Me, request: DataRequest): boolean {
  if (request.status !== 'pending') return false;
  return request.can?.answer ?? actsForOrg(me, request.orgCode);
}

/** The authority rules on a disputed request; the ruling binds both sides. */
export function mayRule(me: Me, request: DataRequest): boolean {
  if (request.status !== 'disputed') return false;
  return request.can?.rule ?? isOpenAuthority(me);
}

/** Only http(s) addresses become links: text from the public is never trusted as a URL scheme. */
export function safeHttpUrl(value: string): string | null {
  try {
    const url = new URL(value.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/** The image of a showcase entry (served by the API, never an address typed by the public). */
export const showcaseImageUrl = (id: string): string =>
  `/api/v1/open/showcase/${encodeURIComponent(id)}/image`;

/** The timeline of an application: the server's when it sends one, else built from its fields. */
export function applicationTimeline(app: OpenApplication): ShareEvent[] {
  if (app.timeline) return app.timeline;
  const events: ShareEvent[] = [
    {
      at: app.createdAt,
      action: 'open.application.create',
      actorName: app.applicant.displayName,
      note: null,
    },
  ];
  if (app.decidedAt && (app.status === 'approved' || app.status === 'refused')) {
    events.push({
      at: app.decidedAt,
      action: 'open.application.decide',
      actorName: app.decidedBy ?? '',
      note: app.reasons,
    });
  }
  return events;
}

/** The timeline of a request for unlisted data, likewise. */
export function requestTimeline(request: DataRequest): ShareEvent[] {
  if (request.timeline) return request.timeline;
  const events: ShareEvent[] = [
    {
      at: request.createdAt,
      action: 'open.request.create',
      actorName: request.requester.displayName,
      note: null,
    },
  ];
  if (request.answeredAt) {
    events.push({
      at: request.answeredAt,
      action: 'open.request.answer',
      actorName: request.orgName,
      note: request.reasons ?? request.answer,
    });
  }
  if (request.disputedAt) {
    events.push({
      at: request.disputedAt,
      action: 'open.request.dispute',
      actorName: request.requester.displayName,
      note: request.disputeReason,
    });
  }
  if (request.ruledAt) {
    events.push({
      at: request.ruledAt,
      action: 'open.request.rule',
      actorName: '',
      note: request.rulingReasons,
    });
  }
  return events;
}
