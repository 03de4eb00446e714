/**
 * /aos/audit pages per second, p50 and p99, on a tenant with 1 M and with 10 M audit
 * records, on SQLite (benchAudit) and on PostgreSQL (benchAuditPostgres), each against a
 * bare Fastify HTTPS route that does the same read with the raw driver (better-sqlite3,
 * `pg`) in the same run. Targets: audit throughput ≥ 70 % of the bare route; p99 at 10 M
 * within 25 % of p99 at 1 M. A third side, without a target, returns the same pages from
 * memory (the platform's ceiling, informational since issue 13).
 *
 * Datasets are kept under bench/.data/ (SQLite files, or the data directory of a set of
 * PostgreSQL schemas), keyed by engine, record count and a version of the schema and
 * generator, built once and reused: a tenant and app made through the identity directory,
 * then records from simulateAuditRecords bulk-loaded straight into the region's table.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { dropSchemasWithPrefix } from '../src/cluster/cluster.js';
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
  BENCH_POSTGRES_URL,
  createPostgresReadRoute,
  engineConfig,
  postgresPlan,
  postgresSchemaExists,
  dropPostgresDataset,
  schemaPrefixOf,
  type BenchEngine,
} from './lib.js';

/** Bump when the dataset's shape changes in a way the hash below does not see. */
const DATASET_VERSION = 1;
const THROUGHPUT_TARGET = 0.7;
const P99_TARGET = 1.25;

interface DatasetMeta extends DatasetMetaBase {
  engine?: BenchEngine;
  /** PostgreSQL: the schemas' prefix. */
  schemaPrefix?: string;
  historyStart: string;
  historyEnd: string;
  rowsPerSecond?: number;
}

type Dataset = BenchDataset<DatasetMeta>;


/** The key changes when the aos migrations, the simulator or the row mapping change: then the data is rebuilt. */
function datasetKey(count: number, engine: BenchEngine): string {
  const source = [
    String(DATASET_VERSION),
    ...Object.entries(aosMigrations.migrations).map(([name, make]) => `${name}:${make.toString()}`),
    simulateAuditRecords.toString(),
    toRow.toString(),
    String(HISTORY_END_MS),
    String(HISTORY_DAYS),
  ].join('\n');
  return `${datasetFamily(engine)}-v${DATASET_VERSION}-${createHash('sha256').update(source).digest('hex').slice(0, 10)}-n${count}`;
}

/** Dataset directories of one family share a prefix; the PostgreSQL family's must not start with the SQLite one's. */
const datasetFamily = (engine: BenchEngine) => (engine === 'sqlite' ? 'audit' : 'pg-audit');
const benchmarkName = (engine: BenchEngine) => (engine === 'sqlite' ? 'audit' : 'audit-pg');
const ENGINE_NAME: Record<BenchEngine, string> = { sqlite: 'SQLite', postgres: 'PostgreSQL' };

export const benchAudit = (options: BenchOptions): Promise<BenchResult[]> => runAudit(options, 'sqlite');
export const benchAuditPostgres = (options: BenchOptions): Promise<BenchResult[]> => runAudit(options, 'postgres');

async function runAudit(options: BenchOptions, engine: BenchEngine): Promise<BenchResult[]> {
  const log = (message: string) => options.log(message.replace(/^audit:/, `${benchmarkName(engine)}:`));
  const suffix = engine === 'sqlite' ? '' : ' (PostgreSQL)';
  const [small, large] = options.quick ? [20_000, 200_000] : [1_000_000, 10_000_000];
  const timing = options.quick ? { warmupMs: 1000, durationMs: 3000, rounds: 1, retries: 0, quietWaitMs: 1000 } : { warmupMs: 1500, durationMs: 6000, rounds: 2, retries: 1, quietWaitMs: 10_000 };
  const sampling = options.quick ? { firstWindows: 16, deepWindows: 1, maxWalk: 50, keep: 40 } : { firstWindows: 64, deepWindows: 2, maxWalk: 2500, keep: 150 };
  const concurrency = 8;

  const datasets = [await ensureDataset(small, options, engine), await ensureDataset(large, options, engine)];
  const closers: Array<() => Promise<void>> = [];
  try {
    const sides: Array<{ dataset: Dataset; bench: BenchMeridian; memory: BaselineServer; bare: BaselineServer; first: RequestSpec[]; deep: RequestSpec[]; notes: string[] }> = [];
    const start = (dataset: Dataset) => startBenchMeridian({ dataDir: dataset.dir, regions: [BENCH_REGION], config: engineConfig(engine, dataset.meta.schemaPrefix ?? '') });
    for (let index = 0; index < datasets.length; index++) {
      let dataset = datasets[index]!;
      let bench = await start(dataset);
      let token: string;
      try {
        token = await bench.token(dataset.meta);
      } catch (error) {
        // A reused dataset whose identity store no longer knows the app (e.g. identity schema changed): build it again.
        await bench.close();
        if (dataset.built) throw error;
        log(`audit: the ${countLabel(dataset.meta.count)} dataset's app cannot get a token (${(error as Error).message}); rebuilding it`);
        dataset = datasets[index] = await ensureDataset(dataset.meta.count, options, engine, true);
        bench = await start(dataset);
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
      const bare = engine === 'sqlite' ? await createSqliteRoute(dataset, bench.tls, pages) : await createPostgresRoute(dataset, bench.tls, pages);
      closers.unshift(() => bare.close());

      const plan = await queryPlan(dataset, first[0]!.path, engine);
      const pageBytes = meanPageBytes(pages);
      sides.push({
        dataset,
        bench,
        memory,
        bare,
        first,
        deep,
        notes: [
          `Dataset: ${dataset.meta.count.toLocaleString('en-US')} records of one tenant over ${HISTORY_DAYS} days (simulateAuditRecords), ` +
            `${dataset.built ? `built in this run in ${fmt(dataset.meta.buildSeconds ?? 0)} s (${fmt(dataset.meta.rowsPerSecond ?? 0)} rows/s)` : `reused from bench/.data/${dataset.meta.key} (built ${dataset.meta.builtAt ?? '?'})`}.`,
          `Requests: ${first.length} first pages of 7-day windows spread over days 150–210 of the history; ${deep.length} deep pages sampled evenly from ${sampling.deepWindows} window walk(s) following nextLink (${walked} pages walked in ${fmt(walkSeconds)} s, deepest page ${deepest}). Pages of 100 records, ${fmt(pageBytes / 1024)} KiB on average.`,
          `${ENGINE_NAME[engine]} plan of the page query: ${plan}.`,
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
        specs[`bare ${name}`] = { ...base, caPem: side.bench.caPem, origin: side.bare.origin, requests };
      }
      log(`audit: ${kind} pages, ${Object.keys(specs).join(' / ')} (${timing.rounds} round(s) of ${timing.durationMs / 1000} s, concurrency ${concurrency})`);
      const measured = await measureSides(specs, { rounds: timing.rounds, retries: timing.retries, quietWaitMs: timing.quietWaitMs, log, label: `audit ${kind}` });
      for (const side of sides) {
        const name = countLabel(side.dataset.meta.count);
        const bare = measured[`bare ${name}`]!.stats;
        const subject = measured[`meridian ${name}`]!.stats;
        const ratio = ratioOf(subject, bare);
        const subjectLabel = `Meridian GET /aos/audit on ${ENGINE_NAME[engine]} (${kind === 'first' ? 'page 1 of a window' : 'skipToken pages from nextLink'})`;
        results.push({
          name: `audit ${name}${suffix}: ${kind} pages`,
          labels: { baseline: `bare Fastify HTTPS route reading the same page from the same ${ENGINE_NAME[engine]} ${engine === 'sqlite' ? 'file' : 'schema'} (one raw statement)`, subject: subjectLabel },
          baseline: bare,
          subject,
          ratio,
          target: { description: `≥ ${THROUGHPUT_TARGET * 100} % of the bare ${ENGINE_NAME[engine]} route`, met: ratio >= THROUGHPUT_TARGET },
          notes: [
            `Closed loop, ${concurrency} concurrent keep-alive HTTPS connections, ${timing.rounds} alternating round(s) of ${timing.durationMs / 1000} s after ${timing.warmupMs / 1000} s warm-up each; the bare, in-memory and Meridian sides of both datasets ran in alternation.`,
            `The bare route runs the records part of Meridian's page statement through ${engine === 'sqlite' ? 'better-sqlite3' : '`pg` (a pool of 5, as a region gets)'} directly (records joined in the database, literal LIMIT) and sends the bytes Meridian sent, its nextLink included (checked equal before measuring); it does no authentication, validation, throttling, paging token or probe for the next page.`,
            ...side.notes,
            `Meridian's regional rate limit is set to ${UNREACHABLE_RATE_LIMIT.toLocaleString('en-US')} a minute: the limiter runs on every request but never refuses one.`,
            cpuNote({ 'bare route': measured[`bare ${name}`]!, Meridian: measured[`meridian ${name}`]! }),
          ],
        });
        // Informational since issue 13: the platform's ceiling, the same bytes from memory.
        const memory = measured[`memory ${name}`]!.stats;
        results.push({
          name: `audit ${name}${suffix}: ${kind} pages, against an in-memory route`,
          labels: { baseline: 'bare Fastify HTTPS route returning the same page bytes from memory (informational)', subject: subjectLabel },
          baseline: memory,
          subject,
          ratio: ratioOf(subject, memory),
          notes: ['No target: the bare route with the same storage read is the floor; this row prices the storage read itself.', cpuNote({ 'in-memory route': measured[`memory ${name}`]!, Meridian: measured[`meridian ${name}`]! })],
        });
      }
      scaling.push({ kind, small: measured[`meridian ${countLabel(small)}`]!, large: measured[`meridian ${countLabel(large)}`]! });
      if (kind === 'first') scalingCpu.first = cpuNote({ [countLabel(small)]: measured[`meridian ${countLabel(small)}`]!, [countLabel(large)]: measured[`meridian ${countLabel(large)}`]! });
      else scalingCpu.deep = cpuNote({ [countLabel(small)]: measured[`meridian ${countLabel(small)}`]!, [countLabel(large)]: measured[`meridian ${countLabel(large)}`]! });
    }
    for (const { kind, small: s, large: l } of scaling) {
      const limit = s.stats.p99 * P99_TARGET;
      results.push({
        name: `audit p99 ${countLabel(large)} vs ${countLabel(small)}${suffix}: ${kind} pages`,
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
 * The floor: a bare Fastify HTTPS route that reads each page from the same database with one
 * raw statement and sends it with the nextLink Meridian gave. It prices HTTPS and the keyset
 * read alone. Every page it would send is checked equal to Meridian's before anything is measured.
 */
const PAGE_WINDOW = 'tenant_id = ? and action_time >= ? and action_time <= ?';
const LATER = ' and (action_time, seq) > (?, ?)';
const pageStatement = (engine: BenchEngine, later: boolean) =>
  engine === 'sqlite'
    ? `select cast(group_concat(record_json, ',') as blob) from (select record_json from aos_audit_records where ${PAGE_WINDOW}${later ? LATER : ''} order by action_time, seq limit 100)`
    : `select string_agg(record_json, ',') from (select record_json from aos_audit_records where ${PAGE_WINDOW}${later ? LATER : ''} order by action_time, seq limit 100) page`;

/** What the bare route needs of a sampled URL: the envelope Meridian sent around the records, and the statement's values. */
function pageRead(dataset: Dataset, path: string, body: Buffer): { prefix: Buffer; later: boolean; values: unknown[] } {
  const params = new URL(`https://x${path}`).searchParams;
  const [startMs, endMs] = [Date.parse(params.get('startTime')!), Date.parse(params.get('endTime')!)];
  const token = params.get('skipToken');
  const text = body.toString('utf8');
  const prefix = Buffer.from(text.slice(0, text.indexOf('"data":[') + '"data":['.length));
  if (!token) return { prefix, later: false, values: [dataset.meta.tenantId, startMs, endMs] };
  // The token's body is Meridian's own base64url JSON ({ f, t, s }); the bench reads its position.
  const position = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8')) as { t: number; s: number };
  return { prefix, later: true, values: [dataset.meta.tenantId, Math.max(position.t, startMs), endMs, position.t, position.s] };
}

const PAGE_END = Buffer.from(']}');

function createSqliteRoute(dataset: Dataset, tls: { cert: string; key: string }, pages: Map<string, Buffer>): Promise<BaselineServer> {
  return createSqliteReadRoute(tls, '/aos/audit', join(dataset.dir, 'region-us.sqlite'), pages, (db, path, body) => {
    const { prefix, later, values } = pageRead(dataset, path, body);
    const statement = db.prepare(pageStatement('sqlite', later)).pluck();
    return () => Buffer.concat([prefix, statement.get(...values) as Buffer, PAGE_END]);
  });
}

function createPostgresRoute(dataset: Dataset, tls: { cert: string; key: string }, pages: Map<string, Buffer>): Promise<BaselineServer> {
  return createPostgresReadRoute(tls, '/aos/audit', `${dataset.meta.schemaPrefix}_region_us`, pages, (query, path, body) => {
    const { prefix, later, values } = pageRead(dataset, path, body);
    const text = pageStatement('postgres', later);
    return async () => Buffer.concat([prefix, Buffer.from((await query(text, values)) as string), PAGE_END]);
  });
}

function windowPath(startMs: number): string {
  const params = new URLSearchParams({ startTime: new Date(startMs).toISOString(), endTime: new Date(startMs + WINDOW_MS).toISOString() });
  return `/aos/audit?${params.toString()}`;
}

/** The plan of the first-page query, read-only, for the notes. */
async function queryPlan(dataset: Dataset, path: string, engine: BenchEngine): Promise<string> {
  const params = new URL(`https://x${path}`).searchParams;
  const statement = `select * from aos_audit_records where ${PAGE_WINDOW} order by action_time, seq limit 101`;
  const values = [dataset.meta.tenantId, Date.parse(params.get('startTime')!), Date.parse(params.get('endTime')!)];
  if (engine === 'postgres') return postgresPlan(`${dataset.meta.schemaPrefix}_region_us`, statement, values);
  const db = new SQLite(join(dataset.dir, 'region-us.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare(`explain query plan ${statement}`).all(...values) as Array<{ detail: string }>;
    return rows.map((row) => row.detail).join('; ');
  } finally {
    db.close();
  }
}

// ---------------------------------------------------------------------------------------
// Datasets

async function ensureDataset(count: number, options: BenchOptions, engine: BenchEngine, rebuild = false): Promise<Dataset> {
  const key = datasetKey(count, engine);
  const schemaPrefix = schemaPrefixOf(key);
  // A PostgreSQL dataset is its schemas: when they are gone, the directory beside them is stale.
  const schemasGone = engine === 'postgres' && !(await postgresSchemaExists(`${schemaPrefix}_region_us`));
  const files = engine === 'sqlite' ? ['region-us.sqlite', 'identity-commercial.sqlite'] : [];
  return reusableDataset<DatasetMeta>(options, { benchmark: datasetFamily(engine), key, count, files, removeStale: engine === 'postgres' ? dropPostgresDataset : undefined, rebuild: rebuild || schemasGone }, async (dir, writeMeta) => {
    if (engine === 'postgres') await dropSchemasWithPrefix(BENCH_POSTGRES_URL, schemaPrefix);
    // The tenant and its app go through the identity directory like any other; Meridian makes the schema.
    const bench = await startBenchMeridian({ dataDir: dir, regions: [BENCH_REGION], config: engineConfig(engine, schemaPrefix) });
    let meta: DatasetMeta;
    try {
      const app = await bench.tenantWithApp(['audit.read.all'], BENCH_REGION, `bench-audit-${count}`);
      await bench.meridian.identities.get('commercial')!.outbox.flush();
      meta = { key, count, complete: false, engine, schemaPrefix, ...app, historyStart: new Date(HISTORY_START_MS).toISOString(), historyEnd: new Date(HISTORY_END_MS).toISOString() };
      writeMeta(meta);
    } finally {
      await bench.close();
    }
    const rowsPerSecond = engine === 'sqlite' ? bulkLoad(join(dir, 'region-us.sqlite'), meta.tenantId, count, options.log) : await bulkLoadPostgres(`${schemaPrefix}_region_us`, meta.tenantId, count, options.log);
    return { ...meta, rowsPerSecond };
  });
}

/**
 * The PostgreSQL load: the same rows (toRow) sent 5,000 at a time as one JSON parameter and
 * expanded in the server (json_populate_recordset), with the secondary indexes dropped during
 * the load and recreated from their own definitions afterwards. Returns rows per second.
 */
async function bulkLoadPostgres(schema: string, tenantId: string, count: number, log: (message: string) => void): Promise<number> {
  const client = new pg.Client({ connectionString: BENCH_POSTGRES_URL, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    const { rows: indexes } = await client.query<{ indexname: string; indexdef: string }>(
      "select indexname, indexdef from pg_indexes where schemaname = $1 and tablename = 'aos_audit_records' and indexname in ('aos_audit_records_time', 'aos_audit_records_product_time')",
      [schema],
    );
    for (const index of indexes) await client.query(`drop index "${index.indexname}"`);
    const started = performance.now();
    let done = 0;
    let nextReport = 1_000_000;
    const columns = ['tenant_id', 'record_id', 'action_time', 'product_type', 'geo_location', 'record_json'];
    const insert = `insert into aos_audit_records (${columns.join(', ')}) select ${columns.join(', ')} from json_populate_recordset(null::aos_audit_records, $1::json)`;
    for (const batch of simulateAuditRecords({ tenantId, tenantDomain: 'bench.onmicrosoft.com', count, days: HISTORY_DAYS, endMs: HISTORY_END_MS, seed: 'bench' }, 5000)) {
      await client.query(insert, [JSON.stringify(batch.map((record) => toRow(tenantId, record)))]);
      done += batch.length;
      if (done >= nextReport || done === count) {
        log(`audit-pg: loaded ${done.toLocaleString('en-US')} / ${count.toLocaleString('en-US')} rows (${fmt(done / ((performance.now() - started) / 1000))} rows/s)`);
        nextReport += 1_000_000;
      }
    }
    const indexStarted = performance.now();
    for (const index of indexes) await client.query(index.indexdef);
    await client.query('analyze aos_audit_records');
    log(`audit-pg: recreated ${indexes.length} indexes and analysed in ${fmt((performance.now() - indexStarted) / 1000)} s`);
    return count / ((performance.now() - started) / 1000);
  } finally {
    await client.end();
  }
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
