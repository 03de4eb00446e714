import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';
import { forbidden } from './errors.js';
import type { Principal } from './principal.js';

/**
 * Every route of a regional API says which permission it needs (or that it is public);
 * a route that says neither fails at start-up, so no route is ever open by accident.
 */
export function registerPermissionGuard(app: FastifyInstance): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    const config = (route.config ?? {}) as { permission?: string | readonly string[]; public?: boolean };
    if (config.public || route.url.startsWith('/docs') || route.method === 'HEAD') return;
    if (!config.permission || (Array.isArray(config.permission) && config.permission.length === 0)) {
      throw new Error(`Route ${String(route.method)} ${route.url} declares no permission`);
    }
  });
}

export function requirePermission(request: FastifyRequest): Principal {
  const principal = request.principal;
  const config = request.routeOptions.config as { permission?: string | readonly string[] };
  const needed = typeof config.permission === 'string' ? [config.permission] : (config.permission ?? []);
  if (!principal) throw forbidden('This route needs an access token.');
  const lower = new Set([...principal.scopes].map((scope) => scope.toLowerCase()));
  if (!needed.some((permission) => lower.has(permission.toLowerCase()))) {
    throw forbidden(`The access token lacks the permission this API needs: ${needed.join(' or ')}.`, 'insufficient_scope');
  }
  return principal;
}
