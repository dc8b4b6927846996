import { Type, type Static } from '@sinclair/typebox';
import { cut, cut_for_search } from 'jieba-wasm';
import { sql, type Kysely } from 'kysely';
import { defineAction } from '../../core/action.ts';
import { isGovernmentActor } from '../../core/policy.ts';
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
      domains: [...new Set(content.domains)].join(' '),
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
  await bumpIndexVersion(db);
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
  await bumpIndexVersion(db);
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

/** Facets in a fixed order: index 0-5 are single-valued columns, 6 (domain) is multi-valued. */
const FACET_NAMES = [
  'provider',
  'classification',
  'shareClass',
  'openClass',
  'formatCategory',
  'updateCycle',
  'domain',
] as const;
type FacetName = (typeof FACET_NAMES)[number];
const DOMAIN = 6;
const OPEN_CLASS = 3;

interface FacetRow {
  id: number;
  /** Value codes of facets 0-5 (see FacetSnapshot.dictionaries). */
  values: Uint16Array;
  domains: number[];
  newestOrder: number;
  nameOrder: number;
}

interface FacetSnapshot {
  version: number;
  byId: Map<number, FacetRow>;
  newestFirst: FacetRow[];
  byName: FacetRow[];
  /** Per facet: the distinct values, a row stores their index. */
  dictionaries: string[][];
  orgNames: Map<string, string>;
}

/**
 * The facet columns of every live entry, held in memory per process as small integer codes (about
 * 60 bytes an entry). Filtering, facet counting and ordering happen here in one pass; the database
 * answers only the full-text match and the page's rows. Reloaded when the index version in
 * resource_search_state moves, so every process sees a change at its next search.
 */
const snapshots = new WeakMap<object, Promise<FacetSnapshot>>();

async function facetSnapshot(db: Kysely<Database>, key: object): Promise<FacetSnapshot> {
  const state = await db
    .selectFrom('resource_search_state')
    .select('version')
    .where('id', '=', 1)
    .executeTakeFirst();
  const version = state?.version ?? 0;
  const cached = snapshots.get(key);
  if (cached) {
    const snapshot = await cached;
    if (snapshot.version === version) return snapshot;
  }
  const loading = (async (): Promise<FacetSnapshot> => {
    const rows = await db
      .selectFrom('resource_search')
      .select([
        'id',
        'code',
        'org_code',
        'org_name',
        'classification',
        'share_class',
        'open_class',
        'format_category',
        'update_cycle',
        'domains',
        'name',
        'published_at',
      ])
      .execute();
    const dictionaries: string[][] = FACET_NAMES.map(() => []);
    const lookups = FACET_NAMES.map(() => new Map<string, number>());
    const code = (facet: number, value: string): number => {
      const lookup = lookups[facet]!;
      let index = lookup.get(value);
      if (index === undefined) {
        index = dictionaries[facet]!.push(value) - 1;
        lookup.set(value, index);
      }
      return index;
    };
    const orgNames = new Map<string, string>();
    const facetRows = rows.map((row) => {
      orgNames.set(row.org_code, row.org_name);
      const values = new Uint16Array(6);
      [
        row.org_code,
        row.classification,
        row.share_class,
        row.open_class,
        row.format_category,
        row.update_cycle,
      ].forEach((value, facet) => (values[facet] = code(facet, value)));
      return {
        id: row.id,
        values,
        domains: row.domains ? row.domains.split(' ').map((domain) => code(DOMAIN, domain)) : [],
        newestOrder: 0,
        nameOrder: 0,
      };
    });
    const collator = new Intl.Collator('zh-CN');
    const order = rows.map((row, index) => ({
      row: facetRows[index]!,
      name: row.name,
      publishedAt: row.published_at,
      code: row.code,
    }));
    order.sort((a, b) =>
      a.publishedAt < b.publishedAt
        ? 1
        : a.publishedAt > b.publishedAt
          ? -1
          : a.code.localeCompare(b.code),
    );
    const newestFirst = order.map(
      (entry, position) => ((entry.row.newestOrder = position), entry.row),
    );
    order.sort((a, b) => collator.compare(a.name, b.name) || a.code.localeCompare(b.code));
    const byName = order.map((entry, position) => ((entry.row.nameOrder = position), entry.row));
    return {
      version,
      byId: new Map(facetRows.map((row) => [row.id, row])),
      newestFirst,
      byName,
      dictionaries,
      orgNames,
    };
  })();
  snapshots.set(key, loading);
  loading.catch(() => snapshots.delete(key));
  return loading;
}

/** Marks the index changed; called in the same transaction as the change. */
async function bumpIndexVersion(db: Kysely<Database>): Promise<void> {
  await db
    .updateTable('resource_search_state')
    .set((eb) => ({ version: eb('version', '+', 1) }))
    .where('id', '=', 1)
    .execute();
}

/**
 * Searches the live catalog; `openOnly` restricts to the open catalog (what the public may see, R5.2).
 * `cacheKey` identifies the database (one facet snapshot per database per process).
 */
export async function searchCatalog(
  db: Kysely<Database>,
  dialect: DialectInfo,
  params: SearchParams,
  cacheKey: object = db,
): Promise<Static<typeof SearchResult>> {
  const tokens = params.q ? segmentQuery(params.q) : [];
  const snapshot = await facetSnapshot(db, cacheKey);
  let ranks: Map<number, number> | null = null;
  if (params.q !== undefined && params.q.trim() !== '') {
    ranks = new Map();
    if (tokens.length > 0) {
      const { rows } = await sql<{
        doc_id: number;
        rank: number;
      }>`select doc_id, rank from ${dialect.search.matches(tokens)} m`.execute(db);
      for (const row of rows) ranks.set(Number(row.doc_id), Number(row.rank));
    }
  }
  const requested: (string | undefined)[] = [
    params.provider,
    params.classification,
    params.shareClass,
    params.openClass,
    params.formatCategory,
    params.updateCycle,
    params.domain,
  ];
  // Active filters as [facet, value code]; an unknown value matches nothing (code -1).
  const active: [number, number][] = [];
  requested.forEach((value, facet) => {
    if (value !== undefined) active.push([facet, snapshot.dictionaries[facet]!.indexOf(value)]);
  });
  const closedCode = snapshot.dictionaries[OPEN_CLASS]!.indexOf('none');
  const counts = snapshot.dictionaries.map((values) => new Int32Array(values.length));
  const sort = params.sort === 'relevance' && !ranks ? 'newest' : params.sort;
  // Without a query the pre-ordered list is walked, so no sort of the whole catalog is needed.
  let candidates: FacetRow[];
  if (ranks) {
    candidates = [];
    for (const id of ranks.keys()) {
      const row = snapshot.byId.get(id);
      if (row) candidates.push(row);
    }
  } else {
    candidates = sort === 'name' ? snapshot.byName : snapshot.newestFirst;
  }
  const hits: FacetRow[] = [];
  const activeFacets = active.map(([facet]) => facet);
  const activeValues = active.map(([, value]) => value);
  const activeCount = active.length;
  const domainCounts = counts[DOMAIN]!;
  // The hot loop of every search: plain indexed loops, no allocation per row.
  for (let r = 0; r < candidates.length; r++) {
    const row = candidates[r]!;
    const values = row.values;
    if (params.openOnly && values[OPEN_CLASS] === closedCode) continue;
    // Each facet counts under every filter but its own, so a user can widen a choice (drill sideways).
    let failed = -1;
    let failures = 0;
    for (let a = 0; a < activeCount; a++) {
      const facet = activeFacets[a]!;
      const value = activeValues[a]!;
      if (facet === DOMAIN ? !row.domains.includes(value) : values[facet] !== value) {
        failed = facet;
        if (++failures > 1) break;
      }
    }
    if (failures > 1) continue;
    if (failures === 1) {
      if (failed === DOMAIN)
        for (let d = 0; d < row.domains.length; d++) domainCounts[row.domains[d]!]!++;
      else counts[failed]![values[failed]!]!++;
      continue;
    }
    for (let facet = 0; facet < DOMAIN; facet++) counts[facet]![values[facet]!]!++;
    for (let d = 0; d < row.domains.length; d++) domainCounts[row.domains[d]!]!++;
    hits.push(row);
  }
  if (ranks) {
    hits.sort((a, b) =>
      sort === 'name'
        ? a.nameOrder - b.nameOrder
        : sort === 'newest'
          ? a.newestOrder - b.newestOrder
          : ranks.get(b.id)! - ranks.get(a.id)! || a.newestOrder - b.newestOrder,
    );
  }
  const page = hits.slice(params.offset, params.offset + params.limit);
  const details = page.length
    ? new Map(
        (
          await db
            .selectFrom('resource_search')
            .selectAll()
            .where(
              'id',
              'in',
              page.map((row) => row.id),
            )
            .execute()
        ).map((row) => [row.id, row]),
      )
    : new Map<number, never>();
  const facetList = (facet: number) =>
    snapshot.dictionaries[facet]!.flatMap((value, index) => {
      const count = counts[facet]![index]!;
      return count > 0
        ? [{ value, count, label: facet === 0 ? (snapshot.orgNames.get(value) ?? value) : value }]
        : [];
    }).sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  const facets = Object.fromEntries(
    FACET_NAMES.map((name, facet) => [name, facetList(facet)]),
  ) as Record<FacetName, ReturnType<typeof facetList>>;
  return {
    total: hits.length,
    tokens,
    items: page.flatMap((row) => {
      const detail = details.get(row.id);
      return detail
        ? [
            {
              code: detail.code,
              version: detail.version,
              name: detail.name,
              summary: detail.summary,
              orgCode: detail.org_code,
              orgName: detail.org_name,
              classification: detail.classification,
              shareClass: detail.share_class,
              openClass: detail.open_class,
              formatCategory: detail.format_category,
              updateCycle: detail.update_cycle,
              publishedAt: detail.published_at,
              domains: row.domains.map((domain) => snapshot.dictionaries[DOMAIN]![domain]!),
            },
          ]
        : [];
    }),
    facets,
  };
}

export const catalogSearch = defineAction({
  name: 'catalog.search',
  description:
    'Search the published catalog in Chinese with facets; without sign-in, only the open catalog (R5.2).',
  tag: 'catalog',
  input: SearchInput,
  output: SearchResult,
  mutating: false,
  http: { method: 'GET', path: '/catalog/search' },
  // Public by design: signed-in departments see every published entry's metadata, shared or not
  // (issue 3); anyone else sees the open catalog only (R5.2), enforced in the handler.
  policy: () => true,
  handler: (ctx, input) =>
    searchCatalog(
      ctx.db,
      ctx.services.db.dialect,
      { ...input, openOnly: !isGovernmentActor(ctx.actor) },
      ctx.services.db,
    ),
});
