import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { ApiError } from '../../../platform/errors.js';
import type { RegionContext } from '../../../platform/product-module.js';
import { parseIsoDate } from '../../../platform/query.js';
import { NullableString } from '../../../platform/schema.js';
import { GraphError, errorResponses, graphResult } from '../../shared/envelopes.js';
import { producerRouteOptions, tenantOf } from '../../shared/producer.js';
import type { SettingsStore } from '../../shared/settings-store.js';
import { CENTRAL_LOCATION, M365_LOCATIONS, parseLocation } from '../catalogue.js';

export const SUBSCRIPTION_PERMISSION = 'microsoft365backup.subscriptionInfo.read.all';
const KIND = 'license-consumption';

/** m365/subscription.md, "Subscription consumption". outOfPolicyTime: epoch milliseconds, 0 while in policy. */
export const LicenseConsumption = Type.Object({
  outOfPolicyTime: Type.Integer(),
  purchasedUserSeats: Type.Integer(),
  assignedUserSeats: Type.Integer(),
  purchasedStorageSize: Type.Integer(),
  protectedSize: Type.Integer(),
});
type LicenseConsumption = Static<typeof LicenseConsumption>;

export const LicenseResult = Type.Object({
  statusCode: Type.Integer(),
  message: Type.String(),
  data: LicenseConsumption,
  requestId: Type.String(),
  timestamp: Type.String(),
  traceId: Type.String(),
});

const Size = Type.Integer({ minimum: 0 });
const ProducedLicense = Type.Object(
  {
    location: Type.Optional(NullableString({ enum: [...M365_LOCATIONS, null], description: 'Absent: the central location.' })),
    outOfPolicyTime: Type.Optional(NullableString({ description: 'ISO 8601 time the subscription went out of policy; null while in policy.' })),
    purchasedUserSeats: Size,
    assignedUserSeats: Size,
    purchasedStorageSize: Type.Integer({ minimum: 0, description: 'GB' }),
    protectedSize: Type.Integer({ minimum: 0, description: 'GB' }),
  },
  { additionalProperties: false },
);
type ProducedLicense = Static<typeof ProducedLicense>;

export function registerSubscriptionRoutes(app: FastifyInstance, context: RegionContext, settings: SettingsStore): void {
  app.get(
    '/backup/m365/cloudbackuplicenseconsumption',
    {
      schema: {
        operationId: 'retrieveSubscriptionConsumption',
        summary: 'Retrieve subscription consumption',
        description: 'User seats and storage of the Cloud Backup for Microsoft 365 subscription; all locations summed unless `location` is given (m365/subscription.md).',
        tags: ['Cloud Backup for Microsoft 365'],
        security: [{ bearer: [] }],
        querystring: Type.Object({ location: Type.Optional(Type.String({ description: `Multi-Geo location: ${M365_LOCATIONS.join(', ')}. Absent: all locations.` })) }),
        response: { 200: LicenseResult, ...errorResponses(GraphError) },
      },
      config: { permission: SUBSCRIPTION_PERMISSION },
    },
    async (request) => {
      const location = parseLocation((request.query as { location?: string }).location);
      const all = await settings.all<LicenseConsumption>(tenantOf(request), 'm365', KIND);
      const parts = location ? [all.get(location)].filter((part): part is LicenseConsumption => part !== undefined) : [...all.values()];
      if (parts.length === 0) {
        throw new ApiError(404, 'not_found', `Cloud Backup for Microsoft 365 has no subscription for this tenant${location ? ` in location ${location}` : ''}.`);
      }
      const outOfPolicy = parts.map((part) => part.outOfPolicyTime).filter((time) => time > 0);
      return graphResult(request, context.clock, {
        outOfPolicyTime: outOfPolicy.length > 0 ? Math.min(...outOfPolicy) : 0,
        purchasedUserSeats: sum(parts, 'purchasedUserSeats'),
        assignedUserSeats: sum(parts, 'assignedUserSeats'),
        purchasedStorageSize: sum(parts, 'purchasedStorageSize'),
        protectedSize: sum(parts, 'protectedSize'),
      });
    },
  );

  app.post(
    '/producer/backup/m365/license-consumption',
    producerRouteOptions({
      summary: 'Report Microsoft 365 license consumption (producer API)',
      description: 'Replaces the subscription consumption of one location.',
      body: ProducedLicense,
      errorResponse: GraphError,
    }),
    async (request) => {
      const body = request.body as ProducedLicense;
      const document: LicenseConsumption = {
        outOfPolicyTime: parseIsoDate('outOfPolicyTime', body.outOfPolicyTime ?? undefined)?.getTime() ?? 0,
        purchasedUserSeats: body.purchasedUserSeats,
        assignedUserSeats: body.assignedUserSeats,
        purchasedStorageSize: body.purchasedStorageSize,
        protectedSize: body.protectedSize,
      };
      const changed = await settings.put(tenantOf(request), 'm365', KIND, body.location ?? CENTRAL_LOCATION, document, context.clock.nowMs());
      return { received: 1, applied: changed ? 1 : 0, ignored: changed ? 0 : 1 };
    },
  );
}

const sum = (parts: LicenseConsumption[], key: keyof LicenseConsumption) => parts.reduce((total, part) => total + part[key], 0);
