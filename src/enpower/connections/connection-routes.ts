import { entitySchema } from '../shared/fields.js';
import type { ListEndpoint } from '../shared/list-endpoint.js';
import { objectList, type EnPowerStores } from '../shared/readers.js';
import { CONNECTIONS } from './connection-schemas.js';

/** main/services-and-features/enpower/connections.md */
export const connectionEndpoints = (stores: EnPowerStores): ListEndpoint[] => [
  {
    paths: ['/smp/powerplatform/connections'],
    operationId: 'getPowerPlatformConnections',
    summary: 'Retrieve Power Platform connection details',
    description: 'Connections; powerAppCount, flowCount, appNames and flowNames are the apps and cloud flows reported as using each.',
    collectionKey: 'connections',
    item: entitySchema(CONNECTIONS.fields),
    read: objectList(CONNECTIONS, stores),
  },
];
