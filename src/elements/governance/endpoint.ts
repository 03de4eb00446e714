import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type TSchema } from 'typebox';
import { notFound } from '../../platform/errors.js';
import { PRODUCER_PERMISSION } from '../../platform/producer.js';
import type { TenantKey } from '../tenant-directory/directory-store.js';

/**
 * One declaration per documented governance endpoint (baseline, risk, user and workspace
 * management): its documented path, permission, operationId and TypeBox schemas, and the
 * handler that answers it from this data center's tables. The declaration is mounted twice
 * from the same object: on each region as an internal route the global endpoint calls with
 * its service credential (`/internal/elements/<area>/…`), and on the global endpoint under
 * the documented path, where the partner's token, permission and customer scope are checked
 * and the call is routed to the customer's data center.
 */
export type Routing =
  /** `{customerId}` in the path names the customer; its data center answers. */
  | 'customer'
  /** `customerId` in the body names it (create baseline). */
  | 'body-customer'
  /** A partner-wide list: every data center of the partner answers its part. */
  | 'partner'
  /** A baseline id in the path: the data center holding the baseline answers. */
  | 'baseline';

export interface GovernanceRequest {
  /** The partner the global endpoint calls for. */
  partnerId: string;
  /** The customer tenant named in the path, once the partner is known to manage it. */
  tenant: TenantKey | undefined;
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: Record<string, unknown>;
  reply: FastifyReply;
}

export interface GovernanceEndpoint {
  method: 'GET' | 'POST' | 'PUT';
  /** The documented path, Fastify style (`:customerId`). */
  path: string;
  operationId: string;
  summary: string;
  tags: readonly string[];
  /** Any one of these satisfies the endpoint (the documented one, and readwrite where it implies read). */
  permission: readonly string[];
  routing: Routing;
  params?: TSchema;
  querystring?: TSchema;
  body?: TSchema;
  /** The success status and its body schema (absent for 204). */
  response: { status: number; schema?: TSchema };
  handle(request: GovernanceRequest): Promise<unknown>;
}

const DOCUMENTED_PREFIX = '/partner/external/v3';
export const INTERNAL_PREFIX = '/internal/elements';

/** Where a documented path is served inside a region. */
export const internalPath = (documentedPath: string): string => `${INTERNAL_PREFIX}${documentedPath.slice(DOCUMENTED_PREFIX.length)}`;

/** Looks a customer up in this data center: the partner it belongs to and its tenants' ids. */
export type CustomerLookup = (customerId: string) => Promise<{ partnerId: string; tenantIds: string[] } | undefined>;

/**
 * Resolves `{customerId}` and `{tenantId}` for the calling partner: a customer of another
 * partner, or a tenant the customer does not have, answers as absent (404), so nothing about
 * another partner's customers leaks.
 */
export async function resolveTenant(lookup: CustomerLookup, partnerId: string, customerId: string, tenantId: string): Promise<TenantKey> {
  const customer = await lookup(customerId.toLowerCase());
  if (!customer || customer.partnerId !== partnerId) throw notFound(`No customer '${customerId}' is managed by this partner.`);
  const tenant = customer.tenantIds.find((id) => id.toLowerCase() === tenantId.toLowerCase());
  if (!tenant) throw notFound(`Customer '${customerId}' has no tenant '${tenantId}'.`);
  return { customerId: customerId.toLowerCase(), tenantId: tenant.toLowerCase() };
}

export function mountOnRegion(app: FastifyInstance, endpoints: readonly GovernanceEndpoint[], lookup: CustomerLookup): void {
  for (const endpoint of endpoints) {
    app.route({
      method: endpoint.method,
      url: internalPath(endpoint.path),
      schema: {
        summary: `${endpoint.summary} (internal: the global endpoint's read of this data center)`,
        tags: ['Elements (internal)'],
        security: [{ bearer: [] }],
        ...(endpoint.params ? { params: endpoint.params } : {}),
        ...(endpoint.querystring ? { querystring: endpoint.querystring } : {}),
        ...(endpoint.body ? { body: endpoint.body } : {}),
        response: { [endpoint.response.status]: endpoint.response.schema ?? Type.Null() },
      },
      config: { permission: PRODUCER_PERMISSION },
      handler: async (request: FastifyRequest, reply) => {
        const params = (request.params ?? {}) as Record<string, string>;
        const partnerId = request.principal!.tenantId;
        const tenant = params.customerId && params.tenantId ? await resolveTenant(lookup, partnerId, params.customerId, params.tenantId) : undefined;
        const result = await endpoint.handle({ partnerId, tenant, params, query: (request.query ?? {}) as Record<string, unknown>, body: (request.body ?? {}) as Record<string, unknown>, reply });
        reply.status(endpoint.response.status);
        return endpoint.response.status === 204 ? reply.send() : result;
      },
    });
  }
}
