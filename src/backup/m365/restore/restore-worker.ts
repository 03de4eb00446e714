import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../../../platform/clock.js';
import type { OutboxDispatcher } from '../../../platform/outbox.js';
import type { ProtectedObjectStore } from '../../shared/protected-object-store.js';
import { M365_JOB_STATES } from '../catalogue.js';
import type { RestoreTargetItem } from './restore-request.js';
import type { RestoreProgress, RestoreRow, RestoreStore } from './restore-store.js';

const TICK_MS = 200;
const LEASE_MS = 15_000;

/**
 * Moves restores on in the region's own process: each tick it leases the unfinished restores
 * (its own or abandoned ones), reports their progress into the job list and finishes them,
 * their audit records going out through the outbox. All state is in backup_restores, so a restart, or another
 * node, picks up where the last one stopped. Progress follows the region's clock; leases
 * follow the wall clock, because they are about processes, not about simulated time.
 */
export class RestoreWorker {
  private readonly owner = randomUUID();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private closing = false;
  /** The last progress written per restore, so an idle tick writes nothing. */
  private readonly written = new Map<number, number>();

  constructor(
    private readonly restores: RestoreStore,
    private readonly objects: ProtectedObjectStore,
    private readonly audit: OutboxDispatcher,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.stopped = false;
    this.closing = false;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.closing = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    await this.restores.release(this.owner).catch((error: unknown) => this.logger.warn({ err: (error as Error).message }, 'could not release restore leases'));
  }

  /** One pass: exposed so tests and shutdown can drive it deterministically. */
  async tick(): Promise<void> {
    const wallMs = Date.now();
    for (const row of await this.restores.claimable(this.owner, wallMs, 50)) {
      if (this.closing) break;
      if (!(await this.restores.lease(row, this.owner, wallMs, LEASE_MS))) continue;
      await this.advance(row);
    }
  }

  private async advance(row: RestoreRow): Promise<void> {
    const nowMs = this.clock.nowMs();
    const plan = JSON.parse(row.plan) as { targets: RestoreTargetItem[] };
    const skippedTotal = plan.targets.reduce((sum, target) => sum + target.skipped, 0);
    if (nowMs < row.started_at + row.duration_ms) {
      const done = Math.floor((row.total_items * Math.max(0, nowMs - row.started_at)) / row.duration_ms);
      if (this.written.get(row.seq) === done) return;
      const skipped = Math.floor((skippedTotal * done) / Math.max(1, row.total_items));
      await this.restores.report(row, { state: M365_JOB_STATES['In Progress'], successful: done - skipped, skipped, failed: 0, finishMs: null, jobErrors: [] }, nowMs);
      this.written.set(row.seq, done);
      return;
    }
    const object = await this.objects.find(row.tenant_id, 'm365', row.service_type, row.object_key);
    const gone = !object || (object.removedMs !== null && object.removedMs <= nowMs);
    const progress: RestoreProgress = gone
      ? {
          state: M365_JOB_STATES.Failed,
          successful: 0,
          skipped: 0,
          failed: row.total_items,
          finishMs: nowMs,
          jobErrors: [{ isErrorCode: false, value: `The restore destination '${object?.displayName ?? row.object_key}' no longer exists.`, url: '', number: row.total_items }],
        }
      : { state: M365_JOB_STATES.Finished, successful: row.total_items - skippedTotal, skipped: skippedTotal, failed: 0, finishMs: nowMs, jobErrors: [] };
    await this.restores.report(row, progress, nowMs);
    this.audit.kick();
    this.written.delete(row.seq);
    this.logger.info({ jobId: row.job_id, tenantId: row.tenant_id, state: gone ? 'Failed' : 'Finished' }, 'restore job ended');
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.tick()
        .catch((error: unknown) => this.logger.warn({ err: (error as Error).message }, 'restore worker tick failed; will retry'))
        .finally(() => {
          this.running = undefined;
          this.schedule();
        });
    }, TICK_MS);
    this.timer.unref();
  }
}
