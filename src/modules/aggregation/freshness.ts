import { Type, type Static } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import { defineAction, type ActionContext } from '../../core/action.ts';
import type { Actor } from '../../core/actor.ts';
import { invalidFields, text } from '../../core/errors.ts';
import { authorityOver, hasRole, isAuditor, isSystem, memberOf } from '../../core/policy.ts';
import { DateString, Input, OrgCode, RegionCode, Timestamp } from '../../core/schemas.ts';
import type { Database } from '../../db/schema.ts';
import { chinaToday, formatDate } from '../calendar/calendar.ts';
import { UPDATE_CYCLES } from '../catalog/model.ts';

/**
 * Freshness of aggregated data (R3.1: each department aggregates its data within the deadline of its
 * update cycle; R6.6: data not provided in time is a violation to detect). The due date counts from
 * the China date (UTC+8) on which the last succeeded ingestion batch finished, or, for a resource never
 * aggregated, from its first publication: one day for realtime and daily data, seven for weekly, one,
 * three, six or twelve calendar months for monthly to yearly data; irregular data has no due date.
 * Rules and thresholds are written down in docs/QUALITY.md.
 */
export type UpdateCycle = (typeof UPDATE_CYCLES)[number];

/** The period of an update cycle, in days or in calendar months; null: no due date. */
export const CYCLE_PERIODS: Record<UpdateCycle, { days: number } | { months: number } | null> = {
  realtime: { days: 1 },
  daily: { days: 1 },
  weekly: { days: 7 },
  monthly: { months: 1 },
  quarterly: { months: 3 },
  half_yearly: { months: 6 },
  yearly: { months: 12 },
  irregular: null,
};

/** Calendar days before the due date from which the data counts as due soon (即将到期). */
export const DUE_SOON_DAYS: Record<UpdateCycle, number> = {
  realtime: 0,
  daily: 0,
  weekly: 1,
  monthly: 5,
  quarterly: 10,
  half_yearly: 15,
  yearly: 30,
  irregular: 0,
};

export const FRESHNESS_STATUSES = ['on_time', 'due_soon', 'overdue', 'no_deadline'] as const;
export type FreshnessStatus = (typeof FRESHNESS_STATUSES)[number];

export const Freshness = Type.Object({
  updateCycle: Type.String(),
  /** What the due date counts from: the last succeeded batch, or the first publication. */
  basis: Type.Union([Type.Literal('batch'), Type.Literal('publication'), Type.Null()]),
  lastBatchAt: Type.Union([Timestamp, Type.Null()]),
  publishedAt: Type.Union([Timestamp, Type.Null()]),
  dueDate: Type.Union([DateString, Type.Null()]),
  status: Type.Union(FRESHNESS_STATUSES.map((status) => Type.Literal(status))),
  /** Calendar days from today (China) to the due date; negative when overdue. */
  daysLeft: Type.Union([Type.Integer(), Type.Null()]),
  daysOverdue: Type.Integer(),
  /** Length of the current period in days (base date to due date), for the timeliness score. */
  periodDays: Type.Union([Type.Integer(), Type.Null()]),
});
export type FreshnessDto = Static<typeof Freshness>;

const DAY_MS = 24 * 60 * 60 * 1000;

function dateOf(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}

/** `day` plus `days` calendar days. */
export function addDays(day: string, days: number): string {
  return formatDate(new Date(dateOf(day).getTime() + days * DAY_MS));
}

/** `day` plus `months` calendar months; the 31st of a shorter month becomes its last day. */
export function addMonths(day: string, months: number): string {
  const date = dateOf(day);
  const target = date.getUTCMonth() + months;
  const year = date.getUTCFullYear() + Math.floor(target / 12);
  const month = ((target % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return formatDate(new Date(Date.UTC(year, month, Math.min(date.getUTCDate(), lastDay))));
}

/** Calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((dateOf(to).getTime() - dateOf(from).getTime()) / DAY_MS);
}

/** The due date of data last refreshed on `base` (a China date), or null for irregular data. */
export function dueDateFor(updateCycle: string, base: string): string | null {
  const period = CYCLE_PERIODS[updateCycle as UpdateCycle];
  if (!period) return null;
  return 'days' in period ? addDays(base, period.days) : addMonths(base, period.months);
}

/**
 * The freshness of a resource at `now`: `lastBatchAt` is when its last succeeded batch finished,
 * `publishedAt` when it was first published (ISO timestamps, UTC).
 */
export function freshnessOf(
  updateCycle: string,
  lastBatchAt: string | null,
  publishedAt: string | null,
  now: Date,
): FreshnessDto {
  const basis = lastBatchAt ? 'batch' : publishedAt ? 'publication' : null;
  const from = lastBatchAt ?? publishedAt;
  const base = from ? chinaToday(new Date(from)) : null;
  const dueDate = base ? dueDateFor(updateCycle, base) : null;
  const common = { updateCycle, basis, lastBatchAt, publishedAt } as const;
  if (!base || !dueDate) {
    return {
      ...common,
      dueDate: null,
      status: 'no_deadline',
      daysLeft: null,
      daysOverdue: 0,
      periodDays: null,
    };
  }
  const daysLeft = daysBetween(chinaToday(now), dueDate);
  const soon = DUE_SOON_DAYS[updateCycle as UpdateCycle] ?? 0;
  return {
    ...common,
    dueDate,
    status: daysLeft < 0 ? 'overdue' : daysLeft <= soon ? 'due_soon' : 'on_time',
    daysLeft,
    daysOverdue: Math.max(0, -daysLeft),
    periodDays: daysBetween(base, dueDate),
  };
}

/**
 * Who watches a resource's aggregated data: its provider's staff (and API tokens), the authority
 * over the provider's region (R1.1), auditors, the system.
 */
export function mayWatch(actor: Actor, row: { org_id: string; region_path: string }): boolean {
  return (
    isSystem(actor) ||
    isAuditor(actor) ||
    memberOf(actor, row.org_id, 'dept_admin', 'dept_operator') ||
    authorityOver(actor, row.region_path, 'authority_admin', 'reviewer') ||
    (actor.type === 'token' && actor.orgId === row.org_id)
  );
}

/** The first publication of each resource and the end of its last succeeded batch. */
export function freshnessQuery(db: Kysely<Database>) {
  const lastBatch = db
    .selectFrom('ingest_batches')
    .select(['resource_id', (eb) => eb.fn.max('finished_at').as('last_batch_at')])
    .where('status', '=', 'succeeded')
    .groupBy('resource_id');
  const firstPublication = db
    .selectFrom('resource_versions')
    .select(['resource_id', (eb) => eb.fn.min('published_at').as('first_published_at')])
    .where('published_at', 'is not', null)
    .groupBy('resource_id');
  return db
    .selectFrom('resources')
    .innerJoin('resource_versions', (join) =>
      join
        .onRef('resource_versions.resource_id', '=', 'resources.id')
        .onRef('resource_versions.version', '=', 'resources.live_version'),
    )
    .innerJoin('orgs', 'orgs.id', 'resources.org_id')
    .innerJoin('regions', 'regions.code', 'orgs.region_code')
    .leftJoin(lastBatch.as('lb'), 'lb.resource_id', 'resources.id')
    .leftJoin(firstPublication.as('fp'), 'fp.resource_id', 'resources.id')
    .select([
      'resources.id as resource_id',
      'resources.code',
      'resources.org_id',
      'resource_versions.name',
      'resource_versions.update_cycle',
      'resource_versions.format_category',
      'orgs.code as org_code',
      'orgs.name as org_name',
      'regions.code as region_code',
      'regions.name as region_name',
      'regions.path as region_path',
      'lb.last_batch_at',
      'fp.first_published_at',
    ]);
}

const FreshnessItem = Type.Object({
  code: Type.String(),
  name: Type.String(),
  orgCode: Type.String(),
  orgName: Type.String(),
  regionCode: Type.String(),
  regionName: Type.String(),
  formatCategory: Type.String(),
  freshness: Freshness,
});
type FreshnessItemDto = Static<typeof FreshnessItem>;

const ListInput = {
  org: Type.Optional(OrgCode),
  region: Type.Optional(RegionCode),
};

/** Most overdue first, then the nearest due date, then data without a due date; by code within. */
function byUrgency(a: FreshnessItemDto, b: FreshnessItemDto): number {
  const left = (item: FreshnessItemDto) => item.freshness.daysLeft ?? Number.POSITIVE_INFINITY;
  return left(a) - left(b) || a.code.localeCompare(b.code);
}

async function listFreshness(
  ctx: ActionContext,
  input: { org?: string; region?: string },
): Promise<FreshnessItemDto[]> {
  let query = freshnessQuery(ctx.db).where('resources.live_version', 'is not', null);
  if (input.org) {
    const org = await ctx.db
      .selectFrom('orgs')
      .select('id')
      .where('code', '=', input.org)
      .executeTakeFirst();
    if (!org) throw invalidFields({ org: text('机构不存在', 'organisation does not exist') });
    query = query.where('resources.org_id', '=', org.id);
  }
  if (input.region) {
    const region = await ctx.db
      .selectFrom('regions')
      .select('path')
      .where('code', '=', input.region)
      .executeTakeFirst();
    if (!region) throw invalidFields({ region: text('行政区划不存在', 'region does not exist') });
    query = query.where('regions.path', 'like', `${region.path}%`);
  }
  const rows = (await query.execute()).filter((row) => mayWatch(ctx.actor, row));
  return rows
    .map((row) => ({
      code: row.code,
      name: row.name,
      orgCode: row.org_code,
      orgName: row.org_name,
      regionCode: row.region_code,
      regionName: row.region_name,
      formatCategory: row.format_category,
      freshness: freshnessOf(
        row.update_cycle,
        row.last_batch_at ?? null,
        row.first_published_at ?? null,
        ctx.now,
      ),
    }))
    .sort(byUrgency);
}

const mayList = (actor: Actor) =>
  isSystem(actor) ||
  actor.type === 'token' ||
  hasRole(actor, 'authority_admin', 'reviewer', 'auditor', 'dept_admin', 'dept_operator');

const freshness = defineAction({
  name: 'aggregation.freshness',
  description:
    'Freshness of every published resource the caller watches: due date by update cycle (R3.1).',
  tag: 'aggregation',
  input: Input(ListInput),
  output: Type.Object({ asOf: DateString, items: Type.Array(FreshnessItem) }),
  mutating: false,
  http: { method: 'GET', path: '/aggregation/freshness' },
  policy: (ctx) => mayList(ctx.actor),
  handler: async (ctx, input) => ({
    asOf: chinaToday(ctx.now),
    items: await listFreshness(ctx, input),
  }),
});

const overdue = defineAction({
  name: 'aggregation.overdue',
  description:
    'Published resources whose data is overdue for its update cycle, most overdue first (R6.6).',
  tag: 'aggregation',
  input: Input(ListInput),
  output: Type.Object({ asOf: DateString, items: Type.Array(FreshnessItem) }),
  mutating: false,
  http: { method: 'GET', path: '/aggregation/overdue' },
  policy: (ctx) => mayList(ctx.actor),
  handler: async (ctx, input) => ({
    asOf: chinaToday(ctx.now),
    items: (await listFreshness(ctx, input)).filter((item) => item.freshness.status === 'overdue'),
  }),
});

export const freshnessActions = [freshness, overdue];
