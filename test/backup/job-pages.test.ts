import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupMigrations, type BackupTables } from '../../src/backup/schema.js';
import { M365_RUNNING_STATES, type M365StateName } from '../../src/backup/m365/catalogue.js';
import { toStoredM365Job } from '../../src/backup/m365/jobs/job-routes.js';
import { BackupJobStore, type JobCursor, type JobFilter, type ListedRow, type PagePosition } from '../../src/backup/shared/job-store.js';
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
 * BackupJobStore.joinedListedPage against the row-by-row listedPage it replaces on the hot
 * path: the same items in the same order, the same continuation, and pages holding a job
 * without a stored item flagged, on both engines.
 */
describe.each(ENGINES)('job list pages joined in the database on %s', (engine) => {
  let dir: string;
  let database: Database<BackupTables>;
  let store: BackupJobStore;
  const schema = `t${randomBytes(5).toString('hex')}_pages`;

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

  const lastOf = (rows: ListedRow[]): JobCursor | undefined => {
    const last = rows[rows.length - 1];
    return last && { startMs: last.start_time, seq: last.seq };
  };

  async function expectSamePage(filter: JobFilter, position: PagePosition, size: number) {
    const [joined, rows] = await Promise.all([store.joinedListedPage(filter, position, size), store.listedPage(filter, position, size)]);
    const unlisted = rows.rows.some((row) => typeof row.listed !== 'string');
    expect(joined.unlisted).toBe(unlisted);
    expect(joined.more).toBe(rows.more);
    expect(joined.last).toEqual(rows.more ? lastOf(rows.rows) : undefined);
    if (!unlisted) expect(joined.items.toString('utf8')).toBe(rows.rows.map((row) => row.listed).join(','));
    return { joined, rows };
  }

  it('reads finished jobs page by page, by keyset, exactly as the rows give them', async () => {
    const filter: JobFilter = { tenantId: TENANT, product: 'm365', states: [2] };
    const seen: string[] = [];
    let after: JobCursor | undefined;
    for (let guard = 0; guard < 20; guard++) {
      const { joined, rows } = await expectSamePage(filter, { after, offset: 0 }, 7);
      expect(joined.unlisted).toBe(false);
      seen.push(...rows.rows.map((row) => JSON.parse(row.listed as string).id as string));
      if (!joined.more) break;
      after = joined.last;
    }
    const finished = reports().filter((report) => report.state === 'Finished');
    expect(seen).toEqual(finished.map((report) => report.id).reverse());
  });

  it('reads a client\'s own page index (an offset), a window and the last, short page alike', async () => {
    const window: JobFilter = { tenantId: TENANT, product: 'm365', startMs: T0 + 5 * HOUR, endMs: T0 + 20 * HOUR + 1, states: [2, 3] };
    for (const offset of [0, 4, 8, 12, 40]) await expectSamePage(window, { offset }, 4);
    const { joined } = await expectSamePage({ tenantId: TENANT, product: 'm365', states: [3] }, { offset: 0 }, 100);
    expect(joined.more).toBe(false);
    const empty = await expectSamePage({ tenantId: TENANT, product: 'm365', startMs: T0 - 10 * HOUR, endMs: T0 - HOUR }, { offset: 0 }, 10);
    expect(empty.joined.items.length).toBe(0);
    expect(empty.joined.unlisted).toBe(false);
  });

  it('flags a page that holds a running job, whose item is rendered on read', async () => {
    const all: JobFilter = { tenantId: TENANT, product: 'm365' };
    const flagged = [];
    for (let offset = 0; offset < 90; offset += 5) flagged.push((await expectSamePage(all, { offset }, 5)).joined.unlisted);
    expect(flagged).toContain(true);
  });
});
