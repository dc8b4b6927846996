import { randomUUID } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import { defineAction, type ActionContext } from '../../core/action.ts';
import { actorDisplayName, type Actor } from '../../core/actor.ts';
import { conflict, forbidden, invalidFields, notFound, text } from '../../core/errors.ts';
import { administeredRegionPaths, isGovernmentActor, isSystem } from '../../core/policy.ts';
import { DateString, Input, Timestamp } from '../../core/schemas.ts';
import type { Database, ShareOperation, ShareScenarioTable } from '../../db/schema.ts';
import { chinaToday } from '../calendar/calendar.ts';
import { findOrgByCode } from '../orgs/actions.ts';
import { notify } from '../problems/notifications.ts';
import {
  ActorOrgCode,
  checkItems,
  isAuthorityFor,
  ItemColumns,
  literals,
  loadLiveResource,
  Nullable,
  Operations,
  parseJson,
  ResourceCode,
} from './common.ts';
import {
  checkEndDate,
  decidingAuthority,
  idsOf,
  ItemRef,
  namedItems,
  nextCode,
  requireUpdated,
  visibilityOf,
} from './workflow.ts';

/**
 * Scenario authorization (应用场景授权, R4.5, SH (四)): the authority authorizes, once, which
 * consumers may use which items of which conditional resources, with which operations, for one
 * application scenario. A request that fits an active scenario (eligible consumer, listed resource,
 * items and operations within the scenario's, period within its validity) is approved at once,
 * without the provider's review (requests.ts). Retiring a scenario stops new approvals; grants it
 * already issued keep their period and are revoked one by one if need be.
 */
export const SCENARIO_STATUSES = ['active', 'retired'] as const;

const ScenarioCode = Type.String({
  pattern: '^CJ-\\d{4}-\\d{4,}$',
  description: 'scenario code, e.g. CJ-2026-0001',
});

interface StoredResource {
  resourceId: string;
  items: string[];
  operations: ShareOperation[];
}

export const ShareScenario = Type.Object({
  code: Type.String(),
  name: Type.String(),
  description: Type.String(),
  purpose: Type.String(),
  /** retired once retired or past validTo. */
  status: literals(SCENARIO_STATUSES),
  validTo: Nullable(Type.String({ description: 'YYYY-MM-DD, China time, inclusive' })),
  authorityOrgCode: Type.String(),
  resources: Type.Array(
    Type.Object({
      resourceCode: Type.String(),
      resourceName: Type.String(),
      providerOrgCode: Type.String(),
      items: Type.Array(ItemRef),
      operations: Type.Array(Type.String()),
    }),
  ),
  consumers: Type.Array(Type.Object({ orgCode: Type.String(), orgName: Type.String() })),
  grantsIssued: Type.Integer(),
  createdBy: Type.String(),
  createdAt: Timestamp,
});
export type ShareScenarioDto = Static<typeof ShareScenario>;

function scenariosQuery(db: Kysely<Database>) {
  return db
    .selectFrom('share_scenarios as s')
    .innerJoin('orgs as ao', 'ao.id', 's.authority_org_id')
    .innerJoin('regions as ar', 'ar.code', 'ao.region_code')
    .selectAll('s')
    .select(['ao.code as authority_code', 'ar.path as region_path']);
}
type ScenarioRow = NonNullable<
  Awaited<ReturnType<ReturnType<typeof scenariosQuery>['executeTakeFirst']>>
>;

const isActive = (row: Pick<ShareScenarioTable, 'status' | 'valid_to'>, today: string) =>
  row.status === 'active' && (row.valid_to === null || row.valid_to >= today);

/**
 * R4.5: the oldest active scenario the request fits, if any: the consumer is eligible, the resource
 * listed, the items and operations within the scenario's, and the period within its validity.
 */
export async function matchScenario(
  ctx: ActionContext,
  request: {
    consumerOrgId: string;
    resourceId: string;
    items: readonly string[];
    operations: readonly string[];
    periodTo: string;
  },
): Promise<{ id: string; code: string } | undefined> {
  const today = chinaToday(ctx.now);
  const rows = await ctx.db
    .selectFrom('share_scenarios')
    .selectAll()
    .where('status', '=', 'active')
    .orderBy('created_at')
    .orderBy('code')
    .execute();
  for (const row of rows) {
    if (!isActive(row, today)) continue;
    if (row.valid_to !== null && request.periodTo > row.valid_to) continue;
    if (!idsOf(row.consumer_org_ids).includes(request.consumerOrgId)) continue;
    const fits = parseJson<StoredResource[]>(row.resources).some(
      (resource) =>
        resource.resourceId === request.resourceId &&
        request.items.every((item) => resource.items.includes(item)) &&
        request.operations.every((operation) =>
          resource.operations.includes(operation as ShareOperation),
        ),
    );
    if (fits) return { id: row.id, code: row.code };
  }
  return undefined;
}

async function presentScenarios(
  ctx: ActionContext,
  rows: ScenarioRow[],
): Promise<ShareScenarioDto[]> {
  if (rows.length === 0) return [];
  const today = chinaToday(ctx.now);
  const stored = rows.map((row) => parseJson<StoredResource[]>(row.resources));
  const resourceIds = [...new Set(stored.flat().map((resource) => resource.resourceId))];
  const orgIds = [...new Set(rows.flatMap((row) => idsOf(row.consumer_org_ids)))];
  const resources = new Map(
    (resourceIds.length
      ? await ctx.db
          .selectFrom('resources as r')
          .innerJoin('resource_versions as rv', (join) =>
            join
              .onRef('rv.resource_id', '=', 'r.id')
              .on((eb) =>
                eb('rv.version', '=', eb.fn.coalesce('r.live_version', 'r.latest_version')),
              ),
          )
          .innerJoin('orgs as o', 'o.id', 'r.org_id')
          .select(['r.id', 'r.code', 'rv.name', 'rv.content', 'o.code as org_code'])
          .where('r.id', 'in', resourceIds)
          .execute()
      : []
    ).map((row) => [row.id, row]),
  );
  const orgs = new Map(
    (orgIds.length
      ? await ctx.db
          .selectFrom('orgs')
          .select(['id', 'code', 'name'])
          .where('id', 'in', orgIds)
          .execute()
      : []
    ).map((row) => [row.id, row]),
  );
  const counts = new Map(
    (
      await ctx.db
        .selectFrom('share_grants')
        .select(['scenario_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where(
          'scenario_id',
          'in',
          rows.map((row) => row.id),
        )
        .groupBy('scenario_id')
        .execute()
    ).map((row) => [row.scenario_id, Number(row.n)]),
  );
  return rows.map((row, index) => ({
    code: row.code,
    name: row.name,
    description: row.description,
    purpose: row.purpose,
    status: isActive(row, today) ? 'active' : 'retired',
    validTo: row.valid_to,
    authorityOrgCode: row.authority_code,
    resources: (stored[index] ?? []).map((entry) => {
      const resource = resources.get(entry.resourceId);
      return {
        resourceCode: resource?.code ?? '',
        resourceName: resource?.name ?? '',
        providerOrgCode: resource?.org_code ?? '',
        items: namedItems(resource?.content ?? '{}', entry.items),
        operations: entry.operations,
      };
    }),
    consumers: idsOf(row.consumer_org_ids).map((id) => ({
      orgCode: orgs.get(id)?.code ?? '',
      orgName: orgs.get(id)?.name ?? '',
    })),
    grantsIssued: counts.get(row.id) ?? 0,
    createdBy: row.created_by,
    createdAt: row.created_at,
  }));
}

/** The authority over it, its eligible consumers, the providers of its resources, auditors. */
async function visibleScenarios(ctx: ActionContext, rows: ScenarioRow[]): Promise<ScenarioRow[]> {
  const scope = visibilityOf(ctx.actor);
  if (scope.all) return rows;
  const providers = await providerIdsByResource(ctx.db, rows);
  return rows.filter(
    (row) =>
      scope.authorityPaths.some((path) => row.region_path.startsWith(path)) ||
      idsOf(row.consumer_org_ids).some((id) => scope.orgIds.includes(id)) ||
      parseJson<StoredResource[]>(row.resources).some((resource) =>
        scope.orgIds.includes(providers.get(resource.resourceId) ?? ''),
      ),
  );
}

async function providerIdsByResource(
  db: Kysely<Database>,
  rows: ScenarioRow[],
): Promise<Map<string, string>> {
  const ids = [
    ...new Set(
      rows.flatMap((row) =>
        parseJson<StoredResource[]>(row.resources).map((resource) => resource.resourceId),
      ),
    ),
  ];
  if (ids.length === 0) return new Map();
  const found = await db
    .selectFrom('resources')
    .select(['id', 'org_id'])
    .where('id', 'in', ids)
    .execute();
  return new Map(found.map((row) => [row.id, row.org_id]));
}

const findScenario = (db: Kysely<Database>, code: string) =>
  scenariosQuery(db).where('s.code', '=', code).executeTakeFirst();

const mayAuthorize = (actor: Actor) => isSystem(actor) || administeredRegionPaths(actor).length > 0;

const scenarioLink = (code: string) => `/sharing/scenarios?code=${code}`;

const create = defineAction({
  name: 'share.scenario.create',
  description:
    'The authority authorizes an application scenario (R4.5): consumers, conditional resources, items and operations; matching requests are then approved at once.',
  tag: 'sharing',
  input: Input({
    name: Type.String({ minLength: 2, maxLength: 200 }),
    description: Type.String({ minLength: 2, maxLength: 4000 }),
    purpose: Type.String({ minLength: 2, maxLength: 1000 }),
    resources: Type.Array(
      Type.Object(
        { resourceCode: ResourceCode, items: ItemColumns, operations: Operations },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 100 },
    ),
    consumerOrgCodes: Type.Array(ActorOrgCode, { minItems: 1, maxItems: 500, uniqueItems: true }),
    validTo: Type.Optional(DateString),
  }),
  output: ShareScenario,
  mutating: true,
  http: { method: 'POST', path: '/share/scenarios', status: 201 },
  policy: (ctx) => mayAuthorize(ctx.actor),
  handler: async (ctx, input) => {
    if (input.validTo !== undefined) checkEndDate(ctx.now, 'validTo', input.validTo);
    const stored: StoredResource[] = [];
    const paths: string[] = [];
    const seen = new Set<string>();
    for (const [index, entry] of input.resources.entries()) {
      const field = `resources.${index}`;
      const resource = await loadLiveResource(ctx.db, entry.resourceCode);
      if (!resource) {
        throw invalidFields({
          [`${field}.resourceCode`]: text(
            '没有该代码的已发布目录资源',
            'no published resource has this code',
          ),
        });
      }
      if (seen.has(resource.id)) {
        throw invalidFields({
          [`${field}.resourceCode`]: text('资源重复', 'the resource is listed twice'),
        });
      }
      seen.add(resource.id);
      // R4.5 concerns conditional data: unconditional data needs no authorization (R4.3) and data
      // not shared only the authority's decision on a dispute (R4.6).
      if (resource.content.share.class !== 'conditional') {
        throw invalidFields({
          [`${field}.resourceCode`]: text(
            '应用场景授权只适用于有条件共享的资源',
            'scenarios authorize conditional resources only',
          ),
        });
      }
      checkItems(resource, entry.items, `${field}.items`);
      stored.push({ resourceId: resource.id, items: entry.items, operations: entry.operations });
      paths.push(resource.regionPath);
    }
    const consumerIds: string[] = [];
    for (const [index, orgCode] of input.consumerOrgCodes.entries()) {
      const org = await findOrgByCode(ctx.db, orgCode);
      if (!org) {
        throw invalidFields({
          [`consumerOrgCodes.${index}`]: text('没有该机构', 'no organisation has this code'),
        });
      }
      consumerIds.push(org.id);
      paths.push(org.region_path);
    }
    const authority = await decidingAuthority(ctx, paths);
    if (!authority) {
      throw forbidden(
        text(
          '应用场景涉及的资源和使用部门须在本主管部门管辖区域内',
          "the scenario's resources and consumers must lie within your authority's region",
        ),
      );
    }
    const code = await nextCode(ctx.db, 'CJ', ctx.now, 4);
    const now = ctx.now.toISOString();
    await ctx.db
      .insertInto('share_scenarios')
      .values({
        id: randomUUID(),
        code,
        authority_org_id: authority.id,
        name: input.name.trim(),
        description: input.description.trim(),
        purpose: input.purpose.trim(),
        resources: JSON.stringify(stored),
        consumer_org_ids: JSON.stringify(consumerIds),
        status: 'active',
        valid_to: input.validTo ?? null,
        created_by: actorDisplayName(ctx.actor),
        created_at: now,
        updated_at: now,
      })
      .execute();
    ctx.audit.target = `share-scenario:${code}`;
    ctx.audit.orgId = authority.id;
    for (const orgId of consumerIds) {
      await notify(ctx.db, ctx.now, {
        orgId,
        kind: 'share.scenario.authorized',
        title: text(
          `应用场景「${input.name}」（${code}）已授权，符合场景的共享申请将自动通过`,
          `Scenario "${input.name}" (${code}) authorized: matching requests are approved at once`,
        ),
        link: scenarioLink(code),
      });
    }
    return presentOne(ctx, code);
  },
});

async function presentOne(ctx: ActionContext, code: string): Promise<ShareScenarioDto> {
  const row = await findScenario(ctx.db, code);
  if (!row) throw notFound();
  const [dto] = await presentScenarios(ctx, [row]);
  if (!dto) throw notFound();
  return dto;
}

const list = defineAction({
  name: 'share.scenario.list',
  description:
    'Authorized application scenarios the caller may see: the authority, eligible consumers, providers of listed resources, auditors.',
  tag: 'sharing',
  input: Input({
    status: Type.Optional(literals(SCENARIO_STATUSES)),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
    offset: Type.Integer({ minimum: 0, default: 0 }),
  }),
  output: Type.Object({ items: Type.Array(ShareScenario), total: Type.Integer() }),
  mutating: false,
  http: { method: 'GET', path: '/share/scenarios' },
  policy: (ctx) => {
    const scope = visibilityOf(ctx.actor);
    return scope.all || scope.orgIds.length > 0;
  },
  handler: async (ctx, input) => {
    const today = chinaToday(ctx.now);
    const rows = (
      await visibleScenarios(
        ctx,
        await scenariosQuery(ctx.db).orderBy('s.created_at', 'desc').execute(),
      )
    ).filter(
      (row) => !input.status || (isActive(row, today) ? 'active' : 'retired') === input.status,
    );
    return {
      items: await presentScenarios(ctx, rows.slice(input.offset, input.offset + input.limit)),
      total: rows.length,
    };
  },
});

const get = defineAction({
  name: 'share.scenario.get',
  description: 'One application scenario with its resources, consumers and the grants it issued.',
  tag: 'sharing',
  input: Input({ code: ScenarioCode }),
  output: ShareScenario,
  mutating: false,
  http: { method: 'GET', path: '/share/scenarios/:code' },
  policy: (ctx) => isGovernmentActor(ctx.actor),
  handler: async (ctx, input) => {
    const row = await findScenario(ctx.db, input.code);
    if (!row || (await visibleScenarios(ctx, [row])).length === 0) throw notFound();
    return presentOne(ctx, row.code);
  },
});

const retire = defineAction({
  name: 'share.scenario.retire',
  description:
    'The authority retires a scenario: no more automatic approvals; grants already issued keep their period.',
  tag: 'sharing',
  input: Input({ code: ScenarioCode }),
  output: ShareScenario,
  mutating: true,
  http: { method: 'POST', path: '/share/scenarios/:code/retire' },
  policy: async (ctx, input) => {
    const row = await findScenario(ctx.db, input.code);
    if (!row) return mayAuthorize(ctx.actor);
    return isAuthorityFor(ctx.actor, row.region_path);
  },
  handler: async (ctx, input) => {
    const row = await findScenario(ctx.db, input.code);
    if (!row) throw notFound();
    ctx.audit.target = `share-scenario:${row.code}`;
    ctx.audit.orgId = row.authority_org_id;
    if (row.status === 'retired')
      throw conflict(text('该场景已停用', 'the scenario is already retired'));
    requireUpdated(
      await ctx.db
        .updateTable('share_scenarios')
        .set({ status: 'retired', updated_at: ctx.now.toISOString() })
        .where('id', '=', row.id)
        .where('status', '=', 'active')
        .executeTakeFirst(),
    );
    return presentOne(ctx, row.code);
  },
});

export const scenarioActions = [create, list, get, retire];
