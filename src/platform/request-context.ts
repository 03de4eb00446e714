import { randomUUID } from 'node:crypto';
import { randomHex } from './ids.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * Correlation as Microsoft Graph does it: a fresh `request-id` on every response,
 * the caller's `client-request-id` echoed, and W3C trace context continued when the
 * caller sent a valid `traceparent` (a new trace otherwise).
 */

declare module 'fastify' {
  interface FastifyRequest {
    traceId: string;
  }
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const CLIENT_REQUEST_ID = /^[\x21-\x7e]{1,200}$/;

export function parseTraceparent(header: string | undefined): { traceId: string; flags: string } | undefined {
  if (!header) return undefined;
  const match = TRACEPARENT.exec(header.trim().toLowerCase());
  if (!match) return undefined;
  const [, version, traceId, parentId, flags] = match as unknown as [string, string, string, string, string];
  if (version === 'ff' || /^0+$/.test(traceId) || /^0+$/.test(parentId)) return undefined;
  return { traceId, flags };
}

export const generateRequestId = (): string => randomUUID();

export function registerRequestContext(app: FastifyInstance): void {
  app.decorateRequest('traceId', '');
  app.addHook('onRequest', async (request: FastifyRequest, reply) => {
    const incoming = parseTraceparent(header(request, 'traceparent'));
    request.traceId = incoming?.traceId ?? randomHex(16);
    // Every line logged for this request carries both ids (Fastify binds the request id as reqId).
    request.log = request.log.child({ traceId: request.traceId });
    const spanId = randomHex(8);
    reply.header('request-id', request.id);
    reply.header('traceparent', `00-${request.traceId}-${spanId}-${incoming?.flags ?? '01'}`);
    const clientRequestId = header(request, 'client-request-id');
    if (clientRequestId && CLIENT_REQUEST_ID.test(clientRequestId)) reply.header('client-request-id', clientRequestId);
  });
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
