import { Type, type Static } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import { defineAction } from '../../core/action.ts';
import { REFERENCE_DATA_CACHE } from '../../core/read-cache.ts';
import { conflict, invalidFields, notFound, text } from '../../core/errors.ts';
import { authorityOver, isGovernmentActor, isSystem } from '../../core/policy.ts';
import { Input, ListOf, RegionCode } from '../../core/schemas.ts';
import type { Database, RegionTable } from '../../db/schema.ts';

/**
 * Regions and their settings (R1.1): the hierarchy province > city > county keyed by GB/T 2260 codes,
 * and the per-jurisdiction values where the regulations differ (R4.4 share reply deadline: Shenyang 5,
 * Ningxia 10 working days; R5.6 open-request deadline 15; R2.4 catalog update 15; R4.1 class names).
 */
export const ShareClassNames = Type.Object(
  { unconditional: Type.String(), conditional: Type.String(), none: Type.String() },
  { additionalProperties: false },
);

export const RegionSettings = Type.Object(
  {
    shareReplyDays: Type.Integer({ minimum: 1, maximum: 60 }),
    openReplyDays: Type.Integer({ minimum: 1, maximum: 60 }),
    catalogUpdateDays: Type.Integer({ minimum: 1, maximum: 60 }),
    /** R3.5: working days to answer a problem report, and an urgent one. */
    problemReplyDays: Type.Integer({ minimum: 1, maximum: 60, default: 10 }),
    problemUrgentReplyDays: Type.Integer({ minimum: 1, maximum: 30, default: 2 }),
    shareClassNames: ShareClassNames,
  },
  { additionalProperties: false },
);

export const Region = Type.Object({
  code: Type.String(),
  name: Type.String(),
  level: Type.Union([Type.Literal('province'), Type.Literal('city'), Type.Literal('county')]),
  parentCode: Type.Union([Type.String(), Type.Null()]),
  settings: RegionSettings,
});
export type RegionDto = Static<typeof Region>;

export const DEFAULT_SHARE_CLASS_NAMES = {
  unconditional: '无条件共享',
  conditional: '有条件共享',
  none: '不予共享',
};

/** Presets of R4.4 / R4.1: the values each source jurisdiction sets. */
export const REGION_PRESETS: Record<string, Static<typeof RegionSettings>> = {
  default: {
    shareReplyDays: 10,
    openReplyDays: 15,
    catalogUpdateDays: 15,
    problemReplyDays: 10,
    problemUrgentReplyDays: 2,
    shareClassNames: DEFAULT_SHARE_CLASS_NAMES,
  },
  shenyang: {
    shareReplyDays: 5,
    openReplyDays: 15,
    catalogUpdateDays: 15,
    problemReplyDays: 10,
    problemUrgentReplyDays: 2,
    shareClassNames: DEFAULT_SHARE_CLASS_NAMES,
  },
  ningxia: {
    shareReplyDays: 10,
    openReplyDays: 15,
    catalogUpdateDays: 15,
    problemReplyDays: 10,
    problemUrgentReplyDays: 2,
    shareClassNames: DEFAULT_SHARE_CLASS_NAMES,
  },
  shanghai: {
    shareReplyDays: 10,
    openReplyDays: 15,
    catalogUpdateDays: 15,
    problemReplyDays: 10,
    problemUrgentReplyDays: 2,
    shareClassNames: { unconditional: '无条件共享', conditional: '授权共享', none: '不予共享' },
  },
};

export function presentRegion(row: RegionTable): RegionDto {
  return {
    code: row.code,
    name: row.name,
    level: row.level,
    parentCode: row.parent_code,
    settings: {
      shareReplyDays: row.share_reply_days,
      openReplyDays: row.open_reply_days,
      catalogUpdateDays: row.catalog_update_days,
      problemReplyDays: row.problem_reply_days,
      problemUrgentReplyDays: row.problem_urgent_reply_days,
      shareClassNames: JSON.parse(row.share_class_names) as Static<typeof ShareClassNames>,
    },
  };
}

export async function findRegion(
  db: Kysely<Database>,
  code: string,
): Promise<RegionTable | undefined> {
  return db.selectFrom('regions').selectAll().where('code', '=', code).executeTakeFirst();
}

const LEVEL_BELOW = { province: 'city', city: 'county', county: null } as const;

const regionList = defineAction({
  name: 'region.list',
  description: 'List all regions with their settings.',
  tag: 'regions',
  input: Input({}),
  output: ListOf(Region),
  mutating: false,
  cache: REFERENCE_DATA_CACHE,
  http: { method: 'GET', path: '/regions' },
  policy: (ctx) => isGovernmentActor(ctx.actor),
  handler: async (ctx) => {
    const rows = await ctx.db.selectFrom('regions').selectAll().orderBy('path').execute();
    return { items: rows.map(presentRegion) };
  },
});

const regionCreate = defineAction({
  name: 'region.create',
  description: 'Create a region below an existing one (or a top-level province).',
  tag: 'regions',
  input: Input({
    code: RegionCode,
    name: Type.String({ minLength: 1, maxLength: 100 }),
    level: Type.Union([Type.Literal('province'), Type.Literal('city'), Type.Literal('county')]),
    parentCode: Type.Optional(RegionCode),
    settings: Type.Optional(Type.Partial(RegionSettings)),
  }),
  output: Region,
  mutating: true,
  http: { method: 'POST', path: '/regions', status: 201 },
  policy: async (ctx, input) => {
    if (isSystem(ctx.actor)) return true;
    if (input.parentCode === undefined) return false; // only the platform operator adds provinces
    const parent = await findRegion(ctx.db, input.parentCode);
    return parent !== undefined && authorityOver(ctx.actor, parent.path, 'authority_admin');
  },
  handler: async (ctx, input) => {
    ctx.audit.target = `region:${input.code}`;
    const parent = input.parentCode ? await findRegion(ctx.db, input.parentCode) : undefined;
    if (input.parentCode && !parent) {
      throw invalidFields({
        parentCode: text('上级行政区划不存在', 'parent region does not exist'),
      });
    }
    if (parent && LEVEL_BELOW[parent.level] !== input.level) {
      throw invalidFields({
        level: text(
          `${parent.name}的下级应为${LEVEL_BELOW[parent.level] ?? '无'}级`,
          `a region below a ${parent.level} must be a ${LEVEL_BELOW[parent.level] ?? 'nothing'}`,
        ),
      });
    }
    if (!parent && input.level !== 'province') {
      throw invalidFields({
        parentCode: text('市、县级行政区划须指定上级', 'a city or county needs a parent'),
      });
    }
    if (await findRegion(ctx.db, input.code)) {
      throw conflict(
        text(`行政区划代码 ${input.code} 已存在`, `region ${input.code} already exists`),
      );
    }
    const inherited = parent ? presentRegion(parent).settings : REGION_PRESETS.default!;
    const settings = { ...inherited, ...input.settings };
    const now = ctx.now.toISOString();
    const row: RegionTable = {
      code: input.code,
      name: input.name,
      level: input.level,
      parent_code: parent?.code ?? null,
      path: `${parent?.path ?? '/'}${input.code}/`,
      share_reply_days: settings.shareReplyDays,
      open_reply_days: settings.openReplyDays,
      catalog_update_days: settings.catalogUpdateDays,
      problem_reply_days: settings.problemReplyDays,
      problem_urgent_reply_days: settings.problemUrgentReplyDays,
      share_class_names: JSON.stringify(settings.shareClassNames),
      created_at: now,
      updated_at: now,
    };
    await ctx.db.insertInto('regions').values(row).execute();
    return presentRegion(row);
  },
});

const regionUpdate = defineAction({
  name: 'region.update',
  description: 'Rename a region or change its settings (deadlines, share class display names).',
  tag: 'regions',
  input: Input({
    code: RegionCode,
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    settings: Type.Optional(Type.Partial(RegionSettings)),
  }),
  output: Region,
  mutating: true,
  http: { method: 'PATCH', path: '/regions/:code' },
  policy: async (ctx, input) => {
    if (isSystem(ctx.actor)) return true;
    const region = await findRegion(ctx.db, input.code);
    return region !== undefined && authorityOver(ctx.actor, region.path, 'authority_admin');
  },
  handler: async (ctx, input) => {
    ctx.audit.target = `region:${input.code}`;
    const region = await findRegion(ctx.db, input.code);
    if (!region) throw notFound();
    const settings = { ...presentRegion(region).settings, ...input.settings };
    const changes = {
      name: input.name ?? region.name,
      share_reply_days: settings.shareReplyDays,
      open_reply_days: settings.openReplyDays,
      catalog_update_days: settings.catalogUpdateDays,
      problem_reply_days: settings.problemReplyDays,
      problem_urgent_reply_days: settings.problemUrgentReplyDays,
      share_class_names: JSON.stringify(settings.shareClassNames),
      updated_at: ctx.now.toISOString(),
    };
    await ctx.db.updateTable('regions').set(changes).where('code', '=', input.code).execute();
    return presentRegion({ ...region, ...changes });
  },
});

export const regionActions = [regionList, regionCreate, regionUpdate];
