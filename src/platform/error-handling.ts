import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './errors.js';
import { randomHex } from './ids.js';
import { parseTraceparent } from './request-context.js';
import { isStoreUnavailable, STORE_RETRY_AFTER_SECONDS } from './store-availability.js';

/** What a module's error body is built from: never a stack, never an internal message. */
export interface ErrorDetails {
  statusCode: number;
  code: string;
  message: string;
}

export type ErrorEnvelope = (error: ErrorDetails, request: FastifyRequest) => unknown;

/** The AOS envelope (main/services-and-features/aos/aos.md, ErrorResponse). */
export const aosErrorEnvelope: ErrorEnvelope = (error, request) => ({
  traceId: request.traceId,
  error: error.message,
  statusCode: error.statusCode,
});

/**
 * Turns anything thrown into a 4xx that names what was wrong, or a 500 that names only
 * the request id. Registered per encapsulation context so each module keeps its envelope.
 */
export function installErrorHandling(app: FastifyInstance, envelope: ErrorEnvelope): void {
  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    const details = describe(error, request);
    if (details.code === 'store_unavailable') {
      request.log.warn({ err: { message: (error as Error).message, code: (error as { code?: unknown }).code }, requestId: request.id }, 'a data store is unreachable');
      reply.header('retry-after', String(STORE_RETRY_AFTER_SECONDS));
    } else if (details.statusCode >= 500) request.log.error({ err: error, requestId: request.id }, 'unhandled error');
    if (error instanceof ApiError) reply.headers(error.headers);
    return send(reply, details, envelope, request);
  });
}

/**
 * A module's envelope for the paths under its prefixes, for the answers given before any route
 * is matched (no route at the path, a path that cannot be decoded): they have no module scope.
 */
export interface PathEnvelope {
  prefixes: readonly string[];
  envelope: ErrorEnvelope;
}

function envelopeForUrl(url: string, byPath: readonly PathEnvelope[], fallback: ErrorEnvelope): ErrorEnvelope {
  const path = url.split('?')[0]!.toLowerCase();
  return byPath.find((entry) => entry.prefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`)))?.envelope ?? fallback;
}

export function installNotFound(app: FastifyInstance, envelope: ErrorEnvelope, byPath: readonly PathEnvelope[] = []): void {
  app.setNotFoundHandler((request, reply) =>
    send(reply, { statusCode: 404, code: 'not_found', message: `No resource at ${request.method} ${request.url.split('?')[0]}.` }, envelopeForUrl(request.url, byPath, envelope), request),
  );
}

/**
 * Fastify's answer to a path it cannot route (a `%` not followed by two hex digits, a path
 * parameter past the router's limit) comes before every hook and handler: without this it is
 * Fastify's own body, in no module's envelope.
 */
export function frameworkErrors(envelope: ErrorEnvelope, byPath: readonly PathEnvelope[], headers: Record<string, string>) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    // No onSend hook runs for these either: the listener's security headers are set here.
    reply.headers(headers);
    const details: ErrorDetails =
      error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? { statusCode: 414, code: 'uri_too_long', message: 'A path parameter of this request is longer than this server reads.' }
        : error.code === 'FST_ERR_BAD_URL'
          ? { statusCode: 400, code: 'bad_url', message: "The request path is not valid percent-encoding: a '%' must be followed by two hexadecimal digits." }
          : { statusCode: 400, code: 'bad_request', message: 'The request could not be read.' };
    // No onRequest hook ran, so the request has no trace id yet; its error body names one all the same.
    if (!request.traceId) request.traceId = parseTraceparent(typeof request.headers.traceparent === 'string' ? request.headers.traceparent : undefined)?.traceId ?? randomHex(16);
    return send(reply, details, envelopeForUrl(request.url, byPath, envelope), request);
  };
}

function send(reply: FastifyReply, details: ErrorDetails, envelope: ErrorEnvelope, request: FastifyRequest) {
  return reply.status(details.statusCode).type('application/json; charset=utf-8').send(envelope(details, request));
}

function describe(error: FastifyError | ApiError, request: FastifyRequest): ErrorDetails {
  if (error instanceof ApiError) return { statusCode: error.statusCode, code: error.code, message: error.message };
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    return { statusCode: 400, code: 'invalid_parameter', message: validationMessage(fastifyError) };
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { statusCode: 413, code: 'payload_too_large', message: 'The request body is larger than this endpoint accepts.' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        statusCode: 415,
        code: 'unsupported_media_type',
        message: `Content-Type '${request.headers['content-type'] ?? ''}' is not supported by this endpoint.`,
      };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { statusCode: 400, code: 'malformed_body', message: 'The request body is empty; a JSON body is required.' };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { statusCode: 400, code: 'malformed_body', message: 'The request body is not valid JSON.' };
  }
  if (isStoreUnavailable(error)) {
    return { statusCode: 503, code: 'store_unavailable', message: `The service is temporarily unavailable; retry after ${STORE_RETRY_AFTER_SECONDS} seconds. Quote request-id ${request.id} if it persists.` };
  }
  const status = fastifyError.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const message = error instanceof SyntaxError ? 'The request body is not valid JSON.' : 'The request could not be read.';
    return { statusCode: status, code: 'bad_request', message };
  }
  return {
    statusCode: 500,
    code: 'internal_error',
    message: `An unexpected error occurred. Quote request-id ${request.id} when reporting it.`,
  };
}

function validationMessage(error: FastifyError): string {
  const [first] = error.validation ?? [];
  if (!first) return 'The request is invalid.';
  const where = error.validationContext ?? 'request';
  const params = first.params as Record<string, unknown>;
  const path = first.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const missing = params.missingProperty as string | undefined;
  const extra = params.additionalProperty as string | undefined;
  const subject = where === 'querystring' ? 'parameter' : where === 'params' ? 'path parameter' : where === 'headers' ? 'header' : 'field';
  if (missing) return `The ${subject} '${path ? `${path}.` : ''}${missing}' is required.`;
  if (extra) return `The ${subject} '${path ? `${path}.` : ''}${extra}' is not recognised.`;
  if (!path) return `The ${where === 'body' ? 'request body' : where} ${first.message ?? 'is invalid'}.`;
  const allowed = params.allowedValues as unknown[] | undefined;
  const detail = allowed ? `must be one of ${allowed.join(', ')}` : (first.message ?? 'is invalid');
  return `The ${subject} '${path}' ${detail}.`;
}
