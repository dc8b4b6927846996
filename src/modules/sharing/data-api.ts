import { createHash, createHmac } from 'node:crypto';
import { Readable } from 'node:stream';
import { Type, type Static } from '@sinclair/typebox';
import { CompiledQuery, sql, type RawBuilder } from 'kysely';
import { defineAction, type ActionContext } from '../../core/action.ts';
import { RawResultSchema, type RawResult } from '../../core/files.ts';
import { text } from '../../core/errors.ts';
import { Input } from '../../core/schemas.ts';
import { citizenIdCheckCharacter } from '../../core/validators/citizen-id.ts';
import { checkCreditCode } from '../../core/validators/credit-code.ts';
import type { ShareOperation } from '../../db/schema.ts';
import { SIGNATURE_CONTEXT } from './runtime.ts';
import {
  checkGrant,
  gate,
  grantById,
  recordCall,
  refuse,
  requireToken,
  startCall,
  type CallRecord,
  type GateGrant,
} from './gate.ts';
import { csvField, maskValue, scalarText } from './masking.ts';

/**
 * The data API for department systems (issue 5; R4.7 delivery methods, R4.9 no repeated
 * submission). Every call names its grant (X-Govdx-Grant) and may name the end user and case
 * (X-Govdx-User, X-Govdx-Case); values are masked per grant on the server; every response carries
 * its provenance and the platform's Ed25519 signature over the exact bytes sent; every call is
 * recorded in the access log. docs/API-sharing.md is the consumer's guide.
 */
export const MAX_VERIFY_RECORDS = 1000;
const EXPORT_PAGE = 2000;
const HOLDINGS_PER_RESOURCE = 20;
export const WATERMARK_COLUMN = '_govdx_wm';

const CALL_HEADERS = { grantId: 'x-govdx-grant', endUser: 'x-govdx-user', caseRef: 'x-govdx-case' };
const CallInputs = {
  grantId: Type.Optional(
    Type.String({ maxLength: 64, description: 'X-Govdx-Grant: the grant id' }),
  ),
  endUser: Type.Optional(
    Type.String({ maxLength: 300, description: 'X-Govdx-User: the end user (percent-encoded)' }),
  ),
  caseRef: Type.Optional(
    Type.String({
      maxLength: 300,
      description: 'X-Govdx-Case: the case reference (percent-encoded)',
    }),
  ),
};
const SIGNATURE_HEADERS = {
  'x-govdx-content-sha256': 'hex SHA-256 of the exact response body',
  'x-govdx-merkle-root': 'hex root of the Merkle tree of the responses signed together',
  'x-govdx-merkle-proof':
    'audit path from this response to the root: comma-separated L:<hex> / R:<hex>, leaf level first (empty for a batch of one)',
  'x-govdx-signature': `base64 Ed25519 signature over "${SIGNATURE_CONTEXT}:<x-govdx-merkle-root>"`,
  'x-govdx-key-id': 'which platform key signed (GET /api/v1/share/signing-keys)',
};
const ResourceCodeParam = Type.String({ pattern: '^[A-Z0-9-]{2,40}$' });
const Scalar = Type.Union([Type.String({ maxLength: 1000 }), Type.Number(), Type.Boolean()]);
const Provenance = Type.Object({
  grantId: Type.String(),
  consumerOrgCode: Type.String(),
  resourceCode: Type.String(),
  resourceVersion: Type.Integer(),
  batchId: Type.Union([Type.String(), Type.Null()]),
  asOf: Type.Union([Type.String(), Type.Null()]),
  servedAt: Type.String(),
  requestId: Type.String(),
});
const MaskedRecord = Type.Record(Type.String(), Type.Unknown());

function decodeHeader(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Items the grant lets the consumer see (granted and not dropped), in the grant's order. */
function visibleColumns(grant: GateGrant): string[] {
  return grant.items.filter((column) => grant.masking[column] !== 'drop');
}

function maskRow(grant: GateGrant, row: Record<string, unknown>, columns: string[]) {
  const out: Record<string, unknown> = {};
  for (const column of columns) {
    const value = maskValue(row[column], grant.masking[column] ?? 'none', grant.watermarkKey);
    if (value !== undefined) out[column] = normalize(value);
  }
  return out;
}

/** Numbers come back as strings from PostgreSQL's numeric and bigint; bytes as base64. */
function normalize(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  return value;
}

function provenance(ctx: ActionContext, grant: GateGrant): Static<typeof Provenance> {
  return {
    grantId: grant.id,
    consumerOrgCode: grant.consumerOrgCode,
    resourceCode: grant.resource.code,
    resourceVersion: grant.resource.version,
    batchId: grant.resource.batchId,
    asOf: grant.resource.asOf,
    servedAt: ctx.now.toISOString(),
    requestId: ctx.requestId,
  };
}

async function signedJson(
  ctx: ActionContext,
  call: CallRecord,
  payload: object,
): Promise<RawResult> {
  const body = JSON.stringify(payload);
  const signer = ctx.services.sharing.signer;
  const signed = await signer.signBody(body);
  call.digest = signed.digest;
  return {
    raw: {
      contentType: 'application/json; charset=utf-8',
      body,
      headers: {
        'x-govdx-content-sha256': signed.digest,
        'x-govdx-merkle-root': signed.root,
        'x-govdx-merkle-proof': signed.proof.join(','),
        'x-govdx-signature': signed.signature,
        'x-govdx-key-id': signer.keyId,
        'cache-control': 'no-store',
      },
    },
  };
}

type CallInput = Static<ReturnType<typeof Type.Object<typeof CallInputs>>> & { code?: string };

/** Runs one gated call: gate, work, sign, record (allowed or refused). */
async function serve(
  ctx: ActionContext,
  input: CallInput,
  operation: ShareOperation,
  callName: string,
  work: (grant: GateGrant, call: CallRecord) => Promise<object>,
): Promise<RawResult> {
  const call = startCall(callName, {
    code: input.code,
    endUser: decodeHeader(input.endUser),
    caseRef: decodeHeader(input.caseRef),
  });
  try {
    const grant = await gate(ctx, call, input.grantId, operation, input.code ?? null);
    call.grant = grant;
    const payload = await work(grant, call);
    const result = await signedJson(ctx, call, { ...payload, provenance: provenance(ctx, grant) });
    recordCall(ctx, call);
    return result;
  } catch (error) {
    recordCall(ctx, call, error);
    throw error;
  }
}

// Statements of the hot path (key lookup) are built once per grant shape and reused.
const lookupStatements = new Map<string, string>();

function lookupSql(ctx: ActionContext, grant: GateGrant, columns: string[]): string {
  const pg = ctx.services.db.dialect.engine === 'postgres';
  const cacheKey = `${pg}|${grant.resource.table}|${columns.join(',')}|${grant.resource.key.join(',')}`;
  let statement = lookupStatements.get(cacheKey);
  if (!statement) {
    const select = columns.map((column) => `"${column}"`).join(', ');
    const where = grant.resource.key
      .map((column, index) => `"${column}" = ${pg ? `$${index + 1}` : '?'}`)
      .join(' and ');
    statement = `select ${select} from "${grant.resource.table}" where ${where} and _deleted = 0`;
    if (lookupStatements.size > 1000) lookupStatements.clear();
    lookupStatements.set(cacheKey, statement);
  }
  return statement;
}

/** A key in the path: the key items' values in key order, joined by `|` for composite keys. */
function parseKey(grant: GateGrant, key: string): string[] {
  const parts = grant.resource.key.length > 1 ? key.split('|') : [key];
  if (parts.length !== grant.resource.key.length || parts.some((part) => part === '')) {
    throw refuse(
      'VALIDATION',
      'SHARE_KEY_INVALID',
      text(
        `记录标识应为主键数据项（${grant.resource.key.join('|')}）的值`,
        `a record key is the value of the key items (${grant.resource.key.join('|')})`,
      ),
    );
  }
  return parts;
}

const lookup = defineAction({
  name: 'share.data.lookup',
  description:
    'Key lookup of one record through a grant (operation lookup); masked per grant, signed, recorded.',
  tag: 'sharing-data',
  input: Input({
    code: ResourceCodeParam,
    key: Type.String({ minLength: 1, maxLength: 500 }),
    ...CallInputs,
  }),
  output: RawResultSchema,
  mutating: false,
  http: {
    method: 'GET',
    path: '/share/:code/records/:key',
    headers: CALL_HEADERS,
    raw: {
      contentTypes: ['application/json'],
      schema: Type.Object({ record: MaskedRecord, provenance: Provenance }),
      headers: SIGNATURE_HEADERS,
    },
  },
  // Authorization is the grant, checked by `gate` inside so that refusals are recorded too.
  policy: () => true,
  handler: (ctx, input) =>
    serve(ctx, input, 'lookup', 'lookup', async (grant, call) => {
      const key = parseKey(grant, input.key);
      const columns = visibleColumns(grant);
      const result = await ctx.db.executeQuery<Record<string, unknown>>(
        CompiledQuery.raw(lookupSql(ctx, grant, columns), key),
      );
      const row = result.rows[0];
      if (!row) {
        throw refuse('NOT_FOUND', 'SHARE_RECORD_NOT_FOUND', text('没有该记录', 'no such record'));
      }
      call.rowCount = 1;
      call.fields = columns;
      return { record: maskRow(grant, row, columns) };
    }),
});

const Filter = Type.Object(
  {
    item: Type.String({ maxLength: 63 }),
    op: Type.Union(['eq', 'in', 'gt', 'gte', 'lt', 'lte'].map((op) => Type.Literal(op))),
    value: Type.Optional(Scalar),
    values: Type.Optional(Type.Array(Scalar, { minItems: 1, maxItems: 1000 })),
  },
  { additionalProperties: false },
);
type FilterDto = Static<typeof Filter>;

function filterCondition(grant: GateGrant, filter: FilterDto): RawBuilder<unknown> {
  const rule = grant.masking[filter.item];
  const item = grant.resource.items.get(filter.item);
  if (!item || !grant.items.includes(filter.item) || rule === 'drop') {
    throw refuse(
      'FORBIDDEN',
      'SHARE_ITEM_NOT_GRANTED',
      text(`数据项 ${filter.item} 不在授权范围内`, `item ${filter.item} is not granted`),
      { item: filter.item },
    );
  }
  if (!item.queryable && !item.key) {
    throw refuse(
      'VALIDATION',
      'SHARE_FILTER_NOT_QUERYABLE',
      text(
        `数据项 ${filter.item} 不可作为查询条件`,
        `item ${filter.item} is not queryable; filter on key or queryable items`,
      ),
      { item: filter.item },
    );
  }
  // A range over a masked value would reveal what the masking hides.
  if (!['eq', 'in'].includes(filter.op) && rule !== 'none') {
    throw refuse(
      'VALIDATION',
      'SHARE_FILTER_MASKED_RANGE',
      text(
        `已脱敏的数据项 ${filter.item} 只能按等值查询`,
        `masked item ${filter.item} takes equality filters only`,
      ),
      { item: filter.item },
    );
  }
  const column = sql.ref(filter.item);
  if (filter.op === 'in') {
    if (!filter.values) throw badFilter(filter, 'values');
    return sql`${column} in (${sql.join(filter.values)})`;
  }
  if (filter.value === undefined) throw badFilter(filter, 'value');
  const operator = { eq: '=', gt: '>', gte: '>=', lt: '<', lte: '<=' }[filter.op] ?? '=';
  return sql`${column} ${sql.raw(operator)} ${filter.value}`;
}

function badFilter(filter: FilterDto, field: string) {
  return refuse(
    'VALIDATION',
    'SHARE_FILTER_INVALID',
    text(
      `条件 ${filter.item} ${filter.op} 缺少 ${field}`,
      `filter ${filter.item} ${filter.op} needs ${field}`,
    ),
  );
}

function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values.map(normalize))).toString('base64url');
}

function decodeCursor(cursor: string, length: number): unknown[] {
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(values) && values.length === length) return values;
  } catch {
    // refused below
  }
  throw refuse('VALIDATION', 'SHARE_CURSOR_INVALID', text('翻页游标无效', 'invalid cursor'));
}

const query = defineAction({
  name: 'share.data.query',
  description:
    'Query records through a grant: filters (eq, in, ranges) on key or queryable items, projection within the granted items, sort, keyset pages.',
  tag: 'sharing-data',
  input: Input({
    code: ResourceCodeParam,
    filters: Type.Array(Filter, { maxItems: 10, default: [] }),
    fields: Type.Optional(
      Type.Array(Type.String({ maxLength: 63 }), { minItems: 1, maxItems: 500 }),
    ),
    sort: Type.Optional(
      Type.Object(
        {
          item: Type.String({ maxLength: 63 }),
          direction: Type.Union([Type.Literal('asc'), Type.Literal('desc')], { default: 'asc' }),
        },
        { additionalProperties: false },
      ),
    ),
    /** Clamped to GOVDX_SHARE_MAX_PAGE_SIZE (the response says the size used). */
    limit: Type.Integer({ minimum: 1, default: 100 }),
    cursor: Type.Optional(Type.String({ maxLength: 4000 })),
    ...CallInputs,
  }),
  output: RawResultSchema,
  mutating: false,
  http: {
    method: 'POST',
    path: '/share/:code/query',
    headers: CALL_HEADERS,
    raw: {
      contentTypes: ['application/json'],
      schema: Type.Object({
        items: Type.Array(MaskedRecord),
        pageSize: Type.Integer(),
        clamped: Type.Boolean(),
        nextCursor: Type.Union([Type.String(), Type.Null()]),
        provenance: Provenance,
      }),
      headers: SIGNATURE_HEADERS,
    },
  },
  policy: () => true,
  handler: (ctx, input) =>
    serve(ctx, input, 'lookup', 'query', async (grant, call) => {
      const visible = visibleColumns(grant);
      const fields = input.fields ?? visible;
      const hidden = fields.filter((field) => !visible.includes(field));
      if (hidden.length > 0) {
        throw refuse(
          'FORBIDDEN',
          'SHARE_ITEM_NOT_GRANTED',
          text(
            `数据项不在授权范围内：${hidden.join(', ')}`,
            `items not granted: ${hidden.join(', ')}`,
          ),
          { items: hidden },
        );
      }
      const conditions = input.filters.map((filter) => filterCondition(grant, filter));
      const key = grant.resource.key;
      let sortColumn: string | null = null;
      if (input.sort) {
        filterCondition(grant, { item: input.sort.item, op: 'eq', value: '' });
        sortColumn = input.sort.item;
      }
      const max = ctx.services.config.shareMaxPageSize;
      const pageSize = Math.min(input.limit, max);
      const descending = input.sort?.direction === 'desc';
      // Keyset pagination: order by the sort item (nulls last), then the key; the cursor holds the
      // last row's values of both.
      if (input.cursor) {
        const cursor = decodeCursor(input.cursor, key.length + (sortColumn ? 1 : 0));
        const keyValues = cursor.slice(sortColumn ? 1 : 0);
        const afterKey = sql`(${sql.join(key.map((k) => sql.ref(k)))}) > (${sql.join(keyValues)})`;
        if (sortColumn) {
          const column = sql.ref(sortColumn);
          const last = cursor[0];
          conditions.push(
            last === null
              ? sql`(${column} is null and ${afterKey})`
              : sql`(${column} ${sql.raw(descending ? '<' : '>')} ${last} or ${column} is null or (${column} = ${last} and ${afterKey}))`,
          );
        } else {
          conditions.push(afterKey);
        }
      }
      const selected = [...new Set([...fields, ...key, ...(sortColumn ? [sortColumn] : [])])];
      const order = [
        ...(sortColumn
          ? [
              sql`${sql.ref(sortColumn)} is null`,
              sql`${sql.ref(sortColumn)} ${sql.raw(descending ? 'desc' : 'asc')}`,
            ]
          : []),
        ...key.map((k) => sql`${sql.ref(k)}`),
      ];
      const where = sql.join([sql`_deleted = 0`, ...conditions], sql` and `);
      const { rows } = await sql<Record<string, unknown>>`select ${sql.join(
        selected.map((column) => sql.ref(column)),
      )} from ${sql.table(grant.resource.table as string)} where ${where} order by ${sql.join(order)} limit ${pageSize + 1}`.execute(
        ctx.db,
      );
      const page = rows.slice(0, pageSize);
      const last = page[page.length - 1];
      const nextCursor =
        rows.length > pageSize && last
          ? encodeCursor([...(sortColumn ? [last[sortColumn]] : []), ...key.map((k) => last[k])])
          : null;
      call.rowCount = page.length;
      call.fields = fields;
      return {
        items: page.map((row) => maskRow(grant, row, fields)),
        pageSize,
        clamped: pageSize < input.limit,
        nextCursor,
      };
    }),
});

const verify = defineAction({
  name: 'share.data.verify',
  description:
    'Verification (比对验证): up to 1,000 candidate records, each answered match or no match, per record and per field; never returns data.',
  tag: 'sharing-data',
  input: Input({
    code: ResourceCodeParam,
    // The limit is checked in the handler, so that an oversized batch is refused with its own reason.
    records: Type.Array(
      Type.Record(Type.String({ maxLength: 63 }), Type.Union([Scalar, Type.Null()])),
      {
        minItems: 1,
      },
    ),
    ...CallInputs,
  }),
  output: RawResultSchema,
  mutating: false,
  http: {
    method: 'POST',
    path: '/share/:code/verify',
    headers: CALL_HEADERS,
    raw: {
      contentTypes: ['application/json'],
      schema: Type.Object({
        results: Type.Array(
          Type.Object({
            index: Type.Integer(),
            match: Type.Boolean(),
            fields: Type.Record(Type.String(), Type.Boolean()),
          }),
        ),
        matched: Type.Integer(),
        provenance: Provenance,
      }),
      headers: SIGNATURE_HEADERS,
    },
  },
  policy: () => true,
  handler: (ctx, input) =>
    serve(ctx, input, 'verify', 'verify', async (grant, call) => {
      if (input.records.length > MAX_VERIFY_RECORDS) {
        throw refuse(
          'VALIDATION',
          'SHARE_VERIFY_TOO_MANY',
          text(
            `一次最多比对 ${MAX_VERIFY_RECORDS} 条记录`,
            `at most ${MAX_VERIFY_RECORDS} records per verification`,
          ),
          { max: MAX_VERIFY_RECORDS, given: input.records.length },
        );
      }
      const key = grant.resource.key;
      const named = [...new Set(input.records.flatMap((record) => Object.keys(record)))];
      const notGranted = named.filter((column) => !grant.items.includes(column));
      if (notGranted.length > 0) {
        throw refuse(
          'FORBIDDEN',
          'SHARE_ITEM_NOT_GRANTED',
          text(
            `数据项不在授权范围内：${notGranted.join(', ')}`,
            `items not granted: ${notGranted.join(', ')}`,
          ),
          { items: notGranted },
        );
      }
      const missingKey = input.records.findIndex((record) => key.some((k) => record[k] == null));
      if (missingKey >= 0) {
        throw refuse(
          'VALIDATION',
          'SHARE_KEY_INVALID',
          text(
            `第 ${missingKey + 1} 条记录缺少主键数据项（${key.join(', ')}）`,
            `record ${missingKey + 1} lacks the key items (${key.join(', ')})`,
          ),
        );
      }
      const keyOf = (values: unknown[]) => JSON.stringify(values.map((v) => String(v)));
      const found = new Map<string, Record<string, unknown>>();
      const columns = [...new Set([...key, ...named])];
      for (let start = 0; start < input.records.length; start += 500) {
        const chunk = input.records.slice(start, start + 500);
        const keyList =
          key.length === 1
            ? sql`${sql.ref(key[0] as string)} in (${sql.join(chunk.map((record) => record[key[0] as string]))})`
            : sql`(${sql.join(key.map((k) => sql.ref(k)))}) in (${sql.join(
                chunk.map((record) => sql`(${sql.join(key.map((k) => record[k]))})`),
              )})`;
        const { rows } = await sql<Record<string, unknown>>`select ${sql.join(
          columns.map((column) => sql.ref(column)),
        )} from ${sql.table(grant.resource.table as string)} where _deleted = 0 and ${keyList}`.execute(
          ctx.db,
        );
        for (const row of rows) found.set(keyOf(key.map((k) => row[k])), row);
      }
      const same = (a: unknown, b: unknown) =>
        a !== null &&
        a !== undefined &&
        b !== null &&
        b !== undefined &&
        scalarText(a).trim() === scalarText(b).trim();
      let matched = 0;
      const results = input.records.map((record, index) => {
        const row = found.get(keyOf(key.map((k) => record[k])));
        const fields = Object.fromEntries(
          Object.keys(record).map((column) => [
            column,
            row ? same(row[column], record[column]) : false,
          ]),
        );
        const match = row !== undefined && Object.values(fields).every(Boolean);
        if (match) matched++;
        return { index, match, fields };
      });
      call.rowCount = input.records.length;
      call.fields = named;
      return { results, matched };
    }),
});

const changes = defineAction({
  name: 'share.data.changes',
  description:
    'Changes of the granted view since a cursor (row version), oldest first, deletions included (operation export).',
  tag: 'sharing-data',
  input: Input({
    code: ResourceCodeParam,
    since: Type.Integer({ minimum: 0, default: 0 }),
    limit: Type.Integer({ minimum: 1, default: 1000 }),
    ...CallInputs,
  }),
  output: RawResultSchema,
  mutating: false,
  http: {
    method: 'GET',
    path: '/share/:code/changes',
    headers: CALL_HEADERS,
    raw: {
      contentTypes: ['application/json'],
      schema: Type.Object({
        items: Type.Array(
          Type.Object({
            rowVersion: Type.Integer(),
            deleted: Type.Boolean(),
            values: MaskedRecord,
          }),
        ),
        nextCursor: Type.Integer(),
        pageSize: Type.Integer(),
        clamped: Type.Boolean(),
        provenance: Provenance,
      }),
      headers: SIGNATURE_HEADERS,
    },
  },
  policy: () => true,
  handler: (ctx, input) =>
    serve(ctx, input, 'export', 'changes', async (grant, call) => {
      const columns = visibleColumns(grant);
      const pageSize = Math.min(input.limit, ctx.services.config.shareMaxPageSize);
      const { rows } = await sql<Record<string, unknown>>`select ${sql.join(
        [...columns, '_row_version', '_deleted'].map((column) => sql.ref(column)),
      )} from ${sql.table(grant.resource.table as string)} where _row_version > ${input.since} order by _row_version limit ${pageSize}`.execute(
        ctx.db,
      );
      const items = rows.map((row) => ({
        rowVersion: Number(row._row_version),
        deleted: Number(row._deleted) === 1,
        values: maskRow(grant, row, columns),
      }));
      call.rowCount = items.length;
      call.fields = columns;
      return {
        items,
        nextCursor: items.length
          ? (items[items.length - 1]?.rowVersion ?? input.since)
          : input.since,
        pageSize,
        clamped: pageSize < input.limit,
      };
    }),
});

/** The watermark of an exported row: HMAC of its exported values under the grant's key. */
export function rowWatermark(watermarkKey: string, values: unknown[]): string {
  const hmac = createHmac('sha256', watermarkKey);
  for (const value of values) hmac.update(`${scalarText(value)}\u001f`);
  return hmac.digest('hex').slice(0, 16);
}

const exportView = defineAction({
  name: 'share.data.export',
  description:
    'Exchange: stream the granted view as CSV or NDJSON, each row watermarked for the grant, ending in a signature line (operation export).',
  tag: 'sharing-data',
  input: Input({
    code: ResourceCodeParam,
    format: Type.Union([Type.Literal('csv'), Type.Literal('ndjson')], { default: 'csv' }),
    ...CallInputs,
  }),
  output: RawResultSchema,
  mutating: false,
  http: {
    method: 'GET',
    path: '/share/:code/export',
    headers: CALL_HEADERS,
    raw: { contentTypes: ['text/csv', 'application/x-ndjson'] },
  },
  policy: () => true,
  handler: async (ctx, input) => {
    const call = startCall('export', {
      code: input.code,
      endUser: decodeHeader(input.endUser),
      caseRef: decodeHeader(input.caseRef),
    });
    let grant: GateGrant;
    try {
      grant = await gate(ctx, call, input.grantId, 'export', input.code);
      call.grant = grant;
    } catch (error) {
      recordCall(ctx, call, error);
      throw error;
    }
    const columns = visibleColumns(grant);
    call.fields = columns;
    const body = Readable.from(exportLines(ctx, grant, columns, input.format, call));
    const fileName = `${grant.resource.code}-${ctx.now.toISOString().slice(0, 10)}.${input.format}`;
    return {
      raw: {
        contentType:
          input.format === 'csv'
            ? 'text/csv; charset=utf-8'
            : 'application/x-ndjson; charset=utf-8',
        body,
        headers: {
          'content-disposition': `attachment; filename="${fileName}"`,
          'x-govdx-key-id': ctx.services.sharing.signer.keyId,
          'cache-control': 'no-store',
        },
      },
    };
  },
});

/**
 * The export's lines: a provenance line, the rows in key order (pages of 2,000 by keyset), and a
 * signature line over every byte before it. The call is recorded when the stream ends.
 */
async function* exportLines(
  ctx: ActionContext,
  grant: GateGrant,
  columns: string[],
  format: 'csv' | 'ndjson',
  call: CallRecord,
): AsyncGenerator<Buffer> {
  const hash = createHash('sha256');
  const emit = (line: string): Buffer => {
    const bytes = Buffer.from(line, 'utf8');
    hash.update(bytes);
    return bytes;
  };
  try {
    const meta = provenance(ctx, grant);
    if (format === 'csv') {
      yield emit(
        `# govdx-export ${Object.entries(meta)
          .map(([k, v]) => `${k}=${v ?? ''}`)
          .join(' ')}\n`,
      );
      yield emit(`${[...columns, WATERMARK_COLUMN].join(',')}\n`);
    } else {
      yield emit(
        `${JSON.stringify({ _govdx: { provenance: meta, columns, watermark: WATERMARK_COLUMN } })}\n`,
      );
    }
    const key = grant.resource.key;
    const selected = [...new Set([...columns, ...key])];
    let after: unknown[] | null = null;
    for (;;) {
      const keyCondition: RawBuilder<unknown> =
        after === null
          ? sql`1 = 1`
          : sql`(${sql.join(key.map((k) => sql.ref(k)))}) > (${sql.join(after)})`;
      const { rows } = await sql<Record<string, unknown>>`select ${sql.join(
        selected.map((column) => sql.ref(column)),
      )} from ${sql.table(grant.resource.table as string)} where _deleted = 0 and ${keyCondition} order by ${sql.join(
        key.map((k) => sql.ref(k)),
      )} limit ${EXPORT_PAGE}`.execute(ctx.services.db.kysely);
      if (rows.length === 0) break;
      let chunk = '';
      for (const row of rows) {
        const masked = maskRow(grant, row, columns);
        const values = columns.map((column) => masked[column]);
        const mark = rowWatermark(grant.watermarkKey, values);
        chunk +=
          format === 'csv'
            ? `${[...values, mark].map(csvField).join(',')}\n`
            : `${JSON.stringify({ ...masked, [WATERMARK_COLUMN]: mark })}\n`;
      }
      call.rowCount += rows.length;
      yield emit(chunk);
      const last = rows[rows.length - 1] as Record<string, unknown>;
      after = key.map((k) => last[k]);
      if (rows.length < EXPORT_PAGE) break;
    }
    const digest = hash.digest('hex');
    call.digest = digest;
    const signer = ctx.services.sharing.signer;
    const signature = signer.signDigest(digest);
    yield Buffer.from(
      format === 'csv'
        ? `# govdx-signature keyId=${signer.keyId} sha256=${digest} signature=${signature} rows=${call.rowCount}\n`
        : `${JSON.stringify({ _govdx: { keyId: signer.keyId, sha256: digest, signature, rows: call.rowCount } })}\n`,
    );
    recordCall(ctx, call);
  } catch (error) {
    recordCall(ctx, call, error);
    throw error;
  }
}

const holdings = defineAction({
  name: 'share.data.holdings',
  description:
    'No repeated submission (R4.9): the records and e-licences the platform holds for a person (ID number) or company (credit code), within the caller’s lookup grants.',
  tag: 'sharing-data',
  input: Input({
    idNumber: Type.Optional(Type.String({ maxLength: 18 })),
    creditCode: Type.Optional(Type.String({ maxLength: 18 })),
    endUser: CallInputs.endUser,
    caseRef: CallInputs.caseRef,
  }),
  output: RawResultSchema,
  mutating: false,
  http: {
    method: 'GET',
    path: '/share/holdings',
    headers: { endUser: 'x-govdx-user', caseRef: 'x-govdx-case' },
    raw: {
      contentTypes: ['application/json'],
      schema: Type.Object({
        subject: Type.Object({ kind: Type.String(), value: Type.String() }),
        holdings: Type.Array(
          Type.Object({
            grantId: Type.String(),
            resourceCode: Type.String(),
            resourceName: Type.String(),
            eLicence: Type.Boolean(),
            count: Type.Integer(),
            records: Type.Array(MaskedRecord),
            provenance: Provenance,
          }),
        ),
        servedAt: Type.String(),
        requestId: Type.String(),
      }),
      headers: SIGNATURE_HEADERS,
    },
  },
  policy: () => true,
  handler: async (ctx, input) => {
    const call = startCall('holdings', {
      endUser: decodeHeader(input.endUser),
      caseRef: decodeHeader(input.caseRef),
    });
    try {
      const token = requireToken(ctx);
      const [kind, value] =
        input.idNumber !== undefined && input.creditCode === undefined
          ? (['id_card', input.idNumber.toUpperCase()] as const)
          : input.creditCode !== undefined && input.idNumber === undefined
            ? (['credit_code', input.creditCode.toUpperCase()] as const)
            : [null, ''];
      if (kind === null) {
        throw refuse(
          'VALIDATION',
          'SHARE_HOLDER_INVALID',
          text('请给出 idNumber 或 creditCode 之一', 'give exactly one of idNumber and creditCode'),
        );
      }
      // The check character is enough here: a well-formed number either is held or not.
      const invalid =
        kind === 'id_card'
          ? !/^\d{17}[\dX]$/.test(value) ||
            citizenIdCheckCharacter(value.slice(0, 17)) !== value[17]
          : checkCreditCode(value) !== null;
      if (invalid) {
        throw refuse(
          'VALIDATION',
          'SHARE_HOLDER_INVALID',
          kind === 'id_card'
            ? text('身份证号码无效（GB 11643）', 'invalid citizen ID number (GB 11643)')
            : text(
                '统一社会信用代码无效（GB 32100）',
                'invalid unified social credit code (GB 32100)',
              ),
        );
      }
      const iso = ctx.now.toISOString();
      const grantIds = await ctx.db
        .selectFrom('share_grants')
        .select('id')
        .where('consumer_org_id', '=', token.orgId)
        .where('revoked_at', 'is', null)
        .where('valid_from', '<=', iso)
        .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>=', iso)]))
        .where((eb) => eb.or([eb('token_id', 'is', null), eb('token_id', '=', token.id)]))
        .orderBy('created_at')
        .execute();
      const out = [];
      const seen = new Set<string>();
      for (const { id } of grantIds) {
        const grant = await grantById(ctx, id);
        if (!grant || !grant.operations.includes('lookup') || !grant.resource.table) continue;
        if (seen.has(grant.resource.code)) continue;
        const holderColumns = grant.items.filter((column) => {
          const item = grant.resource.items.get(column);
          return item?.validator?.kind === kind && (item.key || item.queryable);
        });
        if (holderColumns.length === 0) continue;
        const resourceCall = startCall('holdings', {
          code: grant.resource.code,
          endUser: call.endUser ?? undefined,
          caseRef: call.caseRef ?? undefined,
        });
        try {
          checkGrant(ctx, grant, 'lookup', null);
          resourceCall.grant = grant;
          const columns = visibleColumns(grant);
          const { rows } = await sql<Record<string, unknown>>`select ${sql.join(
            columns.map((column) => sql.ref(column)),
          )} from ${sql.table(grant.resource.table)} where _deleted = 0 and (${sql.join(
            holderColumns.map((column) => sql`${sql.ref(column)} = ${value}`),
            sql` or `,
          )}) limit ${HOLDINGS_PER_RESOURCE}`.execute(ctx.db);
          resourceCall.rowCount = rows.length;
          resourceCall.fields = columns;
          recordCall(ctx, resourceCall);
          seen.add(grant.resource.code);
          if (rows.length === 0) continue;
          out.push({
            grantId: grant.id,
            resourceCode: grant.resource.code,
            resourceName: grant.resource.name,
            eLicence: grant.resource.baseKind === 'e_licence',
            count: rows.length,
            records: rows.map((row) => maskRow(grant, row, columns)),
            provenance: provenance(ctx, grant),
          });
        } catch (error) {
          recordCall(ctx, resourceCall, error);
        }
      }
      call.rowCount = out.reduce((sum, holding) => sum + holding.count, 0);
      const masked = kind === 'id_card' ? `${value.slice(0, 6)}********${value.slice(-4)}` : value;
      const result = await signedJson(ctx, call, {
        subject: { kind, value: masked },
        holdings: out,
        servedAt: iso,
        requestId: ctx.requestId,
      });
      recordCall(ctx, call);
      return result;
    } catch (error) {
      recordCall(ctx, call, error);
      throw error;
    }
  },
});

const signingKeys = defineAction({
  name: 'share.signingKeys',
  description:
    'The platform public keys that sign data API responses (Ed25519), to verify a document’s origin.',
  tag: 'sharing-data',
  input: Input({}),
  output: Type.Object({
    keys: Type.Array(
      Type.Object({
        keyId: Type.String(),
        algorithm: Type.Literal('Ed25519'),
        publicKeyPem: Type.String(),
        publicKeyBase64: Type.String({ description: 'the raw 32-byte public key' }),
        signedMessage: Type.String({ description: 'what each signature covers' }),
      }),
    ),
  }),
  mutating: false,
  http: { method: 'GET', path: '/share/signing-keys' },
  // Public: anyone holding a signed document must be able to check it.
  policy: () => true,
  handler: (ctx) => {
    const signer = ctx.services.sharing.signer;
    return Promise.resolve({
      keys: [
        {
          keyId: signer.keyId,
          algorithm: 'Ed25519' as const,
          publicKeyPem: signer.publicKeyPem,
          publicKeyBase64: signer.publicKeyRaw.toString('base64'),
          signedMessage: `${SIGNATURE_CONTEXT}:<hex SHA-256 of the body bytes>`,
        },
      ],
    });
  },
});

export const dataApiActions = [lookup, query, verify, changes, exportView, holdings, signingKeys];
