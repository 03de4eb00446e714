import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, type TestApp } from '../support/harness.js';
import { ENGINES } from '../support/services.js';
import { simulateScanJobs } from '../../src/aos/simulator.js';

describe.each(ENGINES)('GET /aos/jobs on %s', (engine) => {
  let harness: Harness;
  let app: TestApp;
  let token: string;
  let base: string;
  let producerUrl: string;
  let producer: string;

  beforeAll(async () => {
    harness = await Harness.start({ engine, regions: ['us'] });
    app = await harness.tenantWithApp(['autodiscovery.readwrite.all']);
    token = await harness.token(app);
    base = `${harness.regionUrl('us')}/aos/jobs`;
    producerUrl = `${harness.regionUrl('us')}/producer/aos/scan-jobs`;
    producer = await harness.producerToken(app.tenantId);
    const jobs = simulateScanJobs({ tenantId: app.tenantId, days: 20, endMs: Date.parse('2024-09-30T00:00:00Z'), seed: 'test' });
    expect((await harness.send('POST', producerUrl, producer, { value: jobs })).status).toBe(200);
  });
  afterAll(() => harness?.close());

  it('lists 100 jobs by default, newest first, with totalCount and a nextLink', async () => {
    const page = await harness.get(base, token);
    expect(page.status).toBe(200);
    expect(page.body.totalCount).toBe(100);
    expect(page.body.jobs).toHaveLength(100);
    expect(page.body.nextLink).toBeNull();
    const starts = page.body.jobs.map((job: any) => Date.parse(job.startTime));
    expect([...starts].sort((a, b) => b - a)).toEqual(starts);
  });

  it('pages with top and skip so that every job appears once', async () => {
    const seen: string[] = [];
    let url: string | null = `${base}?top=7&sortorder=0`;
    while (url) {
      const page = await harness.get(url, token);
      expect(page.status).toBe(200);
      expect(page.body.totalCount).toBe(100);
      seen.push(...page.body.jobs.map((job: any) => job.id));
      url = page.body.nextLink;
    }
    expect(seen).toHaveLength(100);
    expect(new Set(seen).size).toBe(100);
  });

  it('orders by FinishTime and finds jobs by id with search', async () => {
    const byFinish = await harness.get(`${base}?orderby=finishtime&sortorder=1&top=1000`, token);
    expect(byFinish.status).toBe(200);
    const [first] = byFinish.body.jobs;
    const found = await harness.get(`${base}?search=${first.id.slice(0, 14)}`, token);
    expect(found.body.jobs.some((job: any) => job.id === first.id)).toBe(true);
    expect(found.body.jobs.every((job: any) => job.id.includes(first.id.slice(0, 14)))).toBe(true);
    const none = await harness.get(`${base}?search=NoSuchJob`, token);
    expect(none.body).toEqual({ jobs: [], nextLink: null, totalCount: 0 });
  });

  it('refuses out-of-range and unknown parameters with a 400 naming them', async () => {
    for (const [query, name] of [['top=0', 'top'], ['top=1001', 'top'], ['skip=-1', 'skip'], ['sortorder=2', 'sortorder'], ['orderby=Name', 'orderby'], ['top=abc', 'top']]) {
      const result = await harness.get(`${base}?${query}`, token);
      expect(result.status, query).toBe(400);
      expect(result.body.error, query).toContain(name);
      expect(result.body.statusCode).toBe(400);
    }
  });

  it('needs autodiscovery.readwrite.all', async () => {
    const other = await harness.tenantWithApp(['audit.read.all']);
    const result = await harness.get(base, await harness.token(other));
    expect(result.status).toBe(403);
  });

  it('never moves a finished job back to running', async () => {
    const job = { id: 'Scan-state-1', type: 0, state: 1, startTime: '2024-10-01T00:00:00Z', category: 0, scanProfileName: 'p' };
    await harness.send('POST', producerUrl, producer, { value: [job] });
    await harness.send('POST', producerUrl, producer, { value: [{ ...job, state: 2, finishTime: '2024-10-01T00:05:00Z' }] });
    const late = await harness.send('POST', producerUrl, producer, { value: [job] });
    expect(late.body).toEqual({ received: 1, stored: 0, duplicates: 1 });
    const page = await harness.get(`${base}?search=Scan-state-1`, token);
    expect(page.body.jobs[0]).toMatchObject({ id: 'Scan-state-1', state: 2, finishTime: '2024-10-01T00:05:00.000Z', extension: null });
  });
});
