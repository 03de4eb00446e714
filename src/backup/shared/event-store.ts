import type { Kysely, Selectable } from 'kysely';
import type { BackupTables } from '../schema.js';
import type { BackupProduct } from './products.js';
import type { TimeRange } from './time-range.js';

export type EventRow = Selectable<BackupTables['backup_events']>;

export interface StoredEvent {
  eventId: string;
  occurredMs: number;
  location: string | null;
  serviceType: number | null;
  organizationId: string | null;
  body: Record<string, unknown>;
}

export interface EventFilter extends TimeRange {
  tenantId: string;
  product: BackupProduct;
  kind: string;
  location?: string | undefined;
  organizationId?: string | undefined;
}

/** Point-in-time facts (unusual activities, monitor alerts): stored once per producer id, read by time range. */
export class EventStore {
  constructor(private readonly db: Kysely<BackupTables>) {}

  async insert(tenantId: string, product: BackupProduct, kind: string, events: readonly StoredEvent[]): Promise<number> {
    let stored = 0;
    const unique = [...new Map(events.map((event) => [event.eventId, event])).values()];
    for (let i = 0; i < unique.length; i += 500) {
      const result = await this.db
        .insertInto('backup_events')
        .values(
          unique.slice(i, i + 500).map((event) => ({
            tenant_id: tenantId,
            product,
            kind,
            event_id: event.eventId,
            occurred_at: event.occurredMs,
            location: event.location,
            service_type: event.serviceType,
            organization_id: event.organizationId,
            body: JSON.stringify(event.body),
          })),
        )
        .onConflict((oc) => oc.columns(['tenant_id', 'product', 'kind', 'event_id']).doNothing())
        .executeTakeFirst();
      stored += Number(result.numInsertedOrUpdatedRows ?? 0);
    }
    return stored;
  }

  /** Oldest first. */
  async list(filter: EventFilter): Promise<EventRow[]> {
    let query = this.db
      .selectFrom('backup_events')
      .selectAll()
      .where('tenant_id', '=', filter.tenantId)
      .where('product', '=', filter.product)
      .where('kind', '=', filter.kind);
    if (filter.startMs !== undefined) query = query.where('occurred_at', '>=', filter.startMs);
    if (filter.endMs !== undefined) query = query.where('occurred_at', '<', filter.endMs);
    if (filter.location !== undefined) query = query.where('location', '=', filter.location);
    if (filter.organizationId !== undefined) query = query.where('organization_id', '=', filter.organizationId);
    return query.orderBy('occurred_at').orderBy('seq').execute();
  }
}
