import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { ElementsRegionTables } from '../schema.js';
import type { TenantKey, Page } from '../tenant-directory/directory-store.js';
import type { BaselineTables } from './baseline-schema.js';

type Db = BaselineTables & Pick<ElementsRegionTables, 'elements_customers' | 'elements_tenants' | 'elements_subscriptions'>;
export type BaselineRow = Selectable<BaselineTables['elements_bm_baselines']>;
export type JobRow = Selectable<BaselineTables['elements_bm_jobs']>;
export type TenantStateRow = Selectable<BaselineTables['elements_bm_tenants']>;

/** query-baselines.md `status`. */
export const BASELINE_STATUS = { RetrievingSettings: 1, Unused: 2, Active: 3, RetrievalFailed: 4, RetrievedWithException: 5, Draft: 6 } as const;
/** query-tenant.md `status` (the page's "19 - Restored" is 9). */
export const TENANT_STATUS = { Connected: 1, DeployedWithException: 2, Deploying: 3, DeploymentFailed: 5, Expired: 6, Deployed: 7, Restoring: 11, RetrievingSetting: 12 } as const;
/** query-job.md `type` and `status`. */
export const JOB_TYPE = { ApplyBaseline: 1, CreateBaseline: 3 } as const;
export const JOB_STATUS = { Waiting: 0, InProgress: 1, Finished: 2, Failed: 3, FinishedWithException: 5 } as const;

export interface AppliedBaseline {
  baselineId: string;
  baselineName: string;
  version: number;
  rankingOrder: number;
}

export interface SettingRecord {
  source: string;
  configuration: string;
  value: string;
  retrievable: boolean;
  writable: boolean;
}

/** Rows of a partner-wide list in this data center, for the customers the app may see. */
export interface Slice {
  offset: number;
  limit: number;
  customerIds: string[] | undefined;
}

/** A baseline with its captured settings, as a data center hands it to another to apply it there. */
export interface BaselineDefinition {
  baselineId: string;
  customerId: string;
  tenantId: string;
  name: string;
  color: number;
  description: string | null;
  status: number;
  version: number;
  createdMs: number;
  modifiedMs: number;
  settings: Array<{ source: string; configuration: string; status: string; details: string | null; value: string | null }>;
}

const offset = (pageIndex: number, pageSize: number) => (pageIndex - 1) * pageSize;

async function paged<T>(rows: Promise<T[]>, count: Promise<{ n: number }>): Promise<Page<T>> {
  const [items, total] = await Promise.all([rows, count]);
  return { items, totalCount: Number(total.n) };
}

/** The tables of baseline management: settings, baselines, tenant states and process-center jobs. */
export class BaselineStore {
  constructor(readonly db: Kysely<Db>, private readonly nowMs: () => number) {}

  now(): number {
    return this.nowMs();
  }

  async upsertSettings(key: TenantKey, settings: SettingRecord[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      for (const setting of settings) {
        const values = { value: setting.value, retrievable: setting.retrievable ? 1 : 0, writable: setting.writable ? 1 : 0 };
        await trx
          .insertInto('elements_bm_settings')
          .values({ customer_id: key.customerId, tenant_id: key.tenantId, source: setting.source, configuration: setting.configuration, ...values })
          .onConflict((oc) => oc.columns(['customer_id', 'tenant_id', 'source', 'configuration']).doUpdateSet(values))
          .execute();
      }
      await this.recomputeDrift(trx, key);
    });
  }

  async settings(trx: Kysely<Db> | Transaction<Db>, key: TenantKey) {
    return trx.selectFrom('elements_bm_settings').selectAll().where('customer_id', '=', key.customerId).where('tenant_id', '=', key.tenantId).orderBy('seq').execute();
  }

  /** A tenant's baseline state; a tenant never touched by baseline management is Connected. */
  async tenantState(trx: Kysely<Db> | Transaction<Db>, key: TenantKey): Promise<TenantStateRow> {
    const row = await trx.selectFrom('elements_bm_tenants').selectAll().where('customer_id', '=', key.customerId).where('tenant_id', '=', key.tenantId).executeTakeFirst();
    return row ?? { customer_id: key.customerId, tenant_id: key.tenantId, status: TENANT_STATUS.Connected, drift_detected: 0, drift_ms: null, last_deployed_ms: null, auto_alignment: 0, applied: '[]' };
  }

  async saveTenantState(trx: Kysely<Db> | Transaction<Db>, state: TenantStateRow): Promise<void> {
    const { customer_id: _customer, tenant_id: _tenant, ...values } = state;
    await trx.insertInto('elements_bm_tenants').values(state).onConflict((oc) => oc.columns(['customer_id', 'tenant_id']).doUpdateSet(values)).execute();
  }

  /** A tenant's state as the product reports it (a subscription expired, a restore running …). */
  async reportTenantState(key: TenantKey, state: { status: number; autoAlignment: boolean }): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const current = await this.tenantState(trx, key);
      await this.saveTenantState(trx, { ...current, status: state.status, auto_alignment: state.autoAlignment ? 1 : 0 });
    });
  }

  /**
   * Drift: how many settings of the applied baselines the tenant no longer has as deployed
   * (the highest-ranked baseline's value of each configuration counts).
   */
  async recomputeDrift(trx: Kysely<Db> | Transaction<Db>, key: TenantKey): Promise<void> {
    const state = await this.tenantState(trx, key);
    const applied = JSON.parse(state.applied) as AppliedBaseline[];
    if (applied.length === 0) return;
    const drift = await this.driftOf(trx, key, applied);
    if (drift !== state.drift_detected) await this.saveTenantState(trx, { ...state, drift_detected: drift, drift_ms: drift > 0 ? this.nowMs() : null });
  }

  async driftOf(trx: Kysely<Db> | Transaction<Db>, key: TenantKey, applied: AppliedBaseline[]): Promise<number> {
    const target = await this.mergedSettings(trx, applied);
    const current = new Map((await this.settings(trx, key)).map((row) => [`${row.source}\u0000${row.configuration}`, row.value]));
    let drift = 0;
    for (const [id, value] of target) if (current.get(id) !== value) drift += 1;
    return drift;
  }

  /** The configuration each applied baseline sets, the best-ranked (lowest rankingOrder) winning. */
  async mergedSettings(trx: Kysely<Db> | Transaction<Db>, applied: AppliedBaseline[]): Promise<Map<string, string>> {
    const ranked = [...applied].sort((a, b) => a.rankingOrder - b.rankingOrder);
    const rows = await trx.selectFrom('elements_bm_baseline_settings').selectAll().where('baseline_id', 'in', ranked.map((b) => b.baselineId)).where('status', '=', 'Successful').execute();
    const merged = new Map<string, string>();
    for (const baseline of ranked) {
      for (const row of rows) {
        const id = `${row.source}\u0000${row.configuration}`;
        if (row.baseline_id === baseline.baselineId && !merged.has(id) && row.value !== null) merged.set(id, row.value);
      }
    }
    return merged;
  }

  async baseline(trx: Kysely<Db> | Transaction<Db>, partnerId: string, baselineId: string): Promise<BaselineRow | undefined> {
    return trx.selectFrom('elements_bm_baselines').selectAll().where('partner_id', '=', partnerId).where('baseline_id', '=', baselineId.toLowerCase()).executeTakeFirst();
  }

  /** The partner's baselines captured here (not the copies), those captured from a customer the app may see. */
  async baselinePage(partnerId: string, ids: string[] | undefined, slice: Slice): Promise<Page<BaselineRow>> {
    let query = this.db.selectFrom('elements_bm_baselines').where('partner_id', '=', partnerId).where('is_copy', '=', 0);
    if (ids) query = query.where('baseline_id', 'in', ids.map((id) => id.toLowerCase()));
    if (slice.customerIds) query = query.where('customer_id', 'in', slice.customerIds.length ? slice.customerIds : ['']);
    return paged(query.selectAll().orderBy('seq').limit(slice.limit).offset(slice.offset).execute(), query.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow());
  }

  /** A baseline captured here, with its settings, for another data center to copy. */
  async definition(partnerId: string, baselineId: string): Promise<BaselineDefinition | undefined> {
    const row = await this.baseline(this.db, partnerId, baselineId);
    if (!row || row.is_copy) return undefined;
    const settings = await this.db.selectFrom('elements_bm_baseline_settings').select(['source', 'configuration', 'status', 'details', 'value']).where('baseline_id', '=', row.baseline_id).orderBy('seq').execute();
    return {
      baselineId: row.baseline_id, customerId: row.customer_id, tenantId: row.tenant_id, name: row.name, color: row.color, description: row.description,
      status: row.status, version: row.version, createdMs: Number(row.created_ms), modifiedMs: Number(row.modified_ms), settings,
    };
  }

  /**
   * Keeps (or refreshes) the copy of a baseline captured in another data center; false, and
   * nothing changed, when the id is a baseline captured here.
   */
  async saveCopy(partnerId: string, definition: BaselineDefinition): Promise<boolean> {
    const baselineId = definition.baselineId.toLowerCase();
    return this.db.transaction().execute(async (trx) => {
      const existing = await trx.selectFrom('elements_bm_baselines').select(['is_copy', 'partner_id']).where('baseline_id', '=', baselineId).executeTakeFirst();
      if (existing && (!existing.is_copy || existing.partner_id !== partnerId)) return false;
      const values = {
        partner_id: partnerId, customer_id: definition.customerId, tenant_id: definition.tenantId, name: definition.name, color: definition.color, description: definition.description,
        status: definition.status, version: definition.version, created_ms: definition.createdMs, modified_ms: definition.modifiedMs, is_copy: 1,
      };
      if (existing) await trx.updateTable('elements_bm_baselines').set(values).where('baseline_id', '=', baselineId).execute();
      else await trx.insertInto('elements_bm_baselines').values({ baseline_id: baselineId, ...values }).execute();
      await trx.deleteFrom('elements_bm_baseline_settings').where('baseline_id', '=', baselineId).execute();
      for (const setting of definition.settings) await trx.insertInto('elements_bm_baseline_settings').values({ baseline_id: baselineId, ...setting }).execute();
      return true;
    });
  }

  /** A baseline captured here was applied to a tenant of another data center: it is Active. */
  async markApplied(partnerId: string, baselineId: string): Promise<boolean> {
    const result = await this.db
      .updateTable('elements_bm_baselines')
      .set({ status: BASELINE_STATUS.Active, modified_ms: this.nowMs() })
      .where('partner_id', '=', partnerId)
      .where('baseline_id', '=', baselineId.toLowerCase())
      .where('is_copy', '=', 0)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async reportPage(baselineId: string, pageIndex: number, pageSize: number) {
    const query = this.db.selectFrom('elements_bm_baseline_settings').where('baseline_id', '=', baselineId);
    return paged(
      query.select(['source', 'configuration', 'status', 'details']).orderBy('seq').limit(pageSize).offset(offset(pageIndex, pageSize)).execute(),
      query.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
    );
  }

  async jobPage(key: TenantKey, ids: string[] | undefined, pageIndex: number, pageSize: number): Promise<Page<JobRow>> {
    let query = this.db.selectFrom('elements_bm_jobs').where('customer_id', '=', key.customerId).where('tenant_id', '=', key.tenantId);
    if (ids) query = query.where('job_id', 'in', ids.map((id) => id.toLowerCase()));
    return paged(query.selectAll().orderBy('seq').limit(pageSize).offset(offset(pageIndex, pageSize)).execute(), query.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow());
  }

  async job(trx: Kysely<Db> | Transaction<Db>, jobId: string): Promise<JobRow | undefined> {
    return trx.selectFrom('elements_bm_jobs').selectAll().where('job_id', '=', jobId).executeTakeFirst();
  }

  async setJob(trx: Kysely<Db> | Transaction<Db>, jobId: string, values: Partial<Pick<JobRow, 'status' | 'kernel_job_id' | 'finished_ms'>>): Promise<void> {
    await trx.updateTable('elements_bm_jobs').set(values).where('job_id', '=', jobId).execute();
  }

  async setBaseline(trx: Kysely<Db> | Transaction<Db>, baselineId: string, values: Partial<Pick<BaselineRow, 'status'>>): Promise<void> {
    await trx.updateTable('elements_bm_baselines').set({ ...values, modified_ms: this.nowMs() }).where('baseline_id', '=', baselineId).execute();
  }

  /**
   * The partner's tenants in this data center that have baseline management (its service app
   * consented, the customer subscribed to one of `products`: premium.ts), with their baseline state.
   */
  async partnerTenantPage(partnerId: string, tenantIds: string[] | undefined, slice: Slice, premium: { app: string; products: readonly number[] }) {
    let query = this.db
      .selectFrom('elements_tenants as t')
      .innerJoin('elements_customers as c', 'c.id', 't.customer_id')
      .leftJoin('elements_bm_tenants as b', (join) => join.onRef('b.customer_id', '=', 't.customer_id').onRef('b.tenant_id', '=', 't.tenant_id'))
      .where('c.partner_id', '=', partnerId)
      // consented_apps is a JSON array of app names; the quotes keep one name from matching inside another.
      .where('t.consented_apps', 'like', `%"${premium.app}"%`)
      .where((eb) => eb.exists(eb.selectFrom('elements_subscriptions as s').select('s.seq').whereRef('s.customer_id', '=', 't.customer_id').where('s.product', 'in', [...premium.products])));
    if (tenantIds) query = query.where('t.tenant_id', 'in', tenantIds.map((id) => id.toLowerCase()));
    if (slice.customerIds) query = query.where('t.customer_id', 'in', slice.customerIds.length ? slice.customerIds : ['']);
    return paged(
      query
        .select(['t.customer_id', 't.tenant_id', 't.name', 'b.status', 'b.drift_detected', 'b.drift_ms', 'b.last_deployed_ms', 'b.auto_alignment', 'b.applied'])
        .orderBy('t.seq')
        .limit(slice.limit)
        .offset(slice.offset)
        .execute(),
      query.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
    );
  }
}
