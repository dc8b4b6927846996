import { randomUUID } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import { defineAction, type ActionContext } from '../../core/action.ts';
import { actorDisplayName, type Actor } from '../../core/actor.ts';
import { AppError, invalidFields, notFound, text } from '../../core/errors.ts';
import { ACTING_ROLES, memberOf } from '../../core/policy.ts';
import { DateString, Input, Timestamp } from '../../core/schemas.ts';
import type { Database, OpenApplicationStatus, OpenApplicationTable } from '../../db/schema.ts';
import { chinaToday, formatDate, parseDate, workingDayCountdown } from '../calendar/calendar.ts';
import { notify } from '../problems/notifications.ts';
import { requireUpdated } from '../sharing/workflow.ts';
import { findAccount, isPublic } from './accounts.ts';
import { currentAgreement } from './agreements.ts';
import {
  checkDate,
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
 * Applications for conditional open data (有条件开放, R5.5; LZ Art. 25, 26): a verified public
 * account applies for a dataset of open class "conditional", stating its purpose and security
 * measures and the period of use, and accepts the data use agreement in force. The providing
 * department answers within the region's open reply period in working days (15); approval opens
 * download and API access to that account for the approved period (`activeApplication`), a refusal
 * states its reasons.
 */
export const APPLICATION_STATUSES: readonly OpenApplicationStatus[] = [
  'pending',
  'approved',
  'refused',
  'withdrawn',
];
/** Longest period of use one application may ask for. */
const MAX_PERIOD_YEARS = 3;

export const ApplicationCode = Type.String({
  pattern: '^KF-\\d{4}-\\d{6}$',
  description: 'open data application code, e.g. KF-2026-000001',
});

export const Application = Type.Object({
  code: Type.String(),
  datasetCode: Type.String(),
  datasetName: Type.String(),
  orgCode: Type.String(),
  orgName: Type.String(),
  applicant: Type.Object({
    id: Type.String(),
    displayName: Type.String(),
    kind: Type.String(),
    orgName: Nullable(Type.String()),
  }),
  purpose: Type.String(),
  measures: Type.String(),
  periodFrom: Type.String(),
  periodTo: Type.String(),
  agreementVersion: Type.Integer(),
  agreementAcceptedAt: Timestamp,
  status: literals(APPLICATION_STATUSES),
  dueDate: Type.String({ description: 'YYYY-MM-DD, China time' }),
  /** Working days until the due date while pending (negative when overdue); null otherwise. */
  workingDaysLeft: Nullable(Type.Integer()),
  overdue: Type.Boolean(),
  decidedAt: Nullable(Timestamp),
  decidedBy: Nullable(Type.String()),
  reasons: Nullable(Type.String()),
  /** Last day of access (inclusive, China time) when approved. */
  validTo: Nullable(Type.String()),
  createdAt: Timestamp,
});
export type ApplicationDto = Static<typeof Application>;

const ApplicationDetail = Type.Object({
  ...Application.properties,
  timeline: Type.Array(TimelineEvent),
  /** What the caller may do now (each action checks again). */
  can: Type.Object({ decide: Type.Boolean(), withdraw: Type.Boolean() }),
});

function applicationsQuery(db: Kysely<Database>) {
  return db
    .selectFrom('open_applications as a')
    .innerJoin('open_accounts as acc', 'acc.id', 'a.account_id')
    .innerJoin('orgs as po', 'po.id', 'a.provider_org_id')
    .innerJoin('regions as pr', 'pr.code', 'po.region_code')
    .innerJoin('resources as r', 'r.id', 'a.resource_id')
    .innerJoin('resource_versions as rv', (join) =>
      join
        .onRef('rv.resource_id', '=', 'r.id')
        .on((eb) => eb('rv.version', '=', eb.fn.coalesce('r.live_version', 'r.latest_version'))),
    );
}

const COLUMNS = [
  'acc.display_name as applicant_name',
  'acc.kind as applicant_kind',
  'acc.org_name as applicant_org_name',
  'po.code as provider_code',
  'po.name as provider_name',
  'pr.path as region_path',
  'r.code as dataset_code',
  'rv.name as dataset_name',
] as const;

function selectApplication(db: Kysely<Database>) {
  return applicationsQuery(db).selectAll('a').select(COLUMNS);
}
type ApplicationRow = NonNullable<
  Awaited<ReturnType<ReturnType<typeof selectApplication>['executeTakeFirst']>>
>;

const findApplication = (db: Kysely<Database>, code: string) =>
  selectApplication(db).where('a.code', '=', code).executeTakeFirst();

/** The applicant; the provider's staff; the authority over its region; auditors; the CLI. */
function mayRead(actor: Actor, row: ApplicationRow): boolean {
  if (isPublic(actor)) return actor.id === row.account_id;
  return inScope(scopeOf(actor), row.provider_org_id, row.region_path);
}

/** R5.5: the providing department answers (its acting staff), or the authority over its region. */
const decides = (actor: Actor, row: ApplicationRow): boolean =>
  memberOf(actor, row.provider_org_id, ...ACTING_ROLES) || isAuthorityFor(actor, row.region_path);

const withdraws = (actor: Actor, row: ApplicationRow): boolean =>
  isPublic(actor) && actor.id === row.account_id;

const target = (code: string) => `open-application:${code}`;
const consoleLink = (code: string) => `/open/applications?code=${code}`;

async function presentApplications(
  ctx: ActionContext,
  rows: ApplicationRow[],
): Promise<ApplicationDto[]> {
  const today = chinaToday(ctx.now);
  const countdown = workingDayCountdown(ctx.services.calendar, today, ctx.db);
  const out: ApplicationDto[] = [];
  for (const row of rows) {
    const pending = row.status === 'pending';
    out.push({
      code: row.code,
      datasetCode: row.dataset_code,
      datasetName: row.dataset_name,
      orgCode: row.provider_code,
      orgName: row.provider_name,
      applicant: {
        id: row.account_id,
        displayName: row.applicant_name,
        kind: row.applicant_kind,
        orgName: row.applicant_org_name,
      },
      purpose: row.purpose,
      measures: row.measures,
      periodFrom: row.period_from,
      periodTo: row.period_to,
      agreementVersion: row.agreement_version,
      agreementAcceptedAt: row.agreement_accepted_at,
      status: row.status,
      dueDate: row.due_date,
      workingDaysLeft: pending ? await countdown(row.due_date, row.region_path) : null,
      overdue: pending && today > row.due_date,
      decidedAt: row.decided_at,
      decidedBy: row.decided_by,
      reasons: row.reasons,
      validTo: row.valid_to,
      createdAt: row.created_at,
    });
  }
  return out;
}

async function presentOne(ctx: ActionContext, code: string): Promise<ApplicationDto> {
  const row = await findApplication(ctx.db, code);
  if (!row) throw notFound();
  const [dto] = await presentApplications(ctx, [row]);
  if (!dto) throw notFound();
  return dto;
}

/**
 * The approved application that gives `accountId` access to a conditional dataset today (R5.5):
 * within its period of use and not past the day access was granted to. Undefined when there is none.
 */
export async function activeApplication(
  db: Kysely<Database>,
  accountId: string,
  resourceId: string,
  todayChina: string,
): Promise<OpenApplicationTable | undefined> {
  return db
    .selectFrom('open_applications')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('resource_id', '=', resourceId)
    .where('status', '=', 'approved')
    .where('period_from', '<=', todayChina)
    .where('valid_to', '>=', todayChina)
    .orderBy('valid_to', 'desc')
    .limit(1)
    .executeTakeFirst();
}

function addYears(date: string, years: number): string {
  const day = parseDate(date);
  day.setUTCFullYear(day.getUTCFullYear() + years);
  return formatDate(day);
}

/** A refusal that a client can branch on: the stable reason beside the localized message. */
const refusal = (
  code: 'CONFLICT' | 'FORBIDDEN',
  reason: string,
  zh: string,
  en: string,
  data?: Record<string, unknown>,
) => new AppError(code, text(zh, en), undefined, { reason, ...(data ? { data } : {}) });

const create = defineAction({
  name: 'open.application.create',
  description:
    'Apply for a conditional open dataset (R5.5): purpose, security measures and period of use, accepting the data use agreement in force; the providing department answers within the region’s open reply period in working days.',
  tag: 'open-applications',
  input: Input({
    datasetCode: DatasetCode,
    purpose: Type.String({ minLength: 5, maxLength: 2000 }),
    measures: Type.String({
      minLength: 5,
      maxLength: 4000,
      description: 'technical capability and security measures (R5.5)',
    }),
    periodFrom: DateString,
    periodTo: DateString,
    agreementVersion: Type.Integer({ minimum: 1 }),
    acceptAgreement: Type.Boolean(),
  }),
  output: Application,
  mutating: true,
  http: { method: 'POST', path: '/open/applications', status: 201 },
  policy: (ctx) => isPublic(ctx.actor),
  handler: async (ctx, input) => {
    const applicant = publicActor(ctx);
    const dataset = await loadOpenDataset(ctx.db, input.datasetCode);
    // A closed or unknown entry: nothing says it exists (R5.2).
    if (!dataset) throw notFound();
    ctx.audit.target = `resource:${dataset.code}`;
    ctx.audit.orgId = dataset.orgId;
    // R5.4: unconditional data is taken directly; there is nothing to apply for.
    if (dataset.openClass !== 'conditional') {
      throw refusal(
        'CONFLICT',
        'OPEN_NOT_CONDITIONAL',
        '该数据集为无条件开放，无需申请，可直接下载或调用',
        'the dataset is open unconditionally: download or call it directly, no application needed',
      );
    }
    // R1.3, R5.5: only an applicant whose identity is verified qualifies. Read afresh: the actor may
    // have been resolved before the authority's decision.
    const account = await findAccount(ctx.db, applicant.id);
    if (!account || account.verification !== 'verified') {
      throw refusal(
        'FORBIDDEN',
        'OPEN_ACCOUNT_NOT_VERIFIED',
        '账号尚未通过实名认证，认证通过后才能申请有条件开放数据',
        'the account’s identity is not verified yet; apply once it is',
      );
    }
    if (!input.acceptAgreement) {
      throw invalidFields({
        acceptAgreement: text(
          '须阅读并同意数据使用协议后才能提交申请',
          'read and accept the data use agreement to apply',
        ),
      });
    }
    // R5.5: the applicant signs the agreement in force, not an earlier text it may have read.
    const agreement = await currentAgreement(ctx.db);
    if (!agreement || agreement.version !== input.agreementVersion) {
      throw refusal(
        'CONFLICT',
        'OPEN_AGREEMENT_OUTDATED',
        '数据使用协议已更新，请阅读最新版本后重新同意',
        'the data use agreement has changed; read the current version and accept it',
        { currentVersion: agreement?.version ?? null },
      );
    }
    checkDate('periodFrom', input.periodFrom);
    checkDate('periodTo', input.periodTo);
    const today = chinaToday(ctx.now);
    if (input.periodTo < input.periodFrom) {
      throw invalidFields({
        periodTo: text('结束日期不能早于开始日期', 'the period must not end before it starts'),
      });
    }
    if (input.periodTo < today) {
      throw invalidFields({
        periodTo: text('使用期限已经结束，请重新选择', 'the period is already over'),
      });
    }
    if (input.periodTo > addYears(input.periodFrom, MAX_PERIOD_YEARS)) {
      throw invalidFields({
        periodTo: text(
          `使用期限最长 ${MAX_PERIOD_YEARS} 年`,
          `the period is at most ${MAX_PERIOD_YEARS} years`,
        ),
      });
    }
    const open = await ctx.db
      .selectFrom('open_applications')
      .select(['code', 'status'])
      .where('account_id', '=', applicant.id)
      .where('resource_id', '=', dataset.resourceId)
      .where((eb) =>
        eb.or([
          eb('status', '=', 'pending'),
          eb.and([eb('status', '=', 'approved'), eb('valid_to', '>=', today)]),
        ]),
      )
      .executeTakeFirst();
    if (open) {
      throw refusal(
        'CONFLICT',
        'OPEN_APPLICATION_EXISTS',
        `该数据集已有${open.status === 'pending' ? '待答复' : '有效'}的申请 ${open.code}`,
        `an application for this dataset is already ${open.status === 'pending' ? 'pending' : 'in force'}: ${open.code}`,
        { code: open.code },
      );
    }
    const code = await nextOpenCode(ctx.db, 'KF', ctx.now);
    const dueDate = await openDueDate(ctx, dataset.orgId);
    const now = ctx.now.toISOString();
    await ctx.db
      .insertInto('open_applications')
      .values({
        id: randomUUID(),
        code,
        account_id: applicant.id,
        resource_id: dataset.resourceId,
        provider_org_id: dataset.orgId,
        purpose: input.purpose.trim(),
        measures: input.measures.trim(),
        period_from: input.periodFrom,
        period_to: input.periodTo,
        agreement_version: agreement.version,
        agreement_accepted_at: now,
        status: 'pending',
        due_date: dueDate,
        decided_at: null,
        decided_by: null,
        reasons: null,
        valid_to: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    ctx.audit.target = target(code);
    ctx.audit.details = {
      dueDate,
      agreementVersion: agreement.version,
      agreementSha256: agreement.body_sha256,
    };
    await notify(ctx.db, ctx.now, {
      orgId: dataset.orgId,
      kind: 'open.application.created',
      title: text(
        `${dataset.name}：收到有条件开放数据申请 ${code}（${account.display_name}），请于 ${dueDate} 前答复`,
        `${dataset.name}: application ${code} for conditional open data (${account.display_name}) to answer by ${dueDate}`,
      ),
      link: consoleLink(code),
    });
    return presentOne(ctx, code);
  },
});

const list = defineAction({
  name: 'open.application.list',
  description:
    'Applications for conditional open data (R5.5): mine (public account), inbox (my department provides), all (the authority over the region, auditors); overdue first.',
  tag: 'open-applications',
  input: Input({
    box: Type.Optional(literals(['mine', 'inbox', 'all'] as const)),
    status: Type.Optional(literals(APPLICATION_STATUSES)),
    /** Only pending applications past their due date (R6.6 supervision). */
    overdue: Type.Optional(Type.Boolean()),
    datasetCode: Type.Optional(DatasetCode),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    offset: Type.Integer({ minimum: 0, maximum: 100_000, default: 0 }),
  }),
  output: Type.Object({ total: Type.Integer(), items: Type.Array(Application) }),
  mutating: false,
  http: { method: 'GET', path: '/open/applications' },
  policy: (ctx, input) => {
    const box = input.box ?? (isPublic(ctx.actor) ? 'mine' : 'inbox');
    return box === 'mine' ? isPublic(ctx.actor) : isStaff(ctx.actor);
  },
  handler: async (ctx, input) => {
    const today = chinaToday(ctx.now);
    let query = applicationsQuery(ctx.db);
    if (isPublic(ctx.actor)) {
      query = query.where('a.account_id', '=', ctx.actor.id);
    } else {
      const scope = scopeOf(ctx.actor);
      const ids = scope.orgIds.length ? scope.orgIds : [''];
      if ((input.box ?? 'inbox') === 'inbox') {
        if (!scope.all) query = query.where('a.provider_org_id', 'in', ids);
      } else if (!scope.all) {
        // Scoped in SQL, so that a page is never emptied by filtering after the limit.
        query = query.where((eb) =>
          eb.or([
            eb('a.provider_org_id', 'in', ids),
            ...scope.authorityPaths.map((path) => eb('pr.path', 'like', `${path}%`)),
          ]),
        );
      }
    }
    if (input.status) query = query.where('a.status', '=', input.status);
    if (input.overdue === true) {
      query = query.where('a.status', '=', 'pending').where('a.due_date', '<', today);
    }
    if (input.datasetCode) query = query.where('r.code', '=', input.datasetCode);
    const { n } = await query
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const rows = await query
      .selectAll('a')
      .select(COLUMNS)
      .orderBy((eb) =>
        eb
          .case()
          .when(eb.and([eb('a.status', '=', 'pending'), eb('a.due_date', '<', today)]))
          .then(0)
          .when('a.status', '=', 'pending')
          .then(1)
          .else(2)
          .end(),
      )
      .orderBy('a.created_at', 'desc')
      .orderBy('a.code', 'desc')
      .limit(input.limit)
      .offset(input.offset)
      .execute();
    return { total: Number(n), items: await presentApplications(ctx, rows) };
  },
});

const get = defineAction({
  name: 'open.application.get',
  description:
    'An application for conditional open data with its timeline, for the applicant, the providing department, the authority over its region and auditors.',
  tag: 'open-applications',
  input: Input({ code: ApplicationCode }),
  output: ApplicationDetail,
  mutating: false,
  http: { method: 'GET', path: '/open/applications/:code' },
  policy: (ctx) => isPublic(ctx.actor) || isStaff(ctx.actor),
  handler: async (ctx, input) => {
    const row = await findApplication(ctx.db, input.code);
    // Another account's application is indistinguishable from none.
    if (!row || !mayRead(ctx.actor, row)) throw notFound();
    const [dto] = await presentApplications(ctx, [row]);
    if (!dto) throw notFound();
    const pending = row.status === 'pending';
    return {
      ...dto,
      timeline: await timelineOf(ctx, target(row.code)),
      can: {
        decide: pending && decides(ctx.actor, row),
        withdraw: pending && withdraws(ctx.actor, row),
      },
    };
  },
});

/** Unknown or invisible codes reach the handler, which answers 404 as open.application.get does. */
const policyFor =
  (acts: (actor: Actor, row: ApplicationRow) => boolean, mayTry: (actor: Actor) => boolean) =>
  async (ctx: ActionContext, input: { code: string }) => {
    if (!mayTry(ctx.actor)) return false;
    const row = await findApplication(ctx.db, input.code);
    if (!row || !mayRead(ctx.actor, row)) return true;
    return acts(ctx.actor, row);
  };

async function loadForChange(ctx: ActionContext, code: string): Promise<ApplicationRow> {
  const row = await findApplication(ctx.db, code);
  if (!row || !mayRead(ctx.actor, row)) throw notFound();
  ctx.audit.target = target(row.code);
  ctx.audit.orgId = row.provider_org_id;
  if (row.status !== 'pending') {
    throw refusal(
      'CONFLICT',
      'OPEN_APPLICATION_NOT_PENDING',
      `该申请已不在待答复状态（当前：${row.status}）`,
      `the application is no longer pending (it is ${row.status})`,
    );
  }
  return row;
}

const decide = defineAction({
  name: 'open.application.decide',
  description:
    'The providing department approves a pending application, possibly for a shorter period, or refuses it with reasons (R5.5); approval opens access for that account until validTo.',
  tag: 'open-applications',
  input: Input({
    code: ApplicationCode,
    approve: Type.Boolean(),
    reasons: Type.Optional(Type.String({ maxLength: 4000 })),
    validTo: Type.Optional(DateString),
  }),
  output: Application,
  mutating: true,
  http: { method: 'POST', path: '/open/applications/:code/decide' },
  policy: policyFor(decides, isStaff),
  handler: async (ctx, input) => {
    const row = await loadForChange(ctx, input.code);
    const reasons = input.reasons?.trim() || null;
    let validTo: string | null = null;
    if (input.approve) {
      validTo = input.validTo ?? row.period_to;
      checkDate('validTo', validTo);
      const earliest =
        row.period_from > chinaToday(ctx.now) ? row.period_from : chinaToday(ctx.now);
      if (validTo < earliest || validTo > row.period_to) {
        throw invalidFields({
          validTo: text(
            `有效期须在今天或 ${row.period_from} 之后，且不晚于申请的 ${row.period_to}`,
            `access must end between today or ${row.period_from} and the ${row.period_to} asked for`,
          ),
        });
      }
    } else if (input.validTo !== undefined) {
      throw invalidFields({ validTo: text('不予同意时无有效期', 'a refusal has no validity') });
    } else {
      // R5.5 (LZ Art. 26): a refusal states its reasons.
      requireText(
        'reasons',
        reasons ?? '',
        5,
        text(
          '不予同意时请说明理由（至少 5 个字）',
          'state the reasons for refusing (at least 5 characters)',
        ),
      );
    }
    const now = ctx.now.toISOString();
    requireUpdated(
      await ctx.db
        .updateTable('open_applications')
        .set({
          status: input.approve ? 'approved' : 'refused',
          decided_at: now,
          decided_by: actorDisplayName(ctx.actor),
          reasons,
          valid_to: validTo,
          updated_at: now,
        })
        .where('id', '=', row.id)
        .where('status', '=', 'pending')
        .executeTakeFirst(),
    );
    ctx.audit.details = { approve: input.approve, validTo };
    return presentOne(ctx, row.code);
  },
});

const withdraw = defineAction({
  name: 'open.application.withdraw',
  description: 'The applicant withdraws its application while it is still pending.',
  tag: 'open-applications',
  input: Input({ code: ApplicationCode }),
  output: Application,
  mutating: true,
  http: { method: 'POST', path: '/open/applications/:code/withdraw' },
  policy: policyFor(withdraws, isPublic),
  handler: async (ctx, input) => {
    const row = await loadForChange(ctx, input.code);
    const now = ctx.now.toISOString();
    requireUpdated(
      await ctx.db
        .updateTable('open_applications')
        .set({ status: 'withdrawn', updated_at: now })
        .where('id', '=', row.id)
        .where('status', '=', 'pending')
        .executeTakeFirst(),
    );
    await notify(ctx.db, ctx.now, {
      orgId: row.provider_org_id,
      kind: 'open.application.withdrawn',
      title: text(
        `${row.dataset_name}：开放数据申请 ${row.code} 已被申请人撤回`,
        `${row.dataset_name}: application ${row.code} withdrawn by the applicant`,
      ),
      link: consoleLink(row.code),
    });
    return presentOne(ctx, row.code);
  },
});

export const applicationActions = [create, list, get, decide, withdraw];
