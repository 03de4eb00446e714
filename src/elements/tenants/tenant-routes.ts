import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { notFound } from '../../platform/errors.js';
import { SERVICE_APPS, V3 } from '../catalogue.js';
import { partnerOf } from '../partner/partner-context.js';
import type { PartnerData } from '../partner/partner-data.js';
import type { Page, TenantRecord } from '../region/records.js';
import { filterIds, idFilter, partnerRoute, V3_TAGS, v3List } from '../shared/routes.js';

const CustomerTenant = Type.Object({ customerId: Type.String({ maxLength: 100 }), tenantId: Type.String({ maxLength: 100 }) });

/** get-m365-tenant-info.md. */
export const V3TenantInfo = Type.Object({ id: Type.String(), name: Type.String(), aadEnvironment: Type.Integer(), platformEnvironmentType: Type.Integer() });
/** get-3rd-party-products-tenant-type.md. */
export const V3TenantSeats = Type.Object({ type: Type.Integer(), tenantId: Type.String(), tenantName: Type.String(), availableUserSeat: Type.Integer(), assignedUserSeat: Type.Integer() });

/** The customer's Microsoft 365 tenant named in the path, read from the customer's data center. */
export async function tenantOf(data: PartnerData, request: FastifyRequest): Promise<{ customerId: string; tenant: TenantRecord }> {
  const { customerId, tenantId } = request.params as { customerId: string; tenantId: string };
  const entry = await data.customer(partnerOf(request), customerId);
  const page = await data.internal<Page<TenantRecord>>(entry, { method: 'POST', path: `/internal/elements/customers/${entry.customer_id}/tenants/query`, body: { pageIndex: 1, pageSize: 1, type: 0, tenantIds: [tenantId] } });
  const tenant = page.items[0];
  if (!tenant) throw notFound(`Customer '${customerId}' has no Microsoft 365 tenant '${tenantId}'.`);
  return { customerId: entry.customer_id, tenant };
}

export function registerTenantRoutes(app: FastifyInstance, data: PartnerData): void {
  partnerRoute(
    app,
    {
      method: 'GET',
      url: '/partner/external/v3/general/customers/:customerId/tenants/:tenantId',
      operationId: 'getM365TenantInfo',
      summary: 'Retrieve Microsoft 365 tenant information',
      description: 'elements/general/customer app profile/get-m365-tenant-info.md',
      tags: V3_TAGS,
      permission: V3.customersRead,
      params: CustomerTenant,
      response: V3TenantInfo,
    },
    async (request) => {
      const { tenant } = await tenantOf(data, request);
      return { id: tenant.id, name: tenant.name, aadEnvironment: tenant.aadEnvironment, platformEnvironmentType: tenant.platformEnvironmentType };
    },
  );

  partnerRoute(
    app,
    {
      method: 'GET',
      url: '/partner/external/v3/general/customers/:customerId/tenants/:tenantId/product/:productName/apps',
      operationId: 'getM365TenantProductApps',
      summary: 'Retrieve service app status',
      description: 'elements/general/customer app profile/get-m365-tenant-product-apps.md (an array of one, as the sample shows).',
      tags: V3_TAGS,
      permission: V3.customersRead,
      params: Type.Object({ ...CustomerTenant.properties, productName: Type.String({ enum: [...SERVICE_APPS] }) }),
      response: Type.Array(Type.Object({ isConsent: Type.Boolean() })),
    },
    async (request) => {
      const { productName } = request.params as { productName: string };
      const { tenant } = await tenantOf(data, request);
      return [{ isConsent: (tenant.consentedApps ?? []).includes(productName as never) }];
    },
  );

  v3List(
    app,
    {
      url: '/partner/external/v3/general/customers/:customerId/3rd-party-products/type/:type/tenants/batch',
      operationId: 'getThirdPartyProductTenants',
      summary: 'Retrieve customer tenant user seats',
      description: 'elements/general/tenant/get-3rd-party-products-tenant-type.md',
      permission: V3.licenseRead,
      params: Type.Object({ customerId: Type.String({ maxLength: 100 }), type: Type.Integer({ enum: [0, 1, 2, 3], description: '0 Microsoft 365, 1 Salesforce, 2 Google, 3 Dynamics 365' }) }),
      body: idFilter('tenantIds', 'Only these tenants'),
      item: V3TenantSeats,
    },
    async (request, paging) => {
      const { customerId, type } = request.params as { customerId: string; type: number };
      const entry = await data.customer(partnerOf(request), customerId);
      const tenantIds = filterIds(request.body, 'tenantIds');
      const page = await data.internal<Page<TenantRecord>>(entry, { method: 'POST', path: `/internal/elements/customers/${entry.customer_id}/tenants/query`, body: { ...paging, type, ...(tenantIds ? { tenantIds } : {}) } });
      return {
        data: page.items.map((tenant) => ({ type: tenant.type, tenantId: tenant.id, tenantName: tenant.name, availableUserSeat: tenant.availableUserSeat ?? 0, assignedUserSeat: tenant.assignedUserSeat ?? 0 })),
        totalCount: page.totalCount,
      };
    },
  );
}
