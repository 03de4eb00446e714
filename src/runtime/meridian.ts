import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import pino, { type Logger } from 'pino';
import { systemClock, type Clock } from '../platform/clock.js';
import { createHttpClient } from '../platform/http-client.js';
import type { TlsMaterial } from '../platform/http-server.js';
import { ensureLocalTls } from '../platform/tls/local-ca.js';
import { findDataCenter, findEnvironment, type EnvironmentId } from '../topology/data-centers.js';
import type { StorageLocation } from '../storage/database.js';
import { IdentityService } from '../identity/identity-service.js';
import { RedisReplayCache, type ReplayCache } from '../identity/replay-cache.js';
import { PRODUCER_PERMISSION } from '../platform/producer.js';
import { RegionServer } from '../regions/region-server.js';
import { GlobalEndpoint } from '../global/global-endpoint.js';
import { PRODUCT_MODULES } from './modules.js';
import { registerOperationsRoutes, type ReadinessCheck } from '../platform/operations.js';
import { jobQueueGauges } from '../platform/jobs/job-metrics.js';
import { portFor, signingKeyLeadMs, type MeridianConfig } from './config.js';
import { checkConfig } from './config-checks.js';

/** Bound on any one Redis command when Redis is cut off. */
export const REDIS_COMMAND_TIMEOUT_MS = 2000;
import { ServiceTokenCache, type ServiceTokenRequest } from './service-tokens.js';
import type { IdentityLink } from '../elements/partner/identity-link.js';

export interface Endpoints {
  /** This node's own listeners by part (identity-commercial, region-us, global). */
  node: Record<string, string>;
  identity: string | null;
  identities: Partial<Record<EnvironmentId, string>>;
  global: string | null;
  regions: Record<string, string>;
  caCertificate: string | null;
}

/**
 * A running Meridian: the identity hosts, regions and global endpoint this process was
 * configured to host, all over real sockets. The embedded default hosts all of them.
 */
export class Meridian {
  readonly identities = new Map<EnvironmentId, IdentityService>();
  readonly regions = new Map<string, RegionServer>();
  global: GlobalEndpoint | undefined;
  readonly fetch: typeof fetch;
  private redis: Redis | undefined;
  private readonly producerTokens = new Map<string, { token: string; until: number }>();
  private replayCache: ReplayCache | undefined;
  private readonly gaugeReleases: Array<() => void> = [];
  /** Each listener's own address on this node (its public URL may be a load balancer's). */
  readonly nodeUrls: Record<string, string> = {};
  private readonly serviceTokens = new ServiceTokenCache((request) => this.mintServiceToken(request));

  private constructor(
    readonly config: MeridianConfig,
    readonly logger: Logger,
    readonly clock: Clock,
    private readonly tls: TlsMaterial | undefined,
    readonly caCertificatePath: string | null,
    private readonly caPem: string | null,
  ) {
    this.fetch = createHttpClient(caPem);
  }

  static async start(config: MeridianConfig, options: { logger?: Logger; clock?: Clock } = {}): Promise<Meridian> {
    const warnings = checkConfig(config);
    const logger = options.logger ?? pino({ level: config.logLevel, redact: ['req.headers.authorization', '*.client_secret', '*.clientSecret'] });
    for (const warning of warnings) logger.warn(warning);
    let tls: TlsMaterial | undefined;
    let caPath: string | null = null;
    let caPem: string | null = null;
    if (config.caCertFile) {
      caPath = config.caCertFile;
      caPem = readFileSync(config.caCertFile, 'utf8');
    }
    if (!config.plainHttp) {
      if (config.tlsCertFile && config.tlsKeyFile) {
        tls = { cert: readFileSync(config.tlsCertFile, 'utf8'), key: readFileSync(config.tlsKeyFile, 'utf8') };
      } else {
        const local = await ensureLocalTls(join(config.dataDir, 'tls'), ['localhost', '127.0.0.1', '::1', config.host]);
        tls = { cert: local.certPem, key: local.keyPem };
        caPath = local.caCertPath;
        caPem = local.caPem;
      }
    }
    const meridian = new Meridian(config, logger, options.clock ?? systemClock, tls, caPath, caPem);
    try {
      await meridian.boot();
    } catch (error) {
      await meridian.close();
      throw error;
    }
    return meridian;
  }

  private async boot(): Promise<void> {
    const { config } = this;
    if (config.redisUrl) {
      // Without Redis a command fails at once (no offline queue) or within the command timeout: 503s, not held requests.
      this.redis = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false, commandTimeout: REDIS_COMMAND_TIMEOUT_MS, connectTimeout: 3000 });
      let redisDown = false;
      this.redis.on('error', (error: Error) => {
        if (!redisDown) this.logger.warn({ err: { message: error.message } }, 'Redis is unreachable; retrying');
        redisDown = true;
      });
      this.redis.on('ready', () => {
        if (redisDown) this.logger.warn('Redis is reachable again');
        redisDown = false;
      });
      await this.redis.connect();
      this.replayCache = new RedisReplayCache(this.redis, `${config.postgresSchemaPrefix}:jti:`, () => this.clock.nowMs());
    }
    for (const envId of config.environments) {
      const environment = findEnvironment(envId)!;
      const identity = await IdentityService.create({
        environment,
        storage: this.storageFor(`identity_${envId}`),
        logger: this.serviceLogger(`identity-${envId}`),
        clock: this.clock,
        tls: this.tls,
        replayCache: this.replayCache,
        trustProxy: config.trustProxy,
        adminKey: config.adminKey,
        audit: { deliver: (region, tenantId, records) => this.deliverAudit(envId, region, tenantId, records) },
        tokenRateLimit: {
          perMinute: config.tokenRateLimitPerMinute,
          token: {
            issuedPerClient: config.tokenRateLimitPerMinute,
            failuresPerAddress: config.tokenFailuresPerMinutePerAddress,
            failuresPerClientPerAddress: config.tokenFailuresPerMinutePerClient,
          },
          redis: this.redis,
          redisPrefix: config.postgresSchemaPrefix,
        },
        signingKeys: { cacheMs: config.signingKeyCacheMs, publishLeadMs: signingKeyLeadMs(config, envId) },
        regionUrl: (code) => this.regionUrl(code),
        fetch: this.fetch,
      });
      this.identities.set(envId, identity);
      registerOperationsRoutes(identity.app, { service: `identity-${envId}`, checks: this.readinessChecks(() => identity.pingStore()) });
      identity.setPublicUrl(await this.listen(`identity-${envId}`, identity.app, portFor(config, { identity: envId }), config.identityUrls[envId]));
    }
    for (const dc of config.regions) {
      const region = await RegionServer.create({
        dataCenter: dc,
        storage: this.storageFor(`region_${dc.code.replace(/-/g, '_')}`),
        modules: PRODUCT_MODULES,
        logger: this.serviceLogger(`region-${dc.code}`),
        clock: this.clock,
        tls: this.tls,
        pagingSecret: `${config.pagingSecret}:${dc.code}`,
        issuer: () => this.identityUrl(dc.environment),
        fetch: this.fetch,
        endpointOf: (code) => this.regionUrl(code) ?? findDataCenter(code)?.url,
        rateLimit: { perMinute: config.rateLimitPerMinute, redis: this.redis },
        audit: (tenantId, records) => this.deliverAudit(dc.environment, dc.code, tenantId, records),
      });
      this.regions.set(dc.code, region);
      registerOperationsRoutes(region.app, { service: `region-${dc.code}`, checks: this.readinessChecks(() => region.pingStore()) });
      this.gaugeReleases.push(...jobQueueGauges(`region-${dc.code}`, () => region.context.jobs.stats()));
      region.setPublicUrl(await this.listen(`region-${dc.code}`, region.app, portFor(config, { region: dc.code }), config.regionUrls[dc.code]));
    }
    if (config.global) {
      this.global = await GlobalEndpoint.create({
        logger: this.serviceLogger('global'),
        tls: this.tls,
        issuer: () => this.identityUrl('commercial'),
        fetch: this.fetch,
        regionUrl: (code) => this.regionUrl(code),
        caPem: this.caPem,
        storage: this.storageFor('global_elements'),
        clock: this.clock,
        serviceToken: (request) => this.serviceTokens.token(request),
        identity: this.identityLink(),
      });
      const global = this.global;
      registerOperationsRoutes(global.app, { service: 'global', checks: this.readinessChecks(() => global.pingStore()) });
      this.global.setPublicUrl(await this.listen('global', this.global.app, portFor(config, { global: true }), config.globalUrl));
    }
    for (const identity of this.identities.values()) identity.outbox.start();
  }

  /** A listener is ready when its database answers and, in a deployment that has one, Redis does. */
  private readinessChecks(database: () => Promise<void>): ReadinessCheck[] {
    const redis = this.redis;
    return [{ name: 'database', check: database }, ...(redis ? [{ name: 'redis', check: () => redis.ping() }] : [])];
  }

  /**
   * Each listener's logger. At the default level a listener says only what goes wrong: the
   * start-up summary names every endpoint, so 26 'listening' lines would add nothing.
   */
  private serviceLogger(service: string): Logger {
    const level = this.logger.level === 'info' ? 'warn' : this.logger.level;
    return this.logger.child({ service }, { level });
  }

  private storageFor(name: string): StorageLocation {
    const { config } = this;
    if (config.databaseUrl) return { engine: 'postgres', url: config.databaseUrl, schema: `${config.postgresSchemaPrefix}_${name}`, poolSize: 5 };
    return { engine: 'sqlite', file: join(config.dataDir, `${name.replace(/_/g, '-')}.sqlite`) };
  }

  /**
   * Starts a listener; returns the URL clients know the part by: its public URL when the
   * operator names one (the load balancer in front of its nodes), else this node's own.
   */
  private async listen(name: string, app: FastifyInstance, port: number, publicUrl: string | undefined): Promise<string> {
    await app.listen({ host: this.config.host, port });
    const address = app.server.address();
    const actualPort = typeof address === 'object' && address ? address.port : port;
    const host = this.config.host === '127.0.0.1' || this.config.host === '0.0.0.0' ? 'localhost' : this.config.host;
    const nodeUrl = `${this.config.plainHttp ? 'http' : 'https'}://${host}:${actualPort}`;
    this.nodeUrls[name] = nodeUrl;
    return publicUrl ?? nodeUrl;
  }

  /** The issuer of an environment: hosted here, or configured for a separate deployment. */
  identityUrl(environment: EnvironmentId): string {
    return this.identities.get(environment)?.url ?? this.config.identityUrls[environment] ?? findEnvironment(environment)!.identityUrl;
  }

  regionUrl(code: string): string | undefined {
    return this.regions.get(code)?.url ?? this.config.regionUrls[code];
  }

  /**
   * A short-lived producer token for a tenant: minted here when this process hosts the
   * environment's identity, else asked of that identity with this deployment's own
   * service credential (scoped to its data centers; the admin key stays with identity).
   */
  private async producerToken(environment: EnvironmentId, tenantId: string, region: string): Promise<string> {
    const cached = this.producerTokens.get(tenantId);
    if (cached && cached.until > Date.now()) return cached.token;
    const identity = this.identities.get(environment);
    let issued: { access_token: string; expires_in: number };
    if (identity) {
      issued = await identity.issuer.issue({ clientId: 'meridian-internal', appName: 'Meridian', tenantId, tenantRegion: region, scopes: [PRODUCER_PERMISSION] }, 300);
    } else {
      const credential = this.config.serviceCredential;
      if (!credential) throw new Error(`No service credential to reach identity ${environment}: set MERIDIAN_SERVICE_CLIENT_ID and MERIDIAN_SERVICE_CLIENT_SECRET`);
      const response = await this.fetch(`${this.identityUrl(environment)}/service/producer-token`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${credential.clientId}:${credential.clientSecret}`).toString('base64')}`, 'content-type': 'application/json' },
        body: JSON.stringify({ tenant: tenantId }),
      });
      if (!response.ok) throw new Error(`Identity of ${environment} refused a producer token: HTTP ${response.status}`);
      issued = (await response.json()) as { access_token: string; expires_in: number };
    }
    // Reused until shortly before it expires: one signature per tenant every few minutes, not per delivery.
    if (this.producerTokens.size > 10_000) this.producerTokens.clear();
    this.producerTokens.set(tenantId, { token: issued.access_token, until: Date.now() + Math.max(0, issued.expires_in - 120) * 1000 });
    return issued.access_token;
  }

  /**
   * A service token for the global endpoint's calls into a data center: minted here when
   * this process hosts the data center's identity, else asked of that identity's admin API.
   */
  private async mintServiceToken(request: ServiceTokenRequest): Promise<{ access_token: string; expires_in: number }> {
    const environment = findDataCenter(request.region)?.environment ?? 'commercial';
    const identity = this.identities.get(environment);
    if (identity) return identity.issuer.issue({ clientId: 'meridian-elements', appName: 'Meridian Elements', tenantId: request.tenantId, tenantRegion: request.region, scopes: request.scopes }, 600);
    return this.adminCall<{ access_token: string; expires_in: number }>(environment, 'POST', '/admin/service-tokens', request);
  }

  /** Customers are tenants of their data center's environment, created through identity's admin API. */
  private identityLink(): IdentityLink {
    return {
      createTenant: async (name, dataCenter, id) => {
        const environment = findDataCenter(dataCenter)!.environment;
        const response = await this.adminRequest(environment, 'POST', '/admin/tenants', { name, region: dataCenter, ...(id ? { id } : {}) });
        if (response.status === 409) return 'exists';
        if (!response.ok) throw new Error(`Identity refused tenant ${name}: HTTP ${response.status} ${await response.text()}`);
        return { id: ((await response.json()) as { id: string }).id };
      },
      tenantName: async (id) => {
        const response = await this.adminRequest('commercial', 'GET', `/admin/tenants/${encodeURIComponent(id)}`);
        if (!response.ok) {
          await response.body?.cancel();
          return undefined;
        }
        return ((await response.json()) as { name: string }).name;
      },
    };
  }

  private adminRequest(environment: EnvironmentId, method: string, path: string, body?: unknown): Promise<Response> {
    return this.fetch(`${this.identityUrl(environment)}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.config.adminKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  private async adminCall<T>(environment: EnvironmentId, method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.adminRequest(environment, method, path, body);
    if (!response.ok) throw new Error(`Identity of ${environment} refused ${method} ${path}: HTTP ${response.status}`);
    return (await response.json()) as T;
  }

  /** Audit events go to the tenant's home region through its producer API, like any product's. */
  private async deliverAudit(envId: EnvironmentId, region: string, tenantId: string, records: unknown[]): Promise<void> {
    const target = this.regionUrl(region);
    if (!target) throw new Error(`Region ${region} is not reachable from this process: set MERIDIAN_REGION_URL_${region.toUpperCase().replace(/-/g, '_')}`);
    const token = await this.producerToken(envId, tenantId, region);
    const response = await this.fetch(`${target}/producer/aos/audit-records`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ value: records }),
    });
    if (!response.ok) throw new Error(`Region ${region} refused audit records: HTTP ${response.status} ${await response.text()}`);
  }

  endpoints(): Endpoints {
    const identities: Partial<Record<EnvironmentId, string>> = {};
    for (const [id, identity] of this.identities) identities[id] = identity.url;
    return {
      node: { ...this.nodeUrls },
      identity: this.identities.get('commercial')?.url ?? [...this.identities.values()][0]?.url ?? null,
      identities,
      global: this.global?.url ?? null,
      regions: Object.fromEntries([...this.regions].map(([code, region]) => [code, region.url])),
      caCertificate: this.caCertificatePath,
    };
  }

  writeEndpointsFile(): string {
    const file = join(this.config.dataDir, 'endpoints.json');
    writeFileSync(`${file}.tmp`, `${JSON.stringify(this.endpoints(), null, 2)}\n`);
    renameSync(`${file}.tmp`, file);
    return file;
  }

  /**
   * Stops every listener: all stop accepting at once and finish what is in flight together
   * (one grace period in all, not one per listener). Identities close last: a region's
   * request in flight may still need its issuer's keys.
   */
  async close(): Promise<void> {
    for (const release of this.gaugeReleases) release();
    await Promise.allSettled([...this.identities.values()].map((identity) => identity.outbox.stop()));
    await Promise.allSettled([this.global?.close(), ...[...this.regions.values()].map((region) => region.close())]);
    await Promise.allSettled([...this.identities.values()].map((identity) => identity.close()));
    await this.replayCache?.close();
    this.redis?.disconnect();
  }
}
