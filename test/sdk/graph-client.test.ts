import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphApiError, GraphClient } from '../../src/sdk/graph-client.js';
import { simulateAuditRecords } from '../../src/aos/simulator.js';
import { Harness, type TestApp } from '../support/harness.js';
import { makeClientCertificate } from '../support/certificates.js';

describe('typed SDK against a running Meridian', () => {
  let harness: Harness;
  let app: TestApp;

  beforeAll(async () => {
    harness = await Harness.start({ regions: ['us'] });
    app = await harness.tenantWithApp(['audit.read.all', 'autodiscovery.readwrite.all']);
    const producer = await harness.producerToken(app.tenantId);
    for (const batch of simulateAuditRecords({ tenantId: app.tenantId, tenantDomain: 'sdk.onmicrosoft.com', count: 250, days: 2, endMs: Date.parse('2024-10-12T00:00:00Z') })) {
      await harness.send('POST', `${harness.regionUrl('us')}/producer/aos/audit-records`, producer, { value: batch });
    }
  });
  afterAll(() => harness?.close());

  it('authenticates with a client secret and reads every audit record across pages', async () => {
    const client = new GraphClient({ identityUrl: harness.identityUrl(), graphUrl: harness.regionUrl('us'), clientId: app.clientId, credential: { clientSecret: app.clientSecret }, scope: 'audit.read.all', caPem: harness.caPem });
    const records = [];
    for await (const record of client.auditRecords({ startTime: '2024-10-10T00:00:00Z', endTime: '2024-10-12T00:00:00Z' })) records.push(record);
    expect(records).toHaveLength(250);
  });

  it('authenticates with a certificate', async () => {
    const certificate = await makeClientCertificate();
    await harness.meridian.identities.get('commercial')!.directory.addCertificate(app.clientId, certificate.certPem, { name: 'test' });
    const client = new GraphClient({ identityUrl: harness.identityUrl(), graphUrl: harness.regionUrl('us'), clientId: app.clientId, credential: { certificate }, scope: 'autodiscovery.readwrite.all', caPem: harness.caPem });
    const page = await client.scanJobs({ top: 5 });
    expect(page).toEqual({ jobs: [], nextLink: null, totalCount: 0 });
  });

  it('raises the documented error envelope with its request id', async () => {
    const client = new GraphClient({ identityUrl: harness.identityUrl(), graphUrl: harness.regionUrl('us'), clientId: app.clientId, credential: { clientSecret: app.clientSecret }, scope: 'audit.read.all', caPem: harness.caPem });
    const error = await client.get('/aos/audit', { startTime: '2024-10-01T00:00:00Z', endTime: '2024-10-12T00:00:00Z' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphApiError);
    expect((error as GraphApiError).status).toBe(400);
    expect((error as GraphApiError).requestId).toBeTruthy();
    expect((error as GraphApiError).body).toMatchObject({ statusCode: 400 });
  });
});
