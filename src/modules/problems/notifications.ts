import { Type } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import { defineAction } from '../../core/action.ts';
import type { Actor } from '../../core/actor.ts';
import { notFound, type LocalizedText } from '../../core/errors.ts';
import { Input, Ok, Timestamp } from '../../core/schemas.ts';
import type { Database } from '../../db/schema.ts';

/**
 * In-console notifications of an organisation (issue 4): what the problem-data loop (R3.5) tells a
 * provider or a reporter. A notification belongs to an organisation (every member sees it) or, when
 * `user_id` is set, to one user of it. Written by other actions through `notify`, inside their
 * transaction, so a notification exists exactly when the change it announces committed.
 */
export interface NotificationInput {
  orgId: string;
  /** Dotted kind the console may branch on: `problem.reported`, `problem.resolved` ... */
  kind: string;
  title: LocalizedText;
  /** A console path (below /console), e.g. `/aggregation/problems?code=WT-2026-000001`. */
  link: string | null;
  userId?: string | null;
}

export async function notify(
  db: Kysely<Database>,
  now: Date,
  notification: NotificationInput,
): Promise<void> {
  await db
    .insertInto('notifications')
    .values({
      org_id: notification.orgId,
      user_id: notification.userId ?? null,
      kind: notification.kind,
      title: JSON.stringify(notification.title),
      link: notification.link,
      created_at: now.toISOString(),
      read_at: null,
    })
    .execute();
}

/** Organisations whose notifications the actor reads: its memberships', or its token's. */
function recipientOrgIds(actor: Actor): string[] {
  if (actor.type === 'token') return [actor.orgId];
  if (actor.type === 'user') return [...new Set(actor.memberships.map((m) => m.orgId))];
  return [];
}

const mayReadNotifications = (actor: Actor): boolean => recipientOrgIds(actor).length > 0;

function visibleQuery(db: Kysely<Database>, actor: Actor) {
  const orgIds = recipientOrgIds(actor);
  const userId = actor.type === 'user' ? actor.id : null;
  return db
    .selectFrom('notifications')
    .innerJoin('orgs', 'orgs.id', 'notifications.org_id')
    .where('notifications.org_id', 'in', orgIds.length ? orgIds : [''])
    .where((eb) =>
      userId === null
        ? eb('notifications.user_id', 'is', null)
        : eb.or([
            eb('notifications.user_id', 'is', null),
            eb('notifications.user_id', '=', userId),
          ]),
    );
}

const Notification = Type.Object({
  id: Type.Integer(),
  orgCode: Type.String(),
  kind: Type.String(),
  title: Type.Object({ zh: Type.String(), en: Type.String() }),
  link: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp,
  readAt: Type.Union([Timestamp, Type.Null()]),
});

const list = defineAction({
  name: 'notification.list',
  description: "The caller's organisation's notifications, unread first, with the unread count.",
  tag: 'notifications',
  input: Input({
    unreadOnly: Type.Boolean({ default: false }),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    offset: Type.Integer({ minimum: 0, maximum: 10000, default: 0 }),
  }),
  output: Type.Object({
    items: Type.Array(Notification),
    unread: Type.Integer(),
    total: Type.Integer(),
  }),
  mutating: false,
  http: { method: 'GET', path: '/notifications' },
  policy: (ctx) => mayReadNotifications(ctx.actor),
  handler: async (ctx, input) => {
    const base = visibleQuery(ctx.db, ctx.actor);
    const counts = await base
      .select((eb) => [
        eb.fn.countAll<number>().as('total'),
        eb.fn
          .sum<number>(eb.case().when('notifications.read_at', 'is', null).then(1).else(0).end())
          .as('unread'),
      ])
      .executeTakeFirstOrThrow();
    let query = base;
    if (input.unreadOnly) query = query.where('notifications.read_at', 'is', null);
    const rows = await query
      .selectAll('notifications')
      .select('orgs.code as org_code')
      .orderBy((eb) => eb.case().when('notifications.read_at', 'is', null).then(0).else(1).end())
      .orderBy('notifications.id', 'desc')
      .limit(input.limit)
      .offset(input.offset)
      .execute();
    return {
      items: rows.map((row) => ({
        id: row.id,
        orgCode: row.org_code,
        kind: row.kind,
        title: JSON.parse(row.title) as LocalizedText,
        link: row.link,
        createdAt: row.created_at,
        readAt: row.read_at,
      })),
      unread: Number(counts.unread ?? 0),
      total: Number(counts.total),
    };
  },
});

const read = defineAction({
  name: 'notification.read',
  description: "Mark one notification of the caller's organisation as read.",
  tag: 'notifications',
  input: Input({ id: Type.Integer({ minimum: 1 }) }),
  output: Ok,
  mutating: true,
  http: { method: 'POST', path: '/notifications/:id/read' },
  policy: (ctx) => mayReadNotifications(ctx.actor),
  handler: async (ctx, input) => {
    const row = await visibleQuery(ctx.db, ctx.actor)
      .select(['notifications.id', 'notifications.org_id', 'notifications.read_at'])
      .where('notifications.id', '=', input.id)
      .executeTakeFirst();
    // Someone else's notification is indistinguishable from none (no probing of ids).
    if (!row) throw notFound();
    ctx.audit.target = `notification:${row.id}`;
    ctx.audit.orgId = row.org_id;
    if (row.read_at === null) {
      await ctx.db
        .updateTable('notifications')
        .set({ read_at: ctx.now.toISOString() })
        .where('id', '=', row.id)
        .execute();
    }
    return { ok: true };
  },
});

const readAll = defineAction({
  name: 'notification.readAll',
  description: "Mark every unread notification of the caller's organisations as read.",
  tag: 'notifications',
  input: Input({}),
  output: Type.Object({ ok: Type.Boolean(), count: Type.Integer() }),
  mutating: true,
  http: { method: 'POST', path: '/notifications/read-all' },
  policy: (ctx) => mayReadNotifications(ctx.actor),
  handler: async (ctx) => {
    const ids = (
      await visibleQuery(ctx.db, ctx.actor)
        .select('notifications.id')
        .where('notifications.read_at', 'is', null)
        .execute()
    ).map((row) => row.id);
    if (ids.length > 0) {
      await ctx.db
        .updateTable('notifications')
        .set({ read_at: ctx.now.toISOString() })
        .where('id', 'in', ids)
        .execute();
    }
    return { ok: true, count: ids.length };
  },
});

export const notificationActions = [list, read, readAll];
