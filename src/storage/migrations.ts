import { sql, type ColumnDefinitionBuilder, type CreateTableBuilder, type Kysely, type Migration } from 'kysely';
import type { Engine } from './database.js';

/**
 * Each module owns its tables and its migration history (its own bookkeeping table), so
 * modules that share a regional database never touch each other's schema.
 */
export interface ModuleMigrations {
  module: string;
  migrations: Record<string, (engine: Engine) => Migration>;
}

/**
 * Applies a module's pending migrations in name order, each recorded in `<module>_migrations`
 * (the layout of Kysely's Migrator, so databases it created keep working). Kysely's own
 * Migrator is not used: it checks for its tables by introspecting every schema of the
 * database, which is slow on a PostgreSQL shared by many regions and fails outright when
 * another schema is dropped during the check. All of it runs in one transaction; on
 * PostgreSQL an advisory lock makes nodes starting together take turns.
 */
export async function migrate(database: { db: Kysely<unknown>; engine: Engine; schema?: string | undefined }, set: ModuleMigrations): Promise<void> {
  const { db, engine } = database;
  const table = sql.table(`${set.module}_migrations`);
  await db.transaction().execute(async (trx) => {
    if (engine === 'postgres') {
      await sql`select pg_advisory_xact_lock(hashtext(${`${database.schema ?? ''}.${set.module}_migrations`}))`.execute(trx);
    }
    await sql`create table if not exists ${table} (name varchar(255) not null primary key, timestamp varchar(255) not null)`.execute(trx);
    const applied = new Set((await sql<{ name: string }>`select name from ${table}`.execute(trx)).rows.map((row) => row.name));
    for (const name of Object.keys(set.migrations).sort()) {
      if (applied.has(name)) continue;
      try {
        await set.migrations[name]!(engine).up(trx as unknown as Kysely<unknown>);
      } catch (error) {
        throw new Error(`Migration ${set.module}/${name} failed: ${(error as Error).message}`);
      }
      await sql`insert into ${table} (name, timestamp) values (${name}, ${new Date().toISOString()})`.execute(trx);
    }
  });
}

/** A monotonically increasing row number: the keyset tie-breaker of every paged table. */
export function addSequenceColumn<T extends string>(
  table: CreateTableBuilder<string, T>,
  engine: Engine,
  name: string,
): CreateTableBuilder<string, T> {
  return engine === 'sqlite'
    ? (table.addColumn(name, 'integer', (col) => col.primaryKey().autoIncrement()) as CreateTableBuilder<string, T>)
    : (table.addColumn(name, 'bigint', (col: ColumnDefinitionBuilder) => col.primaryKey().generatedByDefaultAsIdentity()) as CreateTableBuilder<string, T>);
}
