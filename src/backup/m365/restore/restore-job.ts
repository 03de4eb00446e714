import type { Logger } from 'pino';
import type { Clock } from '../../../platform/clock.js';
import type { OutboxDispatcher } from '../../../platform/outbox.js';
import type { RegionContext } from '../../../platform/product-module.js';
import type { ProtectedObjectStore } from '../../shared/protected-object-store.js';
import { M365_JOB_STATES } from '../catalogue.js';
import type { RestoreTargetItem } from './restore-request.js';
import type { RestoreProgress, RestoreRow, RestoreStore } from './restore-store.js';

/** The kernel job kind that moves one Microsoft 365 restore on. */
export const M365_RESTORE_JOB = 'backup.m365.restore';
const TICK_MS = 200;
/** A node killed mid-restore hands it over within this lease plus one poll (250 ms). */
export const M365_RESTORE_LEASE_MS = 6000;

export interface RestorePayload {
  tenantId: string;
  jobId: string;
}

/**
 * Restores run on the kernel's job runner (context.jobs): one node at a time moves a
 * restore on, reporting its progress into the job list, and finishes it, its audit record
 * going out through the outbox. All of a restore's state is in backup_restores, so a
 * node that takes over after a crash continues from the row; finishing is written once
 * (the row's finished_at is set only if still null), so a second run never finishes it twice.
 */
export function defineRestoreJob(context: RegionContext, restores: RestoreStore, objects: ProtectedObjectStore, audit: OutboxDispatcher, logger: Logger): void {
  context.jobs.define<RestorePayload>(
    M365_RESTORE_JOB,
    async (job) => {
      const written = { done: -1 };
      for (;;) {
        const row = await restores.find(job.payload.tenantId, job.payload.jobId);
        if (!row) throw new Error(`Restore ${job.payload.jobId} is gone`);
        if (row.finished_at !== null) return { outcome: row.outcome };
        const ended = await advance(row, restores, objects, context.clock, written);
        if (ended) {
          audit.kick();
          logger.info({ jobId: row.job_id, tenantId: row.tenant_id, state: ended, attempt: job.attempt }, 'restore job ended');
          return { outcome: ended };
        }
        await job.progress({ itemsDone: written.done });
        await sleep(TICK_MS, job.signal);
      }
    },
    // A restore resumes from its row, so a crash costs a retry, not the restore.
    { leaseMs: M365_RESTORE_LEASE_MS, maxAttempts: 10 },
  );
}

/** Enqueues the restore's job; the same restore always gets the same job. */
export async function enqueueRestoreJob(context: RegionContext, tenantId: string, jobId: string): Promise<void> {
  await context.jobs.enqueue<RestorePayload>(M365_RESTORE_JOB, { tenantId, payload: { tenantId, jobId }, idempotencyKey: jobId });
}

/** Writes the restore's progress at the region's time; returns its outcome once it ended. */
async function advance(row: RestoreRow, restores: RestoreStore, objects: ProtectedObjectStore, clock: Clock, written: { done: number }): Promise<'Finished' | 'Failed' | undefined> {
  const nowMs = clock.nowMs();
  const plan = JSON.parse(row.plan) as { targets: RestoreTargetItem[] };
  const skippedTotal = plan.targets.reduce((sum, target) => sum + target.skipped, 0);
  if (nowMs < row.started_at + row.duration_ms) {
    const done = Math.floor((row.total_items * Math.max(0, nowMs - row.started_at)) / row.duration_ms);
    if (written.done === done) return undefined;
    const skipped = Math.floor((skippedTotal * done) / Math.max(1, row.total_items));
    await restores.report(row, { state: M365_JOB_STATES['In Progress'], successful: done - skipped, skipped, failed: 0, finishMs: null, jobErrors: [] }, nowMs);
    written.done = done;
    return undefined;
  }
  const object = await objects.find(row.tenant_id, 'm365', row.service_type, row.object_key);
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
  await restores.report(row, progress, nowMs);
  return gone ? 'Failed' : 'Finished';
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A restore acknowledged just before its node died may have no job yet (the restore and its
 * job are two writes): every node gives each unfinished restore its job when it starts.
 */
export async function resumeRestoreJobs(context: RegionContext, restores: RestoreStore): Promise<void> {
  for (const row of await restores.unfinished(1000)) await enqueueRestoreJob(context, row.tenant_id, row.job_id);
}
