import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness, type TestApp } from '../support/harness.js';
import { redisAvailable } from '../support/services.js';

const QUERY = '/aos/audit?startTime=2024-10-10T00:00:00Z&endTime=2024-10-11T00:00:00Z';

describe.each([false, ...(redisAvailable ? [true] : [])])('throttling (Redis: %s)', (redis) => {
  let harness: Harness;
  let app: TestApp;
  let other: TestApp;

  beforeAll(async () => {
    harness = await Harness.start({ regions: ['us'], redis, config: { rateLimitPerMinute: 3, tokenRateLimitPerMinute: 4 } });
    app = await harness.tenantWithApp(['audit.read.all']);
    other = await harness.tenantWithApp(['audit.read.all']);
  });
  afterAll(() => harness?.close());

  it('answers 429 with Retry-After in the module envelope once a tenant exceeds its limit, leaving other tenants and apps alone', async () => {
    const token = await harness.token(app);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await harness.get(`${harness.regionUrl('us')}${QUERY}`, token)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await harness.get(`${harness.regionUrl('us')}${QUERY}`, token);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.body).toMatchObject({ statusCode: 429, traceId: expect.any(String) });
    expect(limited.body.error).toMatch(/retry after/);
    expect((await harness.get(`${harness.regionUrl('us')}${QUERY}`, await harness.token(other))).status).toBe(200);
  });

  it('throttles the token endpoint per client in the OAuth envelope', async () => {
    const fresh = await harness.tenantWithApp(['audit.read.all']);
    const form = { grant_type: 'client_credentials', client_id: fresh.clientId, client_secret: fresh.clientSecret };
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await harness.requestToken(form)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    const limited = await harness.requestToken(form);
    expect(limited.body.error).toBe('temporarily_unavailable');
    expect(limited.headers.get('retry-after')).toBeTruthy();
  });
});
