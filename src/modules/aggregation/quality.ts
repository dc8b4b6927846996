import { Type, type Static } from '@sinclair/typebox';
import { sql, type Kysely } from 'kysely';
import { defineAction } from '../../core/action.ts';
import { notFound } from '../../core/errors.ts';
import { isGovernmentActor } from '../../core/policy.ts';
import { Input, Timestamp } from '../../core/schemas.ts';
import type { Services } from '../../core/services.ts';
import type { BatchStatus, Database } from '../../db/schema.ts';
import type { ResourceContentDto } from '../catalog/model.ts';
import { findVersion } from '../catalog/store.ts';
import { Freshness, freshnessActions, freshnessQuery, freshnessOf, mayWatch } from './freshness.ts';

/**
 * The data quality report of a resource (R3.3: the provider answers for completeness, accuracy and
 * timeliness; R3.4: quality inspection reports and monitoring). Completeness is measured on the live
 * rows of the typed table; validity and uniqueness on the statistics of the latest succeeded
 * ingestion batches (invalid rows are rejected, so the table alone cannot show them); timeliness
 * from the freshness of the data (freshness.ts). docs/QUALITY.md gives the criteria and the formula.
 *
 * Counting every column of a table of 100 million rows takes seconds, so the table measurement is
 * kept per process in a small LRU cache and taken again only when a newer batch succeeded (or the
 * catalog version or the table's row version changed).
 */

/** Weights of the sub-scores in the quality score (sum 100); a sub-score without data is left out. */
export const QUALITY_WEIGHTS = {
  completeness: 30,
  validity: 30,
  uniqueness: 15,
  timeliness: 25,
} as const;
export type SubScore = keyof typeof QUALITY_WEIGHTS;

/** In the completeness sub-score a required (or key) column counts twice as much as an optional one. */
export const REQUIRED_COLUMN_WEIGHT = 2;
/** Validity and uniqueness are measured over this many latest succeeded batches. */
export const QUALITY_WINDOW = 10;
/** Points of the row-count history (succeeded batches). */
export const ROW_HISTORY = 50;
/** Batches listed in the report's history. */
export const BATCH_HISTORY = 20;
/** Table measurements kept per process. */
export const CACHE_SIZE = 500;

interface BatchStats {
  columns?: Record<string, { filled: number; empty: number; invalid: number }>;
  validators?: Record<string, { checked: number; invalid: number }>;
  duplicateKeys?: number;
  notFound?: number;
}

const Share = Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()]);
const Points = Type.Union([Type.Number({ minimum: 0, maximum: 100 }), Type.Null()]);

const BatchSummary = Type.Object({
  id: Type.String(),
  mode: Type.String(),
  status: Type.String(),
  source: Type.String(),
  sourceName: Type.String(),
  actorName: Type.String(),
  rowsRead: Type.Integer(),
  rowsInserted: Type.Integer(),
  rowsUpdated: Type.Integer(),
  rowsDeleted: Type.Integer(),
  rowsRejected: Type.Integer(),
  rowsTotal: Type.Union([Type.Integer(), Type.Null()]),
  rejectedShare: Share,
  startedAt: Timestamp,
  finishedAt: Type.Union([Timestamp, Type.Null()]),
  durationMs: Type.Union([Type.Integer(), Type.Null()]),
});

export const QualityReport = Type.Object({
  code: Type.String(),
  name: Type.String(),
  orgCode: Type.String(),
  orgName: Type.String(),
  version: Type.Integer(),
  formatCategory: Type.String(),
  /** Whether the resource has a typed table (tabular formats); file resources have batches only. */
  tabular: Type.Boolean(),
  /** 0-100, the weighted mean of the sub-scores that have data; null when none has. */
  score: Points,
  subScores: Type.Object({
    completeness: Points,
    validity: Points,
    uniqueness: Points,
    timeliness: Points,
  }),
  weights: Type.Object({
    completeness: Type.Number(),
    validity: Type.Number(),
    uniqueness: Type.Number(),
    timeliness: Type.Number(),
  }),
  /** Live rows of the typed table when it was measured. */
  liveRows: Type.Union([Type.Integer(), Type.Null()]),
  measuredAt: Type.Union([Timestamp, Type.Null()]),
  /** True when the table measurement came from the cache (no newer batch since). */
  cached: Type.Boolean(),
  completeness: Type.Array(
    Type.Object({
      column: Type.String(),
      name: Type.String(),
      required: Type.Boolean(),
      key: Type.Boolean(),
      filled: Type.Integer(),
      share: Share,
    }),
  ),
  /** Over the latest succeeded batches (the window). */
  window: Type.Object({
    batches: Type.Integer(),
    rowsRead: Type.Integer(),
    rowsRejected: Type.Integer(),
    duplicateKeys: Type.Integer(),
    valuesChecked: Type.Integer(),
    valuesInvalid: Type.Integer(),
  }),
  validators: Type.Array(
    Type.Object({
      kind: Type.String(),
      checked: Type.Integer(),
      invalid: Type.Integer(),
      validRate: Share,
    }),
  ),
  /** The latest finished batch, whatever its outcome, with its rejected share. */
  lastBatch: Type.Union([BatchSummary, Type.Null()]),
  rowCountHistory: Type.Array(
    Type.Object({ batchId: Type.String(), finishedAt: Timestamp, rowsTotal: Type.Integer() }),
  ),
  batches: Type.Object({
    total: Type.Integer(),
    succeeded: Type.Integer(),
    failed: Type.Integer(),
    refused: Type.Integer(),
    running: Type.Integer(),
    recent: Type.Array(BatchSummary),
  }),
  freshness: Freshness,
});
export type QualityReportDto = Static<typeof QualityReport>;

interface TableMeasurement {
  liveRows: number;
  filled: Record<string, number>;
  measuredAt: string;
}

/** A least-recently-used map: reading an entry makes it the newest, the oldest goes beyond `size`. */
export class LruCache<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly size: number) {}

  get(key: string): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.size) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  get count(): number {
    return this.entries.size;
  }
}

/** One cache per platform instance (tests run several in one process). */
const caches = new WeakMap<Services, LruCache<TableMeasurement>>();

export function measurementCache(services: Services): LruCache<TableMeasurement> {
  let cache = caches.get(services);
  if (!cache) {
    cache = new LruCache<TableMeasurement>(CACHE_SIZE);
    caches.set(services, cache);
  }
  return cache;
}

/** Non-null values of each column over the live rows: one statement, one scan. */
async function measureTable(
  db: Kysely<Database>,
  table: string,
  columns: string[],
  now: Date,
): Promise<TableMeasurement> {
  const counts = columns.map(
    (column, index) => sql`count(${sql.id(column)}) as ${sql.id(`c${index}`)}`,
  );
  const { rows } = await sql<Record<string, number | string>>`select ${sql.join([
    sql`count(*) as live_rows`,
    ...counts,
  ])} from ${sql.id(table)} where _deleted = 0`.execute(db);
  const row = rows[0] ?? {};
  return {
    liveRows: Number(row.live_rows ?? 0),
    filled: Object.fromEntries(
      columns.map((column, index) => [column, Number(row[`c${index}`] ?? 0)]),
    ),
    measuredAt: now.toISOString(),
  };
}

function ratio(part: number, whole: number): number | null {
  return whole > 0 ? Math.min(1, Math.max(0, part / whole)) : null;
}

const points = (share: number | null) => (share === null ? null : Math.round(share * 1000) / 10);

/** The weighted mean of the sub-scores that have data, 0-100 rounded; null if none has. */
export function qualityScore(subScores: Record<SubScore, number | null>): number | null {
  let sum = 0;
  let weight = 0;
  for (const [name, value] of Object.entries(subScores) as [SubScore, number | null][]) {
    if (value === null) continue;
    sum += QUALITY_WEIGHTS[name] * value;
    weight += QUALITY_WEIGHTS[name];
  }
  return weight > 0 ? Math.round(sum / weight) : null;
}

type BatchRow = Database['ingest_batches'];

function summarize(row: BatchRow): Static<typeof BatchSummary> {
  return {
    id: row.id,
    mode: row.mode,
    status: row.status,
    source: row.source,
    sourceName: row.source_name,
    actorName: row.actor_name,
    rowsRead: Number(row.rows_read),
    rowsInserted: Number(row.rows_inserted),
    rowsUpdated: Number(row.rows_updated),
    rowsDeleted: Number(row.rows_deleted),
    rowsRejected: Number(row.rows_rejected),
    rowsTotal: row.rows_total === null ? null : Number(row.rows_total),
    rejectedShare: ratio(Number(row.rows_rejected), Number(row.rows_read)),
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    durationMs: row.duration_ms === null ? null : Number(row.duration_ms),
  };
}

function parseStats(text: string | null): BatchStats {
  if (!text) return {};
  try {
    return JSON.parse(text) as BatchStats;
  } catch {
    return {};
  }
}

const quality = defineAction({
  name: 'aggregation.quality',
  description:
    'Quality report of a resource: completeness, validity, uniqueness, timeliness and a 0-100 score.',
  tag: 'aggregation',
  input: Input({ code: Type.String({ pattern: '^[A-Z0-9-]{2,40}$' }) }),
  output: QualityReport,
  mutating: false,
  http: { method: 'GET', path: '/resources/:code/quality' },
  policy: async (ctx, input) => {
    const row = await findVersion(ctx.db, input.code);
    if (!row) return isGovernmentActor(ctx.actor);
    return mayWatch(ctx.actor, row);
  },
  handler: async (ctx, input) => {
    const resource = await freshnessQuery(ctx.db)
      .select(['resources.live_version', 'resource_versions.content'])
      .where('resources.code', '=', input.code)
      .executeTakeFirst();
    if (!resource || resource.live_version === null) throw notFound();
    const content = JSON.parse(resource.content) as ResourceContentDto;
    const batchesOf = () =>
      ctx.db.selectFrom('ingest_batches').where('resource_id', '=', resource.resource_id);

    // Batches: the window of succeeded ones, the recent history, the row-count history, the tally.
    const succeeded = await batchesOf()
      .selectAll()
      .where('status', '=', 'succeeded')
      .orderBy('finished_at', 'desc')
      .orderBy('id', 'desc')
      .limit(ROW_HISTORY)
      .execute();
    const recent = await batchesOf()
      .selectAll()
      .orderBy('started_at', 'desc')
      .orderBy('id', 'desc')
      .limit(BATCH_HISTORY)
      .execute();
    const lastFinished = await batchesOf()
      .selectAll()
      .where('finished_at', 'is not', null)
      .orderBy('finished_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    const tally = await batchesOf()
      .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
      .groupBy('status')
      .execute();
    const countOf = (status: BatchStatus) =>
      Number(tally.find((entry) => entry.status === status)?.count ?? 0);

    const window = succeeded.slice(0, QUALITY_WINDOW);
    let valuesChecked = 0;
    let valuesInvalid = 0;
    let duplicateKeys = 0;
    const validators = new Map<string, { checked: number; invalid: number }>();
    for (const batch of window) {
      const stats = parseStats(batch.stats);
      for (const column of Object.values(stats.columns ?? {})) {
        valuesChecked += Number(column.filled ?? 0) + Number(column.invalid ?? 0);
        valuesInvalid += Number(column.invalid ?? 0);
      }
      for (const [kind, counts] of Object.entries(stats.validators ?? {})) {
        const sum = validators.get(kind) ?? { checked: 0, invalid: 0 };
        sum.checked += Number(counts.checked ?? 0);
        sum.invalid += Number(counts.invalid ?? 0);
        validators.set(kind, sum);
      }
      duplicateKeys += Number(stats.duplicateKeys ?? 0);
    }
    const rowsRead = window.reduce((sum, batch) => sum + Number(batch.rows_read), 0);
    const rowsRejected = window.reduce((sum, batch) => sum + Number(batch.rows_rejected), 0);

    // The table: measured once per (catalog version, last succeeded batch, row version).
    const table = await ctx.db
      .selectFrom('resource_data_tables')
      .select(['table_name', 'shape', 'last_row_version'])
      .where('resource_id', '=', resource.resource_id)
      .executeTakeFirst();
    let measurement: TableMeasurement | null = null;
    let cached = false;
    const items = table
      ? content.items.filter((item) =>
          (JSON.parse(table.shape) as { columns: [string, string][] }).columns.some(
            ([column]) => column === item.column,
          ),
        )
      : [];
    if (table) {
      const cache = measurementCache(ctx.services);
      const key = [
        resource.resource_id,
        resource.live_version,
        succeeded[0]?.id ?? '-',
        table.last_row_version,
      ].join(':');
      measurement = cache.get(key) ?? null;
      cached = measurement !== null;
      if (!measurement) {
        measurement = await measureTable(
          ctx.db,
          table.table_name,
          items.map((item) => item.column),
          ctx.now,
        );
        cache.set(key, measurement);
      }
    }

    const completeness = items.map((item) => {
      const filled = measurement?.filled[item.column] ?? 0;
      return {
        column: item.column,
        name: item.name,
        required: item.required,
        key: item.key,
        filled,
        share: ratio(filled, measurement?.liveRows ?? 0),
      };
    });
    let weighted = 0;
    let weights = 0;
    for (const column of completeness) {
      if (column.share === null) continue;
      const weight = column.required || column.key ? REQUIRED_COLUMN_WEIGHT : 1;
      weighted += weight * column.share;
      weights += weight;
    }

    const freshness = freshnessOf(
      resource.update_cycle,
      resource.last_batch_at ?? null,
      resource.first_published_at ?? null,
      ctx.now,
    );
    const timeliness =
      freshness.status === 'no_deadline'
        ? null
        : freshness.status === 'overdue'
          ? Math.max(0, 1 - freshness.daysOverdue / Math.max(1, freshness.periodDays ?? 1))
          : 1;
    const subScores = {
      completeness: points(weights > 0 ? weighted / weights : null),
      validity: points(ratio(valuesChecked - valuesInvalid, valuesChecked)),
      uniqueness: points(rowsRead > 0 ? Math.max(0, 1 - duplicateKeys / rowsRead) : null),
      timeliness: points(timeliness),
    };

    return {
      code: resource.code,
      name: resource.name,
      orgCode: resource.org_code,
      orgName: resource.org_name,
      version: resource.live_version,
      formatCategory: resource.format_category,
      tabular: table !== undefined,
      score: qualityScore(subScores),
      subScores,
      weights: { ...QUALITY_WEIGHTS },
      liveRows: measurement?.liveRows ?? null,
      measuredAt: measurement?.measuredAt ?? null,
      cached,
      completeness,
      window: {
        batches: window.length,
        rowsRead,
        rowsRejected,
        duplicateKeys,
        valuesChecked,
        valuesInvalid,
      },
      validators: [...validators]
        .map(([kind, counts]) => ({
          kind,
          ...counts,
          validRate: ratio(counts.checked - counts.invalid, counts.checked),
        }))
        .sort((a, b) => a.kind.localeCompare(b.kind)),
      lastBatch: lastFinished ? summarize(lastFinished) : null,
      rowCountHistory: succeeded
        .filter((batch) => batch.rows_total !== null && batch.finished_at !== null)
        .map((batch) => ({
          batchId: batch.id,
          finishedAt: batch.finished_at!,
          rowsTotal: Number(batch.rows_total),
        }))
        .reverse(),
      batches: {
        total: tally.reduce((sum, entry) => sum + Number(entry.count), 0),
        succeeded: countOf('succeeded'),
        failed: countOf('failed'),
        refused: countOf('refused'),
        running: countOf('running'),
        recent: recent.map(summarize),
      },
      freshness,
    };
  },
});

export const qualityActions = [quality, ...freshnessActions];
