import type { FastifyInstance, RouteOptions } from 'fastify';

/** One route as declared: what the SDK generator and the operationId check read. */
export interface DeclaredRoute {
  method: string;
  url: string;
  schema: Record<string, unknown> | undefined;
  config: Record<string, unknown> | undefined;
}

const catalogues = new WeakMap<FastifyInstance, DeclaredRoute[]>();

/** Records every route declared on `app` and its plugins from now on. */
export function recordRoutes(app: FastifyInstance): void {
  const routes: DeclaredRoute[] = [];
  catalogues.set(app, routes);
  app.addHook('onRoute', (route: RouteOptions) => {
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      routes.push({ method, url: route.url, schema: route.schema as Record<string, unknown> | undefined, config: route.config as Record<string, unknown> | undefined });
    }
  });
}

/** The routes declared on a listener built by createApiServer, in declaration order. */
export function declaredRoutes(app: FastifyInstance): readonly DeclaredRoute[] {
  return catalogues.get(app) ?? [];
}
