import pino, { type Logger } from 'pino';
import type { Config } from './config/env.ts';
import type { Services } from './core/services.ts';
import { ActionReadCache } from './core/read-cache.ts';
import { openDatabase, type OpenOptions } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { CredentialCache } from './modules/auth/credential-cache.ts';
import { WorkingDayCalendar } from './modules/calendar/calendar.ts';
import { configureSegmenter } from './modules/catalog/segmenter.ts';
import { createLedgerRuntime } from './modules/ledger/runtime.ts';
import { createOpenRuntime } from './modules/open/runtime.ts';
import { createSharingRuntime } from './modules/sharing/runtime.ts';

export interface Platform {
  services: Services;
  close(): Promise<void>;
}

/**
 * Opens the database, applies pending migrations (issue 2: migrations run at start) and wires the
 * shared services. The HTTP server, the CLI and tests all start from here.
 */
export async function createPlatform(
  config: Config,
  options: { logger?: Logger; migrate?: boolean; db?: OpenOptions } = {},
): Promise<Platform> {
  const logger = options.logger ?? pino({ level: config.logLevel });
  const db = await openDatabase(config.databaseUrl, options.db);
  try {
    if (options.migrate !== false) await migrateToLatest(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  // One segmenter per process, whatever the number of platforms (tests open several).
  configureSegmenter({ idleMs: config.segmenterIdleMs });
  const ledger = createLedgerRuntime(db, config, logger);
  const services: Services = {
    db,
    config,
    logger,
    calendar: new WorkingDayCalendar(db),
    credentials: new CredentialCache(db, config.sessionSecret, logger),
    readCache: new ActionReadCache(),
    sharing: createSharingRuntime(db, config.signingKey, ledger.personalData, logger),
    ledger,
    open: createOpenRuntime(config, db, ledger, logger),
  };
  ledger.sequencer.flushBeforeEachPass(() => services.sharing.accessLog.flush());
  ledger.sequencer.flushBeforeEachPass(() => services.open.accessLog.flush());
  if (options.migrate !== false) {
    await ledger.registerKey();
    // A log always has a signed checkpoint to serve, the empty tree's at first.
    await ledger.sequencer.sequence();
  }
  return {
    services,
    close: async () => {
      await services.sharing.accessLog.flush();
      await services.open.accessLog.flush();
      await ledger.sequencer.stop();
      await db.close();
    },
  };
}
