import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createRemoteJWKSet, customFetch, decodeJwt, errors as joseErrors, jwtVerify } from 'jose';
import { ACCESS_TOKEN_ALG, ACCESS_TOKEN_AUDIENCE } from '../platform/access-token.js';
import { ApiError, unauthorized } from '../platform/errors.js';
import type { Principal } from '../platform/principal.js';

const CHALLENGE = 'Bearer realm="AvePoint Graph API"';
/** At most one key-set fetch per second, however many unknown `kid`s arrive. */
const JWKS_COOLDOWN_MS = 1000;
const VERIFIED_CACHE_SIZE = 10_000;

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
          cooldownDuration: JWKS_COOLDOWN_MS,
          cacheMaxAge: 10 * 60 * 1000,
          timeoutDuration: 5000,
          [customFetch]: options.fetch as never,
        }),
      };
    }
    return keySet.jwks;
  };
  const verify = (token: string, issuer: string) =>
    jwtVerify(token, jwksFor(issuer), {
      issuer,
      audience: ACCESS_TOKEN_AUDIENCE,
      algorithms: [ACCESS_TOKEN_ALG],
      clockTolerance: 30,
      requiredClaims: ['exp', 'tid', 'tenant_region', 'client_id'],
    });
  // A client sends the same token for up to an hour; its signature need be checked once.
  const verified = new Map<string, { principal: Principal; issuer: string; expiresAtMs: number }>();
  return async (authorization) => {
    const match = authorization ? /^Bearer\s+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(authorization) : null;
    if (!match?.[1]) throw unauthorized('An access token is required: send Authorization: Bearer <token>.', CHALLENGE);
    const issuer = options.issuer();
    const token = match[1];
    const cached = verified.get(token);
    if (cached && cached.issuer === issuer && cached.expiresAtMs > Date.now()) return cached.principal;
    try {
      // Said before the signature check, whose failure would hide the reason: keys differ per environment.
      if (decodeJwt(token).iss !== issuer) throw new joseErrors.JWTClaimValidationFailed('unexpected "iss" claim value', {}, 'iss', 'check_failed');
      let result;
      try {
        result = await verify(token, issuer);
      } catch (error) {
        if (!(error instanceof joseErrors.JWKSNoMatchingKey)) throw error;
        // A key rotated in the last second: the key set refetches once its short cooldown ends.
        await new Promise((resolve) => setTimeout(resolve, JWKS_COOLDOWN_MS + 50));
        result = await verify(token, issuer);
      }
      const { payload } = result;
      const principal: Principal = {
        clientId: String(payload.client_id),
        tenantId: String(payload.tid),
        tenantRegion: String(payload.tenant_region),
        scopes: new Set(typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : []),
      };
      if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value!);
      verified.set(token, { principal, issuer, expiresAtMs: (payload.exp as number) * 1000 });
      return principal;
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
