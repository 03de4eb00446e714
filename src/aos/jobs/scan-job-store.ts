import { sql, type Kysely, type Selectable } from 'kysely';
import { SCAN_JOB_STATES } from '../catalogue.js';
import type { AosTables } from '../schema.js';
import type { ScanJob } from './scan-job-schemas.js';

type Row = Selectable<AosTables['aos_scan_jobs']>;

export interface ScanJobListing {
  tenantId: string;
  top: number;
  skip: number;
  orderBy: 'start_time' | 'finish_time';
  newestFirst: boolean;
  search?: string | undefined;
}

export interface StoredScanJob {
  id: string;
  type: number;
  state: number;
  startMs: number;
  finishMs: number | null;
  scanProfileName: string | null;
  category: number;
}

/** Queries of the aos_scan_jobs table, and nothing else. */
export class ScanJobStore {
  constructor(private readonly db: Kysely<AosTables>) {}

  async list(listing: ScanJobListing): Promise<{ rows: Row[]; total: number }> {
    let base = this.db.selectFrom('aos_scan_jobs').where('tenant_id', '=', listing.tenantId);
    if (listing.search) {
      const pattern = `%${listing.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      base = base.where(sql<boolean>`lower(job_id) like ${pattern} escape '\\'`);
    }
    const direction = listing.newestFirst ? 'desc' : 'asc';
    const [rows, count] = await Promise.all([
      base.selectAll().orderBy(listing.orderBy, direction).orderBy('seq', direction).limit(listing.top).offset(listing.skip).execute(),
      base.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows, total: Number(count.n) };
  }

  /**
   * Inserts or updates jobs by the producer's id. A job that has left Running never goes
   * back to it, so a late or repeated "started" report cannot undo a finish.
   */
  async upsert(tenantId: string, jobs: StoredScanJob[], nowMs: number): Promise<number> {
    let changed = 0;
    await this.db.transaction().execute(async (trx) => {
      for (const job of jobs) {
        const result = await trx
          .insertInto('aos_scan_jobs')
          .values({
            tenant_id: tenantId,
            job_id: job.id,
            type: job.type,
            state: job.state,
            start_time: job.startMs,
            finish_time: job.finishMs,
            scan_profile_name: job.scanProfileName,
            category: job.category,
            updated_at: nowMs,
          })
          .onConflict((oc) =>
            oc
              .columns(['tenant_id', 'job_id'])
              .doUpdateSet((eb) => ({
                type: eb.ref('excluded.type'),
                state: eb.ref('excluded.state'),
                start_time: eb.ref('excluded.start_time'),
                finish_time: eb.ref('excluded.finish_time'),
                scan_profile_name: eb.ref('excluded.scan_profile_name'),
                category: eb.ref('excluded.category'),
                updated_at: eb.ref('excluded.updated_at'),
              }))
              .where((eb) => eb.or([eb('aos_scan_jobs.state', '=', SCAN_JOB_STATES.Running), eb('excluded.state', '!=', SCAN_JOB_STATES.Running)])),
          )
          .executeTakeFirst();
        changed += Number(result.numInsertedOrUpdatedRows ?? 0);
      }
    });
    return changed;
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

export function toScanJob(row: Row): ScanJob {
  return {
    id: row.job_id,
    type: row.type as ScanJob['type'],
    state: row.state as ScanJob['state'],
    startTime: iso(row.start_time),
    finishTime: row.finish_time === null ? null : iso(row.finish_time),
    scanProfileName: row.scan_profile_name,
    category: row.category as ScanJob['category'],
    extension: null,
  };
}
