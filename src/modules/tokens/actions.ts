import { randomBytes, randomUUID } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import { defineAction, type ActionContext } from '../../core/action.ts';
import { actorName } from '../../core/actor.ts';
import { invalidFields, notFound, text } from '../../core/errors.ts';
import { authorityOver, hasRole, isAuditor, isSystem, memberOf } from '../../core/policy.ts';
import { DateString, Input, ListOf, OrgCode, Timestamp } from '../../core/schemas.ts';
import type { ApiTokenTable, Database } from '../../db/schema.ts';
import { CredentialCache } from '../auth/credential-cache.ts';
import { findOrgByCode } from '../orgs/actions.ts';

/**
 * API tokens of department systems (issue 2): scoped to one organisation and one named system,
 * stored only as SHA-256, shown once, expirable, revocable, last use recorded.
 */
export const Token = Type.Object({
  id: Type.String(),
  orgCode: Type.String(),
  name: Type.String(),
  prefix: Type.String(),
  expiresAt: Type.Union([Timestamp, Type.Null()]),
  revokedAt: Type.Union([Timestamp, Type.Null()]),
  revokeReason: Type.Union([Type.String(), Type.Null()]),
  lastUsedAt: Type.Union([Timestamp, Type.Null()]),
  createdAt: Timestamp,
});
type TokenDto = Static<typeof Token>;

export const TOKEN_PREFIX = 'gdx_';

function presentToken(row: ApiTokenTable & { org_code: string }): TokenDto {
  return {
    id: row.id,
    orgCode: row.org_code,
    name: row.name,
    prefix: row.prefix,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    revokeReason: row.revoke_reason,
    lastUsedAt: row.last_used_at,
    createdAt: row.created_at,
  };
}

function tokensQuery(db: Kysely<Database>) {
  return db
    .selectFrom('api_tokens')
    .innerJoin('orgs', 'orgs.id', 'api_tokens.org_id')
    .innerJoin('regions', 'regions.code', 'orgs.region_code')
    .selectAll('api_tokens')
    .select(['orgs.code as org_code', 'regions.path as region_path']);
}

function mayManageTokens(ctx: ActionContext, org: { id: string; region_path: string }): boolean {
  return (
    isSystem(ctx.actor) ||
    authorityOver(ctx.actor, org.region_path, 'authority_admin') ||
    memberOf(ctx.actor, org.id, 'dept_admin')
  );
}

const tokenList = defineAction({
  name: 'token.list',
  description:
    'List API tokens the caller manages (auditors see all), optionally of one organisation.',
  tag: 'tokens',
  input: Input({ orgCode: Type.Optional(OrgCode) }),
  output: ListOf(Token),
  mutating: false,
  http: { method: 'GET', path: '/tokens' },
  policy: (ctx) =>
    isSystem(ctx.actor) || hasRole(ctx.actor, 'authority_admin', 'dept_admin', 'auditor'),
  handler: async (ctx, input) => {
    let query = tokensQuery(ctx.db);
    if (input.orgCode) query = query.where('orgs.code', '=', input.orgCode);
    const rows = await query
      .orderBy('orgs.code')
      .orderBy('api_tokens.created_at', 'desc')
      .execute();
    const visible = rows.filter(
      (row) =>
        isAuditor(ctx.actor) ||
        mayManageTokens(ctx, { id: row.org_id, region_path: row.region_path }),
    );
    return { items: visible.map(presentToken) };
  },
});

const tokenCreate = defineAction({
  name: 'token.create',
  description:
    'Issue an API token for a named system of an organisation; the secret is returned only once.',
  tag: 'tokens',
  input: Input({
    orgCode: OrgCode,
    name: Type.String({ minLength: 1, maxLength: 100, description: 'name of the calling system' }),
    expiresAt: Type.Optional(DateString),
  }),
  output: Type.Object({
    token: Token,
    secret: Type.String({ description: 'shown once; store it now' }),
  }),
  mutating: true,
  http: { method: 'POST', path: '/tokens', status: 201 },
  policy: async (ctx, input) => {
    const org = await findOrgByCode(ctx.db, input.orgCode);
    if (!org) return isSystem(ctx.actor) || hasRole(ctx.actor, 'authority_admin', 'dept_admin');
    return mayManageTokens(ctx, org);
  },
  handler: async (ctx, input) => {
    ctx.audit.target = `token:${input.orgCode}/${input.name}`;
    const org = await findOrgByCode(ctx.db, input.orgCode);
    if (!org) throw invalidFields({ orgCode: text('机构不存在', 'organisation does not exist') });
    ctx.audit.orgId = org.id;
    let expiresAt: string | null = null;
    if (input.expiresAt) {
      // A token dated D is valid through the end of D (China Standard Time, UTC+8).
      const end = new Date(`${input.expiresAt}T23:59:59.999+08:00`);
      if (Number.isNaN(end.getTime()))
        throw invalidFields({ expiresAt: text('日期无效', 'invalid date') });
      if (end <= ctx.now)
        throw invalidFields({ expiresAt: text('过期日期须在今天之后', 'must be in the future') });
      expiresAt = end.toISOString();
    }
    const secret = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const row: ApiTokenTable = {
      id: randomUUID(),
      org_id: org.id,
      name: input.name,
      prefix: secret.slice(0, TOKEN_PREFIX.length + 6),
      secret_hash: CredentialCache.tokenHash(secret),
      expires_at: expiresAt,
      revoked_at: null,
      revoke_reason: null,
      last_used_at: null,
      created_by: actorName(ctx.actor),
      created_at: ctx.now.toISOString(),
    };
    await ctx.db.insertInto('api_tokens').values(row).execute();
    ctx.audit.details = { tokenId: row.id };
    return { token: presentToken({ ...row, org_code: org.code }), secret };
  },
});

const tokenRevoke = defineAction({
  name: 'token.revoke',
  description: 'Revoke an API token at once, with a reason.',
  tag: 'tokens',
  input: Input({
    id: Type.String({ format: 'uuid' }),
    reason: Type.String({ minLength: 1, maxLength: 500 }),
  }),
  output: Token,
  mutating: true,
  http: { method: 'POST', path: '/tokens/:id/revoke' },
  policy: async (ctx, input) => {
    const row = await tokensQuery(ctx.db).where('api_tokens.id', '=', input.id).executeTakeFirst();
    // An unknown id is answered as not found by the handler, to those who may manage tokens at all.
    if (!row) return isSystem(ctx.actor) || hasRole(ctx.actor, 'authority_admin', 'dept_admin');
    return mayManageTokens(ctx, { id: row.org_id, region_path: row.region_path });
  },
  handler: async (ctx, input) => {
    const row = await tokensQuery(ctx.db).where('api_tokens.id', '=', input.id).executeTakeFirst();
    if (!row) throw notFound();
    ctx.audit.target = `token:${row.org_code}/${row.name}`;
    ctx.audit.orgId = row.org_id;
    if (row.revoked_at) return presentToken(row);
    const revokedAt = ctx.now.toISOString();
    await ctx.db
      .updateTable('api_tokens')
      .set({ revoked_at: revokedAt, revoke_reason: input.reason })
      .where('id', '=', input.id)
      .execute();
    ctx.services.credentials.forgetToken(input.id);
    return presentToken({ ...row, revoked_at: revokedAt, revoke_reason: input.reason });
  },
});

export const tokenActions = [tokenList, tokenCreate, tokenRevoke];
