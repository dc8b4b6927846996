import { sql, type Kysely } from 'kysely';

// The authority-maintained list of thematic catalogs (R2.3), seeded with the regulation's themes.
// Released migrations are never edited: add a new file instead.
const R2_3_THEMES = [
  '医疗健康',
  '社会保障',
  '食品药品安全',
  '安全生产',
  '价格监管',
  '能源安全',
  '信用体系',
  '城乡建设',
  '社区治理',
  '生态环境',
  '应急维稳',
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('catalog_themes')
    .addColumn('name', 'varchar(50)', (col) => col.primaryKey())
    .addColumn('builtin', 'integer', (col) => col.notNull())
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
    .execute();
  const now = new Date().toISOString();
  for (const name of R2_3_THEMES) {
    await sql`insert into catalog_themes (name, builtin, created_by, created_at) values (${name}, 1, 'R2.3', ${now})`.execute(
      db,
    );
  }
}
