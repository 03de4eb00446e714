import type { Kysely } from 'kysely';
import { aosErrorEnvelope, installErrorHandling } from '../platform/error-handling.js';
import type { ProductModule } from '../platform/product-module.js';
import { connectionEndpoints } from './connections/connection-routes.js';
import { agentEndpoints } from './copilotstudio/agent-routes.js';
import { environmentEndpoints } from './environments/environment-routes.js';
import { eolEndpoints } from './eol/eol-routes.js';
import { mailboxEndpoints } from './exchange/mailbox-routes.js';
import { flowEndpoints } from './flows/flow-routes.js';
import { pageEndpoints } from './pages/page-routes.js';
import { powerAppEndpoints } from './powerapps/powerapp-routes.js';
import { powerBiEndpoints } from './powerbi/powerbi-routes.js';
import { registerProducerRoutes } from './producer/producer-routes.js';
import { enPowerMigrations, type EnPowerTables } from './schema.js';
import { seedEnPower } from './seed.js';
import { EventStore } from './shared/event-store.js';
import { registerListEndpoints } from './shared/list-endpoint.js';
import { ObjectStore } from './shared/object-store.js';

/**
 * EnPower: the Power Platform, Power BI, Copilot Studio, Power Pages, Exchange and
 * end-of-life inventory of an organization's Microsoft 365 tenants (/smp/...), read-only,
 * fed through /producer/enpower/....
 */
export const enPowerModule: ProductModule = {
  name: 'enpower',
  migrations: enPowerMigrations,
  seed: seedEnPower,
  seedOptions: [
    { flag: 'enpower-objects', key: 'enPowerObjects', description: 'EnPower inventory objects (apps, flows, mailboxes, ...) to create in each Microsoft 365 tenant' },
    { flag: 'enpower-events', key: 'enPowerEvents', description: 'EnPower activity, launch and run events to create over --days' },
    { flag: 'enpower-tenants', key: 'enPowerTenants', description: 'Microsoft 365 tenants of the organization in EnPower (default 1, the demo 2)' },
  ],
  async register(app, context) {
    await app.register(async (scope) => {
      installErrorHandling(scope, aosErrorEnvelope);
      const db = context.db as Kysely<EnPowerTables>;
      const stores = { objects: new ObjectStore(db, context.engine), events: new EventStore(db, context.engine) };
      registerListEndpoints(scope, context, stores.objects, [
        ...environmentEndpoints(stores),
        ...connectionEndpoints(stores),
        ...powerAppEndpoints(stores),
        ...flowEndpoints(stores),
        ...powerBiEndpoints(stores),
        ...agentEndpoints(stores),
        ...pageEndpoints(stores),
        ...mailboxEndpoints(stores),
        ...eolEndpoints(stores),
      ]);
      registerProducerRoutes(scope, context, stores);
    });
  },
};
