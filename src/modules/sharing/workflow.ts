import { Type } from '@sinclair/typebox';
import type { Kysely, UpdateResult } from 'kysely';
import type { ActionContext } from '../../core/action.ts';
import type { Actor } from '../../core/actor.ts';
import { conflict, invalidFields, text, type LocalizedText } from '../../core/errors.ts';
import { isAuditor, isSystem } from '../../core/policy.ts';
import { Timestamp } from '../../core/schemas.ts';
import type { Database, Role } from '../../db/schema.ts';
import { chinaToday } from '../calendar/calendar.ts';
import type { DataItemDto } from '../catalog/model.ts';
import { nextSequence } from '../catalog/store.ts';
import { notify } from '../problems/notifications.ts';
import { ACTING_ROLES, Nullable, parseJson } from './common.ts';

/**
 * What the sharing workflow (requests, disputes, scenarios, emergencies) has in common: record codes,
 * who may see and act, notifications of the authorities over a region, and the timeline of a record,
 * which is its audit trail (R6.2).
 */

/** Roles that file and follow up requests for a consumer (auditors and reviewers do not). */
export const CONSUMER_ROLES: Role[] = ['authority_admin', 'dept_admin', 'dept_operator'];

/** `GX-2026-000001`: yearly sequence per prefix, in the caller's transaction. */
export async function nextCode(
  db: Kysely<Database>,
  prefix: string,
  now: Date,
  width: number,
): Promise<string> {
  const year = chinaToday(now).slice(0, 4);
  const number = await nextSequence(db, `${prefix}-${year}`);
  return `${prefix}-${year}-${String(number).padStart(width, '0')}`;
}

/** Anyone who could act for some organisation: a policy's answer for a record that is not there. */
export function mayAct(actor: Actor): boolean {
  if (actor.type === 'system' || actor.type === 'token') return true;
  return actor.type === 'user' && actor.memberships.some((m) => ACTING_ROLES.includes(m.role));
}

/** The rows an actor sees as a party or as an authority; `all` for the CLI and auditors. */
export interface Visibility {
  all: boolean;
  orgIds: string[];
  authorityPaths: string[];
}

export function visibilityOf(actor: Actor): Visibility {
  if (isSystem(actor) || isAuditor(actor)) return { all: true, orgIds: [], authorityPaths: [] };
  if (actor.type === 'token') return { all: false, orgIds: [actor.orgId], authorityPaths: [] };
  if (actor.type !== 'user') return { all: false, orgIds: [], authorityPaths: [] };
  return {
    all: false,
    orgIds: [...new Set(actor.memberships.map((m) => m.orgId))],
    authorityPaths: actor.memberships
      .filter(
        (m) => m.orgKind === 'authority' && (m.role === 'authority_admin' || m.role === 'reviewer'),
      )
      .map((m) => m.regionPath),
  };
}

/** Authority organisations whose region contains `regionPath` (R1.1: upper supervises lower). */
export async function authoritiesOver(
  db: Kysely<Database>,
  regionPath: string,
): Promise<{ id: string; code: string; path: string }[]> {
  const rows = await db
    .selectFrom('orgs')
    .innerJoin('regions', 'regions.code', 'orgs.region_code')
    .select(['orgs.id', 'orgs.code', 'regions.path'])
    .where('orgs.kind', '=', 'authority')
    .execute();
  return rows.filter((row) => regionPath.startsWith(row.path));
}

export async function notifyAuthorities(
  ctx: ActionContext,
  regionPath: string,
  kind: string,
  title: LocalizedText,
  link: string,
): Promise<string[]> {
  const authorities = await authoritiesOver(ctx.db, regionPath);
  for (const authority of authorities) {
    await notify(ctx.db, ctx.now, { orgId: authority.id, kind, title, link });
  }
  return authorities.map((authority) => authority.code);
}

/**
 * The authority organisation that decides for all of `regionPaths` (R4.5, R4.10): the caller's
 * authority (authority_admin) covering them all, the deepest one if several; for the CLI, the
 * deepest authority organisation covering them. Undefined when there is none.
 */
export async function decidingAuthority(
  ctx: ActionContext,
  regionPaths: string[],
): Promise<{ id: string; path: string } | undefined> {
  const covers = (path: string) => regionPaths.every((target) => target.startsWith(path));
  const actor = ctx.actor;
  let candidates: { id: string; path: string }[] = [];
  if (actor.type === 'user') {
    candidates = actor.memberships
      .filter((m) => m.orgKind === 'authority' && m.role === 'authority_admin')
      .map((m) => ({ id: m.orgId, path: m.regionPath }));
  } else if (isSystem(actor)) {
    const rows = await ctx.db
      .selectFrom('orgs')
      .innerJoin('regions', 'regions.code', 'orgs.region_code')
      .select(['orgs.id', 'regions.path'])
      .where('orgs.kind', '=', 'authority')
      .execute();
    candidates = rows;
  }
  return candidates
    .filter((candidate) => covers(candidate.path))
    .sort((a, b) => b.path.length - a.path.length)[0];
}

export const ItemRef = Type.Object({ column: Type.String(), name: Type.String() });

/** Item columns with their catalog names (a column dropped from the catalog keeps its column). */
export function namedItems(
  content: string | { items?: DataItemDto[] },
  columns: readonly string[],
): { column: string; name: string }[] {
  const items =
    typeof content === 'string' ? parseJson<{ items?: DataItemDto[] }>(content) : content;
  const names = new Map((items.items ?? []).map((item) => [item.column, item.name]));
  return columns.map((column) => ({ column, name: names.get(column) ?? column }));
}

/** The columns of `asked` not in `allowed`, for narrowing checks. */
export function outside(asked: readonly string[], allowed: readonly string[]): string[] {
  const set = new Set(allowed);
  return asked.filter((value) => !set.has(value));
}

export function requireSubset(
  field: string,
  asked: readonly string[] | undefined,
  allowed: readonly string[],
): void {
  if (!asked) return;
  const extra = outside(asked, allowed);
  if (extra.length > 0) {
    throw invalidFields({
      [field]: text(
        `只能在申请范围内缩小，不能增加：${extra.join(', ')}`,
        `may only narrow what was asked for, not add ${extra.join(', ')}`,
      ),
    });
  }
}

/** An end date: not before today (China time) nor before `from`, not after `latest`. */
export function checkEndDate(
  now: Date,
  field: string,
  date: string,
  from?: string,
  latest?: string,
): void {
  const today = chinaToday(now);
  if (date < today || (from !== undefined && date < from)) {
    throw invalidFields({
      [field]: text(
        '截止日期不能早于今天或开始日期',
        'the end date must not be before today or the start',
      ),
    });
  }
  if (latest !== undefined && date > latest) {
    throw invalidFields({
      [field]: text(
        `截止日期不能晚于申请的 ${latest}`,
        `the end date must not be later than the ${latest} asked for`,
      ),
    });
  }
}

export const TimelineEvent = Type.Object({
  at: Timestamp,
  /** The action: share.request.create, share.request.approve, share.dispute.decide ... */
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
  typeof value === 'string' && value.length > 0 ? value : null;

/** The history of records (their audit targets), oldest first, with the note each step carried. */
export async function timelineOf(ctx: ActionContext, targets: string[]) {
  const events = await ctx.db
    .selectFrom('audit_events')
    .leftJoin('users', 'users.id', 'audit_events.actor_id')
    .select([
      'audit_events.occurred_at',
      'audit_events.action',
      'audit_events.actor_name',
      'audit_events.details',
      'users.display_name',
    ])
    .where('audit_events.target', 'in', targets)
    .where('audit_events.outcome', '=', 'success')
    .orderBy('audit_events.id')
    .execute();
  return events.map((event) => {
    const details = parseDetails(event.details);
    const input = (details.input ?? {}) as Record<string, unknown>;
    return {
      at: event.occurred_at,
      action: event.action,
      actorName: event.display_name ?? event.actor_name,
      note:
        str(input.note) ??
        str(input.reason) ??
        str(input.statement) ??
        str(input.argument) ??
        str(details.note),
    };
  });
}

/**
 * A guarded update (`... where status = 'pending'`) that changed nothing: a concurrent call changed
 * the record first (PostgreSQL re-checks the guard after the other transaction commits), so this one
 * rolls back rather than acting twice.
 */
export function requireUpdated(result: UpdateResult): void {
  if (Number(result.numUpdatedRows) === 0) {
    throw conflict(
      text('该记录刚被他人处理，请刷新后重试', 'someone else changed the record first; reload it'),
    );
  }
}

/** Ids in a JSON array column. */
export const idsOf = (json: string): string[] => parseJson<string[]>(json);
