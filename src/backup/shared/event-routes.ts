import type { FastifyInstance } from 'fastify';
import type { TSchema } from 'typebox';
import { parseIsoDate } from '../../platform/query.js';
import type { EventStore, StoredEvent } from './event-store.js';
import type { BackupProduct } from './products.js';
import { producerBatch, producerRouteOptions, tenantOf } from './producer.js';

/** A product's producer route for point-in-time facts (unusual activities, monitor alerts), declared. */
export interface EventProducerSpec<P extends { id: string }> {
  path: string;
  summary: string;
  description: string;
  product: BackupProduct;
  kind: string;
  item: TSchema;
  errorResponse: TSchema;
  /** The field of an item holding when it happened: its ISO 8601 time is checked and named in errors. */
  timeField: keyof P & string;
  /** The stored event's filter columns and body, besides its id and time. */
  toStored(item: P): Omit<StoredEvent, 'eventId' | 'occurredMs'>;
}

/** Stores each reported fact once per id: a retried batch changes nothing. */
export function registerEventProducer<P extends { id: string }>(app: FastifyInstance, events: EventStore, spec: EventProducerSpec<P>): void {
  app.post(
    spec.path,
    producerRouteOptions({
      summary: spec.summary,
      description: spec.description,
      body: producerBatch(spec.item),
      errorResponse: spec.errorResponse,
    }),
    async (request) => {
      const value = (request.body as { value: P[] }).value;
      const stored = await events.insert(
        tenantOf(request),
        spec.product,
        spec.kind,
        value.map((item, index) => ({
          eventId: item.id,
          occurredMs: parseIsoDate(`value[${index}].${spec.timeField}`, item[spec.timeField], true).getTime(),
          ...spec.toStored(item),
        })),
      );
      return { received: value.length, applied: stored, ignored: value.length - stored };
    },
  );
}
