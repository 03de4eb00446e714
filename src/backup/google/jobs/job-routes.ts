import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { invalidParameter } from '../../../platform/errors.js';
import type { RegionContext } from '../../../platform/product-module.js';
import { NullableString } from '../../../platform/schema.js';
import { GoogleError } from '../../shared/envelopes.js';
import { isoOffset } from '../../shared/format.js';
import { parseDetails, type BackupJobStore, type JobRow, type StoredJob } from '../../shared/job-store.js';
import { registerJobList, registerJobProducer } from '../../shared/job-routes.js';
import { jobTimes, requireFinishMatchesState } from '../../shared/producer.js';
import { parseTimeRange } from '../../shared/time-range.js';
import { GOOGLE_APP_TYPES, GOOGLE_APP_TYPE_VALUES, GOOGLE_JOB_TYPE_VALUES, GOOGLE_RUNNING_STATES, GOOGLE_STATUS_VALUES } from '../catalogue.js';

export const GOOGLE_PERMISSION = 'gsuite.graph.read.all';

const STATUS_DESCRIPTION = '0 In progress, 2 Finished, 3 Failed, 7 Finished with exception.';

/** GET /backup/google/admin/jobs query (google/google.md). */
export const GoogleJobQuery = Type.Object({
  dataSource: Type.Optional(Type.Integer({ enum: [1, 2], default: 1, description: '1 Admin (default), 2 ReCenter.' })),
  appType: Type.Optional(Type.Integer({ enum: GOOGLE_APP_TYPE_VALUES, description: Object.entries(GOOGLE_APP_TYPES).map(([v, n]) => `${v} ${n}`).join(', ') })),
  pageIndex: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0, description: 'Page number from 0.' })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'Jobs per page, 1 to 1000 (default 100).' })),
  jobType: Type.Optional(Type.Integer({ enum: GOOGLE_JOB_TYPE_VALUES, description: '1 Backup, 2 Restore, 3 Export, 4 Delete, 5 Retention, 6 Generate Report.' })),
  startTime: Type.Optional(Type.String({ description: 'Start of the time range (UTC), ISO 8601.' })),
  finishTime: Type.Optional(Type.String({ description: 'End of the time range (UTC), ISO 8601.' })),
  jobStatus: Type.Optional(Type.Integer({ enum: GOOGLE_STATUS_VALUES, description: STATUS_DESCRIPTION })),
  status: Type.Optional(Type.Integer({ enum: GOOGLE_STATUS_VALUES, description: `Same as jobStatus (the page's request sample sends status). ${STATUS_DESCRIPTION}` })),
  skipToken: Type.Optional(Type.String({ description: 'Continuation from a nextLink.' })),
});

export const GoogleJob = Type.Object({
  jobId: Type.String(),
  appType: Type.Integer({ enum: GOOGLE_APP_TYPE_VALUES }),
  jobType: Type.Integer({ enum: GOOGLE_JOB_TYPE_VALUES }),
  dataSource: Type.Integer({ enum: [1, 2] }),
  status: Type.Integer({ enum: GOOGLE_STATUS_VALUES }),
  progress: Type.Number(),
  startTime: Type.String(),
  finishTime: NullableString({ description: 'Null while the job runs.' }),
  operator: Type.String(),
});

export const GoogleJobPage = Type.Object({ status: Type.Integer(), message: Type.String(), jobs: Type.Array(GoogleJob), nextLink: Type.String() });

const ProducedGoogleJob = Type.Object(
  {
    jobId: Type.String({ minLength: 1, maxLength: 200 }),
    appType: Type.Integer({ enum: GOOGLE_APP_TYPE_VALUES }),
    jobType: Type.Integer({ enum: GOOGLE_JOB_TYPE_VALUES }),
    dataSource: Type.Integer({ enum: [1, 2] }),
    status: Type.Integer({ enum: GOOGLE_STATUS_VALUES }),
    progress: Type.Number({ minimum: 0, maximum: 100 }),
    startTime: Type.String(),
    finishTime: Type.Optional(NullableString()),
    operator: Type.String({ maxLength: 500 }),
  },
  { additionalProperties: false },
);
type ProducedGoogleJob = Static<typeof ProducedGoogleJob>;

interface ListQuery extends Record<string, unknown> {
  dataSource?: number;
  appType?: number;
  jobType?: number;
  startTime?: string;
  finishTime?: string;
  jobStatus?: number;
  status?: number;
}

function statusOf(query: ListQuery): number | undefined {
  if (query.jobStatus !== undefined && query.status !== undefined && query.jobStatus !== query.status) {
    throw invalidParameter('jobStatus', `(${query.jobStatus}) and its alias status (${query.status}) disagree; send one`);
  }
  return query.jobStatus ?? query.status;
}

export function registerGoogleJobRoutes(app: FastifyInstance, context: RegionContext, store: BackupJobStore): void {
  registerJobList<ListQuery>(app, context, store, {
    path: '/backup/google/admin/jobs',
    operationId: 'retrieveGoogleWorkspaceJobInformation',
    summary: 'Retrieve job information',
    description: 'Jobs of Cloud Backup for Google Workspace, newest first; the Admin data source unless dataSource=2 (google/google.md).',
    tags: ['Cloud Backup for Google Workspace'],
    permission: GOOGLE_PERMISSION,
    querystring: GoogleJobQuery,
    response: GoogleJobPage,
    errorResponse: GoogleError,
    paging: { indexParam: 'pageIndex', sizeParam: 'pageSize', tokenParam: 'skipToken', firstPage: 0 },
    defaultPageSize: 100,
    nextLink: 'url',
    filter: (query, tenantId) => {
      const status = statusOf(query);
      return {
        tenantId,
        product: 'google',
        ...parseTimeRange(query, { start: 'startTime', finish: 'finishTime' }, false),
        variant: query.dataSource ?? 1,
        serviceTypes: query.appType === undefined ? undefined : [query.appType],
        jobTypes: query.jobType === undefined ? undefined : [query.jobType],
        states: status === undefined ? undefined : [status],
      };
    },
    linkParams: (query) => ({
      dataSource: query.dataSource,
      appType: query.appType,
      jobType: query.jobType,
      startTime: query.startTime,
      finishTime: query.finishTime,
      jobStatus: statusOf(query),
    }),
    render: (page, { nextLink }) => ({ status: 200, message: '', jobs: page.rows.map(toGoogleJob), nextLink }),
  });

  registerJobProducer<ProducedGoogleJob>(app, context, store, {
    path: '/producer/backup/google/jobs',
    summary: 'Report Google Workspace backup jobs (producer API)',
    product: 'google',
    runningStates: GOOGLE_RUNNING_STATES,
    item: ProducedGoogleJob,
    errorResponse: GoogleError,
    toStored: (job, at): StoredJob => {
      const { startMs, finishMs } = jobTimes(at, job.startTime, job.finishTime);
      requireFinishMatchesState(at, GOOGLE_RUNNING_STATES.includes(job.status), finishMs);
      return {
        jobId: job.jobId,
        jobType: job.jobType,
        serviceType: job.appType,
        state: job.status,
        startMs,
        finishMs,
        location: null,
        organizationId: null,
        variant: job.dataSource,
        description: null,
        details: { progress: job.progress, operator: job.operator },
      };
    },
  });
}

function toGoogleJob(row: JobRow) {
  const details = parseDetails<{ progress: number; operator: string }>(row);
  return {
    jobId: row.job_id,
    appType: row.service_type!,
    jobType: row.job_type,
    dataSource: row.variant!,
    status: row.state,
    progress: details.progress,
    startTime: isoOffset(row.start_time),
    finishTime: row.finish_time === null ? null : isoOffset(row.finish_time),
    operator: details.operator,
  };
}
