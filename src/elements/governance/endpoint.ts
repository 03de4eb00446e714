import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type TSchema } from 'typebox';
import { notFound } from '../../platform/errors.js';
import { PRODUCER_PERMISSION } from '../../platform/producer.js';
import type { BaselineJobs } from '../baseline-management/baseline-jobs.js';
import type { BaselineStore } from '../baseline-management/baseline-store.js';
import type { DirectoryStore, TenantKey } from '../tenant-directory/directory-store.js';
import { areaOf, requirePremium, type GovernanceArea } from './premium.js';

/** What the handlers answer from: this data center's governance stores and jobs. */
export interface GovernanceServices {
  directory: DirectoryStore;
  baselines: BaselineStore;
  jobs: BaselineJobs;
  lookup: CustomerLookup;
}

/** How the global endpoint finds the data center that answers. */
export type Routing =
  /** `{customerId}` in the path names the customer; its data center answers. */
  | 'customer'
  /** `customerId` in the body names it (create baseline). */
  | 'body-customer'
  /** A partner-wide list: every data center of the partner answers its part. */
  | 'partner'
  /** A baseline id in the path: the data center holding the baseline answers. */
  | 'baseline'
  /**
   * `{customerId}` names the customer, whose data center answers; the baselines the body's
   * `data` names that were captured in another data center are copied there first.
   */
  | 'customer-baselines';

export interface GovernanceRequest {
  /** The partner the global endpoint calls for. */
  partnerId: string;
  /** The customer tenant named in the path, once the partner is known to manage it. */
  tenant: TenantKey | undefined;
  params: Record<string, string>;
  query: Record<string, unknown>;
  /**
   * A partner-wide list's part in this data center: which rows (the global endpoint pages
   * across data centers) and which customers the app may see (undefined: all of them).
   */
  slice: { offset: number; limit: number; customerIds: string[] | undefined } | undefined;
  body: Record<string, unknown>;
  reply: FastifyReply;
}

/**
 * One declaration per documented governance endpoint (baseline, risk, user and workspace
 * management): its documented path, permission, operationId and TypeBox schemas, and the
 * handler that answers it from this data center's tables. The declaration is mounted twice
 * from the same object: on each region as an internal route the global endpoint calls with
 * its service credential (`/internal/elements/<area>/…`), and on the global endpoint under
 * the documented path, where the partner's token, permission and customer scope are checked
 * and the call is routed to the customer's data center.
 */
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
  /**
   * What a schema cannot say about the body (two items naming the same thing …): checked on
   * both mounts before anything is read, so the global endpoint refuses it before it routes.
   */
  check?(body: Record<string, unknown>): void;
  /** Answers in the data center (never called on the global endpoint). */
  handle(request: GovernanceRequest, services: GovernanceServices): Promise<unknown>;
}

const DOCUMENTED_PREFIX = '/partner/external/v3';
export const INTERNAL_PREFIX = '/internal/elements';

/** Where a documented path is served inside a region. */
export const internalPath = (documentedPath: string): string => `${INTERNAL_PREFIX}${documentedPath.slice(DOCUMENTED_PREFIX.length)}`;

/**
 * Looks a customer up in this data center: the partner it belongs to, its tenants (with the
 * service apps consented for each) and the products it holds a subscription of.
 */
export type CustomerLookup = (customerId: string) => Promise<{ partnerId: string; tenantIds: string[]; consentedApps: Record<string, string[]>; products: number[] } | undefined>;

/**
 * Resolves `{customerId}` and `{tenantId}` for the calling partner: a customer of another
 * partner, or a tenant the customer does not have, answers as absent (404), so nothing about
 * another partner's customers leaks. A tenant of the partner's customer without the area's
 * premium module is then 403 (premium.ts).
 */
export async function resolveTenant(lookup: CustomerLookup, partnerId: string, customerId: string, tenantId: string, area: GovernanceArea): Promise<TenantKey> {
  const customer = await lookup(customerId.toLowerCase());
  if (!customer || customer.partnerId !== partnerId) throw notFound(`No customer '${customerId}' is managed by this partner.`);
  const tenant = customer.tenantIds.find((id) => id.toLowerCase() === tenantId.toLowerCase());
  if (!tenant) throw notFound(`Customer '${customerId}' has no tenant '${tenantId}'.`);
  const key = { customerId: customerId.toLowerCase(), tenantId: tenant.toLowerCase() };
  requirePremium(area, { ...key, consentedApps: customer.consentedApps[tenant] ?? [], products: customer.products });
  return key;
}

/** What a partner-wide list's internal route takes beyond the documented query and body. */
const SliceQuery = {
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000_000, description: 'Rows to skip (the global endpoint pages across data centers).' })),
  limit: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000, description: 'Rows to return.' })),
};
const SliceBody = { scopeCustomerIds: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 100_000, description: "The customers the partner's app may see; all when absent." })) };

const extend = (schema: TSchema | undefined, properties: Record<string, TSchema>) => Type.Object({ ...((schema as { properties?: Record<string, TSchema> } | undefined)?.properties ?? {}), ...properties }, { additionalProperties: false });

function sliceOf(endpoint: GovernanceEndpoint, query: Record<string, unknown>, body: Record<string, unknown>): GovernanceRequest['slice'] {
  if (endpoint.routing !== 'partner') return undefined;
  const pageSize = Number(query.pageSize ?? 50);
  const offset = query.offset === undefined ? (Number(query.pageIndex ?? 1) - 1) * pageSize : Number(query.offset);
  return { offset, limit: query.limit === undefined ? pageSize : Number(query.limit), customerIds: (body.scopeCustomerIds as string[] | undefined)?.map((id) => id.toLowerCase()) };
}

/**
 * The body schema as served: a body whose fields are all optional (an id filter) may also be
 * absent or null, as the pages' clients send it.
 */
export function bodySchema(schema: TSchema | undefined): TSchema | undefined {
  if (!schema) return undefined;
  const required = (schema as { required?: string[] }).required ?? [];
  return required.length === 0 ? Type.Optional(Type.Union([schema, Type.Null()])) : schema;
}

export function mountOnRegion(app: FastifyInstance, endpoints: readonly GovernanceEndpoint[], services: GovernanceServices): void {
  const { lookup } = services;
  for (const endpoint of endpoints) {
    app.route({
      method: endpoint.method,
      url: internalPath(endpoint.path),
      schema: {
        operationId: `internal${endpoint.operationId[0]!.toUpperCase()}${endpoint.operationId.slice(1)}`,
        summary: `${endpoint.summary} (internal: the global endpoint's read of this data center)`,
        tags: ['Elements (internal)'],
        security: [{ bearer: [] }],
        ...(endpoint.params ? { params: endpoint.params } : {}),
        ...(endpoint.routing === 'partner'
          ? { querystring: extend(endpoint.querystring, SliceQuery), body: bodySchema(extend(endpoint.body, SliceBody)) }
          : { ...(endpoint.querystring ? { querystring: endpoint.querystring } : {}), ...(endpoint.body ? { body: bodySchema(endpoint.body) } : {}) }),
        response: { [endpoint.response.status]: endpoint.response.schema ?? Type.Null() },
      },
      config: { permission: PRODUCER_PERMISSION },
      handler: async (request: FastifyRequest, reply) => {
        const params = (request.params ?? {}) as Record<string, string>;
        const partnerId = request.principal!.tenantId;
        const query = (request.query ?? {}) as Record<string, unknown>;
        const body = (request.body ?? {}) as Record<string, unknown>;
        endpoint.check?.(body);
        const tenant = params.customerId && params.tenantId ? await resolveTenant(lookup, partnerId, params.customerId, params.tenantId, areaOf(endpoint.path)) : undefined;
        const result = await endpoint.handle({ partnerId, tenant, params, query, body, slice: sliceOf(endpoint, query, body), reply }, services);
        reply.status(endpoint.response.status);
        return endpoint.response.status === 204 ? reply.send() : result;
      },
    });
  }
}
