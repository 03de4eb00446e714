import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import type { ErrorEnvelope } from '../../platform/error-handling.js';
import { NullableString } from '../../platform/schema.js';
import { PRODUCER_PERMISSION } from '../../platform/producer.js';
import { list, parseIsoDate, single } from '../../platform/query.js';
import { RECORDS_PERMISSION, RESTORE_JOB_STATUS_CODES, SCOPE_TYPES, type ScopeType } from '../catalogue.js';
import { routeAtPaths } from '../../platform/route-aliases.js';
import { canonicalBody } from '../lenient-body.js';
import type { OpusServices } from '../services.js';
import {
  ArchivedScope,
  ArchivedScopeBatch,
  GraceBody,
  GraceResult,
  HasArchivedResult,
  JobStatusQuery,
  JobStatusResult,
  ProducerJob,
  ProducerJobsQuery,
  ProgressBody,
  RegisteredJobBody,
  RestoreBody,
  RestoreError,
  RestoreResult,
  ScopeQuery,
} from './restore-schemas.js';
import { defaultRestoreOptions, iso, restoreRefusal, type ArchivedScopeReport, type RestoreJob } from './restore-service.js';
import { isEmailAddress } from './scopes.js';

/** The restore pages' shape carries refusals too: { success: false, message }. */
export const restoreErrorEnvelope: ErrorEnvelope = (error) => ({ success: false, message: error.message });

const tags = ['AvePoint Opus: restore archived data'];
const errors = { 400: RestoreError, 401: RestoreError, 403: RestoreError, 404: RestoreError };

const KINDS: Array<{ type: ScopeType; suffix: string; scope: string; admin: string; label: string; operation: string; graceSamplePaths: string[] }> = [
  {
    type: 'SiteCollection',
    suffix: 'SiteCollection',
    scope: 'The URL of the target site collection.',
    admin: 'UPN of the Microsoft 365 account to add to the Site admins group of the restored site collection.',
    label: 'a site collection',
    operation: 'SiteCollection',
    graceSamplePaths: [],
  },
  {
    type: 'TeamsGroup',
    suffix: 'TeamsGroup',
    scope: 'The group email address of the target Team/Group.',
    admin: 'UPN of the Microsoft 365 account to add to the Owner group of the restored Team or Group.',
    label: 'a Team/Group',
    operation: 'TeamGroup',
    // The page's request sample calls its path cut short; a client copying the sample sends that.
    graceSamplePaths: ['/api/restore/SetRestoreGracePeriodTeamsGrou'],
  },
];

/** Every endpoint of restorearchiveddata/*.md, and the archive side's producer routes. */
export function registerRestoreRoutes(app: FastifyInstance, services: OpusServices): void {
  const { restores } = services;

  for (const kind of KINDS) {
    const restoreFields = ['scope', 'conflictResolution', 'appsConflictResolution', 'includeWorkflowDefinition', 'includeSharingLink', 'siteAdministratorUserPrincipalName'];

    app.get(
      `/api/restore/HasArchived${kind.suffix}Data`,
      {
        schema: {
          operationId: `hasArchived${kind.operation}Data`,
          summary: `Has archived ${kind.label} data`,
          description: `Checks whether archived data exists for ${kind.label}.`,
          tags,
          security: [{ bearer: [] }],
          querystring: ScopeQuery,
          response: { 200: HasArchivedResult, ...errors },
        },
        config: { permission: RECORDS_PERMISSION },
      },
      async (request) => {
        const scope = restores.checkScope(kind.type, single((request.query as { scope?: unknown }).scope));
        const hasArchivedData = await restores.hasArchivedData(request.principal!.tenantId, kind.type, scope.key);
        return { success: true, message: null, hasArchivedData, scope: scope.scope };
      },
    );

    app.post(
      `/api/restore/Restore${kind.suffix}`,
      {
        schema: {
          operationId: `restore${kind.operation}`,
          summary: `Restore ${kind.label}`,
          description: `Starts a job restoring the archived data of ${kind.label} in place. Sending the same request again while its job runs returns that job.`,
          tags,
          security: [{ bearer: [] }],
          body: RestoreBody(kind.scope, kind.admin),
          response: { 200: RestoreResult, ...errors },
        },
        preValidation: canonicalBody({ names: restoreFields }),
        config: { permission: RECORDS_PERMISSION },
      },
      async (request) => {
        const body = request.body as Record<string, unknown>;
        const scope = restores.checkScope(kind.type, body.scope);
        const admin = body.siteAdministratorUserPrincipalName;
        if (typeof admin === 'string' && admin.trim() && !isEmailAddress(admin)) {
          throw restoreRefusal(`The parameter 'siteAdministratorUserPrincipalName' must be a user principal name such as admin@contoso.com.`);
        }
        const principal = request.principal!;
        const { job, reused } = await restores.start(principal.tenantId, kind.type, scope, defaultRestoreOptions(body), principal.clientId);
        services.audit.kick();
        return { success: true, message: reused ? 'A restore job with these options is already running for this scope; its ID is returned.' : null, jobId: job.id };
      },
    );

    routeAtPaths(app, `/api/restore/SetRestoreGracePeriod${kind.suffix}`, kind.graceSamplePaths, {
      method: 'POST',
      schema: {
        operationId: `setArchivedDataRetentionPeriodAfter${kind.operation}Restore`,
        summary: `Set archived data retention period after ${kind.label} restore`,
        description: 'Sets how many days (0–365) restored archived data stays in archive storage before it is deleted. Applies once: after the deletion job started, it has no effect and is refused.',
        tags,
        security: [{ bearer: [] }],
        body: GraceBody(kind.scope),
        response: { 200: GraceResult, ...errors },
      },
      preValidation: canonicalBody({ names: ['scope', 'deleteArchivedDataDaysAfterRestore'] }),
      config: { permission: RECORDS_PERMISSION },
      handler: async (request) => {
        const body = request.body as { scope: string; deleteArchivedDataDaysAfterRestore: number };
        const scope = restores.checkScope(kind.type, body.scope);
        const principal = request.principal!;
        await restores.setGracePeriod(principal.tenantId, kind.type, scope, body.deleteArchivedDataDaysAfterRestore, principal.clientId);
        services.audit.kick();
        return { success: true, message: null };
      },
    });
  }

  app.get(
    '/api/restore/GetRestoreJobStatus',
    {
      schema: {
        operationId: 'getRestoreJobStatusAndProgress',
        summary: 'Get restore job status and progress',
        tags,
        security: [{ bearer: [] }],
        querystring: JobStatusQuery,
        response: { 200: JobStatusResult, ...errors },
      },
      config: { permission: RECORDS_PERMISSION },
    },
    async (request) => {
      const jobId = single((request.query as { jobId?: unknown }).jobId)?.trim();
      if (!jobId) throw restoreRefusal("The parameter 'jobId' is required: the jobId a restore request returned.");
      const job = await restores.job(request.principal!.tenantId, jobId);
      if (!job) throw restoreRefusal(`There is no restore job '${jobId.slice(0, 100)}'.`, 404);
      return { success: true, message: job.message, job: { id: job.id, status: job.status, progress: job.progress, startTime: iso(job.startTime), finishTime: job.finishTime === null ? null : iso(job.finishTime) } };
    },
  );

  // ---- the archive side

  app.post(
    '/producer/opus/archived-data',
    {
      schema: {
        summary: 'Report archived scopes (producer API)',
        description: 'The archive reports which site collections and Teams/Groups it holds data of, and when it starts deleting restored data.',
        tags: ['producer'],
        security: [{ bearer: [] }],
        body: ArchivedScopeBatch,
        response: { 200: Type.Object({ received: Type.Integer() }), ...errors },
      },
      config: { permission: PRODUCER_PERMISSION },
    },
    async (request) => {
      const reports = (request.body as { value: ArchivedScopeReport[] }).value.map((report, index) => ({
        ...report,
        key: restores.checkScope(report.scopeType, report.scope, `value[${index}].scope`).key,
      }));
      return { received: await restores.reportArchivedData(request.principal!.tenantId, reports) };
    },
  );

  app.get(
    '/producer/opus/archived-data',
    {
      schema: {
        summary: 'List archived scopes and their retention periods after restore (producer API)',
        tags: ['producer'],
        security: [{ bearer: [] }],
        querystring: Type.Object({ scopeType: Type.Optional(Type.String({ enum: [...SCOPE_TYPES] })) }),
        response: { 200: Type.Object({ value: Type.Array(ArchivedScope) }), ...errors },
      },
      config: { permission: PRODUCER_PERMISSION },
    },
    async (request) => {
      const scopes = await restores.scopes(request.principal!.tenantId, (request.query as { scopeType?: ScopeType }).scopeType);
      return {
        value: scopes.map((scope) => ({
          scopeType: scope.scopeType,
          scope: scope.scope,
          hasArchivedData: scope.hasArchivedData,
          deleteArchivedDataDaysAfterRestore: scope.graceDays,
          gracePeriodSetAt: scope.graceSetAt === null ? null : iso(scope.graceSetAt),
          deletionStartedAt: scope.deletionStartedAt === null ? null : iso(scope.deletionStartedAt),
        })),
      };
    },
  );

  app.get(
    '/producer/opus/restore-jobs',
    {
      schema: {
        summary: 'List restore jobs to run or follow (producer API)',
        description: 'Jobs in submission order, 500 a page; status=0 lists the queue of jobs waiting for the archive.',
        tags: ['producer'],
        security: [{ bearer: [] }],
        querystring: ProducerJobsQuery,
        response: { 200: Type.Object({ value: Type.Array(ProducerJob), next: NullableString() }), ...errors },
      },
      config: { permission: PRODUCER_PERMISSION },
    },
    async (request) => {
      const query = request.query as { status?: unknown; after?: unknown };
      const statuses = list(query.status).map((text) => {
        const status = Number(text);
        if (!Number.isInteger(status) || !RESTORE_JOB_STATUS_CODES.includes(status)) throw restoreRefusal(`The parameter 'status' has an unknown value '${text}'; valid values are ${RESTORE_JOB_STATUS_CODES.join(', ')}.`);
        return status;
      });
      const afterText = single(query.after);
      const after = afterText && /^\d{1,15}$/.test(afterText) ? Number(afterText) : 0;
      const tenantId = request.principal!.tenantId;
      const { jobs, more } = await restores.jobs(tenantId, statuses, after, 500);
      const graces = new Map((await restores.scopes(tenantId, undefined)).map((scope) => [`${scope.scopeType}|${scope.scopeKey}`, scope.graceDays]));
      return {
        value: jobs.map((job) => toProducerJob(job, graces.get(`${job.scopeType}|${job.scopeKey}`) ?? null)),
        next: more ? String(jobs[jobs.length - 1]!.seq) : null,
      };
    },
  );

  app.post(
    '/producer/opus/restore-jobs',
    {
      schema: {
        summary: 'Record a restore the archive started itself (producer API)',
        description: 'For restores started outside the API (e.g. in the Opus UI): GetRestoreJobStatus serves them too. Idempotent on id.',
        tags: ['producer'],
        security: [{ bearer: [] }],
        body: RegisteredJobBody,
        response: { 200: Type.Object({ applied: Type.Boolean(), job: ProducerJob }), ...errors },
      },
      config: { permission: PRODUCER_PERMISSION },
    },
    async (request) => {
      const body = request.body as Record<string, unknown> & { id: string; scopeType: ScopeType; scope: string; requestedBy: string; status: number; progress?: number; startTime?: string; finishTime?: string; message?: string | null };
      const tenantId = request.principal!.tenantId;
      const scope = restores.checkScope(body.scopeType, body.scope);
      const { job, applied } = await restores.registerJob(
        tenantId,
        { id: body.id, scopeType: body.scopeType, scope, requestedBy: body.requestedBy, options: defaultRestoreOptions(body) },
        progressOf(body),
      );
      const archived = (await restores.scopes(tenantId, job.scopeType)).find((candidate) => candidate.scopeKey === job.scopeKey);
      return { applied, job: toProducerJob(job, archived?.graceDays ?? null) };
    },
  );

  app.post(
    '/producer/opus/restore-jobs/:jobId',
    {
      schema: {
        summary: 'Report a restore job\'s status and progress (producer API)',
        description: 'Progress never goes back; a job that ended stays as it ended (applied: false for late reports).',
        tags: ['producer'],
        security: [{ bearer: [] }],
        params: Type.Object({ jobId: Type.String() }),
        body: ProgressBody,
        response: { 200: Type.Object({ applied: Type.Boolean(), job: ProducerJob }), ...errors },
      },
      config: { permission: PRODUCER_PERMISSION },
    },
    async (request) => {
      const body = request.body as { status: number; progress?: number; startTime?: string; finishTime?: string; message?: string | null };
      const { job, applied } = await restores.reportProgress(request.principal!.tenantId, (request.params as { jobId: string }).jobId, progressOf(body));
      const scope = (await restores.scopes(request.principal!.tenantId, job.scopeType)).find((candidate) => candidate.scopeKey === job.scopeKey);
      return { applied, job: toProducerJob(job, scope?.graceDays ?? null) };
    },
  );
}

function progressOf(body: { status: number; progress?: number; startTime?: string; finishTime?: string; message?: string | null }) {
  return {
    status: body.status,
    progress: body.progress,
    startTime: parseIsoDate('startTime', body.startTime)?.getTime(),
    finishTime: parseIsoDate('finishTime', body.finishTime)?.getTime(),
    message: body.message,
  };
}

function toProducerJob(job: RestoreJob, graceDays: number | null) {
  return {
    id: job.id,
    scopeType: job.scopeType,
    scope: job.scope,
    status: job.status,
    progress: job.progress,
    startTime: iso(job.startTime),
    finishTime: job.finishTime === null ? null : iso(job.finishTime),
    message: job.message,
    requestedBy: job.requestedBy,
    ...job.options,
    deleteArchivedDataDaysAfterRestore: graceDays,
  };
}
