import type { Selectable, Transaction } from 'kysely';
import { NO_LOCATION, NO_SERVICE_TYPE, NO_VARIANT, type BackupTables } from '../schema.js';
import { DAY_MS } from './format.js';
import type { JobFilter, JobRow } from './job-store.js';
import type { BackupProduct } from './products.js';

/**
 * backup_job_counts: how many jobs of a tenant's product started on each UTC day, per
 * combination of the filter dimensions, so that a count sums whole days instead of counting
 * their jobs. BackupJobStore keeps them in the transaction that writes the jobs.
 */

type CountRow = Selectable<BackupTables['backup_job_counts']>;
/** The columns a job is counted by. */
export type CountedColumns = Pick<JobRow, 'start_time' | 'state' | 'job_type' | 'service_type' | 'location' | 'variant'>;

/**
 * A count's window as whole UTC days, summed from backup_job_counts, plus or minus the partial
 * days at its ends, counted through the index. Each partial day is counted on its shorter side:
 * the jobs from 18:00 on are that day's count less the jobs before 18:00.
 */
export interface DayWindow {
  /** start_day bounds of the whole days: `from` inclusive, `to` exclusive; absent is open. */
  days: { from?: number; to?: number };
  edges: Array<{ startMs: number; endMs: number; sign: 1 | -1 }>;
}

const dayOf = (ms: number): number => ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS);

/** Undefined when the window lies within one day (or is empty): its jobs are fewer than a day's counts. */
export function dayWindow(startMs: number | undefined, endMs: number | undefined): DayWindow | undefined {
  if (startMs !== undefined && endMs !== undefined && (endMs <= startMs || dayOf(startMs) === dayOf(endMs))) return undefined;
  const window: DayWindow = { days: {}, edges: [] };
  if (startMs !== undefined) {
    const day = dayOf(startMs);
    if (startMs - day < day + DAY_MS - startMs) {
      window.days.from = day;
      if (startMs > day) window.edges.push({ startMs: day, endMs: startMs, sign: -1 });
    } else {
      window.days.from = day + DAY_MS;
      window.edges.push({ startMs, endMs: day + DAY_MS, sign: 1 });
    }
  }
  if (endMs !== undefined) {
    const day = dayOf(endMs);
    if (endMs - day <= day + DAY_MS - endMs) {
      window.days.to = day;
      if (endMs > day) window.edges.push({ startMs: day, endMs, sign: 1 });
    } else {
      window.days.to = day + DAY_MS;
      window.edges.push({ startMs: endMs, endMs: day + DAY_MS, sign: -1 });
    }
  }
  return window;
}

/** backup_job_counts holds every filter dimension but these two. */
export const countable = (filter: JobFilter): boolean => filter.organizationId === undefined && !filter.search;

/** The dimensions a job is counted under; its tenant and product are the store call's. */
function countKeyOf(row: CountedColumns): Omit<CountRow, 'tenant_id' | 'product' | 'n'> {
  return {
    start_day: dayOf(row.start_time),
    state: row.state,
    job_type: row.job_type,
    service_type: row.service_type ?? NO_SERVICE_TYPE,
    location: row.location ?? NO_LOCATION,
    variant: row.variant ?? NO_VARIANT,
  };
}

/** Nine values a row: well within both engines' limit on a statement's parameters. */
const ROWS_A_STATEMENT = 1000;

/** Changes to backup_job_counts made by one upsert, netted per key. */
export class CountChanges {
  private readonly changes = new Map<string, { key: ReturnType<typeof countKeyOf>; n: number }>();

  add(row: CountedColumns, n: 1 | -1): void {
    const key = countKeyOf(row);
    const id = JSON.stringify(Object.values(key));
    const change = this.changes.get(id);
    if (change) change.n += n;
    else this.changes.set(id, { key, n });
  }

  /** Adds the changes to backup_job_counts; exact under concurrent writers, which each add their own. */
  async apply(trx: Transaction<BackupTables>, tenantId: string, product: BackupProduct): Promise<void> {
    const changes = [...this.changes.values()].filter((change) => change.n !== 0);
    for (let i = 0; i < changes.length; i += ROWS_A_STATEMENT) {
      await trx
        .insertInto('backup_job_counts')
        .values(changes.slice(i, i + ROWS_A_STATEMENT).map(({ key, n }) => ({ tenant_id: tenantId, product, ...key, n })))
        .onConflict((oc) =>
          oc
            .columns(['tenant_id', 'product', 'start_day', 'state', 'job_type', 'service_type', 'location', 'variant'])
            .doUpdateSet((eb) => ({ n: eb('backup_job_counts.n', '+', eb.ref('excluded.n')) })),
        )
        .execute();
    }
    // A finished job leaves its running count at zero; a window's sum reads every row of its days, so empty rows go.
    const emptied = [...new Set(changes.filter(({ n }) => n < 0).map(({ key }) => key.start_day))];
    for (let i = 0; i < emptied.length; i += ROWS_A_STATEMENT) {
      await trx
        .deleteFrom('backup_job_counts')
        .where('tenant_id', '=', tenantId)
        .where('product', '=', product)
        .where('start_day', 'in', emptied.slice(i, i + ROWS_A_STATEMENT))
        .where('n', '=', 0)
        .execute();
    }
  }
}
