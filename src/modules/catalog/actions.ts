import { randomUUID } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import { defineAction, type ActionContext, type Policy } from '../../core/action.ts';
import { actorName, type Actor } from '../../core/actor.ts';
import {
  AppError,
  conflict,
  invalidFields,
  notFound,
  text,
  type LocalizedText,
} from '../../core/errors.ts';
import {
  authorityOver,
  hasRole,
  isAuditor,
  isGovernmentActor,
  isSystem,
  memberOf,
} from '../../core/policy.ts';
import { Input, OrgCode, Timestamp } from '../../core/schemas.ts';
import type { ResourceStatus } from '../../db/schema.ts';
import { findOrgByCode } from '../orgs/actions.ts';
import { ResourceContent, type ResourceContentDto } from './model.ts';
import { checkResourceRules } from './rules.ts';
import { ensureDataTable } from '../aggregation/data-table.ts';
import { catalogSearch, indexResource, unindexResource } from './search.ts';
import { themeActions, themeNames } from './themes.ts';
import { triggerActions } from './triggers.ts';
import {
  codePrefix,
  contentColumns,
  draftVersionRow,
  findResource,
  findVersion,
  nextSequence,
  setStatus,
  versionsQuery,
  type VersionRow,
} from './store.ts';

/**
 * The catalog lifecycle (issue 3; R2.1, R2.2, R2.4, R4.1, R4.2, R5.1): departments compile entries,
 * the authority reviews and publishes them; a published entry changes only through a new version,
 * and every version is kept. Each transition is an action, so each leaves an audit event.
 */
const STATUSES = [
  'draft',
  'submitted',
  'returned',
  'published',
  'superseded',
  'withdrawn',
] as const;
const EDITABLE: ResourceStatus[] = ['draft', 'returned'];

export const DuplicateFlag = Type.Object({
  itemName: Type.String(),
  column: Type.String(),
  resourceCode: Type.String(),
  resourceName: Type.String(),
  orgCode: Type.String(),
});

export const ResourceVersion = Type.Object({
  code: Type.String(),
  version: Type.Integer(),
  liveVersion: Type.Union([Type.Integer(), Type.Null()]),
  latestVersion: Type.Integer(),
  status: Type.Union(STATUSES.map((status) => Type.Literal(status))),
  revision: Type.Integer(),
  orgCode: Type.String(),
  orgName: Type.String(),
  content: ResourceContent,
  createdBy: Type.String(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  submittedAt: Type.Union([Timestamp, Type.Null()]),
  reviewedBy: Type.Union([Type.String(), Type.Null()]),
  reviewedAt: Type.Union([Timestamp, Type.Null()]),
  reviewComment: Type.Union([Type.String(), Type.Null()]),
  fieldComments: Type.Record(Type.String(), Type.String()),
  duplicateFlags: Type.Array(DuplicateFlag),
  publishedAt: Type.Union([Timestamp, Type.Null()]),
  withdrawnAt: Type.Union([Timestamp, Type.Null()]),
  withdrawReason: Type.Union([Type.String(), Type.Null()]),
});
export type ResourceVersionDto = Static<typeof ResourceVersion>;

export function presentVersion(row: VersionRow): ResourceVersionDto {
  return {
    code: row.code,
    version: row.version,
    liveVersion: row.live_version,
    latestVersion: row.latest_version,
    status: row.status,
    revision: row.revision,
    orgCode: row.org_code,
    orgName: row.org_name,
    content: JSON.parse(row.content) as ResourceContentDto,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    submittedAt: row.submitted_at,
    reviewedBy: row.reviewed_by,
    reviewedAt: row.reviewed_at,
    reviewComment: row.review_comment,
    fieldComments: row.field_comments
      ? (JSON.parse(row.field_comments) as Record<string, string>)
      : {},
    duplicateFlags: row.duplicate_flags
      ? (JSON.parse(row.duplicate_flags) as Static<typeof DuplicateFlag>[])
      : [],
    publishedAt: row.published_at,
    withdrawnAt: row.withdrawn_at,
    withdrawReason: row.withdraw_reason,
  };
}

/** R2.3: a thematic entry names one of the authority's thematic catalogs. */
export async function themeErrors(
  ctx: ActionContext,
  content: ResourceContentDto,
): Promise<Record<string, LocalizedText>> {
  if (content.classification !== 'thematic' || !content.theme) return {};
  if ((await themeNames(ctx.db)).has(content.theme)) return {};
  return {
    theme: text(
      `主题“${content.theme}”不在主题目录中，请选择已有主题或请主管部门新增（R2.3）`,
      `theme "${content.theme}" is not a thematic catalog; choose one or ask the authority to add it (R2.3)`,
    ),
  };
}

/** Department staff compile their own organisation's entries (R1.2, R2.1). */
function mayCompile(actor: Actor, orgId: string): boolean {
  return (
    isSystem(actor) || memberOf(actor, orgId, 'dept_admin', 'dept_operator', 'authority_admin')
  );
}

/** The authority of the provider's region reviews (R2.1). */
function mayReview(actor: Actor, regionPath: string): boolean {
  return isSystem(actor) || authorityOver(actor, regionPath, 'reviewer', 'authority_admin');
}

/** Published entries are known to every signed-in party; unpublished ones to their compilers, reviewers and auditors. */
export function mayRead(
  actor: Actor,
  row: { status: ResourceStatus; org_id: string; region_path: string },
): boolean {
  if (row.status === 'published' || row.status === 'superseded' || row.status === 'withdrawn') {
    return isGovernmentActor(actor);
  }
  return isAuditor(actor) || mayCompile(actor, row.org_id) || mayReview(actor, row.region_path);
}

async function loadOrThrow(
  ctx: ActionContext,
  code: string,
  version?: number,
): Promise<VersionRow> {
  const row = await findVersion(ctx.db, code, version);
  if (!row || !mayRead(ctx.actor, row)) throw notFound();
  return row;
}

async function reload(
  ctx: ActionContext,
  code: string,
  version: number,
): Promise<ResourceVersionDto> {
  const row = await findVersion(ctx.db, code, version);
  if (!row) throw notFound();
  return presentVersion(row);
}

function requireStatus(row: VersionRow, allowed: ResourceStatus[]): void {
  if (!allowed.includes(row.status)) {
    throw conflict(
      text(
        `资源 ${row.code} 第 ${row.version} 版当前状态为“${row.status}”，不能执行此操作`,
        `version ${row.version} of ${row.code} is ${row.status}; this transition is not allowed`,
      ),
    );
  }
}

/**
 * Policies of the entry transitions: compilers of the provider organisation, reviewers of its
 * region. An unknown code is let through to those who could act on some entry, so that the handler
 * answers NOT_FOUND rather than FORBIDDEN.
 */
const compilerPolicy: Policy<{ code: string }> = async (ctx, input) => {
  const row = await findVersion(ctx.db, input.code);
  return row
    ? mayCompile(ctx.actor, row.org_id)
    : isSystem(ctx.actor) || hasRole(ctx.actor, 'dept_admin', 'dept_operator');
};

const reviewerPolicy: Policy<{ code: string }> = async (ctx, input) => {
  const row = await findVersion(ctx.db, input.code);
  return row
    ? mayReview(ctx.actor, row.region_path)
    : isSystem(ctx.actor) || hasRole(ctx.actor, 'reviewer', 'authority_admin');
};

/** The latest version of an entry, named in the audit event of the transition about to happen. */
async function loadForTransition(ctx: ActionContext, code: string): Promise<VersionRow> {
  const row = await loadOrThrow(ctx, code);
  ctx.audit.target = `resource:${row.code}@${row.version}`;
  ctx.audit.orgId = row.org_id;
  return row;
}

const CodeInput = Type.String({ pattern: '^[A-Z0-9-]{2,40}$', description: 'resource code' });

const create = defineAction({
  name: 'catalog.resource.create',
  description: 'Start a catalog entry as a draft (version 1) for a provider organisation.',
  tag: 'catalog',
  input: Input({ orgCode: OrgCode, content: ResourceContent }),
  output: ResourceVersion,
  mutating: true,
  http: { method: 'POST', path: '/catalog/resources', status: 201 },
  policy: async (ctx, input) => {
    const org = await findOrgByCode(ctx.db, input.orgCode);
    return org ? mayCompile(ctx.actor, org.id) : isSystem(ctx.actor);
  },
  handler: async (ctx, input) => {
    const org = await findOrgByCode(ctx.db, input.orgCode);
    if (!org) throw invalidFields({ orgCode: text('机构不存在', 'organisation does not exist') });
    const prefix = codePrefix(input.content, org.code);
    const code = `${prefix}-${String(await nextSequence(ctx.db, prefix)).padStart(6, '0')}`;
    ctx.audit.target = `resource:${code}`;
    ctx.audit.orgId = org.id;
    const id = randomUUID();
    const now = ctx.now.toISOString();
    await ctx.db
      .insertInto('resources')
      .values({ id, code, org_id: org.id, live_version: null, latest_version: 1, created_at: now })
      .execute();
    await ctx.db
      .insertInto('resource_versions')
      .values(draftVersionRow(id, 1, input.content, actorName(ctx.actor), now))
      .execute();
    return reload(ctx, code, 1);
  },
});

const update = defineAction({
  name: 'catalog.resource.update',
  description:
    'Save a draft or returned version; `revision` must be the one read, else CONFLICT (no lost edits).',
  tag: 'catalog',
  input: Input({
    code: CodeInput,
    revision: Type.Integer({ minimum: 1 }),
    content: ResourceContent,
  }),
  output: ResourceVersion,
  mutating: true,
  http: { method: 'PUT', path: '/catalog/resources/:code/draft' },
  policy: compilerPolicy,
  handler: async (ctx, input) => {
    const row = await loadForTransition(ctx, input.code);
    requireStatus(row, EDITABLE);
    if (input.content.classification !== row.classification) {
      // The code embeds the classification; a different classification is a different entry.
      throw invalidFields({
        classification: text(
          '资源分类决定资源代码，不能修改；请新建资源',
          'the classification is part of the code; create a new entry',
        ),
      });
    }
    const result = await ctx.db
      .updateTable('resource_versions')
      .set({
        ...contentColumns(input.content),
        revision: input.revision + 1,
        updated_at: ctx.now.toISOString(),
      })
      .where('resource_id', '=', row.resource_id)
      .where('version', '=', row.version)
      .where('revision', '=', input.revision)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) {
      throw conflict(
        text(
          '该草稿已被他人修改，请刷新后重新编辑（您的内容未被保存）',
          'someone else saved this draft meanwhile; reload it (your save was not applied)',
        ),
      );
    }
    return reload(ctx, row.code, row.version);
  },
});

const submit = defineAction({
  name: 'catalog.resource.submit',
  description:
    'Submit a draft or returned version for review; every catalog rule is checked (R4.2 ...).',
  tag: 'catalog',
  input: Input({ code: CodeInput }),
  output: ResourceVersion,
  mutating: true,
  http: { method: 'POST', path: '/catalog/resources/:code/submit' },
  policy: compilerPolicy,
  handler: async (ctx, input) => {
    const row = await loadForTransition(ctx, input.code);
    requireStatus(row, EDITABLE);
    const content = JSON.parse(row.content) as ResourceContentDto;
    const errors = checkResourceRules(content);
    Object.assign(errors, await themeErrors(ctx, content));
    if (Object.keys(errors).length > 0) throw new AppError('VALIDATION', undefined, errors);
    // 一数一源 (R3.2): items another published resource already provides authoritatively.
    const names = content.items.map((item) => item.name);
    const sources = names.length
      ? await ctx.db
          .selectFrom('resource_authoritative_items')
          .innerJoin('resources', 'resources.id', 'resource_authoritative_items.resource_id')
          .innerJoin('resource_versions', (join) =>
            join
              .onRef('resource_versions.resource_id', '=', 'resources.id')
              .onRef('resource_versions.version', '=', 'resources.live_version'),
          )
          .innerJoin('orgs', 'orgs.id', 'resources.org_id')
          .select([
            'resource_authoritative_items.item_name',
            'resources.code',
            'resource_versions.name',
            'orgs.code as org_code',
          ])
          .where('resource_authoritative_items.item_name', 'in', names)
          .where('resources.id', '!=', row.resource_id)
          .execute()
      : [];
    const flags = sources.map((source) => ({
      itemName: source.item_name,
      column: content.items.find((item) => item.name === source.item_name)?.column ?? '',
      resourceCode: source.code,
      resourceName: source.name,
      orgCode: source.org_code,
    }));
    await setStatus(ctx.db, row.resource_id, row.version, 'submitted', {
      submitted_at: ctx.now.toISOString(),
      updated_at: ctx.now.toISOString(),
      duplicate_flags: JSON.stringify(flags),
      revision: row.revision + 1,
    });
    return reload(ctx, row.code, row.version);
  },
});

const returnForChanges = defineAction({
  name: 'catalog.resource.return',
  description:
    "Return a submitted version to its department with the reviewer's comments (overall and per field).",
  tag: 'catalog',
  input: Input({
    code: CodeInput,
    comment: Type.String({ minLength: 1, maxLength: 2000 }),
    fieldComments: Type.Optional(
      Type.Record(Type.String({ maxLength: 100 }), Type.String({ minLength: 1, maxLength: 1000 })),
    ),
  }),
  output: ResourceVersion,
  mutating: true,
  http: { method: 'POST', path: '/catalog/resources/:code/return' },
  policy: reviewerPolicy,
  handler: async (ctx, input) => {
    const row = await loadForTransition(ctx, input.code);
    requireStatus(row, ['submitted']);
    await setStatus(ctx.db, row.resource_id, row.version, 'returned', {
      reviewed_by: actorName(ctx.actor),
      reviewed_at: ctx.now.toISOString(),
      review_comment: input.comment,
      field_comments: JSON.stringify(input.fieldComments ?? {}),
      updated_at: ctx.now.toISOString(),
      revision: row.revision + 1,
    });
    return reload(ctx, row.code, row.version);
  },
});

const publish = defineAction({
  name: 'catalog.resource.publish',
  description:
    'Publish a submitted version; it replaces the live version, which is kept as superseded.',
  tag: 'catalog',
  input: Input({ code: CodeInput, comment: Type.Optional(Type.String({ maxLength: 2000 })) }),
  output: ResourceVersion,
  mutating: true,
  http: { method: 'POST', path: '/catalog/resources/:code/publish' },
  policy: reviewerPolicy,
  handler: async (ctx, input) => {
    const row = await loadForTransition(ctx, input.code);
    requireStatus(row, ['submitted']);
    const now = ctx.now.toISOString();
    if (row.live_version !== null)
      await setStatus(ctx.db, row.resource_id, row.live_version, 'superseded');
    await setStatus(ctx.db, row.resource_id, row.version, 'published', {
      reviewed_by: actorName(ctx.actor),
      reviewed_at: now,
      review_comment: input.comment ?? null,
      published_at: now,
      updated_at: now,
      revision: row.revision + 1,
    });
    await ctx.db
      .updateTable('resources')
      .set({ live_version: row.version })
      .where('id', '=', row.resource_id)
      .execute();
    const content = JSON.parse(row.content) as ResourceContentDto;
    await ctx.db
      .deleteFrom('resource_authoritative_items')
      .where('resource_id', '=', row.resource_id)
      .execute();
    const authoritative = content.items.filter((item) => item.authoritative);
    if (authoritative.length > 0) {
      await ctx.db
        .insertInto('resource_authoritative_items')
        .values(
          authoritative.map((item) => ({
            resource_id: row.resource_id,
            item_name: item.name,
            column_name: item.column,
          })),
        )
        .execute();
    }
    await ensureDataTable(
      ctx.db,
      ctx.services.db.dialect,
      { id: row.resource_id, code: row.code },
      content,
      now,
    );
    await indexResource(ctx.db, ctx.services.db.dialect, {
      resourceId: row.resource_id,
      code: row.code,
      version: row.version,
      orgId: row.org_id,
      orgCode: row.org_code,
      orgName: row.org_name,
      regionPath: row.region_path,
      publishedAt: now,
      content,
    });
    return reload(ctx, row.code, row.version);
  },
});

const newVersion = defineAction({
  name: 'catalog.resource.newVersion',
  description: 'Open a draft of the next version of a published entry, alongside the live one.',
  tag: 'catalog',
  input: Input({ code: CodeInput }),
  output: ResourceVersion,
  mutating: true,
  http: { method: 'POST', path: '/catalog/resources/:code/versions', status: 201 },
  policy: compilerPolicy,
  handler: async (ctx, input) => {
    const latest = await loadOrThrow(ctx, input.code);
    ctx.audit.target = `resource:${latest.code}`;
    ctx.audit.orgId = latest.org_id;
    if (latest.live_version === null || latest.version !== latest.live_version) {
      throw conflict(
        text(
          `资源 ${latest.code} 已有未发布的第 ${latest.version} 版或尚未发布`,
          `${latest.code} already has an unpublished version ${latest.version}, or was never published`,
        ),
      );
    }
    const version = latest.version + 1;
    const now = ctx.now.toISOString();
    await ctx.db
      .insertInto('resource_versions')
      .values(
        draftVersionRow(
          latest.resource_id,
          version,
          JSON.parse(latest.content) as ResourceContentDto,
          actorName(ctx.actor),
          now,
        ),
      )
      .execute();
    await ctx.db
      .updateTable('resources')
      .set({ latest_version: version })
      .where('id', '=', latest.resource_id)
      .execute();
    ctx.audit.target = `resource:${latest.code}@${version}`;
    return reload(ctx, latest.code, version);
  },
});

const withdraw = defineAction({
  name: 'catalog.resource.withdraw',
  description: 'Withdraw (下架) a published entry, with a reason; its versions stay on record.',
  tag: 'catalog',
  input: Input({ code: CodeInput, reason: Type.String({ minLength: 2, maxLength: 2000 }) }),
  output: ResourceVersion,
  mutating: true,
  http: { method: 'POST', path: '/catalog/resources/:code/withdraw' },
  policy: async (ctx, input) => {
    const row = await findVersion(ctx.db, input.code);
    if (!row) return isSystem(ctx.actor) || hasRole(ctx.actor, 'dept_admin', 'authority_admin');
    return (
      isSystem(ctx.actor) ||
      memberOf(ctx.actor, row.org_id, 'dept_admin') ||
      authorityOver(ctx.actor, row.region_path, 'authority_admin')
    );
  },
  handler: async (ctx, input) => {
    const resource = await findResource(ctx.db, input.code);
    if (!resource) throw notFound();
    ctx.audit.target = `resource:${resource.code}`;
    ctx.audit.orgId = resource.org_id;
    if (resource.live_version === null) {
      throw conflict(text('该资源未发布，无需下架', 'the entry is not published'));
    }
    const now = ctx.now.toISOString();
    await setStatus(ctx.db, resource.id, resource.live_version, 'withdrawn', {
      withdrawn_at: now,
      withdraw_reason: input.reason,
      updated_at: now,
    });
    await ctx.db
      .updateTable('resources')
      .set({ live_version: null })
      .where('id', '=', resource.id)
      .execute();
    await ctx.db
      .deleteFrom('resource_authoritative_items')
      .where('resource_id', '=', resource.id)
      .execute();
    await unindexResource(ctx.db, ctx.services.db.dialect, resource.id);
    return reload(ctx, resource.code, resource.live_version);
  },
});

const get = defineAction({
  name: 'catalog.resource.get',
  description: 'Read a catalog entry: its latest version, or the version asked for.',
  tag: 'catalog',
  input: Input({ code: CodeInput, version: Type.Optional(Type.Integer({ minimum: 1 })) }),
  output: ResourceVersion,
  mutating: false,
  http: { method: 'GET', path: '/catalog/resources/:code' },
  policy: (ctx) => isGovernmentActor(ctx.actor),
  handler: async (ctx, input) => presentVersion(await loadOrThrow(ctx, input.code, input.version)),
});

const versions = defineAction({
  name: 'catalog.resource.versions',
  description:
    'Every version of an entry the caller may see, oldest first (for history and diffs).',
  tag: 'catalog',
  input: Input({ code: CodeInput }),
  output: Type.Object({ items: Type.Array(ResourceVersion) }),
  mutating: false,
  http: { method: 'GET', path: '/catalog/resources/:code/versions' },
  policy: (ctx) => isGovernmentActor(ctx.actor),
  handler: async (ctx, input) => {
    const rows = await versionsQuery(ctx.db)
      .where('resources.code', '=', input.code)
      .orderBy('resource_versions.version')
      .execute();
    const visible = rows.filter((row) => mayRead(ctx.actor, row));
    if (visible.length === 0) throw notFound();
    return { items: visible.map(presentVersion) };
  },
});

export const ResourceSummary = Type.Object({
  code: Type.String(),
  version: Type.Integer(),
  liveVersion: Type.Union([Type.Integer(), Type.Null()]),
  status: Type.Union(STATUSES.map((status) => Type.Literal(status))),
  name: Type.String(),
  orgCode: Type.String(),
  orgName: Type.String(),
  classification: Type.String(),
  shareClass: Type.String(),
  openClass: Type.String(),
  formatCategory: Type.String(),
  updateCycle: Type.String(),
  updatedAt: Timestamp,
  duplicateFlagCount: Type.Integer(),
});

const list = defineAction({
  name: 'catalog.resource.list',
  description:
    'List catalog entries (latest version of each) by status and provider, newest first.',
  tag: 'catalog',
  input: Input({
    status: Type.Optional(Type.Union(STATUSES.map((status) => Type.Literal(status)))),
    orgCode: Type.Optional(OrgCode),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    offset: Type.Integer({ minimum: 0, default: 0 }),
  }),
  output: Type.Object({ items: Type.Array(ResourceSummary), total: Type.Integer() }),
  mutating: false,
  http: { method: 'GET', path: '/catalog/resources' },
  policy: (ctx) => isGovernmentActor(ctx.actor),
  handler: async (ctx, input) => {
    let query = versionsQuery(ctx.db);
    // The review queue shows the version under review even when an older one is live.
    query = input.status
      ? query.where('resource_versions.status', '=', input.status)
      : query.whereRef('resource_versions.version', '=', 'resources.latest_version');
    if (input.orgCode) query = query.where('orgs.code', '=', input.orgCode);
    const actor = ctx.actor;
    if (!isSystem(actor) && !isAuditor(actor)) {
      // Row visibility in SQL (the same rule as mayRead), so that pages and totals are exact.
      const memberships = actor.type === 'user' ? actor.memberships : [];
      const compileOrgIds = memberships
        .filter(
          (m) =>
            m.role === 'dept_admin' || m.role === 'dept_operator' || m.role === 'authority_admin',
        )
        .map((m) => m.orgId);
      const reviewPaths = memberships
        .filter(
          (m) =>
            m.orgKind === 'authority' && (m.role === 'reviewer' || m.role === 'authority_admin'),
        )
        .map((m) => m.regionPath);
      query = query.where((eb) =>
        eb.or([
          eb('resource_versions.status', 'in', ['published', 'superseded', 'withdrawn']),
          ...(compileOrgIds.length ? [eb('resources.org_id', 'in', compileOrgIds)] : []),
          ...reviewPaths.map((path) => eb('regions.path', 'like', `${path}%`)),
        ]),
      );
    }
    const counted = await query
      .clearSelect()
      .select((eb) => eb.fn.countAll<number>().as('total'))
      .executeTakeFirstOrThrow();
    const rows = await query
      .orderBy('resource_versions.updated_at', 'desc')
      .orderBy('resources.code')
      .limit(input.limit)
      .offset(input.offset)
      .execute();
    return {
      total: Number(counted.total),
      items: rows.map((row) => ({
        code: row.code,
        version: row.version,
        liveVersion: row.live_version,
        status: row.status,
        name: row.name,
        orgCode: row.org_code,
        orgName: row.org_name,
        classification: row.classification,
        shareClass: row.share_class,
        openClass: row.open_class,
        formatCategory: row.format_category,
        updateCycle: row.update_cycle,
        updatedAt: row.updated_at,
        duplicateFlagCount: row.duplicate_flags
          ? (JSON.parse(row.duplicate_flags) as unknown[]).length
          : 0,
      })),
    };
  },
});

export const catalogActions = [
  create,
  update,
  submit,
  returnForChanges,
  publish,
  newVersion,
  withdraw,
  get,
  versions,
  list,
  catalogSearch,
  ...triggerActions,
  ...themeActions,
];

/**
 * Creates and submits many entries at once (bulk import): the same rows `catalog.resource.create` and
 * `catalog.resource.submit` write, in multi-row inserts, with one sequence reservation per code prefix
 * and one read of the authoritative sources. The caller has checked the rules and the policies.
 */
export async function createSubmittedBulk(
  ctx: ActionContext,
  entries: { orgId: string; orgCode: string; content: ResourceContentDto }[],
): Promise<{ code: string; name: string; orgCode: string }[]> {
  const now = ctx.now.toISOString();
  const byPrefix = new Map<string, number>();
  for (const entry of entries) {
    const prefix = codePrefix(entry.content, entry.orgCode);
    byPrefix.set(prefix, (byPrefix.get(prefix) ?? 0) + 1);
  }
  const nextNumber = new Map<string, number>();
  for (const [prefix, count] of byPrefix) {
    nextNumber.set(prefix, (await reserveSequence(ctx, prefix, count)) - count + 1);
  }
  const sources = await ctx.db
    .selectFrom('resource_authoritative_items')
    .innerJoin('resources', 'resources.id', 'resource_authoritative_items.resource_id')
    .innerJoin('resource_versions', (join) =>
      join
        .onRef('resource_versions.resource_id', '=', 'resources.id')
        .onRef('resource_versions.version', '=', 'resources.live_version'),
    )
    .innerJoin('orgs', 'orgs.id', 'resources.org_id')
    .select([
      'resource_authoritative_items.item_name',
      'resources.code',
      'resource_versions.name',
      'orgs.code as org_code',
    ])
    .execute();
  const sourcesByItem = new Map<string, typeof sources>();
  for (const source of sources)
    sourcesByItem.set(source.item_name, [...(sourcesByItem.get(source.item_name) ?? []), source]);

  const created: { code: string; name: string; orgCode: string }[] = [];
  const resourceRows = [];
  const versionRows = [];
  for (const entry of entries) {
    const prefix = codePrefix(entry.content, entry.orgCode);
    const number = nextNumber.get(prefix)!;
    nextNumber.set(prefix, number + 1);
    const code = `${prefix}-${String(number).padStart(6, '0')}`;
    const id = randomUUID();
    // 一数一源 (R3.2), as catalog.resource.submit computes it.
    const flags = entry.content.items.flatMap((item) =>
      (sourcesByItem.get(item.name) ?? []).map((source) => ({
        itemName: item.name,
        column: item.column,
        resourceCode: source.code,
        resourceName: source.name,
        orgCode: source.org_code,
      })),
    );
    resourceRows.push({
      id,
      code,
      org_id: entry.orgId,
      live_version: null,
      latest_version: 1,
      created_at: now,
    });
    versionRows.push({
      ...draftVersionRow(id, 1, entry.content, actorName(ctx.actor), now),
      status: 'submitted' as const,
      revision: 2,
      submitted_at: now,
      duplicate_flags: JSON.stringify(flags),
    });
    created.push({ code, name: entry.content.name, orgCode: entry.orgCode });
  }
  // Batches keep each statement under the engines' parameter limits (SQLite 32,766; PostgreSQL 65,535).
  for (let start = 0; start < resourceRows.length; start += 500) {
    await ctx.db
      .insertInto('resources')
      .values(resourceRows.slice(start, start + 500))
      .execute();
  }
  for (let start = 0; start < versionRows.length; start += 500) {
    await ctx.db
      .insertInto('resource_versions')
      .values(versionRows.slice(start, start + 500))
      .execute();
  }
  return created;
}

/** Reserves `count` sequence numbers of a prefix; returns the last one reserved. */
async function reserveSequence(ctx: ActionContext, prefix: string, count: number): Promise<number> {
  const updated = await ctx.db
    .updateTable('catalog_sequences')
    .set((eb) => ({ last_value: eb('last_value', '+', count) }))
    .where('prefix', '=', prefix)
    .returning('last_value')
    .executeTakeFirst();
  if (updated) return updated.last_value;
  await ctx.db.insertInto('catalog_sequences').values({ prefix, last_value: count }).execute();
  return count;
}
