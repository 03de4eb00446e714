import { entitySchema } from '../shared/fields.js';
import type { ListEndpoint } from '../shared/list-endpoint.js';
import { eventList, objectList, type EnPowerStores } from '../shared/readers.js';
import { BOT_ACTIVITIES, BOTS } from './agent-schemas.js';

/** main/services-and-features/enpower/copilotstudio/ */
export const agentEndpoints = (stores: EnPowerStores): ListEndpoint[] => [
  {
    paths: ['/smp/powerplatform/bot', '/smp/powerplatform/bots'],
    operationId: 'getCopilotStudioAgents',
    summary: 'Retrieve Copilot Studio agent details',
    description: 'Copilot Studio agents; activityCountLast…D and lastActivityTime are computed from their activities.',
    collectionKey: 'bots',
    item: entitySchema(BOTS.fields),
    read: objectList(BOTS, stores),
  },
  {
    // The table writes /bot/{botId}/activities, the request sample /bots/{id}/activities: both are answered.
    paths: ['/smp/powerplatform/bot/:botId/activities', '/smp/powerplatform/bots/:botId/activities'],
    operationId: 'getCopilotStudioAgentActivities',
    summary: 'Retrieve Copilot Studio agent activities',
    description: 'An agent\'s activities between fromDate and toDate, oldest first.',
    collectionKey: 'activities',
    item: entitySchema(BOT_ACTIVITIES.fields),
    pathParams: { botId: 'The agent whose activities are retrieved.' },
    dated: true,
    read: eventList(stores, { kind: BOTS.kind, param: 'botId', noun: 'agent' }, BOT_ACTIVITIES.stream),
  },
];
