import { createRequire } from 'node:module';
import { AppError, text } from '../../core/errors.ts';
import type { Kysely } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Database } from '../../db/schema.ts';

/**
 * The PRC working-day calendar (issue 2; deadlines of R2.4, R4.4, R5.6). Statutory holidays and
 * adjusted working days (调休) come from the maintained `chinese-days` data; an admin-edited override
 * table corrects or extends it, nationally or for one region, and declares further years complete.
 * A date in a year neither source covers is an explicit error, never a weekday-only guess.
 */
interface ChineseDaysData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

const require = createRequire(import.meta.url);
const PACKAGE_DATA = require('chinese-days/dist/chinese-days.json') as ChineseDaysData;
const PACKAGE_YEARS = new Set(
  Object.keys(PACKAGE_DATA.holidays).map((date) => Number(date.slice(0, 4))),
);

export interface CalendarOverride {
  regionCode: string;
  date: string;
  working: boolean;
  name: string;
}

interface Snapshot {
  /** region code ('' national) -> date -> working? */
  overrides: Map<string, Map<string, boolean>>;
  declaredYears: Set<number>;
}

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

export function parseDate(value: string): Date {
  const match = DATE_PATTERN.exec(value);
  const date = match
    ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])))
    : null;
  if (!date || Number.isNaN(date.getTime()) || formatDate(date) !== value) {
    throw new AppError('VALIDATION', undefined, {
      date: text('日期无效，应为 YYYY-MM-DD', 'invalid date; expected YYYY-MM-DD'),
    });
  }
  return date;
}

export function formatDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Today's date in China Standard Time (UTC+8), which is what deadlines and dates are counted in. */
export function chinaToday(now: Date): string {
  return formatDate(new Date(now.getTime() + 8 * 60 * 60 * 1000));
}

export class WorkingDayCalendar {
  private snapshot: Promise<Snapshot> | undefined;

  constructor(private readonly db: Db) {}

  /** Years the calendar can answer for: the data package's plus those an admin declared. */
  async coveredYears(executor?: Kysely<Database>): Promise<number[]> {
    const { declaredYears } = await this.load(executor);
    return [...new Set([...PACKAGE_YEARS, ...declaredYears])].sort((a, b) => a - b);
  }

  /** Drops cached overrides; called after the override table changes. */
  invalidate(): void {
    this.snapshot = undefined;
  }

  /**
   * The date `n` working days after `start`: counting begins the day after receipt (`start` itself
   * never counts), weekends are off except 调休 working days, statutory holidays are off.
   * `regionPath` (`/990000/990100/`) applies that region's and its ancestors' local overrides.
   */
  async addWorkingDays(
    start: string,
    n: number,
    regionPath = '',
    executor?: Kysely<Database>,
  ): Promise<string> {
    if (!Number.isInteger(n) || n < 0 || n > 366) {
      throw new AppError('VALIDATION', undefined, {
        n: text('天数应为 0 到 366 的整数', 'must be an integer from 0 to 366'),
      });
    }
    const snapshot = await this.load(executor);
    const regionCodes = ['', ...regionPath.split('/').filter(Boolean)];
    const day = parseDate(start);
    let remaining = n;
    while (remaining > 0) {
      day.setUTCDate(day.getUTCDate() + 1);
      if (this.isWorkingDay(snapshot, regionCodes, formatDate(day))) remaining--;
    }
    return formatDate(day);
  }

  async isWorking(date: string, regionPath = '', executor?: Kysely<Database>): Promise<boolean> {
    parseDate(date);
    return this.isWorkingDay(
      await this.load(executor),
      ['', ...regionPath.split('/').filter(Boolean)],
      date,
    );
  }

  private isWorkingDay(snapshot: Snapshot, regionCodes: string[], date: string): boolean {
    // The most specific region's override wins, then wider ones, then the national data.
    for (let i = regionCodes.length - 1; i >= 0; i--) {
      const override = snapshot.overrides.get(regionCodes[i] ?? '')?.get(date);
      if (override !== undefined) return override;
    }
    const year = Number(date.slice(0, 4));
    if (!PACKAGE_YEARS.has(year) && !snapshot.declaredYears.has(year)) {
      throw new AppError(
        'VALIDATION',
        text(
          `工作日历尚未收录 ${year} 年的法定节假日安排，请管理员在“工作日历”中补录并确认该年度`,
          `The working-day calendar does not cover ${year} yet; an administrator must add that year's holidays and declare it`,
        ),
        { date: text(`${year} 年不在工作日历范围内`, `${year} is outside the calendar`) },
      );
    }
    if (date in PACKAGE_DATA.workdays) return true;
    if (date in PACKAGE_DATA.holidays) return false;
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    return weekday !== 0 && weekday !== 6;
  }

  /**
   * `executor` is the caller's transaction when there is one: on SQLite the transaction holds the only
   * connection, so reading through another handle would wait for ever.
   */
  private load(executor: Kysely<Database> = this.db.kysely): Promise<Snapshot> {
    this.snapshot ??= (async () => {
      const overrides = await executor
        .selectFrom('calendar_overrides')
        .select(['region_code', 'date', 'working'])
        .execute();
      const years = await executor.selectFrom('calendar_years').select('year').execute();
      const byRegion = new Map<string, Map<string, boolean>>();
      for (const row of overrides) {
        let dates = byRegion.get(row.region_code);
        if (!dates) byRegion.set(row.region_code, (dates = new Map<string, boolean>()));
        dates.set(row.date, row.working === 1);
      }
      return { overrides: byRegion, declaredYears: new Set(years.map((row) => row.year)) };
    })().catch((error: unknown) => {
      this.snapshot = undefined;
      throw error;
    });
    return this.snapshot;
  }
}

/** Working days after `from` up to and including `to`, negative when `to` is past; null if uncovered. */
export async function workingDaysBetween(
  calendar: WorkingDayCalendar,
  from: string,
  to: string,
  regionPath: string,
  executor?: Kysely<Database>,
): Promise<number | null> {
  try {
    const [start, end, sign] = from <= to ? [from, to, 1] : [to, from, -1];
    let count = 0;
    const day = new Date(`${start}T00:00:00Z`);
    while (formatDate(day) < end) {
      day.setUTCDate(day.getUTCDate() + 1);
      if (await calendar.isWorking(formatDate(day), regionPath, executor)) count++;
    }
    return sign * count;
  } catch {
    return null;
  }
}

/**
 * Working days left from `today` until each due date (negative when past), memoized per (due date,
 * region) so that a list of deadlines costs one walk of the calendar per distinct date.
 */
export function workingDayCountdown(
  calendar: WorkingDayCalendar,
  today: string,
  executor: Kysely<Database>,
): (dueDate: string, regionPath: string) => Promise<number | null> {
  const memo = new Map<string, Promise<number | null>>();
  return (dueDate, regionPath) => {
    const key = `${dueDate}|${regionPath}`;
    let countdown = memo.get(key);
    if (!countdown) {
      countdown = workingDaysBetween(calendar, today, dueDate, regionPath, executor);
      memo.set(key, countdown);
    }
    return countdown;
  };
}
