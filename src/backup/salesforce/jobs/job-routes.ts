import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import type { RegionContext } from '../../../platform/product-module.js';
import { NullableString } from '../../../platform/schema.js';
import { GraphError, graphResult } from '../../shared/envelopes.js';
import { isoSeconds } from '../../shared/format.js';
import { parseDetails, type BackupJobStore, type JobRow, type StoredJob } from '../../shared/job-store.js';
import { registerJobList, registerJobProducer } from '../../shared/job-routes.js';
import { jobTimes, requireFinishMatchesState } from '../../shared/producer.js';
import { parseTimeRange } from '../../shared/time-range.js';
import { SALESFORCE_JOB_TYPES, SALESFORCE_JOB_TYPE_VALUES, SALESFORCE_LEVEL_VALUES, SALESFORCE_RUNNING_STATES, SALESFORCE_STATUS_VALUES } from '../catalogue.js';

export const SALESFORCE_PERMISSION = 'salesforce.public.read.all';
export const SALESFORCE_TAGS = ['Cloud Backup for Salesforce'];

/** GET /backup/sfbapi/jobs query (salesforcebackup/jobs.md): startTime and finishTime are required. */
export const SalesforceJobQuery = Type.Object(
  {
    startTime: Type.String({ description: 'Start of the time range (UTC), e.g. 2024-01-01.' }),
    finishTime: Type.String({ description: 'End of the time range (UTC); a date alone includes that day.' }),
    type: Type.Optional(Type.Integer({ enum: [0, ...SALESFORCE_JOB_TYPE_VALUES], description: `0 All, ${Object.entries(SALESFORCE_JOB_TYPES).map(([v, n]) => `${v} ${n}`).join(', ')}.` })),
    status: Type.Optional(Type.Integer({ enum: [0, ...SALESFORCE_STATUS_VALUES], description: '0 All, 1 In progress, 2 Finished, 3 Finished with exception, 4 Failed, 5 Paused, 6 Stopped, 7 Skipped.' })),
    level: Type.Optional(Type.Integer({ enum: [0, ...SALESFORCE_LEVEL_VALUES], description: '0 All, 1 Organization, 2 Object, 3 Record, 4 Field, 5 Metadata, 6 N/A.' })),
    organizationId: Type.Optional(Type.String({ maxLength: 100, description: 'Source organization id.' })),
    pageIndex: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'Page number; 0 and 1 both mean the first page.' })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 10, description: 'Jobs per page, 1 to 1000 (default 10).' })),
    skipToken: Type.Optional(Type.String({ description: 'Continuation from a nextLink (Meridian: exact paging while jobs are written).' })),
  },
  { required: ['startTime', 'finishTime'] },
);

const counters = [
  'successfulRecords', 'skippedRecords', 'failedRecords', 'totalRecords',
  'successfulMetadata', 'failedMetadata', 'totalMetadata',
  'successfulObjects', 'skippedObjects', 'failedObjects', 'totalObjects',
] as const;
type Counter = (typeof counters)[number];

/** The sample's job (its `state`, not the table's `status`) and the table's dataSize, apiCalls, organizationId. */
export const SalesforceJob = Type.Object({
  type: Type.Integer({ enum: SALESFORCE_JOB_TYPE_VALUES }),
  jobId: Type.String(),
  startTime: Type.String(),
  finishTime: NullableString({ description: 'Null while the job runs.' }),
  state: Type.Integer({ enum: SALESFORCE_STATUS_VALUES }),
  ...Object.fromEntries(counters.map((name) => [name, Type.Integer()])),
  dataSize: Type.Integer({ description: 'KB' }),
  apiCalls: Type.Integer(),
  organizationId: Type.String(),
});

export const SalesforceJobPage = Type.Object({
  statusCode: Type.Integer(),
  message: Type.String(),
  data: Type.Object({ totalCount: Type.Integer(), jobs: Type.Array(SalesforceJob), nextLink: Type.String() }),
  requestId: Type.String(),
  timestamp: Type.String(),
  traceId: Type.String(),
});

const Count = Type.Integer({ minimum: 0 });
const ProducedSalesforceJob = Type.Object(
  {
    jobId: Type.String({ minLength: 1, maxLength: 200 }),
    type: Type.Integer({ enum: SALESFORCE_JOB_TYPE_VALUES }),
    state: Type.Integer({ enum: SALESFORCE_STATUS_VALUES }),
    level: Type.Integer({ enum: SALESFORCE_LEVEL_VALUES }),
    startTime: Type.String(),
    finishTime: Type.Optional(NullableString()),
    ...Object.fromEntries(counters.map((name) => [name, Type.Optional(Count)])),
    dataSize: Type.Optional(Count),
    apiCalls: Type.Optional(Count),
    organizationId: Type.String({ minLength: 1, maxLength: 100 }),
  },
  { additionalProperties: false },
);
type ProducedSalesforceJob = Static<typeof ProducedSalesforceJob> & Partial<Record<Counter, number>>;
type SalesforceDetails = Record<Counter | 'dataSize' | 'apiCalls', number>;

interface ListQuery extends Record<string, unknown> {
  startTime: string;
  finishTime: string;
  type?: number;
  status?: number;
  level?: number;
  organizationId?: string;
}

export function registerSalesforceJobRoutes(app: FastifyInstance, context: RegionContext, store: BackupJobStore): void {
  registerJobList<ListQuery>(app, context, store, {
    path: '/backup/sfbapi/jobs',
    operationId: 'retrieveSalesforceJobInformation',
    summary: 'Retrieve job information',
    description: 'Jobs of Cloud Backup for Salesforce, newest first (salesforcebackup/jobs.md).',
    tags: SALESFORCE_TAGS,
    permission: SALESFORCE_PERMISSION,
    querystring: SalesforceJobQuery,
    response: SalesforceJobPage,
    errorResponse: GraphError,
    // jobs.md: "pageIndex ... default 0" while its sample asks for pageIndex=1; both are the first page.
    paging: { indexParam: 'pageIndex', sizeParam: 'pageSize', tokenParam: 'skipToken', firstPage: 1 },
    defaultPageSize: 10,
    nextLink: 'url',
    filter: (query, tenantId) => ({
      tenantId,
      product: 'salesforce',
      ...parseTimeRange(query, { start: 'startTime', finish: 'finishTime' }, true),
      jobTypes: query.type ? [query.type] : undefined,
      states: query.status ? [query.status] : undefined,
      variant: query.level || undefined,
      organizationId: query.organizationId?.trim() || undefined,
    }),
    linkParams: (query) => ({ startTime: query.startTime, finishTime: query.finishTime, type: query.type, status: query.status, level: query.level, organizationId: query.organizationId }),
    render: (page, { request, nextLink }) => graphResult(request, context.clock, { totalCount: page.total, jobs: page.rows.map(toSalesforceJob), nextLink }),
  });

  registerJobProducer<ProducedSalesforceJob>(app, context, store, {
    path: '/producer/backup/salesforce/jobs',
    summary: 'Report Salesforce backup jobs (producer API)',
    product: 'salesforce',
    runningStates: SALESFORCE_RUNNING_STATES,
    item: ProducedSalesforceJob,
    errorResponse: GraphError,
    toStored: (job, at): StoredJob => {
      const { startMs, finishMs } = jobTimes(at, job.startTime, job.finishTime);
      requireFinishMatchesState(at, SALESFORCE_RUNNING_STATES.includes(job.state), finishMs);
      const details = {
        dataSize: job.dataSize ?? 0,
        apiCalls: job.apiCalls ?? 0,
        ...Object.fromEntries(counters.map((name) => [name, job[name] ?? 0])),
      } as SalesforceDetails;
      return {
        jobId: job.jobId,
        jobType: job.type,
        serviceType: null,
        state: job.state,
        startMs,
        finishMs,
        location: null,
        organizationId: job.organizationId,
        variant: job.level,
        description: null,
        details,
      };
    },
  });
}

function toSalesforceJob(row: JobRow) {
  const details = parseDetails<SalesforceDetails>(row);
  return {
    type: row.job_type,
    jobId: row.job_id,
    startTime: isoSeconds(row.start_time),
    finishTime: row.finish_time === null ? null : isoSeconds(row.finish_time),
    state: row.state,
    ...Object.fromEntries(counters.map((name) => [name, details[name]])),
    dataSize: details.dataSize,
    apiCalls: details.apiCalls,
    organizationId: row.organization_id ?? '',
  };
}
