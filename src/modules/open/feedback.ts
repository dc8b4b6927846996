import { Type } from '@sinclair/typebox';
import { defineAction } from '../../core/action.ts';
import { notFound, text } from '../../core/errors.ts';
import { Input, Timestamp } from '../../core/schemas.ts';
import {
  fileProblemReport,
  PROBLEM_CATEGORIES,
  PROBLEM_RESOLUTIONS,
  PROBLEM_STATUSES,
} from '../problems/actions.ts';
import { isPublic } from './accounts.ts';
import {
  DatasetCode,
  literals,
  loadOpenDataset,
  Nullable,
  publicActor,
  requireText,
} from './workflow.ts';

/**
 * Feedback on open data (R5.7, LZ Art. 26): a user reports a doubt or an error in an open dataset and
 * the providing department verifies and replies. Feedback enters the platform's one problem-data
 * loop (R3.5, `modules/problems`) as a report of reporter kind `public`, so the department answers it
 * in the same inbox and on the same working-day clock as a department's report.
 */
const create = defineAction({
  name: 'open.feedback.create',
  description:
    'Report an error, omission or infringement in an open dataset (R5.7); it becomes a problem report (reporter kind public) the providing department answers in working days.',
  tag: 'open-feedback',
  input: Input({
    code: DatasetCode,
    category: literals(PROBLEM_CATEGORIES),
    description: Type.String({ minLength: 5, maxLength: 4000 }),
    contact: Type.Optional(Type.String({ maxLength: 100 })),
  }),
  output: Type.Object({
    code: Type.String({ description: 'problem report code, e.g. WT-2026-000001' }),
    dueDate: Type.String({ description: 'YYYY-MM-DD, China time' }),
  }),
  mutating: true,
  http: { method: 'POST', path: '/open/datasets/:code/feedback', status: 201 },
  policy: (ctx) => isPublic(ctx.actor),
  handler: async (ctx, input) => {
    const reporter = publicActor(ctx);
    const dataset = await loadOpenDataset(ctx.db, input.code);
    // Only the open catalog takes public feedback; a closed entry is not disclosed (R5.2).
    if (!dataset) throw notFound();
    const description = requireText(
      'description',
      input.description,
      5,
      text('请描述发现的问题（至少 5 个字）', 'describe the problem (at least 5 characters)'),
    );
    return fileProblemReport(
      ctx,
      { resource_id: dataset.resourceId, org_id: dataset.orgId, name: dataset.name },
      {
        reporterKind: 'public',
        reporterOrgId: null,
        reporterUserId: reporter.id,
        reporterName: reporter.displayName,
        contact: input.contact,
        category: input.category,
        urgency: 'normal',
        // Stored as typed: the console and the portal render it as text, never as HTML.
        description,
        recordKeys: [],
      },
    );
  },
});

const Feedback = Type.Object({
  code: Type.String(),
  datasetCode: Type.String(),
  datasetName: Type.String(),
  category: literals(PROBLEM_CATEGORIES),
  description: Type.String(),
  status: literals(PROBLEM_STATUSES),
  dueDate: Type.String(),
  resolution: Nullable(literals(PROBLEM_RESOLUTIONS)),
  /** The department's reply (R5.7). */
  resolutionNote: Nullable(Type.String()),
  resolvedAt: Nullable(Timestamp),
  createdAt: Timestamp,
});

const mine = defineAction({
  name: 'open.me.feedback',
  description:
    'The signed-in account’s feedback on open data with its status and the department’s reply (R5.7), newest first.',
  tag: 'open-feedback',
  input: Input({
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    offset: Type.Integer({ minimum: 0, maximum: 100_000, default: 0 }),
  }),
  output: Type.Object({ total: Type.Integer(), items: Type.Array(Feedback) }),
  mutating: false,
  http: { method: 'GET', path: '/open/me/feedback' },
  policy: (ctx) => isPublic(ctx.actor),
  handler: async (ctx, input) => {
    const me = publicActor(ctx);
    const query = ctx.db
      .selectFrom('problem_reports as p')
      .innerJoin('resources as r', 'r.id', 'p.resource_id')
      .innerJoin('resource_versions as rv', (join) =>
        join
          .onRef('rv.resource_id', '=', 'r.id')
          .on((eb) => eb('rv.version', '=', eb.fn.coalesce('r.live_version', 'r.latest_version'))),
      )
      .where('p.reporter_kind', '=', 'public')
      .where('p.reporter_user_id', '=', me.id);
    const { n } = await query
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const rows = await query
      .select([
        'p.code',
        'p.category',
        'p.description',
        'p.status',
        'p.due_date',
        'p.resolution',
        'p.resolution_note',
        'p.resolved_at',
        'p.created_at',
        'r.code as dataset_code',
        'rv.name as dataset_name',
      ])
      .orderBy('p.created_at', 'desc')
      .orderBy('p.code', 'desc')
      .limit(input.limit)
      .offset(input.offset)
      .execute();
    return {
      total: Number(n),
      items: rows.map((row) => ({
        code: row.code,
        datasetCode: row.dataset_code,
        datasetName: row.dataset_name,
        category: row.category,
        description: row.description,
        status: row.status,
        dueDate: row.due_date,
        resolution: row.resolution,
        resolutionNote: row.resolution_note,
        resolvedAt: row.resolved_at,
        createdAt: row.created_at,
      })),
    };
  },
});

export const feedbackActions = [create, mine];
