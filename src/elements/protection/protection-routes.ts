import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { V3 } from '../catalogue.js';
import { tenantOf } from '../tenants/tenant-routes.js';
import { partnerOf } from '../partner/partner-context.js';
import type { PartnerData } from '../partner/partner-data.js';
import type { DirectoryEntry } from '../partner/directory-store.js';
import type { Page, ProtectedUserRecord, ProtectionRecord } from '../region/records.js';
import type { Paging } from '../shared/routes.js';
import { filterIds, idFilter, v3List } from '../shared/routes.js';

/** get-cloud-backup-m365-users-batch.md (the sample's camelCase `module`/`isProtected`). */
export const V3ProtectedUser = Type.Object({
  id: Type.String(),
  email: Type.String(),
  displayName: Type.String(),
  moduleStatus: Type.Array(Type.Object({ module: Type.Integer({ enum: [0, 2], description: '0 Mailbox, 2 OneDrive' }), isProtected: Type.Boolean() })),
});
/** get-customer-cloud-backup-m365-overview.md and v2 customers-protected.md: the same eight fields. */
export const ProtectedData = Type.Object({
  customerId: Type.String(),
  customer: Type.String(),
  serviceType: Type.String(),
  serviceModule: Type.String(),
  totalScannedObjects: Type.Integer(),
  totalProtectedObjects: Type.Integer(),
  dataSizeStoredInAvePoint: Type.String(),
  dataSizeStoredInBYOS: Type.String(),
});

/** One page of the customer's protection per module, as both versions list it. */
export async function protectionPage(data: PartnerData, entry: DirectoryEntry, paging: Paging) {
  const page = await data.internal<Page<ProtectionRecord>>(entry, { path: `/internal/elements/customers/${entry.customer_id}/protection`, query: { ...paging } });
  return {
    data: page.items.map((module) => ({ customerId: entry.customer_id, customer: entry.owner_email, serviceType: 'Cloud Backup for Microsoft 365', ...module })),
    totalCount: page.totalCount,
  };
}

export function registerProtectionRoutes(app: FastifyInstance, data: PartnerData): void {
  v3List(
    app,
    {
      url: '/partner/external/v3/general/customers/:customerId/tenants/:tenantId/cloud-backup-m365/users/batch',
      operationId: 'getCloudBackupM365Users',
      summary: 'Retrieve user protected status for customer',
      description: 'elements/general/tenant/get-cloud-backup-m365-users-batch.md',
      permission: V3.cbProtected,
      params: Type.Object({ customerId: Type.String({ maxLength: 100 }), tenantId: Type.String({ maxLength: 100 }) }),
      body: idFilter('userEmails', 'Only these users'),
      item: V3ProtectedUser,
    },
    async (request, paging) => {
      const { customerId, tenant } = await tenantOf(data, request);
      const entry = (await data.directory.visible(partnerOf(request), customerId))!;
      const userEmails = filterIds(request.body, 'userEmails');
      const page = await data.internal<Page<ProtectedUserRecord>>(entry, { method: 'POST', path: `/internal/elements/customers/${customerId}/protected-users/query`, body: { ...paging, tenantId: tenant.id, ...(userEmails ? { userEmails } : {}) } });
      return { data: page.items.map(({ id, email, displayName, moduleStatus }) => ({ id, email, displayName, moduleStatus })), totalCount: page.totalCount };
    },
  );

  v3List(
    app,
    {
      method: 'GET',
      url: '/partner/external/v3/general/customers/:customerId/cloud-backup-m365/overview',
      operationId: 'getCloudBackupM365Overview',
      summary: 'Retrieve Cloud Backup for Microsoft 365 overview',
      description: 'elements/general/job/get-customer-cloud-backup-m365-overview.md (the sample\'s outer brackets read as braces).',
      permission: V3.cbProtected,
      params: Type.Object({ customerId: Type.String({ maxLength: 100 }) }),
      item: ProtectedData,
    },
    async (request, paging) => protectionPage(data, await data.customer(partnerOf(request), (request.params as { customerId: string }).customerId), paging),
  );
}
