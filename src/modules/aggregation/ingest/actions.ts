import { ReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Type, type Static } from '@sinclair/typebox';
import { stringify } from 'csv-stringify/sync';
import type ExcelJS from 'exceljs';
import type { Kysely } from 'kysely';
import type { Readable } from 'node:stream';
import { defineAction, type ActionContext } from '../../../core/action.ts';
import { AppError, notFound } from '../../../core/errors.ts';
import { FileInput, FileResult, fileResult } from '../../../core/files.ts';
import {
  authorityOver,
  isAuditor,
  isGovernmentActor,
  isSystem,
  memberOf,
} from '../../../core/policy.ts';
import { Input } from '../../../core/schemas.ts';
import type { Database, IngestBatchTable } from '../../../db/schema.ts';
import { findVersion } from '../../catalog/store.ts';
import { ingest, storedFilePath, STORED_REJECTIONS } from './pipeline.ts';
import { ENCODINGS, FORMAT_CONTENT_TYPES, formatFromContentType } from './sources.ts';

/**
 * Ingestion and its records over the action layer (issue 4): one endpoint takes a file upload from
 * the console, a push of row batches (JSON or NDJSON) from a department system with its API token,
 * and the CLI's `govdx ingest`; batches, their rejected rows (JSON, CSV, XLSX) and stored files are
 * listed for the provider, its authority and auditors.
 */

const Localized = Type.Object({ zh: Type.String(), en: Type.String() });

export const Batch = Type.Object({
  id: Type.String(),
  resourceCode: Type.String(),
  mode: Type.String(),
  source: Type.String({ description: 'console | push | cli | demo' }),
  sourceName: Type.String(),
  format: Type.String(),
  encoding: Type.Union([Type.String(), Type.Null()]),
  status: Type.String({ description: 'running | succeeded | failed | refused' }),
  errorCode: Type.Union([Type.String(), Type.Null()]),
  errorMessage: Type.Union([Localized, Type.Null()]),
  actorName: Type.String(),
  sha256: Type.Union([Type.String(), Type.Null()]),
  bytes: Type.Integer(),
  rowsRead: Type.Integer(),
  rowsInserted: Type.Integer(),
  rowsUpdated: Type.Integer(),
  rowsDeleted: Type.Integer(),
  rowsRejected: Type.Integer(),
  rowsTotal: Type.Union([Type.Integer(), Type.Null()]),
  maxRejectedShare: Type.Number(),
  startedAt: Type.String(),
  finishedAt: Type.Union([Type.String(), Type.Null()]),
  durationMs: Type.Union([Type.Integer(), Type.Null()]),
});
export type BatchDto = Static<typeof Batch>;

export const RejectionItem = Type.Object({
  row: Type.Integer({ description: 'row number in the file (the header is row 1)' }),
  column: Type.Union([Type.String(), Type.Null()]),
  value: Type.Union([Type.String(), Type.Null()]),
  code: Type.String({
    description:
      'REQUIRED | TYPE | LENGTH | ENUM | PATTERN | VALIDATOR | DUPLICATE_KEY | COLUMN_COUNT | UNKNOWN_FIELD',
  }),
  reason: Localized,
});

export const IngestResult = Type.Object({
  batch: Batch,
  rejections: Type.Array(RejectionItem, { description: 'the first rejections (see `truncated`)' }),
  rejectionsTruncated: Type.Boolean(),
});

type BatchRow = IngestBatchTable & { resource_code: string };

export function presentBatch(row: BatchRow): BatchDto {
  return {
    id: row.id,
    resourceCode: row.resource_code,
    mode: row.mode,
    source: row.source,
    sourceName: row.source_name,
    format: row.format,
    encoding: row.encoding,
    status: row.status,
    errorCode: row.error_code,
    errorMessage: row.error_message
      ? (JSON.parse(row.error_message) as { zh: string; en: string })
      : null,
    actorName: row.actor_name,
    sha256: row.sha256,
    bytes: Number(row.bytes),
    rowsRead: Number(row.rows_read),
    rowsInserted: Number(row.rows_inserted),
    rowsUpdated: Number(row.rows_updated),
    rowsDeleted: Number(row.rows_deleted),
    rowsRejected: Number(row.rows_rejected),
    rowsTotal: row.rows_total === null ? null : Number(row.rows_total),
    maxRejectedShare: Number(row.max_rejected_share),
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    durationMs: row.duration_ms === null ? null : Number(row.duration_ms),
  };
}

function batchesQuery(db: Kysely<Database>) {
  return db
    .selectFrom('ingest_batches')
    .innerJoin('resources', 'resources.id', 'ingest_batches.resource_id')
    .selectAll('ingest_batches')
    .select('resources.code as resource_code');
}

export async function loadBatch(db: Kysely<Database>, id: string): Promise<BatchDto | undefined> {
  const row = await batchesQuery(db).where('ingest_batches.id', '=', id).executeTakeFirst();
  return row ? presentBatch(row) : undefined;
}

async function loadRejections(
  db: Kysely<Database>,
  batchId: string,
  offset: number,
  limit: number,
) {
  const rows = await db
    .selectFrom('ingest_rejections')
    .selectAll()
    .where('batch_id', '=', batchId)
    .orderBy('seq')
    .offset(offset)
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    row: Number(row.row_number),
    column: row.column_name,
    value: row.value,
    code: row.code,
    reason: { zh: row.reason_zh, en: row.reason_en },
  }));
}

/** The provider's staff and systems write; they, their authority and auditors read. */
async function canRead(ctx: ActionContext, code: string): Promise<boolean> {
  if (isSystem(ctx.actor) || isAuditor(ctx.actor)) return true;
  const row = await findVersion(ctx.db, code);
  if (!row) return isGovernmentActor(ctx.actor);
  return (
    memberOf(ctx.actor, row.org_id, 'dept_admin', 'dept_operator') ||
    authorityOver(ctx.actor, row.region_path, 'authority_admin', 'reviewer') ||
    (ctx.actor.type === 'token' && ctx.actor.orgId === row.org_id)
  );
}

async function canWrite(ctx: ActionContext, code: string): Promise<boolean> {
  if (isSystem(ctx.actor)) return true;
  const row = await findVersion(ctx.db, code);
  // Unknown codes pass to the handler, which answers 404 to a signed-in caller.
  if (!row) return isGovernmentActor(ctx.actor);
  return (
    memberOf(ctx.actor, row.org_id, 'dept_admin', 'dept_operator') ||
    (ctx.actor.type === 'token' && ctx.actor.orgId === row.org_id)
  );
}

const ALL_CONTENT_TYPES = [
  ...Object.values(FORMAT_CONTENT_TYPES).flat(),
  'application/octet-stream',
  'application/pdf',
  'image/png',
  'image/jpeg',
  'application/zip',
];

const ingestAction = defineAction({
  name: 'aggregation.ingest',
  description:
    'Load data into a published resource: a CSV (UTF-8 or GBK), XLSX, JSON-array or NDJSON file or pushed row batch, checked row by row, applied as one batch (replace, upsert or delete by key); a file for non-tabular resources.',
  tag: 'aggregation',
  input: Input({
    code: Type.String({ pattern: '^[A-Z0-9-]{2,40}$' }),
    mode: Type.Union([Type.Literal('replace'), Type.Literal('upsert'), Type.Literal('delete')], {
      default: 'upsert',
      description:
        'replace: the file becomes the whole data set (consumers see old or new, never a mixture); upsert: insert or update by key; delete: delete by key',
    }),
    format: Type.Optional(
      Type.Union(
        (['csv', 'xlsx', 'json', 'ndjson', 'file'] as const).map((format) => Type.Literal(format)),
        { description: 'default: from the Content-Type or the file name' },
      ),
    ),
    encoding: Type.Union(
      ENCODINGS.map((encoding) => Type.Literal(encoding)),
      { default: 'auto', description: 'CSV text encoding; auto tells UTF-8 from GBK/GB18030' },
    ),
    name: Type.Optional(
      Type.String({ minLength: 1, maxLength: 255, description: 'source (file) name' }),
    ),
    maxRejectedPercent: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 100,
        description:
          'refuse the batch when more rows than this are rejected (default: server setting)',
      }),
    ),
    contentType: Type.Optional(Type.String({ maxLength: 200 })),
    file: FileInput,
  }),
  output: IngestResult,
  mutating: true,
  longRunning: true,
  http: {
    method: 'POST',
    path: '/resources/:code/batches',
    status: 201,
    upload: { contentTypes: ALL_CONTENT_TYPES, maxBytes: 20 * 1024 ** 3, stream: true },
  },
  policy: (ctx, input) => canWrite(ctx, input.code),
  handler: async (ctx, input) => {
    const file = input.file as unknown;
    const stream =
      file instanceof Uint8Array
        ? (await import('node:stream')).Readable.from([Buffer.from(file)])
        : (file as Readable);
    const format =
      input.format ??
      formatFromContentType(input.contentType) ??
      (input.name ? undefined : ('csv' as const));
    const path = fileOf(stream);
    const { batchId } = await ingest(ctx, {
      code: input.code,
      mode: input.mode,
      ...(format ? { format } : {}),
      encoding: input.encoding,
      sourceName:
        input.name ?? `${ctx.actor.type === 'token' ? 'push' : 'upload'}.${format ?? 'dat'}`,
      ...(input.maxRejectedPercent !== undefined
        ? { maxRejectedShare: input.maxRejectedPercent / 100 }
        : {}),
      // A file opened by the CLI is read by the parsing worker itself, not passed through.
      input: path ? { file: path } : { stream },
      ...(input.contentType ? { contentType: input.contentType.split(';')[0]!.trim() } : {}),
    });
    return ingestResult(ctx.db, batchId);
  },
});

/** The path of a not yet started file stream (`govdx ingest --file`), to read it directly. */
function fileOf(stream: Readable): string | undefined {
  if (!(stream instanceof ReadStream) || typeof stream.path !== 'string') return undefined;
  if (stream.bytesRead > 0) return undefined;
  const file = stream.path;
  stream.destroy();
  return file;
}

export async function ingestResult(db: Kysely<Database>, batchId: string) {
  const batch = (await loadBatch(db, batchId))!;
  const rejections = await loadRejections(db, batchId, 0, 100);
  return { batch, rejections, rejectionsTruncated: batch.rowsRejected > rejections.length };
}

const batchList = defineAction({
  name: 'aggregation.batch.list',
  description: 'Ingestion batches of a resource, newest first (running ones show their progress).',
  tag: 'aggregation',
  input: Input({
    code: Type.String({ pattern: '^[A-Z0-9-]{2,40}$' }),
    status: Type.Optional(
      Type.Union(
        (['running', 'succeeded', 'failed', 'refused'] as const).map((s) => Type.Literal(s)),
      ),
    ),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 20 }),
    offset: Type.Integer({ minimum: 0, default: 0 }),
  }),
  output: Type.Object({ items: Type.Array(Batch), total: Type.Integer() }),
  mutating: false,
  http: { method: 'GET', path: '/resources/:code/batches' },
  policy: (ctx, input) => canRead(ctx, input.code),
  handler: async (ctx, input) => {
    let query = batchesQuery(ctx.db).where('resources.code', '=', input.code);
    if (input.status) query = query.where('ingest_batches.status', '=', input.status);
    const rows = await query
      .orderBy('ingest_batches.started_at', 'desc')
      .orderBy('ingest_batches.id')
      .offset(input.offset)
      .limit(input.limit)
      .execute();
    let countQuery = ctx.db
      .selectFrom('ingest_batches')
      .innerJoin('resources', 'resources.id', 'ingest_batches.resource_id')
      .select((eb) => eb.fn.countAll().as('count'))
      .where('resources.code', '=', input.code);
    if (input.status) countQuery = countQuery.where('ingest_batches.status', '=', input.status);
    const count = await countQuery.executeTakeFirst();
    return { items: rows.map(presentBatch), total: Number(count?.count ?? 0) };
  },
});

async function batchResourceCode(db: Kysely<Database>, id: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('ingest_batches')
    .innerJoin('resources', 'resources.id', 'ingest_batches.resource_id')
    .select('resources.code')
    .where('ingest_batches.id', '=', id)
    .executeTakeFirst();
  return row?.code;
}

const BatchId = Type.String({ format: 'uuid' });

async function canReadBatch(ctx: ActionContext, id: string): Promise<boolean> {
  const code = await batchResourceCode(ctx.db, id);
  return code ? canRead(ctx, code) : isGovernmentActor(ctx.actor);
}

const batchGet = defineAction({
  name: 'aggregation.batch.get',
  description: 'One ingestion batch: source, SHA-256, counts, duration, status, error.',
  tag: 'aggregation',
  input: Input({ id: BatchId }),
  output: Batch,
  mutating: false,
  http: { method: 'GET', path: '/batches/:id' },
  policy: (ctx, input) => canReadBatch(ctx, input.id),
  handler: async (ctx, input) => {
    const batch = await loadBatch(ctx.db, input.id);
    if (!batch) throw notFound();
    return batch;
  },
});

const REJECTION_HEADER = ['行号 row', '列 column', '值 value', '代码 code', '原因', 'reason'];

const batchRejections = defineAction({
  name: 'aggregation.batch.rejections',
  description: `Rejected rows of a batch with row number, column and reason (the first ${STORED_REJECTIONS} are kept).`,
  tag: 'aggregation',
  input: Input({
    id: BatchId,
    limit: Type.Integer({ minimum: 1, maximum: STORED_REJECTIONS, default: 1000 }),
    offset: Type.Integer({ minimum: 0, default: 0 }),
  }),
  output: Type.Object({
    items: Type.Array(RejectionItem),
    total: Type.Integer({ description: 'rejected rows in the batch' }),
    stored: Type.Integer({ description: 'rejections kept for listing' }),
  }),
  mutating: false,
  http: { method: 'GET', path: '/batches/:id/rejections' },
  policy: (ctx, input) => canReadBatch(ctx, input.id),
  handler: async (ctx, input) => {
    const batch = await loadBatch(ctx.db, input.id);
    if (!batch) throw notFound();
    const items = await loadRejections(ctx.db, input.id, input.offset, input.limit);
    const stored = await ctx.db
      .selectFrom('ingest_rejections')
      .select((eb) => eb.fn.countAll().as('count'))
      .where('batch_id', '=', input.id)
      .executeTakeFirst();
    return { items, total: batch.rowsRejected, stored: Number(stored?.count ?? 0) };
  },
});

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const batchRejectionsExport = defineAction({
  name: 'aggregation.batch.rejections.export',
  description:
    'Download the rejected rows of a batch (row, column, value, code, reason) as CSV or XLSX to fix them in Excel.',
  tag: 'aggregation',
  input: Input({
    id: BatchId,
    format: Type.Union([Type.Literal('csv'), Type.Literal('xlsx')], { default: 'xlsx' }),
  }),
  output: FileResult,
  mutating: false,
  recordsAccess: true,
  http: {
    method: 'GET',
    path: '/batches/:id/rejections/export',
    produces: ['text/csv', XLSX_TYPE],
  },
  policy: (ctx, input) => canReadBatch(ctx, input.id),
  handler: async (ctx, input) => {
    const batch = await loadBatch(ctx.db, input.id);
    if (!batch) throw notFound();
    const items = await loadRejections(ctx.db, input.id, 0, STORED_REJECTIONS);
    const rows = items.map((item) => [
      item.row,
      item.column ?? '',
      item.value ?? '',
      item.code,
      item.reason.zh,
      item.reason.en,
    ]);
    const baseName = `${batch.resourceCode}-问题数据-${batch.id.slice(0, 8)}`;
    if (input.format === 'csv') {
      const textOut = stringify([REJECTION_HEADER, ...rows], { bom: true });
      return fileResult(`${baseName}.csv`, 'text/csv; charset=utf-8', Buffer.from(textOut));
    }
    const Excel: typeof ExcelJS = (await import('exceljs')).default;
    const workbook = new Excel.Workbook();
    const sheet = workbook.addWorksheet('问题数据');
    sheet.addRow(REJECTION_HEADER).font = { bold: true };
    for (const row of rows) sheet.addRow(row);
    sheet.columns.forEach((column, index) => (column.width = [8, 18, 24, 16, 40, 40][index]));
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
    return fileResult(`${baseName}.xlsx`, XLSX_TYPE, bytes);
  },
});

const FileVersion = Type.Object({
  version: Type.Integer(),
  fileName: Type.String(),
  contentType: Type.String(),
  sha256: Type.String(),
  bytes: Type.Integer(),
  batchId: Type.String(),
  createdAt: Type.String(),
});

const fileList = defineAction({
  name: 'aggregation.file.list',
  description: 'Stored file versions of a non-tabular resource, newest first, with hash and size.',
  tag: 'aggregation',
  input: Input({ code: Type.String({ pattern: '^[A-Z0-9-]{2,40}$' }) }),
  output: Type.Object({ items: Type.Array(FileVersion) }),
  mutating: false,
  http: { method: 'GET', path: '/resources/:code/files' },
  policy: (ctx, input) => canRead(ctx, input.code),
  handler: async (ctx, input) => {
    const rows = await ctx.db
      .selectFrom('resource_files')
      .innerJoin('resources', 'resources.id', 'resource_files.resource_id')
      .selectAll('resource_files')
      .where('resources.code', '=', input.code)
      .orderBy('resource_files.version', 'desc')
      .execute();
    return {
      items: rows.map((row) => ({
        version: row.version,
        fileName: row.file_name,
        contentType: row.content_type,
        sha256: row.sha256,
        bytes: Number(row.bytes),
        batchId: row.batch_id,
        createdAt: row.created_at,
      })),
    };
  },
});

const fileGet = defineAction({
  name: 'aggregation.file.get',
  description: 'Download one stored version of a non-tabular resource’s file.',
  tag: 'aggregation',
  input: Input({
    code: Type.String({ pattern: '^[A-Z0-9-]{2,40}$' }),
    version: Type.Integer({ minimum: 1 }),
  }),
  output: FileResult,
  mutating: false,
  recordsAccess: true,
  http: { method: 'GET', path: '/resources/:code/files/:version', produces: ['*/*'] },
  policy: (ctx, input) => canRead(ctx, input.code),
  handler: async (ctx, input) => {
    const row = await ctx.db
      .selectFrom('resource_files')
      .innerJoin('resources', 'resources.id', 'resource_files.resource_id')
      .selectAll('resource_files')
      .where('resources.code', '=', input.code)
      .where('resource_files.version', '=', input.version)
      .executeTakeFirst();
    if (!row) throw notFound();
    const bytes = await readFile(
      storedFilePath(ctx.services.config.dataDir, row.resource_id, row.version),
    ).catch(() => {
      throw new AppError('NOT_FOUND', {
        zh: '文件内容已不在存储中',
        en: 'the file content is missing from storage',
      });
    });
    return fileResult(row.file_name, row.content_type, bytes);
  },
});

export const ingestActions = [
  ingestAction,
  batchList,
  batchGet,
  batchRejections,
  batchRejectionsExport,
  fileList,
  fileGet,
];
