import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import { ApiError, badRequest, unauthorized } from '../platform/errors.js';
import type { Clock } from '../platform/clock.js';
import { newId } from '../platform/ids.js';
import { PRODUCER_PERMISSION } from '../platform/producer.js';
import { findDataCenter } from '../topology/data-centers.js';
import { generateClientSecret, hashClientSecret, secretMatches } from './client-secrets.js';
import type { Directory } from './directory.js';
import type { IdentityTables } from './schema.js';
import type { AccessTokenIssuer } from './token/access-tokens.js';

/**
 * A deployment's own credential: a region-only node presents it to mint producer tokens
 * (its audit trail, the simulator) for tenants homed in its data centers, and nothing
 * else. The operator's admin key never leaves the identity deployment.
 */
export class ServiceCredentials {
  constructor(
    private readonly db: Kysely<IdentityTables>,
    private readonly clock: Clock,
    private readonly environment: string,
  ) {}

  async create(input: { name: string; dataCenters: string[] }): Promise<{ clientId: string; clientSecret: string; name: string; dataCenters: string[] }> {
    const dataCenters = [...new Set(input.dataCenters.map((code) => code.trim().toLowerCase()))];
    for (const code of dataCenters) {
      const dc = findDataCenter(code);
      if (!dc) throw badRequest(`Unknown data center '${code}'.`, 'invalid_region');
      if (dc.environment !== this.environment) throw badRequest(`Data center '${code}' belongs to the ${dc.environment} environment, not ${this.environment}.`, 'invalid_region');
    }
    const clientId = `svc-${newId()}`;
    const clientSecret = generateClientSecret();
    await this.db
      .insertInto('identity_service_credentials')
      .values({ client_id: clientId, name: input.name, secret_hash: hashClientSecret(clientSecret), data_centers: JSON.stringify(dataCenters), created_at: this.clock.nowMs() })
      .execute();
    return { clientId, clientSecret, name: input.name, dataCenters };
  }

  /** The data centers a presented credential may feed, or undefined when it is not one. */
  async authenticate(clientId: string, clientSecret: string): Promise<string[] | undefined> {
    const row = await this.db.selectFrom('identity_service_credentials').select(['secret_hash', 'data_centers']).where('client_id', '=', clientId).executeTakeFirst();
    if (!row || !secretMatches(clientSecret, row.secret_hash)) return undefined;
    return JSON.parse(row.data_centers) as string[];
  }
}

const CHALLENGE = 'Basic realm="meridian-service"';

/** POST /service/producer-token: a producer token for one tenant, for a service credential of its data center. */
export function registerServiceTokenRoute(app: FastifyInstance, options: { credentials: ServiceCredentials; directory: Directory; issuer: AccessTokenIssuer }): void {
  app.post(
    '/service/producer-token',
    {
      schema: {
        tags: ['admin'],
        summary: 'Mint a producer token for a tenant with a service credential (HTTP Basic)',
        body: Type.Object({ tenant: Type.String({ minLength: 1, description: 'Tenant id or name' }) }),
      },
      config: { public: true },
    },
    async (request) => {
      const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(request.headers.authorization ?? '');
      const decoded = match ? Buffer.from(match[1]!, 'base64').toString('utf8') : '';
      const colon = decoded.indexOf(':');
      const dataCenters = colon > 0 ? await options.credentials.authenticate(decoded.slice(0, colon), decoded.slice(colon + 1)) : undefined;
      if (!dataCenters) throw unauthorized('A service credential is required as HTTP Basic (client id and secret).', CHALLENGE);
      const tenant = await options.directory.requireTenant((request.body as { tenant: string }).tenant);
      if (!dataCenters.includes(tenant.home_region)) {
        throw new ApiError(403, 'forbidden', `This service credential feeds data centers ${dataCenters.join(', ')}; the tenant's home is '${tenant.home_region}'.`);
      }
      return options.issuer.issue({ clientId: decoded.slice(0, colon), appName: 'Meridian service', tenantId: tenant.id, tenantRegion: tenant.home_region, scopes: [PRODUCER_PERMISSION] }, 600);
    },
  );
}
