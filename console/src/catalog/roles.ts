/**
 * What the console offers on the catalog, by role (the server decides per object anyway):
 * department staff compile their organisation's entries, authority staff review them.
 */
import type { Me, Membership } from '../types';

/** Memberships whose holder may compile entries for that organisation. */
export function compileMemberships(me: Me): Membership[] {
  return me.memberships.filter(
    (m) => m.role === 'dept_admin' || m.role === 'dept_operator' || m.role === 'authority_admin',
  );
}

export function canCompile(me: Me, orgCode?: string): boolean {
  return compileMemberships(me).some((m) => orgCode === undefined || m.orgCode === orgCode);
}

/** Reviewers and administrators of a data authority review and publish. */
export function canReview(me: Me): boolean {
  return me.memberships.some(
    (m) => m.orgKind === 'authority' && (m.role === 'reviewer' || m.role === 'authority_admin'),
  );
}

/** 下架: the provider's department administrator, or an authority administrator. */
export function canWithdraw(me: Me, orgCode: string): boolean {
  return me.memberships.some(
    (m) =>
      (m.role === 'dept_admin' && m.orgCode === orgCode) ||
      (m.role === 'authority_admin' && m.orgKind === 'authority'),
  );
}

export function canRecordTrigger(me: Me): boolean {
  return me.memberships.some((m) => m.role === 'authority_admin' && m.orgKind === 'authority');
}

export function canResolveTrigger(me: Me, orgCode: string): boolean {
  return me.memberships.some(
    (m) =>
      ((m.role === 'dept_admin' || m.role === 'dept_operator') && m.orgCode === orgCode) ||
      (m.role === 'authority_admin' && m.orgKind === 'authority'),
  );
}

/** Anyone with a role sees the catalog-update obligations the server lets them see. */
export function canSeeTriggers(me: Me): boolean {
  return me.memberships.length > 0;
}

/** The thematic catalogs (R2.3) are extended by authority administrators only. */
export function canManageThemes(me: Me): boolean {
  return me.memberships.some((m) => m.role === 'authority_admin');
}
