import type { FastifyInstance, RouteHandlerMethod, RouteShorthandOptions } from 'fastify';
import { Type, type TSchema } from 'typebox';
import type { ErrorEnvelope } from '../platform/error-handling.js';
import { NullableString } from '../platform/schema.js';

export const INSIGHTS_PERMISSION = 'insights.graph.readwrite.all';
export const INSIGHTS_TAGS = ['Insights'];

/** Every Insights response carries `status` (the HTTP status again) and `message`: errors are that pair. */
export const insightsErrorEnvelope: ErrorEnvelope = (error) => ({ status: error.statusCode, message: error.message });
export const InsightsError = Type.Object({ status: Type.Integer(), message: Type.String() });
export const INSIGHTS_ERRORS = { 400: InsightsError, 401: InsightsError, 403: InsightsError, 404: InsightsError };

/** A direct read's envelope: the list under `values` (or `results`), status, message, nextLink. */
export const ListEnvelope = (key: 'values' | 'results', item: TSchema) =>
  Type.Object({ [key]: Type.Array(item), status: Type.Integer(), message: Type.String(), nextLink: NullableString() });

export const ok = <K extends string, T>(key: K, rows: T[], nextLink: string | null) => ({ [key]: rows, status: 200, message: '', nextLink }) as Record<K, T[]> & { status: number; message: string; nextLink: string | null };

type Method = 'GET' | 'POST' | 'PATCH';

/**
 * Registers a documented route and, where they differ, its all-lower-case spelling (the
 * samples write `/siteid` and `/detailrecords` for `/siteId` and `/detailRecords`), hidden
 * from the OpenAPI document so the operation is listed once.
 */
export function insightsRoute(app: FastifyInstance, method: Method, path: string, options: RouteShorthandOptions & { schema: Record<string, unknown> }, handler: RouteHandlerMethod): void {
  const withDefaults = { ...options, schema: { tags: INSIGHTS_TAGS, security: [{ bearer: [] }], ...options.schema }, config: { permission: INSIGHTS_PERMISSION, ...(options.config as object) } };
  app.route({ method, url: path, ...withDefaults, handler });
  const lower = path.split('/').map((segment) => (segment.startsWith(':') ? segment : segment.toLowerCase())).join('/');
  if (lower !== path) app.route({ method, url: lower, ...withDefaults, schema: { ...withDefaults.schema, hide: true, operationId: undefined }, handler });
}
