import type { Kysely } from 'kysely';
import type { ProductModule } from '../platform/product-module.js';
import { installErrorHandling, aosErrorEnvelope } from '../platform/error-handling.js';
import { elementsRegionMigrations, type ElementsRegionTables } from './schema.js';
import { RecordStore } from './region/record-store.js';
import { registerElementsRegionRoutes } from './region/region-routes.js';
import { registerGovernance } from './governance/register.js';

/**
 * Elements in a data center: the records of the customers whose data lives here. The
 * partner API itself is served by the global endpoint (src/elements/partner-api.ts), which
 * reads these records through this module's internal routes.
 */
export const elementsModule: ProductModule = {
  name: 'elements',
  migrations: elementsRegionMigrations,
  async register(app, context) {
    installErrorHandling(app, aosErrorEnvelope);
    registerElementsRegionRoutes(app, new RecordStore(context.db as Kysely<ElementsRegionTables>, () => context.clock.nowMs()));
    await registerGovernance(app, context);
  },
};
