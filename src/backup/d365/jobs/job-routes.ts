import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { invalidParameter } from '../../../platform/errors.js';
import type { RegionContext } from '../../../platform/product-module.js';
import { NullableString } from '../../../platform/schema.js';
import { GraphError } from '../../shared/envelopes.js';
import { HOUR_MS, isoMillis } from '../../shared/format.js';
import { parseDetails, type BackupJobStore, type JobRow, type StoredJob } from '../../shared/job-store.js';
import { registerJobList, registerJobProducer } from '../../shared/job-routes.js';
import { jobTimes, requireFinishMatchesState } from '../../shared/producer.js';
import { parseTimeRange } from '../../shared/time-range.js';
import { D365_JOB_TYPE_VALUES, D365_MODULES, D365_RUNNING_STATES, D365_STATUS_VALUES, GUID } from '../catalogue.js';

export const D365_PERMISSION = 'Dynamics.ReadWrite.All';

const TYPE_DESCRIPTION = '0 all, 1 backup, 2 restore, 4 Dryrun, 8 Retention, 16 AuditBackup, 32 Export.';

/** GET /dynamicsbackup/jobs query (d365/d365.md): type, startTime and finishTime are required. */
export const D365JobQuery = Type.Object(
  {
    pageIndex: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 1, description: 'Page number, from 1 (0 is taken as 1).' })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 10, description: 'Jobs per page, 1 to 1000 (default 10).' })),
    type: Type.Integer({ enum: [0, ...D365_JOB_TYPE_VALUES], description: TYPE_DESCRIPTION }),
    startTime: Type.String({ description: 'Start of the time range (UTC), ISO 8601.' }),
    finishTime: Type.String({ description: 'End of the time range (UTC), ISO 8601.' }),
    status: Type.Optional(Type.Integer({ enum: D365_STATUS_VALUES, description: '2 In progress, 3 Finished, 4 Failed, 7 Finished with Exception.' })),
    organizationId: Type.Optional(Type.String({ description: 'Organization GUID.' })),
    skipToken: Type.Optional(Type.String({ description: 'Continuation from a nextLink (Meridian: exact paging while jobs are written).' })),
  },
  { required: ['type', 'startTime', 'finishTime'] },
);

const counters = ['successfulEntity', 'failedEntity', 'skippedEntity', 'warningEntity', 'totalEntity', 'successfulRecord', 'failedRecord', 'skippedRecord', 'warningRecord', 'totalRecord'] as const;

export const D365Job = Type.Object({
  module: Type.String(),
  type: Type.Integer({ enum: D365_JOB_TYPE_VALUES }),
  jobId: Type.String(),
  startTime: Type.String(),
  finishTime: NullableString({ description: 'Null while the job runs.' }),
  durationHours: Type.Number(),
  status: Type.Integer({ enum: D365_STATUS_VALUES }),
  ...Object.fromEntries(counters.map((name) => [name, Type.Integer()])),
  backupSize: Type.Integer({ description: 'Bytes.' }),
  organizationId: Type.String(),
  organizationName: Type.String(),
});

/** The sample's top level: no envelope, the page echoed. */
export const D365JobPage = Type.Object({
  totalCount: Type.Integer(),
  nextLink: Type.String(),
  jobs: Type.Array(D365Job),
  pageIndex: Type.Integer(),
  pageSize: Type.Integer(),
});

const Count = Type.Integer({ minimum: 0 });
const ProducedD365Job = Type.Object(
  {
    jobId: Type.String({ minLength: 1, maxLength: 200 }),
    module: Type.String({ enum: [...D365_MODULES] }),
    type: Type.Integer({ enum: D365_JOB_TYPE_VALUES }),
    status: Type.Integer({ enum: D365_STATUS_VALUES }),
    startTime: Type.String(),
    finishTime: Type.Optional(NullableString()),
    ...Object.fromEntries(counters.map((name) => [name, Type.Optional(Count)])),
    backupSize: Type.Optional(Count),
    organizationId: Type.String({ minLength: 1, maxLength: 100 }),
    organizationName: Type.String({ maxLength: 500 }),
  },
  { additionalProperties: false },
);
type ProducedD365Job = Static<typeof ProducedD365Job> & Partial<Record<(typeof counters)[number], number>>;

type D365Details = Record<(typeof counters)[number] | 'backupSize', number> & { module: string; organizationName: string };

interface ListQuery extends Record<string, unknown> {
  type: number;
  startTime: string;
  finishTime: string;
  status?: number;
  organizationId?: string;
}

export function registerD365JobRoutes(app: FastifyInstance, context: RegionContext, store: BackupJobStore): void {
  registerJobList<ListQuery>(app, context, store, {
    path: '/dynamicsbackup/jobs',
    operationId: 'retrieveDynamicsJobInformation',
    summary: 'Retrieve job information',
    description: 'Jobs of Cloud Backup for Dynamics 365, newest first (d365/d365.md).',
    tags: ['Cloud Backup for Dynamics 365'],
    permission: D365_PERMISSION,
    querystring: D365JobQuery,
    response: D365JobPage,
    errorResponse: GraphError,
    paging: { indexParam: 'pageIndex', sizeParam: 'pageSize', tokenParam: 'skipToken', firstPage: 1 },
    defaultPageSize: 10,
    nextLink: 'url',
    filter: (query, tenantId) => {
      const organizationId = query.organizationId?.trim() || undefined;
      if (organizationId && !GUID.test(organizationId)) throw invalidParameter('organizationId', `must be a GUID, not '${organizationId.slice(0, 60)}'`);
      return {
        tenantId,
        product: 'd365',
        ...parseTimeRange(query, { start: 'startTime', finish: 'finishTime' }, true),
        jobTypes: query.type ? [query.type] : undefined,
        states: query.status ? [query.status] : undefined,
        organizationId,
      };
    },
    linkParams: (query) => ({ startTime: query.startTime, finishTime: query.finishTime, type: query.type, status: query.status, organizationId: query.organizationId }),
    render: (page, { nowMs, nextLink, pageSize }) => ({
      totalCount: page.total,
      nextLink,
      jobs: page.rows.map((row) => toD365Job(row, nowMs)),
      pageIndex: page.pageIndex,
      pageSize,
    }),
  });

  registerJobProducer<ProducedD365Job>(app, context, store, {
    path: '/producer/backup/d365/jobs',
    summary: 'Report Dynamics 365 backup jobs (producer API)',
    product: 'd365',
    runningStates: D365_RUNNING_STATES,
    item: ProducedD365Job,
    errorResponse: GraphError,
    toStored: (job, at): StoredJob => {
      const { startMs, finishMs } = jobTimes(at, job.startTime, job.finishTime);
      requireFinishMatchesState(at, D365_RUNNING_STATES.includes(job.status), finishMs);
      const details = {
        module: job.module,
        organizationName: job.organizationName,
        backupSize: job.backupSize ?? 0,
        ...Object.fromEntries(counters.map((name) => [name, job[name] ?? 0])),
      } as D365Details;
      return {
        jobId: job.jobId,
        jobType: job.type,
        serviceType: null,
        state: job.status,
        startMs,
        finishMs,
        location: null,
        organizationId: job.organizationId,
        variant: null,
        description: null,
        details,
      };
    },
  });
}

function toD365Job(row: JobRow, nowMs: number) {
  const details = parseDetails<D365Details>(row);
  return {
    module: details.module,
    type: row.job_type,
    jobId: row.job_id,
    startTime: isoMillis(row.start_time),
    finishTime: row.finish_time === null ? null : isoMillis(row.finish_time),
    durationHours: ((row.finish_time ?? Math.max(nowMs, row.start_time)) - row.start_time) / HOUR_MS,
    status: row.state,
    ...Object.fromEntries(counters.map((name) => [name, details[name]])),
    backupSize: details.backupSize,
    organizationId: row.organization_id ?? '',
    organizationName: details.organizationName,
  };
}
