import { Migrator, sql, type Kysely, type MigrationResult } from 'kysely';
import type { Db } from './database.ts';
import { MIGRATIONS } from './migrations/index.ts';

/**
 * On PostgreSQL the migration tables are pinned to the connection's current schema: Kysely otherwise
 * checks for them across every schema of the database and, finding another schema's, skips creating
 * its own (one schema per test run shares database `test`).
 */
async function migratorFor(db: Db): Promise<Migrator> {
  let migrationTableSchema: string | undefined;
  if (db.dialect.engine === 'postgres') {
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(
      db.kysely,
    );
    migrationTableSchema = rows[0]?.schema;
  }
  return new Migrator({
    db: db.kysely,
    ...(migrationTableSchema ? { migrationTableSchema } : {}),
    provider: {
      getMigrations: () =>
        Promise.resolve(
          Object.fromEntries(
            Object.entries(MIGRATIONS).map(([name, migration]) => [
              name,
              { up: (kysely: Kysely<unknown>) => migration.up(kysely, db.dialect) },
            ]),
          ),
        ),
    },
  });
}

/** Applies every pending migration; throws with the failing migration's name on error. */
export async function migrateToLatest(db: Db): Promise<MigrationResult[]> {
  const { error, results } = await (await migratorFor(db)).migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName;
    throw new Error(
      `migration ${failed ?? '(unknown)'} failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`,
      {
        cause: error,
      },
    );
  }
  return results ?? [];
}

/** Names of migrations not yet applied; empty means the schema is current (used by /readyz). */
export async function pendingMigrations(db: Db): Promise<string[]> {
  const migrations = await (await migratorFor(db)).getMigrations();
  return migrations.filter((migration) => migration.executedAt === undefined).map((m) => m.name);
}
