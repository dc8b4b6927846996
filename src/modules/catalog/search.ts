import { Type, type Static } from '@sinclair/typebox';
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
import { segment } from './segmenter.ts';

/**
 * Chinese-aware catalog search (issue 3, Search). Text is segmented with jieba (jieba-wasm, in a
 * worker thread: segmenter.ts): documents with the search mode (a word and its sub-words: 常住人口 ->
 * 常住, 人口, 常住人口), queries with the precise mode, so 人口 and 常住人口 both find 常住人口基本信息.
 * Tokens are kept to letters and digits and lower-cased, so they are safe inside FTS5 and tsquery
 * literals.
 */
const TOKEN = /^[\p{L}\p{N}]+$/u;

function clean(tokens: string[]): string[] {
  return [
    ...new Set(
      tokens.map((token) => token.trim().toLowerCase()).filter((token) => TOKEN.test(token)),
    ),
  ];
}

export async function segmentDocument(text: string): Promise<string> {
  return clean(await segment(text, 'document')).join(' ');
}

/**
 * Recent queries' tokens. A search is usually followed by the same query on another page or with
 * another facet, and popular queries recur; these answers need no jieba, so its worker can stay
 * released (segmenter.ts). A few hundred short strings.
 */
const queryTokens = new Map<string, string[]>();
const QUERY_CACHE_SIZE = 1000;

export async function segmentQuery(text: string): Promise<string[]> {
  let tokens = queryTokens.get(text);
  if (tokens) {
    // Re-inserted: the map's order is least recently used first.
    queryTokens.delete(text);
  } else {
    tokens = clean(await segment(text, 'query')).slice(0, 12);
    if (queryTokens.size >= QUERY_CACHE_SIZE)
      queryTokens.delete(queryTokens.keys().next().value as string);
  }
  queryTokens.set(text, tokens);
  return [...tokens];
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
  const [name, keywords, segmentedBody] = await Promise.all([
    segmentDocument(content.name),
    segmentDocument(content.keywords.join(' ')),
    segmentDocument(body),
  ]);
  await dialect.search.index(db, inserted.id, { name, keywords, body: segmentedBody });
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

/**
 * The facet columns of every live entry, held in memory per process as flat typed arrays indexed by
 * row (about 40 bytes an entry; one object per entry cost ten times that, 35 MB of V8 heap at
 * 100,000 entries, which the open portal's memory budget cannot carry). Filtering, facet counting and
 * ordering happen here in one pass; the database answers only the full-text match and the page's
 * rows. Reloaded when the index version in resource_search_state moves, so every process sees a
 * change at its next search.
 */
interface FacetSnapshot {
  version: number;
  /** resource_search ids, ascending; a row is an index into every array here. */
  ids: Int32Array;
  /** Value codes of facets 0-5 (see `dictionaries`), six per row. */
  values: Uint16Array;
  /** Domain codes of row r: domainCodes[domainStart[r] .. domainStart[r + 1]). */
  domainStart: Uint32Array;
  domainCodes: Uint16Array;
  /** Each row's position in the newest-first and by-name orders, and the rows in those orders. */
  newestOrder: Int32Array;
  nameOrder: Int32Array;
  newestFirst: Int32Array;
  byName: Int32Array;
  /** Per facet: the distinct values, a row stores their index. */
  dictionaries: string[][];
  orgNames: Map<string, string>;
}

const FACET_COLUMNS = DOMAIN;

const snapshots = new WeakMap<object, Promise<FacetSnapshot>>();

async function indexVersion(db: Kysely<Database>): Promise<number> {
  const state = await db
    .selectFrom('resource_search_state')
    .select('version')
    .where('id', '=', 1)
    .executeTakeFirst();
  return state?.version ?? 0;
}

async function facetSnapshot(db: Kysely<Database>, key: object): Promise<FacetSnapshot> {
  const version = await indexVersion(db);
  const cached = snapshots.get(key);
  if (cached) {
    const snapshot = await cached;
    if (snapshot.version === version) return snapshot;
  }
  const loading = (async (): Promise<FacetSnapshot> => {
    // Read in pages (see loadSnapshot); a change committed meanwhile could tear the read (an entry
    // re-indexed under a new id seen twice), so the read is repeated until the version holds.
    let loaded = version;
    for (let attempt = 0; ; attempt++) {
      const snapshot = await loadSnapshot(db, loaded);
      const now = await indexVersion(db);
      if (now === loaded) return snapshot;
      // Still changing after a few tries: use this one once, reload at the next search.
      if (attempt === 2) return { ...snapshot, version: -1 };
      loaded = now;
    }
  })();
  snapshots.set(key, loading);
  loading.catch(() => snapshots.delete(key));
  return loading;
}

const SNAPSHOT_PAGE = 1_000;

/**
 * Reads the facet columns page by page into arrays sized from a count, so that each page's row
 * objects die young and no array grows by copies: read at once, 100,000 entries' rows (half a
 * kilobyte each) outlived a young-generation collection and went to the old generation, 40 MB of
 * garbage there until a full collection. Rows beyond the count (added since) are left out; the
 * caller sees the version move and reads again.
 */
async function loadSnapshot(db: Kysely<Database>, version: number): Promise<FacetSnapshot> {
  const counted = await db
    .selectFrom('resource_search')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirst();
  const capacity = Number(counted?.n ?? 0);
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
  const ids = new Int32Array(capacity);
  const values = new Uint16Array(capacity * FACET_COLUMNS);
  const domainStart = new Uint32Array(capacity + 1);
  let domainCodes = new Uint16Array(capacity * 2);
  // What the two orders compare, kept until they are computed.
  const names = new Array<string>(capacity);
  const codes = new Array<string>(capacity);
  const published = new Array<string>(capacity);
  let count = 0;
  let domainCount = 0;
  let after = -1;
  while (count < capacity) {
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
      .where('id', '>', after)
      .orderBy('id')
      .limit(Math.min(SNAPSHOT_PAGE, capacity - count))
      .execute();
    for (const row of rows) {
      const r = count++;
      orgNames.set(row.org_code, row.org_name);
      ids[r] = row.id;
      const at = r * FACET_COLUMNS;
      values[at] = code(0, row.org_code);
      values[at + 1] = code(1, row.classification);
      values[at + 2] = code(2, row.share_class);
      values[at + 3] = code(3, row.open_class);
      values[at + 4] = code(4, row.format_category);
      values[at + 5] = code(5, row.update_cycle);
      if (row.domains) {
        for (const domain of row.domains.split(' ')) {
          if (domainCount === domainCodes.length) {
            const larger = new Uint16Array(domainCodes.length * 2 + 16);
            larger.set(domainCodes);
            domainCodes = larger;
          }
          domainCodes[domainCount++] = code(DOMAIN, domain);
        }
      }
      domainStart[r + 1] = domainCount;
      names[r] = row.name;
      codes[r] = row.code;
      published[r] = row.published_at;
    }
    if (rows.length === 0) break;
    after = rows[rows.length - 1]!.id;
  }
  const collator = new Intl.Collator('zh-CN');
  const ordered = (compare: (a: number, b: number) => number) => {
    const order = new Int32Array(count);
    for (let r = 0; r < count; r++) order[r] = r;
    return order.sort(compare);
  };
  const newestFirst = ordered((a, b) =>
    published[a]! < published[b]!
      ? 1
      : published[a]! > published[b]!
        ? -1
        : codes[a]!.localeCompare(codes[b]!),
  );
  const byName = ordered(
    (a, b) => collator.compare(names[a]!, names[b]!) || codes[a]!.localeCompare(codes[b]!),
  );
  const positions = (order: Int32Array) => {
    const position = new Int32Array(count);
    for (let p = 0; p < count; p++) position[order[p]!] = p;
    return position;
  };
  return {
    version,
    ids: ids.subarray(0, count),
    values: values.subarray(0, count * FACET_COLUMNS),
    domainStart: domainStart.subarray(0, count + 1),
    domainCodes: domainCodes.slice(0, domainCount),
    newestOrder: positions(newestFirst),
    nameOrder: positions(byName),
    newestFirst,
    byName,
    dictionaries,
    orgNames,
  };
}

/** The row of a resource_search id in the snapshot, or -1 (ids are ascending). */
function rowOf(ids: Int32Array, id: number): number {
  let low = 0;
  let high = ids.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const value = ids[middle]!;
    if (value < id) low = middle + 1;
    else if (value > id) high = middle - 1;
    else return middle;
  }
  return -1;
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
  const tokens = params.q ? await segmentQuery(params.q) : [];
  const snapshot = await facetSnapshot(db, cacheKey);
  const { ids, values, domainStart, domainCodes, newestOrder, nameOrder } = snapshot;
  let matches: { doc_id: number; rank: number }[] | null = null;
  if (params.q !== undefined && params.q.trim() !== '') {
    matches = [];
    if (tokens.length > 0) {
      matches = (
        await sql<{
          doc_id: number;
          rank: number;
        }>`select doc_id, rank from ${dialect.search.matches(tokens)} m`.execute(db)
      ).rows;
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
  const counts = snapshot.dictionaries.map((dictionary) => new Int32Array(dictionary.length));
  const sort = params.sort === 'relevance' && !matches ? 'newest' : params.sort;
  // Without a query the pre-ordered list is walked, so no sort of the whole catalog is needed.
  let candidates: Int32Array;
  /** With a query: the full-text rank of each candidate (same index). */
  let candidateRanks: Float64Array | undefined;
  if (matches) {
    candidates = new Int32Array(matches.length);
    candidateRanks = new Float64Array(matches.length);
    let found = 0;
    for (const match of matches) {
      const row = rowOf(ids, Number(match.doc_id));
      if (row < 0) continue;
      candidates[found] = row;
      candidateRanks[found++] = Number(match.rank);
    }
    candidates = candidates.subarray(0, found);
  } else {
    candidates = sort === 'name' ? snapshot.byName : snapshot.newestFirst;
  }
  /** Indexes into `candidates` of the entries that pass every filter, in candidate order. */
  const hits: number[] = [];
  const activeFacets = active.map(([facet]) => facet);
  const activeValues = active.map(([, value]) => value);
  const activeCount = active.length;
  const domainCounts = counts[DOMAIN]!;
  // The hot loop of every search: plain indexed loops over typed arrays, no allocation per row.
  for (let c = 0; c < candidates.length; c++) {
    const row = candidates[c]!;
    const at = row * FACET_COLUMNS;
    if (params.openOnly && values[at + OPEN_CLASS] === closedCode) continue;
    const domainsFrom = domainStart[row]!;
    const domainsTo = domainStart[row + 1]!;
    // Each facet counts under every filter but its own, so a user can widen a choice (drill sideways).
    let failed = -1;
    let failures = 0;
    for (let a = 0; a < activeCount; a++) {
      const facet = activeFacets[a]!;
      const value = activeValues[a]!;
      let passes: boolean;
      if (facet === DOMAIN) {
        passes = false;
        for (let d = domainsFrom; d < domainsTo; d++)
          if (domainCodes[d] === value) {
            passes = true;
            break;
          }
      } else passes = values[at + facet] === value;
      if (!passes) {
        failed = facet;
        if (++failures > 1) break;
      }
    }
    if (failures > 1) continue;
    if (failures === 1) {
      if (failed === DOMAIN)
        for (let d = domainsFrom; d < domainsTo; d++) domainCounts[domainCodes[d]!]!++;
      else counts[failed]![values[at + failed]!]!++;
      continue;
    }
    for (let facet = 0; facet < DOMAIN; facet++) counts[facet]![values[at + facet]!]!++;
    for (let d = domainsFrom; d < domainsTo; d++) domainCounts[domainCodes[d]!]!++;
    hits.push(c);
  }
  if (candidateRanks) {
    const ranks = candidateRanks;
    hits.sort((a, b) => {
      const x = candidates[a]!;
      const y = candidates[b]!;
      return sort === 'name'
        ? nameOrder[x]! - nameOrder[y]!
        : sort === 'newest'
          ? newestOrder[x]! - newestOrder[y]!
          : ranks[b]! - ranks[a]! || newestOrder[x]! - newestOrder[y]!;
    });
  }
  const page = hits
    .slice(params.offset, params.offset + params.limit)
    .map((hit) => candidates[hit]!);
  const details = page.length
    ? new Map(
        (
          await db
            .selectFrom('resource_search')
            .selectAll()
            .where(
              'id',
              'in',
              page.map((row) => ids[row]!),
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
      const detail = details.get(ids[row]!);
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
              domains: Array.from(
                domainCodes.subarray(domainStart[row], domainStart[row + 1]),
                (domain) => snapshot.dictionaries[DOMAIN]![domain]!,
              ),
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
