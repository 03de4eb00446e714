import type { FastifyInstance } from 'fastify';
import { NewTenantBody, type NewTenant } from '../tenant-input.js';
import { Type } from 'typebox';
import { forbidden } from '../../platform/errors.js';
import { installErrorHandling, type ErrorEnvelope } from '../../platform/error-handling.js';
import type { Directory } from '../directory.js';
import { actorOf, installAdminAccess } from './admin-access.js';
import { MERIDIAN_PERMISSION_NAMES, findPermission } from '../permissions.js';
import type { SigningKeys } from '../signing-keys.js';
import type { AccessTokenIssuer } from '../token/access-tokens.js';
import { PRODUCER_PERMISSION } from '../../platform/producer.js';
import { SERVICE_ROLES, type ServiceCredentials } from '../service-credentials.js';
import type { EnvironmentId } from '../../topology/data-centers.js';
import { registerTenantDataRoutes, type RegionCall } from './tenant-data-routes.js';
import type { CustomerScopes } from '../partners/customer-scope.js';
import { registerCustomerScopeRoutes } from '../partners/customer-scope-routes.js';

/** Meridian's own admin envelope, shaped like Microsoft Graph's error object. */
export const adminErrorEnvelope: ErrorEnvelope = (error, request) => ({
  error: { code: error.code, message: error.message, requestId: request.id },
});

const TenantRef = Type.Object({ tenant: Type.String({ description: 'Tenant id or name' }) });
const AppRef = Type.Object({ clientId: Type.String() });

const Tenant = Type.Object({
  id: Type.String(),
  name: Type.String(),
  homeRegion: Type.String(),
  environment: Type.String(),
  createdAt: Type.String(),
});
const Secret = Type.Object({ id: Type.String(), hint: Type.String(), createdAt: Type.String(), expiresAt: Type.String() });
const Certificate = Type.Object({
  id: Type.String(),
  subject: Type.String(),
  thumbprintSha1: Type.String(),
  thumbprintSha256: Type.String(),
  notBefore: Type.String(),
  notAfter: Type.String(),
  createdAt: Type.String(),
});
const App = Type.Object({
  clientId: Type.String(),
  tenantId: Type.String(),
  name: Type.String(),
  permissions: Type.Array(Type.String()),
  secrets: Type.Array(Secret),
  certificates: Type.Array(Certificate),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
const AdminError = Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String(), requestId: Type.String() }) });
const errors = { 400: AdminError, 401: AdminError, 403: AdminError, 404: AdminError, 409: AdminError };

export interface AdminRoutesOptions {
  directory: Directory;
  keys: SigningKeys;
  issuer: AccessTokenIssuer;
  adminKey: string;
  /** This identity host's issuer: a tenant administrator's token must be one of its own. */
  issuerUrl: () => string;
  serviceCredentials: ServiceCredentials;
  environment: EnvironmentId;
  /** Reads the tenant's region (audit records, Opus settings); absent where no region is reachable. */
  regionCall?: RegionCall | undefined;
  customerScopes: CustomerScopes;
}

/**
 * The operator's API: tenants, app registrations, secrets, certificates, signing keys.
 * The CLI is a thin client of these routes. Every change is audited by the directory.
 */
export async function registerAdminRoutes(app: FastifyInstance, options: AdminRoutesOptions): Promise<void> {
  await app.register(
    async (admin) => {
      installErrorHandling(admin, adminErrorEnvelope);
      // Admin answers carry new client secrets and producer tokens; none of them may rest in a cache.
      admin.addHook('onSend', async (_request, reply, payload) => {
        reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
        return payload;
      });
      installAdminAccess(admin, { adminKey: options.adminKey, directory: options.directory, keys: options.keys, issuerUrl: options.issuerUrl });
      const { directory } = options;
      const actor = actorOf;
      const tags = ['admin'];
      registerCustomerScopeRoutes(admin, directory, options.customerScopes);

      admin.post(
        '/tenants',
        { schema: { tags, operationId: 'createTenant', summary: 'Create a tenant', body: NewTenantBody, response: { 201: Tenant, ...errors } }, config: { public: true } },
        async (request, reply) => {
          const body = request.body as NewTenant;
          reply.status(201);
          return directory.createTenant(body, actor(request));
        },
      );
      admin.get('/tenants', { schema: { tags, operationId: 'listTenants', summary: "List tenants (a tenant administrator's own only)", response: { 200: Type.Object({ value: Type.Array(Tenant) }) } }, config: { public: true, tenantAdmin: 'catalogue' } }, async (request) => {
        const caller = request.adminCaller;
        const tenants = await directory.listTenants();
        return { value: caller.kind === 'operator' ? tenants : tenants.filter((tenant) => tenant.id === caller.tenantId) };
      });
      admin.get('/tenants/:tenant', { schema: { tags, operationId: 'getTenant', summary: 'Get a tenant', params: TenantRef, response: { 200: Tenant, ...errors } }, config: { public: true, tenantAdmin: 'tenant' } }, async (request) =>
        directory.tenantView(await directory.requireTenant((request.params as { tenant: string }).tenant)),
      );
      admin.post(
        '/tenants/:tenant/apps',
        {
          schema: {
            tags,
            operationId: 'registerApp', summary: 'Register an app',
            params: TenantRef,
            body: Type.Object({
              name: Type.String({ minLength: 1, maxLength: 128 }),
              permissions: Type.Array(Type.String(), { minItems: 1 }),
              secretYears: Type.Optional(Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(3)])),
              certificate: Type.Optional(Type.String({ description: 'PEM, or base64 of a DER (.cer) file' })),
            }),
            response: { 201: Type.Object({ app: App, clientId: Type.String(), clientSecret: Type.Optional(Type.String()) }), ...errors },
          },
          config: { public: true, tenantAdmin: 'tenant' },
        },
        async (request, reply) => {
          const body = request.body as { name: string; permissions: string[]; secretYears?: number; certificate?: string };
          if (request.adminCaller.kind === 'tenant') {
            const reserved = body.permissions.find((name) => MERIDIAN_PERMISSION_NAMES.has(findPermission(name)?.name ?? ''));
            if (reserved) throw forbidden(`Only the operator may grant '${reserved}'.`);
          }
          const created = await directory.createApp((request.params as { tenant: string }).tenant, body, actor(request));
          reply.status(201);
          return { clientId: created.app.clientId, ...(created.clientSecret ? { clientSecret: created.clientSecret } : {}), app: created.app };
        },
      );
      admin.get('/tenants/:tenant/apps', { schema: { tags, operationId: 'listApps', summary: 'List app registrations', params: TenantRef, response: { 200: Type.Object({ value: Type.Array(App) }), ...errors } }, config: { public: true, tenantAdmin: 'tenant' } }, async (request) => ({
        value: await directory.listApps((request.params as { tenant: string }).tenant),
      }));
      admin.get('/apps/:clientId', { schema: { tags, operationId: 'getApp', summary: 'Get an app registration', params: AppRef, response: { 200: App, ...errors } }, config: { public: true, tenantAdmin: 'app' } }, async (request) =>
        directory.requireAppView((request.params as { clientId: string }).clientId),
      );
      admin.delete('/apps/:clientId', { schema: { tags, operationId: 'deleteApp', summary: 'Delete an app registration', params: AppRef }, config: { public: true, tenantAdmin: 'app' } }, async (request, reply) => {
        await directory.deleteApp((request.params as { clientId: string }).clientId, actor(request));
        return reply.status(204).send();
      });
      admin.post(
        '/apps/:clientId/secrets',
        { schema: { tags, operationId: 'addClientSecret', summary: 'Add a client secret', params: AppRef, body: Type.Optional(Type.Object({ years: Type.Optional(Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(3)])) })), response: { 201: Type.Object({ secret: Secret, clientSecret: Type.String() }), ...errors } }, config: { public: true, tenantAdmin: 'app' } },
        async (request, reply) => {
          const body = (request.body ?? {}) as { years?: number };
          reply.status(201);
          return directory.addSecret((request.params as { clientId: string }).clientId, body.years, actor(request));
        },
      );
      admin.delete('/apps/:clientId/secrets/:secretId', { schema: { tags, operationId: 'removeClientSecret', summary: 'Remove a client secret', params: Type.Object({ clientId: Type.String(), secretId: Type.String() }) }, config: { public: true, tenantAdmin: 'app' } }, async (request, reply) => {
        const params = request.params as { clientId: string; secretId: string };
        await directory.removeSecret(params.clientId, params.secretId, actor(request));
        return reply.status(204).send();
      });
      admin.post(
        '/apps/:clientId/certificates',
        { schema: { tags, operationId: 'uploadCertificate', summary: 'Upload a certificate', params: AppRef, body: Type.Object({ certificate: Type.String({ description: 'PEM, or base64 of a DER (.cer) file' }) }), response: { 201: Certificate, ...errors } }, config: { public: true, tenantAdmin: 'app' } },
        async (request, reply) => {
          const body = request.body as { certificate: string };
          reply.status(201);
          return directory.addCertificate((request.params as { clientId: string }).clientId, body.certificate, actor(request));
        },
      );
      admin.delete('/apps/:clientId/certificates/:certificate', { schema: { tags, operationId: 'removeCertificate', summary: 'Remove a certificate (id or thumbprint)', params: Type.Object({ clientId: Type.String(), certificate: Type.String() }) }, config: { public: true, tenantAdmin: 'app' } }, async (request, reply) => {
        const params = request.params as { clientId: string; certificate: string };
        await directory.removeCertificate(params.clientId, params.certificate, actor(request));
        return reply.status(204).send();
      });
      admin.post(
        '/signing-keys/rotate',
        { schema: { tags, operationId: 'rotateSigningKey', summary: 'Rotate the access-token signing key (published at once, signing from activatesAt)', response: { 200: Type.Object({ kid: Type.String(), activatesAt: Type.String() }) } }, config: { public: true } },
        async () => {
          const rotated = await options.keys.rotate();
          return { kid: rotated.kid, activatesAt: new Date(rotated.activatesAtMs).toISOString() };
        },
      );
      admin.post(
        '/service-credentials',
        {
          schema: {
            tags,
            operationId: 'createServiceCredential',
            summary: 'Create a service credential for a deployment without identity: producer tokens (role producer) or the global endpoint\'s calls (role global), in its data centers only',
            body: Type.Object({
              name: Type.String({ minLength: 1, maxLength: 128 }),
              dataCenters: Type.Array(Type.String(), { minItems: 1 }),
              roles: Type.Optional(Type.Array(Type.Union(SERVICE_ROLES.map((role) => Type.Literal(role))), { minItems: 1, description: 'producer (default) and/or global' })),
            }),
            response: { 201: Type.Object({ clientId: Type.String(), clientSecret: Type.String(), name: Type.String(), dataCenters: Type.Array(Type.String()), roles: Type.Array(Type.String()) }), ...errors },
          },
          config: { public: true },
        },
        async (request, reply) => {
          reply.status(201);
          return options.serviceCredentials.create(request.body as { name: string; dataCenters: string[]; roles?: string[] });
        },
      );
      admin.post(
        '/tenants/:tenant/producer-token',
        { schema: { tags, operationId: 'mintProducerToken', summary: 'Mint a producer token for a tenant (feeds data in through the producer API)', params: TenantRef }, config: { public: true } },
        async (request) => {
          const tenant = await directory.requireTenant((request.params as { tenant: string }).tenant);
          return options.issuer.issue({ clientId: 'meridian-producer', appName: 'Meridian producer', tenantId: tenant.id, tenantRegion: tenant.home_region, scopes: [PRODUCER_PERMISSION] });
        },
      );
      registerTenantDataRoutes(admin, { directory, keys: options.keys, environment: options.environment, regionCall: options.regionCall });
    },
    { prefix: '/admin' },
  );
}

