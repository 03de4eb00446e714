import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../support/services.js';
import { BACKUP_PERMISSIONS, BackupHarness, HOUR, iso, type BackupTenant } from './support.js';

const LIST = '/backup/vm/jobs';
const PRODUCER = '/producer/backup/iaas-paas/jobs';
const T0 = Date.parse('2024-10-01T00:00:00Z');
/** [serviceType, jobType]: Azure VM, Entra ID, Azure Storage, EC2, S3, retention (Common). */
const KINDS: Array<[number, number]> = [[1, 1], [2, 128], [4, 1024], [256, 20009], [26000, 90110], [1, 2], [128, 64]];

const jobs = Array.from({ length: 70 }, (_, i) => {
  const [serviceType, jobType] = KINDS[i % KINDS.length]!;
  return {
    jobId: `IB${String(i).padStart(6, '0')}`,
    serviceType,
    jobType,
    status: i >= 68 ? 1 : i % 8 === 0 ? 16 : i % 8 === 1 ? 8 : 2,
    startMs: T0 + i * 5 * HOUR,
    comments: i % 10 === 0 ? 'Run now by admin' : '',
  };
});

const report = (job: (typeof jobs)[number]) => ({
  jobId: job.jobId,
  serviceType: job.serviceType,
  jobType: job.jobType,
  status: job.status,
  startTime: iso(job.startMs),
  ...(job.status === 1 ? {} : { finishTime: iso(job.startMs + 36 * HOUR + 44_000) }),
  failedCount: 0,
  successfulCount: 10,
  skippedCount: 35,
  totalCount: 45,
  comments: job.comments,
});

const newestFirst = (list: typeof jobs) => [...list].sort((a, b) => b.startMs - a.startMs).map((job) => job.jobId);
/** IaaS + PaaS's nextLink is the token alone: the client sends it back as skiptoken with the same filters. */
const readWith = (filters: string) => (body: any) => ({ items: body.jobs, nextLink: body.nextLink ? `${LIST}?pageSize=6&skiptoken=${encodeURIComponent(body.nextLink)}${filters}` : '' });

describe.each(ENGINES)('Cloud Backup for IaaS + PaaS jobs on %s', (engine) => {
  let b: BackupHarness;
  let t: BackupTenant;

  beforeAll(async () => {
    b = await BackupHarness.start({ engine });
    t = await b.tenant();
    await b.produce(PRODUCER, t.producer, jobs.map(report));
  });
  afterAll(() => b?.close());

  it('answers {totalCount, jobs, nextLink} with a skip token as nextLink', async () => {
    const page = await b.get(`${LIST}?pageSize=5`, t.token);
    expect(page.status).toBe(200);
    expect(Object.keys(page.body)).toEqual(['totalCount', 'jobs', 'nextLink']);
    expect(page.body.totalCount).toBe(70);
    expect(page.body.nextLink).not.toContain('http');
    const finished = page.body.jobs.find((job: any) => job.status === 2);
    expect(finished).toMatchObject({ duration: '1.12:00:44', failedCount: 0, successfulCount: 10, skippedCount: 35, totalCount: 45 });
    const running = page.body.jobs.find((job: any) => job.status === 1);
    expect(running.finishTime).toBeNull();
    // The token continues the listing; pageNumber is then ignored.
    const second = await b.get(`${LIST}?pageSize=5&pageNumber=9&skiptoken=${page.body.nextLink}`, t.token);
    expect(second.body.jobs.map((job: any) => job.jobId)).toEqual(newestFirst(jobs).slice(5, 10));
  });

  it('numbers pages from 0 with pageNumber', async () => {
    const first = await b.get(`${LIST}?pageSize=10&pageNumber=0`, t.token);
    const second = await b.get(`${LIST}?PageSize=10&PageNumber=1`, t.token);
    expect([...first.body.jobs, ...second.body.jobs].map((job: any) => job.jobId)).toEqual(newestFirst(jobs).slice(0, 20));
  });

  it.each([
    ['', () => true],
    ['&serviceType=1', (job: (typeof jobs)[number]) => job.serviceType === 1],
    ['&jobType=64', (job: (typeof jobs)[number]) => job.jobType === 64],
    ['&serviceType=256&jobType=20009', (job: (typeof jobs)[number]) => job.jobType === 20009],
    ['&searchText=run%20NOW', (job: (typeof jobs)[number]) => job.comments !== ''],
    ['&searchText=IB00001', (job: (typeof jobs)[number]) => job.jobId.includes('IB00001')],
    ['&startTime=2024-10-03T00:00:00Z&finishTime=2024-10-05T00:00:00Z', (job: (typeof jobs)[number]) => job.startMs >= T0 + 48 * HOUR && job.startMs <= T0 + 96 * HOUR],
  ])('filters %s exactly across skip-token pages', async (query, predicate) => {
    const walked = await b.walk(`${LIST}?pageSize=6${query}`, t.token, readWith(query));
    const expected = newestFirst(jobs.filter(predicate));
    expect(walked.map((job) => job.jobId)).toEqual(expected);
    expect((await b.get(`${LIST}?pageSize=1${query}`, t.token)).body.totalCount).toBe(expected.length);
  });

  it.each([
    ['serviceType=3', 'serviceType'],
    ['jobType=5', 'jobType'],
    ['pageNumber=-1', 'pageNumber'],
    ['pageSize=5000', 'pageSize'],
    ['startTime=tomorrow', 'startTime'],
    ['skiptoken=bogus', 'skiptoken'],
  ])('refuses %s in the errorModel envelope naming %s', async (query, name) => {
    const result = await b.get(`${LIST}?${query}`, t.token);
    expect(result.status).toBe(400);
    expect(Object.keys(result.body).sort()).toEqual(['errorModel', 'message', 'statusCode']);
    expect(result.body.message).toContain(name);
    expect(result.body.errorModel).toContain(result.headers.get('request-id'));
  });

  it('checks that a reported job type belongs to its service', async () => {
    const bad = await b.post(PRODUCER, t.producer, { value: [{ ...report(jobs[0]!), serviceType: 2 }] });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('value[0].jobType');
  });

  it('needs PlatformBackup.ReadWrite.All', async () => {
    const refused = await b.get(LIST, t.other);
    expect(refused.status).toBe(403);
    expect(refused.body.statusCode).toBe(403);
    const others = await b.tenant(Object.values(BACKUP_PERMISSIONS).filter((name) => name !== BACKUP_PERMISSIONS.iaas));
    expect((await b.get(LIST, others.token)).status).toBe(403);
    expect((await b.get(LIST, (await b.tenant([BACKUP_PERMISSIONS.iaas])).token)).status).toBe(200);
  });
});
