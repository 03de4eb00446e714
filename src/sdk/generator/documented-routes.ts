import pino from 'pino';
import { systemClock } from '../../platform/clock.js';
import { PRODUCER_PERMISSION } from '../../platform/producer.js';
import { declaredRoutes, type DeclaredRoute } from '../../platform/route-catalogue.js';
import { RegionServer } from '../../regions/region-server.js';
import { PRODUCT_MODULES } from '../../runtime/modules.js';
import { findDataCenter } from '../../topology/data-centers.js';

/** A documented operation of the AvePoint Graph API: a route a client calls with a token. */
export interface DocumentedRoute extends DeclaredRoute {
  permission: string;
  operationId: string | undefined;
}

/**
 * The product routes of every module, read from a region listener built in memory (never
 * listening): a documented route is one that asks a Graph permission. Producer routes
 * (Meridian's own feed-in API) and hidden routes are not part of the contract.
 */
export async function documentedRoutes(): Promise<DocumentedRoute[]> {
  const region = await RegionServer.create({
    dataCenter: findDataCenter('us')!,
    storage: { engine: 'sqlite', file: ':memory:' },
    modules: PRODUCT_MODULES,
    logger: pino({ level: 'silent' }),
    clock: systemClock,
    pagingSecret: 'sdk-generator',
    issuer: () => 'https://identity.invalid',
    fetch: () => Promise.reject(new Error('the SDK generator calls nothing')),
    endpointOf: () => undefined,
    rateLimit: { perMinute: 0 },
  });
  try {
    await region.app.ready();
    return declaredRoutes(region.app).flatMap((route) => {
      const permission = route.config?.permission;
      if (typeof permission !== 'string' || permission === PRODUCER_PERMISSION || route.schema?.hide) return [];
      return [{ ...route, permission, operationId: route.schema?.operationId as string | undefined }];
    });
  } finally {
    await region.close();
  }
}
