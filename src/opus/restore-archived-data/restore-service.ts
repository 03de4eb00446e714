import type { Kysely, Selectable } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import { ApiError, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import type { Engine } from '../../storage/database.js';
import { appendAudit } from '../audit/audit-outbox.js';
import { CONFLICT_RESOLUTIONS, FINAL_RESTORE_STATUSES, RESTORE_JOB_STATUS, type ScopeType } from '../catalogue.js';
import { lockTenant } from '../locking.js';
import type { OpusTables } from '../schema.js';
import { describeScope, scopeKey } from './scopes.js';

export interface RestoreOptions {
  conflictResolution: number;
  appsConflictResolution: number;
  includeWorkflowDefinition: boolean;
  includeSharingLink: boolean;
  siteAdministratorUserPrincipalName: string | null;
}

export interface RestoreJob {
  id: string;
  scopeType: ScopeType;
  scopeKey: string;
  scope: string;
  options: RestoreOptions;
  status: number;
  progress: number;
  startTime: number;
  finishTime: number | null;
  message: string | null;
  requestedBy: string;
  createdAt: number;
  updatedAt: number;
}

export interface ArchivedScope {
  scopeType: ScopeType;
  scopeKey: string;
  scope: string;
  hasArchivedData: boolean;
  /** deleteArchivedDataDaysAfterRestore, once a client set it. */
  graceDays: number | null;
  graceSetAt: number | null;
  /** When the archive began deleting restored data; from then on the grace period is spent. */
  deletionStartedAt: number | null;
}

export interface ArchivedScopeReport {
  scopeType: ScopeType;
  scope: string;
  hasArchivedData: boolean;
  deletionStarted?: boolean | undefined;
}

export interface ProgressReport {
  status: number;
  progress?: number | undefined;
  startTime?: number | undefined;
  finishTime?: number | undefined;
  message?: string | null | undefined;
}

/** The restore endpoints' refusals: { success: false, message } with a 4xx. */
export const restoreRefusal = (message: string, status = 400) => new ApiError(status, status === 404 ? 'not_found' : 'invalid_request', message);

type JobRow = Selectable<OpusTables['opus_restore_jobs']>;
type ScopeRow = Selectable<OpusTables['opus_archived_scopes']>;

/**
 * Restoring archived data in place. What the archive holds, and how each restore
 * progresses, comes from the archive side through the producer API; a restore request is a
 * durable job row the archive picks up (status Waiting), and its status only moves forward.
 */
export class RestoreService {
  constructor(
    private readonly db: Kysely<OpusTables>,
    private readonly engine: Engine,
    private readonly clock: Clock,
  ) {}

  checkScope(type: ScopeType, scope: unknown, parameter = 'scope'): { scope: string; key: string } {
    const text = typeof scope === 'string' ? scope.trim() : '';
    if (!text) throw restoreRefusal(`The parameter '${parameter}' is required: ${describeScope(type)}.`);
    const key = scopeKey(type, text);
    if (!key) throw restoreRefusal(`The parameter '${parameter}' must be ${describeScope(type)}; '${text.slice(0, 100)}' is not.`);
    return { scope: text, key };
  }

  async hasArchivedData(tenantId: string, type: ScopeType, key: string): Promise<boolean> {
    const row = await this.scopeRow(this.db, tenantId, type, key);
    return row?.has_archived_data === 1;
  }

  /**
   * Starts a restore. A retry of the same request while its job is still running gets the
   * same job back instead of a second restore of the same data.
   */
  async start(tenantId: string, type: ScopeType, scope: { scope: string; key: string }, options: RestoreOptions, requestedBy: string): Promise<{ job: RestoreJob; reused: boolean }> {
    return this.db.transaction().execute(async (trx) => {
      await lockTenant(trx, this.engine, tenantId, 'exclusive');
      const archived = await this.scopeRow(trx, tenantId, type, scope.key);
      if (archived?.has_archived_data !== 1) throw restoreRefusal(`There is no archived data for '${scope.scope}' to restore.`);
      const active = await trx
        .selectFrom('opus_restore_jobs')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('scope_type', '=', type)
        .where('scope_key', '=', scope.key)
        .where('status', 'not in', [...FINAL_RESTORE_STATUSES])
        .orderBy('seq', 'desc')
        .executeTakeFirst();
      if (active) {
        if (active.options === JSON.stringify(options)) return { job: toJob(active), reused: true };
        throw restoreRefusal(`A restore job (${active.id}) for '${scope.scope}' is still running with other options; wait for it to finish.`);
      }
      const now = this.clock.nowMs();
      const id = newId();
      await trx
        .insertInto('opus_restore_jobs')
        .values({
          tenant_id: tenantId,
          id,
          scope_type: type,
          scope_key: scope.key,
          scope: scope.scope,
          options: JSON.stringify(options),
          status: RESTORE_JOB_STATUS.Waiting,
          progress: 0,
          start_time: now,
          finish_time: null,
          message: null,
          requested_by: requestedBy,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await appendAudit(trx, this.clock, tenantId, {
        actionName: type === 'SiteCollection' ? 'Restore site collection' : 'Restore Team/Group',
        operationType: 'Restore',
        objectType: type === 'SiteCollection' ? 'Site collection' : 'Team/Group',
        objectName: scope.scope,
        actor: requestedBy,
        module: 'Restore archived data',
        parameters: { jobId: id, ...options },
      });
      return { job: toJob((await trx.selectFrom('opus_restore_jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow())), reused: false };
    });
  }

  async job(tenantId: string, jobId: string): Promise<RestoreJob | undefined> {
    const row = await this.jobRow(this.db, tenantId, jobId);
    return row ? toJob(row) : undefined;
  }

  /** Sets how long restored data stays in archive storage; spent once the archive starts deleting. */
  async setGracePeriod(tenantId: string, type: ScopeType, scope: { scope: string; key: string }, days: number, actor: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await lockTenant(trx, this.engine, tenantId, 'exclusive');
      const row = await this.scopeRow(trx, tenantId, type, scope.key);
      if (row?.has_archived_data !== 1) throw restoreRefusal(`There is no archived data for '${scope.scope}'.`);
      if (row.deletion_started_at !== null) {
        throw restoreRefusal(
          `A job deleting the restored archived data of '${scope.scope}' started at ${iso(row.deletion_started_at)}; the retention period can no longer take effect, and later jobs follow the period configured in AvePoint Opus.`,
        );
      }
      await trx
        .updateTable('opus_archived_scopes')
        .set({ grace_days: days, grace_set_at: this.clock.nowMs(), updated_at: this.clock.nowMs() })
        .where('tenant_id', '=', tenantId)
        .where('scope_type', '=', type)
        .where('scope_key', '=', scope.key)
        .execute();
      await appendAudit(trx, this.clock, tenantId, {
        actionName: 'Set archived data retention period after restore',
        operationType: 'Update',
        objectType: type === 'SiteCollection' ? 'Site collection' : 'Team/Group',
        objectName: scope.scope,
        actor,
        module: 'Restore archived data',
        previousValue: row.grace_days,
        currentValue: days,
      });
    });
  }

  // ---- the archive side (producer API)

  async reportArchivedData(tenantId: string, reports: Array<ArchivedScopeReport & { key: string }>): Promise<number> {
    const now = this.clock.nowMs();
    await this.db.transaction().execute(async (trx) => {
      for (const report of reports) {
        await trx
          .insertInto('opus_archived_scopes')
          .values({
            tenant_id: tenantId,
            scope_type: report.scopeType,
            scope_key: report.key,
            scope: report.scope.trim(),
            has_archived_data: report.hasArchivedData ? 1 : 0,
            grace_days: null,
            grace_set_at: null,
            deletion_started_at: report.deletionStarted ? now : null,
            updated_at: now,
          })
          .onConflict((oc) =>
            oc.columns(['tenant_id', 'scope_type', 'scope_key']).doUpdateSet((eb) => ({
              has_archived_data: eb.ref('excluded.has_archived_data'),
              // The first report of a deletion start is the one that spends the grace period.
              deletion_started_at: report.deletionStarted ? eb.fn.coalesce('opus_archived_scopes.deletion_started_at', eb.ref('excluded.deletion_started_at')) : eb.ref('opus_archived_scopes.deletion_started_at'),
              updated_at: eb.ref('excluded.updated_at'),
            })),
          )
          .execute();
      }
    });
    return reports.length;
  }

  async scopes(tenantId: string, type: ScopeType | undefined): Promise<ArchivedScope[]> {
    let query = this.db.selectFrom('opus_archived_scopes').selectAll().where('tenant_id', '=', tenantId);
    if (type) query = query.where('scope_type', '=', type);
    return (await query.orderBy('scope_type').orderBy('scope_key').execute()).map(toScope);
  }

  async jobs(tenantId: string, statuses: number[], afterSeq: number, limit: number): Promise<{ jobs: Array<RestoreJob & { seq: number }>; more: boolean }> {
    let query = this.db.selectFrom('opus_restore_jobs').selectAll().where('tenant_id', '=', tenantId).where('seq', '>', afterSeq);
    if (statuses.length > 0) query = query.where('status', 'in', statuses);
    const rows = await query.orderBy('seq').limit(limit + 1).execute();
    return { jobs: rows.slice(0, limit).map((row) => ({ ...toJob(row), seq: row.seq })), more: rows.length > limit };
  }

  async reportProgress(tenantId: string, jobId: string, report: ProgressReport): Promise<{ job: RestoreJob; applied: boolean }> {
    return this.db.transaction().execute(async (trx) => {
      await lockTenant(trx, this.engine, tenantId, 'exclusive');
      const row = await this.jobRow(trx, tenantId, jobId);
      if (!row) throw notFound(`There is no restore job '${jobId}'.`);
      return this.apply(trx, row, report);
    });
  }

  /**
   * Records a restore the archive started itself (from the Opus UI, say), so its status is
   * served like any other; reporting it again only applies the progress.
   */
  async registerJob(tenantId: string, job: { id: string; scopeType: ScopeType; scope: { scope: string; key: string }; requestedBy: string; options: RestoreOptions }, report: ProgressReport): Promise<{ job: RestoreJob; applied: boolean }> {
    return this.db.transaction().execute(async (trx) => {
      await lockTenant(trx, this.engine, tenantId, 'exclusive');
      let row = await this.jobRow(trx, tenantId, job.id);
      if (!row) {
        const taken = await trx.selectFrom('opus_restore_jobs').select('tenant_id').where('id', '=', job.id.trim().toLowerCase()).executeTakeFirst();
        if (taken) throw restoreRefusal(`The job id '${job.id}' is already used.`);
        const now = this.clock.nowMs();
        await trx
          .insertInto('opus_restore_jobs')
          .values({
            tenant_id: tenantId,
            id: job.id.trim().toLowerCase(),
            scope_type: job.scopeType,
            scope_key: job.scope.key,
            scope: job.scope.scope,
            options: JSON.stringify(job.options),
            status: RESTORE_JOB_STATUS.Waiting,
            progress: 0,
            start_time: report.startTime ?? now,
            finish_time: null,
            message: null,
            requested_by: job.requestedBy,
            created_at: now,
            updated_at: now,
          })
          .execute();
        row = (await this.jobRow(trx, tenantId, job.id))!;
      }
      return this.apply(trx, row, report);
    });
  }

  /**
   * Applies a progress report. Reports may come late, twice or out of order: progress never
   * goes back, and an ended job stays as it ended (a later report is acknowledged, not applied).
   */
  private async apply(trx: Kysely<OpusTables>, row: JobRow, report: ProgressReport): Promise<{ job: RestoreJob; applied: boolean }> {
    if (FINAL_RESTORE_STATUSES.has(row.status)) return { job: toJob(row), applied: false };
    const now = this.clock.nowMs();
    const final = FINAL_RESTORE_STATUSES.has(report.status);
    const progress = report.status === RESTORE_JOB_STATUS.Finished ? 100 : Math.max(row.progress, report.progress ?? row.progress);
    const startTime = report.startTime ?? row.start_time;
    const finishTime = final ? Math.max(report.finishTime ?? now, startTime) : null;
    await trx
      .updateTable('opus_restore_jobs')
      .set({ status: report.status, progress, start_time: startTime, finish_time: finishTime, message: report.message === undefined ? row.message : report.message, updated_at: now })
      .where('seq', '=', row.seq)
      .execute();
    return { job: toJob(await trx.selectFrom('opus_restore_jobs').selectAll().where('seq', '=', row.seq).executeTakeFirstOrThrow()), applied: true };
  }

  private jobRow(db: Kysely<OpusTables>, tenantId: string, jobId: string) {
    return db.selectFrom('opus_restore_jobs').selectAll().where('tenant_id', '=', tenantId).where('id', '=', jobId.trim().toLowerCase()).executeTakeFirst();
  }

  private scopeRow(db: Kysely<OpusTables>, tenantId: string, type: ScopeType, key: string) {
    return db.selectFrom('opus_archived_scopes').selectAll().where('tenant_id', '=', tenantId).where('scope_type', '=', type).where('scope_key', '=', key).executeTakeFirst();
  }
}

export const defaultRestoreOptions = (given: Record<string, unknown>): RestoreOptions => ({
  // Skip is the documented choice that never replaces what is there now.
  conflictResolution: typeof given.conflictResolution === 'number' ? given.conflictResolution : CONFLICT_RESOLUTIONS.Skip,
  appsConflictResolution: typeof given.appsConflictResolution === 'number' ? given.appsConflictResolution : CONFLICT_RESOLUTIONS.Skip,
  includeWorkflowDefinition: given.includeWorkflowDefinition === true,
  includeSharingLink: given.includeSharingLink === true,
  siteAdministratorUserPrincipalName: typeof given.siteAdministratorUserPrincipalName === 'string' && given.siteAdministratorUserPrincipalName.trim() ? given.siteAdministratorUserPrincipalName.trim() : null,
});

/** The docs' restore times: "2026-06-29T08:31:12Z". */
export const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function toJob(row: JobRow): RestoreJob {
  return {
    id: row.id,
    scopeType: row.scope_type as ScopeType,
    scopeKey: row.scope_key,
    scope: row.scope,
    options: JSON.parse(row.options) as RestoreOptions,
    status: row.status,
    progress: row.progress,
    startTime: row.start_time,
    finishTime: row.finish_time,
    message: row.message,
    requestedBy: row.requested_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toScope(row: ScopeRow): ArchivedScope {
  return {
    scopeType: row.scope_type as ScopeType,
    scopeKey: row.scope_key,
    scope: row.scope,
    hasArchivedData: row.has_archived_data === 1,
    graceDays: row.grace_days,
    graceSetAt: row.grace_set_at,
    deletionStartedAt: row.deletion_started_at,
  };
}
