import type { FastifyInstance } from 'fastify';
import { Type, type TSchema } from 'typebox';
import { notFound } from '../../platform/errors.js';
import { PRODUCER_PERMISSION } from '../../platform/producer.js';
import type { CustomerLookup } from '../governance/endpoint.js';
import { DirectoryObjectRecord, DirectoryUserRecord, FileAccessRecord, RuleSettingRecord, SignInRecord } from './directory-records.js';
import type { DirectoryStore, TenantKey } from './directory-store.js';

/**
 * Declares a producer route of a customer tenant's facts: `POST /producer/elements/<path>`
 * with `{ tenantId, value: [...] }`, called under the customer's own producer token. The
 * tenant must be one of the customer's (onboarded through Elements first).
 */
export function tenantProducerRoute<T>(app: FastifyInstance, lookup: CustomerLookup, path: string, summary: string, item: TSchema, maxItems: number, store: (key: TenantKey, items: T[]) => Promise<void>): void {
  app.post(
    `/producer/elements/${path}`,
    {
      schema: {
        // `directory/sign-ins` → `produceElementsDirectorySignIns`
        operationId: `produceElements${path.split(/[/-]/).map((word) => word[0]!.toUpperCase() + word.slice(1)).join('')}`,
        summary: `${summary} (producer API)`,
        tags: ['producer'],
        security: [{ bearer: [] }],
        body: Type.Object({ tenantId: Type.String({ minLength: 1, maxLength: 100 }), value: Type.Array(item, { minItems: 1, maxItems: maxItems }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ received: Type.Integer() }) },
      },
      config: { permission: PRODUCER_PERMISSION },
    },
    async (request) => {
      const { tenantId, value } = request.body as { tenantId: string; value: T[] };
      const customerId = request.principal!.tenantId;
      const customer = await lookup(customerId);
      if (!customer) throw notFound(`Tenant '${customerId}' is not an Elements customer in this data center; onboard it first.`);
      if (!customer.tenantIds.some((id) => id.toLowerCase() === tenantId.toLowerCase())) throw notFound(`Customer '${customerId}' has no tenant '${tenantId}'; report it through /producer/elements/tenants first.`);
      await store({ customerId, tenantId: tenantId.toLowerCase() }, value);
      return { received: value.length };
    },
  );
}

export function registerDirectoryProducerRoutes(app: FastifyInstance, lookup: CustomerLookup, store: DirectoryStore): void {
  tenantProducerRoute(app, lookup, 'directory/users', "Report a tenant's users", DirectoryUserRecord, 1000, (key, users: DirectoryUserRecord[]) => store.upsertUsers(key, users));
  tenantProducerRoute(app, lookup, 'directory/objects', "Report a tenant's workspaces and Power Platform objects", DirectoryObjectRecord, 1000, (key, objects: DirectoryObjectRecord[]) => store.upsertObjects(key, objects));
  tenantProducerRoute(app, lookup, 'directory/sign-ins', "Report a tenant's sign-ins", SignInRecord, 5000, (key, signIns: SignInRecord[]) => store.upsertSignIns(key, signIns));
  tenantProducerRoute(app, lookup, 'directory/file-access', 'Report files accessed in a tenant', FileAccessRecord, 5000, (key, accesses: FileAccessRecord[]) => store.upsertFileAccess(key, accesses));
  tenantProducerRoute(app, lookup, 'directory/risk-rules', "Report a tenant's risk rule settings", RuleSettingRecord, 100, (key, settings: RuleSettingRecord[]) => store.upsertRuleSettings(key, settings));
}
