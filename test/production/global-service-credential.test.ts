import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataCenterId, ELEMENTS_PERMISSIONS } from '../../src/elements/catalogue.js';
import { MeridianProcess } from '../security/meridian-process.js';

const V3 = '/partner/external/v3/general';

/**
 * A global-only deployment as its own process: it holds no admin key, only a service
 * credential of the `global` role, and with it serves the Elements partner API — customers'
 * tenants created at identity, their records written to and read from their data center.
 * A credential of another role stops such a node at start-up, and identity refuses it too.
 */
describe('a global-only node reaches identity with its own service credential', () => {
  let core: MeridianProcess;
  const others: MeridianProcess[] = [];
  let partner: { tenantId: string; clientId: string; clientSecret: string };
  let globalCredential: { clientId: string; clientSecret: string };
  let producerCredential: { clientId: string; clientSecret: string };

  const admin = async (method: string, path: string, body?: unknown) => {
    const answer = await core.call(method, `${core.identity}/admin${path}`, core.adminKey(), body);
    if (answer.status >= 300) throw new Error(`admin ${method} ${path}: ${answer.status} ${answer.text}`);
    return answer.body;
  };
  /** A node hosting the global endpoint only, given the identity's and region's URLs and the core's certificate. */
  const globalNode = (env: Record<string, string>) => {
    const tls = join(core.dataDir, 'tls');
    const node = new MeridianProcess('sqlite', {
      MERIDIAN_REGIONS: 'none',
      MERIDIAN_IDENTITIES: 'none',
      MERIDIAN_GLOBAL: '1',
      MERIDIAN_IDENTITY_URL_COMMERCIAL: core.identity,
      MERIDIAN_REGION_URL_US: core.region,
      MERIDIAN_TLS_CERT: join(tls, 'server.pem'),
      MERIDIAN_TLS_KEY: join(tls, 'server-key.pem'),
      MERIDIAN_CA_CERT: join(tls, 'ca.pem'),
      ...env,
    });
    others.push(node);
    return node;
  };
  const basic = (credential: { clientId: string; clientSecret: string }) => `Basic ${Buffer.from(`${credential.clientId}:${credential.clientSecret}`).toString('base64')}`;
  const serviceCall = async (credential: { clientId: string; clientSecret: string }, method: string, path: string, body?: unknown) => {
    const response = await core.fetch(`${core.identity}${path}`, {
      method,
      headers: { authorization: basic(credential), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };

  beforeAll(async () => {
    // Identity and data center us in one process: the parts the global node calls.
    core = new MeridianProcess('sqlite', { MERIDIAN_REGIONS: 'us', MERIDIAN_GLOBAL: '0' });
    await core.start();
    const tenant = await admin('POST', '/tenants', { name: 'ops@partner-global.example.com', region: 'us' });
    const app = await admin('POST', `/tenants/${tenant.id}/apps`, { name: 'partner app', permissions: ELEMENTS_PERMISSIONS, secretYears: 1 });
    partner = { tenantId: tenant.id, clientId: app.clientId, clientSecret: app.clientSecret };
    globalCredential = await admin('POST', '/service-credentials', { name: 'global tier', dataCenters: ['us'], roles: ['global'] });
    producerCredential = await admin('POST', '/service-credentials', { name: 'graph-us', dataCenters: ['us'] });
  }, 120_000);
  afterAll(async () => {
    for (const node of others) await node.dispose();
    await core?.dispose();
  }, 60_000);

  it('serves the partner API without the admin key: onboarding creates the tenant at identity and the record in its data center', async () => {
    const node = globalNode({ MERIDIAN_SERVICE_CLIENT_ID: globalCredential.clientId, MERIDIAN_SERVICE_CLIENT_SECRET: globalCredential.clientSecret });
    await node.start();
    // MeridianProcess clears MERIDIAN_ADMIN_KEY: the node made up a key of its own, which identity does not accept.
    expect((await core.call('GET', `${core.identity}/admin/tenants`, node.adminKey())).status).toBe(401);

    const issued = await core.token({ grant_type: 'client_credentials', client_id: partner.clientId, client_secret: partner.clientSecret });
    expect(issued.status, issued.text).toBe(200);
    const token = issued.body.access_token as string;
    const global = node.endpoints.global!;
    const onboarding = {
      firstName: 'Ada',
      lastName: 'Lovelace',
      organizationName: 'Analytical Engines',
      registrationAccount: 'ada@engines.example.com',
      password: 'x',
      countryCode: 'GB',
      dataCenter: dataCenterId('us'),
    };
    const onboarded = await node.call('POST', `${global}${V3}/customers`, token, onboarding);
    expect(onboarded.status, onboarded.text).toBe(200);
    expect(onboarded.body).toEqual({ status: 1, id: expect.any(String) });
    const customerId = onboarded.body.id as string;
    expect(await admin('GET', `/tenants/${customerId}`)).toMatchObject({ id: customerId, homeRegion: 'us' });

    // Reading the customer's data center takes a service token of identity for it.
    const batch = await node.call('POST', `${global}${V3}/customers/batch`, token, { customerIds: [customerId] });
    expect(batch.status, batch.text).toBe(200);
    expect(batch.body.data).toEqual([expect.objectContaining({ id: customerId, organization: 'Analytical Engines' })]);
    // The same onboarding again: identity says the tenant exists, the partner's own customer is named.
    const again = await node.call('POST', `${global}${V3}/customers`, token, onboarding);
    expect(again.body).toEqual({ status: 5, id: customerId });
  }, 120_000);

  it('stops at start-up with a credential of the wrong role, an unknown one, or none', async () => {
    await expect(globalNode({ MERIDIAN_SERVICE_CLIENT_ID: producerCredential.clientId, MERIDIAN_SERVICE_CLIENT_SECRET: producerCredential.clientSecret }).start()).rejects.toThrow(
      /has the role producer, but this node hosts the global endpoint without identity, which needs the 'global' role/,
    );
    await expect(globalNode({ MERIDIAN_SERVICE_CLIENT_ID: globalCredential.clientId, MERIDIAN_SERVICE_CLIENT_SECRET: 'not-the-secret' }).start()).rejects.toThrow(/does not know the service credential/);
    await expect(globalNode({}).start()).rejects.toThrow(/the global endpoint runs without identity: set MERIDIAN_SERVICE_CLIENT_ID and MERIDIAN_SERVICE_CLIENT_SECRET/);
  }, 120_000);

  it('refuses at identity a credential of the wrong role or data center, and opens nothing of the admin API', async () => {
    const tokenRequest = { tenantId: partner.tenantId, region: 'us', scopes: ['meridian.producer.readwrite.all'] };
    expect((await serviceCall(globalCredential, 'POST', '/service/tokens', tokenRequest)).status).toBe(200);
    const wrongRole = await serviceCall(producerCredential, 'POST', '/service/tokens', tokenRequest);
    expect(wrongRole.status).toBe(403);
    expect(wrongRole.body.error_description).toMatch(/needs the 'global' role/);
    expect((await serviceCall(producerCredential, 'POST', '/service/tenants', { name: 'not-made', region: 'us' })).status).toBe(403);
    expect((await serviceCall(globalCredential, 'POST', '/service/producer-token', { tenant: partner.tenantId })).status).toBe(403);
    const elsewhere = await serviceCall(globalCredential, 'POST', '/service/tokens', { ...tokenRequest, region: 'we' });
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.body.error_description).toMatch(/not 'we'/);
    expect((await serviceCall(globalCredential, 'GET', '/service/credential')).body).toEqual({ clientId: globalCredential.clientId, name: 'global tier', dataCenters: ['us'], roles: ['global'] });
    const asAdmin = await core.fetch(`${core.identity}/admin/tenants`, { headers: { authorization: `Bearer ${globalCredential.clientSecret}` } });
    expect(asAdmin.status).toBe(401);
    await asAdmin.body?.cancel();
  });
});
