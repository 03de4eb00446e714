import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';

/**
 * One schema and one set of migrations on two engines: SQLite files for the embedded
 * default, PostgreSQL for production. Each store (identity, each region) gets its own
 * database: a file, or a PostgreSQL schema reached through `search_path`.
 */
export type StorageLocation =
  | { engine: 'sqlite'; file: string }
  | { engine: 'postgres'; url: string; schema: string; poolSize?: number };

export type Engine = StorageLocation['engine'];

export interface Database<DB> {
  db: Kysely<DB>;
  engine: Engine;
  /** The PostgreSQL schema holding this database's tables (absent for SQLite). */
  schema?: string;
  /** Human-readable location for start-up lines (no credentials). */
  describe: string;
  close(): Promise<void>;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

// int8 (counts, epoch milliseconds) and numeric arrive as strings by default; every such
// value Meridian stores fits in a double, so read them as numbers.
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 || oid === 1700) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

export async function openDatabase<DB>(location: StorageLocation): Promise<Database<DB>> {
  if (location.engine === 'sqlite') {
    if (location.file !== ':memory:') mkdirSync(dirname(location.file), { recursive: true });
    const handle = new SQLite(location.file);
    // WAL lets readers run beside the writer; FULL makes a commit durable before it is acknowledged.
    handle.pragma('journal_mode = WAL');
    handle.pragma('synchronous = FULL');
    handle.pragma('busy_timeout = 5000');
    handle.pragma('foreign_keys = ON');
    // Deleted content is overwritten, not left in free pages: a destroyed record must be gone.
    handle.pragma('secure_delete = ON');
    const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(handle) }) });
    return { db, engine: 'sqlite', describe: `sqlite:${location.file}`, close: () => db.destroy() };
  }
  if (!SCHEMA_NAME.test(location.schema)) throw new Error(`Invalid PostgreSQL schema name '${location.schema}'`);
  const admin = new pg.Client({ connectionString: location.url });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA IF NOT EXISTS "${location.schema}"`);
  } catch (error) {
    // Two processes creating the same schema at once race on the catalogue; the loser's schema exists.
    if ((error as { code?: string }).code !== '23505') throw error;
  } finally {
    await admin.end();
  }
  const pool = new pg.Pool({
    connectionString: location.url,
    max: location.poolSize ?? 10,
    options: `-c search_path=${location.schema}`,
    types: pgTypes,
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  const safeUrl = location.url.replace(/\/\/[^@/]*@/, '//');
  return { db, engine: 'postgres', schema: location.schema, describe: `${safeUrl} (schema ${location.schema})`, close: () => db.destroy() };
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely prepares every statement anew; SQLite's compile step then costs more than many of
 * the indexed reads it runs. The same SQL text reuses its prepared statement (statements are
 * used synchronously, one at a time, so sharing one is safe).
 */
function withStatementCache(handle: SQLite.Database): { close(): void; prepare(sql: string): SQLite.Statement } {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => {
      statements.clear();
      handle.close();
    },
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (statement) {
        // Refresh its place so the least recently used statement is the one dropped.
        statements.delete(sql);
      } else {
        statement = handle.prepare(sql);
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
      }
      statements.set(sql, statement);
      return statement;
    },
  };
}

/** Drops a PostgreSQL schema: tests clean up after themselves with it. */
export async function dropPostgresSchema(url: string, schema: string): Promise<void> {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`Invalid PostgreSQL schema name '${schema}'`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

export async function ping(db: Kysely<unknown>): Promise<void> {
  await sql`select 1`.execute(db);
}
