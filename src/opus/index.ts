import type { Kysely } from 'kysely';
import { installErrorHandling } from '../platform/error-handling.js';
import type { ProductModule } from '../platform/product-module.js';
import { adminErrorEnvelope, registerOpusAdminRoutes } from './admin/admin-routes.js';
import { OutboxDispatcher } from '../platform/outbox.js';
import { OPUS_AUDIT_OUTBOX } from './audit/audit-outbox.js';
import { ConnectionService, ConnectionStore } from './connector/connection-store.js';
import { connectorErrorEnvelope, registerConnectorRoutes } from './connector/connector-routes.js';
import { RecordStore } from './connector/record-store.js';
import { RecordSubmission } from './connector/submission.js';
import { registerRestoreRoutes, restoreErrorEnvelope } from './restore-archived-data/restore-routes.js';
import { RestoreService } from './restore-archived-data/restore-service.js';
import { DisposalService } from './retention/disposal.js';
import { HoldService } from './retention/holds.js';
import { ReviewService } from './retention/reviews.js';
import { TermService } from './retention/terms.js';
import { opusMigrations, type OpusTables } from './schema.js';
import { seedOpus } from './seed.js';
import type { OpusServices } from './services.js';

/**
 * AvePoint Opus: the records connector (/records/connector/records) on a retention engine
 * (terms with rules, holds, manual approval, tombstones), and in-place restore of archived
 * data (/api/restore/...). Each documented area keeps its own error envelope.
 */
export const opusModule: ProductModule = {
  name: 'opus',
  migrations: opusMigrations,
  seed: seedOpus,
  seedOptions: [{ flag: 'opus-records', key: 'opusRecords', description: 'Opus records to submit' }],
  async register(app, context) {
    const db = context.db as Kysely<OpusTables>;
    const { engine, clock } = context;
    const connections = new ConnectionStore(db);
    const records = new RecordStore(db);
    const terms = new TermService(db, engine, clock);
    const audit = new OutboxDispatcher(db as unknown as Kysely<never>, OPUS_AUDIT_OUTBOX, (_destination, tenantId, records) => context.audit(tenantId, records), clock, context.logger.child({ module: 'opus' }));
    const services: OpusServices = {
      context,
      connections,
      connectionAdmin: new ConnectionService(db, connections, clock),
      records,
      submission: new RecordSubmission(db, engine, clock, terms),
      terms,
      holds: new HoldService(db, engine, clock),
      reviews: new ReviewService(db, engine, clock, records),
      disposal: new DisposalService(db, engine, clock, records, terms),
      restores: new RestoreService(db, engine, clock),
      audit,
    };
    await app.register(async (scope) => {
      installErrorHandling(scope, connectorErrorEnvelope);
      registerConnectorRoutes(scope, services);
    });
    await app.register(async (scope) => {
      installErrorHandling(scope, restoreErrorEnvelope);
      registerRestoreRoutes(scope, services);
    });
    await app.register(async (scope) => {
      installErrorHandling(scope, adminErrorEnvelope);
      registerOpusAdminRoutes(scope, services);
    });
    // Deliver what earlier runs left in the outbox once the region can take it.
    app.addHook('onListen', async () => audit.start());
    app.addHook('onClose', async () => audit.stop());
  },
};
