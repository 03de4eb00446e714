import type { FastifyInstance, FastifyRequest } from 'fastify';
import { decodeJwt } from 'jose';
import type { AccessTokenVerifier } from '../../regions/bearer-auth.js';
import { requirePermission } from '../../platform/permission-guard.js';

/**
 * Who is calling the partner API: the partner (the token's tenant) and the customers its
 * app may see. `customerIds` undefined means every customer the partner manages — also
 * those onboarded after the token was issued.
 */
export interface PartnerCaller {
  partnerId: string;
  customerIds: ReadonlySet<string> | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    partner: PartnerCaller | undefined;
  }
}

interface ScopeClaim {
  kind?: string;
  customerIds?: unknown;
}

function scopeOf(token: string): ReadonlySet<string> | undefined {
  const claim = decodeJwt(token).customer_scope as ScopeClaim | undefined;
  if (!claim || claim.kind === 'all' || claim.kind === undefined) return undefined;
  // A scope the endpoint cannot read covers nothing: never more than the app was given.
  const ids = Array.isArray(claim.customerIds) ? claim.customerIds.filter((id): id is string => typeof id === 'string').map((id) => id.toLowerCase()) : [];
  return new Set(ids);
}

/**
 * Authenticates every route of the partner API (token verified offline like a region's),
 * checks the route's permission, and resolves the caller's customer scope from the token,
 * all before a handler reads anything.
 */
export function registerPartnerContext(app: FastifyInstance, verify: AccessTokenVerifier): void {
  app.decorateRequest('partner', undefined);
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const config = request.routeOptions.config as { public?: boolean };
    if (config.public || !request.routeOptions.url) return;
    const principal = await verify(request.headers.authorization);
    request.principal = principal;
    const token = request.headers.authorization!.replace(/^Bearer\s+/i, '').trim();
    request.partner = { partnerId: principal.tenantId, customerIds: scopeOf(token) };
  });
  app.addHook('preHandler', async (request) => {
    const config = request.routeOptions.config as { public?: boolean };
    if (!config.public) requirePermission(request);
  });
}

export const partnerOf = (request: FastifyRequest): PartnerCaller => request.partner!;
