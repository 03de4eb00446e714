import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docPage, expectMatchesSample, parseLooseJson, responseSample, responseSamples } from '../support/doc-samples.js';
import { httpProducerClient } from '../../src/simulator/seed.js';
import { seedBackup } from '../../src/backup/simulator/seed.js';
import { M365_LOCATIONS, M365_SERVICE_TYPE_VALUES, M365_STATE_NAMES } from '../../src/backup/m365/catalogue.js';
import { D365_JOB_TYPE_VALUES, D365_MODULES, D365_STATUS_VALUES } from '../../src/backup/d365/catalogue.js';
import { IAAS_JOB_TYPE_VALUES, IAAS_STATUS_VALUES } from '../../src/backup/iaas-paas/catalogue.js';
import { GOOGLE_APP_TYPE_VALUES, GOOGLE_JOB_TYPE_VALUES, GOOGLE_STATUS_VALUES } from '../../src/backup/google/catalogue.js';
import { SALESFORCE_JOB_TYPE_VALUES, SALESFORCE_STATUS_VALUES } from '../../src/backup/salesforce/catalogue.js';
import { BackupHarness, holdableClock, type BackupTenant } from './support.js';

const DOCS = 'main/services-and-features';
const END = Date.parse('2026-02-27T12:00:00Z');
/** Jobs that started two days before the simulated history ends have all finished. */
const FINISHED = `startTime=2026-01-01T00:00:00Z&finishTime=${new Date(END - 2 * 86_400_000).toISOString()}`;
const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** Holds a response against a page's sample: keys, JSON types and, for items, the sample's key order. */
function holds(actual: any, sample: any, options: { allowExtraKeys?: string[] } = {}) {
  expectMatchesSample(actual, sample, '$', options);
}

describe('backup contract', () => {
  const clock = holdableClock();
  let b: BackupHarness;
  let t: BackupTenant;

  beforeAll(async () => {
    b = await BackupHarness.start({ engine: 'sqlite', clock });
    t = await b.tenant();
    await seedBackup(httpProducerClient(b.harness.fetch, b.base, async () => t.producer), {
      tenantId: t.tenantId,
      tenantName: 'Contoso',
      days: 30,
      endMs: END,
      counts: {},
      demo: true,
      seed: 'contract',
    });
  });
  afterAll(() => b?.close());

  it('GET /backup/m365/cloudbackupjobs matches m365/jobs/list-jobs.md', async () => {
    const sample = responseSample(`${DOCS}/m365/jobs/list-jobs.md`);
    const page = await b.get(`/backup/m365/cloudbackupjobs?${FINISHED}&PageSize=50&PageIndex=1&ObjectType=0`, t.token);
    expect(page.status).toBe(200);
    expect(page.body.data).toHaveLength(50);
    holds(page.body, sample);
    expect(Object.keys(page.body)).toEqual(Object.keys(sample));
    expect(Object.keys(page.body.data[0])).toEqual(Object.keys(sample.data[0]));
    for (const job of page.body.data) {
      expect(M365_STATE_NAMES).toContain(job.state);
      expect(job.startTime).toMatch(ISO_SECONDS);
      expect(job.finishTime).toMatch(ISO_SECONDS);
      expect(job.duration).toMatch(/^\d+\.\d{3}$/);
    }
    const failed = await b.get(`/backup/m365/cloudbackupjobs?${FINISHED}&jobState=3&pageSize=1`, t.token);
    expect(failed.body.data[0].jobErrors.length).toBeGreaterThan(0);
    for (const error of failed.body.data[0].jobErrors) {
      expect(Object.keys(error)).toEqual(['isErrorCode', 'value', 'url', 'number']);
      expect(typeof error.isErrorCode).toBe('boolean');
      expect(typeof error.number).toBe('number');
    }
    const last = await b.get(`/backup/m365/cloudbackupjobs?${FINISHED}&jobState=3&PageSize=1000`, t.token);
    expect(last.body.metadata.nextLink).toBe(sample.metadata.nextLink);
  });

  it('GET /backup/m365/cloudbackupjobs/{jobId} matches m365/jobs/retrieve-job-details.md', async () => {
    const sample = responseSample(`${DOCS}/m365/jobs/retrieve-job-details.md`);
    const [listed] = (await b.get(`/backup/m365/cloudbackupjobs?${FINISHED}&jobState=4&location=PrimaryGeoLocation&pageSize=1`, t.token)).body.data;
    const result = await b.get(`/backup/m365/cloudbackupjobs/${listed.id}`, t.token);
    expect(result.status).toBe(200);
    holds(result.body, sample);
    expect(Object.keys(result.body.data)).toEqual(Object.keys(sample.data));
    expect(Object.keys(result.body.data.backupDetails)).toEqual(Object.keys(sample.data.backupDetails));
    expect(M365_STATE_NAMES).toContain(result.body.data.state);
  });

  it('POST /backup/m365/restore/jobs matches m365/jobs/perform-restore-job.md: 200, 400 and 429', async () => {
    const [ok, badRequest, tooMany] = responseSamples(`${DOCS}/m365/jobs/perform-restore-job.md`) as any[];
    const body = {
      serviceType: 1,
      recoveryDateTime: '2026-02-27T03:54:22Z',
      siteRestoreScope: { siteUrl: 'https://contoso.sharepoint.com/sites/Finance', restoreTargets: [{ libraryName: 'Documents', folders: [{ relativePath: 'Shared/Reports/2026' }], files: [{ relativePath: 'Shared/Budget.xlsx' }] }] },
    };
    clock.hold();
    try {
      for (let i = 0; i < 3; i++) {
        const created = await b.post('/backup/m365/restore/jobs?Location=PrimaryGeoLocation', t.token, body);
        expect(created.status, created.text).toBe(200);
        holds(created.body, ok);
        expect(Object.keys(created.body)).toEqual(Object.keys(ok));
        expect(created.body.data.jobId).toMatch(/^RS\d{18}$/);
      }
      const refused = await b.post('/backup/m365/restore/jobs', t.token, body);
      expect(refused.status).toBe(429);
      holds(refused.body, tooMany);
      expect(refused.body.message).toBe(tooMany.message);
    } finally {
      clock.release();
    }
    const invalid = await b.post('/backup/m365/restore/jobs', t.token, { serviceType: 1, recoveryDateTime: '2026-02-27T03:54:22Z' });
    expect(invalid.status).toBe(400);
    holds(invalid.body, badRequest);
    expect(invalid.body.errors).toEqual(badRequest.errors);
  });

  it('GET /backup/m365/cloudbackuplicenseconsumption matches m365/subscription.md', async () => {
    const sample = responseSample(`${DOCS}/m365/subscription.md`);
    // The simulated tenant is Multi-Geo in NAM, EUR and APC: JPN has no subscription.
    const result = await b.get('/backup/m365/cloudbackuplicenseconsumption?Location=JPN', t.token);
    expect(result.status).toBe(404);
    const all = await b.get('/backup/m365/cloudbackuplicenseconsumption', t.token);
    holds(all.body, sample);
    expect(Object.keys(all.body.data)).toEqual(Object.keys(sample.data));
  });

  it('GET /backup/m365/cloudbackupunusualactivitydata matches m365/unusual-activities.md', async () => {
    const sample = responseSample(`${DOCS}/m365/unusual-activities.md`);
    const result = await b.get('/backup/m365/cloudbackupunusualactivitydata?StartTime=2026-01-01&FinishTime=2026-12-30', t.token);
    expect(result.status).toBe(200);
    expect(result.body.data.data.length).toBeGreaterThan(0);
    holds(result.body, sample);
    expect(Object.keys(result.body.data.data[0])).toEqual(Object.keys(sample.data.data[0]));
    for (const entry of result.body.data.data) expect(M365_SERVICE_TYPE_VALUES).toContain(entry.serviceType);
  });

  it('GET /backup/m365/settings/backup/frequency matches m365/backup-frequency.md', async () => {
    const sample = responseSample(`${DOCS}/m365/backup-frequency.md`);
    const result = await b.get('/backup/m365/settings/backup/frequency', t.token);
    expect(result.status).toBe(200);
    holds(result.body, sample);
    for (const entry of result.body.data) {
      expect(M365_SERVICE_TYPE_VALUES).toContain(entry.serviceType);
      expect(entry.backupStartTime).toHaveLength(entry.frequency);
      for (const time of entry.backupStartTime) expect(time).toMatch(ISO_SECONDS);
    }
  });

  it('GET /backup/m365/settings/retention-policy matches m365/retention-policy.md', async () => {
    const sample = responseSample(`${DOCS}/m365/retention-policy.md`);
    const result = await b.get('/backup/m365/settings/retention-policy', t.token);
    expect(result.status).toBe(200);
    holds(result.body, sample);
    const withContainers = result.body.data.servicePolicies.find((policy: any) => policy.containerPolicies.length > 0);
    expect(Object.keys(withContainers.containerPolicies[0])).toEqual(Object.keys(sample.data.servicePolicies[1].containerPolicies[0]));
  });

  it('GET /dynamicsbackup/jobs matches d365/d365.md', async () => {
    const sample = responseSample(`${DOCS}/d365/d365.md`);
    const page = await b.get(`/dynamicsbackup/jobs?pageIndex=1&pageSize=5&${FINISHED}&type=1&status=3`, t.token);
    expect(page.status).toBe(200);
    holds(page.body, sample);
    expect(Object.keys(page.body)).toEqual(Object.keys(sample));
    expect(Object.keys(page.body.jobs[0])).toEqual(Object.keys(sample.jobs[0]));
    for (const job of (await b.get(`/dynamicsbackup/jobs?pageSize=200&${FINISHED}&type=0`, t.token)).body.jobs) {
      expect(D365_JOB_TYPE_VALUES).toContain(job.type);
      expect(D365_STATUS_VALUES).toContain(job.status);
      expect(D365_MODULES).toContain(job.module);
    }
  });

  it('GET /backup/vm/jobs matches iaas-paas/iaas-paas.md', async () => {
    const sample = responseSample(`${DOCS}/iaas-paas/iaas-paas.md`);
    const page = await b.get(`/backup/vm/jobs?pageSize=200&${FINISHED}`, t.token);
    expect(page.status).toBe(200);
    holds(page.body, sample);
    expect(Object.keys(page.body)).toEqual(Object.keys(sample));
    expect(Object.keys(page.body.jobs[0])).toEqual(Object.keys(sample.jobs[0]));
    for (const job of page.body.jobs) {
      expect(IAAS_JOB_TYPE_VALUES).toContain(job.jobType);
      expect(IAAS_STATUS_VALUES).toContain(job.status);
      expect(job.duration).toMatch(/^(\d+\.)?\d{2}:\d{2}:\d{2}$/);
    }
  });

  it('GET /backup/google/admin/jobs matches google/google.md', async () => {
    const sample = responseSample(`${DOCS}/google/google.md`);
    const page = await b.get(`/backup/google/admin/jobs?pageindex=0&pagesize=10&${FINISHED.toLowerCase()}`, t.token);
    expect(page.status).toBe(200);
    holds(page.body, sample);
    expect(Object.keys(page.body)).toEqual(Object.keys(sample));
    expect(Object.keys(page.body.jobs[0])).toEqual(Object.keys(sample.jobs[0]));
    for (const job of page.body.jobs) {
      expect(GOOGLE_APP_TYPE_VALUES).toContain(job.appType);
      expect(GOOGLE_JOB_TYPE_VALUES).toContain(job.jobType);
      expect(GOOGLE_STATUS_VALUES).toContain(job.status);
      expect(job.startTime).toMatch(/\+00:00$/);
    }
  });

  it('GET /backup/sfbapi/jobs matches salesforcebackup/jobs.md (plus the table\'s dataSize, apiCalls, organizationId)', async () => {
    // The page's sample leaves its jobId unquoted; quoted, it is the JSON it means.
    const text = docPage(`${DOCS}/salesforcebackup/jobs.md`).replace('"jobId": AI20241015105312327583', '"jobId": "AI20241015105312327583"');
    const sample = parseLooseJson(text.slice(text.indexOf('```json', text.indexOf('## Response Sample')) + 7)) as any;
    expect(sample).toBeDefined();
    const page = await b.get(`/backup/sfbapi/jobs?${FINISHED}&pageSize=10&pageIndex=1`, t.token);
    expect(page.status).toBe(200);
    holds(page.body, sample, { allowExtraKeys: ['dataSize', 'apiCalls', 'organizationId'] });
    expect(Object.keys(page.body.data)).toEqual(Object.keys(sample.data));
    expect(Object.keys(page.body.data.jobs[0]).slice(0, Object.keys(sample.data.jobs[0]).length)).toEqual(Object.keys(sample.data.jobs[0]));
    for (const job of page.body.data.jobs) {
      expect(SALESFORCE_JOB_TYPE_VALUES).toContain(job.type);
      expect(SALESFORCE_STATUS_VALUES).toContain(job.state);
    }
  });

  it('GET /backup/sfbapi/monitor-alerts matches salesforcebackup/monitor-alerts.md', async () => {
    const sample = responseSample(`${DOCS}/salesforcebackup/monitor-alerts.md`);
    const result = await b.get('/backup/sfbapi/monitor-alerts?startTime=2026-02-20&finishTime=2026-02-21', t.token);
    expect(result.status).toBe(200);
    expect(result.body.data.length).toBeGreaterThan(0);
    holds(result.body, sample);
    expect(Object.keys(result.body.data[0])).toEqual(Object.keys(sample.data[0]));
    for (const alert of result.body.data) expect([0, 1, 2]).toContain(alert.operation);
  });

  it('GET /backup/sfbapi/unusual-activities matches salesforcebackup/unusual-activities.md', async () => {
    const sample = responseSample(`${DOCS}/salesforcebackup/unusual-activities.md`);
    const result = await b.get('/backup/sfbapi/unusual-activities?StartTime=2026-01-01&FinishTime=2026-12-30', t.token);
    expect(result.status).toBe(200);
    expect(result.body.data.length).toBeGreaterThan(0);
    holds(result.body, sample);
    expect(Object.keys(result.body.data[0])).toEqual(Object.keys(sample.data[0]));
  });

  it('every documented location value is accepted where location is', async () => {
    for (const location of M365_LOCATIONS) {
      expect((await b.get(`/backup/m365/cloudbackupjobs?location=${location}&pageSize=1`, t.token)).status).toBe(200);
      expect((await b.get(`/backup/m365/settings/backup/frequency?location=${location.toLowerCase()}`, t.token)).status).toBe(200);
    }
  });

  it('the errors of the Graph-envelope pages match the 400 sample of perform-restore-job.md', async () => {
    const [, badRequest] = responseSamples(`${DOCS}/m365/jobs/perform-restore-job.md`) as any[];
    for (const path of ['/backup/m365/cloudbackupjobs?jobType=7', '/dynamicsbackup/jobs?type=0', '/backup/sfbapi/jobs?startTime=x&finishTime=y', '/backup/m365/cloudbackupunusualactivitydata']) {
      const result = await b.get(path, t.token);
      expect(result.status, path).toBe(400);
      holds(result.body, badRequest);
    }
  });
});
