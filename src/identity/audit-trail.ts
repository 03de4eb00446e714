import type { Kysely, Transaction } from 'kysely';
import type { Logger } from 'pino';
import { newId } from '../platform/ids.js';
import type { Clock } from '../platform/clock.js';
import type { IdentityTables } from './schema.js';

/**
 * Admin actions become audit records of product "AvePoint Online Services" in the
 * tenant's home region. The record is written to an outbox in the same transaction as
 * the change, then delivered through the region's producer API; the producer id makes
 * redelivery after a crash harmless.
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

export async function appendAuditEvent(
  trx: Transaction<IdentityTables> | Kysely<IdentityTables>,
  clock: Clock,
  tenant: { id: string; home_region: string },
  event: AdminAuditEvent,
): Promise<void> {
  const id = `identity-${newId()}`;
  const createdAt = clock.nowMs();
  await trx
    .insertInto('identity_audit_outbox')
    .values({
      id,
      tenant_id: tenant.id,
      home_region: tenant.home_region,
      payload: JSON.stringify(toProducerRecord(id, createdAt, event)),
      created_at: createdAt,
      delivered_at: null,
      attempts: 0,
    })
    .execute();
}

/** Delivers pending outbox rows in order, in batches per tenant, retrying with backoff. */
export class AuditOutboxDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private failures = 0;

  constructor(
    private readonly db: Kysely<IdentityTables>,
    private readonly delivery: AuditDelivery,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly intervalMs = 1000,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Asks for a delivery soon, e.g. right after a change was committed. */
  kick(): void {
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Delivers everything pending now; returns how many records were delivered. */
  async flush(): Promise<number> {
    let delivered = 0;
    for (;;) {
      const batch = await this.db
        .selectFrom('identity_audit_outbox')
        .select(['seq', 'tenant_id', 'home_region', 'payload'])
        .where('delivered_at', 'is', null)
        .orderBy('seq')
        .limit(200)
        .execute();
      if (batch.length === 0) return delivered;
      const groups = new Map<string, typeof batch>();
      for (const row of batch) {
        const key = `${row.home_region}\u0000${row.tenant_id}`;
        groups.set(key, [...(groups.get(key) ?? []), row]);
      }
      for (const rows of groups.values()) {
        const [first] = rows;
        if (!first) continue;
        const seqs = rows.map((row) => row.seq);
        try {
          await this.delivery.deliver(first.home_region, first.tenant_id, rows.map((row) => JSON.parse(row.payload) as unknown));
        } catch (error) {
          await this.db
            .updateTable('identity_audit_outbox')
            .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
            .where('seq', 'in', seqs)
            .execute();
          throw error;
        }
        await this.db.updateTable('identity_audit_outbox').set({ delivered_at: this.clock.nowMs() }).where('seq', 'in', seqs).execute();
        delivered += rows.length;
      }
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = this.flush()
      .then(() => {
        this.failures = 0;
      })
      .catch((error: unknown) => {
        this.failures += 1;
        this.logger.warn({ err: (error as Error).message, failures: this.failures }, 'audit outbox delivery failed; will retry');
      });
    await this.running;
    this.running = undefined;
    const backoff = this.failures === 0 ? this.intervalMs : Math.min(30_000, 250 * 2 ** this.failures);
    if (this.again) {
      this.again = false;
      this.schedule(0);
    } else {
      this.schedule(backoff);
    }
  }
}
