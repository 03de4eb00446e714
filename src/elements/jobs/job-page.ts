import { JOB_MODULES, JOB_STATUS, JOB_TYPES } from '../catalogue.js';
import type { DirectoryEntry } from '../partner/directory-store.js';
import type { PartnerData } from '../partner/partner-data.js';
import type { Paging } from '../shared/routes.js';
import type { JobRow } from './job-row.js';
import { sourcesFor, type JobFilter, type RegionalRead } from './job-sources.js';

/** The customer's regional APIs for one batch: each distinct call made once. */
function customerReader(data: PartnerData, entry: DirectoryEntry): RegionalRead {
  const answers = new Map<string, Promise<unknown>>();
  return <T>(path: string, query: Record<string, string | number | undefined>) => {
    const key = JSON.stringify([path, query]);
    let answer = answers.get(key);
    if (!answer) {
      answer = data.asCustomer<T>(entry, { path, query });
      answers.set(key, answer);
    }
    return answer as Promise<T>;
  };
}

/**
 * One page over the concatenation of the filter's lists: exact, with the total of them all.
 * A single list is read once; several are counted first, then only the lists the page
 * touches are read.
 */
export async function jobPage(data: PartnerData, entry: DirectoryEntry, filter: JobFilter, paging: Paging): Promise<{ data: JobRow[]; totalCount: number }> {
  const sources = sourcesFor(filter);
  const read = customerReader(data, entry);
  const offset = (paging.pageIndex - 1) * paging.pageSize;
  if (sources.length === 0) return { data: [], totalCount: 0 };
  if (sources.length === 1) {
    const { rows, total } = await sources[0]!.read(read, offset, paging.pageSize);
    return { data: rows, totalCount: total };
  }
  const totals = await Promise.all(sources.map(async (source) => (await source.read(read, 0, 0)).total));
  const windows: Array<Promise<JobRow[]>> = [];
  let start = 0;
  for (const [index, source] of sources.entries()) {
    const total = totals[index]!;
    const lo = Math.max(offset, start);
    const hi = Math.min(offset + paging.pageSize, start + total);
    if (hi > lo) windows.push(source.read(read, lo - start, hi - lo).then((answer) => answer.rows));
    start += total;
  }
  return { data: (await Promise.all(windows)).flat(), totalCount: start };
}

/** Every job of the filter (v2 has no paging): each list read to its end, a thousand at a time, the lists in parallel. */
export async function allJobs(data: PartnerData, entry: DirectoryEntry, filter: JobFilter): Promise<JobRow[]> {
  const read = customerReader(data, entry);
  const lists = await Promise.all(
    sourcesFor(filter).map(async (source) => {
      const rows: JobRow[] = [];
      for (let offset = 0; ; offset += 1000) {
        const answer = await source.read(read, offset, 1000);
        rows.push(...answer.rows);
        if (offset + 1000 >= answer.total || answer.rows.length === 0) return rows;
      }
    }),
  );
  return lists.flat();
}

/** v2's display strings for a v3 job row (all-backup-jobs.md). */
export const v2Job = (row: JobRow) => ({ ...row, jobType: JOB_TYPES[row.jobType] ?? String(row.jobType), jobModule: JOB_MODULES[row.jobModule] ?? String(row.jobModule), status: JOB_STATUS[row.status] ?? String(row.status) });
