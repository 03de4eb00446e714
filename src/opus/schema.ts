import type { Generated } from 'kysely';
import { createOutboxIndex, createOutboxTable, type OutboxTable } from '../platform/outbox.js';
import { addSequenceColumn, type ModuleMigrations } from '../storage/migrations.js';

/**
 * The opus module's tables in a regional database. Times are epoch milliseconds; flags are
 * 0/1 integers so both engines read them the same way.
 */
export interface OpusTables {
  opus_connections: {
    id: string;
    tenant_id: string;
    name: string;
    name_lower: string;
    description: string | null;
    /** JSON array of ConnectionColumn: the custom columns, in the order the operator made them. */
    columns: string;
    created_at: number;
    updated_at: number;
  };
  opus_terms: {
    seq: Generated<number>;
    tenant_id: string;
    id: string;
    path: string;
    path_lower: string;
    retain_days: number | null;
    retain_after: string | null;
    requires_approval: number;
    event_at: number | null;
    created_at: number;
    updated_at: number;
  };
  opus_records: {
    /** Also the record's version: a change of due date re-inserts the row (see RecordStore). */
    seq: Generated<number>;
    tenant_id: string;
    connection_id: string;
    row_key: string;
    leaf_name: string;
    term_path: string | null;
    term_path_lower: string | null;
    time_created: number;
    time_modified: number;
    created_by: string;
    modified_by: string;
    custom_values: string;
    due_at: number | null;
    requires_approval: number;
    review_decision: string | null;
    reviewed_by: string | null;
    reviewed_at: number | null;
    review_comment: string | null;
    submitted_by: string;
    submitted_at: number;
    updated_at: number;
  };
  opus_tombstones: {
    seq: Generated<number>;
    tenant_id: string;
    connection_id: string;
    row_key: string;
    term_path: string | null;
    rule: string | null;
    due_at: number | null;
    destroyed_at: number;
    destroyed_by: string;
    approved_by: string | null;
    approved_at: number | null;
  };
  opus_holds: {
    seq: Generated<number>;
    tenant_id: string;
    id: string;
    name: string;
    reason: string | null;
    kind: string;
    connection_id: string | null;
    term_path: string | null;
    term_path_lower: string | null;
    created_at: number;
    created_by: string;
    removed_at: number | null;
    removed_by: string | null;
  };
  opus_hold_records: {
    hold_id: string;
    tenant_id: string;
    connection_id: string;
    row_key: string;
  };
  opus_archived_scopes: {
    tenant_id: string;
    scope_type: string;
    scope_key: string;
    scope: string;
    has_archived_data: number;
    grace_days: number | null;
    grace_set_at: number | null;
    deletion_started_at: number | null;
    updated_at: number;
  };
  opus_restore_jobs: {
    seq: Generated<number>;
    tenant_id: string;
    id: string;
    scope_type: string;
    scope_key: string;
    scope: string;
    options: string;
    status: number;
    progress: number;
    start_time: number;
    finish_time: number | null;
    message: string | null;
    requested_by: string;
    created_at: number;
    updated_at: number;
  };
  /** The kernel's outbox shape (src/platform/outbox.ts): audit records on their way to the audit log. */
  opus_audit_outbox: Omit<OutboxTable, 'seq'> & { seq: Generated<number> };
}

export const opusMigrations: ModuleMigrations = {
  module: 'opus',
  migrations: {
    '001_connector_retention_restore': (engine) => ({
      async up(db) {
        await db.schema
          .createTable('opus_connections')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('tenant_id', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('name_lower', 'text', (c) => c.notNull())
          .addColumn('description', 'text')
          .addColumn('columns', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .addUniqueConstraint('opus_connections_name', ['tenant_id', 'name_lower'])
          .execute();

        await addSequenceColumn(db.schema.createTable('opus_terms'), engine, 'seq')
          .addColumn('tenant_id', 'text', (c) => c.notNull())
          .addColumn('id', 'text', (c) => c.notNull().unique())
          .addColumn('path', 'text', (c) => c.notNull())
          .addColumn('path_lower', 'text', (c) => c.notNull())
          .addColumn('retain_days', 'integer')
          .addColumn('retain_after', 'text')
          .addColumn('requires_approval', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('event_at', 'bigint')
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .addUniqueConstraint('opus_terms_path', ['tenant_id', 'path_lower'])
          .execute();

        await addSequenceColumn(db.schema.createTable('opus_records'), engine, 'seq')
          .addColumn('tenant_id', 'text', (c) => c.notNull())
          .addColumn('connection_id', 'text', (c) => c.notNull())
          .addColumn('row_key', 'text', (c) => c.notNull())
          .addColumn('leaf_name', 'text', (c) => c.notNull())
          .addColumn('term_path', 'text')
          .addColumn('term_path_lower', 'text')
          .addColumn('time_created', 'bigint', (c) => c.notNull())
          .addColumn('time_modified', 'bigint', (c) => c.notNull())
          .addColumn('created_by', 'text', (c) => c.notNull())
          .addColumn('modified_by', 'text', (c) => c.notNull())
          .addColumn('custom_values', 'text', (c) => c.notNull())
          .addColumn('due_at', 'bigint')
          .addColumn('requires_approval', 'integer', (c) => c.notNull())
          .addColumn('review_decision', 'text')
          .addColumn('reviewed_by', 'text')
          .addColumn('reviewed_at', 'bigint')
          .addColumn('review_comment', 'text')
          .addColumn('submitted_by', 'text', (c) => c.notNull())
          .addColumn('submitted_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .addUniqueConstraint('opus_records_key', ['tenant_id', 'connection_id', 'row_key'])
          .execute();
        // The due-records keyset: one range scan per page whatever the connection's size.
        await db.schema.createIndex('opus_records_due').on('opus_records').columns(['tenant_id', 'connection_id', 'due_at', 'seq']).execute();
        // disposalIds name records by key only, across the tenant's connections.
        await db.schema.createIndex('opus_records_row_key').on('opus_records').columns(['tenant_id', 'row_key']).execute();
        // Rule changes recompute due dates term by term.
        await db.schema.createIndex('opus_records_term').on('opus_records').columns(['tenant_id', 'term_path_lower']).execute();

        await addSequenceColumn(db.schema.createTable('opus_tombstones'), engine, 'seq')
          .addColumn('tenant_id', 'text', (c) => c.notNull())
          .addColumn('connection_id', 'text', (c) => c.notNull())
          .addColumn('row_key', 'text', (c) => c.notNull())
          .addColumn('term_path', 'text')
          .addColumn('rule', 'text')
          .addColumn('due_at', 'bigint')
          .addColumn('destroyed_at', 'bigint', (c) => c.notNull())
          .addColumn('destroyed_by', 'text', (c) => c.notNull())
          .addColumn('approved_by', 'text')
          .addColumn('approved_at', 'bigint')
          .addUniqueConstraint('opus_tombstones_key', ['tenant_id', 'connection_id', 'row_key'])
          .execute();
        await db.schema.createIndex('opus_tombstones_row_key').on('opus_tombstones').columns(['tenant_id', 'row_key']).execute();

        await addSequenceColumn(db.schema.createTable('opus_holds'), engine, 'seq')
          .addColumn('tenant_id', 'text', (c) => c.notNull())
          .addColumn('id', 'text', (c) => c.notNull().unique())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('reason', 'text')
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('connection_id', 'text')
          .addColumn('term_path', 'text')
          .addColumn('term_path_lower', 'text')
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('created_by', 'text', (c) => c.notNull())
          .addColumn('removed_at', 'bigint')
          .addColumn('removed_by', 'text')
          .execute();
        await db.schema.createIndex('opus_holds_active').on('opus_holds').columns(['tenant_id', 'removed_at']).execute();

        await db.schema
          .createTable('opus_hold_records')
          .addColumn('hold_id', 'text', (c) => c.notNull())
          .addColumn('tenant_id', 'text', (c) => c.notNull())
          .addColumn('connection_id', 'text', (c) => c.notNull())
          .addColumn('row_key', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('opus_hold_records_pk', ['hold_id', 'connection_id', 'row_key'])
          .execute();

        await db.schema
          .createTable('opus_archived_scopes')
          .addColumn('tenant_id', 'text', (c) => c.notNull())
          .addColumn('scope_type', 'text', (c) => c.notNull())
          .addColumn('scope_key', 'text', (c) => c.notNull())
          .addColumn('scope', 'text', (c) => c.notNull())
          .addColumn('has_archived_data', 'integer', (c) => c.notNull())
          .addColumn('grace_days', 'integer')
          .addColumn('grace_set_at', 'bigint')
          .addColumn('deletion_started_at', 'bigint')
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('opus_archived_scopes_pk', ['tenant_id', 'scope_type', 'scope_key'])
          .execute();

        await addSequenceColumn(db.schema.createTable('opus_restore_jobs'), engine, 'seq')
          .addColumn('tenant_id', 'text', (c) => c.notNull())
          .addColumn('id', 'text', (c) => c.notNull().unique())
          .addColumn('scope_type', 'text', (c) => c.notNull())
          .addColumn('scope_key', 'text', (c) => c.notNull())
          .addColumn('scope', 'text', (c) => c.notNull())
          .addColumn('options', 'text', (c) => c.notNull())
          .addColumn('status', 'integer', (c) => c.notNull())
          .addColumn('progress', 'integer', (c) => c.notNull())
          .addColumn('start_time', 'bigint', (c) => c.notNull())
          .addColumn('finish_time', 'bigint')
          .addColumn('message', 'text')
          .addColumn('requested_by', 'text', (c) => c.notNull())
          .addColumn('created_at', 'bigint', (c) => c.notNull())
          .addColumn('updated_at', 'bigint', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('opus_restore_jobs_status').on('opus_restore_jobs').columns(['tenant_id', 'status', 'seq']).execute();
        await db.schema.createIndex('opus_restore_jobs_scope').on('opus_restore_jobs').columns(['tenant_id', 'scope_type', 'scope_key']).execute();

        await createOutboxTable(db, engine, 'opus_audit_outbox').execute();
        await createOutboxIndex(db, 'opus_audit_outbox');
      },
    }),
  },
};
