import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../support/services.js';
import { BACKUP_PERMISSIONS, BackupHarness, HOUR, expectNamed, iso, type BackupTenant } from './support.js';

const LIST = '/backup/google/admin/jobs';
const PRODUCER = '/producer/backup/google/jobs';
const T0 = Date.parse('2024-12-01T00:00:00Z');
const APPS = [1, 2, 4, 8, 64, 256, 512, 4096];

const jobs = Array.from({ length: 250 }, (_, i) => ({
  jobId: `GDIG${String(i).padStart(6, '0')}`,
  appType: APPS[i % APPS.length]!,
  jobType: i % 11 === 0 ? 2 : i % 13 === 0 ? 5 : 1,
  dataSource: i % 17 === 0 ? 2 : 1,
  status: i >= 247 ? 0 : i % 9 === 0 ? 3 : i % 9 === 1 ? 7 : 2,
  startMs: T0 + i * HOUR,
}));

const report = (job: (typeof jobs)[number]) => ({
  jobId: job.jobId,
  appType: job.appType,
  jobType: job.jobType,
  dataSource: job.dataSource,
  status: job.status,
  progress: job.status === 0 ? 42.5 : 100,
  startTime: iso(job.startMs),
  ...(job.status === 0 ? {} : { finishTime: iso(job.startMs + 965_008) }),
  operator: job.jobType === 1 ? 'System' : 'admin@contoso.com',
});

const newestFirst = (list: typeof jobs) => [...list].sort((a, b) => b.startMs - a.startMs).map((job) => job.jobId);
const read = (body: any) => ({ items: body.jobs, nextLink: body.nextLink });

describe.each(ENGINES)('Cloud Backup for Google Workspace jobs on %s', (engine) => {
  let b: BackupHarness;
  let t: BackupTenant;
  const admin = jobs.filter((job) => job.dataSource === 1);

  beforeAll(async () => {
    b = await BackupHarness.start({ engine });
    t = await b.tenant();
    await b.produce(PRODUCER, t.producer, jobs.map(report));
  });
  afterAll(() => b?.close());

  it('answers {status, message, jobs, nextLink}: 100 Admin jobs a page by default, from page 0', async () => {
    const page = await b.get(LIST, t.token);
    expect(page.status).toBe(200);
    expect(Object.keys(page.body)).toEqual(['status', 'message', 'jobs', 'nextLink']);
    expect(page.body).toMatchObject({ status: 200, message: '' });
    expect(page.body.jobs.map((job: any) => job.jobId)).toEqual(newestFirst(admin).slice(0, 100));
    expect(new URL(page.body.nextLink).searchParams.get('pageIndex')).toBe('1');
    const finished = page.body.jobs.find((job: any) => job.status === 2);
    expect(finished.startTime).toMatch(/\+00:00$/);
    expect(finished.finishTime).toMatch(/\.008\+00:00$/);
    const second = await b.get(`${LIST}?pageindex=1`, t.token);
    expect(second.body.jobs.map((job: any) => job.jobId)).toEqual(newestFirst(admin).slice(100, 200));
  });

  it.each([
    ['dataSource=2', (job: (typeof jobs)[number]) => job.dataSource === 2],
    ['apptype=1&jobtype=1', (job: (typeof jobs)[number]) => job.dataSource === 1 && job.appType === 1 && job.jobType === 1],
    ['jobStatus=3', (job: (typeof jobs)[number]) => job.dataSource === 1 && job.status === 3],
    ['status=7', (job: (typeof jobs)[number]) => job.dataSource === 1 && job.status === 7],
    ['jobStatus=0&status=0', (job: (typeof jobs)[number]) => job.dataSource === 1 && job.status === 0],
    ['starttime=2024-12-02T00:00:00Z&finishtime=2024-12-03T00:00:00Z', (job: (typeof jobs)[number]) => job.dataSource === 1 && job.startMs >= T0 + 24 * HOUR && job.startMs <= T0 + 48 * HOUR],
  ])('filters %s exactly across nextLink pages', async (query, predicate) => {
    const walked = await b.walk(`${LIST}?pageSize=9&${query}`, t.token, read);
    expect(walked.map((job) => job.jobId)).toEqual(newestFirst(jobs.filter(predicate)));
  });

  it.each([
    ['dataSource=3', 'dataSource'],
    ['appType=3', 'appType'],
    ['jobType=7', 'jobType'],
    ['jobStatus=1', 'jobStatus'],
    ['jobStatus=2&status=3', 'jobStatus'],
    ['pageSize=0', 'pageSize'],
    ['finishTime=someday', 'finishTime'],
  ])('refuses %s with {status: 400, message} naming %s', async (query, name) => {
    const result = await b.get(`${LIST}?${query}`, t.token);
    expectNamed(result, name);
    expect(result.body).toEqual({ status: 400, message: expect.stringContaining(name) });
  });

  it('needs gsuite.graph.read.all', async () => {
    const refused = await b.get(LIST, t.other);
    expect(refused.status).toBe(403);
    expect(refused.body.status).toBe(403);
    const others = await b.tenant(Object.values(BACKUP_PERMISSIONS).filter((name) => name !== BACKUP_PERMISSIONS.google));
    expect((await b.get(LIST, others.token)).status).toBe(403);
  });
});
