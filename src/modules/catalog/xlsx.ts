import type ExcelJS from 'exceljs';
import { stringify } from 'csv-stringify/sync';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { Value } from '@sinclair/typebox/value';
import { AppError, text, type LocalizedText } from '../../core/errors.ts';
import {
  BASE_KIND_NAMES,
  FORMAT_CATEGORY_NAMES,
  ResourceContent,
  THEMES,
  UPDATE_CYCLE_NAMES,
  type DataItemDto,
  type ResourceContentDto,
} from './model.ts';
import { checkResourceRules } from './rules.ts';

/**
 * The catalog's spreadsheet formats (issue: lists and exchange formats):
 * - the import template (sheets 资源, 信息项, 说明 and a hidden 代码表 holding the drop-down lists),
 *   and its parser, which reports every problem with sheet, row and column as Excel shows them;
 * - the region's lists (sharing catalog, open catalog, per-department responsibility list, whole
 *   catalog) as XLSX and as CSV (UTF-8 with BOM, so that Excel shows the Chinese).
 * Columns are found by their header text, so users may reorder them and exports of the whole catalog
 * can be imported again.
 */

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const CSV_TYPE = 'text/csv; charset=utf-8';

export const IMPORT_LIMITS = {
  /** Largest upload (HTTP body, CLI file). */
  maxBytes: 20 * 1024 * 1024,
  /** What the workbook may unpack to (a zip bomb guard; declared sizes in the ZIP directory). */
  maxUnpackedBytes: 300 * 1024 * 1024,
  maxResources: 20_000,
  maxItems: 200_000,
} as const;

/** Rows of the template prepared with drop-down lists. */
const TEMPLATE_ROWS = 5000;
/** Resource rows whose name starts with this are examples and never imported. */
export const EXAMPLE_MARK = '【示例】';

export const SHEETS = {
  resources: '资源',
  items: '信息项',
  help: '说明',
  lists: '代码表',
} as const;

// ---------------------------------------------------------------------------------------------
// Chinese labels of the model's enumerations

type Content = ResourceContentDto;
type Item = DataItemDto;

export const LABELS = {
  classification: { base: '基础', thematic: '主题', departmental: '部门' },
  baseKind: BASE_KIND_NAMES,
  domain: {
    credit: '信用',
    transport: '交通',
    health: '卫生健康',
    employment: '就业',
    social_security: '社会保障',
    education: '教育',
    environment: '生态环境',
    weather: '气象',
    company_registration: '企业登记',
    other: '其他',
  },
  formatCategory: FORMAT_CATEGORY_NAMES,
  shareClass: { unconditional: '无条件共享', conditional: '有条件共享', none: '不予共享' },
  openClass: { unconditional: '无条件开放', conditional: '有条件开放', none: '不予开放' },
  delivery: {
    interface: '接口调用',
    verification: '比对核验',
    exchange: '数据交换',
    analysis: '集中分析',
    file: '文件下载',
  },
  updateCycle: UPDATE_CYCLE_NAMES,
  dataType: {
    C: 'C 字符型',
    N: 'N 数值型',
    Y: 'Y 货币型',
    D: 'D 日期型',
    T: 'T 日期时间型',
    L: 'L 逻辑型',
    M: 'M 备注型',
    G: 'G 通用型',
    B: 'B 双精度型',
    I: 'I 整型',
    F: 'F 浮点型',
  },
  validator: {
    none: '无',
    id_card: '身份证号码',
    credit_code: '统一社会信用代码',
    mobile: '手机号码',
    region_code: '行政区划代码',
    date: '日期',
    enum: '枚举',
    regex: '正则',
  },
  sensitivity: { none: '无', personal: '个人信息', sensitive_personal: '敏感个人信息' },
  masking: { none: '无', partial: '部分遮盖', hash: '哈希', full: '完全遮盖' },
  yesNo: { yes: '是', no: '否' },
} as const;

type LabelKind = keyof typeof LABELS;

/** Other spellings accepted on import (regional names of the classes, short forms). */
const ALIASES: Partial<Record<LabelKind, Record<string, string>>> = {
  classification: { 基础资源: 'base', 主题资源: 'thematic', 部门资源: 'departmental' },
  baseKind: { 人口库: 'population', 法人库: 'legal_person', 信用: 'credit', 证照: 'e_licence' },
  domain: { 医疗: 'health', 医疗卫生: 'health', 就业创业: 'employment', 环境: 'environment' },
  shareClass: {
    无条件: 'unconditional',
    有条件: 'conditional',
    授权共享: 'conditional',
    不共享: 'none',
    非共享: 'none',
  },
  openClass: {
    无条件: 'unconditional',
    普遍开放: 'unconditional',
    有条件: 'conditional',
    授权开放: 'conditional',
    不开放: 'none',
  },
  delivery: {
    接口: 'interface',
    接口服务: 'interface',
    核验: 'verification',
    比对验证: 'verification',
    交换: 'exchange',
    库表交换: 'exchange',
    分析: 'analysis',
    平台内分析: 'analysis',
    文件: 'file',
    下载: 'file',
  },
  updateCycle: {
    每天: 'daily',
    每日更新: 'daily',
    每季: 'quarterly',
    半年: 'half_yearly',
    每月更新: 'monthly',
    每年更新: 'yearly',
    年度: 'yearly',
  },
  dataType: {
    字符型: 'C',
    数值型: 'N',
    货币型: 'Y',
    日期型: 'D',
    日期时间型: 'T',
    逻辑型: 'L',
    备注型: 'M',
    通用型: 'G',
    双精度型: 'B',
    整型: 'I',
    浮点型: 'F',
  },
  validator: { 身份证: 'id_card', 身份证号: 'id_card', 手机号: 'mobile', 枚举值: 'enum' },
  sensitivity: { 个人: 'personal', 敏感: 'sensitive_personal' },
  masking: { 遮盖: 'partial', 部分: 'partial', 完全: 'full', 不脱敏: 'none' },
  yesNo: { y: 'yes', n: 'no', true: 'yes', false: 'no', '1': 'yes', '0': 'no', '√': 'yes' },
};

const normalize = (value: string) => value.replace(/\s+/g, '').toLowerCase();

const LOOKUP = Object.fromEntries(
  (Object.keys(LABELS) as LabelKind[]).map((kind) => {
    const map = new Map<string, string>();
    for (const [value, label] of Object.entries(LABELS[kind])) {
      map.set(normalize(label), value);
      map.set(normalize(value), value);
    }
    for (const [alias, value] of Object.entries(ALIASES[kind] ?? {}))
      map.set(normalize(alias), value);
    return [kind, map];
  }),
) as Record<LabelKind, Map<string, string>>;

function labelsOf(kind: LabelKind): string[] {
  return Object.values<string>(LABELS[kind]);
}

export function label(kind: LabelKind, value: string | undefined): string {
  if (value === undefined) return '';
  return (LABELS[kind] as Record<string, string>)[value] ?? value;
}

const LIST_SEPARATOR = /[、,，;；\n]+/;
const splitList = (value: string) =>
  value
    .split(LIST_SEPARATOR)
    .map((part) => part.trim())
    .filter(Boolean);

// ---------------------------------------------------------------------------------------------
// Template columns

interface ColumnDef {
  key: string;
  header: string;
  width: number;
  required?: boolean;
  /** Drop-down of these labels; `strict` refuses other values in Excel. */
  list?: LabelKind | 'theme' | 'orgCode';
  strict?: boolean;
  note: string;
}

const R = (
  key: string,
  header: string,
  width: number,
  note: string,
  extra: Partial<ColumnDef> = {},
): ColumnDef => ({ key, header, width, note, ...extra });

export const RESOURCE_COLUMNS: readonly ColumnDef[] = [
  R('orgCode', '提供部门代码', 14, '提供资源的机构的代码，如 GAJ；只能填写您有权编目的机构', {
    required: true,
    list: 'orgCode',
  }),
  R('classification', '资源分类', 10, '基础、主题或部门（R2.3）', {
    required: true,
    list: 'classification',
    strict: true,
  }),
  R('baseKind', '基础库类别', 16, '资源分类为“基础”时必填', { list: 'baseKind', strict: true }),
  R('theme', '主题', 14, '资源分类为“主题”时必填；可选列表中的主题，也可填写其他主题', {
    list: 'theme',
  }),
  R('categoryPath', '类目路径', 24, '类/项/目/细目，用“/”分隔，1 至 4 级，如：公共安全/户政管理', {
    required: true,
  }),
  R('name', '资源名称', 28, '2 至 200 字；同一文件内不得重复，“信息项”工作表按此名称关联', {
    required: true,
  }),
  R('summary', '摘要', 40, '资源内容的简要说明，最多 2000 字', { required: true }),
  R('keywords', '关键词', 20, '多个用“、”分隔，最多 20 个'),
  R('domains', '领域', 16, `开放重点领域，多个用“、”分隔：${labelsOf('domain').join('、')}`),
  R('contactName', '联系人', 14, '联系科室或联系人', { required: true }),
  R('contactPhone', '联系电话', 16, '5 至 30 个字符', { required: true }),
  R('businessMatter', '事项名称', 20, '产生该资源的业务事项（R2.2）', { required: true }),
  R('systemName', '信息系统名称', 20, '承载该资源的信息系统（R2.2）', { required: true }),
  R('formatCategory', '格式分类', 12, '电子表格、数据库、服务接口等；表格类资源须填写信息项', {
    required: true,
    list: 'formatCategory',
    strict: true,
  }),
  R('storageFormat', '存储格式', 12, '如 MySQL、xlsx、PDF、JSON', { required: true }),
  R(
    'shareClass',
    '共享类型',
    12,
    '无条件共享、有条件共享或不予共享；基础资源应无条件共享（R4.2）',
    {
      required: true,
      list: 'shareClass',
      strict: true,
    },
  ),
  R('shareConditions', '共享条件', 24, '有条件共享须列明共享条件（R4.1）'),
  R('shareReasons', '理由', 24, '有条件共享和不予共享须说明理由（R4.2）'),
  R('legalBasis', '依据', 24, '不予共享须列明法律、行政法规或国家政策依据（R4.2）'),
  R(
    'deliveryMethods',
    '共享方式',
    20,
    `多个用“、”分隔：${labelsOf('delivery').join('、')}；共享的资源至少一种（R4.7）`,
  ),
  R('sharePeriod', '共享期限', 12, '如：长期、2025 年 12 月 31 日前'),
  R('openClass', '开放类型', 12, '无条件开放、有条件开放或不予开放；不予共享的资源不得开放', {
    required: true,
    list: 'openClass',
    strict: true,
  }),
  R('openConditions', '开放条件', 24, '有条件开放须公布开放条件（R5.5）'),
  R('updateCycle', '更新周期', 10, labelsOf('updateCycle').join('、'), {
    required: true,
    list: 'updateCycle',
    strict: true,
  }),
  R('releaseDate', '发布日期', 12, '格式 YYYY-MM-DD，可空'),
  R('relatedResources', '关联资源代码', 18, '已编目资源的代码，多个用“、”分隔，可空'),
];

export const ITEM_COLUMNS: readonly ColumnDef[] = [
  R('resourceName', '资源名称', 28, '与“资源”工作表中的资源名称一致', { required: true }),
  R('name', '信息项名称', 18, '中文名称，同一资源内不得重复', { required: true }),
  R('column', '字段名', 16, '小写字母开头，小写字母、数字和下划线，最长 63 个字符', {
    required: true,
  }),
  R('type', '数据类型', 14, '国家目录编制指南的数据类型', {
    required: true,
    list: 'dataType',
    strict: true,
  }),
  R('length', '长度', 8, '字符型（C）和数值型（N）必填，1 至 100000'),
  R('description', '描述', 24, '最多 500 字'),
  R('required', '必填', 8, '是或否（空为否）；主键必须必填', { list: 'yesNo', strict: true }),
  R('key', '主键', 8, '是或否（空为否）；表格类资源至少一个主键', { list: 'yesNo', strict: true }),
  R('queryable', '可查询', 8, '是或否（空为否）', { list: 'yesNo', strict: true }),
  R('validatorKind', '校验类型', 16, '空或“无”表示不校验', { list: 'validator', strict: true }),
  R('enumValues', '枚举值', 18, '校验类型为“枚举”时必填，多个用“、”分隔'),
  R('pattern', '正则', 18, '校验类型为“正则”时必填'),
  R('sensitivity', '敏感级别', 14, '含个人信息的资源不得无条件开放（R6.3）', {
    required: true,
    list: 'sensitivity',
    strict: true,
  }),
  R('masking', '脱敏规则', 12, '空为“无”', { list: 'masking', strict: true }),
  R('authoritative', '权威来源', 10, '本资源是否为该信息项的权威来源（一数一源，R3.2）；空为否', {
    list: 'yesNo',
    strict: true,
  }),
];

/** Header text → column key; "*", spaces and notes in brackets are ignored. */
function headerKey(header: string): string {
  return header
    .replace(/[（(［[].*?[）)］\]]/g, '')
    .replace(/[*＊\s]/g, '')
    .trim();
}

// ---------------------------------------------------------------------------------------------
// Content ↔ template row

type RowValues = Record<string, string | number | undefined>;

function resourceRow(orgCode: string, content: Content): RowValues {
  return {
    orgCode,
    classification: label('classification', content.classification),
    baseKind: label('baseKind', content.baseKind),
    theme: content.theme,
    categoryPath: content.categoryPath.join('/'),
    name: content.name,
    summary: content.summary,
    keywords: content.keywords.join('、'),
    domains: content.domains.map((domain) => label('domain', domain)).join('、'),
    contactName: content.contact.name,
    contactPhone: content.contact.phone,
    businessMatter: content.businessMatter,
    systemName: content.systemName,
    formatCategory: label('formatCategory', content.formatCategory),
    storageFormat: content.storageFormat,
    shareClass: label('shareClass', content.share.class),
    shareConditions: content.share.conditions,
    shareReasons: content.share.reasons,
    legalBasis: content.share.legalBasis,
    deliveryMethods: content.share.deliveryMethods
      .map((method) => label('delivery', method))
      .join('、'),
    sharePeriod: content.share.period,
    openClass: label('openClass', content.open.class),
    openConditions: content.open.conditions,
    updateCycle: label('updateCycle', content.updateCycle),
    releaseDate: content.releaseDate,
    relatedResources: content.relatedResources.join('、'),
  };
}

const yesNo = (value: boolean) => (value ? '是' : '否');

function itemRow(resourceName: string, item: Item): RowValues {
  return {
    resourceName,
    name: item.name,
    column: item.column,
    type: label('dataType', item.type),
    length: item.length,
    description: item.description,
    required: yesNo(item.required),
    key: yesNo(item.key),
    queryable: yesNo(item.queryable),
    validatorKind: label('validator', item.validator?.kind ?? 'none'),
    enumValues: item.validator?.values?.join('、'),
    pattern: item.validator?.pattern,
    sensitivity: label('sensitivity', item.sensitivity),
    masking: label('masking', item.masking),
    authoritative: yesNo(item.authoritative),
  };
}

const EXAMPLE: { orgCode: string; content: Content } = {
  orgCode: 'GAJ',
  content: {
    classification: 'departmental',
    categoryPath: ['公共安全', '户政管理'],
    name: `${EXAMPLE_MARK}居民户籍迁移登记信息`,
    summary: '记录本市居民户籍迁入、迁出登记情况。（示例行，不会导入，可删除）',
    keywords: ['户籍', '迁移'],
    domains: ['other'],
    contact: { name: '户政科', phone: '0999-01000001' },
    businessMatter: '户口迁移登记',
    systemName: '人口信息管理系统',
    relatedResources: [],
    formatCategory: 'database',
    storageFormat: 'MySQL',
    items: [
      {
        name: '公民身份号码',
        column: 'id_card_no',
        type: 'C',
        length: 18,
        required: true,
        key: true,
        queryable: true,
        validator: { kind: 'id_card' },
        sensitivity: 'sensitive_personal',
        masking: 'partial',
        authoritative: false,
      },
      {
        name: '迁移类型',
        column: 'move_type',
        type: 'C',
        length: 4,
        required: true,
        key: false,
        queryable: true,
        validator: { kind: 'enum', values: ['迁入', '迁出'] },
        sensitivity: 'none',
        masking: 'none',
        authoritative: false,
      },
    ],
    share: {
      class: 'conditional',
      conditions: '仅限办理户籍相关业务使用',
      reasons: '涉及个人信息',
      deliveryMethods: ['interface', 'verification'],
    },
    open: { class: 'none' },
    updateCycle: 'daily',
    releaseDate: '2025-01-01',
  },
};

// ---------------------------------------------------------------------------------------------
// Workbook helpers

interface DataValidationsApi {
  add(address: string, validation: ExcelJS.DataValidation): void;
}
const dataValidations = (sheet: ExcelJS.Worksheet) =>
  (sheet as unknown as { dataValidations: DataValidationsApi }).dataValidations;

const HEADER_FILL: ExcelJS.Fill = {
  type: 'pattern',
  pattern: 'solid',
  fgColor: { argb: 'FFDDEBF7' },
};
const REQUIRED_FILL: ExcelJS.Fill = {
  type: 'pattern',
  pattern: 'solid',
  fgColor: { argb: 'FFFCE4D6' },
};

function styleHeader(sheet: ExcelJS.Worksheet, required: (index: number) => boolean = () => false) {
  const header = sheet.getRow(1);
  header.font = { bold: true };
  header.alignment = { vertical: 'middle', wrapText: true };
  header.height = 22;
  header.eachCell((cell, index) => {
    cell.fill = required(index - 1) ? REQUIRED_FILL : HEADER_FILL;
    cell.border = { bottom: { style: 'thin', color: { argb: 'FF8EA9DB' } } };
  });
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
}

function columnLetter(index: number): string {
  let n = index + 1;
  let letters = '';
  while (n > 0) {
    const rem = (n - 1) % 26;
    letters = String.fromCharCode(65 + rem) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

async function toBuffer(workbook: ExcelJS.Workbook): Promise<Buffer> {
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** exceljs is loaded on first use: a server that never touches Excel keeps 20 MB less. */
async function loadExcel(): Promise<typeof ExcelJS> {
  return (await import('exceljs')).default;
}

async function newWorkbook(): Promise<ExcelJS.Workbook> {
  const workbook = new (await loadExcel()).Workbook();
  workbook.creator = 'govdx';
  workbook.created = new Date();
  return workbook;
}

function addDataSheet(
  workbook: ExcelJS.Workbook,
  name: string,
  columns: readonly { header: string; width: number }[],
  rows: readonly (string | number | undefined | null)[][],
  required?: (index: number) => boolean,
): ExcelJS.Worksheet {
  const sheet = workbook.addWorksheet(name);
  sheet.columns = columns.map((column) => ({ header: column.header, width: column.width }));
  for (const row of rows) sheet.addRow(row.map((value) => value ?? null));
  styleHeader(sheet, required);
  if (columns.length > 0) {
    sheet.autoFilter = { from: 'A1', to: `${columnLetter(columns.length - 1)}1` };
  }
  return sheet;
}

// ---------------------------------------------------------------------------------------------
// The import template

export interface TemplateOptions {
  /** Organisations the user may import for (the 提供部门代码 drop-down); empty: free text. */
  orgs?: { code: string; name: string }[];
}

export async function buildImportTemplate(options: TemplateOptions = {}): Promise<Buffer> {
  const workbook = await newWorkbook();
  const orgs = options.orgs ?? [];
  const exampleOrg = orgs[0]?.code ?? EXAMPLE.orgCode;
  const resourceValues = resourceRow(exampleOrg, EXAMPLE.content);
  const resources = addDataSheet(
    workbook,
    SHEETS.resources,
    RESOURCE_COLUMNS,
    [RESOURCE_COLUMNS.map((column) => resourceValues[column.key])],
    (index) => RESOURCE_COLUMNS[index]?.required === true,
  );
  const items = addDataSheet(
    workbook,
    SHEETS.items,
    ITEM_COLUMNS,
    EXAMPLE.content.items.map((item) => {
      const values = itemRow(EXAMPLE.content.name, item);
      return ITEM_COLUMNS.map((column) => values[column.key]);
    }),
    (index) => ITEM_COLUMNS[index]?.required === true,
  );
  for (const sheet of [resources, items]) {
    const example = sheet === resources ? [2] : [2, 3];
    for (const rowNumber of example) {
      sheet.getRow(rowNumber).font = { italic: true, color: { argb: 'FF808080' } };
    }
  }

  // Hidden sheet with the drop-down lists (an inline list is limited to 255 characters).
  const lists = workbook.addWorksheet(SHEETS.lists, { state: 'hidden' });
  const listRanges = new Map<string, string>();
  const listSources: [string, string[]][] = [
    ...(Object.keys(LABELS) as LabelKind[]).map((kind): [string, string[]] => [
      kind,
      kind === 'yesNo' ? ['是', '否'] : labelsOf(kind),
    ]),
    ['theme', [...THEMES]],
    ['orgCode', orgs.map((org) => org.code)],
  ];
  listSources.forEach(([kind, values], index) => {
    if (values.length === 0) return;
    const letter = columnLetter(index);
    lists.getCell(`${letter}1`).value = kind;
    values.forEach((value, row) => (lists.getCell(`${letter}${row + 2}`).value = value));
    listRanges.set(kind, `'${SHEETS.lists}'!$${letter}$2:$${letter}$${values.length + 1}`);
  });
  const addLists = (sheet: ExcelJS.Worksheet, columns: readonly ColumnDef[]) => {
    columns.forEach((column, index) => {
      const cell = sheet.getCell(1, index + 1);
      cell.note = `${column.required ? '必填。' : ''}${column.note}`;
      const range = column.list ? listRanges.get(column.list) : undefined;
      if (!range) return;
      const letter = columnLetter(index);
      dataValidations(sheet).add(`${letter}2:${letter}${TEMPLATE_ROWS + 1}`, {
        type: 'list',
        allowBlank: true,
        formulae: [range],
        showErrorMessage: column.strict === true || column.list === 'orgCode',
        errorStyle: 'stop',
        errorTitle: column.header,
        error: `请从下拉列表中选择${column.header}`,
      });
    });
  };
  addLists(resources, RESOURCE_COLUMNS);
  addLists(items, ITEM_COLUMNS);

  const help = workbook.addWorksheet(SHEETS.help);
  [10, 16, 8, 70, 60].forEach((width, index) => (help.getColumn(index + 1).width = width));
  const intro = [
    '政务数据资源目录批量导入模板 填写说明',
    '1. 在“资源”工作表每行填写一个资源，在“信息项”工作表每行填写一个信息项，按“资源名称”关联到资源。',
    '2. 第 1 行为表头，请勿修改表头文字；列的顺序可以调整。橙色表头为必填列，带下拉列表的列请从列表中选择。',
    `3. 以“${EXAMPLE_MARK}”开头的资源和信息项为示例，不会导入，可删除。`,
    `4. 导入时逐行校验全部规则，任何错误都会列出工作表、行号、列和原因；默认有错误时整个文件不导入（也可选择只导入无误的资源）。单个文件最多 ${IMPORT_LIMITS.maxResources} 个资源。`,
    '5. 导入的资源为草稿并自动提交审核，由主管部门审核发布。',
  ];
  for (const line of intro) help.addRow([line]);
  help.getCell(1, 1).font = { bold: true, size: 14 };
  help.addRow([]);
  const tableHeader = help.addRow(['工作表', '列', '必填', '说明', '可选值']);
  tableHeader.font = { bold: true };
  tableHeader.eachCell((cell) => (cell.fill = HEADER_FILL));
  const valuesOf = (column: ColumnDef) => {
    if (!column.list) return '';
    if (column.list === 'theme') return THEMES.join('、');
    if (column.list === 'orgCode') return orgs.map((org) => `${org.code} ${org.name}`).join('；');
    return column.list === 'yesNo' ? '是、否' : labelsOf(column.list).join('、');
  };
  for (const [sheet, columns] of [
    [SHEETS.resources, RESOURCE_COLUMNS],
    [SHEETS.items, ITEM_COLUMNS],
  ] as const) {
    for (const column of columns) {
      const row = help.addRow([
        sheet,
        column.header,
        column.required ? '是' : '',
        column.note,
        valuesOf(column),
      ]);
      row.alignment = { vertical: 'top', wrapText: true };
    }
  }

  workbook.views = [{ activeTab: 0 } as ExcelJS.WorkbookView];
  return toBuffer(workbook);
}

// ---------------------------------------------------------------------------------------------
// Parsing an uploaded workbook

export interface ImportError {
  sheet: string;
  /** 1-based row number as Excel shows it */
  row: number;
  /** the column's header text */
  column: string;
  message: LocalizedText;
}

export interface ImportEntry {
  row: number;
  orgCode: string;
  content: ResourceContentDto;
}

export interface ParsedImport {
  entries: ImportEntry[];
  errors: ImportError[];
  /** data rows of the 资源 sheet read (examples excluded) */
  resourceRows: number;
}

const ZIP_LOCAL_HEADER = 0x04034b50;
const ZIP_CENTRAL_HEADER = 0x02014b50;
const ZIP_END = 0x06054b50;

function notXlsx(fileName: string, reason: LocalizedText): AppError {
  const message = text(
    `文件“${fileName}”不是有效的 XLSX 工作簿：${reason.zh}`,
    `"${fileName}" is not a valid XLSX workbook: ${reason.en}`,
  );
  return new AppError('VALIDATION', message, { file: message });
}

/**
 * An XLSX file is a ZIP archive: check the signature, then sum the unpacked sizes its central
 * directory declares, to refuse archives that would unpack to far more than any catalog (a zip bomb)
 * before exceljs inflates them in memory. Hand-written: 30 lines of the published ZIP layout.
 */
export function checkXlsxContainer(bytes: Buffer, fileName: string): void {
  if (bytes.length < 22 || bytes.readUInt32LE(0) !== ZIP_LOCAL_HEADER) {
    throw notXlsx(
      fileName,
      text(
        '文件内容不是 XLSX（ZIP）格式；请用 Excel 另存为 .xlsx 后上传',
        'it is not a ZIP archive',
      ),
    );
  }
  const corrupt = () => notXlsx(fileName, text('文件已损坏', 'the archive is damaged'));
  let end = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 65557); i--) {
    if (bytes.readUInt32LE(i) === ZIP_END) {
      end = i;
      break;
    }
  }
  if (end < 0) throw corrupt();
  const count = bytes.readUInt16LE(end + 10);
  let offset = bytes.readUInt32LE(end + 16);
  let unpacked = 0;
  for (let entry = 0; entry < count; entry++) {
    if (offset + 46 > bytes.length || bytes.readUInt32LE(offset) !== ZIP_CENTRAL_HEADER) {
      throw corrupt();
    }
    unpacked += bytes.readUInt32LE(offset + 24);
    offset +=
      46 +
      bytes.readUInt16LE(offset + 28) +
      bytes.readUInt16LE(offset + 30) +
      bytes.readUInt16LE(offset + 32);
  }
  if (unpacked > IMPORT_LIMITS.maxUnpackedBytes) {
    const message = text(
      `文件“${fileName}”解压后超过 ${IMPORT_LIMITS.maxUnpackedBytes / 1024 / 1024} MB，请拆分后导入`,
      `"${fileName}" unpacks to more than ${IMPORT_LIMITS.maxUnpackedBytes / 1024 / 1024} MB; split it`,
    );
    throw new AppError('PAYLOAD_TOO_LARGE', message, { file: message });
  }
}

/** The text of a cell whatever Excel stored (rich text, formula result, hyperlink, date, number). */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10);
  }
  if ('richText' in value)
    return value.richText
      .map((part) => part.text)
      .join('')
      .trim();
  if ('hyperlink' in value) {
    const inner = (value as { text?: unknown }).text;
    return typeof inner === 'string' ? inner.trim() : cellText(inner as ExcelJS.CellValue);
  }
  if ('result' in value) return cellText(value.result);
  return '';
}

interface SheetReader {
  sheet: string;
  /** column key → column number (1-based) */
  columns: Map<string, number>;
  headers: Map<string, string>;
}

function readHeader(
  sheet: ExcelJS.Worksheet,
  defs: readonly ColumnDef[],
  errors: ImportError[],
): SheetReader {
  const byHeader = new Map(defs.map((def) => [headerKey(def.header), def]));
  const columns = new Map<string, number>();
  const headers = new Map<string, string>();
  sheet.getRow(1).eachCell((cell, column) => {
    const def = byHeader.get(headerKey(cellText(cell.value)));
    if (def && !columns.has(def.key)) {
      columns.set(def.key, column);
      headers.set(def.key, def.header);
    }
  });
  for (const def of defs) {
    headers.set(def.key, def.header);
    if (def.required && !columns.has(def.key)) {
      errors.push({
        sheet: sheet.name,
        row: 1,
        column: def.header,
        message: text(
          `缺少“${def.header}”列；请使用平台提供的模板`,
          `the column "${def.header}" is missing; use the platform's template`,
        ),
      });
    }
  }
  return { sheet: sheet.name, columns, headers };
}

/** Collects the values of one row and the problems found while reading them. */
class RowReader {
  readonly problems = new Map<string, LocalizedText>();

  constructor(
    private readonly reader: SheetReader,
    private readonly row: ExcelJS.Row,
  ) {}

  text(key: string): string {
    const column = this.reader.columns.get(key);
    return column === undefined ? '' : cellText(this.row.getCell(column).value);
  }

  optional(key: string): string | undefined {
    return this.text(key) || undefined;
  }

  fail(key: string, message: LocalizedText): undefined {
    if (!this.problems.has(key)) this.problems.set(key, message);
    return undefined;
  }

  enumeration(key: string, kind: LabelKind): string | undefined {
    const raw = this.text(key);
    if (!raw) return undefined;
    return (
      LOOKUP[kind].get(normalize(raw)) ?? this.fail(key, unknownLabel(raw, kind, this.header(key)))
    );
  }

  enumerations(key: string, kind: LabelKind): string[] {
    const values: string[] = [];
    for (const part of splitList(this.text(key))) {
      const value = LOOKUP[kind].get(normalize(part));
      if (value === undefined) this.fail(key, unknownLabel(part, kind, this.header(key)));
      else if (!values.includes(value)) values.push(value);
    }
    return values;
  }

  flag(key: string): boolean {
    const raw = this.text(key);
    if (!raw) return false;
    const value = LOOKUP.yesNo.get(normalize(raw));
    if (value === undefined) this.fail(key, unknownLabel(raw, 'yesNo', this.header(key)));
    return value === 'yes';
  }

  integer(key: string): number | undefined {
    const raw = this.text(key);
    if (!raw) return undefined;
    const value = Number(raw);
    if (!Number.isInteger(value)) {
      return this.fail(key, text(`“${raw}”不是整数`, `"${raw}" is not an integer`));
    }
    return value;
  }

  date(key: string): string | undefined {
    const raw = this.text(key);
    if (!raw) return undefined;
    const match = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/.exec(raw);
    const iso = match
      ? `${match[1]}-${match[2]?.padStart(2, '0')}-${match[3]?.padStart(2, '0')}`
      : undefined;
    if (!iso || Number.isNaN(new Date(`${iso}T00:00:00Z`).getTime()) || !isRealDate(iso)) {
      return this.fail(
        key,
        text(`“${raw}”不是日期，格式应为 YYYY-MM-DD`, `"${raw}" is not a date (YYYY-MM-DD)`),
      );
    }
    return iso;
  }

  header(key: string): string {
    return this.reader.headers.get(key) ?? key;
  }
}

function isRealDate(iso: string): boolean {
  return new Date(`${iso}T00:00:00Z`).toISOString().slice(0, 10) === iso;
}

function unknownLabel(raw: string, kind: LabelKind, header: string): LocalizedText {
  const allowed = kind === 'yesNo' ? ['是', '否'] : labelsOf(kind);
  return text(
    `“${raw}”不是有效的${header}，应为：${allowed.join('、')}`,
    `"${raw}" is not a valid ${header}; expected one of: ${allowed.join(', ')}`,
  );
}

/** Leaves out properties whose value is undefined (optional fields left empty). */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, inner]) => inner !== undefined)) as T;
}

interface ResourceDraft {
  row: number;
  orgCode: string;
  content: Content;
  /** item rows, in order */
  itemRows: number[];
  invalid: boolean;
  /** columns of the row already reported while reading, so that the schema does not repeat them */
  reported: Set<string>;
}

// Schema paths (TypeBox) and rule keys (rules.ts) → template column keys.
const RESOURCE_PATHS: Record<string, string> = {
  classification: 'classification',
  baseKind: 'baseKind',
  theme: 'theme',
  categoryPath: 'categoryPath',
  name: 'name',
  summary: 'summary',
  keywords: 'keywords',
  domains: 'domains',
  contact: 'contactName',
  'contact.name': 'contactName',
  'contact.phone': 'contactPhone',
  businessMatter: 'businessMatter',
  systemName: 'systemName',
  relatedResources: 'relatedResources',
  formatCategory: 'formatCategory',
  storageFormat: 'storageFormat',
  share: 'shareClass',
  'share.class': 'shareClass',
  'share.conditions': 'shareConditions',
  'share.reasons': 'shareReasons',
  'share.legalBasis': 'legalBasis',
  'share.deliveryMethods': 'deliveryMethods',
  'share.period': 'sharePeriod',
  open: 'openClass',
  'open.class': 'openClass',
  'open.conditions': 'openConditions',
  updateCycle: 'updateCycle',
  releaseDate: 'releaseDate',
  items: 'formatCategory',
};
const ITEM_PATHS: Record<string, string> = {
  name: 'name',
  column: 'column',
  type: 'type',
  length: 'length',
  description: 'description',
  required: 'required',
  key: 'key',
  queryable: 'queryable',
  validator: 'validatorKind',
  'validator.kind': 'validatorKind',
  'validator.values': 'enumValues',
  'validator.pattern': 'pattern',
  sensitivity: 'sensitivity',
  masking: 'masking',
  authoritative: 'authoritative',
};

function schemaMessage(error: ValueError): LocalizedText {
  const schema = error.schema as Record<string, unknown>;
  switch (error.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return text('必填', 'is required');
    case ValueErrorType.StringMinLength:
      return error.value === '' || schema.minLength === 1
        ? text('必填', 'is required')
        : text(
            `至少 ${String(schema.minLength)} 个字符`,
            `must have at least ${String(schema.minLength)} characters`,
          );
    case ValueErrorType.StringMaxLength:
      return text(
        `最多 ${String(schema.maxLength)} 个字符`,
        `must have at most ${String(schema.maxLength)} characters`,
      );
    case ValueErrorType.StringPattern:
      return error.path.endsWith('/column')
        ? text(
            '应以小写字母开头，只含小写字母、数字和下划线，最长 63 个字符',
            'starts with a lower-case letter; lower-case letters, digits and _ only; at most 63 characters',
          )
        : text('格式不正确', 'has the wrong format');
    case ValueErrorType.ArrayMinItems:
      if (Array.isArray(error.value) && error.value.length === 0)
        return text('必填', 'is required');
      return text(
        `至少 ${String(schema.minItems)} 项`,
        `needs at least ${String(schema.minItems)} values`,
      );
    case ValueErrorType.ArrayMaxItems:
      return text(
        `最多 ${String(schema.maxItems)} 项`,
        `takes at most ${String(schema.maxItems)} values`,
      );
    case ValueErrorType.IntegerMinimum:
      return text(`不能小于 ${String(schema.minimum)}`, `must be >= ${String(schema.minimum)}`);
    case ValueErrorType.IntegerMaximum:
      return text(`不能大于 ${String(schema.maximum)}`, `must be <= ${String(schema.maximum)}`);
    case ValueErrorType.Integer:
      return text('应为整数', 'must be an integer');
    default:
      return text(`不符合要求（${error.message}）`, error.message);
  }
}

/** `/items/3/validator/kind` → ['items', 3, 'validator.kind'] */
function splitPath(path: string): { item?: number; field: string } {
  const parts = path.split(/[/.]/).filter(Boolean);
  if (parts[0] === 'items' && parts[1] !== undefined && /^\d+$/.test(parts[1])) {
    return { item: Number(parts[1]), field: parts.slice(2).join('.') };
  }
  // Array elements (categoryPath/0, keywords/2) belong to their column.
  return { field: parts.filter((part) => !/^\d+$/.test(part)).join('.') };
}

/**
 * Reads an uploaded workbook: every resource of the 资源 sheet with its data items from the 信息项
 * sheet, checked against the model's schema and the catalog rules (rules.ts). Each problem is reported
 * with sheet, row (as Excel numbers it) and column header. Resources with any problem (in their row or
 * one of their items) are left out of `entries`.
 */
export async function parseImportWorkbook(
  bytes: Uint8Array,
  fileName = 'upload.xlsx',
): Promise<ParsedImport> {
  const buffer = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  checkXlsxContainer(buffer, fileName);
  const workbook = new (await loadExcel()).Workbook();
  try {
    await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
  } catch {
    throw notXlsx(fileName, text('无法读取工作簿内容', 'the workbook cannot be read'));
  }
  const errors: ImportError[] = [];
  const resourceSheet = workbook.getWorksheet(SHEETS.resources);
  if (!resourceSheet) {
    const message = text(
      `文件“${fileName}”中没有“${SHEETS.resources}”工作表；请使用平台提供的模板`,
      `"${fileName}" has no "${SHEETS.resources}" sheet; use the platform's template`,
    );
    throw new AppError('VALIDATION', message, { file: message });
  }
  const itemSheet = workbook.getWorksheet(SHEETS.items);
  if (resourceSheet.actualRowCount - 1 > IMPORT_LIMITS.maxResources + 1) {
    throw tooManyRows(fileName, SHEETS.resources, IMPORT_LIMITS.maxResources);
  }
  if (itemSheet && itemSheet.actualRowCount - 1 > IMPORT_LIMITS.maxItems + 10) {
    throw tooManyRows(fileName, SHEETS.items, IMPORT_LIMITS.maxItems);
  }

  const resourceReader = readHeader(resourceSheet, RESOURCE_COLUMNS, errors);
  const itemReader = itemSheet ? readHeader(itemSheet, ITEM_COLUMNS, errors) : undefined;
  if (errors.length > 0) return { entries: [], errors, resourceRows: 0 };

  const push = (sheet: string, row: number, column: string, message: LocalizedText) =>
    errors.push({ sheet, row, column, message });

  // Resources.
  const drafts: ResourceDraft[] = [];
  const byName = new Map<string, ResourceDraft>();
  resourceSheet.eachRow((row, rowNumber) => {
    if (rowNumber === 1) return;
    const cells = new RowReader(resourceReader, row);
    if (RESOURCE_COLUMNS.every((column) => cells.text(column.key) === '')) return;
    const name = cells.text('name');
    if (name.startsWith(EXAMPLE_MARK)) return;
    const orgCode = cells.text('orgCode');
    if (!orgCode) cells.fail('orgCode', text('必填', 'is required'));
    else if (!/^[A-Za-z0-9_-]{2,64}$/.test(orgCode)) {
      cells.fail('orgCode', text('机构代码格式不正确', 'not a valid organisation code'));
    }
    const categoryPath = cells
      .text('categoryPath')
      .split(/[/／]/)
      .map((part) => part.trim())
      .filter(Boolean);
    const content = compact({
      classification: cells.enumeration('classification', 'classification'),
      baseKind: cells.enumeration('baseKind', 'baseKind'),
      theme: cells.optional('theme'),
      categoryPath,
      name: name || undefined,
      summary: cells.optional('summary'),
      keywords: splitList(cells.text('keywords')),
      domains: cells.enumerations('domains', 'domain'),
      contact: { name: cells.text('contactName'), phone: cells.text('contactPhone') },
      businessMatter: cells.optional('businessMatter'),
      systemName: cells.optional('systemName'),
      relatedResources: splitList(cells.text('relatedResources')),
      formatCategory: cells.enumeration('formatCategory', 'formatCategory'),
      storageFormat: cells.optional('storageFormat'),
      items: [] as Item[],
      share: compact({
        class: cells.enumeration('shareClass', 'shareClass'),
        conditions: cells.optional('shareConditions'),
        reasons: cells.optional('shareReasons'),
        legalBasis: cells.optional('legalBasis'),
        deliveryMethods: cells.enumerations('deliveryMethods', 'delivery'),
        period: cells.optional('sharePeriod'),
      }),
      open: compact({
        class: cells.enumeration('openClass', 'openClass'),
        conditions: cells.optional('openConditions'),
      }),
      updateCycle: cells.enumeration('updateCycle', 'updateCycle'),
      releaseDate: cells.date('releaseDate'),
    }) as unknown as Content;
    const draft: ResourceDraft = {
      row: rowNumber,
      orgCode,
      content,
      itemRows: [],
      invalid: cells.problems.size > 0,
      reported: new Set(cells.problems.keys()),
    };
    for (const [key, message] of cells.problems) {
      push(resourceReader.sheet, rowNumber, cells.header(key), message);
    }
    if (name) {
      const first = byName.get(name);
      if (first) {
        push(
          resourceReader.sheet,
          rowNumber,
          cells.header('name'),
          text(
            `资源名称与第 ${first.row} 行重复（信息项按资源名称关联，须唯一）`,
            `same resource name as row ${first.row} (items link by name, so names are unique)`,
          ),
        );
        draft.invalid = true;
      } else byName.set(name, draft);
    }
    drafts.push(draft);
  });
  if (drafts.length > IMPORT_LIMITS.maxResources) {
    throw tooManyRows(fileName, SHEETS.resources, IMPORT_LIMITS.maxResources);
  }

  // Data items, attached to their resource by name.
  const itemProblems = new Map<ResourceDraft, Map<number, Set<string>>>();
  if (itemSheet && itemReader) {
    itemSheet.eachRow((row, rowNumber) => {
      if (rowNumber === 1) return;
      const cells = new RowReader(itemReader, row);
      if (ITEM_COLUMNS.every((column) => cells.text(column.key) === '')) return;
      const resourceName = cells.text('resourceName');
      if (resourceName.startsWith(EXAMPLE_MARK)) return;
      const draft = byName.get(resourceName);
      if (!draft) {
        push(
          itemReader.sheet,
          rowNumber,
          cells.header('resourceName'),
          resourceName
            ? text(
                `“资源”工作表中没有名为“${resourceName}”的资源`,
                `no resource named "${resourceName}" on the "资源" sheet`,
              )
            : text('必填', 'is required'),
        );
        return;
      }
      const kind = cells.enumeration('validatorKind', 'validator');
      const values = splitList(cells.text('enumValues'));
      const pattern = cells.optional('pattern');
      const validatorKind = kind ?? (values.length ? 'enum' : pattern ? 'regex' : undefined);
      const item = compact({
        name: cells.optional('name'),
        column: cells.optional('column'),
        type: cells.enumeration('type', 'dataType'),
        length: cells.integer('length'),
        description: cells.optional('description'),
        required: cells.flag('required'),
        key: cells.flag('key'),
        queryable: cells.flag('queryable'),
        validator:
          validatorKind && validatorKind !== 'none'
            ? compact({
                kind: validatorKind,
                values: values.length ? values : undefined,
                pattern,
              })
            : undefined,
        sensitivity: cells.enumeration('sensitivity', 'sensitivity'),
        masking: cells.enumeration('masking', 'masking') ?? 'none',
        authoritative: cells.flag('authoritative'),
      }) as unknown as Item;
      draft.content.items.push(item);
      draft.itemRows.push(rowNumber);
      for (const [key, message] of cells.problems) {
        push(itemReader.sheet, rowNumber, cells.header(key), message);
        draft.invalid = true;
      }
      if (cells.problems.size > 0) {
        const perItem = itemProblems.get(draft) ?? new Map<number, Set<string>>();
        perItem.set(draft.content.items.length - 1, new Set(cells.problems.keys()));
        itemProblems.set(draft, perItem);
      }
    });
  }

  // Schema and rules, per resource.
  const header = (columns: readonly ColumnDef[], key: string) =>
    columns.find((column) => column.key === key)?.header ?? key;
  for (const draft of drafts) {
    const { reported } = draft;
    const seen = new Set<string>();
    const report = (path: string, message: LocalizedText) => {
      const { item, field } = splitPath(path);
      let sheet: string = resourceReader.sheet;
      let row = draft.row;
      let column: string;
      if (item !== undefined && draft.itemRows[item] !== undefined) {
        sheet = itemReader?.sheet ?? SHEETS.items;
        row = draft.itemRows[item];
        const key = ITEM_PATHS[field] ?? ITEM_PATHS[field.split('.')[0] ?? ''] ?? 'name';
        if (itemProblems.get(draft)?.get(item)?.has(key)) return;
        column = header(ITEM_COLUMNS, key);
      } else {
        const key = RESOURCE_PATHS[field] ?? RESOURCE_PATHS[field.split('.')[0] ?? ''] ?? 'name';
        if (reported.has(key)) return;
        column = header(RESOURCE_COLUMNS, key);
      }
      const id = `${sheet}\u0000${row}\u0000${column}`;
      if (seen.has(id)) return;
      seen.add(id);
      push(sheet, row, column, message);
      draft.invalid = true;
    };
    for (const error of Value.Errors(ResourceContent, draft.content)) {
      report(error.path, schemaMessage(error));
    }
    // Every rule too, also on an entry with schema errors: the rules read a complete entry, so empty
    // cells (already reported) are read as empty values.
    const rules = checkResourceRules(rulesView(draft.content));
    for (const [key, message] of Object.entries(rules)) {
      if (key === 'items' && draft.itemRows.length > 0) {
        // "needs a key item": point at the first item's 主键 cell.
        report('items/0/key', message);
      } else if (/^items\.\d+\.validator$/.test(key)) {
        const index = Number(key.split('.')[1]);
        const kind = draft.content.items[index]?.validator?.kind;
        report(
          `items/${index}/validator/${kind === 'enum' ? 'values' : kind === 'regex' ? 'pattern' : 'kind'}`,
          message,
        );
      } else {
        report(key, message);
      }
    }
  }

  errors.sort(
    (a, b) =>
      sheetOrder(a.sheet) - sheetOrder(b.sheet) || a.row - b.row || columnOrder(a) - columnOrder(b),
  );
  return {
    entries: drafts
      .filter((draft) => !draft.invalid)
      .map((draft) => ({ row: draft.row, orgCode: draft.orgCode, content: draft.content })),
    errors,
    resourceRows: drafts.length,
  };
}

function rulesView(content: Content): Content {
  return {
    ...content,
    items: content.items.map((item) => ({
      ...item,
      name: item.name ?? '',
      column: item.column ?? '',
      sensitivity: item.sensitivity ?? 'none',
    })),
  };
}

function sheetOrder(sheet: string): number {
  return sheet === SHEETS.resources ? 0 : sheet === SHEETS.items ? 1 : 2;
}

function columnOrder(error: ImportError): number {
  const columns = error.sheet === SHEETS.items ? ITEM_COLUMNS : RESOURCE_COLUMNS;
  const index = columns.findIndex((column) => column.header === error.column);
  return index < 0 ? columns.length : index;
}

function tooManyRows(fileName: string, sheet: string, limit: number): AppError {
  const message = text(
    `文件“${fileName}”的“${sheet}”工作表超过 ${limit} 行，请拆分后分批导入`,
    `the "${sheet}" sheet of "${fileName}" has more than ${limit} rows; split the file`,
  );
  return new AppError('PAYLOAD_TOO_LARGE', message, { file: message });
}

// ---------------------------------------------------------------------------------------------
// Lists: sharing catalog, open catalog, responsibility list, whole catalog

export type CatalogList = 'sharing' | 'open' | 'responsibility' | 'all';

export const LIST_NAMES: Record<CatalogList, string> = {
  sharing: '共享目录',
  open: '开放目录',
  responsibility: '共享责任清单',
  all: '政务数据资源目录',
};

/** A live (published) catalog entry as the lists show it. */
export interface CatalogEntry {
  code: string;
  version: number;
  orgCode: string;
  orgName: string;
  publishedAt: string | null;
  updatedAt: string;
  content: ResourceContentDto;
}

export interface ListOptions {
  /** The region's display names of the sharing classes (R4.1, e.g. Shanghai's 授权共享). */
  shareClassNames?: { unconditional: string; conditional: string; none: string };
}

type Cell = string | number | undefined | null;
interface ListColumn {
  header: string;
  width: number;
  value: (entry: CatalogEntry) => Cell;
}

interface Table {
  sheet: string;
  columns: { header: string; width: number }[];
  rows: Cell[][];
}

const C = (header: string, width: number, value: (entry: CatalogEntry) => Cell): ListColumn => ({
  header,
  width,
  value,
});

function itemNames(entry: CatalogEntry): string {
  return entry.content.items.map((item) => item.name).join('、');
}

function itemSummary(entry: CatalogEntry): string {
  return entry.content.items
    .map(
      (item) =>
        `${item.name}（${item.column} ${item.type}${item.length === undefined ? '' : ` ${item.length}`}）`,
    )
    .join('、');
}

function listColumns(list: CatalogList, options: ListOptions): ListColumn[] {
  const shareName = (entry: CatalogEntry) =>
    options.shareClassNames?.[entry.content.share.class] ??
    label('shareClass', entry.content.share.class);
  const deliveries = (entry: CatalogEntry) =>
    entry.content.share.deliveryMethods.map((method) => label('delivery', method)).join('、');
  const cycle = (entry: CatalogEntry) => label('updateCycle', entry.content.updateCycle);
  const code = C('资源代码', 16, (entry) => entry.code);
  const name = C('资源名称', 28, (entry) => entry.content.name);
  const provider = C('资源提供方', 20, (entry) => entry.orgName);
  const providerCode = C('提供部门代码', 12, (entry) => entry.orgCode);
  const summary = C('资源摘要', 40, (entry) => entry.content.summary);
  const format = C('格式分类', 10, (entry) =>
    label('formatCategory', entry.content.formatCategory),
  );
  const storage = C('存储格式', 10, (entry) => entry.content.storageFormat);
  const items = C('信息项', 40, itemNames);
  const version = C('版本', 6, (entry) => entry.version);
  const published = C('发布时间', 22, (entry) => entry.publishedAt);
  switch (list) {
    case 'sharing':
      return [
        code,
        name,
        provider,
        providerCode,
        C('资源分类', 8, (entry) => label('classification', entry.content.classification)),
        C('基础库类别/主题', 14, (entry) =>
          entry.content.baseKind ? label('baseKind', entry.content.baseKind) : entry.content.theme,
        ),
        C('类目路径', 20, (entry) => entry.content.categoryPath.join('/')),
        summary,
        C('共享类型', 12, shareName),
        C('共享条件', 24, (entry) => entry.content.share.conditions),
        C('理由', 24, (entry) => entry.content.share.reasons),
        C('依据', 24, (entry) => entry.content.share.legalBasis),
        C('共享方式', 18, deliveries),
        C('共享期限', 12, (entry) => entry.content.share.period),
        C('更新周期', 8, cycle),
        format,
        storage,
        items,
        version,
        published,
      ];
    case 'open':
      return [
        code,
        name,
        provider,
        providerCode,
        summary,
        C('关键词', 18, (entry) => entry.content.keywords.join('、')),
        C('领域', 14, (entry) =>
          entry.content.domains.map((domain) => label('domain', domain)).join('、'),
        ),
        C('开放类型', 12, (entry) => label('openClass', entry.content.open.class)),
        C('开放条件', 30, (entry) => entry.content.open.conditions),
        C('更新周期', 8, cycle),
        format,
        storage,
        items,
        C('联系人', 12, (entry) => entry.content.contact.name),
        C('联系电话', 16, (entry) => entry.content.contact.phone),
        version,
        published,
      ];
    case 'responsibility':
      return [
        providerCode,
        provider,
        code,
        name,
        C('共享类型', 12, shareName),
        C('共享条件', 24, (entry) => entry.content.share.conditions),
        C('共享方式', 18, deliveries),
        C('更新周期', 8, cycle),
        C('共享期限', 12, (entry) => entry.content.share.period),
        C('开放类型', 12, (entry) => label('openClass', entry.content.open.class)),
        C('信息项数', 8, (entry) => entry.content.items.length),
      ];
    case 'all':
      return [
        code,
        version,
        C('资源提供方', 20, (entry) => entry.orgName),
        ...RESOURCE_COLUMNS.map((column) =>
          C(
            column.header,
            column.width,
            (entry) => resourceRow(entry.orgCode, entry.content)[column.key],
          ),
        ),
        published,
      ];
  }
}

function listTables(
  list: CatalogList,
  entries: CatalogEntry[],
  options: ListOptions,
  csv: boolean,
): Table[] {
  const columns = listColumns(list, options);
  if (list === 'all' && csv) columns.push(C('信息项', 60, itemSummary));
  const main: Table = {
    sheet: list === 'all' ? SHEETS.resources : LIST_NAMES[list],
    columns,
    rows: entries.map((entry) => columns.map((column) => column.value(entry))),
  };
  if (csv) return [main];
  if (list === 'all') {
    const itemColumns = [{ header: '资源代码', width: 16 }, ...ITEM_COLUMNS];
    const rows: Cell[][] = [];
    for (const entry of entries) {
      for (const item of entry.content.items) {
        const values = itemRow(entry.content.name, item);
        rows.push([entry.code, ...ITEM_COLUMNS.map((column) => values[column.key])]);
      }
    }
    return [main, { sheet: SHEETS.items, columns: itemColumns, rows }];
  }
  if (list === 'responsibility') {
    const byOrg = new Map<string, CatalogEntry[]>();
    for (const entry of entries)
      byOrg.set(entry.orgCode, [...(byOrg.get(entry.orgCode) ?? []), entry]);
    const count = (group: CatalogEntry[], test: (entry: CatalogEntry) => boolean) =>
      group.filter(test).length;
    const summary: Table = {
      sheet: '部门汇总',
      columns: [
        { header: '提供部门代码', width: 12 },
        { header: '资源提供方', width: 24 },
        { header: '应共享资源数', width: 12 },
        { header: '无条件共享', width: 12 },
        { header: '有条件共享', width: 12 },
        { header: '实时/每日更新', width: 14 },
        { header: '向社会开放', width: 12 },
      ],
      rows: [...byOrg.values()].map((group) => [
        group[0]?.orgCode,
        group[0]?.orgName,
        group.length,
        count(group, (entry) => entry.content.share.class === 'unconditional'),
        count(group, (entry) => entry.content.share.class === 'conditional'),
        count(group, (entry) => ['realtime', 'daily'].includes(entry.content.updateCycle)),
        count(group, (entry) => entry.content.open.class !== 'none'),
      ]),
    };
    return [main, summary];
  }
  return [main];
}

export async function catalogToWorkbook(
  list: CatalogList,
  entries: CatalogEntry[],
  options: ListOptions = {},
): Promise<Buffer> {
  const workbook = await newWorkbook();
  workbook.title = LIST_NAMES[list];
  for (const table of listTables(list, entries, options, false)) {
    const sheet = addDataSheet(workbook, table.sheet, table.columns, table.rows);
    sheet.getColumn(1).alignment = { vertical: 'top' };
  }
  return toBuffer(workbook);
}

/** Cells Excel would run as a formula are prefixed with an apostrophe (CSV injection). */
function csvCell(value: Cell): string | number {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number') return value;
  return /^[=+\-@\t\r]/.test(value) && !/^[+-]?\d[\d\s-]*$/.test(value) ? `'${value}` : value;
}

/** The list as CSV: UTF-8 with a byte-order mark and CRLF line ends, so that Excel opens it as is. */
export function catalogToCsv(
  list: CatalogList,
  entries: CatalogEntry[],
  options: ListOptions = {},
): Buffer {
  const [table] = listTables(list, entries, options, true);
  if (!table) return Buffer.from('\ufeff');
  return Buffer.from(
    stringify(
      table.rows.map((row) => row.map(csvCell)),
      {
        bom: true,
        header: true,
        columns: table.columns.map((column) => column.header),
        record_delimiter: 'windows',
      },
    ),
    'utf8',
  );
}

/** The template's values of an entry, for tests and the console's preview. */
export function templateValues(orgCode: string, content: ResourceContentDto) {
  return {
    resource: resourceRow(orgCode, content),
    items: content.items.map((item) => itemRow(content.name, item)),
  };
}
