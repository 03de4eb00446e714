import type { Kysely } from 'kysely';
import { aosErrorEnvelope, installErrorHandling } from '../platform/error-handling.js';
import { OutboxDispatcher } from '../platform/outbox.js';
import { CONFIDE_AUDIT_OUTBOX } from './audit.js';
import type { ProductModule } from '../platform/product-module.js';
import { registerPrivilegedUserProducerRoutes } from './privileged-users/producer-routes.js';
import { TASK_JOB_KIND, TaskRunner, type TaskJobPayload } from './privileged-users/task-runner.js';
import { queueTask, registerTaskRoutes } from './privileged-users/task-routes.js';
import { TaskStore } from './privileged-users/task-store.js';
import { confideMigrations, type ConfideTables } from './schema.js';
import { seedConfide } from './seed.js';

/**
 * AvePoint Confide: the share center's privileged users, imported and updated in bulk as
 * tasks (/admin/shareSetting/import-users and /update-users) run on the kernel's job runner.
 */
export const confideModule: ProductModule = {
  name: 'confide',
  migrations: confideMigrations,
  seed: seedConfide,
  seedOptions: [{ flag: 'confide-users', key: 'confideUsers', description: 'Confide privileged users to create' }],
  async register(app, context) {
    // The Confide pages' ErrorResponse is the AOS one: traceId, error, statusCode.
    installErrorHandling(app, aosErrorEnvelope);
    const db = context.db as Kysely<ConfideTables>;
    const tasks = new TaskStore(db);
    const audit = new OutboxDispatcher(db as unknown as Kysely<never>, CONFIDE_AUDIT_OUTBOX, (_destination, tenantId, records) => context.audit(tenantId, records), context.clock, context.logger.child({ module: 'confide' }));
    const runner = new TaskRunner(tasks, context.clock, () => audit.kick());
    // A task's items are its progress, so a short lease hands a crashed node's task over quickly.
    context.jobs.define<TaskJobPayload>(TASK_JOB_KIND, (job) => runner.run(job), { maxAttempts: 3, leaseMs: 5_000 });
    registerTaskRoutes(app, context, tasks, audit);
    registerPrivilegedUserProducerRoutes(app, context);
    // Tasks stored by a process that stopped before handing them to the job runner.
    for (const task of await tasks.unqueued()) await queueTask(context, tasks, task);
    // Deliver what earlier runs left in the outbox once the region can take it.
    app.addHook('onListen', async () => audit.start());
    app.addHook('onClose', async () => audit.stop());
  },
};
