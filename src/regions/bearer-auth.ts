import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createRemoteJWKSet, customFetch, errors as joseErrors, jwtVerify } from 'jose';
import { ACCESS_TOKEN_ALG, ACCESS_TOKEN_AUDIENCE } from '../platform/access-token.js';
import { ApiError, unauthorized } from '../platform/errors.js';
import type { Principal } from '../platform/principal.js';

const CHALLENGE = 'Bearer realm="AvePoint Graph API"';

export interface AccessTokenVerifierOptions {
  /** Issuer of this listener's environment; tokens of other environments are refused. */
  issuer: () => string;
  fetch: typeof fetch;
}

export type AccessTokenVerifier = (authorization: string | undefined) => Promise<Principal>;

/**
 * Verifies access tokens offline against the environment's published keys: fetched once,
 * refetched when a token names a `kid` not yet seen (a rotated key).
 */
export function createAccessTokenVerifier(options: AccessTokenVerifierOptions): AccessTokenVerifier {
  let keySet: { issuer: string; jwks: ReturnType<typeof createRemoteJWKSet> } | undefined;
  const jwksFor = (issuer: string) => {
    if (!keySet || keySet.issuer !== issuer) {
      keySet = {
        issuer,
        jwks: createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`), {
          cooldownDuration: 1000,
          cacheMaxAge: 10 * 60 * 1000,
          timeoutDuration: 5000,
          [customFetch]: options.fetch as never,
        }),
      };
    }
    return keySet.jwks;
  };
  return async (authorization) => {
    const match = authorization ? /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(authorization) : null;
    if (!match?.[1]) throw unauthorized('An access token is required: send Authorization: Bearer <token>.', CHALLENGE);
    const issuer = options.issuer();
    try {
      const { payload } = await jwtVerify(match[1], jwksFor(issuer), {
        issuer,
        audience: ACCESS_TOKEN_AUDIENCE,
        algorithms: [ACCESS_TOKEN_ALG],
        clockTolerance: 30,
        requiredClaims: ['exp', 'tid', 'tenant_region', 'client_id'],
      });
      return {
        clientId: String(payload.client_id),
        tenantId: String(payload.tid),
        tenantRegion: String(payload.tenant_region),
        scopes: new Set(typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : []),
      };
    } catch (error) {
      const description =
        error instanceof joseErrors.JWTExpired
          ? 'The access token has expired.'
          : error instanceof joseErrors.JWTClaimValidationFailed && error.claim === 'iss'
            ? 'The access token was issued by another environment.'
            : 'The access token is invalid.';
      throw unauthorized(description, `${CHALLENGE}, error="invalid_token", error_description="${description}"`);
    }
  };
}

export const isPublicRoute = (request: FastifyRequest): boolean => {
  const config = request.routeOptions.config as { public?: boolean } | undefined;
  return Boolean(config?.public) || !request.routeOptions.url || request.routeOptions.url.startsWith('/docs');
};

export interface BearerAuthOptions extends AccessTokenVerifierOptions {
  dataCenter: string;
  /** The public endpoint of a data center, to tell a misdirected caller where to go. */
  endpointOf: (dataCenter: string) => string | undefined;
}

/** Authenticates every non-public regional route and keeps each tenant to its home data center. */
export function registerBearerAuth(app: FastifyInstance, options: BearerAuthOptions): void {
  const verify = createAccessTokenVerifier(options);
  app.decorateRequest('principal', undefined);
  app.addHook('onRequest', async (request) => {
    if (isPublicRoute(request)) return;
    const principal = await verify(request.headers.authorization);
    if (principal.tenantRegion !== options.dataCenter) {
      const endpoint = options.endpointOf(principal.tenantRegion) ?? principal.tenantRegion;
      throw new ApiError(
        403,
        'wrong_data_center',
        `Your tenant's data is in data center '${principal.tenantRegion}', not '${options.dataCenter}'. Call ${endpoint} instead.`,
        { 'x-meridian-home-endpoint': endpoint },
      );
    }
    request.principal = principal;
  });
}
