import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Clock } from '../../platform/clock.js';
import { ApiError } from '../../platform/errors.js';
import type { ErrorEnvelope } from '../../platform/error-handling.js';

/**
 * The Cloud Backup envelopes. Microsoft 365, Dynamics 365 errors and Salesforce wrap results
 * in {statusCode, message, data, requestId, timestamp, traceId}, with field-level `errors`
 * on a 400 (perform-restore-job.md); IaaS + PaaS reports an `errorModel`; Google Workspace
 * answers {status, message}. Every one names the parameter that was wrong.
 */

/** One failed field as perform-restore-job.md's 400 sample shows it. */
export interface FieldError {
  code: string;
  field: string;
  message: string;
}

const fieldErrors = new WeakMap<FastifyRequest, FieldError[]>();
const traceparents = new WeakMap<FastifyRequest, string>();

/** Throws a 400 that carries every failed field (the envelope lists them all in `errors`). */
export function rejectFields(request: FastifyRequest, errors: FieldError[]): never {
  fieldErrors.set(request, errors);
  throw new ApiError(400, 'invalid_parameter', errors.map((error) => error.message).join(' '));
}

export const invalidField = (field: string, message: string): FieldError => ({ code: 'InvalidParameter', field, message });

/** The samples' traceId is the response's W3C traceparent, so it is kept as the request-context hook set it. */
export function captureTraceparent(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    const header = reply.getHeader('traceparent');
    if (typeof header === 'string') traceparents.set(request, header);
  });
}

export function traceIdOf(request: FastifyRequest): string {
  const known = traceparents.get(request);
  if (known) return known;
  // Refused before this module saw the request (no token): same trace id, a span id of its own.
  const span = createHash('sha256').update(request.id).digest('hex').slice(0, 16);
  return `00-${request.traceId}-${span}-01`;
}

/** The success envelope: `data` and, for lists, `metadata`, in the samples' key order. */
export function graphResult<T>(request: FastifyRequest, clock: Clock, data: T) {
  return { statusCode: 200, message: '', data, requestId: request.id, timestamp: new Date(clock.nowMs()).toISOString(), traceId: traceIdOf(request) };
}

/**
 * A list page of graphResult with `metadata`, as JSON around its items' JSON: the bytes the
 * response schema serializes, whose key order puts metadata before traceId (list-jobs.md).
 */
export function graphListJson(request: FastifyRequest, clock: Clock, items: Buffer, metadata: { totalCount: number; nextLink: string }): Buffer {
  const { statusCode, message, requestId, timestamp, traceId } = graphResult(request, clock, null);
  return Buffer.concat([
    Buffer.from(`{"statusCode":${statusCode},"message":${JSON.stringify(message)},"data":[`),
    items,
    Buffer.from(
      `],"requestId":${JSON.stringify(requestId)},"timestamp":${JSON.stringify(timestamp)},` +
        `"metadata":{"totalCount":${metadata.totalCount},"nextLink":${JSON.stringify(metadata.nextLink)}},"traceId":${JSON.stringify(traceId)}}`,
    ),
  ]);
}

/**
 * Which field a kernel message names: "The parameter 'pageSize' ..." is a query parameter
 * (named as documented); "The field 'siteRestoreScope.restoreTargets.0.libraryName' ..." a
 * body field, named as the 400 sample names them (SiteRestoreScope.RestoreTargets[0].LibraryName).
 */
export function fieldOf(message: string): string | undefined {
  const match = /^The (parameter|field|path parameter|header) '([^']+)'/.exec(message);
  if (!match) return undefined;
  const [, kind, name] = match as unknown as [string, string, string];
  if (kind !== 'field') return name;
  return name
    .split('.')
    .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part.charAt(0).toUpperCase()}${part.slice(1)}`))
    .join('')
    .replace(/^\./, '')
    .replace(/\.\[/g, '[');
}

export function graphErrorEnvelope(clock: Clock): ErrorEnvelope {
  return (error, request) => {
    const listed = fieldErrors.get(request);
    const field = fieldOf(error.message);
    const errors = error.statusCode === 400 ? (listed ?? [invalidField(field ?? '', error.message)]) : undefined;
    return {
      statusCode: error.statusCode,
      message: error.statusCode === 400 ? 'Bad Request' : error.message,
      ...(errors ? { errors } : {}),
      requestId: request.id,
      timestamp: new Date(clock.nowMs()).toISOString(),
      traceId: traceIdOf(request),
    };
  };
}

export const GraphError = Type.Object({
  statusCode: Type.Integer(),
  message: Type.String(),
  errors: Type.Optional(Type.Array(Type.Object({ code: Type.String(), field: Type.String(), message: Type.String() }))),
  requestId: Type.String(),
  timestamp: Type.String(),
  traceId: Type.String(),
});

/** IaaS + PaaS: iaas-paas.md documents `errorModel` as a string with the request id, date and error code. */
export function iaasErrorEnvelope(clock: Clock): ErrorEnvelope {
  return (error, request) => ({
    statusCode: error.statusCode,
    message: error.message,
    errorModel: `RequestId: ${request.id}; Date: ${new Date(clock.nowMs()).toISOString()}; ErrorCode: ${error.code}`,
  });
}

export const IaasError = Type.Object({ statusCode: Type.Integer(), message: Type.String(), errorModel: Type.String() });

/** Google Workspace answers {status, message, ...}; an error keeps the first two. */
export const googleErrorEnvelope: ErrorEnvelope = (error) => ({ status: error.statusCode, message: error.message });

export const GoogleError = Type.Object({ status: Type.Integer(), message: Type.String() });

/** Error responses of a route, for its schema: every 4xx the kernel or the handler can send. */
export function errorResponses<T>(schema: T, ...extra: number[]): Record<number, T> {
  return Object.fromEntries([400, 401, 403, 404, ...extra].map((status) => [status, schema]));
}
