import type { FastifyInstance, RouteOptions } from 'fastify';

/** A route's declaration without its URL: what `routeAtPaths` answers at every path. */
export type RouteAtPaths = Omit<RouteOptions, 'url'>;

/**
 * One route declaration answered at the documented path and at the other paths the docs'
 * samples call (e.g. Confide's `/confide/admin/...` beside the documented `/admin/...`). The
 * documented path alone appears in the OpenAPI document and the SDK; the others answer the
 * same request the same way (same schema, permission and handler), hidden from the document so
 * its operationIds stay unique.
 */
export function routeAtPaths(app: FastifyInstance, documented: string, aliases: readonly string[], route: RouteAtPaths): void {
  app.route({ ...route, url: documented } as RouteOptions);
  for (const alias of aliases) app.route({ ...route, url: alias, schema: { ...route.schema, hide: true } } as RouteOptions);
}
