import { randomUUID } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import { defineAction, type ActionContext } from '../../core/action.ts';
import { actorName, type Actor } from '../../core/actor.ts';
import { AppError, invalidFields, notFound, text } from '../../core/errors.ts';
import { isAuditor } from '../../core/policy.ts';
import { RawResultSchema, type RawResult } from '../../core/files.ts';
import { Input, Timestamp } from '../../core/schemas.ts';
import type { Database, OpenShowcaseTable } from '../../db/schema.ts';
import { isPortalAuthority, isPublic } from './accounts.ts';
import {
  DatasetCode,
  literals,
  loadOpenDataset,
  Nullable,
  publicActor,
  requireText,
} from './workflow.ts';

/**
 * The showcase of applications built on open data (R5.8, LZ Art. 27: such applications are
 * encouraged, and cite their source). A public account submits an entry naming the open datasets it
 * uses; the authority moderates it before the public sees it. Text is stored as typed and rendered
 * as text; the link must be an http(s) address; an image is checked to be what it says it is.
 */
export const SHOWCASE_STATUSES = ['pending', 'approved', 'rejected'] as const;
type ShowcaseStatus = (typeof SHOWCASE_STATUSES)[number];
export const MAX_IMAGE_BYTES = 1024 * 1024;
const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;
type ImageType = (typeof IMAGE_TYPES)[number];

export const ShowcaseEntry = Type.Object({
  id: Type.String(),
  title: Type.String(),
  description: Type.String(),
  url: Type.String(),
  datasetCodes: Type.Array(Type.String()),
  datasets: Type.Array(Type.Object({ code: Type.String(), name: Type.String() })),
  hasImage: Type.Boolean(),
  status: literals(SHOWCASE_STATUSES),
  submitter: Type.Object({ displayName: Type.String() }),
  submitterName: Type.String(),
  /** The moderator's note and time: for the submitter and the authority only. */
  moderationNote: Nullable(Type.String()),
  moderatedAt: Nullable(Timestamp),
  createdAt: Timestamp,
});
export type ShowcaseEntryDto = Static<typeof ShowcaseEntry>;

const ShowcaseId = Type.String({ format: 'uuid' });

/** The authority moderates and sees every entry; auditors read it. */
const oversees = (actor: Actor): boolean => isPortalAuthority(actor) || isAuditor(actor);

type EntryRow = Omit<OpenShowcaseTable, 'image'> & { has_image: number; submitter_name: string };

function entriesQuery(db: Kysely<Database>) {
  return db
    .selectFrom('open_showcase as s')
    .innerJoin('open_accounts as acc', 'acc.id', 's.account_id')
    .select([
      's.id',
      's.account_id',
      's.title',
      's.description',
      's.url',
      's.dataset_codes',
      's.image_type',
      's.status',
      's.moderation_note',
      's.moderated_by',
      's.moderated_at',
      's.created_at',
      'acc.display_name as submitter_name',
    ])
    .select((eb) =>
      eb.case().when('s.image_type', 'is not', null).then(1).else(0).end().as('has_image'),
    );
}

/** Dataset names by code, from the catalog's current versions. */
async function datasetNames(db: Kysely<Database>, codes: string[]): Promise<Map<string, string>> {
  if (codes.length === 0) return new Map();
  const rows = await db
    .selectFrom('resources as r')
    .innerJoin('resource_versions as rv', (join) =>
      join
        .onRef('rv.resource_id', '=', 'r.id')
        .on((eb) => eb('rv.version', '=', eb.fn.coalesce('r.live_version', 'r.latest_version'))),
    )
    .select(['r.code', 'rv.name'])
    .where('r.code', 'in', codes)
    .execute();
  return new Map(rows.map((row) => [row.code, row.name]));
}

async function present(ctx: ActionContext, rows: EntryRow[]): Promise<ShowcaseEntryDto[]> {
  const codesOf = (row: EntryRow) => JSON.parse(row.dataset_codes) as string[];
  const names = await datasetNames(ctx.db, [...new Set(rows.flatMap(codesOf))]);
  const overseer = oversees(ctx.actor);
  return rows.map((row) => {
    const own = isPublic(ctx.actor) && ctx.actor.id === row.account_id;
    const codes = codesOf(row);
    return {
      id: row.id,
      title: row.title,
      description: row.description,
      url: row.url,
      datasetCodes: codes,
      datasets: codes.map((code) => ({ code, name: names.get(code) ?? code })),
      hasImage: Number(row.has_image) === 1,
      status: row.status,
      submitter: { displayName: row.submitter_name },
      submitterName: row.submitter_name,
      moderationNote: own || overseer ? row.moderation_note : null,
      moderatedAt: own || overseer ? row.moderated_at : null,
      createdAt: row.created_at,
    };
  });
}

/** `javascript:`, `data:` and the like become links nowhere: only absolute http(s) addresses. */
function checkUrl(value: string): string {
  const trimmed = value.trim();
  let url: URL | null = null;
  try {
    url = new URL(trimmed);
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
    throw invalidFields({
      url: text('请填写以 http:// 或 https:// 开头的网址', 'give an http:// or https:// address'),
    });
  }
  return trimmed;
}

const DATA_URL = /^data:(image\/(?:png|jpeg|webp));base64,([A-Za-z0-9+/]*={0,2})$/;

/** Whether the bytes start as an image of `type` does (PNG signature, JPEG SOI, RIFF....WEBP). */
function hasSignature(bytes: Buffer, type: ImageType): boolean {
  switch (type) {
    case 'image/png':
      return bytes
        .subarray(0, 8)
        .equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    case 'image/jpeg':
      return bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
    case 'image/webp':
      return (
        bytes.length > 12 &&
        bytes.subarray(0, 4).toString('latin1') === 'RIFF' &&
        bytes.subarray(8, 12).toString('latin1') === 'WEBP'
      );
  }
}

/** The image of a data URL, checked: a type we serve, at most 1 MB, bytes that match the type. */
function decodeImage(dataUrl: string): { type: ImageType; bytes: Buffer } {
  const match = DATA_URL.exec(dataUrl);
  const bad = (zh: string, en: string) => invalidFields({ image: text(zh, en) });
  if (!match) {
    throw bad(
      '图片须为 PNG、JPEG 或 WebP 格式的 data URL（base64）',
      'the image must be a base64 data URL of a PNG, JPEG or WebP image',
    );
  }
  const type = match[1] as ImageType;
  const bytes = Buffer.from(match[2] ?? '', 'base64');
  if (bytes.length === 0) throw bad('图片内容为空', 'the image is empty');
  if (bytes.length > MAX_IMAGE_BYTES) throw bad('图片不能超过 1 MB', 'the image exceeds 1 MB');
  // What is served as image/png must be a PNG: the declared type alone is the sender's word.
  if (!hasSignature(bytes, type)) {
    throw bad('图片内容与声明的格式不符', 'the image content does not match its declared type');
  }
  return { type, bytes };
}

const submit = defineAction({
  name: 'open.showcase.submit',
  description:
    'Submit an application built on open data to the showcase (R5.8): title, description, link, the open datasets used and an optional image; the authority moderates it.',
  tag: 'open-showcase',
  input: Input({
    title: Type.String({ minLength: 2, maxLength: 100 }),
    description: Type.String({ minLength: 10, maxLength: 2000 }),
    url: Type.String({ minLength: 8, maxLength: 500 }),
    datasetCodes: Type.Array(DatasetCode, { minItems: 1, maxItems: 20, uniqueItems: true }),
    /** `data:image/png;base64,...`; 1 MB of image is about 1.37 million base64 characters. */
    image: Type.Optional(Type.String({ maxLength: 1_400_000 })),
  }),
  output: ShowcaseEntry,
  mutating: true,
  // A 1 MB image is about 1.4 MB as base64, plus the text fields.
  http: { method: 'POST', path: '/open/showcase', status: 201, bodyLimit: 2 * 1024 * 1024 },
  policy: (ctx) => isPublic(ctx.actor),
  handler: async (ctx, input) => {
    const submitter = publicActor(ctx);
    const title = requireText('title', input.title, 2, text('请填写名称', 'give a title'));
    const description = requireText(
      'description',
      input.description,
      10,
      text('请介绍该应用（至少 10 个字）', 'describe the application (at least 10 characters)'),
    );
    const url = checkUrl(input.url);
    const unknown: string[] = [];
    for (const code of input.datasetCodes) {
      if (!(await loadOpenDataset(ctx.db, code))) unknown.push(code);
    }
    if (unknown.length > 0) {
      throw invalidFields({
        datasetCodes: text(
          `开放目录中没有这些数据集：${unknown.join(', ')}`,
          `not in the open catalog: ${unknown.join(', ')}`,
        ),
      });
    }
    const image = input.image === undefined ? null : decodeImage(input.image);
    const row: OpenShowcaseTable = {
      id: randomUUID(),
      account_id: submitter.id,
      title,
      description,
      url,
      dataset_codes: JSON.stringify(input.datasetCodes),
      image: image?.bytes ?? null,
      image_type: image?.type ?? null,
      status: 'pending',
      moderation_note: null,
      moderated_by: null,
      moderated_at: null,
      created_at: ctx.now.toISOString(),
    };
    await ctx.db.insertInto('open_showcase').values(row).execute();
    ctx.audit.target = `open-showcase:${row.id}`;
    // The image itself stays out of the audit log (core/audit.ts `redact` keeps its digest).
    ctx.audit.orgId = null;
    const [dto] = await present(ctx, [
      { ...row, has_image: image ? 1 : 0, submitter_name: submitter.displayName },
    ]);
    if (!dto) throw notFound();
    return dto;
  },
});

const list = defineAction({
  name: 'open.showcase.list',
  description:
    'Showcase entries (R5.8): the approved ones for everyone; by status for the authority; mine=true for the submitter’s own in every status.',
  tag: 'open-showcase',
  input: Input({
    status: Type.Optional(literals(SHOWCASE_STATUSES)),
    mine: Type.Optional(Type.Boolean()),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 24 }),
    offset: Type.Integer({ minimum: 0, maximum: 100_000, default: 0 }),
  }),
  output: Type.Object({ total: Type.Integer(), items: Type.Array(ShowcaseEntry) }),
  mutating: false,
  http: { method: 'GET', path: '/open/showcase' },
  // Anyone sees the approved entries; the handler refuses what else is asked without the right.
  policy: () => true,
  handler: async (ctx, input) => {
    let query = entriesQuery(ctx.db);
    if (input.mine === true) {
      if (!isPublic(ctx.actor)) {
        throw new AppError(ctx.actor.type === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
      }
      query = query.where('s.account_id', '=', ctx.actor.id);
      if (input.status) query = query.where('s.status', '=', input.status);
    } else if (input.status && input.status !== 'approved') {
      // Entries awaiting moderation or rejected are the authority's to see (and the submitter's).
      if (!oversees(ctx.actor)) {
        throw new AppError(ctx.actor.type === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
      }
      query = query.where('s.status', '=', input.status);
    } else {
      query = query.where('s.status', '=', 'approved');
    }
    const { n } = await ctx.db
      .selectFrom(query.as('q'))
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const rows = await query
      .orderBy('s.created_at', 'desc')
      .orderBy('s.id')
      .limit(input.limit)
      .offset(input.offset)
      .execute();
    return { total: Number(n), items: await present(ctx, rows) };
  },
});

const image = defineAction({
  name: 'open.showcase.image',
  description:
    'The image of a showcase entry (R5.8): of approved entries for everyone, of others for the submitter and the authority.',
  tag: 'open-showcase',
  input: Input({ id: ShowcaseId }),
  output: RawResultSchema,
  mutating: false,
  http: {
    method: 'GET',
    path: '/open/showcase/:id/image',
    raw: { contentTypes: [...IMAGE_TYPES] },
  },
  policy: () => true,
  handler: async (ctx, input): Promise<RawResult> => {
    const row = await ctx.db
      .selectFrom('open_showcase')
      .select(['account_id', 'status', 'image', 'image_type'])
      .where('id', '=', input.id)
      .executeTakeFirst();
    const visible =
      row !== undefined &&
      (row.status === 'approved' ||
        (isPublic(ctx.actor) && ctx.actor.id === row.account_id) ||
        oversees(ctx.actor));
    if (!visible || !row.image || !row.image_type) throw notFound();
    return {
      raw: {
        contentType: row.image_type,
        body: Buffer.from(row.image),
        headers: {
          'cache-control': row.status === 'approved' ? 'public, max-age=300' : 'private, no-store',
          'x-content-type-options': 'nosniff',
          // An image opened directly still runs nothing (SVG is never accepted anyway).
          'content-security-policy': "default-src 'none'",
        },
      },
    };
  },
});

const moderate = defineAction({
  name: 'open.showcase.moderate',
  description:
    'The authority approves a showcase entry for the public or rejects it (or takes an approved one down) with a note (R5.8).',
  tag: 'open-showcase',
  input: Input({
    id: ShowcaseId,
    approve: Type.Boolean(),
    note: Type.Optional(Type.String({ maxLength: 1000 })),
  }),
  output: ShowcaseEntry,
  mutating: true,
  http: { method: 'POST', path: '/open/showcase/:id/moderate' },
  policy: (ctx) => isPortalAuthority(ctx.actor),
  handler: async (ctx, input) => {
    const existing = await ctx.db
      .selectFrom('open_showcase')
      .select(['id', 'status'])
      .where('id', '=', input.id)
      .executeTakeFirst();
    if (!existing) throw notFound();
    ctx.audit.target = `open-showcase:${existing.id}`;
    ctx.audit.orgId = null;
    const note = input.note?.trim() || null;
    if (!input.approve) {
      requireText('note', note ?? '', 2, text('驳回时请说明理由', 'give the reason for rejecting'));
    }
    const status: ShowcaseStatus = input.approve ? 'approved' : 'rejected';
    await ctx.db
      .updateTable('open_showcase')
      .set({
        status,
        moderation_note: note,
        moderated_by: actorName(ctx.actor),
        moderated_at: ctx.now.toISOString(),
      })
      .where('id', '=', existing.id)
      .execute();
    ctx.audit.details = { from: existing.status, to: status };
    const rows = await entriesQuery(ctx.db).where('s.id', '=', existing.id).execute();
    const [dto] = await present(ctx, rows);
    if (!dto) throw notFound();
    return dto;
  },
});

export const showcaseActions = [submit, list, image, moderate];
