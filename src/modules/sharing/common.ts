import { Type, type TSchema } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import type { Actor } from '../../core/actor.ts';
import { invalidFields, text } from '../../core/errors.ts';
import { ACTING_ROLES, authorityOver, isAuditor, isSystem, memberOf } from '../../core/policy.ts';
import type { Database, Role, ShareOperation } from '../../db/schema.ts';
import type { DataItemDto, ResourceContentDto } from '../catalog/model.ts';
import { findVersion } from '../catalog/store.ts';
import { defaultRule, MASKING_RULE_NAMES, type MaskingRuleName } from './masking.ts';

/** Shared vocabulary of the sharing module (issue 5, REQUIREMENTS section 4). */
export const literals = <T extends string>(values: readonly T[]) =>
  Type.Union(values.map((value) => Type.Literal(value)));
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/**
 * R4.7 delivery methods as grant operations: interface lookup and query (also the holder lookup of
 * R4.9), comparison/verification (yes/no answers), exchange (export and the changes feed), and
 * analysis inside the platform (reserved for the data sandbox of the roadmap).
 */
export const SHARE_OPERATIONS: readonly ShareOperation[] = [
  'lookup',
  'verify',
  'export',
  'analysis',
];
export const Operations = Type.Array(literals(SHARE_OPERATIONS), {
  minItems: 1,
  maxItems: 4,
  uniqueItems: true,
});
export const ResourceCode = Type.String({
  pattern: '^[A-Z0-9-]{2,40}$',
  description: 'resource code',
});
export const ItemColumns = Type.Array(Type.String({ pattern: '^[a-z][a-z0-9_]{0,62}$' }), {
  minItems: 1,
  maxItems: 500,
  uniqueItems: true,
  description: 'data item columns',
});
export const MaskingRuleSchema = literals(MASKING_RULE_NAMES);
export const MaskingMap = Type.Record(Type.String(), MaskingRuleSchema, {
  description: 'item column -> masking rule',
});
export type MaskingMapDto = Record<string, MaskingRuleName>;

export { ACTING_ROLES };
export { actingOrg } from '../orgs/acting.ts';

/** The live (published) version of a resource, with what sharing needs of it. */
export interface LiveResource {
  id: string;
  code: string;
  name: string;
  orgId: string;
  orgCode: string;
  orgName: string;
  regionPath: string;
  content: ResourceContentDto;
}

export async function loadLiveResource(
  db: Kysely<Database>,
  code: string,
): Promise<LiveResource | undefined> {
  const latest = await findVersion(db, code);
  if (!latest || latest.live_version === null) return undefined;
  const row =
    latest.version === latest.live_version
      ? latest
      : await findVersion(db, code, latest.live_version);
  if (!row) return undefined;
  return {
    id: row.resource_id,
    code: row.code,
    name: row.name,
    orgId: row.org_id,
    orgCode: row.org_code,
    orgName: row.org_name,
    regionPath: row.region_path,
    content: JSON.parse(row.content) as ResourceContentDto,
  };
}

export function noSuchResource(field = 'resourceCode'): never {
  throw invalidFields({
    [field]: text('没有该代码的已发布目录资源', 'no published resource has this code'),
  });
}

/** The named items, which must be data items of the resource. */
export function checkItems(
  resource: LiveResource,
  columns: readonly string[],
  field = 'items',
): DataItemDto[] {
  const byColumn = new Map(resource.content.items.map((item) => [item.column, item]));
  const unknown = columns.filter((column) => !byColumn.has(column));
  if (unknown.length > 0) {
    throw invalidFields({
      [field]: text(
        `资源 ${resource.code} 没有这些数据项：${unknown.join(', ')}`,
        `resource ${resource.code} has no data items ${unknown.join(', ')}`,
      ),
    });
  }
  return columns.map((column) => byColumn.get(column) as DataItemDto);
}

/**
 * The masking of a grant: the catalog's default rule per item, overridden where the approver (or the
 * authority) sets a rule. An override may only strengthen the catalog's masking unless the override
 * comes from the provider or the authority, who own the data (`trusted`).
 */
export function resolveMasking(
  items: DataItemDto[],
  overrides: MaskingMapDto = {},
  field = 'masking',
): MaskingMapDto {
  const granted = new Set(items.map((item) => item.column));
  const stray = Object.keys(overrides).filter((column) => !granted.has(column));
  if (stray.length > 0) {
    throw invalidFields({
      [field]: text(
        `脱敏规则只能针对授权的数据项，不包括：${stray.join(', ')}`,
        `masking applies to granted items only, not ${stray.join(', ')}`,
      ),
    });
  }
  return Object.fromEntries(
    items.map((item) => [item.column, overrides[item.column] ?? defaultRule(item)]),
  );
}

/** May the actor act for organisation `orgId` (its staff with `roles`, its token, the CLI)? */
export function actsFor(actor: Actor, orgId: string, ...roles: Role[]): boolean {
  if (isSystem(actor)) return true;
  if (actor.type === 'token') return actor.orgId === orgId;
  return memberOf(actor, orgId, ...(roles.length ? roles : ACTING_ROLES));
}

/** Parties, the authority over the provider's region, auditors and the CLI read sharing records. */
export function mayReadSharing(
  actor: Actor,
  consumerOrgId: string,
  providerOrgId: string,
  providerRegionPath: string,
): boolean {
  if (isSystem(actor) || isAuditor(actor)) return true;
  if (actor.type === 'token') return actor.orgId === consumerOrgId || actor.orgId === providerOrgId;
  if (actor.type !== 'user') return false;
  return (
    actor.memberships.some((m) => m.orgId === consumerOrgId || m.orgId === providerOrgId) ||
    authorityOver(actor, providerRegionPath, 'authority_admin', 'reviewer')
  );
}

/** Authority staff over the region of a resource's provider (R4.6, R4.5, R4.10 decisions). */
export function isAuthorityFor(actor: Actor, regionPath: string): boolean {
  return isSystem(actor) || authorityOver(actor, regionPath, 'authority_admin');
}

export const ActorOrgCode = Type.String({
  pattern: '^[A-Za-z0-9_-]{2,64}$',
  description: 'organisation code',
});

export function parseJson<T>(text: string): T {
  return JSON.parse(text) as T;
}
