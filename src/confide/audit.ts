import type { Kysely, Transaction } from 'kysely';
import { newId } from '../platform/ids.js';
import { appendToOutbox } from '../platform/outbox.js';
import type { ConfideTables } from './schema.js';

export const CONFIDE_AUDIT_OUTBOX = 'confide_audit_outbox';

/** The audit log's product type of Confide (shown as "Confide" by /aos/audit). */
const CONFIDE_PRODUCT_TYPE = 'VDR';

export interface ConfideAuditEvent {
  actionName: string;
  operationType: 'Create' | 'Update';
  /** Who asked: the app's client id. */
  actor: string;
  objectName: string;
  parameters: Record<string, unknown>;
  failed?: boolean;
  comment?: string;
}

/**
 * Writes the audit record in the caller's transaction, so a stored task always has its record;
 * the kernel's OutboxDispatcher delivers it to the region's audit log (RegionContext.audit).
 */
export async function appendAudit(trx: Transaction<ConfideTables> | Kysely<ConfideTables>, tenantId: string, atMs: number, event: ConfideAuditEvent): Promise<void> {
  const id = `confide-${newId()}`;
  const record = {
    id,
    actionTime: new Date(atMs).toISOString(),
    productType: CONFIDE_PRODUCT_TYPE,
    geoLocation: null,
    actionName: event.actionName,
    actionUser: event.actor,
    actionParameters: JSON.stringify(event.parameters),
    controllerName: 'ShareSettingController',
    previousValue: null,
    currentValue: null,
    partnerTenantOwner: null,
    status: event.failed ? 'Failed' : 'Successful',
    comment: event.comment ?? null,
    objectType: 'Privileged user',
    operationType: event.operationType,
    module: 'Share center',
    functionality: 'Privileged users',
    objectName: event.objectName,
    action: null,
    clientIP: null,
    additionalDetails: {},
  };
  await appendToOutbox(trx as unknown as Kysely<never>, CONFIDE_AUDIT_OUTBOX, [{ id, tenantId, payload: record }], atMs);
}
