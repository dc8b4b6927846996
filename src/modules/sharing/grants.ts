import { randomBytes, randomUUID } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import { defineAction, type ActionContext } from '../../core/action.ts';
import { actorDisplayName, type Actor } from '../../core/actor.ts';
import { conflict, invalidFields, notFound, text } from '../../core/errors.ts';
import { authorityOver, isAuditor, isGovernmentActor, isSystem } from '../../core/policy.ts';
import { DateString, Input, Timestamp } from '../../core/schemas.ts';
import type { Database, GrantOrigin, ShareGrantTable, ShareOperation } from '../../db/schema.ts';
import { chinaToday } from '../calendar/calendar.ts';
import type { DataItemDto } from '../catalog/model.ts';
import { notify } from '../problems/notifications.ts';
import {
  ACTING_ROLES,
  ActorOrgCode,
  actingOrg,
  actsFor,
  checkItems,
  isAuthorityFor,
  ItemColumns,
  literals,
  loadLiveResource,
  MaskingMap,
  mayReadSharing,
  noSuchResource,
  Nullable,
  Operations,
  parseJson,
  resolveMasking,
  ResourceCode,
  type LiveResource,
  type MaskingMapDto,
} from './common.ts';
import { evictGrants } from './gate.ts';

/**
 * Grants (issue 5, "default deny"): a grant names the consumer organisation (optionally one of its
 * systems, by token), the resource, the items it may see with a masking rule each, the operations
 * (R4.7), purpose, scenario and legal basis (R4.4, R4.8), validity, a rate limit, and who approved
 * it. No grant, no data: the data API (data-api.ts) serves only through an active grant. Grants come
 * from an unconditional resource directly (R4.3), an approved request (R4.4), an authorized scenario
 * (R4.5), a dispute decision (R4.6), an emergency (R4.10), or the authority and provider directly
 * (agreements migrated from paper). Provider or authority revoke them at any time, with a reason.
 */
export const GRANT_STATUSES = ['active', 'scheduled', 'expired', 'revoked'] as const;
export type GrantStatus = (typeof GRANT_STATUSES)[number];
export const GRANT_ORIGINS: readonly GrantOrigin[] = [
  'direct',
  'request',
  'scenario',
  'dispute',
  'emergency',
  'authority',
];
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 600;
const MAX_RATE_LIMIT_PER_MINUTE = 1_000_000;
/** Without a period asked for, a directly obtained grant runs a year (renewed by obtaining again). */
const DEFAULT_DIRECT_MONTHS = 12;

export const Grant = Type.Object({
  id: Type.String(),
  status: literals(GRANT_STATUSES),
  consumerOrgCode: Type.String(),
  consumerOrgName: Type.String(),
  tokenId: Nullable(Type.String()),
  tokenName: Nullable(Type.String()),
  providerOrgCode: Type.String(),
  providerOrgName: Type.String(),
  resourceCode: Type.String(),
  resourceName: Type.String(),
  shareClass: Type.String(),
  items: Type.Array(
    Type.Object({
      column: Type.String(),
      name: Type.String(),
      masking: Type.String(),
      key: Type.Boolean(),
      queryable: Type.Boolean(),
    }),
  ),
  operations: Type.Array(Type.String()),
  purpose: Type.String(),
  scenario: Type.String(),
  legalBasis: Type.String(),
  validFrom: Timestamp,
  validTo: Nullable(Timestamp),
  rateLimitPerMinute: Type.Integer(),
  origin: literals(GRANT_ORIGINS),
  requestCode: Nullable(Type.String()),
  scenarioCode: Nullable(Type.String()),
  disputeCode: Nullable(Type.String()),
  emergencyCode: Nullable(Type.String()),
  approvedBy: Type.String(),
  approvedAt: Timestamp,
  revokedAt: Nullable(Timestamp),
  revokedBy: Nullable(Type.String()),
  revokeReason: Nullable(Type.String()),
  createdAt: Timestamp,
});
export type GrantDto = Static<typeof Grant>;

export function grantStatus(
  row: Pick<ShareGrantTable, 'revoked_at' | 'valid_from' | 'valid_to'>,
  now: Date,
): GrantStatus {
  const iso = now.toISOString();
  if (row.revoked_at !== null) return 'revoked';
  if (row.valid_to !== null && row.valid_to < iso) return 'expired';
  if (row.valid_from > iso) return 'scheduled';
  return 'active';
}

/** The first instant of a China calendar day, as a UTC timestamp. */
export const chinaDayStart = (date: string): string =>
  new Date(`${date}T00:00:00.000+08:00`).toISOString();
/** The last instant of a China calendar day, as a UTC timestamp. */
export const chinaDayEnd = (date: string): string =>
  new Date(`${date}T23:59:59.999+08:00`).toISOString();

function addMonths(date: string, months: number): string {
  const day = new Date(`${date}T00:00:00Z`);
  day.setUTCMonth(day.getUTCMonth() + months);
  return day.toISOString().slice(0, 10);
}

function grantsQuery(db: Kysely<Database>) {
  return db
    .selectFrom('share_grants as g')
    .innerJoin('orgs as co', 'co.id', 'g.consumer_org_id')
    .innerJoin('orgs as po', 'po.id', 'g.provider_org_id')
    .innerJoin('regions as pr', 'pr.code', 'po.region_code')
    .innerJoin('resources as r', 'r.id', 'g.resource_id')
    .innerJoin('resource_versions as rv', (join) =>
      join
        .onRef('rv.resource_id', '=', 'r.id')
        .on((eb) => eb('rv.version', '=', eb.fn.coalesce('r.live_version', 'r.latest_version'))),
    )
    .leftJoin('api_tokens as t', 't.id', 'g.token_id')
    .leftJoin('share_requests as sr', 'sr.id', 'g.request_id')
    .leftJoin('share_scenarios as ss', 'ss.id', 'g.scenario_id')
    .leftJoin('share_disputes as sd', 'sd.id', 'g.dispute_id')
    .leftJoin('share_emergencies as se', 'se.id', 'g.emergency_id')
    .selectAll('g')
    .select([
      'co.code as consumer_code',
      'co.name as consumer_name',
      'po.code as provider_code',
      'po.name as provider_name',
      'pr.path as region_path',
      'r.code as resource_code',
      'rv.name as resource_name',
      'rv.share_class',
      'rv.content',
      't.name as token_name',
      'sr.code as request_code',
      'ss.code as scenario_code',
      'sd.code as dispute_code',
      'se.code as emergency_code',
    ]);
}
type GrantRow = NonNullable<
  Awaited<ReturnType<ReturnType<typeof grantsQuery>['executeTakeFirst']>>
>;

export function presentGrant(row: GrantRow, now: Date): GrantDto {
  const masking = parseJson<MaskingMapDto>(row.masking);
  const items = new Map(
    (parseJson<{ items: DataItemDto[] }>(row.content).items ?? []).map((item) => [
      item.column,
      item,
    ]),
  );
  return {
    id: row.id,
    status: grantStatus(row, now),
    consumerOrgCode: row.consumer_code,
    consumerOrgName: row.consumer_name,
    tokenId: row.token_id,
    tokenName: row.token_name,
    providerOrgCode: row.provider_code,
    providerOrgName: row.provider_name,
    resourceCode: row.resource_code,
    resourceName: row.resource_name,
    shareClass: row.share_class,
    items: parseJson<string[]>(row.items).map((column) => ({
      column,
      name: items.get(column)?.name ?? column,
      masking: masking[column] ?? 'none',
      key: items.get(column)?.key ?? false,
      queryable: items.get(column)?.queryable ?? false,
    })),
    operations: parseJson<string[]>(row.operations),
    purpose: row.purpose,
    scenario: row.scenario,
    legalBasis: row.legal_basis,
    validFrom: row.valid_from,
    validTo: row.valid_to,
    rateLimitPerMinute: row.rate_limit_per_minute,
    origin: row.origin,
    requestCode: row.request_code,
    scenarioCode: row.scenario_code,
    disputeCode: row.dispute_code,
    emergencyCode: row.emergency_code,
    approvedBy: row.approved_by,
    approvedAt: row.approved_at,
    revokedAt: row.revoked_at,
    revokedBy: row.revoked_by,
    revokeReason: row.revoke_reason,
    createdAt: row.created_at,
  };
}

export async function findGrant(db: Kysely<Database>, id: string): Promise<GrantRow | undefined> {
  if (!/^[0-9a-f-]{36}$/.test(id)) return undefined;
  return grantsQuery(db).where('g.id', '=', id).executeTakeFirst();
}

export interface GrantSpec {
  consumerOrgId: string;
  tokenId?: string | null;
  resource: LiveResource;
  items: DataItemDto[];
  masking: MaskingMapDto;
  operations: readonly ShareOperation[];
  purpose: string;
  scenario: string;
  legalBasis: string;
  validFrom: string;
  validTo: string | null;
  rateLimitPerMinute?: number;
  origin: GrantOrigin;
  requestId?: string | null;
  scenarioId?: string | null;
  disputeId?: string | null;
  emergencyId?: string | null;
}

/** The one place grants are written (inside the caller's transaction); tells the consumer. */
export async function createGrant(ctx: ActionContext, spec: GrantSpec): Promise<string> {
  if (spec.tokenId) await checkConsumerToken(ctx.db, spec.consumerOrgId, spec.tokenId);
  const id = randomUUID();
  const now = ctx.now.toISOString();
  await ctx.db
    .insertInto('share_grants')
    .values({
      id,
      consumer_org_id: spec.consumerOrgId,
      token_id: spec.tokenId ?? null,
      provider_org_id: spec.resource.orgId,
      resource_id: spec.resource.id,
      items: JSON.stringify(spec.items.map((item) => item.column)),
      masking: JSON.stringify(spec.masking),
      operations: JSON.stringify(spec.operations),
      purpose: spec.purpose,
      scenario: spec.scenario,
      legal_basis: spec.legalBasis,
      valid_from: spec.validFrom,
      valid_to: spec.validTo,
      rate_limit_per_minute: spec.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE,
      origin: spec.origin,
      request_id: spec.requestId ?? null,
      scenario_id: spec.scenarioId ?? null,
      dispute_id: spec.disputeId ?? null,
      emergency_id: spec.emergencyId ?? null,
      approved_by: actorDisplayName(ctx.actor),
      approved_at: now,
      watermark_key: randomBytes(32).toString('hex'),
      revoked_at: null,
      revoked_by: null,
      revoke_reason: null,
      created_at: now,
    })
    .execute();
  await notify(ctx.db, ctx.now, {
    orgId: spec.consumerOrgId,
    kind: 'share.granted',
    title: text(
      `已获得「${spec.resource.name}」的共享授权`,
      `Access to "${spec.resource.name}" granted`,
    ),
    link: `/sharing/grants?id=${id}`,
  });
  ctx.audit.details = { ...ctx.audit.details, grantId: id };
  return id;
}

async function checkConsumerToken(
  db: Kysely<Database>,
  consumerOrgId: string,
  tokenId: string,
): Promise<void> {
  const token = await db
    .selectFrom('api_tokens')
    .select(['org_id', 'revoked_at'])
    .where('id', '=', tokenId)
    .executeTakeFirst();
  if (!token || token.org_id !== consumerOrgId || token.revoked_at !== null) {
    throw invalidFields({
      tokenId: text(
        '指定的应用系统令牌不属于使用部门或已吊销',
        'the named system token is not an active token of the consumer',
      ),
    });
  }
}

export async function presentGrantById(ctx: ActionContext, id: string): Promise<GrantDto> {
  const row = await findGrant(ctx.db, id);
  if (!row) throw notFound();
  return presentGrant(row, ctx.now);
}

/** Validity from China dates; `to` before `from` or in the past is refused. */
export function validity(
  now: Date,
  from: string | undefined,
  to: string | undefined,
  defaultMonths: number | null,
): { validFrom: string; validTo: string | null } {
  const today = chinaToday(now);
  const start = from ?? today;
  const end = to ?? (defaultMonths === null ? undefined : addMonths(start, defaultMonths));
  if (end !== undefined && (end < start || end < today)) {
    throw invalidFields({
      validTo: text(
        '有效期截止日期不能早于开始日期或今天',
        'validTo must not be before validFrom or today',
      ),
    });
  }
  return {
    validFrom: from && from > today ? chinaDayStart(from) : now.toISOString(),
    validTo: end === undefined ? null : chinaDayEnd(end),
  };
}

const GrantFilters = {
  resourceCode: Type.Optional(ResourceCode),
  status: Type.Optional(literals(GRANT_STATUSES)),
  /** consumer: grants the caller's organisations hold; provider: grants on their resources. */
  side: Type.Optional(literals(['consumer', 'provider'] as const)),
  consumerOrgCode: Type.Optional(ActorOrgCode),
  providerOrgCode: Type.Optional(ActorOrgCode),
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
};

/** Organisations whose grants an actor sees as a party; null: every grant (system, auditors). */
function visibleOrgIds(actor: Actor): string[] | null {
  if (isSystem(actor) || isAuditor(actor)) return null;
  if (actor.type === 'token') return [actor.orgId];
  if (actor.type === 'user') return [...new Set(actor.memberships.map((m) => m.orgId))];
  return [];
}

function authorityPaths(actor: Actor): string[] {
  if (actor.type !== 'user') return [];
  return actor.memberships
    .filter((m) => m.orgKind === 'authority' && ACTING_ROLES.includes(m.role))
    .map((m) => m.regionPath);
}

const list = defineAction({
  name: 'share.grant.list',
  description:
    'Grants the caller may see: held by its organisations, on their resources, or (authority, auditors) in its region.',
  tag: 'sharing',
  input: Input(GrantFilters),
  output: Type.Object({ items: Type.Array(Grant), total: Type.Integer() }),
  mutating: false,
  http: { method: 'GET', path: '/share/grants' },
  policy: (ctx) => isGovernmentActor(ctx.actor),
  handler: async (ctx, input) => {
    const orgIds = visibleOrgIds(ctx.actor);
    const paths = authorityPaths(ctx.actor);
    let query = grantsQuery(ctx.db);
    if (orgIds !== null) {
      query = query.where((eb) => {
        const ids = orgIds.length ? orgIds : [''];
        const own =
          input.side === 'consumer'
            ? [eb('g.consumer_org_id', 'in', ids)]
            : input.side === 'provider'
              ? [eb('g.provider_org_id', 'in', ids)]
              : [eb('g.consumer_org_id', 'in', ids), eb('g.provider_org_id', 'in', ids)];
        const governed = input.side ? [] : paths.map((path) => eb('pr.path', 'like', `${path}%`));
        return eb.or([...own, ...governed]);
      });
    }
    if (input.resourceCode) query = query.where('r.code', '=', input.resourceCode);
    if (input.consumerOrgCode) query = query.where('co.code', '=', input.consumerOrgCode);
    if (input.providerOrgCode) query = query.where('po.code', '=', input.providerOrgCode);
    const iso = ctx.now.toISOString();
    if (input.status === 'revoked') query = query.where('g.revoked_at', 'is not', null);
    else if (input.status) {
      query = query.where('g.revoked_at', 'is', null);
      if (input.status === 'expired') query = query.where('g.valid_to', '<', iso);
      else {
        query = query.where((eb) =>
          eb.or([eb('g.valid_to', 'is', null), eb('g.valid_to', '>=', iso)]),
        );
        query = query.where('g.valid_from', input.status === 'active' ? '<=' : '>', iso);
      }
    }
    const { n } = await query
      .clearSelect()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const rows = await query
      .orderBy('g.created_at', 'desc')
      .orderBy('g.id')
      .limit(input.limit)
      .offset(input.offset)
      .execute();
    return { items: rows.map((row) => presentGrant(row, ctx.now)), total: Number(n) };
  },
});

const get = defineAction({
  name: 'share.grant.get',
  description: 'One grant, with its items, masking, operations, validity and origin.',
  tag: 'sharing',
  input: Input({ id: Type.String({ maxLength: 64 }) }),
  output: Grant,
  mutating: false,
  http: { method: 'GET', path: '/share/grants/:id' },
  policy: async (ctx, input) => {
    const row = await findGrant(ctx.db, input.id);
    if (!row) return isGovernmentActor(ctx.actor);
    return mayReadSharing(ctx.actor, row.consumer_org_id, row.provider_org_id, row.region_path);
  },
  handler: (ctx, input) => presentGrantById(ctx, input.id),
});

const GrantInput = {
  resourceCode: ResourceCode,
  items: ItemColumns,
  operations: Operations,
  purpose: Type.String({ minLength: 2, maxLength: 1000 }),
  scenario: Type.String({ minLength: 2, maxLength: 1000 }),
  legalBasis: Type.String({
    minLength: 2,
    maxLength: 2000,
    description: "legal basis of the consumer's duty",
  }),
  validFrom: Type.Optional(DateString),
  validTo: Type.Optional(DateString),
  /** One named system (API token) of the consumer; otherwise any of its tokens. */
  tokenId: Type.Optional(Type.String({ format: 'uuid' })),
  rateLimitPerMinute: Type.Optional(
    Type.Integer({ minimum: 1, maximum: MAX_RATE_LIMIT_PER_MINUTE }),
  ),
};

const obtain = defineAction({
  name: 'share.grant.obtain',
  description:
    'Obtain access to an unconditional resource directly by declaring purpose, scenario and items (R4.3); active at once.',
  tag: 'sharing',
  input: Input({ ...GrantInput, consumerOrgCode: Type.Optional(ActorOrgCode) }),
  output: Grant,
  mutating: true,
  http: { method: 'POST', path: '/share/grants/obtain', status: 201 },
  policy: (ctx, input) => {
    const actor = ctx.actor;
    if (actor.type === 'system' || actor.type === 'token') return true;
    if (actor.type !== 'user') return false;
    const acting = actor.memberships.filter(
      (m) => m.role === 'dept_admin' || m.role === 'dept_operator' || m.role === 'authority_admin',
    );
    return input.consumerOrgCode
      ? acting.some((m) => m.orgCode === input.consumerOrgCode)
      : acting.length > 0;
  },
  handler: async (ctx, input) => {
    const resource = await loadLiveResource(ctx.db, input.resourceCode);
    if (!resource) noSuchResource();
    if (resource.content.share.class !== 'unconditional') {
      throw conflict(
        text(
          '该资源不是无条件共享，请提交共享申请（R4.4）',
          'the resource is not shared unconditionally; file a share request (R4.4)',
        ),
      );
    }
    const consumer = await actingOrg(ctx.db, ctx.actor, input.consumerOrgCode, 'consumerOrgCode');
    const items = checkItems(resource, input.items);
    const period = validity(ctx.now, input.validFrom, input.validTo, DEFAULT_DIRECT_MONTHS);
    const id = await createGrant(ctx, {
      consumerOrgId: consumer.id,
      tokenId: input.tokenId ?? null,
      resource,
      items,
      masking: resolveMasking(items),
      operations: input.operations,
      purpose: input.purpose,
      scenario: input.scenario,
      legalBasis: input.legalBasis,
      ...period,
      rateLimitPerMinute: input.rateLimitPerMinute,
      origin: 'direct',
    });
    ctx.audit.target = id;
    ctx.audit.orgId = consumer.id;
    return presentGrantById(ctx, id);
  },
});

const create = defineAction({
  name: 'share.grant.create',
  description:
    'Create a grant directly, as the authority or the provider (for example an agreement migrated from paper); masking may be set per item.',
  tag: 'sharing',
  input: Input({
    ...GrantInput,
    consumerOrgCode: ActorOrgCode,
    masking: Type.Optional(MaskingMap),
  }),
  output: Grant,
  mutating: true,
  http: { method: 'POST', path: '/share/grants', status: 201 },
  policy: async (ctx, input) => {
    if (isSystem(ctx.actor)) return true;
    const resource = await loadLiveResource(ctx.db, input.resourceCode);
    if (!resource) return ctx.actor.type === 'user';
    return (
      authorityOver(ctx.actor, resource.regionPath, 'authority_admin') ||
      // R4.2: a resource of class none is granted only by the authority's decision.
      (resource.content.share.class !== 'none' && actsFor(ctx.actor, resource.orgId, 'dept_admin'))
    );
  },
  handler: async (ctx, input) => {
    const resource = await loadLiveResource(ctx.db, input.resourceCode);
    if (!resource) noSuchResource();
    const consumer = await actingOrg(
      ctx.db,
      { type: 'system', name: '' },
      input.consumerOrgCode,
      'consumerOrgCode',
    );
    if (consumer.id === resource.orgId) {
      throw invalidFields({
        consumerOrgCode: text(
          '提供部门无需授权访问本部门的资源',
          'the provider needs no grant on its own resource',
        ),
      });
    }
    const items = checkItems(resource, input.items);
    const id = await createGrant(ctx, {
      consumerOrgId: consumer.id,
      tokenId: input.tokenId ?? null,
      resource,
      items,
      masking: resolveMasking(items, input.masking),
      operations: input.operations,
      purpose: input.purpose,
      scenario: input.scenario,
      legalBasis: input.legalBasis,
      ...validity(ctx.now, input.validFrom, input.validTo, null),
      rateLimitPerMinute: input.rateLimitPerMinute,
      origin: 'authority',
    });
    ctx.audit.target = id;
    ctx.audit.orgId = resource.orgId;
    return presentGrantById(ctx, id);
  },
});

const revoke = defineAction({
  name: 'share.grant.revoke',
  description: 'Revoke a grant at once, with a reason; the provider or the authority may.',
  tag: 'sharing',
  input: Input({
    id: Type.String({ maxLength: 64 }),
    reason: Type.String({ minLength: 2, maxLength: 1000 }),
  }),
  output: Grant,
  mutating: true,
  http: { method: 'POST', path: '/share/grants/:id/revoke' },
  policy: async (ctx, input) => {
    const row = await findGrant(ctx.db, input.id);
    if (!row) return ctx.actor.type === 'user' || ctx.actor.type === 'system';
    return (
      isAuthorityFor(ctx.actor, row.region_path) ||
      actsFor(ctx.actor, row.provider_org_id, 'dept_admin')
    );
  },
  handler: async (ctx, input) => {
    const row = await findGrant(ctx.db, input.id);
    if (!row) throw notFound();
    if (row.revoked_at !== null)
      throw conflict(text('该授权已被撤销', 'the grant is already revoked'));
    await ctx.db
      .updateTable('share_grants')
      .set({
        revoked_at: ctx.now.toISOString(),
        revoked_by: actorDisplayName(ctx.actor),
        revoke_reason: input.reason,
      })
      .where('id', '=', input.id)
      .execute();
    evictGrants(ctx);
    await notify(ctx.db, ctx.now, {
      orgId: row.consumer_org_id,
      kind: 'share.revoked',
      title: text(
        `「${row.resource_name}」的共享授权已被撤销：${input.reason}`,
        `Access to "${row.resource_name}" revoked: ${input.reason}`,
      ),
      link: `/sharing/grants?id=${row.id}`,
    });
    ctx.audit.target = input.id;
    ctx.audit.orgId = row.provider_org_id;
    return presentGrantById(ctx, input.id);
  },
});

export const grantActions = [list, get, obtain, create, revoke];
