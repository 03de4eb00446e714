import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startElements, type ElementsFixture } from './fixture.js';

describe('smoke', () => {
  let f: ElementsFixture;
  beforeAll(async () => {
    f = await startElements('sqlite');
  }, 120_000);
  afterAll(async () => f?.h.close());
  it('lists customers', async () => {
    const t = await f.token();
    const r = await f.post('/partner/external/v3/general/customers/batch', t);
    console.log(r.status, JSON.stringify(r.body, null, 1).slice(0, 1500));
    const c = f.customers[0]!;
    const jobs = await f.post(`/partner/external/v3/general/customers/${c.id}/avpt-products/jobs/batch?pageSize=3`, t);
    console.log(jobs.status, JSON.stringify(jobs.body).slice(0, 1500));
    expect(r.status).toBe(200);
  });
});
