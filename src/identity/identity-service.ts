import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { registerRateLimit } from '../platform/rate-limit.js';
import type { Logger } from 'pino';
import { createApiServer, type TlsMaterial } from '../platform/http-server.js';
import { HostedService } from '../platform/hosted-service.js';
import type { ErrorEnvelope } from '../platform/error-handling.js';
import type { Clock } from '../platform/clock.js';
import { openDatabase, type Database, type StorageLocation } from '../storage/database.js';
import { migrate } from '../storage/migrations.js';
import type { CloudEnvironment } from '../topology/data-centers.js';
import { IDENTITY_AUDIT_OUTBOX, type AuditDelivery } from './audit-trail.js';
import { OutboxDispatcher } from '../platform/outbox.js';
import { Directory } from './directory.js';
import { registerDiscovery } from './discovery.js';
import { identityMigrations, type IdentityTables } from './schema.js';
import { SigningKeys } from './signing-keys.js';
import type { ReplayCache } from './replay-cache.js';
import { AccessTokenIssuer } from './token/access-tokens.js';
import { ClientAuthenticator } from './token/client-authentication.js';
import { registerTokenEndpoint } from './token/token-endpoint.js';
import { registerAdminRoutes } from './admin/admin-routes.js';
import { CustomerScopes } from './partners/customer-scope.js';

const OAUTH_CODES = new Set(['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope']);

/** RFC 6749 §5.2 for everything the identity host answers outside the admin API. */
export const oauthErrorEnvelope: ErrorEnvelope = (error) => ({
  error: OAUTH_CODES.has(error.code)
    ? error.code
    : error.statusCode === 429 || error.statusCode === 503
      ? 'temporarily_unavailable'
      : error.statusCode >= 500
        ? 'server_error'
        : 'invalid_request',
  error_description: error.message,
});

export interface IdentityServiceOptions {
  environment: CloudEnvironment;
  storage: StorageLocation;
  logger: Logger;
  clock: Clock;
  tls?: TlsMaterial | undefined;
  replayCache: ReplayCache;
  adminKey: string;
  audit: AuditDelivery;
  tokenRateLimit: { perMinute: number; redis?: Redis | undefined };
}

/** One environment's identity host: token endpoint, discovery, JWKS and the admin API. */
export class IdentityService extends HostedService {
  readonly directory: Directory;
  readonly keys: SigningKeys;
  readonly issuer: AccessTokenIssuer;
  readonly outbox: OutboxDispatcher;
  readonly customerScopes: CustomerScopes;

  private constructor(
    readonly options: IdentityServiceOptions,
    private readonly database: Database<IdentityTables>,
    app: FastifyInstance,
  ) {
    super(app);
    const { clock } = options;
    this.keys = new SigningKeys(database.db, clock);
    this.customerScopes = new CustomerScopes(database.db as never, clock);
    this.issuer = new AccessTokenIssuer(this.keys, clock, () => this.url, async (clientId, tenantId) => ({ customer_scope: await this.customerScopes.claimFor(clientId, tenantId) }));
    this.outbox = new OutboxDispatcher(database.db as never, IDENTITY_AUDIT_OUTBOX, options.audit.deliver, clock, options.logger);
    this.directory = new Directory(database.db, clock, options.environment.id, () => this.outbox.kick());
  }

  static async create(options: IdentityServiceOptions): Promise<IdentityService> {
    const database = await openDatabase<IdentityTables>(options.storage);
    await migrate(database as never, identityMigrations);
    const app = await createApiServer({
      logger: options.logger,
      tls: options.tls,
      bodyLimit: 256 * 1024,
      errorEnvelope: oauthErrorEnvelope,
      openapi: {
        title: `Meridian identity (${options.environment.name})`,
        description: 'OAuth 2.0 client_credentials token endpoint, discovery, JWKS and the operator admin API.',
        version: '1.0.0',
      },
    });
    const service = new IdentityService(options, database, app);
    await service.keys.activeKey();
    const authenticator = new ClientAuthenticator({
      directory: service.directory,
      replayCache: options.replayCache,
      clock: options.clock,
      audiences: () => [`${service.url}/connect/token`, service.url, `${service.url}/`],
      replayKeyPrefix: `${options.environment.id}:`,
    });
    await registerRateLimit(app, {
      perMinute: options.tokenRateLimit.perMinute,
      redis: options.tokenRateLimit.redis,
      nameSpace: `meridian-rl-identity-${options.environment.id}-`,
      // Per client where the form names one, so one noisy client does not throttle its neighbours behind a NAT.
      key: (request) => {
        const body = request.body as Record<string, unknown> | undefined;
        return typeof body?.client_id === 'string' ? `client:${body.client_id}` : `ip:${request.ip}`;
      },
    });
    await registerTokenEndpoint(app, authenticator, service.issuer);
    registerDiscovery(app, service.keys, () => service.url);
    await registerAdminRoutes(app, { directory: service.directory, keys: service.keys, issuer: service.issuer, adminKey: options.adminKey, customerScopes: service.customerScopes });
    return service;
  }

  override async close(): Promise<void> {
    await this.outbox.stop();
    await super.close();
    await this.database.close();
  }
}
