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
import { checkConfig, ConfigurationError, serviceCredentialNeeds, serviceCredentialProblems } from './config-checks.js';
import { ApiError } from '../platform/errors.js';

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
    await this.checkServiceCredential();
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
        clientCacheMs: config.clientCacheMs,
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
        rateLimit: { perMinute: config.rateLimitPerMinute, redis: this.redis, redisPrefix: config.postgresSchemaPrefix },
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
      issued = await this.serviceCall<{ access_token: string; expires_in: number }>(environment, 'POST', '/service/producer-token', { tenant: tenantId });
    }
    // Reused until shortly before it expires: one signature per tenant every few minutes, not per delivery.
    if (this.producerTokens.size > 10_000) this.producerTokens.clear();
    this.producerTokens.set(tenantId, { token: issued.access_token, until: Date.now() + Math.max(0, issued.expires_in - 120) * 1000 });
    return issued.access_token;
  }

  /**
   * A service token for the global endpoint's calls into a data center: minted here when
   * this process hosts the data center's identity, else asked of that identity with this
   * deployment's service credential (role global; the admin key stays with identity).
   */
  private async mintServiceToken(request: ServiceTokenRequest): Promise<{ access_token: string; expires_in: number }> {
    const environment = findDataCenter(request.region)?.environment ?? 'commercial';
    const identity = this.identities.get(environment);
    if (identity) return identity.issuer.issue({ clientId: 'meridian-elements', appName: 'Meridian Elements', tenantId: request.tenantId, tenantRegion: request.region, scopes: request.scopes }, 600);
    return this.serviceCall(environment, 'POST', '/service/tokens', request);
  }

  /** Customers are tenants of their data center's environment: created in the directory here, or through identity's service routes. */
  private identityLink(): IdentityLink {
    return {
      createTenant: async (name, dataCenter, id) => {
        const environment = findDataCenter(dataCenter)!.environment;
        const identity = this.identities.get(environment);
        if (!identity) {
          const created = await this.serviceCall<{ id: string } | 'exists'>(environment, 'POST', '/service/tenants', { name, region: dataCenter, ...(id ? { id } : {}) }, { 409: 'exists' });
          return created === 'exists' ? 'exists' : { id: created.id };
        }
        try {
          return { id: (await identity.directory.createTenant({ name, region: dataCenter, id }, { name: 'meridian-elements' })).id };
        } catch (error) {
          if (error instanceof ApiError && error.statusCode === 409) return 'exists';
          throw error;
        }
      },
      tenantName: async (id) => {
        const identity = this.identities.get('commercial');
        if (identity) return (await identity.directory.findTenant(id))?.name;
        const tenant = await this.serviceCall<{ name: string } | undefined>('commercial', 'GET', `/service/tenants/${encodeURIComponent(id)}`, undefined, { 404: undefined });
        return tenant?.name;
      },
    };
  }

  /**
   * A call to an identity this node does not host, with its service credential (HTTP Basic).
   * `expected` maps refusals the caller handles to its answer; any other refusal, or no
   * answer, is a 503 to the client (the reason is logged, not shown: it is the operator's).
   */
  private async serviceCall<T>(environment: EnvironmentId, method: string, path: string, body?: unknown, expected: Record<number, T> = {}): Promise<T> {
    const credential = this.config.serviceCredential;
    const unavailable = (reason: string) => {
      this.logger.warn({ environment, path }, `identity did not serve this node's service call: ${reason}`);
      return new ApiError(503, 'identity_unavailable', `The identity of the ${environment} environment cannot serve this request now; try again later.`, { 'retry-after': '30' });
    };
    if (!credential) throw unavailable('no service credential (MERIDIAN_SERVICE_CLIENT_ID, MERIDIAN_SERVICE_CLIENT_SECRET)');
    let response: Response;
    try {
      response = await this.fetch(`${this.identityUrl(environment)}${path}`, {
        method,
        headers: { authorization: basicAuthorization(credential), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw unavailable((error as Error).message);
    }
    if (response.status in expected) {
      await response.body?.cancel();
      return expected[response.status]!;
    }
    const text = await response.text();
    if (!response.ok) throw unavailable(`HTTP ${response.status} ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  }

  /**
   * A node that reaches identity with its service credential asks identity, before it
   * listens, what the credential may do: a credential identity refuses, or of the wrong role
   * or data centers, stops the node with the reason. Identity not answering yet is only
   * warned about (it may be starting too); the calls then fail with 503 until it answers.
   */
  private async checkServiceCredential(): Promise<void> {
    const credential = this.config.serviceCredential;
    if (!credential) return;
    const problems: string[] = [];
    for (const need of serviceCredentialNeeds(this.config)) {
      const url = `${this.identityUrl(need.environment)}/service/credential`;
      let response: Response;
      try {
        response = await this.fetch(url, { headers: { authorization: basicAuthorization(credential) }, signal: AbortSignal.timeout(5000) });
      } catch (error) {
        this.logger.warn({ url }, `cannot check the service credential at identity (${(error as Error).message}); starting anyway`);
        continue;
      }
      const text = await response.text();
      if (response.status === 401) problems.push(`identity ${this.identityUrl(need.environment)} does not know the service credential MERIDIAN_SERVICE_CLIENT_ID=${credential.clientId} (or its secret is wrong)`);
      else if (response.ok) problems.push(...serviceCredentialProblems(need, JSON.parse(text) as { clientId: string; roles: string[]; dataCenters: string[] }));
      else this.logger.warn({ url, status: response.status }, 'cannot check the service credential at identity; starting anyway');
    }
    if (problems.length > 0) throw new ConfigurationError(problems);
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
    // Every listener stops accepting at once, before any background work is waited for: a
    // stop must free the ports promptly however long a delivery or a job takes to wind down.
    const listeners = [...this.identities.values(), this.global, ...this.regions.values()].filter((listener) => listener !== undefined);
    const drained = Promise.allSettled(listeners.map((listener) => listener.stopListening()));
    await Promise.allSettled([...this.identities.values()].map((identity) => identity.outbox.stop()));
    await drained;
    await Promise.allSettled([this.global?.close(), ...[...this.regions.values()].map((region) => region.close())]);
    await Promise.allSettled([...this.identities.values()].map((identity) => identity.close()));
    await this.replayCache?.close();
    this.redis?.disconnect();
  }
}

const basicAuthorization = (credential: { clientId: string; clientSecret: string }) => `Basic ${Buffer.from(`${credential.clientId}:${credential.clientSecret}`).toString('base64')}`;
