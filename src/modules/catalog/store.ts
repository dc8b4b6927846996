import type { Kysely } from 'kysely';
import type {
  Database,
  ResourceStatus,
  ResourceTable,
  ResourceVersionTable,
} from '../../db/schema.ts';
import type { ResourceContentDto } from './model.ts';

/** Reading and writing catalog rows; the actions in actions.ts decide who may and when. */
export type VersionRow = ResourceVersionTable & {
  code: string;
  org_id: string;
  org_code: string;
  org_name: string;
  region_path: string;
  live_version: number | null;
  latest_version: number;
};

export function versionsQuery(db: Kysely<Database>) {
  return db
    .selectFrom('resource_versions')
    .innerJoin('resources', 'resources.id', 'resource_versions.resource_id')
    .innerJoin('orgs', 'orgs.id', 'resources.org_id')
    .innerJoin('regions', 'regions.code', 'orgs.region_code')
    .selectAll('resource_versions')
    .select([
      'resources.code',
      'resources.org_id',
      'resources.live_version',
      'resources.latest_version',
      'orgs.code as org_code',
      'orgs.name as org_name',
      'regions.path as region_path',
    ]);
}

export async function findVersion(
  db: Kysely<Database>,
  code: string,
  version?: number,
): Promise<VersionRow | undefined> {
  let query = versionsQuery(db).where('resources.code', '=', code);
  query =
    version === undefined
      ? query.whereRef('resource_versions.version', '=', 'resources.latest_version')
      : query.where('resource_versions.version', '=', version);
  return query.executeTakeFirst();
}

export async function findResource(
  db: Kysely<Database>,
  code: string,
): Promise<ResourceTable | undefined> {
  return db.selectFrom('resources').selectAll().where('code', '=', code).executeTakeFirst();
}

/** The denormalized columns of a version, copied out of its content for lists, facets and rules. */
export function contentColumns(content: ResourceContentDto) {
  return {
    content: JSON.stringify(content),
    name: content.name,
    classification: content.classification,
    share_class: content.share.class,
    open_class: content.open.class,
    format_category: content.formatCategory,
    update_cycle: content.updateCycle,
  };
}

/** A new draft version row: the content's columns and every review field still empty. */
export function draftVersionRow(
  resourceId: string,
  version: number,
  content: ResourceContentDto,
  createdBy: string,
  now: string,
): ResourceVersionTable {
  return {
    resource_id: resourceId,
    version,
    status: 'draft',
    revision: 1,
    ...contentColumns(content),
    created_by: createdBy,
    created_at: now,
    updated_at: now,
    submitted_at: null,
    reviewed_by: null,
    reviewed_at: null,
    review_comment: null,
    field_comments: null,
    duplicate_flags: null,
    published_at: null,
    withdrawn_at: null,
    withdraw_reason: null,
  };
}

export async function setStatus(
  db: Kysely<Database>,
  resourceId: string,
  version: number,
  status: ResourceStatus,
  changes: Partial<ResourceVersionTable> = {},
): Promise<void> {
  await db
    .updateTable('resource_versions')
    .set({ ...changes, status })
    .where('resource_id', '=', resourceId)
    .where('version', '=', version)
    .execute();
}

const BASE_KIND_CODES: Record<string, string> = {
  population: 'RK',
  legal_person: 'FR',
  natural_resources_spatial: 'ZR',
  credit: 'XY',
  e_licence: 'ZZ',
};

/** Classification part of a resource code: JC-RK (base, population), ZT (thematic), BM-GAJ (departmental). */
export function codePrefix(content: ResourceContentDto, orgCode: string): string {
  if (content.classification === 'base')
    return `JC-${BASE_KIND_CODES[content.baseKind ?? ''] ?? 'QT'}`;
  if (content.classification === 'thematic') return 'ZT';
  return `BM-${orgCode.toUpperCase()}`;
}

/** Next sequence number of a prefix, inside the caller's transaction. */
export async function nextSequence(db: Kysely<Database>, prefix: string): Promise<number> {
  const updated = await db
    .updateTable('catalog_sequences')
    .set((eb) => ({ last_value: eb('last_value', '+', 1) }))
    .where('prefix', '=', prefix)
    .returning('last_value')
    .executeTakeFirst();
  if (updated) return updated.last_value;
  await db.insertInto('catalog_sequences').values({ prefix, last_value: 1 }).execute();
  return 1;
}
