import { Type } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import { defineAction } from '../../core/action.ts';
import { actorName } from '../../core/actor.ts';
import { conflict, text } from '../../core/errors.ts';
import { hasRole, isGovernmentActor, isSystem } from '../../core/policy.ts';
import { Input, Timestamp } from '../../core/schemas.ts';
import type { Database } from '../../db/schema.ts';

/**
 * Thematic catalogs (R2.3): the regulation's list, extensible by the authority. A thematic entry must
 * name one of them, so that the thematic catalogs stay a managed set rather than free text.
 */
const Theme = Type.Object({
  name: Type.String(),
  builtin: Type.Boolean(),
  createdBy: Type.String(),
  createdAt: Timestamp,
});

export async function themeNames(db: Kysely<Database>): Promise<Set<string>> {
  return new Set(
    (await db.selectFrom('catalog_themes').select('name').execute()).map((row) => row.name),
  );
}

const list = defineAction({
  name: 'catalog.theme.list',
  description: 'The thematic catalogs an entry may belong to (R2.3 and those the authority added).',
  tag: 'catalog',
  input: Input({}),
  output: Type.Object({ items: Type.Array(Theme) }),
  mutating: false,
  http: { method: 'GET', path: '/catalog/themes' },
  policy: (ctx) => isGovernmentActor(ctx.actor),
  handler: async (ctx) => ({
    items: (
      await ctx.db
        .selectFrom('catalog_themes')
        .selectAll()
        .orderBy('builtin', 'desc')
        .orderBy('created_at')
        .orderBy('name')
        .execute()
    ).map((row) => ({
      name: row.name,
      builtin: row.builtin === 1,
      createdBy: row.created_by,
      createdAt: row.created_at,
    })),
  }),
});

const create = defineAction({
  name: 'catalog.theme.create',
  description: 'Add a thematic catalog (the authority extends the R2.3 list).',
  tag: 'catalog',
  input: Input({ name: Type.String({ minLength: 2, maxLength: 50, pattern: '^\\S(.*\\S)?$' }) }),
  output: Theme,
  mutating: true,
  http: { method: 'POST', path: '/catalog/themes', status: 201 },
  policy: (ctx) => isSystem(ctx.actor) || hasRole(ctx.actor, 'authority_admin'),
  handler: async (ctx, input) => {
    ctx.audit.target = `catalog-theme:${input.name}`;
    if ((await themeNames(ctx.db)).has(input.name)) {
      throw conflict(text(`主题“${input.name}”已存在`, `theme ${input.name} already exists`));
    }
    const row = {
      name: input.name,
      builtin: 0,
      created_by: actorName(ctx.actor),
      created_at: ctx.now.toISOString(),
    };
    await ctx.db.insertInto('catalog_themes').values(row).execute();
    return { name: row.name, builtin: false, createdBy: row.created_by, createdAt: row.created_at };
  },
});

export const themeActions = [list, create];
