import { Type } from 'typebox';
import { fields } from '../shared/fields.js';
import { allTime, lastTime, rolling, type CollectionSpec, type StreamSpec } from '../shared/specs.js';

/** main/services-and-features/enpower/powerapps/powerapps.md (`powerApps`), in the response sample's order. */
export const POWER_APP_FIELDS = fields({
  id: 'string', appId: 'string', displayName: 'string', tenantId: 'string', tenantDomain: 'string', containerId: 'string', container: 'string',
  environment: 'string', environmentName: 'string', ownerDisplayName: 'string', ownerStatus: 'string', createdOn: 'string', modifiedOn: 'string',
  lastLaunchedOn: 'string', sharedUsers: 'integer', sharedGroups: 'integer', sharedOrganization: 'boolean', appType: 'string',
  appTypeDetail: 'string', siteUrl: 'string', backgroundImageUri: 'string', backgroundColor: 'string', hasContextDetail: 'boolean',
  coOwnerCount: 'integer', shadowUserCount: 'integer', guestUserCount: 'integer', ownerUserType: 'string', connectorCount: 'integer',
  hasPremiumConnection: 'boolean', environmentType: 'string', environmentHasSecurityGroup: 'boolean', creatorDepartment: 'string',
  creatorDisplayName: 'string', creatorCountry: 'string', creatorId: 'string', creatorJobTitle: 'string', lastActivityDate: 'string',
  connectorTier: 'string', withBusinessContextRequest: 'boolean', withBusinessContextResponse: 'boolean', businessContextLastResponseTime: 'string',
  lastActivityD7: 'integer', lastActivityD30: 'integer', lastActivityD90: 'integer', lastActivityD180: 'integer', appLaunchesLast7Days: 'integer',
  appLaunchesLast30Days: 'integer', appLaunchesLast90Days: 'integer', appLaunchesLast180Days: 'integer', appLaunchedCount: 'integer',
  launchedUsersLast7Days: 'integer', launchedUsersLast30Days: 'integer', launchedUsersLast90Days: 'integer', launchedUsersLast180Days: 'integer',
  lastPublishOn: 'string', quarantineState: 'string', status: 'string', solutionCount: 'integer', solutionNames: 'string',
  backgroundModelDrivenImageUri: 'string', componentState: 'string', isManaged: 'boolean', actions: 'integer', ownerUserPrincipalName: 'string',
  creatorUserPrincipalName: 'string', creatorOfficeLocation: 'string', primaryContact: 'user', secondaryContact: 'user', phase: 'string',
  phaseAssignees: 'assignees', lastRenewalTime: 'string', phaseStartTime: 'string', renewalDueDate: 'string', nextRenewalDate: 'string',
  lastRenewalBy: 'user', renewProfileApplied: 'boolean', isRegistered: 'boolean', renewProfile: 'profile', metadata: 'metadata',
  electionProfileApplied: 'boolean', electionProfile: 'profile', claimStatus: 'string',
});

/** main/services-and-features/enpower/powerapps/activities.md (`activities`), in the response sample's order. */
export const POWER_APP_ACTIVITY_FIELDS = fields({
  id: 'string', objectId: 'string', creationTime: 'string', userId: 'string', userKey: 'string', userType: 'string', clientIP: 'string',
  activityType: 'string', dataSource: 'string', itemName: 'string',
});

/** main/services-and-features/enpower/powerapps/applaunches.md (`launches`), in the response sample's order. */
export const POWER_APP_LAUNCH_FIELDS = fields({
  id: 'string', objectId: 'string', creationTime: 'string', userId: 'string', userKey: 'string', userType: 'string', clientIP: 'string',
});

/** main/services-and-features/enpower/powerapps/launchedusers.md (`launchedUsers`), in the response sample's order. */
export const LAUNCHED_USER_FIELDS = fields({
  objectId: 'string', userId: 'string', userKey: 'string', userType: 'string', lauchedTimes: 'string', launchedTimes: 'integer',
});

export const POWER_APP_ACTIVITIES: StreamSpec = {
  stream: 'powerapp-activities',
  producerPath: 'powerapp-activities',
  fields: POWER_APP_ACTIVITY_FIELDS,
  timeField: 'creationTime',
  timeFields: ['creationTime'],
  parentField: 'objectId',
  userField: 'userKey',
  userIdField: 'userId',
  idField: 'id',
};

export const POWER_APP_LAUNCHES: StreamSpec = { ...POWER_APP_ACTIVITIES, stream: 'powerapp-launches', producerPath: 'powerapp-launches', fields: POWER_APP_LAUNCH_FIELDS };

export const POWER_APPS: CollectionSpec = {
  kind: 'powerApp',
  producerPath: 'powerapps',
  fields: POWER_APP_FIELDS,
  idField: 'id',
  // The drill-downs' {appId} is the app's GUID (the request samples), which its events name as objectId.
  parentField: 'appId',
  tenantNameFields: ['tenantDomain'],
  environmentField: 'environment',
  edges: { kind: 'app', targets: (app) => (Array.isArray(app.connectionIds) ? (app.connectionIds as string[]) : []) },
  producerExtras: { connectionIds: Type.Array(Type.String({ minLength: 1, maxLength: 400 }), { maxItems: 500, description: 'The connections the app uses (not served; they make the connections\' appNames and powerAppCount).' }) },
  computed: {
    lastLaunchedOn: lastTime(POWER_APP_LAUNCHES.stream),
    lastActivityDate: lastTime(POWER_APP_ACTIVITIES.stream),
    ...rolling(POWER_APP_ACTIVITIES.stream, { 7: 'lastActivityD7', 30: 'lastActivityD30', 90: 'lastActivityD90', 180: 'lastActivityD180' }),
    ...rolling(POWER_APP_LAUNCHES.stream, { 7: 'appLaunchesLast7Days', 30: 'appLaunchesLast30Days', 90: 'appLaunchesLast90Days', 180: 'appLaunchesLast180Days' }),
    appLaunchedCount: allTime(POWER_APP_LAUNCHES.stream),
    ...rolling(POWER_APP_LAUNCHES.stream, { 7: 'launchedUsersLast7Days', 30: 'launchedUsersLast30Days', 90: 'launchedUsersLast90Days', 180: 'launchedUsersLast180Days' }, 'users'),
  },
};
