import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../support/services.js';
import { BACKUP_PERMISSIONS, BackupHarness, HOUR, expectNamed, iso, type BackupTenant } from './support.js';

const JOBS = '/backup/sfbapi/jobs';
const ALERTS = '/backup/sfbapi/monitor-alerts';
const UNUSUAL = '/backup/sfbapi/unusual-activities';
const T0 = Date.parse('2024-11-01T00:00:00Z');
const ORG_A = '00Dam00000kxWaGEAU';
const ORG_B = '00Dbm00000abCdEEAU';
const WINDOW = 'startTime=2024-10-24&finishTime=2024-12-25';

const jobs = Array.from({ length: 80 }, (_, i) => ({
  jobId: `AI${String(i).padStart(8, '0')}`,
  type: [1, 17, 17, 20, 9, 3, 12][i % 7]!,
  level: [1, 3, 3, 6, 1, 3, 2][i % 7]!,
  state: i >= 77 ? 1 : i === 76 ? 5 : i % 8 === 0 ? 4 : i % 8 === 1 ? 3 : 2,
  startMs: T0 + i * 8 * HOUR,
  organizationId: i % 4 === 0 ? ORG_B : ORG_A,
}));

const report = (job: (typeof jobs)[number]) => ({
  jobId: job.jobId,
  type: job.type,
  level: job.level,
  state: job.state,
  startTime: iso(job.startMs),
  ...(job.state === 1 || job.state === 5 ? {} : { finishTime: iso(job.startMs + 39_000) }),
  successfulObjects: 2,
  totalObjects: 2,
  dataSize: 512,
  apiCalls: 9,
  organizationId: job.organizationId,
});

const newestFirst = (list: typeof jobs) => [...list].sort((a, b) => b.startMs - a.startMs).map((job) => job.jobId);
const read = (body: any) => ({ items: body.data.jobs, nextLink: body.data.nextLink });

describe.each(ENGINES)('Cloud Backup for Salesforce on %s', (engine) => {
  let b: BackupHarness;
  let t: BackupTenant;

  beforeAll(async () => {
    b = await BackupHarness.start({ engine });
    t = await b.tenant();
    await b.produce('/producer/backup/salesforce/jobs', t.producer, jobs.map(report));
    await b.produce('/producer/backup/salesforce/monitor-alerts', t.producer, [
      { id: 'a1', organizationId: ORG_A, alertType: 'Data', objectType: 'content Versions', operation: 0, recordNumber: 6276, collectTime: '2024-11-20T08:30:00Z' },
      { id: 'a2', organizationId: ORG_A, alertType: 'Metadata', objectType: 'classes', operation: 0, recordNumber: 1046, collectTime: '2024-11-20T08:30:00Z' },
      { id: 'a3', organizationId: ORG_B, alertType: 'Data', objectType: 'email', operation: 2, recordNumber: 1046, collectTime: '2024-11-21T08:30:00Z' },
      { id: 'a4', organizationId: ORG_A, alertType: 'Data', objectType: 'Account', operation: 1, recordNumber: 12, collectTime: '2024-12-30T08:30:00Z' },
    ]);
    await b.produce('/producer/backup/salesforce/unusual-activities', t.producer, [
      { id: 'u1', organizationId: ORG_A, organizationName: 'AvePoint Production', detectedTime: '2024-11-01T00:00:00Z', suspiciousFiles: 0, addedFiles: 2, modifiedFiles: 1, deletedFiles: 0 },
      { id: 'u2', organizationId: ORG_A, organizationName: 'AvePoint Production', detectedTime: '2024-11-03T00:00:00Z', suspiciousFiles: 1, addedFiles: 0, modifiedFiles: 2, deletedFiles: 0 },
      { id: 'u3', organizationId: ORG_B, organizationName: 'AvePoint Sandbox', detectedTime: '2024-11-02T00:00:00Z', suspiciousFiles: 0, addedFiles: 0, modifiedFiles: 0, deletedFiles: 4 },
      { id: 'u4', organizationId: ORG_B, organizationName: 'AvePoint Sandbox', detectedTime: '2025-02-01T00:00:00Z', suspiciousFiles: 9, addedFiles: 9, modifiedFiles: 9, deletedFiles: 9 },
    ]);
  });
  afterAll(() => b?.close());

  it('lists jobs in data {totalCount, jobs, nextLink}, 0 and 1 both the first page', async () => {
    const page = await b.get(`${JOBS}?${WINDOW}&pageSize=10&pageIndex=1`, t.token);
    expect(page.status, page.text).toBe(200);
    expect(Object.keys(page.body.data)).toEqual(['totalCount', 'jobs', 'nextLink']);
    expect(page.body.data.totalCount).toBe(80);
    expect(page.body.data.jobs.map((job: any) => job.jobId)).toEqual(newestFirst(jobs).slice(0, 10));
    expect((await b.get(`${JOBS}?${WINDOW}&pageSize=10&pageIndex=0`, t.token)).body.data.jobs).toEqual(page.body.data.jobs);
    expect((await b.get(`${JOBS}?${WINDOW}&pageSize=10&pageIndex=2`, t.token)).body.data.jobs.map((job: any) => job.jobId)).toEqual(newestFirst(jobs).slice(10, 20));
    const job = page.body.data.jobs.find((item: any) => item.state === 2);
    expect(job).toMatchObject({ successfulObjects: 2, totalObjects: 2, successfulRecords: 0, dataSize: 512, apiCalls: 9 });
    expect(page.body.data.jobs.find((item: any) => item.state === 5).finishTime).toBeNull();
  });

  it.each([
    ['type=17', (job: (typeof jobs)[number]) => job.type === 17],
    ['type=0&status=4', (job: (typeof jobs)[number]) => job.state === 4],
    ['status=5', (job: (typeof jobs)[number]) => job.state === 5],
    ['level=3', (job: (typeof jobs)[number]) => job.level === 3],
    [`organizationId=${ORG_B}`, (job: (typeof jobs)[number]) => job.organizationId === ORG_B],
    ['level=0&type=0&status=0', () => true],
  ])('filters jobs by %s exactly across pages', async (query, predicate) => {
    const walked = await b.walk(`${JOBS}?${WINDOW}&pageSize=6&${query}`, t.token, read);
    expect(walked.map((job) => job.jobId)).toEqual(newestFirst(jobs.filter(predicate)));
  });

  it('keeps finished and paused-then-finished jobs from running again', async () => {
    const paused = jobs.find((job) => job.state === 5)!;
    expect((await b.post('/producer/backup/salesforce/jobs', t.producer, { value: [{ ...report(paused), state: 1 }] })).body.applied).toBe(1);
    expect((await b.post('/producer/backup/salesforce/jobs', t.producer, { value: [{ ...report(paused), state: 2, finishTime: iso(paused.startMs + HOUR) }] })).body.applied).toBe(1);
    expect((await b.post('/producer/backup/salesforce/jobs', t.producer, { value: [{ ...report(paused), state: 5 }] })).body.ignored).toBe(1);
  });

  it('returns monitor alerts of the range, by organization and alert type', async () => {
    const all = await b.get(`${ALERTS}?${WINDOW}`, t.token);
    expect(all.status).toBe(200);
    expect(all.body.data).toEqual([
      { organizationId: ORG_A, objectType: 'content Versions', operation: 0, recordNumber: 6276, collectTime: '2024-11-20T08:30:00Z' },
      { organizationId: ORG_A, objectType: 'classes', operation: 0, recordNumber: 1046, collectTime: '2024-11-20T08:30:00Z' },
      { organizationId: ORG_B, objectType: 'email', operation: 2, recordNumber: 1046, collectTime: '2024-11-21T08:30:00Z' },
    ]);
    expect((await b.get(`${ALERTS}?${WINDOW}&alertType=Metadata`, t.token)).body.data.map((alert: any) => alert.objectType)).toEqual(['classes']);
    expect((await b.get(`${ALERTS}?${WINDOW}&alertType=1&organizationId=${ORG_A}`, t.token)).body.data.map((alert: any) => alert.objectType)).toEqual(['content Versions']);
    expect((await b.get(`${ALERTS}?startTime=2024-12-30&finishTime=2024-12-30`, t.token)).body.data).toHaveLength(1);
  });

  it('sums unusual activities per organization in the detected range', async () => {
    const result = await b.get(`${UNUSUAL}?StartTime=2024-01-01&FinishTime=2024-12-30`, t.token);
    expect(result.status).toBe(200);
    expect(result.body.data).toEqual([
      { organizationId: ORG_A, organizationName: 'AvePoint Production', latestDetectedDate: '2024-11-03T00:00:00Z', suspiciousFiles: 1, addedFiles: 2, modifiedFiles: 3, deletedFiles: 0 },
      { organizationId: ORG_B, organizationName: 'AvePoint Sandbox', latestDetectedDate: '2024-11-02T00:00:00Z', suspiciousFiles: 0, addedFiles: 0, modifiedFiles: 0, deletedFiles: 4 },
    ]);
    expect((await b.get(`${UNUSUAL}?startTime=2024-01-01&finishTime=2025-12-30&organizationId=${ORG_B}`, t.token)).body.data).toEqual([
      { organizationId: ORG_B, organizationName: 'AvePoint Sandbox', latestDetectedDate: '2025-02-01T00:00:00Z', suspiciousFiles: 9, addedFiles: 9, modifiedFiles: 9, deletedFiles: 13 },
    ]);
  });

  it.each([
    [JOBS, 'finishTime=2024-12-25', 'startTime'],
    [JOBS, 'startTime=2024-10-24', 'finishTime'],
    [JOBS, `${WINDOW}&type=23`, 'type'],
    [JOBS, `${WINDOW}&status=8`, 'status'],
    [JOBS, `${WINDOW}&level=7`, 'level'],
    [JOBS, `${WINDOW}&pageSize=-5`, 'pageSize'],
    [ALERTS, 'startTime=2024-10-24', 'finishTime'],
    [ALERTS, `${WINDOW}&alertType=Records`, 'alertType'],
    [UNUSUAL, 'finishTime=2024-12-30', 'startTime'],
    [UNUSUAL, 'startTime=2024-12-30&finishTime=2024-01-01', 'finishTime'],
  ])('%s refuses %s with a 400 naming %s', async (path, query, name) => {
    const result = await b.get(`${path}?${query}`, t.token);
    expectNamed(result, name);
    expect(result.body.errors[0]).toMatchObject({ code: 'InvalidParameter', field: name });
  });

  it.each([JOBS, ALERTS, UNUSUAL])('%s needs salesforce.public.read.all', async (path) => {
    expect((await b.get(`${path}?${WINDOW}`, t.other)).status).toBe(403);
    const others = await b.tenant(Object.values(BACKUP_PERMISSIONS).filter((name) => name !== BACKUP_PERMISSIONS.salesforce));
    const refused = await b.get(`${path}?${WINDOW}`, others.token);
    expect(refused.status).toBe(403);
    expect(refused.body.statusCode).toBe(403);
    expect((await b.get(`${path}?${WINDOW}`, (await b.tenant([BACKUP_PERMISSIONS.salesforce])).token)).status).toBe(200);
  });
});
