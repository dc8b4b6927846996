import { Type } from '@sinclair/typebox';
import { sql } from 'kysely';
import { defineAction } from '../../core/action.ts';
import { notFound } from '../../core/errors.ts';
import {
  authorityOver,
  isAuditor,
  isGovernmentActor,
  isSystem,
  memberOf,
} from '../../core/policy.ts';
import { Input } from '../../core/schemas.ts';
import { findVersion } from '../catalog/store.ts';
import { SYSTEM_COLUMNS } from './data-table.ts';

/**
 * The changes feed of a resource's typed table (issue 4, Data store): rows whose row version is
 * above a cursor, oldest first, deletions included as tombstones. Consumers will read it through
 * their grants (issue 5, exchange delivery); until then the provider, its region's authority and
 * auditors may.
 */
const changes = defineAction({
  name: 'aggregation.changes',
  description:
    'Rows of a resource changed since a cursor (row version), oldest first, with deletions.',
  tag: 'aggregation',
  input: Input({
    code: Type.String({ pattern: '^[A-Z0-9-]{2,40}$' }),
    since: Type.Integer({ minimum: 0, default: 0 }),
    limit: Type.Integer({ minimum: 1, maximum: 10000, default: 1000 }),
  }),
  output: Type.Object({
    items: Type.Array(
      Type.Object({
        rowVersion: Type.Integer(),
        deleted: Type.Boolean(),
        batchId: Type.Union([Type.String(), Type.Null()]),
        updatedAt: Type.String(),
        values: Type.Record(Type.String(), Type.Unknown()),
      }),
    ),
    nextCursor: Type.Integer({
      description: 'pass as `since` to continue; equal to `since` when nothing is new',
    }),
  }),
  mutating: false,
  http: { method: 'GET', path: '/resources/:code/changes' },
  policy: async (ctx, input) => {
    if (isSystem(ctx.actor) || isAuditor(ctx.actor)) return true;
    const row = await findVersion(ctx.db, input.code);
    if (!row) return isGovernmentActor(ctx.actor);
    return (
      memberOf(ctx.actor, row.org_id, 'dept_admin', 'dept_operator') ||
      authorityOver(ctx.actor, row.region_path, 'authority_admin', 'reviewer') ||
      (ctx.actor.type === 'token' && ctx.actor.orgId === row.org_id)
    );
  },
  handler: async (ctx, input) => {
    const table = await ctx.db
      .selectFrom('resource_data_tables')
      .innerJoin('resources', 'resources.id', 'resource_data_tables.resource_id')
      .select('resource_data_tables.table_name')
      .where('resources.code', '=', input.code)
      .executeTakeFirst();
    if (!table) throw notFound();
    const { rows } = await sql<
      Record<string, unknown>
    >`select * from ${sql.id(table.table_name)} where _row_version > ${input.since} order by _row_version limit ${input.limit}`.execute(
      ctx.db,
    );
    const system = new Set<string>(SYSTEM_COLUMNS);
    const items = rows.map((row) => ({
      rowVersion: Number(row._row_version),
      deleted: Number(row._deleted) === 1,
      batchId: (row._batch_id as string | null) ?? null,
      updatedAt: String(row._updated_at),
      values: Object.fromEntries(Object.entries(row).filter(([column]) => !system.has(column))),
    }));
    return { items, nextCursor: items.length ? items[items.length - 1]!.rowVersion : input.since };
  },
});

export const changesActions = [changes];
