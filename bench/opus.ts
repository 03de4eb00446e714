/**
 * AvePoint Opus connector benchmarks, each against an in-memory baseline (a bare Fastify
 * HTTPS route with Meridian's certificate doing the same from memory):
 *
 * - submit: POST /records/connector/records with 15 new records a call (validated, stored
 *   durably with synchronous=FULL, audited) vs a route that parses and checks the same body
 *   and keeps the records in a Map;
 * - due pages: GET /records/connector/records pages of 100 on a connection holding 1 M
 *   records (first pages and deep startIndex pages) vs a route returning the same page bytes.
 *
 * The 1 M-record dataset is bulk-loaded through Meridian's own store (RecordSubmission, the
 * code behind the submit endpoint, in batches of 1000 records) into a data directory under
 * bench/.data/, built once and reused while the schema and generator are unchanged.
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Kysely } from 'kysely';
import { PRODUCER_PERMISSION } from '../src/platform/producer.js';
import { opusMigrations, type OpusTables } from '../src/opus/schema.js';
import { ConnectionStore } from '../src/opus/connector/connection-store.js';
import { RecordSubmission } from '../src/opus/connector/submission.js';
import { TermService } from '../src/opus/retention/terms.js';
import { makeSubmitRequests, RECORDS_PER_CALL, type SubmitRequestArgs } from './opus-requests.js';
import {
  cpuNote,
  createBaselineServer,
  createMemoryRoute,
  meanPageBytes,
  fmt,
  loopbackOrigin,
  measureSides,
  ratioOf,
  startBenchMeridian,
  type BenchMeridian,
  type BenchOptions,
  type BenchResult,
  type LoadSpec,
  type RequestSpec,
  UNREACHABLE_RATE_LIMIT,
  countLabel,
  reusableDataset,
  type BenchDataset,
  type DatasetMetaBase,
  DAY_MS,
  HISTORY_END_MS,
  BENCH_REGION,
} from './lib.js';

const DATASET_VERSION = 1;
const TERM = 'Finance/Invoices/Paid';
const RETAIN_DAYS = 5 * 365;
/** Records are created over the ten years before HISTORY_END_MS. */
const HISTORY_MS = 10 * 365 * DAY_MS;
const LOAD_BATCH = 1000;
const COLUMNS = [
  { name: 'Amount', type: 'Number' },
  { name: 'Region', type: 'SingleChoice', choices: ['North', 'South', 'East', 'West'] },
  { name: 'Owners', type: 'PeopleOrGroup' },
];
const RATE_NOTE = `Meridian's regional rate limit is set to ${UNREACHABLE_RATE_LIMIT.toLocaleString('en-US')} a minute: the limiter runs on every request but never refuses one.`;

interface DatasetMeta extends DatasetMetaBase {
  connectionId: string;
  recordsPerSecond?: number;
}

/** Shorter windows than the other benchmarks: three measurements and a 1 M-record dataset fit in about five minutes. */
const TIMING = (options: BenchOptions) =>
  options.quick ? { warmupMs: 1000, durationMs: 3000, rounds: 1, retries: 0, quietWaitMs: 1000 } : { warmupMs: 1500, durationMs: 6000, rounds: 2, retries: 1, quietWaitMs: 5000 };


export async function benchOpus(options: BenchOptions): Promise<BenchResult[]> {
  return [await benchSubmit(options), ...(await benchDuePages(options))];
}

/** An Opus admin call on the region with a producer token, as the CLI makes it. */
async function adminCall(bench: BenchMeridian, tenantId: string, path: string, body: unknown): Promise<any> {
  const identity = bench.meridian.identities.get('commercial')!;
  const { access_token: token } = await identity.issuer.issue({ clientId: 'bench-admin', appName: 'bench admin', tenantId, tenantRegion: BENCH_REGION, scopes: [PRODUCER_PERMISSION] });
  const response = await bench.meridian.fetch(`${bench.regionUrl(BENCH_REGION)}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${path}: HTTP ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

async function setUpTenant(bench: BenchMeridian, name: string) {
  const app = await bench.tenantWithApp(['records.readwrite.all'], BENCH_REGION, name);
  const connection = await adminCall(bench, app.tenantId, '/admin/opus/connections', { name: 'Invoices', columns: COLUMNS });
  await adminCall(bench, app.tenantId, '/admin/opus/terms', { path: TERM, retainDays: RETAIN_DAYS, after: 'created' });
  return { app, connectionId: connection.id as string };
}

// ---------------------------------------------------------------------------------------
// Submit

async function benchSubmit(options: BenchOptions): Promise<BenchResult> {
  const { log } = options;
  const timing = TIMING(options);
  const concurrency = 8;
  const bench = await startBenchMeridian({ regions: [BENCH_REGION] });
  const closers: Array<() => Promise<void>> = [() => bench.close()];
  try {
    const { app, connectionId } = await setUpTenant(bench, 'bench-opus-submit');
    const token = await bench.token(app);
    const stored = new Map<string, Record<string, unknown>>();
    const memory = await createBaselineServer({
      tls: bench.tls,
      bodyLimit: 4 * 1024 * 1024,
      routes: (server) => {
        server.post('/records/connector/records', (request, reply) => {
          const body = request.body as { id?: unknown; conflictOption?: unknown; data?: unknown };
          if (body.id !== connectionId || (body.conflictOption !== 'Overwrite' && body.conflictOption !== 'Skip') || !Array.isArray(body.data) || body.data.length === 0 || body.data.length > RECORDS_PER_CALL) {
            return reply.code(400).send({ statusCode: 400, message: 'bad request' });
          }
          for (const item of body.data as Array<Record<string, unknown>>) {
            if (typeof item.rowKey !== 'string' || typeof item.leafName !== 'string') return reply.code(418).send({ statusCode: 418, message: 'failed' });
            stored.set(item.rowKey, item);
          }
          return reply.code(201).send({ statusCode: 201, message: null });
        });
      },
    });
    closers.unshift(() => memory.close());

    let run = 0;
    const base = { caPem: bench.caPem, concurrency, warmupMs: timing.warmupMs, durationMs: timing.durationMs, expectStatus: 201 };
    const args = (count: number): SubmitRequestArgs => ({ count, prefix: `run${++run}`, connectionId, token, term: TERM });
    // Meridian inserts each run's records anew (fresh keys per run); the floor cycles a smaller set through its Map.
    const subjectCount = options.quick ? 8000 : 40_000;
    const baselineRequests: RequestSpec[] = makeSubmitRequests(args(options.quick ? 500 : 2000));
    log(`opus: submit, 15 records a call, memory / meridian (${timing.rounds} round(s) of ${timing.durationMs / 1000} s, concurrency ${concurrency})`);
    const measured = await measureSides(
      {
        memory: { ...base, origin: memory.origin, requests: baselineRequests } satisfies LoadSpec,
        meridian: (): LoadSpec => ({ ...base, origin: loopbackOrigin(bench.regionUrl(BENCH_REGION)), unique: true, source: { module: 'bench/opus-requests.ts', export: 'makeSubmitRequests', args: args(subjectCount) } }),
      },
      { rounds: timing.rounds, retries: timing.retries, quietWaitMs: timing.quietWaitMs, log, label: 'opus submit' },
    );
    const baseline = measured.memory.stats;
    const subject = measured.meridian.stats;
    const exhausted = measured.meridian.runs.some((output) => output.exhausted);
    return {
      name: 'opus submit: 15 records a call',
      labels: { baseline: 'bare Fastify HTTPS route parsing the same body and keeping the records in a Map', subject: 'Meridian POST /records/connector/records' },
      baseline,
      subject,
      ratio: ratioOf(subject, baseline),
      notes: [
        `Records per second: Meridian ${fmt(subject.throughput * RECORDS_PER_CALL)}, in-memory route ${fmt(baseline.throughput * RECORDS_PER_CALL)}.`,
        `Each Meridian call: token check, schema and per-column validation of 15 records (a Number, a Choice, a Person column), the term's rule, one SQLite transaction inserting 15 new records and an audit outbox row, committed with synchronous=FULL (an fsync) before the 201.${exhausted ? ' Some runs used up their prepared requests before the window ended.' : ''}`,
        `Closed loop, ${concurrency} concurrent keep-alive HTTPS connections, ${timing.rounds} alternating round(s) of ${timing.durationMs / 1000} s after ${timing.warmupMs / 1000} s warm-up.`,
        RATE_NOTE,
        cpuNote({ 'in-memory route': measured.memory, Meridian: measured.meridian }),
      ],
    };
  } finally {
    for (const close of closers) await close().catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------
// Due-record pages on a large connection

async function benchDuePages(options: BenchOptions): Promise<BenchResult[]> {
  const { log } = options;
  const count = options.quick ? 50_000 : 1_000_000;
  const timing = TIMING(options);
  const sampling = options.quick ? { firstPages: 16, maxWalk: 100, keep: 40 } : { firstPages: 48, maxWalk: 1500, keep: 150 };
  const concurrency = 8;
  const { dir, meta, built } = await ensureDataset(count, options);
  const bench = await startBenchMeridian({ dataDir: dir, regions: [BENCH_REGION] });
  const closers: Array<() => Promise<void>> = [() => bench.close()];
  try {
    const token = await bench.token(meta);
    const headers = { authorization: `Bearer ${token}`, accept: 'application/json' };
    const pages = new Map<string, Buffer>();
    const get = async (path: string) => {
      const response = await bench.meridian.fetch(`${bench.regionUrl(BENCH_REGION)}${path}`, { headers });
      const body = Buffer.from(await response.arrayBuffer());
      if (response.status !== 200) throw new Error(`GET ${path}: HTTP ${response.status} ${body.toString('utf8').slice(0, 300)}`);
      pages.set(path, body);
      return JSON.parse(body.toString('utf8')) as { startIndex: string | null; queriedItems: unknown[] };
    };
    const pagePath = (before: string, startIndex = '') =>
      `/records/connector/records?${new URLSearchParams({ id: meta.connectionId, disposalDueDate: before, startIndex, itemsPerPage: '100' }).toString()}`;

    // First pages: listings of records due before dates spread over the history's due dates.
    const first: RequestSpec[] = [];
    const firstDue = HISTORY_END_MS - HISTORY_MS + RETAIN_DAYS * DAY_MS;
    for (let k = 0; k < sampling.firstPages; k++) {
      const before = new Date(firstDue + 30 * DAY_MS + Math.floor(((HISTORY_MS - 60 * DAY_MS) * k) / sampling.firstPages) + k * 7919_000).toISOString();
      const path = pagePath(before);
      const page = await get(path);
      if (page.queriedItems.length === 0) throw new Error(`listing before ${before} is empty`);
      first.push({ path, headers });
    }
    // Deep pages: follow startIndex through one long listing; keep an even sample of pages 2...
    const walkStarted = performance.now();
    const trail: string[] = [];
    let startIndex: string | null = '';
    const listing = new Date(HISTORY_END_MS + RETAIN_DAYS * DAY_MS).toISOString();
    for (let depth = 1; startIndex !== null && depth <= sampling.maxWalk; depth++) {
      const path = pagePath(listing, startIndex);
      const page = await get(path);
      if (depth >= 2) trail.push(path);
      startIndex = page.startIndex;
    }
    const walkSeconds = (performance.now() - walkStarted) / 1000;
    const step = Math.max(1, trail.length / sampling.keep);
    const kept = new Set<string>();
    for (let i = 0; i < trail.length; i += step) kept.add(trail[Math.floor(i)]!);
    if (trail.length > 0) kept.add(trail[trail.length - 1]!);
    for (const path of trail) if (!kept.has(path)) pages.delete(path);
    const deep: RequestSpec[] = [...kept].map((path) => ({ path, headers }));

    const memory = await createMemoryRoute(bench.tls, '/records/connector/records', pages);
    closers.unshift(() => memory.close());
    const pageBytes = meanPageBytes(pages);
    const dataNote =
      `Dataset: ${count.toLocaleString('en-US')} records in one connection, created over ten years, classified under a term kept ${RETAIN_DAYS} days after created; ` +
      (built ? `bulk-loaded in this run through Meridian's store (RecordSubmission, batches of ${LOAD_BATCH}) in ${fmt(meta.buildSeconds ?? 0)} s (${fmt(meta.recordsPerSecond ?? 0)} records/s).` : `reused from bench/.data/${meta.key} (bulk-loaded through Meridian's store, built ${meta.builtAt ?? '?'}).`);
    const requestNote = `Requests: ${first.length} first pages of listings with different disposalDueDate values; ${deep.length} deep pages sampled from a walk of ${trail.length + 1} pages following startIndex (${fmt(walkSeconds)} s). Pages of 100 records, ${fmt(pageBytes / 1024)} KiB on average.`;

    const results: BenchResult[] = [];
    const base = { caPem: bench.caPem, concurrency, warmupMs: timing.warmupMs, durationMs: timing.durationMs, expectBodyIncludes: '"queriedItems":[' };
    for (const kind of ['first', 'deep'] as const) {
      const requests = kind === 'first' ? first : deep;
      log(`opus: ${countLabel(count)} due pages (${kind}), memory / meridian (${timing.rounds} round(s) of ${timing.durationMs / 1000} s, concurrency ${concurrency})`);
      const measured = await measureSides(
        { memory: { ...base, origin: memory.origin, requests }, meridian: { ...base, origin: loopbackOrigin(bench.regionUrl(BENCH_REGION)), requests } },
        { rounds: timing.rounds, retries: timing.retries, quietWaitMs: timing.quietWaitMs, log, label: `opus ${kind} pages` },
      );
      results.push({
        name: `opus ${countLabel(count)}: due records, ${kind} pages`,
        labels: { baseline: 'bare Fastify HTTPS route returning the same page bytes from memory', subject: `Meridian GET /records/connector/records (${kind === 'first' ? 'first page of a listing' : 'startIndex pages deep in a listing'})` },
        baseline: measured.memory.stats,
        subject: measured.meridian.stats,
        ratio: ratioOf(measured.meridian.stats, measured.memory.stats),
        notes: [dataNote, requestNote, `Closed loop, ${concurrency} concurrent keep-alive HTTPS connections, ${timing.rounds} alternating round(s) of ${timing.durationMs / 1000} s after ${timing.warmupMs / 1000} s warm-up.`, RATE_NOTE, cpuNote({ 'in-memory route': measured.memory, Meridian: measured.meridian })],
      });
    }
    return results;
  } finally {
    for (const close of closers) await close().catch(() => {});
  }
}

function datasetKey(count: number): string {
  const source = [String(DATASET_VERSION), ...Object.entries(opusMigrations.migrations).map(([name, make]) => `${name}:${make.toString()}`), datasetRecords.toString(), String(HISTORY_END_MS), String(RETAIN_DAYS)].join('\n');
  return `opus-v${DATASET_VERSION}-${createHash('sha256').update(source).digest('hex').slice(0, 10)}-n${count}`;
}

/** Batch `batch` of the dataset: records created evenly over the history, in submission form. */
function datasetRecords(batch: number): Array<Record<string, unknown>> {
  const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
  return Array.from({ length: LOAD_BATCH }, (_, i) => {
    const n = batch * LOAD_BATCH + i;
    // A stride coprime with the count scatters creation times, so due order is not insertion order.
    const created = HISTORY_END_MS - HISTORY_MS + ((n * 7_919) % 1_000_003) * (HISTORY_MS / 1_000_003);
    return {
      rowKey: `INV-${String(n).padStart(8, '0')}`,
      leafName: `Invoice ${n}.pdf`,
      termFullPath: TERM,
      timeCreated: stamp(created),
      timeModified: stamp(created + 3 * DAY_MS),
      createdBy: 'jack.smith',
      modifiedBy: 'maria.garcia',
      _Amount: n % 10_000,
      _Region: (n % 4) + 1,
    };
  });
}

async function ensureDataset(count: number, options: BenchOptions): Promise<BenchDataset<DatasetMeta>> {
  const { log } = options;
  const key = datasetKey(count);
  return reusableDataset<DatasetMeta>(options, { benchmark: 'opus', key, count, files: ['region-us.sqlite'], how: "through Meridian's store" }, async (dir) => {
    const started = performance.now();
    const bench = await startBenchMeridian({ dataDir: dir, regions: [BENCH_REGION] });
    try {
      const { app, connectionId } = await setUpTenant(bench, `bench-opus-${count}`);
      const region = bench.meridian.regions.get(BENCH_REGION)!;
      const db = region.context.db as Kysely<OpusTables>;
      const { engine, clock } = region.context;
      const submission = new RecordSubmission(db, engine, clock, new TermService(db, engine, clock));
      const connection = (await new ConnectionStore(db).get(app.tenantId, connectionId))!;
      let nextReport = 100_000;
      for (let batch = 0; batch * LOAD_BATCH < count; batch++) {
        const outcome = await submission.submit(app.tenantId, connection, 'Overwrite', datasetRecords(batch), 'bench-loader');
        if (outcome.failedItems.length > 0) throw new Error(`bulk load refused records: ${JSON.stringify(outcome.failedItems[0])}`);
        const done = (batch + 1) * LOAD_BATCH;
        if (done >= nextReport) {
          log(`opus: loaded ${done.toLocaleString('en-US')} / ${count.toLocaleString('en-US')} records (${fmt(done / ((performance.now() - started) / 1000))} records/s)`);
          nextReport += 100_000;
        }
      }
      return { key, count, ...app, connectionId, recordsPerSecond: count / ((performance.now() - started) / 1000) };
    } finally {
      await bench.close();
    }
  });
}
