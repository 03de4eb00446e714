/**
 * `npm run bench [-- --quick] [-- --only <name>[,<name>]] [-- --out <file>]`
 *
 * Runs every benchmark it finds — tokens, audit and backup-jobs on SQLite, their PostgreSQL
 * runs (tokens-pg with Redis and node-oidc-provider, audit-pg, backup-jobs-pg), opus, and the
 * cluster run (2 region nodes vs 1) — prints a table and writes docs/benchmarks.md with the
 * machine and the date. The PostgreSQL runs use MERIDIAN_BENCH_DATABASE_URL and
 * MERIDIAN_BENCH_REDIS_URL (default: the test services on 127.0.0.1).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { BENCH_DATA_DIR, BENCH_DIR, BENCHMARKS_DOC, machineInfo, renderTable, writeBenchmarksDoc, type BenchFunction, type BenchOptions, type BenchResult } from './lib.js';

interface Entry {
  name: string;
  file: string;
  exportName: string;
}

const BENCHMARKS: Entry[] = [
  { name: 'tokens', file: 'tokens.ts', exportName: 'benchTokens' },
  { name: 'tokens-pg', file: 'tokens-production.ts', exportName: 'benchTokensProduction' },
  { name: 'audit', file: 'audit.ts', exportName: 'benchAudit' },
  { name: 'audit-pg', file: 'audit.ts', exportName: 'benchAuditPostgres' },
  { name: 'backup-jobs', file: 'backup-jobs.ts', exportName: 'benchBackupJobs' },
  { name: 'backup-jobs-pg', file: 'backup-jobs.ts', exportName: 'benchBackupJobsPostgres' },
  { name: 'opus', file: 'opus.ts', exportName: 'benchOpus' },
  { name: 'enpower', file: 'enpower.ts', exportName: 'benchEnPower' },
  { name: 'elements', file: 'elements.ts', exportName: 'benchElements' },
  { name: 'soak', file: 'soak.ts', exportName: 'benchSoak' },
  { name: 'cluster', file: 'cluster.ts', exportName: 'benchCluster' },
];

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    allowPositionals: false,
  });
  if (values.help) {
    console.log(`usage: npm run bench -- [--quick] [--only ${BENCHMARKS.map((b) => b.name).join('|')}[,...]] [--out docs/benchmarks.md]`);
    return 0;
  }
  const only = values.only ? values.only.split(',').map((name) => name.trim()).filter(Boolean) : undefined;
  const unknown = only?.filter((name) => !BENCHMARKS.some((entry) => entry.name === name)) ?? [];
  if (unknown.length > 0) {
    console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${BENCHMARKS.map((entry) => entry.name).join(', ')}`);
    return 2;
  }
  mkdirSync(BENCH_DATA_DIR, { recursive: true });
  const started = performance.now();
  const log = (message: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}`);
  const options: BenchOptions = { quick: values.quick, dataDir: BENCH_DATA_DIR, log };
  const machine = machineInfo();
  log(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Node ${machine.node}; ${values.quick ? 'quick' : 'full'} run`);

  const results: BenchResult[] = [];
  const skipped: string[] = [];
  let failed = false;
  for (const entry of BENCHMARKS) {
    if (only && !only.includes(entry.name)) continue;
    const file = join(BENCH_DIR, entry.file);
    if (!existsSync(file)) {
      skipped.push(`${entry.name}: bench/${entry.file} does not exist yet`);
      log(`${entry.name}: skipped, bench/${entry.file} does not exist`);
      continue;
    }
    log(`${entry.name}: starting`);
    const benchStarted = performance.now();
    try {
      // A runtime specifier: files other engineers add later must not break type checking now.
      const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
      const run = module[entry.exportName];
      if (typeof run !== 'function') throw new Error(`bench/${entry.file} does not export a function ${entry.exportName}`);
      const produced = await (run as BenchFunction)(options);
      const list = Array.isArray(produced) ? produced : [produced];
      results.push(...list);
      log(`${entry.name}: done in ${((performance.now() - benchStarted) / 1000).toFixed(0)} s, ${list.length} result(s)`);
    } catch (error) {
      failed = true;
      const message = error instanceof Error ? error.message : String(error);
      skipped.push(`${entry.name}: FAILED — ${message.split('\n')[0]}`);
      console.error(`${entry.name} failed:`, error);
    }
  }

  console.log(`\n${renderTable(results)}\n`);
  const out = values.out ? resolve(values.out) : BENCHMARKS_DOC;
  const command = ['npm run bench', ...(values.quick || only ? ['--'] : []), ...(values.quick ? ['--quick'] : []), ...(only ? ['--only', only.join(',')] : [])].join(' ');
  writeBenchmarksDoc(results, { date: new Date(), mode: values.quick ? 'quick' : 'full', command, totalSeconds: (performance.now() - started) / 1000, skipped }, out);
  log(`wrote ${out}`);
  for (const line of skipped) log(`not run: ${line}`);
  return failed ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
