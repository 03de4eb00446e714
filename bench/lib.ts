/**
 * Shared machinery of the benchmark suite (`npm run bench`, issue 2).
 *
 * Rules every benchmark follows: speed is measured, never asserted; each benchmark runs a
 * baseline in the same run and reports subject throughput / baseline throughput; load is a
 * closed loop over real HTTPS (undici) from a separate process, so the server under test
 * does not share its event loop with the client; traffic goes to 127.0.0.1 only; every
 * loop is bounded in time and in count.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { configFromEnvironment, type MeridianConfig } from '../src/runtime/config.js';
import { Meridian } from '../src/runtime/meridian.js';
import { ensureLocalTls } from '../src/platform/tls/local-ca.js';
import { SQLITE_CACHE_KIB } from '../src/storage/database.js';
import { findDataCenter } from '../src/topology/data-centers.js';
import { dropSchemasWithPrefix } from '../src/cluster/cluster.js';

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(BENCH_DIR, '..');
/** Git-ignored: datasets kept between runs. */
export const BENCH_DATA_DIR = join(BENCH_DIR, '.data');
export const BENCHMARKS_DOC = join(REPO_ROOT, 'docs', 'benchmarks.md');

// ---------------------------------------------------------------------------------------
// Types

/** One measured load run (or several merged). Latencies in milliseconds. */
export interface Stats {
  /** Completed requests in the measured window (successful and failed). */
  requests: number;
  /** Length of the measured window. */
  seconds: number;
  /** Successful requests per second. */
  throughput: number;
  p50: number;
  p90: number;
  p99: number;
  errors: number;
  /**
   * CPU time the server process spent per completed request (ms, all its threads), when the
   * platform reports it. Unlike throughput it hardly moves when other processes share the machine.
   */
  serverCpuMsPerRequest?: number;
  /** Busy time of the server's event loop (its main thread) per request, ms: near 1 / throughput when the loop is the bottleneck. */
  serverLoopMsPerRequest?: number;
}

export interface BenchTarget {
  description: string;
  met: boolean;
}

export interface BenchResult {
  name: string;
  baseline: Stats;
  subject: Stats;
  /** subject.throughput / baseline.throughput. */
  ratio: number;
  notes: string[];
  target?: BenchTarget;
  /** What the two sides are, for the report (e.g. "bare Fastify route", "Meridian /aos/audit"). */
  labels?: { baseline: string; subject: string };
}

/** What `bench/run.ts` passes to every benchmark function (benchTokens, benchAudit, benchBackupJobs, benchOpus). */
export interface BenchOptions {
  /** Smoke run: small datasets, short durations. */
  quick: boolean;
  /** bench/.data: keep datasets here (git-ignored) and reuse them across runs. */
  dataDir: string;
  log: (message: string) => void;
}

export type BenchFunction = (options: BenchOptions) => Promise<BenchResult | BenchResult[]>;

/** One HTTP request the load generator sends. `path` includes the query string. */
export interface RequestSpec {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/**
 * A closed-loop load run. The worker process sends `requests` round robin (or, with
 * `unique`, each at most once, stopping when they run out), from `concurrency` workers
 * over as many keep-alive connections, for `warmupMs` unmeasured and then `durationMs`
 * measured, or until `maxRequests` measured requests, whichever comes first.
 */
export interface LoadSpec {
  /** e.g. https://127.0.0.1:7443 — loopback only. */
  origin: string;
  /** CA that signed the server certificate; the worker trusts only it. */
  caPem: string;
  concurrency: number;
  durationMs: number;
  warmupMs: number;
  maxRequests?: number;
  requests?: RequestSpec[];
  /**
   * Requests made in the worker before the clock starts (e.g. signed client assertions, so the
   * client's signing cost is not measured): `module` (path from the repository root) exports
   * `export`, called with `args`, returning RequestSpec[].
   */
  source?: { module: string; export: string; args: unknown };
  unique?: boolean;
  /** Expected status; anything else counts as an error. Default 200. */
  expectStatus?: number;
  /** A response body not containing this counts as an error. */
  expectBodyIncludes?: string;
}

/** What bench/load-worker.ts prints (one JSON document on stdout). */
export interface WorkerOutput {
  requests: number;
  errors: number;
  seconds: number;
  /** Latencies of measured requests, ms. */
  latencies: number[];
  bytes: number;
  warmupRequests: number;
  /** `unique` requests ran out before the duration ended. */
  exhausted: boolean;
  prepareMs: number;
  /** Average cores busy during the measured window (Linux only). */
  cpu?: CpuShare;
  /** Busy time of the server process's event loop per request (warm-up included), ms; set by runLoad. */
  serverLoopMsPerRequest?: number;
  firstError?: string;
}

/** Cores used on average: by the server process, by the load process, by everything else on the machine. */
export interface CpuShare {
  server: number;
  client: number;
  foreign: number;
}

// ---------------------------------------------------------------------------------------
// Statistics

/** Nearest-rank percentile of an ascending array; NaN when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function summarize(latencies: number[], seconds: number, errors: number, requests = latencies.length): Stats {
  const sorted = Float64Array.from(latencies).sort();
  return {
    requests,
    seconds,
    throughput: seconds > 0 ? (requests - errors) / seconds : 0,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    errors,
  };
}

/** Several runs of the same side as one: counts and seconds add up, percentiles over all samples. */
export function mergeRuns(runs: WorkerOutput[]): Stats {
  const latencies = runs.flatMap((run) => run.latencies);
  const seconds = runs.reduce((sum, run) => sum + run.seconds, 0);
  const errors = runs.reduce((sum, run) => sum + run.errors, 0);
  const requests = runs.reduce((sum, run) => sum + run.requests, 0);
  const stats = summarize(latencies, seconds, errors, requests);
  if (requests > 0 && runs.every((run) => run.cpu !== undefined)) {
    stats.serverCpuMsPerRequest = (runs.reduce((sum, run) => sum + run.cpu!.server * run.seconds, 0) * 1000) / requests;
  }
  if (runs.every((run) => run.serverLoopMsPerRequest !== undefined)) {
    const handled = runs.reduce((sum, run) => sum + run.requests + run.warmupRequests, 0);
    if (handled > 0) stats.serverLoopMsPerRequest = runs.reduce((sum, run) => sum + run.serverLoopMsPerRequest! * (run.requests + run.warmupRequests), 0) / handled;
  }
  return stats;
}

export const ratioOf = (subject: Stats, baseline: Stats): number => (baseline.throughput > 0 ? subject.throughput / baseline.throughput : Number.NaN);

// ---------------------------------------------------------------------------------------
// Load generation (in a child process)

const WORKER = join(BENCH_DIR, 'load-worker.ts');

/**
 * Runs one closed-loop load in a separate Node process (bench/load-worker.ts) and returns its
 * raw output. The child is killed if it outlives the run by `graceMs`.
 */
export async function runLoad(spec: LoadSpec, graceMs = 120_000): Promise<WorkerOutput> {
  if (!/^https:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(spec.origin)) throw new Error(`Load goes to loopback only, not ${spec.origin}`);
  // The servers under test run in this process: its event loop's busy time during the run is theirs.
  const loopBefore = performance.eventLoopUtilization();
  const output = await new Promise<WorkerOutput>((resolvePromise, reject) => {
    // The spec goes through stdin: no temporary file, and key material in it never touches the disk.
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, '-'], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
    child.stdin.on('error', () => {});
    child.stdin.end(JSON.stringify(spec));
    const killer = setTimeout(() => child.kill('SIGKILL'), spec.warmupMs + spec.durationMs + graceMs);
    child.on('error', (error) => {
      clearTimeout(killer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(killer);
      if (code !== 0) return reject(new Error(`load worker exited with ${signal ?? code}: ${stderr.trim()}`));
      try {
        resolvePromise(JSON.parse(stdout) as WorkerOutput);
      } catch {
        reject(new Error(`load worker printed no result: ${stdout.slice(0, 500)} ${stderr.trim()}`));
      }
    });
  });
  const handled = output.requests + output.warmupRequests;
  if (handled > 0) output.serverLoopMsPerRequest = performance.eventLoopUtilization(loopBefore).active / handled;
  return output;
}

export type SpecSource = LoadSpec | (() => LoadSpec | Promise<LoadSpec>);

export interface SideMeasurement {
  stats: Stats;
  runs: WorkerOutput[];
  /** Runs measured again because other processes were busy during them. */
  repeated: number;
}

/** Other processes using more than this many cores on average during a run make it noisy: it is run again. */
export const NOISY_FOREIGN_CORES = 0.3;

const throughputOf = (output: WorkerOutput) => (output.seconds > 0 ? (output.requests - output.errors) / output.seconds : 0);
const foreignOf = (output: WorkerOutput) => output.cpu?.foreign ?? 0;

/** System-wide busy cores over `sampleMs`, from /proc/stat; undefined where there is none. */
async function busyCores(sampleMs = 500): Promise<number | undefined> {
  const read = () => {
    const lines = readFileSync('/proc/stat', 'utf8').split('\n');
    const fields = lines[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
    const total = fields.reduce((sum, value) => sum + value, 0);
    return { busy: total - (fields[3] ?? 0) - (fields[4] ?? 0), total, cores: lines.filter((line) => /^cpu\d+ /.test(line)).length };
  };
  try {
    const before = read();
    await new Promise((resolveTimer) => setTimeout(resolveTimer, sampleMs));
    const after = read();
    return after.total > before.total ? ((after.busy - before.busy) / (after.total - before.total)) * after.cores : 0;
  } catch {
    return undefined;
  }
}

/** Waits (at most `maxMs`) until the machine is quiet: our servers are idle between runs, so busy cores are someone else's. */
export async function waitForQuiet(maxMs = 10_000): Promise<void> {
  const deadline = Date.now() + maxMs;
  while (Date.now() < deadline) {
    const busy = await busyCores();
    if (busy === undefined || busy < NOISY_FOREIGN_CORES) return;
  }
}

/**
 * Several sides (e.g. a baseline and one or more subjects) measured in alternating rounds:
 * forward order, then reverse, and so on, so that drift of the machine during the run hits
 * every side alike. Specs may be functions, called per run (e.g. for fresh single-use requests).
 * Other processes sharing the machine are waited out before each run, and a run during which
 * they used more than NOISY_FOREIGN_CORES is measured again (`retries` times at most; the
 * quietest attempt is kept).
 */
export async function measureSides<K extends string>(
  sides: Record<K, SpecSource>,
  options: { rounds: number; retries?: number; quietWaitMs?: number; log?: (message: string) => void; label?: string },
): Promise<Record<K, SideMeasurement>> {
  const names = Object.keys(sides) as K[];
  const runs = new Map<K, WorkerOutput[]>(names.map((name) => [name, []]));
  const repeated = new Map<K, number>(names.map((name) => [name, 0]));
  const retries = options.retries ?? 1;
  for (let round = 0; round < options.rounds; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      const side = sides[name];
      let kept: WorkerOutput | undefined;
      for (let attempt = 0; attempt <= retries; attempt++) {
        await waitForQuiet(options.quietWaitMs);
        const output = await runLoad(typeof side === 'function' ? await side() : side);
        if (!kept || foreignOf(output) < foreignOf(kept)) kept = output;
        const noisy = foreignOf(output) > NOISY_FOREIGN_CORES;
        options.log?.(
          `${options.label ?? 'load'} round ${round + 1}/${options.rounds} ${name}: ${fmt(throughputOf(output))} req/s` +
            ` (${output.requests} in ${output.seconds.toFixed(1)} s, p50 ${fmt(percentileOf(output.latencies, 50))} ms, p99 ${fmt(percentileOf(output.latencies, 99))} ms, ${output.errors} errors` +
            `${output.cpu ? `; cores: server ${output.cpu.server}, client ${output.cpu.client}, other ${output.cpu.foreign}` : ''}${output.exhausted ? ', requests ran out' : ''})` +
            (output.firstError ? ` first error: ${output.firstError}` : '') +
            (noisy ? (attempt < retries ? ' — other processes were busy, measuring again' : ` — other processes were busy; keeping the quietest attempt (other ${kept.cpu?.foreign ?? '?'})`) : ''),
        );
        if (!noisy) break;
        if (attempt < retries) repeated.set(name, repeated.get(name)! + 1);
      }
      runs.get(name)!.push(kept!);
    }
  }
  return Object.fromEntries(
    names.map((name) => [name, { stats: mergeRuns(runs.get(name)!), runs: runs.get(name)!, repeated: repeated.get(name)! }]),
  ) as Record<K, SideMeasurement>;
}

/** A note on where the CPU went during the kept runs, for BenchResult.notes. */
export function cpuNote(sides: Record<string, SideMeasurement>): string {
  const parts: string[] = [];
  let repeated = 0;
  for (const [name, side] of Object.entries(sides)) {
    repeated += side.repeated;
    const shares = side.runs.map((run) => run.cpu).filter((cpu): cpu is CpuShare => cpu !== undefined);
    if (shares.length === 0) continue;
    const mean = (pick: (cpu: CpuShare) => number) => fmt(shares.reduce((sum, cpu) => sum + pick(cpu), 0) / shares.length, 2);
    parts.push(`${name}: server ${mean((cpu) => cpu.server)}, load generator ${mean((cpu) => cpu.client)}, other processes ${mean((cpu) => cpu.foreign)}`);
  }
  if (parts.length === 0) return 'CPU use was not recorded (no /proc on this system).';
  return (
    `Cores busy on average during the measured windows — ${parts.join('; ')}.` +
    (repeated > 0 ? ` ${repeated} run(s) were measured again because other processes on the machine used more than ${NOISY_FOREIGN_CORES} cores.` : '')
  );
}

const percentileOf = (values: number[], p: number) => percentile(Float64Array.from(values).sort(), p);

export interface PairMeasurement {
  baseline: Stats;
  subject: Stats;
  ratio: number;
  baselineRuns: WorkerOutput[];
  subjectRuns: WorkerOutput[];
  /** See cpuNote. */
  cpuNote: string;
}

/** A baseline and a subject in alternating rounds (A B, B A, ...); see measureSides. */
export async function measurePair(options: {
  baseline: SpecSource;
  subject: SpecSource;
  rounds: number;
  retries?: number;
  quietWaitMs?: number;
  log?: (message: string) => void;
  label?: string;
}): Promise<PairMeasurement> {
  const measured = await measureSides({ baseline: options.baseline, subject: options.subject }, options);
  return {
    baseline: measured.baseline.stats,
    subject: measured.subject.stats,
    ratio: ratioOf(measured.subject.stats, measured.baseline.stats),
    baselineRuns: measured.baseline.runs,
    subjectRuns: measured.subject.runs,
    cpuNote: cpuNote(measured),
  };
}

// ---------------------------------------------------------------------------------------
// Servers

export interface BaselineServer {
  app: FastifyInstance;
  /** https://127.0.0.1:<port> */
  origin: string;
  close(): Promise<void>;
}

/**
 * The floor: a bare Fastify HTTPS server (no logging, no hooks, no schemas) on 127.0.0.1 with
 * the given TLS material and routes. Use the certificate Meridian serves, so TLS costs the same.
 */
export async function createBaselineServer(options: {
  tls: { key: string; cert: string };
  routes: (app: FastifyInstance) => void | Promise<void>;
  bodyLimit?: number;
}): Promise<BaselineServer> {
  const app = Fastify({ logger: false, https: { key: options.tls.key, cert: options.tls.cert }, bodyLimit: options.bodyLimit ?? 1024 * 1024 }) as unknown as FastifyInstance;
  await options.routes(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { app, origin: `https://127.0.0.1:${port}`, close: () => app.close() };
}

/**
 * The in-memory floor of a paged GET: the bytes Meridian answered for each sampled URL, served
 * from a map by a bare route, so the floor sends exactly what Meridian sends.
 */
export function createMemoryRoute(tls: { key: string; cert: string }, path: string, pages: ReadonlyMap<string, Buffer>): Promise<BaselineServer> {
  return createBaselineServer({
    tls,
    routes: (server) => {
      server.get(path, (request, reply) => {
        const body = pages.get(request.url);
        if (!body) return reply.code(404).send({ error: 'not precomputed' });
        return reply.header('content-type', 'application/json; charset=utf-8').send(body);
      });
    },
  });
}

/**
 * The informational storage floor of a paged GET: a bare route that, on every request, reads
 * the sampled URL's page from the SQLite file Meridian reads, with raw better-sqlite3
 * statements (`plan` prepares one read a URL on the read-only connection). Every read is
 * checked to give Meridian's bytes for its URL before anything is measured.
 */
export async function createSqliteReadRoute(
  tls: { key: string; cert: string },
  path: string,
  file: string,
  pages: ReadonlyMap<string, Buffer>,
  plan: (db: SQLite.Database, url: string, body: Buffer) => () => Buffer,
): Promise<BaselineServer> {
  const db = new SQLite(file, { readonly: true, fileMustExist: true });
  // The page cache Meridian's connections have, so that both read the file alike.
  db.pragma(`cache_size = -${SQLITE_CACHE_KIB}`);
  const reads = new Map<string, () => Buffer>();
  try {
    for (const [url, body] of pages) {
      const read = plan(db, url, body);
      if (!read().equals(body)) throw new Error(`the SQLite route would not send Meridian's bytes for ${url}`);
      reads.set(url, read);
    }
  } catch (error) {
    db.close();
    throw error;
  }
  const server = await createBaselineServer({
    tls,
    routes: (app) => {
      app.get(path, (request, reply) => {
        const read = reads.get(request.url);
        if (!read) return reply.code(404).send({ error: 'not sampled' });
        return reply.header('content-type', 'application/json; charset=utf-8').send(read());
      });
    },
  });
  return {
    ...server,
    close: async () => {
      await server.close();
      db.close();
    },
  };
}

/** The benchmarks' PostgreSQL and Redis (the same services the tests use). */
export const BENCH_POSTGRES_URL = process.env.MERIDIAN_BENCH_DATABASE_URL ?? process.env.MERIDIAN_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const BENCH_REDIS_URL = process.env.MERIDIAN_BENCH_REDIS_URL ?? process.env.MERIDIAN_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export type BenchEngine = 'sqlite' | 'postgres';

/** Meridian settings of a dataset on an engine: PostgreSQL schemas under the dataset's own prefix. */
export const engineConfig = (engine: BenchEngine, schemaPrefix: string): Partial<MeridianConfig> =>
  engine === 'postgres' ? { databaseUrl: BENCH_POSTGRES_URL, postgresSchemaPrefix: schemaPrefix } : {};

/** A PostgreSQL schema prefix from a dataset key (schema names: lower case, digits, underscores). */
export const schemaPrefixOf = (key: string): string => `b_${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;

export async function postgresSchemaExists(schema: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: BENCH_POSTGRES_URL });
  await client.connect();
  try {
    return (await client.query('select 1 from pg_namespace where nspname = $1', [schema])).rowCount === 1;
  } finally {
    await client.end();
  }
}

/** `?` placeholders as PostgreSQL's `$n`, so the SQLite and PostgreSQL floors share their SQL text. */
export const numbered = (text: string): string => {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
};

/**
 * The PostgreSQL floor of a paged GET: a bare Fastify route that, on every request, reads the
 * sampled URL's page from the same schema Meridian reads, with raw `pg` (one pool of the size
 * Meridian's regions get). Every read is checked to give Meridian's bytes before measuring.
 */
export async function createPostgresReadRoute(
  tls: { key: string; cert: string },
  path: string,
  schema: string,
  pages: ReadonlyMap<string, Buffer>,
  plan: (query: (text: string, values: unknown[]) => Promise<unknown>, url: string, body: Buffer) => () => Promise<Buffer>,
): Promise<BaselineServer> {
  const pool = new pg.Pool({ connectionString: BENCH_POSTGRES_URL, max: 5, options: `-c search_path=${schema}` });
  const query = async (text: string, values: unknown[]) => {
    const result = await pool.query({ text: numbered(text), values, rowMode: 'array' });
    return (result.rows[0] as unknown[] | undefined)?.[0];
  };
  const reads = new Map<string, () => Promise<Buffer>>();
  try {
    for (const [url, body] of pages) {
      const read = plan(query, url, body);
      if (!(await read()).equals(body)) throw new Error(`the PostgreSQL route would not send Meridian's bytes for ${url}`);
      reads.set(url, read);
    }
  } catch (error) {
    await pool.end();
    throw error;
  }
  const server = await createBaselineServer({
    tls,
    routes: (app) => {
      app.get(path, async (request, reply) => {
        const read = reads.get(request.url);
        if (!read) return reply.code(404).send({ error: 'not sampled' });
        return reply.header('content-type', 'application/json; charset=utf-8').send(await read());
      });
    },
  });
  return {
    ...server,
    close: async () => {
      await server.close();
      await pool.end();
    },
  };
}

/** A stale PostgreSQL dataset is its directory and its schemas: both go. */
export async function dropPostgresDataset(dir: string): Promise<void> {
  const meta = readJson<{ schemaPrefix?: string }>(join(dir, 'dataset.json'));
  if (meta?.schemaPrefix) await dropSchemasWithPrefix(BENCH_POSTGRES_URL, meta.schemaPrefix);
}

/** EXPLAIN of a statement on PostgreSQL, one line, for the notes. */
export async function postgresPlan(schema: string, text: string, values: unknown[]): Promise<string> {
  const client = new pg.Client({ connectionString: BENCH_POSTGRES_URL, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    const { rows } = await client.query<{ 'QUERY PLAN': string }>({ text: `explain ${numbered(text)}`, values });
    return rows.map((row) => row['QUERY PLAN'].trim()).join('; ');
  } finally {
    await client.end();
  }
}

/** The mean size of the sampled pages, for the notes. */
export const meanPageBytes = (pages: ReadonlyMap<string, Buffer>): number => [...pages.values()].reduce((sum, body) => sum + body.length, 0) / Math.max(1, pages.size);

/** A Meridian URL (https://localhost:port) as a loopback origin for the load worker. */
export const loopbackOrigin = (url: string): string => {
  const parsed = new URL(url);
  return `${parsed.protocol}//127.0.0.1:${parsed.port}`;
};

/** The region every benchmark's tenant lives in. */
export const BENCH_REGION = 'us';
export const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * The simulated histories end here, not at the time of the run, so that the same count always
 * makes the same data (and a dataset in bench/.data stays valid from one run to the next).
 */
export const HISTORY_END_MS = Date.UTC(2025, 0, 1);
/** Audit and backup histories: a year, read in 7-day windows. */
export const HISTORY_DAYS = 365;
export const HISTORY_START_MS = HISTORY_END_MS - HISTORY_DAYS * DAY_MS;
export const WINDOW_MS = 7 * DAY_MS;

/** Per-minute limit used for Meridian's throttling in benchmarks. */
export const UNREACHABLE_RATE_LIMIT = 1_000_000_000;

export interface BenchMeridian {
  meridian: Meridian;
  dataDir: string;
  caPem: string;
  /** The certificate and key Meridian's listeners serve. */
  tls: { cert: string; key: string };
  identityUrl: string;
  regionUrl(code?: string): string;
  /** A tenant with an app holding `permissions` and a one-year secret. */
  tenantWithApp(permissions: string[], region?: string, name?: string): Promise<BenchApp>;
  /** An access token for the app, through POST /connect/token. */
  token(app: Pick<BenchApp, 'clientId' | 'clientSecret'>): Promise<string>;
  close(): Promise<void>;
}

export interface BenchApp {
  tenantId: string;
  tenantName: string;
  clientId: string;
  clientSecret: string;
}

/**
 * Meridian in this process, as test/support/harness.ts starts it: real HTTPS listeners on
 * ephemeral ports, the local CA, SQLite in `dataDir` (kept) or a temporary directory (removed on close).
 */
export async function startBenchMeridian(options: { dataDir?: string; regions?: string[]; config?: Partial<MeridianConfig> } = {}): Promise<BenchMeridian> {
  const temporary = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(os.tmpdir(), 'meridian-bench-'));
  mkdirSync(dataDir, { recursive: true });
  const regions = (options.regions ?? ['us']).map((code) => {
    const dc = findDataCenter(code);
    if (!dc) throw new Error(`unknown data center ${code}`);
    return dc;
  });
  const config = configFromEnvironment(
    {},
    // Rate limits far above anything a run reaches: the limiter still runs (its cost is measured) but never answers 429.
    { dataDir, basePort: 0, regions, demo: false, logLevel: 'silent', rateLimitPerMinute: UNREACHABLE_RATE_LIMIT, tokenRateLimitPerMinute: UNREACHABLE_RATE_LIMIT, ...options.config },
  );
  const meridian = await Meridian.start(config, { logger: pino({ level: 'silent' }) });
  const local = await ensureLocalTls(join(config.dataDir, 'tls'), ['localhost', '127.0.0.1', '::1', config.host]);
  const identityUrl = [...meridian.identities.values()][0]!.url;
  const bench: BenchMeridian = {
    meridian,
    dataDir,
    caPem: local.caPem,
    tls: { cert: local.certPem, key: local.keyPem },
    identityUrl,
    regionUrl: (code = regions[0]!.code) => meridian.regions.get(code)!.url,
    async tenantWithApp(permissions, region = regions[0]!.code, name = `bench-${Math.random().toString(16).slice(2, 10)}`) {
      const environment = findDataCenter(region)!.environment;
      const directory = meridian.identities.get(environment)!.directory;
      const tenant = await directory.createTenant({ name, region }, { name: 'bench' });
      const { app, clientSecret } = await directory.createApp(tenant.id, { name: 'bench app', permissions, secretYears: 1 }, { name: 'bench' });
      return { tenantId: tenant.id, tenantName: name, clientId: app.clientId, clientSecret: clientSecret! };
    },
    async token(app) {
      const response = await meridian.fetch(`${identityUrl}/connect/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.clientSecret }).toString(),
      });
      const body = (await response.json()) as { access_token?: string };
      if (response.status !== 200 || !body.access_token) throw new Error(`token request failed: HTTP ${response.status} ${JSON.stringify(body)}`);
      return body.access_token;
    },
    async close() {
      await meridian.close();
      if (temporary) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return bench;
}

// ---------------------------------------------------------------------------------------
// Reporting

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  os: string;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: typeof os.availableParallelism === 'function' ? os.availableParallelism() : cpus.length,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

/** Numbers for humans: 3 significant digits, thousands separated. */
export function fmt(value: number, digits = 3): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (Math.abs(value) >= 10 ** digits) return Math.round(value).toLocaleString('en-US');
  return Number(value.toPrecision(digits)).toLocaleString('en-US', { maximumFractionDigits: 6 });
}

export const fmtMs = (value: number): string => (Number.isFinite(value) ? `${fmt(value)} ms` : 'n/a');
export const fmtRatio = (value: number): string => (Number.isFinite(value) ? `${(value * 100).toFixed(0)} %` : 'n/a');

export interface RunMeta {
  date: Date;
  mode: 'full' | 'quick';
  command: string;
  totalSeconds: number;
  /** Benchmarks skipped or failed, with the reason. */
  skipped: string[];
}

/** The results as a markdown document: machine, date, a summary table, then each benchmark with its notes. */
export function renderMarkdown(results: BenchResult[], meta: RunMeta, machine: MachineInfo = machineInfo()): string {
  const lines: string[] = [];
  lines.push('# Benchmarks', '');
  lines.push(`Generated by \`${meta.command}\` on ${meta.date.toISOString().slice(0, 10)} (${meta.date.toISOString()}), ${meta.mode} run, ${fmt(meta.totalSeconds)} s in all.`, '');
  lines.push('| Machine | |', '|---|---|');
  lines.push(`| CPU | ${machine.cpu} |`, `| Cores | ${machine.cores} |`, `| Memory | ${machine.memoryGiB} GiB |`, `| Node | ${machine.node} |`, `| OS | ${machine.os} |`, '');
  lines.push(
    'Method: every benchmark measures its baseline in the same run, alternating baseline and subject rounds; the ratio is subject throughput / baseline throughput. ' +
      'Load is a closed loop over real HTTPS (undici, keep-alive, one connection per concurrent worker) from a separate Node process; the servers under test run in the main process. ' +
      'Throughput counts successful responses only; latencies are per request, client side, in milliseconds. Client and servers share the machine\'s cores, so absolute numbers understate a dedicated server; ratios compare like with like. ' +
      'Runs wait for the machine to be quiet, and a run during which other processes used more than ' + String(NOISY_FOREIGN_CORES) + ' cores is measured again (the quietest attempt is kept); each benchmark notes how many cores the server, the load generator and other processes used. ' +
      '"Server CPU / request" is the server process\'s CPU time (all threads) per request, "server event loop / request" the busy time of its main thread per request: the CPU figure is the one other processes barely disturb (the event-loop figure is wall-clock time and grows when the server is preempted).',
    '',
  );
  if (meta.mode === 'quick') lines.push('> **Quick (smoke) run**: small datasets and short durations; figures are indicative only. Run `npm run bench` for the real ones.', '');
  lines.push('## Summary', '');
  lines.push('| Benchmark | Baseline req/s | Subject req/s | Ratio | Baseline p50 / p99 | Subject p50 / p99 | Server CPU / req, baseline → subject | Errors | Target | Met |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---|:---:|');
  for (const result of results) {
    lines.push(
      `| ${result.name} | ${fmt(result.baseline.throughput)} | ${fmt(result.subject.throughput)} | ${fmtRatio(result.ratio)} | ` +
        `${fmt(result.baseline.p50)} / ${fmt(result.baseline.p99)} ms | ${fmt(result.subject.p50)} / ${fmt(result.subject.p99)} ms | ` +
        `${result.baseline.serverCpuMsPerRequest === undefined || result.subject.serverCpuMsPerRequest === undefined ? 'n/a' : `${fmt(result.baseline.serverCpuMsPerRequest)} → ${fmt(result.subject.serverCpuMsPerRequest)} ms`} | ` +
        `${result.baseline.errors + result.subject.errors} | ${result.target?.description ?? '—'} | ${result.target ? (result.target.met ? 'yes' : '**no**') : '—'} |`,
    );
  }
  lines.push('');
  if (meta.skipped.length > 0) {
    lines.push('Not run:', '');
    for (const line of meta.skipped) lines.push(`- ${line}`);
    lines.push('');
  }
  for (const result of results) {
    lines.push(`## ${result.name}`, '');
    if (result.labels) lines.push(`Baseline: ${result.labels.baseline}. Subject: ${result.labels.subject}.`, '');
    lines.push('| | requests | seconds | req/s | p50 | p90 | p99 | errors | server CPU / request | server event loop / request |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const [label, stats] of [
      ['baseline', result.baseline],
      ['subject', result.subject],
    ] as const) {
      lines.push(
        `| ${label} | ${stats.requests.toLocaleString('en-US')} | ${fmt(stats.seconds)} | ${fmt(stats.throughput)} | ${fmtMs(stats.p50)} | ${fmtMs(stats.p90)} | ${fmtMs(stats.p99)} | ${stats.errors} | ${stats.serverCpuMsPerRequest === undefined ? 'n/a' : fmtMs(stats.serverCpuMsPerRequest)} | ${stats.serverLoopMsPerRequest === undefined ? 'n/a' : fmtMs(stats.serverLoopMsPerRequest)} |`,
      );
    }
    const cpuRatio =
      result.baseline.serverCpuMsPerRequest && result.subject.serverCpuMsPerRequest ? result.baseline.serverCpuMsPerRequest / result.subject.serverCpuMsPerRequest : undefined;
    lines.push(
      '',
      `Ratio: **${fmtRatio(result.ratio)}**.` +
        (result.target ? ` Target: ${result.target.description} — **${result.target.met ? 'met' : 'not met'}**.` : '') +
        (cpuRatio === undefined ? '' : ` By server CPU per request the subject is at ${fmtRatio(cpuRatio)} of the baseline's efficiency.`),
      '',
    );
    for (const note of result.notes) lines.push(`- ${note}`);
    if (result.notes.length > 0) lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

export function writeBenchmarksDoc(results: BenchResult[], meta: RunMeta, file = BENCHMARKS_DOC): string {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, renderMarkdown(results, meta));
  return file;
}

/** A plain-text table for the terminal. */
export function renderTable(results: BenchResult[]): string {
  const header = ['benchmark', 'baseline req/s', 'subject req/s', 'ratio', 'subject p50', 'subject p99', 'server CPU/req', 'errors', 'target'];
  const rows = results.map((result) => [
    result.name,
    fmt(result.baseline.throughput),
    fmt(result.subject.throughput),
    fmtRatio(result.ratio),
    fmtMs(result.subject.p50),
    fmtMs(result.subject.p99),
    result.baseline.serverCpuMsPerRequest === undefined || result.subject.serverCpuMsPerRequest === undefined
      ? 'n/a'
      : `${fmt(result.baseline.serverCpuMsPerRequest)} → ${fmt(result.subject.serverCpuMsPerRequest)} ms`,
    String(result.baseline.errors + result.subject.errors),
    result.target ? `${result.target.met ? 'met' : 'MISSED'}: ${result.target.description}` : '—',
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ');
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

/** Reads a JSON file, or undefined when it is missing or unreadable. */
export function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** What every benchmark dataset records about itself in its `dataset.json`. */
export interface DatasetMetaBase {
  key: string;
  count: number;
  complete: boolean;
  tenantId: string;
  tenantName: string;
  clientId: string;
  clientSecret: string;
  buildSeconds?: number;
  builtAt?: string;
}

export interface BenchDataset<M extends DatasetMetaBase> {
  dir: string;
  meta: M;
  /** Built in this run (not reused). */
  built: boolean;
}

export const countLabel = (count: number) => (count >= 1_000_000 ? `${count / 1_000_000}M` : `${count / 1000}k`);

/**
 * A dataset kept under bench/.data/<key>: reused when a complete one with the same key and
 * files exists, otherwise built by `build` (which may write an early, incomplete meta with
 * `writeMeta`). Datasets of the same benchmark and size under another key were made by an
 * older schema or generator and are removed first: the large ones are gigabytes.
 */
export async function reusableDataset<M extends DatasetMetaBase>(
  options: BenchOptions,
  spec: { benchmark: string; key: string; count: number; files: string[]; rebuild?: boolean; how?: string; removeStale?: ((dir: string) => Promise<void>) | undefined },
  build: (dir: string, writeMeta: (meta: M) => void) => Promise<Omit<M, 'complete' | 'buildSeconds' | 'builtAt'>>,
): Promise<BenchDataset<M>> {
  const { log } = options;
  const dir = join(options.dataDir, spec.key);
  const metaFile = join(dir, 'dataset.json');
  const size = countLabel(spec.count);
  const existing = readJson<M>(metaFile);
  if (!spec.rebuild && existing?.complete && existing.key === spec.key && spec.files.every((file) => existsSync(join(dir, file)))) {
    log(`${spec.benchmark}: reusing ${size} dataset bench/.data/${spec.key}`);
    return { dir, meta: existing, built: false };
  }
  if (existsSync(options.dataDir)) {
    for (const entry of readdirSync(options.dataDir)) {
      if (entry !== spec.key && entry.startsWith(`${spec.benchmark}-`) && entry.endsWith(`-n${spec.count}`)) {
        log(`${spec.benchmark}: removing stale dataset bench/.data/${entry}`);
        await spec.removeStale?.(join(options.dataDir, entry));
        rmSync(join(options.dataDir, entry), { recursive: true, force: true });
      }
    }
  }
  rmSync(dir, { recursive: true, force: true });
  log(`${spec.benchmark}: building ${size} dataset in bench/.data/${spec.key}${spec.how ? ` ${spec.how}` : ''} (once; later runs reuse it)`);
  const started = performance.now();
  const writeMeta = (meta: M) => writeFileSync(metaFile, `${JSON.stringify(meta, null, 2)}\n`, { mode: 0o600 });
  const built = await build(dir, writeMeta);
  const meta = { ...built, complete: true, buildSeconds: (performance.now() - started) / 1000, builtAt: new Date().toISOString() } as M;
  writeMeta(meta);
  log(`${spec.benchmark}: ${size} dataset built in ${fmt(meta.buildSeconds!)} s`);
  return { dir, meta, built: true };
}
