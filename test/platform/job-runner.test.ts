import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { dropPostgresSchema, openDatabase, type Database } from '../../src/storage/database.js';
import { migrate } from '../../src/storage/migrations.js';
import { JobRunner, type JobRecord } from '../../src/platform/jobs/job-runner.js';
import { kernelJobMigrations } from '../../src/platform/jobs/job-schema.js';
import { systemClock } from '../../src/platform/clock.js';
import { ENGINES, POSTGRES_URL } from '../support/services.js';

const logger = pino({ level: 'silent' });

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not reached; last value ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const ended = (job: JobRecord | undefined) => job?.state === 'succeeded' || job?.state === 'failed';

describe.each(ENGINES)('the kernel job runner on %s', (engine) => {
  let database: Database<unknown>;
  let cleanup: () => Promise<void>;
  const runners: JobRunner[] = [];
  const node = (options: { concurrency?: number } = {}) => {
    const runner = new JobRunner({ db: database.db, clock: systemClock, logger, pollMs: 50, ...options });
    runners.push(runner);
    return runner;
  };

  beforeAll(async () => {
    if (engine === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'meridian-jobs-'));
      database = await openDatabase({ engine, file: join(dir, 'jobs.sqlite') });
      cleanup = async () => {
        await database.close();
        rmSync(dir, { recursive: true, force: true });
      };
    } else {
      const schema = `jobs_${randomBytes(6).toString('hex')}`;
      database = await openDatabase({ engine, url: POSTGRES_URL, schema });
      cleanup = async () => {
        await database.close();
        await dropPostgresSchema(POSTGRES_URL, schema);
      };
    }
    await migrate(database, kernelJobMigrations);
  });
  afterAll(async () => {
    await Promise.all(runners.map((runner) => runner.stop()));
    await cleanup();
  });

  it('runs a job once, keeps its progress and result, and answers the same job for the same idempotency key', async () => {
    const runner = node();
    runner.define<{ n: number }>('square', async (job) => {
      await job.progress({ step: 'halfway' });
      return { square: job.payload.n * job.payload.n };
    });
    runner.start();
    const job = await runner.enqueue('square', { tenantId: 't1', payload: { n: 7 }, idempotencyKey: 'k-1' });
    expect(job.state).toBe('queued');
    const again = await runner.enqueue('square', { tenantId: 't1', payload: { n: 8 }, idempotencyKey: 'k-1' });
    expect(again.id).toBe(job.id);
    const done = await until(() => runner.get(job.id), ended);
    expect(done).toMatchObject({ state: 'succeeded', attempt: 1, result: { square: 49 }, progress: { step: 'halfway' }, tenantId: 't1' });
    expect(done!.finishedMs).toBeGreaterThanOrEqual(done!.startedMs!);
    // Another tenant's key is its own.
    const other = await runner.enqueue('square', { tenantId: 't2', payload: { n: 2 }, idempotencyKey: 'k-1' });
    expect(other.id).not.toBe(job.id);
    await runner.stop();
  });

  it('tries a failing job again and ends it failed with the reason after its last attempt', async () => {
    const runner = node();
    let calls = 0;
    runner.define('flaky', async () => {
      calls++;
      throw new Error(`destination refused (call ${calls})`);
    }, { maxAttempts: 2 });
    runner.start();
    const job = await runner.enqueue('flaky', { tenantId: 't1', payload: null });
    const done = await until(() => runner.get(job.id), ended);
    expect(done).toMatchObject({ state: 'failed', attempt: 2, error: 'destination refused (call 2)' });
    expect(calls).toBe(2);
    await runner.stop();
  });

  it('lets two nodes share one queue: every job runs to completion exactly once', async () => {
    const runs = new Map<number, number>();
    const handler = async (job: { payload: { n: number } }) => {
      runs.set(job.payload.n, (runs.get(job.payload.n) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return job.payload.n;
    };
    const a = node({ concurrency: 3 });
    const b = node({ concurrency: 3 });
    a.define('shared', handler);
    b.define('shared', handler);
    const jobs = await Promise.all(Array.from({ length: 40 }, (_, n) => (n % 2 ? a : b).enqueue('shared', { tenantId: 't', payload: { n } })));
    a.start();
    b.start();
    const finished = await until(() => Promise.all(jobs.map((job) => a.get(job.id))), (all) => all.every(ended));
    expect(finished.every((job) => job!.state === 'succeeded' && job!.attempt === 1)).toBe(true);
    expect([...runs.values()].every((count) => count === 1)).toBe(true);
    expect(runs.size).toBe(40);
    await Promise.all([a.stop(), b.stop()]);
  });

  it('hands the job of a node that stopped answering to another node once its lease runs out, and refuses the old node\'s late outcome', async () => {
    let releaseStuck: (() => void) | undefined;
    const stuck = node();
    stuck.define('takeover', async () => {
      // The node hangs (as if frozen or cut off): its heartbeat stops with it.
      await new Promise<void>((resolve) => (releaseStuck = resolve));
      return 'from the stuck node';
    }, { leaseMs: 1000 });
    const job = await stuck.enqueue('takeover', { tenantId: 't', payload: null });
    stuck.start();
    await until(() => stuck.get(job.id), (record) => record?.state === 'running');
    // Freeze the stuck node's heartbeat by moving its lease into the past, as a dead node's would be.
    await sql`update kernel_jobs set lease_until = ${Date.now() - 1} where id = ${job.id}`.execute(database.db);
    const healthy = node();
    healthy.define('takeover', async (running) => `resumed on attempt ${running.attempt}`, { leaseMs: 1000 });
    healthy.start();
    const done = await until(() => healthy.get(job.id), ended);
    expect(done).toMatchObject({ state: 'succeeded', attempt: 2, result: 'resumed on attempt 2' });
    releaseStuck!();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await healthy.get(job.id)).toMatchObject({ result: 'resumed on attempt 2' });
    await Promise.all([stuck.stop(), healthy.stop()]);
  });

  it('hands a job back on shutdown without counting the attempt, and the next start resumes it', async () => {
    const first = node();
    first.define<null>('resumable', async (job) => {
      await job.progress({ done: 1 });
      await new Promise((resolve, reject) => job.signal.addEventListener('abort', () => reject(job.signal.reason as Error)));
    });
    const job = await first.enqueue('resumable', { tenantId: 't', payload: null });
    first.start();
    await until(() => first.get(job.id), (record) => (record?.progress as { done?: number } | undefined)?.done === 1);
    await first.stop();
    expect(await first.get(job.id)).toMatchObject({ state: 'queued', attempt: 0, progress: { done: 1 } });
    const second = node();
    second.define('resumable', async (running) => ({ resumedFrom: running.attempt }));
    second.start();
    expect(await until(() => second.get(job.id), ended)).toMatchObject({ state: 'succeeded', attempt: 1 });
    await second.stop();
  });

  it('ends failed, never hangs, a job whose node died on its last attempt', async () => {
    const runner = node();
    runner.define('abandoned', async () => 'never');
    const job = await runner.enqueue('abandoned', { tenantId: 't', payload: null });
    await sql`update kernel_jobs set state = 'running', attempt = max_attempts, lease_owner = 'dead-node', lease_until = ${Date.now() - 1} where id = ${job.id}`.execute(database.db);
    runner.start();
    const done = await until(() => runner.get(job.id), ended);
    expect(done!.state).toBe('failed');
    expect(done!.error).toMatch(/abandoned after 3 attempt/);
    const stats = await runner.stats();
    expect(stats.running).toBe(0);
    await runner.stop();
  });
});
