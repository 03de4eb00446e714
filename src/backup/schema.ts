import { sql, type Generated } from 'kysely';
import { createOutboxIndex, createOutboxTable, type OutboxTable } from '../platform/outbox.js';
import { addSequenceColumn, type ModuleMigrations } from '../storage/migrations.js';
import { DAY_MS } from './shared/format.js';

/**
 * The backup module's tables in a regional database, shared by the five Cloud Backup
 * products (a `product` column tells them apart). Times are epoch milliseconds.
 */
export interface BackupTables {
  /** Every product's jobs: the columns the documented filters need, the rest in `details` (JSON). */
  backup_jobs: {
    seq: Generated<number>;
    tenant_id: string;
    product: string;
    job_id: string;
    job_type: number;
    service_type: number | null;
    state: number;
    /** Immutable after the first report: it is the paging order. */
    start_time: number;
    finish_time: number | null;
    location: string | null;
    organization_id: string | null;
    /** A product's third filter dimension: Google's dataSource, Salesforce's level. */
    variant: number | null;
    description: string | null;
    details: string;
    /**
     * The job as its product's list shows it, rendered when it was written: set once a job has
     * finished (a running job's duration grows with the time of the request, so it is rendered
     * on each read) by products whose reports carry it (StoredJob.listed).
     */
    listed: string | null;
    updated_at: number;
  };
  /**
   * How many jobs started on each UTC day, per combination of the filter dimensions: the
   * whole days of a count's window are summed from here instead of counting their jobs.
   * Kept exact by BackupJobStore.upsertIn, in the transaction that writes the jobs. NULL
   * dimensions are stored as NO_SERVICE_TYPE / NO_LOCATION / NO_VARIANT, so that they are
   * part of the primary key on both engines.
   */
  backup_job_counts: {
    tenant_id: string;
    product: string;
    /** Epoch milliseconds of the UTC midnight starting the day. */
    start_day: number;
    state: number;
    job_type: number;
    service_type: number;
    location: string;
    variant: number;
    n: number;
  };
  /** Point-in-time facts a product reports (unusual activities, monitor alerts), idempotent on event_id. */
  backup_events: {
    seq: Generated<number>;
    tenant_id: string;
    product: string;
    kind: string;
    event_id: string;
    occurred_at: number;
    location: string | null;
    service_type: number | null;
    organization_id: string | null;
    body: string;
  };
  /** Documents a product replaces as a whole (backup frequency, retention policy, license consumption). */
  backup_settings: {
    tenant_id: string;
    product: string;
    kind: string;
    location: string;
    body: string;
    updated_at: number;
  };
  /** What a product protects, so that a restore request can be checked before anything is created. */
  backup_protected_objects: {
    tenant_id: string;
    product: string;
    service_type: number;
    /** Lower-cased site URL or user principal name. */
    object_key: string;
    display_name: string;
    location: string;
    libraries: string;
    first_backup_time: number;
    removed_at: number | null;
    updated_at: number;
  };
  /** Restores started through the API: the worker's durable state. */
  backup_restores: {
    seq: Generated<number>;
    tenant_id: string;
    product: string;
    job_id: string;
    location: string;
    service_type: number;
    object_key: string;
    request: string;
    plan: string;
    total_items: number;
    started_at: number;
    duration_ms: number;
    finished_at: number | null;
    outcome: string | null;
    requested_by: string;
    client_ip: string | null;
    lease_owner: string | null;
    lease_until: number;
  };
  /** Audit records waiting for the tenant's audit log, written with the change they describe (src/platform/outbox.ts). */
  backup_audit_outbox: OutboxTable & { seq: Generated<number> };
}

export const BACKUP_AUDIT_OUTBOX = 'backup_audit_outbox';

/** backup_job_counts' stand-ins for NULL (no documented filter value is negative or empty). */
export const NO_SERVICE_TYPE = -1;
export const NO_LOCATION = '';
export const NO_VARIANT = -1;

export const backupMigrations: ModuleMigrations = {
  module: 'backup',
  migrations: {
    '001_jobs_events_settings_restores': (engine) => ({
      async up(db) {
        await addSequenceColumn(db.schema.createTable('backup_jobs'), engine, 'seq')
          .addColumn('tenant_id', 'text', (c) => c.notNull())
          .addColumn('product', 'text', (c) => c.notNull())
          .addColumn('job_id', 'text', (c) => c.notNull())
          .addColumn('job_type', 'integer', (c) => c.notNull())
          .addColumn('service_type', 'integer')
          .addColumn('state', 'integer', (c) => c.notNull())
          .addColumn('start_time', 'bigint', (c) => c.notNull())
          .addColumn('finish_time', 'bigint')
          .addColumn('location', 'text')
          .addColumn('organization_id', 'text')
          .addColumn('variant', 'integer')
          .addColumn('description', 'text')
          .addColumn('details', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .addUniqueConstraint('backup_jobs_producer_id', ['tenant_id', 'product', 'job_id'])
          .execute();
        // Paging order (newest first) of every job list, and the same order within one state:
        // "finished jobs this week" is a range scan of the second index, count included.
        await db.schema.createIndex('backup_jobs_start').on('backup_jobs').columns(['tenant_id', 'product', 'start_time', 'seq']).execute();
        await db.schema.createIndex('backup_jobs_state_start').on('backup_jobs').columns(['tenant_id', 'product', 'state', 'start_time', 'seq']).execute();

        await addSequenceColumn(db.schema.createTable('backup_events'), engine, 'seq')
          .addColumn('tenant_id', 'text', (c) => c.notNull())
          .addColumn('product', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('event_id', 'text', (c) => c.notNull())
          .addColumn('occurred_at', 'bigint', (c) => c.notNull())
          .addColumn('location', 'text')
          .addColumn('service_type', 'integer')
          .addColumn('organization_id', 'text')
          .addColumn('body', 'text', (c) => c.notNull())
          .addUniqueConstraint('backup_events_producer_id', ['tenant_id', 'product', 'kind', 'event_id'])
          .execute();
        await db.schema.createIndex('backup_events_time').on('backup_events').columns(['tenant_id', 'product', 'kind', 'occurred_at', 'seq']).execute();

        await db.schema
          .createTable('backup_settings')
          .addColumn('tenant_id', 'text', (c) => c.notNull())
          .addColumn('product', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('location', 'text', (c) => c.notNull())
          .addColumn('body', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('backup_settings_pk', ['tenant_id', 'product', 'kind', 'location'])
          .execute();

        await db.schema
          .createTable('backup_protected_objects')
          .addColumn('tenant_id', 'text', (c) => c.notNull())
          .addColumn('product', 'text', (c) => c.notNull())
          .addColumn('service_type', 'integer', (c) => c.notNull())
          .addColumn('object_key', 'text', (c) => c.notNull())
          .addColumn('display_name', 'text', (c) => c.notNull())
          .addColumn('location', 'text', (c) => c.notNull())
          .addColumn('libraries', 'text', (c) => c.notNull())
          .addColumn('first_backup_time', 'bigint', (c) => c.notNull())
          .addColumn('removed_at', 'bigint')
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('backup_protected_objects_pk', ['tenant_id', 'product', 'service_type', 'object_key'])
          .execute();

        await addSequenceColumn(db.schema.createTable('backup_restores'), engine, 'seq')
          .addColumn('tenant_id', 'text', (c) => c.notNull())
          .addColumn('product', 'text', (c) => c.notNull())
          .addColumn('job_id', 'text', (c) => c.notNull())
          .addColumn('location', 'text', (c) => c.notNull())
          .addColumn('service_type', 'integer', (c) => c.notNull())
          .addColumn('object_key', 'text', (c) => c.notNull())
          .addColumn('request', 'text', (c) => c.notNull())
          .addColumn('plan', 'text', (c) => c.notNull())
          .addColumn('total_items', 'integer', (c) => c.notNull())
          .addColumn('started_at', 'bigint', (c) => c.notNull())
          .addColumn('duration_ms', 'bigint', (c) => c.notNull())
          .addColumn('finished_at', 'bigint')
          .addColumn('outcome', 'text')
          .addColumn('requested_by', 'text', (c) => c.notNull())
          .addColumn('client_ip', 'text')
          .addColumn('lease_owner', 'text')
          .addColumn('lease_until', 'bigint', (c) => c.notNull())
          .addUniqueConstraint('backup_restores_job', ['tenant_id', 'product', 'job_id'])
          .execute();
        await db.schema.createIndex('backup_restores_open').on('backup_restores').columns(['finished_at', 'seq']).execute();

        await createOutboxTable(db, engine, BACKUP_AUDIT_OUTBOX).execute();
        await createOutboxIndex(db, BACKUP_AUDIT_OUTBOX);
      },
    }),
    '002_job_counts_and_listed_jobs': (engine) => ({
      async up(db) {
        // Jobs stored before this have no rendered item; they are rendered on each read until reported again.
        await db.schema.alterTable('backup_jobs').addColumn('listed', 'text').execute();
        const counts = db.schema
          .createTable('backup_job_counts')
          .addColumn('tenant_id', 'text', (c) => c.notNull())
          .addColumn('product', 'text', (c) => c.notNull())
          .addColumn('start_day', 'bigint', (c) => c.notNull())
          .addColumn('state', 'integer', (c) => c.notNull())
          .addColumn('job_type', 'integer', (c) => c.notNull())
          .addColumn('service_type', 'integer', (c) => c.notNull())
          .addColumn('location', 'text', (c) => c.notNull())
          .addColumn('variant', 'integer', (c) => c.notNull())
          .addColumn('n', 'integer', (c) => c.notNull())
          .addPrimaryKeyConstraint('backup_job_counts_pk', ['tenant_id', 'product', 'start_day', 'state', 'job_type', 'service_type', 'location', 'variant']);
        // SQLite keeps the rows in primary-key order, so a window's days are one contiguous read.
        await (engine === 'sqlite' ? counts.modifyEnd(sql`without rowid`) : counts).execute();
        // The day is floored, also before 1970, where % is negative on both engines.
        await sql`
          insert into backup_job_counts (tenant_id, product, start_day, state, job_type, service_type, location, variant, n)
          select tenant_id, product, start_time - ((start_time % ${sql.lit(DAY_MS)}) + ${sql.lit(DAY_MS)}) % ${sql.lit(DAY_MS)}, state, job_type,
            coalesce(service_type, ${sql.lit(NO_SERVICE_TYPE)}), coalesce(location, ${sql.lit(NO_LOCATION)}), coalesce(variant, ${sql.lit(NO_VARIANT)}), count(*)
          from backup_jobs
          group by 1, 2, 3, 4, 5, 6, 7, 8`.execute(db);
      },
    }),
  },
};
