import type { Generated } from 'kysely';
import { addSequenceColumn, type ModuleMigrations } from '../storage/migrations.js';

/** The dmso module's tables in a regional database. Times are epoch milliseconds. */
export interface DmsoTables {
  /**
   * DMS Online audit records. `seq` is the record's documented integer `id`; `record_id` is
   * the producer's own id, which makes a retried batch harmless. The object trees are kept as
   * the JSON they are returned as.
   */
  dmso_audit_records: {
    seq: Generated<number>;
    tenant_id: string;
    record_id: string;
    action_time: number;
    module: number;
    action: number;
    status: number;
    client_ip: string;
    object_name: string;
    user_principal_name: string;
    user_entra_id: string;
    user_display_name: string;
    /** `search` matches the display name ignoring case; lowered once here, the same on both engines. */
    user_display_name_lower: string;
    object_detail_json: string;
    detail_json: string;
  };
}

export const dmsoMigrations: ModuleMigrations = {
  module: 'dmso',
  migrations: {
    '001_audit_records': (engine) => ({
      async up(db) {
        await addSequenceColumn(db.schema.createTable('dmso_audit_records'), engine, 'seq')
          .addColumn('tenant_id', 'text', (c) => c.notNull())
          .addColumn('record_id', 'text', (c) => c.notNull())
          .addColumn('action_time', 'bigint', (c) => c.notNull())
          .addColumn('module', 'integer', (c) => c.notNull())
          .addColumn('action', 'integer', (c) => c.notNull())
          .addColumn('status', 'integer', (c) => c.notNull())
          .addColumn('client_ip', 'text', (c) => c.notNull())
          .addColumn('object_name', 'text', (c) => c.notNull())
          .addColumn('user_principal_name', 'text', (c) => c.notNull())
          .addColumn('user_entra_id', 'text', (c) => c.notNull())
          .addColumn('user_display_name', 'text', (c) => c.notNull())
          .addColumn('user_display_name_lower', 'text', (c) => c.notNull())
          .addColumn('object_detail_json', 'text', (c) => c.notNull())
          .addColumn('detail_json', 'text', (c) => c.notNull())
          .addUniqueConstraint('dmso_audit_records_producer_id', ['tenant_id', 'record_id'])
          .execute();
        // Keyset order of /dmso/audits (either direction), and the same order within the action filter clients use most.
        await db.schema.createIndex('dmso_audit_records_time').on('dmso_audit_records').columns(['tenant_id', 'action_time', 'seq']).execute();
        await db.schema.createIndex('dmso_audit_records_action_time').on('dmso_audit_records').columns(['tenant_id', 'action', 'action_time', 'seq']).execute();
      },
    }),
  },
};
