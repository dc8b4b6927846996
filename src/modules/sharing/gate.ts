import { performance } from 'node:perf_hooks';
import type { ActionContext } from '../../core/action.ts';
import { AppError, text, type ErrorCode, type LocalizedText } from '../../core/errors.ts';
import type { ShareOperation } from '../../db/schema.ts';
import type { DataItemDto, ResourceContentDto } from '../catalog/model.ts';
import { parseShape } from '../aggregation/data-table.ts';
import { grantStatus } from './grants.ts';
import type { MaskingRuleName } from './masking.ts';

/**
 * The gate of the data API (issue 5): every call names its grant, and is served only when the grant
 * is active, belongs to the calling organisation (and system, if it names one), covers the resource
 * and the operation, and its rate limit allows. Refusals carry a stable reason; a caller without a
 * grant learns nothing about the data (not even whether a key exists). Every call, allowed or
 * refused, is appended to the access log (runtime.ts).
 */
export interface GateResource {
  id: string;
  code: string;
  name: string;
  version: number;
  baseKind: string | null;
  table: string | null;
  key: string[];
  items: Map<string, DataItemDto>;
  batchId: string | null;
  asOf: string | null;
}

export interface GateGrant {
  id: string;
  consumerOrgId: string;
  consumerOrgCode: string;
  tokenId: string | null;
  providerOrgId: string;
  items: string[];
  masking: Record<string, MaskingRuleName>;
  operations: ShareOperation[];
  purpose: string;
  rateLimitPerMinute: number;
  watermarkKey: string;
  emergencyId: string | null;
  validFrom: string;
  validTo: string | null;
  revokedAt: string | null;
  resource: GateResource;
}

/** What one call recorded: filled in as the call proceeds, appended when it ends. */
export interface CallRecord {
  operation: string;
  started: number;
  grant: GateGrant | null;
  /** The grant the caller named, recorded even when it is refused. */
  grantId: string | null;
  resourceCode: string | null;
  endUser: string | null;
  caseRef: string | null;
  rowCount: number;
  fields: string[] | null;
  digest: string | null;
}

const CACHE_TTL_MS = 2_000;

export function refuse(
  code: ErrorCode,
  reason: string,
  message: LocalizedText,
  data?: Record<string, unknown>,
  retryAfterSeconds?: number,
): AppError {
  return new AppError(code, message, undefined, {
    reason,
    ...(data ? { data } : {}),
    ...(retryAfterSeconds ? { retryAfterSeconds } : {}),
  });
}

export function startCall(
  operation: string,
  input: { code?: string; endUser?: string; caseRef?: string },
): CallRecord {
  return {
    operation,
    started: performance.now(),
    grant: null,
    grantId: null,
    resourceCode: input.code ?? null,
    endUser: input.endUser ?? null,
    caseRef: input.caseRef ?? null,
    rowCount: 0,
    fields: null,
    digest: null,
  };
}

/** Appends the call to the access log: allowed (status 200) or refused with its error. */
export function recordCall(ctx: ActionContext, call: CallRecord, error?: unknown): void {
  const actor = ctx.actor;
  const status = error === undefined ? 200 : error instanceof AppError ? error.status : 500;
  const errorCode =
    error === undefined
      ? null
      : error instanceof AppError
        ? (error.detail?.reason ?? error.code)
        : 'INTERNAL';
  ctx.services.sharing.accessLog.append({
    occurred_at: ctx.now.toISOString(),
    request_id: ctx.requestId,
    token_id: actor.type === 'token' ? actor.id : null,
    system_name:
      actor.type === 'token' ? actor.name : actor.type === 'user' ? `user:${actor.username}` : null,
    consumer_org_id: actor.type === 'token' ? actor.orgId : null,
    grant_id: call.grant?.id ?? call.grantId,
    provider_org_id: call.grant?.providerOrgId ?? null,
    resource_code: call.resourceCode,
    operation: call.operation,
    purpose: call.grant?.purpose ?? null,
    end_user: call.endUser,
    case_ref: call.caseRef,
    emergency_id: call.grant?.emergencyId ?? null,
    status,
    error_code: errorCode,
    row_count: call.rowCount,
    fields: call.fields ? JSON.stringify(call.fields) : null,
    response_digest: call.digest,
    duration_ms: Math.round((performance.now() - call.started) * 1000) / 1000,
    client_ip: ctx.clientIp,
  });
}

const cache = new WeakMap<object, Map<string, { grant: GateGrant | null; expiresAt: number }>>();

/** Forget cached grants (after a revoke or an emergency's end, in this process). */
export function evictGrants(ctx: ActionContext): void {
  cache.get(ctx.services)?.clear();
}

async function loadGrant(ctx: ActionContext, id: string): Promise<GateGrant | null> {
  const row = await ctx.db
    .selectFrom('share_grants as g')
    .innerJoin('orgs as co', 'co.id', 'g.consumer_org_id')
    .innerJoin('resources as r', 'r.id', 'g.resource_id')
    .innerJoin('resource_versions as rv', (join) =>
      join.onRef('rv.resource_id', '=', 'r.id').onRef('rv.version', '=', 'r.live_version'),
    )
    .leftJoin('resource_data_tables as dt', 'dt.resource_id', 'r.id')
    .select([
      'g.id',
      'g.consumer_org_id',
      'co.code as consumer_code',
      'g.token_id',
      'g.provider_org_id',
      'g.items',
      'g.masking',
      'g.operations',
      'g.purpose',
      'g.rate_limit_per_minute',
      'g.watermark_key',
      'g.emergency_id',
      'g.valid_from',
      'g.valid_to',
      'g.revoked_at',
      'r.id as resource_id',
      'r.code as resource_code',
      'rv.version',
      'rv.name as resource_name',
      'rv.content',
      'dt.table_name',
      'dt.shape',
      'dt.updated_at as table_updated_at',
    ])
    .where('g.id', '=', id)
    .executeTakeFirst();
  if (!row) return null;
  const batch = await ctx.db
    .selectFrom('ingest_batches')
    .select(['id', 'finished_at'])
    .where('resource_id', '=', row.resource_id)
    .where('status', '=', 'succeeded')
    .orderBy('finished_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  const content = JSON.parse(row.content) as ResourceContentDto;
  return {
    id: row.id,
    consumerOrgId: row.consumer_org_id,
    consumerOrgCode: row.consumer_code,
    tokenId: row.token_id,
    providerOrgId: row.provider_org_id,
    items: JSON.parse(row.items) as string[],
    masking: JSON.parse(row.masking) as Record<string, MaskingRuleName>,
    operations: JSON.parse(row.operations) as ShareOperation[],
    purpose: row.purpose,
    rateLimitPerMinute: row.rate_limit_per_minute,
    watermarkKey: row.watermark_key,
    emergencyId: row.emergency_id,
    validFrom: row.valid_from,
    validTo: row.valid_to,
    revokedAt: row.revoked_at,
    resource: {
      id: row.resource_id,
      code: row.resource_code,
      name: row.resource_name,
      version: row.version,
      baseKind: content.baseKind ?? null,
      table: row.table_name ?? null,
      key: row.shape ? parseShape(row.shape).key : [],
      items: new Map(content.items.map((item) => [item.column, item])),
      batchId: batch?.id ?? null,
      asOf: batch?.finished_at ?? row.table_updated_at ?? null,
    },
  };
}

/** A grant by id, cached for two seconds per process (revocation in this process evicts at once). */
export async function grantById(ctx: ActionContext, id: string): Promise<GateGrant | null> {
  let entries = cache.get(ctx.services);
  if (!entries) {
    entries = new Map();
    cache.set(ctx.services, entries);
  }
  const now = Date.now();
  const hit = entries.get(id);
  if (hit && hit.expiresAt > now) return hit.grant;
  const grant = /^[0-9a-f-]{36}$/.test(id) ? await loadGrant(ctx, id) : null;
  if (entries.size > 10_000) entries.clear();
  entries.set(id, { grant, expiresAt: now + CACHE_TTL_MS });
  return grant;
}

const NOT_FOUND_GRANT = text('授权不存在或不属于本单位', 'no such grant for your organisation');

/** The data API serves department systems: an API token is required (users use the console). */
export function requireToken(ctx: ActionContext): { id: string; orgId: string } {
  const actor = ctx.actor;
  if (actor.type !== 'token') {
    throw refuse(
      actor.type === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN',
      'SHARE_TOKEN_REQUIRED',
      text('共享数据接口须以应用系统令牌调用', 'the data API is called with a system API token'),
    );
  }
  return actor;
}

/** Resolves and checks the grant a call names (header X-Govdx-Grant). */
export async function gate(
  ctx: ActionContext,
  call: CallRecord,
  grantId: string | undefined,
  operation: ShareOperation,
  resourceCode: string | null,
): Promise<GateGrant> {
  const actor = requireToken(ctx);
  call.grantId = grantId?.slice(0, 64) ?? null;
  if (!grantId) {
    throw refuse(
      'BAD_REQUEST',
      'SHARE_GRANT_MISSING',
      text(
        '请在请求头 X-Govdx-Grant 中给出授权编号',
        'name your grant in the X-Govdx-Grant header',
      ),
    );
  }
  const grant = await grantById(ctx, grantId);
  // The consumer's own grant is recorded with the call (its purpose, the provider to inform); a
  // foreign grant only by the id the caller named.
  if (grant && grant.consumerOrgId === actor.orgId) call.grant = grant;
  return checkGrant(ctx, grant, operation, resourceCode);
}

/** Checks that the calling token may use the grant for this operation on this resource. */
export function checkGrant(
  ctx: ActionContext,
  grant: GateGrant | null,
  operation: ShareOperation,
  resourceCode: string | null,
): GateGrant {
  const actor = requireToken(ctx);
  // Another consumer's grant and a grant that does not exist look the same to the caller.
  if (!grant || grant.consumerOrgId !== actor.orgId) {
    throw refuse('FORBIDDEN', 'SHARE_GRANT_NOT_FOUND', NOT_FOUND_GRANT);
  }
  if (grant.tokenId !== null && grant.tokenId !== actor.id) {
    throw refuse(
      'FORBIDDEN',
      'SHARE_GRANT_OTHER_SYSTEM',
      text(
        '该授权限定由另一个应用系统使用',
        'the grant is for another system of your organisation',
      ),
    );
  }
  const status = grantStatus(
    { revoked_at: grant.revokedAt, valid_from: grant.validFrom, valid_to: grant.validTo },
    ctx.now,
  );
  if (status === 'revoked') {
    throw refuse(
      'FORBIDDEN',
      'SHARE_GRANT_REVOKED',
      text('该授权已被撤销', 'the grant is revoked'),
    );
  }
  if (status === 'expired') {
    throw refuse('FORBIDDEN', 'SHARE_GRANT_EXPIRED', text('该授权已过期', 'the grant has expired'));
  }
  if (status === 'scheduled') {
    throw refuse(
      'FORBIDDEN',
      'SHARE_GRANT_NOT_YET_VALID',
      text('该授权尚未生效', 'the grant is not valid yet'),
    );
  }
  if (resourceCode !== null && grant.resource.code !== resourceCode) {
    throw refuse(
      'FORBIDDEN',
      'SHARE_GRANT_OTHER_RESOURCE',
      text('该授权不适用于此资源', 'the grant does not cover this resource'),
    );
  }
  if (!grant.operations.includes(operation)) {
    throw refuse(
      'FORBIDDEN',
      'SHARE_OPERATION_NOT_GRANTED',
      text(`该授权不包括此种使用方式（${operation}）`, `the grant does not allow ${operation}`),
    );
  }
  const { rateLimiter } = ctx.services.sharing;
  if (!rateLimiter.take(grant.id, grant.rateLimitPerMinute)) {
    throw refuse(
      'RATE_LIMITED',
      'SHARE_RATE_LIMITED',
      text(
        `超过该授权的调用频率限制（每分钟 ${grant.rateLimitPerMinute} 次）`,
        `the grant's rate limit (${grant.rateLimitPerMinute} calls a minute) is exceeded`,
      ),
      undefined,
      rateLimiter.retryAfterSeconds(grant.id, grant.rateLimitPerMinute),
    );
  }
  if (!grant.resource.table) {
    throw refuse(
      'NOT_FOUND',
      'SHARE_NO_DATA',
      text('该资源尚未归集数据', 'no data has been aggregated for this resource yet'),
    );
  }
  return grant;
}
