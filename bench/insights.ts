/**
 * Insights (issue 12): export throughput and the server's peak RSS for user-access reports of
 * two sizes, against a raw scan of the same rows from storage in the same run; and direct-read
 * pages (POST /insights/users/access, first and deep pages) against a bare route doing the same
 * storage read.
 *
 * The server runs as its own process (bin/meridian.mjs start on the dataset's directory), so
 * its peak RSS is its own: the kernel's high-water mark (VmHWM) is reset before each export
 * (`/proc/<pid>/clear_refs`) and read when it finished. Datasets are built once through the
 * producer API by the simulator (`--insights-objects`, `--insights-reviewer-groups`) and kept in
 * bench/.data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import SQLite from 'better-sqlite3';
import { createHttpClient } from '../src/platform/http-client.js';
import { PRODUCER_PERMISSION } from '../src/platform/producer.js';
import { simulateInsights } from '../src/insights/simulator.js';
import { buildWorld } from '../src/simulator/world.js';
import { SQLITE_CACHE_KIB } from '../src/storage/database.js';
import { ensureLocalTls } from '../src/platform/tls/local-ca.js';
import {
  BENCH_REGION,
  REPO_ROOT,
  countLabel,
  createBaselineServer,
  fmt,
  fmtRatio,
  loopbackOrigin,
  measurePair,
  readJson,
  startBenchMeridian,
  type BenchOptions,
  type BenchResult,
  type RequestSpec,
  type Stats,
} from './lib.js';

const PERMISSION = 'insights.graph.readwrite.all';
const SEED = 'insights-bench';
const END_MS = Date.UTC(2025, 0, 1);
/** Reviewer groups of the first user: its access is this many rows per object (plus its own). */
const REVIEWER_GROUPS = 10;
const ALL_SOURCES = ['Microsoft Teams', 'SharePoint Online', 'OneDrive', 'Microsoft 365 Group'].map((name) => `dataSources=${encodeURIComponent(name)}`).join('&');

interface DatasetMeta {
  rows: number;
  objects: number;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  userMail: string;
  userId: string;
}

/** A dataset whose first user's access is about `rows` rows: REVIEWER_GROUPS grants on every object. */
async function ensureDataset(rows: number, options: BenchOptions): Promise<{ dir: string; meta: DatasetMeta }> {
  const dir = join(options.dataDir, `insights-${countLabel(rows)}`);
  const metaFile = join(dir, 'insights-dataset.json');
  const existing = readJson<DatasetMeta>(metaFile);
  if (existing && existing.rows === rows) return { dir, meta: existing };
  rmSync(dir, { recursive: true, force: true });
  const objects = Math.ceil(rows / REVIEWER_GROUPS);
  options.log(`insights: building the ${countLabel(rows)} dataset (${objects} objects, ${REVIEWER_GROUPS} reviewer groups) through the producer API`);
  const bench = await startBenchMeridian({ dataDir: dir, regions: [BENCH_REGION] });
  try {
    const app = await bench.tenantWithApp([PERMISSION]);
    const identity = [...bench.meridian.identities.values()][0]!;
    const producer = async () => (await identity.issuer.issue({ clientId: 'bench-producer', appName: 'bench producer', tenantId: app.tenantId, tenantRegion: BENCH_REGION, scopes: [PRODUCER_PERMISSION] })).access_token;
    let token = await producer();
    const world = buildWorld({ tenantId: app.tenantId, tenantName: app.tenantName, seed: SEED, endMs: END_MS });
    let sent = 0;
    const started = performance.now();
    for (const batch of simulateInsights({ world, seed: SEED, endMs: END_MS, days: 90, objects, reviewerGroups: REVIEWER_GROUPS, activities: 0, googleObjects: 0 })) {
      const response = await bench.meridian.fetch(`${bench.regionUrl()}/producer/insights/${batch.feed}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ value: batch.value }) });
      if (!response.ok) throw new Error(`seeding ${batch.feed} failed: HTTP ${response.status} ${(await response.text()).slice(0, 300)}`);
      sent += batch.value.length;
      if (sent % 200_000 < batch.value.length) {
        options.log(`insights: ${countLabel(rows)}: ${sent} items in ${((performance.now() - started) / 1000).toFixed(0)} s`);
        token = await producer();
      }
    }
    const meta: DatasetMeta = { rows, objects, tenantId: app.tenantId, clientId: app.clientId, clientSecret: app.clientSecret, userMail: world.users[0]!.mail, userId: world.users[0]!.id };
    writeFileSync(metaFile, JSON.stringify(meta, null, 2));
    return { dir, meta };
  } finally {
    await bench.close();
  }
}

/** Meridian as its own process on the dataset's directory. */
class ServerProcess {
  child!: ChildProcess;
  endpoints!: { identity: string; regions: Record<string, string>; caCertificate: string };
  fetch!: typeof fetch;
  caPem!: string;
  private output = '';

  constructor(private readonly dir: string) {}

  async start(): Promise<void> {
    const file = join(this.dir, 'endpoints.json');
    rmSync(file, { force: true });
    this.child = spawn(process.execPath, [join(REPO_ROOT, 'bin/meridian.mjs'), 'start'], {
      env: { ...process.env, MERIDIAN_DATA_DIR: this.dir, MERIDIAN_BASE_PORT: '0', MERIDIAN_REGIONS: BENCH_REGION, MERIDIAN_DEMO: '0', MERIDIAN_GLOBAL: '0', MERIDIAN_LOG_LEVEL: 'warn', MERIDIAN_RATE_LIMIT_PER_MINUTE: '1000000000', MERIDIAN_TOKEN_RATE_LIMIT_PER_MINUTE: '1000000000' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-4000)));
    this.child.stderr!.on('data', (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-4000)));
    const until = Date.now() + 120_000;
    while (!existsSync(file) || !/Meridian is running/.test(this.output)) {
      if (this.child.exitCode !== null) throw new Error(`Meridian exited: ${this.output}`);
      if (Date.now() > until) throw new Error(`Meridian did not start: ${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    this.endpoints = JSON.parse(readFileSync(file, 'utf8'));
    this.caPem = readFileSync(this.endpoints.caCertificate, 'utf8');
    this.fetch = createHttpClient(this.caPem);
  }

  /** Resets the kernel's resident-set high-water mark of the server process. */
  resetPeak(): void {
    writeFileSync(`/proc/${this.child.pid}/clear_refs`, '5');
  }

  /** kB of resident memory: now (VmRSS) and the most since the last reset (VmHWM). */
  memory(): { rssKb: number; peakKb: number } {
    const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? Number.NaN);
    return { rssKb: field('VmRSS'), peakKb: field('VmHWM') };
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}

/** The statements the raw scan and the bare route run: a user's principals, and one principal's entries joined with their objects. */
function prepareScan(db: SQLite.Database, tenantId: string) {
  const entries = db
    .prepare(
      `select p.seq, p.permission, p.inherit_type, p.principal_kind, p.principal_name, o.name, o.url, o.object_type, o.sensitivity_level, o.data_types, o.sensitivity_label, o.trainable_classifier, w.title, w.module
       from insights_permissions p
       join insights_objects o on o.tenant_id = p.tenant_id and o.platform = p.platform and o.object_id = p.object_id
       join insights_workspaces w on w.tenant_id = p.tenant_id and w.platform = p.platform and w.workspace_id = p.workspace_id
       where p.tenant_id = ? and p.platform = 'm365' and p.principal_key = ? and p.seq > ? order by p.seq limit ?`,
    )
    .raw(true);
  // The groups the user stands in, nested ones included, walked as Meridian walks them (src/insights/graph/group-nesting.ts).
  const groups = db
    .prepare(
      `with recursive reached(group_id) as (
         select group_id from insights_group_members where tenant_id = @tenantId and platform = 'm365' and user_id = @userId
         union
         select n.group_id from insights_group_nesting n join reached r on n.member_group_id = r.group_id where n.tenant_id = @tenantId and n.platform = 'm365'
       )
       select group_id from reached`,
    )
    .pluck();
  const links = db.prepare(`select link_id from insights_link_members where tenant_id = ? and platform = 'm365' and user_id = ?`).pluck();
  const specials = ['s:allUsersMembership', 's:allUsersWindows', 's:everyone', 's:everyoneExceptExternalUsers'];
  const keysOf = (userId: string) => [...new Set([`u:${userId}`, ...(groups.all({ tenantId, userId }) as string[]).map((id) => `g:${id}`), ...(links.all(tenantId, userId) as string[]).map((id) => `l:${id}`), ...specials])].sort();
  return { entries, keysOf };
}

type EntryRow = [number, string, string, string, string, string, string, string, string, string, string | null, string | null, string, string];

const render = (row: EntryRow) => ({
  module: row[13], siteName: row[12], name: row[5], location: row[6], objectType: row[7], inheritType: row[2], permission: row[1], sensitivityLevel: row[8],
  dataType: (JSON.parse(row[9]) as string[]).join(', '), isDirect: row[3] === 'user', sensitivityLabel: row[10] ?? '', trainableClassifier: row[11] ?? '', inheritedFrom: row[3] === 'user' ? '' : row[4],
});

/** Every row of the user's access straight from the SQLite file, in the export's order, rendered as the export's cells are. */
function rawScan(file: string, meta: DatasetMeta): { rows: number; seconds: number } {
  const db = new SQLite(file, { readonly: true, fileMustExist: true });
  db.pragma(`cache_size = -${SQLITE_CACHE_KIB}`);
  try {
    const { entries, keysOf } = prepareScan(db, meta.tenantId);
    const started = performance.now();
    let rows = 0;
    for (const key of keysOf(meta.userId)) {
      let seq = 0;
      for (;;) {
        const batch = entries.all(meta.tenantId, key, seq, 1000) as EntryRow[];
        for (const row of batch) {
          render(row);
          rows++;
        }
        if (batch.length < 1000) break;
        seq = batch[batch.length - 1]![0];
      }
    }
    return { rows, seconds: (performance.now() - started) / 1000 };
  } finally {
    db.close();
  }
}

const rateStats = (count: number, seconds: number): Stats => ({ requests: count, seconds, throughput: count / seconds, p50: seconds * 1000, p90: seconds * 1000, p99: seconds * 1000, errors: 0 });

export async function benchInsights(options: BenchOptions): Promise<BenchResult[]> {
  const { log } = options;
  const sizes = options.quick ? [5_000, 20_000] : [100_000, 1_000_000];
  const results: BenchResult[] = [];
  const peaks: { rows: number; peakKb: number; idleKb: number }[] = [];
  let pagesResult: BenchResult | undefined;
  for (const size of sizes) {
    const { dir, meta } = await ensureDataset(size, options);
    const server = new ServerProcess(dir);
    await server.start();
    try {
      const identity = server.endpoints.identity;
      const tokenResponse = await server.fetch(`${identity}/connect/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'client_credentials', client_id: meta.clientId, client_secret: meta.clientSecret }).toString() });
      const token = ((await tokenResponse.json()) as { access_token: string }).access_token;
      const region = server.endpoints.regions[BENCH_REGION]!;
      const call = async (path: string, init: RequestInit = {}) => {
        const response = await server.fetch(`${region}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
        const text = await response.text();
        if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${text.slice(0, 300)}`);
        return JSON.parse(text) as any;
      };

      const scan = rawScan(join(dir, `region-${BENCH_REGION}.sqlite`), meta);
      log(`insights: ${countLabel(size)}: raw scan of ${scan.rows} rows in ${scan.seconds.toFixed(2)} s`);

      // One export to warm the server up (its code paths, statements and page cache), then the measured one.
      const exportOnce = async (measure: boolean) => {
        const started = performance.now();
        const { jobId } = (await call(`/insights/users/${encodeURIComponent(meta.userMail)}/access/export?${ALL_SOURCES}`)) as { jobId: string };
        let status: { jobStatus: number; message: string };
        let polledPeakKb = 0;
        do {
          await new Promise((resolve) => setTimeout(resolve, 25));
          status = await call(`/insights/job/${jobId}/exportstatus`);
          if (measure) polledPeakKb = Math.max(polledPeakKb, server.memory().peakKb);
        } while (status.jobStatus === 1);
        if (status.jobStatus !== 2) throw new Error(`the export failed: ${status.message}`);
        return { jobId, seconds: (performance.now() - started) / 1000, polledPeakKb };
      };
      await exportOnce(false);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      server.resetPeak();
      const idle = server.memory();
      const { jobId, seconds, polledPeakKb } = await exportOnce(true);
      const peakKb = Math.max(polledPeakKb, server.memory().peakKb);
      const file = await server.fetch(`${region}/insights/job/${jobId}/exportfile`, { headers: { authorization: `Bearer ${token}` } });
      const bytes = (await file.arrayBuffer()).byteLength;
      peaks.push({ rows: scan.rows, peakKb, idleKb: idle.rssKb });
      log(`insights: ${countLabel(size)}: export of ${scan.rows} rows in ${seconds.toFixed(2)} s, ${(bytes / 1e6).toFixed(1)} MB, peak RSS ${(peakKb / 1024).toFixed(0)} MiB`);
      const subject = rateStats(scan.rows, seconds);
      const baseline = rateStats(scan.rows, scan.seconds);
      const ratio = subject.throughput / baseline.throughput;
      results.push({
        name: `insights export: user access, ${countLabel(size)} rows`,
        labels: { baseline: 'raw scan of the same rows from SQLite (rows/s)', subject: 'export job: graph → XLSX → ZIP → blob store (rows/s)' },
        baseline,
        subject,
        ratio,
        target: { description: '≥ 50 % of the raw scan\'s rows per second', met: ratio >= 0.5 },
        notes: [
          `${scan.rows} rows; export ${fmt(subject.throughput)} rows/s in ${seconds.toFixed(2)} s (start to finished status, polled every 25 ms, after one warm-up export), raw scan ${fmt(baseline.throughput)} rows/s; ratio ${fmtRatio(ratio)}.`,
          `Server process peak RSS during the export ${(peakKb / 1024).toFixed(0)} MiB (idle before it ${(idle.rssKb / 1024).toFixed(0)} MiB); the file is ${(bytes / 1e6).toFixed(1)} MB.`,
        ],
      });

      // Direct-read pages, on the smaller dataset: first and deep pages against a bare route with the same storage read.
      if (size === sizes[0]) pagesResult = await benchPages(options, server, region, token, dir, meta);
    } finally {
      await server.stop();
    }
  }
  const [small, large] = peaks;
  if (small && large) {
    const growth = large.peakKb / small.peakKb;
    results.push({
      name: `insights export: peak RSS, ${countLabel(sizes[1]!)} against ${countLabel(sizes[0]!)} rows`,
      labels: { baseline: `peak RSS at ${countLabel(sizes[0]!)} rows (MiB)`, subject: `peak RSS at ${countLabel(sizes[1]!)} rows (MiB)` },
      baseline: rateStats(small.peakKb / 1024, 1),
      subject: rateStats(large.peakKb / 1024, 1),
      ratio: growth,
      target: { description: `peak RSS at ${countLabel(sizes[1]!)} within 25 % of peak RSS at ${countLabel(sizes[0]!)}`, met: growth <= 1.25 },
      notes: [`${(small.peakKb / 1024).toFixed(0)} MiB for ${small.rows} rows, ${(large.peakKb / 1024).toFixed(0)} MiB for ${large.rows} rows: ${fmtRatio(growth)} (the "throughput" columns hold MiB here).`],
    });
  }
  if (pagesResult) results.push(pagesResult);
  return results;
}

/** POST /insights/users/access pages (first and deep) against a bare Fastify route running the same SQLite reads. */
async function benchPages(options: BenchOptions, server: ServerProcess, region: string, token: string, dir: string, meta: DatasetMeta): Promise<BenchResult> {
  const timing = options.quick ? { warmupMs: 500, durationMs: 2000, rounds: 1, retries: 0, quietWaitMs: 500 } : { warmupMs: 1500, durationMs: 6000, rounds: 2, retries: 1, quietWaitMs: 10_000 };
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  // Walk the user's access; keep the first page and an even sample of later ones.
  const bodies: string[] = [];
  let nextLink: string | null = null;
  let page = 0;
  const keepEvery = options.quick ? 5 : 50;
  do {
    const body = JSON.stringify({ emails: [meta.userMail], pageSize: 100, ...(nextLink ? { nextLink } : {}) });
    const response = await server.fetch(`${region}/insights/users/access`, { method: 'POST', headers, body });
    const parsed = (await response.json()) as { values: unknown[]; nextLink: string | null };
    if (page % keepEvery === 0) bodies.push(body);
    nextLink = parsed.nextLink;
    page++;
  } while (nextLink && page < (options.quick ? 60 : 3000));

  // The floor: the same page reads on a read-only connection to the same file, positions walked the same way.
  const db = new SQLite(join(dir, `region-${BENCH_REGION}.sqlite`), { readonly: true, fileMustExist: true });
  db.pragma(`cache_size = -${SQLITE_CACHE_KIB}`);
  const { entries, keysOf } = prepareScan(db, meta.tenantId);
  const keys = keysOf(meta.userId);
  type Position = { key: number; seq: number };
  /** Up to `count` rows from `start` in the export's order, and the position after them. */
  const readFrom = (start: Position, count: number, keys: string[]) => {
    const rows: EntryRow[] = [];
    let { key, seq } = start;
    while (rows.length < count && key < keys.length) {
      const want = count - rows.length;
      const batch = entries.all(meta.tenantId, keys[key]!, seq, want) as EntryRow[];
      rows.push(...batch);
      if (batch.length < want) [key, seq] = [key + 1, 0];
      else seq = batch[batch.length - 1]![0];
    }
    return { rows, next: { key, seq } };
  };
  const positions: Position[] = [];
  let at: Position = { key: 0, seq: 0 };
  for (let index = 0; index < page; index++) {
    if (index % keepEvery === 0) positions.push(at);
    at = readFrom(at, 100, keys).next;
  }
  // Per request, the reads Meridian's route makes: the user by email, the principals they stand in, then the page.
  const userByMail = db.prepare(`select user_id from insights_users where tenant_id = ? and platform = 'm365' and (login_key = ? or email_key = ?) order by seq limit 1`).pluck();
  const mailKey = meta.userMail.toLowerCase();
  const readPage = (start: Position) => {
    const userId = userByMail.get(meta.tenantId, mailKey, mailKey) as string;
    const { rows } = readFrom(start, 101, keysOf(userId));
    return JSON.stringify({ values: rows.slice(0, 100).map(render), status: 200, message: '', nextLink: rows.length > 100 ? 'x'.repeat(180) : null });
  };
  // The floor must read what Meridian answers: the sampled pages' rows are compared once.
  for (const [index, body] of bodies.entries()) {
    const response = await server.fetch(`${region}/insights/users/access`, { method: 'POST', headers, body });
    const meridianRows = ((await response.json()) as { values: unknown[] }).values;
    if (JSON.stringify(meridianRows) !== JSON.stringify((JSON.parse(readPage(positions[index]!)) as { values: unknown[] }).values)) throw new Error(`the bare route would not read Meridian's rows for sampled page ${index}`);
  }
  const byBody = new Map(bodies.map((body, index) => [body, positions[index]!]));
  const local = await ensureLocalTls(join(dir, 'tls'));
  const tls = { key: local.keyPem, cert: local.certPem };
  const bare = await createBaselineServer({
    tls,
    routes: (app) => {
      app.post('/insights/users/access', (request, reply) => {
        const position = byBody.get(JSON.stringify(request.body));
        if (!position) return reply.code(404).send({ error: 'not sampled' });
        return reply.header('content-type', 'application/json; charset=utf-8').send(readPage(position));
      });
    },
  });
  try {
    const requests = (origin: string): RequestSpec[] => bodies.map((body) => ({ method: 'POST', path: '/insights/users/access', headers: origin === 'bare' ? { 'content-type': 'application/json' } : headers, body }));
    const spec = (origin: string, kind: string) => ({ origin, caPem: server.caPem, concurrency: 8, warmupMs: timing.warmupMs, durationMs: timing.durationMs, requests: requests(kind), expectBodyIncludes: '"values":[' });
    const measured = await measurePair({ baseline: spec(bare.origin, 'bare'), subject: spec(loopbackOrigin(region), 'meridian'), rounds: timing.rounds, retries: timing.retries, quietWaitMs: timing.quietWaitMs, log: options.log, label: 'insights pages' });
    return {
      name: 'insights direct read: POST /insights/users/access pages',
      labels: { baseline: 'bare Fastify POST route, same SQLite reads (user, principals, page)', subject: 'Meridian POST /insights/users/access' },
      baseline: measured.baseline,
      subject: measured.subject,
      ratio: measured.ratio,
      target: { description: '≥ 70 % of the bare route with the same storage read', met: measured.ratio >= 0.7 },
      notes: [`${bodies.length} sampled pages of ${page} walked (the first and every ${keepEvery}th), 100 rows each, concurrency 8.`, measured.cpuNote],
    };
  } finally {
    await bare.close();
    db.close();
  }
}
