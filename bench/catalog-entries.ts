/**
 * Catalog entries for the benchmarks (bench/catalog.ts, bench/open.ts): variations of the 81 demo
 * entries, written straight into the search tables (the lifecycle actions are measured by the tests,
 * not here), and the mixed Chinese queries the benchmarks search with. The demo entries' open classes
 * carry over, so about 62% of the generated entries are open (39 unconditional and 11 conditional of
 * every 81).
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Services } from '../src/core/services.ts';
import { DEMO_CATALOG_ENTRIES } from '../src/modules/catalog/demo-entries.ts';
import { indexResource } from '../src/modules/catalog/search.ts';
import { draftVersionRow } from '../src/modules/catalog/store.ts';

const DISTRICTS = [
  '中心区',
  '东城区',
  '西城区',
  '南湖区',
  '北山区',
  '高新区',
  '经开区',
  '滨江区',
  '临港新区',
  '青山县',
];
const TOPICS = [
  '年度',
  '季度汇总',
  '明细',
  '统计',
  '台账',
  '名录',
  '档案',
  '监测',
  '核验',
  '变更记录',
];

export const QUERY_WORDS = [
  '户籍',
  '人口',
  '营业执照',
  '不动产',
  '空气质量',
  '医疗机构',
  '社会保险',
  '学校',
  '公交',
  '气象',
  '企业信用',
  '婚姻登记',
  '税务',
  '公积金',
  '用水',
  '执业医师',
  '驾驶证',
  '养老',
  '就业',
  '排污许可',
];

/** The value at percentile p (0-100) of an ascending list. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export interface WriteOptions {
  /**
   * Also write each entry's published version row (resource_versions), so that the entry can be
   * opened like a published one (the open portal and CKAN read the live version's content).
   */
  versions?: boolean;
}

/**
 * Fills the catalog of a platform with the demo loaded up to `total` live entries (the demo's own
 * count included). Returns the count of resource_search rows afterwards.
 */
export async function writeCatalogEntries(
  services: Services,
  total: number,
  options: WriteOptions = {},
): Promise<number> {
  const { kysely: db, dialect } = services.db;
  const orgs = new Map(
    (
      await db
        .selectFrom('orgs')
        .innerJoin('regions', 'regions.code', 'orgs.region_code')
        .select(['orgs.id', 'orgs.code', 'orgs.name', 'regions.path'])
        .execute()
    ).map((org) => [org.code, org]),
  );
  const generated = total - DEMO_CATALOG_ENTRIES.length;
  const batch = 1000;
  for (let start = 0; start < generated; start += batch) {
    await db.transaction().execute(async (trx) => {
      for (let i = start; i < Math.min(start + batch, generated); i++) {
        const template = DEMO_CATALOG_ENTRIES[i % DEMO_CATALOG_ENTRIES.length]!;
        const org = orgs.get(template.orgCode)!;
        const district = DISTRICTS[Math.floor(i / DEMO_CATALOG_ENTRIES.length) % DISTRICTS.length]!;
        const topic =
          TOPICS[Math.floor(i / (DEMO_CATALOG_ENTRIES.length * DISTRICTS.length)) % TOPICS.length]!;
        const content = {
          ...template.content,
          name: `${district}${template.content.name}${topic}${i}`,
        };
        const id = randomUUID();
        const code = `BENCH-${String(i).padStart(7, '0')}`;
        const now = new Date().toISOString();
        const publishedAt = new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString();
        await trx
          .insertInto('resources')
          .values({
            id,
            code,
            org_id: org.id,
            live_version: 1,
            latest_version: 1,
            created_at: now,
          })
          .execute();
        if (options.versions) {
          await trx
            .insertInto('resource_versions')
            .values({
              ...draftVersionRow(id, 1, content, 'bench', now),
              status: 'published',
              submitted_at: publishedAt,
              reviewed_at: publishedAt,
              published_at: publishedAt,
            })
            .execute();
        }
        await indexResource(trx, dialect, {
          resourceId: id,
          code,
          version: 1,
          orgId: org.id,
          orgCode: org.code,
          orgName: org.name,
          regionPath: org.path,
          publishedAt,
          content,
        });
      }
    });
  }
  if (dialect.engine === 'postgres') await sql`analyze`.execute(db);
  const row = await db
    .selectFrom('resource_search')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
