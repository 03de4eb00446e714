import { fields } from '../shared/fields.js';
import { lastTime, rolling, type CollectionSpec, type StreamSpec } from '../shared/specs.js';

/** main/services-and-features/enpower/copilotstudio/agents.md (`bots`), in the response sample's order. */
export const BOT_FIELDS = fields({
  botId: 'string', tenantId: 'string', tenantName: 'string', containerId: 'string', container: 'string', environmentId: 'string',
  environment: 'string', displayName: 'string', description: 'string', ownerId: 'string', ownerUserPrincipalName: 'string', creatorId: 'string',
  creatorDisplayName: 'string', creatorUserPrincipalName: 'string', creatorDepartment: 'string', creatorOffice: 'string', creatorCountry: 'string',
  creatorJobTitle: 'string', creatorEmail: 'string', createdTime: 'string', lastModifiedTime: 'string', lastPublishedTime: 'string',
  activityCountLast7D: 'integer', activityCountLast30D: 'integer', activityCountLast90D: 'integer', activityCountLast180D: 'integer',
  lastActivityTime: 'string', primaryLanguage: 'string', sharedWithOrganization: 'boolean', sharedUsers: 'integer', sharedGroups: 'integer',
  instructions: 'string', useAIGeneralKnowledge: 'boolean', useGenAIOrchestration: 'boolean', knowledgeSourceCount: 'integer',
  promptCount: 'integer', skillCount: 'integer', toolCount: 'integer', restAPIToolCount: 'integer', useWebSearch: 'boolean',
});

/** main/services-and-features/enpower/copilotstudio/activities.md (`activities`), in the response sample's order. */
export const BOT_ACTIVITY_FIELDS = fields({
  id: 'string', objectId: 'string', creationTime: 'string', userId: 'string', userKey: 'string', userType: 'string', activityType: 'string',
  dataSource: 'string',
});

export const BOT_ACTIVITIES: StreamSpec = {
  stream: 'bot-activities',
  producerPath: 'bot-activities',
  fields: BOT_ACTIVITY_FIELDS,
  timeField: 'creationTime',
  timeFields: ['creationTime'],
  parentField: 'objectId',
  userField: 'userKey',
  userIdField: 'userId',
  idField: 'id',
};

export const BOTS: CollectionSpec = {
  kind: 'bot',
  producerPath: 'bots',
  fields: BOT_FIELDS,
  idField: 'botId',
  tenantNameFields: ['tenantName'],
  environmentField: 'environmentId',
  computed: {
    ...rolling(BOT_ACTIVITIES.stream, { 7: 'activityCountLast7D', 30: 'activityCountLast30D', 90: 'activityCountLast90D', 180: 'activityCountLast180D' }),
    lastActivityTime: lastTime(BOT_ACTIVITIES.stream),
  },
};
