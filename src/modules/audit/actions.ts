import { Type } from '@sinclair/typebox';
import { defineAction } from '../../core/action.ts';
import { hasRole, isAuditor, isSystem } from '../../core/policy.ts';
import { Input, Timestamp } from '../../core/schemas.ts';

/**
 * Reading the audit log (R6.2, R5.9 "traceable"). Auditors and the platform operator read all; an
 * authority admin reads its region's organisations; a department admin reads its own organisation.
 */
const AuditEvent = Type.Object({
  id: Type.Integer(),
  occurredAt: Timestamp,
  requestId: Type.String(),
  actorType: Type.String(),
  actorName: Type.String(),
  orgCode: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  target: Type.Union([Type.String(), Type.Null()]),
  outcome: Type.Union([Type.Literal('success'), Type.Literal('denied'), Type.Literal('failed')]),
});

const auditList = defineAction({
  name: 'audit.list',
  description: 'Page through audit events, newest first (cursor: the last id seen).',
  tag: 'audit',
  input: Input({
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    before: Type.Optional(Type.Integer({ minimum: 1 })),
    orgCode: Type.Optional(Type.String()),
    action: Type.Optional(Type.String()),
  }),
  output: Type.Object({
    items: Type.Array(AuditEvent),
    nextBefore: Type.Union([Type.Integer(), Type.Null()]),
  }),
  mutating: false,
  http: { method: 'GET', path: '/audit-events' },
  policy: (ctx) =>
    isSystem(ctx.actor) || hasRole(ctx.actor, 'auditor', 'authority_admin', 'dept_admin'),
  handler: async (ctx, input) => {
    let query = ctx.db
      .selectFrom('audit_events')
      .leftJoin('orgs', 'orgs.id', 'audit_events.org_id')
      .leftJoin('regions', 'regions.code', 'orgs.region_code')
      .select([
        'audit_events.id',
        'audit_events.occurred_at',
        'audit_events.request_id',
        'audit_events.actor_type',
        'audit_events.actor_name',
        'audit_events.action',
        'audit_events.target',
        'audit_events.outcome',
        'orgs.id as org_id',
        'orgs.code as org_code',
        'regions.path as region_path',
      ]);
    if (input.before) query = query.where('audit_events.id', '<', input.before);
    if (input.orgCode) query = query.where('orgs.code', '=', input.orgCode);
    if (input.action) query = query.where('audit_events.action', '=', input.action);
    const actor = ctx.actor;
    if (!isSystem(actor) && !isAuditor(actor) && actor.type === 'user') {
      // Row scoping in SQL, so that a page is never emptied by filtering after the limit.
      const adminPaths = actor.memberships
        .filter((m) => m.orgKind === 'authority' && m.role === 'authority_admin')
        .map((m) => m.regionPath);
      const deptOrgIds = actor.memberships
        .filter((m) => m.role === 'dept_admin')
        .map((m) => m.orgId);
      query = query.where((eb) =>
        eb.or([
          ...adminPaths.map((path) => eb('regions.path', 'like', `${path}%`)),
          ...(deptOrgIds.length ? [eb('orgs.id', 'in', deptOrgIds)] : []),
          eb('audit_events.actor_id', '=', actor.id),
        ]),
      );
    }
    const rows = await query
      .orderBy('audit_events.id', 'desc')
      .limit(input.limit + 1)
      .execute();
    const page = rows.slice(0, input.limit);
    return {
      items: page.map((row) => ({
        id: row.id,
        occurredAt: row.occurred_at,
        requestId: row.request_id,
        actorType: row.actor_type,
        actorName: row.actor_name,
        orgCode: row.org_code,
        action: row.action,
        target: row.target,
        outcome: row.outcome,
      })),
      nextBefore: rows.length > input.limit ? (page[page.length - 1]?.id ?? null) : null,
    };
  },
});

export const auditActions = [auditList];
