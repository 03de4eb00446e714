import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness } from '../support/harness.js';

/** A tenant administrator: an app of its tenant holding meridian.tenant.admin, signed in with its token. */
describe('admin API for tenant administrators', () => {
  let harness: Harness;
  let operator: (method: string, path: string, body?: unknown) => ReturnType<Harness['send']>;
  let asTenantAdmin: (method: string, path: string, body?: unknown) => ReturnType<Harness['send']>;
  let own: { id: string };
  let other: { id: string };
  let otherApp: { clientId: string; clientSecret: string; app: { secrets: Array<{ id: string }> } };
  let adminApp: { clientId: string; clientSecret: string };

  const tokenOf = async (clientId: string, clientSecret: string, scope: string) => {
    const answer = await harness.requestToken({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope });
    expect(answer.status).toBe(200);
    return answer.body.access_token as string;
  };

  beforeAll(async () => {
    harness = await Harness.start({ regions: ['us'] });
    operator = (method, path, body) => harness.send(method, `${harness.identityUrl()}/admin${path}`, harness.meridian.config.adminKey, body);
    own = (await operator('POST', '/tenants', { name: 'Own Tenant', region: 'us' })).body;
    other = (await operator('POST', '/tenants', { name: 'Other Tenant', region: 'us' })).body;
    otherApp = (await operator('POST', `/tenants/${other.id}/apps`, { name: 'Other reporting', permissions: ['audit.read.all'], secretYears: 1 })).body;
    const created = await operator('POST', `/tenants/${own.id}/apps`, { name: 'Own admins', permissions: ['meridian.tenant.admin'], secretYears: 1 });
    expect(created.status).toBe(201);
    adminApp = created.body;
    const token = await tokenOf(adminApp.clientId, adminApp.clientSecret, 'meridian.tenant.admin');
    asTenantAdmin = (method, path, body) => harness.send(method, `${harness.identityUrl()}/admin${path}`, token, body);
  });
  afterAll(() => harness?.close());

  it('lists only its own tenant and manages its apps, secrets and settings', async () => {
    const tenants = await asTenantAdmin('GET', '/tenants');
    expect(tenants.status).toBe(200);
    expect(tenants.body.value.map((t: { id: string }) => t.id)).toEqual([own.id]);
    expect((await asTenantAdmin('GET', '/tenants/Own Tenant')).body.id).toBe(own.id);

    const app = await asTenantAdmin('POST', `/tenants/${own.id}/apps`, { name: 'Exporter', permissions: ['audit.read.all'], secretYears: 1 });
    expect(app.status).toBe(201);
    expect((await harness.requestToken({ grant_type: 'client_credentials', client_id: app.body.clientId, client_secret: app.body.clientSecret, scope: 'audit.read.all' })).status).toBe(200);
    const secret = await asTenantAdmin('POST', `/apps/${app.body.clientId}/secrets`, { years: 2 });
    expect(secret.status).toBe(201);
    expect((await asTenantAdmin('DELETE', `/apps/${app.body.clientId}/secrets/${secret.body.secret.id}`)).status).toBe(204);
    expect((await asTenantAdmin('GET', `/tenants/${own.id}/apps`)).body.value.map((a: { name: string }) => a.name).sort()).toEqual(['Exporter', 'Own admins']);
    expect((await asTenantAdmin('GET', `/tenants/${own.id}/customer-groups`)).status).toBe(200);
    expect((await asTenantAdmin('GET', `/tenants/${own.id}/opus/connections`)).status).toBe(200);
    const window = new URLSearchParams({ startTime: new Date(Date.now() - 86_400_000).toISOString(), endTime: new Date(Date.now() + 60_000).toISOString() });
    expect((await asTenantAdmin('GET', `/tenants/${own.id}/audit?${window.toString()}`)).status).toBe(200);

    // The catalogue a tenant administrator grants from holds the docs' permissions only.
    const permissions = (await asTenantAdmin('GET', '/permissions')).body.value.map((p: { name: string }) => p.name);
    expect(permissions).toContain('audit.read.all');
    expect(permissions).not.toContain('meridian.tenant.admin');
    expect((await operator('GET', '/permissions')).body.value.map((p: { name: string }) => p.name)).toContain('meridian.tenant.admin');
  });

  it("answers another tenant's tenant, apps and data exactly as ones that do not exist", async () => {
    const missingTenant = '00000000-0000-4000-8000-000000000000';
    const missingApp = '00000000-0000-4000-8000-000000000001';
    const pairs: Array<[string, string, string]> = [
      ['GET', `/tenants/${other.id}`, `/tenants/${missingTenant}`],
      ['GET', `/tenants/${other.id}/apps`, `/tenants/${missingTenant}/apps`],
      ['GET', `/tenants/${other.id}/customer-groups`, `/tenants/${missingTenant}/customer-groups`],
      ['GET', `/tenants/${other.id}/opus/holds`, `/tenants/${missingTenant}/opus/holds`],
      ['GET', `/apps/${otherApp.clientId}`, `/apps/${missingApp}`],
      ['GET', `/apps/${otherApp.clientId}/customer-scope`, `/apps/${missingApp}/customer-scope`],
      ['DELETE', `/apps/${otherApp.clientId}`, `/apps/${missingApp}`],
      ['DELETE', `/apps/${otherApp.clientId}/secrets/${otherApp.app.secrets[0]!.id}`, `/apps/${missingApp}/secrets/${otherApp.app.secrets[0]!.id}`],
      ['POST', `/apps/${otherApp.clientId}/secrets`, `/apps/${missingApp}/secrets`],
    ];
    for (const [method, path, missingPath] of pairs) {
      const refused = await asTenantAdmin(method, path, method === 'POST' ? {} : undefined);
      const missing = await asTenantAdmin(method, missingPath, method === 'POST' ? {} : undefined);
      expect(refused.status, `${method} ${path}`).toBe(404);
      expect(missing.status).toBe(404);
      const generic = (text: string) => text.replace(other.id, 'X').replace(missingTenant, 'X').replace(otherApp.clientId, 'X').replace(missingApp, 'X');
      expect(generic(refused.body.error.message)).toBe(generic(missing.body.error.message));
    }
    const created = await asTenantAdmin('POST', `/tenants/${other.id}/apps`, { name: 'Intruder', permissions: ['audit.read.all'], secretYears: 1 });
    expect(created.status).toBe(404);
    expect((await asTenantAdmin('GET', '/tenants/Other Tenant')).status).toBe(404);
    // The other tenant's app is untouched and still gets tokens.
    expect((await harness.requestToken({ grant_type: 'client_credentials', client_id: otherApp.clientId, client_secret: otherApp.clientSecret, scope: 'audit.read.all' })).status).toBe(200);
    expect((await operator('GET', `/tenants/${other.id}/apps`)).body.value.map((a: { name: string }) => a.name)).toEqual(['Other reporting']);
  });

  it("refuses the operator's own actions and the grant of Meridian's permissions with 403", async () => {
    for (const [method, path, body] of [
      ['POST', '/tenants', { name: 'Mine too', region: 'us' }],
      ['GET', '/signing-keys', undefined],
      ['POST', '/signing-keys/rotate', undefined],
      ['POST', `/tenants/${own.id}/producer-token`, undefined],
      ['POST', '/service-credentials', { name: 'x', dataCenters: ['us'] }],
    ] as Array<[string, string, unknown]>) {
      const refused = await asTenantAdmin(method, path, body);
      expect(refused.status, `${method} ${path}`).toBe(403);
      expect(refused.body.error.message).toMatch(/operator/);
    }
    for (const permission of ['meridian.tenant.admin', 'Meridian.Producer.ReadWrite.All']) {
      const refused = await asTenantAdmin('POST', `/tenants/${own.id}/apps`, { name: 'Escalation', permissions: ['audit.read.all', permission], secretYears: 1 });
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toContain(permission);
    }
  });

  it('takes no token without meridian.tenant.admin, and stops taking one when its app is deleted', async () => {
    const plain = await tokenOf(otherApp.clientId, otherApp.clientSecret, 'audit.read.all');
    const refused = await harness.send('GET', `${harness.identityUrl()}/admin/tenants`, plain);
    expect(refused.status).toBe(401);
    expect(refused.body.error.message).toMatch(/meridian\.tenant\.admin/);

    const second = (await operator('POST', `/tenants/${own.id}/apps`, { name: 'Short-lived admin', permissions: ['meridian.tenant.admin', 'audit.read.all'], secretYears: 1 })).body;
    const onlyAudit = await tokenOf(second.clientId, second.clientSecret, 'audit.read.all');
    expect((await harness.send('GET', `${harness.identityUrl()}/admin/tenants`, onlyAudit)).status).toBe(401);
    const token = await tokenOf(second.clientId, second.clientSecret, 'meridian.tenant.admin');
    expect((await harness.send('GET', `${harness.identityUrl()}/admin/tenants`, token)).status).toBe(200);
    expect((await operator('DELETE', `/apps/${second.clientId}`)).status).toBe(204);
    expect((await harness.send('GET', `${harness.identityUrl()}/admin/tenants`, token)).status).toBe(401);
  });

  it("audits a tenant administrator's changes under its app's name", async () => {
    const app = await asTenantAdmin('POST', `/tenants/${own.id}/apps`, { name: 'Audited', permissions: ['audit.read.all'], secretYears: 1 });
    expect(app.status).toBe(201);
    const window = new URLSearchParams({ startTime: new Date(Date.now() - 3_600_000).toISOString(), endTime: new Date(Date.now() + 60_000).toISOString() });
    await expect
      .poll(async () => {
        const records = (await asTenantAdmin('GET', `/tenants/${own.id}/audit?${window.toString()}`)).body.data as Array<{ actionUser: string; objectName: string }>;
        return records.find((record) => record.objectName === 'Audited')?.actionUser;
      }, { timeout: 20_000 })
      .toBe(`Own admins (tenant administrator ${adminApp.clientId})`);
  });
});
