/** get-customer-jobs.md, "Response": one job, with v3's integer enums. */
export interface JobRow {
  jobType: number;
  jobModule: number;
  status: number;
  jobId: string;
  name: string;
  totalCount: string;
  failedCount: string;
  successfulCount: string;
  skippedCount: string;
  warningCount: string;
  backupSize: string;
  startTime: string;
  endTime: string;
  jobDuration: string;
  lastModifyTime: string;
}

/** "2025-09-11T03:21:16Z", as the page's sample writes times, whatever form the regional list uses (".123Z", "+00:00"). */
export const isoSecond = (time: string) => `${new Date(Date.parse(time)).toISOString().slice(0, 19)}Z`;

/** "17m39s" as the page's sample writes durations. */
export function jobDuration(startTime: string, endTime: string | null): string {
  if (!endTime) return 'N/A';
  const total = Math.max(0, Math.round((Date.parse(endTime) - Date.parse(startTime)) / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  return `${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${total % 60}s`;
}

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];

/** A size as the page's sample writes one ("0 GB"): the largest unit it fills, two decimals at most. */
export function backupSize(bytes: number): string {
  if (bytes <= 0) return '0 GB';
  let unit = Math.min(UNITS.length - 1, Math.floor(Math.log(bytes) / Math.log(1024)));
  // Rounding may carry into the next unit (1023.999 KB is 1 MB).
  if (Math.round((bytes / 1024 ** unit) * 100) / 100 >= 1024 && unit < UNITS.length - 1) unit += 1;
  return `${Math.round((bytes / 1024 ** unit) * 100) / 100} ${UNITS[unit]}`;
}

export type Counts = Pick<JobRow, 'totalCount' | 'failedCount' | 'successfulCount' | 'skippedCount' | 'warningCount'>;
export const NO_COUNTS: Counts = { totalCount: 'N/A', failedCount: 'N/A', successfulCount: 'N/A', skippedCount: 'N/A', warningCount: 'N/A' };

/** Counts of a list that has them; a list without a warning count has no warnings to report ("0"). */
export const counts = (total: number, failed: number, successful: number, skipped: number, warning = 0): Counts => ({
  totalCount: String(total),
  failedCount: String(failed),
  successfulCount: String(successful),
  skippedCount: String(skipped),
  warningCount: String(warning),
});

export interface JobFacts {
  id: string;
  startTime: string;
  finishTime: string | null;
  status: number;
  name?: string | null | undefined;
  counts?: Counts | undefined;
  /** In bytes; absent where the regional list has no size. */
  sizeBytes?: number | undefined;
}

/** A job row from what every regional list has: the job, its status, its counts and its times. */
export function jobRow(kind: { jobType: number; jobModule: number }, job: JobFacts): JobRow {
  return {
    jobType: kind.jobType,
    jobModule: kind.jobModule,
    status: job.status,
    jobId: job.id,
    name: job.name ?? 'N/A',
    ...(job.counts ?? NO_COUNTS),
    backupSize: job.sizeBytes === undefined ? 'N/A' : backupSize(job.sizeBytes),
    startTime: isoSecond(job.startTime),
    endTime: job.finishTime ? isoSecond(job.finishTime) : 'N/A',
    jobDuration: jobDuration(job.startTime, job.finishTime),
    lastModifyTime: isoSecond(job.finishTime ?? job.startTime),
  };
}
