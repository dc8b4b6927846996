import { Type, type Static } from '@sinclair/typebox';

/**
 * The catalog entry ("resource", 政务数据资源) as the national cataloguing guide and Luzhou Art. 11
 * describe it (R2.2), with the enumerations the guide fixes. Stored as one JSON document per version;
 * the columns that lists, facets and rules need are copied out beside it (see migrations/0002).
 */
const literals = <T extends string>(values: readonly T[]) =>
  Type.Union(values.map((value) => Type.Literal(value)));

// R2.3: base, thematic or departmental resources.
export const CLASSIFICATIONS = ['base', 'thematic', 'departmental'] as const;
export const BASE_KINDS = [
  'population',
  'legal_person',
  'natural_resources_spatial',
  'credit',
  'e_licence',
] as const;
export const BASE_KIND_NAMES: Record<(typeof BASE_KINDS)[number], string> = {
  population: '人口',
  legal_person: '法人',
  natural_resources_spatial: '自然资源和空间地理',
  credit: '社会信用',
  e_licence: '电子证照',
};
/** R2.3's thematic list; the authority may extend it (free text beyond these is accepted). */
export const THEMES = [
  '医疗健康',
  '社会保障',
  '食品药品安全',
  '安全生产',
  '价格监管',
  '能源安全',
  '信用体系',
  '城乡建设',
  '社区治理',
  '生态环境',
  '应急维稳',
] as const;
/** R5.2's priority open domains. */
export const DOMAINS = [
  'credit',
  'transport',
  'health',
  'employment',
  'social_security',
  'education',
  'environment',
  'weather',
  'company_registration',
  'other',
] as const;
export const FORMAT_CATEGORIES = [
  'spreadsheet',
  'database',
  'document',
  'image',
  'streaming',
  'self_describing',
  'service',
] as const;
export const FORMAT_CATEGORY_NAMES: Record<(typeof FORMAT_CATEGORIES)[number], string> = {
  spreadsheet: '电子表格',
  database: '数据库',
  document: '电子文件',
  image: '图形图像',
  streaming: '流媒体',
  self_describing: '自描述格式',
  service: '服务接口',
};
/** Formats whose content is rows and columns: they need data items. */
export const TABULAR_FORMATS: readonly string[] = [
  'spreadsheet',
  'database',
  'self_describing',
  'service',
];
// The national guide's data types: 字符型C 数值型N 货币型Y 日期型D 日期时间型T 逻辑型L 备注型M 通用型G 双精度型B 整型I 浮点型F.
export const DATA_TYPES = ['C', 'N', 'Y', 'D', 'T', 'L', 'M', 'G', 'B', 'I', 'F'] as const;
export const VALIDATOR_KINDS = [
  'none',
  'id_card',
  'credit_code',
  'mobile',
  'region_code',
  'date',
  'enum',
  'regex',
] as const;
export const SENSITIVITIES = ['none', 'personal', 'sensitive_personal'] as const;
export const MASKING_RULES = ['none', 'partial', 'hash', 'full'] as const;
export const SHARE_CLASSES = ['unconditional', 'conditional', 'none'] as const;
export const OPEN_CLASSES = ['unconditional', 'conditional', 'none'] as const;
export const DELIVERY_METHODS = [
  'interface',
  'verification',
  'exchange',
  'analysis',
  'file',
] as const;
export const UPDATE_CYCLES = [
  'realtime',
  'daily',
  'weekly',
  'monthly',
  'quarterly',
  'half_yearly',
  'yearly',
  'irregular',
] as const;
export const UPDATE_CYCLE_NAMES: Record<(typeof UPDATE_CYCLES)[number], string> = {
  realtime: '实时',
  daily: '每日',
  weekly: '每周',
  monthly: '每月',
  quarterly: '每季度',
  half_yearly: '每半年',
  yearly: '每年',
  irregular: '不定期',
};

export const DataItem = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, description: '信息项名称 (Chinese)' }),
    column: Type.String({ pattern: '^[a-z][a-z0-9_]{0,62}$', description: 'column name' }),
    type: literals(DATA_TYPES),
    length: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
    description: Type.Optional(Type.String({ maxLength: 500 })),
    required: Type.Boolean({ default: false }),
    key: Type.Boolean({ default: false }),
    queryable: Type.Boolean({ default: false }),
    validator: Type.Optional(
      Type.Object(
        {
          kind: literals(VALIDATOR_KINDS),
          values: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { maxItems: 500 })),
          pattern: Type.Optional(Type.String({ maxLength: 500 })),
        },
        { additionalProperties: false },
      ),
    ),
    sensitivity: literals(SENSITIVITIES),
    masking: literals(MASKING_RULES),
    /** This resource is the authoritative source of the datum (一数一源, R3.2). */
    authoritative: Type.Boolean({ default: false }),
  },
  { additionalProperties: false },
);
export type DataItemDto = Static<typeof DataItem>;

export const ResourceContent = Type.Object(
  {
    classification: literals(CLASSIFICATIONS),
    baseKind: Type.Optional(literals(BASE_KINDS)),
    theme: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
    /** 类/项/目/细目 */
    categoryPath: Type.Array(Type.String({ minLength: 1, maxLength: 50 }), {
      minItems: 1,
      maxItems: 4,
    }),
    name: Type.String({ minLength: 2, maxLength: 200 }),
    summary: Type.String({ minLength: 1, maxLength: 2000 }),
    keywords: Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 20 }),
    domains: Type.Array(literals(DOMAINS), { maxItems: 10 }),
    contact: Type.Object(
      {
        name: Type.String({ minLength: 1, maxLength: 50 }),
        phone: Type.String({ minLength: 5, maxLength: 30 }),
      },
      { additionalProperties: false },
    ),
    businessMatter: Type.String({ minLength: 1, maxLength: 200, description: '事项名称' }),
    systemName: Type.String({ minLength: 1, maxLength: 200, description: '信息系统名称' }),
    relatedResources: Type.Array(Type.String(), { maxItems: 50 }),
    formatCategory: literals(FORMAT_CATEGORIES),
    storageFormat: Type.String({ minLength: 1, maxLength: 50 }),
    items: Type.Array(DataItem, { maxItems: 500 }),
    share: Type.Object(
      {
        class: literals(SHARE_CLASSES),
        conditions: Type.Optional(Type.String({ maxLength: 2000 })),
        reasons: Type.Optional(Type.String({ maxLength: 2000 })),
        legalBasis: Type.Optional(Type.String({ maxLength: 2000 })),
        deliveryMethods: Type.Array(literals(DELIVERY_METHODS), { maxItems: 5 }),
        period: Type.Optional(Type.String({ maxLength: 200 })),
      },
      { additionalProperties: false },
    ),
    open: Type.Object(
      {
        class: literals(OPEN_CLASSES),
        conditions: Type.Optional(Type.String({ maxLength: 2000 })),
      },
      { additionalProperties: false },
    ),
    updateCycle: literals(UPDATE_CYCLES),
    releaseDate: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })),
  },
  { additionalProperties: false },
);
export type ResourceContentDto = Static<typeof ResourceContent>;
