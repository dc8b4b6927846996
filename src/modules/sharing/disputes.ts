import { randomUUID } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import { defineAction, type ActionContext } from '../../core/action.ts';
import { actorDisplayName, type Actor } from '../../core/actor.ts';
import { AppError, conflict, invalidFields, notFound, text } from '../../core/errors.ts';
import { isGovernmentActor } from '../../core/policy.ts';
import { DateString, Input, Timestamp } from '../../core/schemas.ts';
import type { Database, ShareDisputeTable, ShareOperation } from '../../db/schema.ts';
import { notify } from '../problems/notifications.ts';
import {
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
} from './common.ts';
import { createGrant, validity } from './grants.ts';
import { findRequest, mayFileFor, RequestCode } from './requests.ts';
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
 * Sharing disputes (共享争议, R4.6): a consumer whose request was refused, or who needs data of class
 * "none", raises a dispute. The two departments negotiate (the provider states its position); failing
 * agreement the authority over the provider's region decides. Its decision binds both sides and is
 * final: a grant (origin "dispute", possibly narrower than asked) or a reasoned refusal.
 */
export const DISPUTE_KINDS = ['refusal', 'none_class'] as const;
export const DISPUTE_STATUSES = ['open', 'granted', 'refused'] as const;

const DisputeCode = Type.String({
  pattern: '^ZY-\\d{4}-\\d{6}$',
  description: 'dispute code, e.g. ZY-2026-000001',
});

export const ShareDispute = Type.Object({
  code: Type.String(),
  kind: literals(DISPUTE_KINDS),
  status: literals(DISPUTE_STATUSES),
  requestCode: Nullable(Type.String()),
  consumerOrgCode: Type.String(),
  consumerOrgName: Type.String(),
  providerOrgCode: Type.String(),
  providerOrgName: Type.String(),
  resourceCode: Type.String(),
  resourceName: Type.String(),
  shareClass: Type.String(),
  items: Type.Array(ItemRef),
  operations: Type.Array(Type.String()),
  purpose: Type.String(),
  legalBasis: Type.String(),
  argument: Type.String(),
  periodTo: Type.String(),
  providerStatement: Nullable(Type.String()),
  decidedAt: Nullable(Timestamp),
  decidedBy: Nullable(Type.String()),
  decisionReason: Nullable(Type.String()),
  decisionLegalBasis: Nullable(Type.String()),
  grantId: Nullable(Type.String()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type ShareDisputeDto = Static<typeof ShareDispute>;

const ShareDisputeDetail = Type.Object({
  ...ShareDispute.properties,
  timeline: Type.Array(TimelineEvent),
  can: Type.Object({ state: Type.Boolean(), decide: Type.Boolean() }),
});

function disputesQuery(db: Kysely<Database>) {
  return db
    .selectFrom('share_disputes as d')
    .innerJoin('orgs as co', 'co.id', 'd.consumer_org_id')
    .innerJoin('orgs as po', 'po.id', 'd.provider_org_id')
    .innerJoin('regions as pr', 'pr.code', 'po.region_code')
    .innerJoin('resources as r', 'r.id', 'd.resource_id')
    .innerJoin('resource_versions as rv', (join) =>
      join
        .onRef('rv.resource_id', '=', 'r.id')
        .on((eb) => eb('rv.version', '=', eb.fn.coalesce('r.live_version', 'r.latest_version'))),
    )
    .leftJoin('share_requests as q', 'q.id', 'd.request_id');
}

/** What a dispute is presented with, beside its own columns. */
const DISPUTE_COLUMNS = [
  'co.code as consumer_code',
  'co.name as consumer_name',
  'po.code as provider_code',
  'po.name as provider_name',
  'pr.path as region_path',
  'r.code as resource_code',
  'rv.name as resource_name',
  'rv.share_class',
  'rv.content',
  'q.code as request_code',
  'q.scenario as request_scenario',
  'q.token_id as request_token_id',
  'q.refusal_legal_basis',
] as const;

function selectDispute(db: Kysely<Database>) {
  return disputesQuery(db).selectAll('d').select(DISPUTE_COLUMNS);
}
type DisputeRow = NonNullable<
  Awaited<ReturnType<ReturnType<typeof selectDispute>['executeTakeFirst']>>
>;

const findDispute = (db: Kysely<Database>, code: string) =>
  selectDispute(db).where('d.code', '=', code).executeTakeFirst();

const mayRead = (actor: Actor, row: DisputeRow) =>
  mayReadSharing(actor, row.consumer_org_id, row.provider_org_id, row.region_path);

/** R4.6 negotiation: the provider states its position (its administrator, its system, the CLI). */
const actsForProvider = (actor: Actor, row: DisputeRow) =>
  actsFor(actor, row.provider_org_id, 'dept_admin');
/** R4.6: the authority over the provider's region coordinates and decides. */
const decides = (actor: Actor, row: DisputeRow) => isAuthorityFor(actor, row.region_path);

const disputeLink = (code: string) => `/sharing/disputes?code=${code}`;
const disputeTarget = (code: string) => `share-dispute:${code}`;

function present(row: DisputeRow): ShareDisputeDto {
  return {
    code: row.code,
    kind: row.kind,
    status: row.status,
    requestCode: row.request_code,
    consumerOrgCode: row.consumer_code,
    consumerOrgName: row.consumer_name,
    providerOrgCode: row.provider_code,
    providerOrgName: row.provider_name,
    resourceCode: row.resource_code,
    resourceName: row.resource_name,
    shareClass: row.share_class,
    items: namedItems(row.content, parseJson<string[]>(row.items)),
    operations: parseJson<string[]>(row.operations),
    purpose: row.purpose,
    legalBasis: row.legal_basis,
    argument: row.argument,
    periodTo: row.period_to,
    providerStatement: row.provider_statement,
    decidedAt: row.decided_at,
    decidedBy: row.decided_by,
    decisionReason: row.decision_reason,
    decisionLegalBasis: row.decision_legal_basis,
    grantId: row.grant_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

async function presentOne(ctx: ActionContext, code: string): Promise<ShareDisputeDto> {
  const row = await findDispute(ctx.db, code);
  if (!row) throw notFound();
  return present(row);
}

function missing(field: string): never {
  throw invalidFields({
    [field]: text(
      '对不予共享的资源提出争议时须填写此项',
      'required for a dispute about a resource that is not shared',
    ),
  });
}

const create = defineAction({
  name: 'share.dispute.create',
  description:
    'Raise a sharing dispute (R4.6): on a refused request (its consumer), or for a resource of class none with the items, operations, purpose, legal basis and period needed.',
  tag: 'sharing',
  input: Input({
    requestCode: Type.Optional(RequestCode),
    resourceCode: Type.Optional(ResourceCode),
    items: Type.Optional(ItemColumns),
    operations: Type.Optional(Operations),
    purpose: Type.Optional(Type.String({ minLength: 2, maxLength: 1000 })),
    legalBasis: Type.Optional(Type.String({ minLength: 2, maxLength: 2000 })),
    periodTo: Type.Optional(DateString),
    argument: Type.String({ minLength: 10, maxLength: 4000 }),
    consumerOrgCode: Type.Optional(ActorOrgCode),
  }),
  output: ShareDispute,
  mutating: true,
  http: { method: 'POST', path: '/share/disputes', status: 201 },
  policy: async (ctx, input) => {
    if (!input.requestCode) return mayFileFor(ctx.actor, input.consumerOrgCode);
    const request = await findRequest(ctx.db, input.requestCode);
    if (
      !request ||
      !mayReadSharing(
        ctx.actor,
        request.consumer_org_id,
        request.provider_org_id,
        request.region_path,
      )
    ) {
      return mayAct(ctx.actor);
    }
    return actsFor(ctx.actor, request.consumer_org_id, ...CONSUMER_ROLES);
  },
  handler: async (ctx, input) => {
    const argument = input.argument.trim();
    if ([...argument].length < 10) {
      throw invalidFields({
        argument: text(
          '请说明需要该数据的理由（至少 10 个字）',
          'argue your need (at least 10 characters)',
        ),
      });
    }
    const id = randomUUID();
    const now = ctx.now.toISOString();
    let values: Omit<ShareDisputeTable, 'id' | 'code'>;
    let regionPath: string;
    let resourceName: string;
    if (input.requestCode) {
      if (
        input.resourceCode ||
        input.items ||
        input.operations ||
        input.purpose ||
        input.periodTo
      ) {
        throw invalidFields({
          requestCode: text(
            '针对拒绝的争议沿用原申请的内容，不能另填资源、数据项、用途或期限',
            'a dispute on a refusal carries the request as it was; give no resource, items, purpose or period',
          ),
        });
      }
      const request = await findRequest(ctx.db, input.requestCode);
      if (
        !request ||
        !mayReadSharing(
          ctx.actor,
          request.consumer_org_id,
          request.provider_org_id,
          request.region_path,
        )
      ) {
        throw notFound();
      }
      if (request.status !== 'refused') {
        throw conflict(
          text(
            `只有被拒绝的申请才能提出争议（当前：${request.status}）`,
            `only a refused request can be disputed (it is ${request.status})`,
          ),
        );
      }
      values = {
        kind: 'refusal',
        request_id: request.id,
        consumer_org_id: request.consumer_org_id,
        provider_org_id: request.provider_org_id,
        resource_id: request.resource_id,
        items: request.items,
        operations: request.operations,
        purpose: request.purpose,
        legal_basis: input.legalBasis?.trim() || request.legal_basis,
        argument,
        period_to: request.period_to,
        status: 'open',
        provider_statement: null,
        decided_at: null,
        decided_by: null,
        decision_reason: null,
        decision_legal_basis: null,
        grant_id: null,
        created_by: actorDisplayName(ctx.actor),
        created_at: now,
        updated_at: now,
      };
      regionPath = request.region_path;
      resourceName = request.resource_name;
      requireUpdated(
        await ctx.db
          .updateTable('share_requests')
          .set({ status: 'disputed', updated_at: now })
          .where('id', '=', request.id)
          .where('status', '=', 'refused')
          .executeTakeFirst(),
      );
    } else {
      if (!input.resourceCode) missing('resourceCode');
      const resource = await loadLiveResource(ctx.db, input.resourceCode);
      if (!resource) noSuchResource();
      const shareClass = resource.content.share.class;
      if (shareClass !== 'none') {
        throw new AppError(
          'CONFLICT',
          shareClass === 'unconditional'
            ? text(
                '该资源为无条件共享，请直接获取（share.grant.obtain）',
                'the resource is shared unconditionally; obtain it directly',
              )
            : text(
                '该资源为有条件共享，请先提交共享申请；被拒绝后再提出争议',
                'the resource is conditional; file a share request first and dispute a refusal',
              ),
          undefined,
          { reason: shareClass === 'unconditional' ? 'SHARE_USE_OBTAIN' : 'SHARE_USE_REQUEST' },
        );
      }
      if (!input.items) missing('items');
      if (!input.operations) missing('operations');
      if (!input.purpose) missing('purpose');
      if (!input.legalBasis) missing('legalBasis');
      if (!input.periodTo) missing('periodTo');
      const consumer = await actingOrg(ctx.db, ctx.actor, input.consumerOrgCode, 'consumerOrgCode');
      if (consumer.id === resource.orgId) {
        throw invalidFields({
          resourceCode: text(
            '本部门的资源无需争议',
            'an organisation needs no dispute on its own data',
          ),
        });
      }
      checkItems(resource, input.items);
      checkEndDate(ctx.now, 'periodTo', input.periodTo);
      values = {
        kind: 'none_class',
        request_id: null,
        consumer_org_id: consumer.id,
        provider_org_id: resource.orgId,
        resource_id: resource.id,
        items: JSON.stringify(input.items),
        operations: JSON.stringify(input.operations),
        purpose: input.purpose.trim(),
        legal_basis: input.legalBasis.trim(),
        argument,
        period_to: input.periodTo,
        status: 'open',
        provider_statement: null,
        decided_at: null,
        decided_by: null,
        decision_reason: null,
        decision_legal_basis: null,
        grant_id: null,
        created_by: actorDisplayName(ctx.actor),
        created_at: now,
        updated_at: now,
      };
      regionPath = resource.regionPath;
      resourceName = resource.name;
    }
    const code = await nextCode(ctx.db, 'ZY', ctx.now, 6);
    await ctx.db
      .insertInto('share_disputes')
      .values({ id, code, ...values })
      .execute();
    ctx.audit.target = disputeTarget(code);
    ctx.audit.orgId = values.consumer_org_id;
    // R4.6: negotiation first (the provider states its position), the authority decides failing it.
    await notify(ctx.db, ctx.now, {
      orgId: values.provider_org_id,
      kind: 'share.dispute.raised',
      title: text(
        `${resourceName}：使用部门提出共享争议 ${code}，请与其协商并陈述意见`,
        `${resourceName}: dispute ${code} raised; negotiate and state your position`,
      ),
      link: disputeLink(code),
    });
    await notifyAuthorities(
      ctx,
      regionPath,
      'share.dispute.raised',
      text(
        `${resourceName}：收到共享争议 ${code}，待协调决定`,
        `${resourceName}: dispute ${code} awaits coordination and decision`,
      ),
      disputeLink(code),
    );
    return presentOne(ctx, code);
  },
});

const list = defineAction({
  name: 'share.dispute.list',
  description:
    'Sharing disputes the caller may see (both parties, the authority over the provider, auditors); open first.',
  tag: 'sharing',
  input: Input({
    status: Type.Optional(literals(DISPUTE_STATUSES)),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
  }),
  output: Type.Object({ items: Type.Array(ShareDispute), total: Type.Integer() }),
  mutating: false,
  http: { method: 'GET', path: '/share/disputes' },
  policy: (ctx) => {
    const scope = visibilityOf(ctx.actor);
    return scope.all || scope.orgIds.length > 0;
  },
  handler: async (ctx, input) => {
    const scope = visibilityOf(ctx.actor);
    const ids = scope.orgIds.length ? scope.orgIds : [''];
    let query = disputesQuery(ctx.db);
    if (!scope.all) {
      query = query.where((eb) =>
        eb.or([
          eb('d.consumer_org_id', 'in', ids),
          eb('d.provider_org_id', 'in', ids),
          ...scope.authorityPaths.map((path) => eb('pr.path', 'like', `${path}%`)),
        ]),
      );
    }
    if (input.status) query = query.where('d.status', '=', input.status);
    const { n } = await query
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const rows = await query
      .selectAll('d')
      .select(DISPUTE_COLUMNS)
      .orderBy((eb) => eb.case().when('d.status', '=', 'open').then(0).else(1).end())
      .orderBy('d.created_at', 'desc')
      .orderBy('d.code', 'desc')
      .limit(input.limit)
      .offset(input.offset)
      .execute();
    return { items: rows.map(present), total: Number(n) };
  },
});

const get = defineAction({
  name: 'share.dispute.get',
  description: 'A sharing dispute with its timeline and what the caller may do with it.',
  tag: 'sharing',
  input: Input({ code: DisputeCode }),
  output: ShareDisputeDetail,
  mutating: false,
  http: { method: 'GET', path: '/share/disputes/:code' },
  policy: (ctx) => isGovernmentActor(ctx.actor),
  handler: async (ctx, input) => {
    const row = await findDispute(ctx.db, input.code);
    if (!row || !mayRead(ctx.actor, row)) throw notFound();
    const open = row.status === 'open';
    return {
      ...present(row),
      timeline: await timelineOf(ctx, [disputeTarget(row.code)]),
      can: {
        state: open && actsForProvider(ctx.actor, row),
        decide: open && decides(ctx.actor, row),
      },
    };
  },
});

async function loadOpen(ctx: ActionContext, code: string, orgId: 'provider' | 'consumer') {
  const row = await findDispute(ctx.db, code);
  if (!row || !mayRead(ctx.actor, row)) throw notFound();
  ctx.audit.target = disputeTarget(row.code);
  ctx.audit.orgId = orgId === 'provider' ? row.provider_org_id : row.consumer_org_id;
  // R4.6: the authority's decision is final.
  if (row.status !== 'open') {
    throw conflict(
      text('该争议已有决定，不能再更改', 'the dispute is decided; the decision is final'),
    );
  }
  return row;
}

const policyFor =
  (acts: (actor: Actor, row: DisputeRow) => boolean) =>
  async (ctx: ActionContext, input: { code: string }) => {
    const row = await findDispute(ctx.db, input.code);
    if (!row || !mayRead(ctx.actor, row)) return mayAct(ctx.actor);
    return acts(ctx.actor, row);
  };

const state = defineAction({
  name: 'share.dispute.state',
  description:
    'The provider states its position in the negotiation of an open dispute (R4.6); a new statement replaces the last, the timeline keeps them all.',
  tag: 'sharing',
  input: Input({
    code: DisputeCode,
    statement: Type.String({ minLength: 5, maxLength: 4000 }),
  }),
  output: ShareDispute,
  mutating: true,
  http: { method: 'POST', path: '/share/disputes/:code/statement' },
  policy: policyFor(actsForProvider),
  handler: async (ctx, input) => {
    const row = await loadOpen(ctx, input.code, 'provider');
    const statement = input.statement.trim();
    requireUpdated(
      await ctx.db
        .updateTable('share_disputes')
        .set({ provider_statement: statement, updated_at: ctx.now.toISOString() })
        .where('id', '=', row.id)
        .where('status', '=', 'open')
        .executeTakeFirst(),
    );
    await notify(ctx.db, ctx.now, {
      orgId: row.consumer_org_id,
      kind: 'share.dispute.statement',
      title: text(
        `${row.resource_name}：提供部门已就争议 ${row.code} 陈述意见`,
        `${row.resource_name}: the provider stated its position on dispute ${row.code}`,
      ),
      link: disputeLink(row.code),
    });
    return presentOne(ctx, row.code);
  },
});

const decide = defineAction({
  name: 'share.dispute.decide',
  description:
    'The authority over the provider decides an open dispute (R4.6): grant (possibly narrower, with masking) or refuse, with reasons; binding on both sides and final.',
  tag: 'sharing',
  input: Input({
    code: DisputeCode,
    decision: literals(['grant', 'refuse'] as const),
    reason: Type.String({ minLength: 5, maxLength: 4000 }),
    legalBasis: Type.Optional(Type.String({ minLength: 2, maxLength: 2000 })),
    items: Type.Optional(ItemColumns),
    operations: Type.Optional(Operations),
    masking: Type.Optional(MaskingMap),
    periodTo: Type.Optional(DateString),
  }),
  output: ShareDispute,
  mutating: true,
  http: { method: 'POST', path: '/share/disputes/:code/decide' },
  policy: policyFor(decides),
  handler: async (ctx, input) => {
    const row = await loadOpen(ctx, input.code, 'provider');
    const reason = input.reason.trim();
    const now = ctx.now.toISOString();
    let grantId: string | null = null;
    let legalBasis = input.legalBasis?.trim() || null;
    if (input.decision === 'grant') {
      const resource = await loadLiveResource(ctx.db, row.resource_code);
      if (!resource) {
        throw conflict(text('该资源已不再发布，不能授权', 'the resource is no longer published'));
      }
      const asked = parseJson<string[]>(row.items);
      const askedOperations = parseJson<ShareOperation[]>(row.operations);
      requireSubset('items', input.items, asked);
      requireSubset('operations', input.operations, askedOperations);
      const periodTo = input.periodTo ?? row.period_to;
      checkEndDate(ctx.now, 'periodTo', periodTo, undefined, row.period_to);
      const items = checkItems(resource, input.items ?? asked);
      grantId = await createGrant(ctx, {
        consumerOrgId: row.consumer_org_id,
        tokenId: row.request_token_id,
        resource,
        items,
        masking: resolveMasking(items, input.masking),
        operations: input.operations ?? askedOperations,
        purpose: row.purpose,
        scenario: row.request_scenario ?? row.purpose,
        legalBasis: row.legal_basis,
        ...validity(ctx.now, undefined, periodTo, null),
        origin: 'dispute',
        requestId: row.request_id,
        disputeId: row.id,
      });
    } else {
      // A refusal upheld keeps a legal basis (R4.4): the authority's, else the provider's or the catalog's.
      const catalogBasis = parseJson<{ share?: { legalBasis?: string } }>(row.content).share
        ?.legalBasis;
      legalBasis ??= row.refusal_legal_basis ?? catalogBasis ?? null;
      if (legalBasis === null) {
        throw invalidFields({
          legalBasis: text('请写明不予共享的法律依据', 'state the legal basis of the refusal'),
        });
      }
    }
    // R4.6: the decision is final; of two concurrent decisions, the second rolls back.
    requireUpdated(
      await ctx.db
        .updateTable('share_disputes')
        .set({
          status: input.decision === 'grant' ? 'granted' : 'refused',
          decided_at: now,
          decided_by: actorDisplayName(ctx.actor),
          decision_reason: reason,
          decision_legal_basis: legalBasis,
          grant_id: grantId,
          updated_at: now,
        })
        .where('id', '=', row.id)
        .where('status', '=', 'open')
        .executeTakeFirst(),
    );
    if (row.request_id) {
      await ctx.db
        .updateTable('share_requests')
        .set({ status: 'decided', grant_id: grantId, updated_at: now })
        .where('id', '=', row.request_id)
        .execute();
    }
    const outcome =
      input.decision === 'grant'
        ? text('决定予以共享', 'decided to share')
        : text('决定不予共享', 'decided not to share');
    for (const orgId of [row.consumer_org_id, row.provider_org_id]) {
      await notify(ctx.db, ctx.now, {
        orgId,
        kind: 'share.dispute.decided',
        title: text(
          `${row.resource_name}：数据主管部门就争议 ${row.code} ${outcome.zh}（${reason}），双方应执行`,
          `${row.resource_name}: the authority ${outcome.en} on dispute ${row.code} (${reason}); binding on both sides`,
        ),
        link: disputeLink(row.code),
      });
    }
    return presentOne(ctx, row.code);
  },
});

export const disputeActions = [create, list, get, state, decide];
