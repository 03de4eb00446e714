import type { Generated } from 'kysely';
import { createOutboxIndex, createOutboxTable, type OutboxTable } from '../platform/outbox.js';
import { addSequenceColumn, type ModuleMigrations } from '../storage/migrations.js';
import { PRIVILEGES } from './privileges.js';

/** The capability flags of a privileged user, as columns (0 or 1, the same on both engines). */
export interface PrivilegeColumns {
  is_share_coordinator: number;
  can_configure_scan: number;
  can_generate_access_code_link_in_share_center: number;
  can_share_link: number;
  can_generate_upload_link: number;
  can_generate_download_link_in_share_center: number;
  can_generate_upload_link_in_share_center: number;
}

/** The confide module's tables in a regional database. Times are epoch milliseconds. */
export interface ConfideTables {
  /** The share center's privileged users, one per tenant and email (compared ignoring case). */
  confide_privileged_users: PrivilegeColumns & {
    seq: Generated<number>;
    tenant_id: string;
    email_key: string;
    email: string;
    created_ms: number;
    updated_ms: number;
  };
  /** Invitation emails the share center sent; one per task and user, so a resumed task never sends twice. */
  confide_invitations: {
    seq: Generated<number>;
    tenant_id: string;
    email_key: string;
    email: string;
    /** The task that sent it, or `producer` for history reported through the producer API. */
    task_id: string;
    invited_ms: number;
  };
  /**
   * An import or update task. Its counters move with its items, in the same transactions,
   * so the status read is always consistent; `job_id` is the kernel job that runs it.
   */
  confide_tasks: {
    seq: Generated<number>;
    tenant_id: string;
    task_id: string;
    kind: string;
    /** The client id of the app that asked for it. */
    requested_by: string;
    /** The caller's Idempotency-Key or client-request-id: a retried request finds its task. */
    idempotency_key: string | null;
    request_hash: string;
    state: string;
    total_count: number;
    processed_count: number;
    failed_count: number;
    created_ms: number;
    start_ms: number | null;
    finish_ms: number | null;
    job_id: string | null;
  };
  /** The users a task was asked to import or update, in request order, each with its outcome. */
  confide_task_items: {
    task_id: string;
    position: number;
    email: string;
    /** The PrivilegedUser object exactly as sent. */
    request_json: string;
    state: string;
    error_message: string | null;
  };
  /** The kernel's outbox shape (src/platform/outbox.ts): audit records of the tasks on their way to the audit log. */
  confide_audit_outbox: Omit<OutboxTable, 'seq'> & { seq: Generated<number> };
}

export const confideMigrations: ModuleMigrations = {
  module: 'confide',
  migrations: {
    '001_privileged_users_and_tasks': (engine) => ({
      async up(db) {
        let users = addSequenceColumn(db.schema.createTable('confide_privileged_users'), engine, 'seq')
          .addColumn('tenant_id', 'text', (c) => c.notNull())
          .addColumn('email_key', 'text', (c) => c.notNull())
          .addColumn('email', 'text', (c) => c.notNull());
        for (const { column } of PRIVILEGES) users = users.addColumn(column, 'integer', (c) => c.notNull().defaultTo(0));
        await users
          .addColumn('created_ms', 'bigint', (c) => c.notNull())
          .addColumn('updated_ms', 'bigint', (c) => c.notNull())
          .addUniqueConstraint('confide_privileged_users_email', ['tenant_id', 'email_key'])
          .execute();

        await addSequenceColumn(db.schema.createTable('confide_invitations'), engine, 'seq')
          .addColumn('tenant_id', 'text', (c) => c.notNull())
          .addColumn('email_key', 'text', (c) => c.notNull())
          .addColumn('email', 'text', (c) => c.notNull())
          .addColumn('task_id', 'text', (c) => c.notNull())
          .addColumn('invited_ms', 'bigint', (c) => c.notNull())
          .addUniqueConstraint('confide_invitations_once', ['tenant_id', 'task_id', 'email_key'])
          .execute();
        await db.schema.createIndex('confide_invitations_user').on('confide_invitations').columns(['tenant_id', 'email_key', 'invited_ms']).execute();

        await addSequenceColumn(db.schema.createTable('confide_tasks'), engine, 'seq')
          .addColumn('tenant_id', 'text', (c) => c.notNull())
          .addColumn('task_id', 'text', (c) => c.notNull().unique())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('requested_by', 'text', (c) => c.notNull())
          .addColumn('idempotency_key', 'text')
          .addColumn('request_hash', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('total_count', 'integer', (c) => c.notNull())
          .addColumn('processed_count', 'integer', (c) => c.notNull())
          .addColumn('failed_count', 'integer', (c) => c.notNull())
          .addColumn('created_ms', 'bigint', (c) => c.notNull())
          .addColumn('start_ms', 'bigint')
          .addColumn('finish_ms', 'bigint')
          .addColumn('job_id', 'text')
          // Several NULL keys are distinct on both engines: only keyed requests are deduplicated.
          .addUniqueConstraint('confide_tasks_idempotency', ['tenant_id', 'kind', 'idempotency_key'])
          .execute();
        await db.schema.createIndex('confide_tasks_unqueued').on('confide_tasks').columns(['job_id', 'state']).execute();

        await db.schema
          .createTable('confide_task_items')
          .addColumn('task_id', 'text', (c) => c.notNull())
          .addColumn('position', 'integer', (c) => c.notNull())
          .addColumn('email', 'text', (c) => c.notNull())
          .addColumn('request_json', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('error_message', 'text')
          .addPrimaryKeyConstraint('confide_task_items_pk', ['task_id', 'position'])
          .execute();
        await db.schema.createIndex('confide_task_items_state').on('confide_task_items').columns(['task_id', 'state', 'position']).execute();

        await createOutboxTable(db, engine, 'confide_audit_outbox').execute();
        await createOutboxIndex(db, 'confide_audit_outbox');
      },
    }),
  },
};
