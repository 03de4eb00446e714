import type { Generated, Selectable } from 'kysely';
import type { ModuleMigrations } from '../../storage/migrations.js';
import { addSequenceColumn } from '../../storage/migrations.js';

export type JobState = 'queued' | 'running' | 'succeeded' | 'failed';

export interface KernelJobTable {
  seq: Generated<number>;
  id: string;
  kind: string;
  tenant_id: string;
  /** Unique per kind and tenant when set: enqueueing the same key again returns the first job. */
  idempotency_key: string | null;
  state: JobState;
  attempt: number;
  max_attempts: number;
  payload: string;
  progress: string | null;
  result: string | null;
  error: string | null;
  lease_owner: string | null;
  /** Wall-clock ms; a running job whose lease has run out belongs to whichever node claims it. */
  lease_until: number;
  run_after: number;
  created_ms: number;
  started_ms: number | null;
  finished_ms: number | null;
}

export type KernelJobRow = Selectable<KernelJobTable>;

export interface KernelJobTables {
  kernel_jobs: KernelJobTable;
}

/** The job runner's table, in every database that runs jobs (each region's). */
export const kernelJobMigrations: ModuleMigrations = {
  module: 'kernel_jobs',
  migrations: {
    '001_jobs': (engine) => ({
      async up(db) {
        await addSequenceColumn(db.schema.createTable('kernel_jobs'), engine, 'seq')
          .addColumn('id', 'varchar(64)', (col) => col.notNull().unique())
          .addColumn('kind', 'varchar(128)', (col) => col.notNull())
          .addColumn('tenant_id', 'varchar(64)', (col) => col.notNull())
          .addColumn('idempotency_key', 'varchar(256)')
          .addColumn('state', 'varchar(16)', (col) => col.notNull())
          .addColumn('attempt', 'integer', (col) => col.notNull())
          .addColumn('max_attempts', 'integer', (col) => col.notNull())
          .addColumn('payload', 'text', (col) => col.notNull())
          .addColumn('progress', 'text')
          .addColumn('result', 'text')
          .addColumn('error', 'text')
          .addColumn('lease_owner', 'varchar(64)')
          .addColumn('lease_until', 'bigint', (col) => col.notNull())
          .addColumn('run_after', 'bigint', (col) => col.notNull())
          .addColumn('created_ms', 'bigint', (col) => col.notNull())
          .addColumn('started_ms', 'bigint')
          .addColumn('finished_ms', 'bigint')
          .execute();
        await db.schema.createIndex('kernel_jobs_idempotency').on('kernel_jobs').columns(['kind', 'tenant_id', 'idempotency_key']).unique().execute();
        // What a claim scans: unfinished jobs in the order they may run.
        await db.schema.createIndex('kernel_jobs_pending').on('kernel_jobs').columns(['state', 'run_after']).execute();
      },
    }),
  },
};
