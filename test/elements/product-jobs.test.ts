import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectMatchesSample, responseSample } from '../support/doc-samples.js';
import { ENGINES } from '../support/services.js';
import { startElements, type ElementsFixture } from './fixture.js';

const V3 = '/partner/external/v3/general';
const JOBS_PAGE = 'elements/general/job/get-customer-jobs.md';
const V2_PAGE = 'main/services-and-features/elements/jobs/specific-backup-jobs.md';
/** What the customer's own app needs to read its regional job lists. */
const REGIONAL_PERMISSIONS = ['autodiscovery.readwrite.all', 'gsuite.graph.read.all', 'PlatformBackup.ReadWrite.All', 'salesforce.public.read.all', 'Dynamics.ReadWrite.All'];
const ALL_TIME = 'startTime=1970-01-01&finishTime=9999-12-31';

const second = (time: string) => `${new Date(Date.parse(time)).toISOString().slice(0, 19)}Z`;
/** "1h2m3s" in seconds. */
const durationSeconds = (text: string) => {
  const [, h, m, s] = /^(?:(\d+)h)?(?:(\d+)m)?(\d+)s$/.exec(text)!;
  return Number(h ?? 0) * 3600 + Number(m ?? 0) * 60 + Number(s);
};

/** What get-customer-jobs.md documents for every row: times to the second, a duration matching them, the last change at the finish. */
function expectTimes(row: any, regional: { startTime: string; finishTime: string | null }) {
  expect(row.startTime).toBe(second(regional.startTime));
  expect(row.endTime).toBe(regional.finishTime ? second(regional.finishTime) : 'N/A');
  expect(row.lastModifyTime).toBe(second(regional.finishTime ?? regional.startTime));
  if (regional.finishTime) expect(durationSeconds(row.jobDuration)).toBe(Math.round((Date.parse(regional.finishTime) - Date.parse(regional.startTime)) / 1000));
  else expect(row.jobDuration).toBe('N/A');
}

/** The job-id and field expectations of one job type, read from the customer's own regional list. */
interface Case {
  jobType: number;
  name: string;
  /** A module filter the case also checks (the list's jobs of one module). */
  module: { jobModule: number; v2: string };
  /** The simulator leaves one of the type's jobs running. */
  running?: boolean;
  /** The regional jobs of the type, in the batch's order, and the row each must become (times checked apart). */
  regional(get: (path: string) => Promise<any>): Promise<Array<{ job: any; row: Record<string, unknown> }>>;
}

const GOOGLE_MODULE: Record<number, number> = { 1: 501, 8192: 501, 4: 502, 8: 503, 2: 504, 16384: 504, 64: 505, 32768: 505, 128: 506, 4096: 507, 256: 508, 512: 508 };
const byModule = <T extends { row: Record<string, unknown> }>(items: T[]) => items.map((item, index) => ({ item, index })).sort((a, b) => (a.item.row.jobModule as number) - (b.item.row.jobModule as number) || a.index - b.index).map(({ item }) => item);

const CASES: Case[] = [
  {
    jobType: 10,
    name: 'Google Workspace Scan',
    module: { jobModule: 0, v2: 'None' },
    async regional(get) {
      const scans = (await get('/aos/jobs?top=1000')).jobs.filter((job: any) => job.type === 10);
      return scans.map((job: any) => ({ job, row: { jobType: 10, jobModule: 0, status: job.state, jobId: job.id, name: job.scanProfileName, totalCount: 'N/A', failedCount: 'N/A', successfulCount: 'N/A', skippedCount: 'N/A', warningCount: 'N/A', backupSize: 'N/A' } }));
    },
  },
  {
    jobType: 11,
    name: 'Google Workspace',
    module: { jobModule: 504, v2: 'Drive' },
    running: true,
    async regional(get) {
      const jobs = (await get('/backup/google/admin/jobs?jobType=1&pageSize=1000')).jobs;
      const status: Record<number, number> = { 0: 1, 2: 2, 3: 3, 7: 4 };
      return byModule(jobs.map((job: any) => ({ job, row: { jobType: 11, jobModule: GOOGLE_MODULE[job.appType], status: status[job.status], jobId: job.jobId, name: 'N/A', totalCount: 'N/A', failedCount: 'N/A', successfulCount: 'N/A', skippedCount: 'N/A', warningCount: 'N/A', backupSize: 'N/A' } })));
    },
  },
  {
    jobType: 12,
    name: 'IaaS + PaaS',
    module: { jobModule: 356, v2: 'Azure Virtual Machine' },
    running: true,
    async regional(get) {
      const services = [
        { jobModule: 356, serviceType: 1, jobType: 1 },
        { jobModule: 358, serviceType: 2, jobType: 128 },
        { jobModule: 359, serviceType: 4, jobType: 1024 },
      ];
      const status: Record<number, number> = { 0: 13, 1: 1, 2: 2, 4: 5, 8: 4, 16: 3, 32: 6, 64: 10 };
      const lists = await Promise.all(services.map(async ({ jobModule, serviceType, jobType }) => ((await get(`/backup/vm/jobs?serviceType=${serviceType}&jobType=${jobType}&pageSize=1000`)).jobs as any[]).map((job) => ({
        job,
        row: { jobType: 12, jobModule, status: status[job.status], jobId: job.jobId, name: 'N/A', totalCount: String(job.totalCount), failedCount: String(job.failedCount), successfulCount: String(job.successfulCount), skippedCount: String(job.skippedCount), warningCount: '0', backupSize: 'N/A' },
      }))));
      return lists.flat();
    },
  },
  {
    jobType: 15,
    name: 'Salesforce',
    module: { jobModule: 0, v2: 'None' },
    async regional(get) {
      const jobs = (await get(`/backup/sfbapi/jobs?${ALL_TIME}&type=1&pageSize=1000`)).data.jobs;
      const status: Record<number, number> = { 1: 1, 2: 2, 3: 4, 4: 3, 5: 1, 6: 10, 7: 5 };
      return jobs.map((job: any) => ({
        job,
        row: { jobType: 15, jobModule: 0, status: status[job.state], jobId: job.jobId, name: 'N/A', totalCount: String(job.totalObjects), failedCount: String(job.failedObjects), successfulCount: String(job.successfulObjects), skippedCount: String(job.skippedObjects), warningCount: '0', backupSize: sizeOf(job.dataSize * 1024) },
      }));
    },
  },
  {
    jobType: 16,
    name: 'Dynamics 365',
    module: { jobModule: 550, v2: 'Dynamics CRM Backup' },
    async regional(get) {
      const jobs = (await get(`/dynamicsbackup/jobs?${ALL_TIME}&type=1&pageSize=1000`)).jobs;
      const modules: Record<string, number> = { 'Power Platform': 401, 'Customer Engagement': 550, 'Finance and Operations': 551 };
      const status: Record<number, number> = { 2: 1, 3: 2, 4: 3, 7: 4 };
      return byModule(jobs.map((job: any) => ({
        job,
        row: { jobType: 16, jobModule: modules[job.module], status: status[job.status], jobId: job.jobId, name: 'N/A', totalCount: String(job.totalEntity), failedCount: String(job.failedEntity), successfulCount: String(job.successfulEntity), skippedCount: String(job.skippedEntity), warningCount: String(job.warningEntity), backupSize: sizeOf(job.backupSize) },
      })));
    },
  },
];

/** The sample's "0 GB" form: the largest unit the size fills, two decimals at most. */
function sizeOf(bytes: number): string {
  if (bytes === 0) return '0 GB';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let unit = 0;
  while (unit < units.length - 1 && bytes >= 1024 ** (unit + 1)) unit++;
  return `${Math.round((bytes / 1024 ** unit) * 100) / 100} ${units[unit]}`;
}

for (const engine of ENGINES) {
  describe(`Elements jobs batch, Cloud Backup beyond Microsoft 365 (${engine})`, () => {
    let f: ElementsFixture;
    let all: string;
    let customer: ElementsFixture['customers'][number];
    let get: (path: string) => Promise<any>;
    beforeAll(async () => {
      f = await startElements(engine);
      all = await f.token();
      customer = f.customers.find((c) => c.tenantIds.length > 0 && c.dataCenter === 'we')!;
      // The customer's own app, reading its regional lists in its data center.
      const directory = f.h.meridian.identities.get('commercial')!.directory;
      const { app, clientSecret } = await directory.createApp(customer.id, { name: 'own', permissions: REGIONAL_PERMISSIONS, secretYears: 1 }, { name: 'test' });
      const token = await f.h.token({ tenantId: customer.id, clientId: app.clientId, clientSecret: clientSecret! });
      get = async (path) => {
        const answer = await f.h.get(`${f.h.regionUrl(customer.dataCenter)}${path}`, token);
        expect(answer.status, path).toBe(200);
        return answer.body;
      };
    }, 240_000);
    afterAll(async () => f?.h.close());

    const batch = (token: string, body: unknown, query = '', customerId = customer.id) => f.post(`${V3}/customers/${customerId}/avpt-products/jobs/batch${query}`, token, body);

    for (const c of CASES) {
      it(`jobType ${c.jobType} (${c.name}): the customer's own regional jobs, mapped as the page documents, paged exactly`, async () => {
        const expected = await c.regional(get);
        expect(expected.length).toBeGreaterThan(0);
        const whole = await batch(all, { jobType: c.jobType }, '?pageSize=100');
        expect(whole.status).toBe(200);
        expectMatchesSample(whole.body, responseSample(JOBS_PAGE));
        expect(whole.body.metadata).toEqual({ pageIndex: 1, pageSize: 100, totalCount: expected.length });
        const TIMES = ['startTime', 'endTime', 'jobDuration', 'lastModifyTime'];
        expect(whole.body.data.map((row: any) => Object.fromEntries(Object.entries(row).filter(([key]) => !TIMES.includes(key))))).toEqual(expected.map((e) => e.row));
        expected.forEach((e, index) => expectTimes(whole.body.data[index], e.job));
        if (c.running) expect(whole.body.data.filter((row: any) => row.status === 1 && row.endTime === 'N/A')).toHaveLength(1);

        // Pages of 4 walk the same jobs once each, with the documented metadata.
        const paged: string[] = [];
        for (let pageIndex = 1; pageIndex <= Math.ceil(expected.length / 4); pageIndex++) {
          const page = await batch(all, { jobType: c.jobType }, `?pageIndex=${pageIndex}&pageSize=4`);
          expect(page.body.metadata).toEqual({ pageIndex, pageSize: 4, totalCount: expected.length });
          paged.push(...page.body.data.map((row: any) => row.jobId));
        }
        expect(paged).toEqual(expected.map((e) => e.row.jobId));
        const beyond = await batch(all, { jobType: c.jobType }, `?pageIndex=${Math.ceil(expected.length / 4) + 1}&pageSize=4`);
        expect(beyond.body).toEqual({ data: [], metadata: { pageIndex: Math.ceil(expected.length / 4) + 1, pageSize: 4, totalCount: expected.length } });

        // A module filter: that module's jobs only, in v3 and (by display names) in v2.
        const ofModule = expected.filter((e) => e.row.jobModule === c.module.jobModule);
        expect(ofModule.length).toBeGreaterThan(0);
        const one = await batch(all, { jobType: c.jobType, jobModule: c.module.jobModule }, '?pageSize=100');
        expect(one.body.data.map((row: any) => row.jobId)).toEqual(ofModule.map((e) => e.row.jobId));
        expect(one.body.metadata.totalCount).toBe(ofModule.length);
        const v2 = await f.get(`/partner/customers/${customer.id}/jobs/jobType/${c.name}/jobModule/${c.module.v2}`, await f.token(['partner.jobs.read.all']));
        expect(v2.status).toBe(200);
        expectMatchesSample(v2.body, responseSample(V2_PAGE));
        expect(v2.body.value.map((row: any) => [row.jobId, row.jobType, row.jobModule, row.totalCount])).toEqual(one.body.data.map((row: any) => [row.jobId, c.name, c.module.v2, row.totalCount]));
      });
    }

    it('keeps customer scope for every job type: out of scope is refused like an unknown customer, in scope answers the same', async () => {
      const other = f.customers.find((c) => c.id !== customer.id && c.tenantIds.length > 0)!;
      const elsewhere = await f.token(['elements.jobs.read.all'], `customers:${other.id}`);
      const here = await f.token(['elements.jobs.read.all'], `customers:${customer.id}`);
      for (const { jobType } of CASES) {
        const refused = await batch(elsewhere, { jobType });
        const unknown = await batch(elsewhere, { jobType }, '', '00000000-0000-4000-8000-000000000000');
        expect(refused.status).toBe(404);
        expect(refused.body.error.replace(customer.id, 'ID')).toBe(unknown.body.error.replace('00000000-0000-4000-8000-000000000000', 'ID'));
        const scoped = await batch(here, { jobType });
        expect(scoped.status).toBe(200);
        expect(scoped.body).toEqual((await batch(all, { jobType })).body);
        // The other customer's own jobs are its own: none of this customer's ids.
        const theirs = await batch(elsewhere, { jobType }, '?pageSize=100', other.id);
        expect(theirs.body.metadata.totalCount).toBeGreaterThan(0);
        expect(theirs.body.data.filter((row: any) => scoped.body.data.some((mine: any) => mine.jobId === row.jobId))).toEqual([]);
      }
    });

    it('walks every job type in one unfiltered batch, by jobType then jobModule, exactly across pages', async () => {
      const whole = await batch(all, {}, '?pageSize=100');
      const rows = whole.body.data as any[];
      expect(whole.body.metadata.totalCount).toBe(rows.length);
      expect([...new Set(rows.map((row) => row.jobType))]).toEqual([0, 7, 10, 11, 12, 15, 16]);
      const order = rows.map((row) => row.jobType * 1000 + row.jobModule);
      expect(order).toEqual([...order].sort((a, b) => a - b));
      const ids: string[] = [];
      for (let pageIndex = 1; pageIndex <= Math.ceil(rows.length / 7); pageIndex++) ids.push(...(await batch(all, {}, `?pageIndex=${pageIndex}&pageSize=7`)).body.data.map((row: any) => row.jobId));
      expect(ids).toEqual(rows.map((row) => row.jobId));
      const v2 = await f.get(`/partner/customers/${customer.id}/jobs`, await f.token(['partner.jobs.read.all']));
      expect(v2.body.value.map((row: any) => row.jobId)).toEqual(ids);
    });

    // Last: it stops a data center.
    it('answers 503 naming the data center for a customer whose data center is down, and the others\' jobs still answer', async () => {
      const down = f.customers.find((c) => c.tenantIds.length > 0 && c.dataCenter === 'gcp-jp')!;
      const before = await batch(all, { jobType: 11 }, '?pageSize=100');
      await f.h.meridian.regions.get('gcp-jp')!.close();
      for (const { jobType } of CASES) {
        const refused = await batch(all, { jobType }, '', down.id);
        expect(refused.status).toBe(503);
        expect(refused.body.error).toContain("'gcp-jp'");
      }
      expect((await batch(all, { jobType: 11 }, '?pageSize=100')).body).toEqual(before.body);
    });
  });
}
