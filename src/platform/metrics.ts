import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The process's Prometheus metrics. One registry per process: a node hosting several
 * listeners labels each series with the listener's service (identity-commercial,
 * region-us, global), and every listener's /metrics shows the whole process.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'meridian_process_' });

const requestDuration = new Histogram({
  name: 'meridian_http_request_duration_seconds',
  help: 'HTTP requests by listener, route template, method and status, with their latency',
  labelNames: ['service', 'route', 'method', 'status'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});
const tokensIssued = new Counter({ name: 'meridian_tokens_issued_total', help: 'Access tokens issued at /connect/token', labelNames: ['service'] as const, registers: [metricsRegistry] });
const tokensRefused = new Counter({
  name: 'meridian_tokens_refused_total',
  help: 'Token requests refused at /connect/token, by reason (the OAuth error or the refusal code)',
  labelNames: ['service', 'reason'] as const,
  registers: [metricsRegistry],
});
const rateLimited = new Counter({ name: 'meridian_rate_limit_refusals_total', help: 'Requests refused with 429 by a rate limit', labelNames: ['service', 'route'] as const, registers: [metricsRegistry] });

const cacheLookups = new Counter({ name: 'meridian_cache_lookups_total', help: 'Lookups of a per-node cache (node-cache.ts), by cache and hit or miss', labelNames: ['cache', 'result'] as const, registers: [metricsRegistry] });

export function countCacheLookup(cache: string, result: 'hit' | 'miss'): void {
  cacheLookups.inc({ cache, result });
}

declare module 'fastify' {
  interface FastifyRequest {
    refusalCode?: string | undefined;
  }
}

const TOKEN_ROUTE = '/connect/token';

/** Counts every request of a listener; registered before any route so it sees them all. */
export function instrumentRequests(app: FastifyInstance, service: string): void {
  app.decorateRequest('refusalCode', undefined);
  app.addHook('onError', async (request, _reply, error) => {
    request.refusalCode = (error as { code?: unknown }).code === undefined ? undefined : String((error as { code?: unknown }).code);
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = routeOf(request);
    const status = reply.statusCode;
    requestDuration.observe({ service, route, method: request.method, status: String(status) }, reply.elapsedTime / 1000);
    if (status === 429) rateLimited.inc({ service, route });
    if (route === TOKEN_ROUTE && request.method === 'POST') {
      if (status === 200) tokensIssued.inc({ service });
      else tokensRefused.inc({ service, reason: status === 429 ? 'rate_limited' : (request.refusalCode ?? `http_${status}`) });
    }
    request.log.info({ method: request.method, route, status, ms: Math.round(reply.elapsedTime * 10) / 10 }, 'request completed');
  });
}

/** The route template, never the URL: bounded label values, and no ids or tokens from a query. */
const routeOf = (request: FastifyRequest): string => request.routeOptions.url ?? 'unmatched';

type GaugeReader = () => Promise<Array<{ labels: Record<string, string>; value: number }>>;
const gaugeReaders = new Map<string, Set<GaugeReader>>();

/**
 * Adds a reader to a gauge read when /metrics is scraped (pool use, job queues); several
 * stores of one process feed one gauge. Returns what removes the reader when its store closes.
 */
export function scrapedGauge(name: string, help: string, labelNames: readonly string[], read: GaugeReader): () => void {
  let readers = gaugeReaders.get(name);
  if (!readers) {
    const own = new Set<GaugeReader>();
    readers = own;
    gaugeReaders.set(name, own);
    new Gauge({
      name,
      help,
      labelNames,
      registers: [metricsRegistry],
      async collect() {
        this.reset();
        for (const reader of own) {
          const samples = await reader().catch(() => []);
          for (const sample of samples) this.set(sample.labels, sample.value);
        }
      },
    });
  }
  readers.add(read);
  return () => readers.delete(read);
}
