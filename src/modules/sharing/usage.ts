import { Type } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import { defineAction, type ActionContext } from '../../core/action.ts';
import type { Actor } from '../../core/actor.ts';
import { notFound, text, type LocalizedText } from '../../core/errors.ts';
import { authorityOver, isAuditor, isGovernmentActor, isSystem } from '../../core/policy.ts';
import { Input, Timestamp } from '../../core/schemas.ts';
import type { Database } from '../../db/schema.ts';
import { chinaToday } from '../calendar/calendar.ts';
import {
  ActorOrgCode,
  loadLiveResource,
  mayReadSharing,
  Nullable,
  ResourceCode,
} from './common.ts';
import { rowWatermark, WATERMARK_COLUMN } from './data-api.ts';
import { findGrant } from './grants.ts';

/**
 * Usage of the data API and misuse signals (issue 5: "these records feed usage statistics, misuse
 * detection and the ledger"; R4.8 purpose-bound use, R6.6 supervision), read from the access log.
 * Who sees what: the parties see their own calls (as consumer or provider), the authority its
 * region's, auditors and the CLI everything.
 */

/** Organisation ids whose calls the actor sees; null = all. */
async function scopeOrgIds(db: Kysely<Database>, actor: Actor): Promise<string[] | null> {
  if (isSystem(actor) || isAuditor(actor)) return null;
  if (actor.type === 'token') return [actor.orgId];
  if (actor.type !== 'user') return [];
  const ids = new Set(actor.memberships.map((m) => m.orgId));
  const paths = actor.memberships
    .filter(
      (m) => m.orgKind === 'authority' && (m.role === 'authority_admin' || m.role === 'reviewer'),
    )
    .map((m) => m.regionPath);
  for (const path of paths) {
    const governed = await db
      .selectFrom('orgs')
      .innerJoin('regions', 'regions.code', 'orgs.region_code')
      .select('orgs.id')
      .where('regions.path', 'like', `${path}%`)
      .execute();
    for (const org of governed) ids.add(org.id);
  }
  return [...ids];
}

const Filters = {
  grantId: Type.Optional(Type.String({ maxLength: 64 })),
  resourceCode: Type.Optional(ResourceCode),
  consumerOrgCode: Type.Optional(ActorOrgCode),
  providerOrgCode: Type.Optional(ActorOrgCode),
};

async function logQuery(
  ctx: ActionContext,
  input: {
    grantId?: string;
    resourceCode?: string;
    consumerOrgCode?: string;
    providerOrgCode?: string;
  },
  since: string | null,
) {
  // Calls still buffered in this process belong in the answer.
  await ctx.services.sharing.accessLog.flush();
  const scope = await scopeOrgIds(ctx.db, ctx.actor);
  let query = ctx.db
    .selectFrom('share_access_log as l')
    .leftJoin('orgs as co', 'co.id', 'l.consumer_org_id');
  if (scope !== null) {
    const ids = scope.length ? scope : [''];
    query = query.where((eb) =>
      eb.or([eb('l.consumer_org_id', 'in', ids), eb('l.provider_org_id', 'in', ids)]),
    );
  }
  if (since) query = query.where('l.occurred_at', '>=', since);
  if (input.grantId) query = query.where('l.grant_id', '=', input.grantId);
  if (input.resourceCode) query = query.where('l.resource_code', '=', input.resourceCode);
  if (input.consumerOrgCode) query = query.where('co.code', '=', input.consumerOrgCode);
  if (input.providerOrgCode) {
    const provider = await ctx.db
      .selectFrom('orgs')
      .select('id')
      .where('code', '=', input.providerOrgCode)
      .executeTakeFirst();
    query = query.where('l.provider_org_id', '=', provider?.id ?? '');
  }
  return query;
}

async function grantPolicy(ctx: ActionContext, grantId: string | undefined): Promise<boolean> {
  if (!isGovernmentActor(ctx.actor)) return false;
  if (!grantId) return true;
  const row = await findGrant(ctx.db, grantId);
  if (!row) return true; // answered with nothing
  return mayReadSharing(ctx.actor, row.consumer_org_id, row.provider_org_id, row.region_path);
}

const Alert = Type.Object({
  kind: Type.Union(
    ['denied_calls', 'ended_grant_use', 'untraced_calls', 'volume_spike', 'off_hours'].map((k) =>
      Type.Literal(k),
    ),
  ),
  grantId: Nullable(Type.String()),
  consumerOrgCode: Nullable(Type.String()),
  resourceCode: Nullable(Type.String()),
  count: Type.Integer(),
  message: Type.Object({ zh: Type.String(), en: Type.String() }),
});

const usage = defineAction({
  name: 'share.usage',
  description:
    'Usage of the data API over the last days: calls and refusals per day, operation, consumer and resource, with misuse signals.',
  tag: 'sharing',
  input: Input({ ...Filters, days: Type.Integer({ minimum: 1, maximum: 366, default: 30 }) }),
  output: Type.Object({
    totals: Type.Object({ calls: Type.Integer(), denied: Type.Integer(), rows: Type.Integer() }),
    daily: Type.Array(
      Type.Object({
        date: Type.String(),
        calls: Type.Integer(),
        denied: Type.Integer(),
        rows: Type.Integer(),
      }),
    ),
    byOperation: Type.Array(Type.Object({ operation: Type.String(), calls: Type.Integer() })),
    byConsumer: Type.Array(
      Type.Object({
        orgCode: Type.String(),
        orgName: Type.String(),
        calls: Type.Integer(),
        denied: Type.Integer(),
      }),
    ),
    byResource: Type.Array(
      Type.Object({
        resourceCode: Type.String(),
        resourceName: Type.String(),
        calls: Type.Integer(),
      }),
    ),
    alerts: Type.Array(Alert),
  }),
  mutating: false,
  http: { method: 'GET', path: '/share/usage' },
  policy: (ctx, input) => grantPolicy(ctx, input.grantId),
  handler: async (ctx, input) => {
    const since = new Date(ctx.now.getTime() - input.days * 86_400_000).toISOString();
    const rows = await (
      await logQuery(ctx, input, since)
    )
      .select((eb) => [
        eb.fn<string>('substr', ['l.occurred_at', eb.val(1), eb.val(13)]).as('hour'),
        'l.operation',
        'l.grant_id',
        'l.resource_code',
        'l.error_code',
        'co.code as consumer_code',
        'co.name as consumer_name',
        eb.fn.countAll<number>().as('calls'),
        eb.fn.sum<number>('l.row_count').as('rows'),
        eb.fn.sum<number>(eb.case().when('l.status', '>=', 400).then(1).else(0).end()).as('denied'),
        eb.fn
          .sum<number>(
            eb
              .case()
              .when(eb.or([eb('l.end_user', 'is', null), eb('l.case_ref', 'is', null)]))
              .then(1)
              .else(0)
              .end(),
          )
          .as('untraced'),
      ])
      .groupBy([
        'hour',
        'l.operation',
        'l.grant_id',
        'l.resource_code',
        'l.error_code',
        'co.code',
        'co.name',
      ])
      .execute();
    const daily = new Map<string, { calls: number; denied: number; rows: number }>();
    for (let day = 0; day < input.days; day++) {
      const date = chinaToday(new Date(ctx.now.getTime() - (input.days - 1 - day) * 86_400_000));
      daily.set(date, { calls: 0, denied: 0, rows: 0 });
    }
    const byOperation = new Map<string, number>();
    const byConsumer = new Map<string, { orgName: string; calls: number; denied: number }>();
    const byResource = new Map<string, number>();
    const byGrant = new Map<
      string,
      {
        consumer: string | null;
        resource: string | null;
        calls: number;
        untraced: number;
        offHours: number;
        ended: number;
        denied: number;
        perDay: Map<string, number>;
      }
    >();
    const totals = { calls: 0, denied: 0, rows: 0 };
    for (const row of rows) {
      const calls = Number(row.calls);
      const denied = Number(row.denied);
      const rowCount = Number(row.rows ?? 0);
      // Hours are UTC; China time is UTC+8.
      const chinaHour = new Date(`${row.hour}:00:00.000Z`);
      const date = chinaToday(chinaHour);
      const hourOfDay = (chinaHour.getUTCHours() + 8) % 24;
      const day = daily.get(date);
      if (day) {
        day.calls += calls;
        day.denied += denied;
        day.rows += rowCount;
      }
      totals.calls += calls;
      totals.denied += denied;
      totals.rows += rowCount;
      byOperation.set(row.operation, (byOperation.get(row.operation) ?? 0) + calls);
      if (row.consumer_code) {
        const consumer = byConsumer.get(row.consumer_code) ?? {
          orgName: row.consumer_name ?? row.consumer_code,
          calls: 0,
          denied: 0,
        };
        consumer.calls += calls;
        consumer.denied += denied;
        byConsumer.set(row.consumer_code, consumer);
      }
      if (row.resource_code)
        byResource.set(row.resource_code, (byResource.get(row.resource_code) ?? 0) + calls);
      const key = row.grant_id ?? `consumer:${row.consumer_code ?? '-'}`;
      const grant = byGrant.get(key) ?? {
        consumer: row.consumer_code,
        resource: row.resource_code,
        calls: 0,
        untraced: 0,
        offHours: 0,
        ended: 0,
        denied: 0,
        perDay: new Map<string, number>(),
      };
      grant.calls += calls;
      grant.denied += denied;
      if (denied === 0) grant.untraced += Number(row.untraced);
      if (hourOfDay >= 22 || hourOfDay < 6) grant.offHours += calls;
      if (row.error_code === 'SHARE_GRANT_REVOKED' || row.error_code === 'SHARE_GRANT_EXPIRED')
        grant.ended += calls;
      grant.perDay.set(date, (grant.perDay.get(date) ?? 0) + calls);
      byGrant.set(key, grant);
    }
    const names = new Map(
      byResource.size === 0
        ? []
        : (
            await ctx.db
              .selectFrom('resources as r')
              .innerJoin('resource_versions as rv', (join) =>
                join
                  .onRef('rv.resource_id', '=', 'r.id')
                  .on((eb) =>
                    eb('rv.version', '=', eb.fn.coalesce('r.live_version', 'r.latest_version')),
                  ),
              )
              .select(['r.code', 'rv.name'])
              .where('r.code', 'in', [...byResource.keys()])
              .execute()
          ).map((row) => [row.code, row.name]),
    );
    return {
      totals,
      daily: [...daily].map(([date, day]) => ({ date, ...day })),
      byOperation: [...byOperation].map(([operation, calls]) => ({ operation, calls })),
      byConsumer: [...byConsumer]
        .map(([orgCode, consumer]) => ({ orgCode, ...consumer }))
        .sort((a, b) => b.calls - a.calls),
      byResource: [...byResource]
        .map(([resourceCode, calls]) => ({
          resourceCode,
          resourceName: names.get(resourceCode) ?? resourceCode,
          calls,
        }))
        .sort((a, b) => b.calls - a.calls),
      alerts: misuseSignals(byGrant, chinaToday(ctx.now)),
    };
  },
});

/**
 * Misuse signals (R4.8, R6.6), documented in docs/API-sharing.md: repeated refusals (probing beyond
 * the grant), use of a revoked or expired grant, calls that name no end user or case (not traceable
 * to a purpose), a day with three times the grant's daily average, and a large share of calls at
 * night (22:00-06:00 China time).
 */
function misuseSignals(
  byGrant: Map<
    string,
    {
      consumer: string | null;
      resource: string | null;
      calls: number;
      untraced: number;
      offHours: number;
      ended: number;
      denied: number;
      perDay: Map<string, number>;
    }
  >,
  today: string,
) {
  const alerts: {
    kind: 'denied_calls' | 'ended_grant_use' | 'untraced_calls' | 'volume_spike' | 'off_hours';
    grantId: string | null;
    consumerOrgCode: string | null;
    resourceCode: string | null;
    count: number;
    message: LocalizedText;
  }[] = [];
  for (const [key, grant] of byGrant) {
    const base = {
      grantId: key.startsWith('consumer:') ? null : key,
      consumerOrgCode: grant.consumer,
      resourceCode: grant.resource,
    };
    const refused = grant.denied - grant.ended;
    if (refused >= 10 && refused / grant.calls >= 0.2) {
      alerts.push({
        ...base,
        kind: 'denied_calls',
        count: refused,
        message: text(
          `${refused} 次调用被拒绝（超出授权范围的尝试）`,
          `${refused} calls refused (attempts beyond the grant)`,
        ),
      });
    }
    if (grant.ended > 0) {
      alerts.push({
        ...base,
        kind: 'ended_grant_use',
        count: grant.ended,
        message: text(
          `授权撤销或到期后仍调用 ${grant.ended} 次`,
          `${grant.ended} calls after the grant was revoked or expired`,
        ),
      });
    }
    const allowed = grant.calls - grant.denied;
    if (grant.untraced >= 20 && grant.untraced / Math.max(allowed, 1) >= 0.5) {
      alerts.push({
        ...base,
        kind: 'untraced_calls',
        count: grant.untraced,
        message: text(
          `${grant.untraced} 次调用未注明经办人或业务编号`,
          `${grant.untraced} calls name no end user or case`,
        ),
      });
    }
    const days = [...grant.perDay.values()];
    const average = days.reduce((sum, n) => sum + n, 0) / Math.max(days.length, 1);
    const latest = grant.perDay.get(today) ?? 0;
    if (days.length >= 3 && latest >= 100 && latest > 3 * average) {
      alerts.push({
        ...base,
        kind: 'volume_spike',
        count: latest,
        message: text(
          `今日调用 ${latest} 次，超过日均的三倍`,
          `${latest} calls today, over three times the daily average`,
        ),
      });
    }
    if (grant.offHours >= 50 && grant.offHours / grant.calls >= 0.2) {
      alerts.push({
        ...base,
        kind: 'off_hours',
        count: grant.offHours,
        message: text(
          `${grant.offHours} 次调用发生在夜间（22:00-06:00）`,
          `${grant.offHours} calls at night (22:00-06:00)`,
        ),
      });
    }
  }
  return alerts.sort((a, b) => b.count - a.count);
}

const AccessRecord = Type.Object({
  id: Type.Integer(),
  occurredAt: Timestamp,
  requestId: Type.String(),
  systemName: Nullable(Type.String()),
  consumerOrgCode: Nullable(Type.String()),
  grantId: Nullable(Type.String()),
  resourceCode: Nullable(Type.String()),
  operation: Type.String(),
  purpose: Nullable(Type.String()),
  endUser: Nullable(Type.String()),
  caseRef: Nullable(Type.String()),
  emergencyId: Nullable(Type.String()),
  status: Type.Integer(),
  errorCode: Nullable(Type.String()),
  rowCount: Type.Integer(),
  fields: Nullable(Type.Array(Type.String())),
  responseDigest: Nullable(Type.String()),
  durationMs: Type.Number(),
  clientIp: Nullable(Type.String()),
});

const accessList = defineAction({
  name: 'share.access.list',
  description:
    'The access log of the data API: every call, allowed or refused, with grant, purpose, end user, case, rows, fields and response digest.',
  tag: 'sharing',
  input: Input({
    ...Filters,
    status: Type.Optional(Type.Union([Type.Literal('allowed'), Type.Literal('denied')])),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    offset: Type.Integer({ minimum: 0, default: 0 }),
  }),
  output: Type.Object({ items: Type.Array(AccessRecord), total: Type.Integer() }),
  mutating: false,
  http: { method: 'GET', path: '/share/access-log' },
  policy: (ctx, input) => grantPolicy(ctx, input.grantId),
  handler: async (ctx, input) => {
    let query = await logQuery(ctx, input, null);
    if (input.status === 'allowed') query = query.where('l.status', '<', 400);
    if (input.status === 'denied') query = query.where('l.status', '>=', 400);
    const total = await query
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const rows = await query
      .selectAll('l')
      .select('co.code as consumer_code')
      .orderBy('l.id', 'desc')
      .limit(input.limit)
      .offset(input.offset)
      .execute();
    return {
      total: Number(total.n),
      items: rows.map((row) => ({
        id: Number(row.id),
        occurredAt: row.occurred_at,
        requestId: row.request_id,
        systemName: row.system_name,
        consumerOrgCode: row.consumer_code,
        grantId: row.grant_id,
        resourceCode: row.resource_code,
        operation: row.operation,
        purpose: row.purpose,
        endUser: row.end_user,
        caseRef: row.case_ref,
        emergencyId: row.emergency_id,
        status: Number(row.status),
        errorCode: row.error_code,
        rowCount: Number(row.row_count),
        fields: row.fields ? (JSON.parse(row.fields) as string[]) : null,
        responseDigest: row.response_digest,
        durationMs: Number(row.duration_ms),
        clientIp: row.client_ip,
      })),
    };
  },
});

const trace = defineAction({
  name: 'share.watermark.trace',
  description:
    'Trace rows of a leaked export to the grant it was made under, by the per-grant watermark of each row.',
  tag: 'sharing',
  input: Input({
    resourceCode: ResourceCode,
    rows: Type.Array(Type.Record(Type.String({ maxLength: 63 }), Type.Unknown()), {
      minItems: 1,
      maxItems: 1000,
    }),
  }),
  output: Type.Object({
    checked: Type.Integer(),
    unmarked: Type.Integer(),
    matches: Type.Array(
      Type.Object({
        grantId: Type.String(),
        consumerOrgCode: Type.String(),
        consumerOrgName: Type.String(),
        grantStatus: Type.String(),
        rows: Type.Integer(),
      }),
    ),
  }),
  mutating: false,
  http: { method: 'POST', path: '/share/watermark/trace' },
  // The provider and the authority over it trace leaks of their data; auditors may too.
  policy: async (ctx, input) => {
    if (isSystem(ctx.actor) || isAuditor(ctx.actor)) return true;
    const resource = await loadLiveResource(ctx.db, input.resourceCode);
    if (!resource) return ctx.actor.type === 'user';
    return (
      authorityOver(ctx.actor, resource.regionPath, 'authority_admin', 'reviewer') ||
      (ctx.actor.type === 'user' &&
        ctx.actor.memberships.some((m) => m.orgId === resource.orgId && m.role === 'dept_admin'))
    );
  },
  handler: async (ctx, input) => {
    const resource = await loadLiveResource(ctx.db, input.resourceCode);
    if (!resource) throw notFound();
    const grants = await ctx.db
      .selectFrom('share_grants as g')
      .innerJoin('orgs as co', 'co.id', 'g.consumer_org_id')
      .select([
        'g.id',
        'g.items',
        'g.masking',
        'g.watermark_key',
        'g.revoked_at',
        'g.valid_to',
        'co.code',
        'co.name',
      ])
      .where('g.resource_id', '=', resource.id)
      .execute();
    const counts = new Map<string, number>();
    let unmarked = 0;
    for (const row of input.rows) {
      const mark = row[WATERMARK_COLUMN];
      if (typeof mark !== 'string') {
        unmarked++;
        continue;
      }
      for (const grant of grants) {
        const masking = JSON.parse(grant.masking) as Record<string, string>;
        const columns = (JSON.parse(grant.items) as string[]).filter((c) => masking[c] !== 'drop');
        if (
          rowWatermark(
            grant.watermark_key,
            columns.map((column) => row[column]),
          ) === mark
        ) {
          counts.set(grant.id, (counts.get(grant.id) ?? 0) + 1);
        }
      }
    }
    return {
      checked: input.rows.length,
      unmarked,
      matches: grants
        .filter((grant) => counts.has(grant.id))
        .map((grant) => ({
          grantId: grant.id,
          consumerOrgCode: grant.code,
          consumerOrgName: grant.name,
          grantStatus:
            grant.revoked_at !== null
              ? 'revoked'
              : grant.valid_to !== null && grant.valid_to < ctx.now.toISOString()
                ? 'expired'
                : 'active',
          rows: counts.get(grant.id) ?? 0,
        }))
        .sort((a, b) => b.rows - a.rows),
    };
  },
});

export const usageActions = [usage, accessList, trace];
