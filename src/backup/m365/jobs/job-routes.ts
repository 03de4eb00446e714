import type { FastifyInstance } from 'fastify';
import { ApiError } from '../../../platform/errors.js';
import type { RegionContext } from '../../../platform/product-module.js';
import { GraphError, errorResponses, graphListJson, graphResult } from '../../shared/envelopes.js';
import { HOUR_MS, isoSeconds } from '../../shared/format.js';
import { parseDetails, type BackupJobStore, type JobRow, type StoredJob } from '../../shared/job-store.js';
import { registerJobList, registerJobProducer } from '../../shared/job-routes.js';
import type { PagingStyle } from '../../shared/paging.js';
import { jobTimes, requireFinishMatchesState, tenantOf } from '../../shared/producer.js';
import { parseTimeRange } from '../../shared/time-range.js';
import { CENTRAL_LOCATION, M365_JOB_STATES, M365_OBJECT_TYPES, M365_RUNNING_STATES, M365_STATE_BY_VALUE, parseLocation } from '../catalogue.js';
import { JobIdParams, M365JobDetailQuery, M365JobPage, M365JobQuery, M365JobResult, ProducedM365Job, type M365JobDetails } from './job-schemas.js';

export const JOB_INFO_PERMISSION = 'microsoft365backup.jobInfo.read.all';
const TAGS = ['Cloud Backup for Microsoft 365'];
const LIST_PATH = '/backup/m365/cloudbackupjobs';

/** list-jobs.md: "pageIndex ... default 0" but its sample asks for PageIndex=1; both are the first page. */
const PAGING: PagingStyle = { indexParam: 'pageIndex', sizeParam: 'pageSize', tokenParam: 'skipToken', firstPage: 1 };

interface ListQuery extends Record<string, unknown> {
  startTime?: string;
  finishTime?: string;
  jobType?: number;
  objectType?: number;
  jobState?: number;
  location?: string;
}

export function registerM365JobRoutes(app: FastifyInstance, context: RegionContext, store: BackupJobStore): void {
  registerJobList<ListQuery>(app, context, store, {
    path: LIST_PATH,
    operationId: 'listJobs',
    summary: 'List jobs',
    description: 'Jobs of Cloud Backup for Microsoft 365, newest first (m365/jobs/list-jobs.md). Filters combine; 0 means All.',
    tags: TAGS,
    permission: JOB_INFO_PERMISSION,
    querystring: M365JobQuery,
    response: M365JobPage,
    errorResponse: GraphError,
    paging: PAGING,
    defaultPageSize: 10,
    nextLink: 'url',
    filter: (query, tenantId) => ({
      tenantId,
      product: 'm365',
      ...parseTimeRange(query, { start: 'startTime', finish: 'finishTime' }, false),
      jobTypes: query.jobType ? [query.jobType] : undefined,
      serviceTypes: query.objectType ? M365_OBJECT_TYPES[query.objectType] : undefined,
      states: query.jobState ? [query.jobState] : undefined,
      location: parseLocation(query.location),
    }),
    linkParams: (query) => ({
      startTime: query.startTime,
      finishTime: query.finishTime,
      jobType: query.jobType,
      objectType: query.objectType,
      jobState: query.jobState,
      location: parseLocation(query.location),
    }),
    render: {
      item: toListedJob,
      assemble: (items, page, { request, nextLink }) => graphListJson(request, context.clock, items, { totalCount: page.total, nextLink }),
    },
  });

  app.get(
    `${LIST_PATH}/:jobId`,
    {
      schema: {
        operationId: 'retrieveJobDetails',
        summary: 'Retrieve job details',
        description: 'One job of Cloud Backup for Microsoft 365 (m365/jobs/retrieve-job-details.md).',
        tags: TAGS,
        security: [{ bearer: [] }],
        params: JobIdParams,
        querystring: M365JobDetailQuery,
        response: { 200: M365JobResult, ...errorResponses(GraphError) },
      },
      config: { permission: JOB_INFO_PERMISSION },
    },
    async (request) => {
      const { jobId } = request.params as { jobId: string };
      const location = parseLocation((request.query as { location?: string }).location) ?? CENTRAL_LOCATION;
      const row = await store.find(tenantOf(request), 'm365', jobId);
      if (!row) throw new ApiError(404, 'not_found', `No job '${jobId}' exists in Cloud Backup for Microsoft 365.`);
      if ((row.location ?? CENTRAL_LOCATION) !== location) {
        // The page scopes the lookup to one location (central when absent); say where the job is.
        throw new ApiError(404, 'not_found', `Job '${jobId}' is not in location ${location}; it is in ${row.location}. Send location=${row.location}.`);
      }
      return graphResult(request, context.clock, toJobDetail(row, context.clock.nowMs()));
    },
  );

  registerJobProducer(app, context, store, {
    path: '/producer/backup/m365/jobs',
    summary: 'Report Microsoft 365 backup jobs (producer API)',
    product: 'm365',
    runningStates: M365_RUNNING_STATES,
    item: ProducedM365Job,
    errorResponse: GraphError,
    toStored: toStoredM365Job,
  });
}

export function toStoredM365Job(job: ProducedM365Job, at: string): StoredJob {
  const { startMs, finishMs } = jobTimes(at, job.startTime, job.finishTime);
  const state = M365_JOB_STATES[job.state as keyof typeof M365_JOB_STATES];
  requireFinishMatchesState(at, M365_RUNNING_STATES.includes(state), finishMs);
  const counts = job.backupDetails ?? { totalCount: 0, failedCount: 0, successfulCount: 0, skippedCount: 0 };
  const details: M365JobDetails = {
    counts: { total: counts.totalCount, failed: counts.failedCount, successful: counts.successfulCount, skipped: counts.skippedCount },
    jobErrors: (job.jobErrors ?? []).map((error) => ({ isErrorCode: error.isErrorCode, value: error.value, url: error.url ?? '', number: error.number })),
  };
  return storedM365Job(
    { jobId: job.id, jobType: job.jobType, serviceType: job.serviceType, state, startMs, finishMs, location: job.location ?? CENTRAL_LOCATION },
    details,
  );
}

/** A Microsoft 365 job in the shared shape; once finished, with its list item rendered (StoredJob.listed). */
export function storedM365Job(job: Pick<StoredJob, 'jobId' | 'jobType' | 'serviceType' | 'state' | 'startMs' | 'finishMs' | 'location'>, details: M365JobDetails): StoredJob {
  return {
    ...job,
    organizationId: null,
    variant: null,
    description: null,
    details: details as unknown as Record<string, unknown>,
    // A finished job's item no longer depends on the time it is read at.
    listed: job.finishMs === null ? undefined : JSON.stringify(listedJob({ job_id: job.jobId, state: job.state, start_time: job.startMs, finish_time: job.finishMs }, details, job.finishMs)),
  };
}

function common(row: Pick<JobRow, 'job_id' | 'state' | 'start_time' | 'finish_time'>, nowMs: number) {
  const end = row.finish_time ?? Math.max(nowMs, row.start_time);
  return {
    id: row.job_id,
    state: M365_STATE_BY_VALUE.get(row.state as 1) ?? 'In Progress',
    startTime: isoSeconds(row.start_time),
    finishTime: row.finish_time === null ? null : isoSeconds(row.finish_time),
    duration: ((end - row.start_time) / HOUR_MS).toFixed(3),
  };
}

export const toListedJob = (row: JobRow, nowMs: number) => listedJob(row, parseDetails<M365JobDetails>(row), nowMs);

/** Fields in the response schema's order and nothing else: JSON.stringify then writes what the schema serializer would. */
function listedJob(row: Pick<JobRow, 'job_id' | 'state' | 'start_time' | 'finish_time'>, details: M365JobDetails, nowMs: number) {
  return {
    ...common(row, nowMs),
    backupDetails: { totalCount: details.counts.total, failedCount: details.counts.failed, successfulCount: details.counts.successful, skippedCount: details.counts.skipped },
    jobErrors: details.jobErrors.map((error) => ({ isErrorCode: error.isErrorCode, value: error.value, url: error.url, number: error.number })),
  };
}

export function toJobDetail(row: JobRow, nowMs: number) {
  const details = parseDetails<M365JobDetails>(row);
  return {
    ...common(row, nowMs),
    backupDetails: { totalNumber: details.counts.total, failedNumber: details.counts.failed, successfulNumber: details.counts.successful, skippedNumber: details.counts.skipped },
    jobErrors: details.jobErrors,
  };
}
