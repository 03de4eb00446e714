import { Migrator, type Kysely, type Migration, type ColumnDefinitionBuilder, type CreateTableBuilder } from 'kysely';
import type { Engine } from './database.js';

/**
 * Each module owns its tables and its migration history (its own bookkeeping table), so
 * modules that share a regional database never touch each other's schema.
 */
export interface ModuleMigrations {
  module: string;
  migrations: Record<string, (engine: Engine) => Migration>;
}

export async function migrate(database: { db: Kysely<unknown>; engine: Engine; schema?: string | undefined }, set: ModuleMigrations): Promise<void> {
  const { db, engine } = database;
  const migrator = new Migrator({
    db,
    // Named explicitly: Kysely's existence check looks across schemas and would find another region's table.
    ...(database.schema ? { migrationTableSchema: database.schema } : {}),
    migrationTableName: `${set.module}_migrations`,
    migrationLockTableName: `${set.module}_migrations_lock`,
    provider: {
      getMigrations: async () =>
        Object.fromEntries(Object.entries(set.migrations).map(([name, make]) => [name, make(engine)])),
    },
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error');
    throw new Error(`Migration ${set.module}/${failed?.migrationName ?? '?'} failed: ${String((error as Error).message ?? error)}`);
  }
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
