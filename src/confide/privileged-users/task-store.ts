import { sql, type Kysely, type Transaction } from 'kysely';
import { conflict } from '../../platform/errors.js';
import type { ConfideTables } from '../schema.js';

/** Import creates or overwrites users; update changes the flags of users already there. */
export type TaskKind = 'import' | 'update';
export type TaskState = 'NotStarted' | 'InProgress' | 'Completed' | 'Failed';

/** How the pages name each kind ("Import task finished."). */
export const TASK_LABELS: Record<TaskKind, string> = { import: 'Import', update: 'Update' };
export const usersCount = (count: number): string => `${count} user${count === 1 ? '' : 's'}`;

export interface TaskRow {
  taskId: string;
  tenantId: string;
  kind: TaskKind;
  requestedBy: string;
  state: TaskState;
  totalCount: number;
  processedCount: number;
  failedCount: number;
  startMs: number | null;
  finishMs: number | null;
  jobId: string | null;
}

export interface PendingItem {
  position: number;
  request: Record<string, unknown> & { email: string };
}

export interface ItemOutcome {
  position: number;
  failure: string | null;
}

export interface NewTask {
  taskId: string;
  tenantId: string;
  kind: TaskKind;
  requestedBy: string;
  idempotencyKey: string | undefined;
  requestHash: string;
  users: ReadonlyArray<Record<string, unknown> & { email: string }>;
  nowMs: number;
}

/** What else a task's transaction writes (its audit record), committed with it or not at all. */
export type AlongWith = (trx: Transaction<ConfideTables>, task: TaskRow) => Promise<void>;

/** Rows per insert: well under SQLite's bound-variable limit with six columns. */
const ITEM_INSERT_ROWS = 500;

/** Queries of confide_tasks and confide_task_items, and nothing else. */
export class TaskStore {
  constructor(private readonly db: Kysely<ConfideTables>) {}

  /**
   * Stores a task and its items in one transaction, so an acknowledged task is complete. A
   * request with an idempotency key seen before gets that key's task back (created: false), and
   * a different request under the same key is refused: a retry never makes a second task.
   */
  async create(task: NewTask, alongWith: AlongWith): Promise<{ task: TaskRow; created: boolean }> {
    const existing = await this.existing(task);
    if (existing) return { task: existing, created: false };
    try {
      await this.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('confide_tasks')
          .values({
            tenant_id: task.tenantId,
            task_id: task.taskId,
            kind: task.kind,
            requested_by: task.requestedBy,
            idempotency_key: task.idempotencyKey ?? null,
            request_hash: task.requestHash,
            state: 'NotStarted',
            total_count: task.users.length,
            processed_count: 0,
            failed_count: 0,
            created_ms: task.nowMs,
          })
          .execute();
        for (let start = 0; start < task.users.length; start += ITEM_INSERT_ROWS) {
          const rows = task.users.slice(start, start + ITEM_INSERT_ROWS).map((user, offset) => ({
            task_id: task.taskId,
            position: start + offset,
            email: user.email,
            request_json: JSON.stringify(user),
            state: 'Pending',
            error_message: null,
          }));
          await trx.insertInto('confide_task_items').values(rows).execute();
        }
        await alongWith(trx, toTask(await this.selectTask(trx).where('task_id', '=', task.taskId).executeTakeFirstOrThrow()));
      });
    } catch (error) {
      // Two retries racing: the loser's insert hits the idempotency constraint; answer the winner's task.
      const winner = await this.existing(task);
      if (winner) return { task: winner, created: false };
      throw error;
    }
    return { task: (await this.find(task.tenantId, task.kind, task.taskId))!, created: true };
  }

  private async existing(task: NewTask): Promise<TaskRow | undefined> {
    if (task.idempotencyKey === undefined) return undefined;
    const row = await this.selectTask()
      .select('request_hash')
      .where('tenant_id', '=', task.tenantId)
      .where('kind', '=', task.kind)
      .where('idempotency_key', '=', task.idempotencyKey)
      .executeTakeFirst();
    if (!row) return undefined;
    if (row.request_hash !== task.requestHash) throw conflict('This Idempotency-Key (or client-request-id) was already used for a different request; send a new key with a new request.');
    return toTask(row);
  }

  async find(tenantId: string, kind: TaskKind, taskId: string): Promise<TaskRow | undefined> {
    const row = await this.selectTask().where('task_id', '=', taskId).where('tenant_id', '=', tenantId).where('kind', '=', kind).executeTakeFirst();
    return row ? toTask(row) : undefined;
  }

  async byId(taskId: string): Promise<TaskRow | undefined> {
    const row = await this.selectTask().where('task_id', '=', taskId).executeTakeFirst();
    return row ? toTask(row) : undefined;
  }

  /** The failed items of a task in request order: what the status read lists. */
  async failedItems(taskId: string): Promise<Array<{ email: string; errorMessage: string | null }>> {
    const rows = await this.db
      .selectFrom('confide_task_items')
      .select(['email', 'error_message'])
      .where('task_id', '=', taskId)
      .where('state', '=', 'Failed')
      .orderBy('position')
      .execute();
    return rows.map((row) => ({ email: row.email, errorMessage: row.error_message }));
  }

  async attachJob(taskId: string, jobId: string): Promise<void> {
    await this.db.updateTable('confide_tasks').set({ job_id: jobId }).where('task_id', '=', taskId).where('job_id', 'is', null).execute();
  }

  /** Tasks stored but never handed to the job runner (the process stopped in between). */
  async unqueued(): Promise<Array<{ taskId: string; tenantId: string }>> {
    const rows = await this.db.selectFrom('confide_tasks').select(['task_id', 'tenant_id']).where('job_id', 'is', null).where('state', '=', 'NotStarted').orderBy('seq').execute();
    return rows.map((row) => ({ taskId: row.task_id, tenantId: row.tenant_id }));
  }

  async markStarted(taskId: string, nowMs: number): Promise<void> {
    await this.db
      .updateTable('confide_tasks')
      .set({ state: 'InProgress', start_ms: sql<number>`coalesce(start_ms, ${nowMs})` })
      .where('task_id', '=', taskId)
      .where('state', 'in', ['NotStarted', 'InProgress'])
      .execute();
  }

  async pendingItems(taskId: string, limit: number): Promise<PendingItem[]> {
    const rows = await this.db
      .selectFrom('confide_task_items')
      .select(['position', 'request_json'])
      .where('task_id', '=', taskId)
      .where('state', '=', 'Pending')
      .orderBy('position')
      .limit(limit)
      .execute();
    return rows.map((row) => {
      try {
        return { position: row.position, request: JSON.parse(row.request_json) as PendingItem['request'] };
      } catch {
        throw new Error(`the stored user at position ${row.position} of the task cannot be read.`);
      }
    });
  }

  /**
   * Applies a chunk of items and records their outcomes and the task's counters in one
   * transaction: after a crash the task resumes exactly at its first pending item. Each item
   * is claimed first (its row locked while still pending), so a node that lost the job's lease
   * and a node that took it over never both apply or count the same item.
   */
  async applyChunk(taskId: string, items: PendingItem[], apply: (trx: Transaction<ConfideTables>, item: PendingItem) => Promise<string | null>): Promise<ItemOutcome[]> {
    return this.db.transaction().execute(async (trx) => {
      const outcomes: ItemOutcome[] = [];
      for (const item of items) {
        const claimed = await trx
          .updateTable('confide_task_items')
          .set({ state: 'Pending' })
          .where('task_id', '=', taskId)
          .where('position', '=', item.position)
          .where('state', '=', 'Pending')
          .executeTakeFirst();
        if (Number(claimed.numUpdatedRows) === 0) continue;
        const failure = await apply(trx, item);
        await trx
          .updateTable('confide_task_items')
          .set({ state: failure === null ? 'Succeeded' : 'Failed', error_message: failure })
          .where('task_id', '=', taskId)
          .where('position', '=', item.position)
          .execute();
        outcomes.push({ position: item.position, failure });
      }
      const failed = outcomes.filter((outcome) => outcome.failure !== null).length;
      await trx
        .updateTable('confide_tasks')
        .set((eb) => ({ processed_count: eb('processed_count', '+', outcomes.length), failed_count: eb('failed_count', '+', failed) }))
        .where('task_id', '=', taskId)
        .execute();
      return outcomes;
    });
  }

  /** Marks the task Completed, once: a run that finds it already completed writes nothing. */
  async complete(taskId: string, nowMs: number, alongWith: AlongWith): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const result = await trx.updateTable('confide_tasks').set({ state: 'Completed', finish_ms: nowMs }).where('task_id', '=', taskId).where('state', '!=', 'Completed').executeTakeFirst();
      if (Number(result.numUpdatedRows) === 1) await alongWith(trx, toTask(await this.selectTask(trx).where('task_id', '=', taskId).executeTakeFirstOrThrow()));
    });
  }

  private selectTask(db: Kysely<ConfideTables> = this.db) {
    return db
      .selectFrom('confide_tasks')
      .select(['task_id', 'tenant_id', 'kind', 'requested_by', 'state', 'total_count', 'processed_count', 'failed_count', 'start_ms', 'finish_ms', 'job_id']);
  }
}

function toTask(row: {
  task_id: string;
  tenant_id: string;
  kind: string;
  requested_by: string;
  state: string;
  total_count: number;
  processed_count: number;
  failed_count: number;
  start_ms: number | null;
  finish_ms: number | null;
  job_id: string | null;
}): TaskRow {
  return {
    taskId: row.task_id,
    tenantId: row.tenant_id,
    kind: row.kind as TaskKind,
    requestedBy: row.requested_by,
    state: row.state as TaskState,
    totalCount: Number(row.total_count),
    processedCount: Number(row.processed_count),
    failedCount: Number(row.failed_count),
    startMs: row.start_ms === null ? null : Number(row.start_ms),
    finishMs: row.finish_ms === null ? null : Number(row.finish_ms),
    jobId: row.job_id,
  };
}
