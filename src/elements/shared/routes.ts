import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type, type TSchema } from 'typebox';

/** The AOS error envelope (aos.md ErrorResponse), which the Elements pages' clients also get. */
export const ElementsError = Type.Object({ traceId: Type.String(), error: Type.String(), statusCode: Type.Integer() });
const errorResponses = { 400: ElementsError, 401: ElementsError, 403: ElementsError, 404: ElementsError, 503: ElementsError };

export const V3_TAGS = ['Elements'];
export const V2_TAGS = ['Elements (v2)'];

/** pageIndex/pageSize of every Elements v3 list (get-all-customers.md, "Query Parameters"). */
export const PageQuery = Type.Object({
  pageIndex: Type.Optional(Type.Integer({ minimum: 0, default: 1, description: 'The page to retrieve, from 1 (default 1; 0 is read as 1).' })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50, description: 'Objects per page (default 50, at most 100).' })),
});
export interface Paging {
  pageIndex: number;
  pageSize: number;
}
export const pagingOf = (request: FastifyRequest): Paging => {
  const query = request.query as { pageIndex?: number; pageSize?: number };
  return { pageIndex: Math.max(1, query.pageIndex ?? 1), pageSize: query.pageSize ?? 50 };
};

export const Metadata = Type.Object({ pageIndex: Type.Integer(), pageSize: Type.Integer(), totalCount: Type.Integer() });
export const v3Page = (item: TSchema) => Type.Object({ data: Type.Array(item), metadata: Metadata });

export interface RouteSpec {
  method: 'GET' | 'POST';
  url: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  permission: readonly string[];
  params?: TSchema;
  querystring?: TSchema;
  body?: TSchema;
  response: TSchema;
}

/** Declares one partner API route: its schema drives validation, OpenAPI and the SDK. */
export function partnerRoute(app: FastifyInstance, spec: RouteSpec, handler: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>): void {
  app.route({
    method: spec.method,
    url: spec.url,
    schema: {
      operationId: spec.operationId,
      summary: spec.summary,
      ...(spec.description ? { description: spec.description } : {}),
      tags: spec.tags,
      security: [{ bearer: [] }],
      ...(spec.params ? { params: spec.params } : {}),
      ...(spec.querystring ? { querystring: spec.querystring } : {}),
      ...(spec.body ? { body: spec.body } : {}),
      response: { 200: spec.response, ...errorResponses },
    },
    config: { permission: spec.permission },
    handler,
  });
}

/**
 * A v3 list: pageIndex/pageSize, an optional filter body, and the `data` + `metadata`
 * envelope (get-all-customers.md). The handler answers one page and the total.
 */
export function v3List(
  app: FastifyInstance,
  spec: Omit<RouteSpec, 'querystring' | 'response' | 'tags' | 'method'> & { method?: 'GET' | 'POST'; item: TSchema },
  page: (request: FastifyRequest, paging: Paging, reply: FastifyReply) => Promise<{ data: unknown[]; totalCount: number }>,
): void {
  const { item, ...rest } = spec;
  partnerRoute(app, { ...rest, method: spec.method ?? 'POST', tags: V3_TAGS, querystring: PageQuery, response: v3Page(item) }, async (request, reply) => {
    const paging = pagingOf(request);
    const { data, totalCount } = await page(request, paging, reply);
    return { data, metadata: { pageIndex: paging.pageIndex, pageSize: paging.pageSize, totalCount } };
  });
}

/** An optional ID-filter body ("customerIds", "scanProfileIds", …): absent, null or empty means no filter. */
export const idFilter = (name: string, description: string) =>
  Type.Optional(Type.Union([Type.Object({ [name]: Type.Optional(Type.Union([Type.Array(Type.String({ maxLength: 100 }), { maxItems: 1000, description }), Type.Null()])) }), Type.Null()]));

export function filterIds(body: unknown, name: string): string[] | undefined {
  const value = (body as Record<string, unknown> | null | undefined)?.[name];
  return Array.isArray(value) && value.length > 0 ? (value as string[]).map((id) => id.trim()) : undefined;
}

/** The OData context of a v2 response, on the global endpoint's own address. */
export const odataContext = (publicUrl: string, entity: string) => `${publicUrl}/partner/$metadata#${entity}`;
export const ODataContext = Type.String({ description: 'OData context URL' });
