import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/platform/random.js';
import { httpProducerClient } from '../../src/simulator/seed.js';
import { seedBackup } from '../../src/backup/simulator/seed.js';
import { simulateM365Jobs } from '../../src/backup/simulator/m365.js';
import { simulateIaasJobs } from '../../src/backup/simulator/iaas-paas.js';
import { reports, slots } from '../../src/backup/simulator/timeline.js';
import { ENGINES } from '../support/services.js';
import { requestSampleCalls } from '../support/doc-samples.js';
import { BackupHarness, DAY, waitFor, type BackupTenant } from './support.js';

const END = Date.parse('2026-02-01T00:00:00Z');

describe('the backup simulator', () => {
  it('makes exactly the number of runs asked for, oldest first, inside the window', () => {
    const window = { startMs: END - 7 * DAY, endMs: END };
    const schedules = [{ perDay: 24, spec: 'hourly' }, { perDay: 1, spec: 'daily' }, { perDay: 0.2, spec: 'rare' }];
    for (const total of [0, 1, 7, 1000, 12_345]) {
      const made = [...slots(schedules, window, new SeededRandom('t'), total)];
      expect(made).toHaveLength(total);
      const times = made.map((slot) => slot.atMs);
      expect([...times].sort((a, b) => a - b)).toEqual(times);
      expect(times.every((at) => at >= window.startMs && at < window.endMs)).toBe(true);
    }
    const natural = [...slots(schedules, window, new SeededRandom('t'))];
    expect(natural).toHaveLength(Math.round(25.2 * 7));
    expect(natural.filter((slot) => slot.spec === 'hourly')).toHaveLength(168);
    expect(natural.filter((slot) => slot.spec === 'daily')).toHaveLength(7);
  });

  it('sends each job start before its finish, in arrival order, and leaves jobs still running at the end unfinished', () => {
    const jobs = [
      { startMs: 0, finishMs: 50, started: 'a+', finished: 'a-' },
      { startMs: 10, finishMs: 20, started: 'b+', finished: 'b-' },
      { startMs: 30, finishMs: 200, started: 'c+', finished: 'c-' },
    ];
    expect([...reports(jobs, 100, 2)]).toEqual([['a+', 'b+'], ['b-', 'c+'], ['a-']]);
  });

  it('is deterministic: the same seed makes the same history, another seed another', () => {
    const options = { tenantId: 't-1', tenantName: 'Contoso', domain: 'contoso.onmicrosoft.com', startMs: END - 3 * DAY, endMs: END, seed: 's', jobs: 500 };
    const first = [...simulateM365Jobs(options)].flat();
    expect([...simulateM365Jobs(options)].flat()).toEqual(first);
    expect([...simulateM365Jobs({ ...options, seed: 'other' })].flat()).not.toEqual(first);
    expect(new Set(first.map((job) => job.id)).size).toBe(500);
    expect(new Set(first.map((job) => job.state))).toEqual(new Set(['In Progress', 'Finished', 'Finished with Exception', 'Failed', 'Partially Finished']));
    expect(first.some((job) => (job.jobErrors ?? []).length > 0)).toBe(true);
    // The newest jobs are still running when the history ends: they were reported started only.
    const byId = new Map<string, string[]>();
    for (const job of first) byId.set(job.id, [...(byId.get(job.id) ?? []), job.state]);
    const running = [...byId.values()].filter((states) => states.length === 1);
    expect(running.length).toBeGreaterThan(0);
    expect(running.every((states) => states[0] === 'In Progress')).toBe(true);
    expect([...byId.values()].filter((states) => states.length === 2).every((states) => states[0] === 'In Progress' && states[1] !== 'In Progress')).toBe(true);
    expect(first.some((job) => (job.backupDetails?.skippedCount ?? 0) > 0)).toBe(true);
    expect(new Set(first.map((job) => job.jobType))).toEqual(new Set([1, 2, 3, 4, 5]));
    const iaas = [...simulateIaasJobs({ tenantId: 't-1', tenantName: 'Contoso', startMs: END - 30 * DAY, endMs: END, seed: 's' })].flat();
    expect(new Set(iaas.map((job) => job.serviceType))).toEqual(new Set([1, 2, 4, 2048, 1024, 256, 26000, 16384, 8192, 128]));
  });
});

describe.each(ENGINES)('seeding backup history through the producer API on %s', (engine) => {
  let b: BackupHarness;
  let t: BackupTenant;
  let report: Record<string, number>;

  beforeAll(async () => {
    b = await BackupHarness.start({ engine });
    t = await b.tenant();
    report = await seedBackup(httpProducerClient(b.harness.fetch, b.base, async () => t.producer), {
      tenantId: t.tenantId,
      tenantName: 'Fabrikam',
      days: 7,
      endMs: END,
      counts: { backupJobs: 700 },
      demo: false,
      seed: 'seed-test',
    });
  });
  afterAll(() => b?.close());

  it('makes exactly --backup-jobs jobs for each product', async () => {
    expect(report).toMatchObject({ m365BackupJobs: 700, d365BackupJobs: 700, iaasPaasBackupJobs: 700, googleBackupJobs: 700, salesforceBackupJobs: 700 });
    const window = `startTime=2000-01-01&finishTime=2100-01-01`;
    expect((await b.get('/backup/m365/cloudbackupjobs', t.token)).body.metadata.totalCount).toBe(700);
    expect((await b.get(`/dynamicsbackup/jobs?type=0&${window}`, t.token)).body.totalCount).toBe(700);
    expect((await b.get('/backup/vm/jobs', t.token)).body.totalCount).toBe(700);
    const google = (await b.get('/backup/google/admin/jobs?dataSource=1', t.token)).body;
    const recenter = await b.walk('/backup/google/admin/jobs?dataSource=2&pageSize=1000', t.token, (body) => ({ items: body.jobs, nextLink: body.nextLink }));
    const admin = await b.walk('/backup/google/admin/jobs?pageSize=1000', t.token, (body) => ({ items: body.jobs, nextLink: body.nextLink }));
    expect(google.status).toBe(200);
    expect(admin.length + recenter.length).toBe(700);
    expect((await b.get(`/backup/sfbapi/jobs?${window}`, t.token)).body.data.totalCount).toBe(700);
  });

  it('finishes most jobs, and fails some or finishes them with exceptions', async () => {
    const failed = (await b.get('/backup/m365/cloudbackupjobs?jobState=3', t.token)).body.metadata.totalCount;
    const exception = (await b.get('/backup/m365/cloudbackupjobs?jobState=4', t.token)).body.metadata.totalCount;
    expect(failed).toBeGreaterThan(0);
    expect(exception).toBeGreaterThan(0);
  });

  it('reports settings, subscription, protected objects, unusual activities and alerts with the jobs', async () => {
    expect((await b.get('/backup/m365/settings/backup/frequency', t.token)).body.data.length).toBeGreaterThan(5);
    expect((await b.get('/backup/m365/settings/retention-policy', t.token)).status).toBe(200);
    expect((await b.get('/backup/m365/cloudbackuplicenseconsumption', t.token)).status).toBe(200);
    const from = new Date(END - 8 * DAY).toISOString();
    const to = new Date(END + DAY).toISOString();
    expect((await b.get(`/backup/m365/cloudbackupunusualactivitydata?startTime=${from}&finishTime=${to}`, t.token)).body.data.data.length).toBeGreaterThan(0);
    expect((await b.get(`/backup/sfbapi/monitor-alerts?startTime=${from}&finishTime=${to}`, t.token)).body.data.length).toBeGreaterThan(0);
    const restore = await b.post('/backup/m365/restore/jobs', t.token, {
      serviceType: 2,
      recoveryDateTime: '2026-01-31T00:00:00Z',
      oneDriveRestoreScope: { oneDriveUpn: 'alexw@fabrikam.onmicrosoft.com', restoreTargets: [{ libraryName: 'Documents', files: [{ relativePath: 'Plan.docx' }] }] },
    });
    expect(restore.status, restore.text).toBe(200);
  });

  it('seeds the same history again without duplicating anything, and nothing when not asked', async () => {
    const before = (await b.get('/backup/m365/cloudbackupjobs', t.token)).body.metadata.totalCount;
    const again = await seedBackup(httpProducerClient(b.harness.fetch, b.base, async () => t.producer), {
      tenantId: t.tenantId,
      tenantName: 'Fabrikam',
      days: 7,
      endMs: END,
      counts: { backupJobs: 700 },
      demo: false,
      seed: 'seed-test',
    });
    expect(again).toEqual(report);
    expect((await b.get('/backup/vm/jobs', t.token)).body.totalCount).toBe(700);
    expect((await b.get('/backup/m365/cloudbackupjobs', t.token)).body.metadata.totalCount).toBe(before);
    expect(await seedBackup(httpProducerClient(b.harness.fetch, b.base, async () => t.producer), { tenantId: t.tenantId, tenantName: 'x', days: 1, endMs: Date.now(), counts: {}, demo: false, seed: 's' })).toEqual({});
  });
});

describe.each(ENGINES)('the demo seeding of the docs samples on %s', (engine) => {
  let b: BackupHarness;
  let t: BackupTenant;
  let plain: BackupTenant;
  const RESTORE = '/backup/m365/restore/jobs?Location=NAM';
  const seed = (tenant: BackupTenant, docSamples: boolean) =>
    seedBackup(httpProducerClient(b.harness.fetch, b.base, async () => tenant.producer), { tenantId: tenant.tenantId, tenantName: 'meridian-demo', days: 1, endMs: END, counts: {}, demo: true, docSamples, seed: 'demo' });
  /** perform-restore-job.md's SharePoint Online body, as the page writes it. */
  const sharePoint = () => requestSampleCalls('main/services-and-features/m365/jobs/perform-restore-job.md')[0]!.body;
  /** Its OneDrive body, without the stray brace that makes the page's copy invalid JSON. */
  const oneDrive = {
    serviceType: 2,
    recoveryDateTime: '2026-02-27T03:54:22Z',
    oneDriveRestoreScope: { oneDriveUpn: 'alexw@contoso.onmicrosoft.com', restoreTargets: [{ libraryName: 'Documents', folders: [{ relativePath: 'Shared/Reports/2026' }] }] },
  };

  beforeAll(async () => {
    b = await BackupHarness.start({ engine });
    t = await b.tenant();
    plain = await b.tenant();
    await seed(t, true);
    await seed(plain, false);
  }, 120_000);
  afterAll(() => b?.close());

  it("restores perform-restore-job.md's Contoso site and OneDrive at NAM, as kernel jobs that finish", async () => {
    for (const body of [sharePoint(), oneDrive]) {
      const started = await b.post(RESTORE, t.token, body);
      expect(started.status, started.text).toBe(200);
      expect(started.body.data.jobId).toMatch(/^RS\d{18}$/);
      await waitFor(async () => (await b.get(`/backup/m365/cloudbackupjobs/${started.body.data.jobId}?location=NAM`, t.token)).body.data?.state === 'Finished', 20_000, 'the restore to finish');
    }
  });

  it('holds the backups the recovery point comes from: the night before it, at NAM', async () => {
    for (const id of ['IB20260227021500000001', 'IB20260227021500000002']) {
      const job = await b.get(`/backup/m365/cloudbackupjobs/${id}?location=NAM`, t.token);
      expect(job.status, job.text).toBe(200);
      expect(job.body.data.state).toBe('Finished');
      expect(Date.parse(job.body.data.finishTime)).toBeLessThan(Date.parse('2026-02-27T03:54:22Z'));
    }
  });

  it('protects Contoso only when the seed asks for the docs samples, and seeding again changes nothing', async () => {
    const refused = await b.post(RESTORE, plain.token, sharePoint());
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((error: { field: string }) => error.field)).toEqual(['SiteRestoreScope.SiteUrl']);
    const before = (await b.get('/backup/m365/cloudbackupjobs?location=NAM&pageSize=1', t.token)).body.metadata.totalCount;
    await seed(t, true);
    expect((await b.get('/backup/m365/cloudbackupjobs?location=NAM&pageSize=1', t.token)).body.metadata.totalCount).toBe(before);
  });
});
