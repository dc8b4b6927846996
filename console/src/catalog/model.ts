/**
 * The catalog entry (政务数据资源) as the server describes it (src/modules/catalog/model.ts and
 * actions.ts): enumerations, the content document, versions, list rows, search results and
 * catalog-update obligations (R2.4). Labels live in the i18n files under `catalog.*`.
 */

export const CLASSIFICATIONS = ['base', 'thematic', 'departmental'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

export const BASE_KINDS = [
  'population',
  'legal_person',
  'natural_resources_spatial',
  'credit',
  'e_licence',
] as const;
export type BaseKind = (typeof BASE_KINDS)[number];

/**
 * A thematic catalog (专题目录, R2.3): the regulation's list (`builtin`) plus those the authority
 * added. A thematic entry must name one of them; the list comes from `GET /catalog/themes`.
 */
export interface CatalogTheme {
  name: string;
  builtin: boolean;
  /** `R2.3` for the regulation's themes, else the username of the authority administrator. */
  createdBy: string;
  createdAt: string;
}

/** The server's limits on a theme name. */
export const THEME_NAME_MIN = 2;
export const THEME_NAME_MAX = 50;

export const DOMAINS = [
  'credit',
  'transport',
  'health',
  'employment',
  'social_security',
  'education',
  'environment',
  'weather',
  'company_registration',
  'other',
] as const;
export type Domain = (typeof DOMAINS)[number];

export const FORMAT_CATEGORIES = [
  'spreadsheet',
  'database',
  'document',
  'image',
  'streaming',
  'self_describing',
  'service',
] as const;
export type FormatCategory = (typeof FORMAT_CATEGORIES)[number];

/** Formats whose content is rows and columns: they need data items (and a key item). */
export const TABULAR_FORMATS: readonly FormatCategory[] = [
  'spreadsheet',
  'database',
  'self_describing',
  'service',
];

/** The national guide's data types: 字符型C 数值型N 货币型Y 日期型D … */
export const DATA_TYPES = ['C', 'N', 'Y', 'D', 'T', 'L', 'M', 'G', 'B', 'I', 'F'] as const;
export type DataType = (typeof DATA_TYPES)[number];
/** Types whose items must state a length. */
export const LENGTH_TYPES: readonly DataType[] = ['C', 'N'];

export const VALIDATOR_KINDS = [
  'none',
  'id_card',
  'credit_code',
  'mobile',
  'region_code',
  'date',
  'enum',
  'regex',
] as const;
export type ValidatorKind = (typeof VALIDATOR_KINDS)[number];

export const SENSITIVITIES = ['none', 'personal', 'sensitive_personal'] as const;
export type Sensitivity = (typeof SENSITIVITIES)[number];

export const MASKING_RULES = ['none', 'partial', 'hash', 'full'] as const;
export type Masking = (typeof MASKING_RULES)[number];

export const SHARE_CLASSES = ['unconditional', 'conditional', 'none'] as const;
export type ShareClass = (typeof SHARE_CLASSES)[number];

export const OPEN_CLASSES = ['unconditional', 'conditional', 'none'] as const;
export type OpenClass = (typeof OPEN_CLASSES)[number];

export const DELIVERY_METHODS = [
  'interface',
  'verification',
  'exchange',
  'analysis',
  'file',
] as const;
export type DeliveryMethod = (typeof DELIVERY_METHODS)[number];

export const UPDATE_CYCLES = [
  'realtime',
  'daily',
  'weekly',
  'monthly',
  'quarterly',
  'half_yearly',
  'yearly',
  'irregular',
] as const;
export type UpdateCycle = (typeof UPDATE_CYCLES)[number];

export const STATUSES = [
  'draft',
  'submitted',
  'returned',
  'published',
  'superseded',
  'withdrawn',
] as const;
export type ResourceStatus = (typeof STATUSES)[number];
/** Versions the department may still change. */
export const EDITABLE_STATUSES: readonly ResourceStatus[] = ['draft', 'returned'];

export interface Validator {
  kind: ValidatorKind;
  values?: string[];
  pattern?: string;
}

export interface DataItem {
  name: string;
  column: string;
  type: DataType;
  length?: number;
  description?: string;
  required: boolean;
  key: boolean;
  queryable: boolean;
  validator?: Validator;
  sensitivity: Sensitivity;
  masking: Masking;
  /** This resource is the authoritative source of the datum (一数一源). */
  authoritative: boolean;
}

export interface ShareBlock {
  class: ShareClass;
  conditions?: string;
  reasons?: string;
  legalBasis?: string;
  deliveryMethods: DeliveryMethod[];
  period?: string;
}

export interface OpenBlock {
  class: OpenClass;
  conditions?: string;
}

export interface ResourceContent {
  classification: Classification;
  baseKind?: BaseKind;
  theme?: string;
  /** 类/项/目/细目 */
  categoryPath: string[];
  name: string;
  summary: string;
  keywords: string[];
  domains: Domain[];
  contact: { name: string; phone: string };
  businessMatter: string;
  systemName: string;
  relatedResources: string[];
  formatCategory: FormatCategory;
  storageFormat: string;
  items: DataItem[];
  share: ShareBlock;
  open: OpenBlock;
  updateCycle: UpdateCycle;
  releaseDate?: string;
}

export interface DuplicateFlag {
  itemName: string;
  column: string;
  resourceCode: string;
  resourceName: string;
  orgCode: string;
}

export interface ResourceVersion {
  code: string;
  version: number;
  liveVersion: number | null;
  latestVersion: number;
  status: ResourceStatus;
  revision: number;
  orgCode: string;
  orgName: string;
  content: ResourceContent;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  submittedAt: string | null;
  reviewedBy: string | null;
  reviewedAt: string | null;
  reviewComment: string | null;
  fieldComments: Record<string, string>;
  duplicateFlags: DuplicateFlag[];
  publishedAt: string | null;
  withdrawnAt: string | null;
  withdrawReason: string | null;
}

export interface ResourceSummary {
  code: string;
  version: number;
  status: ResourceStatus;
  name: string;
  orgCode: string;
  orgName: string;
  classification: Classification;
  shareClass: ShareClass;
  openClass: OpenClass;
  formatCategory: FormatCategory;
  updateCycle: UpdateCycle;
  updatedAt: string;
  duplicateFlagCount: number;
}

export interface ResourceList {
  total: number;
  items: ResourceSummary[];
}

export interface SearchHit {
  code: string;
  version: number;
  name: string;
  summary: string;
  orgCode: string;
  orgName: string;
  classification: Classification;
  shareClass: ShareClass;
  openClass: OpenClass;
  formatCategory: FormatCategory;
  updateCycle: UpdateCycle;
  publishedAt: string;
  domains: Domain[];
}

export interface FacetCount {
  value: string;
  label: string;
  count: number;
}

export const FACETS = [
  'provider',
  'classification',
  'shareClass',
  'openClass',
  'formatCategory',
  'updateCycle',
  'domain',
] as const;
export type Facet = (typeof FACETS)[number];

export interface SearchResult {
  total: number;
  tokens: string[];
  items: SearchHit[];
  facets: Record<Facet, FacetCount[]>;
}

export type SearchSort = 'relevance' | 'newest' | 'name';

export type TriggerKind = 'law' | 'duty';

export interface CatalogTrigger {
  id: number;
  orgCode: string;
  orgName: string;
  kind: TriggerKind;
  description: string;
  recordedAt: string;
  recordedBy: string;
  dueDate: string;
  resolvedAt: string | null;
  resolution: string | null;
  overdue: boolean;
  /** Working days left until the due date; negative when overdue, null when resolved. */
  workingDaysLeft: number | null;
}

export function emptyItem(): DataItem {
  return {
    name: '',
    column: '',
    type: 'C',
    required: false,
    key: false,
    queryable: false,
    sensitivity: 'none',
    masking: 'none',
    authoritative: false,
  };
}

export function emptyContent(): ResourceContent {
  return {
    classification: 'departmental',
    categoryPath: [],
    name: '',
    summary: '',
    keywords: [],
    domains: [],
    contact: { name: '', phone: '' },
    businessMatter: '',
    systemName: '',
    relatedResources: [],
    formatCategory: 'database',
    storageFormat: '',
    items: [],
    share: { class: 'unconditional', deliveryMethods: ['interface'] },
    open: { class: 'none' },
    updateCycle: 'daily',
  };
}

export const COLUMN_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;
