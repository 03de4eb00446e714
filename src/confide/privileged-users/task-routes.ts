import { hash, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest, invalidParameter, notFound } from '../../platform/errors.js';
import type { RegionContext } from '../../platform/product-module.js';
import { routeAtPaths } from '../../platform/route-aliases.js';
import { ConfideError, PrivilegedUsers, TaskCreated, TaskParams, TaskStatus } from './task-schemas.js';
import { appendAudit } from '../audit.js';
import { TASK_JOB_KIND, type TaskJobPayload } from './task-runner.js';
import { TASK_LABELS, usersCount, type TaskKind, type TaskRow, type TaskState, type TaskStore } from './task-store.js';

export const CONFIDE_PERMISSION = 'confide.graph.readwrite.all';
const TAGS = ['AvePoint Confide'];
const ERRORS = { 400: ConfideError, 401: ConfideError, 403: ConfideError, 404: ConfideError, 409: ConfideError };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_IDEMPOTENCY_KEY = 200;

/** The two documented task kinds: their path segment, their pages' titles and words. */
const TASKS: Record<TaskKind, { segment: string; start: { operationId: string; summary: string; description: string }; status: { operationId: string; summary: string } }> = {
  import: {
    segment: 'import-users',
    start: {
      operationId: 'importConfideSharingUsers',
      summary: 'Import Confide sharing users',
      description: 'Imports users to the Confide share center and grants their permissions, as a task; an existing user\'s permissions are overwritten. `sendInvitationEmail` records an invitation.',
    },
    status: { operationId: 'getConfideImportUsersStatus', summary: 'Retrieve import users status' },
  },
  update: {
    segment: 'update-users',
    start: {
      operationId: 'updateConfideSharingUsers',
      summary: 'Update Confide sharing users',
      description: 'Updates the permissions of privileged users in the Confide share center, as a task; only the permissions given change, and a user the share center does not have fails alone.',
    },
    status: { operationId: 'getConfideUpdateUsersStatus', summary: 'Retrieve update users status' },
  },
};

const MESSAGES: Record<TaskState, (label: string, reason?: string) => string> = {
  NotStarted: (label) => `${label} task is queued.`,
  InProgress: (label) => `${label} task is in progress.`,
  Completed: (label) => `${label} task finished.`,
  Failed: (label, reason) => `${label} task failed: ${reason ?? 'unknown error'}`,
};

/**
 * Starts a task's job; safe to call again for the same task (the job's idempotency key is the
 * task id), which is how a retried request and a restart after a crash both hand it over.
 */
export async function queueTask(context: RegionContext, tasks: TaskStore, task: Pick<TaskRow, 'taskId' | 'tenantId'>): Promise<void> {
  const job = await context.jobs.enqueue<TaskJobPayload>(TASK_JOB_KIND, { tenantId: task.tenantId, payload: { taskId: task.taskId }, idempotencyKey: task.taskId });
  await tasks.attachJob(task.taskId, job.id);
}

/**
 * POST …/import-users and …/update-users, and GET …/{taskId} of each: one declaration per
 * route shape serving both kinds, each answered at the documented `/admin/shareSetting/…` and at
 * the samples' `/confide/admin/shareSetting/…`.
 */
export function registerTaskRoutes(app: FastifyInstance, context: RegionContext, tasks: TaskStore, audit: { kick(): void }): void {
  for (const [kind, words] of Object.entries(TASKS) as Array<[TaskKind, (typeof TASKS)[TaskKind]]>) {
    const path = `/admin/shareSetting/${words.segment}`;

    routeAtPaths(app, path, [`/confide${path}`], {
      method: 'POST',
      schema: {
        ...words.start,
        tags: TAGS,
        security: [{ bearer: [] }],
        body: PrivilegedUsers,
        response: { 200: TaskCreated, ...ERRORS },
      },
      config: { permission: CONFIDE_PERMISSION },
      handler: async (request) => {
        const users = request.body as Array<Record<string, unknown> & { email: string }>;
        const nowMs = context.clock.nowMs();
        const { task, created } = await tasks.create(
          {
            taskId: randomUUID(),
            tenantId: request.principal!.tenantId,
            kind,
            requestedBy: request.principal!.clientId,
            idempotencyKey: idempotencyKeyOf(request),
            requestHash: hash('sha256', JSON.stringify(users), 'base64url'),
            users,
            nowMs,
          },
          (trx, stored) =>
            appendAudit(trx, stored.tenantId, nowMs, {
              actionName: `${TASK_LABELS[kind]} privileged users`,
              operationType: kind === 'import' ? 'Create' : 'Update',
              actor: stored.requestedBy,
              objectName: usersCount(stored.totalCount),
              parameters: { taskId: stored.taskId, emails: users.slice(0, 20).map((user) => user.email), totalCount: stored.totalCount },
            }),
        );
        if (created) audit.kick();
        // Also for a retried request: its first try may have stored the task and stopped before queueing it.
        if (task.jobId === null) await queueTask(context, tasks, task);
        return { data: { taskId: task.taskId } };
      },
    });

    routeAtPaths(app, `${path}/:taskId`, [`/confide${path}/:taskId`], {
      method: 'GET',
      schema: {
        ...words.status,
        tags: TAGS,
        security: [{ bearer: [] }],
        params: TaskParams,
        response: { 200: TaskStatus, ...ERRORS },
      },
      config: { permission: CONFIDE_PERMISSION },
      handler: async (request) => {
        const { taskId } = request.params as { taskId: string };
        if (!UUID.test(taskId)) throw invalidParameter('taskId', `must be the UUID a ${TASK_LABELS[kind].toLowerCase()} request answered, not '${taskId.slice(0, 60)}'`);
        const task = await tasks.find(request.principal!.tenantId, kind, taskId.toLowerCase());
        if (!task) throw notFound(`No ${TASK_LABELS[kind].toLowerCase()} users task '${taskId}' exists in this tenant.`);
        return { data: await statusOf(context, tasks, task) };
      },
    });
  }
}

/** The task as its status page shows it; a job that ran out of attempts makes the task Failed, with its reason. */
async function statusOf(context: RegionContext, tasks: TaskStore, task: TaskRow) {
  let state = task.state;
  let finishMs = task.finishMs;
  let reason: string | undefined;
  if ((state === 'NotStarted' || state === 'InProgress') && task.jobId !== null) {
    const job = await context.jobs.get(task.jobId);
    if (job?.state === 'failed') {
      state = 'Failed';
      reason = job.error;
      finishMs = job.finishedMs ?? null;
    }
  }
  const failed = await tasks.failedItems(task.taskId);
  return {
    taskId: task.taskId,
    status: state,
    totalCount: task.totalCount,
    processedCount: task.processedCount,
    failedCount: task.failedCount,
    items: failed.map((item) => ({ email: item.email, success: false, status: 'Failed', errorMessage: item.errorMessage })),
    message: MESSAGES[state](TASK_LABELS[task.kind], reason),
    startTime: task.startMs === null ? null : new Date(task.startMs).toISOString(),
    finishTime: finishMs === null ? null : new Date(finishMs).toISOString(),
  };
}

/** The key that makes a retry find its first task: Idempotency-Key, or the client-request-id retries keep. */
function idempotencyKeyOf(request: FastifyRequest): string | undefined {
  for (const header of ['idempotency-key', 'client-request-id']) {
    const value = request.headers[header];
    const key = (Array.isArray(value) ? value[0] : value)?.trim();
    if (!key) continue;
    if (key.length > MAX_IDEMPOTENCY_KEY) throw badRequest(`The header '${header}' must be at most ${MAX_IDEMPOTENCY_KEY} characters.`, 'invalid_header');
    return `${header}:${key}`;
  }
  return undefined;
}
