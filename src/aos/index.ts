import type { Kysely } from 'kysely';
import type { ProductModule } from '../platform/product-module.js';
import { installErrorHandling, aosErrorEnvelope } from '../platform/error-handling.js';
import { aosMigrations, type AosTables } from './schema.js';
import { AuditStore } from './audit/audit-store.js';
import { registerAuditRoutes } from './audit/audit-routes.js';
import { ScanJobStore } from './jobs/scan-job-store.js';
import { registerScanJobRoutes } from './jobs/scan-job-routes.js';
import { seedAos } from './seed.js';

/** AvePoint Online Services: audit records (/aos/audit) and scan jobs (/aos/jobs). */
export const aosModule: ProductModule = {
  name: 'aos',
  migrations: aosMigrations,
  seed: seedAos,
  seedOptions: [
    { flag: 'audit-events', key: 'auditEvents', description: 'audit records to create' },
    { flag: 'scan-job-days', key: 'scanJobDays', description: 'days of daily scan jobs to create' },
  ],
  async register(app, context) {
    installErrorHandling(app, aosErrorEnvelope);
    const db = context.db as Kysely<AosTables>;
    registerAuditRoutes(app, context, new AuditStore(db, context.engine));
    registerScanJobRoutes(app, context, new ScanJobStore(db));
  },
};
