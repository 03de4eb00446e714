import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { configFromEnvironment } from '../../src/runtime/config.js';
import { Meridian } from '../../src/runtime/meridian.js';
import { findDataCenter } from '../../src/topology/data-centers.js';

/**
 * Production shape: identity, a region and the global endpoint as separate deployments that
 * know each other only by URL and a private CA; the region and the global endpoint hold
 * service credentials of their own, not the admin key.
 */
describe('identity, region and global endpoint as separate deployments', () => {
  const dirs: string[] = [];
  let identity: Meridian;
  let region: Meridian;
  let global: Meridian;
  const logger = pino({ level: 'silent' });
  const dir = () => {
    const path = mkdtempSync(join(tmpdir(), 'meridian-split-'));
    dirs.push(path);
    return path;
  };

  beforeAll(async () => {
    const shared = { basePort: 0, demo: false, logLevel: 'silent', adminKey: 'shared-admin-key', pagingSecret: 'shared-paging' };
    identity = await Meridian.start(configFromEnvironment({}, { ...shared, dataDir: dir(), regions: [], environments: ['commercial'], global: false }), { logger });
    const tls = join(identity.config.dataDir, 'tls');
    const material = { tlsCertFile: join(tls, 'server.pem'), tlsKeyFile: join(tls, 'server-key.pem'), caCertFile: join(tls, 'ca.pem') };
    // The region's own credential, scoped to its data center: it never holds the admin key.
    const serviceCredential = await identity.identities.get('commercial')!.serviceCredentials.create({ name: 'region us', dataCenters: ['us'] });
    const regionOnly = { ...shared, adminKey: 'not-the-admin-key' };
    region = await Meridian.start(
      configFromEnvironment({}, { ...regionOnly, ...material, serviceCredential, dataDir: dir(), regions: [findDataCenter('us')!], environments: [], global: false, identityUrls: { commercial: identity.identityUrl('commercial') }, regionUrls: {} }),
      { logger },
    );
    // The global endpoint's own credential too (role global): it never holds the admin key either.
    const globalCredential = await identity.identities.get('commercial')!.serviceCredentials.create({ name: 'global', dataCenters: ['us'], roles: ['global'] });
    global = await Meridian.start(
      configFromEnvironment({}, { ...regionOnly, ...material, serviceCredential: globalCredential, dataDir: dir(), regions: [], environments: [], global: true, identityUrls: { commercial: identity.identityUrl('commercial') }, regionUrls: { us: region.regionUrl('us')! } }),
      { logger },
    );
    // Known in advance in production (fixed host names); here the region's port is known only now.
    identity.config.regionUrls.us = region.regionUrl('us')!;
  });
  afterAll(async () => {
    for (const part of [global, region, identity]) await part?.close();
    for (const path of dirs) rmSync(path, { recursive: true, force: true });
  });

  it('issues a token at identity that the region verifies through the JWKS, with admin audit delivered across processes', async () => {
    const directory = identity.identities.get('commercial')!.directory;
    const tenant = await directory.createTenant({ name: 'split', region: 'us' }, { name: 'test' });
    const { app, clientSecret } = await directory.createApp(tenant.id, { name: 'reader', permissions: ['audit.read.all'], secretYears: 1 }, { name: 'test' });
    await identity.identities.get('commercial')!.outbox.flush();
    const tokenResponse = await identity.fetch(`${identity.identityUrl('commercial')}/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: app.clientId, client_secret: clientSecret! }).toString(),
    });
    const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
    const start = new Date(Date.now() - 3600_000).toISOString();
    const end = new Date(Date.now() + 3600_000).toISOString();
    const direct = await region.fetch(`${region.regionUrl('us')}/aos/audit?startTime=${start}&endTime=${end}`, { headers: { authorization: `Bearer ${token}` } });
    expect(direct.status).toBe(200);
    const body = (await direct.json()) as { data: Array<{ actionName: string }> };
    expect(body.data.map((record) => record.actionName)).toEqual(['Create tenant', 'Create app registration', 'Add client secret']);

    const viaGlobal = await global.fetch(`${global.endpoints().global}/aos/audit?startTime=${start}&endTime=${end}`, { headers: { authorization: `Bearer ${token}` } });
    expect(viaGlobal.status).toBe(200);
    expect(viaGlobal.headers.get('x-meridian-data-center')).toBe('us');
    expect(((await viaGlobal.json()) as { data: unknown[] }).data).toHaveLength(3);
    const unauthenticated = await global.fetch(`${global.endpoints().global}/aos/audit`);
    expect(unauthenticated.status).toBe(401);
  });

  it('a region-only node feeds its own audit trail with its scoped service credential, never the admin key', async () => {
    const identityService = identity.identities.get('commercial')!;
    const tenant = await identityService.directory.createTenant({ name: 'split-service', region: 'us' }, { name: 'test' });
    const { app, clientSecret } = await identityService.directory.createApp(tenant.id, { name: 'reader', permissions: ['audit.read.all'], secretYears: 1 }, { name: 'test' });
    const actionTime = new Date().toISOString();
    await region.regions.get('us')!.context.audit(tenant.id, [{ id: 'region-own-record', actionTime, productType: 'Portal', actionName: 'Region service action' }]);
    const tokenResponse = await identity.fetch(`${identity.identityUrl('commercial')}/connect/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: app.clientId, client_secret: clientSecret! }).toString(),
    });
    const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
    const window = `startTime=${new Date(Date.now() - 3600_000).toISOString()}&endTime=${new Date(Date.now() + 3600_000).toISOString()}`;
    const page = (await (await region.fetch(`${region.regionUrl('us')}/aos/audit?${window}`, { headers: { authorization: `Bearer ${token}` } })).json()) as { data: Array<{ actionName: string }> };
    expect(page.data.map((record) => record.actionName)).toContain('Region service action');

    const serviceToken = (credential: { clientId: string; clientSecret: string }) =>
      identity.fetch(`${identity.identityUrl('commercial')}/service/producer-token`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${credential.clientId}:${credential.clientSecret}`).toString('base64')}`, 'content-type': 'application/json' },
        body: JSON.stringify({ tenant: tenant.id }),
      });
    const otherDataCenter = await identityService.serviceCredentials.create({ name: 'region we', dataCenters: ['we'] });
    expect((await serviceToken(otherDataCenter)).status).toBe(403);
    expect((await serviceToken({ clientId: otherDataCenter.clientId, clientSecret: 'wrong' })).status).toBe(401);
    expect((await serviceToken(region.config.serviceCredential!)).status).toBe(200);
    // The admin API does not take the service credential.
    const admin = await identity.fetch(`${identity.identityUrl('commercial')}/admin/tenants`, { headers: { authorization: `Bearer ${region.config.serviceCredential!.clientSecret}` } });
    expect(admin.status).toBe(401);
  });
});
