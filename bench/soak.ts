/**
 * Soak: a mixed workload (tokens, reads of every module, producer writes) held at 80 % of the
 * capacity measured at the start of the same run, for 10 minutes (MERIDIAN_SOAK_SECONDS to
 * change it; `--quick` holds it for 20 s). Meridian runs as its own process so its RSS is its
 * own. Reported: errors, the server's RSS growth after the first minute, and the p99 latency of
 * the last minute against the first. Targets: 0 errors, RSS growth < 10 %, last p99 within 25 %.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { simulateAuditRecords } from '../src/aos/simulator.js';
import { m365RetentionPolicies } from '../src/backup/simulator/m365.js';
import { MeridianProcess } from '../test/security/meridian-process.js';
import { fmt, fmtMs, summarize, UNREACHABLE_RATE_LIMIT, type BenchOptions, type BenchResult, type Stats } from './lib.js';

const LOAD_SHARE = 0.8;
const PERMISSIONS = ['audit.read.all', 'records.readwrite.all', 'microsoft365backup.jobInfo.read.all', 'microsoft365backup.settings.read.all'];
const AUDIT_WINDOW = 'startTime=2024-10-08T00:00:00Z&endTime=2024-10-15T00:00:00Z';
/** Requests in flight at most: beyond it the server is not keeping up, and the shortfall is reported. */
const MAX_IN_FLIGHT = 256;

interface Call {
  kind: string;
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
}

interface Sample {
  atMs: number;
  latencyMs: number;
  ok: boolean;
  kind: string;
}

export async function benchSoak(options: BenchOptions): Promise<BenchResult> {
  const { log } = options;
  const soakSeconds = Number(process.env.MERIDIAN_SOAK_SECONDS ?? (options.quick ? 20 : 600));
  const windowSeconds = Math.min(60, Math.max(2, Math.floor(soakSeconds / 5)));
  const capacitySeconds = options.quick ? 4 : 20;
  const server = new MeridianProcess('sqlite', {
    MERIDIAN_RATE_LIMIT_PER_MINUTE: String(UNREACHABLE_RATE_LIMIT),
    MERIDIAN_TOKEN_RATE_LIMIT_PER_MINUTE: String(UNREACHABLE_RATE_LIMIT),
    MERIDIAN_LOG_LEVEL: 'error',
  });
  await server.start();
  const dispatcher = new Agent({ connect: { ca: readFileSync(server.endpoints.caCertificate!, 'utf8') }, connections: 64, keepAliveTimeout: 10_000 });
  try {
    const workload = await prepare(server);
    log(`soak: measuring capacity for ${capacitySeconds} s`);
    const capacity = await closedLoop(workload, dispatcher, capacitySeconds * 1000, 16);
    const rate = capacity.throughput * LOAD_SHARE;
    log(`soak: capacity ${fmt(capacity.throughput)} req/s; holding ${fmt(rate)} req/s for ${soakSeconds} s`);
    const run = await openLoop(workload, dispatcher, rate, soakSeconds * 1000, () => rssOf(server.pid!));
    const windows = windowed(run.samples, windowSeconds * 1000, soakSeconds * 1000);
    const first = windows[0]!;
    const last = windows[windows.length - 1]!;
    const failed = run.samples.filter((sample) => !sample.ok);
    const errors = failed.length;
    const byKind = new Map<string, number>();
    for (const sample of failed) byKind.set(sample.kind, (byKind.get(sample.kind) ?? 0) + 1);
    const errorsByKind = [...byKind].map(([kind, count]) => `${kind} ${count}`).join(', ');
    // From the end of the first window: start-up and the first minute's caches are not growth.
    const rssStart = run.rss.find((point) => point.atMs >= windowSeconds * 1000)?.bytes ?? run.rss[0]!.bytes;
    const rssEnd = run.rss[run.rss.length - 1]!.bytes;
    const rssGrowth = rssEnd / rssStart - 1;
    const p99Change = last.p99 / first.p99 - 1;
    const met = errors === 0 && run.shed === 0 && rssGrowth < 0.1 && p99Change <= 0.25;
    return {
      name: `soak (${soakSeconds} s at ${LOAD_SHARE * 100} % of capacity, mixed)`,
      baseline: first,
      subject: last,
      ratio: last.throughput / first.throughput,
      labels: { baseline: `first ${windowSeconds} s`, subject: `last ${windowSeconds} s` },
      notes: [
        `Capacity measured in this run: ${fmt(capacity.throughput)} req/s closed-loop at 16 in flight (p99 ${fmtMs(capacity.p99)}); soak rate ${fmt(rate)} req/s open-loop.`,
        `Mix per request: ${workload.mix}.`,
        `Errors: ${errors} of ${run.samples.length}${errors > 0 ? ` (${errorsByKind})` : ''}; requests not sent because ${MAX_IN_FLIGHT} were in flight: ${run.shed}.`,
        `Server RSS: ${(rssStart / 2 ** 20).toFixed(0)} MiB after the first window, ${(rssEnd / 2 ** 20).toFixed(0)} MiB at the end (${(rssGrowth * 100).toFixed(1)} %).`,
        `p99: first window ${fmtMs(first.p99)}, last window ${fmtMs(last.p99)} (${(p99Change * 100).toFixed(0)} %).`,
      ],
      target: { description: '0 errors, server RSS growth < 10 %, p99 of the last minute within 25 % of the first', met },
    };
  } finally {
    await dispatcher.close();
    await server.dispose();
  }
}

interface Workload {
  next: () => Call;
  mix: string;
}

/** A tenant with data in every module, and the calls of the mix, each drawn by weight. */
async function prepare(server: MeridianProcess): Promise<Workload> {
  const admin = server.adminKey();
  const tenant = (await server.call('POST', `${server.identity}/admin/tenants`, admin, { name: 'Soak', region: 'us' })).body;
  const app = (await server.call('POST', `${server.identity}/admin/tenants/${tenant.id}/apps`, admin, { name: 'soak', permissions: PERMISSIONS, secretYears: 1 })).body;
  // Producer tokens live five minutes; the soak asks for a fresh one every two.
  let producer = { token: '', until: 0 };
  const producerToken = async () => {
    if (Date.now() > producer.until) producer = { token: (await server.call('POST', `${server.identity}/admin/tenants/${tenant.id}/producer-token`, admin)).body.access_token, until: Date.now() + 120_000 };
    return producer.token;
  };
  let reader = { token: '', until: 0 };
  const readerToken = async () => {
    if (Date.now() > reader.until) reader = { token: (await server.token({ grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.clientSecret })).body.access_token, until: Date.now() + 600_000 };
    return reader.token;
  };
  for (const batch of simulateAuditRecords({ tenantId: tenant.id, tenantDomain: 'soak.onmicrosoft.com', count: 3000, days: 7, endMs: Date.parse('2024-10-15T00:00:00Z'), multiGeo: false, seed: 'soak' })) {
    await server.call('POST', `${server.region}/producer/aos/audit-records`, await producerToken(), { value: batch });
  }
  for (const policy of m365RetentionPolicies()) await server.call('POST', `${server.region}/producer/backup/m365/settings/retention-policy`, await producerToken(), policy);
  const connection = (await server.call('POST', `${server.region}/admin/opus/connections`, await producerToken(), { name: 'Soak', columns: [] })).body.id as string;
  await server.call('POST', `${server.region}/admin/opus/terms`, await producerToken(), { path: 'Records/Soak', retainDays: 3650, after: 'created' });
  const json = { 'content-type': 'application/json' };
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const tokenBody = new URLSearchParams({ grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.clientSecret }).toString();
  let sequence = 0;
  // Refreshed in the background by `next` callers through these holders, so drawing a call never waits.
  const tokens = { reader: await readerToken(), producer: await producerToken() };
  setInterval(() => void Promise.all([readerToken(), producerToken()]).then(([r, p]) => Object.assign(tokens, { reader: r, producer: p })).catch(() => undefined), 30_000).unref();
  const now = () => new Date().toISOString();
  const kinds: Array<[number, string, () => Call]> = [
    [10, 'token', () => ({ kind: 'token', method: 'POST', url: `${server.identity}/connect/token`, headers: form, body: tokenBody })],
    [20, 'AOS audit read', () => ({ kind: 'audit', method: 'GET', url: `${server.region}/aos/audit?${AUDIT_WINDOW}`, headers: { authorization: `Bearer ${tokens.reader}` } })],
    [15, 'backup jobs read', () => ({ kind: 'backup', method: 'GET', url: `${server.region}/backup/m365/cloudbackupjobs?pageSize=50`, headers: { authorization: `Bearer ${tokens.reader}` } })],
    [5, 'backup settings read', () => ({ kind: 'settings', method: 'GET', url: `${server.region}/backup/m365/settings/retention-policy`, headers: { authorization: `Bearer ${tokens.reader}` } })],
    [15, 'Opus records read', () => ({ kind: 'opus', method: 'GET', url: `${server.region}/records/connector/records?id=${connection}&disposalDueDate=2999-01-01&itemsPerPage=50`, headers: { authorization: `Bearer ${tokens.reader}` } })],
    [15, 'backup producer upsert', () => {
      const id = `SOAK${++sequence}`;
      const job = { id, jobType: 1, serviceType: 1, state: 'Finished', startTime: now(), finishTime: now(), location: 'PrimaryGeoLocation', backupDetails: { totalCount: 1, failedCount: 0, successfulCount: 1, skippedCount: 0 }, jobErrors: [] };
      return { kind: 'backup write', method: 'POST', url: `${server.region}/producer/backup/m365/jobs`, headers: { ...json, authorization: `Bearer ${tokens.producer}` }, body: JSON.stringify({ value: [job] }) };
    }],
    [15, 'audit producer write', () => ({ kind: 'audit write', method: 'POST', url: `${server.region}/producer/aos/audit-records`, headers: { ...json, authorization: `Bearer ${tokens.producer}` }, body: JSON.stringify({ value: [{ id: `soak-${++sequence}`, actionTime: '2024-10-14T12:00:00Z', productType: 'Portal', actionName: 'Soak' }] }) })],
    [5, 'Opus connector write', () => ({ kind: 'opus write', method: 'POST', url: `${server.region}/records/connector/records`, headers: { ...json, authorization: `Bearer ${tokens.reader}` }, body: JSON.stringify({ id: connection, conflictOption: 'Overwrite', data: [{ rowKey: `soak-${++sequence}`, leafName: 'soak.docx', termFullPath: 'Records/Soak', timeCreated: '2024-10-01 00:00:00', timeModified: '2024-10-01 00:00:00', createdBy: 'soak', modifiedBy: 'soak' }] }) })],
  ];
  const total = kinds.reduce((sum, [weight]) => sum + weight, 0);
  let draw = 0;
  return {
    // A fixed interleaving (not random draws), so the mix is exact over any 100 requests.
    next: () => {
      let slot = draw++ % total;
      for (const [weight, , make] of kinds) {
        if (slot < weight) return make();
        slot -= weight;
      }
      return kinds[0]![2]();
    },
    mix: kinds.map(([weight, name]) => `${name} ${((weight / total) * 100).toFixed(0)} %`).join(', '),
  };
}

async function send(call: Call, dispatcher: Agent): Promise<boolean> {
  try {
    const response = await request(call.url, { method: call.method, headers: call.headers, body: call.body, dispatcher });
    await response.body.arrayBuffer();
    return response.statusCode >= 200 && response.statusCode < 300;
  } catch {
    return false;
  }
}

async function closedLoop(workload: Workload, dispatcher: Agent, durationMs: number, concurrency: number): Promise<Stats> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() - started < durationMs) {
        const call = workload.next();
        const t0 = performance.now();
        if (await send(call, dispatcher)) latencies.push(performance.now() - t0);
        else errors++;
      }
    }),
  );
  return summarize(latencies, (performance.now() - started) / 1000, errors, latencies.length + errors);
}

/** Requests started on a fixed schedule, whether or not earlier ones returned: latency then shows queueing. */
async function openLoop(workload: Workload, dispatcher: Agent, rate: number, durationMs: number, rss: () => number) {
  const samples: Sample[] = [];
  const rssPoints: Array<{ atMs: number; bytes: number }> = [{ atMs: 0, bytes: rss() }];
  const started = performance.now();
  let sent = 0;
  let shed = 0;
  let inFlight = 0;
  const pending = new Set<Promise<void>>();
  let lastRss = 0;
  for (;;) {
    const elapsed = performance.now() - started;
    if (elapsed >= durationMs) break;
    const due = Math.floor((elapsed / 1000) * rate);
    while (sent < due) {
      sent++;
      if (inFlight >= MAX_IN_FLIGHT) {
        shed++;
        continue;
      }
      const call = workload.next();
      const t0 = performance.now();
      inFlight++;
      const promise = send(call, dispatcher).then((ok) => {
        inFlight--;
        samples.push({ atMs: t0 - started, latencyMs: performance.now() - t0, ok, kind: call.kind });
      });
      pending.add(promise);
      void promise.finally(() => pending.delete(promise));
    }
    if (elapsed - lastRss >= 5000) {
      lastRss = elapsed;
      rssPoints.push({ atMs: elapsed, bytes: rss() });
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await Promise.all(pending);
  rssPoints.push({ atMs: performance.now() - started, bytes: rss() });
  return { samples, shed, rss: rssPoints };
}

function windowed(samples: Sample[], windowMs: number, durationMs: number): Stats[] {
  const windows: Stats[] = [];
  for (let start = 0; start + windowMs <= durationMs + 1; start += windowMs) {
    const inside = samples.filter((sample) => sample.atMs >= start && sample.atMs < start + windowMs);
    const latencies = inside.filter((sample) => sample.ok).map((sample) => sample.latencyMs);
    windows.push(summarize(latencies, windowMs / 1000, inside.length - latencies.length, inside.length));
  }
  // The windows before the last full one are kept whole; a tail shorter than a window is not judged.
  return windows.length > 0 ? windows : [summarize([], durationMs / 1000, 0)];
}

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  return kib * 1024;
}


