import type { Kysely, Transaction } from 'kysely';
import { newId } from '../platform/ids.js';
import type { Clock } from '../platform/clock.js';
import { appendToOutbox } from '../platform/outbox.js';
import type { IdentityTables } from './schema.js';

/**
 * Admin actions become audit records of product "AvePoint Online Services" in the
 * tenant's home region. The record is written to an outbox in the same transaction as
 * the change, then delivered through the region's producer API (src/platform/outbox.ts);
 * the producer id makes redelivery after a crash harmless.
 */
export interface AdminAuditEvent {
  actionName: string;
  operationType: 'Create' | 'Delete' | 'Update';
  objectType: string;
  objectName: string;
  actor: string;
  clientIP?: string | undefined;
  previousValue?: unknown;
  currentValue?: unknown;
}

export interface AuditDelivery {
  /** Sends records to a region's producer API; resolves once the region acknowledged them. */
  deliver(region: string, tenantId: string, records: unknown[]): Promise<void>;
}

export function toProducerRecord(id: string, createdAt: number, event: AdminAuditEvent): Record<string, unknown> {
  return {
    id,
    actionTime: new Date(createdAt).toISOString(),
    productType: 'Portal',
    actionName: event.actionName,
    actionUser: event.actor,
    actionParameters: null,
    controllerName: `${event.objectType.replace(/\s+/g, '')}Controller`,
    geoLocation: null,
    previousValue: event.previousValue === undefined ? null : JSON.stringify(event.previousValue),
    currentValue: event.currentValue === undefined ? null : JSON.stringify(event.currentValue),
    partnerTenantOwner: null,
    status: 'Successful',
    comment: null,
    objectType: event.objectType,
    operationType: event.operationType,
    module: 'Administration',
    functionality: event.objectType,
    objectName: event.objectName,
    action: null,
    clientIP: event.clientIP ?? null,
    additionalDetails: {},
  };
}

export const IDENTITY_AUDIT_OUTBOX = 'identity_audit_outbox';

/** Writes the event into the outbox in the caller's transaction; the dispatcher delivers it. */
export async function appendAuditEvent(
  trx: Transaction<IdentityTables> | Kysely<IdentityTables>,
  clock: Clock,
  tenant: { id: string; home_region: string },
  event: AdminAuditEvent,
): Promise<void> {
  const id = `identity-${newId()}`;
  const createdAt = clock.nowMs();
  await appendToOutbox(trx as never, IDENTITY_AUDIT_OUTBOX, [{ id, tenantId: tenant.id, destination: tenant.home_region, payload: toProducerRecord(id, createdAt, event) }], createdAt);
}
