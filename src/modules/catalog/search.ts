import { Type, type Static } from '@sinclair/typebox';
import { cut, cut_for_search } from 'jieba-wasm';
import type { Kysely } from 'kysely';
import { defineAction } from '../../core/action.ts';
import { isAuthenticated } from '../../core/policy.ts';
import { Input, OrgCode, Timestamp } from '../../core/schemas.ts';
import type { DialectInfo } from '../../db/dialect.ts';
import type { Database } from '../../db/schema.ts';
import {
  BASE_KIND_NAMES,
  CLASSIFICATIONS,
  DOMAINS,
  FORMAT_CATEGORIES,
  FORMAT_CATEGORY_NAMES,
  OPEN_CLASSES,
  SHARE_CLASSES,
  UPDATE_CYCLES,
  type ResourceContentDto,
} from './model.ts';

/**
 * Chinese-aware catalog search (issue 3, Search). Text is segmented with jieba (jieba-wasm): documents
 * with the search mode (a word and its sub-words: 常住人口 -> 常住, 人口, 常住人口), queries with the
 * precise mode, so 人口 and 常住人口 both find 常住人口基本信息. Tokens are kept to letters and digits
 * and lower-cased, so they are safe inside FTS5 and tsquery literals.
 */
const TOKEN = /^[\p{L}\p{N}]+$/u;

function clean(tokens: string[]): string[] {
  return [
    ...new Set(
      tokens.map((token) => token.trim().toLowerCase()).filter((token) => TOKEN.test(token)),
    ),
  ];
}

export function segmentDocument(text: string): string {
  return clean(cut_for_search(text, true)).join(' ');
}

export function segmentQuery(text: string): string[] {
  return clean(cut(text, true)).slice(0, 12);
}

export interface IndexedResource {
  resourceId: string;
  code: string;
  version: number;
  orgId: string;
  orgCode: string;
  orgName: string;
  regionPath: string;
  publishedAt: string;
  content: ResourceContentDto;
}

/** Puts the live version of a resource into the search index (replacing what was there). */
export async function indexResource(
  db: Kysely<Database>,
  dialect: DialectInfo,
  resource: IndexedResource,
): Promise<void> {
  await unindexResource(db, dialect, resource.resourceId);
  const { content } = resource;
  const inserted = await db
    .insertInto('resource_search')
    .values({
      resource_id: resource.resourceId,
      code: resource.code,
      version: resource.version,
      org_id: resource.orgId,
      org_code: resource.orgCode,
      org_name: resource.orgName,
      region_path: resource.regionPath,
      name: content.name,
      summary: content.summary,
      classification: content.classification,
      share_class: content.share.class,
      open_class: content.open.class,
      format_category: content.formatCategory,
      update_cycle: content.updateCycle,
      published_at: resource.publishedAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (content.domains.length > 0) {
    await db
      .insertInto('resource_search_domains')
      .values([...new Set(content.domains)].map((domain) => ({ doc_id: inserted.id, domain })))
      .execute();
  }
  const body = [
    content.summary,
    resource.orgName,
    content.businessMatter,
    content.systemName,
    content.theme ?? '',
    content.baseKind ? BASE_KIND_NAMES[content.baseKind] : '',
    FORMAT_CATEGORY_NAMES[content.formatCategory],
    ...content.categoryPath,
    ...content.items.flatMap((item) => [item.name, item.description ?? '']),
  ].join(' ');
  await dialect.search.index(db, inserted.id, {
    name: segmentDocument(content.name),
    keywords: segmentDocument(content.keywords.join(' ')),
    body: segmentDocument(body),
  });
}

export async function unindexResource(
  db: Kysely<Database>,
  dialect: DialectInfo,
  resourceId: string,
): Promise<void> {
  const existing = await db
    .selectFrom('resource_search')
    .select('id')
    .where('resource_id', '=', resourceId)
    .executeTakeFirst();
  if (!existing) return;
  await dialect.search.remove(db, existing.id);
  await db.deleteFrom('resource_search_domains').where('doc_id', '=', existing.id).execute();
  await db.deleteFrom('resource_search').where('id', '=', existing.id).execute();
}

const literals = <T extends string>(values: readonly T[]) =>
  Type.Union(values.map((value) => Type.Literal(value)));
const FacetCounts = Type.Array(
  Type.Object({ value: Type.String(), label: Type.String(), count: Type.Integer() }),
);

export const SearchResult = Type.Object({
  total: Type.Integer(),
  tokens: Type.Array(Type.String(), { description: 'how the query was segmented' }),
  items: Type.Array(
    Type.Object({
      code: Type.String(),
      version: Type.Integer(),
      name: Type.String(),
      summary: Type.String(),
      orgCode: Type.String(),
      orgName: Type.String(),
      classification: Type.String(),
      shareClass: Type.String(),
      openClass: Type.String(),
      formatCategory: Type.String(),
      updateCycle: Type.String(),
      publishedAt: Timestamp,
      domains: Type.Array(Type.String()),
    }),
  ),
  facets: Type.Object({
    provider: FacetCounts,
    classification: FacetCounts,
    shareClass: FacetCounts,
    openClass: FacetCounts,
    formatCategory: FacetCounts,
    updateCycle: FacetCounts,
    domain: FacetCounts,
  }),
});

export const SearchInput = Input({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  provider: Type.Optional(OrgCode),
  classification: Type.Optional(literals(CLASSIFICATIONS)),
  shareClass: Type.Optional(literals(SHARE_CLASSES)),
  openClass: Type.Optional(literals(OPEN_CLASSES)),
  formatCategory: Type.Optional(literals(FORMAT_CATEGORIES)),
  updateCycle: Type.Optional(literals(UPDATE_CYCLES)),
  domain: Type.Optional(literals(DOMAINS)),
  sort: Type.Union([Type.Literal('relevance'), Type.Literal('newest'), Type.Literal('name')], {
    default: 'relevance',
  }),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  offset: Type.Integer({ minimum: 0, maximum: 10000, default: 0 }),
});
export type SearchParams = Static<typeof SearchInput> & { openOnly?: boolean };

/** Searches the live catalog; `openOnly` restricts to the open catalog (what the public may see, R5.2). */
export async function searchCatalog(
  db: Kysely<Database>,
  dialect: DialectInfo,
  params: SearchParams,
): Promise<Static<typeof SearchResult>> {
  const tokens = params.q ? segmentQuery(params.q) : [];
  let base = db.selectFrom('resource_search as s');
  if (tokens.length > 0) {
    base = base.innerJoin(dialect.search.matches(tokens).as('m'), 'm.doc_id', 's.id');
  }
  const filtered = (except?: string) => {
    let query = base;
    if (params.openOnly) query = query.where('s.open_class', '!=', 'none');
    if (params.provider && except !== 'provider')
      query = query.where('s.org_code', '=', params.provider);
    if (params.classification && except !== 'classification')
      query = query.where('s.classification', '=', params.classification);
    if (params.shareClass && except !== 'shareClass')
      query = query.where('s.share_class', '=', params.shareClass);
    if (params.openClass && except !== 'openClass')
      query = query.where('s.open_class', '=', params.openClass);
    if (params.formatCategory && except !== 'formatCategory')
      query = query.where('s.format_category', '=', params.formatCategory);
    if (params.updateCycle && except !== 'updateCycle')
      query = query.where('s.update_cycle', '=', params.updateCycle);
    if (params.domain && except !== 'domain') {
      const domain = params.domain;
      query = query.where((eb) =>
        eb.exists(
          eb
            .selectFrom('resource_search_domains as d')
            .select('d.doc_id')
            .whereRef('d.doc_id', '=', 's.id')
            .where('d.domain', '=', domain),
        ),
      );
    }
    return query;
  };

  const sorted = filtered().selectAll('s');
  const ordered =
    params.sort === 'name'
      ? sorted.orderBy('s.name').orderBy('s.code')
      : params.sort === 'newest' || tokens.length === 0
        ? sorted.orderBy('s.published_at', 'desc').orderBy('s.code')
        : (
            sorted as unknown as typeof sorted & {
              orderBy(ref: 'm.rank', dir: 'desc'): typeof sorted;
            }
          )
            .orderBy('m.rank', 'desc')
            .orderBy('s.code');
  const rows = await ordered.limit(params.limit).offset(params.offset).execute();
  const total = Number(
    (
      await filtered()
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
  const domainRows = rows.length
    ? await db
        .selectFrom('resource_search_domains')
        .selectAll()
        .where(
          'doc_id',
          'in',
          rows.map((row) => row.id),
        )
        .execute()
    : [];

  // Each facet counts under every filter but its own, so a user can widen a choice (drill sideways).
  const facet = async (
    column:
      | 'org_code'
      | 'classification'
      | 'share_class'
      | 'open_class'
      | 'format_category'
      | 'update_cycle',
    name: string,
  ) =>
    (
      await filtered(name)
        .select((eb) => [`s.${column}` as 's.org_code', eb.fn.countAll<number>().as('n')])
        .groupBy(`s.${column}`)
        .execute()
    )
      .map((row) => ({ value: String(row[column as 'org_code']), count: Number(row.n) }))
      .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  const providers = await facet('org_code', 'provider');
  const names = providers.length
    ? new Map(
        (
          await db
            .selectFrom('orgs')
            .select(['code', 'name'])
            .where(
              'code',
              'in',
              providers.map((p) => p.value),
            )
            .execute()
        ).map((org) => [org.code, org.name]),
      )
    : new Map<string, string>();
  const domainFacet = (
    await filtered('domain')
      .innerJoin('resource_search_domains as fd', 'fd.doc_id', 's.id')
      .select((eb) => ['fd.domain', eb.fn.countAll<number>().as('n')])
      .groupBy('fd.domain')
      .execute()
  )
    .map((row) => ({ value: row.domain, label: row.domain, count: Number(row.n) }))
    .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  const withLabels = (items: { value: string; count: number }[]) =>
    items.map((item) => ({ ...item, label: item.value }));

  return {
    total,
    tokens,
    items: rows.map((row) => ({
      code: row.code,
      version: row.version,
      name: row.name,
      summary: row.summary,
      orgCode: row.org_code,
      orgName: row.org_name,
      classification: row.classification,
      shareClass: row.share_class,
      openClass: row.open_class,
      formatCategory: row.format_category,
      updateCycle: row.update_cycle,
      publishedAt: row.published_at,
      domains: domainRows.filter((d) => d.doc_id === row.id).map((d) => d.domain),
    })),
    facets: {
      provider: providers.map((item) => ({ ...item, label: names.get(item.value) ?? item.value })),
      classification: withLabels(await facet('classification', 'classification')),
      shareClass: withLabels(await facet('share_class', 'shareClass')),
      openClass: withLabels(await facet('open_class', 'openClass')),
      formatCategory: withLabels(await facet('format_category', 'formatCategory')),
      updateCycle: withLabels(await facet('update_cycle', 'updateCycle')),
      domain: domainFacet,
    },
  };
}

export const catalogSearch = defineAction({
  name: 'catalog.search',
  description:
    'Search the published catalog in Chinese with facets (provider, classes, format, cycle, domain).',
  tag: 'catalog',
  input: SearchInput,
  output: SearchResult,
  mutating: false,
  http: { method: 'GET', path: '/catalog/search' },
  // Every signed-in department sees every published entry's metadata, shared or not (issue 3).
  policy: (ctx) => isAuthenticated(ctx.actor),
  handler: (ctx, input) => searchCatalog(ctx.db, ctx.services.db.dialect, input),
});
