import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { badRequest } from '../../platform/errors.js';
import type { Directory } from '../directory.js';
import type { AccessTokenIssuer } from '../token/access-tokens.js';
import { formatCustomerScope, parseCustomerScope, type CustomerScopes } from './customer-scope.js';

const AdminError = Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String(), requestId: Type.String() }) });
const errors = { 400: AdminError, 401: AdminError, 403: AdminError, 404: AdminError, 409: AdminError };
const Group = Type.Object({ id: Type.String(), name: Type.String(), customerIds: Type.Array(Type.String()), createdAt: Type.String() });
const Members = Type.Object({ customerIds: Type.Array(Type.String(), { minItems: 1, maxItems: 1000 }) });
const GroupRef = Type.Object({ tenant: Type.String(), group: Type.String() });
const ScopeBody = Type.Object({ customerScope: Type.String({ description: 'all | customers:ID[,ID…] | groups:NAME[,NAME…]' }) });
const ScopeView = Type.Object({ clientId: Type.String(), customerScope: Type.String() });

/**
 * Admin routes of the Elements side of app registrations: an app's customer scope, a
 * partner's customer groups, and short-lived service tokens the global endpoint uses to
 * read a customer's region (registered inside the admin API's authenticated scope).
 */
export function registerCustomerScopeRoutes(admin: FastifyInstance, directory: Directory, scopes: CustomerScopes, issuer: AccessTokenIssuer): void {
  const tags = ['admin'];
  const tenantOf = async (ref: string) => directory.requireTenant(ref);

  admin.get('/apps/:clientId/customer-scope', { schema: { tags, summary: 'Get the customer scope of an app', params: Type.Object({ clientId: Type.String() }), response: { 200: ScopeView, ...errors } }, config: { public: true, tenantAdmin: 'app' } }, async (request) => {
    const { clientId } = request.params as { clientId: string };
    const app = await directory.requireAppView(clientId);
    return { clientId: app.clientId, customerScope: formatCustomerScope(await scopes.scopeOf(app.clientId)) };
  });
  admin.put(
    '/apps/:clientId/customer-scope',
    { schema: { tags, summary: 'Set the customer scope of an app', params: Type.Object({ clientId: Type.String() }), body: ScopeBody, response: { 200: ScopeView, ...errors } }, config: { public: true, tenantAdmin: 'app' } },
    async (request) => {
      const { clientId } = request.params as { clientId: string };
      const app = await directory.requireAppView(clientId);
      const scope = await scopes.setScope(app.clientId, app.tenantId, parseCustomerScope((request.body as { customerScope: string }).customerScope));
      return { clientId: app.clientId, customerScope: formatCustomerScope(scope) };
    },
  );
  admin.get('/tenants/:tenant/customer-groups', { schema: { tags, summary: 'List customer groups of a partner', params: Type.Object({ tenant: Type.String() }), response: { 200: Type.Object({ value: Type.Array(Group) }), ...errors } }, config: { public: true, tenantAdmin: 'tenant' } }, async (request) => {
    const tenant = await tenantOf((request.params as { tenant: string }).tenant);
    return { value: await scopes.listGroups(tenant.id) };
  });
  admin.post(
    '/tenants/:tenant/customer-groups',
    { schema: { tags, summary: 'Create a customer group', params: Type.Object({ tenant: Type.String() }), body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 128 }), customerIds: Type.Optional(Type.Array(Type.String(), { maxItems: 1000 })) }), response: { 201: Group, ...errors } }, config: { public: true, tenantAdmin: 'tenant' } },
    async (request, reply) => {
      const tenant = await tenantOf((request.params as { tenant: string }).tenant);
      const body = request.body as { name: string; customerIds?: string[] };
      const group = await scopes.createGroup(tenant.id, body.name);
      reply.status(201);
      return body.customerIds?.length ? scopes.addMembers(tenant.id, group.name, body.customerIds) : group;
    },
  );
  admin.post('/tenants/:tenant/customer-groups/:group/members', { schema: { tags, summary: 'Add customers to a group', params: GroupRef, body: Members, response: { 200: Group, ...errors } }, config: { public: true, tenantAdmin: 'tenant' } }, async (request) => {
    const params = request.params as { tenant: string; group: string };
    const tenant = await tenantOf(params.tenant);
    return scopes.addMembers(tenant.id, params.group, (request.body as { customerIds: string[] }).customerIds);
  });
  admin.post('/tenants/:tenant/customer-groups/:group/members/remove', { schema: { tags, summary: 'Remove customers from a group', params: GroupRef, body: Members, response: { 200: Group, ...errors } }, config: { public: true, tenantAdmin: 'tenant' } }, async (request) => {
    const params = request.params as { tenant: string; group: string };
    const tenant = await tenantOf(params.tenant);
    return scopes.removeMembers(tenant.id, params.group, (request.body as { customerIds: string[] }).customerIds);
  });
  admin.post(
    '/service-tokens',
    {
      schema: {
        tags,
        summary: 'Mint a short-lived service token (the global endpoint reading a data center)',
        body: Type.Object({ tenantId: Type.String(), region: Type.String(), scopes: Type.Array(Type.String(), { minItems: 1, maxItems: 20 }) }),
      },
      config: { public: true },
    },
    async (request) => {
      const body = request.body as { tenantId: string; region: string; scopes: string[] };
      if (!/^[0-9a-z-]{1,64}$/i.test(body.tenantId) || !/^[a-z0-9-]{1,16}$/.test(body.region)) throw badRequest('tenantId and region must be ids.', 'invalid_parameter');
      return issuer.issue({ clientId: 'meridian-elements', appName: 'Meridian Elements', tenantId: body.tenantId.toLowerCase(), tenantRegion: body.region, scopes: body.scopes }, 600);
    },
  );
}
