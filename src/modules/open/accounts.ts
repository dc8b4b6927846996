import { randomBytes, randomUUID } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import { defineAction, type ActionContext } from '../../core/action.ts';
import type { Actor } from '../../core/actor.ts';
import { AppError, conflict, invalidFields, notFound, text } from '../../core/errors.ts';
import { administeredRegionPaths, isAuditor, isSystem } from '../../core/policy.ts';
import { Input, Ok, Password, Timestamp, Username } from '../../core/schemas.ts';
import { CREDIT_CODE_PROBLEM_TEXT, checkCreditCode } from '../../core/validators/credit-code.ts';
import type { Database, OpenAccountTable } from '../../db/schema.ts';
import {
  isThrottled,
  recordLoginFailure,
  SESSION_TTL_MS,
  throttleKeys,
  tooManyFailures,
} from '../auth/actions.ts';
import { CredentialCache } from '../auth/credential-cache.ts';
import { hashPassword, verifyPassword } from '../auth/passwords.ts';
import { identityVerifier, type VerificationOutcome } from './identity.ts';

/**
 * Public accounts of the open portal (R1.3): citizens, companies and other organisations register,
 * sign in to the portal (cookie `govdx_portal`, separate from the console's) and create API keys
 * (`gdxo_...`). They are never government actors (`core/policy.ts` `isGovernmentActor`).
 */
export const PORTAL_COOKIE = 'govdx_portal';
export const OPEN_KEY_PREFIX = 'gdxo_';

export const Account = Type.Object({
  id: Type.String(),
  username: Type.String(),
  kind: Type.Union([Type.Literal('individual'), Type.Literal('organisation')]),
  displayName: Type.String(),
  email: Type.String(),
  phone: Type.Union([Type.String(), Type.Null()]),
  orgName: Type.Union([Type.String(), Type.Null()]),
  creditCode: Type.Union([Type.String(), Type.Null()]),
  verification: Type.Union([
    Type.Literal('verified'),
    Type.Literal('pending'),
    Type.Literal('rejected'),
  ]),
  verificationNote: Type.Union([Type.String(), Type.Null()]),
  disabled: Type.Boolean(),
  createdAt: Timestamp,
});
export type AccountDto = Static<typeof Account>;

export function presentAccount(row: OpenAccountTable): AccountDto {
  return {
    id: row.id,
    username: row.username,
    kind: row.kind,
    displayName: row.display_name,
    email: row.email,
    phone: row.phone,
    orgName: row.org_name,
    creditCode: row.credit_code,
    verification: row.verification,
    verificationNote: row.verification_note,
    disabled: row.disabled !== 0,
    createdAt: row.created_at,
  };
}

export type PublicActor = Extract<Actor, { type: 'public' }>;

export const isPublic = (actor: Actor): actor is PublicActor => actor.type === 'public';

/** Authority administrators verify organisation accounts and moderate the portal. */
export const isPortalAuthority = (actor: Actor): boolean =>
  isSystem(actor) || administeredRegionPaths(actor).length > 0;

export async function findAccount(
  db: Kysely<Database>,
  id: string,
): Promise<OpenAccountTable | undefined> {
  return db.selectFrom('open_accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

const EMAIL = Type.String({ pattern: '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$', maxLength: 200 });

const register = defineAction({
  name: 'open.account.register',
  description:
    'Register a public account on the open portal, as an individual or as an organisation with its unified social credit code (R1.3).',
  tag: 'open-accounts',
  input: Input({
    kind: Type.Union([Type.Literal('individual'), Type.Literal('organisation')]),
    username: Username,
    password: Password,
    displayName: Type.String({ minLength: 1, maxLength: 100 }),
    email: EMAIL,
    phone: Type.Optional(Type.String({ pattern: '^[0-9+\\- ]{5,30}$' })),
    orgName: Type.Optional(Type.String({ minLength: 2, maxLength: 200 })),
    creditCode: Type.Optional(Type.String({ maxLength: 18 })),
  }),
  output: Account,
  mutating: true,
  http: { method: 'POST', path: '/open/accounts', status: 201 },
  // Registration is open to anyone (R1.3); verification decides what the account may do.
  policy: (ctx) =>
    ctx.actor.type === 'anonymous' || ctx.actor.type === 'public' || isSystem(ctx.actor),
  prepare: async (input, services) => {
    checkOrganisation(input);
    const passwordHash = await hashPassword(input.password);
    const outcome: VerificationOutcome = await identityVerifier(
      services.config.identityVerifier,
      services.logger,
    ).verify({
      kind: input.kind,
      username: input.username,
      displayName: input.displayName.trim(),
      email: input.email,
      phone: input.phone ?? null,
      orgName: input.orgName?.trim() ?? null,
      creditCode: input.creditCode ?? null,
    });
    return { passwordHash, outcome };
  },
  handler: async (ctx, input, { passwordHash, outcome }) => {
    const taken = await ctx.db
      .selectFrom('open_accounts')
      .select('id')
      .where('username', '=', input.username)
      .executeTakeFirst();
    if (taken) throw conflict(text('该用户名已被注册', 'This username is taken'));
    const now = ctx.now.toISOString();
    const row: OpenAccountTable = {
      id: randomUUID(),
      username: input.username,
      password_hash: passwordHash,
      kind: input.kind,
      display_name: input.displayName.trim(),
      email: input.email,
      phone: input.phone ?? null,
      org_name: input.kind === 'organisation' ? (input.orgName?.trim() ?? null) : null,
      credit_code: input.kind === 'organisation' ? (input.creditCode ?? null) : null,
      verification: outcome.verification,
      verification_note: outcome.note,
      verified_by: outcome.by,
      verified_at: outcome.verification === 'pending' ? null : now,
      disabled: 0,
      created_at: now,
      updated_at: now,
    };
    await ctx.db.insertInto('open_accounts').values(row).execute();
    ctx.audit.target = `open-account:${row.username}`;
    ctx.audit.orgId = null;
    ctx.audit.details = { kind: row.kind, verification: row.verification };
    return presentAccount(row);
  },
});

function checkOrganisation(input: { kind: string; orgName?: string; creditCode?: string }): void {
  if (input.kind !== 'organisation') return;
  const fields: Record<string, { zh: string; en: string }> = {};
  if (!input.orgName?.trim())
    fields.orgName = text('请填写单位名称', 'the organisation name is required');
  if (!input.creditCode) {
    fields.creditCode = text(
      '请填写统一社会信用代码',
      'the unified social credit code is required',
    );
  } else {
    const problem = checkCreditCode(input.creditCode);
    if (problem) fields.creditCode = CREDIT_CODE_PROBLEM_TEXT[problem];
  }
  if (Object.keys(fields).length > 0) throw invalidFields(fields);
}

const WRONG_CREDENTIALS = text('用户名或密码错误', 'Wrong username or password');

const LoginResult = Type.Object({
  account: Account,
  csrfToken: Type.String(),
  sessionToken: Type.String(),
  expiresAt: Timestamp,
});

const login = defineAction({
  name: 'open.session.login',
  description: 'Sign in to the open portal with a public account; opens a portal session.',
  tag: 'open-accounts',
  input: Input({
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 200 }),
  }),
  output: LoginResult,
  mutating: true,
  http: { method: 'POST', path: '/open/session' },
  // Signing in is open to anyone by nature; throttling and uniform errors protect it.
  policy: () => true,
  handler: async (ctx, input) => {
    ctx.audit.target = `open-account:${input.username}`;
    ctx.audit.orgId = null;
    if (await isThrottled(ctx, throttleKeys(input.username, ctx.clientIp, 'public')))
      throw tooManyFailures();
    const account = await ctx.db
      .selectFrom('open_accounts')
      .selectAll()
      .where('username', '=', input.username)
      .executeTakeFirst();
    const passwordOk = await verifyPassword(account?.password_hash, input.password);
    if (!account || !passwordOk || account.disabled !== 0)
      throw new AppError('UNAUTHENTICATED', WRONG_CREDENTIALS);
    const sessionToken = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const expiresAt = new Date(ctx.now.getTime() + SESSION_TTL_MS).toISOString();
    await ctx.db
      .insertInto('open_sessions')
      .values({
        token_hash: ctx.services.credentials.sessionHash(sessionToken),
        account_id: account.id,
        csrf_token: csrfToken,
        created_at: ctx.now.toISOString(),
        expires_at: expiresAt,
      })
      .execute();
    await ctx.db
      .deleteFrom('open_sessions')
      .where('account_id', '=', account.id)
      .where('expires_at', '<', ctx.now.toISOString())
      .execute();
    return { account: presentAccount(account), csrfToken, sessionToken, expiresAt };
  },
  onFailure: (ctx, input, error) =>
    recordLoginFailure(
      ctx,
      error,
      'open.session.login',
      `open-account:${input.username}`,
      throttleKeys(input.username, ctx.clientIp, 'public'),
    ),
});

const logout = defineAction({
  name: 'open.session.logout',
  description: 'End the current portal session.',
  tag: 'open-accounts',
  input: Input({}),
  output: Ok,
  mutating: true,
  http: { method: 'DELETE', path: '/open/session' },
  policy: (ctx) => isPublic(ctx.actor) && ctx.actor.session !== undefined,
  handler: async (ctx) => {
    if (!isPublic(ctx.actor) || !ctx.actor.session) throw new AppError('UNAUTHENTICATED');
    ctx.audit.target = `open-account:${ctx.actor.username}`;
    ctx.audit.orgId = null;
    await ctx.db
      .deleteFrom('open_sessions')
      .where('token_hash', '=', ctx.actor.session.tokenHash)
      .execute();
    ctx.services.credentials.forgetPortalSession(ctx.actor.session.tokenHash);
    return { ok: true };
  },
});

const me = defineAction({
  name: 'open.account.me',
  description: 'The signed-in public account (null when signed out) and its CSRF token.',
  tag: 'open-accounts',
  input: Input({}),
  output: Type.Object({
    account: Type.Union([Account, Type.Null()]),
    csrfToken: Type.Union([Type.String(), Type.Null()]),
  }),
  mutating: false,
  http: { method: 'GET', path: '/open/me' },
  policy: () => true,
  handler: async (ctx) => {
    if (!isPublic(ctx.actor)) return { account: null, csrfToken: null };
    const row = await findAccount(ctx.db, ctx.actor.id);
    return {
      account: row ? presentAccount(row) : null,
      csrfToken: ctx.actor.session?.csrfToken ?? null,
    };
  },
});

const ApiKey = Type.Object({
  id: Type.String(),
  name: Type.String(),
  prefix: Type.String({ description: 'the first characters of the secret' }),
  createdAt: Timestamp,
  lastUsedAt: Type.Union([Timestamp, Type.Null()]),
  revokedAt: Type.Union([Timestamp, Type.Null()]),
});

const MAX_KEYS = 20;

const listKeys = defineAction({
  name: 'open.key.list',
  description: 'The API keys of the signed-in public account.',
  tag: 'open-accounts',
  input: Input({}),
  output: Type.Array(ApiKey),
  mutating: false,
  http: { method: 'GET', path: '/open/me/keys' },
  policy: (ctx) => isPublic(ctx.actor),
  handler: async (ctx) => {
    const rows = await ctx.db
      .selectFrom('open_api_keys')
      .selectAll()
      .where('account_id', '=', accountId(ctx))
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      prefix: row.prefix,
      createdAt: row.created_at,
      lastUsedAt: row.last_used_at,
      revokedAt: row.revoked_at,
    }));
  },
});

function accountId(ctx: ActionContext): string {
  if (!isPublic(ctx.actor)) throw new AppError('UNAUTHENTICATED');
  return ctx.actor.id;
}

const createKey = defineAction({
  name: 'open.key.create',
  description:
    'Create an API key for programs using open data (higher rate limit than anonymous use); the secret is shown once.',
  tag: 'open-accounts',
  input: Input({ name: Type.String({ minLength: 1, maxLength: 100 }) }),
  output: Type.Object({ id: Type.String(), name: Type.String(), secret: Type.String() }),
  mutating: true,
  http: { method: 'POST', path: '/open/me/keys', status: 201 },
  // Keys are made in the browser session only: a key cannot mint more keys.
  policy: (ctx) => isPublic(ctx.actor) && ctx.actor.session !== undefined,
  handler: async (ctx, input) => {
    const owner = accountId(ctx);
    const active = await ctx.db
      .selectFrom('open_api_keys')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('account_id', '=', owner)
      .where('revoked_at', 'is', null)
      .executeTakeFirstOrThrow();
    if (Number(active.count) >= MAX_KEYS)
      throw conflict(
        text(
          `有效密钥最多 ${MAX_KEYS} 个，请先吊销不用的密钥`,
          `At most ${MAX_KEYS} active keys; revoke one first`,
        ),
      );
    const secret = `${OPEN_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    const id = randomUUID();
    await ctx.db
      .insertInto('open_api_keys')
      .values({
        id,
        account_id: owner,
        name: input.name.trim(),
        secret_hash: CredentialCache.tokenHash(secret),
        prefix: secret.slice(0, 10),
        created_at: ctx.now.toISOString(),
        last_used_at: null,
        revoked_at: null,
      })
      .execute();
    ctx.audit.target = `open-key:${id}`;
    ctx.audit.orgId = null;
    return { id, name: input.name.trim(), secret };
  },
});

const revokeKey = defineAction({
  name: 'open.key.revoke',
  description: 'Revoke one of the signed-in account’s API keys; it stops working at once.',
  tag: 'open-accounts',
  input: Input({ id: Type.String({ format: 'uuid' }) }),
  output: Ok,
  mutating: true,
  http: { method: 'DELETE', path: '/open/me/keys/:id' },
  policy: (ctx) => isPublic(ctx.actor),
  handler: async (ctx, input) => {
    const owner = accountId(ctx);
    // Another account's key is "not found": its existence is not disclosed.
    const result = await ctx.db
      .updateTable('open_api_keys')
      .set({ revoked_at: ctx.now.toISOString() })
      .where('id', '=', input.id)
      .where('account_id', '=', owner)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw notFound();
    ctx.services.credentials.forgetPublicAccount(owner);
    ctx.audit.target = `open-key:${input.id}`;
    ctx.audit.orgId = null;
    return { ok: true };
  },
});

const listAccounts = defineAction({
  name: 'open.account.list',
  description:
    'Public accounts, by verification status (authority: verifying organisation accounts).',
  tag: 'open-accounts',
  input: Input({
    verification: Type.Optional(
      Type.Union([Type.Literal('verified'), Type.Literal('pending'), Type.Literal('rejected')]),
    ),
    kind: Type.Optional(Type.Union([Type.Literal('individual'), Type.Literal('organisation')])),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    offset: Type.Integer({ minimum: 0, default: 0 }),
  }),
  output: Type.Object({ total: Type.Integer(), items: Type.Array(Account) }),
  mutating: false,
  http: { method: 'GET', path: '/open/accounts' },
  policy: (ctx) => isPortalAuthority(ctx.actor) || isAuditor(ctx.actor),
  handler: async (ctx, input) => {
    let query = ctx.db.selectFrom('open_accounts');
    if (input.verification) query = query.where('verification', '=', input.verification);
    if (input.kind) query = query.where('kind', '=', input.kind);
    const [count, rows] = await Promise.all([
      query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow(),
      query
        .selectAll()
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .limit(input.limit)
        .offset(input.offset)
        .execute(),
    ]);
    return { total: Number(count.total), items: rows.map(presentAccount) };
  },
});

const verifyAccount = defineAction({
  name: 'open.account.verify',
  description:
    'Approve or reject the identity of a public account (default verification of organisation accounts, R1.3).',
  tag: 'open-accounts',
  input: Input({
    id: Type.String({ format: 'uuid' }),
    approve: Type.Boolean(),
    note: Type.Optional(Type.String({ maxLength: 500 })),
  }),
  output: Account,
  mutating: true,
  http: { method: 'POST', path: '/open/accounts/:id/verify' },
  policy: (ctx) => isPortalAuthority(ctx.actor),
  handler: async (ctx, input) => {
    const row = await findAccount(ctx.db, input.id);
    if (!row) throw notFound();
    if (!input.approve && !input.note?.trim())
      throw invalidFields({ note: text('驳回时请说明理由', 'give the reason for rejecting') });
    const now = ctx.now.toISOString();
    const changes = {
      verification: input.approve ? ('verified' as const) : ('rejected' as const),
      verification_note: input.note?.trim() || null,
      verified_by: ctx.actor.type === 'user' ? ctx.actor.username : 'system',
      verified_at: now,
      updated_at: now,
    };
    await ctx.db.updateTable('open_accounts').set(changes).where('id', '=', row.id).execute();
    ctx.services.credentials.forgetPublicAccount(row.id);
    ctx.audit.target = `open-account:${row.username}`;
    ctx.audit.orgId = null;
    ctx.audit.details = { approve: input.approve };
    return presentAccount({ ...row, ...changes });
  },
});

export const accountActions = [
  register,
  login,
  logout,
  me,
  listKeys,
  createKey,
  revokeKey,
  listAccounts,
  verifyAccount,
];
