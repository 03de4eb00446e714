import type { FastifyInstance } from 'fastify';
import { metricsRegistry } from './metrics.js';
import { STORE_RETRY_AFTER_SECONDS } from './store-availability.js';

export interface ReadinessCheck {
  name: string;
  check: () => Promise<unknown>;
}

/** A readiness probe answers within this, however a store fails (a cut network never answers). */
export const READINESS_TIMEOUT_MS = 2000;

const OPERATIONS = { schema: { hide: true }, config: { public: true, rateLimit: false } } as const;

/**
 * What a load balancer and Prometheus ask every listener: `/health` (the process is alive:
 * restart it when this fails), `/ready` (its stores answer: send it traffic only then) and
 * `/metrics`. None needs a token, none counts against a rate limit.
 */
export function registerOperationsRoutes(app: FastifyInstance, options: { service: string; checks: ReadinessCheck[] }): void {
  if (!app.hasRoute({ method: 'GET', url: '/health' })) {
    app.get('/health', OPERATIONS, async () => ({ status: 'ok', service: options.service }));
  }
  app.get('/ready', OPERATIONS, async (_request, reply) => {
    const results = await Promise.all(options.checks.map(async ({ name, check }) => [name, await withTimeout(check())] as const));
    const ready = results.every(([, ok]) => ok);
    if (!ready) reply.status(503).header('retry-after', String(STORE_RETRY_AFTER_SECONDS));
    return { status: ready ? 'ready' : 'unavailable', service: options.service, checks: Object.fromEntries(results.map(([name, ok]) => [name, ok ? 'ok' : 'unreachable'])) };
  });
  app.get('/metrics', OPERATIONS, async (_request, reply) => reply.type(metricsRegistry.contentType).send(await metricsRegistry.metrics()));
}

async function withTimeout(probe: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), READINESS_TIMEOUT_MS);
  });
  try {
    return await Promise.race([probe.then(() => true, () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
