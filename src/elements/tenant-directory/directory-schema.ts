import type { Generated, Kysely } from 'kysely';
import type { Engine } from '../../storage/database.js';
import { addSequenceColumn } from '../../storage/migrations.js';
import { createOutboxIndex, createOutboxTable, type OutboxTable } from '../../platform/outbox.js';

/**
 * The tenant directory: what a customer's Microsoft 365 tenant holds, in the customer's data
 * center, keyed by (customer, tenant). Risk management, user management and workspace
 * management read only these tables, so their counts agree. Facts a rule tests (MFA,
 * sign-in blocked, owners, guests, storage, activity …) are columns; fields that are only
 * ever read or replaced whole sit in the JSON `profile` / `detail`. Flags are 0/1 integers,
 * times epoch milliseconds.
 */
export interface DirectoryTables {
  elements_dir_users: {
    seq: Generated<number>;
    customer_id: string;
    tenant_id: string;
    user_id: string;
    /** 'cloud' (users/…) or 'local' (local-users/…: synchronised from on-premises AD). */
    kind: string;
    upn: string;
    display_name: string;
    mail: string;
    user_type: string;
    admin_roles: string;
    account_enabled: number;
    mfa_enabled: number;
    password_never_expire: number;
    password_changed_ms: number;
    risk_level: number;
    compliant: number;
    pending_deletion: number;
    is_test: number;
    is_external: number;
    license_count: number;
    last_sign_in_ms: number | null;
    sign_in_count: number;
    fixed_ms: number | null;
    created_ms: number;
    modified_ms: number;
    profile: string;
  };
  elements_dir_objects: {
    seq: Generated<number>;
    customer_id: string;
    tenant_id: string;
    object_id: string;
    /** The risk-management data source: 1 Exchange, 2 Groups, 3 Teams, 4 SharePoint, 5 OneDrive, 8–12 Power Platform. */
    data_source: number;
    name: string;
    owner_count: number;
    member_count: number;
    guest_count: number;
    storage_used_mb: number;
    storage_limit_mb: number;
    last_activity_ms: number | null;
    created_ms: number;
    sensitive_everyone: number;
    sensitive_everyone_except_external: number;
    sensitive_anyone_link: number;
    sensitive_specific_external: number;
    sensitive_org_link: number;
    ransomware_ms: number | null;
    unusual_activity_ms: number | null;
    suspicious_object_ms: number | null;
    detail: string;
  };
  elements_dir_signins: {
    seq: Generated<number>;
    customer_id: string;
    tenant_id: string;
    signin_id: string;
    user_id: string;
    login_ms: number;
    ip: string;
    lat: number;
    lon: number;
    country: string;
    city: string;
    device_name: string;
    is_risk: number;
  };
  elements_dir_file_access: {
    seq: Generated<number>;
    customer_id: string;
    tenant_id: string;
    access_id: string;
    user_id: string;
    file_name: string;
    access_ms: number;
    sensitive_information: string | null;
  };
  elements_dir_rule_settings: {
    customer_id: string;
    tenant_id: string;
    rule_id: string;
    enabled: number;
    setting: string | null;
  };
  elements_governance_audit_outbox: OutboxTable;
}

export const GOVERNANCE_AUDIT_OUTBOX = 'elements_governance_audit_outbox';

export const createDirectoryTables = (engine: Engine) => async (db: Kysely<unknown>) => {
  await addSequenceColumn(db.schema.createTable('elements_dir_users'), engine, 'seq')
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('upn', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('mail', 'text', (c) => c.notNull())
    .addColumn('user_type', 'text', (c) => c.notNull())
    .addColumn('admin_roles', 'text', (c) => c.notNull())
    .addColumn('account_enabled', 'integer', (c) => c.notNull())
    .addColumn('mfa_enabled', 'integer', (c) => c.notNull())
    .addColumn('password_never_expire', 'integer', (c) => c.notNull())
    .addColumn('password_changed_ms', 'bigint', (c) => c.notNull())
    .addColumn('risk_level', 'integer', (c) => c.notNull())
    .addColumn('compliant', 'integer', (c) => c.notNull())
    .addColumn('pending_deletion', 'integer', (c) => c.notNull())
    .addColumn('is_test', 'integer', (c) => c.notNull())
    .addColumn('is_external', 'integer', (c) => c.notNull())
    .addColumn('license_count', 'integer', (c) => c.notNull())
    .addColumn('last_sign_in_ms', 'bigint')
    .addColumn('sign_in_count', 'integer', (c) => c.notNull())
    .addColumn('fixed_ms', 'bigint')
    .addColumn('created_ms', 'bigint', (c) => c.notNull())
    .addColumn('modified_ms', 'bigint', (c) => c.notNull())
    .addColumn('profile', 'text', (c) => c.notNull())
    .addUniqueConstraint('elements_dir_users_id', ['customer_id', 'tenant_id', 'user_id'])
    .execute();
  await db.schema.createIndex('elements_dir_users_page').on('elements_dir_users').columns(['customer_id', 'tenant_id', 'seq']).execute();
  await addSequenceColumn(db.schema.createTable('elements_dir_objects'), engine, 'seq')
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('object_id', 'text', (c) => c.notNull())
    .addColumn('data_source', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('owner_count', 'integer', (c) => c.notNull())
    .addColumn('member_count', 'integer', (c) => c.notNull())
    .addColumn('guest_count', 'integer', (c) => c.notNull())
    .addColumn('storage_used_mb', 'bigint', (c) => c.notNull())
    .addColumn('storage_limit_mb', 'bigint', (c) => c.notNull())
    .addColumn('last_activity_ms', 'bigint')
    .addColumn('created_ms', 'bigint', (c) => c.notNull())
    .addColumn('sensitive_everyone', 'integer', (c) => c.notNull())
    .addColumn('sensitive_everyone_except_external', 'integer', (c) => c.notNull())
    .addColumn('sensitive_anyone_link', 'integer', (c) => c.notNull())
    .addColumn('sensitive_specific_external', 'integer', (c) => c.notNull())
    .addColumn('sensitive_org_link', 'integer', (c) => c.notNull())
    .addColumn('ransomware_ms', 'bigint')
    .addColumn('unusual_activity_ms', 'bigint')
    .addColumn('suspicious_object_ms', 'bigint')
    .addColumn('detail', 'text', (c) => c.notNull())
    .addUniqueConstraint('elements_dir_objects_id', ['customer_id', 'tenant_id', 'data_source', 'object_id'])
    .execute();
  await db.schema.createIndex('elements_dir_objects_source').on('elements_dir_objects').columns(['customer_id', 'tenant_id', 'data_source', 'seq']).execute();
  await addSequenceColumn(db.schema.createTable('elements_dir_signins'), engine, 'seq')
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('signin_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('login_ms', 'bigint', (c) => c.notNull())
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('lat', 'double precision', (c) => c.notNull())
    .addColumn('lon', 'double precision', (c) => c.notNull())
    .addColumn('country', 'text', (c) => c.notNull())
    .addColumn('city', 'text', (c) => c.notNull())
    .addColumn('device_name', 'text', (c) => c.notNull())
    .addColumn('is_risk', 'integer', (c) => c.notNull())
    .addUniqueConstraint('elements_dir_signins_id', ['customer_id', 'tenant_id', 'signin_id'])
    .execute();
  await db.schema.createIndex('elements_dir_signins_user').on('elements_dir_signins').columns(['customer_id', 'tenant_id', 'user_id', 'login_ms']).execute();
  await addSequenceColumn(db.schema.createTable('elements_dir_file_access'), engine, 'seq')
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('access_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('access_ms', 'bigint', (c) => c.notNull())
    .addColumn('sensitive_information', 'text')
    .addUniqueConstraint('elements_dir_file_access_id', ['customer_id', 'tenant_id', 'access_id'])
    .execute();
  await db.schema.createIndex('elements_dir_file_access_user').on('elements_dir_file_access').columns(['customer_id', 'tenant_id', 'user_id', 'access_ms']).execute();
  await db.schema
    .createTable('elements_dir_rule_settings')
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('rule_id', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('setting', 'text')
    .addPrimaryKeyConstraint('elements_dir_rule_settings_pk', ['customer_id', 'tenant_id', 'rule_id'])
    .execute();
  await createOutboxTable(db, engine, GOVERNANCE_AUDIT_OUTBOX).execute();
  await createOutboxIndex(db, GOVERNANCE_AUDIT_OUTBOX);
};
