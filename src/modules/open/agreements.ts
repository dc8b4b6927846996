import { createHash } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import { defineAction } from '../../core/action.ts';
import { actorName } from '../../core/actor.ts';
import { notFound } from '../../core/errors.ts';
import { Input, Timestamp } from '../../core/schemas.ts';
import type { Database, OpenAgreementTable } from '../../db/schema.ts';
import { isPortalAuthority } from './accounts.ts';

/**
 * The data use agreement (数据使用协议) an applicant for conditional open data signs (R5.5, LZ Art.
 * 26). Versions are kept for ever: an application names the version its applicant accepted, and the
 * body's SHA-256 pins down the exact text of that version.
 */
export const Agreement = Type.Object({
  version: Type.Integer(),
  title: Type.String(),
  body: Type.String(),
  /** Hex SHA-256 of the body (UTF-8): what an acceptance refers to. */
  bodySha256: Type.String(),
  publishedAt: Timestamp,
  publishedBy: Type.String(),
});
export type AgreementDto = Static<typeof Agreement>;

function present(row: OpenAgreementTable): AgreementDto {
  return {
    version: row.version,
    title: row.title,
    body: row.body,
    bodySha256: row.body_sha256,
    publishedAt: row.published_at,
    publishedBy: row.published_by,
  };
}

/** The version in force: the latest published. */
export async function currentAgreement(
  db: Kysely<Database>,
): Promise<OpenAgreementTable | undefined> {
  return db
    .selectFrom('open_agreements')
    .selectAll()
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
}

const current = defineAction({
  name: 'open.agreement.current',
  description:
    'The data use agreement in force, which an applicant for conditional open data accepts (R5.5).',
  tag: 'open-applications',
  input: Input({}),
  output: Agreement,
  mutating: false,
  http: { method: 'GET', path: '/open/agreement' },
  // The terms are public: anyone may read them before registering.
  policy: () => true,
  handler: async (ctx) => {
    const row = await currentAgreement(ctx.db);
    if (!row) throw notFound();
    return present(row);
  },
});

const list = defineAction({
  name: 'open.agreement.list',
  description: 'Every version of the data use agreement, newest first (R5.5).',
  tag: 'open-applications',
  input: Input({}),
  output: Type.Object({ items: Type.Array(Agreement) }),
  mutating: false,
  http: { method: 'GET', path: '/open/agreements' },
  policy: () => true,
  handler: async (ctx) => {
    const rows = await ctx.db
      .selectFrom('open_agreements')
      .selectAll()
      .orderBy('version', 'desc')
      .execute();
    return { items: rows.map(present) };
  },
});

const publish = defineAction({
  name: 'open.agreement.publish',
  description:
    'Publish a new version of the data use agreement (authority); earlier versions stay, and applications keep the version they accepted (R5.5).',
  tag: 'open-applications',
  input: Input({
    title: Type.String({ minLength: 2, maxLength: 200, pattern: '\\S' }),
    body: Type.String({ minLength: 20, maxLength: 100_000, pattern: '\\S' }),
  }),
  output: Agreement,
  mutating: true,
  http: { method: 'POST', path: '/open/agreements', status: 201 },
  policy: (ctx) => isPortalAuthority(ctx.actor),
  handler: async (ctx, input) => {
    const last = await currentAgreement(ctx.db);
    const body = input.body.trim();
    const row: OpenAgreementTable = {
      version: (last?.version ?? 0) + 1,
      title: input.title.trim(),
      body,
      body_sha256: createHash('sha256').update(body, 'utf8').digest('hex'),
      published_by: actorName(ctx.actor),
      published_at: ctx.now.toISOString(),
    };
    await ctx.db.insertInto('open_agreements').values(row).execute();
    ctx.audit.target = `open-agreement:${row.version}`;
    ctx.audit.orgId = null;
    ctx.audit.details = { version: row.version, bodySha256: row.body_sha256 };
    return present(row);
  },
});

export const agreementActions = [current, list, publish];
