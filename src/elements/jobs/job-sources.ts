import { D365_MODULE_NAMES, GOOGLE_MODULE_APP_TYPES, IAAS_MODULE_SERVICES, M365_MODULE_OBJECT_TYPES, REGIONAL_JOB_STATUS } from '../catalogue.js';
import { counts, jobRow, type JobFacts, type JobRow } from './job-row.js';

/**
 * A GET of the customer's own regional API, as the customer. Within one batch an identical
 * call is made once, so lists read by several sources (a walk filtered per module) cost one read.
 */
export type RegionalRead = <T>(path: string, query: Record<string, string | number | undefined>) => Promise<T>;

/**
 * One (jobType, jobModule) list of the customer's jobs, newest first, read from one of its
 * regional job lists: a window of it and its total.
 */
export interface JobSource {
  jobType: number;
  jobModule: number;
  read(read: RegionalRead, offset: number, count: number): Promise<{ rows: JobRow[]; total: number }>;
}

type Kind = Pick<JobSource, 'jobType' | 'jobModule'>;

/**
 * A source over a list that pages by index (from 0 here) and answers its total: a window
 * is the one or two of its pages it spans.
 */
function indexedSource<J>(kind: Kind, page: (read: RegionalRead, index: number, size: number) => Promise<{ jobs: J[]; total: number }>, toFacts: (job: J) => JobFacts): JobSource {
  return {
    ...kind,
    async read(read, offset, count) {
      const size = Math.max(1, count);
      const first = Math.floor(offset / size);
      const indexes = offset % size === 0 || count === 0 ? [first] : [first, first + 1];
      const answers = await Promise.all(indexes.map((index) => page(read, index, size)));
      const start = offset - first * size;
      const jobs = answers.flatMap((answer) => answer.jobs).slice(start, start + count);
      return { total: answers[0]!.total, rows: jobs.map((job) => jobRow(kind, toFacts(job))) };
    },
  };
}

const WALK_PAGE = 1000;

/**
 * A source over a list that cannot filter by this source's module (or has no total): the
 * list is read to its end, a thousand at a time, and filtered here. Used where the lists are
 * short (scan jobs, one Google Workspace or Dynamics 365 backup a day per service).
 */
function walkedSource<J>(kind: Kind, page: (read: RegionalRead, index: number, size: number) => Promise<{ jobs: J[]; more: boolean }>, keep: (job: J) => boolean, toFacts: (job: J) => JobFacts): JobSource {
  return {
    ...kind,
    async read(read, offset, count) {
      const jobs: J[] = [];
      for (let index = 0; ; index++) {
        const answer = await page(read, index, WALK_PAGE);
        jobs.push(...answer.jobs.filter(keep));
        if (!answer.more || answer.jobs.length === 0) break;
      }
      return { total: jobs.length, rows: jobs.slice(offset, offset + count).map((job) => jobRow(kind, toFacts(job))) };
    },
  };
}

/** Lists whose time range is required (Salesforce, Dynamics 365) are read over all time. */
const ALL_TIME = { startTime: '1970-01-01', finishTime: '9999-12-31' };
const times = (job: { startTime: string; finishTime: string | null }) => ({ startTime: job.startTime, finishTime: job.finishTime });

// ---- jobType 0 and 10: AOS scan jobs (main/services-and-features/aos/jobs.md), /aos/jobs.

interface ScanJob {
  id: string;
  type: number;
  state: number;
  startTime: string;
  finishTime: string | null;
  scanProfileName: string | null;
}

const scanPage = async (read: RegionalRead, index: number, size: number) => {
  const page = await read<{ jobs: ScanJob[]; totalCount: number }>('/aos/jobs', { top: size, skip: index * size, sortorder: 1 });
  return { jobs: page.jobs, more: (index + 1) * size < page.totalCount };
};

/** `/aos/jobs` has no type filter: Microsoft 365 scans (type 0, and 11 batch imports) and Google scans (type 10) are told apart here. */
const scanSource = (jobType: number, scanTypes: readonly number[]): JobSource =>
  walkedSource({ jobType, jobModule: 0 }, scanPage, (job) => scanTypes.includes(job.type), (job) => ({
    id: job.id,
    ...times(job),
    // Scan states are get-customer-jobs.md's status codes already (1, 2, 3, 4, 5, 10).
    status: job.state,
    name: job.scanProfileName,
  }));

// ---- jobType 7: Cloud Backup for Microsoft 365 (m365/jobs/list-jobs.md), backup jobs of one objectType each.

interface M365Job {
  id: string;
  state: string;
  startTime: string;
  finishTime: string | null;
  backupDetails: { totalCount: number; failedCount: number; successfulCount: number; skippedCount: number };
}

const m365Source = (jobModule: number, objectType: number): JobSource =>
  indexedSource(
    { jobType: 7, jobModule },
    async (read, index, size) => {
      const page = await read<{ data: M365Job[]; metadata: { totalCount: number } }>('/backup/m365/cloudbackupjobs', { objectType, jobType: 1, pageIndex: index + 1, pageSize: size });
      return { jobs: page.data, total: page.metadata.totalCount };
    },
    (job) => ({
      id: job.id,
      ...times(job),
      status: REGIONAL_JOB_STATUS.m365[job.state] ?? 0,
      counts: counts(job.backupDetails.totalCount, job.backupDetails.failedCount, job.backupDetails.successfulCount, job.backupDetails.skippedCount),
    }),
  );

// ---- jobType 11: Cloud Backup for Google Workspace (google/google.md), the Admin data source's backup jobs.

interface GoogleJob {
  jobId: string;
  appType: number;
  status: number;
  startTime: string;
  finishTime: string | null;
}

/** The list answers no total (only a nextLink), so it is walked, once per batch for all modules. */
const googlePage = async (read: RegionalRead, index: number, size: number) => {
  const page = await read<{ jobs: GoogleJob[]; nextLink: string }>('/backup/google/admin/jobs', { jobType: 1, pageIndex: index, pageSize: size });
  return { jobs: page.jobs, more: page.nextLink !== '' };
};

const googleSource = (jobModule: number, appTypes: readonly number[]): JobSource =>
  walkedSource({ jobType: 11, jobModule }, googlePage, (job) => appTypes.includes(job.appType), (job) => ({
    id: job.jobId,
    ...times(job),
    status: REGIONAL_JOB_STATUS.google[job.status] ?? 0,
  }));

// ---- jobType 12: Cloud Backup for IaaS + PaaS (iaas-paas/iaas-paas.md), each service's backup jobs.

interface IaasJob {
  jobId: string;
  status: number;
  failedCount: number;
  successfulCount: number;
  skippedCount: number;
  totalCount: number;
  startTime: string;
  finishTime: string | null;
}

const iaasSource = (jobModule: number, serviceType: number, backupJobType: number): JobSource =>
  indexedSource(
    { jobType: 12, jobModule },
    async (read, index, size) => {
      const page = await read<{ jobs: IaasJob[]; totalCount: number }>('/backup/vm/jobs', { serviceType, jobType: backupJobType, pageNumber: index, pageSize: size });
      return { jobs: page.jobs, total: page.totalCount };
    },
    (job) => ({
      id: job.jobId,
      ...times(job),
      status: REGIONAL_JOB_STATUS.iaas[job.status] ?? 0,
      counts: counts(job.totalCount, job.failedCount, job.successfulCount, job.skippedCount),
    }),
  );

// ---- jobType 15: Cloud Backup for Salesforce (salesforcebackup/jobs.md), backup jobs; the list has no module.

interface SalesforceJob {
  jobId: string;
  state: number;
  startTime: string;
  finishTime: string | null;
  totalObjects: number;
  failedObjects: number;
  successfulObjects: number;
  skippedObjects: number;
  /** KB. */
  dataSize: number;
}

const salesforceSource: JobSource = indexedSource(
  { jobType: 15, jobModule: 0 },
  async (read, index, size) => {
    const page = await read<{ data: { jobs: SalesforceJob[]; totalCount: number } }>('/backup/sfbapi/jobs', { ...ALL_TIME, type: 1, pageIndex: index + 1, pageSize: size });
    return { jobs: page.data.jobs, total: page.data.totalCount };
  },
  (job) => ({
    id: job.jobId,
    ...times(job),
    status: REGIONAL_JOB_STATUS.salesforce[job.state] ?? 0,
    counts: counts(job.totalObjects, job.failedObjects, job.successfulObjects, job.skippedObjects),
    sizeBytes: job.dataSize * 1024,
  }),
);

// ---- jobType 16: Cloud Backup for Dynamics 365 (d365/d365.md), backup jobs of one module each.

interface D365Job {
  module: string;
  jobId: string;
  status: number;
  startTime: string;
  finishTime: string | null;
  totalEntity: number;
  failedEntity: number;
  successfulEntity: number;
  skippedEntity: number;
  warningEntity: number;
  /** Bytes. */
  backupSize: number;
}

/** The list cannot filter by module: it is walked, once per batch for all modules. */
const d365Page = async (read: RegionalRead, index: number, size: number) => {
  const page = await read<{ jobs: D365Job[]; totalCount: number }>('/dynamicsbackup/jobs', { ...ALL_TIME, type: 1, pageIndex: index + 1, pageSize: size });
  return { jobs: page.jobs, more: (index + 1) * size < page.totalCount };
};

const d365Source = (jobModule: number, module: string): JobSource =>
  walkedSource({ jobType: 16, jobModule }, d365Page, (job) => job.module === module, (job) => ({
    id: job.jobId,
    ...times(job),
    status: REGIONAL_JOB_STATUS.d365[job.status] ?? 0,
    counts: counts(job.totalEntity, job.failedEntity, job.successfulEntity, job.skippedEntity, job.warningEntity),
    sizeBytes: job.backupSize,
  }));

/** Every list, in the order a batch walks them: by jobType, then jobModule. */
const ALL_SOURCES: readonly JobSource[] = [
  scanSource(0, [0, 11]),
  ...M365_MODULE_OBJECT_TYPES.map(({ jobModule, objectType }) => m365Source(jobModule, objectType)),
  scanSource(10, [10]),
  ...GOOGLE_MODULE_APP_TYPES.map(({ jobModule, appTypes }) => googleSource(jobModule, appTypes)),
  ...IAAS_MODULE_SERVICES.map(({ jobModule, serviceType, backupJobType }) => iaasSource(jobModule, serviceType, backupJobType)),
  salesforceSource,
  ...D365_MODULE_NAMES.map(({ jobModule, module }) => d365Source(jobModule, module)),
].sort((a, b) => a.jobType - b.jobType || a.jobModule - b.jobModule);

export interface JobFilter {
  jobType?: number | undefined;
  jobModule?: number | undefined;
}

/** The lists a filter covers, in the order a page walks them. A (type, module) pair Meridian holds no jobs of covers none. */
export function sourcesFor(filter: JobFilter): readonly JobSource[] {
  return ALL_SOURCES.filter((source) => (filter.jobType === undefined || source.jobType === filter.jobType) && (filter.jobModule === undefined || source.jobModule === filter.jobModule));
}
