import type { Logger } from 'pino';
import { createApiServer, type TlsMaterial } from '../platform/http-server.js';
import { HostedService } from '../platform/hosted-service.js';
import { aosErrorEnvelope } from '../platform/error-handling.js';
import { ApiError } from '../platform/errors.js';
import { createAccessTokenVerifier } from '../regions/bearer-auth.js';

export interface GlobalEndpointOptions {
  logger: Logger;
  tls?: TlsMaterial | undefined;
  issuer: () => string;
  fetch: typeof fetch;
  regionUrl: (dataCenter: string) => string | undefined;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'host', 'content-length', 'te', 'trailer', 'proxy-authorization']);

/**
 * The single documented endpoint (graph.avepointonlineservices.com): it verifies the
 * caller's token and forwards the call to the data center that holds the caller's
 * tenant, so a client never has to know where its data lives.
 */
export class GlobalEndpoint extends HostedService {
  static async create(options: GlobalEndpointOptions): Promise<GlobalEndpoint> {
    const app = await createApiServer({
      logger: options.logger,
      tls: options.tls,
      bodyLimit: 4 * 1024 * 1024,
      errorEnvelope: aosErrorEnvelope,
      openapi: { title: 'AvePoint Graph API — global endpoint', description: 'Forwards each call to the caller\'s home data center.', version: '1.0.0' },
    });
    const verify = createAccessTokenVerifier(options);
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    app.get('/health', { schema: { hide: true } }, async () => ({ status: 'ok' }));
    app.route({
      method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      url: '/*',
      schema: { hide: true },
      handler: async (request, reply) => {
        const principal = await verify(request.headers.authorization);
        const target = options.regionUrl(principal.tenantRegion);
        if (!target) throw new ApiError(503, 'region_unavailable', `Data center '${principal.tenantRegion}' is not reachable from this endpoint.`);
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(request.headers)) {
          if (!HOP_BY_HOP.has(name) && typeof value === 'string') headers[name] = value;
        }
        const response = await options.fetch(`${target}${request.url}`, {
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
    return new GlobalEndpoint(app);
  }
}
