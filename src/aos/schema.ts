import type { Generated } from 'kysely';
import { addSequenceColumn, type ModuleMigrations } from '../storage/migrations.js';

/** The aos module's tables in a regional database. Times are epoch milliseconds. */
export interface AosTables {
  /**
   * Audit records never change once written, so each is rendered to its documented JSON
   * once, at write time; a page is then a keyset range read of ready-made documents. The
   * other columns are what the filters and the keyset need.
   */
  aos_audit_records: {
    seq: Generated<number>;
    tenant_id: string;
    record_id: string;
    action_time: number;
    product_type: string;
    geo_location: string | null;
    record_json: string;
  };
  aos_scan_jobs: {
    seq: Generated<number>;
    tenant_id: string;
    job_id: string;
    type: number;
    state: number;
    start_time: number;
    finish_time: number | null;
    scan_profile_name: string | null;
    category: number;
    updated_at: number;
  };
}

export const aosMigrations: ModuleMigrations = {
  module: 'aos',
  migrations: {
    '001_audit_and_scan_jobs': (engine) => ({
      async up(db) {
        const audit = addSequenceColumn(db.schema.createTable('aos_audit_records'), engine, 'seq')
          .addColumn('tenant_id', 'text', (c) => c.notNull())
          .addColumn('record_id', 'text', (c) => c.notNull())
          .addColumn('action_time', 'bigint', (c) => c.notNull())
          .addColumn('product_type', 'text', (c) => c.notNull())
          .addColumn('geo_location', 'text')
          .addColumn('record_json', 'text', (c) => c.notNull());
        await audit.addUniqueConstraint('aos_audit_records_producer_id', ['tenant_id', 'record_id']).execute();
        // Keyset order of /aos/audit, and the same order within one product for productTypes filters.
        await db.schema.createIndex('aos_audit_records_time').on('aos_audit_records').columns(['tenant_id', 'action_time', 'seq']).execute();
        await db.schema.createIndex('aos_audit_records_product_time').on('aos_audit_records').columns(['tenant_id', 'product_type', 'action_time', 'seq']).execute();

        await addSequenceColumn(db.schema.createTable('aos_scan_jobs'), engine, 'seq')
          .addColumn('tenant_id', 'text', (c) => c.notNull())
          .addColumn('job_id', 'text', (c) => c.notNull())
          .addColumn('type', 'integer', (c) => c.notNull())
          .addColumn('state', 'integer', (c) => c.notNull())
          .addColumn('start_time', 'bigint', (c) => c.notNull())
          .addColumn('finish_time', 'bigint')
          .addColumn('scan_profile_name', 'text')
          .addColumn('category', 'integer', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .addUniqueConstraint('aos_scan_jobs_producer_id', ['tenant_id', 'job_id'])
          .execute();
        await db.schema.createIndex('aos_scan_jobs_start').on('aos_scan_jobs').columns(['tenant_id', 'start_time', 'seq']).execute();
        await db.schema.createIndex('aos_scan_jobs_finish').on('aos_scan_jobs').columns(['tenant_id', 'finish_time', 'seq']).execute();
      },
    }),
  },
};
