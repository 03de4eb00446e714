import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { PRODUCER_PERMISSION } from '../platform/producer.js';
import { partnerOf } from './partner/partner-context.js';
import type { NewCustomer, Onboarding } from './customers/onboarding.js';

const ProducedCustomer = Type.Object(
  {
    firstName: Type.String({ minLength: 1, maxLength: 128 }),
    lastName: Type.String({ minLength: 1, maxLength: 128 }),
    organizationName: Type.String({ minLength: 1, maxLength: 256 }),
    registrationAccount: Type.String({ minLength: 3, maxLength: 320 }),
    countryCode: Type.String({ minLength: 2, maxLength: 2 }),
    telephoneNumber: Type.Optional(Type.String({ maxLength: 64 })),
    dataCenter: Type.String({ description: 'A data-center id of onboard-customer.md or a Meridian code (us, gcp-jp, …)' }),
    tags: Type.Optional(Type.Array(Type.String({ maxLength: 128 }), { maxItems: 50 })),
    managementMode: Type.Integer({ enum: [0, 1, 2] }),
    jobStatus: Type.Optional(Type.Integer({ minimum: 0, maximum: 6 })),
  },
  { additionalProperties: false },
);

/**
 * The partner-level producer route: customers a partner already manages, brought in as
 * onboarding brings them (the simulator uses it). Idempotent on the registration account.
 */
export function registerProducerRoutes(app: FastifyInstance, onboarding: Onboarding): void {
  app.post(
    '/producer/elements/customers',
    {
      schema: {
        operationId: 'produceCustomers',
        summary: 'Report customers the partner manages (producer API)',
        tags: ['producer'],
        security: [{ bearer: [] }],
        body: Type.Object({ value: Type.Array(ProducedCustomer, { minItems: 1, maxItems: 100 }) }),
        response: { 200: Type.Object({ value: Type.Array(Type.Object({ registrationAccount: Type.String(), status: Type.Integer(), id: Type.String() })) }) },
      },
      config: { permission: PRODUCER_PERMISSION },
    },
    async (request) => {
      const { value } = request.body as { value: NewCustomer[] };
      const partnerId = partnerOf(request).partnerId;
      const results = [];
      for (const customer of value) results.push({ registrationAccount: customer.registrationAccount, ...(await onboarding.onboard(partnerId, customer)) });
      return { value: results };
    },
  );
}
