import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness } from '../support/harness.js';
import { makeClientCertificate } from '../support/certificates.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '../../bin/meridian.mjs');

// Each command is a Node process starting tsx: a few seconds each on a busy machine.
describe('meridian CLI against a running instance', { timeout: 180_000 }, () => {
  let harness: Harness;
  const cli = async (...args: string[]) => cliAs('', ...args);
  /** The CLI with MERIDIAN_ADMIN_KEY set: empty reads data/admin-key (the operator's). */
  const cliAs = async (adminKey: string, ...args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: { ...process.env, MERIDIAN_DATA_DIR: harness.dataDir, MERIDIAN_ADMIN_KEY: adminKey }, timeout: 60_000 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failure = error as { code: number; stdout: string; stderr: string };
      return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
    }
  };

  beforeAll(async () => {
    harness = await Harness.start({ regions: ['us', 'we'] });
    harness.meridian.writeEndpointsFile();
  });
  afterAll(() => harness?.close());

  it('creates and lists tenants, and registers an app whose credentials get a token', async () => {
    const tenant = await cli('tenant', 'create', '--name', 'Northwind', '--region', 'we', '--json');
    expect(tenant.code, tenant.stderr).toBe(0);
    expect(JSON.parse(tenant.stdout)).toMatchObject({ name: 'Northwind', homeRegion: 'we' });
    const list = await cli('tenant', 'list', '--json');
    expect(JSON.parse(list.stdout).map((t: { name: string }) => t.name)).toContain('Northwind');

    const certificate = await makeClientCertificate();
    const certFile = join(harness.dataDir, 'app.cer');
    writeFileSync(certFile, certificate.certDer);
    const app = await cli('app', 'create', '--tenant', 'Northwind', '--name', 'Exporter', '--permission', 'audit.read.all', '--permission', 'autodiscovery.readwrite.all', '--secret-years', '2', '--certificate', certFile, '--json');
    expect(app.code, app.stderr).toBe(0);
    const created = JSON.parse(app.stdout);
    expect(created.clientId).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.app.certificates[0].thumbprintSha1).toBe(certificate.thumbprintSha1);
    const token = await harness.requestToken({ grant_type: 'client_credentials', client_id: created.clientId, client_secret: created.clientSecret, scope: 'audit.read.all' });
    expect(token.status).toBe(200);

    const apps = await cli('app', 'list', '--tenant', 'Northwind', '--json');
    expect(JSON.parse(apps.stdout)[0].permissions).toEqual(['audit.read.all', 'autodiscovery.readwrite.all']);
    const secret = await cli('secret', 'add', '--client-id', created.clientId, '--years', '3', '--json');
    expect(secret.code, secret.stderr).toBe(0);
    const removed = await cli('secret', 'remove', '--client-id', created.clientId, '--secret-id', JSON.parse(secret.stdout).secret.id);
    expect(removed.code, removed.stderr).toBe(0);
  });

  it('exits non-zero with a clear message when input is refused', async () => {
    const badRegion = await cli('tenant', 'create', '--name', 'X', '--region', 'atlantis', '--json');
    expect(badRegion.code).not.toBe(0);
    expect(badRegion.stderr).toMatch(/atlantis/);
    const badPermission = await cli('app', 'create', '--tenant', 'Northwind', '--name', 'X', '--permission', 'everything.all', '--secret-years', '1', '--json');
    expect(badPermission.code).not.toBe(0);
    expect(badPermission.stderr).toMatch(/everything\.all/);
    const badYears = await cli('app', 'create', '--tenant', 'Northwind', '--name', 'X', '--permission', 'audit.read.all', '--secret-years', '4');
    expect(badYears.code).not.toBe(0);
    expect(badYears.stderr).toMatch(/secretYears|1, 2|years/);
    const noCertUsage = await makeClientCertificate({ keyUsage: 'none' });
    const file = join(harness.dataDir, 'bad.pem');
    writeFileSync(file, noCertUsage.certPem);
    const badCert = await cli('app', 'create', '--tenant', 'Northwind', '--name', 'X', '--permission', 'audit.read.all', '--certificate', file);
    expect(badCert.code).not.toBe(0);
    expect(badCert.stderr).toMatch(/Digital Signature/);
  });

  it('seeds a tenant through the producer API', async () => {
    const tenant = JSON.parse((await cli('tenant', 'create', '--name', 'Seeded', '--region', 'us', '--json')).stdout);
    const seeded = await cli('seed', '--tenant', 'Seeded', '--audit-events', '500', '--days', '3', '--json');
    expect(seeded.code, seeded.stderr).toBe(0);
    expect(JSON.parse(seeded.stdout)).toMatchObject({ tenant: tenant.id, auditRecords: 500 });
    const app = await harness.meridian.identities.get('commercial')!.directory.createApp(tenant.id, { name: 'reader', permissions: ['audit.read.all'], secretYears: 1 }, { name: 'test' });
    const token = await harness.token({ tenantId: tenant.id, clientId: app.app.clientId, clientSecret: app.clientSecret! });
    let count = 0;
    let url: string | null = `${harness.regionUrl('us')}/aos/audit?startTime=${new Date(Date.now() - 3 * 86400_000 - 60_000).toISOString()}&endTime=${new Date().toISOString()}`;
    while (url) {
      const page = await harness.get(url, token);
      // Simulated users belong to the tenant's domain; admin actions are by the operator.
      count += page.body.data.filter((r: { actionUser: string }) => r.actionUser.endsWith('@seeded.onmicrosoft.com')).length;
      url = page.body.nextLink;
    }
    expect(count).toBe(500);
  });

  it('prints a token for curl from a secret or a certificate, without the admin key', async () => {
    const tenant = JSON.parse((await cli('tenant', 'create', '--name', 'Tokens', '--region', 'us', '--json')).stdout);
    const certificate = await makeClientCertificate({ keyType: 'EC' });
    writeFileSync(join(harness.dataDir, 'token.cer'), certificate.certDer);
    writeFileSync(join(harness.dataDir, 'token.key'), certificate.privateKeyPem);
    const created = JSON.parse((await cli('app', 'create', '--tenant', tenant.id, '--name', 'curl', '--permission', 'audit.read.all', '--secret-years', '1', '--certificate', join(harness.dataDir, 'token.cer'), '--json')).stdout);
    const bySecret = await cli('token', '--client-id', created.clientId, '--secret', created.clientSecret);
    expect(bySecret.code, bySecret.stderr).toBe(0);
    const token = bySecret.stdout.trim();
    expect(token.split('.')).toHaveLength(3);
    const window = `startTime=${new Date(Date.now() - 86_400_000).toISOString()}&endTime=${new Date().toISOString()}`;
    expect((await harness.get(`${harness.regionUrl('us')}/aos/audit?${window}`, token)).status).toBe(200);
    const byCertificate = await cli('token', '--client-id', created.clientId, '--certificate', join(harness.dataDir, 'token.cer'), '--key', join(harness.dataDir, 'token.key'), '--scope', 'audit.read.all', '--json');
    expect(byCertificate.code, byCertificate.stderr).toBe(0);
    expect(JSON.parse(byCertificate.stdout)).toMatchObject({ token_type: 'Bearer', access_token: expect.stringMatching(/^ey/) });
    const refused = await cli('token', '--client-id', created.clientId, '--secret', 'wrong');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/invalid_client/);
  });

  it('answers --json on every change and list, and reads audit records and signing keys', async () => {
    const tenant = JSON.parse((await cli('tenant', 'create', '--name', 'Jsonish', '--region', 'us', '--json')).stdout);
    const created = JSON.parse((await cli('app', 'create', '--tenant', tenant.id, '--name', 'j', '--permission', 'audit.read.all', '--secret-years', '1', '--json')).stdout);
    const secretId = created.app.secrets[0].id;
    expect(JSON.parse((await cli('secret', 'remove', '--client-id', created.clientId, '--secret-id', secretId, '--json')).stdout)).toEqual({ removed: secretId });
    const rotated = JSON.parse((await cli('keys', 'rotate', '--json')).stdout);
    expect(rotated[0]).toMatchObject({ kid: expect.any(String) });
    const keys = JSON.parse((await cli('keys', 'list', '--json')).stdout);
    expect(keys.find((key: { kid: string }) => key.kid === rotated[0].kid)).toMatchObject({ state: 'active' });
    expect(JSON.parse((await cli('app', 'delete', '--client-id', created.clientId, '--json')).stdout)).toEqual({ deleted: created.clientId });
    // The tenant's own audit trail, read through the admin API from its region: first wait for the
    // outbox to deliver it (asynchronous), then read it with the CLI.
    harness.meridian.identities.get('commercial')!.outbox.kick();
    const identity = harness.identityUrl();
    const adminKey = harness.meridian.config.adminKey;
    const window = `startTime=${new Date(Date.now() - 86_400_000).toISOString()}&endTime=${new Date(Date.now() + 60_000).toISOString()}`;
    await expect
      .poll(async () => (await harness.get(`${identity}/admin/tenants/${tenant.id}/audit?${window}`, adminKey)).body.data?.map((record: { actionName: string }) => record.actionName), { timeout: 30_000 })
      .toContain('Delete app registration');
    const audit = await cli('audit', '--tenant', 'Jsonish', '--json');
    expect(audit.code, audit.stderr).toBe(0);
    expect(JSON.parse(audit.stdout).map((record: { actionName: string }) => record.actionName)).toEqual(expect.arrayContaining(['Create tenant', 'Create app registration', 'Delete client secret', 'Delete app registration']));
  });

  it("creates a tenant administrator whose token drives the CLI for its own tenant only", async () => {
    await cli('tenant', 'create', '--name', 'Adatum', '--region', 'us', '--json');
    const created = await cli('tenant-admin', 'create', '--tenant', 'Adatum', '--json');
    expect(created.code, created.stderr).toBe(0);
    const admin = JSON.parse(created.stdout);
    expect(admin).toMatchObject({ clientId: expect.any(String), clientSecret: expect.any(String), console: `${harness.identityUrl()}/console` });
    const token = (await cli('token', '--client-id', admin.clientId, '--secret', admin.clientSecret, '--scope', 'meridian.tenant.admin')).stdout.trim();
    const app = await cliAs(token, 'app', 'create', '--tenant', 'Adatum', '--name', 'Adatum reports', '--permission', 'audit.read.all', '--secret-years', '1', '--json');
    expect(app.code, app.stderr).toBe(0);
    expect(JSON.parse((await cliAs(token, 'app', 'list', '--tenant', 'Adatum', '--json')).stdout).map((a: { name: string }) => a.name)).toEqual(['Tenant administrators', 'Adatum reports']);
    const others = await cliAs(token, 'app', 'list', '--tenant', 'Northwind', '--json');
    expect(others.code).toBe(1);
    expect(others.stderr).toMatch(/No tenant 'Northwind'/);
    const rotate = await cliAs(token, 'keys', 'rotate', '--json');
    expect(rotate.code).toBe(1);
    expect(rotate.stderr).toMatch(/Only the operator/);
  });
});
