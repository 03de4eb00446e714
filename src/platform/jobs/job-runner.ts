import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { JobState, KernelJobRow, KernelJobTables } from './job-schema.js';

/** A job as its module and its status endpoint see it. */
export interface JobRecord<R = unknown> {
  id: string;
  kind: string;
  tenantId: string;
  state: JobState;
  /** 1 on the first run; each claim after a crash or a failed try adds one. */
  attempt: number;
  maxAttempts: number;
  payload: unknown;
  progress: unknown;
  result: R | undefined;
  error: string | undefined;
  createdMs: number;
  startedMs: number | undefined;
  finishedMs: number | undefined;
}

/** What a handler gets: its job, and the means to report progress (which also renews its lease). */
export interface RunningJob<P> {
  id: string;
  kind: string;
  tenantId: string;
  payload: P;
  attempt: number;
  /** Aborted when the node shuts down or loses the job's lease: stop and let the job be resumed. */
  signal: AbortSignal;
  progress(value: unknown): Promise<void>;
}

export type JobHandler<P> = (job: RunningJob<P>) => Promise<unknown>;

export interface JobKindOptions {
  /** Runs (first run included) before the job ends failed. Default 3. */
  maxAttempts?: number;
  /** How long a claim lasts without a heartbeat; a dead node's job is taken over after it. Default 15 s. */
  leaseMs?: number;
}

export interface EnqueueRequest<P> {
  tenantId: string;
  payload: P;
  idempotencyKey?: string;
}

export interface JobQueueStats {
  queued: number;
  running: number;
  /** Age of the oldest job waiting to run, 0 when none waits. */
  oldestQueuedAgeMs: number;
}

export interface JobRunnerOptions {
  db: Kysely<unknown>;
  clock: Clock;
  logger: Logger;
  /** How often an idle node looks for work. Default 250 ms. */
  pollMs?: number;
  /** Jobs one node runs at once. Default 2: the machines are small, the handlers are I/O-bound. */
  concurrency?: number;
}

interface KindEntry {
  handler: JobHandler<unknown>;
  maxAttempts: number;
  leaseMs: number;
}

const DEFAULT_LEASE_MS = 15_000;
const DEFAULT_MAX_ATTEMPTS = 3;
/** A failed try waits this long per attempt before the next. */
const RETRY_BACKOFF_MS = 1_000;
const STOP_GRACE_MS = 5_000;

/**
 * The kernel's one durable job runner: restores, exports, baselines, tasks. Jobs live in the
 * database they belong to (a region's), so the same code runs on SQLite and PostgreSQL, and
 * every node of a part works the same queue. A node claims a job by taking its lease with a
 * conditional update (only one node's update can win), renews it while the handler runs, and
 * records the outcome only while it still holds the lease; so a job is run to completion once,
 * and a job whose node died (kill -9) is taken over when its lease runs out. Handlers must be
 * safe to run again from their last reported progress: that is what "resumed" means.
 *
 * Why not pg-boss: it is PostgreSQL only, and the embedded default runs on SQLite with the same
 * semantics; one implementation on the storage layer both engines share keeps them identical.
 * Leases follow the wall clock (they are about processes); job times follow the region's clock.
 */
export class JobRunner {
  private readonly owner = `${process.pid}-${randomUUID()}`;
  private readonly kinds = new Map<string, KindEntry>();
  private readonly active = new Map<string, { abort: AbortController; done: Promise<void> }>();
  private readonly db: Kysely<KernelJobTables>;
  private readonly pollMs: number;
  private readonly concurrency: number;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private started = false;

  constructor(private readonly options: JobRunnerOptions) {
    this.db = options.db as Kysely<KernelJobTables>;
    this.pollMs = options.pollMs ?? 250;
    this.concurrency = options.concurrency ?? 2;
  }

  define<P>(kind: string, handler: JobHandler<P>, options: JobKindOptions = {}): void {
    if (this.kinds.has(kind)) throw new Error(`Job kind '${kind}' is defined twice`);
    this.kinds.set(kind, {
      handler: handler as JobHandler<unknown>,
      maxAttempts: Math.max(1, options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS),
      leaseMs: Math.max(1000, options.leaseMs ?? DEFAULT_LEASE_MS),
    });
  }

  /** Stores the job durably and resolves with it; the same idempotency key gives back the first job. */
  async enqueue<P>(kind: string, request: EnqueueRequest<P>): Promise<JobRecord> {
    const entry = this.kinds.get(kind);
    if (!entry) throw new Error(`Job kind '${kind}' is not defined`);
    const key = request.idempotencyKey ?? null;
    if (key !== null) {
      const existing = await this.findByKey(kind, request.tenantId, key);
      if (existing) return existing;
    }
    const row = {
      id: randomUUID(),
      kind,
      tenant_id: request.tenantId,
      idempotency_key: key,
      state: 'queued' as const,
      attempt: 0,
      max_attempts: entry.maxAttempts,
      payload: JSON.stringify(request.payload ?? null),
      progress: null,
      result: null,
      error: null,
      lease_owner: null,
      lease_until: 0,
      run_after: 0,
      created_ms: this.options.clock.nowMs(),
      started_ms: null,
      finished_ms: null,
    };
    try {
      await this.db.insertInto('kernel_jobs').values(row).execute();
    } catch (error) {
      // Two nodes enqueueing the same key at once: the unique index lets one win.
      const winner = key !== null ? await this.findByKey(kind, request.tenantId, key) : undefined;
      if (winner) return winner;
      throw error;
    }
    this.kick();
    return (await this.get(row.id))!;
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const row = await this.db.selectFrom('kernel_jobs').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  async stats(): Promise<JobQueueStats> {
    const rows = await this.db
      .selectFrom('kernel_jobs')
      .select((eb) => ['state', eb.fn.countAll<number>().as('n'), eb.fn.min('created_ms').as('oldest')])
      .where('state', 'in', ['queued', 'running'])
      .groupBy('state')
      .execute();
    const of = (state: JobState) => rows.find((row) => row.state === state);
    const oldest = of('queued')?.oldest;
    return {
      queued: Number(of('queued')?.n ?? 0),
      running: Number(of('running')?.n ?? 0),
      oldestQueuedAgeMs: oldest === undefined || oldest === null ? 0 : Math.max(0, this.options.clock.nowMs() - Number(oldest)),
    };
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.schedule(0);
  }

  /** Looks for work now instead of at the next poll (after an enqueue on this node). */
  kick(): void {
    if (!this.started || this.polling) return;
    if (this.timer) clearTimeout(this.timer);
    this.schedule(0);
  }

  /**
   * Stops claiming, aborts the running handlers and hands their jobs back at once (lease
   * cleared, the attempt not counted), so another node or the next start resumes them.
   */
  async stop(): Promise<void> {
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    await this.polling;
    for (const { abort } of this.active.values()) abort.abort(new Error('The node is shutting down'));
    // A handler that ignores its signal is not waited for past the grace: its lease runs out instead.
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.active.values()].map((entry) => entry.done)),
      new Promise((resolve) => (grace = setTimeout(resolve, STOP_GRACE_MS))),
    ]);
    clearTimeout(grace);
  }

  /** One claim pass; exposed so tests can drive the runner step by step. */
  async poll(): Promise<void> {
    const free = this.concurrency - this.active.size;
    if (free <= 0 || this.kinds.size === 0) return;
    const wallMs = Date.now();
    const candidates = await this.db
      .selectFrom('kernel_jobs')
      .select(['id', 'kind', 'state', 'attempt', 'max_attempts', 'lease_until'])
      .where('kind', 'in', [...this.kinds.keys()])
      .where((eb) =>
        eb.or([
          eb.and([eb('state', '=', 'queued'), eb('run_after', '<=', wallMs)]),
          eb.and([eb('state', '=', 'running'), eb('lease_until', '<', wallMs)]),
        ]),
      )
      .orderBy('seq')
      .limit(free * 4)
      .execute();
    for (const candidate of candidates) {
      if (this.active.size >= this.concurrency || !this.started) break;
      if (this.active.has(candidate.id)) continue;
      const entry = this.kinds.get(candidate.kind)!;
      // A run that never reported back (its node died) counts as an attempt.
      if (candidate.attempt >= candidate.max_attempts) {
        await this.finish(candidate.id, null, { state: 'failed', error: `The job was abandoned after ${candidate.attempt} attempt(s): its node stopped before it finished.` }, candidate.lease_until);
        continue;
      }
      const claimed = await this.db
        .updateTable('kernel_jobs')
        .set((eb) => ({ state: 'running', lease_owner: this.owner, lease_until: wallMs + entry.leaseMs, attempt: eb('attempt', '+', 1), started_ms: eb.fn.coalesce('started_ms', eb.val(this.options.clock.nowMs())) }))
        .where('id', '=', candidate.id)
        .where('state', '=', candidate.state)
        .where('lease_until', '=', candidate.lease_until)
        .where('attempt', '=', candidate.attempt)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) continue;
      const row = await this.db.selectFrom('kernel_jobs').selectAll().where('id', '=', candidate.id).executeTakeFirstOrThrow();
      this.run(row, entry);
    }
  }

  private run(row: KernelJobRow, entry: KindEntry): void {
    const abort = new AbortController();
    let leaseUntil = row.lease_until;
    const renew = async (progress?: unknown) => {
      const next = Date.now() + entry.leaseMs;
      const update = this.db.updateTable('kernel_jobs').set({ lease_until: next, ...(progress === undefined ? {} : { progress: JSON.stringify(progress) }) });
      const result = await update.where('id', '=', row.id).where('lease_owner', '=', this.owner).where('lease_until', '=', leaseUntil).where('state', '=', 'running').executeTakeFirst();
      if (Number(result.numUpdatedRows) !== 1) {
        abort.abort(new Error('The job\'s lease was lost to another node'));
        throw new Error(`Job ${row.id} is no longer held by this node`);
      }
      leaseUntil = next;
    };
    const heartbeat = setInterval(() => {
      renew().catch((error: unknown) => this.options.logger.warn({ jobId: row.id, err: (error as Error).message }, 'job lease renewal failed'));
    }, Math.max(250, Math.floor(entry.leaseMs / 3)));
    heartbeat.unref();
    const job: RunningJob<unknown> = {
      id: row.id,
      kind: row.kind,
      tenantId: row.tenant_id,
      payload: JSON.parse(row.payload),
      attempt: row.attempt,
      signal: abort.signal,
      progress: (value) => renew(value),
    };
    const done = (async () => {
      try {
        const result = await entry.handler(job);
        clearInterval(heartbeat);
        if (abort.signal.aborted) return this.release(row.id, leaseUntil);
        await this.finish(row.id, this.owner, { state: 'succeeded', result }, leaseUntil);
      } catch (error) {
        clearInterval(heartbeat);
        if (abort.signal.aborted) return this.release(row.id, leaseUntil);
        const message = (error as Error).message || String(error);
        if (row.attempt >= row.max_attempts) {
          await this.finish(row.id, this.owner, { state: 'failed', error: message }, leaseUntil);
        } else {
          this.options.logger.warn({ jobId: row.id, kind: row.kind, attempt: row.attempt, err: message }, 'job failed; it will be tried again');
          await this.db
            .updateTable('kernel_jobs')
            .set({ state: 'queued', lease_owner: null, lease_until: 0, error: message, run_after: Date.now() + RETRY_BACKOFF_MS * row.attempt })
            .where('id', '=', row.id)
            .where('lease_owner', '=', this.owner)
            .where('lease_until', '=', leaseUntil)
            .execute();
        }
      }
    })()
      .catch((error: unknown) => this.options.logger.warn({ jobId: row.id, err: (error as Error).message }, 'could not record the job\'s outcome; its lease will run out and it will be resumed'))
      .finally(() => {
        clearInterval(heartbeat);
        this.active.delete(row.id);
        if (this.started) this.kick();
      });
    this.active.set(row.id, { abort, done });
  }

  /** Records the outcome, only while `owner` (null: nobody, an abandoned job) still holds the lease. */
  private async finish(id: string, owner: string | null, outcome: { state: 'succeeded'; result: unknown } | { state: 'failed'; error: string }, leaseUntil: number): Promise<void> {
    let update = this.db
      .updateTable('kernel_jobs')
      .set({
        state: outcome.state,
        result: outcome.state === 'succeeded' ? JSON.stringify(outcome.result ?? null) : null,
        error: outcome.state === 'failed' ? outcome.error : null,
        finished_ms: this.options.clock.nowMs(),
        lease_owner: null,
        lease_until: 0,
      })
      .where('id', '=', id)
      .where('lease_until', '=', leaseUntil)
      .where('state', 'in', ['queued', 'running']);
    if (owner !== null) update = update.where('lease_owner', '=', owner);
    const result = await update.executeTakeFirst();
    if (Number(result.numUpdatedRows) === 1) this.options.logger.info({ jobId: id, state: outcome.state }, 'job ended');
  }

  /** Hands a job back without counting its attempt: a shutdown is not the job's failure. */
  private async release(id: string, leaseUntil: number): Promise<void> {
    await this.db
      .updateTable('kernel_jobs')
      .set((eb) => ({ lease_owner: null, lease_until: 0, state: 'queued', attempt: eb('attempt', '-', 1) }))
      .where('id', '=', id)
      .where('lease_owner', '=', this.owner)
      .where('lease_until', '=', leaseUntil)
      .execute();
  }

  private async findByKey(kind: string, tenantId: string, key: string): Promise<JobRecord | undefined> {
    const row = await this.db.selectFrom('kernel_jobs').selectAll().where('kind', '=', kind).where('tenant_id', '=', tenantId).where('idempotency_key', '=', key).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.polling = this.poll()
        .catch((error: unknown) => this.options.logger.warn({ err: (error as Error).message }, 'job runner poll failed; will retry'))
        .finally(() => {
          this.polling = undefined;
          if (this.started) this.schedule(this.pollMs);
        });
    }, delayMs);
    this.timer.unref();
  }
}

function toRecord(row: KernelJobRow): JobRecord {
  const parse = (text: string | null) => (text === null ? undefined : (JSON.parse(text) as unknown));
  return {
    id: row.id,
    kind: row.kind,
    tenantId: row.tenant_id,
    state: row.state,
    attempt: Number(row.attempt),
    maxAttempts: Number(row.max_attempts),
    payload: parse(row.payload),
    progress: parse(row.progress),
    result: parse(row.result),
    error: row.error ?? undefined,
    createdMs: Number(row.created_ms),
    startedMs: row.started_ms === null ? undefined : Number(row.started_ms),
    finishedMs: row.finished_ms === null ? undefined : Number(row.finished_ms),
  };
}
