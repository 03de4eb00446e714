import { entitySchema } from '../shared/fields.js';
import type { ListEndpoint } from '../shared/list-endpoint.js';
import { objectList, type EnPowerStores } from '../shared/readers.js';
import { ENVIRONMENTS } from './environment-schemas.js';

/** main/services-and-features/enpower/environments.md */
export const environmentEndpoints = (stores: EnPowerStores): ListEndpoint[] => [
  {
    paths: ['/smp/powerplatform/environments'],
    operationId: 'getPowerPlatformEnvironments',
    summary: 'Retrieve Power Platform environment details',
    description: 'Power Platform environments with their security group, usage and Cloud Governance lifecycle; numberOfApps, numberOfFlows, numberOfDesktopFlows and numberOfConnections count the inventory.',
    collectionKey: 'environments',
    item: entitySchema(ENVIRONMENTS.fields),
    read: objectList(ENVIRONMENTS, stores),
  },
];
