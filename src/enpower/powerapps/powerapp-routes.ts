import { entitySchema } from '../shared/fields.js';
import type { ListEndpoint } from '../shared/list-endpoint.js';
import { eventList, launchedUserList, objectList, type EnPowerStores } from '../shared/readers.js';
import { LAUNCHED_USER_FIELDS, POWER_APP_ACTIVITIES, POWER_APP_LAUNCHES, POWER_APPS } from './powerapp-schemas.js';

const APP = { kind: POWER_APPS.kind, param: 'appId', noun: 'Power App' };
const APP_ID = { appId: 'The app whose records are retrieved (its appId or its id).' };

/** main/services-and-features/enpower/powerapps/ */
export const powerAppEndpoints = (stores: EnPowerStores): ListEndpoint[] => [
  {
    paths: ['/smp/powerplatform/powerapps'],
    operationId: 'getPowerApps',
    summary: 'Retrieve Power App details',
    description: 'Power Apps; the activity, launch and launched-user counters are computed from the apps\' activity and launch events (the last N UTC days, today included).',
    collectionKey: 'powerApps',
    item: entitySchema(POWER_APPS.fields),
    read: objectList(POWER_APPS, stores),
  },
  {
    paths: ['/smp/powerplatform/powerapps/:appId/activities'],
    operationId: 'getPowerAppActivities',
    summary: 'Retrieve Power App activities',
    description: 'An app\'s activities between fromDate and toDate, oldest first.',
    collectionKey: 'activities',
    item: entitySchema(POWER_APP_ACTIVITIES.fields),
    pathParams: APP_ID,
    dated: true,
    read: eventList(stores, APP, POWER_APP_ACTIVITIES.stream),
  },
  {
    paths: ['/smp/powerplatform/powerapps/:appId/launches'],
    operationId: 'getPowerAppLaunches',
    summary: 'Retrieve Power App launching history',
    description: 'An app\'s launches between fromDate and toDate, oldest first.',
    collectionKey: 'launches',
    item: entitySchema(POWER_APP_LAUNCHES.fields),
    pathParams: APP_ID,
    dated: true,
    read: eventList(stores, APP, POWER_APP_LAUNCHES.stream),
  },
  {
    paths: ['/smp/powerplatform/powerapps/:appId/launched-users', '/smp/powerplatform/powerapps/:appId/launchedusers'],
    operationId: 'getPowerAppLaunchedUsers',
    summary: 'Retrieve users who launched a Power App',
    description: 'Each user who launched the app between fromDate and toDate, with how often (lauchedTimes as the sample spells and types it, launchedTimes as the table does).',
    collectionKey: 'launchedUsers',
    item: entitySchema(LAUNCHED_USER_FIELDS),
    pathParams: APP_ID,
    dated: true,
    read: launchedUserList(stores, APP, POWER_APP_LAUNCHES.stream),
  },
];
