import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { Directory } from '../directory.js';
import { formatCustomerScope, parseCustomerScope, type CustomerScopes } from './customer-scope.js';

const AdminError = Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String(), requestId: Type.String() }) });
const errors = { 400: AdminError, 401: AdminError, 403: AdminError, 404: AdminError, 409: AdminError };
const Group = Type.Object({ id: Type.String(), name: Type.String(), customerIds: Type.Array(Type.String()), createdAt: Type.String() });
// Checked by the schema, before anything is stored: a group is never made when its members are refused.
const CustomerId = Type.String({ pattern: '^\\s*[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\s*$', description: 'A customer (tenant) id: a GUID.' });
const Members = Type.Object({ customerIds: Type.Array(CustomerId, { minItems: 1, maxItems: 1000 }) });
const GroupRef = Type.Object({ tenant: Type.String(), group: Type.String() });
const ScopeBody = Type.Object({ customerScope: Type.String({ description: 'all | customers:ID[,ID…] | groups:NAME[,NAME…]' }) });
const ScopeView = Type.Object({ clientId: Type.String(), customerScope: Type.String() });

/**
 * Admin routes of the Elements side of app registrations: an app's customer scope, a
 * partner's customer groups (registered inside the admin API's authenticated scope). The global
 * endpoint's own calls to identity go through /service/... with its service credential.
 */
export function registerCustomerScopeRoutes(admin: FastifyInstance, directory: Directory, scopes: CustomerScopes): void {
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
    { schema: { tags, summary: 'Create a customer group', params: Type.Object({ tenant: Type.String() }), body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 128 }), customerIds: Type.Optional(Type.Array(CustomerId, { maxItems: 1000 })) }), response: { 201: Group, ...errors } }, config: { public: true, tenantAdmin: 'tenant' } },
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
}
