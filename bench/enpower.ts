/**
 * EnPower list pages on a tenant with 1 M events: GET /smp/powerplatform/powerapps?top=1000
 * (each page's rolling counters summed from the day, user and total counts) and a cloud
 * flow's run history (first and nextLink pages), p50/p99 and throughput, against a bare
 * Fastify HTTPS route that runs the same SQLite statements through better-sqlite3 and sends
 * the same bytes. Target: ≥ 70 % of the bare route's throughput.
 *
 * The dataset is a Meridian data directory under bench/.data/, built once through the
 * producer API (the real write path, counters included) from the EnPower simulator.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type SQLite from 'better-sqlite3';
import { enPowerMigrations } from '../src/enpower/schema.js';
import { enPowerWorlds } from '../src/enpower/seed.js';
import { simulateEvents, simulateInventory } from '../src/enpower/simulator.js';
import { DAY_MS, dayOf } from '../src/enpower/shared/event-store.js';
import { WHOLE_HISTORY } from '../src/enpower/shared/list-endpoint.js';
import { enPowerTime, fillComputed } from '../src/enpower/shared/render.js';
import { PRODUCER_PERMISSION } from '../src/platform/producer.js';
import { httpProducerClient } from '../src/simulator/seed.js';
import {
  BENCH_REGION,
  cpuNote,
  countLabel,
  createSqliteReadRoute,
  fmt,
  loopbackOrigin,
  measureSides,
  meanPageBytes,
  ratioOf,
  reusableDataset,
  startBenchMeridian,
  type BenchDataset,
  type BenchOptions,
  type BenchResult,
  type DatasetMetaBase,
  type LoadSpec,
  type RequestSpec,
} from './lib.js';

const DATASET_VERSION = 1;
const THROUGHPUT_TARGET = 0.7;

interface DatasetMeta extends DatasetMetaBase {
  objects: number;
  historyEnd: string;
}

function datasetKey(events: number, objects: number): string {
  const source = [String(DATASET_VERSION), String(objects), ...Object.entries(enPowerMigrations.migrations).map(([name, make]) => `${name}:${make.toString()}`), simulateInventory.toString(), simulateEvents.toString()].join('\n');
  return `enpower-v${DATASET_VERSION}-${createHash('sha256').update(source).digest('hex').slice(0, 10)}-n${events}`;
}

async function ensureDataset(events: number, objects: number, options: BenchOptions): Promise<BenchDataset<DatasetMeta>> {
  const key = datasetKey(events, objects);
  return reusableDataset<DatasetMeta>(options, { benchmark: 'enpower', key, count: events, files: ['region-us.sqlite', 'identity-commercial.sqlite'], how: 'through the producer API' }, async (dir, writeMeta) => {
    const bench = await startBenchMeridian({ dataDir: dir, regions: [BENCH_REGION] });
    try {
      const app = await bench.tenantWithApp(['enpower.data.read.all'], BENCH_REGION, `bench-enpower-${events}`);
      await bench.meridian.identities.get('commercial')!.outbox.flush();
      // The history ends when the dataset is built, so the rolling windows of a run soon after hold events.
      const endMs = Date.now();
      const meta = { key, count: events, objects, complete: false, ...app, historyEnd: new Date(endMs).toISOString() };
      writeMeta(meta);
      const identity = bench.meridian.identities.get('commercial')!;
      const token = async () => (await identity.issuer.issue({ clientId: 'bench-producer', appName: 'bench producer', tenantId: app.tenantId, tenantRegion: BENCH_REGION, scopes: [PRODUCER_PERMISSION] }, 3600)).access_token;
      const producer = httpProducerClient(bench.meridian.fetch, bench.regionUrl(BENCH_REGION), token);
      const [world] = enPowerWorlds({ tenantId: app.tenantId, tenantName: app.tenantName, seed: 'bench', endMs }, 1, objects);
      const inventory = simulateInventory(world!, { seed: 'bench', endMs, objects });
      for (const [spec, documents] of inventory) for (let i = 0; i < documents.length; i += 500) await producer.post(`/producer/enpower/${spec.producerPath}`, { value: documents.slice(i, i + 500) });
      let written = 0;
      for (const { spec, records } of simulateEvents(world!, inventory, { seed: 'bench', endMs, days: 200, count: events, batchSize: 1000 })) {
        await producer.post(`/producer/enpower/events/${spec.producerPath}`, { value: records });
        written += records.length;
        if (written % 100_000 < 1000) options.log(`enpower: ${written.toLocaleString('en-US')} events stored`);
      }
      return meta;
    } finally {
      await bench.close();
    }
  });
}

export async function benchEnPower(options: BenchOptions): Promise<BenchResult[]> {
  const { log } = options;
  const [events, objects] = options.quick ? [20_000, 4_000] : [1_000_000, 20_000];
  const timing = options.quick ? { warmupMs: 1000, durationMs: 3000, rounds: 1, retries: 0, quietWaitMs: 1000 } : { warmupMs: 1500, durationMs: 6000, rounds: 2, retries: 1, quietWaitMs: 10_000 };
  const concurrency = 8;
  const dataset = await ensureDataset(events, objects, options);
  const bench = await startBenchMeridian({ dataDir: dataset.dir, regions: [BENCH_REGION] });
  const closers: Array<() => Promise<void>> = [() => bench.close()];
  try {
    const token = await bench.token(dataset.meta);
    const headers = { authorization: `Bearer ${token}`, accept: 'application/json' };
    const regionUrl = bench.regionUrl(BENCH_REGION);
    const pages = new Map<string, Buffer>();
    const get = async (path: string) => {
      const response = await bench.meridian.fetch(`${regionUrl}${path}`, { headers });
      const body = Buffer.from(await response.arrayBuffer());
      if (response.status !== 200) throw new Error(`GET ${path} answered HTTP ${response.status}: ${body.toString('utf8').slice(0, 300)}`);
      pages.set(path, body);
      return JSON.parse(body.toString('utf8')) as Record<string, any>;
    };
    const relative = (link: string) => new URL(link).pathname + new URL(link).search;
    const walk = async (start: string, limit: number) => {
      const paths: string[] = [];
      for (let link: string = start; link && paths.length < limit; ) {
        paths.push(link);
        const page = await get(link);
        link = page.nextLink ? relative(page.nextLink) : '';
      }
      return paths;
    };
    const appPages = await walk('/smp/powerplatform/powerapps?top=1000', options.quick ? 2 : 10);
    const flows = (await get('/smp/powerplatform/powerautomate/cloudflows?top=1000')).cloudFlows as Array<{ flowId: string; flowRuns: number }>;
    const busiest = [...flows].sort((a, b) => b.flowRuns - a.flowRuns).slice(0, 4);
    const runPages = (await Promise.all(busiest.map((flow) => walk(`/smp/powerplatform/powerautomate/cloudflows/${flow.flowId}/runs`, options.quick ? 5 : 40)))).flat();
    pages.delete('/smp/powerplatform/powerautomate/cloudflows?top=1000');

    const db = join(dataset.dir, 'region-us.sqlite');
    const pagesOf = (paths: string[]) => new Map(paths.map((path) => [path, pages.get(path)!]));
    const apps = await createSqliteReadRoute(bench.tls, '/smp/powerplatform/powerapps', db, pagesOf(appPages), (handle, url, body) => powerAppsRead(handle, url, body, dataset.meta.tenantId));
    closers.unshift(() => apps.close());
    const runs = await createSqliteReadRoute(bench.tls, '/smp/powerplatform/powerautomate/cloudflows/:flowId/runs', db, pagesOf(runPages), (handle, url, body) => runsRead(handle, url, body, dataset.meta.tenantId));
    closers.unshift(() => runs.close());

    const results: BenchResult[] = [];
    for (const [name, paths, bare] of [
      ['Power Apps pages, top=1000', appPages, apps],
      ['a cloud flow\'s run history', runPages, runs],
    ] as const) {
      const requests: RequestSpec[] = paths.map((path) => ({ path, headers }));
      const base = { concurrency, warmupMs: timing.warmupMs, durationMs: timing.durationMs, caPem: bench.caPem, requests };
      const specs: Record<'bare' | 'meridian', LoadSpec> = { bare: { ...base, origin: bare.origin }, meridian: { ...base, origin: loopbackOrigin(regionUrl) } };
      log(`enpower: ${name}, ${requests.length} pages (${timing.rounds} round(s) of ${timing.durationMs / 1000} s, concurrency ${concurrency})`);
      const measured = await measureSides(specs, { rounds: timing.rounds, retries: timing.retries, quietWaitMs: timing.quietWaitMs, log, label: `enpower ${name}` });
      const ratio = ratioOf(measured.meridian.stats, measured.bare.stats);
      const sampled = pagesOf(paths);
      results.push({
        name: `enpower ${countLabel(events)} events: ${name}`,
        labels: { baseline: 'bare Fastify HTTPS route running the same SQLite statements (better-sqlite3) and sending the same bytes', subject: `Meridian GET ${name.startsWith('Power') ? '/smp/powerplatform/powerapps?top=1000' : '/smp/powerplatform/powerautomate/cloudflows/{flowId}/runs'}` },
        baseline: measured.bare.stats,
        subject: measured.meridian.stats,
        ratio,
        target: { description: `≥ ${THROUGHPUT_TARGET * 100} % of the bare SQLite route`, met: ratio >= THROUGHPUT_TARGET },
        notes: [
          `Dataset: ${events.toLocaleString('en-US')} events over 200 days and about ${objects.toLocaleString('en-US')} objects of one Microsoft 365 tenant (simulateInventory, simulateEvents), ${dataset.built ? `built in this run in ${fmt(dataset.meta.buildSeconds ?? 0)} s` : `reused from bench/.data/${dataset.meta.key} (built ${dataset.meta.builtAt ?? '?'}, history ending ${dataset.meta.historyEnd})`}.`,
          `Requests: ${paths.length} pages (first pages and pages from nextLink), ${fmt(meanPageBytes(sampled) / 1024)} KiB on average.`,
          'The bare route runs the statements Meridian runs for the page (the page, its count, and for Power Apps the day, user and total counts of the page\'s apps) and fills the counters into the stored JSON as Meridian does; it does no authentication, validation, throttling or paging token (it sends the nextLink Meridian sent, checked equal before measuring).',
          cpuNote(measured),
        ],
      });
    }
    return results;
  } finally {
    for (const close of closers) await close();
  }
}

const STREAMS = { activities: 'powerapp-activities', launches: 'powerapp-launches' };
const WINDOWS = [7, 30, 90, 180];

/** The Power Apps page statements, as ObjectStore and EventStore run them, over better-sqlite3. */
function powerAppsRead(db: SQLite.Database, url: string, body: Buffer, tenantId: string): () => Buffer {
  const token = new URL(`https://x${url}`).searchParams.get('skipToken');
  const after = token ? (JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8')) as { c: { s: number } }).c.s : -1;
  const nextLink = (JSON.parse(body.toString('utf8')) as { nextLink: string }).nextLink;
  const page = db.prepare(`select seq, parent_key, doc_json from enpower_objects where tenant_id = ? and kind = 'powerApp' and seq > ? order by seq limit 1001`).raw(true);
  const count = db.prepare(`select count(*) from enpower_objects where tenant_id = ? and kind = 'powerApp'`).pluck();
  const objects = `from enpower_objects as o cross join {table} as c where o.tenant_id = ? and o.kind = 'powerApp' and o.seq > ? and o.seq <= ? and c.tenant_id = o.tenant_id and c.stream = ? and c.parent_key = o.parent_key`;
  const days = db.prepare(`select o.parent_key, ${WINDOWS.map(() => 'sum(case when c.day >= ? then c.n else 0 end)').join(', ')} ${objects.replace('{table}', 'enpower_event_days')} and c.day >= ? group by o.seq, o.parent_key`).raw(true);
  const users = db.prepare(`select o.parent_key, ${WINDOWS.map(() => 'sum(case when c.last_day >= ? then 1 else 0 end)').join(', ')} ${objects.replace('{table}', 'enpower_event_users')} and c.last_day >= ? group by o.seq, o.parent_key`).raw(true);
  const totals = db
    .prepare(`select c.stream, o.parent_key, c.n, c.last_ms from enpower_objects as o cross join enpower_event_totals as c where o.tenant_id = ? and o.kind = 'powerApp' and o.seq > ? and o.seq <= ? and c.tenant_id = o.tenant_id and c.stream in (?, ?) and c.parent_key = o.parent_key`)
    .raw(true);
  const zeros = Object.fromEntries(WINDOWS.flatMap((d) => [`lastActivityD${d}`, `appLaunchesLast${d}Days`, `launchedUsersLast${d}Days`].map((name) => [name, '0'])));
  return () => {
    const rows = page.all(tenantId, after) as Array<[number, string, string]>;
    const shown = rows.slice(0, 1000);
    const last = shown[shown.length - 1]![0];
    const today = dayOf(Date.now());
    const starts = WINDOWS.map((days) => today - (days - 1) * DAY_MS);
    const values = new Map<string, Record<string, string>>(shown.map((row) => [row[1], { lastLaunchedOn: '""', lastActivityDate: '""', appLaunchedCount: '0', ...zeros }]));
    for (const [stream, names] of [
      [STREAMS.activities, WINDOWS.map((d) => `lastActivityD${d}`)],
      [STREAMS.launches, WINDOWS.map((d) => `appLaunchesLast${d}Days`)],
    ] as const) {
      for (const row of days.all(...starts, tenantId, after, last, stream, starts[3]) as unknown[][]) names.forEach((name, i) => (values.get(row[0] as string)![name] = String(row[i + 1] ?? 0)));
    }
    for (const row of users.all(...starts, tenantId, after, last, STREAMS.launches, starts[3]) as unknown[][]) WINDOWS.forEach((d, i) => (values.get(row[0] as string)![`launchedUsersLast${d}Days`] = String(row[i + 1] ?? 0)));
    for (const [stream, key, n, lastMs] of totals.all(tenantId, after, last, STREAMS.activities, STREAMS.launches) as Array<[string, string, number, number]>) {
      const record = values.get(key)!;
      if (stream === STREAMS.launches) Object.assign(record, { appLaunchedCount: String(n), lastLaunchedOn: JSON.stringify(enPowerTime(lastMs)) });
      else record.lastActivityDate = JSON.stringify(enPowerTime(lastMs));
    }
    const items = shown.map((row) => fillComputed(row[2], values.get(row[1])!));
    return Buffer.from(`{"powerApps":[${items.join(',')}],"totalCount":${count.get(tenantId) as number},"nextLink":${JSON.stringify(nextLink)}}`);
  };
}

/** A run-history page's statements (the flow, the page, its count from the day counts), over better-sqlite3. */
function runsRead(db: SQLite.Database, url: string, body: Buffer, tenantId: string): () => Buffer {
  const parsed = new URL(`https://x${url}`);
  const flowId = parsed.pathname.split('/')[5]!.toLowerCase();
  const token = parsed.searchParams.get('skipToken');
  const after = token ? (JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8')) as { c: { t: number; s: number } }).c : undefined;
  const nextLink = (JSON.parse(body.toString('utf8')) as { nextLink: string }).nextLink;
  const parent = db.prepare(`select parent_key from enpower_objects where tenant_id = ? and kind = 'cloudFlow' and (parent_key = ? or object_key = ?) limit 1`).pluck();
  const page = db
    .prepare(`select record_json from enpower_events where tenant_id = ? and stream = 'cloudflow-runs' and time_ms >= ? and time_ms <= ? and parent_key = ?${after ? ' and (time_ms, seq) > (?, ?)' : ''} order by time_ms, seq limit 101`)
    .pluck();
  const count = db.prepare(`select coalesce(sum(n), 0) from enpower_event_days where tenant_id = ? and stream = 'cloudflow-runs' and parent_key = ? and day >= ? and day < ?`).pluck();
  const from = after ? Math.max(WHOLE_HISTORY.fromMs, after.t) : WHOLE_HISTORY.fromMs;
  return () => {
    const key = parent.get(tenantId, flowId, flowId) as string;
    const rows = (after ? page.all(tenantId, from, WHOLE_HISTORY.toMs, key, after.t, after.s) : page.all(tenantId, from, WHOLE_HISTORY.toMs, key)) as string[];
    const total = count.get(tenantId, key, WHOLE_HISTORY.fromMs, dayOf(WHOLE_HISTORY.toMs + 1)) as number;
    return Buffer.from(`{"runs":[${rows.slice(0, 100).join(',')}],"totalCount":${total},"nextLink":${JSON.stringify(nextLink)}}`);
  };
}
