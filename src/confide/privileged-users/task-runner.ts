import { setImmediate } from 'node:timers/promises';
import type { Clock } from '../../platform/clock.js';
import type { RunningJob } from '../../platform/jobs/job-runner.js';
import { appendAudit } from '../audit.js';
import { isEmailAddress, type Privileges } from '../privileges.js';
import { PrivilegedUserStore } from './privileged-user-store.js';
import { TASK_LABELS, usersCount, type PendingItem, type TaskRow, type TaskStore } from './task-store.js';

/** The kernel job kind that runs import and update tasks. */
export const TASK_JOB_KIND = 'confide.privileged-users-task';

/** Items per transaction: a crash loses at most this much work, which is then done again. */
const CHUNK_ITEMS = 50;

export const INVALID_EMAIL = 'Invalid email format.';
export const unknownUser = (email: string) => `No privileged user with the email '${email}' is in the share center; import the user first.`;

export interface TaskJobPayload {
  taskId: string;
}

/**
 * Runs one import or update task as a kernel job. Every chunk of items is applied with its
 * outcomes in one transaction, so a job handed over after a crash or a shutdown goes on from
 * the first pending item: no user is applied twice and no invitation is recorded twice.
 */
export class TaskRunner {
  constructor(
    private readonly tasks: TaskStore,
    private readonly clock: Clock,
    /** Called once an audit record is committed, so the outbox delivers it soon. */
    private readonly onAudit: () => void,
  ) {}

  async run(job: RunningJob<TaskJobPayload>): Promise<{ processedCount: number; failedCount: number }> {
    const task = await this.tasks.byId(job.payload.taskId);
    if (!task) throw new Error(`Task ${job.payload.taskId} is not stored in this region.`);
    await this.tasks.markStarted(task.taskId, this.clock.nowMs());
    for (;;) {
      // A shutdown hands the job back between chunks; the next run resumes here.
      if (job.signal.aborted) return this.counts(task.taskId);
      const items = await this.tasks.pendingItems(task.taskId, CHUNK_ITEMS);
      if (items.length === 0) break;
      await this.tasks.applyChunk(task.taskId, items, (trx, item) => this.apply(new PrivilegedUserStore(trx), task, item));
      await job.progress(await this.counts(task.taskId));
      // SQLite runs statements synchronously: let the region's requests in between chunks.
      await setImmediate();
    }
    const finishMs = this.clock.nowMs();
    await this.tasks.complete(task.taskId, finishMs, (trx, done) =>
      appendAudit(trx, done.tenantId, finishMs, {
        actionName: `${TASK_LABELS[done.kind]} privileged users finished`,
        operationType: done.kind === 'import' ? 'Create' : 'Update',
        actor: done.requestedBy,
        objectName: usersCount(done.totalCount),
        parameters: { taskId: done.taskId, totalCount: done.totalCount, processedCount: done.processedCount, failedCount: done.failedCount },
        ...(done.failedCount > 0 ? { comment: `${done.failedCount} of ${done.totalCount} users failed.` } : {}),
      }),
    );
    this.onAudit();
    return this.counts(task.taskId);
  }

  /** One user of the task: the failure to record for it, or null once it is applied. */
  private async apply(users: PrivilegedUserStore, task: TaskRow, item: PendingItem): Promise<string | null> {
    const email = item.request.email.trim();
    if (!isEmailAddress(email)) return INVALID_EMAIL;
    const privileges = item.request as Privileges;
    const nowMs = this.clock.nowMs();
    if (task.kind === 'import') {
      await users.importUser(task.tenantId, email, privileges, nowMs);
    } else if (!(await users.updateUser(task.tenantId, email, privileges, nowMs))) {
      return unknownUser(email);
    }
    if (item.request.sendInvitationEmail === true) await users.recordInvitation(task.tenantId, email, task.taskId, nowMs);
    return null;
  }

  private async counts(taskId: string): Promise<{ processedCount: number; failedCount: number }> {
    const task = (await this.tasks.byId(taskId))!;
    return { processedCount: task.processedCount, failedCount: task.failedCount };
  }
}
