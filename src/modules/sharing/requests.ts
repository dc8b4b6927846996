import { randomUUID } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import { defineAction, type ActionContext } from '../../core/action.ts';
import { actorDisplayName, type Actor } from '../../core/actor.ts';
import { appendAuditEvent } from '../../core/audit.ts';
import { AppError, conflict, invalidFields, notFound, text } from '../../core/errors.ts';
import { administeredRegionPaths, isGovernmentActor, isSystem } from '../../core/policy.ts';
import { DateString, Input, Timestamp } from '../../core/schemas.ts';
import type { Database, ShareOperation, ShareRequestStatus } from '../../db/schema.ts';
import { chinaToday, workingDayCountdown } from '../calendar/calendar.ts';
import { notify } from '../problems/notifications.ts';
import {
  ActorOrgCode,
  actingOrg,
  actsFor,
  checkItems,
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
} from './common.ts';
import { createGrant, validity } from './grants.ts';
import { matchScenario } from './scenarios.ts';
import {
  checkEndDate,
  CONSUMER_ROLES,
  ItemRef,
  mayAct,
  namedItems,
  nextCode,
  notifyAuthorities,
  requireSubset,
  requireUpdated,
  timelineOf,
  TimelineEvent,
  visibilityOf,
} from './workflow.ts';

/**
 * Share requests (共享申请, R4.4): a consumer applies for a conditional resource through the platform,
 * stating business process, scenario, purpose, items and period; the provider answers within the
 * region's deadline in working days (Shenyang 5, Ningxia 10). Approval opens a grant for that
 * consumer, purpose and period, possibly narrower than asked; a refusal states reasons and legal
 * basis and may be disputed (disputes.ts, R4.6). A request matching an authorized scenario is
 * approved at once (R4.5). The sweep reminds providers a working day before the deadline and
 * escalates overdue requests to the authority (R6.6 supervision).
 */
export const REQUEST_STATUSES: readonly ShareRequestStatus[] = [
  'pending',
  'approved',
  'refused',
  'disputed',
  'decided',
  'withdrawn',
];
export const DELIVERY_METHODS = ['interface', 'verification', 'exchange', 'analysis'] as const;

export const RequestCode = Type.String({
  pattern: '^GX-\\d{4}-\\d{6}$',
  description: 'share request code, e.g. GX-2026-000001',
});

export const ShareRequest = Type.Object({
  code: Type.String(),
  status: literals(REQUEST_STATUSES),
  consumerOrgCode: Type.String(),
  consumerOrgName: Type.String(),
  providerOrgCode: Type.String(),
  providerOrgName: Type.String(),
  resourceCode: Type.String(),
  resourceName: Type.String(),
  items: Type.Array(ItemRef),
  operations: Type.Array(Type.String()),
  purpose: Type.String(),
  scenario: Type.String(),
  businessProcess: Type.String(),
  legalBasis: Type.String(),
  periodFrom: Type.String(),
  periodTo: Type.String(),
  deliveryMethod: Type.String(),
  contactName: Type.String(),
  contactPhone: Type.String(),
  tokenId: Nullable(Type.String()),
  dueDate: Type.String({ description: 'YYYY-MM-DD, China time' }),
  /** Working days until the due date while pending (negative when overdue); null otherwise. */
  workingDaysLeft: Nullable(Type.Integer()),
  overdue: Type.Boolean(),
  /** Answered after the due date. */
  late: Type.Boolean(),
  decidedAt: Nullable(Timestamp),
  decidedBy: Nullable(Type.String()),
  decisionNote: Nullable(Type.String()),
  refusalReason: Nullable(Type.String()),
  refusalLegalBasis: Nullable(Type.String()),
  scenarioCode: Nullable(Type.String()),
  autoApproved: Type.Boolean(),
  grantId: Nullable(Type.String()),
  remindedAt: Nullable(Timestamp),
  escalatedAt: Nullable(Timestamp),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type ShareRequestDto = Static<typeof ShareRequest>;

const ShareRequestDetail = Type.Object({
  ...ShareRequest.properties,
  timeline: Type.Array(TimelineEvent),
  /** What the caller may do now (each action checks again). */
  can: Type.Object({
    approve: Type.Boolean(),
    refuse: Type.Boolean(),
    withdraw: Type.Boolean(),
    dispute: Type.Boolean(),
  }),
});

export function requestsQuery(db: Kysely<Database>) {
  return db
    .selectFrom('share_requests as q')
    .innerJoin('orgs as co', 'co.id', 'q.consumer_org_id')
    .innerJoin('orgs as po', 'po.id', 'q.provider_org_id')
    .innerJoin('regions as pr', 'pr.code', 'po.region_code')
    .innerJoin('resources as r', 'r.id', 'q.resource_id')
    .innerJoin('resource_versions as rv', (join) =>
      join
        .onRef('rv.resource_id', '=', 'r.id')
        .on((eb) => eb('rv.version', '=', eb.fn.coalesce('r.live_version', 'r.latest_version'))),
    )
    .leftJoin('share_scenarios as ss', 'ss.id', 'q.scenario_id');
}

/** What a request is presented with, beside its own columns. */
const REQUEST_COLUMNS = [
  'co.code as consumer_code',
  'co.name as consumer_name',
  'po.code as provider_code',
  'po.name as provider_name',
  'pr.path as region_path',
  'r.code as resource_code',
  'rv.name as resource_name',
  'rv.content',
  'ss.code as scenario_code',
] as const;

function selectRequest(db: Kysely<Database>) {
  return requestsQuery(db).selectAll('q').select(REQUEST_COLUMNS);
}
export type RequestRow = NonNullable<
  Awaited<ReturnType<ReturnType<typeof selectRequest>['executeTakeFirst']>>
>;

export const findRequest = (db: Kysely<Database>, code: string) =>
  selectRequest(db).where('q.code', '=', code).executeTakeFirst();

const mayRead = (actor: Actor, row: RequestRow) =>
  mayReadSharing(actor, row.consumer_org_id, row.provider_org_id, row.region_path);

/** R4.4: the provider answers: its department administrator, its own system (token), or the CLI. */
const actsForProvider = (actor: Actor, row: RequestRow) =>
  actsFor(actor, row.provider_org_id, 'dept_admin');
const actsForConsumer = (actor: Actor, row: RequestRow) =>
  actsFor(actor, row.consumer_org_id, ...CONSUMER_ROLES);

export const requestLink = (code: string) => `/sharing/requests?code=${code}`;
export const requestTarget = (code: string) => `share-request:${code}`;

async function presentRequests(ctx: ActionContext, rows: RequestRow[]): Promise<ShareRequestDto[]> {
  const today = chinaToday(ctx.now);
  const countdown = workingDayCountdown(ctx.services.calendar, today, ctx.db);
  const out: ShareRequestDto[] = [];
  for (const row of rows) {
    const pending = row.status === 'pending';
    let left: number | null = null;
    if (pending) {
      left = await countdown(row.due_date, row.region_path);
    }
    out.push({
      code: row.code,
      status: row.status,
      consumerOrgCode: row.consumer_code,
      consumerOrgName: row.consumer_name,
      providerOrgCode: row.provider_code,
      providerOrgName: row.provider_name,
      resourceCode: row.resource_code,
      resourceName: row.resource_name,
      items: namedItems(row.content, parseJson<string[]>(row.items)),
      operations: parseJson<string[]>(row.operations),
      purpose: row.purpose,
      scenario: row.scenario,
      businessProcess: row.business_process,
      legalBasis: row.legal_basis,
      periodFrom: row.period_from,
      periodTo: row.period_to,
      deliveryMethod: row.delivery_method,
      contactName: row.contact_name,
      contactPhone: row.contact_phone,
      tokenId: row.token_id,
      dueDate: row.due_date,
      workingDaysLeft: left,
      overdue: pending && today > row.due_date,
      late: row.decided_at !== null && chinaToday(new Date(row.decided_at)) > row.due_date,
      decidedAt: row.decided_at,
      decidedBy: row.decided_by,
      decisionNote: row.decision_note,
      refusalReason: row.refusal_reason,
      refusalLegalBasis: row.refusal_legal_basis,
      scenarioCode: row.scenario_code,
      autoApproved: row.scenario_id !== null,
      grantId: row.grant_id,
      remindedAt: row.reminded_at,
      escalatedAt: row.escalated_at,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    });
  }
  return out;
}

async function presentOne(ctx: ActionContext, code: string): Promise<ShareRequestDto> {
  const row = await findRequest(ctx.db, code);
  if (!row) throw notFound();
  const [dto] = await presentRequests(ctx, [row]);
  if (!dto) throw notFound();
  return dto;
}

/** R4.4 deadline: today plus the provider region's reply period in working days (PRC calendar). */
async function dueDateFor(ctx: ActionContext, providerOrgId: string): Promise<string> {
  const region = await ctx.db
    .selectFrom('orgs')
    .innerJoin('regions', 'regions.code', 'orgs.region_code')
    .select(['regions.path', 'regions.share_reply_days'])
    .where('orgs.id', '=', providerOrgId)
    .executeTakeFirstOrThrow();
  return ctx.services.calendar.addWorkingDays(
    chinaToday(ctx.now),
    region.share_reply_days,
    region.path,
    ctx.db,
  );
}

async function checkToken(db: Kysely<Database>, consumerOrgId: string, tokenId: string) {
  const token = await db
    .selectFrom('api_tokens')
    .select(['org_id', 'revoked_at'])
    .where('id', '=', tokenId)
    .executeTakeFirst();
  if (!token || token.org_id !== consumerOrgId || token.revoked_at !== null) {
    throw invalidFields({
      tokenId: text(
        '指定的应用系统令牌不属于申请部门或已吊销',
        'the named system token is not an active token of the consumer',
      ),
    });
  }
}

/** Filing for an organisation: its staff (not auditors or reviewers), its system, the CLI. */
export function mayFileFor(actor: Actor, consumerOrgCode: string | undefined): boolean {
  if (actor.type === 'system') return true;
  if (actor.type === 'token')
    return consumerOrgCode === undefined || consumerOrgCode === actor.orgCode;
  if (actor.type !== 'user') return false;
  const acting = actor.memberships.filter((m) => CONSUMER_ROLES.includes(m.role));
  return consumerOrgCode ? acting.some((m) => m.orgCode === consumerOrgCode) : acting.length > 0;
}

const create = defineAction({
  name: 'share.request.create',
  description:
    'Apply for a conditional resource (R4.4): business process, scenario, purpose, items, operations and period; the provider answers within the region deadline in working days. A request matching an authorized scenario is approved at once (R4.5).',
  tag: 'sharing',
  input: Input({
    resourceCode: ResourceCode,
    items: ItemColumns,
    operations: Operations,
    purpose: Type.String({ minLength: 2, maxLength: 1000 }),
    scenario: Type.String({ minLength: 2, maxLength: 1000 }),
    businessProcess: Type.String({ minLength: 2, maxLength: 1000 }),
    legalBasis: Type.String({
      minLength: 2,
      maxLength: 2000,
      description: "legal basis of the consumer's duty",
    }),
    periodFrom: Type.Optional(DateString),
    periodTo: DateString,
    deliveryMethod: literals(DELIVERY_METHODS),
    contactName: Type.String({ minLength: 1, maxLength: 50 }),
    contactPhone: Type.String({ minLength: 5, maxLength: 30 }),
    tokenId: Type.Optional(Type.String({ format: 'uuid' })),
    consumerOrgCode: Type.Optional(ActorOrgCode),
  }),
  output: ShareRequest,
  mutating: true,
  http: { method: 'POST', path: '/share/requests', status: 201 },
  policy: (ctx, input) => mayFileFor(ctx.actor, input.consumerOrgCode),
  handler: async (ctx, input) => {
    const resource = await loadLiveResource(ctx.db, input.resourceCode);
    if (!resource) noSuchResource();
    const shareClass = resource.content.share.class;
    // R4.3: unconditional data is obtained directly, without an application.
    if (shareClass === 'unconditional') {
      throw new AppError(
        'CONFLICT',
        text(
          '该资源为无条件共享，无需申请，请直接获取（share.grant.obtain）',
          'the resource is shared unconditionally; obtain it directly (share.grant.obtain)',
        ),
        undefined,
        { reason: 'SHARE_USE_OBTAIN' },
      );
    }
    // R4.2, R4.6: data not shared is reached only through the authority's decision on a dispute.
    if (shareClass === 'none') {
      throw new AppError(
        'CONFLICT',
        text(
          '该资源不予共享；确需使用的，请提出共享争议，由数据主管部门协调决定',
          'the resource is not shared; if you need it, raise a dispute for the authority to decide',
        ),
        undefined,
        { reason: 'SHARE_CLASS_NONE' },
      );
    }
    const consumer = await actingOrg(ctx.db, ctx.actor, input.consumerOrgCode, 'consumerOrgCode');
    if (consumer.id === resource.orgId) {
      throw invalidFields({
        resourceCode: text(
          '本部门的资源无需申请共享',
          'an organisation needs no request for its own resource',
        ),
      });
    }
    const items = checkItems(resource, input.items);
    const allowedMethods = resource.content.share.deliveryMethods;
    if (allowedMethods.length > 0 && !allowedMethods.includes(input.deliveryMethod)) {
      throw invalidFields({
        deliveryMethod: text(
          `该资源的共享方式为：${allowedMethods.join(', ')}`,
          `the resource is delivered by ${allowedMethods.join(', ')}`,
        ),
      });
    }
    const today = chinaToday(ctx.now);
    const periodFrom = input.periodFrom ?? today;
    if (periodFrom < today) {
      throw invalidFields({
        periodFrom: text('使用期限不能早于今天', 'the period must not start before today'),
      });
    }
    checkEndDate(ctx.now, 'periodTo', input.periodTo, periodFrom);
    if (input.tokenId) await checkToken(ctx.db, consumer.id, input.tokenId);

    const id = randomUUID();
    const code = await nextCode(ctx.db, 'GX', ctx.now, 6);
    const dueDate = await dueDateFor(ctx, resource.orgId);
    const now = ctx.now.toISOString();
    const scenario = await matchScenario(ctx, {
      consumerOrgId: consumer.id,
      resourceId: resource.id,
      items: input.items,
      operations: input.operations,
      periodTo: input.periodTo,
    });
    await ctx.db
      .insertInto('share_requests')
      .values({
        id,
        code,
        consumer_org_id: consumer.id,
        provider_org_id: resource.orgId,
        resource_id: resource.id,
        items: JSON.stringify(input.items),
        operations: JSON.stringify(input.operations),
        purpose: input.purpose.trim(),
        scenario: input.scenario.trim(),
        business_process: input.businessProcess.trim(),
        legal_basis: input.legalBasis.trim(),
        period_from: periodFrom,
        period_to: input.periodTo,
        delivery_method: input.deliveryMethod,
        contact_name: input.contactName.trim(),
        contact_phone: input.contactPhone.trim(),
        token_id: input.tokenId ?? null,
        status: 'pending',
        due_date: dueDate,
        decided_at: null,
        decided_by: null,
        decision_note: null,
        refusal_reason: null,
        refusal_legal_basis: null,
        scenario_id: null,
        grant_id: null,
        reminded_at: null,
        escalated_at: null,
        created_by: actorDisplayName(ctx.actor),
        created_at: now,
        updated_at: now,
      })
      .execute();
    ctx.audit.target = requestTarget(code);
    ctx.audit.orgId = consumer.id;
    ctx.audit.details = { dueDate };

    if (scenario) {
      // R4.5: a request within an authorized scenario is served without the provider's review.
      const grantId = await createGrant(ctx, {
        consumerOrgId: consumer.id,
        tokenId: input.tokenId ?? null,
        resource,
        items,
        masking: resolveMasking(items),
        operations: input.operations,
        purpose: input.purpose.trim(),
        scenario: input.scenario.trim(),
        legalBasis: input.legalBasis.trim(),
        ...validity(ctx.now, periodFrom, input.periodTo, null),
        origin: 'scenario',
        requestId: id,
        scenarioId: scenario.id,
      });
      await ctx.db
        .updateTable('share_requests')
        .set({
          status: 'approved',
          scenario_id: scenario.id,
          grant_id: grantId,
          decided_at: now,
          decided_by: actorDisplayName(ctx.actor),
          decision_note: `应用场景授权 ${scenario.code}`,
        })
        .where('id', '=', id)
        .execute();
      ctx.audit.details = { ...ctx.audit.details, scenarioCode: scenario.code, grantId };
      await notify(ctx.db, ctx.now, {
        orgId: resource.orgId,
        kind: 'share.request.auto',
        title: text(
          `${resource.name}：共享申请 ${code} 符合应用场景 ${scenario.code}，已自动授权`,
          `${resource.name}: request ${code} matched scenario ${scenario.code} and was approved`,
        ),
        link: requestLink(code),
      });
    } else {
      await notify(ctx.db, ctx.now, {
        orgId: resource.orgId,
        kind: 'share.requested',
        title: text(
          `${resource.name}：收到共享申请 ${code}，请于 ${dueDate} 前答复`,
          `${resource.name}: share request ${code} to answer by ${dueDate}`,
        ),
        link: requestLink(code),
      });
    }
    return presentOne(ctx, code);
  },
});

const list = defineAction({
  name: 'share.request.list',
  description:
    'Share requests: sent (my organisations consume), inbox (they provide), overdue (pending past the due date, R6.6) or all visible; overdue first.',
  tag: 'sharing',
  input: Input({
    box: Type.Union(
      [Type.Literal('sent'), Type.Literal('inbox'), Type.Literal('overdue'), Type.Literal('all')],
      { default: 'all' },
    ),
    status: Type.Optional(literals(REQUEST_STATUSES)),
    resourceCode: Type.Optional(ResourceCode),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
  }),
  output: Type.Object({ items: Type.Array(ShareRequest), total: Type.Integer() }),
  mutating: false,
  http: { method: 'GET', path: '/share/requests' },
  policy: (ctx) => {
    const scope = visibilityOf(ctx.actor);
    return scope.all || scope.orgIds.length > 0;
  },
  handler: async (ctx, input) => {
    const today = chinaToday(ctx.now);
    const scope = visibilityOf(ctx.actor);
    const ids = scope.orgIds.length ? scope.orgIds : [''];
    let query = requestsQuery(ctx.db);
    if (!scope.all) {
      // Scoped in SQL so that a page is never emptied by filtering after the limit.
      query = query.where((eb) =>
        eb.or([
          eb('q.consumer_org_id', 'in', ids),
          eb('q.provider_org_id', 'in', ids),
          ...scope.authorityPaths.map((path) => eb('pr.path', 'like', `${path}%`)),
        ]),
      );
    }
    if (input.box === 'sent' && !scope.all) query = query.where('q.consumer_org_id', 'in', ids);
    if (input.box === 'inbox' && !scope.all) query = query.where('q.provider_org_id', 'in', ids);
    if (input.box === 'overdue') {
      query = query.where('q.status', '=', 'pending').where('q.due_date', '<', today);
    }
    if (input.status) query = query.where('q.status', '=', input.status);
    if (input.resourceCode) query = query.where('r.code', '=', input.resourceCode);
    const { n } = await query
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const rows = await query
      .selectAll('q')
      .select(REQUEST_COLUMNS)
      .orderBy((eb) =>
        eb
          .case()
          .when(eb.and([eb('q.status', '=', 'pending'), eb('q.due_date', '<', today)]))
          .then(0)
          .when('q.status', '=', 'pending')
          .then(1)
          .else(2)
          .end(),
      )
      .orderBy('q.created_at', 'desc')
      .orderBy('q.code', 'desc')
      .limit(input.limit)
      .offset(input.offset)
      .execute();
    return { items: await presentRequests(ctx, rows), total: Number(n) };
  },
});

const get = defineAction({
  name: 'share.request.get',
  description:
    'A share request with its timeline and what the caller may do with it, for both parties, the authority and auditors.',
  tag: 'sharing',
  input: Input({ code: RequestCode }),
  output: ShareRequestDetail,
  mutating: false,
  http: { method: 'GET', path: '/share/requests/:code' },
  policy: (ctx) => isGovernmentActor(ctx.actor),
  handler: async (ctx, input) => {
    const row = await findRequest(ctx.db, input.code);
    // A request the caller may not see is indistinguishable from none.
    if (!row || !mayRead(ctx.actor, row)) throw notFound();
    const [dto] = await presentRequests(ctx, [row]);
    if (!dto) throw notFound();
    const disputes = await ctx.db
      .selectFrom('share_disputes')
      .select('code')
      .where('request_id', '=', row.id)
      .execute();
    const pending = row.status === 'pending';
    return {
      ...dto,
      timeline: await timelineOf(ctx, [
        requestTarget(row.code),
        ...disputes.map((dispute) => `share-dispute:${dispute.code}`),
      ]),
      can: {
        approve: pending && actsForProvider(ctx.actor, row),
        refuse: pending && actsForProvider(ctx.actor, row),
        withdraw: pending && actsForConsumer(ctx.actor, row),
        dispute: row.status === 'refused' && actsForConsumer(ctx.actor, row),
      },
    };
  },
});

/** Loads the request for a change; one the caller may not see is not found. */
async function loadForChange(ctx: ActionContext, code: string, orgSide: 'provider' | 'consumer') {
  const row = await findRequest(ctx.db, code);
  if (!row || !mayRead(ctx.actor, row)) throw notFound();
  ctx.audit.target = requestTarget(row.code);
  ctx.audit.orgId = orgSide === 'provider' ? row.provider_org_id : row.consumer_org_id;
  return row;
}

function requirePending(row: RequestRow): void {
  if (row.status !== 'pending') {
    throw conflict(
      text(
        `该申请已不在待答复状态（当前：${row.status}）`,
        `the request is no longer pending (it is ${row.status})`,
      ),
    );
  }
}

/** Unknown or invisible codes reach the handler, which answers 404 as share.request.get does. */
const policyFor =
  (acts: (actor: Actor, row: RequestRow) => boolean) =>
  async (ctx: ActionContext, input: { code: string }) => {
    const row = await findRequest(ctx.db, input.code);
    if (!row || !mayRead(ctx.actor, row)) return mayAct(ctx.actor);
    return acts(ctx.actor, row);
  };

const approve = defineAction({
  name: 'share.request.approve',
  description:
    'The provider approves a pending request (R4.4), possibly narrower (fewer items or operations, stronger masking, shorter period); a grant opens for that consumer, purpose and period.',
  tag: 'sharing',
  input: Input({
    code: RequestCode,
    items: Type.Optional(ItemColumns),
    operations: Type.Optional(Operations),
    periodTo: Type.Optional(DateString),
    masking: Type.Optional(MaskingMap),
    rateLimitPerMinute: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  }),
  output: ShareRequest,
  mutating: true,
  http: { method: 'POST', path: '/share/requests/:code/approve' },
  policy: policyFor(actsForProvider),
  handler: async (ctx, input) => {
    const row = await loadForChange(ctx, input.code, 'provider');
    requirePending(row);
    const resource = await loadLiveResource(ctx.db, row.resource_code);
    if (!resource) {
      throw conflict(text('该资源已不再发布，不能授权', 'the resource is no longer published'));
    }
    const asked = parseJson<string[]>(row.items);
    const askedOperations = parseJson<ShareOperation[]>(row.operations);
    requireSubset('items', input.items, asked);
    requireSubset('operations', input.operations, askedOperations);
    const periodTo = input.periodTo ?? row.period_to;
    checkEndDate(ctx.now, 'periodTo', periodTo, row.period_from, row.period_to);
    const items = checkItems(resource, input.items ?? asked);
    const grantId = await createGrant(ctx, {
      consumerOrgId: row.consumer_org_id,
      tokenId: row.token_id,
      resource,
      items,
      masking: resolveMasking(items, input.masking),
      operations: input.operations ?? askedOperations,
      purpose: row.purpose,
      scenario: row.scenario,
      legalBasis: row.legal_basis,
      ...validity(ctx.now, row.period_from, periodTo, null),
      rateLimitPerMinute: input.rateLimitPerMinute,
      origin: 'request',
      requestId: row.id,
    });
    const now = ctx.now.toISOString();
    requireUpdated(
      await ctx.db
        .updateTable('share_requests')
        .set({
          status: 'approved',
          grant_id: grantId,
          decided_at: now,
          decided_by: actorDisplayName(ctx.actor),
          decision_note: input.note?.trim() || null,
          updated_at: now,
        })
        .where('id', '=', row.id)
        .where('status', '=', 'pending')
        .executeTakeFirst(),
    );
    return presentOne(ctx, row.code);
  },
});

const refuse = defineAction({
  name: 'share.request.refuse',
  description:
    'The provider refuses a pending request, stating its reasons and legal basis (R4.4); the consumer may then raise a dispute (R4.6).',
  tag: 'sharing',
  input: Input({
    code: RequestCode,
    reason: Type.String({ minLength: 5, maxLength: 2000 }),
    legalBasis: Type.String({ minLength: 2, maxLength: 2000 }),
  }),
  output: ShareRequest,
  mutating: true,
  http: { method: 'POST', path: '/share/requests/:code/refuse' },
  policy: policyFor(actsForProvider),
  handler: async (ctx, input) => {
    const row = await loadForChange(ctx, input.code, 'provider');
    requirePending(row);
    const reason = input.reason.trim();
    const legalBasis = input.legalBasis.trim();
    // R4.4: a refusal states its reasons and its legal basis; blanks are no statement.
    if ([...reason].length < 5) {
      throw invalidFields({
        reason: text(
          '请说明不予共享的理由（至少 5 个字）',
          'state the reasons (at least 5 characters)',
        ),
      });
    }
    if ([...legalBasis].length < 2) {
      throw invalidFields({
        legalBasis: text('请写明不予共享的法律依据', 'state the legal basis of the refusal'),
      });
    }
    const now = ctx.now.toISOString();
    requireUpdated(
      await ctx.db
        .updateTable('share_requests')
        .set({
          status: 'refused',
          refusal_reason: reason,
          refusal_legal_basis: legalBasis,
          decided_at: now,
          decided_by: actorDisplayName(ctx.actor),
          updated_at: now,
        })
        .where('id', '=', row.id)
        .where('status', '=', 'pending')
        .executeTakeFirst(),
    );
    await notify(ctx.db, ctx.now, {
      orgId: row.consumer_org_id,
      kind: 'share.request.refused',
      title: text(
        `${row.resource_name}：共享申请 ${row.code} 未获同意（${reason}）；如有异议可提请数据主管部门协调`,
        `${row.resource_name}: request ${row.code} refused (${reason}); you may raise a dispute`,
      ),
      link: requestLink(row.code),
    });
    return presentOne(ctx, row.code);
  },
});

const withdraw = defineAction({
  name: 'share.request.withdraw',
  description: 'The consumer withdraws its request while it is still pending.',
  tag: 'sharing',
  input: Input({ code: RequestCode }),
  output: ShareRequest,
  mutating: true,
  http: { method: 'POST', path: '/share/requests/:code/withdraw' },
  policy: policyFor(actsForConsumer),
  handler: async (ctx, input) => {
    const row = await loadForChange(ctx, input.code, 'consumer');
    requirePending(row);
    requireUpdated(
      await ctx.db
        .updateTable('share_requests')
        .set({ status: 'withdrawn', updated_at: ctx.now.toISOString() })
        .where('id', '=', row.id)
        .where('status', '=', 'pending')
        .executeTakeFirst(),
    );
    await notify(ctx.db, ctx.now, {
      orgId: row.provider_org_id,
      kind: 'share.request.withdrawn',
      title: text(
        `${row.resource_name}：共享申请 ${row.code} 已被申请部门撤回`,
        `${row.resource_name}: request ${row.code} withdrawn by the consumer`,
      ),
      link: requestLink(row.code),
    });
    return presentOne(ctx, row.code);
  },
});

const sweep = defineAction({
  name: 'share.request.sweep',
  description:
    'Deadline sweep of pending requests (R4.4, R6.6): remind the provider once with a working day left, escalate overdue ones to the authorities over its region.',
  tag: 'sharing',
  input: Input({}),
  output: Type.Object({ reminded: Type.Integer(), escalated: Type.Integer() }),
  mutating: true,
  http: { method: 'POST', path: '/share/requests/sweep' },
  policy: (ctx) => isSystem(ctx.actor) || administeredRegionPaths(ctx.actor).length > 0,
  handler: async (ctx) => {
    const today = chinaToday(ctx.now);
    const now = ctx.now.toISOString();
    let query = selectRequest(ctx.db)
      .where('q.status', '=', 'pending')
      .where((eb) =>
        eb.or([
          eb.and([eb('q.reminded_at', 'is', null), eb('q.due_date', '>=', today)]),
          eb.and([eb('q.escalated_at', 'is', null), eb('q.due_date', '<', today)]),
        ]),
      );
    if (!isSystem(ctx.actor)) {
      // An authority sweeps its own region only.
      const paths = administeredRegionPaths(ctx.actor);
      query = query.where((eb) => eb.or(paths.map((path) => eb('pr.path', 'like', `${path}%`))));
    }
    const rows = await query.orderBy('q.due_date').execute();
    const nextWorkingDay = new Map<string, Promise<string | null>>();
    const reminded: string[] = [];
    const escalated: string[] = [];
    for (const row of rows) {
      if (row.due_date < today) {
        // Guarded update: with several server processes sweeping, one escalates.
        const updated = await ctx.db
          .updateTable('share_requests')
          .set({ escalated_at: now })
          .where('id', '=', row.id)
          .where('escalated_at', 'is', null)
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) === 0) continue;
        escalated.push(row.code);
        // R4.4 deadline missed: the violation stays on the record, for the authority's supervision.
        await appendAuditEvent(ctx.db, ctx.services.ledger, {
          actor: ctx.actor,
          requestId: ctx.requestId,
          action: 'share.request.overdue',
          target: requestTarget(row.code),
          orgId: row.provider_org_id,
          outcome: 'success',
          details: {
            note: `逾期未答复，应于 ${row.due_date} 前答复 / not answered by ${row.due_date}`,
            dueDate: row.due_date,
            providerOrgCode: row.provider_code,
            consumerOrgCode: row.consumer_code,
            rule: 'R4.4',
          },
          occurredAt: ctx.now,
        });
        await notifyAuthorities(
          ctx,
          row.region_path,
          'share.request.overdue',
          text(
            `督办：${row.provider_name}未在 ${row.due_date} 前答复共享申请 ${row.code}（${row.resource_name}）`,
            `Supervision: ${row.provider_name} did not answer request ${row.code} (${row.resource_name}) by ${row.due_date}`,
          ),
          requestLink(row.code),
        );
        await notify(ctx.db, ctx.now, {
          orgId: row.provider_org_id,
          kind: 'share.request.overdue',
          title: text(
            `${row.resource_name}：共享申请 ${row.code} 已逾期（应于 ${row.due_date} 前答复），已报数据主管部门`,
            `${row.resource_name}: request ${row.code} is overdue (due ${row.due_date}); the authority was told`,
          ),
          link: requestLink(row.code),
        });
        continue;
      }
      let threshold = nextWorkingDay.get(row.region_path);
      if (!threshold) {
        threshold = ctx.services.calendar
          .addWorkingDays(today, 1, row.region_path, ctx.db)
          .catch(() => null);
        nextWorkingDay.set(row.region_path, threshold);
      }
      const limit = await threshold;
      // A due date up to the next working day leaves at most one working day.
      if (limit === null || row.due_date > limit) continue;
      const updated = await ctx.db
        .updateTable('share_requests')
        .set({ reminded_at: now })
        .where('id', '=', row.id)
        .where('reminded_at', 'is', null)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) continue;
      reminded.push(row.code);
      await notify(ctx.db, ctx.now, {
        orgId: row.provider_org_id,
        kind: 'share.request.reminder',
        title: text(
          `${row.resource_name}：共享申请 ${row.code} 将于 ${row.due_date} 到期，请及时答复`,
          `${row.resource_name}: request ${row.code} is due on ${row.due_date}; please answer`,
        ),
        link: requestLink(row.code),
      });
    }
    ctx.audit.target = 'share-request:sweep';
    ctx.audit.orgId = null;
    ctx.audit.details = { reminded, escalated };
    // A sweep with nothing due changed nothing: 144 runs a day would otherwise fill the audit log.
    ctx.audit.unchanged = reminded.length === 0 && escalated.length === 0;
    return { reminded: reminded.length, escalated: escalated.length };
  },
});

export const requestActions = [create, list, get, approve, refuse, withdraw, sweep];
