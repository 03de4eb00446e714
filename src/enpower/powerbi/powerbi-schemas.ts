import { Type } from 'typebox';
import { ORGANIZATION_WIDE_STREAM } from '../schema.js';
import { fields } from '../shared/fields.js';
import { lastTime, rolling, type CollectionSpec, type StreamSpec } from '../shared/specs.js';

/** The Power BI audit events that are views (operation View...): what an artifact's views and viewers count. */
export const POWER_BI_VIEWS = 'powerbi-views';

/** main/services-and-features/enpower/powerbi/workspaces.md (`workspaces`), in the response sample's order. */
export const WORKSPACE_FIELDS = fields({
  id: 'string', name: 'string', description: 'string', tenantId: 'string', tenantName: 'string', containerId: 'string', container: 'string',
  type: 'string', state: 'string', capacityId: 'string', capacityName: 'string', capacitySkuTier: 'string', isOnDedicatedCapacity: 'boolean',
  upgradeStatus: 'string', resourceUrl: 'string', hasContextDetail: 'boolean', createdDateTime: 'string', contacts: 'string',
  sharePointStorage: 'string', isServiceApp: 'boolean', allowContributorUpdateApp: 'boolean', azureConnection: 'string', numberOfReports: 'integer',
  numberOfPaginatedReports: 'integer', numberOfDashboards: 'integer', numberOfDataFlows: 'integer', numberOfDataSets: 'integer',
  numberOfDatamarts: 'integer', numberOfAdmins: 'integer', numberOfMembers: 'integer', numberOfContributors: 'integer', numberOfViewers: 'integer',
  isDeleted: 'boolean', numberOfGuests: 'integer', hasRequest: 'boolean', hasResponse: 'boolean', numberOfUsers: 'integer',
  lastActivityD7: 'integer', lastActivityTime: 'string', numberOfScorecards: 'integer', primaryContact: 'user', secondaryContact: 'user',
  phase: 'string', phaseAssignees: 'assignees', lastRenewalTime: 'string', phaseStartTime: 'string', renewalDueDate: 'string',
  nextRenewalDate: 'string', lastRenewalBy: 'user', renewProfileApplied: 'boolean', isRegistered: 'boolean', renewProfile: 'profile',
  metadata: 'metadata', electionProfileApplied: 'boolean', electionProfile: 'profile', claimStatus: 'string', datasource: 'string',
});

/** main/services-and-features/enpower/powerbi/artifacts.md (`artifacts`), in the response sample's order. */
export const ARTIFACT_FIELDS = fields({
  id: 'string', name: 'string', description: 'string', tenantId: 'string', tenantName: 'string', containerId: 'string', container: 'string',
  owner: 'string', type: 'string', state: 'string', resourceUrl: 'string', hasContextDetail: 'boolean', workspaceId: 'string',
  parentName: 'string', parentType: 'string', parentState: 'string', sensitivityLabelId: 'string', sensitivityLabelName: 'string',
  createdDateTime: 'string', createdBy: 'string', createdById: 'string', modifiedBy: 'string', modifiedDateTime: 'string', modifiedById: 'string',
  configuredBy: 'string', configuredById: 'string', isDeleted: 'boolean', numberOfGuests: 'integer', hasRequest: 'boolean', hasResponse: 'boolean',
  lastRenewNotifyTime: 'string', numberOfUsers: 'integer', lastActivityD7: 'integer', lastActivityTime: 'string', lastRefreshDate: 'string',
  numberOfDirectShares: 'integer', lastViewedTime: 'string', datasource: 'string', creatorDisplayName: 'string', creatorDepartment: 'string',
  viewsOfLast7Days: 'integer', uniqueViewersOfLast7Days: 'integer', viewsOfLast30Days: 'integer', uniqueViewersOfLast30Days: 'integer',
  viewsOfLast90Days: 'integer', uniqueViewersOfLast90Days: 'integer', numberOfRefreshHistories: 'integer',
});

/** main/services-and-features/enpower/powerbi/datasourcecount.md (`datasourceCounts`), in the response sample's order. */
export const DATASOURCE_COUNT_FIELDS = fields({
  datasourceType: 'string', count: 'string',
});

/** main/services-and-features/enpower/powerbi/datasourcedetails.md (`datasourceDetails`), in the response sample's order. */
export const DATASOURCE_FIELDS = fields({
  datasourceId: 'string', datasourceType: 'string', connectionDetails: 'string',
});

/** main/services-and-features/enpower/powerbi/semanticmodels.md (`semanticModelDetails`), in the response sample's order. */
export const SEMANTIC_MODEL_FIELDS = fields({
  id: 'string', name: 'string', datasourceId: 'string', datasourceType: 'string', isRefreshable: 'boolean',
});

/** main/services-and-features/enpower/powerbi/semanticmodelbydatasource.md (`semanticModelCounts`), in the response sample's order. */
export const SEMANTIC_MODEL_COUNT_FIELDS = fields({
  datasourceType: 'string', count: 'integer',
});

/** main/services-and-features/enpower/powerbi/activeusers.md (`powerBIActiveUsers`), in the response sample's order. */
export const POWER_BI_ACTIVITY_FIELDS = fields({
  userId: 'string', userPrincipalName: 'string', displayName: 'string', department: 'string', operation: 'string', activityTime: 'string',
  isSuccess: 'boolean', pbiObjectId: 'string', pbiObjectName: 'string', pbiObjectType: 'string',
});

/** Power BI audit events; a view also counts as a view, and an event on an artifact also for its workspace. */
export const POWER_BI_ACTIVITIES: StreamSpec = {
  stream: ORGANIZATION_WIDE_STREAM,
  producerPath: 'powerbi-activities',
  fields: POWER_BI_ACTIVITY_FIELDS,
  timeField: 'activityTime',
  timeFields: ['activityTime'],
  parentField: 'pbiObjectId',
  userField: 'userId',
  userIdField: 'userId',
  idField: 'id',
  alsoCounts: (event) => [
    ...(typeof event.operation === 'string' && event.operation.startsWith('View') ? [{ stream: POWER_BI_VIEWS, parentKey: String(event.pbiObjectId) }] : []),
    ...(typeof event.workspaceId === 'string' && event.workspaceId && event.workspaceId !== event.pbiObjectId ? [{ stream: ORGANIZATION_WIDE_STREAM, parentKey: event.workspaceId }] : []),
  ],
  producerExtras: {
    id: Type.String({ minLength: 1, maxLength: 400, description: 'The producer\'s id of the audit event.' }),
    tenantId: Type.String({ minLength: 1, maxLength: 100, description: 'The Microsoft 365 tenant the event happened in.' }),
    workspaceId: Type.String({ maxLength: 400, description: 'The workspace of the object, whose activity counters it also counts for.' }),
  },
};

const TENANT_OF_RECORD = { tenantId: Type.String({ minLength: 1, maxLength: 100, description: 'The Microsoft 365 tenant it belongs to (not served).' }) };

export const WORKSPACES: CollectionSpec = {
  kind: 'workspace',
  producerPath: 'workspaces',
  fields: WORKSPACE_FIELDS,
  idField: 'id',
  tenantNameFields: ['tenantName'],
  computed: { lastActivityD7: { from: 'events', stream: POWER_BI_ACTIVITIES.stream, measure: 'count', days: 7 }, lastActivityTime: lastTime(POWER_BI_ACTIVITIES.stream) },
};

export const ARTIFACTS: CollectionSpec = {
  kind: 'artifact',
  producerPath: 'artifacts',
  fields: ARTIFACT_FIELDS,
  idField: 'id',
  tenantNameFields: ['tenantName'],
  computed: {
    lastActivityD7: { from: 'events', stream: POWER_BI_ACTIVITIES.stream, measure: 'count', days: 7 },
    lastActivityTime: lastTime(POWER_BI_ACTIVITIES.stream),
    lastViewedTime: lastTime(POWER_BI_VIEWS),
    ...rolling(POWER_BI_VIEWS, { 7: 'viewsOfLast7Days', 30: 'viewsOfLast30Days', 90: 'viewsOfLast90Days' }),
    ...rolling(POWER_BI_VIEWS, { 7: 'uniqueViewersOfLast7Days', 30: 'uniqueViewersOfLast30Days', 90: 'uniqueViewersOfLast90Days' }, 'users'),
  },
};

export const DATASOURCES: CollectionSpec = {
  kind: 'datasource',
  producerPath: 'datasources',
  fields: DATASOURCE_FIELDS,
  idField: 'datasourceId',
  tenantNameFields: [],
  groupField: 'datasourceType',
  producerExtras: TENANT_OF_RECORD,
};

export const SEMANTIC_MODELS: CollectionSpec = {
  kind: 'semanticModel',
  producerPath: 'semanticmodels',
  fields: SEMANTIC_MODEL_FIELDS,
  idField: 'id',
  tenantNameFields: [],
  groupField: 'datasourceType',
  producerExtras: TENANT_OF_RECORD,
};
