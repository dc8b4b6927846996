/**
 * Shapes of ingestion (数据归集) as the server describes them (src/modules/aggregation/ingest/
 * actions.ts): batches, rejected rows (问题数据), stored files of non-tabular resources; and what the
 * upload page needs to send a file (its format and media type).
 */
import type { TFunction } from 'i18next';
import type { DataItem, FormatCategory, ResourceContent } from '../../catalog/model';
import { TABULAR_FORMATS } from '../../catalog/model';
import type { LocalizedText } from './values';

export const INGEST_MODES = ['upsert', 'replace', 'delete'] as const;
export type IngestMode = (typeof INGEST_MODES)[number];

export const ENCODINGS = ['auto', 'utf-8', 'gbk'] as const;
export type Encoding = (typeof ENCODINGS)[number];

export const BATCH_STATUSES = ['running', 'succeeded', 'failed', 'refused'] as const;
export type BatchStatus = (typeof BATCH_STATUSES)[number];

export const BATCH_SOURCES = ['console', 'push', 'cli', 'demo'] as const;
export type BatchSource = (typeof BATCH_SOURCES)[number];

export const BATCH_STATUS_COLORS: Record<BatchStatus, string> = {
  running: 'processing',
  succeeded: 'success',
  failed: 'error',
  refused: 'warning',
};

export const BATCH_SOURCE_COLORS: Record<BatchSource, string> = {
  console: 'blue',
  push: 'purple',
  cli: 'cyan',
  demo: 'default',
};

export interface Batch {
  id: string;
  resourceCode: string;
  mode: string;
  source: string;
  sourceName: string;
  format: string;
  encoding: string | null;
  status: string;
  errorCode: string | null;
  errorMessage: LocalizedText | null;
  actorName: string;
  sha256: string | null;
  bytes: number;
  rowsRead: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsDeleted: number;
  rowsRejected: number;
  rowsTotal: number | null;
  maxRejectedShare: number;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
}

export interface BatchList {
  items: Batch[];
  total: number;
}

export interface Rejection {
  /** Row in the file; the header is row 1. */
  row: number;
  column: string | null;
  value: string | null;
  code: string;
  reason: LocalizedText;
}

export interface RejectionList {
  items: Rejection[];
  /** Rejected rows of the batch. */
  total: number;
  /** Rejections kept for listing and download (the first 10,000). */
  stored: number;
}

export interface IngestResult {
  batch: Batch;
  rejections: Rejection[];
  rejectionsTruncated: boolean;
}

export interface FileVersion {
  version: number;
  fileName: string;
  contentType: string;
  sha256: string;
  bytes: number;
  batchId: string;
  createdAt: string;
}

/** What a failed upload's error carries in `data` (header mismatch, refused batch). */
export interface IngestErrorData {
  batchId?: string;
  missing?: string[];
  unknown?: string[];
  rowsRead?: number;
  rowsRejected?: number;
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined;
}

export function ingestErrorData(data: Record<string, unknown>): IngestErrorData {
  const out: IngestErrorData = {};
  if (typeof data.batchId === 'string') out.batchId = data.batchId;
  const missing = stringList(data.missing);
  if (missing) out.missing = missing;
  const unknown = stringList(data.unknown);
  if (unknown) out.unknown = unknown;
  if (typeof data.rowsRead === 'number') out.rowsRead = data.rowsRead;
  if (typeof data.rowsRejected === 'number') out.rowsRejected = data.rowsRejected;
  return out;
}

/** A catalog entry takes rows (a typed table) when its format is tabular and it has a key item. */
export function isTabular(content: Pick<ResourceContent, 'formatCategory' | 'items'>): boolean {
  return TABULAR_FORMATS.includes(content.formatCategory) && content.items.some((item) => item.key);
}

export function isTabularFormat(format: FormatCategory): boolean {
  return TABULAR_FORMATS.includes(format);
}

export type TableFormat = 'csv' | 'xlsx' | 'json' | 'ndjson';

const CONTENT_TYPES: Record<TableFormat, string> = {
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  json: 'application/json',
  ndjson: 'application/x-ndjson',
};

/** The accept list of the file picker for tabular resources. */
export const TABLE_ACCEPT = '.csv,.txt,.xlsx,.json,.ndjson,.jsonl';

/** The tabular format of a file, by its extension (as the server guesses it). */
export function tableFormatOf(fileName: string): TableFormat | null {
  const extension = /\.([^.]+)$/.exec(fileName)?.[1]?.toLowerCase() ?? '';
  switch (extension) {
    case 'csv':
    case 'txt':
      return 'csv';
    case 'xlsx':
      return 'xlsx';
    case 'json':
      return 'json';
    case 'ndjson':
    case 'jsonl':
      return 'ndjson';
    default:
      return null;
  }
}

/** How a file is sent: the `format` query parameter and the request's Content-Type. */
export function uploadFormat(
  file: File,
  tabular: boolean,
): { format: TableFormat | 'file'; contentType: string } | null {
  if (!tabular) return { format: 'file', contentType: file.type || 'application/octet-stream' };
  const format = tableFormatOf(file.name);
  return format ? { format, contentType: CONTENT_TYPES[format] } : null;
}

/** 1.2 MB, 640 KB, 12 B (binary multiples, as file managers show them). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${String(bytes)} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value >= 100 ? 0 : 1)} ${units[unit] ?? ''}`;
}

export function formatDuration(t: TFunction, ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return t('ingest.duration.ms', { n: ms });
  const seconds = ms / 1000;
  if (seconds < 60) return t('ingest.duration.s', { n: seconds.toFixed(1) });
  return t('ingest.duration.min', {
    m: Math.floor(seconds / 60),
    s: Math.round(seconds % 60),
  });
}

function oneOf<T extends string>(values: readonly T[], value: string): value is T {
  return (values as readonly string[]).includes(value);
}

export function modeLabel(t: TFunction, mode: string): string {
  return oneOf(INGEST_MODES, mode) ? t(`ingest.mode.${mode}`) : mode;
}

export function isBatchStatus(status: string): status is BatchStatus {
  return oneOf(BATCH_STATUSES, status);
}

export function isBatchSource(source: string): source is BatchSource {
  return oneOf(BATCH_SOURCES, source);
}

/** `姓名（person_name）` for a column the catalog names; the bare column otherwise. */
export function columnLabel(items: readonly DataItem[], column: string | null): string {
  if (!column) return '';
  const item = items.find((i) => i.column === column);
  return item ? `${item.name}（${column}）` : column;
}
