import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness } from '../support/harness.js';
import { ENGINES } from '../support/services.js';
import { makeClientCertificate } from '../support/certificates.js';

describe.each(ENGINES)('admin API on %s', (engine) => {
  let harness: Harness;
  let admin: (method: string, path: string, body?: unknown) => ReturnType<Harness['send']>;

  beforeAll(async () => {
    harness = await Harness.start({ engine, regions: ['us', 'we'] });
    admin = (method, path, body) => harness.send(method, `${harness.identityUrl()}/admin${path}`, harness.meridian.config.adminKey, body);
  });
  afterAll(() => harness?.close());

  it('refuses calls without the admin key', async () => {
    const result = await harness.send('GET', `${harness.identityUrl()}/admin/tenants`, 'wrong-key');
    expect(result.status).toBe(401);
    expect(result.body.error.code).toBe('unauthorized');
  });

  it('creates tenants, refusing duplicates, unknown regions and regions of another environment', async () => {
    const created = await admin('POST', '/tenants', { name: 'Contoso', region: 'we' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Contoso', homeRegion: 'we', environment: 'commercial' });
    expect((await admin('POST', '/tenants', { name: 'contoso', region: 'us' })).status).toBe(409);
    const unknown = await admin('POST', '/tenants', { name: 'X', region: 'mars' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/mars/);
    expect((await admin('POST', '/tenants', { name: 'Y', region: 'gov' })).status).toBe(400);
    expect((await admin('GET', '/tenants/contoso')).body.id).toBe(created.body.id);
  });

  it('creates a tenant with a given id (an Elements customer a collector knows), refusing a taken or malformed one', async () => {
    const id = '966F35CC-2F4E-4070-9C1D-25CDBCF82A07';
    const created = await admin('POST', '/tenants', { name: 'Given id', region: 'us', id });
    expect(created.status, created.text).toBe(201);
    expect(created.body.id).toBe(id.toLowerCase());
    expect((await admin('GET', `/tenants/${id.toLowerCase()}`)).body.name).toBe('Given id');
    const taken = await admin('POST', '/tenants', { name: 'Another', region: 'us', id });
    expect(taken.status).toBe(409);
    expect(taken.body.error.message).toContain(id.toLowerCase());
    const malformed = await admin('POST', '/tenants', { name: 'Malformed', region: 'us', id: '00427fbc-8832-46cf-a1d2-582fa46ec63' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toMatch(/id/);
  });

  it('registers apps with permissions, secrets and certificates and refuses bad input clearly', async () => {
    await admin('POST', '/tenants', { name: 'Fabrikam', region: 'us' });
    const unknownPermission = await admin('POST', '/tenants/Fabrikam/apps', { name: 'a', permissions: ['audit.read.all', 'nope.all'], secretYears: 1 });
    expect(unknownPermission.status).toBe(400);
    expect(unknownPermission.body.error.message).toContain('nope.all');
    const badYears = await admin('POST', '/tenants/Fabrikam/apps', { name: 'a', permissions: ['audit.read.all'], secretYears: 5 });
    expect(badYears.status).toBe(400);
    expect(badYears.body.error.message).toMatch(/secretYears/);
    const noDigitalSignature = await makeClientCertificate({ keyUsage: 'keyEncipherment-only' });
    const refused = await admin('POST', '/tenants/Fabrikam/apps', { name: 'a', permissions: ['audit.read.all'], certificate: noDigitalSignature.certPem });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/Digital Signature/);
    const expired = await makeClientCertificate({ notBefore: new Date(Date.now() - 3 * 86400_000), notAfter: new Date(Date.now() - 86400_000) });
    expect((await admin('POST', '/tenants/Fabrikam/apps', { name: 'a', permissions: ['audit.read.all'], certificate: expired.certPem })).body.error.message).toMatch(/expired/i);
    const future = await makeClientCertificate({ notBefore: new Date(Date.now() + 86400_000), notAfter: new Date(Date.now() + 3 * 86400_000) });
    expect((await admin('POST', '/tenants/Fabrikam/apps', { name: 'a', permissions: ['audit.read.all'], certificate: future.certPem })).body.error.message).toMatch(/not (yet )?valid/i);
    const apps = await admin('GET', '/tenants/Fabrikam/apps');
    expect(apps.body.value).toHaveLength(0);

    const good = await makeClientCertificate();
    const created = await admin('POST', '/tenants/Fabrikam/apps', { name: 'Reporting', permissions: ['Audit.Read.All'], secretYears: 2, certificate: good.certDer.toString('base64') });
    expect(created.status).toBe(201);
    expect(created.body.app.permissions).toEqual(['audit.read.all']);
    expect(created.body.app.certificates[0]).toMatchObject({ thumbprintSha1: good.thumbprintSha1 });
    expect(created.body.clientSecret).toBeTruthy();
    const secret = await admin('POST', `/apps/${created.body.clientId}/secrets`, { years: 3 });
    expect(secret.status).toBe(201);
    expect((await admin('DELETE', `/apps/${created.body.clientId}/secrets/${secret.body.secret.id}`)).status).toBe(204);
    expect((await admin('DELETE', `/apps/${created.body.clientId}/certificates/${good.thumbprintSha1}`)).status).toBe(204);
    expect((await admin('DELETE', `/apps/${created.body.clientId}/certificates/${good.thumbprintSha1}`)).status).toBe(404);
  });

  it('writes each admin change as an audit record of AvePoint Online Services in the tenant\'s region', async () => {
    const tenant = await admin('POST', '/tenants', { name: 'Audited', region: 'us' });
    const created = await admin('POST', '/tenants/Audited/apps', { name: 'Watcher', permissions: ['audit.read.all'], secretYears: 1 });
    const secret = await admin('POST', `/apps/${created.body.clientId}/secrets`, { years: 1 });
    await admin('DELETE', `/apps/${created.body.clientId}/secrets/${secret.body.secret.id}`);
    const token = await harness.token({ tenantId: tenant.body.id, clientId: created.body.clientId, clientSecret: created.body.clientSecret });
    const start = new Date(Date.now() - 3600_000).toISOString();
    const end = new Date(Date.now() + 3600_000).toISOString();
    let records: any[] = [];
    for (let attempt = 0; attempt < 50 && records.length < 5; attempt++) {
      await harness.meridian.identities.get('commercial')!.outbox.flush();
      records = (await harness.get(`${harness.regionUrl('us')}/aos/audit?startTime=${start}&endTime=${end}&productTypes=Portal`, token)).body.data;
    }
    expect(records.map((r) => r.actionName)).toEqual(['Create tenant', 'Create app registration', 'Add client secret', 'Add client secret', 'Delete client secret']);
    for (const record of records) expect(record.product).toBe('AvePoint Online Services');
    expect(records[1]).toMatchObject({ objectType: 'App registration', objectName: 'Watcher', operationType: 'Create', actionUser: 'meridian-admin' });
    expect(JSON.stringify(records)).not.toContain(created.body.clientSecret);
  });
});
