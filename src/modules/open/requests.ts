import { randomUUID } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import { defineAction, type ActionContext } from '../../core/action.ts';
import { actorDisplayName, type Actor } from '../../core/actor.ts';
import { AppError, invalidFields, notFound, text } from '../../core/errors.ts';
import { ACTING_ROLES, memberOf } from '../../core/policy.ts';
import { Input, OrgCode, Timestamp } from '../../core/schemas.ts';
import type { Database, OpenRequestStatus } from '../../db/schema.ts';
import { chinaToday, workingDayCountdown } from '../calendar/calendar.ts';
import { notify } from '../problems/notifications.ts';
import { notifyAuthorities, requireUpdated } from '../sharing/workflow.ts';
import { isPublic } from './accounts.ts';
import {
  DatasetCode,
  inScope,
  isAuthorityFor,
  isStaff,
  literals,
  loadOpenDataset,
  nextOpenCode,
  Nullable,
  openDueDate,
  publicActor,
  requireText,
  scopeOf,
  TimelineEvent,
  timelineOf,
} from './workflow.ts';

/**
 * Requests for data not in the open catalog (依申请开放, R5.6; LZ Art. 23, 26): anyone with a
 * public account asks a department for data, stating purpose and confidentiality conditions. The
 * department answers within the region's open reply period in working days (15), providing the data
 * (possibly by opening a dataset) or refusing with reasons. A refused requester may take the dispute
 * to the authority over the department's region, whose ruling is final and binds both sides.
 */
export const REQUEST_STATUSES: readonly OpenRequestStatus[] = [
  'pending',
  'provided',
  'refused',
  'disputed',
  'ruled',
];
/** Organisations that hold data and answer the public (R1.4: utilities and public bodies too). */
const ANSWERING_KINDS = ['department', 'utility', 'public_org'] as const;

export const DataRequestCode = Type.String({
  pattern: '^XQ-\\d{4}-\\d{6}$',
  description: 'open data request code, e.g. XQ-2026-000001',
});

export const DataRequest = Type.Object({
  code: Type.String(),
  orgCode: Type.String(),
  orgName: Type.String(),
  requester: Type.Object({ id: Type.String(), displayName: Type.String() }),
  title: Type.String(),
  description: Type.String(),
  purpose: Type.String(),
  confidentiality: Type.String(),
  status: literals(REQUEST_STATUSES),
  dueDate: Type.String({ description: 'YYYY-MM-DD, China time' }),
  /** Working days until the due date while pending (negative when overdue); null otherwise. */
  workingDaysLeft: Nullable(Type.Integer()),
  overdue: Type.Boolean(),
  answer: Nullable(Type.String()),
  reasons: Nullable(Type.String()),
  resourceCode: Nullable(Type.String()),
  answeredAt: Nullable(Timestamp),
  disputeReason: Nullable(Type.String()),
  disputedAt: Nullable(Timestamp),
  ruling: Nullable(literals(['provide', 'refuse'] as const)),
  rulingReasons: Nullable(Type.String()),
  ruledAt: Nullable(Timestamp),
  createdAt: Timestamp,
});
export type DataRequestDto = Static<typeof DataRequest>;

const DataRequestDetail = Type.Object({
  ...DataRequest.properties,
  timeline: Type.Array(TimelineEvent),
  can: Type.Object({ answer: Type.Boolean(), dispute: Type.Boolean(), rule: Type.Boolean() }),
});

function requestsQuery(db: Kysely<Database>) {
  return db
    .selectFrom('open_requests as q')
    .innerJoin('open_accounts as acc', 'acc.id', 'q.account_id')
    .innerJoin('orgs as o', 'o.id', 'q.org_id')
    .innerJoin('regions as rg', 'rg.code', 'o.region_code');
}

const COLUMNS = [
  'acc.display_name as requester_name',
  'o.code as org_code',
  'o.name as org_name',
  'rg.path as region_path',
] as const;

function selectRequest(db: Kysely<Database>) {
  return requestsQuery(db).selectAll('q').select(COLUMNS);
}
type RequestRow = NonNullable<
  Awaited<ReturnType<ReturnType<typeof selectRequest>['executeTakeFirst']>>
>;

const findRequest = (db: Kysely<Database>, code: string) =>
  selectRequest(db).where('q.code', '=', code).executeTakeFirst();

function mayRead(actor: Actor, row: RequestRow): boolean {
  if (isPublic(actor)) return actor.id === row.account_id;
  return inScope(scopeOf(actor), row.org_id, row.region_path);
}

/** R5.6: the department asked answers, by its acting staff. */
const answers = (actor: Actor, row: RequestRow): boolean =>
  memberOf(actor, row.org_id, ...ACTING_ROLES) || actor.type === 'system';
const disputes = (actor: Actor, row: RequestRow): boolean =>
  isPublic(actor) && actor.id === row.account_id;
/** R5.6 (LZ Art. 26): disputes go to the authority over the department's region. */
const rules = (actor: Actor, row: RequestRow): boolean => isAuthorityFor(actor, row.region_path);

const target = (code: string) => `open-request:${code}`;
const consoleLink = (code: string) => `/open/requests?code=${code}`;

async function presentRequests(ctx: ActionContext, rows: RequestRow[]): Promise<DataRequestDto[]> {
  const today = chinaToday(ctx.now);
  const countdown = workingDayCountdown(ctx.services.calendar, today, ctx.db);
  const out: DataRequestDto[] = [];
  for (const row of rows) {
    const pending = row.status === 'pending';
    out.push({
      code: row.code,
      orgCode: row.org_code,
      orgName: row.org_name,
      requester: { id: row.account_id, displayName: row.requester_name },
      title: row.title,
      description: row.description,
      purpose: row.purpose,
      confidentiality: row.confidentiality,
      status: row.status,
      dueDate: row.due_date,
      workingDaysLeft: pending ? await countdown(row.due_date, row.region_path) : null,
      overdue: pending && today > row.due_date,
      answer: row.answer,
      reasons: row.reasons,
      resourceCode: row.resource_code,
      answeredAt: row.answered_at,
      disputeReason: row.dispute_reason,
      disputedAt: row.disputed_at,
      ruling: row.ruling,
      rulingReasons: row.ruling_reasons,
      ruledAt: row.ruled_at,
      createdAt: row.created_at,
    });
  }
  return out;
}

async function presentOne(ctx: ActionContext, code: string): Promise<DataRequestDto> {
  const row = await findRequest(ctx.db, code);
  if (!row) throw notFound();
  const [dto] = await presentRequests(ctx, [row]);
  if (!dto) throw notFound();
  return dto;
}

const create = defineAction({
  name: 'open.request.create',
  description:
    'Ask a department for data not in the open catalog, stating purpose and confidentiality conditions (R5.6); it answers within the region’s open reply period in working days.',
  tag: 'open-requests',
  input: Input({
    orgCode: OrgCode,
    title: Type.String({ minLength: 2, maxLength: 200 }),
    description: Type.String({ minLength: 5, maxLength: 4000 }),
    purpose: Type.String({ minLength: 2, maxLength: 2000 }),
    confidentiality: Type.String({
      minLength: 2,
      maxLength: 2000,
      description: 'the confidentiality conditions the requester accepts (R5.6)',
    }),
  }),
  output: DataRequest,
  mutating: true,
  http: { method: 'POST', path: '/open/requests', status: 201 },
  policy: (ctx) => isPublic(ctx.actor),
  handler: async (ctx, input) => {
    const requester = publicActor(ctx);
    const org = await ctx.db
      .selectFrom('orgs')
      .select(['id', 'code', 'name', 'kind'])
      .where('code', '=', input.orgCode)
      .executeTakeFirst();
    if (!org || !(ANSWERING_KINDS as readonly string[]).includes(org.kind)) {
      throw invalidFields({
        orgCode: text('请选择持有该数据的部门', 'name the department that holds the data'),
      });
    }
    const fields = {
      title: requireText('title', input.title, 2, text('请填写标题', 'give a title')),
      description: requireText(
        'description',
        input.description,
        5,
        text('请描述所需数据（至少 5 个字）', 'describe the data (at least 5 characters)'),
      ),
      purpose: requireText('purpose', input.purpose, 2, text('请说明用途', 'state the purpose')),
      confidentiality: requireText(
        'confidentiality',
        input.confidentiality,
        2,
        text('请说明保密条件', 'state the confidentiality conditions'),
      ),
    };
    const code = await nextOpenCode(ctx.db, 'XQ', ctx.now);
    const dueDate = await openDueDate(ctx, org.id);
    const now = ctx.now.toISOString();
    await ctx.db
      .insertInto('open_requests')
      .values({
        id: randomUUID(),
        code,
        account_id: requester.id,
        org_id: org.id,
        ...fields,
        status: 'pending',
        due_date: dueDate,
        answer: null,
        reasons: null,
        resource_code: null,
        answered_at: null,
        answered_by: null,
        dispute_reason: null,
        disputed_at: null,
        ruling: null,
        ruling_reasons: null,
        ruled_at: null,
        ruled_by: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    ctx.audit.target = target(code);
    ctx.audit.orgId = org.id;
    ctx.audit.details = { dueDate };
    await notify(ctx.db, ctx.now, {
      orgId: org.id,
      kind: 'open.request.created',
      title: text(
        `收到公众数据开放申请 ${code}：${fields.title}，请于 ${dueDate} 前答复`,
        `Request ${code} for data from the public: ${fields.title}; answer by ${dueDate}`,
      ),
      link: consoleLink(code),
    });
    return presentOne(ctx, code);
  },
});

const list = defineAction({
  name: 'open.request.list',
  description:
    'Requests for data not in the open catalog (R5.6): mine (public account), inbox (asked of my department), all (the authority over the region, auditors), disputes (awaiting the authority’s ruling).',
  tag: 'open-requests',
  input: Input({
    box: Type.Optional(literals(['mine', 'inbox', 'all', 'disputes'] as const)),
    status: Type.Optional(literals(REQUEST_STATUSES)),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    offset: Type.Integer({ minimum: 0, maximum: 100_000, default: 0 }),
  }),
  output: Type.Object({ total: Type.Integer(), items: Type.Array(DataRequest) }),
  mutating: false,
  http: { method: 'GET', path: '/open/requests' },
  policy: (ctx, input) => {
    const box = input.box ?? (isPublic(ctx.actor) ? 'mine' : 'inbox');
    return box === 'mine' ? isPublic(ctx.actor) : isStaff(ctx.actor);
  },
  handler: async (ctx, input) => {
    const today = chinaToday(ctx.now);
    const box = input.box ?? (isPublic(ctx.actor) ? 'mine' : 'inbox');
    let query = requestsQuery(ctx.db);
    if (isPublic(ctx.actor)) {
      query = query.where('q.account_id', '=', ctx.actor.id);
    } else {
      const scope = scopeOf(ctx.actor);
      const ids = scope.orgIds.length ? scope.orgIds : [''];
      if (box === 'inbox') {
        if (!scope.all) query = query.where('q.org_id', 'in', ids);
      } else if (!scope.all) {
        query = query.where((eb) =>
          eb.or([
            eb('q.org_id', 'in', ids),
            ...scope.authorityPaths.map((path) => eb('rg.path', 'like', `${path}%`)),
          ]),
        );
      }
      if (box === 'disputes') query = query.where('q.status', '=', 'disputed');
    }
    if (input.status) query = query.where('q.status', '=', input.status);
    const { n } = await query
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const rows = await query
      .selectAll('q')
      .select(COLUMNS)
      // Overdue first, then what awaits someone (pending, disputed), then what is settled.
      .orderBy((eb) =>
        eb
          .case()
          .when(eb.and([eb('q.status', '=', 'pending'), eb('q.due_date', '<', today)]))
          .then(0)
          .when('q.status', 'in', ['pending', 'disputed'])
          .then(1)
          .else(2)
          .end(),
      )
      .orderBy('q.created_at', 'desc')
      .orderBy('q.code', 'desc')
      .limit(input.limit)
      .offset(input.offset)
      .execute();
    return { total: Number(n), items: await presentRequests(ctx, rows) };
  },
});

const get = defineAction({
  name: 'open.request.get',
  description:
    'A request for data not in the open catalog with its timeline, for the requester, the department asked, the authority over its region and auditors.',
  tag: 'open-requests',
  input: Input({ code: DataRequestCode }),
  output: DataRequestDetail,
  mutating: false,
  http: { method: 'GET', path: '/open/requests/:code' },
  policy: (ctx) => isPublic(ctx.actor) || isStaff(ctx.actor),
  handler: async (ctx, input) => {
    const row = await findRequest(ctx.db, input.code);
    if (!row || !mayRead(ctx.actor, row)) throw notFound();
    const [dto] = await presentRequests(ctx, [row]);
    if (!dto) throw notFound();
    return {
      ...dto,
      timeline: await timelineOf(ctx, target(row.code)),
      can: {
        answer: row.status === 'pending' && answers(ctx.actor, row),
        dispute: row.status === 'refused' && disputes(ctx.actor, row),
        rule: row.status === 'disputed' && rules(ctx.actor, row),
      },
    };
  },
});

/** Unknown or invisible codes reach the handler, which answers 404 as open.request.get does. */
const policyFor =
  (acts: (actor: Actor, row: RequestRow) => boolean, mayTry: (actor: Actor) => boolean) =>
  async (ctx: ActionContext, input: { code: string }) => {
    if (!mayTry(ctx.actor)) return false;
    const row = await findRequest(ctx.db, input.code);
    if (!row || !mayRead(ctx.actor, row)) return true;
    return acts(ctx.actor, row);
  };

async function loadForChange(
  ctx: ActionContext,
  code: string,
  status: OpenRequestStatus,
): Promise<RequestRow> {
  const row = await findRequest(ctx.db, code);
  if (!row || !mayRead(ctx.actor, row)) throw notFound();
  ctx.audit.target = target(row.code);
  ctx.audit.orgId = row.org_id;
  if (row.status !== status) {
    const expected: Record<OpenRequestStatus, { zh: string; en: string }> = {
      pending: text('待答复', 'pending'),
      refused: text('不予提供', 'refused'),
      disputed: text('争议中', 'disputed'),
      provided: text('已提供', 'provided'),
      ruled: text('已裁决', 'ruled'),
    };
    throw new AppError(
      'CONFLICT',
      text(
        `只能处理“${expected[status].zh}”状态的申请（当前：${expected[row.status].zh}）`,
        `only a ${expected[status].en} request can take this step (it is ${expected[row.status].en})`,
      ),
      undefined,
      { reason: 'OPEN_REQUEST_STATE' },
    );
  }
  return row;
}

const answer = defineAction({
  name: 'open.request.answer',
  description:
    'The department answers a pending request (R5.6): provided (with the answer, possibly naming the open dataset that now holds the data) or refused with reasons.',
  tag: 'open-requests',
  input: Input({
    code: DataRequestCode,
    decision: literals(['provided', 'refused'] as const),
    answer: Type.String({ minLength: 2, maxLength: 4000 }),
    reasons: Type.Optional(Type.String({ maxLength: 4000 })),
    resourceCode: Type.Optional(DatasetCode),
  }),
  output: DataRequest,
  mutating: true,
  http: { method: 'POST', path: '/open/requests/:code/answer' },
  policy: policyFor(answers, isStaff),
  handler: async (ctx, input) => {
    const row = await loadForChange(ctx, input.code, 'pending');
    const answerText = requireText(
      'answer',
      input.answer,
      2,
      text('请填写答复内容', 'write the answer'),
    );
    let reasons: string | null = null;
    let resourceCode: string | null = null;
    if (input.decision === 'refused') {
      // R5.6 (LZ Art. 26): a refusal states its reasons.
      reasons = requireText(
        'reasons',
        input.reasons,
        5,
        text(
          '不予提供时请说明理由（至少 5 个字）',
          'state the reasons for refusing (at least 5 characters)',
        ),
      );
      if (input.resourceCode) {
        throw invalidFields({
          resourceCode: text('不予提供时无需填写数据集', 'a refusal names no dataset'),
        });
      }
    } else if (input.resourceCode) {
      // The data the department opened for the request: it must be in the open catalog now.
      const dataset = await loadOpenDataset(ctx.db, input.resourceCode);
      if (!dataset) {
        throw invalidFields({
          resourceCode: text('开放目录中没有该数据集', 'no open dataset has this code'),
        });
      }
      resourceCode = dataset.code;
    }
    const now = ctx.now.toISOString();
    requireUpdated(
      await ctx.db
        .updateTable('open_requests')
        .set({
          status: input.decision,
          answer: answerText,
          reasons,
          resource_code: resourceCode,
          answered_at: now,
          answered_by: actorDisplayName(ctx.actor),
          updated_at: now,
        })
        .where('id', '=', row.id)
        .where('status', '=', 'pending')
        .executeTakeFirst(),
    );
    return presentOne(ctx, row.code);
  },
});

const dispute = defineAction({
  name: 'open.request.dispute',
  description:
    'The requester disputes a refusal before the authority over the department’s region (R5.6, LZ Art. 26).',
  tag: 'open-requests',
  input: Input({
    code: DataRequestCode,
    reason: Type.String({ minLength: 5, maxLength: 4000 }),
  }),
  output: DataRequest,
  mutating: true,
  http: { method: 'POST', path: '/open/requests/:code/dispute' },
  policy: policyFor(disputes, isPublic),
  handler: async (ctx, input) => {
    const row = await loadForChange(ctx, input.code, 'refused');
    const reason = requireText(
      'reason',
      input.reason,
      5,
      text('请说明异议理由（至少 5 个字）', 'state why you disagree (at least 5 characters)'),
    );
    const now = ctx.now.toISOString();
    requireUpdated(
      await ctx.db
        .updateTable('open_requests')
        .set({ status: 'disputed', dispute_reason: reason, disputed_at: now, updated_at: now })
        .where('id', '=', row.id)
        .where('status', '=', 'refused')
        .executeTakeFirst(),
    );
    await notifyAuthorities(
      ctx,
      row.region_path,
      'open.request.disputed',
      text(
        `公众对${row.org_name}不予提供数据（${row.code}：${row.title}）提出异议，请裁决`,
        `The requester disputes ${row.org_name}'s refusal of ${row.code} (${row.title}); please rule`,
      ),
      consoleLink(row.code),
    );
    return presentOne(ctx, row.code);
  },
});

const rule = defineAction({
  name: 'open.request.rule',
  description:
    'The authority over the department’s region rules on a disputed request, provide or refuse with reasons (R5.6); the ruling is final and binds both sides.',
  tag: 'open-requests',
  input: Input({
    code: DataRequestCode,
    decision: literals(['provide', 'refuse'] as const),
    reasons: Type.String({ minLength: 5, maxLength: 4000 }),
  }),
  output: DataRequest,
  mutating: true,
  http: { method: 'POST', path: '/open/requests/:code/rule' },
  policy: policyFor(rules, isStaff),
  handler: async (ctx, input) => {
    const row = await loadForChange(ctx, input.code, 'disputed');
    const reasons = requireText(
      'reasons',
      input.reasons,
      5,
      text(
        '请说明裁决理由（至少 5 个字）',
        'state the reasons for the ruling (at least 5 characters)',
      ),
    );
    const now = ctx.now.toISOString();
    requireUpdated(
      await ctx.db
        .updateTable('open_requests')
        .set({
          status: 'ruled',
          ruling: input.decision,
          ruling_reasons: reasons,
          ruled_at: now,
          ruled_by: actorDisplayName(ctx.actor),
          updated_at: now,
        })
        .where('id', '=', row.id)
        .where('status', '=', 'disputed')
        .executeTakeFirst(),
    );
    const provide = input.decision === 'provide';
    await notify(ctx.db, ctx.now, {
      orgId: row.org_id,
      kind: 'open.request.ruled',
      title: provide
        ? text(
            `数据主管部门裁决：${row.code}（${row.title}）应予提供，请向申请人提供数据`,
            `The authority ruled that ${row.code} (${row.title}) must be provided; provide the data`,
          )
        : text(
            `数据主管部门裁决：维持对 ${row.code}（${row.title}）不予提供的答复`,
            `The authority upheld the refusal of ${row.code} (${row.title})`,
          ),
      link: consoleLink(row.code),
    });
    return presentOne(ctx, row.code);
  },
});

export const requestActions = [create, list, get, answer, dispute, rule];
