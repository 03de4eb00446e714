import type { Kysely } from 'kysely';
import { installErrorHandling } from '../platform/error-handling.js';
import type { ProductModule } from '../platform/product-module.js';
import { insightsErrorEnvelope } from './envelope.js';
import { ExportJobs } from './exportJobs/export-jobs.js';
import { registerExportRoutes } from './exportJobs/export-routes.js';
import { ExportStore } from './exportJobs/export-store.js';
import { GraphStore } from './graph/graph-store.js';
import { GraphWriter } from './graph/graph-writer.js';
import { registerGraphProducerRoutes } from './graph/producer-routes.js';
import { registerGroupRoutes } from './groups/groups-routes.js';
import { registerTagRoutes } from './objects/tag-routes.js';
import { insightsMigrations, type InsightsTables } from './schema.js';
import { INSIGHTS_SEED_OPTIONS, seedInsights } from './seed.js';
import { registerLinkRoutes } from './sharingLinks/links-routes.js';
import { registerSiteRoutes } from './sites/sites-routes.js';
import { registerUserRoutes } from './users/users-routes.js';

/**
 * Insights for Microsoft 365 and Google Workspace: one permission graph per tenant (users,
 * groups, sites and drives, objects, permission entries, sharing links, activities) behind
 * the 8 direct reads, the tag action and the 12 export jobs, whose reports are XLSX files in
 * a ZIP kept in the region's blob store.
 */
export const insightsModule: ProductModule = {
  name: 'insights',
  migrations: insightsMigrations,
  seed: seedInsights,
  seedOptions: INSIGHTS_SEED_OPTIONS,
  // `{status, message}` also for an Insights path that matches no route or cannot be decoded.
  errorEnvelope: { prefixes: ['/insights', '/producer/insights'], envelope: insightsErrorEnvelope },
  async register(app, context) {
    installErrorHandling(app, insightsErrorEnvelope);
    const db = context.db as Kysely<InsightsTables>;
    const graph = new GraphStore(db);
    const exports = new ExportJobs(context, graph, new ExportStore(db));
    exports.define();
    registerUserRoutes(app, context, graph);
    registerGroupRoutes(app, context, graph);
    registerLinkRoutes(app, context, graph);
    registerSiteRoutes(app, context, graph);
    registerTagRoutes(app, graph);
    registerExportRoutes(app, context, graph, exports);
    registerGraphProducerRoutes(app, new GraphWriter(db));
    app.addHook('onListen', async () => exports.startSweeping());
    app.addHook('onClose', async () => exports.stopSweeping());
  },
};
