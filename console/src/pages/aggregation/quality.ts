/** Shapes of the quality and freshness answers (src/modules/aggregation/quality.ts, freshness.ts). */

export type FreshnessStatus = 'on_time' | 'due_soon' | 'overdue' | 'no_deadline';

export interface Freshness {
  updateCycle: string;
  basis: 'batch' | 'publication' | null;
  lastBatchAt: string | null;
  publishedAt: string | null;
  dueDate: string | null;
  status: FreshnessStatus;
  daysLeft: number | null;
  daysOverdue: number;
  periodDays: number | null;
}

export interface FreshnessItem {
  code: string;
  name: string;
  orgCode: string;
  orgName: string;
  regionCode: string;
  regionName: string;
  formatCategory: string;
  freshness: Freshness;
}

export interface FreshnessList {
  asOf: string;
  items: FreshnessItem[];
}

export type SubScoreName = 'completeness' | 'validity' | 'uniqueness' | 'timeliness';
export const SUB_SCORES: readonly SubScoreName[] = [
  'completeness',
  'validity',
  'uniqueness',
  'timeliness',
];

export interface BatchSummary {
  id: string;
  mode: string;
  status: string;
  source: string;
  sourceName: string;
  actorName: string;
  rowsRead: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsDeleted: number;
  rowsRejected: number;
  rowsTotal: number | null;
  rejectedShare: number | null;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
}

export interface QualityReport {
  code: string;
  name: string;
  orgCode: string;
  orgName: string;
  version: number;
  formatCategory: string;
  tabular: boolean;
  score: number | null;
  subScores: Record<SubScoreName, number | null>;
  weights: Record<SubScoreName, number>;
  liveRows: number | null;
  measuredAt: string | null;
  cached: boolean;
  completeness: {
    column: string;
    name: string;
    required: boolean;
    key: boolean;
    filled: number;
    share: number | null;
  }[];
  window: {
    batches: number;
    rowsRead: number;
    rowsRejected: number;
    duplicateKeys: number;
    valuesChecked: number;
    valuesInvalid: number;
  };
  validators: { kind: string; checked: number; invalid: number; validRate: number | null }[];
  lastBatch: BatchSummary | null;
  rowCountHistory: { batchId: string; finishedAt: string; rowsTotal: number }[];
  batches: {
    total: number;
    succeeded: number;
    failed: number;
    refused: number;
    running: number;
    recent: BatchSummary[];
  };
  freshness: Freshness;
}

/** 98.5%: a share (0-1) as a percentage with at most one decimal; — when unknown. */
export function percent(share: number | null | undefined): string {
  if (share === null || share === undefined) return '—';
  return `${String(Math.round(share * 1000) / 10)}%`;
}

/** Colour of a 0-100 score: green from 90, blue from 75, orange from 60, red below. */
export function scoreColor(score: number | null): string {
  if (score === null) return '#bfbfbf';
  if (score >= 90) return '#52c41a';
  if (score >= 75) return '#1f5fbf';
  if (score >= 60) return '#fa8c16';
  return '#f5222d';
}
