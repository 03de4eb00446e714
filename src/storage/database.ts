import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { scrapedGauge } from '../platform/metrics.js';

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

/** Bounds on a PostgreSQL that does not answer: a new connection, then any one statement. */
export const POSTGRES_CONNECT_TIMEOUT_MS = 3000;
export const POSTGRES_QUERY_TIMEOUT_MS = 15_000;

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

// int8 (counts, epoch milliseconds) and numeric arrive as strings by default; every such
// value Meridian stores fits in a double, so read them as numbers.
const pgTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 || oid === 1700) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

/**
 * Each SQLite connection's page cache, in KiB; it fills only as pages are read. better-sqlite3's
 * default of 16 MiB is less than the pages of a few hundred 100-record audit pages: walking
 * nextLinks then re-read pages through the kernel, and deep /aos/audit pages cost about a fifth
 * more CPU than first pages (measured on the 1 M and 10 M benchmark tenants).
 */
export const SQLITE_CACHE_KIB = 64 * 1024;

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
    handle.pragma(`cache_size = -${SQLITE_CACHE_KIB}`);
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
    // A database that is down or cut off fails a request within these bounds instead of holding it (503, not a hang).
    connectionTimeoutMillis: POSTGRES_CONNECT_TIMEOUT_MS,
    query_timeout: POSTGRES_QUERY_TIMEOUT_MS,
    keepAlive: true,
  });
  // An idle connection the server dropped (a restart, a failover) is replaced on next use; unheard, it would end the process.
  pool.on('error', () => {});
  // The same for a connection the server drops while a request holds it: its query fails (a 503), the process stays up.
  pool.on('connect', (client) => client.on('error', () => {}));
  const dropGauge = scrapedGauge('meridian_db_pool_connections', 'PostgreSQL pool connections by store and state (total, idle, waiting requests)', ['store', 'state'], async () => [
    { labels: { store: location.schema, state: 'total' }, value: pool.totalCount },
    { labels: { store: location.schema, state: 'idle' }, value: pool.idleCount },
    { labels: { store: location.schema, state: 'waiting' }, value: pool.waitingCount },
  ]);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  const safeUrl = location.url.replace(/\/\/[^@/]*@/, '//');
  return {
    db,
    engine: 'postgres',
    schema: location.schema,
    describe: `${safeUrl} (schema ${location.schema})`,
    close: async () => {
      dropGauge();
      await db.destroy();
    },
  };
}

const STATEMENT_CACHE_SIZE = 500;

/** What Kysely's SQLite driver calls on a prepared statement. */
interface DriverStatement {
  readonly reader: boolean;
  all(parameters: readonly unknown[]): unknown[];
  run(parameters: readonly unknown[]): SQLite.RunResult;
  iterate(parameters: readonly unknown[]): IterableIterator<unknown>;
}

/**
 * A reading statement returns arrays, which become Kysely's row objects here: better-sqlite3
 * builds each row object through V8's API, key by key, which on a 51-row job page cost about
 * as much as the indexed read (the page took 71–89 µs in process before, 62–74 µs after).
 * Columns of the same name keep the last, as better-sqlite3's own objects do.
 */
function driverStatement(statement: SQLite.Statement): DriverStatement {
  if (!statement.reader) return { reader: false, all: (p) => statement.all(p), run: (p) => statement.run(p), iterate: (p) => statement.iterate(p) };
  statement.raw(true);
  const names = statement.columns().map((column) => column.name);
  const rowOf = (values: unknown[]): Record<string, unknown> => {
    const row: Record<string, unknown> = {};
    for (let index = 0; index < names.length; index++) {
      const name = names[index]!;
      // An assignment to `__proto__` would replace the row's prototype instead of adding a column.
      if (name === '__proto__') Object.defineProperty(row, name, { value: values[index], enumerable: true, writable: true, configurable: true });
      else row[name] = values[index];
    }
    return row;
  };
  return {
    reader: true,
    all: (parameters) => (statement.all(parameters) as unknown[][]).map(rowOf),
    run: (parameters) => statement.run(parameters),
    *iterate(parameters) {
      for (const values of statement.iterate(parameters) as IterableIterator<unknown[]>) yield rowOf(values);
    },
  };
}

/**
 * Kysely prepares every statement anew; SQLite's compile step then costs more than many of
 * the indexed reads it runs. The same SQL text reuses its prepared statement (statements are
 * used synchronously, one at a time, so sharing one is safe).
 */
function withStatementCache(handle: SQLite.Database): { close(): void; prepare(sql: string): DriverStatement } {
  const statements = new Map<string, DriverStatement>();
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
        statement = driverStatement(handle.prepare(sql));
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
