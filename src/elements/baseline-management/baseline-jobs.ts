import { ApiError, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import type { RegionContext } from '../../platform/product-module.js';
import type { TenantKey } from '../tenant-directory/directory-store.js';
import { BASELINE_STATUS, JOB_STATUS, JOB_TYPE, TENANT_STATUS, type AppliedBaseline, type BaselineStore, type JobRow } from './baseline-store.js';

const CREATE_KIND = 'elements.bm.create-baseline';
const APPLY_KIND = 'elements.bm.apply-baselines';
/** create-baseline.md: tenants in these statuses cannot be a baseline's source. */
const NO_SOURCE_STATUSES = [TENANT_STATUS.Deploying, TENANT_STATUS.Expired, TENANT_STATUS.Restoring];
/** tenant-action.md: tenants and baselines in these statuses cannot take part in "Apply baselines to tenant". */
const NO_APPLY_TENANT_STATUSES = [TENANT_STATUS.Deploying, TENANT_STATUS.Expired, TENANT_STATUS.Restoring, TENANT_STATUS.RetrievingSetting];
const NO_APPLY_BASELINE_STATUSES = [BASELINE_STATUS.RetrievingSettings, BASELINE_STATUS.RetrievalFailed, BASELINE_STATUS.Draft];
const FINAL_JOB_STATUSES = new Set<number>([JOB_STATUS.Finished, JOB_STATUS.Failed, JOB_STATUS.FinishedWithException]);

interface CreatePayload {
  jobId: string;
  baselineId: string;
  previousTenantStatus: number;
}
interface ApplyPayload {
  jobId: string;
  baselines: Array<{ baselineId: string; rankingOrder: number }>;
}

/**
 * Lets the event loop run every few hundred rows: on SQLite each statement resolves at once, so
 * a job of thousands of settings would otherwise hold the process (every listener) until it ends.
 */
const breathe = (index: number) => (index % 500 === 499 ? new Promise((resolve) => setImmediate(resolve)) : undefined);

const refuse = (message: string) => new ApiError(409, 'conflict', message);

/**
 * The two asynchronous actions of baseline management, on the kernel's durable job runner:
 * capturing a baseline from a tenant ("Create baseline") and applying baselines to a tenant
 * ("Apply baseline"). Each writes a process-center job that moves Waiting → In progress →
 * Finished / Failed / Finished with exception. Handlers are idempotent: a job taken over
 * after a crash runs again from the start and ends in the same state.
 */
export class BaselineJobs {
  constructor(private readonly store: BaselineStore, private readonly jobs: RegionContext['jobs']) {
    // Each handler is one transaction run again from the start, so a short lease hands a dead node's job over quickly.
    jobs.define<CreatePayload>(CREATE_KIND, (job) => this.capture(job.payload), { maxAttempts: 3, leaseMs: 5_000 });
    jobs.define<ApplyPayload>(APPLY_KIND, (job) => this.apply(job.payload), { maxAttempts: 3, leaseMs: 5_000 });
  }

  /**
   * Queues the jobs a process stored and died before handing to the job runner (their row
   * committed, no kernel job yet); the idempotency key makes a second queueing a no-op, so
   * every node may do this when it starts.
   */
  async queueStored(): Promise<number> {
    const rows = await this.store.db.selectFrom('elements_bm_jobs').selectAll().where('status', '=', JOB_STATUS.Waiting).where('kernel_job_id', 'is', null).execute();
    for (const row of rows) {
      const stored = JSON.parse(row.payload) as { baselineId?: string; previousTenantStatus?: number; baselines?: ApplyPayload['baselines'] };
      const key = { customerId: row.customer_id, tenantId: row.tenant_id };
      if (row.type === JOB_TYPE.CreateBaseline) await this.enqueue(CREATE_KIND, key, row.job_id, { jobId: row.job_id, baselineId: stored.baselineId!, previousTenantStatus: stored.previousTenantStatus ?? TENANT_STATUS.Connected });
      else await this.enqueue(APPLY_KIND, key, row.job_id, { jobId: row.job_id, baselines: stored.baselines ?? [] });
    }
    return rows.length;
  }

  /**
   * `given`: the ids a baseline made outside this API (in the Elements portal) already has, as
   * its producer reports them (baseline-producer-routes.ts); an id in use is 409.
   */
  async createBaseline(partnerId: string, key: TenantKey, input: { name: string; color: number; description?: string | undefined }, given?: { baselineId: string; jobId: string }): Promise<string> {
    const baselineId = given?.baselineId.toLowerCase() ?? newId();
    const jobId = given?.jobId.toLowerCase() ?? newId();
    const now = this.store.now();
    const previous = await this.store.db.transaction().execute(async (trx) => {
      if (given) await this.refuseIdsInUse(trx, { baselineId, jobId });
      const state = await this.store.tenantState(trx, key);
      if ((NO_SOURCE_STATUSES as number[]).includes(state.status)) throw refuse(`Tenant '${key.tenantId}' is in status ${state.status} (Deploying, Expired or Restoring) and cannot be used to create a baseline.`);
      await trx
        .insertInto('elements_bm_baselines')
        .values({ baseline_id: baselineId, partner_id: partnerId, customer_id: key.customerId, tenant_id: key.tenantId, name: input.name, color: input.color, description: input.description ?? null, status: BASELINE_STATUS.RetrievingSettings, version: 1, created_ms: now, modified_ms: now })
        .execute();
      await this.insertJob(trx, { jobId, partnerId, key, type: JOB_TYPE.CreateBaseline, payload: { baselineId, previousTenantStatus: state.status } });
      await this.store.saveTenantState(trx, { ...state, status: TENANT_STATUS.RetrievingSetting });
      return state.status;
    });
    await this.enqueue(CREATE_KIND, key, jobId, { jobId, baselineId, previousTenantStatus: previous });
    return baselineId;
  }

  /** `givenJobId`: the id an apply made in the Elements portal already has, as its producer reports it; an id in use is 409. */
  async applyBaselines(partnerId: string, key: TenantKey, baselines: Array<{ baselineId: string; rankingOrder: number }>, givenJobId?: string): Promise<string> {
    const jobId = givenJobId?.toLowerCase() ?? newId();
    const wanted = baselines.map((b) => ({ baselineId: b.baselineId.toLowerCase(), rankingOrder: b.rankingOrder }));
    await this.store.db.transaction().execute(async (trx) => {
      if (givenJobId) await this.refuseIdsInUse(trx, { jobId });
      const state = await this.store.tenantState(trx, key);
      if ((NO_APPLY_TENANT_STATUSES as number[]).includes(state.status)) throw refuse(`Tenant '${key.tenantId}' is in status ${state.status} (Deploying, Expired, Restoring or Retrieving setting); baselines cannot be applied to it now.`);
      for (const { baselineId } of wanted) {
        const baseline = await this.store.baseline(trx, partnerId, baselineId);
        if (!baseline) throw notFound(`No baseline '${baselineId}' of this partner.`);
        if ((NO_APPLY_BASELINE_STATUSES as number[]).includes(baseline.status)) throw refuse(`Baseline '${baselineId}' is in status ${baseline.status} (Retrieving settings, Settings retrieval failed or Draft) and cannot be applied.`);
      }
      await this.insertJob(trx, { jobId, partnerId, key, type: JOB_TYPE.ApplyBaseline, payload: { baselines: wanted } });
    });
    await this.enqueue(APPLY_KIND, key, jobId, { jobId, baselines: wanted });
    return jobId;
  }

  /**
   * A job's status as the process center shows it: a job the runner gave up on (its
   * handler failed every attempt) is Failed even if its handler never got to say so.
   */
  async reconcile(rows: JobRow[]): Promise<JobRow[]> {
    return Promise.all(
      rows.map(async (row) => {
        if (FINAL_JOB_STATUSES.has(row.status) || !row.kernel_job_id) return row;
        const record = await this.jobs.get(row.kernel_job_id);
        if (record?.state !== 'failed') return row;
        await this.fail(row);
        return { ...row, status: JOB_STATUS.Failed };
      }),
    );
  }

  /** Inside the transaction that takes them, so two reports of one id cannot both pass. */
  private async refuseIdsInUse(trx: Parameters<BaselineStore['job']>[0], ids: { baselineId?: string; jobId: string }): Promise<void> {
    if (ids.baselineId && (await trx.selectFrom('elements_bm_baselines').select('baseline_id').where('baseline_id', '=', ids.baselineId).executeTakeFirst())) throw refuse(`The baseline id '${ids.baselineId}' is in use.`);
    if (await this.store.job(trx, ids.jobId)) throw refuse(`The job id '${ids.jobId}' is in use.`);
  }

  private async insertJob(trx: Parameters<BaselineStore['job']>[0], job: { jobId: string; partnerId: string; key: TenantKey; type: number; payload: unknown }) {
    await trx
      .insertInto('elements_bm_jobs')
      .values({ job_id: job.jobId, partner_id: job.partnerId, customer_id: job.key.customerId, tenant_id: job.key.tenantId, type: job.type, status: JOB_STATUS.Waiting, kernel_job_id: null, created_ms: this.store.now(), finished_ms: null, payload: JSON.stringify(job.payload) })
      .execute();
  }

  private async enqueue(kind: string, key: TenantKey, jobId: string, payload: CreatePayload | ApplyPayload): Promise<void> {
    try {
      const record = await this.jobs.enqueue(kind, { tenantId: key.customerId, payload, idempotencyKey: jobId });
      await this.store.setJob(this.store.db, jobId, { kernel_job_id: record.id });
    } catch (error) {
      const row = await this.store.job(this.store.db, jobId);
      if (row) await this.fail(row);
      throw error;
    }
  }

  /** Ends a job as Failed, with what failing means for its baseline or tenant. */
  private async fail(row: JobRow): Promise<void> {
    const payload = JSON.parse(row.payload) as { baselineId?: string };
    const key = { customerId: row.customer_id, tenantId: row.tenant_id };
    await this.store.db.transaction().execute(async (trx) => {
      await this.store.setJob(trx, row.job_id, { status: JOB_STATUS.Failed, finished_ms: this.store.now() });
      const state = await this.store.tenantState(trx, key);
      if (row.type === JOB_TYPE.CreateBaseline && payload.baselineId) {
        await this.store.setBaseline(trx, payload.baselineId, { status: BASELINE_STATUS.RetrievalFailed });
        if (state.status === TENANT_STATUS.RetrievingSetting) await this.store.saveTenantState(trx, { ...state, status: TENANT_STATUS.Connected });
      } else if (state.status === TENANT_STATUS.Deploying) {
        await this.store.saveTenantState(trx, { ...state, status: TENANT_STATUS.DeploymentFailed });
      }
    });
  }

  /** Captures the source tenant's settings into the baseline: the readable ones as Successful, the others as Failed with the reason. */
  private async capture(payload: CreatePayload): Promise<unknown> {
    const job = await this.store.job(this.store.db, payload.jobId);
    if (!job || FINAL_JOB_STATUSES.has(job.status)) return { skipped: true };
    const key = { customerId: job.customer_id, tenantId: job.tenant_id };
    await this.store.setJob(this.store.db, payload.jobId, { status: JOB_STATUS.InProgress });
    return this.store.db.transaction().execute(async (trx) => {
      const settings = await this.store.settings(trx, key);
      await trx.deleteFrom('elements_bm_baseline_settings').where('baseline_id', '=', payload.baselineId).execute();
      for (const [index, setting] of settings.entries()) {
        await breathe(index);
        const ok = setting.retrievable === 1;
        await trx
          .insertInto('elements_bm_baseline_settings')
          .values({
            baseline_id: payload.baselineId,
            source: setting.source,
            configuration: setting.configuration,
            status: ok ? 'Successful' : 'Failed',
            details: ok ? null : 'The service app has no permission to read this configuration.',
            value: ok ? setting.value : null,
          })
          .execute();
      }
      const failed = settings.filter((setting) => setting.retrievable !== 1).length;
      const outcome = settings.length === 0 || failed === settings.length ? 'failed' : failed > 0 ? 'exception' : 'ok';
      const baselineStatus = outcome === 'failed' ? BASELINE_STATUS.RetrievalFailed : outcome === 'exception' ? BASELINE_STATUS.RetrievedWithException : BASELINE_STATUS.Unused;
      const jobStatus = outcome === 'failed' ? JOB_STATUS.Failed : outcome === 'exception' ? JOB_STATUS.FinishedWithException : JOB_STATUS.Finished;
      await this.store.setBaseline(trx, payload.baselineId, { status: baselineStatus });
      await this.store.setJob(trx, payload.jobId, { status: jobStatus, finished_ms: this.store.now() });
      const state = await this.store.tenantState(trx, key);
      if (state.status === TENANT_STATUS.RetrievingSetting) await this.store.saveTenantState(trx, { ...state, status: payload.previousTenantStatus });
      return { captured: settings.length - failed, failed };
    });
  }

  /** Deploys the baselines' settings to the tenant, the best-ranked baseline winning where they overlap. */
  private async apply(payload: ApplyPayload): Promise<unknown> {
    const job = await this.store.job(this.store.db, payload.jobId);
    if (!job || FINAL_JOB_STATUSES.has(job.status)) return { skipped: true };
    const key = { customerId: job.customer_id, tenantId: job.tenant_id };
    await this.store.db.transaction().execute(async (trx) => {
      await this.store.setJob(trx, payload.jobId, { status: JOB_STATUS.InProgress });
      const state = await this.store.tenantState(trx, key);
      await this.store.saveTenantState(trx, { ...state, status: TENANT_STATUS.Deploying });
    });
    return this.store.db.transaction().execute(async (trx) => {
      const applied: AppliedBaseline[] = [];
      for (const wanted of [...payload.baselines].sort((a, b) => a.rankingOrder - b.rankingOrder)) {
        const baseline = await this.store.baseline(trx, job.partner_id, wanted.baselineId);
        if (baseline) applied.push({ baselineId: baseline.baseline_id, baselineName: baseline.name, version: baseline.version, rankingOrder: wanted.rankingOrder });
      }
      const target = await this.store.mergedSettings(trx, applied);
      const current = new Map((await this.store.settings(trx, key)).map((row) => [`${row.source}\u0000${row.configuration}`, row]));
      let deployed = 0;
      let refused = 0;
      for (const [id, value] of target) {
        await breathe(deployed + refused);
        const existing = current.get(id);
        if (existing && existing.writable !== 1) {
          refused += 1;
          continue;
        }
        const [source, configuration] = id.split('\u0000') as [string, string];
        await trx
          .insertInto('elements_bm_settings')
          .values({ customer_id: key.customerId, tenant_id: key.tenantId, source, configuration, value, retrievable: 1, writable: 1 })
          .onConflict((oc) => oc.columns(['customer_id', 'tenant_id', 'source', 'configuration']).doUpdateSet({ value }))
          .execute();
        deployed += 1;
      }
      const outcome = applied.length === 0 || (deployed === 0 && refused > 0) ? 'failed' : refused > 0 ? 'exception' : 'ok';
      const now = this.store.now();
      const state = await this.store.tenantState(trx, key);
      // What could not be deployed and still differs is the drift that remains.
      const drift = await this.store.driftOf(trx, key, applied);
      await this.store.saveTenantState(trx, {
        ...state,
        status: outcome === 'failed' ? TENANT_STATUS.DeploymentFailed : outcome === 'exception' ? TENANT_STATUS.DeployedWithException : TENANT_STATUS.Deployed,
        applied: JSON.stringify(applied),
        last_deployed_ms: outcome === 'failed' ? state.last_deployed_ms : now,
        drift_detected: drift,
        drift_ms: drift > 0 ? now : null,
      });
      for (const baseline of applied) await this.store.setBaseline(trx, baseline.baselineId, { status: BASELINE_STATUS.Active });
      await this.store.setJob(trx, payload.jobId, { status: outcome === 'failed' ? JOB_STATUS.Failed : outcome === 'exception' ? JOB_STATUS.FinishedWithException : JOB_STATUS.Finished, finished_ms: now });
      return { deployed, refused };
    });
  }
}
