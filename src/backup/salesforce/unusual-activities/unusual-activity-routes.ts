import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import type { RegionContext } from '../../../platform/product-module.js';
import { single } from '../../../platform/query.js';
import { registerEventProducer } from '../../shared/event-routes.js';
import { GraphError, errorResponses, graphResult } from '../../shared/envelopes.js';
import type { EventStore } from '../../shared/event-store.js';
import { isoSeconds } from '../../shared/format.js';
import { tenantOf } from '../../shared/producer.js';
import { parseTimeRange } from '../../shared/time-range.js';
import { SALESFORCE_PERMISSION, SALESFORCE_TAGS } from '../jobs/job-routes.js';

const KIND = 'unusual-activity';

export const UnusualActivityQuery = Type.Object(
  {
    startTime: Type.String({ description: 'Start of the detected time range (UTC), e.g. 2024-01-01.' }),
    finishTime: Type.String({ description: 'End of the detected time range (UTC); a date alone includes that day.' }),
    organizationId: Type.Optional(Type.String({ maxLength: 100, description: 'Source organization id.' })),
  },
  { required: ['startTime', 'finishTime'] },
);

const counters = ['suspiciousFiles', 'addedFiles', 'modifiedFiles', 'deletedFiles'] as const;
type Counter = (typeof counters)[number];

export const UnusualActivity = Type.Object({
  organizationId: Type.String(),
  organizationName: Type.String(),
  latestDetectedDate: Type.String(),
  ...Object.fromEntries(counters.map((name) => [name, Type.Integer()])),
});

export const UnusualActivityResult = Type.Object({
  statusCode: Type.Integer(),
  message: Type.String(),
  data: Type.Array(UnusualActivity),
  requestId: Type.String(),
  timestamp: Type.String(),
  traceId: Type.String(),
});

/** One detection run's findings for one organization. */
const ProducedUnusualActivity = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 200 }),
    organizationId: Type.String({ minLength: 1, maxLength: 100 }),
    organizationName: Type.String({ maxLength: 500 }),
    detectedTime: Type.String({ description: 'ISO 8601' }),
    ...Object.fromEntries(counters.map((name) => [name, Type.Integer({ minimum: 0 })])),
  },
  { additionalProperties: false },
);
type ProducedUnusualActivity = Static<typeof ProducedUnusualActivity> & Record<Counter, number>;

export function registerSalesforceUnusualActivityRoutes(app: FastifyInstance, context: RegionContext, events: EventStore): void {
  app.get(
    '/backup/sfbapi/unusual-activities',
    {
      schema: {
        operationId: 'retrieveSalesforceUnusualActivities',
        summary: 'Retrieve unusual activities',
        description: 'Per organization, the files found suspicious, added, modified and deleted by unusual activity in the time range (salesforcebackup/unusual-activities.md).',
        tags: SALESFORCE_TAGS,
        security: [{ bearer: [] }],
        querystring: UnusualActivityQuery,
        response: { 200: UnusualActivityResult, ...errorResponses(GraphError) },
      },
      config: { permission: SALESFORCE_PERMISSION },
    },
    async (request) => {
      const query = request.query as Record<string, unknown>;
      const range = parseTimeRange(query, { start: 'startTime', finish: 'finishTime' }, true);
      const rows = await events.list({ tenantId: tenantOf(request), product: 'salesforce', kind: KIND, ...range, organizationId: single(query.organizationId)?.trim() || undefined });
      const byOrganization = new Map<string, { name: string; latest: number; counts: Record<Counter, number> }>();
      for (const row of rows) {
        const body = JSON.parse(row.body) as { organizationName: string } & Record<Counter, number>;
        const entry = byOrganization.get(row.organization_id!) ?? { name: '', latest: 0, counts: { suspiciousFiles: 0, addedFiles: 0, modifiedFiles: 0, deletedFiles: 0 } };
        entry.name = body.organizationName;
        entry.latest = Math.max(entry.latest, row.occurred_at);
        for (const name of counters) entry.counts[name] += body[name];
        byOrganization.set(row.organization_id!, entry);
      }
      const data = [...byOrganization.entries()].map(([organizationId, entry]) => ({
        organizationId,
        organizationName: entry.name,
        latestDetectedDate: isoSeconds(entry.latest),
        ...entry.counts,
      }));
      return graphResult(request, context.clock, data);
    },
  );

  registerEventProducer<ProducedUnusualActivity>(app, events, {
    path: '/producer/backup/salesforce/unusual-activities',
    summary: 'Report Salesforce unusual activities (producer API)',
    description: "A detection run's findings per organization, stored once per id.",
    product: 'salesforce',
    kind: KIND,
    item: ProducedUnusualActivity,
    errorResponse: GraphError,
    timeField: 'detectedTime',
    toStored: (item) => ({
      location: null,
      serviceType: null,
      organizationId: item.organizationId,
      body: { organizationName: item.organizationName, ...Object.fromEntries(counters.map((name) => [name, item[name]])) },
    }),
  });
}
