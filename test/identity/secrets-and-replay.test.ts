import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { fixedClock } from '../../src/platform/clock.js';
import { RedisReplayCache } from '../../src/identity/replay-cache.js';
import { Harness, type TestApp } from '../support/harness.js';
import { makeClientCertificate } from '../support/certificates.js';
import { signAssertion } from '../support/assertions.js';
import { REDIS_URL, redisAvailable } from '../support/services.js';

describe('client secret lifetime', () => {
  const clock = fixedClock(new Date());
  let harness: Harness;
  let app: TestApp;

  beforeAll(async () => {
    harness = await Harness.start({ regions: ['us'], clock });
    app = await harness.tenantWithApp(['audit.read.all']);
  });
  afterAll(() => harness?.close());

  it('stops accepting a secret the moment it expires, with the same answer as a wrong one', async () => {
    const form = { grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.clientSecret };
    expect((await harness.requestToken(form)).status).toBe(200);
    const [secret] = (await harness.meridian.identities.get('commercial')!.directory.requireAppView(app.clientId)).secrets;
    clock.set(new Date(Date.parse(secret!.expiresAt) - 1000));
    expect((await harness.requestToken(form)).status).toBe(200);
    clock.set(new Date(Date.parse(secret!.expiresAt)));
    const expired = await harness.requestToken(form);
    expect(expired.status).toBe(401);
    expect(expired.body).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed.' });
  });

  it('makes secrets effective for exactly 1, 2 or 3 years and nothing else', async () => {
    const directory = harness.meridian.identities.get('commercial')!.directory;
    const now = clock.nowMs();
    for (const years of [1, 2, 3]) {
      const { secret } = await directory.addSecret(app.clientId, years, { name: 'test' });
      const expected = new Date(now);
      expected.setUTCFullYear(expected.getUTCFullYear() + years);
      expect(secret.expiresAt).toBe(expected.toISOString());
    }
    await expect(directory.addSecret(app.clientId, 4, { name: 'test' })).rejects.toThrow(/1, 2, 3 years/);
  });

  it('generates secrets with 256 bits of entropy and keeps only their hash', async () => {
    const directory = harness.meridian.identities.get('commercial')!.directory;
    const { clientSecret } = await directory.addSecret(app.clientId, 1, { name: 'test' });
    expect(Buffer.from(clientSecret, 'base64url').length).toBeGreaterThanOrEqual(32);
    const view = await directory.requireAppView(app.clientId);
    expect(JSON.stringify(view)).not.toContain(clientSecret);
  });
});

describe.skipIf(!redisAvailable)('assertion replay cache shared through Redis', () => {
  it('refuses on one node an assertion already used on another', async () => {
    const a = new Redis(REDIS_URL);
    const b = new Redis(REDIS_URL);
    try {
      const prefix = `test:${Date.now()}:${Math.random()}:`;
      const nodeA = new RedisReplayCache(a, prefix);
      const nodeB = new RedisReplayCache(b, prefix);
      const expires = Date.now() + 60_000;
      expect(await nodeA.claim('client:jti-1', expires)).toBe(true);
      expect(await nodeB.claim('client:jti-1', expires)).toBe(false);
      expect(await nodeB.claim('client:jti-2', expires)).toBe(true);
      expect(await a.pttl(`${prefix}client:jti-1`)).toBeGreaterThan(50_000);
    } finally {
      a.disconnect();
      b.disconnect();
    }
  });

  it('refuses a replayed assertion at the token endpoint of a Redis-backed Meridian', async () => {
    const harness = await Harness.start({ regions: ['us'], redis: true });
    try {
      const app = await harness.tenantWithApp(['audit.read.all']);
      const certificate = await makeClientCertificate();
      await harness.meridian.identities.get('commercial')!.directory.addCertificate(app.clientId, certificate.certPem, { name: 'test' });
      const assertion = await signAssertion(certificate, { clientId: app.clientId, audience: `${harness.identityUrl()}/connect/token` });
      const form = { grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion };
      expect((await harness.requestToken(form)).status).toBe(200);
      expect((await harness.requestToken(form)).status).toBe(401);
    } finally {
      await harness.close();
    }
  });
});
