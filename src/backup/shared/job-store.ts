import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { BackupTables } from '../schema.js';
import type { BackupProduct } from './products.js';

export type JobRow = Selectable<BackupTables['backup_jobs']>;

/** A job as a product reports it, in the shared shape: filter columns plus product-specific details. */
export interface StoredJob {
  jobId: string;
  jobType: number;
  serviceType: number | null;
  state: number;
  startMs: number;
  finishMs: number | null;
  location: string | null;
  organizationId: string | null;
  variant: number | null;
  description: string | null;
  details: Record<string, unknown>;
}

/** The documented filters of the five job lists, in one shape. Absent or empty means "any". */
export interface JobFilter {
  tenantId: string;
  product: BackupProduct;
  /** Inclusive lower bound of the job's start time. */
  startMs?: number | undefined;
  /** Exclusive upper bound of the job's start time. */
  endMs?: number | undefined;
  jobTypes?: number[] | undefined;
  serviceTypes?: number[] | undefined;
  states?: number[] | undefined;
  location?: string | undefined;
  organizationId?: string | undefined;
  variant?: number | undefined;
  /** Case-insensitive substring of the job id or its description. */
  search?: string | undefined;
}

/** The last job of a page in list order, from which the next page continues. */
export interface JobCursor {
  startMs: number;
  seq: number;
}

export interface UpsertResult {
  received: number;
  /** Jobs inserted or changed. */
  applied: number;
  /** Reports refused because they would move a finished job back to a running state. */
  ignored: number;
}

const CHUNK = 500;

/**
 * Queries of backup_jobs, for every product. Lists are newest first in (start_time, seq)
 * order, both immutable once a job exists, so a keyset position stays valid however many
 * jobs are written meanwhile.
 */
export class BackupJobStore {
  constructor(private readonly db: Kysely<BackupTables>) {}

  private filtered(filter: JobFilter) {
    let query = this.db.selectFrom('backup_jobs').where('tenant_id', '=', filter.tenantId).where('product', '=', filter.product);
    if (filter.startMs !== undefined) query = query.where('start_time', '>=', filter.startMs);
    if (filter.endMs !== undefined) query = query.where('start_time', '<', filter.endMs);
    if (filter.states?.length) query = query.where('state', 'in', filter.states);
    if (filter.jobTypes?.length) query = query.where('job_type', 'in', filter.jobTypes);
    if (filter.serviceTypes?.length) query = query.where('service_type', 'in', filter.serviceTypes);
    if (filter.location !== undefined) query = query.where('location', '=', filter.location);
    if (filter.organizationId !== undefined) query = query.where(sql<string>`lower(organization_id)`, '=', filter.organizationId.toLowerCase());
    if (filter.variant !== undefined) query = query.where('variant', '=', filter.variant);
    if (filter.search) {
      const pattern = `%${filter.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query = query.where((eb) =>
        eb.or([eb(sql<string>`lower(job_id)`, 'like', sql<string>`${pattern} escape '\\'`), eb(sql<string>`lower(description)`, 'like', sql<string>`${pattern} escape '\\'`)]),
      );
    }
    return query;
  }

  /** One page, newest first: after a cursor (keyset) or at an offset (a client's own page index). */
  async page(filter: JobFilter, position: { after?: JobCursor | undefined; offset: number }, size: number): Promise<{ rows: JobRow[]; more: boolean }> {
    let query = this.filtered(filter).selectAll();
    const after = position.after;
    if (after) {
      // The plain bound lets the index range start at the position; the tuple alone is only a filter.
      query = query.where('start_time', '<=', after.startMs).where((eb) => eb(eb.refTuple('start_time', 'seq'), '<', eb.tuple(after.startMs, after.seq)));
    }
    query = query.orderBy('start_time', 'desc').orderBy('seq', 'desc').limit(size + 1);
    if (position.offset > 0) query = query.offset(position.offset);
    const rows = await query.execute();
    const more = rows.length > size;
    return { rows: more ? rows.slice(0, size) : rows, more };
  }

  async count(filter: JobFilter): Promise<number> {
    const row = await this.filtered(filter).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async find(tenantId: string, product: BackupProduct, jobId: string): Promise<JobRow | undefined> {
    return this.db.selectFrom('backup_jobs').selectAll().where('tenant_id', '=', tenantId).where('product', '=', product).where('job_id', '=', jobId).executeTakeFirst();
  }

  /**
   * Inserts or updates jobs by the producer's id, in one transaction. A job in one of
   * `runningStates` may move anywhere; a job that has left them never returns, so a late or
   * repeated "started" report cannot undo a finish. The start time is kept from the first
   * report: it orders the lists, and a page position must not move under a client.
   */
  async upsert(tenantId: string, product: BackupProduct, jobs: readonly StoredJob[], runningStates: readonly number[], nowMs: number): Promise<UpsertResult> {
    return this.db.transaction().execute((trx) => this.upsertIn(trx, tenantId, product, jobs, runningStates, nowMs));
  }

  async upsertIn(
    trx: Transaction<BackupTables>,
    tenantId: string,
    product: BackupProduct,
    jobs: readonly StoredJob[],
    runningStates: readonly number[],
    nowMs: number,
  ): Promise<UpsertResult> {
    const running = new Set(runningStates);
    // Several reports of one job in a batch (started, then finished) fold with the same rule,
    // because one statement cannot touch a row twice.
    const folded = new Map<string, StoredJob>();
    let stale = 0;
    for (const job of jobs) {
      const previous = folded.get(job.jobId);
      if (previous && !running.has(previous.state) && running.has(job.state)) {
        stale++;
        continue;
      }
      folded.set(job.jobId, previous ? { ...job, startMs: previous.startMs } : job);
    }
    const unique = [...folded.values()];
    let applied = 0;
    for (let i = 0; i < unique.length; i += CHUNK) {
      const values = unique.slice(i, i + CHUNK).map((job) => ({
        tenant_id: tenantId,
        product,
        job_id: job.jobId,
        job_type: job.jobType,
        service_type: job.serviceType,
        state: job.state,
        start_time: job.startMs,
        finish_time: job.finishMs,
        location: job.location,
        organization_id: job.organizationId,
        variant: job.variant,
        description: job.description,
        details: JSON.stringify(job.details),
        updated_at: nowMs,
      }));
      const result = await trx
        .insertInto('backup_jobs')
        .values(values)
        .onConflict((oc) =>
          oc
            .columns(['tenant_id', 'product', 'job_id'])
            .doUpdateSet((eb) => ({
              job_type: eb.ref('excluded.job_type'),
              service_type: eb.ref('excluded.service_type'),
              state: eb.ref('excluded.state'),
              finish_time: eb.ref('excluded.finish_time'),
              location: eb.ref('excluded.location'),
              organization_id: eb.ref('excluded.organization_id'),
              variant: eb.ref('excluded.variant'),
              description: eb.ref('excluded.description'),
              details: eb.ref('excluded.details'),
              updated_at: eb.ref('excluded.updated_at'),
            }))
            .where((eb) => eb.or([eb('backup_jobs.state', 'in', [...running]), eb('excluded.state', 'not in', [...running])])),
        )
        .executeTakeFirst();
      applied += Number(result.numInsertedOrUpdatedRows ?? 0);
    }
    return { received: jobs.length, applied, ignored: stale + unique.length - applied };
  }
}

export const parseDetails = <T>(row: Pick<JobRow, 'details'>): T => JSON.parse(row.details) as T;
