import { fields } from '../shared/fields.js';
import { allTime, lastTime, rolling, type CollectionSpec, type StreamSpec } from '../shared/specs.js';

/** main/services-and-features/enpower/flows/cloudflows.md (`cloudFlows`), in the response sample's order. */
export const CLOUD_FLOW_FIELDS = fields({
  flowId: 'string', displayName: 'string', environmentId: 'string', environment: 'string', tenantId: 'string', tenantDomain: 'string',
  containerId: 'string', container: 'string', type: 'string', createdTime: 'string', status: 'string', flowTrigger: 'string', triggered: 'boolean',
  actionCount: 'integer', lastModifiedTime: 'string', lastActivityDate: 'string', lastRunTime: 'string', flowRuns: 'integer',
  runsLast7Days: 'integer', runsLast30Days: 'integer', runsLast90Days: 'integer', runsLast180Days: 'integer', activitiesLast7Days: 'integer',
  activitiesLast30Days: 'integer', activitiesLast90Days: 'integer', activitiesLast180Days: 'integer', owner: 'flowOwner', creator: 'string',
  creatorDepartment: 'string', creatorOffice: 'string', creatorStatus: 'string', creatorUserType: 'string', creatorCountry: 'string',
  creatorEmail: 'string', creatorId: 'string', creatorJobTitle: 'string', creatorUpn: 'string', coOwners: 'integer', coOwnerDetails: 'coOwners',
  users: 'integer', guests: 'integer', shadowUsers: 'integer', requestEmailSent: 'boolean', businessContextResponded: 'boolean', solutions: 'string',
  connections: 'flowConnections', primaryContact: 'user', secondaryContact: 'user', phase: 'string', phaseAssignees: 'assignees',
  lastRenewalTime: 'string', phaseStartTime: 'string', renewalDueDate: 'string', nextRenewalDate: 'string', lastRenewedBy: 'user',
  renewProfileApplied: 'boolean', registered: 'boolean', renewalProfile: 'profile', metadata: 'metadata', electionProfileApplied: 'boolean',
  contactElectionProfile: 'profile', claimStatus: 'string',
});

/** main/services-and-features/enpower/flows/cloudrunhistories.md (`runs`), in the response sample's order. */
export const CLOUD_FLOW_RUN_FIELDS = fields({
  id: 'string', objectId: 'string', creationTime: 'string', startTime: 'string', endTime: 'string', duration: 'string', state: 'string',
});

/** main/services-and-features/enpower/flows/activities.md (`activities`), in the response sample's order. */
export const CLOUD_FLOW_ACTIVITY_FIELDS = fields({
  id: 'string', objectId: 'string', creationTime: 'string', userId: 'string', userKey: 'string', userType: 'string', activityType: 'string',
  dataSource: 'string', itemName: 'string',
});

/** main/services-and-features/enpower/flows/connectionusage.md (`connectionUsageCloudFlows`), in the response sample's order. */
export const CONNECTION_USAGE_FIELDS = fields({
  flowId: 'string', environmentId: 'string', connectionId: 'string',
});

/** main/services-and-features/enpower/flows/desktopflows.md (`desktopFlows`), in the response sample's order. */
export const DESKTOP_FLOW_FIELDS = fields({
  flowId: 'string', displayName: 'string', tenantId: 'string', tenantDomain: 'string', containerId: 'string', container: 'string',
  environmentId: 'string', environment: 'string', creatorId: 'string', creatorDisplayName: 'string', creatorType: 'string',
  creatorDepartment: 'string', creatorUpn: 'string', creatorCountry: 'string', creatorEmail: 'string', creatorJobTitle: 'string',
  creatorOffice: 'string', coOwners: 'integer', coOwnerDetails: 'coOwners', users: 'integer', type: 'string', status: 'string', triggered: 'boolean',
  lastRunTime: 'string', lastRunStatus: 'string', flowRuns: 'integer', runsLast7Days: 'integer', runsLast30Days: 'integer',
  runsLast90Days: 'integer', runsLast180Days: 'integer', createdTime: 'string', modifiedTime: 'string', solutionCount: 'integer',
  solutionDisplayNames: 'strings', schemaVersion: 'string',
});

/** main/services-and-features/enpower/flows/desktoprunhistories.md (`runs`), in the response sample's order. */
export const DESKTOP_FLOW_RUN_FIELDS = fields({
  id: 'string', attendedMode: 'string', objectId: 'string', startTime: 'string', endTime: 'string', duration: 'string', runStatus: 'string',
  requested: 'string',
});

export const CLOUD_FLOW_RUNS: StreamSpec = {
  stream: 'cloudflow-runs',
  producerPath: 'cloudflow-runs',
  fields: CLOUD_FLOW_RUN_FIELDS,
  timeField: 'startTime',
  timeFields: ['creationTime', 'startTime', 'endTime'],
  parentField: 'objectId',
  idField: 'id',
};

export const CLOUD_FLOW_ACTIVITIES: StreamSpec = {
  stream: 'cloudflow-activities',
  producerPath: 'cloudflow-activities',
  fields: CLOUD_FLOW_ACTIVITY_FIELDS,
  timeField: 'creationTime',
  timeFields: ['creationTime'],
  parentField: 'objectId',
  userField: 'userKey',
  userIdField: 'userId',
  idField: 'id',
};

export const DESKTOP_FLOW_RUNS: StreamSpec = {
  stream: 'desktopflow-runs',
  producerPath: 'desktopflow-runs',
  fields: DESKTOP_FLOW_RUN_FIELDS,
  timeField: 'startTime',
  timeFields: ['startTime', 'endTime'],
  parentField: 'objectId',
  valueField: 'runStatus',
  idField: 'id',
};

export const CLOUD_FLOWS: CollectionSpec = {
  kind: 'cloudFlow',
  producerPath: 'cloudflows',
  fields: CLOUD_FLOW_FIELDS,
  idField: 'flowId',
  tenantNameFields: ['tenantDomain'],
  environmentField: 'environmentId',
  edges: { kind: 'flow', targets: (flow) => (Array.isArray(flow.connections) ? (flow.connections as Array<{ connectionName?: string }>).map((connection) => connection.connectionName ?? '') : []) },
  computed: {
    lastActivityDate: lastTime(CLOUD_FLOW_ACTIVITIES.stream),
    lastRunTime: lastTime(CLOUD_FLOW_RUNS.stream),
    flowRuns: allTime(CLOUD_FLOW_RUNS.stream),
    ...rolling(CLOUD_FLOW_RUNS.stream, { 7: 'runsLast7Days', 30: 'runsLast30Days', 90: 'runsLast90Days', 180: 'runsLast180Days' }),
    ...rolling(CLOUD_FLOW_ACTIVITIES.stream, { 7: 'activitiesLast7Days', 30: 'activitiesLast30Days', 90: 'activitiesLast90Days', 180: 'activitiesLast180Days' }),
  },
};

export const DESKTOP_FLOWS: CollectionSpec = {
  kind: 'desktopFlow',
  producerPath: 'desktopflows',
  fields: DESKTOP_FLOW_FIELDS,
  idField: 'flowId',
  tenantNameFields: ['tenantDomain'],
  environmentField: 'environmentId',
  computed: {
    lastRunTime: lastTime(DESKTOP_FLOW_RUNS.stream),
    lastRunStatus: { from: 'events', stream: DESKTOP_FLOW_RUNS.stream, measure: 'lastValue' },
    flowRuns: allTime(DESKTOP_FLOW_RUNS.stream),
    ...rolling(DESKTOP_FLOW_RUNS.stream, { 7: 'runsLast7Days', 30: 'runsLast30Days', 90: 'runsLast90Days', 180: 'runsLast180Days' }),
  },
};
