import { PassThrough, Readable } from 'node:stream';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { Type, type Static } from '@sinclair/typebox';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { defineAction, type ActionContext } from '../../core/action.ts';
import { AppError, notFound, text } from '../../core/errors.ts';
import { RawResultSchema, contentDisposition } from '../../core/files.ts';
import { runAction } from '../../core/run-action.ts';
import { Input, OrgCode, Timestamp } from '../../core/schemas.ts';
import type { Db } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';
import { chinaToday } from '../calendar/calendar.ts';
import { DOMAINS, FORMAT_CATEGORIES, UPDATE_CYCLES, type DataItemDto } from '../catalog/model.ts';
import { searchCatalog } from '../catalog/search.ts';
import { qualityActions } from '../aggregation/quality.ts';
import { csvField } from '../sharing/masking.ts';
import {
  accessTo,
  findOpenDataset,
  openItems,
  recordOpenAccess,
  requireAccess,
  type OpenDataset,
} from './access.ts';

/**
 * The open catalog and its data for the public (issue 7, R5.2-R5.4, R5.8, R5.9): search, dataset
 * pages, previews, the open data API, downloads, organisations and usage statistics. Every entry
 * point goes through `findOpenDataset` (closed data does not exist here) and `requireAccess`.
 */
const literals = <T extends string>(values: readonly T[]) =>
  Type.Union(values.map((value) => Type.Literal(value)));
const OpenClass = Type.Union([Type.Literal('unconditional'), Type.Literal('conditional')]);
const DatasetCode = Type.String({ pattern: '^[A-Z0-9-]{2,40}$' });

export const DatasetSummary = Type.Object({
  code: Type.String(),
  name: Type.String(),
  summary: Type.String(),
  orgCode: Type.String({ description: 'the opening department (R5.2)' }),
  orgName: Type.String(),
  openClass: OpenClass,
  formatCategory: Type.String(),
  updateCycle: Type.String(),
  domains: Type.Array(Type.String()),
  publishedAt: Timestamp,
  downloads: Type.Integer(),
  apiCalls: Type.Integer(),
});
type DatasetSummaryDto = Static<typeof DatasetSummary>;

const Facet = Type.Array(
  Type.Object({ value: Type.String(), label: Type.String(), count: Type.Integer() }),
);

interface Usage {
  downloads: number;
  apiCalls: number;
}

/** Downloads and API calls per dataset code, summed over every day. */
async function usageByCode(db: Kysely<Database>, codes: string[]): Promise<Map<string, Usage>> {
  if (codes.length === 0) return new Map();
  const rows = await db
    .selectFrom('open_usage_daily')
    .innerJoin('resources', 'resources.id', 'open_usage_daily.resource_id')
    .select([
      'resources.code',
      (eb) => eb.fn.sum<number>('open_usage_daily.downloads').as('downloads'),
      (eb) => eb.fn.sum<number>('open_usage_daily.api_calls').as('api_calls'),
    ])
    .where('resources.code', 'in', codes)
    .groupBy('resources.code')
    .execute();
  return new Map(
    rows.map((row) => [
      row.code,
      { downloads: Number(row.downloads ?? 0), apiCalls: Number(row.api_calls ?? 0) },
    ]),
  );
}

type SearchItem = Awaited<ReturnType<typeof searchCatalog>>['items'][number];

async function summaries(db: Kysely<Database>, items: SearchItem[]): Promise<DatasetSummaryDto[]> {
  const usage = await usageByCode(
    db,
    items.map((item) => item.code),
  );
  return items.map((item) => ({
    code: item.code,
    name: item.name,
    summary: item.summary,
    orgCode: item.orgCode,
    orgName: item.orgName,
    openClass: item.openClass as DatasetSummaryDto['openClass'],
    formatCategory: item.formatCategory,
    updateCycle: item.updateCycle,
    domains: item.domains,
    publishedAt: item.publishedAt,
    downloads: usage.get(item.code)?.downloads ?? 0,
    apiCalls: usage.get(item.code)?.apiCalls ?? 0,
  }));
}

export const OpenSearchInput = Input({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  provider: Type.Optional(OrgCode),
  domain: Type.Optional(literals(DOMAINS)),
  formatCategory: Type.Optional(literals(FORMAT_CATEGORIES)),
  updateCycle: Type.Optional(literals(UPDATE_CYCLES)),
  openClass: Type.Optional(OpenClass),
  sort: Type.Union([Type.Literal('relevance'), Type.Literal('newest'), Type.Literal('name')], {
    default: 'relevance',
  }),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  offset: Type.Integer({ minimum: 0, maximum: 10000, default: 0 }),
});

/** The open catalog only (R5.2), whoever asks: a department's closed entries stay in the console. */
export function searchOpenCatalog(ctx: ActionContext, input: Static<typeof OpenSearchInput>) {
  return searchCatalog(
    ctx.db,
    ctx.services.db.dialect,
    { ...input, openOnly: true },
    ctx.services.db,
  );
}

const search = defineAction({
  name: 'open.dataset.search',
  description:
    'Search the open catalog in Chinese with facets (provider, domain, format, update cycle, open class); no sign-in needed (R5.2, R5.3).',
  tag: 'open-data',
  input: OpenSearchInput,
  output: Type.Object({
    total: Type.Integer(),
    tokens: Type.Array(Type.String()),
    items: Type.Array(DatasetSummary),
    facets: Type.Object({
      provider: Facet,
      domain: Facet,
      formatCategory: Facet,
      updateCycle: Facet,
      openClass: Facet,
    }),
  }),
  mutating: false,
  http: { method: 'GET', path: '/open/datasets' },
  policy: () => true,
  handler: async (ctx, input) => {
    const result = await searchOpenCatalog(ctx, input);
    const { provider, domain, formatCategory, updateCycle, openClass } = result.facets;
    return {
      total: result.total,
      tokens: result.tokens,
      items: await summaries(ctx.db, result.items),
      facets: { provider, domain, formatCategory, updateCycle, openClass },
    };
  },
});

const DatasetItem = Type.Object({
  column: Type.String(),
  name: Type.String(),
  type: Type.String(),
  description: Type.Optional(Type.String()),
  key: Type.Boolean(),
});

const DatasetDetail = Type.Composite([
  DatasetSummary,
  Type.Object({
    version: Type.Integer(),
    keywords: Type.Array(Type.String()),
    theme: Type.Optional(Type.String()),
    items: Type.Array(DatasetItem),
    conditions: Type.Union([Type.String(), Type.Null()]),
    tabular: Type.Boolean(),
    formats: Type.Array(literals(['csv', 'xlsx', 'json'] as const)),
    rowCount: Type.Union([Type.Integer(), Type.Null()]),
    lastUpdatedAt: Type.Union([Timestamp, Type.Null()]),
    qualityScore: Type.Union([Type.Number(), Type.Null()]),
    citation: Type.String({ description: 'how to cite the source (R5.8)' }),
    access: Type.Object({
      canDownload: Type.Boolean(),
      reason: Type.String(),
      application: Type.Optional(
        Type.Object({
          code: Type.String(),
          status: Type.String(),
          validTo: Type.Union([Type.String(), Type.Null()]),
        }),
      ),
    }),
  }),
]);

/** The portal's name: the open catalog of the top region the platform serves. */
export async function portalName(db: Kysely<Database>): Promise<string> {
  const root = await db
    .selectFrom('regions')
    .select('name')
    .where('parent_code', 'is', null)
    .orderBy('code')
    .executeTakeFirst();
  return `${root?.name ?? ''}公共数据开放平台`;
}

/** R5.8: a GB/T 7714 reference to the dataset ([DS/OL]: online dataset), with the access date. */
export function citationOf(dataset: OpenDataset, platform: string, url: string, now: Date): string {
  const year = dataset.lastUpdatedAt.slice(0, 4);
  return `${dataset.orgName}. ${dataset.name}[DS/OL]. ${platform}, ${year}[${chinaToday(now)}]. ${url}`;
}

export function datasetUrl(ctx: ActionContext, code: string): string {
  return `${ctx.services.config.publicUrl}/datasets/${encodeURIComponent(code)}`;
}

const QUALITY_REPORT = qualityActions.find((action) => action.name === 'aggregation.quality')!;

/** The quality score from the aggregation quality report (issue 4), or null when there is none. */
async function qualityScoreOf(ctx: ActionContext, dataset: OpenDataset): Promise<number | null> {
  if (!dataset.table) return null;
  try {
    const report = (await runAction(
      ctx.services,
      QUALITY_REPORT,
      { code: dataset.code },
      { actor: { type: 'system', name: 'open portal' }, requestId: ctx.requestId },
    )) as { score: number | null };
    return report.score;
  } catch (error) {
    ctx.services.logger.warn({ err: error, code: dataset.code }, 'quality score unavailable');
    return null;
  }
}

const get = defineAction({
  name: 'open.dataset.get',
  description:
    'An open dataset: metadata, open data items, update cycle and last update, quality score, opening department (R5.2), citation (R5.8), usage and what the caller may take (R5.4, R5.5).',
  tag: 'open-data',
  input: Input({ code: DatasetCode }),
  output: DatasetDetail,
  mutating: false,
  http: { method: 'GET', path: '/open/datasets/:code' },
  policy: () => true,
  handler: async (ctx, input) => {
    const dataset = await findOpenDataset(ctx.db, input.code);
    if (!dataset) throw notFound();
    const { content } = dataset;
    const [usage, access, qualityScore, platform] = await Promise.all([
      usageByCode(ctx.db, [dataset.code]),
      accessTo(ctx.db, ctx.actor, dataset, ctx.now),
      qualityScoreOf(ctx, dataset),
      portalName(ctx.db),
    ]);
    return {
      code: dataset.code,
      name: dataset.name,
      summary: content.summary,
      orgCode: dataset.orgCode,
      orgName: dataset.orgName,
      openClass: dataset.openClass,
      formatCategory: content.formatCategory,
      updateCycle: content.updateCycle,
      domains: content.domains,
      publishedAt: dataset.publishedAt,
      downloads: usage.get(dataset.code)?.downloads ?? 0,
      apiCalls: usage.get(dataset.code)?.apiCalls ?? 0,
      version: dataset.version,
      keywords: content.keywords,
      ...(content.theme ? { theme: content.theme } : {}),
      items: openItems(content).map((item) => ({
        column: item.column,
        name: item.name,
        type: item.type,
        ...(item.description ? { description: item.description } : {}),
        key: item.key,
      })),
      conditions: dataset.openClass === 'conditional' ? (content.open.conditions ?? '') : null,
      tabular: dataset.table !== null,
      formats: dataset.table !== null ? (['csv', 'xlsx', 'json'] as const).slice() : [],
      rowCount: dataset.rowCount,
      lastUpdatedAt: dataset.lastUpdatedAt,
      qualityScore,
      citation: citationOf(dataset, platform, datasetUrl(ctx, dataset.code), ctx.now),
      access,
    };
  },
});

// ---------------------------------------------------------------------------------------------
// Records: the one reader of an open dataset's rows, behind the preview, the open data API, the
// CKAN datastore and the downloads.

export const MAX_RECORDS = 1000;
const PREVIEW_ROWS = 20;
const FILTER_VALUES = 100;

export interface RecordQuery {
  limit: number;
  offset: number;
  /** Column -> value, or list of values (any of them). */
  filters?: Record<string, unknown>;
  /** Text that any text column contains. */
  q?: string;
  /** `column` or `column desc`, comma-separated. */
  sort?: string;
  /** Columns to return (default: every open column). */
  fields?: string[];
}

export interface RecordPage {
  fields: { column: string; name: string; type: string }[];
  records: Record<string, unknown>[];
  total: number;
}

const TEXT_TYPES = new Set(['C', 'M']);

function badField(field: string, zh: string, en: string): AppError {
  return new AppError(
    'VALIDATION',
    text(zh, en),
    { [field]: text(zh, en) },
    {
      reason: 'OPEN_BAD_QUERY',
    },
  );
}

function normalize(value: unknown): unknown {
  return typeof value === 'bigint' ? Number(value) : value;
}

/** Reads a page of an open dataset's rows: open columns only, filters bound as parameters. */
export async function readRecords(
  db: Kysely<Database>,
  dataset: OpenDataset,
  query: RecordQuery,
): Promise<RecordPage> {
  if (!dataset.table) throw notTabular();
  const items = openItems(dataset.content);
  const byColumn = new Map(items.map((item) => [item.column, item]));
  const selected: DataItemDto[] = query.fields?.length
    ? query.fields.map((column) => {
        const item = byColumn.get(column);
        if (!item) throw badField('fields', `没有数据项 ${column}`, `no open field ${column}`);
        return item;
      })
    : items;
  const conditions: RawBuilder<unknown>[] = [sql`_deleted = 0`];
  for (const [column, value] of Object.entries(query.filters ?? {})) {
    if (!byColumn.has(column))
      throw badField(
        'filters',
        `没有可筛选的数据项 ${column}`,
        `no open field ${column} to filter on`,
      );
    const values = Array.isArray(value) ? value : [value];
    if (values.length === 0 || values.length > FILTER_VALUES)
      throw badField(
        'filters',
        `筛选值须为 1 至 ${FILTER_VALUES} 个`,
        `give 1 to ${FILTER_VALUES} values per filter`,
      );
    if (values.some((entry) => entry !== null && typeof entry === 'object'))
      throw badField('filters', '筛选值须为文本或数字', 'filter values must be strings or numbers');
    conditions.push(
      values.length === 1
        ? sql`${sql.ref(column)} = ${values[0]}`
        : sql`${sql.ref(column)} in (${sql.join(values)})`,
    );
  }
  const q = query.q?.trim();
  if (q) {
    const textColumns = items.filter((item) => TEXT_TYPES.has(item.type));
    if (textColumns.length === 0) conditions.push(sql`1 = 0`);
    else {
      const pattern = `%${q.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
      conditions.push(
        sql`(${sql.join(
          textColumns.map((item) => sql`${sql.ref(item.column)} like ${pattern} escape '\\'`),
          sql` or `,
        )})`,
      );
    }
  }
  const order: RawBuilder<unknown>[] = [];
  for (const part of (query.sort ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)) {
    const match = /^([a-z][a-z0-9_]*)(?:\s+(asc|desc))?$/i.exec(part);
    if (!match || !byColumn.has(match[1] as string))
      throw badField('sort', `无法按 ${part} 排序`, `cannot sort by ${part}`);
    order.push(
      match[2]?.toLowerCase() === 'desc'
        ? sql`${sql.ref(match[1] as string)} desc`
        : sql`${sql.ref(match[1] as string)}`,
    );
  }
  order.push(sql`_row_version`);
  const where = sql.join(conditions, sql` and `);
  const table = sql.table(dataset.table);
  const [{ rows }, counted] = await Promise.all([
    sql<Record<string, unknown>>`select ${sql.join(
      selected.map((item) => sql.ref(item.column)),
    )} from ${table} where ${where} order by ${sql.join(order)} limit ${query.limit} offset ${query.offset}`.execute(
      db,
    ),
    sql<{ total: number | string }>`select count(*) as total from ${table} where ${where}`.execute(
      db,
    ),
  ]);
  return {
    fields: selected.map((item) => ({ column: item.column, name: item.name, type: item.type })),
    records: rows.map((row) =>
      Object.fromEntries(selected.map((item) => [item.column, normalize(row[item.column])])),
    ),
    total: Number(counted.rows[0]?.total ?? 0),
  };
}

function notTabular(): AppError {
  return new AppError(
    'BAD_REQUEST',
    text('该数据集不是表格数据，请下载其文件', 'this dataset is not tabular'),
    undefined,
    { reason: 'OPEN_NOT_TABULAR' },
  );
}

const RecordsOutput = Type.Object({
  fields: Type.Array(
    Type.Object({ column: Type.String(), name: Type.String(), type: Type.String() }),
  ),
  records: Type.Array(Type.Record(Type.String(), Type.Unknown())),
  total: Type.Integer(),
});

/** An open dataset the caller may take data of, or the refusal. */
export async function takeableDataset(ctx: ActionContext, code: string): Promise<OpenDataset> {
  const dataset = await findOpenDataset(ctx.db, code);
  if (!dataset) throw notFound();
  await requireAccess(ctx.db, ctx.actor, dataset, ctx.now);
  return dataset;
}

const preview = defineAction({
  name: 'open.dataset.preview',
  description: 'The first rows of an open dataset the caller may take (dataset page preview).',
  tag: 'open-data',
  input: Input({ code: DatasetCode }),
  output: RecordsOutput,
  mutating: false,
  http: { method: 'GET', path: '/open/datasets/:code/preview' },
  policy: () => true,
  handler: async (ctx, input) => {
    const dataset = await takeableDataset(ctx, input.code);
    return readRecords(ctx.db, dataset, { limit: PREVIEW_ROWS, offset: 0 });
  },
});

export function parseFilters(raw: string | undefined, field = 'filters'): Record<string, unknown> {
  if (raw === undefined || raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw badField(field, '筛选条件须为 JSON 对象', 'filters must be a JSON object');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw badField(field, '筛选条件须为 JSON 对象', 'filters must be a JSON object');
  return parsed as Record<string, unknown>;
}

const records = defineAction({
  name: 'open.dataset.records',
  description:
    'The open data API (R5.4): rows of an open dataset with filters, text search, sort, fields and paging; every call is recorded (R5.9).',
  tag: 'open-data',
  input: Input({
    code: DatasetCode,
    limit: Type.Integer({ minimum: 1, maximum: MAX_RECORDS, default: 100 }),
    offset: Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0 }),
    q: Type.Optional(Type.String({ maxLength: 200 })),
    filters: Type.Optional(
      Type.String({ maxLength: 4000, description: 'JSON object: column -> value or [values]' }),
    ),
    sort: Type.Optional(Type.String({ maxLength: 200, description: '`column` or `column desc`' })),
    fields: Type.Optional(Type.String({ maxLength: 2000, description: 'comma-separated columns' })),
  }),
  output: Type.Composite([
    RecordsOutput,
    Type.Object({ limit: Type.Integer(), offset: Type.Integer() }),
  ]),
  mutating: false,
  http: { method: 'GET', path: '/open/datasets/:code/records' },
  policy: () => true,
  handler: async (ctx, input) => {
    const dataset = await takeableDataset(ctx, input.code);
    const page = await readRecords(ctx.db, dataset, {
      limit: input.limit,
      offset: input.offset,
      filters: parseFilters(input.filters),
      ...(input.q ? { q: input.q } : {}),
      ...(input.sort ? { sort: input.sort } : {}),
      ...(input.fields ? { fields: input.fields.split(',').map((field) => field.trim()) } : {}),
    });
    recordOpenAccess(ctx.services, {
      actor: ctx.actor,
      dataset,
      channel: 'api',
      format: 'json',
      rows: page.records.length,
      requestId: ctx.requestId,
      at: ctx.now,
    });
    return { ...page, limit: input.limit, offset: input.offset };
  },
});

// ---------------------------------------------------------------------------------------------
// Downloads: streamed in pages by row version, so memory stays flat however large the dataset.

/**
 * Rows per page of a download: a page and its text (about 60 KB of CSV) are all a download holds at
 * a time. 1,000 streamed fastest of 200 to 5,000.
 */
const DOWNLOAD_PAGE = 1_000;
/** The XLSX sheet limit (1,048,576 rows) less the header. */
const XLSX_MAX_ROWS = 1_048_575;

/**
 * The open columns' values of a dataset's live rows, page by page in row-version order, each row an
 * array in `columns` order (no object per row), read by the driver directly: on SQLite a prepared
 * statement in raw mode, run while holding Kysely's connection so that no transaction in progress
 * is read from; on PostgreSQL a query in array row mode.
 */
async function* rowPages(
  db: Db,
  dataset: OpenDataset,
  columns: string[],
): AsyncGenerator<unknown[][]> {
  const select = `select ${[...columns, '_row_version'].map((column) => `"${column}"`).join(', ')} from "${dataset.table as string}" where _deleted = 0 and _row_version > ? order by _row_version limit ${DOWNLOAD_PAGE}`;
  const raw = db.raw;
  let read: (after: number) => Promise<unknown[][]>;
  if (raw.engine === 'sqlite') {
    const statement = raw.sqlite.prepare(select).raw(true);
    read = (after) =>
      db.kysely.connection().execute(() => Promise.resolve(statement.all(after) as unknown[][]));
  } else {
    const text = select.replace('?', '$1');
    read = async (after) =>
      (await raw.pool.query<unknown[]>({ text, values: [after], rowMode: 'array' })).rows;
  }
  const versionAt = columns.length;
  let after = -1;
  for (;;) {
    const rows = await read(after);
    if (rows.length === 0) return;
    yield rows;
    after = Number(rows[rows.length - 1]![versionAt]);
    if (rows.length < DOWNLOAD_PAGE) return;
  }
}

interface DownloadProgress {
  rows: number;
  completed: boolean;
}

async function* csvLines(
  db: Db,
  dataset: OpenDataset,
  items: DataItemDto[],
  progress: DownloadProgress,
): AsyncGenerator<string> {
  // A BOM, so that Excel (where department users and most readers open CSV) reads UTF-8.
  yield `\uFEFF${items.map((item) => csvField(item.name)).join(',')}\r\n`;
  const width = items.length;
  for await (const rows of rowPages(
    db,
    dataset,
    items.map((item) => item.column),
  )) {
    const lines = new Array<string>(rows.length + 1);
    const fields = new Array<string>(width);
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!;
      for (let i = 0; i < width; i++) {
        const value = row[i];
        // A finite number needs no quoting, and JSON.stringify writes it as String() does; but
        // String() keeps each new text in V8's number-string cache, allocated in the old
        // generation, where a 1,000,000-row download left 60 MB of dead strings for a full
        // collection to find. JSON.stringify's text is young and dies young.
        fields[i] =
          typeof value === 'number' && Number.isFinite(value)
            ? JSON.stringify(value)
            : csvField(normalize(value));
      }
      lines[r] = fields.join(',');
    }
    lines[rows.length] = '';
    progress.rows += rows.length;
    yield lines.join('\r\n');
  }
  progress.completed = true;
}

async function* jsonLines(
  db: Db,
  dataset: OpenDataset,
  items: DataItemDto[],
  progress: DownloadProgress,
): AsyncGenerator<string> {
  const fields = items.map((item) => ({ column: item.column, name: item.name, type: item.type }));
  yield `{"dataset":${JSON.stringify(dataset.code)},"fields":${JSON.stringify(fields)},"records":[`;
  let first = true;
  for await (const rows of rowPages(
    db,
    dataset,
    items.map((item) => item.column),
  )) {
    let chunk = '';
    for (const row of rows) {
      const record = Object.fromEntries(
        items.map((item, index) => [item.column, normalize(row[index])]),
      );
      chunk += `${first ? '\n' : ',\n'}${JSON.stringify(record)}`;
      first = false;
    }
    progress.rows += rows.length;
    yield chunk;
  }
  yield '\n]}\n';
  progress.completed = true;
}

/**
 * CSV on PostgreSQL straight from `COPY ... TO STDOUT`: the server formats the rows and the bytes
 * pass through, about four times faster than turning rows into objects and back, with no garbage.
 */
async function copyCsv(
  pool: pg.Pool,
  dataset: OpenDataset,
  items: DataItemDto[],
  progress: DownloadProgress,
): Promise<NodeJS.ReadableStream> {
  const client = await pool.connect();
  const columns = items.map((item) => `"${item.column}"`).join(', ');
  const copy = client.query(
    copyTo(
      `copy (select ${columns} from "${dataset.table as string}" where _deleted = 0 order by _row_version) to stdout with (format csv)`,
    ),
  );
  const out = new PassThrough();
  out.write(`\uFEFF${items.map((item) => csvField(item.name)).join(',')}\r\n`);
  let released = false;
  const release = (error?: Error) => {
    if (released) return;
    released = true;
    // A connection stopped mid-COPY is not handed back to the pool.
    client.release(error ?? (progress.completed ? undefined : true));
  };
  copy.on('end', () => {
    progress.rows = copy.rowCount;
    progress.completed = true;
    release();
  });
  copy.on('error', (error: Error) => {
    release(error);
    out.destroy(error);
  });
  out.on('close', () => {
    progress.rows = copy.rowCount;
    if (!progress.completed) copy.destroy();
    release();
  });
  copy.pipe(out);
  return out;
}

/** XLSX through exceljs's streaming writer: rows are committed as they come, never all held. */
async function xlsxStream(
  db: Db,
  dataset: OpenDataset,
  items: DataItemDto[],
  progress: DownloadProgress,
): Promise<NodeJS.ReadableStream> {
  const ExcelJS = (await import('exceljs')).default;
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useSharedStrings: false,
    useStyles: false,
  });
  const sheet = workbook.addWorksheet(dataset.code);
  void (async () => {
    try {
      sheet.addRow(items.map((item) => item.name)).commit();
      for await (const rows of rowPages(
        db,
        dataset,
        items.map((item) => item.column),
      )) {
        for (const row of rows)
          sheet.addRow(items.map((_item, index) => normalize(row[index]) ?? null)).commit();
        progress.rows += rows.length;
      }
      sheet.commit();
      await workbook.commit();
      progress.completed = true;
    } catch (error) {
      out.destroy(error as Error);
    }
  })();
  return out;
}

const MEDIA = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  json: 'application/json; charset=utf-8',
} as const;

const download = defineAction({
  name: 'open.dataset.download',
  description:
    'Download an open dataset the caller may take, streamed as CSV (UTF-8 with BOM), XLSX or JSON (R5.4, R5.5); recorded with its row count (R5.9).',
  tag: 'open-data',
  input: Input({
    code: DatasetCode,
    format: Type.Union([Type.Literal('csv'), Type.Literal('xlsx'), Type.Literal('json')], {
      default: 'csv',
    }),
  }),
  output: RawResultSchema,
  mutating: false,
  http: {
    method: 'GET',
    path: '/open/datasets/:code/download',
    raw: { contentTypes: [MEDIA.csv.split(';')[0] as string, MEDIA.xlsx, 'application/json'] },
  },
  policy: () => true,
  handler: async (ctx, input) => {
    const dataset = await takeableDataset(ctx, input.code);
    if (!dataset.table) throw notTabular();
    if (input.format === 'xlsx' && (dataset.rowCount ?? 0) > XLSX_MAX_ROWS)
      throw new AppError(
        'BAD_REQUEST',
        text(
          `数据超过 Excel 工作表的 ${XLSX_MAX_ROWS + 1} 行上限，请下载 CSV`,
          `more rows than an Excel sheet holds (${XLSX_MAX_ROWS + 1}); download CSV`,
        ),
        undefined,
        { reason: 'OPEN_XLSX_TOO_LARGE' },
      );
    const items = openItems(dataset.content);
    const progress: DownloadProgress = { rows: 0, completed: false };
    // The download's own reads use the root connection: the stream outlives the handler.
    const db = ctx.services.db;
    const raw = db.raw;
    const body =
      input.format === 'xlsx'
        ? await xlsxStream(db, dataset, items, progress)
        : input.format === 'csv' && raw.engine === 'postgres'
          ? await copyCsv(raw.pool, dataset, items, progress)
          : Readable.from(
              input.format === 'csv'
                ? csvLines(db, dataset, items, progress)
                : jsonLines(db, dataset, items, progress),
            );
    recordWhenDone(ctx, body, dataset, input.format, progress);
    return {
      raw: {
        contentType: MEDIA[input.format],
        body,
        headers: {
          'content-disposition': contentDisposition(
            `${dataset.name}-${chinaToday(ctx.now)}.${input.format}`,
          ),
          'cache-control': 'no-store',
        },
      },
    };
  },
});

/** A download is recorded when its stream ends, with the rows actually sent. */
function recordWhenDone(
  ctx: ActionContext,
  body: NodeJS.ReadableStream,
  dataset: OpenDataset,
  format: string,
  progress: DownloadProgress,
): void {
  let recorded = false;
  const record = () => {
    if (recorded) return;
    recorded = true;
    recordOpenAccess(ctx.services, {
      actor: ctx.actor,
      dataset,
      channel: 'download',
      format,
      rows: progress.rows,
      requestId: ctx.requestId,
      at: ctx.now,
      ...(progress.completed ? {} : { incomplete: true }),
    });
  };
  body.on('end', record);
  body.on('close', record);
  body.on('error', record);
}

// ---------------------------------------------------------------------------------------------
// Organisations, home page and statistics.

const OrgSummary = Type.Object({
  code: Type.String(),
  name: Type.String(),
  datasets: Type.Integer(),
  downloads: Type.Integer(),
  apiCalls: Type.Integer(),
});

export async function openOrgs(db: Kysely<Database>, orgCode?: string) {
  let datasets = db
    .selectFrom('resource_search')
    .select(['org_id', 'org_code', 'org_name', (eb) => eb.fn.countAll<number>().as('datasets')])
    .where('open_class', '!=', 'none')
    .groupBy(['org_id', 'org_code', 'org_name']);
  if (orgCode) datasets = datasets.where('org_code', '=', orgCode);
  const [rows, usage] = await Promise.all([
    datasets.execute(),
    db
      .selectFrom('open_usage_daily')
      .select([
        'org_id',
        (eb) => eb.fn.sum<number>('downloads').as('downloads'),
        (eb) => eb.fn.sum<number>('api_calls').as('api_calls'),
      ])
      .groupBy('org_id')
      .execute(),
  ]);
  const usageByOrg = new Map(usage.map((row) => [row.org_id, row]));
  return rows
    .map((row) => ({
      code: row.org_code,
      name: row.org_name,
      datasets: Number(row.datasets),
      downloads: Number(usageByOrg.get(row.org_id)?.downloads ?? 0),
      apiCalls: Number(usageByOrg.get(row.org_id)?.api_calls ?? 0),
    }))
    .sort((a, b) => b.datasets - a.datasets || a.code.localeCompare(b.code));
}

const orgList = defineAction({
  name: 'open.org.list',
  description: 'Opening departments with their open datasets and usage (R5.2).',
  tag: 'open-data',
  input: Input({}),
  output: Type.Array(OrgSummary),
  mutating: false,
  http: { method: 'GET', path: '/open/orgs' },
  policy: () => true,
  handler: (ctx) => openOrgs(ctx.db),
});

const orgGet = defineAction({
  name: 'open.org.get',
  description: 'An opening department: its open datasets and usage.',
  tag: 'open-data',
  input: Input({ code: OrgCode }),
  output: Type.Composite([OrgSummary, Type.Object({ regionName: Type.String() })]),
  mutating: false,
  http: { method: 'GET', path: '/open/orgs/:code' },
  policy: () => true,
  handler: async (ctx, input) => {
    const [summary] = await openOrgs(ctx.db, input.code);
    if (!summary) throw notFound();
    const region = await ctx.db
      .selectFrom('orgs')
      .innerJoin('regions', 'regions.code', 'orgs.region_code')
      .select('regions.name')
      .where('orgs.code', '=', input.code)
      .executeTakeFirstOrThrow();
    return { ...summary, regionName: region.name };
  },
});

const Totals = Type.Object({
  datasets: Type.Integer(),
  providers: Type.Integer(),
  downloads: Type.Integer(),
  apiCalls: Type.Integer(),
});

async function totals(ctx: ActionContext, datasets: number) {
  const [providers, usage] = await Promise.all([
    ctx.db
      .selectFrom('resource_search')
      .select((eb) => eb.fn.count<number>('org_id').distinct().as('providers'))
      .where('open_class', '!=', 'none')
      .executeTakeFirstOrThrow(),
    ctx.db
      .selectFrom('open_usage_daily')
      .select([
        (eb) => eb.fn.sum<number>('downloads').as('downloads'),
        (eb) => eb.fn.sum<number>('api_calls').as('api_calls'),
      ])
      .executeTakeFirstOrThrow(),
  ]);
  return {
    datasets,
    providers: Number(providers.providers),
    downloads: Number(usage.downloads ?? 0),
    apiCalls: Number(usage.api_calls ?? 0),
  };
}

/** The most used open datasets, by downloads and API calls together. */
async function mostUsed(ctx: ActionContext, limit: number): Promise<DatasetSummaryDto[]> {
  const top = await ctx.db
    .selectFrom('open_usage_daily')
    .innerJoin('resource_search', 'resource_search.resource_id', 'open_usage_daily.resource_id')
    .select([
      'resource_search.code',
      (eb) => eb.fn.sum<number>(sql`downloads + api_calls`).as('uses'),
    ])
    .where('resource_search.open_class', '!=', 'none')
    .groupBy('resource_search.code')
    .orderBy('uses', 'desc')
    .orderBy('resource_search.code')
    .limit(limit)
    .execute();
  if (top.length === 0) return [];
  const rows = await ctx.db
    .selectFrom('resource_search')
    .selectAll()
    .where(
      'code',
      'in',
      top.map((row) => row.code),
    )
    .execute();
  const byCode = new Map(rows.map((row) => [row.code, row]));
  const items: SearchItem[] = top.flatMap((entry) => {
    const row = byCode.get(entry.code);
    return row
      ? [
          {
            code: row.code,
            version: row.version,
            name: row.name,
            summary: row.summary,
            orgCode: row.org_code,
            orgName: row.org_name,
            classification: row.classification,
            shareClass: row.share_class,
            openClass: row.open_class,
            formatCategory: row.format_category,
            updateCycle: row.update_cycle,
            publishedAt: row.published_at,
            domains: row.domains ? row.domains.split(' ') : [],
          },
        ]
      : [];
  });
  return summaries(ctx.db, items);
}

const home = defineAction({
  name: 'open.home',
  description:
    'The portal home: totals (datasets, providers, downloads, API calls), datasets per priority domain (R5.2), newest and most used datasets.',
  tag: 'open-data',
  input: Input({}),
  output: Type.Object({
    totals: Totals,
    domains: Type.Array(Type.Object({ domain: Type.String(), count: Type.Integer() })),
    newest: Type.Array(DatasetSummary),
    popular: Type.Array(DatasetSummary),
  }),
  mutating: false,
  http: { method: 'GET', path: '/open/home' },
  policy: () => true,
  handler: async (ctx) => {
    const newest = await searchOpenCatalog(ctx, {
      sort: 'newest',
      limit: 8,
      offset: 0,
    });
    const counts = new Map(newest.facets.domain.map((facet) => [facet.value, facet.count]));
    return {
      totals: await totals(ctx, newest.total),
      domains: DOMAINS.filter((domain) => domain !== 'other').map((domain) => ({
        domain,
        count: counts.get(domain) ?? 0,
      })),
      newest: await summaries(ctx.db, newest.items),
      popular: await mostUsed(ctx, 8),
    };
  },
});

const STATS_DAYS = 30;

const stats = defineAction({
  name: 'open.stats',
  description:
    'Public usage statistics of open data (R5.9): totals, per dataset, per provider, and downloads and API calls per day over 30 days.',
  tag: 'open-data',
  input: Input({}),
  output: Type.Object({
    totals: Totals,
    perDataset: Type.Array(
      Type.Object({
        code: Type.String(),
        name: Type.String(),
        orgName: Type.String(),
        downloads: Type.Integer(),
        apiCalls: Type.Integer(),
      }),
    ),
    perProvider: Type.Array(
      Type.Object({
        orgCode: Type.String(),
        orgName: Type.String(),
        datasets: Type.Integer(),
        downloads: Type.Integer(),
        apiCalls: Type.Integer(),
      }),
    ),
    daily: Type.Array(
      Type.Object({ day: Type.String(), downloads: Type.Integer(), apiCalls: Type.Integer() }),
    ),
  }),
  mutating: false,
  http: { method: 'GET', path: '/open/stats' },
  policy: () => true,
  handler: async (ctx) => {
    await ctx.services.open.accessLog.flush();
    const datasets = await ctx.db
      .selectFrom('resource_search')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('open_class', '!=', 'none')
      .executeTakeFirstOrThrow();
    const today = chinaToday(ctx.now);
    const first = chinaToday(new Date(ctx.now.getTime() - (STATS_DAYS - 1) * 86_400_000));
    const daily = await ctx.db
      .selectFrom('open_usage_daily')
      .select([
        'day',
        (eb) => eb.fn.sum<number>('downloads').as('downloads'),
        (eb) => eb.fn.sum<number>('api_calls').as('api_calls'),
      ])
      .where('day', '>=', first)
      .where('day', '<=', today)
      .groupBy('day')
      .execute();
    const byDay = new Map(daily.map((row) => [row.day, row]));
    const days: { day: string; downloads: number; apiCalls: number }[] = [];
    for (let i = STATS_DAYS - 1; i >= 0; i--) {
      const day = chinaToday(new Date(ctx.now.getTime() - i * 86_400_000));
      const row = byDay.get(day);
      days.push({
        day,
        downloads: Number(row?.downloads ?? 0),
        apiCalls: Number(row?.api_calls ?? 0),
      });
    }
    const top = await mostUsed(ctx, 50);
    return {
      totals: await totals(ctx, Number(datasets.count)),
      perDataset: top.map((entry) => ({
        code: entry.code,
        name: entry.name,
        orgName: entry.orgName,
        downloads: entry.downloads,
        apiCalls: entry.apiCalls,
      })),
      perProvider: (await openOrgs(ctx.db)).map((org) => ({
        orgCode: org.code,
        orgName: org.name,
        datasets: org.datasets,
        downloads: org.downloads,
        apiCalls: org.apiCalls,
      })),
      daily: days,
    };
  },
});

export const datasetActions = [
  home,
  search,
  get,
  preview,
  records,
  download,
  orgList,
  orgGet,
  stats,
];
