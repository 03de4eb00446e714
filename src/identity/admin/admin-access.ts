import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { ACCESS_TOKEN_ALG, ACCESS_TOKEN_AUDIENCE } from '../../platform/access-token.js';
import { forbidden, notFound, unauthorized } from '../../platform/errors.js';
import type { Actor, Directory } from '../directory.js';
import { TENANT_ADMIN_PERMISSION } from '../permissions.js';
import type { SigningKeys } from '../signing-keys.js';

/**
 * Who calls the admin API: the operator (the deployment's admin key), or a tenant
 * administrator (an access token of an app of that tenant holding `meridian.tenant.admin`).
 */
export type AdminCaller =
  | { kind: 'operator' }
  | { kind: 'tenant'; tenantId: string; clientId: string; appName: string };

/**
 * What a tenant administrator may reach on a route. Absent means operator only, so a new
 * admin route is closed to tenant administrators until it says which tenant it touches.
 * - `tenant`: the route's `:tenant` must be the caller's own tenant;
 * - `app`: the route's `:clientId` must be an app of the caller's own tenant;
 * - `catalogue`: tenant-neutral reads (permissions, data centers) and the tenant list, which the handler narrows.
 */
export type TenantAdminAccess = 'tenant' | 'app' | 'catalogue';

declare module 'fastify' {
  interface FastifyRequest {
    adminCaller: AdminCaller;
  }
  interface FastifyContextConfig {
    tenantAdmin?: TenantAdminAccess;
  }
}

const CHALLENGE = 'Bearer realm="meridian-admin"';

/**
 * Authenticates every admin request and confines a tenant administrator to its own tenant.
 * Another tenant's tenant or app answers exactly as one that does not exist (404, the
 * directory's own message), so a tenant administrator learns nothing of other tenants.
 */
export function installAdminAccess(admin: FastifyInstance, options: { adminKey: string; directory: Directory; keys: SigningKeys; issuerUrl: () => string }): void {
  const expected = createHash('sha256').update(options.adminKey).digest();
  const { directory } = options;
  admin.decorateRequest('adminCaller', null as never);

  const tenantAdminOf = async (token: string): Promise<AdminCaller | undefined> => {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, createLocalJWKSet(await options.keys.publicKeys()), {
        issuer: options.issuerUrl(),
        audience: ACCESS_TOKEN_AUDIENCE,
        algorithms: [ACCESS_TOKEN_ALG],
        clockTolerance: 30,
        requiredClaims: ['exp', 'tid', 'client_id'],
      }));
    } catch {
      return undefined;
    }
    const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
    if (!scopes.includes(TENANT_ADMIN_PERMISSION)) return undefined;
    // Read at every call: deleting the app (or its tenant) ends its administration at once.
    const app = await directory.findApp(String(payload.client_id));
    if (!app || app.tenant_id !== String(payload.tid) || !(JSON.parse(app.permissions) as string[]).includes(TENANT_ADMIN_PERMISSION)) return undefined;
    return { kind: 'tenant', tenantId: app.tenant_id, clientId: app.client_id, appName: app.name };
  };

  admin.addHook('onRequest', async (request) => {
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    const given = createHash('sha256').update(match?.[1] ?? '').digest();
    if (match && timingSafeEqual(given, expected)) {
      request.adminCaller = { kind: 'operator' };
      return;
    }
    const caller = match && match[1]!.split('.').length === 3 ? await tenantAdminOf(match[1]!) : undefined;
    if (!caller) throw unauthorized(`The admin API needs the admin key, or a tenant administrator's access token (scope ${TENANT_ADMIN_PERMISSION}), as a Bearer token.`, CHALLENGE);
    request.adminCaller = caller;
  });

  // preHandler: after validation, so params are the route's and a bad request is still a 400.
  admin.addHook('preHandler', async (request) => {
    const caller = request.adminCaller;
    if (caller.kind === 'operator') return;
    const access = request.routeOptions.config.tenantAdmin;
    if (!access) throw forbidden('Only the operator (the admin key) may do this; a tenant administrator manages its own tenant.');
    const params = (request.params ?? {}) as { tenant?: string; clientId?: string };
    if (access === 'tenant' && params.tenant !== undefined) {
      const tenant = await directory.findTenant(params.tenant);
      if (tenant?.id !== caller.tenantId) throw notFound(`No tenant '${params.tenant}' in the ${directory.environment} environment.`);
    }
    if (access === 'app' && params.clientId !== undefined) {
      const app = await directory.findApp(params.clientId);
      if (app?.tenant_id !== caller.tenantId) throw notFound(`No app registration with client id '${params.clientId}'.`);
    }
  });
}

/** The actor an admin change is audited as. */
export function actorOf(request: FastifyRequest): Actor {
  const caller = request.adminCaller;
  return { name: caller.kind === 'operator' ? 'meridian-admin' : `${caller.appName} (tenant administrator ${caller.clientId})`, clientIP: request.ip };
}
