import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/platform/clock.js';
import type { JobHandler, JobRecord } from '../../src/platform/jobs/job-runner.js';
import type { RegionContext } from '../../src/platform/product-module.js';
import { openDatabase, type Database } from '../../src/storage/database.js';
import { migrate } from '../../src/storage/migrations.js';
import { elementsRegionMigrations } from '../../src/elements/schema.js';
import { BaselineJobs } from '../../src/elements/baseline-management/baseline-jobs.js';
import { BaselineStore } from '../../src/elements/baseline-management/baseline-store.js';
import { ENGINES, POSTGRES_URL } from '../support/services.js';

/**
 * The baseline jobs as the job runner drives them when a node crashes: a job taken over runs
 * its handler again from the start, and a job the runner gave up on must read as Failed. The
 * runner is replaced by a recorder, so the test decides when (and how often) handlers run.
 */
class RecordingRunner {
  readonly handlers = new Map<string, JobHandler<unknown>>();
  readonly queued: Array<{ id: string; kind: string; payload: unknown }> = [];
  readonly states = new Map<string, JobRecord['state']>();

  define<P>(kind: string, handler: JobHandler<P>): void {
    this.handlers.set(kind, handler as JobHandler<unknown>);
  }

  async enqueue<P>(kind: string, request: { tenantId: string; payload: P }): Promise<JobRecord> {
    const id = `job-${this.queued.length + 1}`;
    this.queued.push({ id, kind, payload: request.payload });
    this.states.set(id, 'queued');
    return { id, state: 'queued' } as JobRecord;
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const state = this.states.get(id);
    return state ? ({ id, state } as JobRecord) : undefined;
  }

  async run(index: number): Promise<unknown> {
    const job = this.queued[index]!;
    return this.handlers.get(job.kind)!({ id: job.id, kind: job.kind, tenantId: '', payload: job.payload, attempt: 1, signal: new AbortController().signal, progress: async () => {} } as never);
  }
}

const key = { customerId: 'customer-1', tenantId: 'tenant-1' };
const setting = (configuration: string, value: string) => ({ source: 'Entra', configuration, value, retrievable: true, writable: true });

for (const engine of ENGINES) {
  describe(`baseline jobs across a crash on ${engine}`, () => {
    let database: Database<unknown>;
    let dir: string;
    let schema: string;
    let store: BaselineStore;
    let runner: RecordingRunner;
    let jobs: BaselineJobs;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'meridian-bm-'));
      schema = `bm${randomBytes(5).toString('hex')}`;
      database = await openDatabase(engine === 'sqlite' ? { engine, file: join(dir, 'region.sqlite') } : { engine, url: POSTGRES_URL, schema });
      await migrate(database, elementsRegionMigrations);
      const clock = fixedClock(new Date('2026-12-01T00:00:00Z'));
      store = new BaselineStore(database.db as never, () => clock.nowMs());
      runner = new RecordingRunner();
      jobs = new BaselineJobs(store, runner as unknown as RegionContext['jobs']);
      await store.upsertSettings(key, [setting('A', '1'), setting('B', '2')]);
    });
    afterAll(async () => {
      await database?.close();
      rmSync(dir, { recursive: true, force: true });
      if (engine === 'postgres') {
        const client = new pg.Client({ connectionString: POSTGRES_URL });
        await client.connect();
        await client.query(`drop schema if exists ${schema} cascade`);
        await client.end();
      }
    });

    const jobRows = async () => (await jobs.reconcile((await store.jobPage(key, undefined, 1, 100)).items)).map((row) => ({ type: row.type, status: row.status }));

    it('a capture job run twice (taken over after a crash) ends as if it ran once', async () => {
      const baselineId = await jobs.createBaseline('partner-1', key, { name: 'Twice', color: 1 });
      expect((await store.baseline(store.db, 'partner-1', baselineId))!.status).toBe(1);
      expect(await jobRows()).toEqual([{ type: 3, status: 0 }]);
      await runner.run(0);
      await runner.run(0);
      expect((await store.baseline(store.db, 'partner-1', baselineId))!.status).toBe(2);
      expect((await store.reportPage(baselineId, 1, 100)).totalCount).toBe(2);
      expect(await jobRows()).toEqual([{ type: 3, status: 2 }]);
      expect((await store.tenantState(store.db, key)).status).toBe(1);
    });

    it('a job the runner gave up on reads as Failed, and its baseline and tenant do not hang', async () => {
      const baselineId = await jobs.createBaseline('partner-1', key, { name: 'Lost', color: 2 });
      expect((await store.tenantState(store.db, key)).status).toBe(12);
      runner.states.set(runner.queued[1]!.id, 'failed');
      expect((await jobRows()).at(-1)).toEqual({ type: 3, status: 3 });
      expect((await store.baseline(store.db, 'partner-1', baselineId))!.status).toBe(4);
      expect((await store.tenantState(store.db, key)).status).toBe(1);
      // A late run of the handler (the runner's last attempt racing the give-up) changes nothing.
      await runner.run(1);
      expect((await store.baseline(store.db, 'partner-1', baselineId))!.status).toBe(4);
    });

    it('an apply job interrupted mid-way and run again deploys once, and a given-up apply ends Deployment failed', async () => {
      const applied = await jobs.createBaseline('partner-1', key, { name: 'Applied', color: 3 });
      await runner.run(2);
      await store.upsertSettings(key, [setting('A', 'changed')]);
      await jobs.applyBaselines('partner-1', key, [{ baselineId: applied, rankingOrder: 1 }]);
      await runner.run(3);
      await runner.run(3);
      const state = await store.tenantState(store.db, key);
      expect(state.status).toBe(7);
      expect(state.drift_detected).toBe(0);
      expect(JSON.parse(state.applied)).toEqual([{ baselineId: applied, baselineName: 'Applied', version: 1, rankingOrder: 1 }]);
      expect((await jobRows()).at(-1)).toEqual({ type: 1, status: 2 });

      await jobs.applyBaselines('partner-1', key, [{ baselineId: applied, rankingOrder: 1 }]);
      await store.saveTenantState(store.db, { ...(await store.tenantState(store.db, key)), status: 3 });
      runner.states.set(runner.queued[4]!.id, 'failed');
      expect((await jobRows()).at(-1)).toEqual({ type: 1, status: 3 });
      expect((await store.tenantState(store.db, key)).status).toBe(5);
    });
  });
}
