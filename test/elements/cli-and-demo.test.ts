import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { Harness } from '../support/harness.js';
import { ensureDemoTenant, DEMO_CUSTOMER_GROUP } from '../../src/runtime/demo.js';
import { findDataCenter } from '../../src/topology/data-centers.js';
import { DOC_SAMPLE_OBJECTS } from '../../src/simulator/doc-samples.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '../../bin/meridian.mjs');

describe('Elements from the CLI and in the demo', () => {
  let h: Harness;
  const cli = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: { ...process.env, MERIDIAN_DATA_DIR: h.dataDir, MERIDIAN_ADMIN_KEY: '' }, timeout: 120_000 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failure = error as { code: number; stdout: string; stderr: string };
      return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
    }
  };

  beforeAll(async () => {
    h = await Harness.start({ regions: ['us', 'we', 'gcp-us', 'gcp-jp'] });
    h.meridian.writeEndpointsFile();
  }, 120_000);
  afterAll(() => h?.close());

  it('seeds a partner\'s customers, groups them and scopes an app to the group', async () => {
    expect((await cli('tenant', 'create', '--name', 'msp@litware.example.com', '--region', 'us')).code).toBe(0);
    const seeded = await cli('seed', '--partner', 'msp@litware.example.com', '--customers', '5', '--data-centers', 'we,gcp-us', '--detailed-customers', '2', '--days', '2', '--json');
    expect(seeded.code, seeded.stderr).toBe(0);
    expect(JSON.parse(seeded.stdout)).toMatchObject({ customers: 5, tenants: 1 });
    const partner = (await h.get(`${h.identityUrl()}/admin/tenants/msp@litware.example.com`, h.meridian.config.adminKey)).body;
    const app = await cli('app', 'create', '--tenant', partner.id, '--name', 'Reader', '--permission', 'elements.customers.read.all', '--secret-years', '1', '--json');
    const reader = JSON.parse(app.stdout);
    const all = await h.send('POST', `${h.meridian.global!.url}/partner/external/v3/general/customers/batch`, await h.token({ tenantId: partner.id, clientId: reader.clientId, clientSecret: reader.clientSecret }));
    expect(all.body.metadata.totalCount).toBe(5);
    const [first, second] = all.body.data.map((c: { id: string }) => c.id);

    const created = await cli('customer-group', 'create', '--tenant', partner.id, '--name', 'emea', '--customer', first, '--json');
    expect(created.code, created.stderr).toBe(0);
    expect((await cli('customer-group', 'add', '--tenant', partner.id, '--name', 'emea', '--customer', second, '--json')).code).toBe(0);
    const scoped = await cli('app', 'create', '--tenant', partner.id, '--name', 'EMEA', '--permission', 'elements.customers.read.all', '--secret-years', '1', '--customer-scope', 'groups:emea', '--json');
    expect(scoped.code, scoped.stderr).toBe(0);
    const scopedApp = JSON.parse(scoped.stdout);
    const token = await h.token({ tenantId: partner.id, clientId: scopedApp.clientId, clientSecret: scopedApp.clientSecret });
    expect(decodeJwt(token).customer_scope).toMatchObject({ kind: 'groups', groups: ['emea'] });
    const page = await h.send('POST', `${h.meridian.global!.url}/partner/external/v3/general/customers/batch`, token);
    expect(page.body.data.map((c: { id: string }) => c.id).sort()).toEqual([first, second].sort());
    const removed = await cli('customer-group', 'remove', '--tenant', partner.id, '--name', 'emea', '--customer', second, '--json');
    expect(JSON.parse(removed.stdout).customerIds).toEqual([first]);

    const bad = await cli('app', 'create', '--tenant', partner.id, '--name', 'X', '--permission', 'elements.customers.read.all', '--secret-years', '1', '--customer-scope', 'everyone');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/customer scope/);
    const missing = await cli('app', 'create', '--tenant', partner.id, '--name', 'X', '--permission', 'elements.customers.read.all', '--secret-years', '1', '--customer-scope', 'groups:nope');
    expect(missing.stderr).toMatch(/nope/);
    // Each CLI call is a fresh process: slow on a busy machine.
  }, 240_000);

  it('makes the demo tenant a partner with customers over Azure and GCP data centers', async () => {
    const demo = await ensureDemoTenant(h.meridian);
    expect(demo?.created).toBe(true);
    const identity = h.meridian.identities.get('commercial')!;
    const app = await identity.directory.createApp(demo!.tenantId, { name: 'elements', permissions: ['elements.customers.read.all', 'elements.jobs.read.all', 'elements.wm.read.all', 'elements.bm.tenant.read.all'], secretYears: 1 }, { name: 'test' });
    const token = await h.token({ tenantId: demo!.tenantId, clientId: app.app.clientId, clientSecret: app.clientSecret! });
    const page = await h.send('POST', `${h.meridian.global!.url}/partner/external/v3/general/customers/batch`, token);
    // The customers the samples name, and one more still to be configured.
    expect(page.body.metadata.totalCount).toBe(DOC_SAMPLE_OBJECTS.elements.customers.length + 1);
    expect(page.body.data).toHaveLength(page.body.metadata.totalCount);
    const homes = await Promise.all(page.body.data.map(async (c: { id: string }) => (await h.get(`${h.identityUrl()}/admin/tenants/${c.id}`, h.meridian.config.adminKey)).body.homeRegion as string));
    expect(new Set(homes).size).toBeGreaterThanOrEqual(4);
    expect(new Set(homes.map((code) => findDataCenter(code)!.infrastructure))).toEqual(new Set(['Microsoft Azure', 'Google Cloud Platform']));
    // One customer is still to be configured: no tenants yet, as clients meet them.
    expect(page.body.data.filter((c: { tenants: unknown[]; managementMode: number }) => c.tenants.length === 0).map((c: { managementMode: number }) => c.managementMode)).toEqual([2]);
    // Every customer with tenants has jobs of every documented job type in its data center.
    for (const customer of page.body.data.filter((c: { tenants: unknown[] }) => c.tenants.length > 0)) {
      for (const jobType of [0, 7, 10, 11, 12, 15, 16]) {
        const jobs = await h.send('POST', `${h.meridian.global!.url}/partner/external/v3/general/customers/${customer.id}/avpt-products/jobs/batch?pageSize=1`, token, { jobType });
        expect(jobs.status).toBe(200);
        expect(jobs.body.metadata.totalCount, `${customer.organization} jobType ${jobType}`).toBeGreaterThan(0);
        expect(jobs.body.data[0].jobType).toBe(jobType);
      }
    }
    // Both kinds of customer: five with the premium modules, five without (the demo's rule).
    const withTenants = page.body.data.filter((c: { tenants: unknown[] }) => c.tenants.length > 0) as Array<{ id: string; tenants: Array<{ id: string }> }>;
    const workspace = await Promise.all(withTenants.map(async (c) => (await h.get(`${h.meridian.global!.url}/partner/external/v3/wm/customers/${c.id}/tenants/${c.tenants[0]!.id}/overview/workspace`, token)).status));
    expect(workspace.sort()).toEqual([200, 200, 200, 200, 200, 403, 403, 403, 403, 403]);
    const baselineTenants = await h.send('POST', `${h.meridian.global!.url}/partner/external/v3/bm/tenants/batch`, token, {});
    expect(baselineTenants.body.metadata.totalCount).toBe(5);
    const groups = await identity.customerScopes.listGroups(demo!.tenantId);
    expect(groups.map((g) => g.name)).toEqual([DEMO_CUSTOMER_GROUP]);
    expect(groups[0]!.customerIds.length).toBeGreaterThan(0);
  }, 180_000);
});
