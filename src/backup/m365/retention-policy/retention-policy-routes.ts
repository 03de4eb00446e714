import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { ApiError } from '../../../platform/errors.js';
import type { RegionContext } from '../../../platform/product-module.js';
import { NullableString } from '../../../platform/schema.js';
import { GraphError, errorResponses, graphResult } from '../../shared/envelopes.js';
import { producerRouteOptions, tenantOf } from '../../shared/producer.js';
import type { SettingsStore } from '../../shared/settings-store.js';
import { SETTINGS_PERMISSION } from '../backup-frequency/backup-frequency-routes.js';
import { CENTRAL_LOCATION, M365_LOCATIONS, M365_SERVICE_TYPE_VALUES, parseLocation } from '../catalogue.js';

const KIND = 'retention-policy';

/** "1 years", "Unlimited", as the sample writes them. */
const Period = Type.String({ pattern: '^(Unlimited|[1-9]\\d{0,3} (days?|weeks?|months?|years?))$', description: "'Unlimited' or '<n> days|weeks|months|years'." });

const ContainerPolicy = Type.Object({ containerId: Type.String(), containerName: Type.String(), retentionPeriod: Type.String() });
const ServicePolicy = Type.Object({
  serviceType: Type.Integer(),
  containerPolicies: Type.Array(ContainerPolicy),
  retentionPeriod: Type.String(),
  unassignedObjectRetentionPeriod: Type.String(),
});
export const RetentionPolicy = Type.Object({
  enableDailyRetentionPolicy: Type.Boolean(),
  enableCustomizedRetentionPolicy: Type.Boolean(),
  retentionPeriod: Type.String(),
  servicePolicies: Type.Array(ServicePolicy),
});
type RetentionPolicy = Static<typeof RetentionPolicy>;

export const RetentionPolicyResult = Type.Object({
  statusCode: Type.Integer(),
  message: Type.String(),
  data: RetentionPolicy,
  requestId: Type.String(),
  timestamp: Type.String(),
  traceId: Type.String(),
});

const ProducedRetentionPolicy = Type.Object(
  {
    location: Type.Optional(NullableString({ enum: [...M365_LOCATIONS, null], description: 'Absent: the central location.' })),
    enableDailyRetentionPolicy: Type.Boolean(),
    enableCustomizedRetentionPolicy: Type.Boolean(),
    retentionPeriod: Period,
    servicePolicies: Type.Array(
      Type.Object(
        {
          serviceType: Type.Integer({ enum: M365_SERVICE_TYPE_VALUES }),
          containerPolicies: Type.Array(
            Type.Object({ containerId: Type.String({ minLength: 1, maxLength: 100 }), containerName: Type.String({ maxLength: 500 }), retentionPeriod: Period }, { additionalProperties: false }),
            { maxItems: 1000 },
          ),
          retentionPeriod: Period,
          unassignedObjectRetentionPeriod: Period,
        },
        { additionalProperties: false },
      ),
      { maxItems: 15 },
    ),
  },
  { additionalProperties: false },
);

export function registerRetentionPolicyRoutes(app: FastifyInstance, context: RegionContext, settings: SettingsStore): void {
  app.get(
    '/backup/m365/settings/retention-policy',
    {
      schema: {
        operationId: 'retrieveRetentionPolicy',
        summary: 'Retrieve retention policy',
        description: 'How long backup data is kept, by default and per service and container (m365/retention-policy.md).',
        tags: ['Cloud Backup for Microsoft 365'],
        security: [{ bearer: [] }],
        querystring: Type.Object({ location: Type.Optional(Type.String({ description: `Multi-Geo location: ${M365_LOCATIONS.join(', ')}. Absent: the central location.` })) }),
        response: { 200: RetentionPolicyResult, ...errorResponses(GraphError) },
      },
      config: { permission: SETTINGS_PERMISSION },
    },
    async (request) => {
      const location = parseLocation((request.query as { location?: string }).location) ?? CENTRAL_LOCATION;
      const policy = await settings.get<RetentionPolicy>(tenantOf(request), 'm365', KIND, location);
      if (!policy) throw new ApiError(404, 'not_found', `Cloud Backup for Microsoft 365 has no retention policy for this tenant in location ${location}.`);
      // The page: service policies are returned when the customized policy is enabled.
      return graphResult(request, context.clock, { ...policy, servicePolicies: policy.enableCustomizedRetentionPolicy ? policy.servicePolicies : [] });
    },
  );

  app.post(
    '/producer/backup/m365/settings/retention-policy',
    producerRouteOptions({
      summary: 'Report the Microsoft 365 retention policy (producer API)',
      description: 'Replaces the retention policy of one location.',
      body: ProducedRetentionPolicy,
      errorResponse: GraphError,
    }),
    async (request) => {
      const { location, ...policy } = request.body as RetentionPolicy & { location?: string | null };
      const changed = await settings.put(tenantOf(request), 'm365', KIND, location ?? CENTRAL_LOCATION, policy, context.clock.nowMs());
      return { received: 1, applied: changed ? 1 : 0, ignored: changed ? 0 : 1 };
    },
  );
}
