import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline as pipe } from 'node:stream/promises';
import { sql, type Kysely } from 'kysely';
import type { ActionContext } from '../../../core/action.ts';
import { appendAuditEvent } from '../../../core/audit.ts';
import { AppError, type LocalizedText } from '../../../core/errors.ts';
import type { Engine } from '../../../db/dialect.ts';
import type { Database, IngestFormat, IngestMode } from '../../../db/schema.ts';
import type { ResourceContentDto } from '../../catalog/model.ts';
import { findVersion } from '../../catalog/store.ts';
import {
  addBatchColumns,
  createIndexes,
  createTable,
  isTabular,
  parseShape,
} from '../data-table.ts';
import { gbt2260Codes } from '../../../core/validators/region-code.ts';
import { validationContext } from '../validate.ts';
import {
  batchRow,
  recoverInterruptedBatches,
  sourceOf,
  storeRejections,
  workTableName,
} from './batches.ts';
import {
  addWorkKey,
  carryOverIntoReplacement,
  countMatchingLive,
  createLoader,
  deleteFromWork,
  dropTableIfExists,
  isDuplicateKeyError,
  removeDuplicateKeys,
  sqliteRowsPerLine,
  swapTables,
  upsertFromWork,
  type BulkLoader,
} from './bulk.ts';
import { ingestError, reasonOf } from './errors.ts';
import { ParseWorker } from './parse-worker.ts';
import { duplicateKeyRejection, RowChecker, type BatchStats, type Rejection } from './rows.ts';
import { checkXlsxFile, Digest, formatFromFileName, type DeclaredEncoding } from './sources.ts';

/**
 * One ingestion batch, end to end (issue 4): open the batch record, stream the file through the
 * parser and the row checks into a private work table, then commit in one transaction: the typed
 * table changes (replace: the work table is swapped in; upsert/delete: applied by key), the batch
 * becomes `succeeded`, and the audit event is appended. Until that commit consumers see the previous
 * data; a failure or a crash before it leaves the previous data as it was and the batch `failed`.
 */

export type IngestInput = { stream: Readable } | { file: string };

export interface IngestRequest {
  code: string;
  mode: IngestMode;
  format?: IngestFormat;
  encoding?: DeclaredEncoding;
  sourceName: string;
  /** Share (0-1) of rejected rows above which the batch is refused whole. */
  maxRejectedShare?: number;
  input: IngestInput;
  /** File resources: the media type to serve the stored file with. */
  contentType?: string;
}

/** Rejections kept per batch for listing and download; the counts stay exact beyond this. */
export const STORED_REJECTIONS = 10_000;
const SQLITE_CHUNK = 5_000;
const POSTGRES_CHUNK = 5_000;
const HEARTBEAT_MS = 2_000;

interface ResolvedResource {
  id: string;
  code: string;
  orgId: string;
  content: ResourceContentDto;
}

export async function resolveResource(
  db: Kysely<Database>,
  code: string,
): Promise<ResolvedResource> {
  const resource = await db
    .selectFrom('resources')
    .select(['id', 'live_version', 'org_id'])
    .where('code', '=', code)
    .executeTakeFirst();
  if (!resource) throw new AppError('NOT_FOUND');
  if (resource.live_version === null) {
    throw ingestError(
      'INGEST_NO_TABLE',
      '该资源尚未发布，发布后才能归集数据',
      'the resource is not published; data can be aggregated once it is',
    );
  }
  const version = await findVersion(db, code, resource.live_version);
  if (!version) throw new AppError('NOT_FOUND');
  return {
    id: resource.id,
    code,
    orgId: resource.org_id,
    content: JSON.parse(version.content) as ResourceContentDto,
  };
}

function detectFormat(request: IngestRequest): IngestFormat {
  if (request.format) return request.format;
  const fromName = formatFromFileName(request.sourceName);
  if (fromName) return fromName;
  throw ingestError(
    'INGEST_FORMAT',
    '无法判断文件格式；请指定 format（csv、xlsx、json、ndjson）',
    'cannot tell the file format; give format (csv, xlsx, json, ndjson)',
  );
}

function inputStream(input: IngestInput): Readable {
  if ('stream' in input) return input.stream;
  return createReadStream(input.file);
}

export interface IngestOutcome {
  batchId: string;
}

/**
 * Runs a batch for a caller already authorized by the action's policy. Returns the batch id; the
 * batch record holds the result. Throws (with `data.batchId`) when the batch failed or was refused.
 */
const TRACE = process.env.GOVDX_INGEST_TRACE === '1';

export async function ingest(ctx: ActionContext, request: IngestRequest): Promise<IngestOutcome> {
  let phaseStart = performance.now();
  const trace = (phase: string) => {
    if (!TRACE) return;
    const now = performance.now();
    const memory = process.memoryUsage();
    const mb = (bytes: number) => Math.round(bytes / 1048576);
    process.stderr.write(
      `ingest ${phase}: ${(now - phaseStart).toFixed(0)} ms (rss ${mb(memory.rss)} MB, heap ${mb(memory.heapTotal)} MB, external ${mb(memory.external)} MB)\n`,
    );
    phaseStart = now;
  };
  const db = ctx.services.db;
  const resource = await resolveResource(db.kysely, request.code);
  // A non-tabular resource takes any file as its next version, whatever its name says.
  const format = isTabular(resource.content) ? detectFormat(request) : 'file';
  const mode = request.mode;
  const maxRejectedShare =
    request.maxRejectedShare ?? ctx.services.config.ingestMaxRejectedPercent / 100;
  const batchId = randomUUID();
  const startedAt = ctx.now.toISOString();
  ctx.audit = { target: request.code, orgId: resource.orgId, details: { batchId } };

  if (!isTabular(resource.content)) {
    return storeResourceFile(ctx, resource, request, batchId, maxRejectedShare);
  }
  if (format === 'file') {
    throw ingestError(
      'INGEST_NOT_TABULAR',
      '该资源是表格数据，请上传 CSV、XLSX、JSON 或 NDJSON',
      'the resource is tabular: upload CSV, XLSX, JSON or NDJSON',
    );
  }

  // Open the batch: one running batch per resource; dead ones are recovered first.
  await recoverInterruptedBatches(db.kysely, ctx.now, resource.id);
  const state = await db.kysely.transaction().execute(async (trx) => {
    const table = await lockDataTable(trx, resource.id, db.dialect.engine);
    const running = await trx
      .selectFrom('ingest_batches')
      .select('id')
      .where('resource_id', '=', resource.id)
      .where('status', '=', 'running')
      .executeTakeFirst();
    if (running) {
      throw ingestError(
        'INGEST_BATCH_RUNNING',
        '该资源正在归集另一批数据，请等待其完成',
        'another batch of this resource is running; wait for it to finish',
        { batchId: running.id },
      );
    }
    await trx
      .insertInto('ingest_batches')
      .values(
        batchRow({
          id: batchId,
          resourceId: resource.id,
          resourceCode: resource.code,
          orgId: resource.orgId,
          mode,
          source: sourceOf(ctx.actor),
          sourceName: request.sourceName,
          format,
          actor: ctx.actor,
          maxRejectedShare,
          now: startedAt,
        }),
      )
      .execute();
    return table;
  });

  const work = workTableName(resource.code, batchId);
  const shape = parseShape(state.shape);
  const context = await validationContext(db.kysely, ctx.now);
  // The main thread's checker only names the columns; the worker checks the rows.
  const checker = new RowChecker(resource.content.items, mode, context);
  const base = Number(state.last_row_version);
  const sqlite = db.dialect.engine === 'sqlite';
  let loader: BulkLoader | undefined;
  let parser: ParseWorker | undefined;
  let spool: string | undefined;
  const counts = { read: 0, rejected: 0, stored: 0, maxRow: 0, bytes: 0 };
  let stats: BatchStats = { columns: {}, validators: {}, duplicateKeys: 0 };
  let presentColumns = new Set<string>();
  let pendingRejections: Rejection[] = [];
  let encoding: string | null = null;
  let sha256: string | null = null;

  const flushRejections = async () => {
    const room = STORED_REJECTIONS - counts.stored;
    const keep = pendingRejections.slice(0, Math.max(0, room));
    pendingRejections = [];
    if (keep.length === 0) return;
    await storeRejections(db.kysely, batchId, keep, counts.stored);
    counts.stored += keep.length;
  };
  // The first chunk reports at once; then every HEARTBEAT_MS.
  let lastBeat = 0;
  const heartbeat = async () => {
    if (Date.now() - lastBeat < HEARTBEAT_MS) return;
    lastBeat = Date.now();
    await db.kysely
      .updateTable('ingest_batches')
      .set({
        heartbeat_at: new Date().toISOString(),
        rows_read: counts.read,
        rows_rejected: counts.rejected,
        bytes: counts.bytes,
      })
      .where('id', '=', batchId)
      .execute();
  };

  try {
    // The work table: a full replacement has the typed table's shape (it will take its place);
    // upsert and delete need only the checked columns. No key during the load (addWorkKey after
    // it); on SQLite no _batch_id and _updated_at either, which are added once the rows are in
    // (addBatchColumns), so that no row stores them.
    if (mode === 'replace') {
      await createTable(db.kysely, work, shape, resource.content, {
        primaryKey: false,
        indexes: false,
        withoutBatchColumns: sqlite,
      });
    } else {
      const columns = checker.columns.map((column) =>
        sql.raw(`${column} ${shape.columns.get(column) ?? 'text'}`),
      );
      await sql`create table ${sql.table(work)} (${sql.join([
        ...columns,
        sql.raw('_row_version bigint not null'),
        sql.raw('_deleted integer not null default 0'),
        ...(sqlite
          ? []
          : [sql.raw('_batch_id varchar(36)'), sql.raw('_updated_at varchar(32) not null')]),
      ])})`.execute(db.kysely);
    }
    const items =
      mode === 'delete'
        ? resource.content.items.filter((entry) => entry.key)
        : resource.content.items;
    loader = createLoader(db, {
      table: work,
      columns: checker.columns,
      binaryIndexes: items.flatMap((entry, index) => (entry.type === 'G' ? [index] : [])),
    });

    // The file: parsed and checked in a worker thread while this thread writes (worker.ts).
    let file: string | undefined;
    let bytes: Readable | undefined;
    if ('file' in request.input && format !== 'xlsx') file = request.input.file;
    else if (format === 'xlsx') {
      // A ZIP is read from its end: spool the upload to disk first.
      spool = path.join(os.tmpdir(), `govdx-ingest-${batchId}.xlsx`);
      const limit = new Digest(ctx.services.config.ingestMaxBytes);
      await pipe(inputStream(request.input), limit, createWriteStream(spool));
      // Refuse a non-spreadsheet or a zip bomb before a thread is started for it.
      await checkXlsxFile(spool);
      file = spool;
    } else bytes = inputStream(request.input);
    parser = new ParseWorker(
      {
        format: format,
        encoding: request.encoding ?? 'auto',
        items: resource.content.items,
        mode,
        context: {
          today: context.today,
          extraRegions: [...context.extraRegions],
          regionCodes: [...gbt2260Codes()],
        },
        ...(file ? { file } : {}),
        maxBytes: ctx.services.config.ingestMaxBytes,
        engine: db.dialect.engine,
        chunkSize: sqlite ? SQLITE_CHUNK : POSTGRES_CHUNK,
        rowsPerLine: sqliteRowsPerLine(checker.columns.length),
        base,
        batchId,
        now: startedAt,
      },
      bytes,
    );
    let writeMs = 0;
    trace('setup');
    for await (const message of parser.messages()) {
      if (message.type === 'header') {
        presentColumns = new Set(message.presentColumns);
      } else if (message.type === 'chunk') {
        counts.read = message.read;
        counts.rejected = message.rejected;
        counts.bytes = message.bytes;
        pendingRejections.push(...message.rejections);
        const written = message.count > 0 ? loader.write(message.payload) : Promise.resolve();
        // The worker may fill the next chunk while this one is written.
        parser.ack();
        const writeStart = performance.now();
        await written;
        writeMs += performance.now() - writeStart;
        // SQLite has read the whole payload inside its transaction; a COPY stream may still hold
        // it in the socket's queue, so PostgreSQL's are left to the garbage collector.
        if (sqlite && message.count > 0) parser.recycle(message.payload);
        if (pendingRejections.length > 0) await flushRejections();
        await heartbeat();
      } else if (message.type === 'done') {
        counts.read = message.read;
        counts.rejected = message.rejected;
        counts.maxRow = message.maxRow;
        counts.bytes = message.bytes;
        sha256 = message.sha256;
        encoding = message.encoding;
        stats = message.stats;
      }
    }
    // The worker's isolate is freed before indexing and committing, which need memory of their own.
    await parser.close();
    parser = undefined;
    if (counts.read === 0) {
      throw ingestError(
        'INGEST_EMPTY_FILE',
        presentColumns.size > 0 ? '文件只有表头，没有数据行' : '文件为空',
        presentColumns.size > 0 ? 'the file has a header but no data rows' : 'the file is empty',
      );
    }
    if (TRACE) process.stderr.write(`ingest write: ${writeMs.toFixed(0)} ms\n`);
    trace('load');
    await loader.finish();
    if (sqlite) await addBatchColumns(db.kysely, work, { batchId, now: startedAt });
    // The key is added now, in one sort (bulk.ts); only when that finds duplicates are they located
    // (a second pass the common, clean batch does not pay for). The first row of a key stays.
    try {
      await addWorkKey(db.kysely, db.dialect.engine, work, checker.keyColumns);
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const duplicates = await removeDuplicateKeys(db.kysely, work, checker.keyColumns, base);
      for (const duplicate of duplicates.sort((a, b) => a.row - b.row))
        pendingRejections.push(duplicateKeyRejection(duplicate.row, duplicate.key));
      counts.rejected += duplicates.length;
      stats.duplicateKeys += duplicates.length;
      await flushRejections();
      await addWorkKey(db.kysely, db.dialect.engine, work, checker.keyColumns);
    }

    // Refuse the whole batch when too much of it is wrong (issue 4: configurable threshold).
    const accepted = counts.read - counts.rejected;
    if (accepted === 0 || counts.rejected / counts.read > maxRejectedShare) {
      throw ingestError(
        'INGEST_TOO_MANY_REJECTED',
        `${counts.read} 行中有 ${counts.rejected} 行未通过校验，超过允许的 ${(maxRejectedShare * 100).toFixed(1)}%，整批未归集；请下载问题数据修正后重新上传`,
        `${counts.rejected} of ${counts.read} rows failed the checks, above the allowed ${(maxRejectedShare * 100).toFixed(1)}%; nothing was loaded. Download the rejected rows, fix them and upload again`,
        { batchId, rowsRead: counts.read, rowsRejected: counts.rejected },
      );
    }

    trace('finish+pk');
    if (mode === 'replace') await createIndexes(db.kysely, work, resource.content);
    const matched = await countMatchingLive(db.kysely, work, state.table_name, checker.keyColumns);

    // Commit: the data, the batch record and the audit event in one transaction.
    const finishedAt = new Date();
    const tombstoneBase = base + counts.maxRow;
    trace('indexes+count');
    await db.kysely.transaction().execute(async (trx) => {
      const current = await lockDataTable(trx, resource.id, db.dialect.engine);
      if (current.schema_version !== state.schema_version) {
        throw ingestError(
          'INGEST_SCHEMA_CHANGED',
          '归集期间目录发布了新版本并改变了数据表结构，请重新归集',
          'a new catalog version changed the table during ingestion; run the batch again',
        );
      }
      let inserted = 0;
      let updated = 0;
      let deleted = 0;
      let rowCount = Number(current.row_count);
      let lastVersion = tombstoneBase;
      if (mode === 'replace') {
        deleted = await carryOverIntoReplacement(trx, {
          work,
          main: state.table_name,
          columns: [...shape.columns.keys()],
          key: checker.keyColumns,
          tombstoneBase,
          batchId,
          now: finishedAt.toISOString(),
        });
        await swapTables(trx, work, state.table_name);
        updated = matched;
        inserted = accepted - matched;
        rowCount = accepted;
        lastVersion = tombstoneBase + deleted;
      } else if (mode === 'upsert') {
        await upsertFromWork(trx, {
          work,
          main: state.table_name,
          columns: checker.columns,
          update: checker.columns.filter(
            (column) => presentColumns.has(column) && !checker.keyColumns.includes(column),
          ),
          key: checker.keyColumns,
        });
        await dropTableIfExists(trx, work);
        updated = matched;
        inserted = accepted - matched;
        rowCount += inserted;
      } else {
        deleted = await deleteFromWork(trx, {
          work,
          main: state.table_name,
          key: checker.keyColumns,
          batchId,
          now: finishedAt.toISOString(),
        });
        await dropTableIfExists(trx, work);
        stats.notFound = accepted - deleted;
        rowCount -= deleted;
      }
      await trx
        .updateTable('resource_data_tables')
        .set({
          last_row_version: Math.max(lastVersion, Number(current.last_row_version)),
          row_count: rowCount,
          updated_at: finishedAt.toISOString(),
        })
        .where('resource_id', '=', resource.id)
        .execute();
      await trx
        .updateTable('ingest_batches')
        .set({
          status: 'succeeded',
          encoding,
          sha256,
          bytes: counts.bytes,
          rows_read: counts.read,
          rows_inserted: inserted,
          rows_updated: updated,
          rows_deleted: deleted,
          rows_rejected: counts.rejected,
          rows_total: rowCount,
          stats: JSON.stringify(stats),
          row_version_from: base + 1,
          row_version_to: lastVersion,
          heartbeat_at: finishedAt.toISOString(),
          finished_at: finishedAt.toISOString(),
          duration_ms: finishedAt.getTime() - ctx.now.getTime(),
        })
        .where('id', '=', batchId)
        .execute();
      await appendAuditEvent(trx, ctx.services.ledger, {
        actor: ctx.actor,
        requestId: ctx.requestId,
        action: 'aggregation.ingest',
        target: request.code,
        orgId: resource.orgId,
        outcome: 'success',
        details: {
          batchId,
          mode,
          format,
          sourceName: request.sourceName,
          // The content hash goes into the ledger with the batch (issue 6, R6.2 provenance).
          sha256,
          bytes: counts.bytes,
          rowsRead: counts.read,
          rowsInserted: inserted,
          rowsUpdated: updated,
          rowsDeleted: deleted,
          rowsRejected: counts.rejected,
        },
        occurredAt: finishedAt,
      });
    });
    trace('commit');
    if (db.dialect.engine === 'postgres') {
      // A swapped-in table has no statistics and no visibility map yet: until autovacuum visits it,
      // the planner guesses and index-only scans (the open data API's filtered counts) read the
      // heap. Done off the request path; a failure only leaves that to autovacuum.
      sql`vacuum (analyze) ${sql.table(state.table_name)}`
        .execute(db.kysely)
        .catch((error: unknown) => ctx.services.logger.warn({ err: error }, 'vacuum after ingest'));
    }
    return { batchId };
  } catch (error) {
    await parser?.close().catch(() => undefined);
    await loader?.abort().catch(() => undefined);
    await dropTableIfExists(db.kysely, work).catch(() => undefined);
    await flushRejections().catch(() => undefined);
    await failBatch(ctx, batchId, error, {
      read: counts.read,
      rejected: counts.rejected,
      bytes: counts.bytes,
      encoding,
      stats: JSON.stringify(stats),
    });
    if (error instanceof AppError) {
      throw new AppError(error.code, error.localized, error.fields, {
        reason: error.detail?.reason ?? error.code,
        data: { ...error.detail?.data, batchId },
      });
    }
    throw error;
  } finally {
    await parser?.close().catch(() => undefined);
    if (spool) await rm(spool, { force: true });
  }
}

async function lockDataTable(db: Kysely<Database>, resourceId: string, engine: Engine) {
  let query = db
    .selectFrom('resource_data_tables')
    .selectAll()
    .where('resource_id', '=', resourceId);
  // PostgreSQL: serialize batches of one resource (SQLite has a single writer anyway).
  if (engine === 'postgres') query = query.forUpdate();
  const table = await query.executeTakeFirst();
  if (!table) {
    throw ingestError(
      'INGEST_NO_TABLE',
      '该资源没有数据表（需为已发布的表格类资源并定义主键数据项）',
      'the resource has no data table (it must be a published tabular resource with key items)',
    );
  }
  return table;
}

async function failBatch(
  ctx: ActionContext,
  batchId: string,
  error: unknown,
  progress: {
    read: number;
    rejected: number;
    bytes: number;
    encoding: string | null;
    stats: string;
  },
): Promise<void> {
  const reason = reasonOf(error);
  const message: LocalizedText =
    error instanceof AppError
      ? error.localized
      : { zh: '归集失败：服务器内部错误', en: 'ingestion failed: internal error' };
  if (!(error instanceof AppError)) {
    ctx.services.logger.error({ err: error, batchId }, 'ingestion failed');
  }
  const now = new Date();
  const batch = await ctx.services.db.kysely
    .selectFrom('ingest_batches')
    .select('started_at')
    .where('id', '=', batchId)
    .executeTakeFirst();
  await ctx.services.db.kysely
    .updateTable('ingest_batches')
    .set({
      status: reason === 'INGEST_TOO_MANY_REJECTED' ? 'refused' : 'failed',
      error_code: reason,
      error_message: JSON.stringify(message),
      encoding: progress.encoding,
      rows_read: progress.read,
      rows_rejected: progress.rejected,
      bytes: progress.bytes,
      stats: progress.stats,
      heartbeat_at: now.toISOString(),
      finished_at: now.toISOString(),
      duration_ms: batch ? now.getTime() - Date.parse(batch.started_at) : null,
    })
    .where('id', '=', batchId)
    .where('status', '=', 'running')
    .execute();
}

/**
 * Non-tabular resources (PDF, images, archives): each upload is stored as the next version of the
 * resource's file, with its SHA-256 and size, under the data directory; the batch records it.
 */
async function storeResourceFile(
  ctx: ActionContext,
  resource: ResolvedResource,
  request: IngestRequest,
  batchId: string,
  maxRejectedShare: number,
): Promise<IngestOutcome> {
  const db = ctx.services.db.kysely;
  const directory = path.join(ctx.services.config.dataDir, 'files', resource.id);
  await mkdir(directory, { recursive: true });
  const temporary = path.join(directory, `.upload-${batchId}`);
  const digest = new Digest(ctx.services.config.ingestMaxBytes);
  try {
    await pipe(inputStream(request.input), digest, createWriteStream(temporary));
    if (digest.bytes === 0) throw ingestError('INGEST_EMPTY_FILE', '文件为空', 'the file is empty');
    const sha256 = digest.hex();
    const finishedAt = new Date();
    await db.transaction().execute(async (trx) => {
      const last = await trx
        .selectFrom('resource_files')
        .select((eb) => eb.fn.max('version').as('version'))
        .where('resource_id', '=', resource.id)
        .executeTakeFirst();
      const version = Number(last?.version ?? 0) + 1;
      await trx
        .insertInto('ingest_batches')
        .values({
          ...batchRow({
            id: batchId,
            resourceId: resource.id,
            resourceCode: resource.code,
            orgId: resource.orgId,
            mode: request.mode,
            source: sourceOf(ctx.actor),
            sourceName: request.sourceName,
            format: 'file',
            actor: ctx.actor,
            maxRejectedShare,
            now: ctx.now.toISOString(),
          }),
          status: 'succeeded',
          sha256,
          bytes: digest.bytes,
          rows_total: version,
          finished_at: finishedAt.toISOString(),
          duration_ms: finishedAt.getTime() - ctx.now.getTime(),
        })
        .execute();
      await trx
        .insertInto('resource_files')
        .values({
          id: randomUUID(),
          resource_id: resource.id,
          version,
          file_name: path.basename(request.sourceName),
          content_type: request.contentType ?? 'application/octet-stream',
          sha256,
          bytes: digest.bytes,
          batch_id: batchId,
          created_at: finishedAt.toISOString(),
        })
        .execute();
      await rename(temporary, storedFilePath(ctx.services.config.dataDir, resource.id, version));
      await appendAuditEvent(trx, ctx.services.ledger, {
        actor: ctx.actor,
        requestId: ctx.requestId,
        action: 'aggregation.ingest',
        target: request.code,
        orgId: resource.orgId,
        outcome: 'success',
        details: { batchId, format: 'file', version, sha256, bytes: digest.bytes },
        occurredAt: finishedAt,
      });
    });
    return { batchId };
  } finally {
    await rm(temporary, { force: true });
  }
}

export function storedFilePath(dataDir: string, resourceId: string, version: number): string {
  return path.join(dataDir, 'files', resourceId, `v${version}`);
}
