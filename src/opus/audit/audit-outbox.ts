import type { Kysely, Transaction } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import { appendToOutbox } from '../../platform/outbox.js';
import { OPUS_PRODUCT_TYPE } from '../catalogue.js';
import type { OpusTables } from '../schema.js';

/** An Opus action as the audit log shows it (product "Opus"). */
export interface OpusAuditEvent {
  actionName: string;
  operationType: 'Create' | 'Update' | 'Delete' | 'Destroy' | 'Approve' | 'Reject' | 'Restore' | 'Submit';
  objectType: string;
  objectName: string;
  actor: string;
  module: 'Connector' | 'Retention' | 'Holds' | 'Disposal review' | 'Restore archived data';
  parameters?: unknown;
  previousValue?: unknown;
  currentValue?: unknown;
  comment?: string;
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
const json = (value: unknown, max = 8000) => (value === undefined ? null : clip(JSON.stringify(value), max));

export const OPUS_AUDIT_OUTBOX = 'opus_audit_outbox';

/**
 * Writes the audit record in the caller's transaction, so an acknowledged change always has
 * its record: the outbox row commits or rolls back with the change it describes, and the
 * kernel's OutboxDispatcher delivers it to the region's audit log (RegionContext.audit).
 */
export async function appendAudit(trx: Transaction<OpusTables> | Kysely<OpusTables>, clock: Clock, tenantId: string, event: OpusAuditEvent): Promise<void> {
  const id = `opus-${newId()}`;
  const at = clock.nowMs();
  const record = {
    id,
    actionTime: new Date(at).toISOString(),
    productType: OPUS_PRODUCT_TYPE,
    geoLocation: null,
    actionName: clip(event.actionName, 500),
    actionUser: clip(event.actor, 500),
    actionParameters: json(event.parameters),
    controllerName: `${event.objectType.replace(/\s+/g, '')}Controller`,
    previousValue: json(event.previousValue),
    currentValue: json(event.currentValue),
    partnerTenantOwner: null,
    status: 'Successful',
    comment: event.comment ? clip(event.comment, 2000) : null,
    objectType: event.objectType,
    operationType: event.operationType,
    module: event.module,
    functionality: event.objectType,
    objectName: clip(event.objectName, 1000),
    action: null,
    clientIP: null,
    additionalDetails: {},
  };
  await appendToOutbox(trx as unknown as Kysely<never>, OPUS_AUDIT_OUTBOX, [{ id, tenantId, payload: record }], at);
}
