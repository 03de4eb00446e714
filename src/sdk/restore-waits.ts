import type { GraphClient } from './graph-client.js';
import type { CallOptions } from './operation-types.js';
import { WaitTimeoutError } from './wait-timeout.js';

/** Where a restore runs: Cloud Backup for Microsoft 365, or AvePoint Opus (restore archived data). */
export type RestoreService = 'm365' | 'opus';

/** A restore job's state, the same for both services. */
export interface RestoreStatus {
  service: RestoreService;
  jobId: string;
  /** The service's own name of the state, e.g. "In Progress" or "Finished with Exception". */
  state: string;
  /** The job ended (whatever its outcome). */
  done: boolean;
  /** It ended and restored everything. */
  succeeded: boolean;
  /** 0–100 when the service tells it. */
  percent: number | undefined;
  message: string | null;
  startTime: string | null;
  finishTime: string | null;
}

export interface WaitOptions extends CallOptions {
  /** Between two status reads; default 1 s. */
  pollMs?: number;
  /** How long to wait for the job to end; default 30 minutes. */
  timeoutMs?: number;
  onProgress?: (status: RestoreStatus) => void;
}

export class RestoreFailedError extends Error {
  constructor(readonly status: RestoreStatus) {
    super(`Restore ${status.jobId} ended ${status.state}${status.message ? `: ${status.message}` : ''}`);
  }
}

/** get-restore-job-status-and-progress.md, "Job Details": status codes and the ones that end a job. */
const OPUS_STATES: Record<number, string> = { [-1]: 'None', 0: 'Waiting', 1: 'In Progress', 2: 'Finished', 3: 'Failed', 4: 'Finished with Exception', 5: 'Stopped', 6: 'Skipped', 7: 'Stopping', 8: 'Calculating', 9: 'Pending', 10: 'Timed Out' };
const OPUS_FINAL = new Set([2, 3, 4, 5, 6, 10]);

/**
 * A restore's state now: Opus from GetRestoreJobStatus (its own progress), Microsoft 365 from
 * the job's details (retrieve-job-details.md; progress is items handled of the total).
 */
export async function restoreStatus(client: GraphClient, service: RestoreService, jobId: string, options: CallOptions & { location?: string } = {}): Promise<RestoreStatus> {
  if (service === 'opus') {
    const { job, message } = await client.getRestoreJobStatusAndProgress({ jobId }, options);
    return {
      service,
      jobId: job.id,
      state: OPUS_STATES[job.status] ?? `status ${job.status}`,
      done: OPUS_FINAL.has(job.status),
      succeeded: job.status === 2,
      percent: job.progress,
      message,
      startTime: job.startTime,
      finishTime: job.finishTime,
    };
  }
  const { data } = await client.retrieveJobDetails({ jobId, ...(options.location ? { location: options.location } : {}) }, options);
  const counts = data.backupDetails;
  const handled = counts.successfulNumber + counts.failedNumber + counts.skippedNumber;
  return {
    service,
    jobId: data.id,
    state: data.state,
    done: data.state !== 'In Progress',
    succeeded: data.state === 'Finished',
    percent: counts.totalNumber > 0 ? Math.min(100, Math.floor((100 * handled) / counts.totalNumber)) : undefined,
    message: data.jobErrors.map((error) => error.value).join('; ') || null,
    startTime: data.startTime,
    finishTime: data.finishTime,
  };
}

/** Reads the restore's state until it ends: its final state, or RestoreFailedError / WaitTimeoutError. */
export async function waitForRestore(client: GraphClient, service: RestoreService, jobId: string, options: WaitOptions & { location?: string } = {}): Promise<RestoreStatus> {
  const timeoutMs = options.timeoutMs ?? 30 * 60_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await restoreStatus(client, service, jobId, options);
    options.onProgress?.(status);
    if (status.done) {
      if (!status.succeeded) throw new RestoreFailedError(status);
      return status;
    }
    if (Date.now() >= deadline) throw new WaitTimeoutError(jobId, timeoutMs);
    await new Promise((resolve) => setTimeout(resolve, Math.min(options.pollMs ?? 1000, Math.max(0, deadline - Date.now()))));
  }
}
