import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type TSchema } from 'typebox';
import { invalidParameter } from '../../platform/errors.js';
import { CONTAINER_OBJECT_TYPES, CUSTOMER_JOB_STATUS, JOB_MODULES, JOB_TYPES, V2 } from '../catalogue.js';
import { projected, v3Customer } from '../customers/customer-routes.js';
import { allJobs, v2Job } from '../jobs/job-page.js';
import { jobFields } from '../jobs/job-routes.js';
import { partnerOf } from '../partner/partner-context.js';
import type { PartnerData } from '../partner/partner-data.js';
import { DataCenterUnavailable } from '../partner/region-client.js';
import { protectionPage, ProtectedData } from '../protection/protection-routes.js';
import { scanProfileOf, scanProfilePage, v3ScanProfileChanges, V3ScanProfileSummary } from '../scan-profiles/scan-profile-routes.js';
import { ProductSchema, servicePage } from '../services/service-routes.js';
import { ODataContext, odataContext, partnerRoute, V2_TAGS, type Paging } from '../shared/routes.js';

const IdParams = Type.Object({ id: Type.String({ maxLength: 100, description: 'The tenant owner ID of the customer' }) });
const ProfileParams = Type.Object({ id: Type.String({ maxLength: 100 }), profileId: Type.String({ maxLength: 100 }) });
const collection = (item: TSchema) => Type.Object({ '@odata.context': ODataContext, value: Type.Array(item) });
const entity = (fields: Record<string, TSchema>) => Type.Object({ '@odata.context': ODataContext, ...fields });

const customerFields = { id: Type.String(), organization: Type.String(), ownerEmail: Type.String(), jobStatus: Type.String(), countryOrRegion: Type.String() };
const V2Customer = Type.Object(customerFields);
const V2Job = Type.Object({ jobType: Type.String(), jobModule: Type.String(), status: Type.String(), ...jobFields });
const serviceFields = { customerId: Type.String(), organization: Type.String(), customer: Type.String(), tenantId: Type.String(), products: Type.Array(ProductSchema) };
const V2Service = Type.Object(serviceFields);

/** v2 has no paging: its lists are the v3 pages, read to the end. */
async function everyPage<T>(read: (paging: Paging) => Promise<{ data: T[]; totalCount: number }>): Promise<T[]> {
  const rows: T[] = [];
  for (let pageIndex = 1; ; pageIndex++) {
    const page = await read({ pageIndex, pageSize: 100 });
    rows.push(...page.data);
    if (page.data.length === 0 || rows.length >= page.totalCount) return rows;
  }
}

const v2Customer = (customer: Parameters<typeof v3Customer>[0]) => {
  const row = v3Customer(customer);
  return { id: row.id, organization: row.organization, ownerEmail: row.ownerEmail, jobStatus: CUSTOMER_JOB_STATUS[row.jobStatus] ?? 'N/A', countryOrRegion: row.countryOrRegion };
};

const byName = (table: Readonly<Record<number, string>>, name: string, parameter: string): number => {
  const wanted = name.trim().toLowerCase();
  const found = Object.entries(table).find(([, display]) => display.toLowerCase() === wanted);
  if (!found) throw invalidParameter(parameter, `has an unknown value '${name.slice(0, 60)}'; valid values are ${Object.values(table).join(', ')}`);
  return Number(found[0]);
};

/**
 * Elements v2 (main/services-and-features/elements): the same facts as v3, serialized the
 * OData way — `@odata.context` + `value`, display strings for enums, no paging.
 */
export function registerV2Routes(app: FastifyInstance, data: PartnerData, publicUrl: () => string): void {
  const context = (name: string) => odataContext(publicUrl(), name);
  const customerOf = (request: FastifyRequest) => data.customer(partnerOf(request), (request.params as { id: string }).id);
  const v2 = (spec: { url: string; operationId: string; summary: string; description: string; permission: readonly string[]; params?: TSchema; response: TSchema }, handler: (request: FastifyRequest) => Promise<unknown>) =>
    partnerRoute(app, { ...spec, method: 'GET', tags: V2_TAGS }, handler);

  v2({ url: '/partner/customers', operationId: 'getV2Customers', summary: 'Retrieve all customers', description: 'main/services-and-features/elements/customers/all-customers.md', permission: V2.customers, response: collection(V2Customer) }, async (request) => ({
    '@odata.context': context('Customers'),
    value: await everyPage(async (paging) => {
      const page = await data.directory.page(partnerOf(request), undefined, paging.pageIndex, paging.pageSize);
      return { data: page.entries.map((entry) => v2Customer(projected(entry))), totalCount: page.totalCount };
    }),
  }));

  v2({ url: '/partner/customers/:id', operationId: 'getV2Customer', summary: 'Retrieve specific customers', description: 'main/services-and-features/elements/customers/specific-customers.md', permission: V2.customers, params: IdParams, response: entity(customerFields) }, async (request) => {
    const entry = await customerOf(request);
    // One customer is read from its data center, like every call naming a customer.
    return { '@odata.context': context('Customers/$entity'), ...v2Customer(await data.record(entry)) };
  });

  v2({ url: '/partner/customers/:id/protected', operationId: 'getV2CustomerProtectedData', summary: 'Retrieve protected data within Cloud Backup for Microsoft 365', description: 'main/services-and-features/elements/data-protection/customers-protected.md', permission: V2.cbProtected, params: IdParams, response: collection(ProtectedData) }, async (request) => {
    const entry = await customerOf(request);
    return { '@odata.context': context('Collection(Portal.Api.Model.CustomerOverallProtected)'), value: await everyPage((paging) => protectionPage(data, entry, paging)) };
  });

  v2({ url: '/partner/customers/:id/jobs', operationId: 'getV2CustomerJobs', summary: 'Retrieve job details for backup services', description: 'main/services-and-features/elements/jobs/all-backup-jobs.md', permission: V2.jobs, params: IdParams, response: collection(V2Job) }, async (request) => ({
    '@odata.context': context('Collection(Portal.Api.Model.BackUpJob)'),
    value: (await allJobs(data, await customerOf(request), {})).map(v2Job),
  }));

  v2(
    {
      url: '/partner/customers/:id/jobs/jobType/:jobType/jobModule/:jobModule',
      operationId: 'getV2CustomerJobsOfTypeAndModule',
      summary: 'Retrieve specific job type and module of backup services',
      description: 'main/services-and-features/elements/jobs/specific-backup-jobs.md; jobType and jobModule are display names (Microsoft 365, SharePoint Online).',
      permission: V2.jobs,
      params: Type.Object({ id: Type.String({ maxLength: 100 }), jobType: Type.String({ maxLength: 100 }), jobModule: Type.String({ maxLength: 100 }) }),
      response: collection(V2Job),
    },
    async (request) => {
      const params = request.params as { jobType: string; jobModule: string };
      const filter = { jobType: byName(JOB_TYPES, params.jobType, 'jobType'), jobModule: byName(JOB_MODULES, params.jobModule, 'jobModule') };
      return { '@odata.context': context('Collection(Portal.Api.Model.BackUpJob)'), value: (await allJobs(data, await customerOf(request), filter)).map(v2Job) };
    },
  );

  v2({ url: '/partner/customers/:id/scanProfiles', operationId: 'getV2ScanProfiles', summary: 'Retrieve all scan profiles', description: 'main/services-and-features/elements/scan-profiles/all-scan-profiles.md', permission: V2.scanProfiles, params: IdParams, response: collection(V3ScanProfileSummary) }, async (request) => {
    const entry = await customerOf(request);
    return { '@odata.context': context('Collection(Portal.Api.Model.ProfileInfo)'), value: await everyPage((paging) => scanProfilePage(data, entry, undefined, paging)) };
  });

  v2(
    {
      url: '/partner/customers/:id/scanProfiles/:profileId',
      operationId: 'getV2ScanProfile',
      summary: 'Retrieve specific scan profiles',
      description: 'main/services-and-features/elements/scan-profiles/specific-scan-profiles.md, in the sample\'s spelling (deprecated long names included).',
      permission: V2.scanProfiles,
      params: ProfileParams,
      response: entity({
        profileId: Type.String(), profileName: Type.String(), description: Type.String(), tenantId: Type.String(), tenantDomain: Type.String(), scanMode: Type.Integer(),
        modifiedTime: Type.String(), createdTime: Type.String(), impersonationAccount: Type.Union([Type.String(), Type.Null()]), scanInplaceArchivedMailboxes: Type.Boolean(),
        ignoreTheLockedObjectsWhenUpdatingTheJobStatus: Type.Boolean(), IsIgnoreLockedSiteEnabled: Type.Boolean(), enableDailyScan: Type.String(),
        SendAnemailNotificationToTheFollowIngRecipientsWhenObjectsAreMovedTooTherContainerOrRemovedFromAnyContainers: Type.Boolean(), IsSendOutOfPolicyNotification: Type.Boolean(),
        containers: Type.Array(Type.Object({ ContainersName: Type.String(), ObjectType: Type.String() })),
      }),
    },
    async (request) => {
      const p = await scanProfileOf(data, request, 'profileId');
      return {
        '@odata.context': `${publicUrl()}/partner/api/V1.1/$metadata#Portal.Api.Model.ProfileDetailInfo`,
        profileId: p.profileId, profileName: p.profileName, description: p.description, tenantId: p.tenantId, tenantDomain: p.tenantDomain, scanMode: p.scanMode,
        modifiedTime: p.modifiedTime, createdTime: p.createdTime, impersonationAccount: p.impersonationAccount, scanInplaceArchivedMailboxes: p.scanInplaceArchivedMailboxes,
        ignoreTheLockedObjectsWhenUpdatingTheJobStatus: p.isIgnoreLockedSiteEnabled, IsIgnoreLockedSiteEnabled: p.isIgnoreLockedSiteEnabled, enableDailyScan: p.enableDailyScan,
        SendAnemailNotificationToTheFollowIngRecipientsWhenObjectsAreMovedTooTherContainerOrRemovedFromAnyContainers: p.isSendOutOfPolicyNotification, IsSendOutOfPolicyNotification: p.isSendOutOfPolicyNotification,
        containers: p.containers.map((c) => ({ ContainersName: c.containersName, ObjectType: CONTAINER_OBJECT_TYPES[c.objectType] ?? String(c.objectType) })),
      };
    },
  );

  v2(
    {
      url: '/partner/customers/:id/scanProfiles/:profileId/dailyNewSummary',
      operationId: 'getV2ScanProfileDailySummary',
      summary: 'Retrieve daily scan profile changes',
      description: 'main/services-and-features/elements/scan-profiles/daily-scan-profile-changes.md: the sample\'s keys (profileID, tenantID, the deprecated newRegistedContent) and the table\'s counts.',
      permission: V2.scanProfiles,
      params: ProfileParams,
      response: entity({
        profileName: Type.String(), profileID: Type.String(), tenantDomain: Type.String(), tenantID: Type.String(), description: Type.String(), scanMode: Type.Integer(),
        modifiedTime: Type.String(), lastUpdateTime: Type.String(), lastScanStatus: Type.Integer(), removedFromMicrosoft365OrOutofPolicyObjects: Type.Integer(),
        newRegistedContent: Type.Integer(), newRegisteredContentCount: Type.Integer(), movedToAnotherContainerObjects: Type.Integer(),
        movedToAnotherContainer: Type.Integer(), removedFromMicrosoft365OrOutofPolicy: Type.Integer(),
      }),
    },
    async (request) => {
      const c = v3ScanProfileChanges(await scanProfileOf(data, request, 'profileId'));
      return {
        '@odata.context': `${publicUrl()}/partner/api/V1.1/$metadata#Portal.Api.Model.ProfileDailyNewDetailInfo`,
        profileName: c.profileName, profileID: c.profileId, tenantDomain: c.tenantDomain, tenantID: c.tenantId, description: c.description, scanMode: c.scanMode,
        modifiedTime: c.modifiedTime, lastUpdateTime: c.lastUpdateTime, lastScanStatus: c.lastScanStatus,
        removedFromMicrosoft365OrOutofPolicyObjects: c.removedFromMicrosoft365OrOutofPolicy, newRegistedContent: c.newRegisteredContentCount, newRegisteredContentCount: c.newRegisteredContentCount,
        movedToAnotherContainerObjects: c.movedToAnotherContainer, movedToAnotherContainer: c.movedToAnotherContainer, removedFromMicrosoft365OrOutofPolicy: c.removedFromMicrosoft365OrOutofPolicy,
      };
    },
  );

  v2(
    {
      url: '/partner/customers/:id/scanProfiles/:profileId/dailyNewDetails',
      operationId: 'getV2ScanProfileDailyDetails',
      summary: 'Retrieve daily scan profiles change details',
      description: 'main/services-and-features/elements/scan-profiles/daily-scan-profile-change-details.md (with the deprecated newRegistedContent).',
      permission: V2.scanProfiles,
      params: ProfileParams,
      response: entity({
        profileName: Type.String(), profileID: Type.String(), tenantDomain: Type.String(), tenantID: Type.String(), lastUpdateTime: Type.String(),
        removedFromMicrosoft365OrOutOfPolicyObjects: Type.Array(Type.String()), newRegistedContent: Type.Array(Type.String()), newRegisteredContent: Type.Array(Type.String()),
        movedToAnotherContainerObjects: Type.Array(Type.String()),
      }),
    },
    async (request) => {
      const c = v3ScanProfileChanges(await scanProfileOf(data, request, 'profileId'));
      return {
        '@odata.context': context('Portal.Api.Model.ProfileDailyNewDetailInfo'),
        profileName: c.profileName, profileID: c.profileId, tenantDomain: c.tenantDomain, tenantID: c.tenantId, lastUpdateTime: c.lastUpdateTime,
        removedFromMicrosoft365OrOutOfPolicyObjects: c.removedFromMicrosoft365OrOutOfPolicyObjects, newRegistedContent: c.newRegisteredContent, newRegisteredContent: c.newRegisteredContent,
        movedToAnotherContainerObjects: c.movedToAnotherContainerObjects,
      };
    },
  );

  const services = (request: FastifyRequest) =>
    everyPage(async (paging) => {
      const page = await servicePage(data, request, paging);
      return { data: page.rows.map(({ row, tenants }) => ({ ...row, tenantId: tenants.map((t) => t.id).join(',') })), totalCount: page.totalCount };
    });
  for (const [url, operationId] of [['/partner/services', 'getV2ServiceSubscriptions'], ['/partner/Services', 'getV2ServiceSubscriptionsSampleSpelling']] as const) {
    v2({ url, operationId, summary: 'Retrieve service subscriptions for all your customers', description: 'main/services-and-features/elements/services/service-subscription.md (the samples spell it /partner/Services; both answer).', permission: V2.license, response: collection(V2Service) }, async (request) => ({
      '@odata.context': context('Services'),
      value: (await services(request)).map(({ customerId, organization, customer, tenantId, products }) => ({ customerId, organization, customer, tenantId, products })),
    }));
  }
  for (const [url, operationId] of [['/partner/services/:id', 'getV2CustomerServiceSubscriptions'], ['/partner/Services/:id', 'getV2CustomerServiceSubscriptionsSampleSpelling']] as const) {
    v2({ url, operationId, summary: 'Retrieve service subscriptions', description: 'main/services-and-features/elements/services/service-subscription-customer.md', permission: V2.license, params: IdParams, response: entity(serviceFields) }, async (request) => {
      const entry = await customerOf(request);
      const page = await data.subscriptionPage(partnerOf(request), [entry.customer_id], { pageIndex: 1, pageSize: 1 });
      const subscriptions = page.rows[0]?.subscriptions;
      if (!subscriptions) throw new DataCenterUnavailable(entry.data_center);
      const tenants = projected(entry).tenants;
      return { '@odata.context': context('Services/$entity'), customerId: entry.customer_id, organization: entry.organization, customer: entry.owner_email, tenantId: tenants.map((t) => t.id).join(','), products: subscriptions.map((s) => s.row) };
    });
  }
}
