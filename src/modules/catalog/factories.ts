import type { DataItemDto, ResourceContentDto } from './model.ts';

/** Small, valid catalog content for tests (Outline's test factories); override what a test is about. */
export function item(overrides: Partial<DataItemDto> = {}): DataItemDto {
  return {
    name: '公民身份号码',
    column: 'id_number',
    type: 'C',
    length: 18,
    required: true,
    key: true,
    queryable: true,
    validator: { kind: 'id_card' },
    sensitivity: 'sensitive_personal',
    masking: 'partial',
    authoritative: false,
    ...overrides,
  };
}

export function resourceContent(overrides: Partial<ResourceContentDto> = {}): ResourceContentDto {
  return {
    classification: 'departmental',
    categoryPath: ['公共安全', '户政管理'],
    name: '居民户籍迁移登记信息',
    summary: '记录本市居民户籍迁入、迁出登记情况。',
    keywords: ['户籍', '迁移'],
    domains: ['other'],
    contact: { name: '户政科', phone: '0999-80000001' },
    businessMatter: '户口迁移登记',
    systemName: '人口信息管理系统',
    relatedResources: [],
    formatCategory: 'database',
    storageFormat: 'MySQL',
    items: [
      item(),
      item({
        name: '姓名',
        column: 'full_name',
        length: 50,
        key: false,
        validator: { kind: 'none' },
      }),
    ],
    share: {
      class: 'conditional',
      conditions: '仅限办理户籍相关业务使用',
      reasons: '涉及个人信息',
      deliveryMethods: ['interface', 'verification'],
    },
    open: { class: 'none' },
    updateCycle: 'daily',
    ...overrides,
  };
}
