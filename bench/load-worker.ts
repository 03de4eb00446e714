/**
 * The load generator's process: `node --import tsx bench/load-worker.ts <spec.json | ->` (- reads the spec from stdin).
 * Runs one closed loop described by a LoadSpec (bench/lib.ts) against a loopback HTTPS
 * origin and prints one WorkerOutput JSON document on stdout. Started by runLoad().
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { Pool } from 'undici';
import type { CpuShare, LoadSpec, RequestSpec, WorkerOutput } from './lib.js';

const HARD_MAX_REQUESTS = 5_000_000;

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('usage: load-worker.ts <spec.json | - for stdin>');
  const spec = JSON.parse(file === '-' ? await readStdin() : readFileSync(file, 'utf8')) as LoadSpec;
  if (!/^https:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(spec.origin)) throw new Error(`loopback origins only, not ${spec.origin}`);

  const prepareStart = performance.now();
  let requests: RequestSpec[] = spec.requests ?? [];
  if (spec.source) {
    const module = (await import(pathToFileURL(resolve(spec.source.module)).href)) as Record<string, unknown>;
    const make = module[spec.source.export];
    if (typeof make !== 'function') throw new Error(`${spec.source.module} has no function ${spec.source.export}`);
    requests = (await (make as (args: unknown) => Promise<RequestSpec[]> | RequestSpec[])(spec.source.args)) ?? [];
  }
  if (requests.length === 0) throw new Error('no requests to send');
  const prepareMs = performance.now() - prepareStart;

  const expectStatus = spec.expectStatus ?? 200;
  const expectBody = spec.expectBodyIncludes === undefined ? undefined : Buffer.from(spec.expectBodyIncludes);
  const maxRequests = Math.min(spec.maxRequests ?? HARD_MAX_REQUESTS, HARD_MAX_REQUESTS);
  const pool = new Pool(spec.origin, {
    connect: { ca: spec.caPem, rejectUnauthorized: true },
    connections: spec.concurrency,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    headersTimeout: 30_000,
    bodyTimeout: 30_000,
  });

  let next = 0;
  let exhausted = false;
  const take = (): RequestSpec | undefined => {
    if (spec.unique) {
      if (next >= requests.length) {
        exhausted = true;
        return undefined;
      }
      return requests[next++];
    }
    const request = requests[next % requests.length];
    next++;
    return request;
  };

  const start = performance.now();
  const measureStart = start + spec.warmupMs;
  let cpuAtStart: CpuSnapshot | undefined;
  const cpuTimer = setTimeout(() => (cpuAtStart = cpuSnapshot()), spec.warmupMs);
  const measureEnd = measureStart + spec.durationMs;
  const latencies: number[] = [];
  let errors = 0;
  let bytes = 0;
  let warmupRequests = 0;
  let lastEnd = measureStart;
  let firstError: string | undefined;

  const loop = async (): Promise<void> => {
    for (;;) {
      const now = performance.now();
      if (now >= measureEnd || latencies.length >= maxRequests) return;
      const request = take();
      if (!request) return;
      const sent = performance.now();
      let ok = false;
      let size = 0;
      try {
        const response = await pool.request({
          method: request.method ?? 'GET',
          path: request.path,
          headers: request.headers ?? {},
          body: request.body ?? null,
        });
        const chunks: Buffer[] = [];
        for await (const chunk of response.body) {
          size += (chunk as Buffer).length;
          chunks.push(chunk as Buffer);
        }
        ok = response.statusCode === expectStatus;
        if (ok && expectBody) ok = Buffer.concat(chunks).includes(expectBody);
        if (!ok && firstError === undefined) firstError = `HTTP ${response.statusCode}: ${Buffer.concat(chunks).toString('utf8').slice(0, 300)}`;
      } catch (error) {
        if (firstError === undefined) firstError = String(error);
      }
      const ended = performance.now();
      if (ended < measureStart) {
        warmupRequests++;
        continue;
      }
      // Completed in the measured window (a request sent just before it counts, one sent after it does not exist).
      latencies.push(Math.round((ended - sent) * 1000) / 1000);
      bytes += size;
      if (!ok) errors++;
      if (ended > lastEnd) lastEnd = ended;
    }
  };

  await Promise.all(Array.from({ length: spec.concurrency }, () => loop()));
  clearTimeout(cpuTimer);
  const cpu = cpuAtStart ? cpuShare(cpuAtStart, cpuSnapshot()) : undefined;
  await pool.close();
  const output: WorkerOutput = {
    requests: latencies.length,
    errors,
    seconds: Math.max(0, lastEnd - measureStart) / 1000,
    latencies,
    bytes,
    warmupRequests,
    exhausted,
    prepareMs,
    ...(cpu ? { cpu } : {}),
    ...(firstError === undefined ? {} : { firstError }),
  };
  process.stdout.write(JSON.stringify(output));
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

interface CpuSnapshot {
  /** Clock ticks of all CPUs: busy (including steal) and total. */
  busy: number;
  total: number;
  /** Ticks used by the server process (this worker's parent) and by this process. */
  server: number;
  client: number;
}

/** Linux /proc accounting; undefined elsewhere. */
function cpuSnapshot(): CpuSnapshot | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
    const total = fields.reduce((sum, value) => sum + value, 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    return { busy: total - idle, total, server: processTicks(process.ppid), client: processTicks(process.pid) };
  } catch {
    return undefined;
  }
}

function processTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** Average cores used over the window by the server, this client and everything else. */
function cpuShare(before: CpuSnapshot, after: CpuSnapshot | undefined): CpuShare | undefined {
  if (!after || after.total <= before.total) return undefined;
  const cores = (after.total - before.total) / Math.max(1, availableCores());
  const server = (after.server - before.server) / cores;
  const client = (after.client - before.client) / cores;
  const busy = (after.busy - before.busy) / cores;
  const round = (value: number) => Math.round(value * 100) / 100;
  return { server: round(server), client: round(client), foreign: round(Math.max(0, busy - server - client)) };
}

function availableCores(): number {
  return readFileSync('/proc/stat', 'utf8').split('\n').filter((line) => /^cpu\d+ /.test(line)).length;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
