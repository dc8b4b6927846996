import { Type, type Static } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import { defineAction, type ActionContext } from '../../core/action.ts';
import { REFERENCE_DATA_CACHE } from '../../core/read-cache.ts';
import { conflict, invalidFields, notFound, text } from '../../core/errors.ts';
import {
  administeredRegionPaths,
  authorityOver,
  isGovernmentActor,
  isSystem,
} from '../../core/policy.ts';
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

export type RegionSettingsDto = Static<typeof RegionSettings>;

/**
 * Presets: where the regulations differ, the value of each source jurisdiction (REQUIREMENTS.md,
 * "the platform makes it a setting of the jurisdiction (region), with the value of each source as a
 * preset"). Each is a whole set of settings, so that choosing one gives the same region whatever it
 * had before; what the source does not fix is the national default. `region.create` and
 * `region.update` take a preset's code (`preset`); settings given in the same input win over it.
 */
export const PRESET_CODES = ['national-default', 'shenyang', 'ningxia', 'shanghai'] as const;
export type RegionPresetCode = (typeof PRESET_CODES)[number];

const LocalizedString = Type.Object(
  { zh: Type.String(), en: Type.String() },
  { additionalProperties: false },
);

export const RegionPreset = Type.Object(
  {
    code: Type.Union(PRESET_CODES.map((code) => Type.Literal(code))),
    name: LocalizedString,
    settings: RegionSettings,
    /** Where the values come from (the source regulation and article), in a sentence. */
    note: LocalizedString,
  },
  { additionalProperties: false },
);
export type RegionPresetDto = Static<typeof RegionPreset>;

const NATIONAL_DEFAULT: RegionSettingsDto = {
  shareReplyDays: 10,
  openReplyDays: 15, // R5.6 (SY)
  catalogUpdateDays: 15, // R2.4 (NX Art. 8)
  problemReplyDays: 10, // R3.5: "promptly"; the platform's default, no source fixes a number
  problemUrgentReplyDays: 2,
  shareClassNames: DEFAULT_SHARE_CLASS_NAMES,
};

export const PRESETS: readonly RegionPresetDto[] = [
  {
    code: 'national-default',
    name: { zh: '平台默认', en: 'Platform default' },
    settings: NATIONAL_DEFAULT,
    note: {
      zh: '共享申请 10、依申请开放 15、目录更新 15、问题数据 10（紧急 2）个工作日；共享属性用通用名称。',
      en: 'Share requests 10, open-data requests 15, catalog updates 15, problem reports 10 (urgent 2) working days; the usual share-class names.',
    },
  },
  {
    // R4.4 (SY: 5 working days), R5.6 (SY: 15 working days).
    code: 'shenyang',
    name: { zh: '沈阳市', en: 'Shenyang' },
    settings: { ...NATIONAL_DEFAULT, shareReplyDays: 5 },
    note: {
      zh: '《沈阳市政务数据资源共享开放条例》：有条件共享申请 5 个工作日内答复，依申请开放不能当场答复的 15 个工作日内答复。',
      en: 'Shenyang Regulation on Sharing and Opening Government Data: conditional share requests answered within 5 working days, open-data requests within 15.',
    },
  },
  {
    // R4.4 (NX Art. 11: 10 working days), R2.4 (NX Art. 8: catalog updated within 15 working days).
    code: 'ningxia',
    name: { zh: '宁夏回族自治区', en: 'Ningxia' },
    settings: { ...NATIONAL_DEFAULT, shareReplyDays: 10, catalogUpdateDays: 15 },
    note: {
      zh: '《宁夏回族自治区政务数据资源共享管理办法》第十一条：有条件共享申请 10 个工作日内答复；第八条：目录 15 个工作日内更新。',
      en: 'Ningxia Measures for Government Data Sharing, Art. 11: conditional share requests answered within 10 working days; Art. 8: catalog updated within 15.',
    },
  },
  {
    // R4.1 (SH (四)): the share classes are 无条件共享, 授权共享 and 非共享; deadlines are the defaults.
    code: 'shanghai',
    name: { zh: '上海市', en: 'Shanghai' },
    settings: {
      ...NATIONAL_DEFAULT,
      shareClassNames: { unconditional: '无条件共享', conditional: '授权共享', none: '非共享' },
    },
    note: {
      zh: '《上海市公共数据和一网通办管理办法》：共享属性分为无条件共享、授权共享和非共享；期限用平台默认值。',
      en: 'Shanghai Measures for Public Data and One-Network Services: sharing is unconditional, authorized (授权共享) or none (非共享); deadlines are the defaults.',
    },
  },
];

/** The settings of each preset by code (the demo loader uses them directly). */
export const REGION_PRESETS = Object.fromEntries(
  PRESETS.map((preset) => [preset.code, preset.settings]),
) as Record<RegionPresetCode, RegionSettingsDto>;

/** The preset named `code`; an unknown code is a VALIDATION error on the `preset` field. */
export function presetSettings(code: string): RegionSettingsDto {
  const preset = PRESETS.find((p) => p.code === code);
  if (!preset) {
    throw invalidFields({
      preset: text(
        `未知的预设“${code}”，应为以下之一：${PRESET_CODES.join('、')}`,
        `unknown preset ${code}; must be one of ${PRESET_CODES.join(', ')}`,
      ),
    });
  }
  return preset.settings;
}

/** Which settings (and the name) an update changed, from and to: the audit event's details. */
function changesOf(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const [key, to] of Object.entries(after)) {
    const from = before[key];
    if (JSON.stringify(from) !== JSON.stringify(to)) changes[key] = { from, to };
  }
  return changes;
}

const PresetInput = Type.Optional(
  Type.Union(
    PRESET_CODES.map((code) => Type.Literal(code)),
    {
      description:
        'a preset code (see GET /regions/presets): its settings are applied, and settings given in the same input win over them',
    },
  ),
);

/** Who may manage regions (create, update) may read the presets: the platform and authority admins. */
const managesRegions = (ctx: ActionContext): boolean =>
  isSystem(ctx.actor) || administeredRegionPaths(ctx.actor).length > 0;

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

const regionPresets = defineAction({
  name: 'region.presets',
  description:
    'List the region setting presets (Shenyang, Ningxia, Shanghai, platform default) with the settings each sets and its legal source.',
  tag: 'regions',
  input: Input({}),
  output: ListOf(RegionPreset),
  mutating: false,
  http: { method: 'GET', path: '/regions/presets' },
  // The same people as region.create and region.update: the platform and authority admins (R1.1).
  policy: managesRegions,
  // A copy: a caller in the process (the CLI, a test) may not change the presets for the others.
  handler: () => Promise.resolve({ items: structuredClone([...PRESETS]) }),
});

const regionCreate = defineAction({
  name: 'region.create',
  description:
    'Create a region below an existing one (or a top-level province); settings come from the parent, then a preset, then those given.',
  tag: 'regions',
  input: Input({
    code: RegionCode,
    name: Type.String({ minLength: 1, maxLength: 100 }),
    level: Type.Union([Type.Literal('province'), Type.Literal('city'), Type.Literal('county')]),
    parentCode: Type.Optional(RegionCode),
    preset: PresetInput,
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
    // R2.4, R4.1, R4.4, R5.6: the parent's settings (a province: the platform default), over them
    // the chosen preset's, over those the settings given in the input.
    const inherited = parent ? presentRegion(parent).settings : NATIONAL_DEFAULT;
    const fromPreset = input.preset === undefined ? {} : presetSettings(input.preset);
    const settings: RegionSettingsDto = { ...inherited, ...fromPreset, ...input.settings };
    ctx.audit.details = { settings };
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
  description:
    'Rename a region or change its settings (deadlines, share class display names), from a preset and/or one by one.',
  tag: 'regions',
  input: Input({
    code: RegionCode,
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    preset: PresetInput,
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
    const before = presentRegion(region).settings;
    const fromPreset = input.preset === undefined ? {} : presetSettings(input.preset);
    const settings: RegionSettingsDto = { ...before, ...fromPreset, ...input.settings };
    // What changed, from and to (the input alone does not say what a preset changed).
    ctx.audit.details = {
      changes: changesOf(
        { name: region.name, ...before },
        { name: input.name ?? region.name, ...settings },
      ),
    };
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

export const regionActions = [regionList, regionPresets, regionCreate, regionUpdate];
