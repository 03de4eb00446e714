import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../support/services.js';
import { BACKUP_PERMISSIONS, BackupHarness, HOUR, expectNamed, iso, type BackupTenant } from './support.js';

const LIST = '/dynamicsbackup/jobs';
const PRODUCER = '/producer/backup/d365/jobs';
const T0 = Date.parse('2022-08-01T00:00:00Z');
const ORG_A = '69cb1ecc-f8e8-439b-8077-a4b7fd45e87f';
const ORG_B = '11111111-2222-4333-8444-555555555555';
const TYPES = [1, 1, 1, 16, 8, 2, 32, 4];
const WINDOW = 'startTime=2022-08-01T00:00:00Z&finishTime=2022-09-01T00:00:00Z';

const jobs = Array.from({ length: 60 }, (_, i) => ({
  jobId: `DCIB${String(i).padStart(6, '0')}`,
  module: i % 5 === 0 ? 'Power Platform' : 'Customer Engagement',
  type: TYPES[i % TYPES.length]!,
  status: i >= 57 ? 2 : i % 9 === 0 ? 4 : i % 9 === 1 ? 7 : 3,
  startMs: T0 + i * 6 * HOUR,
  organizationId: i % 3 === 0 ? ORG_B : ORG_A,
}));

const report = (job: (typeof jobs)[number]) => ({
  jobId: job.jobId,
  module: job.module,
  type: job.type,
  status: job.status,
  startTime: iso(job.startMs),
  ...(job.status === 2 ? {} : { finishTime: iso(job.startMs + 62_810) }),
  successfulEntity: 1,
  totalEntity: 1,
  successfulRecord: 2,
  totalRecord: 2,
  backupSize: 185440,
  organizationId: job.organizationId,
  organizationName: job.organizationId === ORG_A ? 'uatorg123' : 'prodorg',
});

const newestFirst = (list: typeof jobs) => [...list].sort((a, b) => b.startMs - a.startMs).map((job) => job.jobId);
const read = (body: any) => ({ items: body.jobs, nextLink: body.nextLink });

describe.each(ENGINES)('Cloud Backup for Dynamics 365 jobs on %s', (engine) => {
  let b: BackupHarness;
  let t: BackupTenant;

  beforeAll(async () => {
    b = await BackupHarness.start({ engine });
    t = await b.tenant();
    await b.produce(PRODUCER, t.producer, jobs.map(report));
  });
  afterAll(() => b?.close());

  it('answers the documented page: totalCount, nextLink, jobs, pageIndex, pageSize', async () => {
    const page = await b.get(`${LIST}?pageIndex=1&pageSize=5&${WINDOW}&type=0`, t.token);
    expect(page.status, page.text).toBe(200);
    expect(Object.keys(page.body)).toEqual(['totalCount', 'nextLink', 'jobs', 'pageIndex', 'pageSize']);
    expect(page.body).toMatchObject({ totalCount: 60, pageIndex: 1, pageSize: 5 });
    expect(page.body.jobs.map((job: any) => job.jobId)).toEqual(newestFirst(jobs).slice(0, 5));
    const next = new URL(page.body.nextLink);
    expect(next.pathname).toBe(LIST);
    expect(next.searchParams.get('pageIndex')).toBe('2');
    const second = await b.get(page.body.nextLink, t.token);
    expect(second.body.pageIndex).toBe(2);
    expect(second.body.jobs.map((job: any) => job.jobId)).toEqual(newestFirst(jobs).slice(5, 10));
    const done = page.body.jobs.find((job: any) => job.status === 3);
    expect(done).toMatchObject({ durationHours: 62_810 / HOUR, backupSize: 185440, successfulRecord: 2, totalRecord: 2, warningEntity: 0 });
    expect(done.startTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('numbers pages from 1 (0 is the first page too) and walks all of them exactly once', async () => {
    const zero = await b.get(`${LIST}?pageIndex=0&pageSize=7&${WINDOW}&type=0`, t.token);
    expect(zero.body.pageIndex).toBe(1);
    const walked = await b.walk(`${LIST}?pageSize=7&${WINDOW}&type=0`, t.token, read);
    expect(walked.map((job) => job.jobId)).toEqual(newestFirst(jobs));
  });

  it.each([
    ['type=1', (job: (typeof jobs)[number]) => job.type === 1],
    ['type=16', (job: (typeof jobs)[number]) => job.type === 16],
    ['type=0&status=4', (job: (typeof jobs)[number]) => job.status === 4],
    ['type=0&status=2', (job: (typeof jobs)[number]) => job.status === 2],
    [`type=0&organizationId=${ORG_B.toUpperCase()}`, (job: (typeof jobs)[number]) => job.organizationId === ORG_B],
    [`type=1&status=3&organizationId=${ORG_A}`, (job: (typeof jobs)[number]) => job.type === 1 && job.status === 3 && job.organizationId === ORG_A],
  ])('filters %s exactly, with totalCount', async (query, predicate) => {
    const expected = newestFirst(jobs.filter(predicate));
    const walked = await b.walk(`${LIST}?pageSize=4&${WINDOW}&${query}`, t.token, read);
    expect(walked.map((job) => job.jobId)).toEqual(expected);
    expect((await b.get(`${LIST}?${WINDOW}&${query}`, t.token)).body.totalCount).toBe(expected.length);
  });

  it('filters by the time range the jobs started in', async () => {
    const range = await b.get(`${LIST}?type=0&startTime=2022-08-02T00:00:00Z&finishTime=2022-08-03T00:00:00Z&pageSize=100`, t.token);
    expect(range.body.jobs.map((job: any) => job.jobId)).toEqual(newestFirst(jobs.filter((job) => job.startMs >= T0 + 24 * HOUR && job.startMs <= T0 + 48 * HOUR)));
  });

  it.each([
    ['', 'type'],
    ['type=0&startTime=2022-08-01', 'finishTime'],
    ['type=0&finishTime=2022-08-01', 'startTime'],
    [`type=3&${WINDOW}`, 'type'],
    [`type=0&status=5&${WINDOW}`, 'status'],
    [`type=0&organizationId=uatorg123&${WINDOW}`, 'organizationId'],
    [`type=0&pageSize=0&${WINDOW}`, 'pageSize'],
    [`type=0&pageIndex=x&${WINDOW}`, 'pageIndex'],
    [`type=0&skipToken=abc&${WINDOW}`, 'skipToken'],
  ])('refuses %s with a 400 naming %s', async (query, name) => {
    const result = await b.get(`${LIST}?${query}`, t.token);
    expectNamed(result, name);
    expect(result.body.errors[0].field).toBe(name);
  });

  it('never moves a finished job back to In progress', async () => {
    const job = report(jobs[0]!);
    expect((await b.post(PRODUCER, t.producer, { value: [{ ...job, status: 2, finishTime: null }] })).body).toEqual({ received: 1, applied: 0, ignored: 1 });
    const listed = await b.get(`${LIST}?type=0&${WINDOW}&pageSize=100`, t.token);
    expect(listed.body.jobs.find((item: any) => item.jobId === job.jobId).status).toBe(job.status);
  });

  it('needs Dynamics.ReadWrite.All (in any case)', async () => {
    expect((await b.get(`${LIST}?type=0&${WINDOW}`, t.other)).status).toBe(403);
    const lower = await b.tenant(['dynamics.readwrite.all']);
    expect((await b.get(`${LIST}?type=0&${WINDOW}`, lower.token)).status).toBe(200);
    const others = await b.tenant(Object.values(BACKUP_PERMISSIONS).filter((name) => name !== BACKUP_PERMISSIONS.d365));
    expect((await b.get(`${LIST}?type=0&${WINDOW}`, others.token)).status).toBe(403);
    expect((await b.post(PRODUCER, t.token, { value: [report(jobs[0]!)] })).status).toBe(403);
  });
});
