import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createApiServer, type TlsMaterial } from '../platform/http-server.js';
import { HostedService } from '../platform/hosted-service.js';
import { aosErrorEnvelope } from '../platform/error-handling.js';
import { registerPermissionGuard, requirePermission } from '../platform/permission-guard.js';
import { createPagingTokenCodec } from '../platform/paging-token.js';
import type { Clock } from '../platform/clock.js';
import type { ProductModule, RegionContext } from '../platform/product-module.js';
import { openDatabase, ping, type Database, type StorageLocation } from '../storage/database.js';
import { migrate } from '../storage/migrations.js';
import { JobRunner } from '../platform/jobs/job-runner.js';
import { kernelJobMigrations } from '../platform/jobs/job-schema.js';
import { BlobStore, blobStoreMigrations } from '../storage/blob-store.js';
import type { DataCenter } from '../topology/data-centers.js';
import { isPublicRoute, registerBearerAuth } from './bearer-auth.js';
import type { Redis } from 'ioredis';
import { registerRateLimit } from '../platform/rate-limit.js';

export interface RegionServerOptions {
  dataCenter: DataCenter;
  storage: StorageLocation;
  modules: readonly ProductModule[];
  logger: Logger;
  clock: Clock;
  tls?: TlsMaterial | undefined;
  /** Signs this region's paging tokens; every node of the region shares it. */
  pagingSecret: string;
  issuer: () => string;
  fetch: typeof fetch;
  endpointOf: (dataCenter: string) => string | undefined;
  /** `redisPrefix`: the deployment's, so deployments (and test runs) sharing one Redis do not share counts. */
  rateLimit: { perMinute: number; redis?: Redis | undefined; redisPrefix?: string | undefined };
  /** Delivers audit records to this region's own audit producer route (RegionContext.audit). */
  audit?: (tenantId: string, records: unknown[]) => Promise<void>;
}

/**
 * One data center's API: its own database, offline token verification, tenant residency,
 * the permission guard, and every product module mounted on it.
 */
export class RegionServer extends HostedService {
  private constructor(
    readonly dataCenter: DataCenter,
    app: FastifyInstance,
    private readonly database: Database<unknown>,
    readonly context: RegionContext,
    private readonly jobRunner: JobRunner,
  ) {
    super(app);
  }

  static async create(options: RegionServerOptions): Promise<RegionServer> {
    const database = await openDatabase<unknown>(options.storage);
    await migrate(database, kernelJobMigrations);
    await migrate(database, blobStoreMigrations);
    for (const module of options.modules) await migrate(database, module.migrations);
    const jobs = new JobRunner({ db: database.db, clock: options.clock, logger: options.logger });
    const app = await createApiServer({
      logger: options.logger,
      tls: options.tls,
      bodyLimit: 4 * 1024 * 1024,
      errorEnvelope: aosErrorEnvelope,
      errorEnvelopesByPath: options.modules.flatMap((module) => (module.errorEnvelope ? [module.errorEnvelope] : [])),
      openapi: {
        title: `AvePoint Graph API — ${options.dataCenter.region} (${options.dataCenter.code})`,
        description: `Regional API of data center '${options.dataCenter.code}', served by Meridian.`,
        version: '1.0.0',
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    });
    const holder: { server?: RegionServer } = {};
    const context: RegionContext = {
      dataCenter: options.dataCenter.code,
      db: database.db,
      engine: database.engine,
      clock: options.clock,
      logger: options.logger,
      paging: createPagingTokenCodec(options.pagingSecret),
      publicUrl: () => holder.server?.url ?? '',
      audit: options.audit ?? (async () => {
        throw new Error(`Region ${options.dataCenter.code} has no audit delivery configured`);
      }),
      jobs,
      blobs: new BlobStore(database.db, options.clock),
    };
    const server = new RegionServer(options.dataCenter, app, database, context, jobs);
    holder.server = server;
    registerPermissionGuard(app);
    registerBearerAuth(app, { issuer: options.issuer, fetch: options.fetch, dataCenter: options.dataCenter.code, endpointOf: options.endpointOf });
    app.addHook('preHandler', async (request) => {
      if (!isPublicRoute(request)) requirePermission(request);
    });
    await registerRateLimit(app, {
      perMinute: options.rateLimit.perMinute,
      redis: options.rateLimit.redis,
      nameSpace: `${options.rateLimit.redisPrefix ?? 'meridian'}:rl-region-${options.dataCenter.code}-`,
      // Per app per tenant, as Microsoft Graph throttles: producers feeding a tenant do not eat its readers' quota.
      key: (request) => (request.principal ? `${request.principal.tenantId}:${request.principal.clientId}` : request.ip),
    });
    for (const module of options.modules) await app.register(async (scope) => module.register(scope, context));
    // Jobs start once every module has defined its kinds, so no claimed job finds no handler.
    jobs.start();
    return server;
  }

  /** Resolves when this listener's database answers (its /ready probe). */
  async pingStore(): Promise<void> {
    await ping(this.database.db as never);
  }

  override async close(): Promise<void> {
    await super.close();
    await this.jobRunner.stop();
    await this.database.close();
  }
}
