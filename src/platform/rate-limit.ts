import type { FastifyInstance, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import type { Redis } from 'ioredis';
import { ApiError } from './errors.js';

export interface RateLimitOptions {
  /** Requests a key may make per minute; 0 turns the limit off. */
  perMinute: number;
  key: (request: FastifyRequest) => string;
  /** Shared counters for a deployment of many nodes; per-process counters otherwise. */
  redis?: Redis | undefined;
  nameSpace: string;
  /** Requests the limit does not count (another guard, or a limit of their own, covers them). */
  skip?: (request: FastifyRequest) => boolean;
  /** After authentication (`preHandler`), so the key can be the caller rather than its address. */
  hook?: 'onRequest' | 'preHandler';
}

/**
 * Throttling as Microsoft Graph does it: 429 with `Retry-After`, in the envelope of the
 * route that was called, counted per caller in a fixed one-minute window.
 */
export async function registerRateLimit(app: FastifyInstance, options: RateLimitOptions): Promise<void> {
  if (options.perMinute <= 0) return;
  await app.register(rateLimit, {
    global: true,
    max: options.perMinute,
    timeWindow: 60_000,
    hook: options.hook ?? 'preHandler',
    keyGenerator: options.key,
    ...(options.skip ? { allowList: (request: FastifyRequest) => options.skip!(request) } : {}),
    nameSpace: options.nameSpace,
    ...(options.redis ? { redis: options.redis } : {}),
    // A throttling store that is down must not take the API down with it.
    skipOnError: true,
    errorResponseBuilder: (_request, context) =>
      new ApiError(429, 'too_many_requests', `Too many requests: at most ${context.max} a minute; retry after ${Math.ceil(context.ttl / 1000)} seconds.`, {
        'retry-after': String(Math.max(1, Math.ceil(context.ttl / 1000))),
      }),
  });
}
