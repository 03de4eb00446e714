import type { FastifyInstance } from 'fastify';
import { Type, type TSchema } from 'typebox';
import type { DirectoryEntry } from './partner/directory-store.js';
import { PRODUCER_PERMISSION } from '../platform/producer.js';
import { partnerOf } from './partner/partner-context.js';
import type { NewCustomer, Onboarding } from './customers/onboarding.js';
import type { PartnerData } from './partner/partner-data.js';
import { TenantRecord } from './region/records.js';

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
    id: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$', description: "The customer's id as the collector knows it (a GUID); Meridian makes one when left out." })),
  },
  { additionalProperties: false },
);

/**
 * The partner-level producer routes: customers a partner already manages, brought in as
 * onboarding brings them (idempotent on the registration account), and the facts of theirs
 * partner-wide lists show (tenants, backup status). The simulator uses them.
 */
export function registerProducerRoutes(app: FastifyInstance, onboarding: Onboarding, data: PartnerData): void {
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

  const customerRoute = (path: string, summary: string, body: TSchema, write: (entry: DirectoryEntry, body: never) => Promise<void>) =>
    app.post(
      `/producer/elements/customers/:customerId/${path}`,
      {
        schema: { operationId: `produceCustomer${path[0]!.toUpperCase()}${path.slice(1).replace(/-(\w)/g, (_m, c: string) => c.toUpperCase())}`, summary, tags: ['producer'], security: [{ bearer: [] }], params: Type.Object({ customerId: Type.String({ maxLength: 100 }) }), body, response: { 200: Type.Object({ received: Type.Integer() }) } },
        config: { permission: PRODUCER_PERMISSION },
      },
      async (request) => {
        const entry = await data.customer(partnerOf(request), (request.params as { customerId: string }).customerId);
        await write(entry, request.body as never);
        return { received: 1 };
      },
    );
  // Written in the customer's data center and projected into the directory in one call, so partner-wide lists show them.
  customerRoute('tenants', 'Report a customer\'s tenants (producer API)', Type.Object({ value: Type.Array(TenantRecord, { minItems: 1, maxItems: 100 }) }), (entry, body: { value: TenantRecord[] }) => data.writeTenants(entry, body.value));
  customerRoute('job-status', 'Report a customer\'s backup status summary (producer API)', Type.Object({ jobStatus: Type.Integer({ minimum: 0, maximum: 6 }) }, { additionalProperties: false }), (entry, body: { jobStatus: number }) => data.writeJobStatus(entry, body.jobStatus));
}
