import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import type { RegionContext } from '../../../platform/product-module.js';
import { NullableString } from '../../../platform/schema.js';
import { registerEventProducer } from '../../shared/event-routes.js';
import { GraphError, errorResponses, graphResult } from '../../shared/envelopes.js';
import type { EventStore } from '../../shared/event-store.js';
import { tenantOf } from '../../shared/producer.js';
import { parseTimeRange } from '../../shared/time-range.js';
import { CENTRAL_LOCATION, M365_LOCATIONS, M365_SERVICE_TYPE_VALUES, parseLocation } from '../catalogue.js';

export const UNUSUAL_ACTIVITY_PERMISSION = 'microsoft365backup.unusualActivity.read.all';
const KIND = 'unusual-activity';

export const UnusualActivityQuery = Type.Object({
  startTime: Type.Optional(Type.String({ description: 'Start of the detected time range (UTC), e.g. 2024-01-01. Required.' })),
  finishTime: Type.Optional(Type.String({ description: 'End of the detected time range (UTC); a date alone includes that day. Required.' })),
  location: Type.Optional(Type.String({ description: `Multi-Geo location: ${M365_LOCATIONS.join(', ')}. Absent: all locations.` })),
});

/** m365/unusual-activities.md: one entry per service type, inside data.data as the sample nests it. */
export const UnusualActivity = Type.Object({
  tenantOwner: Type.String(),
  tenantId: Type.String(),
  serviceType: Type.Integer(),
  potentialRansomwareAttackCount: Type.Integer(),
  unusualActivitiesCount: Type.Integer(),
});

export const UnusualActivityResult = Type.Object({
  statusCode: Type.Integer(),
  message: Type.String(),
  data: Type.Object({ data: Type.Array(UnusualActivity) }),
  requestId: Type.String(),
  timestamp: Type.String(),
  traceId: Type.String(),
});

/** One detection on one object (a site, mailbox, OneDrive). */
const ProducedUnusualActivity = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 200 }),
    detectedTime: Type.String({ description: 'ISO 8601' }),
    serviceType: Type.Integer({ enum: M365_SERVICE_TYPE_VALUES }),
    objectId: Type.String({ minLength: 1, maxLength: 2000, description: 'The site URL, mailbox or OneDrive the activity was detected on.' }),
    kind: Type.String({ enum: ['UnusualActivity', 'PotentialRansomwareAttack'] }),
    tenantOwner: Type.String({ maxLength: 500 }),
    location: Type.Optional(NullableString({ enum: [...M365_LOCATIONS, null] })),
  },
  { additionalProperties: false },
);
type ProducedUnusualActivity = Static<typeof ProducedUnusualActivity>;

export function registerUnusualActivityRoutes(app: FastifyInstance, context: RegionContext, events: EventStore): void {
  app.get(
    '/backup/m365/cloudbackupunusualactivitydata',
    {
      schema: {
        operationId: 'retrieveUnusualActivities',
        summary: 'Retrieve unusual activities',
        description:
          'Per service type, the number of objects with unusual activities and with potential ransomware attacks detected in the time range (m365/unusual-activities.md).',
        tags: ['Cloud Backup for Microsoft 365'],
        security: [{ bearer: [] }],
        querystring: UnusualActivityQuery,
        response: { 200: UnusualActivityResult, ...errorResponses(GraphError) },
      },
      config: { permission: UNUSUAL_ACTIVITY_PERMISSION },
    },
    async (request) => {
      const query = request.query as Record<string, unknown>;
      const range = parseTimeRange(query, { start: 'startTime', finish: 'finishTime' }, true);
      const tenantId = tenantOf(request);
      const rows = await events.list({ tenantId, product: 'm365', kind: KIND, ...range, location: parseLocation(query.location) });
      const byService = new Map<number, { owner: string; unusual: Set<string>; ransomware: Set<string> }>();
      for (const row of rows) {
        const body = JSON.parse(row.body) as { objectId: string; kind: string; tenantOwner: string };
        const entry = byService.get(row.service_type!) ?? { owner: '', unusual: new Set<string>(), ransomware: new Set<string>() };
        entry.owner = body.tenantOwner;
        entry.unusual.add(body.objectId.toLowerCase());
        if (body.kind === 'PotentialRansomwareAttack') entry.ransomware.add(body.objectId.toLowerCase());
        byService.set(row.service_type!, entry);
      }
      const data = [...byService.entries()]
        .sort(([a], [b]) => a - b)
        .map(([serviceType, entry]) => ({
          tenantOwner: entry.owner,
          tenantId,
          serviceType,
          potentialRansomwareAttackCount: entry.ransomware.size,
          unusualActivitiesCount: entry.unusual.size,
        }));
      return graphResult(request, context.clock, { data });
    },
  );

  registerEventProducer<ProducedUnusualActivity>(app, events, {
    path: '/producer/backup/m365/unusual-activities',
    summary: 'Report Microsoft 365 unusual activities (producer API)',
    description: 'Detections of unusual activity or potential ransomware attacks, stored once per id.',
    product: 'm365',
    kind: KIND,
    item: ProducedUnusualActivity,
    errorResponse: GraphError,
    timeField: 'detectedTime',
    toStored: (item) => ({
      location: item.location ?? CENTRAL_LOCATION,
      serviceType: item.serviceType,
      organizationId: null,
      body: { objectId: item.objectId, kind: item.kind, tenantOwner: item.tenantOwner },
    }),
  });
}
