import { entitySchema } from '../shared/fields.js';
import type { ListEndpoint } from '../shared/list-endpoint.js';
import { eventList, objectList, type EnPowerStores } from '../shared/readers.js';
import { POWER_PAGE_ACTIVITIES, POWER_PAGES } from './page-schemas.js';

/** main/services-and-features/enpower/pages/ */
export const pageEndpoints = (stores: EnPowerStores): ListEndpoint[] => [
  {
    paths: ['/smp/powerplatform/powerpages'],
    operationId: 'getPowerPagesSites',
    summary: 'Retrieve Power Pages site details',
    description: 'Power Pages sites; activitiesLast…Days are computed from their activities.',
    collectionKey: 'powerPages',
    item: entitySchema(POWER_PAGES.fields),
    read: objectList(POWER_PAGES, stores),
  },
  {
    paths: ['/smp/powerplatform/powerpages/:powerPageId/activities'],
    operationId: 'getPowerPagesSiteActivities',
    summary: 'Retrieve Power Pages site activities',
    description: 'A site\'s activities between fromDate and toDate, oldest first.',
    collectionKey: 'activities',
    item: entitySchema(POWER_PAGE_ACTIVITIES.fields),
    pathParams: { powerPageId: 'The site whose activities are retrieved.' },
    dated: true,
    read: eventList(stores, { kind: POWER_PAGES.kind, param: 'powerPageId', noun: 'Power Pages site' }, POWER_PAGE_ACTIVITIES.stream),
  },
];
