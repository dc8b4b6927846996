import { randomUUID } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import type { ActionContext } from '../../core/action.ts';
import { defineAction } from '../../core/action.ts';
import type { Actor } from '../../core/actor.ts';
import { conflict, forbidden, invalidFields, notFound, text } from '../../core/errors.ts';
import { authorityOver, hasRole, isAuditor, isSystem, memberOf } from '../../core/policy.ts';
import {
  Input,
  ListOf,
  OrgCode,
  Password,
  RoleSchema,
  Timestamp,
  Username,
} from '../../core/schemas.ts';
import type { Database, Role } from '../../db/schema.ts';
import { hashPassword } from '../auth/passwords.ts';
import { findOrgByCode } from '../orgs/actions.ts';

/** Users and their memberships (REQUIREMENTS section 1; roles of issue 2). */
export const User = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  disabled: Type.Boolean(),
  memberships: Type.Array(Type.Object({ orgCode: Type.String(), role: RoleSchema })),
  createdAt: Timestamp,
});
export type UserDto = Static<typeof User>;

const AUTHORITY_ROLES: Role[] = ['authority_admin', 'reviewer', 'auditor'];
const DEPARTMENT_ROLES: Role[] = ['dept_admin', 'dept_operator'];

interface OrgScope {
  id: string;
  kind: string;
  region_path: string;
}

/** Whether the actor may administer users of `org` and give them `role`. */
function mayAdministerUsers(actor: Actor, org: OrgScope, role?: Role): boolean {
  if (isSystem(actor)) return true;
  if (authorityOver(actor, org.region_path, 'authority_admin')) return true;
  // A department admin manages its own department's staff, but cannot mint authority roles.
  return (
    memberOf(actor, org.id, 'dept_admin') && (role === undefined || DEPARTMENT_ROLES.includes(role))
  );
}

async function loadUsers(
  db: Kysely<Database>,
  userIds: string[] | null,
  orgIds: string[] | null,
): Promise<UserDto[]> {
  let query = db
    .selectFrom('users')
    .leftJoin('memberships', 'memberships.user_id', 'users.id')
    .leftJoin('orgs', 'orgs.id', 'memberships.org_id')
    .select([
      'users.id',
      'users.username',
      'users.display_name',
      'users.disabled',
      'users.created_at',
      'orgs.code as org_code',
      'memberships.role',
    ]);
  if (userIds) query = query.where('users.id', 'in', userIds.length ? userIds : ['']);
  if (orgIds) {
    query = query.where('users.id', 'in', (sub) =>
      sub
        .selectFrom('memberships')
        .select('user_id')
        .where('org_id', 'in', orgIds.length ? orgIds : ['']),
    );
  }
  const rows = await query.orderBy('users.username').execute();
  const users = new Map<string, UserDto>();
  for (const row of rows) {
    let user = users.get(row.id);
    if (!user) {
      user = {
        id: row.id,
        username: row.username,
        displayName: row.display_name,
        disabled: row.disabled === 1,
        memberships: [],
        createdAt: row.created_at,
      };
      users.set(row.id, user);
    }
    if (row.org_code && row.role) user.memberships.push({ orgCode: row.org_code, role: row.role });
  }
  return [...users.values()];
}

async function orgsOfUser(db: Kysely<Database>, userId: string): Promise<OrgScope[]> {
  return db
    .selectFrom('memberships')
    .innerJoin('orgs', 'orgs.id', 'memberships.org_id')
    .innerJoin('regions', 'regions.code', 'orgs.region_code')
    .select(['orgs.id', 'orgs.kind', 'regions.path as region_path'])
    .where('memberships.user_id', '=', userId)
    .execute();
}

/** The organisations whose users the actor may list. */
async function visibleOrgIds(ctx: ActionContext): Promise<string[] | null> {
  if (isSystem(ctx.actor) || isAuditor(ctx.actor)) return null;
  const orgs = await ctx.db
    .selectFrom('orgs')
    .innerJoin('regions', 'regions.code', 'orgs.region_code')
    .select(['orgs.id', 'orgs.kind', 'regions.path as region_path'])
    .execute();
  return orgs.filter((org) => mayAdministerUsers(ctx.actor, org)).map((org) => org.id);
}

const userList = defineAction({
  name: 'user.list',
  description:
    'List the users the caller administers (auditors see all), optionally of one organisation.',
  tag: 'users',
  input: Input({ orgCode: Type.Optional(OrgCode) }),
  output: ListOf(User),
  mutating: false,
  http: { method: 'GET', path: '/users' },
  policy: (ctx) =>
    isSystem(ctx.actor) || hasRole(ctx.actor, 'authority_admin', 'dept_admin', 'auditor'),
  handler: async (ctx, input) => {
    let orgIds = await visibleOrgIds(ctx);
    if (input.orgCode) {
      const org = await findOrgByCode(ctx.db, input.orgCode);
      if (!org || (orgIds && !orgIds.includes(org.id))) return { items: [] };
      orgIds = [org.id];
    }
    return { items: await loadUsers(ctx.db, null, orgIds) };
  },
});

const userCreate = defineAction({
  name: 'user.create',
  description: 'Create a user with one membership (organisation and role).',
  tag: 'users',
  input: Input({
    username: Username,
    password: Password,
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    orgCode: OrgCode,
    role: RoleSchema,
  }),
  output: User,
  mutating: true,
  http: { method: 'POST', path: '/users', status: 201 },
  prepare: (input) => hashPassword(input.password),
  policy: async (ctx, input) => {
    const org = await findOrgByCode(ctx.db, input.orgCode);
    // An unknown organisation is reported by the handler as a field error, to those who may ask.
    if (!org) return isSystem(ctx.actor) || hasRole(ctx.actor, 'authority_admin', 'dept_admin');
    return mayAdministerUsers(ctx.actor, org, input.role as Role);
  },
  handler: async (ctx, input, passwordHash: string) => {
    ctx.audit.target = `user:${input.username}`;
    const org = await findOrgByCode(ctx.db, input.orgCode);
    if (!org) throw invalidFields({ orgCode: text('机构不存在', 'organisation does not exist') });
    ctx.audit.orgId = org.id;
    const role = input.role as Role;
    if (
      org.kind === 'authority'
        ? !AUTHORITY_ROLES.includes(role) && !DEPARTMENT_ROLES.includes(role)
        : !DEPARTMENT_ROLES.includes(role)
    ) {
      throw invalidFields({
        role: text('该角色只能授予主管部门人员', 'this role is only for staff of the authority'),
      });
    }
    const taken = await ctx.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', input.username)
      .executeTakeFirst();
    if (taken)
      throw conflict(
        text(`用户名 ${input.username} 已被使用`, `username ${input.username} is taken`),
      );
    const now = ctx.now.toISOString();
    const id = randomUUID();
    await ctx.db
      .insertInto('users')
      .values({
        id,
        username: input.username,
        display_name: input.displayName ?? input.username,
        password_hash: passwordHash,
        disabled: 0,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await ctx.db
      .insertInto('memberships')
      .values({ user_id: id, org_id: org.id, role, created_at: now })
      .execute();
    const [user] = await loadUsers(ctx.db, [id], null);
    return user!;
  },
});

const userUpdate = defineAction({
  name: 'user.update',
  description: "Change a user's display name or password, or disable/enable the account.",
  tag: 'users',
  input: Input({
    id: Type.String({ format: 'uuid' }),
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    disabled: Type.Optional(Type.Boolean()),
    password: Type.Optional(Password),
  }),
  output: User,
  mutating: true,
  http: { method: 'PATCH', path: '/users/:id' },
  prepare: async (input) => (input.password ? hashPassword(input.password) : undefined),
  policy: async (ctx, input) => {
    if (isSystem(ctx.actor)) return true;
    const orgs = await orgsOfUser(ctx.db, input.id);
    // Authority admins of the region, or the department admin of every org the user belongs to.
    return orgs.length > 0 && orgs.every((org) => mayAdministerUsers(ctx.actor, org));
  },
  handler: async (ctx, input, passwordHash: string | undefined) => {
    const [existing] = await loadUsers(ctx.db, [input.id], null);
    if (!existing) throw notFound();
    ctx.audit.target = `user:${existing.username}`;
    if (input.disabled === true && ctx.actor.type === 'user' && ctx.actor.id === input.id) {
      throw forbidden(text('不能停用自己的账号', 'you cannot disable your own account'));
    }
    await ctx.db
      .updateTable('users')
      .set({
        display_name: input.displayName ?? existing.displayName,
        disabled:
          input.disabled === undefined ? (existing.disabled ? 1 : 0) : input.disabled ? 1 : 0,
        ...(passwordHash ? { password_hash: passwordHash } : {}),
        updated_at: ctx.now.toISOString(),
      })
      .where('id', '=', input.id)
      .execute();
    if (input.disabled === true || passwordHash) {
      // A disabled account or a reset password ends every open session of that user.
      await ctx.db.deleteFrom('sessions').where('user_id', '=', input.id).execute();
      ctx.services.credentials.forgetUser(input.id);
    }
    const [user] = await loadUsers(ctx.db, [input.id], null);
    return user!;
  },
});

export const userActions = [userList, userCreate, userUpdate];
