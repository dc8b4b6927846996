import { Type } from '@sinclair/typebox';
import { defineAction } from '../../core/action.ts';
import { Input, Timestamp } from '../../core/schemas.ts';
import { isPublic } from './accounts.ts';
import { literals, Nullable, publicActor } from './workflow.ts';

/**
 * The personal centre's record of what the account took (R5.9: open-platform downloads and API calls
 * are traceable, and the user can see its own trace): one row per download, API call and preview.
 */
const Download = Type.Object({
  time: Timestamp,
  datasetCode: Type.String(),
  datasetName: Type.String(),
  channel: literals(['download', 'api', 'preview'] as const),
  format: Nullable(Type.String()),
  rows: Type.Integer(),
  /** The API key used, when the call came from a program. */
  keyId: Nullable(Type.String()),
});

const downloads = defineAction({
  name: 'open.me.downloads',
  description: 'The signed-in account’s downloads and API calls of open data, newest first (R5.9).',
  tag: 'open-accounts',
  input: Input({
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
  }),
  output: Type.Object({ total: Type.Integer(), items: Type.Array(Download) }),
  mutating: false,
  http: { method: 'GET', path: '/open/me/downloads' },
  policy: (ctx) => isPublic(ctx.actor),
  handler: async (ctx, input) => {
    const me = publicActor(ctx);
    // The log is written in batches (open/runtime.ts): what was just taken is listed too.
    await ctx.services.open.accessLog.flush();
    const base = ctx.db.selectFrom('open_access_log as l').where('l.account_id', '=', me.id);
    const { n } = await base
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const rows = await base
      // The log keeps the code as taken; the name is the catalog's current one, when it still exists.
      .leftJoin('resources as r', 'r.id', 'l.resource_id')
      .leftJoin('resource_versions as rv', (join) =>
        join
          .onRef('rv.resource_id', '=', 'r.id')
          .on((eb) => eb('rv.version', '=', eb.fn.coalesce('r.live_version', 'r.latest_version'))),
      )
      .select([
        'l.occurred_at',
        'l.resource_code',
        'l.channel',
        'l.format',
        'l.row_count',
        'l.key_id',
        'rv.name',
      ])
      .orderBy('l.id', 'desc')
      .limit(input.limit)
      .offset(input.offset)
      .execute();
    return {
      total: Number(n),
      items: rows.map((row) => ({
        time: row.occurred_at,
        datasetCode: row.resource_code,
        datasetName: row.name ?? row.resource_code,
        channel: row.channel,
        format: row.format,
        rows: Number(row.row_count),
        keyId: row.key_id,
      })),
    };
  },
});

export const meActions = [downloads];
