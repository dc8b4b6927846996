import type { Logger } from 'pino';
import type { Config } from '../config/env.ts';
import type { Db } from '../db/database.ts';
import type { WorkingDayCalendar } from '../modules/calendar/calendar.ts';
import type { ActionReadCache } from './read-cache.ts';
import type { CredentialCache } from '../modules/auth/credential-cache.ts';
import type { LedgerRuntime } from '../modules/ledger/runtime.ts';
import type { OpenRuntime } from '../modules/open/runtime.ts';
import type { SharingRuntime } from '../modules/sharing/runtime.ts';

/** Long-lived collaborators shared by every action; built once in `createServices`. */
export interface Services {
  db: Db;
  config: Config;
  logger: Logger;
  calendar: WorkingDayCalendar;
  credentials: CredentialCache;
  /** Outputs of cached reference-data reads (`cache` on an action). */
  readCache: ActionReadCache;
  sharing: SharingRuntime;
  ledger: LedgerRuntime;
  open: OpenRuntime;
}
