import type { Kysely, Transaction } from 'kysely';
import { appendToOutbox, OutboxDispatcher } from '../../platform/outbox.js';
import type { RegionContext } from '../../platform/product-module.js';
import { BACKUP_AUDIT_OUTBOX, type BackupTables } from '../schema.js';

/**
 * Audit records of this module's own actions (a restore started, finished): written in the
 * transaction of the change they describe, delivered to the tenant's audit log through
 * RegionContext.audit by the kernel's outbox. The record id is the message id, so a
 * repeated delivery stores nothing twice.
 */
export async function appendAudit(trx: Transaction<BackupTables>, tenantId: string, record: { id: string } & Record<string, unknown>, nowMs: number): Promise<void> {
  await appendToOutbox(trx as never, BACKUP_AUDIT_OUTBOX, [{ id: record.id, tenantId, payload: record }], nowMs);
}

export function auditDispatcher(db: Kysely<BackupTables>, context: RegionContext): OutboxDispatcher {
  return new OutboxDispatcher(db as never, BACKUP_AUDIT_OUTBOX, (_destination, tenantId, payloads) => context.audit(tenantId, payloads), context.clock, context.logger);
}
