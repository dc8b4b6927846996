import { Type, type TSchema } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import type { ActionContext } from '../../core/action.ts';
import type { Actor } from '../../core/actor.ts';
import { AppError, invalidFields, text, type LocalizedText } from '../../core/errors.ts';
import { authorityOver, isAuditor, isSystem } from '../../core/policy.ts';
import { isCalendarDate } from '../../core/validators/citizen-id.ts';
import type { Database } from '../../db/schema.ts';
import { chinaToday } from '../calendar/calendar.ts';
import type { ResourceContentDto } from '../catalog/model.ts';
import { liveVersion, nextNumber } from '../problems/actions.ts';
import { isPublic, type PublicActor } from './accounts.ts';

/**
 * What the portal's workflows (applications R5.5, requests R5.6, feedback R5.7, the showcase R5.8)
 * have in common: the open datasets they concern, yearly codes, deadlines on the working-day
 * calendar, who sees and acts on the government side, and the timeline of a record (its audit trail).
 */

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
export const literals = <T extends string>(values: readonly T[]) =>
  Type.Union(values.map((value) => Type.Literal(value)));

export const DatasetCode = Type.String({
  pattern: '^[A-Z0-9-]{2,40}$',
  description: 'open dataset (catalog resource) code',
});

/** `KF-2026-000001`: a yearly sequence per prefix, one upsert in the caller's transaction. */
export async function nextOpenCode(db: Kysely<Database>, prefix: string, now: Date) {
  const year = chinaToday(now).slice(0, 4);
  const number = await nextNumber(db, `${prefix}-${year}`);
  return `${prefix}-${year}-${String(number).padStart(6, '0')}`;
}

/** A published entry of the open catalog (R5.1: open class unconditional or conditional). */
export interface OpenDataset {
  resourceId: string;
  code: string;
  name: string;
  orgId: string;
  orgCode: string;
  orgName: string;
  regionPath: string;
  openClass: 'unconditional' | 'conditional';
  conditions: string | null;
}

/**
 * The live version of `code` when it is open; undefined for an unknown, unpublished, withdrawn or
 * closed entry, which callers answer with 404 so that nothing says a closed entry exists (R5.2).
 */
export async function loadOpenDataset(
  db: Kysely<Database>,
  code: string,
): Promise<OpenDataset | undefined> {
  const live = await liveVersion(db, code);
  if (!live) return undefined;
  const content = JSON.parse(live.content) as ResourceContentDto;
  const openClass = content.open.class;
  if (openClass !== 'unconditional' && openClass !== 'conditional') return undefined;
  return {
    resourceId: live.resource_id,
    code: live.code,
    name: live.name,
    orgId: live.org_id,
    orgCode: live.org_code,
    orgName: live.org_name,
    regionPath: live.region_path,
    openClass,
    conditions: content.open.conditions ?? null,
  };
}

/** The signed-in public account (the policies let only public actors reach the callers). */
export function publicActor(ctx: ActionContext): PublicActor {
  if (!isPublic(ctx.actor)) throw new AppError('UNAUTHENTICATED');
  return ctx.actor;
}

/**
 * R5.5, R5.6 deadline: today (China time) plus the region's open reply period (15) in working days
 * on the PRC calendar, with the region's local overrides.
 */
export async function openDueDate(ctx: ActionContext, orgId: string): Promise<string> {
  const region = await ctx.db
    .selectFrom('orgs')
    .innerJoin('regions', 'regions.code', 'orgs.region_code')
    .select(['regions.path', 'regions.open_reply_days'])
    .where('orgs.id', '=', orgId)
    .executeTakeFirstOrThrow();
  return ctx.services.calendar.addWorkingDays(
    chinaToday(ctx.now),
    region.open_reply_days,
    region.path,
    ctx.db,
  );
}

/** Government-side rows an actor sees: all (CLI, auditors), its organisations', its regions'. */
export interface Scope {
  all: boolean;
  orgIds: string[];
  authorityPaths: string[];
}

/**
 * Staff see their organisations' records; authority staff (administrators, reviewers, auditors)
 * those of the regions their authority governs (R1.1); auditors and the CLI everything (section 6:
 * auditors read everywhere). Department systems (tokens) are not parties to portal workflows.
 */
export function scopeOf(actor: Actor): Scope {
  if (isSystem(actor) || isAuditor(actor)) return { all: true, orgIds: [], authorityPaths: [] };
  if (actor.type !== 'user') return { all: false, orgIds: [], authorityPaths: [] };
  return {
    all: false,
    orgIds: [...new Set(actor.memberships.map((m) => m.orgId))],
    authorityPaths: actor.memberships
      .filter(
        (m) =>
          m.orgKind === 'authority' &&
          (m.role === 'authority_admin' || m.role === 'reviewer' || m.role === 'auditor'),
      )
      .map((m) => m.regionPath),
  };
}

export function inScope(scope: Scope, orgId: string, regionPath: string): boolean {
  return (
    scope.all ||
    scope.orgIds.includes(orgId) ||
    scope.authorityPaths.some((path) => regionPath.startsWith(path))
  );
}

/** Console staff and the CLI: the government side of the portal's workflows. */
export const isStaff = (actor: Actor): boolean =>
  isSystem(actor) || (actor.type === 'user' && actor.memberships.length > 0);

/** The authority over a region decides what the departments may not (R5.6 disputes; R1.1). */
export const isAuthorityFor = (actor: Actor, regionPath: string): boolean =>
  isSystem(actor) || authorityOver(actor, regionPath, 'authority_admin');

/** A calendar date, really on the calendar (the schema checks only its shape). */
export function checkDate(field: string, value: string): void {
  if (!isCalendarDate(value)) {
    throw invalidFields({ [field]: text('日期无效', 'not a calendar date') });
  }
}

/** Free text that must say something: blanks are no statement (R4.4, R5.6 reasons). */
export function requireText(
  field: string,
  value: string | undefined,
  min: number,
  message: LocalizedText,
): string {
  const trimmed = value?.trim() ?? '';
  if ([...trimmed].length < min) throw invalidFields({ [field]: message });
  return trimmed;
}

export const TimelineEvent = Type.Object({
  at: Type.String(),
  action: Type.String(),
  actorName: Type.String(),
  note: Nullable(Type.String()),
});

function parseDetails(details: string): Record<string, unknown> {
  try {
    const value = JSON.parse(details) as unknown;
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const str = (value: unknown): string | null =>
  typeof value === 'string' && value.trim().length > 0 ? value : null;

/**
 * The history of a record, oldest first, from its audit trail (R5.9, R6.2): staff under their
 * display names, public accounts under the names they gave the portal.
 */
export async function timelineOf(ctx: ActionContext, target: string) {
  const events = await ctx.db
    .selectFrom('audit_events')
    .leftJoin('users', 'users.id', 'audit_events.actor_id')
    .leftJoin('open_accounts', 'open_accounts.id', 'audit_events.actor_id')
    .select([
      'audit_events.occurred_at',
      'audit_events.action',
      'audit_events.actor_name',
      'audit_events.details',
      'users.display_name',
      'open_accounts.display_name as public_name',
    ])
    .where('audit_events.target', '=', target)
    .where('audit_events.outcome', '=', 'success')
    .orderBy('audit_events.id')
    .execute();
  return events.map((event) => {
    const input = (parseDetails(event.details).input ?? {}) as Record<string, unknown>;
    return {
      at: event.occurred_at,
      action: event.action,
      actorName: event.display_name ?? event.public_name ?? event.actor_name,
      note: str(input.reasons) ?? str(input.reason) ?? str(input.answer) ?? str(input.note) ?? null,
    };
  });
}
