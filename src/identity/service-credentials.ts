import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import { ApiError, badRequest, notFound, unauthorized } from '../platform/errors.js';
import type { Clock } from '../platform/clock.js';
import { newId } from '../platform/ids.js';
import { PRODUCER_PERMISSION } from '../platform/producer.js';
import { findDataCenter } from '../topology/data-centers.js';
import { generateClientSecret, hashClientSecret, secretMatches } from './client-secrets.js';
import type { Directory } from './directory.js';
import { NewTenantBody, type NewTenant } from './tenant-input.js';
import type { IdentityTables } from './schema.js';
import type { AccessTokenIssuer } from './token/access-tokens.js';

/**
 * What a deployment's own credential may do, always within its data centers:
 * - `producer`: producer tokens for tenants homed there (a region-only node's audit trail, the simulator);
 * - `global`: what the global endpoint asks of identity for the Elements partner API — service
 *   tokens into those data centers, customers' tenants created there, tenant names.
 * Neither opens the admin API: the operator's admin key never leaves the identity deployment.
 */
export const SERVICE_ROLES = ['producer', 'global'] as const;
export type ServiceRole = (typeof SERVICE_ROLES)[number];

export interface ServiceCredentialView {
  clientId: string;
  name: string;
  dataCenters: string[];
  roles: ServiceRole[];
}

export class ServiceCredentials {
  constructor(
    private readonly db: Kysely<IdentityTables>,
    private readonly clock: Clock,
    private readonly environment: string,
  ) {}

  async create(input: { name: string; dataCenters: string[]; roles?: string[] | undefined }): Promise<ServiceCredentialView & { clientSecret: string }> {
    const dataCenters = [...new Set(input.dataCenters.map((code) => code.trim().toLowerCase()))];
    for (const code of dataCenters) {
      const dc = findDataCenter(code);
      if (!dc) throw badRequest(`Unknown data center '${code}'.`, 'invalid_region');
      if (dc.environment !== this.environment) throw badRequest(`Data center '${code}' belongs to the ${dc.environment} environment, not ${this.environment}.`, 'invalid_region');
    }
    const roles = [...new Set(input.roles ?? ['producer'])];
    const unknown = roles.find((role) => !SERVICE_ROLES.includes(role as ServiceRole));
    if (unknown !== undefined || roles.length === 0) throw badRequest(`A service credential's roles are ${SERVICE_ROLES.join(' and ')}; '${unknown ?? ''}' is not one of them.`, 'invalid_role');
    const clientId = `svc-${newId()}`;
    const clientSecret = generateClientSecret();
    await this.db
      .insertInto('identity_service_credentials')
      .values({ client_id: clientId, name: input.name, secret_hash: hashClientSecret(clientSecret), data_centers: JSON.stringify(dataCenters), roles: JSON.stringify(roles), created_at: this.clock.nowMs() })
      .execute();
    return { clientId, clientSecret, name: input.name, dataCenters, roles: roles as ServiceRole[] };
  }

  /** The presented credential, or undefined when it is not one. */
  async authenticate(clientId: string, clientSecret: string): Promise<ServiceCredentialView | undefined> {
    const row = await this.db.selectFrom('identity_service_credentials').select(['name', 'secret_hash', 'data_centers', 'roles']).where('client_id', '=', clientId).executeTakeFirst();
    if (!row || !secretMatches(clientSecret, row.secret_hash)) return undefined;
    return { clientId, name: row.name, dataCenters: JSON.parse(row.data_centers) as string[], roles: JSON.parse(row.roles) as ServiceRole[] };
  }
}

const CHALLENGE = 'Basic realm="meridian-service"';
const TokenAnswer = Type.Object({ access_token: Type.String(), token_type: Type.String(), expires_in: Type.Integer() }, { additionalProperties: true });
const CredentialAnswer = Type.Object({ clientId: Type.String(), name: Type.String(), dataCenters: Type.Array(Type.String()), roles: Type.Array(Type.String()) });
const TenantAnswer = Type.Object({ id: Type.String(), name: Type.String(), homeRegion: Type.String(), environment: Type.String(), createdAt: Type.String() });

export interface ServiceRoutesOptions {
  credentials: ServiceCredentials;
  directory: Directory;
  issuer: AccessTokenIssuer;
}

/**
 * `/service/...`: identity's routes for deployments presenting their own credential (HTTP
 * Basic). Each names the role it needs and checks the data center against the credential's.
 */
export function registerServiceRoutes(app: FastifyInstance, options: ServiceRoutesOptions): void {
  const schema = (summary: string, extra: object) => ({ tags: ['admin'], summary, ...extra });
  const config = { public: true };

  /** The credential of the request, holding `role` for `dataCenter` (when one is named). */
  const require = async (request: FastifyRequest, role?: ServiceRole, dataCenter?: string): Promise<ServiceCredentialView> => {
    const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(request.headers.authorization ?? '');
    const decoded = match ? Buffer.from(match[1]!, 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    const credential = colon > 0 ? await options.credentials.authenticate(decoded.slice(0, colon), decoded.slice(colon + 1)) : undefined;
    if (!credential) throw unauthorized('A service credential is required as HTTP Basic (client id and secret).', CHALLENGE);
    if (role && !credential.roles.includes(role)) {
      throw new ApiError(403, 'forbidden', `This service credential has the role${credential.roles.length === 1 ? '' : 's'} ${credential.roles.join(', ')}; this call needs the '${role}' role.`);
    }
    if (dataCenter !== undefined && !credential.dataCenters.includes(dataCenter)) {
      throw new ApiError(403, 'forbidden', `This service credential serves data centers ${credential.dataCenters.join(', ')}, not '${dataCenter}'.`);
    }
    return credential;
  };

  app.get('/service/credential', { schema: schema('The presented service credential: its roles and data centers (a node checks them at start-up)', { response: { 200: CredentialAnswer } }), config }, async (request) => {
    const { clientId, name, dataCenters, roles } = await require(request);
    return { clientId, name, dataCenters, roles };
  });

  app.post(
    '/service/producer-token',
    { schema: schema('Mint a producer token for a tenant homed in the credential\'s data centers (role producer)', { body: Type.Object({ tenant: Type.String({ minLength: 1, description: 'Tenant id or name' }) }), response: { 200: TokenAnswer } }), config },
    async (request) => {
      const credential = await require(request, 'producer');
      const tenant = await options.directory.requireTenant((request.body as { tenant: string }).tenant);
      if (!credential.dataCenters.includes(tenant.home_region)) {
        throw new ApiError(403, 'forbidden', `This service credential feeds data centers ${credential.dataCenters.join(', ')}; the tenant's home is '${tenant.home_region}'.`);
      }
      return options.issuer.issue({ clientId: credential.clientId, appName: 'Meridian service', tenantId: tenant.id, tenantRegion: tenant.home_region, scopes: [PRODUCER_PERMISSION] }, 600);
    },
  );

  app.post(
    '/service/tokens',
    {
      schema: schema('Mint a short-lived token into one of the credential\'s data centers, as a tenant (role global: the partner API reading a customer\'s region)', {
        body: Type.Object({ tenantId: Type.String({ pattern: '^[0-9A-Za-z-]{1,64}$' }), region: Type.String({ pattern: '^[a-z0-9-]{1,16}$' }), scopes: Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { minItems: 1, maxItems: 20 }) }),
        response: { 200: TokenAnswer },
      }),
      config,
    },
    async (request) => {
      const body = request.body as { tenantId: string; region: string; scopes: string[] };
      const credential = await require(request, 'global', body.region);
      return options.issuer.issue({ clientId: credential.clientId, appName: 'Meridian Elements', tenantId: body.tenantId.toLowerCase(), tenantRegion: body.region, scopes: body.scopes }, 600);
    },
  );

  app.post(
    '/service/tenants',
    {
      schema: schema('Create a tenant homed in one of the credential\'s data centers (role global: onboarding a customer)', {
        body: NewTenantBody,
        response: { 201: TenantAnswer },
      }),
      config,
    },
    async (request, reply) => {
      const body = request.body as NewTenant;
      const credential = await require(request, 'global', body.region.trim().toLowerCase());
      const tenant = await options.directory.createTenant(body, { name: `service ${credential.name}`, clientIP: request.ip });
      reply.status(201);
      return tenant;
    },
  );

  app.get(
    '/service/tenants/:tenant',
    { schema: schema('A tenant homed in one of the credential\'s data centers (role global)', { params: Type.Object({ tenant: Type.String({ description: 'Tenant id or name' }) }), response: { 200: TenantAnswer } }), config },
    async (request) => {
      const credential = await require(request, 'global');
      const ref = (request.params as { tenant: string }).tenant;
      const tenant = await options.directory.findTenant(ref);
      // A tenant outside the credential's data centers is not named: it is not this deployment's business.
      if (!tenant || !credential.dataCenters.includes(tenant.home_region)) throw notFound(`No tenant '${ref}' in this credential's data centers.`);
      return options.directory.tenantView(tenant);
    },
  );
}
