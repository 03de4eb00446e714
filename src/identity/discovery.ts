import type { FastifyInstance } from 'fastify';
import { ACCESS_TOKEN_ALG } from '../platform/access-token.js';
import type { SigningKeys } from './signing-keys.js';
import { ASSERTION_ALGORITHMS } from './token/client-authentication.js';
import { PERMISSIONS } from './permissions.js';

/** OpenID Provider metadata (OIDC Discovery §3, RFC 8414) and the key set that verifies tokens. */
export function registerDiscovery(app: FastifyInstance, keys: SigningKeys, issuer: () => string): void {
  app.get(
    '/.well-known/openid-configuration',
    { schema: { operationId: 'getOpenIdConfiguration', summary: 'OpenID Provider metadata', tags: ['identity'] }, config: { public: true } },
    async (_request, reply) => {
      const base = issuer();
      reply.header('cache-control', 'public, max-age=300');
      return {
        issuer: base,
        token_endpoint: `${base}/connect/token`,
        jwks_uri: `${base}/.well-known/jwks.json`,
        grant_types_supported: ['client_credentials'],
        response_types_supported: ['token'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: [ACCESS_TOKEN_ALG],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
        token_endpoint_auth_signing_alg_values_supported: ASSERTION_ALGORITHMS,
        scopes_supported: PERMISSIONS.map((permission) => permission.name),
        claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'nbf', 'jti', 'client_id', 'tid', 'tenant_region', 'scope'],
      };
    },
  );
  app.get(
    '/.well-known/jwks.json',
    { schema: { operationId: 'getSigningKeys', summary: 'Signing keys of access tokens (JWKS)', tags: ['identity'] }, config: { public: true } },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=60');
      return keys.publicKeys();
    },
  );
}
