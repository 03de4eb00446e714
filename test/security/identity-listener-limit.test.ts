import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness } from '../support/harness.js';
import { REDIS_URL, redisAvailable } from '../support/services.js';

/**
 * The identity listener's own per-address limit (discovery, key set, console, service routes):
 * the operator's admin API is not counted in it, and in Redis its counters live under the
 * deployment's prefix like every other key, so deployments sharing one Redis do not share counts.
 */
const LIMIT = 5;

describe.each([false, ...(redisAvailable ? [true] : [])])('identity listener rate limit (Redis: %s)', (redis) => {
  let harness: Harness;
  const prefix = `t${randomBytes(5).toString('hex')}`;

  beforeAll(async () => {
    harness = await Harness.start({ regions: ['us'], redis, config: { tokenRateLimitPerMinute: LIMIT, postgresSchemaPrefix: prefix } });
  });
  afterAll(() => harness?.close());

  it('does not count admin API calls, and still limits discovery by address', async () => {
    const adminKey = harness.meridian.config.adminKey;
    for (let index = 0; index < LIMIT * 3; index++) {
      const answer = await harness.send('GET', `${harness.identityUrl()}/admin/tenants`, adminKey);
      expect(answer.status, `admin call ${index + 1}`).toBe(200);
    }
    const statuses: number[] = [];
    for (let index = 0; index < LIMIT + 1; index++) statuses.push((await harness.get(`${harness.identityUrl()}/.well-known/openid-configuration`)).status);
    expect(statuses).toEqual([...Array(LIMIT).fill(200), 429]);
    // The operator is not locked out by the clients' spent budget either.
    expect((await harness.send('GET', `${harness.identityUrl()}/admin/tenants`, adminKey)).status).toBe(200);
  });

  // Only the Redis-backed deployment has counters in Redis to look at.
  if (redis) {
    it('keeps its counters in Redis under the deployment prefix', async () => {
      const client = new Redis(REDIS_URL);
      try {
        const keys = await client.keys(`${prefix}:rl-identity-commercial-*`);
        expect(keys.length).toBeGreaterThan(0);
      } finally {
        client.disconnect();
      }
    });
  }
});
