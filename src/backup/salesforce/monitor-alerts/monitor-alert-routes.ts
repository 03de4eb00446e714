import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { invalidParameter } from '../../../platform/errors.js';
import type { RegionContext } from '../../../platform/product-module.js';
import { single } from '../../../platform/query.js';
import { registerEventProducer } from '../../shared/event-routes.js';
import { GraphError, errorResponses, graphResult } from '../../shared/envelopes.js';
import type { EventStore } from '../../shared/event-store.js';
import { isoSeconds } from '../../shared/format.js';
import { tenantOf } from '../../shared/producer.js';
import { parseTimeRange } from '../../shared/time-range.js';
import { SALESFORCE_ALERT_TYPES } from '../catalogue.js';
import { SALESFORCE_PERMISSION, SALESFORCE_TAGS } from '../jobs/job-routes.js';

const KIND = 'monitor-alert';

export const MonitorAlertQuery = Type.Object(
  {
    startTime: Type.String({ description: 'Start of the time range (UTC), e.g. 2024-01-01.' }),
    finishTime: Type.String({ description: 'End of the time range (UTC); a date alone includes that day.' }),
    organizationId: Type.Optional(Type.String({ maxLength: 100, description: 'Source organization id.' })),
    alertType: Type.Optional(Type.String({ description: 'Data or Metadata (also 1 Data, 2 Metadata; 0 or absent: both).' })),
  },
  { required: ['startTime', 'finishTime'] },
);

/** monitor-alerts.md: the sample's objectType is a name ("classes"), not the table's integer. */
export const MonitorAlert = Type.Object({
  organizationId: Type.String(),
  objectType: Type.String(),
  operation: Type.Integer({ enum: [0, 1, 2] }),
  recordNumber: Type.Integer(),
  collectTime: Type.String(),
});

export const MonitorAlertResult = Type.Object({
  statusCode: Type.Integer(),
  message: Type.String(),
  data: Type.Array(MonitorAlert),
  requestId: Type.String(),
  timestamp: Type.String(),
  traceId: Type.String(),
});

const ProducedMonitorAlert = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 200 }),
    organizationId: Type.String({ minLength: 1, maxLength: 100 }),
    alertType: Type.String({ enum: [...SALESFORCE_ALERT_TYPES] }),
    objectType: Type.String({ minLength: 1, maxLength: 200 }),
    operation: Type.Integer({ enum: [0, 1, 2], description: '0 Added, 1 Modified, 2 Removed.' }),
    recordNumber: Type.Integer({ minimum: 0 }),
    collectTime: Type.String({ description: 'ISO 8601' }),
  },
  { additionalProperties: false },
);
type ProducedMonitorAlert = Static<typeof ProducedMonitorAlert>;

function alertTypeOf(value: unknown): string | undefined {
  const text = single(value)?.trim().toLowerCase();
  if (!text || text === '0' || text === 'all') return undefined;
  if (text === '1' || text === 'data') return 'Data';
  if (text === '2' || text === 'metadata') return 'Metadata';
  throw invalidParameter('alertType', `has an unknown value '${text.slice(0, 20)}'; valid values are Data (1), Metadata (2)`);
}

export function registerMonitorAlertRoutes(app: FastifyInstance, context: RegionContext, events: EventStore): void {
  app.get(
    '/backup/sfbapi/monitor-alerts',
    {
      schema: {
        operationId: 'retrieveSalesforceAlertRecords',
        summary: 'Retrieve alert records',
        description: 'Data and metadata change alerts collected in the time range, oldest first (salesforcebackup/monitor-alerts.md).',
        tags: SALESFORCE_TAGS,
        security: [{ bearer: [] }],
        querystring: MonitorAlertQuery,
        response: { 200: MonitorAlertResult, ...errorResponses(GraphError) },
      },
      config: { permission: SALESFORCE_PERMISSION },
    },
    async (request) => {
      const query = request.query as Record<string, unknown>;
      const range = parseTimeRange(query, { start: 'startTime', finish: 'finishTime' }, true);
      const alertType = alertTypeOf(query.alertType);
      const rows = await events.list({ tenantId: tenantOf(request), product: 'salesforce', kind: KIND, ...range, organizationId: single(query.organizationId)?.trim() || undefined });
      const data = rows
        .map((row) => ({ row, body: JSON.parse(row.body) as { alertType: string; objectType: string; operation: number; recordNumber: number } }))
        .filter(({ body }) => !alertType || body.alertType === alertType)
        .map(({ row, body }) => ({ organizationId: row.organization_id ?? '', objectType: body.objectType, operation: body.operation, recordNumber: body.recordNumber, collectTime: isoSeconds(row.occurred_at) }));
      return graphResult(request, context.clock, data);
    },
  );

  registerEventProducer<ProducedMonitorAlert>(app, events, {
    path: '/producer/backup/salesforce/monitor-alerts',
    summary: 'Report Salesforce monitor alerts (producer API)',
    description: 'Alert records collected by the monitor, stored once per id.',
    product: 'salesforce',
    kind: KIND,
    item: ProducedMonitorAlert,
    errorResponse: GraphError,
    timeField: 'collectTime',
    toStored: (alert) => ({
      location: null,
      serviceType: null,
      organizationId: alert.organizationId,
      body: { alertType: alert.alertType, objectType: alert.objectType, operation: alert.operation, recordNumber: alert.recordNumber },
    }),
  });
}
