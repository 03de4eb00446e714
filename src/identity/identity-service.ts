import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { registerRateLimit } from '../platform/rate-limit.js';
import type { Logger } from 'pino';
import { createApiServer, type TlsMaterial } from '../platform/http-server.js';
import { HostedService } from '../platform/hosted-service.js';
import type { ErrorEnvelope } from '../platform/error-handling.js';
import type { Clock } from '../platform/clock.js';
import { openDatabase, ping, type Database, type StorageLocation } from '../storage/database.js';
import { migrate } from '../storage/migrations.js';
import type { CloudEnvironment } from '../topology/data-centers.js';
import { IDENTITY_AUDIT_OUTBOX, type AuditDelivery } from './audit-trail.js';
import { OutboxDispatcher } from '../platform/outbox.js';
import { Directory, type ClientEntry } from './directory.js';
import { NodeCache } from '../platform/node-cache.js';
import { registerDiscovery } from './discovery.js';
import { identityMigrations, type IdentityTables } from './schema.js';
import { SigningKeys, type SigningKeyTiming } from './signing-keys.js';
import { StoreReplayCache, type ReplayCache } from './replay-cache.js';
import { TokenThrottle, type TokenThrottleLimits } from './token/token-throttle.js';
import { MemoryWindowCounter, RedisWindowCounter, type WindowCounter } from '../platform/window-counter.js';
import { AccessTokenIssuer } from './token/access-tokens.js';
import { ClientAuthenticator } from './token/client-authentication.js';
import { registerTokenEndpoint } from './token/token-endpoint.js';
import { registerAdminRoutes } from './admin/admin-routes.js';
import { registerServiceRoutes, ServiceCredentials } from './service-credentials.js';
import type { RegionCall } from './admin/tenant-data-routes.js';
import { registerConsole } from './console/console-routes.js';
import { ApiError } from '../platform/errors.js';
import { CustomerScopes, isElementsPermission } from './partners/customer-scope.js';

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
  /** Shared by a deployment's nodes (Redis); absent, the identity's own store keeps used assertions. */
  replayCache?: ReplayCache | undefined;
  adminKey: string;
  audit: AuditDelivery;
  /** `perMinute` limits the listener's other routes per address; the token endpoint has its own limits. */
  tokenRateLimit: { perMinute: number; token: TokenThrottleLimits; redis?: Redis | undefined; redisPrefix?: string };
  /** Proxies whose X-Forwarded-For names the caller's address (the throttle counts by it). */
  trustProxy?: string | undefined;
  /** How long nodes cache the signing keys, and how long before it signs a new key is published. */
  signingKeys?: SigningKeyTiming | undefined;
  /**
   * How long a node may keep a client (app, secrets' hashes, certificates) it read for the
   * token endpoint when no change message arrives (MERIDIAN_CLIENT_CACHE_MS; 0 = no cache).
   * Only with Redis (`tokenRateLimit.redis`): changes reach the other nodes by its pub/sub.
   */
  clientCacheMs?: number | undefined;
  /** Where the regions are, for the admin API's reads of a tenant's data (console, CLI). */
  regionUrl?: (dataCenter: string) => string | undefined;
  fetch?: typeof fetch;
}

/** One environment's identity host: token endpoint, discovery, JWKS and the admin API. */
export class IdentityService extends HostedService {
  readonly directory: Directory;
  readonly keys: SigningKeys;
  readonly issuer: AccessTokenIssuer;
  readonly outbox: OutboxDispatcher;
  readonly serviceCredentials: ServiceCredentials;
  readonly customerScopes: CustomerScopes;

  private constructor(
    readonly options: IdentityServiceOptions,
    private readonly database: Database<IdentityTables>,
    app: FastifyInstance,
    private readonly owned: { replayCache?: ReplayCache; counter: WindowCounter; clients: NodeCache<ClientEntry> },
  ) {
    super(app);
    const { clock } = options;
    this.keys = new SigningKeys(database.db, clock, options.signingKeys);
    this.serviceCredentials = new ServiceCredentials(database.db, clock, options.environment.id);
    this.customerScopes = new CustomerScopes(database.db as never, clock);
    // Only a token for the Elements partner API carries the app's customer scope: other tokens cost no read.
    this.issuer = new AccessTokenIssuer(this.keys, clock, () => this.url, async (clientId, tenantId, scopes) =>
      scopes.some(isElementsPermission) ? { customer_scope: await this.customerScopes.claimFor(clientId, tenantId) } : {},
    );
    this.outbox = new OutboxDispatcher(database.db as never, IDENTITY_AUDIT_OUTBOX, options.audit.deliver, clock, options.logger);
    this.directory = new Directory(database.db, clock, options.environment.id, () => this.outbox.kick(), owned.clients);
  }

  static async create(options: IdentityServiceOptions): Promise<IdentityService> {
    const database = await openDatabase<IdentityTables>(options.storage);
    await migrate(database as never, identityMigrations);
    const app = await createApiServer({
      logger: options.logger,
      tls: options.tls,
      trustProxy: options.trustProxy,
      bodyLimit: 256 * 1024,
      errorEnvelope: oauthErrorEnvelope,
      openapi: {
        title: `Meridian identity (${options.environment.name})`,
        description: 'OAuth 2.0 client_credentials token endpoint, discovery, JWKS and the operator admin API.',
        version: '1.0.0',
      },
    });
    const ownReplayCache = options.replayCache ? undefined : new StoreReplayCache(database.db, () => options.clock.nowMs());
    const { redis } = options.tokenRateLimit;
    // The deployment's prefix too: deployments (and test runs) sharing one Redis must not share counts.
    const counterPrefix = `${options.tokenRateLimit.redisPrefix ?? 'meridian'}:rl-identity-${options.environment.id}-token-`;
    const counter = redis ? new RedisWindowCounter(redis, counterPrefix, 60_000) : new MemoryWindowCounter(60_000, () => options.clock.nowMs());
    const clients = new NodeCache<ClientEntry>({
      name: `identity-${options.environment.id}-clients`,
      redis,
      channel: `${options.tokenRateLimit.redisPrefix ?? 'meridian'}:identity-${options.environment.id}:client-changed`,
      maxAgeMs: options.clientCacheMs ?? 60_000,
      logger: options.logger,
      nowMs: () => options.clock.nowMs(),
    });
    const service = new IdentityService(options, database, app, { ...(ownReplayCache ? { replayCache: ownReplayCache } : {}), counter, clients });
    await service.keys.activeKey();
    const authenticator = new ClientAuthenticator({
      directory: service.directory,
      replayCache: options.replayCache ?? ownReplayCache!,
      clock: options.clock,
      audiences: () => [`${service.url}/connect/token`, service.url, `${service.url}/`],
      replayKeyPrefix: `${options.environment.id}:`,
    });
    await registerRateLimit(app, {
      perMinute: options.tokenRateLimit.perMinute,
      redis: options.tokenRateLimit.redis,
      nameSpace: `${options.tokenRateLimit.redisPrefix ?? 'meridian'}:rl-identity-${options.environment.id}-`,
      // Discovery, the key set, the console and the service routes, per address; /connect/token opts out for its own throttle (token-throttle.ts).
      key: (request) => `ip:${request.ip}`,
      // The admin API is the operator's: every call carries the admin key, and one operator script must
      // not spend the budget of the clients behind the same address (nor they the operator's).
      skip: (request) => request.url === '/admin' || request.url.startsWith('/admin/') || request.url.startsWith('/admin?'),
    });
    await registerTokenEndpoint(app, authenticator, service.issuer, new TokenThrottle(options.tokenRateLimit.token, counter));
    registerDiscovery(app, service.keys, () => service.url);
    registerServiceRoutes(app, { credentials: service.serviceCredentials, directory: service.directory, issuer: service.issuer });
    await registerAdminRoutes(app, { directory: service.directory, keys: service.keys, issuer: service.issuer, issuerUrl: () => service.url, adminKey: options.adminKey, serviceCredentials: service.serviceCredentials, environment: options.environment.id, regionCall: service.regionCall(), customerScopes: service.customerScopes });
    await registerConsole(app);
    return service;
  }

  /** Resolves when this listener's database answers (its /ready probe). */
  async pingStore(): Promise<void> {
    await ping(this.database.db as never);
  }

  /** A GET of a tenant's home region with a short-lived token of this host for that tenant. */
  private regionCall(): RegionCall | undefined {
    const { regionUrl, fetch: http } = this.options;
    if (!regionUrl || !http) return undefined;
    return async (tenant, request) => {
      const base = regionUrl(tenant.homeRegion);
      if (!base) throw new ApiError(502, 'region_unreachable', `Region ${tenant.homeRegion} is not reachable from this identity host.`);
      const issued = await this.issuer.issue({ clientId: 'meridian-admin', appName: 'Meridian admin', tenantId: tenant.id, tenantRegion: tenant.homeRegion, scopes: request.scopes }, 120);
      const url = new URL(request.path, base);
      for (const [name, value] of Object.entries(request.query ?? {})) url.searchParams.set(name, value);
      const response = await http(url, { headers: { authorization: `Bearer ${issued.access_token}` } }).catch((error: unknown) => {
        throw new ApiError(502, 'region_unreachable', `Region ${tenant.homeRegion} did not answer: ${(error as Error).message}`);
      });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        // Not JSON: passed on as text.
      }
      return { status: response.status, body };
    };
  }

  override async close(): Promise<void> {
    await this.outbox.stop();
    await super.close();
    await this.owned.replayCache?.close();
    await this.owned.counter.close();
    await this.owned.clients.close();
    await this.database.close();
  }
}
