/** Shapes of the open data API (docs/API-open.md). */

export type OpenClass = 'unconditional' | 'conditional';

export interface DatasetSummary {
  code: string;
  name: string;
  summary: string;
  orgCode: string;
  orgName: string;
  openClass: OpenClass;
  formatCategory: string;
  updateCycle: string;
  domains: string[];
  publishedAt: string;
  downloads: number;
  apiCalls: number;
}

export interface DatasetItem {
  column: string;
  name: string;
  type: string;
  description?: string;
  key: boolean;
}

export type AccessReason =
  | 'unconditional'
  | 'approved'
  | 'login_required'
  | 'verification_required'
  | 'apply'
  | 'pending'
  | 'refused'
  | 'expired';

export interface DatasetAccess {
  canDownload: boolean;
  /** One of AccessReason; kept open to any later reason the server adds. */
  reason: string;
  application?: { code: string; status: string; validTo: string | null };
}

export interface DatasetDetail extends DatasetSummary {
  version: number;
  keywords: string[];
  theme?: string;
  items: DatasetItem[];
  conditions: string | null;
  tabular: boolean;
  formats: ('csv' | 'xlsx' | 'json')[];
  rowCount: number | null;
  lastUpdatedAt: string | null;
  qualityScore: number | null;
  citation: string;
  access: DatasetAccess;
}

export interface Totals {
  datasets: number;
  providers: number;
  downloads: number;
  apiCalls: number;
}

export interface HomeData {
  totals: Totals;
  domains: { domain: string; count: number }[];
  newest: DatasetSummary[];
  popular: DatasetSummary[];
}

export interface FacetValue {
  value: string;
  label: string;
  count: number;
}

export const FACET_KEYS = [
  'provider',
  'domain',
  'formatCategory',
  'updateCycle',
  'openClass',
] as const;
export type FacetKey = (typeof FACET_KEYS)[number];

export interface SearchResult {
  total: number;
  tokens: string[];
  items: DatasetSummary[];
  facets: Partial<Record<FacetKey, FacetValue[]>>;
}

export interface PreviewField {
  column: string;
  name: string;
  type: string;
}

export interface Preview {
  fields: PreviewField[];
  records: Record<string, unknown>[];
  total: number;
}

export interface OpenOrg {
  code: string;
  name: string;
  regionName?: string;
  datasets: number;
  downloads: number;
  apiCalls: number;
}

export interface StatsData {
  totals: Totals;
  perDataset: {
    code: string;
    name: string;
    orgName: string;
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

export type AccountKind = 'individual' | 'organisation';
export type Verification = 'verified' | 'pending' | 'rejected';

export interface Account {
  id: string;
  username: string;
  kind: AccountKind;
  displayName: string;
  email: string;
  phone: string | null;
  orgName: string | null;
  creditCode: string | null;
  verification: Verification;
  verificationNote: string | null;
  createdAt: string;
}

export interface MeAnswer {
  account: Account | null;
  csrfToken: string | null;
}

export interface Agreement {
  version: number;
  title: string;
  body: string;
  publishedAt: string;
}

export type ApplicationStatus = 'pending' | 'approved' | 'refused' | 'withdrawn';

export interface Application {
  code: string;
  datasetCode: string;
  datasetName: string;
  orgCode: string;
  orgName: string;
  applicant: { id: string; displayName: string; kind: string; orgName: string | null };
  purpose: string;
  measures: string;
  periodFrom: string;
  periodTo: string;
  agreementVersion: number;
  agreementAcceptedAt: string;
  status: ApplicationStatus;
  dueDate: string;
  workingDaysLeft: number;
  overdue: boolean;
  decidedAt: string | null;
  decidedBy: string | null;
  reasons: string | null;
  validTo: string | null;
  createdAt: string;
}

export type RequestStatus = 'pending' | 'provided' | 'refused' | 'disputed' | 'ruled';

export interface DataRequest {
  code: string;
  orgCode: string;
  orgName: string;
  requester: { id: string; displayName: string };
  title: string;
  description: string;
  purpose: string;
  confidentiality: string;
  status: RequestStatus;
  dueDate: string;
  workingDaysLeft: number;
  overdue: boolean;
  answer: string | null;
  reasons: string | null;
  resourceCode: string | null;
  answeredAt: string | null;
  disputeReason: string | null;
  ruling: string | null;
  rulingReasons: string | null;
  ruledAt: string | null;
  createdAt: string;
}

export interface ListAnswer<T> {
  total: number;
  items: T[];
}

/** An API key of the personal centre (the secret is shown once, at creation). */
export interface ApiKey {
  id: string;
  name?: string;
  prefix?: string;
  createdAt?: string;
  lastUsedAt?: string | null;
  expiresAt?: string | null;
  revokedAt?: string | null;
}

export interface DownloadRecord {
  time: string;
  datasetCode: string;
  datasetName: string;
  channel: string;
  format: string | null;
  rows: number | null;
  /** The API key used, when a program made the call. */
  keyId?: string | null;
}

export type FeedbackCategory = 'error' | 'omission' | 'infringement';

/** A problem report filed from the portal, as `GET /open/me/feedback` lists it. */
export interface FeedbackReport {
  code: string;
  datasetCode?: string;
  datasetName?: string;
  resourceCode?: string;
  resourceName?: string;
  category?: string;
  description: string;
  status: string;
  dueDate?: string | null;
  answer?: string | null;
  resolution?: string | null;
  resolutionNote?: string | null;
  createdAt: string;
}

export interface ShowcaseEntry {
  id: string;
  title: string;
  description: string;
  url: string;
  hasImage: boolean;
  datasetCodes?: string[];
  datasets?: { code: string; name: string }[];
  status?: string;
  moderationNote?: string | null;
  submitter?: { displayName: string } | null;
  createdAt?: string;
}
