import type { Logger } from 'pino';
import type { Kysely } from 'kysely';
import { createApiServer, type TlsMaterial } from '../platform/http-server.js';
import { HostedService } from '../platform/hosted-service.js';
import { aosErrorEnvelope } from '../platform/error-handling.js';
import { ApiError } from '../platform/errors.js';
import type { Clock } from '../platform/clock.js';
import { createAccessTokenVerifier } from '../regions/bearer-auth.js';
import { openDatabase, type Database, type StorageLocation } from '../storage/database.js';
import { migrate } from '../storage/migrations.js';
import { registerPartnerApi } from '../elements/partner-api.js';
import { elementsGlobalMigrations, type ElementsGlobalTables } from '../elements/schema.js';
import type { IdentityLink } from '../elements/partner/identity-link.js';
import type { ServiceTokens } from '../elements/partner/region-client.js';

export interface GlobalEndpointOptions {
  logger: Logger;
  tls?: TlsMaterial | undefined;
  issuer: () => string;
  fetch: typeof fetch;
  /** The deployment's CA, for the partner API's calls into the data centers. */
  caPem: string | null;
  regionUrl: (dataCenter: string) => string | undefined;
  /** The partner directory, authorization links and seat pools of the Elements partner API. */
  storage: StorageLocation;
  clock: Clock;
  serviceToken: ServiceTokens;
  identity: IdentityLink;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'host', 'content-length', 'te', 'trailer', 'proxy-authorization']);

/**
 * The single documented endpoint (graph.avepointonlineservices.com). It serves the Elements
 * partner API (src/elements/partner-api.ts), and forwards every other call to the data
 * center that holds the caller's tenant, so a client never has to know where its data lives.
 */
export class GlobalEndpoint extends HostedService {
  private constructor(app: GlobalEndpoint['app'], private readonly database: Database<ElementsGlobalTables>) {
    super(app);
  }

  static async create(options: GlobalEndpointOptions): Promise<GlobalEndpoint> {
    const database = await openDatabase<ElementsGlobalTables>(options.storage);
    await migrate(database as never, elementsGlobalMigrations);
    const app = await createApiServer({
      logger: options.logger,
      tls: options.tls,
      bodyLimit: 4 * 1024 * 1024,
      errorEnvelope: aosErrorEnvelope,
      openapi: {
        title: 'AvePoint Graph API — global endpoint',
        description: 'The Elements partner API (v3 common features and v2), and forwarding of every other call to the caller\'s home data center.',
        version: '1.0.0',
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
    });
    const verify = createAccessTokenVerifier(options);
    const holder: { endpoint?: GlobalEndpoint } = {};
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    app.get('/health', { schema: { hide: true } }, async () => ({ status: 'ok' }));
    await registerPartnerApi(app, {
      db: database.db as Kysely<ElementsGlobalTables>,
      clock: options.clock,
      verify,
      caPem: options.caPem,
      regionUrl: options.regionUrl,
      serviceToken: options.serviceToken,
      identity: options.identity,
      publicUrl: () => holder.endpoint?.url ?? '',
    });
    // One route per method: each is its own OpenAPI operation with its own operationId.
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const) app.route({
      method,
      url: '/*',
      schema: {
        operationId: `forward${method[0]}${method.slice(1).toLowerCase()}ToHomeDataCenter`,
        summary: 'Any other call: forwarded to the data center that holds the caller\'s tenant',
        description: 'The regional APIs (see each data center\'s /openapi.json), answered from the caller\'s home data center; the response names it in x-meridian-data-center.',
        tags: ['Forwarding'],
        security: [{ bearer: [] }],
      },
      handler: async (request, reply) => {
        const principal = await verify(request.headers.authorization);
        const target = options.regionUrl(principal.tenantRegion);
        if (!target) throw new ApiError(503, 'region_unavailable', `Data center '${principal.tenantRegion}' is not reachable from this endpoint.`);
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(request.headers)) {
          if (!HOP_BY_HOP.has(name) && typeof value === 'string') headers[name] = value;
        }
        const response = await options.fetch(forwardUrl(target, request.url), {
          method: request.method,
          headers,
          body: request.method === 'GET' || request.method === 'DELETE' || !request.body ? undefined : (request.body as Buffer),
        });
        reply.status(response.status);
        response.headers.forEach((value, name) => {
          if (!HOP_BY_HOP.has(name) && name !== 'request-id' && name !== 'traceparent') reply.header(name, value);
        });
        reply.header('x-meridian-data-center', principal.tenantRegion);
        return reply.send(Buffer.from(await response.arrayBuffer()));
      },
    });
    const endpoint = new GlobalEndpoint(app, database);
    holder.endpoint = endpoint;
    return endpoint;
  }

  override async close(): Promise<void> {
    await super.close();
    await this.database.close();
  }
}

/**
 * The regional URL of a forwarded call, built from the parsed path and query alone: an
 * absolute-form or `//host` request target can never choose the host the call goes to.
 */
export function forwardUrl(regionBase: string, requestTarget: string): string {
  // Leading slashes collapsed first: '//host/x' would otherwise parse as a host.
  const parsed = new URL(`/${requestTarget.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '').replace(/^\/+/, '')}`, 'http://request.invalid');
  return `${regionBase.replace(/\/+$/, '')}${parsed.pathname}${parsed.search}`;
}
