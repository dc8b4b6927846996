import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { defineAction, type ActionContext, type AnyAction } from '../../core/action.ts';
import { AppError, languageOf, notFound, text, type LocalizedText } from '../../core/errors.ts';
import { runAction } from '../../core/run-action.ts';
import { Input } from '../../core/schemas.ts';
import type { Services } from '../../core/services.ts';
import { toAppError } from '../../http/errors.ts';
import type { Database } from '../../db/schema.ts';
import { DOMAINS, UPDATE_CYCLES } from '../catalog/model.ts';
import { LABELS } from '../catalog/xlsx.ts';
import {
  findOpenDataset,
  findOpenDatasets,
  openItems,
  recordOpenAccess,
  type OpenDataset,
} from './access.ts';
import {
  MAX_RECORDS,
  citationOf,
  datasetUrl,
  openOrgs,
  parseFilters,
  portalName,
  readRecords,
  searchOpenCatalog,
  takeableDataset,
} from './datasets.ts';

/**
 * The CKAN Action API (`/api/3/action/{name}` and CKAN's older `/api/action/{name}`), so that CKAN
 * clients and harvesters (ckanapi, ckanext-harvest, data portals' federation) read the open catalog
 * unchanged (issue 7). Each CKAN action is a govdx action (`ckan.packageSearch` ...) run through
 * runAction like everything else; this file also holds the transport: CKAN's envelope, its error
 * types and HTTP statuses. Field mapping: docs/API-open.md.
 */
const CKAN_VERSION = '2.10.4';
const MAX_ROWS = 1000;
const DEFAULT_ROWS = 10;

/** CKAN names are lower case; govdx codes are upper case. Lookups accept either. */
const ckanName = (code: string) => code.toLowerCase();
const govdxCode = (name: string) => name.trim().toUpperCase();

class CkanError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly localized: LocalizedText,
    readonly fields?: Record<string, LocalizedText>,
  ) {
    super(localized.en);
  }
}

const validationError = (field: string, message: LocalizedText) =>
  new CkanError(409, 'Validation Error', text('输入有误', 'Validation error'), {
    [field]: message,
  });

function str(params: Record<string, unknown>, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw validationError(name, text('应为文本', 'must be a string'));
}

/** CKAN's int validator, then the clamp CKAN applies to rows and limit. */
function int(
  params: Record<string, unknown>,
  name: string,
  fallback: number,
  max?: number,
): number {
  const raw = str(params, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw.trim()))
    throw validationError(name, text('应为非负整数', 'Invalid integer'));
  const value = Number(raw);
  return max === undefined ? value : Math.min(value, max);
}

function bool(params: Record<string, unknown>, name: string, fallback: boolean): boolean {
  const raw = str(params, name);
  if (raw === undefined) return fallback;
  return ['true', '1', 'yes', 'on'].includes(raw.toLowerCase());
}

/** A list given as a JSON array, a comma list, or (POST) an array. */
function list(params: Record<string, unknown>, name: string): string[] {
  const value = params[name];
  if (value === undefined || value === null || value === '') return [];
  if (Array.isArray(value)) return value.map(String);
  if (typeof value !== 'string') throw validationError(name, text('应为列表', 'must be a list'));
  const raw = value.trim();
  if (raw.startsWith('[')) {
    try {
      const parsed = JSON.parse(raw) as unknown;
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      // fall through to the refusal
    }
    throw validationError(name, text('应为 JSON 数组', 'must be a JSON list'));
  }
  return raw
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
}

// ---------------------------------------------------------------------------------------------
// The mapping of govdx open datasets onto CKAN's package, resource, organization and group dicts.

const DOWNLOADS = [
  { suffix: '', format: 'CSV', mimetype: 'text/csv' },
  {
    suffix: '.xlsx',
    format: 'XLSX',
    mimetype: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  },
  { suffix: '.json', format: 'JSON', mimetype: 'application/json' },
] as const;

function resourceDicts(ctx: ActionContext, dataset: OpenDataset) {
  if (!dataset.table) return [];
  const base = ctx.services.config.publicUrl;
  return DOWNLOADS.map((download, position) => ({
    id: `${ckanName(dataset.code)}${download.suffix}`,
    package_id: dataset.resourceId,
    name: `${dataset.name}（${download.format}）`,
    description: dataset.content.summary,
    format: download.format,
    mimetype: download.mimetype,
    url: `${base}/api/v1/open/datasets/${encodeURIComponent(dataset.code)}/download?format=${download.format.toLowerCase()}`,
    // The CSV resource is the one the datastore answers for (datastore_search).
    datastore_active: download.suffix === '',
    created: dataset.publishedAt,
    last_modified: dataset.lastUpdatedAt,
    state: 'active',
    position,
    url_type: null,
  }));
}

function organizationDict(org: { id: string; code: string; name: string }, packages?: number) {
  return {
    id: org.id,
    name: ckanName(org.code),
    title: org.name,
    display_name: org.name,
    type: 'organization',
    is_organization: true,
    state: 'active',
    approval_status: 'approved',
    description: '',
    image_url: '',
    ...(packages === undefined ? {} : { package_count: packages }),
  };
}

function groupDict(domain: string, packages?: number) {
  const title = LABELS.domain[domain as keyof typeof LABELS.domain] ?? domain;
  return {
    id: domain,
    name: domain,
    title,
    display_name: title,
    type: 'group',
    is_organization: false,
    state: 'active',
    approval_status: 'approved',
    description: '',
    image_url: '',
    ...(packages === undefined ? {} : { package_count: packages }),
  };
}

function packageDict(ctx: ActionContext, dataset: OpenDataset, platform: string) {
  const { content } = dataset;
  const url = datasetUrl(ctx, dataset.code);
  const resources = resourceDicts(ctx, dataset);
  return {
    id: dataset.resourceId,
    name: ckanName(dataset.code),
    title: dataset.name,
    notes: content.summary,
    url,
    version: String(dataset.version),
    type: 'dataset',
    state: 'active',
    private: false,
    isopen: dataset.openClass === 'unconditional',
    license_id: dataset.openClass === 'unconditional' ? 'cc-by' : 'other-closed',
    license_title:
      dataset.openClass === 'unconditional'
        ? 'Creative Commons Attribution'
        : '有条件开放（须签订数据使用协议）',
    author: dataset.orgName,
    author_email: null,
    maintainer: dataset.orgName,
    maintainer_email: null,
    metadata_created: dataset.publishedAt,
    metadata_modified: dataset.lastUpdatedAt,
    owner_org: dataset.orgId,
    organization: organizationDict({
      id: dataset.orgId,
      code: dataset.orgCode,
      name: dataset.orgName,
    }),
    groups: content.domains.map((domain) => groupDict(domain)),
    tags: content.keywords.map((keyword) => ({
      name: keyword,
      display_name: keyword,
      state: 'active',
      vocabulary_id: null,
    })),
    num_tags: content.keywords.length,
    resources,
    num_resources: resources.length,
    relationships_as_object: [],
    relationships_as_subject: [],
    extras: [
      { key: 'govdx_code', value: dataset.code },
      { key: 'open_class', value: dataset.openClass },
      { key: 'update_cycle', value: content.updateCycle },
      { key: 'opening_department', value: dataset.orgName },
      { key: 'citation', value: citationOf(dataset, platform, url, ctx.now) },
      ...(dataset.openClass === 'conditional'
        ? [{ key: 'open_conditions', value: content.open.conditions ?? '' }]
        : []),
      {
        key: 'data_items',
        value: openItems(content)
          .map((item) => item.name)
          .join('、'),
      },
    ],
  };
}

async function openDatasetByName(ctx: ActionContext, id: string | undefined): Promise<OpenDataset> {
  if (!id) throw validationError('id', text('缺少值', 'Missing value'));
  const dataset =
    (await findOpenDataset(ctx.db, govdxCode(id))) ?? (await datasetByResourceId(ctx.db, id));
  if (!dataset) throw notFound();
  return dataset;
}

/** CKAN clients also look packages up by their `id` (the govdx resource id, a UUID). */
async function datasetByResourceId(
  db: Kysely<Database>,
  id: string,
): Promise<OpenDataset | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const row = await db
    .selectFrom('resources')
    .select('code')
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? findOpenDataset(db, row.code) : undefined;
}

// ---------------------------------------------------------------------------------------------
// package_search: CKAN's Solr parameters onto the open catalog search.

const FQ_FIELDS: Record<string, 'provider' | 'domain' | 'openClass' | 'updateCycle'> = {
  organization: 'provider',
  groups: 'domain',
  open_class: 'openClass',
  update_cycle: 'updateCycle',
};

const SORTS: Record<string, 'relevance' | 'newest' | 'name'> = {
  'score desc': 'relevance',
  'score desc, metadata_modified desc': 'relevance',
  'metadata_modified desc': 'newest',
  'metadata_created desc': 'newest',
  'name asc': 'name',
  'title_string asc': 'name',
};

function searchQueryError(message: LocalizedText): CkanError {
  return new CkanError(409, 'Search Query Error', message);
}

/** `fq`: `field:value` terms, optionally `+`-prefixed or quoted, all of which must hold. */
export function parseFq(fq: string): Partial<Record<(typeof FQ_FIELDS)[string], string>> {
  const filters: Partial<Record<(typeof FQ_FIELDS)[string], string>> = {};
  const term = /\s*\+?([a-z_]+):(?:"([^"]*)"|([^\s"()[\]{}]+))\s*/gy;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = term.exec(fq)) !== null) {
    consumed = term.lastIndex;
    const [, field, quoted, bare] = match;
    const target = FQ_FIELDS[field as string];
    if (!target)
      throw searchQueryError(
        text(
          `搜索条件无效：不支持按 ${field} 筛选（可用：${Object.keys(FQ_FIELDS).join(', ')}）`,
          `Search Query is invalid: cannot filter on ${field} (supported: ${Object.keys(FQ_FIELDS).join(', ')})`,
        ),
      );
    filters[target] = target === 'provider' ? govdxCode(quoted ?? bare ?? '') : (quoted ?? bare);
  }
  if (consumed !== fq.length && fq.trim() !== '')
    throw searchQueryError(
      text(
        `搜索条件无效：无法解析 fq「${fq.slice(consumed, consumed + 40)}」`,
        `Search Query is invalid: cannot parse fq at "${fq.slice(consumed, consumed + 40)}"`,
      ),
    );
  return filters;
}

function checkChoice<T extends string>(
  field: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value))
    throw searchQueryError(
      text(`${field} 的取值 ${value} 无效`, `Search Query is invalid: unknown ${field} ${value}`),
    );
  return value as T;
}

const FACETS: Record<string, 'provider' | 'domain' | 'openClass' | 'updateCycle'> = FQ_FIELDS;

const Params = Type.Record(Type.String(), Type.Unknown());
const Anything = Type.Unknown({ description: 'the CKAN result (see docs/API-open.md)' });

function ckanAction(
  name: string,
  ckan: string,
  description: string,
  handler: (ctx: ActionContext, params: Record<string, unknown>) => Promise<unknown>,
): AnyAction {
  return defineAction({
    name,
    description: `CKAN ${ckan}: ${description}`,
    tag: 'ckan',
    input: Input({ params: Params }),
    output: Anything,
    mutating: false,
    // The open catalog is public; what a caller may take is decided per dataset (requireAccess).
    policy: () => true,
    handler: (ctx, input) => handler(ctx, input.params),
  });
}

const packageSearch = ckanAction(
  'ckan.packageSearch',
  'package_search',
  'search the open catalog (q, fq, rows, start, sort, facet.field).',
  async (ctx, params) => {
    const rows = int(params, 'rows', DEFAULT_ROWS, MAX_ROWS);
    const start = int(params, 'start', 0);
    if (start > 10_000) throw validationError('start', text('不能超过 10000', 'must be <= 10000'));
    const sortParam = (str(params, 'sort') ?? '').trim().toLowerCase().replace(/\s+/g, ' ');
    const sort = sortParam === '' ? 'relevance' : SORTS[sortParam];
    if (!sort)
      throw validationError(
        'sort',
        text(
          `不支持的排序：${sortParam}（可用：${Object.keys(SORTS).join('; ')}）`,
          `unsupported sort ${sortParam} (supported: ${Object.keys(SORTS).join('; ')})`,
        ),
      );
    const filters = parseFq(str(params, 'fq') ?? '');
    const q = str(params, 'q');
    const query = q && q.trim() !== '*:*' ? q.replace(/^text:/, '') : undefined;
    const result = await searchOpenCatalog(ctx, {
      ...(query ? { q: query.slice(0, 200) } : {}),
      ...(filters.provider ? { provider: filters.provider } : {}),
      ...(filters.domain ? { domain: checkChoice('groups', filters.domain, DOMAINS) } : {}),
      ...(filters.openClass
        ? {
            openClass: checkChoice('open_class', filters.openClass, [
              'unconditional',
              'conditional',
            ] as const),
          }
        : {}),
      ...(filters.updateCycle
        ? { updateCycle: checkChoice('update_cycle', filters.updateCycle, UPDATE_CYCLES) }
        : {}),
      sort,
      // Rows of 0 asks for the count and facets only (CKAN's idiom).
      limit: Math.max(rows, 1),
      offset: start,
    });
    const platform = await portalName(ctx.db);
    const results = [];
    if (rows > 0) {
      const datasets = await findOpenDatasets(
        ctx.db,
        result.items.map((item) => item.code),
      );
      for (const dataset of datasets) results.push(packageDict(ctx, dataset, platform));
    }
    const facetFields = list(params, 'facet.field');
    const facetLimit = int(params, 'facet.limit', 50);
    const facets: Record<string, Record<string, number>> = {};
    const searchFacets: Record<string, unknown> = {};
    for (const field of facetFields) {
      const source = FACETS[field];
      if (!source)
        throw validationError(
          'facet.field',
          text(
            `不支持的分面：${field}（可用：${Object.keys(FACETS).join(', ')}）`,
            `unsupported facet ${field} (supported: ${Object.keys(FACETS).join(', ')})`,
          ),
        );
      const entries = result.facets[source].slice(0, facetLimit).map((facet) => ({
        name: field === 'organization' ? ckanName(facet.value) : facet.value,
        display_name:
          field === 'groups'
            ? (LABELS.domain[facet.value as keyof typeof LABELS.domain] ?? facet.label)
            : facet.label,
        count: facet.count,
      }));
      facets[field] = Object.fromEntries(entries.map((entry) => [entry.name, entry.count]));
      searchFacets[field] = { title: field, items: entries };
    }
    return {
      count: result.total,
      sort: sortParam || 'score desc, metadata_modified desc',
      results,
      facets,
      search_facets: searchFacets,
    };
  },
);

const packageList = ckanAction(
  'ckan.packageList',
  'package_list',
  'the names of every open dataset (limit, offset).',
  async (ctx, params) => {
    const limit = int(params, 'limit', 100_000, 100_000);
    const offset = int(params, 'offset', 0);
    const rows = await ctx.db
      .selectFrom('resource_search')
      .select('code')
      .where('open_class', '!=', 'none')
      .orderBy('code')
      .limit(limit)
      .offset(offset)
      .execute();
    return rows.map((row) => ckanName(row.code));
  },
);

const packageShow = ckanAction(
  'ckan.packageShow',
  'package_show',
  'one open dataset by name or id, with its resources.',
  async (ctx, params) =>
    packageDict(ctx, await openDatasetByName(ctx, str(params, 'id')), await portalName(ctx.db)),
);

const resourceShow = ckanAction(
  'ckan.resourceShow',
  'resource_show',
  'one download of an open dataset (CSV, XLSX or JSON).',
  async (ctx, params) => {
    const id = str(params, 'id');
    if (!id) throw validationError('id', text('缺少值', 'Missing value'));
    const code = id.replace(/\.(xlsx|json)$/i, '');
    const dataset = await openDatasetByName(ctx, code);
    const resource = resourceDicts(ctx, dataset).find((entry) => entry.id === id.toLowerCase());
    if (!resource) throw notFound();
    return resource;
  },
);

const organizationList = ckanAction(
  'ckan.organizationList',
  'organization_list',
  'the opening departments (all_fields for dicts).',
  async (ctx, params) => {
    const orgs = await openOrgsWithIds(ctx.db);
    const limit = int(params, 'limit', 1000, 1000);
    const offset = int(params, 'offset', 0);
    const page = orgs.slice(offset, offset + limit);
    return bool(params, 'all_fields', false)
      ? page.map((org) => organizationDict(org, org.datasets))
      : page.map((org) => ckanName(org.code));
  },
);

async function openOrgsWithIds(db: Kysely<Database>) {
  const orgs = await openOrgs(db);
  const ids = new Map(
    (
      await db
        .selectFrom('orgs')
        .select(['id', 'code'])
        .where('code', 'in', orgs.length ? orgs.map((org) => org.code) : [''])
        .execute()
    ).map((row) => [row.code, row.id]),
  );
  return orgs
    .map((org) => ({ ...org, id: ids.get(org.code) ?? org.code }))
    .sort((a, b) => a.code.localeCompare(b.code));
}

const organizationShow = ckanAction(
  'ckan.organizationShow',
  'organization_show',
  'one opening department (include_datasets for its datasets).',
  async (ctx, params) => {
    const id = str(params, 'id');
    if (!id) throw validationError('id', text('缺少值', 'Missing value'));
    const org = (await openOrgsWithIds(ctx.db)).find(
      (entry) => entry.code === govdxCode(id) || entry.id === id,
    );
    if (!org) throw notFound();
    const dict = organizationDict(org, org.datasets);
    if (!bool(params, 'include_datasets', false)) return dict;
    const result = await searchOpenCatalog(ctx, {
      provider: org.code,
      sort: 'name',
      limit: 100,
      offset: 0,
    });
    const platform = await portalName(ctx.db);
    const datasets = await findOpenDatasets(
      ctx.db,
      result.items.map((item) => item.code),
    );
    return { ...dict, packages: datasets.map((dataset) => packageDict(ctx, dataset, platform)) };
  },
);

const groupList = ckanAction(
  'ckan.groupList',
  'group_list',
  'the priority open-data domains (R5.2) as groups.',
  async (ctx, params) => {
    const result = await searchOpenCatalog(ctx, { sort: 'newest', limit: 1, offset: 0 });
    const counts = new Map(result.facets.domain.map((facet) => [facet.value, facet.count]));
    const domains = DOMAINS.filter((domain) => domain !== 'other' || counts.has(domain));
    return bool(params, 'all_fields', false)
      ? domains.map((domain) => groupDict(domain, counts.get(domain) ?? 0))
      : domains;
  },
);

const tagList = ckanAction(
  'ckan.tagList',
  'tag_list',
  'the keywords of open datasets (query filters them).',
  async (ctx, params) => {
    const query = str(params, 'query')?.toLowerCase();
    const rows = await ctx.db
      .selectFrom('resource_search')
      .innerJoin('resource_versions', (join) =>
        join
          .onRef('resource_versions.resource_id', '=', 'resource_search.resource_id')
          .onRef('resource_versions.version', '=', 'resource_search.version'),
      )
      .select('resource_versions.content')
      .where('resource_search.open_class', '!=', 'none')
      .execute();
    const tags = new Set<string>();
    for (const row of rows) {
      const { keywords } = JSON.parse(row.content) as { keywords: string[] };
      for (const keyword of keywords)
        if (!query || keyword.toLowerCase().includes(query)) tags.add(keyword);
    }
    const sorted = [...tags].sort((a, b) => a.localeCompare(b, 'zh-CN'));
    return bool(params, 'all_fields', false)
      ? sorted.map((name) => ({ id: name, name, display_name: name, vocabulary_id: null }))
      : sorted;
  },
);

const statusShow = ckanAction(
  'ckan.statusShow',
  'status_show',
  'the site and the CKAN API version it speaks.',
  async (ctx) => ({
    site_title: await portalName(ctx.db),
    site_description: '公共数据开放平台（govdx），兼容 CKAN Action API',
    site_url: ctx.services.config.publicUrl,
    ckan_version: CKAN_VERSION,
    error_emails_to: null,
    locale_default: 'zh_Hans_CN',
    extensions: ['datastore', 'dcat'],
  }),
);

const CKAN_TYPES: Record<string, string> = {
  C: 'text',
  M: 'text',
  N: 'numeric',
  Y: 'numeric',
  B: 'float8',
  F: 'float8',
  I: 'int',
  D: 'date',
  T: 'timestamp',
  L: 'bool',
  G: 'text',
};

const datastoreSearch = ckanAction(
  'ckan.datastoreSearch',
  'datastore_search',
  'rows of an open dataset (resource_id, filters, q, limit, offset, fields, sort); recorded as an API call (R5.9).',
  async (ctx, params) => {
    const resourceId = str(params, 'resource_id') ?? str(params, 'id');
    if (!resourceId) throw validationError('resource_id', text('缺少值', 'Missing value'));
    if (/\.(xlsx|json)$/i.test(resourceId))
      throw validationError(
        'resource_id',
        text(
          '该资源没有数据存储，请使用 CSV 资源',
          'that resource is not in the datastore; use the CSV one',
        ),
      );
    const dataset = await takeableDataset(ctx, govdxCode(resourceId));
    const limit = int(params, 'limit', 100, MAX_RECORDS);
    const offset = int(params, 'offset', 0);
    const rawFilters = params.filters;
    const filters =
      rawFilters !== null && typeof rawFilters === 'object' && !Array.isArray(rawFilters)
        ? (rawFilters as Record<string, unknown>)
        : parseFilters(str(params, 'filters'));
    const q = params.q;
    if (q !== undefined && typeof q !== 'string')
      throw validationError('q', text('仅支持文本检索', 'only a text q is supported'));
    const fields = list(params, 'fields').filter((field) => field !== '_id');
    let page;
    try {
      page = await readRecords(ctx.db, dataset, {
        limit,
        offset,
        filters,
        ...(q ? { q } : {}),
        ...(str(params, 'sort') ? { sort: str(params, 'sort') } : {}),
        ...(fields.length ? { fields } : {}),
      });
    } catch (error) {
      if (error instanceof AppError && error.fields) {
        const [[field, message]] = Object.entries(error.fields) as [[string, LocalizedText]];
        throw validationError(field, message);
      }
      throw error;
    }
    recordOpenAccess(ctx.services, {
      actor: ctx.actor,
      dataset,
      channel: 'api',
      format: 'ckan',
      rows: page.records.length,
      requestId: ctx.requestId,
      at: ctx.now,
    });
    const base = `/api/3/action/datastore_search?resource_id=${encodeURIComponent(resourceId)}`;
    return {
      resource_id: resourceId,
      fields: page.fields.map((field) => ({
        id: field.column,
        type: CKAN_TYPES[field.type] ?? 'text',
        info: { label: field.name },
      })),
      records: page.records,
      total: page.total,
      limit,
      offset,
      total_was_estimated: false,
      _links: {
        start: base,
        next: `${base}&offset=${offset + limit}`,
      },
    };
  },
);

export const ckanActions: AnyAction[] = [
  statusShow,
  packageList,
  packageSearch,
  packageShow,
  resourceShow,
  organizationList,
  organizationShow,
  groupList,
  tagList,
  datastoreSearch,
];

const BY_CKAN_NAME = new Map<string, AnyAction>([
  ['status_show', statusShow],
  ['package_list', packageList],
  ['package_search', packageSearch],
  ['package_show', packageShow],
  ['resource_show', resourceShow],
  ['organization_list', organizationList],
  ['organization_show', organizationShow],
  ['group_list', groupList],
  ['tag_list', tagList],
  ['datastore_search', datastoreSearch],
]);

// ---------------------------------------------------------------------------------------------
// Transport: CKAN's envelope and errors.

const ERROR_TYPES: Record<string, { status: number; type: string }> = {
  NOT_FOUND: { status: 404, type: 'Not Found Error' },
  FORBIDDEN: { status: 403, type: 'Authorization Error' },
  UNAUTHENTICATED: { status: 403, type: 'Authorization Error' },
  VALIDATION: { status: 409, type: 'Validation Error' },
  BAD_REQUEST: { status: 400, type: 'Bad Request' },
  RATE_LIMITED: { status: 429, type: 'Rate Limit Error' },
};

function helpUrl(request: FastifyRequest, services: Services, name: string): string {
  return `${services.config.publicUrl}/api/3/action/help_show?name=${encodeURIComponent(name)}`;
}

function sendCkanError(
  request: FastifyRequest,
  reply: FastifyReply,
  services: Services,
  name: string,
  error: unknown,
): FastifyReply {
  const language = languageOf(request.headers['accept-language']);
  let status: number;
  let body: Record<string, unknown>;
  if (error instanceof CkanError) {
    status = error.status;
    body = {
      __type: error.type,
      message: error.localized[language],
      ...Object.fromEntries(
        Object.entries(error.fields ?? {}).map(([field, message]) => [field, [message[language]]]),
      ),
    };
  } else {
    const appError = toAppError(error);
    if (appError.code === 'INTERNAL') request.log.error({ err: error }, 'CKAN action failed');
    const mapped = ERROR_TYPES[appError.code] ?? { status: 500, type: 'Internal Server Error' };
    status = mapped.status;
    body = {
      __type: mapped.type,
      message: appError.localized[language],
      ...(appError.detail?.reason ? { reason: appError.detail.reason } : {}),
      ...Object.fromEntries(
        Object.entries(appError.fields ?? {}).map(([field, message]) => [
          field,
          [message[language]],
        ]),
      ),
    };
  }
  return reply
    .status(status)
    .send({ help: helpUrl(request, services, name), success: false, error: body });
}

/** Routes `/api/3/action/:name` and `/api/action/:name`, GET (query) and POST (JSON body). */
export function registerCkanRoutes(app: FastifyInstance, services: Services): void {
  const handle = async (request: FastifyRequest, reply: FastifyReply) => {
    const { name } = request.params as { name: string };
    const action = BY_CKAN_NAME.get(name);
    if (!action) {
      return sendCkanError(
        request,
        reply,
        services,
        name,
        new CkanError(
          400,
          'Bad Request',
          text(`未知的操作：${name}`, `Bad request - Action name not known: ${name}`),
        ),
      );
    }
    const query = request.query as Record<string, unknown>;
    const body =
      request.body !== null && typeof request.body === 'object'
        ? (request.body as Record<string, unknown>)
        : {};
    try {
      const result = await runAction(
        services,
        action,
        { params: { ...query, ...body } },
        { actor: request.actor, requestId: request.id, clientIp: request.ip },
      );
      return reply.send({ help: helpUrl(request, services, name), success: true, result });
    } catch (error) {
      return sendCkanError(request, reply, services, name, error);
    }
  };
  app.setErrorHandler((error, request, reply) => {
    const { name } = (request.params ?? {}) as { name?: string };
    return sendCkanError(request, reply, services, name ?? '', error);
  });
  for (const prefix of ['/api/3/action/:name', '/api/action/:name']) {
    app.get(prefix, { schema: { hide: true } }, handle);
    app.post(prefix, { schema: { hide: true } }, handle);
  }
}
