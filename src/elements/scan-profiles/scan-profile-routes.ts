import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { notFound } from '../../platform/errors.js';
import { V3 } from '../catalogue.js';
import { partnerOf } from '../partner/partner-context.js';
import type { PartnerData } from '../partner/partner-data.js';
import type { DirectoryEntry } from '../partner/directory-store.js';
import type { Page, ScanProfileRecord } from '../region/records.js';
import { filterIds, idFilter, partnerRoute, V3_TAGS, v3List, type Paging } from '../shared/routes.js';

export const V3ScanProfileSummary = Type.Object({ profileName: Type.String(), profileId: Type.String(), scanMode: Type.Integer({ enum: [0, 1] }), modifiedTime: Type.String() });
const profileFields = {
  profileId: Type.String(),
  profileName: Type.String(),
  description: Type.String(),
  tenantId: Type.String(),
  tenantDomain: Type.String(),
  scanMode: Type.Integer(),
  modifiedTime: Type.String(),
};
/** get-customer-scan-profile-detail.md. */
export const V3ScanProfile = Type.Object({
  ...profileFields,
  createdTime: Type.String(),
  impersonationAccount: Type.Union([Type.String(), Type.Null()]),
  scanInplaceArchivedMailboxes: Type.Boolean(),
  isIgnoreLockedSiteEnabled: Type.Boolean(),
  enableDailyScan: Type.String(),
  isSendOutOfPolicyNotification: Type.Boolean(),
  containers: Type.Array(Type.Object({ containersName: Type.String(), objectType: Type.Integer() })),
});
/** get-customer-scan-profile-changes.md. */
export const V3ScanProfileChanges = Type.Object({
  ...profileFields,
  lastUpdateTime: Type.String(),
  lastScanStatus: Type.Integer(),
  newRegisteredContentCount: Type.Integer(),
  movedToAnotherContainer: Type.Integer(),
  removedFromMicrosoft365OrOutofPolicy: Type.Integer(),
  newRegisteredContent: Type.Array(Type.String()),
  removedFromMicrosoft365OrOutOfPolicyObjects: Type.Array(Type.String()),
  movedToAnotherContainerObjects: Type.Array(Type.String()),
});

const ProfileParams = Type.Object({ customerId: Type.String({ maxLength: 100 }), scanProfileId: Type.String({ maxLength: 100 }) });

export async function scanProfilePage(data: PartnerData, entry: DirectoryEntry, profileIds: string[] | undefined, paging: Paging) {
  const page = await data.internal<Page<ScanProfileRecord>>(entry, { method: 'POST', path: `/internal/elements/customers/${entry.customer_id}/scan-profiles/query`, body: { ...paging, ...(profileIds ? { profileIds } : {}) } });
  return { data: page.items.map((p) => ({ profileName: p.profileName, profileId: p.profileId, scanMode: p.scanMode, modifiedTime: p.modifiedTime })), totalCount: page.totalCount };
}

/** The profile named in the path; the same 404 for an unknown profile and another customer's. */
export async function scanProfileOf(data: PartnerData, request: FastifyRequest, idParam = 'scanProfileId'): Promise<ScanProfileRecord> {
  const params = request.params as Record<string, string>;
  const entry = await data.customer(partnerOf(request), params.customerId ?? params.id!);
  try {
    return await data.internal<ScanProfileRecord>(entry, { path: `/internal/elements/customers/${entry.customer_id}/scan-profiles/${encodeURIComponent(params[idParam]!)}` });
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) throw notFound(`The customer has no scan profile '${params[idParam]}'.`);
    throw error;
  }
}

const common = (p: ScanProfileRecord) => ({ profileId: p.profileId, profileName: p.profileName, description: p.description, tenantId: p.tenantId, tenantDomain: p.tenantDomain, scanMode: p.scanMode, modifiedTime: p.modifiedTime });

export const v3ScanProfile = (p: ScanProfileRecord) => ({
  ...common(p),
  createdTime: p.createdTime,
  impersonationAccount: p.impersonationAccount,
  scanInplaceArchivedMailboxes: p.scanInplaceArchivedMailboxes,
  isIgnoreLockedSiteEnabled: p.isIgnoreLockedSiteEnabled,
  enableDailyScan: p.enableDailyScan,
  isSendOutOfPolicyNotification: p.isSendOutOfPolicyNotification,
  containers: p.containers,
});

/** The daily report, or (none generated yet) an empty one dated at the profile's last change, as the page says. */
export function v3ScanProfileChanges(p: ScanProfileRecord) {
  const report = p.dailyReport ?? { lastUpdateTime: p.modifiedTime, lastScanStatus: 0, newRegisteredContent: [], removedFromMicrosoft365OrOutOfPolicyObjects: [], movedToAnotherContainerObjects: [] };
  return {
    ...common(p),
    lastUpdateTime: report.lastUpdateTime,
    lastScanStatus: report.lastScanStatus,
    newRegisteredContentCount: report.newRegisteredContent.length,
    movedToAnotherContainer: report.movedToAnotherContainerObjects.length,
    removedFromMicrosoft365OrOutofPolicy: report.removedFromMicrosoft365OrOutOfPolicyObjects.length,
    newRegisteredContent: report.newRegisteredContent,
    removedFromMicrosoft365OrOutOfPolicyObjects: report.removedFromMicrosoft365OrOutOfPolicyObjects,
    movedToAnotherContainerObjects: report.movedToAnotherContainerObjects,
  };
}

export function registerScanProfileRoutes(app: FastifyInstance, data: PartnerData): void {
  v3List(
    app,
    {
      url: '/partner/external/v3/general/customers/:customerId/scan-profiles/batch',
      operationId: 'getCustomerScanProfiles',
      summary: 'Retrieve all scan profiles for a customer',
      description: 'elements/general/job/get-customer-scan-profiles.md (POST, as its table says).',
      permission: V3.scanProfiles,
      params: Type.Object({ customerId: Type.String({ maxLength: 100 }) }),
      body: idFilter('scanProfileIds', 'Only these scan profiles'),
      item: V3ScanProfileSummary,
    },
    async (request, paging) => scanProfilePage(data, await data.customer(partnerOf(request), (request.params as { customerId: string }).customerId), filterIds(request.body, 'scanProfileIds'), paging),
  );
  partnerRoute(
    app,
    {
      method: 'GET',
      url: '/partner/external/v3/general/customers/:customerId/scan-profiles/:scanProfileId',
      operationId: 'getCustomerScanProfileDetail',
      summary: 'Retrieve customer scan profile details',
      description: 'elements/general/job/get-customer-scan-profile-detail.md',
      tags: V3_TAGS,
      permission: V3.scanProfiles,
      params: ProfileParams,
      response: V3ScanProfile,
    },
    async (request) => v3ScanProfile(await scanProfileOf(data, request)),
  );
  partnerRoute(
    app,
    {
      method: 'GET',
      url: '/partner/external/v3/general/customers/:customerId/scan-profiles/:scanProfileId/changes',
      operationId: 'getCustomerScanProfileChanges',
      summary: 'Retrieve daily scan profile changes for a customer',
      description: 'elements/general/job/get-customer-scan-profile-changes.md',
      tags: V3_TAGS,
      permission: V3.scanProfiles,
      params: ProfileParams,
      response: V3ScanProfileChanges,
    },
    async (request) => v3ScanProfileChanges(await scanProfileOf(data, request)),
  );
}
