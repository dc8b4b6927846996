import type { ColumnDataType, CreateTableBuilder, Kysely, RawBuilder } from 'kysely';
import { sql } from 'kysely';

/**
 * Everything that differs between SQLite and PostgreSQL lives here (the atproto PDS pattern): the rest
 * of the code writes one query for both engines.
 */
export type Engine = 'sqlite' | 'postgres';

export interface DialectInfo {
  engine: Engine;
  /** Column type of an auto-incrementing 64-bit primary key. */
  autoIncrementType: ColumnDataType;
  /** Adds an auto-incrementing primary key column named `id`. */
  addAutoIncrementId<T extends string>(
    table: CreateTableBuilder<T, never>,
  ): CreateTableBuilder<T, 'id'>;
  /** Case-insensitive substring filter operator. */
  likeOperator: 'like' | 'ilike';
  /** Checks that the engine answers. */
  ping(db: Kysely<unknown>): Promise<void>;
  /** Full-text search over pre-segmented Chinese text (jieba tokens joined by spaces). */
  search: FullTextSearch;
}

/**
 * Full-text index of the catalog: SQLite FTS5 (unicode61 over the space-separated tokens, bm25) or a
 * PostgreSQL tsvector ('simple' config, GIN, ts_rank). Documents have three weighted fields.
 */
export interface FullTextSearch {
  createIndex(db: Kysely<unknown>): Promise<void>;
  index(db: Kysely<any>, docId: number, fields: SearchFields): Promise<void>; // eslint-disable-line @typescript-eslint/no-explicit-any
  remove(db: Kysely<any>, docId: number): Promise<void>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** A derived table (doc_id, rank) of documents holding every token; higher rank is better. */
  matches(tokens: string[]): RawBuilder<{ doc_id: number; rank: number }>;
}

export interface SearchFields {
  /** Space-separated tokens; tokens hold only letters and digits (see catalog/search.ts). */
  name: string;
  keywords: string;
  body: string;
}

const sqliteSearch: FullTextSearch = {
  createIndex: async (db) => {
    await sql`create virtual table resource_search_fts using fts5(name, keywords, body, tokenize = 'unicode61')`.execute(
      db,
    );
  },
  index: async (db, docId, fields) => {
    await sql`delete from resource_search_fts where rowid = ${docId}`.execute(db);
    await sql`insert into resource_search_fts (rowid, name, keywords, body) values (${docId}, ${fields.name}, ${fields.keywords}, ${fields.body})`.execute(
      db,
    );
  },
  remove: async (db, docId) => {
    await sql`delete from resource_search_fts where rowid = ${docId}`.execute(db);
  },
  matches: (tokens) => {
    const expression = tokens.map((token) => `"${token}"`).join(' AND ');
    return sql<{
      doc_id: number;
      rank: number;
    }>`(select rowid as doc_id, -bm25(resource_search_fts, 10.0, 5.0, 1.0) as rank from resource_search_fts where resource_search_fts match ${expression})`;
  },
};

const postgresSearch: FullTextSearch = {
  createIndex: async (db) => {
    await sql`alter table resource_search add column tsv tsvector`.execute(db);
    await sql`create index resource_search_tsv_idx on resource_search using gin (tsv)`.execute(db);
  },
  index: async (db, docId, fields) => {
    await sql`update resource_search set tsv =
        setweight(to_tsvector('simple', ${fields.name}), 'A') ||
        setweight(to_tsvector('simple', ${fields.keywords}), 'B') ||
        setweight(to_tsvector('simple', ${fields.body}), 'D')
      where id = ${docId}`.execute(db);
  },
  remove: async () => {
    // The tsvector lives in the resource_search row, which the caller deletes.
  },
  matches: (tokens) => {
    // A quoted tsquery literal is taken verbatim, whatever the server's locale.
    const query = tokens.map((token) => `'${token}'`).join(' & ');
    return sql<{
      doc_id: number;
      rank: number;
    }>`(select id as doc_id, ts_rank(tsv, ${query}::tsquery) as rank from resource_search where tsv @@ ${query}::tsquery)`;
  },
};

export function dialectFor(engine: Engine): DialectInfo {
  if (engine === 'sqlite') {
    return {
      engine,
      autoIncrementType: 'integer',
      addAutoIncrementId: (table) =>
        table.addColumn('id', 'integer', (col) => col.primaryKey().autoIncrement()),
      likeOperator: 'like',
      ping: async (db) => {
        await sql`select 1`.execute(db);
      },
      search: sqliteSearch,
    };
  }
  return {
    engine,
    autoIncrementType: 'bigint',
    addAutoIncrementId: (table) => table.addColumn('id', 'bigserial', (col) => col.primaryKey()),
    likeOperator: 'ilike',
    ping: async (db) => {
      await sql`select 1`.execute(db);
    },
    search: postgresSearch,
  };
}
