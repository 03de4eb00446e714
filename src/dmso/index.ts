import type { Kysely } from 'kysely';
import { aosErrorEnvelope, installErrorHandling } from '../platform/error-handling.js';
import type { ProductModule } from '../platform/product-module.js';
import { registerAuditRoutes } from './audits/audit-routes.js';
import { AuditStore } from './audits/audit-store.js';
import { dmsoMigrations, type DmsoTables } from './schema.js';
import { seedDmso } from './seed.js';

/** Document Management System Online: its audit log (/dmso/audits). */
export const dmsoModule: ProductModule = {
  name: 'dmso',
  migrations: dmsoMigrations,
  seed: seedDmso,
  seedOptions: [{ flag: 'dmso-audits', key: 'dmsoAudits', description: 'DMSO audit records to create' }],
  async register(app, context) {
    // The page's ErrorResponse is the AOS one: traceId, error, statusCode.
    installErrorHandling(app, aosErrorEnvelope);
    registerAuditRoutes(app, context, new AuditStore(context.db as Kysely<DmsoTables>));
  },
};
