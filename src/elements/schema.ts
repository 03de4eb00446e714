import type { Generated, Kysely } from 'kysely';
import type { Engine } from '../storage/database.js';
import { addSequenceColumn, type ModuleMigrations } from '../storage/migrations.js';

/**
 * Elements keeps two kinds of tables. In each data center (the `elements` product module):
 * the records of the customers whose data lives there — profile, Microsoft 365 tenants,
 * subscriptions, scan profiles, protected users, protection summaries. At the global
 * endpoint: the partner directory (which partner manages which customer, in which data
 * center: what routing and partner-wide paging need), authorization links and seat pools.
 * The directory also projects what partner-wide customer lists show (tenants, backup status),
 * written through the global endpoint with the data center's own write, so those lists are
 * answered from one table. JSON columns hold what is only ever read whole. Times are epoch ms.
 */
export interface ElementsRegionTables {
  elements_customers: {
    seq: Generated<number>;
    id: string;
    partner_id: string;
    organization: string;
    owner_email: string;
    first_name: string;
    last_name: string;
    country_code: string;
    telephone: string | null;
    management_mode: number;
    tags: string;
    job_status: number;
    created_at: number;
  };
  elements_tenants: {
    seq: Generated<number>;
    customer_id: string;
    tenant_id: string;
    type: number;
    name: string;
    domain: string;
    aad_environment: number;
    platform_environment_type: number;
    available_user_seat: number;
    assigned_user_seat: number;
    consented_apps: string;
    created_at: number;
  };
  elements_subscriptions: {
    seq: Generated<number>;
    customer_id: string;
    product: number;
    user_seats: number;
    record: string;
    created_at: number;
  };
  elements_scan_profiles: {
    seq: Generated<number>;
    customer_id: string;
    profile_id: string;
    tenant_id: string;
    modified_at: number;
    profile: string;
  };
  elements_protected_users: {
    seq: Generated<number>;
    customer_id: string;
    tenant_id: string;
    user_id: string;
    email: string;
    email_key: string;
    display_name: string;
    modules: string;
  };
  elements_protection: {
    seq: Generated<number>;
    customer_id: string;
    service_module: string;
    scanned: number;
    protected: number;
    size_avepoint: string;
    size_byos: string;
  };
}

export interface ElementsGlobalTables {
  elements_directory: {
    seq: Generated<number>;
    customer_id: string;
    partner_id: string;
    data_center: string;
    registration_key: string;
    organization: string;
    owner_email: string;
    country_code: string;
    management_mode: number;
    /** Projection of the customer's record for partner-wide lists: its tenants (JSON `[{id, name}]`) and backup status. */
    tenants: string;
    job_status: number;
    created_at: number;
  };
  elements_auth_links: {
    id: string;
    partner_id: string;
    customer_id: string;
    tenant_id: string;
    kind: string;
    request: string;
    state: string;
    created_at: number;
    expires_at: number;
    decided_at: number | null;
  };
  elements_seat_pools: {
    partner_id: string;
    resource: string;
    source_type: number;
    total_seats: number;
    assigned_seats: number;
    premium_limit: number;
    premium_used: number;
    expires_at: number;
  };
  elements_seat_draws: {
    partner_id: string;
    customer_id: string;
    product: number;
    resource: string;
    seats: number;
    created_at: number;
  };
}

const createRegionTables = (engine: Engine) => async (db: Kysely<unknown>) => {
  await addSequenceColumn(db.schema.createTable('elements_customers'), engine, 'seq')
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('partner_id', 'text', (c) => c.notNull())
    .addColumn('organization', 'text', (c) => c.notNull())
    .addColumn('owner_email', 'text', (c) => c.notNull())
    .addColumn('first_name', 'text', (c) => c.notNull())
    .addColumn('last_name', 'text', (c) => c.notNull())
    .addColumn('country_code', 'text', (c) => c.notNull())
    .addColumn('telephone', 'text')
    .addColumn('management_mode', 'integer', (c) => c.notNull())
    .addColumn('tags', 'text', (c) => c.notNull())
    .addColumn('job_status', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('elements_customers_partner').on('elements_customers').columns(['partner_id', 'seq']).execute();
  await addSequenceColumn(db.schema.createTable('elements_tenants'), engine, 'seq')
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('type', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('domain', 'text', (c) => c.notNull())
    .addColumn('aad_environment', 'integer', (c) => c.notNull())
    .addColumn('platform_environment_type', 'integer', (c) => c.notNull())
    .addColumn('available_user_seat', 'integer', (c) => c.notNull())
    .addColumn('assigned_user_seat', 'integer', (c) => c.notNull())
    .addColumn('consented_apps', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('elements_tenants_id', ['customer_id', 'tenant_id'])
    .execute();
  await addSequenceColumn(db.schema.createTable('elements_subscriptions'), engine, 'seq')
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('product', 'integer', (c) => c.notNull())
    .addColumn('user_seats', 'integer', (c) => c.notNull())
    .addColumn('record', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('elements_subscriptions_product', ['customer_id', 'product'])
    .execute();
  await addSequenceColumn(db.schema.createTable('elements_scan_profiles'), engine, 'seq')
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('profile_id', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('modified_at', 'bigint', (c) => c.notNull())
    .addColumn('profile', 'text', (c) => c.notNull())
    .addUniqueConstraint('elements_scan_profiles_id', ['customer_id', 'profile_id'])
    .execute();
  await addSequenceColumn(db.schema.createTable('elements_protected_users'), engine, 'seq')
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('email_key', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('modules', 'text', (c) => c.notNull())
    .addUniqueConstraint('elements_protected_users_id', ['customer_id', 'tenant_id', 'user_id'])
    .execute();
  await db.schema.createIndex('elements_protected_users_email').on('elements_protected_users').columns(['customer_id', 'tenant_id', 'email_key']).execute();
  await addSequenceColumn(db.schema.createTable('elements_protection'), engine, 'seq')
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('service_module', 'text', (c) => c.notNull())
    .addColumn('scanned', 'integer', (c) => c.notNull())
    .addColumn('protected', 'integer', (c) => c.notNull())
    .addColumn('size_avepoint', 'text', (c) => c.notNull())
    .addColumn('size_byos', 'text', (c) => c.notNull())
    .addUniqueConstraint('elements_protection_module', ['customer_id', 'service_module'])
    .execute();
};

export const elementsRegionMigrations: ModuleMigrations = {
  module: 'elements',
  migrations: { '001_customer_records': (engine) => ({ up: createRegionTables(engine) }) },
};

const createGlobalTables = (engine: Engine) => async (db: Kysely<unknown>) => {
  await addSequenceColumn(db.schema.createTable('elements_directory'), engine, 'seq')
    .addColumn('customer_id', 'text', (c) => c.notNull().unique())
    .addColumn('partner_id', 'text', (c) => c.notNull())
    .addColumn('data_center', 'text', (c) => c.notNull())
    .addColumn('registration_key', 'text', (c) => c.notNull().unique())
    .addColumn('organization', 'text', (c) => c.notNull())
    .addColumn('owner_email', 'text', (c) => c.notNull())
    .addColumn('country_code', 'text', (c) => c.notNull())
    .addColumn('management_mode', 'integer', (c) => c.notNull())
    .addColumn('tenants', 'text', (c) => c.notNull())
    .addColumn('job_status', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('elements_directory_partner').on('elements_directory').columns(['partner_id', 'seq']).execute();
  await db.schema
    .createTable('elements_auth_links')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('partner_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('request', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('decided_at', 'bigint')
    .execute();
  await db.schema
    .createTable('elements_seat_pools')
    .addColumn('partner_id', 'text', (c) => c.notNull())
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('source_type', 'integer', (c) => c.notNull())
    .addColumn('total_seats', 'integer', (c) => c.notNull())
    .addColumn('assigned_seats', 'integer', (c) => c.notNull())
    .addColumn('premium_limit', 'integer', (c) => c.notNull())
    .addColumn('premium_used', 'integer', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('elements_seat_pools_pk', ['partner_id', 'resource', 'source_type'])
    .execute();
  await db.schema
    .createTable('elements_seat_draws')
    .addColumn('partner_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('product', 'integer', (c) => c.notNull())
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('seats', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('elements_seat_draws_pk', ['customer_id', 'product', 'resource'])
    .execute();
};

export const elementsGlobalMigrations: ModuleMigrations = {
  module: 'elements_global',
  migrations: { '001_partner_directory': (engine) => ({ up: createGlobalTables(engine) }) },
};
