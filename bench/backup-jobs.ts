/**
 * GET /backup/m365/cloudbackupjobs — 50 jobs a page, filtered by state and a 7-day time
 * window — on a tenant with 1 M Cloud Backup for Microsoft 365 jobs, on SQLite
 * (benchBackupJobs) and PostgreSQL (benchBackupJobsPostgres): pages per second, p50 and p99,
 * against a bare Fastify HTTPS route that reads each page and its count from the same
 * database with raw statements in the same run. Target: ≥ 70 % of the bare route.
 *
 * The 1 M jobs come from the simulator's Microsoft 365 schedules over a year and are loaded
 * through BackupJobStore.upsert (the producer route's own insert, without HTTP) into a
 * Meridian data directory (SQLite) or schema set (PostgreSQL), built once and reused.
 *
 * Beside them, informational: the same pages from memory, the platform's ceiling.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Kysely } from 'kysely';
import SQLite from 'better-sqlite3';
import { backupMigrations, type BackupTables } from '../src/backup/schema.js';
import { BackupJobStore, type StoredJob } from '../src/backup/shared/job-store.js';
import { dayWindow } from '../src/backup/shared/job-counts.js';
import { M365_RUNNING_STATES } from '../src/backup/m365/catalogue.js';
import { toStoredM365Job } from '../src/backup/m365/jobs/job-routes.js';
import { m365Jobs } from '../src/backup/simulator/m365.js';
import {
  createSqliteReadRoute,
  createMemoryRoute,
  meanPageBytes,
  type BaselineServer,
  cpuNote,
  fmt,
  loopbackOrigin,
  measureSides,
  ratioOf,
  startBenchMeridian,
  type BenchOptions,
  type BenchResult,
  type RequestSpec,
  UNREACHABLE_RATE_LIMIT,
  countLabel,
  reusableDataset,
  REPO_ROOT,
  type BenchDataset,
  type DatasetMetaBase,
  DAY_MS,
  HISTORY_DAYS,
  HISTORY_END_MS,
  HISTORY_START_MS,
  WINDOW_MS,
  BENCH_REGION,
  BENCH_POSTGRES_URL,
  createPostgresReadRoute,
  engineConfig,
  postgresPlan,
  postgresSchemaExists,
  dropPostgresDataset,
  schemaPrefixOf,
  type BenchEngine,
} from './lib.js';
import { dropSchemasWithPrefix } from '../src/cluster/cluster.js';

/** Bump when the dataset's shape changes in a way the hash below does not see. */
const DATASET_VERSION = 1;
const PAGE_SIZE = 50;
const THROUGHPUT_TARGET = 0.7;
const PERMISSION = 'microsoft365backup.jobInfo.read.all';

interface DatasetMeta extends DatasetMetaBase {
  rowsPerSecond?: number;
  schemaPrefix?: string;
}

/** Dataset directories of one family share a prefix; the PostgreSQL family's must not start with the SQLite one's. */
const datasetFamily = (engine: BenchEngine) => (engine === 'sqlite' ? 'backup-jobs' : 'pg-backup-jobs');
const benchmarkName = (engine: BenchEngine) => (engine === 'sqlite' ? 'backup-jobs' : 'backup-jobs-pg');
const ENGINE_NAME: Record<BenchEngine, string> = { sqlite: 'SQLite', postgres: 'PostgreSQL' };


/** Changes when the migrations, the simulator or the row mapping change: the data is then rebuilt. */
function datasetKey(count: number, engine: BenchEngine): string {
  const source = [
    String(DATASET_VERSION),
    ...Object.entries(backupMigrations.migrations).map(([name, make]) => `${name}:${make.toString()}`),
    m365Jobs.toString(),
    // The whole module: a job's stored form (and its pre-rendered list item) is made by several of its functions.
    readFileSync(join(REPO_ROOT, 'src', 'backup', 'm365', 'jobs', 'job-routes.ts'), 'utf8'),
    String(HISTORY_END_MS),
  ].join('\n');
  return `${datasetFamily(engine)}-v${DATASET_VERSION}-${createHash('sha256').update(source).digest('hex').slice(0, 10)}-n${count}`;
}

export const benchBackupJobs = (options: BenchOptions = { quick: false, dataDir: join(import.meta.dirname, '.data'), log: console.log }): Promise<BenchResult[]> => runBackupJobs(options, 'sqlite');
export const benchBackupJobsPostgres = (options: BenchOptions): Promise<BenchResult[]> => runBackupJobs(options, 'postgres');

async function runBackupJobs(options: BenchOptions, engine: BenchEngine): Promise<BenchResult[]> {
  const log = (message: string) => options.log(message.replace(/^backup-jobs:/, `${benchmarkName(engine)}:`));
  const suffix = engine === 'sqlite' ? '' : ' (PostgreSQL)';
  const count = options.quick ? 50_000 : 1_000_000;
  const timing = options.quick ? { warmupMs: 1000, durationMs: 3000, rounds: 1, retries: 0, quietWaitMs: 1000 } : { warmupMs: 2000, durationMs: 8000, rounds: 2, retries: 1, quietWaitMs: 10_000 };
  const sampling = options.quick ? { windows: 16, deepWalks: 1, maxWalk: 40 } : { windows: 64, deepWalks: 2, maxWalk: 200 };
  const concurrency = 8;

  const dataset = await ensureDataset(count, options, engine);
  const closers: Array<() => Promise<void>> = [];
  try {
    const bench = await startBenchMeridian({ dataDir: dataset.dir, regions: [BENCH_REGION], config: engineConfig(engine, dataset.meta.schemaPrefix ?? '') });
    closers.unshift(() => bench.close());
    const token = await bench.token(dataset.meta);
    const headers = { authorization: `Bearer ${token}`, accept: 'application/json' };
    const regionUrl = bench.regionUrl(BENCH_REGION);
    const pages = new Map<string, Buffer>();
    const get = async (path: string) => {
      const response = await bench.meridian.fetch(`${regionUrl}${path}`, { headers });
      const body = Buffer.from(await response.arrayBuffer());
      if (response.status !== 200) throw new Error(`GET ${path} answered HTTP ${response.status}: ${body.toString('utf8').slice(0, 300)}`);
      pages.set(path, body);
      return JSON.parse(body.toString('utf8')) as { data: unknown[]; metadata: { totalCount: number; nextLink: string } };
    };

    // First pages: finished (jobState=2) or failed (3) jobs of 7-day windows spread over the year.
    const first: RequestSpec[] = [];
    let matched = 0;
    for (let k = 0; k < sampling.windows; k++) {
      const start = HISTORY_START_MS + 30 * DAY_MS + Math.floor((k * 300 * DAY_MS) / sampling.windows) + k * 7919_000;
      const path = windowPath(start, k % 4 === 3 ? 3 : 2);
      const page = await get(path);
      if (page.data.length === 0) throw new Error(`window ${path} is empty`);
      matched += page.metadata.totalCount;
      first.push({ path, headers });
    }
    // Deep pages: nextLink (skipToken) pages of whole windows.
    const deep: RequestSpec[] = [];
    for (let w = 0; w < sampling.deepWalks; w++) {
      let link = windowPath(HISTORY_START_MS + (180 + w * 20) * DAY_MS, 2);
      for (let depth = 1; link && depth <= sampling.maxWalk; depth++) {
        const path = link.startsWith('http') ? new URL(link).pathname + new URL(link).search : link;
        const page = await get(path);
        if (depth >= 2) deep.push({ path, headers });
        link = page.metadata.nextLink;
      }
    }

    const memory = await createMemoryRoute(bench.tls, '/backup/m365/cloudbackupjobs', pages);
    closers.unshift(() => memory.close());
    const bare = engine === 'sqlite' ? await createSqliteRoute(dataset, bench.tls, pages) : await createPostgresRoute(dataset, bench.tls, pages);
    closers.unshift(() => bare.close());
    const plan = await queryPlan(dataset, engine);

    const pageBytes = meanPageBytes(pages);
    const base = { caPem: bench.caPem, concurrency, warmupMs: timing.warmupMs, durationMs: timing.durationMs, expectBodyIncludes: '"data":[' };
    const results: BenchResult[] = [];
    for (const [kind, requests] of [['first', first], ['deep', deep]] as const) {
      log(`backup-jobs: ${kind} pages, bare ${ENGINE_NAME[engine]} route / Meridian / in-memory route (${timing.rounds} round(s) of ${timing.durationMs / 1000} s, concurrency ${concurrency})`);
      const measured = await measureSides(
        { bare: { ...base, origin: bare.origin, requests }, meridian: { ...base, origin: loopbackOrigin(regionUrl), requests }, memory: { ...base, origin: memory.origin, requests } },
        { rounds: timing.rounds, retries: timing.retries, quietWaitMs: timing.quietWaitMs, log, label: `backup-jobs ${kind}` },
      );
      const ratio = ratioOf(measured.meridian.stats, measured.bare.stats);
      const subject = `Meridian GET /backup/m365/cloudbackupjobs on ${ENGINE_NAME[engine]}, ${PAGE_SIZE} a page, jobState and a 7-day window (${kind === 'first' ? 'page 1 with totalCount' : 'skipToken pages from nextLink'})`;
      results.push({
        name: `backup jobs ${countLabel(count)}${suffix}: ${kind} pages`,
        labels: { baseline: `bare Fastify HTTPS route reading each page and its count from the same ${ENGINE_NAME[engine]} database with raw statements`, subject },
        baseline: measured.bare.stats,
        subject: measured.meridian.stats,
        ratio,
        target: { description: `≥ ${THROUGHPUT_TARGET * 100} % of the bare ${ENGINE_NAME[engine]} route`, met: ratio >= THROUGHPUT_TARGET },
        notes: [
          `Closed loop, ${concurrency} concurrent keep-alive HTTPS connections, ${timing.rounds} alternating round(s) of ${timing.durationMs / 1000} s after ${timing.warmupMs / 1000} s warm-up each.`,
          `Dataset: ${count.toLocaleString('en-US')} Microsoft 365 jobs of one tenant over ${HISTORY_DAYS} days (the simulator's schedules), loaded with BackupJobStore.upsert in 10,000-job batches — the producer route's own store call, not HTTP — ` +
            `${dataset.built ? `in this run, in ${fmt(dataset.meta.buildSeconds ?? 0)} s (${fmt(dataset.meta.rowsPerSecond ?? 0)} jobs/s)` : `reused from bench/.data/${dataset.meta.key} (built ${dataset.meta.builtAt ?? '?'} in ${fmt(dataset.meta.buildSeconds ?? 0)} s)`}.`,
          kind === 'first'
            ? `Requests: ${first.length} first pages of 7-day windows spread over the year, 3 in 4 filtered jobState=2 (Finished), 1 in 4 jobState=3 (Failed); ${fmt(matched / first.length)} matching jobs per window on average (each page counts them for totalCount).`
            : `Requests: ${deep.length} nextLink pages of ${sampling.deepWalks} Finished-job window walk(s).`,
          `The bare route reads what Meridian reads, with one raw ${engine === 'sqlite' ? 'better-sqlite3' : '`pg`'} statement each: the page's stored list items joined in list order, and totalCount from the per-day counters plus the partial days at the window's ends counted through the index (the same scheme as Meridian's). ` +
            `It sends them inside the envelope Meridian sent for the same URL; every page it would send was checked equal to Meridian's before measuring. It has no authentication, validation, throttling or paging token.`,
          `Pages of ${PAGE_SIZE} jobs, ${fmt(pageBytes / 1024)} KiB on average. ${ENGINE_NAME[engine]} plan: ${plan}.`,
          `Meridian's regional rate limit is set to ${UNREACHABLE_RATE_LIMIT.toLocaleString('en-US')} a minute: the limiter runs on every request but never refuses one.`,
          cpuNote({ 'bare route': measured.bare, Meridian: measured.meridian }),
        ],
      });
      results.push({
        name: `backup jobs ${countLabel(count)}${suffix}: ${kind} pages, against an in-memory route`,
        labels: { baseline: 'bare Fastify HTTPS route returning the same page bytes from memory (informational)', subject },
        baseline: measured.memory.stats,
        subject: measured.meridian.stats,
        ratio: ratioOf(measured.meridian.stats, measured.memory.stats),
        notes: [
          'No target since issue 13: the bare route with the same storage read is the floor; this row prices the storage read itself.',
          `The bare ${ENGINE_NAME[engine]} route reached ${(ratioOf(measured.bare.stats, measured.memory.stats) * 100).toFixed(0)} % of the in-memory route in the same rounds.`,
          cpuNote({ 'in-memory route': measured.memory, Meridian: measured.meridian }),
        ],
      });
    }
    return results;
  } finally {
    for (const close of closers) await close().catch(() => {});
  }
}

/**
 * The floor: a bare Fastify HTTPS route that, for each sampled URL, reads the page's stored
 * items and its totalCount from the same database with raw statements and sends them inside
 * the envelope Meridian answered with.
 */
const JOBS = "from backup_jobs where tenant_id = ? and product = 'm365' and state = ? and start_time >= ? and start_time < ?";

interface PageReads {
  items: { text: string; values: unknown[] };
  count: { text: string; values: unknown[] };
  envelope: (items: Buffer, count: string) => Buffer;
}

function pageReads(dataset: BenchDataset<DatasetMeta>, engine: BenchEngine, path: string, body: Buffer): PageReads {
  const tenantId = dataset.meta.tenantId;
  const params = new URL(`https://x${path}`).searchParams;
  const [startMs, endMs] = [Date.parse(params.get('startTime')!), Date.parse(params.get('finishTime')!) + 1];
  const state = Number(params.get('jobState'));
  const token = params.get('skipToken');
  // Meridian's own base64url JSON token body ({ f, t, s, p }): the bench reads its position.
  const position = token ? (JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8')) as { t: number; s: number }) : undefined;
  const joined = engine === 'sqlite' ? "cast(group_concat(listed, ',') as blob)" : "string_agg(listed, ',')";
  const itemsText = `select ${joined} from (select listed ${JOBS}${position ? ' and (start_time, seq) < (?, ?)' : ''} order by start_time desc, seq desc limit ${PAGE_SIZE}) page`;
  const itemValues = position ? [tenantId, state, startMs, Math.min(endMs, position.t + 1), position.t, position.s] : [tenantId, state, startMs, endMs];
  const window = dayWindow(startMs, endMs)!;
  const edges = window.edges.map((edge) => `${edge.sign > 0 ? '+' : '-'} (select count(*) ${JOBS})`).join(' ');
  const countText = `select (select coalesce(sum(n), 0) from backup_job_counts where tenant_id = ? and product = 'm365' and state = ? and start_day >= ? and start_day < ?) ${edges}`;
  const countValues = [tenantId, state, window.days.from, window.days.to, ...window.edges.flatMap((edge) => [tenantId, state, edge.startMs, edge.endMs])];
  const text = body.toString('utf8');
  const [head, tail] = [text.slice(0, text.indexOf('"data":[') + '"data":['.length), text.slice(text.indexOf('],"requestId"'))];
  const [start, middle, end] = [Buffer.from(head), Buffer.from(tail.slice(0, tail.indexOf('"totalCount":') + '"totalCount":'.length)), Buffer.from(tail.slice(tail.indexOf(',"nextLink"')))];
  return { items: { text: itemsText, values: itemValues }, count: { text: countText, values: countValues }, envelope: (items, count) => Buffer.concat([start, items, middle, Buffer.from(count), end]) };
}

function createSqliteRoute(dataset: BenchDataset<DatasetMeta>, tls: { cert: string; key: string }, pages: Map<string, Buffer>): Promise<BaselineServer> {
  return createSqliteReadRoute(tls, '/backup/m365/cloudbackupjobs', join(dataset.dir, 'region-us.sqlite'), pages, (db, path, body) => {
    const reads = pageReads(dataset, 'sqlite', path, body);
    const items = db.prepare(reads.items.text).pluck();
    const count = db.prepare(reads.count.text).pluck();
    return () => reads.envelope(items.get(reads.items.values) as Buffer, String(count.get(reads.count.values)));
  });
}

function createPostgresRoute(dataset: BenchDataset<DatasetMeta>, tls: { cert: string; key: string }, pages: Map<string, Buffer>): Promise<BaselineServer> {
  return createPostgresReadRoute(tls, '/backup/m365/cloudbackupjobs', `${dataset.meta.schemaPrefix}_region_us`, pages, (query, path, body) => {
    const reads = pageReads(dataset, 'postgres', path, body);
    return async () => {
      const [items, count] = await Promise.all([query(reads.items.text, reads.items.values), query(reads.count.text, reads.count.values)]);
      return reads.envelope(Buffer.from(items as string), String(count));
    };
  });
}

function windowPath(startMs: number, jobState: number): string {
  const params = new URLSearchParams({
    startTime: new Date(startMs).toISOString(),
    finishTime: new Date(startMs + WINDOW_MS).toISOString(),
    jobState: String(jobState),
    pageSize: String(PAGE_SIZE),
  });
  return `/backup/m365/cloudbackupjobs?${params.toString()}`;
}

async function queryPlan(dataset: BenchDataset<DatasetMeta>, engine: BenchEngine): Promise<string> {
  const statement = "select * from backup_jobs where tenant_id = ? and product = 'm365' and start_time >= ? and start_time < ? and state in (2) order by start_time desc, seq desc limit 51";
  if (engine === 'postgres') return postgresPlan(`${dataset.meta.schemaPrefix}_region_us`, statement, [dataset.meta.tenantId, HISTORY_START_MS, HISTORY_START_MS + WINDOW_MS]);
  const db = new SQLite(join(dataset.dir, 'region-us.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare(`explain query plan ${statement}`).all('t', 0, 1) as Array<{ detail: string }>;
    return rows.map((row) => row.detail).join('; ');
  } finally {
    db.close();
  }
}

async function ensureDataset(count: number, options: BenchOptions, engine: BenchEngine): Promise<BenchDataset<DatasetMeta>> {
  const log = (message: string) => options.log(message.replace(/^backup-jobs:/, `${benchmarkName(engine)}:`));
  const key = datasetKey(count, engine);
  const schemaPrefix = schemaPrefixOf(key);
  // A PostgreSQL dataset is its schemas: when they are gone, the directory beside them is stale.
  const rebuild = engine === 'postgres' && !(await postgresSchemaExists(`${schemaPrefix}_region_us`));
  const files = engine === 'sqlite' ? ['region-us.sqlite'] : [];
  return reusableDataset<DatasetMeta>(options, { benchmark: datasetFamily(engine), key, count, files, removeStale: engine === 'postgres' ? dropPostgresDataset : undefined, rebuild, how: 'through BackupJobStore.upsert' }, async (dir) => {
    const started = performance.now();
    if (engine === 'postgres') await dropSchemasWithPrefix(BENCH_POSTGRES_URL, schemaPrefix);
    const bench = await startBenchMeridian({ dataDir: dir, regions: [BENCH_REGION], config: engineConfig(engine, schemaPrefix) });
    try {
      const app = await bench.tenantWithApp([PERMISSION], BENCH_REGION, `bench-backup-${count}`);
      const region = bench.meridian.regions.get(BENCH_REGION)!.context;
      const store = new BackupJobStore(region.db as Kysely<BackupTables>, region.engine);
      let batch: StoredJob[] = [];
      let done = 0;
      const flush = async () => {
        await store.upsert(app.tenantId, 'm365', batch, M365_RUNNING_STATES, HISTORY_END_MS);
        done += batch.length;
        batch = [];
        if (done % 200_000 === 0 || done === count) log(`backup-jobs: loaded ${done.toLocaleString('en-US')} / ${count.toLocaleString('en-US')} jobs (${fmt(done / ((performance.now() - started) / 1000))} jobs/s)`);
      };
      const jobs = m365Jobs({ tenantId: app.tenantId, domain: 'bench.onmicrosoft.com', startMs: HISTORY_START_MS, endMs: HISTORY_END_MS, seed: 'bench', jobs: count });
      for (const job of jobs) {
        // The job as its last report left it: finished, or still running at the end of the history.
        const report = job.finishMs <= HISTORY_END_MS ? job.finished : job.started;
        batch.push(toStoredM365Job(report, 'job'));
        if (batch.length === 10_000) await flush();
      }
      if (batch.length > 0) await flush();
      return { key, count, schemaPrefix, ...app, rowsPerSecond: count / ((performance.now() - started) / 1000) };
    } finally {
      await bench.close();
    }
  });
}
