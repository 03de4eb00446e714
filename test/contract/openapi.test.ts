import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness } from '../support/harness.js';

describe('OpenAPI document and reference page', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await Harness.start({ regions: ['us'] });
  });
  afterAll(() => harness?.close());

  it('publishes an OpenAPI 3.1 document of every regional route, generated from the route schemas', async () => {
    const doc = await harness.get(`${harness.regionUrl('us')}/openapi.json`);
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    const audit = doc.body.paths['/aos/audit'].get;
    expect(audit.parameters.map((p: { name: string }) => p.name)).toEqual(['startTime', 'endTime', 'productTypes', 'geoLocations', 'skipToken']);
    expect(audit.responses['200']).toBeDefined();
    expect(doc.body.paths['/aos/jobs'].get.parameters.find((p: { name: string }) => p.name === 'top').schema).toMatchObject({ minimum: 1, maximum: 1000 });
    expect(doc.body.paths['/producer/aos/audit-records'].post).toBeDefined();
    expect(doc.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('serves a browsable reference page', async () => {
    const page = await harness.fetch(`${harness.regionUrl('us')}/docs/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toMatch(/swagger/i);
  });

  it('documents the identity host too', async () => {
    const doc = await harness.get(`${harness.identityUrl()}/openapi.json`);
    expect(doc.body.paths['/connect/token'].post).toBeDefined();
    expect(doc.body.paths['/admin/tenants'].post).toBeDefined();
  });

  it('answers unknown paths with 404 in the envelope, with a request-id', async () => {
    const result = await harness.get(`${harness.regionUrl('us')}/aos/nothing-here`);
    expect(result.status).toBe(404);
    expect(result.body).toMatchObject({ statusCode: 404, traceId: expect.any(String) });
    expect(result.headers.get('request-id')).toBeTruthy();
  });
});
