import type { Kysely } from 'kysely';
import type { DialectInfo } from '../dialect.ts';
import * as foundation from './0001_foundation.ts';
import * as catalog from './0002_catalog.ts';
import * as catalogSearch from './0003_catalog_search.ts';
import * as catalogThemes from './0004_catalog_themes.ts';
import * as dataTables from './0005_data_tables.ts';
import * as aggregation from './0006_aggregation.ts';
import * as sharing from './0007_sharing.ts';
import * as ledger from './0008_ledger.ts';
import * as open from './0009_open.ts';
import * as ledgerAuditQueue from './0010_ledger_audit_queue.ts';
import * as sqliteLedgerQueueIndex from './0011_sqlite_ledger_queue_index.ts';

export interface DialectMigration {
  up(db: Kysely<unknown>, dialect: DialectInfo): Promise<void>;
}

/** The static, ordered list of migrations. Append only; never edit or reorder a released entry. */
export const MIGRATIONS: Record<string, DialectMigration> = {
  '0001_foundation': foundation,
  '0002_catalog': catalog,
  '0003_catalog_search': catalogSearch,
  '0004_catalog_themes': catalogThemes,
  '0005_data_tables': dataTables,
  '0006_aggregation': aggregation,
  '0007_sharing': sharing,
  '0008_ledger': ledger,
  '0009_open': open,
  '0010_ledger_audit_queue': ledgerAuditQueue,
  '0011_sqlite_ledger_queue_index': sqliteLedgerQueueIndex,
};
