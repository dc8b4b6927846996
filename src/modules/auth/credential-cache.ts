import { createHmac, hash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Actor, Membership } from '../../core/actor.ts';
import type { Kysely } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';

interface CacheEntry<T> {
  value: T;
  expiresAt: number;
}

const CACHE_TTL_MS = 5_000;
const LAST_USED_WRITE_INTERVAL_MS = 60_000;

/**
 * Resolves cookies and API tokens to actors. Lookups are cached for a few seconds so that an
 * authenticated request costs no database round trip on the hot path (the issue-2 benchmark); changes
 * made in this process (logout, revoke, disable) evict at once, other processes within CACHE_TTL_MS.
 *
 * Credential resolution is the one read of the database outside an action: an action needs an actor
 * before it can run (docs/ARCHITECTURE.md, invariants).
 */
export class CredentialCache {
  private readonly sessions = new Map<string, CacheEntry<Actor | null>>();
  // API tokens and keys are cached under the presented secret, for at most CACHE_TTL_MS: a hit costs
  // no SHA-256 (about 1 µs of a cached keyed read's 16, bench/http.ts); the hash is computed for the database
  // lookup, where secrets are only stored hashed (invariant 8). Evicted by id (forgetToken ...).
  private readonly tokens = new Map<string, CacheEntry<Actor | null>>();
  private readonly portalSessions = new Map<string, CacheEntry<Actor | null>>();
  private readonly openKeys = new Map<string, CacheEntry<Actor | null>>();
  private readonly lastUsedWritten = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly sessionSecret: string,
    private readonly logger: Logger,
  ) {}

  sessionHash(cookieToken: string): string {
    return createHmac('sha256', this.sessionSecret).update(cookieToken).digest('hex');
  }

  static tokenHash(secret: string): string {
    // One-shot hash: on every authenticated request, a third of createHash's cost.
    return hash('sha256', secret, 'hex');
  }

  async actorForSession(cookieToken: string, now = Date.now()): Promise<Actor | null> {
    const tokenHash = this.sessionHash(cookieToken);
    const cached = this.sessions.get(tokenHash);
    if (cached && cached.expiresAt > now) return cached.value;
    const session = await this.db.kysely
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select(['sessions.user_id', 'sessions.csrf_token', 'sessions.expires_at', 'users.disabled'])
      .where('sessions.token_hash', '=', tokenHash)
      .executeTakeFirst();
    let actor: Actor | null = null;
    if (session && session.disabled === 0 && session.expires_at > new Date(now).toISOString()) {
      const user = await loadUserActor(this.db.kysely, session.user_id);
      if (user?.type === 'user')
        actor = { ...user, session: { tokenHash, csrfToken: session.csrf_token } };
    }
    this.remember(this.sessions, tokenHash, actor, now);
    return actor;
  }

  /**
   * The actor of an API token when the cache already knows it, without waiting: the request hook then
   * continues synchronously (server.ts). Undefined when the token must be looked up.
   */
  cachedActorForApiToken(secret: string, now = Date.now()): Actor | null | undefined {
    const cached = this.tokens.get(secret);
    if (!cached || cached.expiresAt <= now) return undefined;
    if (cached.value?.type === 'token') this.touchToken(cached.value.id, now);
    return cached.value;
  }

  async actorForApiToken(secret: string, now = Date.now()): Promise<Actor | null> {
    const known = this.cachedActorForApiToken(secret, now);
    if (known !== undefined) return known;
    const secretHash = CredentialCache.tokenHash(secret);
    const nowIso = new Date(now).toISOString();
    const row = await this.db.kysely
      .selectFrom('api_tokens')
      .innerJoin('orgs', 'orgs.id', 'api_tokens.org_id')
      .innerJoin('regions', 'regions.code', 'orgs.region_code')
      .select([
        'api_tokens.id',
        'api_tokens.name',
        'api_tokens.expires_at',
        'api_tokens.revoked_at',
        'orgs.id as org_id',
        'orgs.code as org_code',
        'regions.path as region_path',
      ])
      .where('api_tokens.secret_hash', '=', secretHash)
      .executeTakeFirst();
    const actor: Actor | null =
      row && row.revoked_at === null && (row.expires_at === null || row.expires_at > nowIso)
        ? {
            type: 'token',
            id: row.id,
            name: row.name,
            orgId: row.org_id,
            orgCode: row.org_code,
            regionPath: row.region_path,
          }
        : null;
    this.remember(this.tokens, secret, actor, now);
    if (actor?.type === 'token') this.touchToken(actor.id, now);
    return actor;
  }

  /** A portal session cookie (issue 7) to its public account, or null. */
  async actorForPortalSession(cookieToken: string, now = Date.now()): Promise<Actor | null> {
    const tokenHash = this.sessionHash(cookieToken);
    const cached = this.portalSessions.get(tokenHash);
    if (cached && cached.expiresAt > now) return cached.value;
    const row = await this.db.kysely
      .selectFrom('open_sessions')
      .innerJoin('open_accounts', 'open_accounts.id', 'open_sessions.account_id')
      .select(['open_sessions.csrf_token', 'open_sessions.expires_at', ...PUBLIC_ACCOUNT_COLUMNS])
      .where('open_sessions.token_hash', '=', tokenHash)
      .executeTakeFirst();
    const actor =
      row && row.disabled === 0 && row.expires_at > new Date(now).toISOString()
        ? { ...publicActor(row), session: { tokenHash, csrfToken: row.csrf_token } }
        : null;
    this.remember(this.portalSessions, tokenHash, actor, now);
    return actor;
  }

  /** A public account's API key (`gdxo_...`, issue 7) to its account, or null. */
  async actorForOpenKey(secret: string, now = Date.now()): Promise<Actor | null> {
    const cached = this.openKeys.get(secret);
    let actor: Actor | null;
    if (cached && cached.expiresAt > now) {
      actor = cached.value;
    } else {
      const secretHash = CredentialCache.tokenHash(secret);
      const row = await this.db.kysely
        .selectFrom('open_api_keys')
        .innerJoin('open_accounts', 'open_accounts.id', 'open_api_keys.account_id')
        .select([
          'open_api_keys.id as key_id',
          'open_api_keys.revoked_at',
          ...PUBLIC_ACCOUNT_COLUMNS,
        ])
        .where('open_api_keys.secret_hash', '=', secretHash)
        .executeTakeFirst();
      actor =
        row && row.revoked_at === null && row.disabled === 0
          ? { ...publicActor(row), keyId: row.key_id }
          : null;
      this.remember(this.openKeys, secret, actor, now);
    }
    if (actor?.type === 'public' && actor.keyId) this.touchOpenKey(actor.keyId, now);
    return actor;
  }

  private touchOpenKey(keyId: string, now: number): void {
    const last = this.lastUsedWritten.get(keyId) ?? 0;
    if (now - last < LAST_USED_WRITE_INTERVAL_MS) return;
    this.lastUsedWritten.set(keyId, now);
    this.db.kysely
      .updateTable('open_api_keys')
      .set({ last_used_at: new Date(now).toISOString() })
      .where('id', '=', keyId)
      .execute()
      .catch((error: unknown) => this.logger.warn({ err: error }, 'could not record API key use'));
  }

  forgetPortalSession(tokenHash: string): void {
    this.portalSessions.delete(tokenHash);
  }

  /** After a key is revoked, or an account changes (verified, disabled). */
  forgetPublicAccount(accountId: string): void {
    for (const map of [this.portalSessions, this.openKeys]) {
      for (const [key, entry] of map) {
        if (entry.value?.type === 'public' && entry.value.id === accountId) map.delete(key);
      }
    }
  }

  /** Records a token's last use at most once a minute, off the request path. */
  private touchToken(tokenId: string, now: number): void {
    const last = this.lastUsedWritten.get(tokenId) ?? 0;
    if (now - last < LAST_USED_WRITE_INTERVAL_MS) return;
    this.lastUsedWritten.set(tokenId, now);
    this.db.kysely
      .updateTable('api_tokens')
      .set({ last_used_at: new Date(now).toISOString() })
      .where('id', '=', tokenId)
      .execute()
      .catch((error: unknown) => this.logger.warn({ err: error }, 'could not record token use'));
  }

  forgetSession(tokenHash: string): void {
    this.sessions.delete(tokenHash);
  }

  forgetUser(userId: string): void {
    for (const [key, entry] of this.sessions) {
      if (entry.value?.type === 'user' && entry.value.id === userId) this.sessions.delete(key);
    }
  }

  forgetToken(tokenId: string): void {
    for (const [key, entry] of this.tokens) {
      if (entry.value?.type === 'token' && entry.value.id === tokenId) this.tokens.delete(key);
    }
  }

  private remember(
    map: Map<string, CacheEntry<Actor | null>>,
    key: string,
    value: Actor | null,
    now: number,
  ): void {
    if (map.size > 10_000) map.clear(); // bound memory under a flood of random credentials
    map.set(key, { value, expiresAt: now + CACHE_TTL_MS });
  }
}

const PUBLIC_ACCOUNT_COLUMNS = [
  'open_accounts.id',
  'open_accounts.username',
  'open_accounts.display_name',
  'open_accounts.kind',
  'open_accounts.verification',
  'open_accounts.disabled',
] as const;

function publicActor(row: {
  id: string;
  username: string;
  display_name: string;
  kind: 'individual' | 'organisation';
  verification: string;
}): Extract<Actor, { type: 'public' }> {
  return {
    type: 'public',
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    kind: row.kind,
    verified: row.verification === 'verified',
  };
}

/** The user actor with memberships, or null for an unknown or disabled user. */
export async function loadUserActor(db: Kysely<Database>, userId: string): Promise<Actor | null> {
  const user = await db
    .selectFrom('users')
    .select(['id', 'username', 'display_name', 'disabled'])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user || user.disabled !== 0) return null;
  const rows = await db
    .selectFrom('memberships')
    .innerJoin('orgs', 'orgs.id', 'memberships.org_id')
    .innerJoin('regions', 'regions.code', 'orgs.region_code')
    .select([
      'orgs.id as orgId',
      'orgs.code as orgCode',
      'orgs.name as orgName',
      'orgs.kind as orgKind',
      'orgs.region_code as regionCode',
      'regions.path as regionPath',
      'memberships.role as role',
    ])
    .where('memberships.user_id', '=', userId)
    .orderBy('orgs.code')
    .execute();
  const memberships: Membership[] = rows;
  return {
    type: 'user',
    id: user.id,
    username: user.username,
    displayName: user.display_name,
    memberships,
  };
}
