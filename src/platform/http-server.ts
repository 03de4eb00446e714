import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Logger } from 'pino';
import { generateRequestId, registerRequestContext } from './request-context.js';
import { registerCaseInsensitiveQuery } from './query.js';
import { frameworkErrors, installErrorHandling, installNotFound, type ErrorEnvelope, type PathEnvelope } from './error-handling.js';
import { refuseNonOriginFormTargets } from './request-target.js';
import { registerSecurityHeaders, securityHeaders } from './security-headers.js';
import { TLS_SERVER_POLICY } from './tls/tls-policy.js';
import { instrumentRequests } from './metrics.js';
import { recordRoutes } from './route-catalogue.js';

export interface TlsMaterial {
  key: string;
  cert: string;
}

export interface ApiServerOptions {
  logger: Logger;
  /** Absent means plain HTTP, which callers only choose for a listener behind a TLS-terminating proxy. */
  tls?: TlsMaterial;
  bodyLimit?: number;
  /** Proxies (addresses or CIDRs, comma-separated) whose X-Forwarded-For gives `request.ip`; none by default. */
  trustProxy?: string | undefined;
  errorEnvelope: ErrorEnvelope;
  /** Modules' envelopes by path prefix, for errors answered before a route is matched. */
  errorEnvelopesByPath?: readonly PathEnvelope[];
  openapi: { title: string; description: string; version: string; securitySchemes?: Record<string, unknown> };
}

/**
 * Several request samples of the docs start their query with `&` instead of `?`
 * (`/backup/m365/settings/retention-policy&Location=NAM`). A URL with no `?` whose path holds
 * a `&` is read as if that first `&` were the `?`: no documented path contains `&`, and
 * clients copy the samples as they are.
 */
export function queryAfterAmpersand(request: { url?: string }): string {
  const url = request.url ?? '/';
  if (url.includes('?')) return url;
  const at = url.indexOf('&');
  return at < 0 ? url : `${url.slice(0, at)}?${url.slice(at + 1)}`;
}

/**
 * Every listener of Meridian is built here so they share the conventions: the TLS policy
 * (tls/tls-policy.ts), origin-form request targets only, security headers, request ids and
 * trace context, case-insensitive query names, one error envelope per module, and an OpenAPI
 * 3.1 document generated from the route schemas.
 */
export async function createApiServer(options: ApiServerOptions): Promise<FastifyInstance> {
  const base: FastifyServerOptions = {
    loggerInstance: options.logger,
    // Per-request lines would log every call's URL; Meridian logs errors and decisions instead.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: generateRequestId,
    requestIdHeader: false,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: false } },
    // Path parameters can be whole URLs encoded once or twice (Insights' {siteUrl}, {objectUrl}).
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 2048 },
    return503OnClosing: true,
    frameworkErrors: frameworkErrors(options.errorEnvelope, options.errorEnvelopesByPath ?? [], securityHeaders({ https: Boolean(options.tls) })),
    ...(options.trustProxy ? { trustProxy: options.trustProxy } : {}),
    rewriteUrl: queryAfterAmpersand,
  };
  const https = options.tls ? { key: options.tls.key, cert: options.tls.cert, ...TLS_SERVER_POLICY } : undefined;
  const app = Fastify({ ...base, ...(https ? { https } : {}) } as FastifyServerOptions) as unknown as FastifyInstance;

  refuseNonOriginFormTargets(app);
  registerSecurityHeaders(app, { https: Boolean(https) });
  recordRoutes(app);
  registerRequestContext(app);
  instrumentRequests(app, String(options.logger.bindings().service ?? 'meridian'));
  registerCaseInsensitiveQuery(app);
  installErrorHandling(app, options.errorEnvelope);
  installNotFound(app, options.errorEnvelope, options.errorEnvelopesByPath);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: options.openapi.title, description: options.openapi.description, version: options.openapi.version },
      components: { securitySchemes: (options.openapi.securitySchemes ?? {}) as never },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list', deepLinking: true } });
  app.get('/openapi.json', { schema: { hide: true }, config: { public: true } }, async () => app.swagger());
  return app;
}
