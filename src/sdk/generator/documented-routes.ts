import pino from 'pino';
import { systemClock } from '../../platform/clock.js';
import { PRODUCER_PERMISSION } from '../../platform/producer.js';
import { declaredRoutes, type DeclaredRoute } from '../../platform/route-catalogue.js';
import { RegionServer } from '../../regions/region-server.js';
import { GlobalEndpoint } from '../../global/global-endpoint.js';
import { PRODUCT_MODULES } from '../../runtime/modules.js';
import { findDataCenter } from '../../topology/data-centers.js';

/** A documented operation of the AvePoint Graph API: a route a client calls with a token. */
export interface DocumentedRoute extends DeclaredRoute {
  permission: string;
  operationId: string | undefined;
}

/**
 * The product routes of every module and of the global endpoint (the Elements partner API),
 * read from listeners built in memory (never listening): a documented route is one that asks a
 * Graph permission. Producer routes (Meridian's own feed-in API), the global endpoint's
 * forwarding and hidden routes are not part of the contract. A partner API operation is called
 * on the global endpoint (`baseUrl` of the GraphClient), every other one on a region.
 */
export async function documentedRoutes(): Promise<DocumentedRoute[]> {
  const unreachable = () => Promise.reject(new Error('the SDK generator calls nothing'));
  const region = await RegionServer.create({
    dataCenter: findDataCenter('us')!,
    storage: { engine: 'sqlite', file: ':memory:' },
    modules: PRODUCT_MODULES,
    logger: pino({ level: 'silent' }),
    clock: systemClock,
    pagingSecret: 'sdk-generator',
    issuer: () => 'https://identity.invalid',
    fetch: unreachable,
    endpointOf: () => undefined,
    rateLimit: { perMinute: 0 },
  });
  const global = await GlobalEndpoint.create({
    logger: pino({ level: 'silent' }),
    issuer: () => 'https://identity.invalid',
    fetch: unreachable,
    caPem: null,
    regionUrl: () => undefined,
    storage: { engine: 'sqlite', file: ':memory:' },
    clock: systemClock,
    serviceToken: unreachable,
    identity: { createTenant: unreachable, tenantName: unreachable },
  });
  try {
    await Promise.all([region.app.ready(), global.app.ready()]);
    return [...declaredRoutes(region.app), ...declaredRoutes(global.app)].flatMap((route) => {
      const declared = route.config?.permission;
      // A partner API route names every permission that satisfies it (read or readwrite).
      const permission = Array.isArray(declared) ? declared.join(' or ') : declared;
      if (typeof permission !== 'string' || permission === '' || permission === PRODUCER_PERMISSION || route.schema?.hide) return [];
      return [{ ...route, permission, operationId: route.schema?.operationId as string | undefined }];
    });
  } finally {
    await Promise.all([region.close(), global.close()]);
  }
}
