import type { Generated } from 'kysely';

/**
 * Row types of every table, as Kysely sees them. Timestamps are ISO-8601 UTC strings and booleans are
 * 0/1 integers on both engines, so that one query returns the same values on SQLite and PostgreSQL.
 */
export interface RegionTable {
  code: string;
  name: string;
  level: 'province' | 'city' | 'county';
  parent_code: string | null;
  /** `/990000/990100/`: ancestors first, so a subtree is one prefix match. */
  path: string;
  share_reply_days: number;
  open_reply_days: number;
  catalog_update_days: number;
  /** R3.5: working days a provider has to answer a problem report (normal / urgent). */
  problem_reply_days: number;
  problem_urgent_reply_days: number;
  /** JSON object {unconditional, conditional, none} of the region's display names. */
  share_class_names: string;
  created_at: string;
  updated_at: string;
}

export type OrgKind = 'authority' | 'department' | 'utility' | 'public_org';

export interface OrgTable {
  id: string;
  code: string;
  name: string;
  kind: OrgKind;
  region_code: string;
  credit_code: string | null;
  created_at: string;
  updated_at: string;
}

export interface UserTable {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  disabled: number;
  created_at: string;
  updated_at: string;
}

export type Role = 'authority_admin' | 'reviewer' | 'dept_admin' | 'dept_operator' | 'auditor';

export interface MembershipTable {
  user_id: string;
  org_id: string;
  role: Role;
  created_at: string;
}

export interface SessionTable {
  /** HMAC-SHA256 of the cookie token under the session secret; the token itself is never stored. */
  token_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: string;
  expires_at: string;
}

export interface ApiTokenTable {
  id: string;
  org_id: string;
  name: string;
  /** First characters of the secret, shown in lists so people can tell tokens apart. */
  prefix: string;
  secret_hash: string;
  expires_at: string | null;
  revoked_at: string | null;
  revoke_reason: string | null;
  last_used_at: string | null;
  created_by: string;
  created_at: string;
}

export interface AuditEventTable {
  id: Generated<number>;
  occurred_at: string;
  request_id: string;
  actor_type: 'user' | 'token' | 'system' | 'anonymous' | 'public';
  actor_id: string | null;
  actor_name: string;
  org_id: string | null;
  action: string;
  target: string | null;
  outcome: 'success' | 'denied' | 'failed';
  /** JSON: the action's input with secrets removed, and an error code for failures. */
  details: string;
  /**
   * PostgreSQL: 1 until the ledger's sequencer has built this row's ledger event (SQLite uses
   * ledger_state.audit_watermark instead; migration 0010).
   */
  ledger_pending: Generated<number>;
}

export interface LoginFailureTable {
  id: Generated<number>;
  throttle_key: string;
  attempted_at: string;
}

export interface CalendarOverrideTable {
  /** '' for the national calendar, else a region whose local holidays differ (and its sub-regions). */
  region_code: string;
  date: string;
  working: number;
  name: string;
  created_at: string;
}

export interface CalendarYearTable {
  year: number;
  note: string;
  created_at: string;
}

export type ResourceStatus =
  'draft' | 'submitted' | 'returned' | 'published' | 'superseded' | 'withdrawn';

export interface ResourceTable {
  id: string;
  code: string;
  org_id: string;
  live_version: number | null;
  latest_version: number;
  created_at: string;
}

export interface ResourceVersionTable {
  resource_id: string;
  version: number;
  status: ResourceStatus;
  revision: number;
  content: string;
  name: string;
  classification: string;
  share_class: string;
  open_class: string;
  format_category: string;
  update_cycle: string;
  created_by: string;
  created_at: string;
  updated_at: string;
  submitted_at: string | null;
  reviewed_by: string | null;
  reviewed_at: string | null;
  review_comment: string | null;
  field_comments: string | null;
  duplicate_flags: string | null;
  published_at: string | null;
  withdrawn_at: string | null;
  withdraw_reason: string | null;
}

export interface ResourceAuthoritativeItemTable {
  resource_id: string;
  item_name: string;
  column_name: string;
}

export interface CatalogSequenceTable {
  prefix: string;
  last_value: number;
}

export interface CatalogTriggerTable {
  id: Generated<number>;
  org_id: string;
  kind: 'law' | 'duty';
  description: string;
  recorded_at: string;
  recorded_by: string;
  due_date: string;
  resolved_at: string | null;
  resolution: string | null;
}

export interface ResourceSearchTable {
  id: Generated<number>;
  resource_id: string;
  code: string;
  version: number;
  org_id: string;
  org_code: string;
  org_name: string;
  region_path: string;
  name: string;
  summary: string;
  classification: string;
  share_class: string;
  open_class: string;
  format_category: string;
  update_cycle: string;
  published_at: string;
  domains: string;
}

export interface ResourceSearchStateTable {
  id: number;
  version: number;
}

export interface ResourceSearchDomainTable {
  doc_id: number;
  domain: string;
}

export interface CatalogThemeTable {
  name: string;
  builtin: number;
  created_by: string;
  created_at: string;
}

export interface ResourceDataTableTable {
  resource_id: string;
  table_name: string;
  schema_version: number;
  shape: string;
  /** The changes cursor: the highest _row_version written to the table. */
  last_row_version: number;
  row_count: number;
  updated_at: string;
}

export type IngestMode = 'replace' | 'upsert' | 'delete';
export type IngestFormat = 'csv' | 'xlsx' | 'json' | 'ndjson' | 'file';
export type IngestSource = 'console' | 'push' | 'cli' | 'demo';
export type BatchStatus = 'running' | 'succeeded' | 'failed' | 'refused';

export interface IngestBatchTable {
  id: string;
  resource_id: string;
  org_id: string;
  mode: IngestMode;
  source: IngestSource;
  source_name: string;
  format: IngestFormat;
  encoding: string | null;
  actor_type: string;
  actor_id: string | null;
  actor_name: string;
  status: BatchStatus;
  error_code: string | null;
  error_message: string | null;
  sha256: string | null;
  bytes: number;
  rows_read: number;
  rows_inserted: number;
  rows_updated: number;
  rows_deleted: number;
  rows_rejected: number;
  rows_total: number | null;
  max_rejected_share: number;
  stats: string | null;
  row_version_from: number | null;
  row_version_to: number | null;
  started_at: string;
  heartbeat_at: string;
  finished_at: string | null;
  duration_ms: number | null;
  host: string;
  pid: number;
}

export interface IngestRejectionTable {
  batch_id: string;
  seq: number;
  row_number: number;
  column_name: string | null;
  value: string | null;
  code: string;
  reason_zh: string;
  reason_en: string;
}

export interface ResourceFileTable {
  id: string;
  resource_id: string;
  version: number;
  file_name: string;
  content_type: string;
  sha256: string;
  bytes: number;
  batch_id: string;
  created_at: string;
}

export type ProblemStatus = 'open' | 'resolved' | 'reopened' | 'closed';

export interface ProblemReportTable {
  id: string;
  code: string;
  resource_id: string;
  provider_org_id: string;
  reporter_kind: 'department' | 'provider' | 'public' | 'data_subject';
  reporter_org_id: string | null;
  reporter_user_id: string | null;
  reporter_name: string;
  reporter_contact: string | null;
  category: 'error' | 'omission' | 'infringement';
  urgency: 'normal' | 'urgent';
  description: string;
  record_keys: string;
  status: ProblemStatus;
  due_date: string;
  resolution: 'fixed' | 'confirmed_correct' | 'consultation' | null;
  resolution_note: string | null;
  resolution_batch_id: string | null;
  resolved_at: string | null;
  resolved_by: string | null;
  reopen_count: number;
  reopen_reason: string | null;
  created_at: string;
  updated_at: string;
}

export interface NotificationTable {
  id: Generated<number>;
  org_id: string;
  user_id: string | null;
  kind: string;
  title: string;
  link: string | null;
  created_at: string;
  read_at: string | null;
}

export type ShareOperation = 'lookup' | 'verify' | 'export' | 'analysis';
export type GrantOrigin = 'direct' | 'request' | 'scenario' | 'dispute' | 'emergency' | 'authority';
export type ShareRequestStatus =
  'pending' | 'approved' | 'refused' | 'disputed' | 'decided' | 'withdrawn';

export interface ShareScenarioTable {
  id: string;
  code: string;
  authority_org_id: string;
  name: string;
  description: string;
  purpose: string;
  resources: string;
  consumer_org_ids: string;
  status: 'active' | 'retired';
  valid_to: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface ShareEmergencyTable {
  id: string;
  code: string;
  authority_org_id: string;
  type: 'natural_disaster' | 'accident' | 'public_health' | 'social_security';
  title: string;
  area: string;
  starts_at: string;
  planned_end_at: string;
  ended_at: string | null;
  end_note: string | null;
  resources: string;
  responder_org_ids: string;
  declared_by: string;
  created_at: string;
}

export interface ShareRequestTable {
  id: string;
  code: string;
  consumer_org_id: string;
  provider_org_id: string;
  resource_id: string;
  items: string;
  operations: string;
  purpose: string;
  scenario: string;
  business_process: string;
  legal_basis: string;
  period_from: string;
  period_to: string;
  delivery_method: string;
  contact_name: string;
  contact_phone: string;
  token_id: string | null;
  status: ShareRequestStatus;
  due_date: string;
  decided_at: string | null;
  decided_by: string | null;
  decision_note: string | null;
  refusal_reason: string | null;
  refusal_legal_basis: string | null;
  scenario_id: string | null;
  grant_id: string | null;
  reminded_at: string | null;
  escalated_at: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface ShareDisputeTable {
  id: string;
  code: string;
  kind: 'refusal' | 'none_class';
  request_id: string | null;
  consumer_org_id: string;
  provider_org_id: string;
  resource_id: string;
  items: string;
  operations: string;
  purpose: string;
  legal_basis: string;
  argument: string;
  period_to: string;
  status: 'open' | 'granted' | 'refused';
  provider_statement: string | null;
  decided_at: string | null;
  decided_by: string | null;
  decision_reason: string | null;
  decision_legal_basis: string | null;
  grant_id: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

export interface ShareGrantTable {
  id: string;
  consumer_org_id: string;
  token_id: string | null;
  provider_org_id: string;
  resource_id: string;
  items: string;
  masking: string;
  operations: string;
  purpose: string;
  scenario: string;
  legal_basis: string;
  valid_from: string;
  valid_to: string | null;
  rate_limit_per_minute: number;
  origin: GrantOrigin;
  request_id: string | null;
  scenario_id: string | null;
  dispute_id: string | null;
  emergency_id: string | null;
  approved_by: string;
  approved_at: string;
  watermark_key: string;
  revoked_at: string | null;
  revoked_by: string | null;
  revoke_reason: string | null;
  created_at: string;
}

export interface ShareAccessLogTable {
  id: Generated<number>;
  occurred_at: string;
  request_id: string;
  token_id: string | null;
  system_name: string | null;
  consumer_org_id: string | null;
  grant_id: string | null;
  provider_org_id: string | null;
  resource_code: string | null;
  operation: string;
  purpose: string | null;
  end_user: string | null;
  case_ref: string | null;
  emergency_id: string | null;
  status: number;
  error_code: string | null;
  row_count: number;
  fields: string | null;
  response_digest: string | null;
  duration_ms: number;
  client_ip: string | null;
}

/** The tamper-evident ledger (issue 6): see migrations/0008_ledger.ts. */
export interface LedgerEventTable {
  id: Generated<number>;
  kind: 'audit' | 'access';
  source_id: number;
  event_type: string;
  occurred_at: string;
  org_id: string | null;
  other_org_id: string | null;
  target: string | null;
  body: string;
  digest: string;
  leaf_index: number | null;
}

export interface LedgerHashTable {
  id: number;
  hash: Buffer;
}

export interface LedgerStateTable {
  id: number;
  tree_size: number;
  updated_at: string;
  /** SQLite: the last audit id whose ledger event is written (migration 0010). */
  audit_watermark: Generated<number>;
}

export interface LedgerCheckpointTable {
  tree_size: number;
  root_hash: string;
  key_id: string;
  note: string;
  created_at: string;
}

export interface LedgerCosignatureTable {
  id: Generated<number>;
  tree_size: number;
  witness_name: string;
  key_id: string;
  cosigned_at: number;
  line: string;
  received_at: string;
}

export interface LedgerWitnessTable {
  name: string;
  verifier_key: string;
  added_by: string;
  added_at: string;
  removed_at: string | null;
}

export interface LedgerKeyTable {
  key_id: string;
  verifier_key: string;
  first_used_at: string;
  retired_at: string | null;
}

// Open data portal (issue 7, migration 0009).
export type OpenAccountKind = 'individual' | 'organisation';
export type OpenVerification = 'verified' | 'pending' | 'rejected';

export interface OpenAccountTable {
  id: string;
  username: string;
  password_hash: string;
  kind: OpenAccountKind;
  display_name: string;
  email: string;
  phone: string | null;
  org_name: string | null;
  credit_code: string | null;
  verification: OpenVerification;
  verification_note: string | null;
  verified_by: string | null;
  verified_at: string | null;
  disabled: number;
  created_at: string;
  updated_at: string;
}

export interface OpenSessionTable {
  token_hash: string;
  account_id: string;
  csrf_token: string;
  created_at: string;
  expires_at: string;
}

export interface OpenApiKeyTable {
  id: string;
  account_id: string;
  name: string;
  secret_hash: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface OpenAgreementTable {
  version: number;
  title: string;
  body: string;
  body_sha256: string;
  published_by: string;
  published_at: string;
}

export type OpenApplicationStatus = 'pending' | 'approved' | 'refused' | 'withdrawn';

export interface OpenApplicationTable {
  id: string;
  code: string;
  account_id: string;
  resource_id: string;
  provider_org_id: string;
  purpose: string;
  measures: string;
  period_from: string;
  period_to: string;
  agreement_version: number;
  agreement_accepted_at: string;
  status: OpenApplicationStatus;
  due_date: string;
  decided_at: string | null;
  decided_by: string | null;
  reasons: string | null;
  valid_to: string | null;
  created_at: string;
  updated_at: string;
}

export type OpenRequestStatus = 'pending' | 'provided' | 'refused' | 'disputed' | 'ruled';

export interface OpenRequestTable {
  id: string;
  code: string;
  account_id: string;
  org_id: string;
  title: string;
  description: string;
  purpose: string;
  confidentiality: string;
  status: OpenRequestStatus;
  due_date: string;
  answer: string | null;
  reasons: string | null;
  resource_code: string | null;
  answered_at: string | null;
  answered_by: string | null;
  dispute_reason: string | null;
  disputed_at: string | null;
  ruling: 'provide' | 'refuse' | null;
  ruling_reasons: string | null;
  ruled_at: string | null;
  ruled_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface OpenShowcaseTable {
  id: string;
  account_id: string;
  title: string;
  description: string;
  url: string;
  dataset_codes: string;
  image: Uint8Array | null;
  image_type: string | null;
  status: 'pending' | 'approved' | 'rejected';
  moderation_note: string | null;
  moderated_by: string | null;
  moderated_at: string | null;
  created_at: string;
}

export type OpenChannel = 'download' | 'api' | 'preview';

export interface OpenAccessLogTable {
  id: Generated<number>;
  occurred_at: string;
  account_id: string | null;
  key_id: string | null;
  resource_id: string;
  resource_code: string;
  org_id: string;
  channel: OpenChannel;
  format: string | null;
  row_count: number;
  request_id: string;
}

export interface OpenUsageDailyTable {
  resource_id: string;
  day: string;
  org_id: string;
  downloads: number;
  api_calls: number;
}

export interface Database {
  regions: RegionTable;
  orgs: OrgTable;
  users: UserTable;
  memberships: MembershipTable;
  sessions: SessionTable;
  api_tokens: ApiTokenTable;
  audit_events: AuditEventTable;
  login_failures: LoginFailureTable;
  calendar_overrides: CalendarOverrideTable;
  calendar_years: CalendarYearTable;
  resources: ResourceTable;
  resource_versions: ResourceVersionTable;
  resource_authoritative_items: ResourceAuthoritativeItemTable;
  catalog_sequences: CatalogSequenceTable;
  catalog_triggers: CatalogTriggerTable;
  resource_search: ResourceSearchTable;
  resource_search_domains: ResourceSearchDomainTable;
  resource_search_state: ResourceSearchStateTable;
  catalog_themes: CatalogThemeTable;
  resource_data_tables: ResourceDataTableTable;
  ingest_batches: IngestBatchTable;
  ingest_rejections: IngestRejectionTable;
  resource_files: ResourceFileTable;
  problem_reports: ProblemReportTable;
  notifications: NotificationTable;
  share_scenarios: ShareScenarioTable;
  share_emergencies: ShareEmergencyTable;
  share_requests: ShareRequestTable;
  share_disputes: ShareDisputeTable;
  share_grants: ShareGrantTable;
  share_access_log: ShareAccessLogTable;
  ledger_events: LedgerEventTable;
  ledger_hashes: LedgerHashTable;
  ledger_state: LedgerStateTable;
  ledger_checkpoints: LedgerCheckpointTable;
  ledger_cosignatures: LedgerCosignatureTable;
  ledger_witnesses: LedgerWitnessTable;
  ledger_keys: LedgerKeyTable;
  open_accounts: OpenAccountTable;
  open_sessions: OpenSessionTable;
  open_api_keys: OpenApiKeyTable;
  open_agreements: OpenAgreementTable;
  open_applications: OpenApplicationTable;
  open_requests: OpenRequestTable;
  open_showcase: OpenShowcaseTable;
  open_access_log: OpenAccessLogTable;
  open_usage_daily: OpenUsageDailyTable;
}
