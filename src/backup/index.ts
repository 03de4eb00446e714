import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { installErrorHandling, type ErrorEnvelope } from '../platform/error-handling.js';
import type { ProductModule, RegionContext } from '../platform/product-module.js';
import { backupMigrations, type BackupTables } from './schema.js';
import { auditDispatcher } from './shared/audit-outbox.js';
import { captureTraceparent, googleErrorEnvelope, graphErrorEnvelope, iaasErrorEnvelope } from './shared/envelopes.js';
import { EventStore } from './shared/event-store.js';
import { BackupJobStore } from './shared/job-store.js';
import { ProtectedObjectStore } from './shared/protected-object-store.js';
import { SettingsStore } from './shared/settings-store.js';
import { registerM365JobRoutes } from './m365/jobs/job-routes.js';
import { registerRestoreRoutes } from './m365/restore/restore-routes.js';
import { RestoreStore } from './m365/restore/restore-store.js';
import { defineRestoreJob, resumeRestoreJobs } from './m365/restore/restore-job.js';
import { registerSubscriptionRoutes } from './m365/subscription/subscription-routes.js';
import { registerUnusualActivityRoutes } from './m365/unusual-activities/unusual-activity-routes.js';
import { registerBackupFrequencyRoutes } from './m365/backup-frequency/backup-frequency-routes.js';
import { registerRetentionPolicyRoutes } from './m365/retention-policy/retention-policy-routes.js';
import { registerD365JobRoutes } from './d365/jobs/job-routes.js';
import { registerIaasJobRoutes } from './iaas-paas/jobs/job-routes.js';
import { registerGoogleJobRoutes } from './google/jobs/job-routes.js';
import { registerSalesforceJobRoutes } from './salesforce/jobs/job-routes.js';
import { registerMonitorAlertRoutes } from './salesforce/monitor-alerts/monitor-alert-routes.js';
import { registerSalesforceUnusualActivityRoutes } from './salesforce/unusual-activities/unusual-activity-routes.js';
import { seedBackup } from './simulator/seed.js';

/**
 * `jobState=` or `jobType=null` is how generated clients say "not set": such a parameter
 * is left out rather than refused as not being a number.
 */
function dropEmptyParameters(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const query = request.query as Record<string, unknown> | undefined;
    if (!query) return;
    const blank = (value: unknown) => value === '' || (typeof value === 'string' && value.trim().toLowerCase() === 'null');
    const kept = Object.entries(query)
      .map(([name, value]) => [name, Array.isArray(value) ? value.filter((item) => !blank(item)) : value] as const)
      .filter(([, value]) => !(Array.isArray(value) ? value.length === 0 : blank(value)));
    if (kept.length !== Object.keys(query).length || kept.some(([name, value]) => value !== query[name])) request.query = Object.fromEntries(kept);
  });
}

/** Each product answers in its own documented envelope, so each is its own encapsulation context. */
async function product(app: FastifyInstance, envelope: ErrorEnvelope, routes: (scope: FastifyInstance) => void): Promise<void> {
  await app.register(async (scope) => {
    installErrorHandling(scope, envelope);
    routes(scope);
  });
}

/**
 * Cloud Backup job information: Microsoft 365 (/backup/m365), Dynamics 365
 * (/dynamicsbackup), IaaS + PaaS (/backup/vm), Google Workspace (/backup/google) and
 * Salesforce (/backup/sfbapi), their producer routes (/producer/backup/...) and the
 * Microsoft 365 restores (a kernel job each).
 */
export const backupModule: ProductModule = {
  name: 'backup',
  migrations: backupMigrations,
  seed: seedBackup,
  seedOptions: [{ flag: 'backup-jobs', key: 'backupJobs', description: 'backup jobs to create for each Cloud Backup product' }],
  async register(app: FastifyInstance, context: RegionContext) {
    const db = context.db as Kysely<BackupTables>;
    const jobs = new BackupJobStore(db, context.engine);
    const events = new EventStore(db);
    const settings = new SettingsStore(db);
    const objects = new ProtectedObjectStore(db);
    const restores = new RestoreStore(db, context.engine, jobs);
    const audit = auditDispatcher(db, context);
    defineRestoreJob(context, restores, objects, audit, context.logger.child({ module: 'backup' }));
    const graph = graphErrorEnvelope(context.clock);

    captureTraceparent(app);
    dropEmptyParameters(app);
    await product(app, graph, (scope) => {
      registerM365JobRoutes(scope, context, jobs);
      registerRestoreRoutes(scope, context, restores, objects, () => audit.kick());
      registerSubscriptionRoutes(scope, context, settings);
      registerUnusualActivityRoutes(scope, context, events);
      registerBackupFrequencyRoutes(scope, context, settings);
      registerRetentionPolicyRoutes(scope, context, settings);
    });
    // d365.md documents no error body; it gets the envelope the other Cloud Backup pages share.
    await product(app, graph, (scope) => registerD365JobRoutes(scope, context, jobs));
    await product(app, iaasErrorEnvelope(context.clock), (scope) => registerIaasJobRoutes(scope, context, jobs));
    await product(app, googleErrorEnvelope, (scope) => registerGoogleJobRoutes(scope, context, jobs));
    await product(app, graph, (scope) => {
      registerSalesforceJobRoutes(scope, context, jobs);
      registerMonitorAlertRoutes(scope, context, events);
      registerSalesforceUnusualActivityRoutes(scope, context, events);
    });

    // Pending audit records go out as soon as the region is ready, and stop before the listener
    // does: an audit delivery is a request to this very region, and one still open when the
    // server closes keeps its connection (and the close) waiting. Restores run as kernel jobs.
    app.addHook('onReady', async () => {
      audit.start();
      await resumeRestoreJobs(context, restores).catch((error: unknown) => context.logger.warn({ err: (error as Error).message }, 'could not resume restore jobs'));
    });
    app.addHook('preClose', async () => {
      await audit.stop();
    });
  },
};
