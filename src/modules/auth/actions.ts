import { randomBytes } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import { defineAction, type ActionContext } from '../../core/action.ts';
import type { Actor } from '../../core/actor.ts';
import { appendAuditEvent } from '../../core/audit.ts';
import { AppError, text } from '../../core/errors.ts';
import { abilitiesOf, ALL_ABILITIES } from '../../core/policy.ts';
import { Input, OrgKindSchema, Ok, RoleSchema, Timestamp } from '../../core/schemas.ts';
import { loadUserActor } from './credential-cache.ts';
import { verifyPassword } from './passwords.ts';

/** Console sign-in (issue 2, Identity): sessions in HTTP-only cookies, CSRF token, login throttling. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
const THROTTLE_WINDOW_MS = 15 * 60 * 1000;

export const Me = Type.Object({
  user: Type.Object({ id: Type.String(), username: Type.String(), displayName: Type.String() }),
  memberships: Type.Array(
    Type.Object({
      orgCode: Type.String(),
      orgName: Type.String(),
      orgKind: OrgKindSchema,
      role: RoleSchema,
      regionCode: Type.String(),
    }),
  ),
  abilities: Type.Array(Type.Union(ALL_ABILITIES.map((ability) => Type.Literal(ability)))),
  csrfToken: Type.String(),
});
export type MeDto = Static<typeof Me>;

export function presentMe(actor: Actor, csrfToken: string): MeDto {
  if (actor.type !== 'user') throw new AppError('UNAUTHENTICATED');
  return {
    user: { id: actor.id, username: actor.username, displayName: actor.displayName },
    memberships: actor.memberships.map((m) => ({
      orgCode: m.orgCode,
      orgName: m.orgName,
      orgKind: m.orgKind,
      role: m.role,
      regionCode: m.regionCode,
    })),
    abilities: abilitiesOf(actor),
    csrfToken,
  };
}

export const LoginResult = Type.Object({
  me: Me,
  sessionToken: Type.String(),
  expiresAt: Timestamp,
});

const WRONG_CREDENTIALS = text('用户名或密码错误', 'Wrong username or password');

/** Throttle keys of a sign-in: the account (`user:` staff, `public:` open portal) and the address. */
export function throttleKeys(
  username: string,
  clientIp: string | null,
  realm: 'user' | 'public' = 'user',
): string[] {
  return [`${realm}:${username.toLowerCase()}`, ...(clientIp ? [`ip:${clientIp}`] : [])];
}

export async function isThrottled(ctx: ActionContext, keys: string[]): Promise<boolean> {
  const since = new Date(ctx.now.getTime() - THROTTLE_WINDOW_MS).toISOString();
  const max = ctx.services.config.loginMaxAttempts;
  for (const key of keys) {
    // The address limit is wider: an office behind one NAT address has many users.
    const limit = key.startsWith('ip:') ? max * 10 : max;
    const row = await ctx.db
      .selectFrom('login_failures')
      .select((eb) => eb.fn.countAll<number>().as('failures'))
      .where('throttle_key', '=', key)
      .where('attempted_at', '>', since)
      .executeTakeFirstOrThrow();
    if (Number(row.failures) >= limit) return true;
  }
  return false;
}

const login = defineAction({
  name: 'auth.login',
  description: 'Sign in with username and password; opens a console session.',
  tag: 'auth',
  input: Input({
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 200 }),
  }),
  output: LoginResult,
  mutating: true,
  http: { method: 'POST', path: '/auth/login' },
  // Signing in is open to anyone by nature; throttling and uniform errors protect it.
  policy: () => true,
  handler: async (ctx, input) => {
    ctx.audit.target = `user:${input.username}`;
    if (await isThrottled(ctx, throttleKeys(input.username, ctx.clientIp))) throw tooManyFailures();
    const user = await ctx.db
      .selectFrom('users')
      .select(['id', 'password_hash', 'disabled'])
      .where('username', '=', input.username)
      .executeTakeFirst();
    const passwordOk = await verifyPassword(user?.password_hash, input.password);
    // One answer for unknown user, wrong password and disabled account: no user enumeration.
    if (!user || !passwordOk || user.disabled !== 0)
      throw new AppError('UNAUTHENTICATED', WRONG_CREDENTIALS);
    const actor = await loadUserActor(ctx.db, user.id);
    if (!actor) throw new AppError('UNAUTHENTICATED', WRONG_CREDENTIALS);
    const sessionToken = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const expiresAt = new Date(ctx.now.getTime() + SESSION_TTL_MS).toISOString();
    await ctx.db
      .insertInto('sessions')
      .values({
        token_hash: ctx.services.credentials.sessionHash(sessionToken),
        user_id: user.id,
        csrf_token: csrfToken,
        created_at: ctx.now.toISOString(),
        expires_at: expiresAt,
      })
      .execute();
    // Expired sessions of this user are dropped here rather than by a sweeper job.
    await ctx.db
      .deleteFrom('sessions')
      .where('user_id', '=', user.id)
      .where('expires_at', '<', ctx.now.toISOString())
      .execute();
    return { me: presentMe(actor, csrfToken), sessionToken, expiresAt };
  },
  onFailure: (ctx, input, error) =>
    recordLoginFailure(
      ctx,
      error,
      'auth.login',
      `user:${input.username}`,
      throttleKeys(input.username, ctx.clientIp),
    ),
});

export const tooManyFailures = () =>
  new AppError(
    'RATE_LIMITED',
    text('登录失败次数过多，请15分钟后再试', 'Too many failed sign-ins; try again in 15 minutes'),
  );

/** A failed sign-in counts against its throttle keys and is audited (anonymous failures are not otherwise). */
export async function recordLoginFailure(
  ctx: ActionContext,
  error: unknown,
  action: string,
  target: string,
  keys: string[],
): Promise<void> {
  if (!(error instanceof AppError) || error.code !== 'UNAUTHENTICATED') return;
  await ctx.services.db.kysely.transaction().execute(async (trx) => {
    for (const key of keys) {
      await trx
        .insertInto('login_failures')
        .values({ throttle_key: key, attempted_at: ctx.now.toISOString() })
        .execute();
    }
    await appendAuditEvent(trx, ctx.services.ledger, {
      actor: ctx.actor,
      requestId: ctx.requestId,
      action,
      target,
      orgId: null,
      outcome: 'failed',
      details: { clientIp: ctx.clientIp, error: error.code },
      occurredAt: ctx.now,
    });
  });
}

const logout = defineAction({
  name: 'auth.logout',
  description: 'End the current console session.',
  tag: 'auth',
  input: Input({}),
  output: Ok,
  mutating: true,
  http: { method: 'POST', path: '/auth/logout' },
  policy: (ctx) => ctx.actor.type === 'user' && ctx.actor.session !== undefined,
  handler: async (ctx) => {
    if (ctx.actor.type !== 'user' || !ctx.actor.session) throw new AppError('UNAUTHENTICATED');
    ctx.audit.target = `user:${ctx.actor.username}`;
    await ctx.db
      .deleteFrom('sessions')
      .where('token_hash', '=', ctx.actor.session.tokenHash)
      .execute();
    ctx.services.credentials.forgetSession(ctx.actor.session.tokenHash);
    return { ok: true };
  },
});

const me = defineAction({
  name: 'auth.me',
  description: 'The signed-in user, memberships and abilities (what the console may offer).',
  tag: 'auth',
  input: Input({}),
  output: Me,
  mutating: false,
  http: { method: 'GET', path: '/auth/me' },
  policy: (ctx) => ctx.actor.type === 'user',
  handler: (ctx) =>
    Promise.resolve(
      presentMe(ctx.actor, ctx.actor.type === 'user' ? (ctx.actor.session?.csrfToken ?? '') : ''),
    ),
});

export const authActions = [login, logout, me];
