import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulateAuditRecords, simulateScanJobs } from '../../src/aos/simulator.js';
import { BadRequestError, CertificateCredential, ClientSecretCredential, ForbiddenError, GraphClient, TooManyRequestsError, ServiceUnavailableError, AuthenticationError, type TokenCredential } from 'meridian/sdk';
import { Harness, type TestApp } from '../support/harness.js';
import { makeClientCertificate } from '../support/certificates.js';

/** A fetch that counts the calls to each path and can answer the next calls itself first. */
function observedFetch(inner: typeof fetch) {
  const calls: string[] = [];
  const injected: Response[] = [];
  const wrapped = (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
    calls.push(new URL(String(input instanceof Request ? input.url : input)).pathname);
    const next = injected.shift();
    return next ?? inner(input, init);
  }) as typeof fetch;
  return { fetch: wrapped, calls, inject: (response: Response) => injected.push(response) };
}

describe('SDK (meridian/sdk) against a running Meridian', () => {
  let harness: Harness;
  let app: TestApp;
  const WINDOW = { startTime: '2024-10-10T00:00:00Z', endTime: '2024-10-12T00:00:00Z' };

  beforeAll(async () => {
    harness = await Harness.start({ regions: ['us'] });
    app = await harness.tenantWithApp(['audit.read.all', 'autodiscovery.readwrite.all']);
    const producer = await harness.producerToken(app.tenantId);
    for (const batch of simulateAuditRecords({ tenantId: app.tenantId, tenantDomain: 'sdk.onmicrosoft.com', count: 250, days: 2, endMs: Date.parse(WINDOW.endTime) })) {
      await harness.send('POST', `${harness.regionUrl('us')}/producer/aos/audit-records`, producer, { value: batch });
    }
    await harness.send('POST', `${harness.regionUrl('us')}/producer/aos/scan-jobs`, producer, { value: simulateScanJobs({ tenantId: app.tenantId, days: 3, endMs: Date.now() }) });
  });
  afterAll(() => harness?.close());

  const secretClient = (observed = observedFetch(harness.fetch), scope = 'audit.read.all') => {
    const credential = new ClientSecretCredential({ identityUrl: harness.identityUrl(), clientId: app.clientId, clientSecret: app.clientSecret, fetch: observed.fetch });
    return { observed, client: new GraphClient({ baseUrl: harness.regionUrl('us'), credential, scope, fetch: observed.fetch }) };
  };

  it('reads every audit record across nextLink/skipToken pages with one cached token', async () => {
    const { client, observed } = secretClient();
    const records = [];
    for await (const record of client.items('retrieveAuditRecords', WINDOW)) records.push(record);
    expect(records).toHaveLength(250);
    expect(new Set(records.map((record) => `${record.actionTime}|${record.objectName}|${record.actionName}`)).size).toBeGreaterThan(200);
    expect(observed.calls.filter((path) => path === '/connect/token')).toHaveLength(1);
    expect(observed.calls.filter((path) => path === '/aos/audit').length).toBeGreaterThan(1);
  });

  it('follows top/skip pages of scan jobs to the total, with a certificate credential', async () => {
    const certificate = await makeClientCertificate();
    await harness.meridian.identities.get('commercial')!.directory.addCertificate(app.clientId, certificate.certPem, { name: 'test' });
    const credential = new CertificateCredential({ identityUrl: harness.identityUrl(), clientId: app.clientId, privateKey: certificate.privateKeyPem, certificate: certificate.certDer, caPem: harness.caPem });
    const client = new GraphClient({ baseUrl: harness.regionUrl('us'), credential, scope: 'autodiscovery.readwrite.all', caPem: harness.caPem });
    const first = await client.retrieveScanJobInformation({ top: 4 });
    expect(first.totalCount).toBeGreaterThan(4);
    const pages = [];
    for await (const page of client.pages('retrieveScanJobInformation', { top: 4 })) pages.push(page);
    expect(pages.length).toBe(Math.ceil(first.totalCount / 4));
    expect(pages.flatMap((page) => page.jobs)).toHaveLength(first.totalCount);
  });

  it('raises typed errors carrying the request-id', async () => {
    const { client } = secretClient();
    const error = await client.retrieveAuditRecords({ startTime: '2024-10-01T00:00:00Z', endTime: '2024-10-12T00:00:00Z' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).status).toBe(400);
    expect((error as BadRequestError).requestId).toMatch(/\S/);
    expect((error as BadRequestError).body).toMatchObject({ statusCode: 400 });
    const forbidden = await secretClient(undefined, 'audit.read.all').client.retrieveScanJobInformation({}).catch((e: unknown) => e);
    expect(forbidden).toBeInstanceOf(ForbiddenError);
    const refused = await secretClient(undefined, 'records.readwrite.all').client.retrieveAuditRecords(WINDOW).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AuthenticationError);
    expect((refused as AuthenticationError).error).toBe('invalid_scope');
  });

  it('waits out Retry-After on 429 and 503, and gives up with the wait asked for', async () => {
    const { client, observed } = secretClient();
    await client.retrieveAuditRecords(WINDOW); // token cached
    observed.inject(new Response('{"statusCode":429}', { status: 429, headers: { 'retry-after': '0' } }));
    observed.inject(new Response('{"statusCode":503}', { status: 503, headers: { 'retry-after': new Date(Date.now() - 1000).toUTCString() } }));
    const before = observed.calls.length;
    const page = await client.retrieveAuditRecords(WINDOW);
    expect(page.data.length).toBeGreaterThan(0);
    expect(observed.calls.length - before).toBe(3);
    observed.inject(new Response('{"statusCode":429}', { status: 429, headers: { 'retry-after': '3600', 'request-id': 'throttled-1' } }));
    const throttled = await client.retrieveAuditRecords(WINDOW).catch((e: unknown) => e);
    expect(throttled).toBeInstanceOf(TooManyRequestsError);
    expect((throttled as TooManyRequestsError).retryAfterMs).toBe(3_600_000);
    expect((throttled as TooManyRequestsError).requestId).toBe('throttled-1');
    for (let i = 0; i < 4; i++) observed.inject(new Response('busy', { status: 503, headers: { 'retry-after': '0' } }));
    expect(await client.retrieveAuditRecords(WINDOW).catch((e: unknown) => e)).toBeInstanceOf(ServiceUnavailableError);
  });

  it('takes a fresh token after a 401 and goes on', async () => {
    const real = new ClientSecretCredential({ identityUrl: harness.identityUrl(), clientId: app.clientId, clientSecret: app.clientSecret, caPem: harness.caPem });
    const asked: boolean[] = [];
    const credential: TokenCredential = {
      async getToken(scope, options) {
        asked.push(Boolean(options?.forceRefresh));
        return options?.forceRefresh ? real.getToken(scope, options) : { token: 'expired.token.value', expiresOnMs: Date.now() + 60_000 };
      },
    };
    const client = new GraphClient({ baseUrl: harness.regionUrl('us'), credential, scope: 'audit.read.all', caPem: harness.caPem });
    expect((await client.retrieveAuditRecords(WINDOW)).data.length).toBeGreaterThan(0);
    expect(asked).toEqual([false, true]);
  });
});
