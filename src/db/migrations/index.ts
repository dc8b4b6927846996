import type { Kysely } from 'kysely';
import type { DialectInfo } from '../dialect.ts';
import * as foundation from './0001_foundation.ts';

export interface DialectMigration {
  up(db: Kysely<unknown>, dialect: DialectInfo): Promise<void>;
}

/** The static, ordered list of migrations. Append only; never edit or reorder a released entry. */
export const MIGRATIONS: Record<string, DialectMigration> = {
  '0001_foundation': foundation,
};
