import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { ApiError } from '../../../platform/errors.js';
import type { Engine } from '../../../storage/database.js';
import { appendAudit } from '../../shared/audit-outbox.js';
import type { BackupJobStore } from '../../shared/job-store.js';
import type { BackupTables } from '../../schema.js';
import { M365_JOB_STATES, M365_JOB_TYPES, M365_RUNNING_STATES } from '../catalogue.js';
import { storedM365Job } from '../jobs/job-routes.js';
import type { M365JobDetails } from '../jobs/job-schemas.js';
import { restoreAuditRecord } from './restore-audit.js';
import type { RestoreTargetItem } from './restore-request.js';

export type RestoreRow = Selectable<BackupTables['backup_restores']>;

/** perform-restore-job.md's 429: at most this many restore or export jobs run at once per tenant. */
export const MAX_RUNNING_RESTORES = 3;

export interface NewRestore {
  tenantId: string;
  location: string;
  serviceType: number;
  objectKey: string;
  objectName: string;
  request: unknown;
  targets: RestoreTargetItem[];
  requestedBy: string;
  clientIp: string | null;
}

export interface RestoreProgress {
  state: number;
  successful: number;
  skipped: number;
  failed: number;
  finishMs: number | null;
  jobErrors: M365JobDetails['jobErrors'];
}

/**
 * Restores started through the API: created with their job in one transaction (so a restore
 * that was acknowledged exists, and one that was refused left nothing), then moved on by
 * their kernel job (restore-job.ts), which may run on any node of the region.
 */
export class RestoreStore {
  constructor(
    private readonly db: Kysely<BackupTables>,
    private readonly engine: Engine,
    private readonly jobs: BackupJobStore,
  ) {}

  async create(restore: NewRestore, nowMs: number, durationMs: number): Promise<string> {
    const total = restore.targets.reduce((sum, target) => sum + target.items, 0);
    return this.db.transaction().execute(async (trx) => {
      // One tenant's restores are created one at a time, so the limit below is exact.
      if (this.engine === 'postgres') await sql`select pg_advisory_xact_lock(hashtext(${`backup-restore:${restore.tenantId}`}))`.execute(trx);
      const running = await trx
        .selectFrom('backup_jobs')
        .select(sql<number>`count(*)`.as('n'))
        .where('tenant_id', '=', restore.tenantId)
        .where('product', '=', 'm365')
        .where('state', 'in', M365_RUNNING_STATES)
        .where('job_type', 'in', [M365_JOB_TYPES.Restore, M365_JOB_TYPES.Export])
        .executeTakeFirstOrThrow();
      if (Number(running.n) >= MAX_RUNNING_RESTORES) {
        throw new ApiError(429, 'too_many_requests', `There are already ${Number(running.n)} restore/export jobs running, cannot start new restore job.`, { 'retry-after': '30' });
      }
      const jobId = await this.nextJobId(trx, restore.tenantId, nowMs);
      await this.jobs.upsertIn(trx, restore.tenantId, 'm365', [restoreJob(jobId, restore, nowMs, { state: M365_JOB_STATES['In Progress'], successful: 0, skipped: 0, failed: 0, finishMs: null, jobErrors: [] }, total)], M365_RUNNING_STATES, nowMs);
      await trx
        .insertInto('backup_restores')
        .values({
          tenant_id: restore.tenantId,
          product: 'm365',
          job_id: jobId,
          location: restore.location,
          service_type: restore.serviceType,
          object_key: restore.objectKey,
          request: JSON.stringify(restore.request),
          plan: JSON.stringify({ objectName: restore.objectName, targets: restore.targets }),
          total_items: total,
          started_at: nowMs,
          duration_ms: durationMs,
          finished_at: null,
          outcome: null,
          requested_by: restore.requestedBy,
          client_ip: restore.clientIp,
          // Leases moved to the kernel's job runner (kernel_jobs); the columns stay for the migration history.
          lease_owner: null,
          lease_until: 0,
        })
        .execute();
      await appendAudit(trx, restore.tenantId, restoreAuditRecord('submitted', { jobId, ...restore, atMs: nowMs }), nowMs);
      return jobId;
    });
  }

  /** RS + yyyyMMddHHmmss + a 4-digit counter within that second, as the sample's RS202602270354220001. */
  private async nextJobId(trx: Transaction<BackupTables>, tenantId: string, nowMs: number): Promise<string> {
    const prefix = `RS${new Date(nowMs).toISOString().replace(/[-:T]/g, '').slice(0, 14)}`;
    const taken = await trx
      .selectFrom('backup_jobs')
      .select('job_id')
      .where('tenant_id', '=', tenantId)
      .where('product', '=', 'm365')
      .where('job_id', 'like', `${prefix}%`)
      .execute();
    const used = new Set(taken.map((row) => row.job_id));
    for (let n = 1; ; n++) {
      const id = `${prefix}${String(n).padStart(4, '0')}`;
      if (!used.has(id)) return id;
    }
  }

  async report(row: RestoreRow, progress: RestoreProgress, nowMs: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await this.jobs.upsertIn(trx, row.tenant_id, 'm365', [restoreJobFromRow(row, progress)], M365_RUNNING_STATES, nowMs);
      if (progress.finishMs === null) return;
      const finished = await trx
        .updateTable('backup_restores')
        .set({ finished_at: progress.finishMs, outcome: progress.state === M365_JOB_STATES.Finished ? 'Finished' : 'Failed' })
        .where('seq', '=', row.seq)
        .where('finished_at', 'is', null)
        .executeTakeFirst();
      if (Number(finished.numUpdatedRows) !== 1) return;
      const plan = JSON.parse(row.plan) as { objectName: string; targets: RestoreTargetItem[] };
      await appendAudit(
        trx,
        row.tenant_id,
        restoreAuditRecord(progress.state === M365_JOB_STATES.Finished ? 'finished' : 'failed', {
          jobId: row.job_id,
          tenantId: row.tenant_id,
          location: row.location,
          serviceType: row.service_type,
          objectKey: row.object_key,
          objectName: plan.objectName,
          request: JSON.parse(row.request) as unknown,
          targets: plan.targets,
          requestedBy: row.requested_by,
          clientIp: row.client_ip,
          atMs: progress.finishMs,
          progress,
        }),
        nowMs,
      );
    });
  }

  /** Restores not yet finished: each should have its kernel job (see resumeRestoreJobs). */
  async unfinished(limit: number): Promise<Array<Pick<RestoreRow, 'tenant_id' | 'job_id'>>> {
    return this.db.selectFrom('backup_restores').select(['tenant_id', 'job_id']).where('finished_at', 'is', null).where('product', '=', 'm365').orderBy('seq').limit(limit).execute();
  }

  async find(tenantId: string, jobId: string): Promise<RestoreRow | undefined> {
    return this.db.selectFrom('backup_restores').selectAll().where('tenant_id', '=', tenantId).where('product', '=', 'm365').where('job_id', '=', jobId).executeTakeFirst();
  }
}

function restoreJob(jobId: string, restore: Pick<NewRestore, 'serviceType' | 'location'>, startMs: number, progress: RestoreProgress, total: number) {
  const details: M365JobDetails = {
    counts: { total, failed: progress.failed, successful: progress.successful, skipped: progress.skipped },
    jobErrors: progress.jobErrors,
  };
  return storedM365Job(
    { jobId, jobType: M365_JOB_TYPES.Restore, serviceType: restore.serviceType, state: progress.state, startMs, finishMs: progress.finishMs, location: restore.location },
    details,
  );
}

const restoreJobFromRow = (row: RestoreRow, progress: RestoreProgress) =>
  restoreJob(row.job_id, { serviceType: row.service_type, location: row.location }, row.started_at, progress, row.total_items);
