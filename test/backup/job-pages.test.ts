import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupMigrations, type BackupTables } from '../../src/backup/schema.js';
import { M365_RUNNING_STATES, type M365StateName } from '../../src/backup/m365/catalogue.js';
import { toStoredM365Job } from '../../src/backup/m365/jobs/job-routes.js';
import { BackupJobStore, type JobCursor, type JobFilter, type JobRow, type PagePosition } from '../../src/backup/shared/job-store.js';
import { dropPostgresSchema, openDatabase, type Database } from '../../src/storage/database.js';
import { migrate } from '../../src/storage/migrations.js';
import { ENGINES, POSTGRES_URL } from '../support/services.js';
import { HOUR, iso } from './support.js';

const T0 = Date.parse('2024-05-01T00:00:00Z');
const TENANT = 'tenant-pages';
const STATES: M365StateName[] = ['Finished', 'Failed', 'Finished', 'In Progress', 'Finished with Exception', 'Finished'];

/** 90 jobs, some starting at the same millisecond (the keyset's tie-breaker is seq), one in six still running (no stored item). */
function reports() {
  return Array.from({ length: 90 }, (_, i) => {
    const state = STATES[i % STATES.length]!;
    const startMs = T0 + Math.floor(i / 3) * HOUR;
    return {
      id: `PAGE-${String(i).padStart(3, '0')}`,
      jobType: 1,
      serviceType: 0,
      state,
      startTime: iso(startMs),
      ...(state === 'In Progress' ? {} : { finishTime: iso(startMs + 600_000) }),
      location: 'PrimaryGeoLocation',
      jobErrors: i === 7 ? [{ isErrorCode: false, value: 'é 😀 "quoted" \\ \u2028', url: null, number: 1 }] : [],
    };
  });
}

/**
 * BackupJobStore.joinedListedPage, the one-statement page the Microsoft 365 list is assembled
 * from, against a plain query of the same page: the same jobs in the same order, each job's
 * stored item or (stored without one) its rendering, and the same continuation, on both engines.
 */
describe.each(ENGINES)('job list pages joined in the database on %s', (engine) => {
  let dir: string;
  let database: Database<BackupTables>;
  let store: BackupJobStore;
  const schema = `t${randomBytes(5).toString('hex')}_pages`;
  // Rendered on read: the test's own rendering, so that it shows where each unlisted job went.
  const render = (job: JobRow) => JSON.stringify({ rendered: job.job_id, state: job.state });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meridian-job-pages-'));
    database = engine === 'sqlite' ? await openDatabase({ engine, file: join(dir, 'region.sqlite') }) : await openDatabase({ engine, url: POSTGRES_URL, schema });
    await migrate(database as Database<unknown>, backupMigrations);
    store = new BackupJobStore(database.db, engine);
    await store.upsert(TENANT, 'm365', reports().map((report, index) => toStoredM365Job(report as never, `value[${index}]`)), M365_RUNNING_STATES, T0);
  });
  afterAll(async () => {
    await database?.close();
    rmSync(dir, { recursive: true, force: true });
    if (engine === 'postgres') await dropPostgresSchema(POSTGRES_URL, schema);
  });

  /** The page by a plain query, one row more than its size: what the joined page must give. */
  async function expected(filter: JobFilter, position: PagePosition, size: number) {
    let query = database.db.selectFrom('backup_jobs').selectAll().where('tenant_id', '=', filter.tenantId).where('product', '=', 'm365');
    if (filter.startMs !== undefined) query = query.where('start_time', '>=', filter.startMs);
    if (filter.endMs !== undefined) query = query.where('start_time', '<', filter.endMs);
    if (filter.states) query = query.where('state', 'in', filter.states);
    const after = position.after;
    if (after) query = query.where((eb) => eb.or([eb('start_time', '<', after.startMs), eb.and([eb('start_time', '=', after.startMs), eb('seq', '<', after.seq)])]));
    const rows = await query.orderBy('start_time', 'desc').orderBy('seq', 'desc').limit(size + 1).offset(position.offset).execute();
    const page = rows.slice(0, size);
    const last: JobCursor | undefined = rows.length > size ? { startMs: page[size - 1]!.start_time, seq: page[size - 1]!.seq } : undefined;
    return { items: page.map((row) => row.listed ?? render(row)).join(','), more: rows.length > size, last, unlisted: page.filter((row) => row.listed === null).length };
  }

  async function expectPage(filter: JobFilter, position: PagePosition, size: number) {
    const [joined, plain] = await Promise.all([store.joinedListedPage(filter, position, size, render), expected(filter, position, size)]);
    expect(joined.items.toString('utf8')).toBe(plain.items);
    expect(joined.more).toBe(plain.more);
    expect(joined.last).toEqual(plain.last);
    return { joined, unlisted: plain.unlisted };
  }

  it('reads finished jobs page by page, by keyset, in list order', async () => {
    const filter: JobFilter = { tenantId: TENANT, product: 'm365', states: [2] };
    const seen: string[] = [];
    let after: JobCursor | undefined;
    for (let guard = 0; guard < 20; guard++) {
      const { joined } = await expectPage(filter, { after, offset: 0 }, 7);
      seen.push(...(JSON.parse(`[${joined.items.toString('utf8')}]`) as Array<{ id: string }>).map((item) => item.id));
      if (!joined.more) break;
      after = joined.last;
    }
    const finished = reports().filter((report) => report.state === 'Finished');
    expect(seen).toEqual(finished.map((report) => report.id).reverse());
  });

  it('reads a client\'s own page index (an offset), a window, the last short page and an empty one alike', async () => {
    const window: JobFilter = { tenantId: TENANT, product: 'm365', startMs: T0 + 5 * HOUR, endMs: T0 + 20 * HOUR + 1, states: [2, 3] };
    for (const offset of [0, 4, 8, 12, 40]) await expectPage(window, { offset }, 4);
    expect((await expectPage({ tenantId: TENANT, product: 'm365', states: [3] }, { offset: 0 }, 100)).joined.more).toBe(false);
    expect((await expectPage({ tenantId: TENANT, product: 'm365', startMs: T0 - 10 * HOUR, endMs: T0 - HOUR }, { offset: 0 }, 10)).joined.items.length).toBe(0);
  });

  it('renders each running job, which has no stored item, in its place', async () => {
    const all: JobFilter = { tenantId: TENANT, product: 'm365' };
    let rendered = 0;
    let after: JobCursor | undefined;
    for (let guard = 0; guard < 20; guard++) {
      const { joined, unlisted } = await expectPage(all, { after, offset: 0 }, 8);
      rendered += unlisted;
      if (!joined.more) break;
      after = joined.last;
    }
    expect(rendered).toBe(reports().filter((report) => report.state === 'In Progress').length);
    await expectPage(all, { offset: 3 }, 5);
  });
});
