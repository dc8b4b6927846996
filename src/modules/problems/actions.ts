import { randomUUID } from 'node:crypto';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import { defineAction, type ActionContext } from '../../core/action.ts';
import { actorDisplayName, type Actor } from '../../core/actor.ts';
import { conflict, invalidFields, notFound, text, type LocalizedText } from '../../core/errors.ts';
import {
  ACTING_ROLES,
  authorityOver,
  isGovernmentActor,
  isSystem,
  memberOf,
} from '../../core/policy.ts';
import { actingOrg } from '../orgs/acting.ts';
import { Input, OrgCode, Timestamp } from '../../core/schemas.ts';
import type { Database, ProblemReportTable } from '../../db/schema.ts';
import { chinaToday, workingDayCountdown } from '../calendar/calendar.ts';
import type { ResourceContentDto } from '../catalog/model.ts';
import { findVersion, type VersionRow } from '../catalog/store.ts';
import { notificationActions, notify } from './notifications.ts';

/**
 * The problem-data loop (问题数据闭环, issue 4; R3.5, R3.6): a consumer department, the provider
 * itself, or a department system through its API token (LZ Art. 32: reports from business systems'
 * own pages) reports an error, an omission, or an infringement of trade secrets or privacy in a
 * published resource or in some of its records. The provider answers within the region's deadline
 * in working days (urgent reports sooner) and closes the report as fixed and re-aggregated (linked to
 * the ingestion batch), confirmed correct (with an explanation to the reporter), or settled by
 * consultation. The reporter may reopen once, or accept, which closes the report. Overdue reports are
 * listed for the authority's supervision (R6.6). The history of a report is its audit trail.
 */
export const PROBLEM_CATEGORIES = ['error', 'omission', 'infringement'] as const;
export const PROBLEM_URGENCIES = ['normal', 'urgent'] as const;
export const PROBLEM_STATUSES = ['open', 'resolved', 'reopened', 'closed'] as const;
export const PROBLEM_RESOLUTIONS = ['fixed', 'confirmed_correct', 'consultation'] as const;
/** 'public' and 'data_subject' (R3.6: a person objecting to wrong data about them) come with the portal. */
export const REPORTER_KINDS = ['department', 'provider', 'public', 'data_subject'] as const;
/** Statuses in which the provider owes an answer, and the due date runs. */
const AWAITING_PROVIDER: ProblemReportTable['status'][] = ['open', 'reopened'];

const literals = <T extends string>(values: readonly T[]) =>
  Type.Union(values.map((value) => Type.Literal(value)));

const ProblemCode = Type.String({
  pattern: '^WT-\\d{4}-\\d{6}$',
  description: 'problem report code, e.g. WT-2026-000001',
});
const ResourceCode = Type.String({ pattern: '^[A-Z0-9-]{2,40}$', description: 'resource code' });
/** One record, by the values of its key items: {"id_card_no": "..."}. */
const RecordKey = Type.Record(
  Type.String(),
  Type.Union([Type.String({ maxLength: 200 }), Type.Number()]),
  { minProperties: 1, maxProperties: 10, description: 'key item column -> value' },
);
export type RecordKeyDto = Static<typeof RecordKey>;
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const ProblemReport = Type.Object({
  code: Type.String(),
  resourceCode: Type.String(),
  resourceName: Type.String(),
  providerOrgCode: Type.String(),
  providerOrgName: Type.String(),
  reporterKind: literals(REPORTER_KINDS),
  reporterOrgCode: Nullable(Type.String()),
  reporterOrgName: Nullable(Type.String()),
  reporterName: Type.String(),
  reporterContact: Nullable(Type.String()),
  category: literals(PROBLEM_CATEGORIES),
  urgency: literals(PROBLEM_URGENCIES),
  description: Type.String(),
  recordKeys: Type.Array(RecordKey),
  status: literals(PROBLEM_STATUSES),
  dueDate: Type.String({ description: 'YYYY-MM-DD, China time' }),
  /** Awaiting the provider and past the due date (R6.6 supervision). */
  overdue: Type.Boolean(),
  /** Working days left until the due date while awaiting the provider (negative when overdue). */
  workingDaysLeft: Nullable(Type.Integer()),
  /** Answered after the due date. */
  late: Type.Boolean(),
  resolution: Nullable(literals(PROBLEM_RESOLUTIONS)),
  resolutionNote: Nullable(Type.String()),
  resolutionBatchId: Nullable(Type.String()),
  resolvedAt: Nullable(Timestamp),
  resolvedBy: Nullable(Type.String()),
  reopenCount: Type.Integer(),
  reopenReason: Nullable(Type.String()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type ProblemReportDto = Static<typeof ProblemReport>;

const TimelineEvent = Type.Object({
  at: Timestamp,
  /** The action: problem.report, problem.resolve, problem.reopen, problem.accept. */
  action: Type.String(),
  actorName: Type.String(),
  resolution: Nullable(Type.String()),
  note: Nullable(Type.String()),
  batchId: Nullable(Type.String()),
  reason: Nullable(Type.String()),
  dueDate: Nullable(Type.String()),
});

export const ProblemDetail = Type.Object({
  ...ProblemReport.properties,
  timeline: Type.Array(TimelineEvent),
  /** What the caller may do with this report now (the actions check again). */
  can: Type.Object({ resolve: Type.Boolean(), reopen: Type.Boolean(), accept: Type.Boolean() }),
});

function reportsQuery(db: Kysely<Database>) {
  return db
    .selectFrom('problem_reports as p')
    .innerJoin('resources as r', 'r.id', 'p.resource_id')
    .innerJoin('resource_versions as rv', (join) =>
      join
        .onRef('rv.resource_id', '=', 'r.id')
        .on((eb) => eb('rv.version', '=', eb.fn.coalesce('r.live_version', 'r.latest_version'))),
    )
    .innerJoin('orgs as po', 'po.id', 'p.provider_org_id')
    .innerJoin('regions as pr', 'pr.code', 'po.region_code')
    .leftJoin('orgs as ro', 'ro.id', 'p.reporter_org_id');
}

function selectReport(db: Kysely<Database>) {
  return reportsQuery(db)
    .selectAll('p')
    .select([
      'r.code as resource_code',
      'rv.name as resource_name',
      'po.code as provider_code',
      'po.name as provider_name',
      'pr.path as region_path',
      'ro.code as reporter_org_code',
      'ro.name as reporter_org_name',
    ]);
}
type ReportRow = NonNullable<
  Awaited<ReturnType<ReturnType<typeof selectReport>['executeTakeFirst']>>
>;

const findReport = (db: Kysely<Database>, code: string) =>
  selectReport(db).where('p.code', '=', code).executeTakeFirst();

/** Provider, reporter, the authority over the provider's region, its auditors, the operator. */
function mayRead(actor: Actor, row: ReportRow): boolean {
  if (isSystem(actor)) return true;
  if (actor.type === 'token')
    return actor.orgId === row.provider_org_id || actor.orgId === row.reporter_org_id;
  if (actor.type !== 'user') return false;
  return (
    actor.memberships.some(
      (m) => m.orgId === row.provider_org_id || m.orgId === row.reporter_org_id,
    ) || authorityOver(actor, row.region_path, 'authority_admin', 'reviewer', 'auditor')
  );
}

/** R3.5: the provider answers: its department staff, or its own system through a token. */
function actsForProvider(actor: Actor, row: ReportRow): boolean {
  if (isSystem(actor)) return true;
  if (actor.type === 'token') return actor.orgId === row.provider_org_id;
  return memberOf(actor, row.provider_org_id, 'dept_admin', 'dept_operator');
}

/** The reporting organisation reopens or accepts (any of its staff but auditors, or its token). */
function actsForReporter(actor: Actor, row: ReportRow): boolean {
  if (row.reporter_org_id === null) return isSystem(actor);
  if (isSystem(actor)) return true;
  if (actor.type === 'token') return actor.orgId === row.reporter_org_id;
  return memberOf(actor, row.reporter_org_id, ...ACTING_ROLES);
}

/** Presents rows; countdowns are computed once per (due date, region) within one call. */
async function presentReports(ctx: ActionContext, rows: ReportRow[]): Promise<ProblemReportDto[]> {
  const today = chinaToday(ctx.now);
  const countdown = workingDayCountdown(ctx.services.calendar, today, ctx.db);
  const out: ProblemReportDto[] = [];
  for (const row of rows) {
    const awaiting = AWAITING_PROVIDER.includes(row.status);
    let left: number | null = null;
    if (awaiting) {
      left = await countdown(row.due_date, row.region_path);
    }
    out.push({
      code: row.code,
      resourceCode: row.resource_code,
      resourceName: row.resource_name,
      providerOrgCode: row.provider_code,
      providerOrgName: row.provider_name,
      reporterKind: row.reporter_kind,
      reporterOrgCode: row.reporter_org_code,
      reporterOrgName: row.reporter_org_name,
      reporterName: row.reporter_name,
      reporterContact: row.reporter_contact,
      category: row.category,
      urgency: row.urgency,
      description: row.description,
      recordKeys: JSON.parse(row.record_keys) as RecordKeyDto[],
      status: row.status,
      dueDate: row.due_date,
      overdue: awaiting && today > row.due_date,
      workingDaysLeft: left,
      late: row.resolved_at !== null && chinaToday(new Date(row.resolved_at)) > row.due_date,
      resolution: row.resolution,
      resolutionNote: row.resolution_note,
      resolutionBatchId: row.resolution_batch_id,
      resolvedAt: row.resolved_at,
      resolvedBy: row.resolved_by,
      reopenCount: row.reopen_count,
      reopenReason: row.reopen_reason,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    });
  }
  return out;
}

async function presentOne(ctx: ActionContext, code: string): Promise<ProblemReportDto> {
  const row = await findReport(ctx.db, code);
  if (!row) throw notFound();
  const [dto] = await presentReports(ctx, [row]);
  if (!dto) throw notFound();
  return dto;
}

/**
 * R3.5 deadline: today (China time) plus the provider region's answer period in working days on the
 * PRC calendar (with the region's local overrides); urgent reports get the shorter period.
 */
async function dueDateFor(
  ctx: ActionContext,
  providerOrgId: string,
  urgency: ProblemReportTable['urgency'],
): Promise<string> {
  const region = await ctx.db
    .selectFrom('orgs')
    .innerJoin('regions', 'regions.code', 'orgs.region_code')
    .select(['regions.path', 'regions.problem_reply_days', 'regions.problem_urgent_reply_days'])
    .where('orgs.id', '=', providerOrgId)
    .executeTakeFirstOrThrow();
  return ctx.services.calendar.addWorkingDays(
    chinaToday(ctx.now),
    urgency === 'urgent' ? region.problem_urgent_reply_days : region.problem_reply_days,
    region.path,
    ctx.db,
  );
}

/** Next number of a yearly sequence, atomic on both engines (one upsert, in the caller's transaction). */
export async function nextNumber(db: Kysely<Database>, prefix: string): Promise<number> {
  const row = await db
    .insertInto('catalog_sequences')
    .values({ prefix, last_value: 1 })
    .onConflict((oc) =>
      oc
        .column('prefix')
        .doUpdateSet((eb) => ({ last_value: eb('catalog_sequences.last_value', '+', 1) })),
    )
    .returning('last_value')
    .executeTakeFirstOrThrow();
  return row.last_value;
}

const link = (code: string) => `/aggregation/problems?code=${code}`;

const CATEGORY_TEXT: Record<ProblemReportTable['category'], LocalizedText> = {
  error: text('数据错误', 'error'),
  omission: text('数据遗漏', 'omission'),
  infringement: text('侵犯商业秘密或个人隐私', 'infringement of trade secrets or privacy'),
};
const RESOLUTION_TEXT: Record<NonNullable<ProblemReportTable['resolution']>, LocalizedText> = {
  fixed: text('已更正并重新归集', 'fixed and re-aggregated'),
  confirmed_correct: text('经核实数据无误', 'confirmed correct'),
  consultation: text('协商处理', 'settled by consultation'),
};

/** Record keys must name the resource's key items (or, without key items, its data items). */
function checkRecordKeys(content: ResourceContentDto, keys: RecordKeyDto[]): void {
  if (keys.length === 0) return;
  const items = content.items ?? [];
  const keyColumns = items.filter((item) => item.key).map((item) => item.column);
  const allowed = new Set(keyColumns.length > 0 ? keyColumns : items.map((item) => item.column));
  if (allowed.size === 0) {
    throw invalidFields({
      recordKeys: text(
        '该资源没有数据项，只能针对整个资源报告问题',
        'the resource has no data items; report on the whole resource',
      ),
    });
  }
  const unknown = [...new Set(keys.flatMap((key) => Object.keys(key)))].filter(
    (column) => !allowed.has(column),
  );
  if (unknown.length > 0) {
    const list = [...allowed].join(', ');
    throw invalidFields({
      recordKeys: text(
        `记录标识应使用该资源的主键数据项（${list}），而不是 ${unknown.join(', ')}`,
        `identify records by the resource's key items (${list}), not ${unknown.join(', ')}`,
      ),
    });
  }
}

const report = defineAction({
  name: 'problem.report',
  description:
    'Report an error, omission or infringement in a published resource or some of its records (R3.5); also the API for business systems (token).',
  tag: 'problems',
  input: Input({
    resourceCode: ResourceCode,
    category: literals(PROBLEM_CATEGORIES),
    urgency: Type.Union([Type.Literal('normal'), Type.Literal('urgent')], { default: 'normal' }),
    description: Type.String({ minLength: 5, maxLength: 4000 }),
    /** The records concerned, by key; empty for the resource as a whole. */
    recordKeys: Type.Array(RecordKey, { maxItems: 1000, default: [] }),
    /** For a user of several organisations, and for the CLI (system): who reports. */
    reporterOrgCode: Type.Optional(OrgCode),
    contact: Type.Optional(Type.String({ maxLength: 100 })),
  }),
  output: ProblemReport,
  mutating: true,
  http: { method: 'POST', path: '/problems', status: 201 },
  policy: (ctx, input) => {
    const actor = ctx.actor;
    if (actor.type === 'system') return true;
    // A department system reports through its token (LZ Art. 32), for its own organisation only.
    if (actor.type === 'token')
      return input.reporterOrgCode === undefined || input.reporterOrgCode === actor.orgCode;
    if (actor.type !== 'user') return false;
    const acting = actor.memberships.filter((m) => ACTING_ROLES.includes(m.role));
    return input.reporterOrgCode
      ? acting.some((m) => m.orgCode === input.reporterOrgCode)
      : acting.length > 0;
  },
  handler: async (ctx, input) => {
    const live = await liveVersion(ctx.db, input.resourceCode);
    if (!live) {
      throw invalidFields({
        resourceCode: text(
          '没有该代码的已发布目录资源',
          'no published catalog entry has this code',
        ),
      });
    }
    checkRecordKeys(JSON.parse(live.content) as ResourceContentDto, input.recordKeys);
    const reporter = await actingOrg(ctx.db, ctx.actor, input.reporterOrgCode, 'reporterOrgCode', {
      choose: text(
        '请选择以本人所属的哪个机构的名义报告',
        'name which of your organisations reports the problem',
      ),
      missing: text('请填写报告机构的代码', 'give the code of the reporting organisation'),
    });
    const { code } = await fileProblemReport(ctx, live, {
      reporterKind: reporter.id === live.org_id ? 'provider' : 'department',
      reporterOrgId: reporter.id,
      reporterUserId: ctx.actor.type === 'user' ? ctx.actor.id : null,
      reporterName: actorDisplayName(ctx.actor),
      contact: input.contact,
      category: input.category,
      urgency: input.urgency,
      description: input.description,
      recordKeys: input.recordKeys,
    });
    return presentOne(ctx, code);
  },
});

/** The live (published) version of a catalog entry, or undefined when it has none. */
export async function liveVersion(
  db: Kysely<Database>,
  resourceCode: string,
): Promise<VersionRow | undefined> {
  const latest = await findVersion(db, resourceCode);
  if (!latest || latest.live_version === null) return undefined;
  return latest.version === latest.live_version
    ? latest
    : findVersion(db, resourceCode, latest.live_version);
}

/** Who files a report and what it says; the resource comes separately, already checked. */
export interface ProblemFiling {
  reporterKind: ProblemReportTable['reporter_kind'];
  reporterOrgId: string | null;
  /** A console user's id, or a public account's (reporter kind `public`, R5.7). */
  reporterUserId: string | null;
  reporterName: string;
  contact?: string;
  category: ProblemReportTable['category'];
  urgency: ProblemReportTable['urgency'];
  description: string;
  recordKeys: RecordKeyDto[];
}

/**
 * Files a report into the problem-data loop (R3.5) in the caller's transaction: the yearly code, the
 * due date in working days, the row, the audit target and the provider's notification. Shared by
 * `problem.report` and the open portal's public feedback (R5.7), so both run one loop.
 */
export async function fileProblemReport(
  ctx: ActionContext,
  live: Pick<VersionRow, 'resource_id' | 'org_id' | 'name'>,
  filing: ProblemFiling,
): Promise<{ code: string; dueDate: string }> {
  const today = chinaToday(ctx.now);
  const dueDate = await dueDateFor(ctx, live.org_id, filing.urgency);
  const year = today.slice(0, 4);
  const code = `WT-${year}-${String(await nextNumber(ctx.db, `WT-${year}`)).padStart(6, '0')}`;
  const now = ctx.now.toISOString();
  await ctx.db
    .insertInto('problem_reports')
    .values({
      id: randomUUID(),
      code,
      resource_id: live.resource_id,
      provider_org_id: live.org_id,
      reporter_kind: filing.reporterKind,
      reporter_org_id: filing.reporterOrgId,
      reporter_user_id: filing.reporterUserId,
      reporter_name: filing.reporterName,
      reporter_contact: filing.contact?.trim() || null,
      category: filing.category,
      urgency: filing.urgency,
      description: filing.description.trim(),
      record_keys: JSON.stringify(filing.recordKeys),
      status: 'open',
      due_date: dueDate,
      resolution: null,
      resolution_note: null,
      resolution_batch_id: null,
      resolved_at: null,
      resolved_by: null,
      reopen_count: 0,
      reopen_reason: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  ctx.audit.target = `problem:${code}`;
  ctx.audit.orgId = live.org_id;
  ctx.audit.details = { ...ctx.audit.details, dueDate };
  const category = CATEGORY_TEXT[filing.category];
  const urgent = filing.urgency === 'urgent';
  // The provider tells public feedback (R5.7) from a department's report at a glance.
  const from = filing.reporterKind === 'public' ? text('【公众反馈】', '[Public feedback] ') : null;
  await notify(ctx.db, ctx.now, {
    orgId: live.org_id,
    kind: 'problem.reported',
    title: text(
      `${urgent ? '【紧急】' : ''}${from?.zh ?? ''}${live.name}：收到问题数据报告 ${code}（${category.zh}），请于 ${dueDate} 前处理`,
      `${urgent ? '[URGENT] ' : ''}${from?.en ?? ''}${live.name}: problem report ${code} (${category.en}) to answer by ${dueDate}`,
    ),
    link: link(code),
  });
  return { code, dueDate };
}

function ownOrgIds(actor: Actor): string[] {
  if (actor.type === 'token') return [actor.orgId];
  if (actor.type === 'user') return [...new Set(actor.memberships.map((m) => m.orgId))];
  return [];
}

const list = defineAction({
  name: 'problem.list',
  description:
    'Problem reports: inbox (my organisation provides), sent (it reported), overdue (R6.6 supervision) or all visible, optionally by reporter kind (public feedback, R5.7); overdue first.',
  tag: 'problems',
  input: Input({
    box: Type.Union(
      [Type.Literal('inbox'), Type.Literal('sent'), Type.Literal('overdue'), Type.Literal('all')],
      { default: 'inbox' },
    ),
    status: Type.Optional(literals(PROBLEM_STATUSES)),
    resourceCode: Type.Optional(ResourceCode),
    /** Who reported: a department, the provider itself, or the public through the portal (R5.7). */
    reporterKind: Type.Optional(literals(REPORTER_KINDS)),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    offset: Type.Integer({ minimum: 0, maximum: 100000, default: 0 }),
  }),
  output: Type.Object({ items: Type.Array(ProblemReport), total: Type.Integer() }),
  mutating: false,
  http: { method: 'GET', path: '/problems' },
  policy: (ctx) => isSystem(ctx.actor) || ownOrgIds(ctx.actor).length > 0,
  handler: async (ctx, input) => {
    const today = chinaToday(ctx.now);
    const system = isSystem(ctx.actor);
    const orgIds = ownOrgIds(ctx.actor);
    let query = reportsQuery(ctx.db);
    if (!system) {
      // Row scoping in SQL, so that a page is never emptied by filtering after the limit: my
      // organisations' reports, and those of the regions my authority governs (R1.1).
      const ids = orgIds.length ? orgIds : [''];
      const authorityPaths =
        ctx.actor.type === 'user'
          ? ctx.actor.memberships
              .filter(
                (m) =>
                  m.orgKind === 'authority' &&
                  (m.role === 'authority_admin' || m.role === 'reviewer' || m.role === 'auditor'),
              )
              .map((m) => m.regionPath)
          : [];
      query = query.where((eb) =>
        eb.or([
          eb('p.provider_org_id', 'in', ids),
          eb('p.reporter_org_id', 'in', ids),
          ...authorityPaths.map((path) => eb('pr.path', 'like', `${path}%`)),
        ]),
      );
    }
    if (input.box === 'inbox' && !system)
      query = query.where('p.provider_org_id', 'in', orgIds.length ? orgIds : ['']);
    if (input.box === 'sent') {
      query = system
        ? query.where('p.reporter_org_id', 'is not', null)
        : query.where('p.reporter_org_id', 'in', orgIds.length ? orgIds : ['']);
    }
    if (input.box === 'overdue') {
      // R6.6: reports still awaiting the provider after the due date.
      query = query.where('p.status', 'in', AWAITING_PROVIDER).where('p.due_date', '<', today);
    }
    if (input.status) query = query.where('p.status', '=', input.status);
    if (input.resourceCode) query = query.where('r.code', '=', input.resourceCode);
    if (input.reporterKind) query = query.where('p.reporter_kind', '=', input.reporterKind);
    const { n } = await query
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const rows = await query
      .selectAll('p')
      .select([
        'r.code as resource_code',
        'rv.name as resource_name',
        'po.code as provider_code',
        'po.name as provider_name',
        'pr.path as region_path',
        'ro.code as reporter_org_code',
        'ro.name as reporter_org_name',
      ])
      // Overdue first, then awaiting the provider, then awaiting the reporter, then closed.
      .orderBy((eb) =>
        eb
          .case()
          .when(eb.and([eb('p.status', 'in', AWAITING_PROVIDER), eb('p.due_date', '<', today)]))
          .then(0)
          .when('p.status', 'in', AWAITING_PROVIDER)
          .then(1)
          .when('p.status', '=', 'resolved')
          .then(2)
          .else(3)
          .end(),
      )
      .orderBy('p.due_date')
      .orderBy('p.code', 'desc')
      .limit(input.limit)
      .offset(input.offset)
      .execute();
    return { items: await presentReports(ctx, rows), total: Number(n) };
  },
});

function parseDetails(details: string): Record<string, unknown> {
  try {
    const value = JSON.parse(details) as unknown;
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** The history of a report is its audit trail (R5.9, R6.2): who did what, when, with which note. */
async function timeline(ctx: ActionContext, code: string) {
  const events = await ctx.db
    .selectFrom('audit_events')
    .leftJoin('users', 'users.id', 'audit_events.actor_id')
    // A public reporter (R5.7) appears under the name it gave the portal, not its account handle.
    .leftJoin('open_accounts', 'open_accounts.id', 'audit_events.actor_id')
    .select([
      'audit_events.occurred_at',
      'audit_events.action',
      'audit_events.actor_name',
      'audit_events.details',
      'users.display_name',
      'open_accounts.display_name as public_name',
    ])
    .where('audit_events.target', '=', `problem:${code}`)
    .where('audit_events.outcome', '=', 'success')
    .orderBy('audit_events.id')
    .execute();
  return events.map((event) => {
    const details = parseDetails(event.details);
    const input = (details.input ?? {}) as Record<string, unknown>;
    return {
      at: event.occurred_at,
      action: event.action,
      actorName: event.display_name ?? event.public_name ?? event.actor_name,
      resolution: str(input.resolution),
      note: str(input.note) ?? str(input.comment),
      batchId: str(input.batchId),
      reason: str(input.reason),
      dueDate: str(details.dueDate),
    };
  });
}

const get = defineAction({
  name: 'problem.get',
  description:
    'A problem report with its timeline, for the provider, the reporter, the authority and auditors.',
  tag: 'problems',
  input: Input({ code: ProblemCode }),
  output: ProblemDetail,
  mutating: false,
  http: { method: 'GET', path: '/problems/:code' },
  policy: (ctx) => isGovernmentActor(ctx.actor),
  handler: async (ctx, input) => {
    const row = await findReport(ctx.db, input.code);
    // A report the caller may not see is indistinguishable from none.
    if (!row || !mayRead(ctx.actor, row)) throw notFound();
    const [dto] = await presentReports(ctx, [row]);
    if (!dto) throw notFound();
    return {
      ...dto,
      timeline: await timeline(ctx, row.code),
      can: {
        resolve: AWAITING_PROVIDER.includes(row.status) && actsForProvider(ctx.actor, row),
        reopen:
          row.status === 'resolved' && row.reopen_count === 0 && actsForReporter(ctx.actor, row),
        accept: row.status === 'resolved' && actsForReporter(ctx.actor, row),
      },
    };
  },
});

/** Loads the report for a mutating action; a report the caller may not see is not found. */
async function loadForChange(ctx: ActionContext, code: string): Promise<ReportRow> {
  const row = await findReport(ctx.db, code);
  if (!row || !mayRead(ctx.actor, row)) throw notFound();
  ctx.audit.target = `problem:${row.code}`;
  ctx.audit.orgId = row.provider_org_id;
  return row;
}

/** Unknown or invisible codes reach the handler, which answers 404 as problem.get does. */
const policyFor =
  (acts: (actor: Actor, row: ReportRow) => boolean) =>
  async (ctx: ActionContext, input: { code: string }) => {
    const row = await findReport(ctx.db, input.code);
    if (!row || !mayRead(ctx.actor, row)) return isGovernmentActor(ctx.actor);
    return acts(ctx.actor, row);
  };

const resolve = defineAction({
  name: 'problem.resolve',
  description:
    'The provider answers a report (R3.5): fixed (with the succeeded re-aggregation batch), confirmed correct or settled by consultation (with a note to the reporter).',
  tag: 'problems',
  input: Input({
    code: ProblemCode,
    resolution: literals(PROBLEM_RESOLUTIONS),
    /** The explanation sent to the reporter: required unless fixed. */
    note: Type.Optional(Type.String({ maxLength: 4000 })),
    /** fixed: the ingestion batch that re-aggregated the corrected data. */
    batchId: Type.Optional(Type.String({ maxLength: 36 })),
  }),
  output: ProblemReport,
  mutating: true,
  http: { method: 'POST', path: '/problems/:code/resolve' },
  policy: policyFor(actsForProvider),
  handler: async (ctx, input) => {
    const row = await loadForChange(ctx, input.code);
    if (!AWAITING_PROVIDER.includes(row.status)) {
      throw conflict(
        row.status === 'closed'
          ? text('该问题已关闭', 'the report is closed')
          : text('该问题已处理，等待报告方确认', 'the report is already answered'),
      );
    }
    const note = input.note?.trim() ?? '';
    const batchId = input.batchId?.trim() || null;
    if (input.resolution === 'fixed') {
      if (!batchId) {
        throw invalidFields({
          batchId: text(
            '“已更正”须填写重新归集更正数据的批次号（R3.5）',
            'a fix names the batch that re-aggregated the corrected data (R3.5)',
          ),
        });
      }
      const batch = await ctx.db
        .selectFrom('ingest_batches')
        .select(['resource_id', 'status', 'started_at'])
        .where('id', '=', batchId)
        .executeTakeFirst();
      if (!batch || batch.resource_id !== row.resource_id) {
        throw invalidFields({
          batchId: text(
            '没有该资源的这个归集批次',
            'no ingestion batch of this resource has this id',
          ),
        });
      }
      if (batch.status !== 'succeeded') {
        throw invalidFields({
          batchId: text(
            '该批次未成功完成，不能作为更正依据',
            'the batch did not succeed, so it cannot carry the fix',
          ),
        });
      }
      if (batch.started_at < row.created_at) {
        throw invalidFields({
          batchId: text(
            '该批次早于问题报告，不能作为更正依据',
            'the batch ran before the report, so it cannot carry the fix',
          ),
        });
      }
    } else {
      if (batchId) {
        throw invalidFields({
          batchId: text('只有“已更正”需要批次号', 'only a fix names a batch'),
        });
      }
      if (note.length < 2) {
        throw invalidFields({
          note: text(
            '请填写向报告方说明的处理意见（至少 2 个字）',
            'write the explanation sent to the reporter (at least 2 characters)',
          ),
        });
      }
    }
    const now = ctx.now.toISOString();
    await ctx.db
      .updateTable('problem_reports')
      .set({
        status: 'resolved',
        resolution: input.resolution,
        resolution_note: note || null,
        resolution_batch_id: batchId,
        resolved_at: now,
        resolved_by: actorDisplayName(ctx.actor),
        updated_at: now,
      })
      .where('id', '=', row.id)
      .execute();
    if (row.reporter_org_id) {
      const resolution = RESOLUTION_TEXT[input.resolution];
      await notify(ctx.db, ctx.now, {
        orgId: row.reporter_org_id,
        kind: 'problem.resolved',
        title: text(
          `${row.resource_name}：问题 ${row.code} 已处理（${resolution.zh}），请确认或重新打开`,
          `${row.resource_name}: report ${row.code} answered (${resolution.en}); accept or reopen it`,
        ),
        link: link(row.code),
      });
    }
    return presentOne(ctx, row.code);
  },
});

const reopen = defineAction({
  name: 'problem.reopen',
  description:
    'The reporter disagrees with the answer and reopens the report, once (R3.5); a new due date runs.',
  tag: 'problems',
  input: Input({ code: ProblemCode, reason: Type.String({ minLength: 2, maxLength: 4000 }) }),
  output: ProblemReport,
  mutating: true,
  http: { method: 'POST', path: '/problems/:code/reopen' },
  policy: policyFor(actsForReporter),
  handler: async (ctx, input) => {
    const row = await loadForChange(ctx, input.code);
    if (row.reopen_count >= 1) {
      throw conflict(
        text(
          '该问题已重新打开过一次，不能再次打开；如仍有异议，请联系数据主管部门协调',
          'This report was already reopened once and cannot be reopened again; if you still disagree, ask the data authority to mediate',
        ),
      );
    }
    if (row.status !== 'resolved') {
      throw conflict(
        text('只有已处理的问题才能重新打开', 'only an answered report can be reopened'),
      );
    }
    const dueDate = await dueDateFor(ctx, row.provider_org_id, row.urgency);
    const now = ctx.now.toISOString();
    await ctx.db
      .updateTable('problem_reports')
      .set({
        status: 'reopened',
        reopen_count: row.reopen_count + 1,
        reopen_reason: input.reason.trim(),
        due_date: dueDate,
        // The earlier answer stays in the timeline (audit trail); the report awaits a new one.
        resolution: null,
        resolution_note: null,
        resolution_batch_id: null,
        resolved_at: null,
        resolved_by: null,
        updated_at: now,
      })
      .where('id', '=', row.id)
      .execute();
    ctx.audit.details = { dueDate };
    await notify(ctx.db, ctx.now, {
      orgId: row.provider_org_id,
      kind: 'problem.reopened',
      title: text(
        `${row.resource_name}：问题 ${row.code} 被报告方重新打开，请于 ${dueDate} 前处理`,
        `${row.resource_name}: report ${row.code} reopened by the reporter; answer by ${dueDate}`,
      ),
      link: link(row.code),
    });
    return presentOne(ctx, row.code);
  },
});

const accept = defineAction({
  name: 'problem.accept',
  description: 'The reporter accepts the answer, which closes the report (R3.5).',
  tag: 'problems',
  input: Input({
    code: ProblemCode,
    comment: Type.Optional(Type.String({ maxLength: 2000 })),
  }),
  output: ProblemReport,
  mutating: true,
  http: { method: 'POST', path: '/problems/:code/accept' },
  policy: policyFor(actsForReporter),
  handler: async (ctx, input) => {
    const row = await loadForChange(ctx, input.code);
    if (row.status !== 'resolved') {
      throw conflict(
        row.status === 'closed'
          ? text('该问题已关闭', 'the report is already closed')
          : text('提供方尚未处理该问题', 'the provider has not answered the report yet'),
      );
    }
    await ctx.db
      .updateTable('problem_reports')
      .set({ status: 'closed', updated_at: ctx.now.toISOString() })
      .where('id', '=', row.id)
      .execute();
    await notify(ctx.db, ctx.now, {
      orgId: row.provider_org_id,
      kind: 'problem.closed',
      title: text(
        `${row.resource_name}：报告方已确认问题 ${row.code} 的处理结果，问题关闭`,
        `${row.resource_name}: the reporter accepted the answer to ${row.code}; the report is closed`,
      ),
      link: link(row.code),
    });
    return presentOne(ctx, row.code);
  },
});

export const problemActions = [report, list, get, resolve, reopen, accept, ...notificationActions];
