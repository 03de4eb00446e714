import Fastify from 'fastify';
import type { TSchema } from 'typebox';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { M365JobPage } from '../../src/backup/m365/jobs/job-schemas.js';
import type { BackupTables } from '../../src/backup/schema.js';
import { ENGINES } from '../support/services.js';
import { BACKUP_PERMISSIONS, BackupHarness, DAY, HOUR, expectNamed, iso, type BackupTenant } from './support.js';

const T0 = Date.parse('2024-12-01T00:00:00Z');
const SERVICES = [0, 1, 2, 3, 6, 8, 13, 9, 10, 5, 7, 14];
const PRODUCER = '/producer/backup/m365/jobs';
const LIST = '/backup/m365/cloudbackupjobs';

interface Fixture {
  id: string;
  jobType: number;
  serviceType: number;
  state: string;
  startMs: number;
  location: string;
}

/** 120 hourly jobs with every filter dimension varied; the last five still run. */
function fixture(): Fixture[] {
  return Array.from({ length: 120 }, (_, i) => ({
    id: `IB${String(i).padStart(4, '0')}`,
    jobType: i % 10 === 0 ? 2 : i % 15 === 0 ? 3 : 1,
    serviceType: SERVICES[i % SERVICES.length]!,
    state: i >= 115 ? 'In Progress' : i % 7 === 0 ? 'Failed' : i % 7 === 1 ? 'Finished with Exception' : 'Finished',
    startMs: T0 + i * HOUR,
    location: i % 4 === 0 ? 'EUR' : 'PrimaryGeoLocation',
  }));
}

function report(job: Fixture) {
  const running = job.state === 'In Progress';
  return {
    id: job.id,
    jobType: job.jobType,
    serviceType: job.serviceType,
    state: job.state,
    startTime: iso(job.startMs),
    ...(running ? {} : { finishTime: iso(job.startMs + 39_000) }),
    location: job.location,
    backupDetails: { totalCount: 16, failedCount: job.state === 'Failed' ? 16 : 0, successfulCount: job.state === 'Failed' ? 0 : 14, skippedCount: job.state === 'Failed' ? 0 : 2 },
    jobErrors: job.state === 'Failed' ? [{ isErrorCode: true, value: 'Error code: 0x00010005.', url: 'https://learn.avepoint.com/x', number: 16 }] : [],
  };
}

/** What Fastify's serializer makes of a value under a response schema: the bytes an assembled page must equal. */
async function serializedBySchema(schema: TSchema, value: unknown): Promise<string> {
  const app = Fastify();
  app.get('/', { schema: { response: { 200: schema } } }, async () => value);
  try {
    return (await app.inject({ url: '/' })).body;
  } finally {
    await app.close();
  }
}

/** A page's bytes without what differs from request to request. */
const stable = (text: string) => text.replace(/"(requestId|timestamp|traceId)":"[^"]*"/g, '"$1":""');

const newestFirst = (jobs: Fixture[]) => [...jobs].sort((a, b) => b.startMs - a.startMs).map((job) => job.id);
const read = (body: any) => ({ items: body.data, nextLink: body.metadata.nextLink });

describe.each(ENGINES)('Cloud Backup for Microsoft 365 jobs on %s', (engine) => {
  let b: BackupHarness;
  let t: BackupTenant;
  const jobs = fixture();

  beforeAll(async () => {
    b = await BackupHarness.start({ engine });
    t = await b.tenant();
    await b.produce(PRODUCER, t.producer, jobs.map(report));
  });
  afterAll(() => b?.close());

  it('lists ten jobs a page by default, newest first, with totalCount and a nextLink', async () => {
    const page = await b.get(LIST, t.token);
    expect(page.status).toBe(200);
    expect(page.body.statusCode).toBe(200);
    expect(page.body.message).toBe('');
    expect(page.body.metadata.totalCount).toBe(120);
    expect(page.body.data.map((job: any) => job.id)).toEqual(newestFirst(jobs).slice(0, 10));
    const next = new URL(page.body.metadata.nextLink);
    expect(next.pathname).toBe(LIST);
    expect(next.searchParams.get('pageIndex')).toBe('2');
    expect(page.body.requestId).toBe(page.headers.get('request-id'));
    expect(page.body.traceId).toBe(page.headers.get('traceparent'));
  });

  it('takes pageIndex 0 and 1 both as the first page, and counts on from there', async () => {
    const order = newestFirst(jobs);
    for (const index of [0, 1]) {
      const page = await b.get(`${LIST}?pageIndex=${index}&pageSize=50`, t.token);
      expect(page.body.data.map((job: any) => job.id)).toEqual(order.slice(0, 50));
    }
    const third = await b.get(`${LIST}?PageIndex=3&PageSize=50`, t.token);
    expect(third.body.data.map((job: any) => job.id)).toEqual(order.slice(100, 120));
    expect(third.body.metadata.nextLink).toBe('');
    const beyond = await b.get(`${LIST}?pageIndex=4&pageSize=50`, t.token);
    expect(beyond.body.data).toEqual([]);
    expect(beyond.body.metadata).toEqual({ totalCount: 120, nextLink: '' });
  });

  it('returns every job exactly once through self-built page indexes and through nextLink', async () => {
    const byIndex: string[] = [];
    for (let index = 1; index <= 13; index++) byIndex.push(...(await b.get(`${LIST}?pageIndex=${index}&pageSize=10`, t.token)).body.data.map((job: any) => job.id));
    expect(byIndex).toEqual(newestFirst(jobs));
    const walked = await b.walk(`${LIST}?pageSize=7`, t.token, read);
    expect(walked.map((job) => job.id)).toEqual(newestFirst(jobs));
  });

  it.each([
    ['jobType=2', (job: Fixture) => job.jobType === 2],
    ['jobType=3', (job: Fixture) => job.jobType === 3],
    ['objectType=7', (job: Fixture) => [6, 8, 13].includes(job.serviceType)],
    ['objectType=8', (job: Fixture) => job.serviceType === 9],
    ['objectType=1&jobType=1', (job: Fixture) => job.serviceType === 0 && job.jobType === 1],
    ['jobState=1', (job: Fixture) => job.state === 'In Progress'],
    ['jobState=3', (job: Fixture) => job.state === 'Failed'],
    ['jobState=4', (job: Fixture) => job.state === 'Finished with Exception'],
    ['location=EUR', (job: Fixture) => job.location === 'EUR'],
    ['Location=primarygeolocation&JobState=2', (job: Fixture) => job.location === 'PrimaryGeoLocation' && job.state === 'Finished'],
    ['startTime=2024-12-02&finishTime=2024-12-03', (job: Fixture) => job.startMs >= T0 + DAY && job.startMs < T0 + 3 * DAY],
    ['StartTime=2024-12-02T05:00:00Z&FinishTime=2024-12-02T10:00:00Z', (job: Fixture) => job.startMs >= T0 + 29 * HOUR && job.startMs <= T0 + 34 * HOUR],
    ['jobType=0&objectType=0&jobState=0', () => true],
  ])('filters %s exactly, across pages, with totalCount', async (query, predicate) => {
    const expected = newestFirst(jobs.filter(predicate));
    const first = await b.get(`${LIST}?${query}&pageSize=4`, t.token);
    expect(first.body.metadata.totalCount).toBe(expected.length);
    const walked = await b.walk(`${LIST}?${query}&pageSize=4`, t.token, read);
    expect(walked.map((job) => job.id)).toEqual(expected);
  });

  it('keeps paging exact while jobs are written: nothing twice, nothing that existed missed', async () => {
    const writer = await b.tenant();
    const own = fixture();
    await b.produce(PRODUCER, writer.producer, own.map(report));
    const newer = own.slice(0, 10).map((job, i) => ({ ...job, id: `NEW${i}`, startMs: T0 + 200 * HOUR + i }));
    const older = own.slice(0, 5).map((job, i) => ({ ...job, id: `OLD${i}`, startMs: T0 - DAY - i }));
    const walked = await b.walk(`${LIST}?pageSize=9`, writer.token, read, async (page) => {
      if (page === 0) await b.produce(PRODUCER, writer.producer, [...newer, ...older].map(report));
      // Jobs finishing meanwhile change state, not their place in the order.
      if (page === 2) await b.produce(PRODUCER, writer.producer, own.slice(115).map((job) => report({ ...job, state: 'Finished' })));
    });
    const ids = walked.map((job) => job.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const job of own) expect(ids).toContain(job.id);
    for (const job of older) expect(ids).toContain(job.id);
    for (const job of newer) expect(ids).not.toContain(job.id);
    expect(ids.length).toBe(125);
    expect((await b.get(LIST, writer.token)).body.metadata.totalCount).toBe(135);
  });

  it('retrieves one job with *Number counts, in its location', async () => {
    const finished = jobs.find((job) => job.state === 'Finished' && job.location === 'PrimaryGeoLocation')!;
    const result = await b.get(`${LIST}/${finished.id}`, t.token);
    expect(result.status).toBe(200);
    expect(result.body.data).toEqual({
      id: finished.id,
      state: 'Finished',
      startTime: iso(finished.startMs).replace('.000Z', 'Z'),
      finishTime: iso(finished.startMs + 39_000).replace('.000Z', 'Z'),
      duration: '0.011',
      backupDetails: { totalNumber: 16, failedNumber: 0, successfulNumber: 14, skippedNumber: 2 },
      jobErrors: [],
    });
    const failed = jobs.find((job) => job.state === 'Failed' && job.location === 'PrimaryGeoLocation')!;
    expect((await b.get(`${LIST}/${failed.id}`, t.token)).body.data.jobErrors).toEqual([{ isErrorCode: true, value: 'Error code: 0x00010005.', url: 'https://learn.avepoint.com/x', number: 16 }]);
    const running = await b.get(`${LIST}/${jobs[118]!.id}?location=PrimaryGeoLocation`, t.token);
    expect(running.body.data).toMatchObject({ state: 'In Progress', finishTime: null });
    expect(Number(running.body.data.duration)).toBeGreaterThan(0);
  });

  it('looks a job up in the central location unless location names another', async () => {
    const eur = jobs.find((job) => job.location === 'EUR')!;
    const central = await b.get(`${LIST}/${eur.id}`, t.token);
    expect(central.status).toBe(404);
    expect(central.body.message).toContain('location=EUR');
    expect((await b.get(`${LIST}/${eur.id}?Location=eur`, t.token)).body.data.id).toBe(eur.id);
    const unknown = await b.get(`${LIST}/NoSuchJob`, t.token);
    expect(unknown.status).toBe(404);
    expect(Object.keys(unknown.body).sort()).toEqual(['message', 'requestId', 'statusCode', 'timestamp', 'traceId']);
  });

  it('never moves a finished job back to In Progress, keeps its start time, and stores a retry once', async () => {
    const job = { id: 'STATE-1', jobType: 1, serviceType: 1, state: 'In Progress', startTime: '2025-01-01T00:00:00Z', location: 'PrimaryGeoLocation' };
    expect((await b.post(PRODUCER, t.producer, { value: [job] })).body).toEqual({ received: 1, applied: 1, ignored: 0 });
    const done = { ...job, state: 'Finished', finishTime: '2025-01-01T00:10:00Z' };
    expect((await b.post(PRODUCER, t.producer, { value: [done] })).body).toEqual({ received: 1, applied: 1, ignored: 0 });
    expect((await b.post(PRODUCER, t.producer, { value: [job] })).body).toEqual({ received: 1, applied: 0, ignored: 1 });
    // Started and finished in one batch, in either order: finished wins.
    expect((await b.post(PRODUCER, t.producer, { value: [{ ...done, id: 'STATE-2' }, { ...job, id: 'STATE-2' }] })).body).toEqual({ received: 2, applied: 1, ignored: 1 });
    await b.post(PRODUCER, t.producer, { value: [{ ...done, startTime: '2025-01-01T00:05:00Z' }] });
    const stored = await b.get(`${LIST}/STATE-1`, t.token);
    expect(stored.body.data).toMatchObject({ state: 'Finished', startTime: '2025-01-01T00:00:00Z', finishTime: '2025-01-01T00:10:00Z' });
    expect((await b.get(`${LIST}/STATE-2`, t.token)).body.data.state).toBe('Finished');
    const before = (await b.get(LIST, t.token)).body.metadata.totalCount;
    await b.produce(PRODUCER, t.producer, jobs.slice(0, 20).map(report));
    expect((await b.get(LIST, t.token)).body.metadata.totalCount).toBe(before);
  });

  it('refuses malformed producer reports with a 400 naming the field, storing nothing', async () => {
    const good = { id: 'BAD-0', jobType: 1, serviceType: 1, state: 'Finished', startTime: '2025-01-01T00:00:00Z', finishTime: '2025-01-01T00:10:00Z' };
    for (const [job, name] of [
      [{ ...good, finishTime: '2024-12-31T00:00:00Z' }, 'value[1].finishTime'],
      [{ ...good, finishTime: undefined }, 'value[1].finishTime'],
      [{ ...good, state: 'In Progress' }, 'value[1].finishTime'],
      [{ ...good, startTime: 'yesterday' }, 'value[1].startTime'],
      [{ ...good, jobType: 9 }, 'jobType'],
      [{ ...good, serviceType: 15 }, 'serviceType'],
      [{ ...good, state: 'Done' }, 'state'],
      [{ ...good, color: 'red' }, 'color'],
      [{ ...good, location: 'MARS' }, 'location'],
    ] as const) {
      const result = await b.post(PRODUCER, t.producer, { value: [{ ...good, id: 'BAD-OK' }, { ...job, id: 'BAD-1' }] });
      expectNamed(result, name);
    }
    expect((await b.get(`${LIST}/BAD-OK`, t.token)).status).toBe(404);
    expectNamed(await b.post(PRODUCER, t.producer, { value: [] }), 'value');
    expectNamed(await b.post(PRODUCER, t.producer, { jobs: [good] }), 'value');
  });

  it.each([
    ['pageSize=0', 'pageSize'],
    ['pageSize=1001', 'pageSize'],
    ['pageSize=ten', 'pageSize'],
    ['pageIndex=-1', 'pageIndex'],
    ['jobType=6', 'jobType'],
    ['objectType=13', 'objectType'],
    ['jobState=9', 'jobState'],
    ['location=MARS', 'location'],
    ['startTime=12/01/2024', 'startTime'],
    ['finishTime=2024-13-01', 'finishTime'],
    ['startTime=2024-12-05&finishTime=2024-12-01', 'finishTime'],
    ['skipToken=forged', 'skipToken'],
  ])('answers %s with a 400 naming %s in the documented envelope', async (query, name) => {
    const result = await b.get(`${LIST}?${query}`, t.token);
    expectNamed(result, name);
    expect(result.body).toMatchObject({ statusCode: 400, message: 'Bad Request' });
    expect(result.body.errors[0]).toMatchObject({ code: 'InvalidParameter', field: name });
  });

  it('refuses a nextLink token sent with other filters, and leaves blank parameters out', async () => {
    const first = await b.get(`${LIST}?jobState=2&pageSize=5`, t.token);
    const token = new URL(first.body.metadata.nextLink).searchParams.get('skipToken');
    expectNamed(await b.get(`${LIST}?jobState=3&pageSize=5&skipToken=${token}`, t.token), 'skipToken');
    const blank = await b.get(`${LIST}?jobState=&jobType=null&location=`, t.token);
    expect(blank.status).toBe(200);
    expect(blank.body.metadata.totalCount).toBe((await b.get(LIST, t.token)).body.metadata.totalCount);
  });

  it('needs microsoft365backup.jobInfo.read.all to read, and the producer permission to report', async () => {
    for (const path of [LIST, `${LIST}/IB0001`]) {
      const result = await b.get(path, t.other);
      expect(result.status).toBe(403);
      expect(result.body).toMatchObject({ statusCode: 403 });
      expect((await b.get(path, t.producer)).status).toBe(403);
    }
    const restoreOnly = await b.tenant([BACKUP_PERMISSIONS.restore]);
    expect((await b.get(LIST, restoreOnly.token)).status).toBe(403);
    expect((await b.post(PRODUCER, t.token, { value: [report(jobs[0]!)] })).status).toBe(403);
  });

  it('assembles pages byte for byte as the response schema serializes them, from stored items or rendered on read', async () => {
    const awkward = { isErrorCode: false, value: 'Quote " backslash \\ tab \t newline \n é 😀 \u2028 \u0001 </script>', url: 'https://x.test/?a=1&b="2"', number: 3 };
    const own = await b.tenant();
    await b.produce(PRODUCER, own.producer, [
      ...jobs.slice(0, 30).map(report),
      { ...report({ ...jobs[40]!, id: 'AWKWARD-1' }), state: 'Failed', jobErrors: [awkward, { ...awkward, isErrorCode: true, url: null, number: 1 }] },
      { ...report({ ...jobs[116]!, id: 'AWKWARD-2' }), jobErrors: [awkward] },
    ]);
    const finished = `startTime=${iso(T0)}&finishTime=${iso(T0 + 100 * HOUR)}&pageSize=1000`;
    const stored = await b.get(`${LIST}?${finished}`, own.token);
    expect(stored.body.data.map((job: any) => job.id)).toContain('AWKWARD-1');
    const everything = await b.get(`${LIST}?pageSize=1000`, own.token);
    expect(everything.body.data.map((job: any) => job.id)).toContain('AWKWARD-2');
    for (const page of [stored, everything]) expect(page.text).toBe(await serializedBySchema(M365JobPage, page.body));

    // Jobs stored before their items were rendered at write time are rendered on each read, to the same bytes.
    const db = b.harness.meridian.regions.get('us')!.context.db as Kysely<BackupTables>;
    await db.updateTable('backup_jobs').set({ listed: null }).where('tenant_id', '=', own.tenantId).where('job_id', 'in', ['AWKWARD-1', jobs[3]!.id, jobs[7]!.id]).execute();
    const rendered = await b.get(`${LIST}?${finished}`, own.token);
    expect(stable(rendered.text)).toBe(stable(stored.text));
    expect(rendered.text).toBe(await serializedBySchema(M365JobPage, rendered.body));
  });

  it('keeps tenants apart', async () => {
    const stranger = await b.tenant();
    expect((await b.get(LIST, stranger.token)).body.metadata.totalCount).toBe(0);
    expect((await b.get(`${LIST}/IB0001`, stranger.token)).status).toBe(404);
  });
});
