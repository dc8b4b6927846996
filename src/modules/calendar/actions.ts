import { Type } from '@sinclair/typebox';
import { defineAction } from '../../core/action.ts';
import { invalidFields, notFound, text } from '../../core/errors.ts';
import { hasRole, isGovernmentActor, isSystem } from '../../core/policy.ts';
import { DateString, Input, Ok, RegionCode, Timestamp } from '../../core/schemas.ts';
import { findRegion } from '../regions/actions.ts';
import { parseDate } from './calendar.ts';

/** The working-day calendar through the action layer: computing deadlines and maintaining overrides. */
const addWorkingDays = defineAction({
  name: 'calendar.addWorkingDays',
  description:
    'The date n PRC working days after a date (counting starts the next day), for a region.',
  tag: 'calendar',
  input: Input({
    date: DateString,
    n: Type.Integer({ minimum: 0, maximum: 366 }),
    region: Type.Optional(RegionCode),
  }),
  output: Type.Object({
    start: Type.String(),
    n: Type.Integer(),
    regionCode: Type.Union([Type.String(), Type.Null()]),
    date: Type.String(),
  }),
  mutating: false,
  http: { method: 'GET', path: '/calendar/add-working-days' },
  policy: (ctx) => isGovernmentActor(ctx.actor),
  handler: async (ctx, input) => {
    let regionPath = '';
    if (input.region) {
      const region = await findRegion(ctx.db, input.region);
      if (!region) throw invalidFields({ region: text('行政区划不存在', 'region does not exist') });
      regionPath = region.path;
    }
    const date = await ctx.services.calendar.addWorkingDays(
      input.date,
      input.n,
      regionPath,
      ctx.db,
    );
    return { start: input.date, n: input.n, regionCode: input.region ?? null, date };
  },
});

const Override = Type.Object({
  regionCode: Type.Union([Type.String(), Type.Null()]),
  date: Type.String(),
  working: Type.Boolean(),
  name: Type.String(),
});

const mayManageCalendar = (actor: Parameters<typeof hasRole>[0]) =>
  isSystem(actor) || hasRole(actor, 'authority_admin');

const overrideList = defineAction({
  name: 'calendar.override.list',
  description: 'List admin overrides of the holiday data and the years declared complete.',
  tag: 'calendar',
  input: Input({}),
  output: Type.Object({
    items: Type.Array(Override),
    coveredYears: Type.Array(Type.Integer()),
    declaredYears: Type.Array(
      Type.Object({ year: Type.Integer(), note: Type.String(), createdAt: Timestamp }),
    ),
  }),
  mutating: false,
  http: { method: 'GET', path: '/calendar/overrides' },
  policy: (ctx) => isGovernmentActor(ctx.actor),
  handler: async (ctx) => {
    const rows = await ctx.db
      .selectFrom('calendar_overrides')
      .selectAll()
      .orderBy('date')
      .execute();
    return {
      items: rows.map((row) => ({
        regionCode: row.region_code === '' ? null : row.region_code,
        date: row.date,
        working: row.working === 1,
        name: row.name,
      })),
      coveredYears: await ctx.services.calendar.coveredYears(ctx.db),
      declaredYears: (
        await ctx.db.selectFrom('calendar_years').selectAll().orderBy('year').execute()
      ).map((row) => ({ year: row.year, note: row.note, createdAt: row.created_at })),
    };
  },
});

const overrideSet = defineAction({
  name: 'calendar.override.set',
  description:
    'Mark a date as a working day or a day off, nationally or for one region (local holidays).',
  tag: 'calendar',
  input: Input({
    date: DateString,
    working: Type.Boolean(),
    // At least one visible character: a blank holiday name says nothing in the override list.
    name: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
    regionCode: Type.Optional(RegionCode),
  }),
  output: Override,
  mutating: true,
  http: { method: 'PUT', path: '/calendar/overrides/:date' },
  policy: (ctx) => mayManageCalendar(ctx.actor),
  handler: async (ctx, input) => {
    parseDate(input.date);
    const regionCode = input.regionCode ?? '';
    if (regionCode && !(await findRegion(ctx.db, regionCode))) {
      throw invalidFields({ regionCode: text('行政区划不存在', 'region does not exist') });
    }
    ctx.audit.target = `calendar:${regionCode || 'national'}/${input.date}`;
    await ctx.db
      .deleteFrom('calendar_overrides')
      .where('region_code', '=', regionCode)
      .where('date', '=', input.date)
      .execute();
    await ctx.db
      .insertInto('calendar_overrides')
      .values({
        region_code: regionCode,
        date: input.date,
        working: input.working ? 1 : 0,
        name: input.name,
        created_at: ctx.now.toISOString(),
      })
      .execute();
    ctx.services.calendar.invalidate();
    return {
      regionCode: regionCode || null,
      date: input.date,
      working: input.working,
      name: input.name,
    };
  },
});

const overrideDelete = defineAction({
  name: 'calendar.override.delete',
  description: 'Remove an override, falling back to the holiday data.',
  tag: 'calendar',
  input: Input({ date: DateString, regionCode: Type.Optional(RegionCode) }),
  output: Ok,
  mutating: true,
  http: { method: 'DELETE', path: '/calendar/overrides/:date' },
  policy: (ctx) => mayManageCalendar(ctx.actor),
  handler: async (ctx, input) => {
    const regionCode = input.regionCode ?? '';
    ctx.audit.target = `calendar:${regionCode || 'national'}/${input.date}`;
    const result = await ctx.db
      .deleteFrom('calendar_overrides')
      .where('region_code', '=', regionCode)
      .where('date', '=', input.date)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw notFound();
    ctx.services.calendar.invalidate();
    return { ok: true };
  },
});

const yearDeclare = defineAction({
  name: 'calendar.year.declare',
  description:
    'Declare a year complete once its State Council holiday notice is entered as overrides, so deadlines may run into it.',
  tag: 'calendar',
  input: Input({
    year: Type.Integer({ minimum: 2000, maximum: 2100 }),
    note: Type.String({ minLength: 1, maxLength: 300 }),
  }),
  output: Ok,
  mutating: true,
  http: { method: 'PUT', path: '/calendar/years/:year' },
  policy: (ctx) => mayManageCalendar(ctx.actor),
  handler: async (ctx, input) => {
    ctx.audit.target = `calendar-year:${input.year}`;
    // An empty year would count 元旦 and 春节 as working days: its national holidays come first.
    const holidays = await ctx.db
      .selectFrom('calendar_overrides')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('region_code', '=', '')
      .where('working', '=', 0)
      .where('date', 'like', `${input.year}-%`)
      .executeTakeFirstOrThrow();
    if (Number(holidays.n) === 0) {
      throw invalidFields({
        year: text(
          `${input.year} 年尚未录入任何全国法定节假日，请先按国务院办公厅通知录入再确认`,
          `no national holidays are entered for ${input.year}; enter the State Council notice first`,
        ),
      });
    }
    await ctx.db.deleteFrom('calendar_years').where('year', '=', input.year).execute();
    await ctx.db
      .insertInto('calendar_years')
      .values({ year: input.year, note: input.note, created_at: ctx.now.toISOString() })
      .execute();
    ctx.services.calendar.invalidate();
    return { ok: true };
  },
});

const yearUndeclare = defineAction({
  name: 'calendar.year.undeclare',
  description:
    'Withdraw a year declaration (e.g. declared by mistake); deadlines into it fail again.',
  tag: 'calendar',
  input: Input({ year: Type.Integer({ minimum: 2000, maximum: 2100 }) }),
  output: Ok,
  mutating: true,
  http: { method: 'DELETE', path: '/calendar/years/:year' },
  policy: (ctx) => mayManageCalendar(ctx.actor),
  handler: async (ctx, input) => {
    ctx.audit.target = `calendar-year:${input.year}`;
    const result = await ctx.db
      .deleteFrom('calendar_years')
      .where('year', '=', input.year)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw notFound();
    ctx.services.calendar.invalidate();
    return { ok: true };
  },
});

export const calendarActions = [
  addWorkingDays,
  overrideList,
  overrideSet,
  overrideDelete,
  yearDeclare,
  yearUndeclare,
];
