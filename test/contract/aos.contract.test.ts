import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, type TestApp } from '../support/harness.js';
import { expectMatchesSample, responseSample } from '../support/doc-samples.js';
import { simulateAuditRecords, simulateScanJobs } from '../../src/aos/simulator.js';
import { GEO_LOCATIONS, PRODUCT_TYPES } from '../../src/aos/catalogue.js';

/** Responses held against the docs' response samples, field by field. */
describe('aos contract', () => {
  let harness: Harness;
  let app: TestApp;
  let token: string;

  beforeAll(async () => {
    harness = await Harness.start({ regions: ['us'] });
    app = await harness.tenantWithApp(['audit.read.all', 'autodiscovery.readwrite.all']);
    token = await harness.token(app);
    const producer = await harness.producerToken(app.tenantId);
    const [batch] = [...simulateAuditRecords({ tenantId: app.tenantId, tenantDomain: 'test.onmicrosoft.com', count: 150, days: 2, endMs: Date.parse('2024-10-14T17:00:00Z'), multiGeo: true })];
    await harness.send('POST', `${harness.regionUrl('us')}/producer/aos/audit-records`, producer, { value: batch });
    await harness.send('POST', `${harness.regionUrl('us')}/producer/aos/scan-jobs`, producer, { value: simulateScanJobs({ tenantId: app.tenantId, days: 2, endMs: Date.parse('2024-09-27T00:00:00Z') }) });
  });
  afterAll(() => harness?.close());

  it('GET /aos/audit matches main/services-and-features/aos/aos.md', async () => {
    const sample = responseSample('main/services-and-features/aos/aos.md');
    const page = await harness.get(`${harness.regionUrl('us')}/aos/audit?startTime=2024-10-10T08:00:00Z&endTime=2024-10-14T17:00:00Z`, token);
    expect(page.status).toBe(200);
    expect(page.body.data.length).toBe(100);
    expect(typeof page.body.nextLink).toBe('string');
    expectMatchesSample(page.body, sample);
    for (const record of page.body.data) {
      expect(Object.values(PRODUCT_TYPES)).toContain(record.product);
      if (record.geoLocation !== null) expect(GEO_LOCATIONS).toContain(record.geoLocation);
      expect(record.actionTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    }
    // The sample's record has every field; so does ours, in the same order.
    expect(Object.keys(page.body.data[0])).toEqual(Object.keys(sample.data[0]));
  });

  it('GET /aos/audit errors match the documented ErrorResponse (traceId, error, statusCode)', async () => {
    const result = await harness.get(`${harness.regionUrl('us')}/aos/audit?startTime=2024-10-01T00:00:00Z&endTime=2024-10-14T00:00:00Z`, token);
    expect(result.status).toBe(400);
    expect(Object.keys(result.body).sort()).toEqual(['error', 'statusCode', 'traceId']);
  });

  it('GET /aos/jobs matches main/services-and-features/aos/jobs.md', async () => {
    const sample = responseSample('main/services-and-features/aos/jobs.md');
    const page = await harness.get(`${harness.regionUrl('us')}/aos/jobs?top=2&orderby=StartTime&sortorder=1`, token);
    expect(page.status).toBe(200);
    expectMatchesSample(page.body, sample);
    expect(Object.keys(page.body.jobs[0])).toEqual(Object.keys(sample.jobs[0]));
    expect(new URL(page.body.nextLink).pathname).toBe('/aos/jobs');
    expect(page.body.jobs[0].extension).toBeNull();
  });
});
