/**
 * What a second node of a data center buys on this machine: the local cluster recipe
 * (src/cluster/cluster.ts) with one identity node and two `us` nodes as separate processes on
 * one PostgreSQL and one Redis; /aos/audit first pages at one node directly, then at the
 * load balancer in front of both, in alternating rounds of the same run. No target: on 2
 * cores two nodes share the cores the first one had, so the row records the change, and
 * docs/deployment.md says what to expect with more cores.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalCluster } from '../src/cluster/cluster.js';
import { BENCH_POSTGRES_URL, BENCH_REDIS_URL, DAY_MS, fmt, fmtMs, fmtRatio, measureSides, ratioOf, UNREACHABLE_RATE_LIMIT, WINDOW_MS, type BenchOptions, type BenchResult, type RequestSpec } from './lib.js';

export async function benchCluster(options: BenchOptions): Promise<BenchResult[]> {
  const { log } = options;
  const records = options.quick ? 5_000 : 200_000;
  const timing = options.quick ? { warmupMs: 1000, durationMs: 3000, rounds: 1 } : { warmupMs: 2000, durationMs: 8000, rounds: 2 };
  const concurrency = 16;
  const dir = mkdtempSync(join(tmpdir(), 'meridian-bench-cluster-'));
  log('cluster: starting 1 identity node and 2 us nodes as separate processes on PostgreSQL and Redis');
  const cluster = await LocalCluster.start({
    dir,
    databaseUrl: BENCH_POSTGRES_URL,
    redisUrl: BENCH_REDIS_URL,
    identityNodes: 1,
    regions: { us: 2 },
    globalNodes: 0,
    env: { MERIDIAN_RATE_LIMIT_PER_MINUTE: String(UNREACHABLE_RATE_LIMIT), MERIDIAN_TOKEN_RATE_LIMIT_PER_MINUTE: String(UNREACHABLE_RATE_LIMIT), MERIDIAN_LOG_LEVEL: 'error' },
  });
  try {
    const tenant = await cluster.admin<{ id: string }>('POST', '/tenants', { name: 'bench-cluster', region: 'us' });
    const app = await cluster.admin<{ clientId: string; clientSecret: string }>('POST', `/tenants/${tenant.id}/apps`, { name: 'bench', permissions: ['audit.read.all'], secretYears: 1 });
    const producer = (await cluster.admin<{ access_token: string }>('POST', `/tenants/${tenant.id}/producer-token`)).access_token;
    const endMs = Date.UTC(2025, 0, 1);
    const spanMs = 60 * DAY_MS;
    for (let offset = 0; offset < records; offset += 1000) {
      const value = Array.from({ length: Math.min(1000, records - offset) }, (_, index) => ({
        id: `bench-${offset + index}`,
        actionTime: new Date(endMs - spanMs + Math.floor(((offset + index) * spanMs) / records)).toISOString(),
        productType: 'Portal',
        actionName: `Bench action ${offset + index}`,
        actionUser: `user${(offset + index) % 97}@bench.onmicrosoft.com`,
      }));
      const response = await cluster.fetch(`${cluster.urls.regions.us}/producer/aos/audit-records`, { method: 'POST', headers: { authorization: `Bearer ${producer}`, 'content-type': 'application/json' }, body: JSON.stringify({ value }) });
      if (response.status !== 200) throw new Error(`producer answered HTTP ${response.status}: ${await response.text()}`);
    }
    const tokenResponse = await cluster.fetch(`${cluster.urls.identity}/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.clientSecret }).toString(),
    });
    const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
    const headers = { authorization: `Bearer ${token}`, accept: 'application/json' };
    const requests: RequestSpec[] = Array.from({ length: 32 }, (_, k) => {
      const start = endMs - spanMs + Math.floor((k * (spanMs - WINDOW_MS)) / 32);
      return { path: `/aos/audit?${new URLSearchParams({ startTime: new Date(start).toISOString(), endTime: new Date(start + WINDOW_MS).toISOString() }).toString()}`, headers };
    });
    const [first, second] = cluster.nodesOf('us');
    const origin = (url: string) => url.replace('https://localhost', 'https://127.0.0.1');
    const base = { caPem: cluster.caPem, concurrency, warmupMs: timing.warmupMs, durationMs: timing.durationMs, expectBodyIncludes: '"data":[' };
    log(`cluster: /aos/audit first pages at one node vs the load balancer over two (${timing.rounds} round(s) of ${timing.durationMs / 1000} s, concurrency ${concurrency})`);
    // The node processes are "other processes" to the load generator's CPU accounting: no run is repeated for them.
    const measured = await measureSides({ one: { ...base, origin: origin(first!.url), requests }, two: { ...base, origin: origin(cluster.urls.regions.us!), requests } }, { rounds: timing.rounds, retries: 0, quietWaitMs: 1000, log, label: 'cluster' });
    const one = measured.one.stats;
    const two = measured.two.stats;
    return [
      {
        name: 'cluster: /aos/audit first pages, 2 us nodes vs 1 (PostgreSQL + Redis)',
        labels: { baseline: `one us node (${first!.name}) called directly`, subject: `the us load balancer in front of ${first!.name} and ${second!.name}` },
        baseline: one,
        subject: two,
        ratio: ratioOf(two, one),
        notes: [
          `Separate node processes (1 identity, 2 us) of the local recipe on one PostgreSQL and one Redis; ${records.toLocaleString('en-US')} audit records of one tenant written through the producer API; 32 first pages of 7-day windows.`,
          `Closed loop, ${concurrency} keep-alive HTTPS connections; the load balancer spreads connections (not requests) over the nodes, ${concurrency / 2} each. ${timing.rounds} alternating round(s) of ${timing.durationMs / 1000} s after ${timing.warmupMs / 1000} s warm-up.`,
          `Throughput ${fmt(two.throughput)} vs ${fmt(one.throughput)} pages/s (${fmtRatio(ratioOf(two, one))}); p99 ${fmtMs(two.p99)} vs ${fmtMs(one.p99)}. On this machine both nodes, PostgreSQL and the load generator share 2 cores: a second node adds an event loop, not CPU.`,
          'The load generator counts the node processes as "other processes": its CPU split does not separate server from others here.',
        ],
      },
    ];
  } finally {
    await cluster.stop({ dropSchemas: true });
    rmSync(dir, { recursive: true, force: true });
  }
}
