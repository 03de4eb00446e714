import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes, randomUUID } from 'node:crypto';
import { Harness, type TestApp } from '../support/harness.js';
import { redisAvailable } from '../support/services.js';
import { fetchFrom } from './support.js';

/**
 * The token endpoint's throttle from both sides: what an attacker at one address can do to a
 * client id it does not hold, and what it cannot (lock out the holder of the right secret).
 * The attacker's connections leave from 127.0.0.2, the client's from 127.0.0.1.
 */
const LIMITS = { tokenRateLimitPerMinute: 5, tokenFailuresPerMinutePerAddress: 12, tokenFailuresPerMinutePerClient: 4 };

describe.each([false, ...(redisAvailable ? [true] : [])])('token endpoint throttle (Redis: %s)', (redis) => {
  let harness: Harness;
  let attackerFetch: typeof fetch;
  let attackerBFetch: typeof fetch;

  beforeAll(async () => {
    // A prefix of this run's own: counters in a shared Redis outlive a run by their minute.
    harness = await Harness.start({ regions: ['us'], redis, config: { ...LIMITS, postgresSchemaPrefix: `t${randomBytes(5).toString('hex')}` } });
    attackerFetch = fetchFrom('127.0.0.2', harness.caPem);
    attackerBFetch = fetchFrom('127.0.0.3', harness.caPem);
  });
  afterAll(() => harness?.close());

  const post = async (fetcher: typeof fetch, form: Record<string, string>) => {
    const response = await fetcher(`${harness.identityUrl()}/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as Record<string, unknown> };
  };
  const withSecret = (app: TestApp, secret = app.clientSecret) => ({ grant_type: 'client_credentials', client_id: app.clientId, client_secret: secret });

  it('refuses an attacker guessing one client\'s secret once it failed too often, and still issues to the right secret from elsewhere', async () => {
    const victim = await harness.tenantWithApp(['audit.read.all']);
    const statuses: number[] = [];
    for (let i = 0; i < LIMITS.tokenFailuresPerMinutePerClient + 2; i++) statuses.push((await post(attackerFetch, withSecret(victim, `wrong-${i}`))).status);
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
    const refused = await post(attackerFetch, withSecret(victim, 'wrong-again'));
    expect(refused.body.error).toBe('temporarily_unavailable');
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    // The holder of the secret, at its own address, is not charged for the attacker's failures.
    const issued = await post(harness.fetch, withSecret(victim));
    expect(issued.status).toBe(200);
    expect(issued.body.access_token).toEqual(expect.any(String));
    // A second attacker address gets its own budget for the victim, no more.
    expect((await post(attackerBFetch, withSecret(victim, 'wrong-b'))).status).toBe(401);
  });

  it('refuses the guessing address even with a right secret once that address is locked for the client: the source is what failed', async () => {
    const victim = await harness.tenantWithApp(['audit.read.all']);
    const mallory = fetchFrom('127.0.0.4', harness.caPem);
    for (let i = 0; i < LIMITS.tokenFailuresPerMinutePerClient; i++) expect((await post(mallory, withSecret(victim, `guess-${i}`))).status).toBe(401);
    expect((await post(mallory, withSecret(victim))).status).toBe(429);
    expect((await post(harness.fetch, withSecret(victim))).status).toBe(200);
  });

  it('does not let an attacker escape the limit by rotating client ids: failures are counted per source address', async () => {
    const rotating = fetchFrom('127.0.0.5', harness.caPem);
    const statuses: number[] = [];
    for (let i = 0; i < LIMITS.tokenFailuresPerMinutePerAddress + 3; i++) {
      statuses.push((await post(rotating, { grant_type: 'client_credentials', client_id: randomUUID(), client_secret: 'guess' })).status);
    }
    expect(statuses.slice(0, LIMITS.tokenFailuresPerMinutePerAddress).every((status) => status === 401)).toBe(true);
    expect(statuses.slice(LIMITS.tokenFailuresPerMinutePerAddress)).toEqual([429, 429, 429]);
    // Malformed requests and forged assertions count as failures of their source just the same.
    const other = fetchFrom('127.0.0.6', harness.caPem);
    for (let i = 0; i < LIMITS.tokenFailuresPerMinutePerAddress; i++) {
      const form: Record<string, string> = i % 2 === 0 ? { grant_type: 'password' } : { grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: `e30.${Buffer.from(JSON.stringify({ iss: randomUUID() })).toString('base64url')}.x` };
      expect((await post(other, form)).status).toBeLessThan(429);
    }
    expect((await post(other, { grant_type: 'client_credentials', client_id: randomUUID(), client_secret: 'x' })).status).toBe(429);
    // Clients at the attacker-free address are untouched.
    const bystander = await harness.tenantWithApp(['audit.read.all']);
    expect((await post(harness.fetch, withSecret(bystander))).status).toBe(200);
  });

  it('limits successful issuance per authenticated client, leaving other clients at the same address alone', async () => {
    const busy = await harness.tenantWithApp(['audit.read.all']);
    const calm = await harness.tenantWithApp(['audit.read.all']);
    const statuses: number[] = [];
    for (let i = 0; i < LIMITS.tokenRateLimitPerMinute + 1; i++) statuses.push((await post(harness.fetch, withSecret(busy))).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect((await post(harness.fetch, withSecret(calm))).status).toBe(200);
    // A throttled success is not a failure of the address: no amount of them locks the address out.
    for (let i = 0; i < LIMITS.tokenFailuresPerMinutePerAddress; i++) expect((await post(harness.fetch, withSecret(busy))).status).toBe(429);
    expect((await post(harness.fetch, withSecret(calm))).status).toBe(200);
  });
});
