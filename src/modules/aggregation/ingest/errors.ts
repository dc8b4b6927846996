import { AppError, type ErrorCode } from '../../../core/errors.ts';

/**
 * Why a whole ingestion is refused. Each reason is stable (clients and tests branch on it) and maps
 * to one of the platform's closed error codes; row-level problems are rejections, not errors.
 */
export const INGEST_REASONS = {
  INGEST_EMPTY_FILE: 'BAD_REQUEST',
  INGEST_FORMAT: 'BAD_REQUEST',
  INGEST_ENCODING: 'BAD_REQUEST',
  INGEST_CSV_SYNTAX: 'BAD_REQUEST',
  INGEST_JSON_SYNTAX: 'BAD_REQUEST',
  INGEST_XLSX_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  INGEST_HEADER_MISMATCH: 'VALIDATION',
  INGEST_TOO_MANY_REJECTED: 'VALIDATION',
  INGEST_NOT_TABULAR: 'BAD_REQUEST',
  INGEST_NO_TABLE: 'CONFLICT',
  INGEST_BATCH_RUNNING: 'CONFLICT',
  INGEST_SCHEMA_CHANGED: 'CONFLICT',
  INGEST_INTERRUPTED: 'INTERNAL',
  INGEST_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  INGEST_UPLOAD_ABORTED: 'BAD_REQUEST',
} as const satisfies Record<string, ErrorCode>;

export type IngestReason = keyof typeof INGEST_REASONS;

export function ingestError(
  reason: IngestReason,
  zh: string,
  en: string,
  data?: Record<string, unknown>,
): AppError {
  return new AppError(INGEST_REASONS[reason], { zh, en }, undefined, {
    reason,
    ...(data ? { data } : {}),
  });
}

export function reasonOf(error: unknown): string {
  if (error instanceof AppError) return error.detail?.reason ?? error.code;
  return 'INTERNAL';
}
