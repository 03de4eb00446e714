import { fields } from '../shared/fields.js';
import { rolling, type CollectionSpec, type StreamSpec } from '../shared/specs.js';

/** main/services-and-features/enpower/pages/details.md (`powerPages`), in the response sample's order. */
export const POWER_PAGE_FIELDS = fields({
  id: 'string', tenantId: 'string', tenantName: 'string', containerId: 'string', containerName: 'string', siteId: 'string', environmentId: 'string',
  environmentName: 'string', name: 'string', websiteName: 'string', templateName: 'string', websiteUrl: 'string', defaultLanguage: 'string',
  type: 'string', earlyUpgradeEnabled: 'boolean', ownerId: 'string', ownerDisplayName: 'string', ownerDepartment: 'string', ownerOffice: 'string',
  siteVisibility: 'string', dataModel: 'string', anonymousAccess: 'string', createdTime: 'string', creatorId: 'string', creatorDisplayName: 'string',
  creatorUserPrincipalName: 'string', creatorDepartment: 'string', creatorCountry: 'string', creatorJobTitle: 'string', creatorEmail: 'string',
  creatorOffice: 'string', modifiedTime: 'string', modifiedId: 'string', modifiedDisplayName: 'string', siteStatus: 'string',
  activationStatus: 'string', activitiesLast7Days: 'integer', activitiesLast30Days: 'integer', activitiesLast90Days: 'integer',
  activitiesLast180Days: 'integer',
});

/** main/services-and-features/enpower/pages/activities.md (`activities`), in the response sample's order. */
export const POWER_PAGE_ACTIVITY_FIELDS = fields({
  id: 'string', objectId: 'string', creationTime: 'string', userId: 'string', userKey: 'string', userType: 'string', activityType: 'string',
  dataSource: 'string', clientIP: 'string', resultStatus: 'string',
});

export const POWER_PAGE_ACTIVITIES: StreamSpec = {
  stream: 'powerpage-activities',
  producerPath: 'powerpage-activities',
  fields: POWER_PAGE_ACTIVITY_FIELDS,
  timeField: 'creationTime',
  timeFields: ['creationTime'],
  parentField: 'objectId',
  userField: 'userKey',
  userIdField: 'userId',
  idField: 'id',
};

export const POWER_PAGES: CollectionSpec = {
  kind: 'powerPage',
  producerPath: 'powerpages',
  fields: POWER_PAGE_FIELDS,
  idField: 'id',
  tenantNameFields: ['tenantName'],
  environmentField: 'environmentId',
  computed: rolling(POWER_PAGE_ACTIVITIES.stream, { 7: 'activitiesLast7Days', 30: 'activitiesLast30Days', 90: 'activitiesLast90Days', 180: 'activitiesLast180Days' }),
};
