import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import type { RegionContext } from '../../../platform/product-module.js';
import { invalidParameter } from '../../../platform/errors.js';
import { NullableString } from '../../../platform/schema.js';
import { IaasError } from '../../shared/envelopes.js';
import { isoSeconds, timeSpan } from '../../shared/format.js';
import { parseDetails, type BackupJobStore, type JobRow, type StoredJob } from '../../shared/job-store.js';
import { registerJobList, registerJobProducer } from '../../shared/job-routes.js';
import { jobTimes, requireFinishMatchesState } from '../../shared/producer.js';
import { parseTimeRange } from '../../shared/time-range.js';
import { IAAS_JOB_TYPES, IAAS_JOB_TYPE_VALUES, IAAS_RUNNING_STATES, IAAS_SERVICE_TYPES, IAAS_SERVICE_TYPE_VALUES, IAAS_STATUS_VALUES } from '../catalogue.js';

export const IAAS_PERMISSION = 'PlatformBackup.ReadWrite.All';

/** GET /backup/vm/jobs query (iaas-paas/iaas-paas.md). */
export const IaasJobQuery = Type.Object({
  searchText: Type.Optional(Type.String({ maxLength: 200, description: 'Finds jobs whose id or comments contain this text.' })),
  startTime: Type.Optional(Type.String({ description: 'Start of the time range (UTC), ISO 8601.' })),
  finishTime: Type.Optional(Type.String({ description: 'End of the time range (UTC), ISO 8601.' })),
  serviceType: Type.Optional(Type.Integer({ enum: IAAS_SERVICE_TYPE_VALUES, description: Object.entries(IAAS_SERVICE_TYPES).map(([v, n]) => `${v} ${n}`).join(', ') })),
  jobType: Type.Optional(Type.Integer({ enum: IAAS_JOB_TYPE_VALUES, description: Object.entries(IAAS_JOB_TYPES).map(([v, t]) => `${v} ${t.name}`).join(', ') })),
  pageNumber: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0, description: 'Page number from 0; ignored with skiptoken.' })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 10, description: 'Jobs per page, 1 to 1000 (default 10).' })),
  skiptoken: Type.Optional(Type.String({ description: 'The nextLink of the previous page; pageNumber is then ignored.' })),
});

export const IaasJob = Type.Object({
  jobId: Type.String(),
  jobType: Type.Integer({ enum: IAAS_JOB_TYPE_VALUES }),
  status: Type.Integer({ enum: IAAS_STATUS_VALUES }),
  failedCount: Type.Integer(),
  successfulCount: Type.Integer(),
  skippedCount: Type.Integer(),
  totalCount: Type.Integer(),
  startTime: Type.String(),
  finishTime: NullableString({ description: 'Null while the job runs.' }),
  duration: Type.String({ description: '[d.]hh:mm:ss' }),
  comments: Type.String(),
});

export const IaasJobPage = Type.Object({ totalCount: Type.Integer(), jobs: Type.Array(IaasJob), nextLink: Type.String() });

const Count = Type.Integer({ minimum: 0 });
const ProducedIaasJob = Type.Object(
  {
    jobId: Type.String({ minLength: 1, maxLength: 200 }),
    serviceType: Type.Integer({ enum: IAAS_SERVICE_TYPE_VALUES }),
    jobType: Type.Integer({ enum: IAAS_JOB_TYPE_VALUES }),
    status: Type.Integer({ enum: IAAS_STATUS_VALUES }),
    failedCount: Type.Optional(Count),
    successfulCount: Type.Optional(Count),
    skippedCount: Type.Optional(Count),
    totalCount: Type.Optional(Count),
    startTime: Type.String(),
    finishTime: Type.Optional(NullableString()),
    comments: Type.Optional(NullableString({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
type ProducedIaasJob = Static<typeof ProducedIaasJob>;

interface IaasDetails {
  failed: number;
  successful: number;
  skipped: number;
  total: number;
}

interface ListQuery extends Record<string, unknown> {
  searchText?: string;
  startTime?: string;
  finishTime?: string;
  serviceType?: number;
  jobType?: number;
}

export function registerIaasJobRoutes(app: FastifyInstance, context: RegionContext, store: BackupJobStore): void {
  registerJobList<ListQuery>(app, context, store, {
    path: '/backup/vm/jobs',
    operationId: 'retrieveIaasPaasJobInformation',
    summary: 'Retrieve job information',
    description: 'Jobs of Cloud Backup for IaaS + PaaS (Azure, AWS, Google Cloud), newest first (iaas-paas/iaas-paas.md).',
    tags: ['Cloud Backup for IaaS + PaaS'],
    permission: IAAS_PERMISSION,
    querystring: IaasJobQuery,
    response: IaasJobPage,
    errorResponse: IaasError,
    paging: { indexParam: 'pageNumber', sizeParam: 'pageSize', tokenParam: 'skiptoken', firstPage: 0 },
    defaultPageSize: 10,
    nextLink: 'token',
    filter: (query, tenantId) => ({
      tenantId,
      product: 'iaas-paas',
      ...parseTimeRange(query, { start: 'startTime', finish: 'finishTime' }, false),
      serviceTypes: query.serviceType === undefined ? undefined : [query.serviceType],
      jobTypes: query.jobType === undefined ? undefined : [query.jobType],
      search: query.searchText?.trim() || undefined,
    }),
    linkParams: () => ({}),
    render: (page, { nowMs, nextLink }) => ({ totalCount: page.total, jobs: page.rows.map((row) => toIaasJob(row, nowMs)), nextLink }),
  });

  registerJobProducer<ProducedIaasJob>(app, context, store, {
    path: '/producer/backup/iaas-paas/jobs',
    summary: 'Report IaaS + PaaS backup jobs (producer API)',
    product: 'iaas-paas',
    runningStates: IAAS_RUNNING_STATES,
    item: ProducedIaasJob,
    errorResponse: IaasError,
    toStored: (job, at): StoredJob => {
      const { startMs, finishMs } = jobTimes(at, job.startTime, job.finishTime);
      requireFinishMatchesState(at, IAAS_RUNNING_STATES.includes(job.status), finishMs);
      const owner = IAAS_JOB_TYPES[job.jobType]!.serviceType;
      if (owner !== 128 && owner !== job.serviceType) throw invalidParameter(`${at}.jobType`, `${job.jobType} is a job of serviceType ${owner}, not ${job.serviceType}`);
      const details: IaasDetails = { failed: job.failedCount ?? 0, successful: job.successfulCount ?? 0, skipped: job.skippedCount ?? 0, total: job.totalCount ?? 0 };
      return {
        jobId: job.jobId,
        jobType: job.jobType,
        serviceType: job.serviceType,
        state: job.status,
        startMs,
        finishMs,
        location: null,
        organizationId: null,
        variant: null,
        description: job.comments ?? '',
        details: details as unknown as Record<string, unknown>,
      };
    },
  });
}

function toIaasJob(row: JobRow, nowMs: number) {
  const details = parseDetails<IaasDetails>(row);
  return {
    jobId: row.job_id,
    jobType: row.job_type,
    status: row.state,
    failedCount: details.failed,
    successfulCount: details.successful,
    skippedCount: details.skipped,
    totalCount: details.total,
    startTime: isoSeconds(row.start_time),
    finishTime: row.finish_time === null ? null : isoSeconds(row.finish_time),
    duration: timeSpan((row.finish_time ?? Math.max(nowMs, row.start_time)) - row.start_time),
    comments: row.description ?? '',
  };
}
