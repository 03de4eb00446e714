import type { FastifyInstance } from 'fastify';
import { Type, type TObject } from 'typebox';
import { invalidParameter } from '../../platform/errors.js';
import type { RegionContext } from '../../platform/product-module.js';
import { PRODUCER_PERMISSION } from '../../platform/producer.js';
import { COLLECTIONS, STREAMS } from '../catalogue.js';
import { producerSchema } from '../shared/fields.js';
import { EnPowerError } from '../shared/list-endpoint.js';
import type { EnPowerStores } from '../shared/readers.js';

const BATCH_LIMIT = 1000;

/** One producer route: its body is a batch of `item`, handled by `store`. */
function producerRoute(
  app: FastifyInstance,
  options: { path: string; operationId: string; summary: string; description: string; body: TObject; result: TObject },
  store: (tenantId: string, body: Record<string, unknown>) => Promise<Record<string, number>>,
): void {
  app.post(
    options.path,
    {
      schema: {
        operationId: options.operationId,
        summary: options.summary,
        description: options.description,
        tags: ['producer'],
        security: [{ bearer: [] }],
        body: options.body,
        response: { 200: options.result, 400: EnPowerError, 401: EnPowerError, 403: EnPowerError },
      },
      config: { permission: PRODUCER_PERMISSION },
    },
    async (request) => store(request.principal!.tenantId, request.body as Record<string, unknown>),
  );
}

const camel = (path: string) => path.replace(/(^|-)([a-z])/g, (_, __, letter: string) => letter.toUpperCase());

/**
 * The collector's side of EnPower: for every collection, upserts (idempotent on the object's
 * id) and deletions; for every event stream, events (idempotent on the event's id).
 */
export function registerProducerRoutes(app: FastifyInstance, context: RegionContext, stores: EnPowerStores): void {
  for (const spec of COLLECTIONS) {
    const item = producerSchema(spec.fields, { computed: Object.keys(spec.computed ?? {}), required: [spec.idField, 'tenantId', ...(spec.parentField ? [spec.parentField] : [])], extras: spec.producerExtras });
    producerRoute(
      app,
      {
        path: `/producer/enpower/${spec.producerPath}`,
        operationId: `produceEnPower${camel(spec.producerPath)}`,
        summary: `Report EnPower ${spec.producerPath} (producer API)`,
        description: `Upserts ${spec.producerPath} by ${spec.idField}; computed fields (${Object.keys(spec.computed ?? {}).join(', ') || 'none'}) are not reported but derived.`,
        body: Type.Object({ value: Type.Array(item, { minItems: 1, maxItems: BATCH_LIMIT }) }, { additionalProperties: false }),
        result: Type.Object({ received: Type.Integer(), stored: Type.Integer() }),
      },
      async (tenantId, body) => {
        const value = body.value as Array<Record<string, unknown>>;
        return { received: value.length, stored: await stores.objects.upsert(tenantId, spec, value, context.clock.nowMs()) };
      },
    );
    producerRoute(
      app,
      {
        path: `/producer/enpower/${spec.producerPath}/deletions`,
        operationId: `deleteEnPower${camel(spec.producerPath)}`,
        summary: `Report deleted EnPower ${spec.producerPath} (producer API)`,
        description: `Removes ${spec.producerPath} from every list, by ${spec.idField}; an unknown id is no error.`,
        body: Type.Object({ ids: Type.Array(Type.String({ minLength: 1, maxLength: 400 }), { minItems: 1, maxItems: BATCH_LIMIT }) }, { additionalProperties: false }),
        result: Type.Object({ received: Type.Integer(), removed: Type.Integer() }),
      },
      async (tenantId, body) => {
        const ids = body.ids as string[];
        return { received: ids.length, removed: await stores.objects.remove(tenantId, spec, ids) };
      },
    );
  }
  for (const spec of STREAMS) {
    const item = producerSchema(spec.fields, { computed: [], required: [spec.idField, spec.parentField, spec.timeField], extras: { tenantId: Type.String({ maxLength: 100 }), ...spec.producerExtras } });
    producerRoute(
      app,
      {
        path: `/producer/enpower/events/${spec.producerPath}`,
        operationId: `produceEnPower${camel(spec.producerPath)}`,
        summary: `Report EnPower ${spec.producerPath} (producer API)`,
        description: `Stores events by ${spec.idField}; a repeated id is skipped and counted once. ${spec.timeField} is ISO 8601.`,
        body: Type.Object({ value: Type.Array(item, { minItems: 1, maxItems: BATCH_LIMIT }) }, { additionalProperties: false }),
        result: Type.Object({ received: Type.Integer(), stored: Type.Integer(), duplicates: Type.Integer() }),
      },
      async (tenantId, body) => {
        const value = body.value as Array<Record<string, unknown>>;
        value.forEach((record, index) => {
          for (const field of spec.timeFields) {
            const time = record[field];
            if ((field === spec.timeField || (typeof time === 'string' && time !== '')) && Number.isNaN(Date.parse(String(time)))) {
              throw invalidParameter(`value[${index}].${field}`, `is not an ISO 8601 date-time: '${String(time).slice(0, 60)}'`);
            }
          }
        });
        return { received: value.length, ...(await stores.events.insert(tenantId, spec, value)) };
      },
    );
  }
}
