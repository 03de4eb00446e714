import type { Generated } from 'kysely';
import type { ModuleMigrations } from '../storage/migrations.js';
import { createOutboxIndex, createOutboxTable, type OutboxTable } from '../platform/outbox.js';
import { customerScopeMigration } from './partners/customer-scope.js';

/** The identity store: one per cloud environment. Times are epoch milliseconds. */
export interface IdentityTables {
  identity_tenants: { id: string; name: string; name_key: string; home_region: string; created_at: number };
  identity_apps: {
    client_id: string;
    tenant_id: string;
    name: string;
    permissions: string; // JSON array of permission names
    created_at: number;
    updated_at: number;
  };
  identity_client_secrets: {
    id: string;
    client_id: string;
    secret_hash: string; // hex SHA-256 of the secret; the secret itself is never stored
    hint: string;
    created_at: number;
    expires_at: number;
  };
  identity_certificates: {
    id: string;
    client_id: string;
    thumbprint_sha1: string;
    thumbprint_sha256: string;
    subject: string;
    not_before: number;
    not_after: number;
    der_base64: string;
    created_at: number;
  };
  identity_signing_keys: {
    kid: string;
    alg: string;
    private_pem: string;
    public_jwk: string;
    created_at: number;
    retired_at: number | null;
    /** When it starts signing; published in the JWKS from created_at (null: at once). */
    activates_at: number | null;
  };
  identity_audit_outbox: OutboxTable & { seq: Generated<number> };
  /** Client-assertion `jti`s already used, each until its assertion expires (replay-cache.ts). */
  identity_assertion_replays: { replay_key: string; expires_at: number };
  /** A deployment's own credential (a region-only node), scoped to the producer path of some data centers. */
  identity_service_credentials: {
    client_id: string;
    name: string;
    secret_hash: string;
    data_centers: string; // JSON array of data center codes
    /** JSON array of what it may do there (service-credentials.ts: `producer`, `global`). */
    roles: string;
    created_at: number;
  };
}

export const identityMigrations: ModuleMigrations = {
  module: 'identity',
  migrations: {
    '001_initial': (engine) => ({
      async up(db) {
        await db.schema
          .createTable('identity_tenants')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('name_key', 'text', (c) => c.notNull().unique())
          .addColumn('home_region', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('identity_apps')
          .addColumn('client_id', 'text', (c) => c.primaryKey())
          .addColumn('tenant_id', 'text', (c) => c.notNull().references('identity_tenants.id'))
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('permissions', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('identity_apps_tenant').on('identity_apps').column('tenant_id').execute();
        await db.schema
          .createTable('identity_client_secrets')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('client_id', 'text', (c) => c.notNull().references('identity_apps.client_id').onDelete('cascade'))
          .addColumn('secret_hash', 'text', (c) => c.notNull())
          .addColumn('hint', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('expires_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('identity_client_secrets_client').on('identity_client_secrets').column('client_id').execute();
        await db.schema
          .createTable('identity_certificates')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('client_id', 'text', (c) => c.notNull().references('identity_apps.client_id').onDelete('cascade'))
          .addColumn('thumbprint_sha1', 'text', (c) => c.notNull())
          .addColumn('thumbprint_sha256', 'text', (c) => c.notNull())
          .addColumn('subject', 'text', (c) => c.notNull())
          .addColumn('not_before', 'bigint', (c) => c.notNull())
          .addColumn('not_after', 'bigint', (c) => c.notNull())
          .addColumn('der_base64', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addUniqueConstraint('identity_certificates_app_thumbprint', ['client_id', 'thumbprint_sha256'])
          .execute();
        await db.schema
          .createTable('identity_signing_keys')
          .addColumn('kid', 'text', (c) => c.primaryKey())
          .addColumn('alg', 'text', (c) => c.notNull())
          .addColumn('private_pem', 'text', (c) => c.notNull())
          .addColumn('public_jwk', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('retired_at', 'bigint')
          .execute();
        await createOutboxTable(db, engine, 'identity_audit_outbox').execute();
        await createOutboxIndex(db, 'identity_audit_outbox');
      },
    }),
    '002_assertion_replays': () => ({
      async up(db) {
        await db.schema
          .createTable('identity_assertion_replays')
          .addColumn('replay_key', 'text', (c) => c.primaryKey())
          .addColumn('expires_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('identity_assertion_replays_expiry').on('identity_assertion_replays').column('expires_at').execute();
      },
    }),
    '003_service_credentials': () => ({
      async up(db) {
        await db.schema
          .createTable('identity_service_credentials')
          .addColumn('client_id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('secret_hash', 'text', (c) => c.notNull())
          .addColumn('data_centers', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.alterTable('identity_signing_keys').addColumn('activates_at', 'bigint').execute();
      },
    }),
    '004_customer_scope': customerScopeMigration,
    // Credentials made before roles existed were region-only deployments' producer credentials.
    '005_service_credential_roles': () => ({
      async up(db) {
        await db.schema.alterTable('identity_service_credentials').addColumn('roles', 'text', (c) => c.notNull().defaultTo('["producer"]')).execute();
      },
    }),
  },
};
