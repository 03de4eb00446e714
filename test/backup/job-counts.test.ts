import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupMigrations, type BackupTables } from '../../src/backup/schema.js';
import { M365_JOB_STATES, M365_OBJECT_TYPES, M365_RUNNING_STATES, type M365StateName } from '../../src/backup/m365/catalogue.js';
import { toStoredM365Job } from '../../src/backup/m365/jobs/job-routes.js';
import { dayWindow } from '../../src/backup/shared/job-counts.js';
import { BackupJobStore, type JobFilter } from '../../src/backup/shared/job-store.js';
import { dropPostgresSchema, openDatabase, type Database } from '../../src/storage/database.js';
import { migrate } from '../../src/storage/migrations.js';
import { ENGINES, POSTGRES_URL } from '../support/services.js';
import { BackupHarness, DAY, HOUR, iso, type BackupTenant } from './support.js';

const PRODUCER = '/producer/backup/m365/jobs';
const LIST = '/backup/m365/cloudbackupjobs';
const D0 = Date.parse('2024-03-01T00:00:00Z');
const LOCATIONS = ['PrimaryGeoLocation', 'EUR', 'NAM'];
const SERVICES = [0, 1, 2, 6, 8, 13, 9];

interface Job {
  id: string;
  jobType: number;
  serviceType: number;
  state: M365StateName;
  startMs: number;
  location: string;
}

/** Jobs over four days and a bit, at uneven minutes, every dimension varied; one in six still runs. */
function fixture(prefix: string): Job[] {
  return Array.from({ length: 210 }, (_, i) => ({
    id: `${prefix}${String(i).padStart(4, '0')}`,
    jobType: i % 9 === 0 ? 2 : i % 13 === 0 ? 5 : 1,
    serviceType: SERVICES[i % SERVICES.length]!,
    state: i % 6 === 0 ? 'In Progress' : i % 5 === 0 ? 'Failed' : i % 7 === 0 ? 'Finished with Exception' : 'Finished',
    startMs: D0 + i * 29 * 60_000 + (i % 11) * 7_000,
    location: LOCATIONS[i % LOCATIONS.length]!,
  }));
}

function report(job: Job, startMs = job.startMs) {
  return {
    id: job.id,
    jobType: job.jobType,
    serviceType: job.serviceType,
    state: job.state,
    startTime: iso(startMs),
    ...(job.state === 'In Progress' ? {} : { finishTime: iso(startMs + 3 * HOUR) }),
    location: job.location,
  };
}

/** Windows cut every way a count's window can be: whole days, each end on its near or far side of midnight, one day, open ends. */
const WINDOWS = [
  '',
  'startTime=2024-03-02&finishTime=2024-03-03',
  'startTime=2024-03-01T03:10:00Z&finishTime=2024-03-04T22:40:00Z',
  'startTime=2024-03-01T20:05:00Z&finishTime=2024-03-04T01:30:00Z',
  'startTime=2024-03-02T05:00:00Z&finishTime=2024-03-02T15:00:00Z',
  'startTime=2024-03-02T20:00:00Z&finishTime=2024-03-03T03:00:00Z',
  'startTime=2024-03-02T13:00:00Z&finishTime=2024-03-03T11:00:00Z',
  'startTime=2024-03-03T07:00:00Z',
  'finishTime=2024-03-02T16:00:00Z',
  'startTime=2024-03-02T00:00:00Z&finishTime=2024-03-02T23:59:59.999Z',
];
const FILTERS = ['', 'jobState=1', 'jobState=2', 'jobState=3', 'jobType=2', 'objectType=7', 'location=EUR', 'jobState=2&location=NAM&objectType=1'];

/** What list-jobs.md's filters select, from the jobs as the test knows them. */
function matches(job: Job, query: URLSearchParams): boolean {
  const start = query.get('startTime');
  const finish = query.get('finishTime');
  if (start && job.startMs < Date.parse(start)) return false;
  if (finish && job.startMs >= (finish.length === 10 ? Date.parse(finish) + DAY : Date.parse(finish) + 1)) return false;
  if (query.get('jobState') && M365_JOB_STATES[job.state] !== Number(query.get('jobState'))) return false;
  if (query.get('jobType') && job.jobType !== Number(query.get('jobType'))) return false;
  if (query.get('objectType') && !M365_OBJECT_TYPES[Number(query.get('objectType'))]!.includes(job.serviceType)) return false;
  if (query.get('location') && job.location !== query.get('location')) return false;
  return true;
}

type CountedRow = { product: string; start_day: number; state: number; job_type: number; service_type: number; location: string; variant: number; n: number };
const byKey = (a: CountedRow, b: CountedRow) => JSON.stringify(Object.values(a)).localeCompare(JSON.stringify(Object.values(b)));

/** backup_job_counts of a tenant is exactly its jobs grouped by UTC day and dimensions, with no empty rows. */
async function expectCountsExact(db: Kysely<BackupTables>, tenantId: string): Promise<void> {
  const jobs = await db.selectFrom('backup_jobs').select(['product', 'start_time', 'state', 'job_type', 'service_type', 'location', 'variant']).where('tenant_id', '=', tenantId).execute();
  const expected = new Map<string, CountedRow>();
  for (const job of jobs) {
    const row = {
      product: job.product,
      start_day: Math.floor(job.start_time / DAY) * DAY,
      state: job.state,
      job_type: job.job_type,
      service_type: job.service_type ?? -1,
      location: job.location ?? '',
      variant: job.variant ?? -1,
      n: 0,
    };
    const key = JSON.stringify(Object.values(row));
    const known = expected.get(key) ?? row;
    known.n++;
    expected.set(key, known);
  }
  const counted = await db
    .selectFrom('backup_job_counts')
    .select(['product', 'start_day', 'state', 'job_type', 'service_type', 'location', 'variant', 'n'])
    .where('tenant_id', '=', tenantId)
    .execute();
  expect(counted.map((row) => ({ ...row, n: Number(row.n) })).sort(byKey)).toEqual([...expected.values()].sort(byKey));
}

describe('dayWindow', () => {
  const at = (text: string) => Date.parse(text);

  it('sums whole days and counts each partial day on its shorter side', () => {
    expect(dayWindow(at('2024-03-01T03:00:00Z'), at('2024-03-04T22:00:00Z'))).toEqual({
      days: { from: at('2024-03-01'), to: at('2024-03-05') },
      edges: [
        { startMs: at('2024-03-01'), endMs: at('2024-03-01T03:00:00Z'), sign: -1 },
        { startMs: at('2024-03-04T22:00:00Z'), endMs: at('2024-03-05'), sign: -1 },
      ],
    });
    expect(dayWindow(at('2024-03-01T20:00:00Z'), at('2024-03-04T02:00:00Z'))).toEqual({
      days: { from: at('2024-03-02'), to: at('2024-03-04') },
      edges: [
        { startMs: at('2024-03-01T20:00:00Z'), endMs: at('2024-03-02'), sign: 1 },
        { startMs: at('2024-03-04'), endMs: at('2024-03-04T02:00:00Z'), sign: 1 },
      ],
    });
  });

  it('needs no edge at midnight, leaves open ends open, and leaves a window inside one day to the index', () => {
    expect(dayWindow(at('2024-03-01'), at('2024-03-03'))).toEqual({ days: { from: at('2024-03-01'), to: at('2024-03-03') }, edges: [] });
    expect(dayWindow(undefined, undefined)).toEqual({ days: {}, edges: [] });
    expect(dayWindow(at('2024-03-01T12:00:01Z'), undefined)).toEqual({ days: { from: at('2024-03-02') }, edges: [{ startMs: at('2024-03-01T12:00:01Z'), endMs: at('2024-03-02'), sign: 1 }] });
    expect(dayWindow(at('2024-03-01T05:00:00Z'), at('2024-03-01T23:00:00Z'))).toBeUndefined();
    expect(dayWindow(at('2024-03-02'), at('2024-03-01'))).toBeUndefined();
  });

  it('floors days before 1970 too', () => {
    expect(dayWindow(at('1969-12-30T02:00:00Z'), at('1970-01-01'))).toEqual({
      days: { from: at('1969-12-30'), to: at('1970-01-01') },
      edges: [{ startMs: at('1969-12-30'), endMs: at('1969-12-30T02:00:00Z'), sign: -1 }],
    });
  });
});

describe.each(ENGINES)('totalCount from per-day counts on %s', (engine) => {
  let b: BackupHarness;
  let t: BackupTenant;
  let db: Kysely<BackupTables>;
  /** The jobs as the tenant's reports should have left them. */
  const known = new Map<string, Job>();

  const remember = (jobs: Job[]) => jobs.forEach((job) => known.set(job.id, { ...job, startMs: known.get(job.id)?.startMs ?? job.startMs }));

  async function expectTotalsExact(): Promise<void> {
    await expectCountsExact(db, t.tenantId);
    for (const window of WINDOWS) {
      for (const filter of FILTERS) {
        const query = new URLSearchParams([window, filter].filter(Boolean).join('&'));
        const page = await b.get(`${LIST}?${query.toString()}&pageSize=1`, t.token);
        expect(page.status, page.text).toBe(200);
        expect(page.body.metadata.totalCount, query.toString()).toBe([...known.values()].filter((job) => matches(job, query)).length);
      }
    }
  }

  beforeAll(async () => {
    b = await BackupHarness.start({ engine });
    t = await b.tenant();
    db = b.harness.meridian.regions.get('us')!.context.db as Kysely<BackupTables>;
  });
  afterAll(() => b?.close());

  it('counts inserted jobs exactly, in any window and with any documented filter', async () => {
    const jobs = fixture('IC');
    await b.produce(PRODUCER, t.producer, jobs.map((job) => report(job)));
    remember(jobs);
    await expectTotalsExact();
  });

  it('moves a job between counts when an upsert changes its state, type, service or location', async () => {
    const changed = [...known.values()]
      .filter((job, i) => job.state === 'In Progress' || i % 4 === 1)
      .map((job, i): Job => ({
        ...job,
        state: job.state === 'In Progress' ? (i % 2 ? 'Finished' : 'Partially Finished') : 'Failed',
        jobType: i % 3 === 0 ? 3 : job.jobType,
        serviceType: i % 5 === 0 ? 2 : job.serviceType,
        location: i % 2 === 0 ? 'NAM' : job.location,
      }));
    const result = await b.post(PRODUCER, t.producer, { value: changed.map((job) => report(job)) });
    expect(result.body).toEqual({ received: changed.length, applied: changed.length, ignored: 0 });
    remember(changed);
    await expectTotalsExact();
  });

  it('leaves the counts alone when a finished job is reported running again', async () => {
    const finished = [...known.values()].filter((job) => job.state !== 'In Progress').slice(0, 40);
    const result = await b.post(PRODUCER, t.producer, { value: finished.map((job) => report({ ...job, state: 'In Progress', location: 'EUR' })) });
    expect(result.body).toEqual({ received: 40, applied: 0, ignored: 40 });
    await expectTotalsExact();
  });

  it('counts a job on the day of its first start time, and once when a batch reports it twice', async () => {
    const moved = [...known.values()].slice(0, 5).map((job): Job => ({ ...job, state: 'Finished' }));
    await b.produce(PRODUCER, t.producer, moved.map((job) => report(job, job.startMs - 3 * DAY)));
    remember(moved);
    const twice: Job = { id: 'IC-TWICE', jobType: 1, serviceType: 1, state: 'In Progress', startMs: D0 + DAY + 5 * HOUR, location: 'EUR' };
    const done: Job = { ...twice, state: 'Finished' };
    const result = await b.post(PRODUCER, t.producer, { value: [report(twice), report(done), report(twice), report({ ...done, id: 'IC-ONCE' }), report({ ...done, id: 'IC-ONCE', state: 'Failed' })] });
    // The earlier of two reports a batch folds is neither applied nor ignored: only the stale "started" is refused.
    expect(result.body).toEqual({ received: 5, applied: 2, ignored: 1 });
    remember([done, { ...done, id: 'IC-ONCE', state: 'Failed' }]);
    await expectTotalsExact();
  });

  it('stays exact under concurrent writers of the same jobs', async () => {
    const store = new BackupJobStore(db, engine);
    const base = fixture('CC').slice(0, 60);
    const batches = Array.from({ length: 8 }, (_, w) =>
      base.map((job, i) => {
        const state: M365StateName = (i + w) % 3 === 0 ? 'In Progress' : (i + w) % 3 === 1 ? 'Finished' : 'Failed';
        return toStoredM365Job(report({ ...job, state, jobType: 1 + ((i * w) % 5), location: LOCATIONS[(i + w) % 3]! }), 'job');
      }),
    );
    const results = await Promise.all(batches.map((batch) => store.upsert(t.tenantId, 'm365', batch, M365_RUNNING_STATES, Date.now())));
    expect(results.reduce((sum, result) => sum + result.applied, 0)).toBeGreaterThan(60);
    await expectCountsExact(db, t.tenantId);
    const filter: JobFilter = { tenantId: t.tenantId, product: 'm365', startMs: D0 + 7 * HOUR, endMs: D0 + DAY + 20 * HOUR, states: [2] };
    const plain = await db
      .selectFrom('backup_jobs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', t.tenantId)
      .where('product', '=', 'm365')
      .where('start_time', '>=', filter.startMs!)
      .where('start_time', '<', filter.endMs!)
      .where('state', '=', 2)
      .executeTakeFirstOrThrow();
    expect(await store.count(filter)).toBe(Number(plain.n));
  });
});

describe.each(ENGINES)('backup migration 002 on %s', (engine) => {
  let dir: string;
  let database: Database<BackupTables>;
  const schema = `t${randomBytes(5).toString('hex')}_backup`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'meridian-backup-migration-'));
    database = engine === 'sqlite' ? await openDatabase({ engine, file: join(dir, 'region.sqlite') }) : await openDatabase({ engine, url: POSTGRES_URL, schema });
  });
  afterAll(async () => {
    await database?.close();
    rmSync(dir, { recursive: true, force: true });
    if (engine === 'postgres') await dropPostgresSchema(POSTGRES_URL, schema);
  });

  it('counts the jobs stored before it, and renders them on read', async () => {
    const first = Object.keys(backupMigrations.migrations).sort()[0]!;
    await migrate(database as Database<unknown>, { module: 'backup', migrations: { [first]: backupMigrations.migrations[first]! } });
    const row = (i: number, product: string, startMs: number) => ({
      tenant_id: i % 2 ? 'tenant-a' : 'tenant-b',
      product,
      job_id: `J${i}`,
      job_type: 1 + (i % 3),
      service_type: product === 'd365' ? null : i % 4,
      state: 2 + (i % 2),
      start_time: startMs,
      finish_time: startMs + HOUR,
      location: product === 'm365' ? 'EUR' : null,
      organization_id: null,
      variant: product === 'google' ? 1 + (i % 2) : null,
      description: null,
      details: JSON.stringify({ counts: { total: 1, failed: 0, successful: 1, skipped: 0 }, jobErrors: [] }),
      updated_at: 0,
    });
    const products = ['m365', 'd365', 'google'];
    const rows = Array.from({ length: 120 }, (_, i) => row(i, products[i % 3]!, D0 + (i - 60) * 5 * HOUR + i * 1000));
    // Before 1970 too, where a day is floored, not truncated.
    rows.push(row(201, 'm365', Date.parse('1969-12-31T23:00:00Z')), row(203, 'm365', Date.parse('1969-12-30T01:00:00Z')));
    await (database.db as unknown as Kysely<Record<string, any>>).insertInto('backup_jobs').values(rows).execute();

    await migrate(database as Database<unknown>, backupMigrations);
    for (const tenant of ['tenant-a', 'tenant-b']) await expectCountsExact(database.db, tenant);
    const store = new BackupJobStore(database.db, engine);
    // Jobs stored before items were have none: each is read whole and rendered in its place.
    const page = await store.joinedListedPage({ tenantId: 'tenant-a', product: 'm365' }, { offset: 0 }, 5, (job) => JSON.stringify({ rendered: job.job_id }));
    const newest = rows.filter((job) => job.tenant_id === 'tenant-a' && job.product === 'm365').sort((a, b) => b.start_time - a.start_time);
    expect((JSON.parse(`[${page.items.toString('utf8')}]`) as Array<{ rendered: string }>).map((item) => item.rendered)).toEqual(newest.slice(0, 5).map((job) => job.job_id));
    expect(page.more).toBe(true);
    const filter: JobFilter = { tenantId: 'tenant-a', product: 'm365', startMs: D0 - 30 * HOUR - 17, endMs: D0 + 70 * HOUR + 5, states: [3] };
    const expected = rows.filter((job) => job.tenant_id === 'tenant-a' && job.product === 'm365' && job.state === 3 && job.start_time >= filter.startMs! && job.start_time < filter.endMs!).length;
    expect(expected).toBeGreaterThan(0);
    expect(await store.count(filter)).toBe(expected);
    expect(await store.count({ tenantId: 'tenant-a', product: 'm365', endMs: 0 })).toBe(2);
  });
});
