import type { Role } from '../db/schema.ts';
import type { Actor, Membership } from './actor.ts';

/**
 * Authorization building blocks (REQUIREMENTS section 1). Policies in the modules combine these; each
 * answers true only for an explicit grant, so anything not covered is denied.
 */
export const ROLES: readonly Role[] = [
  'authority_admin',
  'reviewer',
  'dept_admin',
  'dept_operator',
  'auditor',
];

export const ROLE_NAMES: Record<Role, { zh: string; en: string }> = {
  authority_admin: { zh: '主管部门管理员', en: 'Authority administrator' },
  reviewer: { zh: '审核员', en: 'Reviewer' },
  dept_admin: { zh: '部门管理员', en: 'Department administrator' },
  dept_operator: { zh: '部门操作员', en: 'Department operator' },
  auditor: { zh: '审计员', en: 'Auditor' },
};

export type Ability =
  | 'region.manage'
  | 'org.manage'
  | 'org.read'
  | 'user.manage'
  | 'token.manage'
  | 'audit.read'
  | 'calendar.manage';

export const ALL_ABILITIES: readonly Ability[] = [
  'region.manage',
  'org.manage',
  'org.read',
  'user.manage',
  'token.manage',
  'audit.read',
  'calendar.manage',
];

const ROLE_ABILITIES: Record<Role, readonly Ability[]> = {
  authority_admin: ALL_ABILITIES,
  reviewer: ['org.read'],
  dept_admin: ['org.read', 'user.manage', 'token.manage', 'audit.read'],
  dept_operator: ['org.read'],
  auditor: ['org.read', 'audit.read'],
};

/** What the console may offer the actor (Outline's presented policies): coarse, not per object. */
export function abilitiesOf(actor: Actor): Ability[] {
  if (actor.type === 'system') return [...ALL_ABILITIES];
  if (actor.type !== 'user') return [];
  const abilities = new Set<Ability>();
  for (const membership of actor.memberships) {
    for (const ability of ROLE_ABILITIES[membership.role]) abilities.add(ability);
  }
  return ALL_ABILITIES.filter((ability) => abilities.has(ability));
}

function memberships(actor: Actor): Membership[] {
  return actor.type === 'user' ? actor.memberships : [];
}

export const isSystem = (actor: Actor): boolean => actor.type === 'system';
/**
 * Signed in on the government side: staff, a department system or the CLI. Public accounts of the
 * open portal (R1.3) are signed in too, but see only what the public may see (R5.2).
 */
export const isGovernmentActor = (actor: Actor): boolean =>
  actor.type === 'user' || actor.type === 'token' || actor.type === 'system';

export function hasRole(actor: Actor, ...roles: Role[]): boolean {
  return memberships(actor).some((m) => roles.includes(m.role));
}

/**
 * Authority staff with `role` whose authority's region contains `regionPath` (R1.1: an authority
 * governs its region and the regions below it).
 */
export function authorityOver(actor: Actor, regionPath: string, ...roles: Role[]): boolean {
  return memberships(actor).some(
    (m) =>
      m.orgKind === 'authority' && roles.includes(m.role) && regionPath.startsWith(m.regionPath),
  );
}

/** A member of organisation `orgId` holding one of `roles`. */
export function memberOf(actor: Actor, orgId: string, ...roles: Role[]): boolean {
  return memberships(actor).some((m) => m.orgId === orgId && roles.includes(m.role));
}

/** Roles that act for an organisation; auditors only read (REQUIREMENTS section 6). */
export const ACTING_ROLES: readonly Role[] = [
  'authority_admin',
  'reviewer',
  'dept_admin',
  'dept_operator',
];

/** Auditors read everything (REQUIREMENTS section 6: auditor is read-only everywhere). */
export const isAuditor = (actor: Actor): boolean => hasRole(actor, 'auditor');

/** Region paths under which the actor may administer organisations, users and tokens. */
export function administeredRegionPaths(actor: Actor): string[] {
  return memberships(actor)
    .filter((m) => m.orgKind === 'authority' && m.role === 'authority_admin')
    .map((m) => m.regionPath);
}
