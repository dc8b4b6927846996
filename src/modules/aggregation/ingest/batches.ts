import os from 'node:os';
import type { Kysely } from 'kysely';
import { actorName, type Actor } from '../../../core/actor.ts';
import type { LocalizedText } from '../../../core/errors.ts';
import type {
  Database,
  IngestBatchTable,
  IngestFormat,
  IngestMode,
  IngestSource,
} from '../../../db/schema.ts';
import { dataTableName } from '../data-table.ts';
import { dropTableIfExists } from './bulk.ts';
import type { Rejection } from './rows.ts';

/**
 * Batch records (issue 4, Ingestion): who loaded what, when, from which source, its SHA-256, the
 * counts, duration and status; and the recovery of batches whose process died (a crash or a kill
 * leaves the previous data intact and the batch marked failed; rerunning works).
 */

/** A running batch whose heartbeat is older than this is considered dead, whatever its host. */
export const STALE_AFTER_MS = 10 * 60 * 1000;
export const HOST = os.hostname();

export function workTableName(resourceCode: string, batchId: string): string {
  return `${dataTableName(resourceCode)}__b${batchId.replace(/-/g, '').slice(0, 8)}`;
}

export function actorColumns(actor: Actor): {
  actor_type: string;
  actor_id: string | null;
  actor_name: string;
} {
  switch (actor.type) {
    case 'user':
      return { actor_type: 'user', actor_id: actor.id, actor_name: actor.username };
    case 'token':
      return { actor_type: 'token', actor_id: actor.id, actor_name: actor.name };
    case 'system':
      return { actor_type: 'system', actor_id: null, actor_name: actor.name };
    case 'anonymous':
      return { actor_type: 'anonymous', actor_id: null, actor_name: 'anonymous' };
    case 'public':
      return { actor_type: 'public', actor_id: actor.id, actor_name: actorName(actor) };
  }
}

export function sourceOf(actor: Actor): IngestSource {
  if (actor.type === 'token') return 'push';
  if (actor.type === 'system') return actor.name.startsWith('govdx demo') ? 'demo' : 'cli';
  return 'console';
}

export interface NewBatch {
  id: string;
  resourceId: string;
  resourceCode: string;
  orgId: string;
  mode: IngestMode;
  source: IngestSource;
  sourceName: string;
  format: IngestFormat;
  actor: Actor;
  maxRejectedShare: number;
  now: string;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Marks running batches failed when their process is gone: on this host, a dead pid; anywhere, a
 * heartbeat older than STALE_AFTER_MS. Their work tables are dropped. Returns how many.
 */
export async function recoverInterruptedBatches(
  db: Kysely<Database>,
  now: Date,
  resourceId?: string,
): Promise<number> {
  let query = db
    .selectFrom('ingest_batches')
    .innerJoin('resources', 'resources.id', 'ingest_batches.resource_id')
    .select([
      'ingest_batches.id',
      'ingest_batches.host',
      'ingest_batches.pid',
      'ingest_batches.heartbeat_at',
      'ingest_batches.started_at',
      'resources.code',
    ])
    .where('ingest_batches.status', '=', 'running');
  if (resourceId) query = query.where('ingest_batches.resource_id', '=', resourceId);
  const running = await query.execute();
  let recovered = 0;
  for (const batch of running) {
    const sameHost = batch.host === HOST;
    const stale = now.getTime() - Date.parse(batch.heartbeat_at) > STALE_AFTER_MS;
    const dead = sameHost ? batch.pid !== process.pid && !processAlive(batch.pid) : stale;
    if (!dead && !stale) continue;
    await dropTableIfExists(db, workTableName(batch.code, batch.id));
    const message: LocalizedText = {
      zh: '归集过程中断（进程退出或崩溃），本批次未生效，原有数据保持不变；请重新归集',
      en: 'ingestion was interrupted (the process exited or crashed); nothing of this batch was applied and the previous data is intact; run it again',
    };
    const updated = await db
      .updateTable('ingest_batches')
      .set({
        status: 'failed',
        error_code: 'INGEST_INTERRUPTED',
        error_message: JSON.stringify(message),
        finished_at: now.toISOString(),
        duration_ms: now.getTime() - Date.parse(batch.started_at),
      })
      .where('id', '=', batch.id)
      .where('status', '=', 'running')
      .executeTakeFirst();
    recovered += Number(updated.numUpdatedRows);
  }
  return recovered;
}

export function batchRow(batch: NewBatch): IngestBatchTable {
  return {
    id: batch.id,
    resource_id: batch.resourceId,
    org_id: batch.orgId,
    mode: batch.mode,
    source: batch.source,
    source_name: batch.sourceName,
    format: batch.format,
    encoding: null,
    ...actorColumns(batch.actor),
    status: 'running',
    error_code: null,
    error_message: null,
    sha256: null,
    bytes: 0,
    rows_read: 0,
    rows_inserted: 0,
    rows_updated: 0,
    rows_deleted: 0,
    rows_rejected: 0,
    rows_total: null,
    max_rejected_share: batch.maxRejectedShare,
    stats: null,
    row_version_from: null,
    row_version_to: null,
    started_at: batch.now,
    heartbeat_at: batch.now,
    finished_at: null,
    duration_ms: null,
    host: HOST,
    pid: process.pid,
  };
}

/** Stores rejections (the first `limit` of a batch; counts stay exact in the batch record). */
export async function storeRejections(
  db: Kysely<Database>,
  batchId: string,
  rejections: Rejection[],
  firstSeq: number,
): Promise<void> {
  const rows = rejections.map((rejection, index) => ({
    batch_id: batchId,
    seq: firstSeq + index,
    row_number: rejection.row,
    column_name: rejection.column,
    value: rejection.value,
    code: rejection.code,
    reason_zh: rejection.reason.zh,
    reason_en: rejection.reason.en,
  }));
  for (let start = 0; start < rows.length; start += 500) {
    await db
      .insertInto('ingest_rejections')
      .values(rows.slice(start, start + 500))
      .execute();
  }
}
