import type { ColumnType, Generated, Kysely } from 'kysely';
import type { Engine } from '../../storage/database.js';
import { addSequenceColumn } from '../../storage/migrations.js';

/**
 * Baseline management in a customer's data center: each tenant's configuration settings (as
 * its producer reports them), the baselines captured from a tenant with their captured
 * settings, each tenant's baseline state (status, applied baselines, drift, last deployment)
 * and the process-center jobs. A baseline lives where the tenant it was captured from lives.
 */
export interface BaselineTables {
  elements_bm_settings: {
    seq: Generated<number>;
    customer_id: string;
    tenant_id: string;
    source: string;
    configuration: string;
    value: string;
    /** 0 when the service app cannot read it (a baseline captures it as failed). */
    retrievable: number;
    /** 0 when the service app cannot change it (a deployment finishes with exception). */
    writable: number;
  };
  elements_bm_baselines: {
    seq: Generated<number>;
    baseline_id: string;
    partner_id: string;
    customer_id: string;
    tenant_id: string;
    name: string;
    color: number;
    description: string | null;
    status: number;
    version: number;
    created_ms: number;
    modified_ms: number;
    /**
     * 1 for a copy of a baseline captured in another data center, brought here to be applied
     * to a tenant of this one (never listed: its home lists it); 0 for a baseline captured here.
     */
    is_copy: ColumnType<number, number | undefined, number>;
  };
  elements_bm_baseline_settings: {
    seq: Generated<number>;
    baseline_id: string;
    source: string;
    configuration: string;
    status: string;
    details: string | null;
    value: string | null;
  };
  elements_bm_tenants: {
    customer_id: string;
    tenant_id: string;
    status: number;
    drift_detected: number;
    drift_ms: number | null;
    last_deployed_ms: number | null;
    auto_alignment: number;
    applied: string;
  };
  elements_bm_jobs: {
    seq: Generated<number>;
    job_id: string;
    partner_id: string;
    customer_id: string;
    tenant_id: string;
    type: number;
    status: number;
    kernel_job_id: string | null;
    created_ms: number;
    finished_ms: number | null;
    payload: string;
  };
}

export const createBaselineTables = (engine: Engine) => async (db: Kysely<unknown>) => {
  await addSequenceColumn(db.schema.createTable('elements_bm_settings'), engine, 'seq')
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('configuration', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('retrievable', 'integer', (c) => c.notNull())
    .addColumn('writable', 'integer', (c) => c.notNull())
    .addUniqueConstraint('elements_bm_settings_id', ['customer_id', 'tenant_id', 'source', 'configuration'])
    .execute();
  await addSequenceColumn(db.schema.createTable('elements_bm_baselines'), engine, 'seq')
    .addColumn('baseline_id', 'text', (c) => c.notNull().unique())
    .addColumn('partner_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('color', 'integer', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_ms', 'bigint', (c) => c.notNull())
    .addColumn('modified_ms', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('elements_bm_baselines_partner').on('elements_bm_baselines').columns(['partner_id', 'seq']).execute();
  await addSequenceColumn(db.schema.createTable('elements_bm_baseline_settings'), engine, 'seq')
    .addColumn('baseline_id', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('configuration', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('details', 'text')
    .addColumn('value', 'text')
    .addUniqueConstraint('elements_bm_baseline_settings_id', ['baseline_id', 'source', 'configuration'])
    .execute();
  await db.schema
    .createTable('elements_bm_tenants')
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('drift_detected', 'integer', (c) => c.notNull())
    .addColumn('drift_ms', 'bigint')
    .addColumn('last_deployed_ms', 'bigint')
    .addColumn('auto_alignment', 'integer', (c) => c.notNull())
    .addColumn('applied', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('elements_bm_tenants_pk', ['customer_id', 'tenant_id'])
    .execute();
  await addSequenceColumn(db.schema.createTable('elements_bm_jobs'), engine, 'seq')
    .addColumn('job_id', 'text', (c) => c.notNull().unique())
    .addColumn('partner_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('type', 'integer', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('kernel_job_id', 'text')
    .addColumn('created_ms', 'bigint', (c) => c.notNull())
    .addColumn('finished_ms', 'bigint')
    .addColumn('payload', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('elements_bm_jobs_tenant').on('elements_bm_jobs').columns(['customer_id', 'tenant_id', 'seq']).execute();
};

/** Copies of baselines captured in another data center (see `is_copy`). */
export const addBaselineCopies = async (db: Kysely<unknown>) => {
  await db.schema.alterTable('elements_bm_baselines').addColumn('is_copy', 'integer', (c) => c.notNull().defaultTo(0)).execute();
};
