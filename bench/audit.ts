/**
 * /aos/audit pages per second, p50 and p99, on a tenant with 1 M and with 10 M audit
 * records, against a bare Fastify HTTPS route returning the same pages (the same bytes,
 * precomputed in memory). Targets: audit throughput ≥ 50 % of the in-memory route; p99 at
 * 10 M within 25 % of p99 at 1 M. A third side, without a target, reads the same pages from
 * the same SQLite file through a bare route, to tell the storage read from the platform.
 *
 * Datasets are Meridian data directories under bench/.data/, keyed by record count and a
 * version of the schema and generator, built once and reused: a tenant and app made through
 * the identity directory, then records from simulateAuditRecords bulk-loaded straight into
 * the region's SQLite file.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import SQLite from 'better-sqlite3';
import { aosMigrations } from '../src/aos/schema.js';
import { simulateAuditRecords } from '../src/aos/simulator.js';
import { toRow } from '../src/aos/audit/audit-store.js';
import {
  createSqliteReadRoute,
  createMemoryRoute,
  meanPageBytes,
  fmt,
  fmtMs,
  fmtRatio,
  loopbackOrigin,
  measureSides,
  ratioOf,
  startBenchMeridian,
  type BaselineServer,
  type BenchMeridian,
  type BenchOptions,
  type BenchResult,
  type LoadSpec,
  type RequestSpec,
  type SideMeasurement,
  cpuNote,
  countLabel,
  reusableDataset,
  type BenchDataset,
  type DatasetMetaBase,
  UNREACHABLE_RATE_LIMIT,
  DAY_MS,
  HISTORY_DAYS,
  HISTORY_END_MS,
  HISTORY_START_MS,
  WINDOW_MS,
  BENCH_REGION,
} from './lib.js';

/** Bump when the dataset's shape changes in a way the hash below does not see. */
const DATASET_VERSION = 1;
const THROUGHPUT_TARGET = 0.5;
const P99_TARGET = 1.25;

interface DatasetMeta extends DatasetMetaBase {
  historyStart: string;
  historyEnd: string;
  rowsPerSecond?: number;
}

type Dataset = BenchDataset<DatasetMeta>;


/** The key changes when the aos migrations, the simulator or the row mapping change: then the data is rebuilt. */
function datasetKey(count: number): string {
  const source = [
    String(DATASET_VERSION),
    ...Object.entries(aosMigrations.migrations).map(([name, make]) => `${name}:${make.toString()}`),
    simulateAuditRecords.toString(),
    toRow.toString(),
    String(HISTORY_END_MS),
    String(HISTORY_DAYS),
  ].join('\n');
  return `audit-v${DATASET_VERSION}-${createHash('sha256').update(source).digest('hex').slice(0, 10)}-n${count}`;
}

export async function benchAudit(options: BenchOptions): Promise<BenchResult[]> {
  const { log } = options;
  const [small, large] = options.quick ? [20_000, 200_000] : [1_000_000, 10_000_000];
  const timing = options.quick ? { warmupMs: 1000, durationMs: 3000, rounds: 1, retries: 0, quietWaitMs: 1000 } : { warmupMs: 1500, durationMs: 6000, rounds: 2, retries: 1, quietWaitMs: 10_000 };
  const sampling = options.quick ? { firstWindows: 16, deepWindows: 1, maxWalk: 50, keep: 40 } : { firstWindows: 64, deepWindows: 2, maxWalk: 2500, keep: 150 };
  const concurrency = 8;

  const datasets = [await ensureDataset(small, options), await ensureDataset(large, options)];
  const closers: Array<() => Promise<void>> = [];
  try {
    const sides: Array<{ dataset: Dataset; bench: BenchMeridian; memory: BaselineServer; sqlite: BaselineServer; first: RequestSpec[]; deep: RequestSpec[]; notes: string[] }> = [];
    for (let index = 0; index < datasets.length; index++) {
      let dataset = datasets[index]!;
      let bench = await startBenchMeridian({ dataDir: dataset.dir, regions: [BENCH_REGION] });
      let token: string;
      try {
        token = await bench.token(dataset.meta);
      } catch (error) {
        // A reused dataset whose identity store no longer knows the app (e.g. identity schema changed): build it again.
        await bench.close();
        if (dataset.built) throw error;
        log(`audit: the ${countLabel(dataset.meta.count)} dataset's app cannot get a token (${(error as Error).message}); rebuilding it`);
        dataset = datasets[index] = await ensureDataset(dataset.meta.count, options, true);
        bench = await startBenchMeridian({ dataDir: dataset.dir, regions: [BENCH_REGION] });
        token = await bench.token(dataset.meta);
      }
      const meridian = bench;
      closers.unshift(() => meridian.close());
      const headers = { authorization: `Bearer ${token}`, accept: 'application/json' };
      const regionUrl = bench.regionUrl(BENCH_REGION);
      const pages = new Map<string, Buffer>();
      const get = async (path: string) => {
        const response = await bench.meridian.fetch(`${regionUrl}${path}`, { headers });
        const body = Buffer.from(await response.arrayBuffer());
        if (response.status !== 200) throw new Error(`GET ${path} answered HTTP ${response.status}: ${body.toString('utf8').slice(0, 300)}`);
        pages.set(path, body);
        return JSON.parse(body.toString('utf8')) as { nextLink: string | null; data: unknown[] };
      };

      // First pages: 7-day windows spread over the middle of the history (days 150–210), at odd offsets.
      const first: RequestSpec[] = [];
      for (let k = 0; k < sampling.firstWindows; k++) {
        const start = HISTORY_START_MS + 150 * DAY_MS + Math.floor((k * 60 * DAY_MS) / sampling.firstWindows) + k * 7919_000;
        const path = windowPath(start);
        const page = await get(path);
        if (page.data.length === 0) throw new Error(`${countLabel(dataset.meta.count)}: window ${path} is empty`);
        first.push({ path, headers });
      }
      // Deep pages: follow nextLinks through whole windows, keep an even sample of pages 2.. of each walk.
      const deep: RequestSpec[] = [];
      let walked = 0;
      let deepest = 0;
      const walkStarted = performance.now();
      for (let w = 0; w < sampling.deepWindows; w++) {
        const trail: string[] = [];
        let link: string | null = windowPath(HISTORY_START_MS + (175 + w * 10) * DAY_MS + 3_600_000);
        for (let depth = 1; link && depth <= sampling.maxWalk; depth++) {
          const path: string = link.startsWith('http') ? new URL(link).pathname + new URL(link).search : link;
          const page = await get(path);
          if (depth >= 2) trail.push(path);
          walked++;
          deepest = Math.max(deepest, depth);
          link = page.nextLink;
        }
        const step = Math.max(1, trail.length / sampling.keep);
        const kept = new Set<string>();
        for (let i = 0; i < trail.length; i += step) kept.add(trail[Math.floor(i)]!);
        if (trail.length > 0) kept.add(trail[trail.length - 1]!);
        for (const path of trail) if (!kept.has(path)) pages.delete(path);
        for (const path of kept) deep.push({ path, headers });
      }
      if (deep.length === 0) throw new Error(`${countLabel(dataset.meta.count)}: no deep pages (windows hold ≤ 1 page)`);
      const walkSeconds = (performance.now() - walkStarted) / 1000;

      const memory = await createMemoryRoute(bench.tls, '/aos/audit', pages);
      closers.unshift(() => memory.close());
      const sqlite = await createSqliteRoute(dataset, bench.tls, pages);
      closers.unshift(() => sqlite.close());

      const plan = queryPlan(dataset, first[0]!.path);
      const pageBytes = meanPageBytes(pages);
      sides.push({
        dataset,
        bench,
        memory,
        sqlite,
        first,
        deep,
        notes: [
          `Dataset: ${dataset.meta.count.toLocaleString('en-US')} records of one tenant over ${HISTORY_DAYS} days (simulateAuditRecords), ` +
            `${dataset.built ? `built in this run in ${fmt(dataset.meta.buildSeconds ?? 0)} s (${fmt(dataset.meta.rowsPerSecond ?? 0)} rows/s)` : `reused from bench/.data/${dataset.meta.key} (built ${dataset.meta.builtAt ?? '?'})`}.`,
          `Requests: ${first.length} first pages of 7-day windows spread over days 150–210 of the history; ${deep.length} deep pages sampled evenly from ${sampling.deepWindows} window walk(s) following nextLink (${walked} pages walked in ${fmt(walkSeconds)} s, deepest page ${deepest}). Pages of 100 records, ${fmt(pageBytes / 1024)} KiB on average.`,
          `SQLite plan of the page query: ${plan}.`,
        ],
      });
    }

    const base = { concurrency, warmupMs: timing.warmupMs, durationMs: timing.durationMs, expectBodyIncludes: '"data":[' };
    const results: BenchResult[] = [];
    const scaling: Array<{ kind: 'first' | 'deep'; small: SideMeasurement; large: SideMeasurement }> = [];
    const scalingCpu: Record<'first' | 'deep', string> = { first: '', deep: '' };
    for (const kind of ['first', 'deep'] as const) {
      const specs: Record<string, LoadSpec> = {};
      for (const side of sides) {
        const name = countLabel(side.dataset.meta.count);
        const requests = kind === 'first' ? side.first : side.deep;
        specs[`memory ${name}`] = { ...base, caPem: side.bench.caPem, origin: side.memory.origin, requests };
        specs[`meridian ${name}`] = { ...base, caPem: side.bench.caPem, origin: loopbackOrigin(side.bench.regionUrl(BENCH_REGION)), requests };
        specs[`sqlite ${name}`] = { ...base, caPem: side.bench.caPem, origin: side.sqlite.origin, requests };
      }
      log(`audit: ${kind} pages, ${Object.keys(specs).join(' / ')} (${timing.rounds} round(s) of ${timing.durationMs / 1000} s, concurrency ${concurrency})`);
      const measured = await measureSides(specs, { rounds: timing.rounds, retries: timing.retries, quietWaitMs: timing.quietWaitMs, log, label: `audit ${kind}` });
      for (const side of sides) {
        const name = countLabel(side.dataset.meta.count);
        const baseline = measured[`memory ${name}`]!.stats;
        const subject = measured[`meridian ${name}`]!.stats;
        const ratio = ratioOf(subject, baseline);
        results.push({
          name: `audit ${name}: ${kind} pages`,
          labels: { baseline: 'bare Fastify HTTPS route returning the same page bytes from memory', subject: `Meridian GET /aos/audit (${kind === 'first' ? 'page 1 of a window' : 'skipToken pages from nextLink'})` },
          baseline,
          subject,
          ratio,
          target: { description: `≥ ${THROUGHPUT_TARGET * 100} % of the in-memory route`, met: ratio >= THROUGHPUT_TARGET },
          notes: [
            `Closed loop, ${concurrency} concurrent keep-alive HTTPS connections, ${timing.rounds} alternating round(s) of ${timing.durationMs / 1000} s after ${timing.warmupMs / 1000} s warm-up each; the in-memory and Meridian sides of both datasets ran in alternation.`,
            ...side.notes,
            `Meridian's regional rate limit is set to ${UNREACHABLE_RATE_LIMIT.toLocaleString('en-US')} a minute: the limiter runs on every request but never refuses one.`,
            cpuNote({ 'in-memory route': measured[`memory ${name}`]!, Meridian: measured[`meridian ${name}`]! }),
          ],
        });
        // Informational, no target: the same pages against a route that reads them from SQLite.
        const sqliteRoute = measured[`sqlite ${name}`]!.stats;
        results.push({
          name: `audit ${name}: ${kind} pages, against a bare SQLite route`,
          labels: { baseline: 'bare Fastify HTTPS route reading the same page from the same SQLite file (one raw statement)', subject: `Meridian GET /aos/audit (${kind === 'first' ? 'page 1 of a window' : 'skipToken pages from nextLink'})` },
          baseline: sqliteRoute,
          subject,
          ratio: ratioOf(subject, sqliteRoute),
          notes: [
            'No target: this row tells the storage read from the rest of the platform. The SQLite route runs the records part of Meridian\'s page statement through better-sqlite3 directly (records joined in the database, literal LIMIT) and sends the bytes Meridian sent, its nextLink included (checked equal before measuring); it does no authentication, validation, throttling, paging token or probe for the next page.',
            cpuNote({ 'SQLite route': measured[`sqlite ${name}`]!, Meridian: measured[`meridian ${name}`]! }),
          ],
        });
      }
      scaling.push({ kind, small: measured[`meridian ${countLabel(small)}`]!, large: measured[`meridian ${countLabel(large)}`]! });
      if (kind === 'first') scalingCpu.first = cpuNote({ [countLabel(small)]: measured[`meridian ${countLabel(small)}`]!, [countLabel(large)]: measured[`meridian ${countLabel(large)}`]! });
      else scalingCpu.deep = cpuNote({ [countLabel(small)]: measured[`meridian ${countLabel(small)}`]!, [countLabel(large)]: measured[`meridian ${countLabel(large)}`]! });
    }
    for (const { kind, small: s, large: l } of scaling) {
      const limit = s.stats.p99 * P99_TARGET;
      results.push({
        name: `audit p99 ${countLabel(large)} vs ${countLabel(small)}: ${kind} pages`,
        labels: { baseline: `Meridian /aos/audit on the ${countLabel(small)}-record tenant`, subject: `the same on the ${countLabel(large)}-record tenant` },
        baseline: s.stats,
        subject: l.stats,
        ratio: ratioOf(l.stats, s.stats),
        target: { description: `p99 at ${countLabel(large)} ≤ 125 % of p99 at ${countLabel(small)}`, met: l.stats.p99 <= limit },
        notes: [
          `p99 ${fmtMs(l.stats.p99)} at ${countLabel(large)} vs ${fmtMs(s.stats.p99)} at ${countLabel(small)}: ${fmtRatio(l.stats.p99 / s.stats.p99)} (limit ${fmtMs(limit)}). Both measured in the same alternating rounds as the rows above.`,
          'Ratio here is throughput at the larger dataset over throughput at the smaller one.',
          scalingCpu[kind],
        ],
      });
    }
    return results;
  } finally {
    for (const close of closers) await close().catch(() => {});
  }
}

/**
 * An informational second floor: a bare Fastify HTTPS route that reads each page from the same
 * SQLite file with one raw better-sqlite3 statement and sends it with the nextLink Meridian gave.
 * It prices HTTPS and the keyset read alone, so that Meridian's cost splits into storage and
 * platform. Every page it would send is checked equal to Meridian's before anything is measured.
 */
function createSqliteRoute(dataset: Dataset, tls: { cert: string; key: string }, pages: Map<string, Buffer>): Promise<BaselineServer> {
  const window = 'tenant_id = ? and action_time >= ? and action_time <= ?';
  const end = Buffer.from(']}');
  return createSqliteReadRoute(tls, '/aos/audit', join(dataset.dir, 'region-us.sqlite'), pages, (db, path, body) => {
    const joined = (where: string) =>
      db.prepare(`select cast(group_concat(record_json, ',') as blob) from (select record_json from aos_audit_records where ${where} order by action_time, seq limit 100)`).pluck();
    const params = new URL(`https://x${path}`).searchParams;
    const [startMs, endMs] = [Date.parse(params.get('startTime')!), Date.parse(params.get('endTime')!)];
    const token = params.get('skipToken');
    const text = body.toString('utf8');
    const prefix = Buffer.from(text.slice(0, text.indexOf('"data":[') + '"data":['.length));
    if (token) {
      // The token's body is Meridian's own base64url JSON ({ f, t, s }); the bench reads its position.
      const position = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8')) as { t: number; s: number };
      const laterPage = joined(`${window} and (action_time, seq) > (?, ?)`);
      return () => Buffer.concat([prefix, laterPage.get(dataset.meta.tenantId, Math.max(position.t, startMs), endMs, position.t, position.s) as Buffer, end]);
    }
    const firstPage = joined(window);
    return () => Buffer.concat([prefix, firstPage.get(dataset.meta.tenantId, startMs, endMs) as Buffer, end]);
  });
}

function windowPath(startMs: number): string {
  const params = new URLSearchParams({ startTime: new Date(startMs).toISOString(), endTime: new Date(startMs + WINDOW_MS).toISOString() });
  return `/aos/audit?${params.toString()}`;
}

/** EXPLAIN QUERY PLAN of the first-page query, read-only, for the notes. */
function queryPlan(dataset: Dataset, path: string): string {
  const params = new URL(`https://x${path}`).searchParams;
  const db = new SQLite(join(dataset.dir, 'region-us.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare(
        'explain query plan select * from aos_audit_records where tenant_id = ? and action_time >= ? and action_time <= ? order by action_time, seq limit 101',
      )
      .all(dataset.meta.tenantId, Date.parse(params.get('startTime')!), Date.parse(params.get('endTime')!)) as Array<{ detail: string }>;
    return rows.map((row) => row.detail).join('; ');
  } finally {
    db.close();
  }
}

// ---------------------------------------------------------------------------------------
// Datasets

async function ensureDataset(count: number, options: BenchOptions, rebuild = false): Promise<Dataset> {
  const key = datasetKey(count);
  return reusableDataset<DatasetMeta>(options, { benchmark: 'audit', key, count, files: ['region-us.sqlite', 'identity-commercial.sqlite'], rebuild }, async (dir, writeMeta) => {
    // The tenant and its app go through the identity directory like any other; Meridian makes the schema.
    const bench = await startBenchMeridian({ dataDir: dir, regions: [BENCH_REGION] });
    let meta: DatasetMeta;
    try {
      const app = await bench.tenantWithApp(['audit.read.all'], BENCH_REGION, `bench-audit-${count}`);
      await bench.meridian.identities.get('commercial')!.outbox.flush();
      meta = { key, count, complete: false, ...app, historyStart: new Date(HISTORY_START_MS).toISOString(), historyEnd: new Date(HISTORY_END_MS).toISOString() };
      writeMeta(meta);
    } finally {
      await bench.close();
    }
    const rowsPerSecond = bulkLoad(join(dir, 'region-us.sqlite'), meta.tenantId, count, options.log);
    return { ...meta, rowsPerSecond };
  });
}

/**
 * Inserts `count` simulated records of a tenant with raw better-sqlite3 prepared statements
 * (the rows are exactly AuditStore's: toRow), in large transactions, with the secondary time
 * indexes dropped during the load and recreated from their own SQL afterwards. Meridian must
 * not have the file open. Returns rows per second.
 */
function bulkLoad(file: string, tenantId: string, count: number, log: (message: string) => void): number {
  const db = new SQLite(file, { fileMustExist: true });
  try {
    db.pragma('journal_mode = DELETE');
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('temp_store = MEMORY');
    db.pragma(`cache_size = -${2 * 1024 * 1024}`); // 2 GiB
    const indexes = db
      .prepare("select name, sql from sqlite_master where type = 'index' and tbl_name = 'aos_audit_records' and sql is not null")
      .all() as Array<{ name: string; sql: string }>;
    for (const index of indexes) db.exec(`drop index "${index.name}"`);

    let insert: SQLite.Statement | undefined;
    let columns: string[] = [];
    const started = performance.now();
    let done = 0;
    let nextReport = 1_000_000;
    const load = db.transaction((rows: Array<Record<string, unknown>>) => {
      for (const row of rows) insert!.run(columns.map((column) => row[column]));
    });
    const generator = simulateAuditRecords({ tenantId, tenantDomain: 'bench.onmicrosoft.com', count, days: HISTORY_DAYS, endMs: HISTORY_END_MS, seed: 'bench' }, 20_000);
    for (const batch of generator) {
      const rows = batch.map((record) => toRow(tenantId, record) as Record<string, unknown>);
      if (!insert) {
        columns = Object.keys(rows[0]!);
        insert = db.prepare(`insert into aos_audit_records (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`);
      }
      load(rows);
      done += rows.length;
      if (done >= nextReport || done === count) {
        const seconds = (performance.now() - started) / 1000;
        log(`audit: loaded ${done.toLocaleString('en-US')} / ${count.toLocaleString('en-US')} rows (${fmt(done / seconds)} rows/s)`);
        nextReport += 1_000_000;
      }
    }
    const indexStarted = performance.now();
    for (const index of indexes) db.exec(index.sql);
    log(`audit: recreated ${indexes.length} indexes in ${fmt((performance.now() - indexStarted) / 1000)} s`);
    const rowsPerSecond = count / ((performance.now() - started) / 1000);
    db.pragma('locking_mode = NORMAL');
    db.pragma('journal_mode = WAL');
    return rowsPerSecond;
  } finally {
    db.close();
  }
}
