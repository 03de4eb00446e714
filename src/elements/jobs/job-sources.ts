import { JOB_MODULES, JOB_STATUS, JOB_TYPES, M365_MODULE_OBJECT_TYPES } from '../catalogue.js';
import type { PartnerData } from '../partner/partner-data.js';
import type { DirectoryEntry } from '../partner/directory-store.js';
import type { Paging } from '../shared/routes.js';

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

interface M365Job {
  id: string;
  state: string;
  startTime: string;
  finishTime: string | null;
  backupDetails: { totalCount: number; failedCount: number; successfulCount: number; skippedCount: number };
}
interface ScanJob {
  id: string;
  state: number;
  startTime: string;
  finishTime: string | null;
  scanProfileName: string | null;
}

/** list-jobs.md's `state` names onto get-customer-jobs.md's `status`. */
const M365_STATUS: Record<string, number> = { 'In Progress': 1, Finished: 2, Failed: 3, 'Finished with Exception': 4, 'Partially Finished': 4 };

/** "2025-09-11T03:21:16Z", as the page's sample writes times, whatever precision the regional list uses. */
const seconds = (time: string) => time.replace(/\.\d+Z$/, 'Z');

/** "17m39s" as the page's sample writes durations. */
export function jobDuration(startTime: string, endTime: string | null): string {
  if (!endTime) return 'N/A';
  const total = Math.max(0, Math.round((Date.parse(endTime) - Date.parse(startTime)) / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  return `${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${total % 60}s`;
}

type Counts = Pick<JobRow, 'totalCount' | 'failedCount' | 'successfulCount' | 'skippedCount' | 'warningCount'>;
const NO_COUNTS: Counts = { totalCount: 'N/A', failedCount: 'N/A', successfulCount: 'N/A', skippedCount: 'N/A', warningCount: 'N/A' };

/** A job row from what every regional list has: the job, its status, its counts and its times. */
function jobRow(kind: { jobType: number; jobModule: number }, job: { id: string; startTime: string; finishTime: string | null }, status: number, name: string, counts: Counts): JobRow {
  return {
    jobType: kind.jobType,
    jobModule: kind.jobModule,
    status,
    jobId: job.id,
    name,
    ...counts,
    backupSize: 'N/A',
    startTime: seconds(job.startTime),
    endTime: job.finishTime ? seconds(job.finishTime) : 'N/A',
    jobDuration: jobDuration(job.startTime, job.finishTime),
    lastModifyTime: seconds(job.finishTime ?? job.startTime),
  };
}

/**
 * One of the customer's regional job lists, read through its public API as the customer:
 * the scan jobs of `/aos/jobs` (jobType 0), or one module's jobs of
 * `/backup/m365/cloudbackupjobs` (jobType 7). Each answers a window of its own order
 * (newest first) and its total.
 */
interface JobSource {
  jobType: number;
  jobModule: number;
  read(data: PartnerData, entry: DirectoryEntry, offset: number, count: number): Promise<{ rows: JobRow[]; total: number }>;
}

const scanSource: JobSource = {
  jobType: 0,
  jobModule: 0,
  async read(data, entry, offset, count) {
    const page = await data.asCustomer<{ jobs: ScanJob[]; totalCount: number }>(entry, { path: '/aos/jobs', query: { top: Math.max(1, count), skip: offset, sortorder: 1 } });
    return {
      total: page.totalCount,
      // Scan states are get-customer-jobs.md's status codes already (1, 2, 3, 4, 5, 10).
      rows: page.jobs.slice(0, count).map((job) => jobRow(this, job, job.state, job.scanProfileName ?? 'N/A', NO_COUNTS)),
    };
  },
};

const m365Source = (jobModule: number, objectType: number): JobSource => ({
  jobType: 7,
  jobModule,
  async read(data, entry, offset, count) {
    const size = Math.max(1, count);
    const firstPage = Math.floor(offset / size) + 1;
    // The regional list pages by index: a window across two of its pages reads both.
    const pages = offset % size === 0 || count === 0 ? [firstPage] : [firstPage, firstPage + 1];
    const answers = await Promise.all(
      pages.map((pageIndex) => data.asCustomer<{ data: M365Job[]; metadata: { totalCount: number } }>(entry, { path: '/backup/m365/cloudbackupjobs', query: { objectType, jobType: 1, pageIndex, pageSize: size } })),
    );
    const start = offset - (firstPage - 1) * size;
    const jobs = answers.flatMap((answer) => answer.data).slice(start, start + count);
    return {
      total: answers[0]!.metadata.totalCount,
      rows: jobs.map((job) =>
        jobRow(this, job, M365_STATUS[job.state] ?? 0, 'N/A', {
          totalCount: String(job.backupDetails.totalCount),
          failedCount: String(job.backupDetails.failedCount),
          successfulCount: String(job.backupDetails.successfulCount),
          skippedCount: String(job.backupDetails.skippedCount),
          warningCount: '0',
        }),
      ),
    };
  },
});

const ALL_SOURCES: readonly JobSource[] = [scanSource, ...M365_MODULE_OBJECT_TYPES.map(({ jobModule, objectType }) => m365Source(jobModule, objectType))];

export interface JobFilter {
  jobType?: number | undefined;
  jobModule?: number | undefined;
}

/** The lists a filter covers, in the order a page walks them. Types Meridian holds no jobs of cover none. */
export function sourcesFor(filter: JobFilter): readonly JobSource[] {
  return ALL_SOURCES.filter((source) => (filter.jobType === undefined || source.jobType === filter.jobType) && (filter.jobModule === undefined || source.jobModule === filter.jobModule));
}

/**
 * One page over the concatenation of the filter's lists: exact, with the total of them all.
 * A single list is read once; several are counted first, then only the lists the page
 * touches are read.
 */
export async function jobPage(data: PartnerData, entry: DirectoryEntry, filter: JobFilter, paging: Paging): Promise<{ data: JobRow[]; totalCount: number }> {
  const sources = sourcesFor(filter);
  const offset = (paging.pageIndex - 1) * paging.pageSize;
  if (sources.length === 0) return { data: [], totalCount: 0 };
  if (sources.length === 1) {
    const { rows, total } = await sources[0]!.read(data, entry, offset, paging.pageSize);
    return { data: rows, totalCount: total };
  }
  const totals = await Promise.all(sources.map(async (source) => (await source.read(data, entry, 0, 0)).total));
  const windows: Array<Promise<JobRow[]>> = [];
  let start = 0;
  for (const [index, source] of sources.entries()) {
    const total = totals[index]!;
    const lo = Math.max(offset, start);
    const hi = Math.min(offset + paging.pageSize, start + total);
    if (hi > lo) windows.push(source.read(data, entry, lo - start, hi - lo).then((answer) => answer.rows));
    start += total;
  }
  return { data: (await Promise.all(windows)).flat(), totalCount: start };
}

/** Every job of the filter (v2 has no paging), read a thousand at a time. */
export async function allJobs(data: PartnerData, entry: DirectoryEntry, filter: JobFilter): Promise<JobRow[]> {
  const rows: JobRow[] = [];
  for (const source of sourcesFor(filter)) {
    for (let offset = 0; ; offset += 1000) {
      const answer = await source.read(data, entry, offset, 1000);
      rows.push(...answer.rows);
      if (offset + 1000 >= answer.total || answer.rows.length === 0) break;
    }
  }
  return rows;
}

/** v2's display strings for a v3 job row (all-backup-jobs.md). */
export const v2Job = (row: JobRow) => ({ ...row, jobType: JOB_TYPES[row.jobType] ?? String(row.jobType), jobModule: JOB_MODULES[row.jobModule] ?? String(row.jobModule), status: JOB_STATUS[row.status] ?? String(row.status) });
