import { Type } from '@sinclair/typebox';
import { defineAction } from '../../core/action.ts';
import { actorName } from '../../core/actor.ts';
import { conflict, invalidFields, notFound, text } from '../../core/errors.ts';
import { authorityOver, hasRole, isAuditor, isSystem, memberOf } from '../../core/policy.ts';
import { DateString, Input, OrgCode, Timestamp } from '../../core/schemas.ts';
import { chinaToday, workingDaysBetween } from '../calendar/calendar.ts';
import { findOrgByCode } from '../orgs/actions.ts';

/**
 * Catalog-update obligations (R2.4): when a law is revised or a duty changes, the authority records a
 * trigger against a department, which then owes a catalog update within the region's catalog-update
 * deadline (15 working days by default), counted on the PRC working-day calendar.
 */
const Trigger = Type.Object({
  id: Type.Integer(),
  orgCode: Type.String(),
  orgName: Type.String(),
  kind: Type.Union([Type.Literal('law'), Type.Literal('duty')]),
  description: Type.String(),
  recordedAt: Timestamp,
  recordedBy: Type.String(),
  dueDate: Type.String(),
  resolvedAt: Type.Union([Timestamp, Type.Null()]),
  resolution: Type.Union([Type.String(), Type.Null()]),
  overdue: Type.Boolean(),
  /** Working days left until the due date (negative when overdue), for the console's countdown. */
  workingDaysLeft: Type.Union([Type.Integer(), Type.Null()]),
});

function triggersQuery(ctx: {
  db: import('kysely').Kysely<import('../../db/schema.ts').Database>;
}) {
  return ctx.db
    .selectFrom('catalog_triggers')
    .innerJoin('orgs', 'orgs.id', 'catalog_triggers.org_id')
    .innerJoin('regions', 'regions.code', 'orgs.region_code')
    .selectAll('catalog_triggers')
    .select(['orgs.code as org_code', 'orgs.name as org_name', 'regions.path as region_path']);
}

const create = defineAction({
  name: 'catalog.trigger.create',
  description:
    'Record that a law or duty changed for a department; its catalog update falls due per R2.4.',
  tag: 'catalog',
  input: Input({
    orgCode: OrgCode,
    kind: Type.Union([Type.Literal('law'), Type.Literal('duty')]),
    description: Type.String({ minLength: 2, maxLength: 2000 }),
    /** The day the change took effect or was notified; counting starts the day after (default today). */
    effectiveDate: Type.Optional(DateString),
  }),
  output: Trigger,
  mutating: true,
  http: { method: 'POST', path: '/catalog/triggers', status: 201 },
  policy: async (ctx, input) => {
    const org = await findOrgByCode(ctx.db, input.orgCode);
    return org
      ? isSystem(ctx.actor) || authorityOver(ctx.actor, org.region_path, 'authority_admin')
      : isSystem(ctx.actor) || hasRole(ctx.actor, 'authority_admin');
  },
  handler: async (ctx, input) => {
    const org = await findOrgByCode(ctx.db, input.orgCode);
    if (!org) throw invalidFields({ orgCode: text('机构不存在', 'organisation does not exist') });
    const region = await ctx.db
      .selectFrom('regions')
      .select(['catalog_update_days', 'path'])
      .where('code', '=', org.region_code)
      .executeTakeFirstOrThrow();
    const start = input.effectiveDate ?? chinaToday(ctx.now);
    const dueDate = await ctx.services.calendar.addWorkingDays(
      start,
      region.catalog_update_days,
      region.path,
      ctx.db,
    );
    const inserted = await ctx.db
      .insertInto('catalog_triggers')
      .values({
        org_id: org.id,
        kind: input.kind,
        description: input.description,
        recorded_at: ctx.now.toISOString(),
        recorded_by: actorName(ctx.actor),
        due_date: dueDate,
        resolved_at: null,
        resolution: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    ctx.audit.target = `catalog-trigger:${inserted.id}`;
    ctx.audit.orgId = org.id;
    const today = chinaToday(ctx.now);
    return {
      id: inserted.id,
      orgCode: org.code,
      orgName: org.name,
      kind: input.kind,
      description: input.description,
      recordedAt: ctx.now.toISOString(),
      recordedBy: actorName(ctx.actor),
      dueDate,
      resolvedAt: null,
      resolution: null,
      overdue: today > dueDate,
      workingDaysLeft: await workingDaysBetween(
        ctx.services.calendar,
        today,
        dueDate,
        region.path,
        ctx.db,
      ),
    };
  },
});

const list = defineAction({
  name: 'catalog.trigger.list',
  description:
    'Catalog-update obligations with due dates and working days left; overdue ones first.',
  tag: 'catalog',
  input: Input({ orgCode: Type.Optional(OrgCode), openOnly: Type.Boolean({ default: false }) }),
  output: Type.Object({ items: Type.Array(Trigger) }),
  mutating: false,
  http: { method: 'GET', path: '/catalog/triggers' },
  policy: (ctx) =>
    isSystem(ctx.actor) ||
    hasRole(ctx.actor, 'authority_admin', 'reviewer', 'auditor', 'dept_admin', 'dept_operator'),
  handler: async (ctx, input) => {
    let query = triggersQuery(ctx);
    if (input.orgCode) query = query.where('orgs.code', '=', input.orgCode);
    if (input.openOnly) query = query.where('catalog_triggers.resolved_at', 'is', null);
    const rows = (await query.orderBy('catalog_triggers.due_date').execute()).filter(
      (row) =>
        isSystem(ctx.actor) ||
        isAuditor(ctx.actor) ||
        authorityOver(ctx.actor, row.region_path, 'authority_admin', 'reviewer') ||
        memberOf(ctx.actor, row.org_id, 'dept_admin', 'dept_operator'),
    );
    const today = chinaToday(ctx.now);
    const items = [];
    for (const row of rows) {
      items.push({
        id: row.id,
        orgCode: row.org_code,
        orgName: row.org_name,
        kind: row.kind,
        description: row.description,
        recordedAt: row.recorded_at,
        recordedBy: row.recorded_by,
        dueDate: row.due_date,
        resolvedAt: row.resolved_at,
        resolution: row.resolution,
        overdue: row.resolved_at === null && today > row.due_date,
        workingDaysLeft:
          row.resolved_at === null
            ? await workingDaysBetween(ctx.services.calendar, today, row.due_date, row.region_path)
            : null,
      });
    }
    items.sort((a, b) => Number(b.overdue) - Number(a.overdue));
    return { items };
  },
});

const resolve = defineAction({
  name: 'catalog.trigger.resolve',
  description:
    'The department reports the catalog update made for a trigger (e.g. the entries submitted).',
  tag: 'catalog',
  input: Input({
    id: Type.Integer({ minimum: 1 }),
    resolution: Type.String({ minLength: 2, maxLength: 2000 }),
  }),
  output: Type.Object({ ok: Type.Boolean(), resolvedAt: Timestamp, late: Type.Boolean() }),
  mutating: true,
  http: { method: 'POST', path: '/catalog/triggers/:id/resolve' },
  policy: async (ctx, input) => {
    const row = await triggersQuery(ctx)
      .where('catalog_triggers.id', '=', input.id)
      .executeTakeFirst();
    if (!row)
      return (
        isSystem(ctx.actor) || hasRole(ctx.actor, 'dept_admin', 'dept_operator', 'authority_admin')
      );
    return (
      isSystem(ctx.actor) ||
      memberOf(ctx.actor, row.org_id, 'dept_admin', 'dept_operator') ||
      authorityOver(ctx.actor, row.region_path, 'authority_admin')
    );
  },
  handler: async (ctx, input) => {
    const row = await triggersQuery(ctx)
      .where('catalog_triggers.id', '=', input.id)
      .executeTakeFirst();
    if (!row) throw notFound();
    ctx.audit.target = `catalog-trigger:${row.id}`;
    ctx.audit.orgId = row.org_id;
    if (row.resolved_at) throw conflict(text('该事项已办结', 'already resolved'));
    const resolvedAt = ctx.now.toISOString();
    await ctx.db
      .updateTable('catalog_triggers')
      .set({ resolved_at: resolvedAt, resolution: input.resolution })
      .where('id', '=', row.id)
      .execute();
    // Late resolutions stay visible to supervision (R6.6: catalog not updated in time).
    return { ok: true, resolvedAt, late: chinaToday(ctx.now) > row.due_date };
  },
});

export const triggerActions = [create, list, resolve];
