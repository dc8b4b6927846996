import { randomUUID } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import { defineAction } from '../../core/action.ts';
import { REFERENCE_DATA_CACHE } from '../../core/read-cache.ts';
import { AppError, conflict, invalidFields, notFound, text } from '../../core/errors.ts';
import { authorityOver, isGovernmentActor, isSystem } from '../../core/policy.ts';
import {
  Input,
  ListOf,
  OrgCode,
  OrgKindSchema,
  RegionCode,
  Timestamp,
} from '../../core/schemas.ts';
import { CREDIT_CODE_PROBLEM_TEXT, checkCreditCode } from '../../core/validators/credit-code.ts';
import type { Database, OrgKind, OrgTable } from '../../db/schema.ts';
import { preparedQuery } from '../../db/prepared.ts';
import { findRegion } from '../regions/actions.ts';

/**
 * Organisations (R1.1, R1.2, R1.4): the region's data authority, departments, utilities and public
 * organisations. Legal persons carry a unified social credit code checked per GB 32100.
 */
export const Org = Type.Object({
  code: Type.String(),
  name: Type.String(),
  kind: OrgKindSchema,
  regionCode: Type.String(),
  creditCode: Type.Union([Type.String(), Type.Null()]),
  createdAt: Timestamp,
});
export type OrgDto = Static<typeof Org>;

export function presentOrg(row: OrgTable): OrgDto {
  return {
    code: row.code,
    name: row.name,
    kind: row.kind,
    regionCode: row.region_code,
    creditCode: row.credit_code,
    createdAt: row.created_at,
  };
}

const orgByCode = preparedQuery((db, args: { code: string }) =>
  db
    .selectFrom('orgs')
    .innerJoin('regions', 'regions.code', 'orgs.region_code')
    .selectAll('orgs')
    .select('regions.path as region_path')
    .where('orgs.code', '=', args.code),
);

export async function findOrgByCode(
  db: Kysely<Database>,
  code: string,
): Promise<(OrgTable & { region_path: string }) | undefined> {
  return orgByCode.executeTakeFirst(db, { code });
}

function validateCreditCode(code: string | undefined): void {
  if (code === undefined) return;
  const problem = checkCreditCode(code);
  if (problem) throw invalidFields({ creditCode: CREDIT_CODE_PROBLEM_TEXT[problem] });
}

async function ensureCreditCodeFree(
  db: Kysely<Database>,
  code: string,
  exceptOrgId?: string,
): Promise<void> {
  let query = db.selectFrom('orgs').select('code').where('credit_code', '=', code);
  if (exceptOrgId) query = query.where('id', '!=', exceptOrgId);
  const holder = await query.executeTakeFirst();
  if (holder) {
    // A clash with existing data, like a taken organisation code: 409, with the field to correct.
    const taken = text(
      `该统一社会信用代码已被机构 ${holder.code} 使用`,
      `already used by organisation ${holder.code}`,
    );
    throw new AppError('CONFLICT', taken, { creditCode: taken });
  }
}

const orgList = defineAction({
  name: 'org.list',
  description: 'List organisations, optionally of one region (and its sub-regions) or of one kind.',
  tag: 'organisations',
  input: Input({ regionCode: Type.Optional(RegionCode), kind: Type.Optional(OrgKindSchema) }),
  output: ListOf(Org),
  mutating: false,
  cache: REFERENCE_DATA_CACHE,
  http: { method: 'GET', path: '/orgs' },
  // The directory of government organisations is known to every signed-in party (departments need it
  // to address share requests); it holds no personal data.
  policy: (ctx) => isGovernmentActor(ctx.actor),
  handler: async (ctx, input) => {
    let query = ctx.db
      .selectFrom('orgs')
      .innerJoin('regions', 'regions.code', 'orgs.region_code')
      .selectAll('orgs');
    if (input.regionCode) {
      const region = await findRegion(ctx.db, input.regionCode);
      // An unknown region is a mistake to report, not a region without organisations.
      if (!region)
        throw invalidFields({ regionCode: text('行政区划不存在', 'region does not exist') });
      query = query.where('regions.path', 'like', `${region.path}%`);
    }
    if (input.kind) query = query.where('orgs.kind', '=', input.kind as OrgKind);
    const rows = await query
      .orderBy('regions.path')
      .orderBy('orgs.kind')
      .orderBy('orgs.code')
      .execute();
    return { items: rows.map(presentOrg) };
  },
});

const orgGet = defineAction({
  name: 'org.get',
  description: 'Read one organisation by code.',
  tag: 'organisations',
  input: Input({ code: OrgCode }),
  output: Org,
  mutating: false,
  cache: REFERENCE_DATA_CACHE,
  http: { method: 'GET', path: '/orgs/:code' },
  policy: (ctx) => isGovernmentActor(ctx.actor),
  handler: async (ctx, input) => {
    const org = await findOrgByCode(ctx.db, input.code);
    if (!org) throw notFound();
    return presentOrg(org);
  },
});

const orgCreate = defineAction({
  name: 'org.create',
  description:
    'Create an organisation (authority, department, utility or public organisation) in a region.',
  tag: 'organisations',
  input: Input({
    code: OrgCode,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    kind: OrgKindSchema,
    regionCode: RegionCode,
    creditCode: Type.Optional(Type.String({ description: 'GB 32100 unified social credit code' })),
  }),
  output: Org,
  mutating: true,
  http: { method: 'POST', path: '/orgs', status: 201 },
  policy: async (ctx, input) => {
    if (isSystem(ctx.actor)) return true;
    const region = await findRegion(ctx.db, input.regionCode);
    return region !== undefined && authorityOver(ctx.actor, region.path, 'authority_admin');
  },
  handler: async (ctx, input) => {
    ctx.audit.target = `org:${input.code}`;
    validateCreditCode(input.creditCode);
    const region = await findRegion(ctx.db, input.regionCode);
    if (!region)
      throw invalidFields({ regionCode: text('行政区划不存在', 'region does not exist') });
    if (input.kind === 'authority') {
      const existing = await ctx.db
        .selectFrom('orgs')
        .select('code')
        .where('region_code', '=', input.regionCode)
        .where('kind', '=', 'authority')
        .executeTakeFirst();
      if (existing) {
        // R1.1: one authority per region.
        throw invalidFields({
          kind: text(
            `该行政区划已有主管部门 ${existing.code}`,
            `region already has authority ${existing.code}`,
          ),
        });
      }
    }
    if (await findOrgByCode(ctx.db, input.code)) {
      throw conflict(
        text(`机构代码 ${input.code} 已存在`, `organisation ${input.code} already exists`),
      );
    }
    if (input.creditCode) await ensureCreditCodeFree(ctx.db, input.creditCode);
    const now = ctx.now.toISOString();
    const row: OrgTable = {
      id: randomUUID(),
      code: input.code,
      name: input.name,
      kind: input.kind as OrgKind,
      region_code: input.regionCode,
      credit_code: input.creditCode ?? null,
      created_at: now,
      updated_at: now,
    };
    await ctx.db.insertInto('orgs').values(row).execute();
    ctx.audit.orgId = row.id;
    return presentOrg(row);
  },
});

const orgUpdate = defineAction({
  name: 'org.update',
  description: "Change an organisation's name or unified social credit code.",
  tag: 'organisations',
  input: Input({
    code: OrgCode,
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    // Null first: with type coercion on, a string-first union would turn null into "".
    creditCode: Type.Optional(Type.Union([Type.Null(), Type.String()])),
  }),
  output: Org,
  mutating: true,
  http: { method: 'PATCH', path: '/orgs/:code' },
  policy: async (ctx, input) => {
    if (isSystem(ctx.actor)) return true;
    const org = await findOrgByCode(ctx.db, input.code);
    return org !== undefined && authorityOver(ctx.actor, org.region_path, 'authority_admin');
  },
  handler: async (ctx, input) => {
    ctx.audit.target = `org:${input.code}`;
    const org = await findOrgByCode(ctx.db, input.code);
    if (!org) throw notFound();
    ctx.audit.orgId = org.id;
    if (input.creditCode) {
      validateCreditCode(input.creditCode);
      await ensureCreditCodeFree(ctx.db, input.creditCode, org.id);
    }
    const changes = {
      name: input.name ?? org.name,
      credit_code: input.creditCode === undefined ? org.credit_code : input.creditCode,
      updated_at: ctx.now.toISOString(),
    };
    await ctx.db.updateTable('orgs').set(changes).where('id', '=', org.id).execute();
    return presentOrg({ ...org, ...changes });
  },
});

export const orgActions = [orgList, orgGet, orgCreate, orgUpdate];
