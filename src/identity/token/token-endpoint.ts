import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import formbody from '@fastify/formbody';
import type { AccessTokenIssuer } from './access-tokens.js';
import type { ClientAuthenticator } from './client-authentication.js';
import { oauthError } from './oauth-error.js';
import type { TokenThrottle } from './token-throttle.js';

const TokenRequest = Type.Object(
  {
    grant_type: Type.Optional(Type.String({ description: 'Must be client_credentials.' })),
    client_id: Type.Optional(Type.String({ description: 'Application (client) ID; also accepted in the Authorization header.' })),
    client_secret: Type.Optional(Type.String({ description: 'A client secret of the app (client_secret_post).' })),
    client_assertion_type: Type.Optional(Type.String({ description: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' })),
    client_assertion: Type.Optional(Type.String({ description: 'A JWT signed with the key of one of the app\'s certificates (RFC 7523).' })),
    scope: Type.Optional(Type.String({ description: 'Space-separated permissions, each granted to the app.' })),
  },
  { additionalProperties: true },
);

const TokenResponse = Type.Object({
  token_type: Type.Literal('Bearer'),
  expires_in: Type.Integer(),
  ext_expires_in: Type.Integer(),
  access_token: Type.String(),
  scope: Type.String(),
});

const OAuthError = Type.Object({ error: Type.String(), error_description: Type.String() });

/**
 * POST /connect/token: the client_credentials grant as main/register-app.md documents it.
 * Throttled by `throttle`: a source that failed too often is refused before its credentials are
 * read, every refusal without an authenticated client is charged to its source, and issuance is
 * counted per authenticated client.
 */
export async function registerTokenEndpoint(app: FastifyInstance, authenticator: ClientAuthenticator, issuer: AccessTokenIssuer, throttle: TokenThrottle): Promise<void> {
  await app.register(formbody, { bodyLimit: 16 * 1024 });
  const authenticated = new WeakSet<object>();
  app.post(
    '/connect/token',
    {
      bodyLimit: 16 * 1024,
      // After parsing, so the client the form names is known; before validation, so a malformed request is counted too.
      preValidation: async (request) => throttle.admit(request.ip, claimedClientId(request.body, request.headers.authorization)),
      // onSend, not onResponse: the failure is counted before the caller can read the answer and try again.
      onSend: async (request, reply) => {
        if (reply.statusCode >= 400 && reply.statusCode !== 429 && !authenticated.has(request)) {
          await throttle.failed(request.ip, claimedClientId(request.body, request.headers.authorization));
        }
      },
      schema: {
        operationId: 'getAccessToken',
        summary: 'Get an access token (client_credentials)',
        tags: ['identity'],
        consumes: ['application/x-www-form-urlencoded'],
        body: TokenRequest,
        response: { 200: TokenResponse, 400: OAuthError, 401: OAuthError },
      },
      // The token endpoint's own throttle replaces the listener-wide one (identity-service.ts).
      config: { public: true, rateLimit: false },
    },
    async (request, reply) => {
      const contentType = String(request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
      if (contentType !== 'application/x-www-form-urlencoded') {
        throw oauthError('invalid_request', 'The token request must be sent as application/x-www-form-urlencoded.');
      }
      const form = request.body as Record<string, unknown>;
      for (const [name, value] of Object.entries(form)) {
        // RFC 6749 §3.2: request parameters must not be included more than once.
        if (Array.isArray(value)) throw oauthError('invalid_request', `The parameter '${name}' was sent more than once.`);
      }
      const field = (name: string) => (form[name] === undefined ? undefined : String(form[name]));
      const grantType = field('grant_type');
      if (!grantType) throw oauthError('invalid_request', 'The parameter \'grant_type\' is required.');
      if (grantType !== 'client_credentials') {
        throw oauthError('unsupported_grant_type', `Grant type '${grantType}' is not supported; use client_credentials.`);
      }
      const client = await authenticator.authenticate({
        clientId: field('client_id'),
        clientSecret: field('client_secret'),
        clientAssertionType: field('client_assertion_type'),
        clientAssertion: field('client_assertion'),
        authorization: request.headers.authorization,
      });
      authenticated.add(request);
      await throttle.issue(client.app.client_id);
      const granted = JSON.parse(client.app.permissions) as string[];
      const scopes = resolveScopes(field('scope'), granted);
      const token = await issuer.issue({
        clientId: client.app.client_id,
        appName: client.app.name,
        tenantId: client.tenant.id,
        tenantRegion: client.tenant.home_region,
        scopes,
        registered: true,
      });
      reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
      return token;
    },
  );
}

/**
 * Each requested scope must be a permission of the app (matched without case, answered
 * in the catalogue's spelling). No scope at all means every granted permission, as the
 * `.default` scope does on Microsoft's identity platform.
 */
export function resolveScopes(requested: string | undefined, granted: string[]): string[] {
  const names = (requested ?? '').split(/[\s,]+/).filter(Boolean);
  if (names.length === 0) return granted;
  const byLower = new Map(granted.map((name) => [name.toLowerCase(), name]));
  const result: string[] = [];
  for (const name of names) {
    if (name.toLowerCase() === '.default' || name.toLowerCase().endsWith('/.default')) {
      result.push(...granted);
      continue;
    }
    const match = byLower.get(name.toLowerCase());
    if (!match) throw oauthError('invalid_scope', `The scope '${name}' is not granted to this app.`);
    result.push(match);
  }
  return [...new Set(result)];
}

/**
 * The client a token request names, before anything is verified: `client_id`, the user of HTTP
 * Basic credentials, or the issuer of a client assertion. Only a throttling key; never trusted.
 */
export function claimedClientId(body: unknown, authorization: string | undefined): string | undefined {
  const form = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const bounded = (value: unknown) => (typeof value === 'string' && value.length > 0 && value.length <= 256 ? value.toLowerCase() : undefined);
  if (typeof form.client_id === 'string') return bounded(form.client_id);
  const basic = authorization ? /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization) : null;
  if (basic?.[1]) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    return bounded(decoded.slice(0, Math.max(0, decoded.indexOf(':'))));
  }
  if (typeof form.client_assertion === 'string' && form.client_assertion.length <= 8 * 1024) {
    try {
      const payload = JSON.parse(Buffer.from(form.client_assertion.split('.')[1] ?? '', 'base64url').toString('utf8')) as { iss?: unknown };
      return bounded(payload?.iss);
    } catch {
      return undefined;
    }
  }
  return undefined;
}
