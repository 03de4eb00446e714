import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { GlobalEndpoint } from '../../global/global-endpoint.js';
import { IdentityService } from '../../identity/identity-service.js';
import { systemClock } from '../../platform/clock.js';
import { PRODUCER_PERMISSION } from '../../platform/producer.js';
import { declaredRoutes, type DeclaredRoute } from '../../platform/route-catalogue.js';
import { RegionServer } from '../../regions/region-server.js';
import { PRODUCT_MODULES } from '../../runtime/modules.js';
import { findDataCenter, findEnvironment } from '../../topology/data-centers.js';

/** A documented operation of the AvePoint Graph API: a route a client calls with a token. */
export interface DocumentedRoute extends DeclaredRoute {
  /** A regional route, or one the global endpoint serves itself (Elements' partner API). */
  host: 'region' | 'global';
  /** The permission it asks for, or the permissions any one of which will do. */
  permission: string | readonly string[];
  operationId: string | undefined;
}

/** Each part of Meridian, built in memory (never listening), with its OpenAPI document. */
export interface Part {
  name: 'identity' | 'region' | 'global';
  /** Where the real service hosts this part. */
  server: string;
  routes: readonly DeclaredRoute[];
  openapi: Record<string, unknown>;
}

const silent = pino({ level: 'silent' });
const nowhere = () => Promise.reject(new Error('the generator calls nothing'));

async function describe(name: Part['name'], server: string, app: FastifyInstance, close: () => Promise<void>): Promise<Part> {
  try {
    await app.ready();
    return { name, server, routes: [...declaredRoutes(app)], openapi: app.swagger() as unknown as Record<string, unknown> };
  } finally {
    await close();
  }
}

/** The identity host, one region with every module mounted in src/runtime/modules.ts, and the global endpoint. */
export async function buildParts(): Promise<Part[]> {
  const region = await RegionServer.create({
    dataCenter: findDataCenter('us')!,
    storage: { engine: 'sqlite', file: ':memory:' },
    modules: PRODUCT_MODULES,
    logger: silent,
    clock: systemClock,
    pagingSecret: 'sdk-generator',
    issuer: () => 'https://identity.invalid',
    fetch: nowhere,
    endpointOf: () => undefined,
    rateLimit: { perMinute: 0 },
  });
  const identity = await IdentityService.create({
    environment: findEnvironment('commercial')!,
    storage: { engine: 'sqlite', file: ':memory:' },
    logger: silent,
    clock: systemClock,
    adminKey: 'sdk-generator',
    audit: { deliver: nowhere },
    tokenRateLimit: { perMinute: 0, token: { issuedPerClient: 0, failuresPerAddress: 0, failuresPerClientPerAddress: 0 } },
  });
  const global = await GlobalEndpoint.create({
    logger: silent,
    issuer: () => 'https://identity.invalid',
    fetch: nowhere,
    caPem: null,
    regionUrl: () => undefined,
    storage: { engine: 'sqlite', file: ':memory:' },
    clock: systemClock,
    serviceToken: nowhere,
    identity: { createTenant: nowhere, tenantName: nowhere },
  });
  return [
    await describe('identity', findEnvironment('commercial')!.identityUrl, identity.app, () => identity.close()),
    await describe('region', 'https://graph-{dataCenter}.avepointonlineservices.com', region.app, () => region.close()),
    await describe('global', 'https://graph.avepointonlineservices.com', global.app, () => global.close()),
  ];
}

/**
 * The product routes of every module: a documented route is one that asks a Graph permission.
 * Producer routes (Meridian's own feed-in API) and hidden routes are not part of the contract.
 */
export function documentedRoutesOf(parts: readonly Part[]): DocumentedRoute[] {
  return parts
    .flatMap((part) => (part.name === 'identity' ? [] : part.routes.map((route) => ({ route, host: part.name as 'region' | 'global' }))))
    .flatMap(({ route, host }) => {
      const permission = route.config?.permission as string | string[] | undefined;
      const granted = [permission ?? []].flat();
      if (granted.length === 0 || granted.includes(PRODUCER_PERMISSION) || route.schema?.hide) return [];
      return [{ ...route, host, permission: granted.length === 1 ? granted[0]! : granted, operationId: route.schema?.operationId as string | undefined }];
    });
}

export async function documentedRoutes(): Promise<DocumentedRoute[]> {
  return documentedRoutesOf(await buildParts());
}
