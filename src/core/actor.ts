import type { OrgKind, Role } from '../db/schema.ts';

export interface Membership {
  orgId: string;
  orgCode: string;
  orgName: string;
  orgKind: OrgKind;
  regionCode: string;
  /** Region path of the organisation (`/990000/990100/`), for subtree checks. */
  regionPath: string;
  role: Role;
}

/** Who is asking. Every action receives one; the CLI acts as `system` (shell access is root access). */
export type Actor =
  | { type: 'anonymous' }
  | {
      type: 'user';
      id: string;
      username: string;
      displayName: string;
      memberships: Membership[];
      /** Present when the user came in through a console session (cookie). */
      session?: { tokenHash: string; csrfToken: string };
    }
  | {
      type: 'token';
      id: string;
      name: string;
      orgId: string;
      orgCode: string;
      regionPath: string;
    }
  | { type: 'system'; name: string }
  | {
      /** A citizen's or company's account on the open portal (R1.3): never a government actor. */
      type: 'public';
      id: string;
      username: string;
      displayName: string;
      kind: 'individual' | 'organisation';
      /** Identity verified (organisation accounts: by the authority, or a verification service). */
      verified: boolean;
      /** Present when the call came with an API key (the portal's rate limits are per key). */
      keyId?: string;
      /** Present when the call came through a portal session (cookie). */
      session?: { tokenHash: string; csrfToken: string };
    };

export const ANONYMOUS: Actor = { type: 'anonymous' };

export function actorName(actor: Actor): string {
  switch (actor.type) {
    case 'anonymous':
      return 'anonymous';
    case 'user':
      return actor.username;
    case 'token':
      return `token:${actor.name}`;
    case 'system':
      return actor.name;
    case 'public':
      return `public:${actor.username}`;
  }
}

export function actorId(actor: Actor): string | null {
  return actor.type === 'user' || actor.type === 'token' || actor.type === 'public'
    ? actor.id
    : null;
}

/** The organisation an actor acts for, when there is exactly one. */
export function actorOrgId(actor: Actor): string | null {
  if (actor.type === 'token') return actor.orgId;
  if (actor.type === 'user' && actor.memberships.length > 0) {
    const orgIds = new Set(actor.memberships.map((m) => m.orgId));
    return orgIds.size === 1 ? (actor.memberships[0]?.orgId ?? null) : null;
  }
  return null;
}

/** The name people see for an actor (a user's display name, a token's system name). */
export function actorDisplayName(actor: Actor): string {
  switch (actor.type) {
    case 'user':
    case 'public':
      return actor.displayName || actor.username;
    case 'token':
      return actor.name;
    case 'system':
      return actor.name;
    case 'anonymous':
      return 'anonymous';
  }
}
