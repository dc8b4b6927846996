import { randomUUID } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import { defineAction, type ActionContext } from '../../core/action.ts';
import { actorDisplayName, type Actor } from '../../core/actor.ts';
import {
  conflict,
  forbidden,
  invalidFields,
  notFound,
  text,
  type LocalizedText,
} from '../../core/errors.ts';
import { FileResult, fileResult } from '../../core/files.ts';
import { administeredRegionPaths, isGovernmentActor, isSystem } from '../../core/policy.ts';
import { Input, Timestamp } from '../../core/schemas.ts';
import type { Database, ShareEmergencyTable } from '../../db/schema.ts';
import { findOrgByCode } from '../orgs/actions.ts';
import { notify } from '../problems/notifications.ts';
import { XLSX_TYPE } from '../catalog/xlsx.ts';
import {
  ActorOrgCode,
  checkItems,
  isAuthorityFor,
  ItemColumns,
  literals,
  loadLiveResource,
  Nullable,
  parseJson,
  resolveMasking,
  ResourceCode,
  type LiveResource,
} from './common.ts';
import { evictGrants } from './gate.ts';
import { createGrant, grantStatus, GRANT_STATUSES } from './grants.ts';
import { decidingAuthority, idsOf, nextCode, requireUpdated, visibilityOf } from './workflow.ts';

/**
 * Emergencies (R4.10, LZ Art. 20): in a natural disaster, accident, public-health or social-security
 * event the authority declares an emergency, and the data the responders need is shared at once:
 * time-boxed grants (lookup and verification only, catalog masking kept) for every responder and
 * resource, without requests or reviews, valid until the planned end. Ending the emergency ends the
 * grants; every access made under it is reported afterwards, to show the data served the emergency
 * alone.
 */
export const EMERGENCY_TYPES = [
  'natural_disaster',
  'accident',
  'public_health',
  'social_security',
] as const;
const TYPE_NAMES: Record<ShareEmergencyTable['type'], LocalizedText> = {
  natural_disaster: text('自然灾害', 'natural disaster'),
  accident: text('事故灾难', 'accident'),
  public_health: text('公共卫生事件', 'public health event'),
  social_security: text('社会安全事件', 'social security event'),
};
/** R4.10: emergency use is for finding and checking people and things, not bulk copies. */
const EMERGENCY_OPERATIONS = ['lookup', 'verify'] as const;
/** A report lists at most this many accesses (the summary counts them all). */
const MAX_REPORT_ROWS = 50_000;

const EmergencyCode = Type.String({
  pattern: '^YJ-\\d{4}-\\d{4,}$',
  description: 'emergency code, e.g. YJ-2026-0001',
});
const DateTime = Type.String({ format: 'date-time', description: 'ISO 8601 timestamp' });

interface StoredResource {
  resourceId: string;
  items: string[];
}

export const ShareEmergency = Type.Object({
  code: Type.String(),
  type: literals(EMERGENCY_TYPES),
  title: Type.String(),
  area: Type.String(),
  /** ended once ended or past its planned end. */
  status: literals(['active', 'ended'] as const),
  startsAt: Timestamp,
  plannedEndAt: Timestamp,
  endedAt: Nullable(Timestamp),
  endNote: Nullable(Type.String()),
  resources: Type.Array(
    Type.Object({
      resourceCode: Type.String(),
      resourceName: Type.String(),
      items: Type.Array(Type.String()),
    }),
  ),
  responders: Type.Array(Type.Object({ orgCode: Type.String(), orgName: Type.String() })),
  grants: Type.Array(
    Type.Object({
      id: Type.String(),
      consumerOrgCode: Type.String(),
      resourceCode: Type.String(),
      status: literals(GRANT_STATUSES),
    }),
  ),
  accessCount: Type.Integer(),
  declaredBy: Type.String(),
  createdAt: Timestamp,
});
export type ShareEmergencyDto = Static<typeof ShareEmergency>;

/** Field names as in share.access.list. */
const ReportRow = Type.Object({
  occurredAt: Timestamp,
  systemName: Nullable(Type.String()),
  consumerOrgCode: Nullable(Type.String()),
  consumerOrgName: Nullable(Type.String()),
  resourceCode: Nullable(Type.String()),
  resourceName: Nullable(Type.String()),
  operation: Type.String(),
  endUser: Nullable(Type.String()),
  caseRef: Nullable(Type.String()),
  rowCount: Type.Integer(),
  /** HTTP status of the call: 200 served, otherwise refused. */
  status: Type.Integer(),
  errorCode: Nullable(Type.String()),
});
const SummaryRow = Type.Object({
  consumerOrgCode: Nullable(Type.String()),
  consumerOrgName: Nullable(Type.String()),
  resourceCode: Nullable(Type.String()),
  resourceName: Nullable(Type.String()),
  calls: Type.Integer(),
  denied: Type.Integer(),
  rows: Type.Integer(),
});
const EmergencyReport = Type.Object({
  code: Type.String(),
  title: Type.String(),
  type: Type.String(),
  status: Type.String(),
  generatedAt: Timestamp,
  totals: Type.Object({ calls: Type.Integer(), denied: Type.Integer(), rows: Type.Integer() }),
  summary: Type.Array(SummaryRow),
  items: Type.Array(ReportRow),
  /** More accesses than the list holds (the summary and totals count them all). */
  truncated: Type.Boolean(),
});
type EmergencyReportDto = Static<typeof EmergencyReport>;

function emergenciesQuery(db: Kysely<Database>) {
  return db
    .selectFrom('share_emergencies as e')
    .innerJoin('orgs as ao', 'ao.id', 'e.authority_org_id')
    .innerJoin('regions as ar', 'ar.code', 'ao.region_code')
    .selectAll('e')
    .select(['ar.path as region_path']);
}
type EmergencyRow = NonNullable<
  Awaited<ReturnType<ReturnType<typeof emergenciesQuery>['executeTakeFirst']>>
>;

const findEmergency = (db: Kysely<Database>, code: string) =>
  emergenciesQuery(db).where('e.code', '=', code).executeTakeFirst();

const isEnded = (row: ShareEmergencyTable, now: Date) =>
  row.ended_at !== null || row.planned_end_at <= now.toISOString();

const emergencyLink = (code: string) => `/sharing/emergencies?code=${code}`;

async function presentEmergencies(
  ctx: ActionContext,
  rows: EmergencyRow[],
): Promise<ShareEmergencyDto[]> {
  if (rows.length === 0) return [];
  // Accesses are counted from the log, which the data API writes in batches.
  await ctx.services.sharing.accessLog.flush();
  const ids = rows.map((row) => row.id);
  const stored = rows.map((row) => parseJson<StoredResource[]>(row.resources));
  const resourceIds = [...new Set(stored.flat().map((entry) => entry.resourceId))];
  const orgIds = [...new Set(rows.flatMap((row) => idsOf(row.responder_org_ids)))];
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
          .select(['r.id', 'r.code', 'rv.name'])
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
  const grants = await ctx.db
    .selectFrom('share_grants as g')
    .innerJoin('orgs as co', 'co.id', 'g.consumer_org_id')
    .innerJoin('resources as r', 'r.id', 'g.resource_id')
    .select([
      'g.id',
      'g.emergency_id',
      'g.revoked_at',
      'g.valid_from',
      'g.valid_to',
      'co.code as consumer_code',
      'r.code as resource_code',
    ])
    .where('g.emergency_id', 'in', ids)
    .orderBy('co.code')
    .orderBy('r.code')
    .execute();
  const counts = new Map(
    (
      await ctx.db
        .selectFrom('share_access_log')
        .select(['emergency_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('emergency_id', 'in', ids)
        .groupBy('emergency_id')
        .execute()
    ).map((row) => [row.emergency_id, Number(row.n)]),
  );
  return rows.map((row, index) => ({
    code: row.code,
    type: row.type,
    title: row.title,
    area: row.area,
    status: isEnded(row, ctx.now) ? 'ended' : 'active',
    startsAt: row.starts_at,
    plannedEndAt: row.planned_end_at,
    endedAt: row.ended_at,
    endNote: row.end_note,
    resources: (stored[index] ?? []).map((entry) => ({
      resourceCode: resources.get(entry.resourceId)?.code ?? '',
      resourceName: resources.get(entry.resourceId)?.name ?? '',
      items: entry.items,
    })),
    responders: idsOf(row.responder_org_ids).map((id) => ({
      orgCode: orgs.get(id)?.code ?? '',
      orgName: orgs.get(id)?.name ?? '',
    })),
    grants: grants
      .filter((grant) => grant.emergency_id === row.id)
      .map((grant) => ({
        id: grant.id,
        consumerOrgCode: grant.consumer_code,
        resourceCode: grant.resource_code,
        status: grantStatus(grant, ctx.now),
      })),
    accessCount: counts.get(row.id) ?? 0,
    declaredBy: row.declared_by,
    createdAt: row.created_at,
  }));
}

async function presentOne(ctx: ActionContext, code: string): Promise<ShareEmergencyDto> {
  const row = await findEmergency(ctx.db, code);
  if (!row) throw notFound();
  const [dto] = await presentEmergencies(ctx, [row]);
  if (!dto) throw notFound();
  return dto;
}

/** The authority over it, auditors, the CLI; responders and the providers of its resources. */
async function visibleEmergencies(
  ctx: ActionContext,
  rows: EmergencyRow[],
): Promise<EmergencyRow[]> {
  const scope = visibilityOf(ctx.actor);
  if (scope.all) return rows;
  const resourceIds = [
    ...new Set(
      rows.flatMap((row) => parseJson<StoredResource[]>(row.resources).map((r) => r.resourceId)),
    ),
  ];
  const providers = new Map(
    (resourceIds.length
      ? await ctx.db
          .selectFrom('resources')
          .select(['id', 'org_id'])
          .where('id', 'in', resourceIds)
          .execute()
      : []
    ).map((row) => [row.id, row.org_id]),
  );
  return rows.filter(
    (row) =>
      scope.authorityPaths.some((path) => row.region_path.startsWith(path)) ||
      idsOf(row.responder_org_ids).some((id) => scope.orgIds.includes(id)) ||
      parseJson<StoredResource[]>(row.resources).some((entry) =>
        scope.orgIds.includes(providers.get(entry.resourceId) ?? ''),
      ),
  );
}

const mayDeclare = (actor: Actor) => isSystem(actor) || administeredRegionPaths(actor).length > 0;

const declare = defineAction({
  name: 'share.emergency.declare',
  description:
    'The authority declares an emergency (R4.10): every responder gets time-boxed lookup and verification grants on the listed resources at once, until the planned end.',
  tag: 'sharing',
  input: Input({
    type: literals(EMERGENCY_TYPES),
    title: Type.String({ minLength: 2, maxLength: 200 }),
    area: Type.String({ minLength: 2, maxLength: 500 }),
    startsAt: Type.Optional(DateTime),
    plannedEndAt: DateTime,
    resources: Type.Array(
      Type.Object(
        { resourceCode: ResourceCode, items: Type.Optional(ItemColumns) },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 100 },
    ),
    responderOrgCodes: Type.Array(ActorOrgCode, { minItems: 1, maxItems: 500, uniqueItems: true }),
  }),
  output: ShareEmergency,
  mutating: true,
  http: { method: 'POST', path: '/share/emergencies', status: 201 },
  policy: (ctx) => mayDeclare(ctx.actor),
  handler: async (ctx, input) => {
    const now = ctx.now.toISOString();
    const startsAt = input.startsAt ? new Date(input.startsAt).toISOString() : now;
    const plannedEndAt = new Date(input.plannedEndAt).toISOString();
    if (plannedEndAt <= startsAt || plannedEndAt <= now) {
      throw invalidFields({
        plannedEndAt: text(
          '计划结束时间须晚于开始时间和当前时间',
          'the planned end must be after the start and after now',
        ),
      });
    }
    const resources: { resource: LiveResource; items: ReturnType<typeof checkItems> }[] = [];
    const paths: string[] = [];
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
      if (resources.some((known) => known.resource.id === resource.id)) {
        throw invalidFields({
          [`${field}.resourceCode`]: text('资源重复', 'the resource is listed twice'),
        });
      }
      const items = checkItems(
        resource,
        entry.items ?? resource.content.items.map((item) => item.column),
        `${field}.items`,
      );
      if (items.length === 0) {
        throw invalidFields({
          [`${field}.items`]: text('该资源没有数据项', 'the resource has no data items'),
        });
      }
      resources.push({ resource, items });
      paths.push(resource.regionPath);
    }
    const responders: { id: string; code: string }[] = [];
    for (const [index, orgCode] of input.responderOrgCodes.entries()) {
      const org = await findOrgByCode(ctx.db, orgCode);
      if (!org) {
        throw invalidFields({
          [`responderOrgCodes.${index}`]: text('没有该机构', 'no organisation has this code'),
        });
      }
      responders.push({ id: org.id, code: org.code });
      paths.push(org.region_path);
    }
    const authority = await decidingAuthority(ctx, paths);
    if (!authority) {
      throw forbidden(
        text(
          '应急共享涉及的资源和响应部门须在本主管部门管辖区域内',
          "the emergency's resources and responders must lie within your authority's region",
        ),
      );
    }
    const id = randomUUID();
    const code = await nextCode(ctx.db, 'YJ', ctx.now, 4);
    await ctx.db
      .insertInto('share_emergencies')
      .values({
        id,
        code,
        authority_org_id: authority.id,
        type: input.type,
        title: input.title.trim(),
        area: input.area.trim(),
        starts_at: startsAt,
        planned_end_at: plannedEndAt,
        ended_at: null,
        end_note: null,
        resources: JSON.stringify(
          resources.map(({ resource, items }) => ({
            resourceId: resource.id,
            items: items.map((item) => item.column),
          })),
        ),
        responder_org_ids: JSON.stringify(responders.map((org) => org.id)),
        declared_by: actorDisplayName(ctx.actor),
        created_at: now,
      })
      .execute();
    const typeName = TYPE_NAMES[input.type];
    const grantIds: string[] = [];
    for (const responder of responders) {
      for (const { resource, items } of resources) {
        // A provider needs no grant on its own data.
        if (responder.id === resource.orgId) continue;
        // R4.10: shared at once, for the emergency only, with the catalog's masking kept.
        grantIds.push(
          await createGrant(ctx, {
            consumerOrgId: responder.id,
            resource,
            items,
            masking: resolveMasking(items),
            operations: EMERGENCY_OPERATIONS,
            purpose: `应急处置：${input.title.trim()}（${code}）`,
            scenario: `${typeName.zh}应急响应：${input.area.trim()}`,
            legalBasis: `突发事件应急共享（${typeName.zh}），数据主管部门宣布 ${code}`,
            validFrom: startsAt > now ? startsAt : now,
            validTo: plannedEndAt,
            origin: 'emergency',
            emergencyId: id,
          }),
        );
      }
    }
    ctx.audit.target = `share-emergency:${code}`;
    ctx.audit.orgId = authority.id;
    ctx.audit.details = { grantIds };
    return presentOne(ctx, code);
  },
});

const end = defineAction({
  name: 'share.emergency.end',
  description:
    'The authority ends an emergency (R4.10): its grants end at once, in this process without waiting for caches.',
  tag: 'sharing',
  input: Input({ code: EmergencyCode, note: Type.Optional(Type.String({ maxLength: 2000 })) }),
  output: ShareEmergency,
  mutating: true,
  http: { method: 'POST', path: '/share/emergencies/:code/end' },
  policy: async (ctx, input) => {
    const row = await findEmergency(ctx.db, input.code);
    if (!row) return mayDeclare(ctx.actor);
    return isAuthorityFor(ctx.actor, row.region_path);
  },
  handler: async (ctx, input) => {
    const row = await findEmergency(ctx.db, input.code);
    if (!row) throw notFound();
    ctx.audit.target = `share-emergency:${row.code}`;
    ctx.audit.orgId = row.authority_org_id;
    if (row.ended_at !== null) {
      throw conflict(text('该应急事件已结束', 'the emergency has already ended'));
    }
    const now = ctx.now.toISOString();
    // One millisecond back, so that the grants read as expired already at this instant.
    const cutoff = new Date(ctx.now.getTime() - 1).toISOString();
    const ended = await ctx.db
      .updateTable('share_grants')
      .set({ valid_to: cutoff })
      .where('emergency_id', '=', row.id)
      .where('revoked_at', 'is', null)
      .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>', cutoff)]))
      .executeTakeFirst();
    requireUpdated(
      await ctx.db
        .updateTable('share_emergencies')
        .set({ ended_at: now, end_note: input.note?.trim() || null })
        .where('id', '=', row.id)
        .where('ended_at', 'is', null)
        .executeTakeFirst(),
    );
    evictGrants(ctx);
    ctx.audit.details = { grantsEnded: Number(ended.numUpdatedRows) };
    for (const orgId of idsOf(row.responder_org_ids)) {
      await notify(ctx.db, ctx.now, {
        orgId,
        kind: 'share.emergency.ended',
        title: text(
          `应急事件「${row.title}」（${row.code}）已结束，相关共享授权同时终止`,
          `Emergency "${row.title}" (${row.code}) ended; its grants ended with it`,
        ),
        link: emergencyLink(row.code),
      });
    }
    return presentOne(ctx, row.code);
  },
});

const list = defineAction({
  name: 'share.emergency.list',
  description:
    'Emergencies the caller may see (the authority, responders, providers of listed resources, auditors), latest first.',
  tag: 'sharing',
  input: Input({
    status: Type.Optional(literals(['active', 'ended'] as const)),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
    offset: Type.Integer({ minimum: 0, default: 0 }),
  }),
  output: Type.Object({ items: Type.Array(ShareEmergency), total: Type.Integer() }),
  mutating: false,
  http: { method: 'GET', path: '/share/emergencies' },
  policy: (ctx) => {
    const scope = visibilityOf(ctx.actor);
    return scope.all || scope.orgIds.length > 0;
  },
  handler: async (ctx, input) => {
    const rows = (
      await visibleEmergencies(
        ctx,
        await emergenciesQuery(ctx.db).orderBy('e.created_at', 'desc').execute(),
      )
    ).filter(
      (row) => !input.status || (isEnded(row, ctx.now) ? 'ended' : 'active') === input.status,
    );
    return {
      items: await presentEmergencies(ctx, rows.slice(input.offset, input.offset + input.limit)),
      total: rows.length,
    };
  },
});

const get = defineAction({
  name: 'share.emergency.get',
  description: 'One emergency with its resources, responders, grants and the number of accesses.',
  tag: 'sharing',
  input: Input({ code: EmergencyCode }),
  output: ShareEmergency,
  mutating: false,
  http: { method: 'GET', path: '/share/emergencies/:code' },
  policy: (ctx) => isGovernmentActor(ctx.actor),
  handler: async (ctx, input) => {
    const row = await findEmergency(ctx.db, input.code);
    if (!row || (await visibleEmergencies(ctx, [row])).length === 0) throw notFound();
    return presentOne(ctx, row.code);
  },
});

async function buildReport(ctx: ActionContext, row: EmergencyRow): Promise<EmergencyReportDto> {
  await ctx.services.sharing.accessLog.flush();
  const base = ctx.db
    .selectFrom('share_access_log as l')
    .leftJoin('share_grants as g', 'g.id', 'l.grant_id')
    .leftJoin('orgs as o', (join) =>
      join.on((eb) => eb('o.id', '=', eb.fn.coalesce('l.consumer_org_id', 'g.consumer_org_id'))),
    )
    .leftJoin('resources as r', 'r.code', 'l.resource_code')
    .leftJoin('resource_versions as rv', (join) =>
      join
        .onRef('rv.resource_id', '=', 'r.id')
        .on((eb) => eb('rv.version', '=', eb.fn.coalesce('r.live_version', 'r.latest_version'))),
    )
    .where('l.emergency_id', '=', row.id);
  const summary = await base
    .select((eb) => [
      'o.code as org_code',
      'o.name as org_name',
      'l.resource_code',
      'rv.name as resource_name',
      eb.fn.countAll<number>().as('calls'),
      eb.fn.sum<number>(eb.case().when('l.status', '>=', 400).then(1).else(0).end()).as('denied'),
      eb.fn.sum<number>('l.row_count').as('rows'),
    ])
    .groupBy(['o.code', 'o.name', 'l.resource_code', 'rv.name'])
    .orderBy('o.code')
    .orderBy('l.resource_code')
    .execute();
  const items = await base
    .select([
      'l.occurred_at',
      'l.system_name',
      'o.code as org_code',
      'o.name as org_name',
      'l.resource_code',
      'rv.name as resource_name',
      'l.operation',
      'l.end_user',
      'l.case_ref',
      'l.row_count',
      'l.status',
      'l.error_code',
    ])
    .orderBy('l.occurred_at')
    .orderBy('l.id')
    .limit(MAX_REPORT_ROWS + 1)
    .execute();
  const summaryRows = summary.map((entry) => ({
    consumerOrgCode: entry.org_code,
    consumerOrgName: entry.org_name,
    resourceCode: entry.resource_code,
    resourceName: entry.resource_name,
    calls: Number(entry.calls),
    denied: Number(entry.denied ?? 0),
    rows: Number(entry.rows ?? 0),
  }));
  return {
    code: row.code,
    title: row.title,
    type: row.type,
    status: isEnded(row, ctx.now) ? 'ended' : 'active',
    generatedAt: ctx.now.toISOString(),
    totals: {
      calls: summaryRows.reduce((sum, entry) => sum + entry.calls, 0),
      denied: summaryRows.reduce((sum, entry) => sum + entry.denied, 0),
      rows: summaryRows.reduce((sum, entry) => sum + entry.rows, 0),
    },
    summary: summaryRows,
    items: items.slice(0, MAX_REPORT_ROWS).map((entry) => ({
      occurredAt: entry.occurred_at,
      systemName: entry.system_name,
      consumerOrgCode: entry.org_code,
      consumerOrgName: entry.org_name,
      resourceCode: entry.resource_code,
      resourceName: entry.resource_name,
      operation: entry.operation,
      endUser: entry.end_user,
      caseRef: entry.case_ref,
      rowCount: Number(entry.row_count),
      status: Number(entry.status),
      errorCode: entry.error_code,
    })),
    truncated: items.length > MAX_REPORT_ROWS,
  };
}

async function reportWorkbook(report: EmergencyReportDto): Promise<Buffer> {
  // exceljs is loaded on first use (as in catalog/xlsx.ts): 20 MB a server may never need.
  const ExcelJS = (await import('exceljs')).default;
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'govdx';
  const summary = workbook.addWorksheet('汇总 Summary');
  summary.columns = [
    { header: '响应部门 Responder', key: 'org', width: 28 },
    { header: '资源代码 Resource code', key: 'resourceCode', width: 20 },
    { header: '资源名称 Resource', key: 'resourceName', width: 28 },
    { header: '调用次数 Calls', key: 'calls', width: 12 },
    { header: '拒绝次数 Denied', key: 'denied', width: 12 },
    { header: '返回记录数 Rows', key: 'rows', width: 14 },
  ];
  for (const entry of report.summary) {
    summary.addRow({
      org: entry.consumerOrgName ?? entry.consumerOrgCode ?? '',
      resourceCode: entry.resourceCode ?? '',
      resourceName: entry.resourceName ?? '',
      calls: entry.calls,
      denied: entry.denied,
      rows: entry.rows,
    });
  }
  const accesses = workbook.addWorksheet('明细 Accesses');
  accesses.columns = [
    { header: '时间 Time (UTC)', key: 'occurredAt', width: 26 },
    { header: '应用系统 System', key: 'systemName', width: 22 },
    { header: '响应部门 Responder', key: 'org', width: 24 },
    { header: '资源 Resource', key: 'resource', width: 28 },
    { header: '操作 Operation', key: 'operation', width: 12 },
    { header: '最终用户 End user', key: 'endUser', width: 16 },
    { header: '案件/事项 Case', key: 'caseRef', width: 18 },
    { header: '记录数 Rows', key: 'rows', width: 10 },
    { header: '状态 Status', key: 'status', width: 10 },
    { header: '拒绝原因 Reason', key: 'errorCode', width: 22 },
  ];
  for (const entry of report.items) {
    accesses.addRow({
      ...entry,
      rows: entry.rowCount,
      org: entry.consumerOrgName ?? entry.consumerOrgCode ?? '',
      resource: entry.resourceName ?? entry.resourceCode ?? '',
      errorCode: entry.errorCode ?? '',
    });
  }
  for (const sheet of [summary, accesses]) sheet.getRow(1).font = { bold: true };
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const report = defineAction({
  name: 'share.emergency.report',
  description:
    'Every data access made under an emergency (R4.10): a summary per responder and resource, and the list (time, system, responder, resource, operation, end user, case, rows, status), as JSON or XLSX.',
  tag: 'sharing',
  input: Input({
    code: EmergencyCode,
    format: Type.Union([Type.Literal('json'), Type.Literal('xlsx')], { default: 'json' }),
  }),
  output: Type.Union([EmergencyReport, FileResult]),
  mutating: false,
  recordsAccess: true,
  http: { method: 'GET', path: '/share/emergencies/:code/report' },
  // Supervision of emergency use: the authority over it, auditors and the CLI.
  policy: async (ctx, input) => {
    const row = await findEmergency(ctx.db, input.code);
    const scope = visibilityOf(ctx.actor);
    if (!row) return scope.all || scope.authorityPaths.length > 0;
    return scope.all || scope.authorityPaths.some((path) => row.region_path.startsWith(path));
  },
  handler: async (ctx, input) => {
    const row = await findEmergency(ctx.db, input.code);
    if (!row) throw notFound();
    const result = await buildReport(ctx, row);
    if (input.format === 'json') return result;
    return fileResult(`应急共享使用报告-${row.code}.xlsx`, XLSX_TYPE, await reportWorkbook(result));
  },
});

export const emergencyActions = [declare, end, list, get, report];
