import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Harness } from '../support/harness.js';
import { makeClientCertificate } from '../support/certificates.js';

/** Debian's chromium (`.ci/run` installs it): the console is tested in a real browser. */
const CHROMIUM = process.env.MERIDIAN_CHROMIUM ?? '/usr/bin/chromium';
// MERIDIAN_CONSOLE_SCREENSHOTS=1 refreshes the screenshots kept in docs/console/.
const SHOTS = process.env.MERIDIAN_CONSOLE_SCREENSHOTS === '1' ? join(import.meta.dirname, '../../docs/console') : mkdtempSync(join(tmpdir(), 'meridian-console-'));

describe('web console (/console) in headless Chromium', () => {
  let harness: Harness;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const files = mkdtempSync(join(tmpdir(), 'meridian-console-files-'));

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium (or set MERIDIAN_CHROMIUM).`);
    harness = await Harness.start({ regions: ['us'] });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
    const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1200, height: 900 }, locale: 'en-GB', timezoneId: 'UTC' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    // A CSP violation (an inline script or style) or a script error fails the test; the refusals
    // the tests provoke (a bad key, bad input, an unknown group) are shown in the page instead.
    page.on('console', (message) => message.type() === 'error' && !/status of 40[014]/.test(message.text()) && problems.push(message.text()));
    page.on('pageerror', (error) => problems.push(error.message));
  });
  afterAll(async () => {
    await browser?.close();
    await harness?.close();
  });

  const shot = (name: string, on: Page = page) => on.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  const heading = () => page.getByRole('heading', { level: 1 }).textContent();

  it('signs in with the admin key, creates an app, shows its secret once, takes a certificate and removes a secret', async () => {
    await page.goto(`${harness.identityUrl()}/console`);
    expect(await heading()).toBe('Sign in');
    await shot('sign-in');
    await page.getByLabel('Admin key').fill('not-the-key');
    await page.getByRole('button', { name: 'Sign in with the admin key' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toMatch(/admin key/i);

    await page.getByLabel('Admin key').fill(harness.meridian.config.adminKey);
    await page.getByRole('button', { name: 'Sign in with the admin key' }).click();
    await expect.poll(heading).toBe('Tenants');
    await page.getByLabel('Name').fill('Contoso Console');
    await page.getByLabel('Home data center').selectOption('us');
    await page.getByRole('button', { name: 'Create tenant' }).click();
    await expect.poll(heading).toBe('Contoso Console');
    await shot('tenant');

    await page.getByRole('link', { name: 'Register an app' }).click();
    await expect.poll(heading).toBe('Register an app in Contoso Console');
    await page.getByLabel('Name').fill('Reporting');
    await page.getByRole('button', { name: 'Register app' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toMatch(/at least one permission/i);
    await page.getByRole('checkbox', { name: /audit\.read\.all/ }).check();
    await page.getByRole('checkbox', { name: /records\.readwrite\.all/ }).check();
    await shot('register-app');
    await page.getByRole('button', { name: 'Register app' }).click();
    await expect.poll(heading).toBe('Registered Reporting');
    const secret = (await page.locator('.once code').textContent())!;
    const clientId = (await page.locator('dl.facts code').first().textContent())!;
    await page.getByRole('button', { name: 'Copy' }).click();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(secret);
    await shot('app-created-secret-once');
    const token = await harness.requestToken({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret, scope: 'audit.read.all' });
    expect(token.status).toBe(200);

    // The secret is shown once: the app's own page never has it.
    await page.getByRole('link', { name: 'Go to the app registration' }).click();
    await expect.poll(heading).toBe('Reporting');
    expect(await page.content()).not.toContain(secret);
    expect(await page.locator('main').textContent()).not.toMatch(/\bnull\b|undefined/);

    const refused = await makeClientCertificate({ keyUsage: 'keyEncipherment-only', keyType: 'EC' });
    writeFileSync(join(files, 'no-signature.cer'), refused.certDer);
    await page.getByLabel('Certificate file').setInputFiles(join(files, 'no-signature.cer'));
    await page.getByRole('button', { name: 'Upload certificate' }).click();
    await expect.poll(() => page.getByRole('alert').filter({ hasText: /./ }).first().textContent()).toMatch(/Digital Signature/);
    const good = await makeClientCertificate({ keyType: 'EC', commonName: 'console-test' });
    writeFileSync(join(files, 'app.cer'), good.certDer);
    await page.getByLabel('Certificate file').setInputFiles(join(files, 'app.cer'));
    await page.getByRole('button', { name: 'Upload certificate' }).click();
    await expect.poll(() => page.getByRole('cell', { name: good.thumbprintSha1, exact: true }).count()).toBe(1);

    // Rotation: a second secret, shown once, then the first removed.
    await page.getByRole('button', { name: 'Add secret' }).click();
    await expect.poll(() => page.locator('.once code').count()).toBe(1);
    const second = (await page.locator('.once code').textContent())!;
    expect(second).not.toBe(secret);
    await shot('app');
    await page.getByRole('button', { name: `Remove secret ${secret.slice(0, 3)}` }).click();
    await expect.poll(() => page.getByRole('button', { name: /^Remove secret/ }).count()).toBe(1);
    expect((await harness.requestToken({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret, scope: 'audit.read.all' })).status).toBe(401);
    expect((await harness.requestToken({ grant_type: 'client_credentials', client_id: clientId, client_secret: second, scope: 'audit.read.all' })).status).toBe(200);
    expect(problems).toEqual([]);
  });

  it('lists and rotates signing keys, and shows the tenant\'s audit records and Opus settings', async () => {
    await page.getByRole('link', { name: 'Signing keys' }).click();
    await expect.poll(heading).toBe('Signing keys');
    const before = await page.getByRole('row').count();
    await page.getByRole('button', { name: 'Rotate signing key' }).click();
    await expect.poll(() => page.getByRole('row').count()).toBe(before + 1);
    await expect.poll(() => page.getByRole('cell', { name: 'active', exact: true }).count()).toBe(1);
    await shot('signing-keys');

    // An Elements partner's customer groups show on its tenant page.
    const identity = harness.meridian.identities.get('commercial')!;
    const tenant = (await identity.directory.findTenant('Contoso Console'))!;
    await identity.customerScopes.createGroup(tenant.id, 'gold');
    await page.getByRole('link', { name: 'Tenants' }).click();
    await page.getByRole('link', { name: 'Contoso Console' }).click();
    await expect.poll(heading).toBe('Contoso Console');
    await expect.poll(() => page.getByRole('cell', { name: 'gold', exact: true }).count()).toBe(1);
    await shot('tenant');
    await page.getByRole('link', { name: 'Audit records' }).click();
    await expect.poll(heading).toBe('Audit records of Contoso Console');
    // The console's own actions are audited in the tenant's region (delivered through its outbox).
    await expect
      .poll(async () => {
        await page.getByRole('button', { name: 'Show records' }).click();
        return page.getByRole('cell', { name: /secret/i }).count();
      }, { timeout: 20_000 })
      .toBeGreaterThan(0);
    expect(await page.locator('main').textContent()).not.toMatch(/\bnull\b|undefined/);
    await shot('audit-records');

    await page.goBack();
    await page.getByRole('link', { name: 'AvePoint Opus settings' }).click();
    await expect.poll(heading).toBe('AvePoint Opus settings of Contoso Console');
    await expect.poll(() => page.getByRole('heading', { name: 'Connections' }).count()).toBe(1);
    expect(await page.getByRole('alert').filter({ hasText: /./ }).count()).toBe(0);
    await shot('opus-settings');

    await page.getByRole('link', { name: 'Tenants' }).click();
    await expect.poll(heading).toBe('Tenants');
    await shot('tenants');
    expect(problems).toEqual([]);
  });

  it('edits an Elements partner\'s customer groups and sets an app\'s customer scope, refusing bad input without storing it', async () => {
    const identity = harness.meridian.identities.get('commercial')!;
    const tenant = (await identity.directory.findTenant('Contoso Console'))!;
    const [first, second] = ['7d1c38b0-5d0e-4a53-9d0c-3f7a1e0c1a01', '7d1c38b0-5d0e-4a53-9d0c-3f7a1e0c1a02'];
    await page.goto(`${harness.identityUrl()}/console#/tenants/${tenant.id}`);
    await expect.poll(heading).toBe('Contoso Console');
    await page.getByRole('link', { name: 'Elements customer groups' }).click();
    await expect.poll(heading).toBe('Elements customer groups of Contoso Console');
    expect(await page.getByRole('heading', { name: 'gold', exact: true }).count()).toBe(1);

    // A customer id that is no GUID: refused with its reason, and no group is made.
    await page.getByLabel('Group name').fill('silver');
    await page.getByLabel('Customers (optional)').fill(`${first}\nnot-a-customer`);
    await page.getByRole('button', { name: 'Create group' }).click();
    await expect.poll(() => page.getByRole('alert').filter({ hasText: /./ }).first().textContent()).toMatch(/customerIds/);
    expect((await identity.customerScopes.listGroups(tenant.id)).map((group) => group.name)).toEqual(['gold']);

    await page.getByLabel('Customers (optional)').fill(`${first}, ${second}`);
    await page.getByRole('button', { name: 'Create group' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'silver', exact: true }).count()).toBe(1);
    const silver = page.getByRole('region', { name: 'silver' });
    await expect.poll(() => silver.getByRole('listitem').allTextContents()).toEqual([first, second]);
    await page.getByLabel('Customer ids for silver').fill(first);
    await page.getByRole('button', { name: 'Remove customers from silver' }).click();
    await expect.poll(() => silver.getByRole('listitem').allTextContents()).toEqual([second]);
    await page.getByLabel('Customer ids for gold').fill(first);
    await page.getByRole('button', { name: 'Add customers to gold' }).click();
    await expect.poll(() => page.getByRole('region', { name: 'gold' }).getByRole('listitem').allTextContents()).toEqual([first]);
    const groups = await identity.customerScopes.listGroups(tenant.id);
    expect(Object.fromEntries(groups.map((group) => [group.name, group.customerIds]))).toEqual({ gold: [first], silver: [second] });
    expect(problems).toEqual([]);
    await shot('customer-groups');

    // An Elements app's customer scope: all at first, then limited to a group; a group the partner lacks is refused.
    const app = await identity.directory.createApp(tenant.id, { name: 'Partner portal', permissions: ['elements.customers.read.all'], secretYears: 1 }, { name: 'test' });
    await page.goto(`${harness.identityUrl()}/console#/apps/${app.app.clientId}`);
    await expect.poll(heading).toBe('Partner portal');
    const scopeForm = page.getByRole('form', { name: 'Elements customer scope' });
    expect(await scopeForm.locator('p code').first().textContent()).toBe('all');
    await page.getByRole('textbox', { name: 'Customer scope' }).fill('groups:bronze');
    await page.getByRole('button', { name: 'Set customer scope' }).click();
    await expect.poll(() => scopeForm.getByRole('alert').textContent()).toMatch(/bronze/);
    await page.getByRole('textbox', { name: 'Customer scope' }).fill('groups:silver');
    await page.getByRole('button', { name: 'Set customer scope' }).click();
    await expect.poll(async () => page.getByRole('form', { name: 'Elements customer scope' }).locator('p code').first().textContent()).toBe('groups:silver');
    const stored = await harness.send('GET', `${harness.identityUrl()}/admin/apps/${app.app.clientId}/customer-scope`, harness.meridian.config.adminKey);
    expect(stored.body.customerScope).toBe('groups:silver');
    await shot('app-customer-scope');
    expect(problems).toEqual([]);
  });

  it('signs a tenant administrator in to its own tenant only: creates an app, sees its secret once, and is refused another tenant', async () => {
    const operator = (method: string, path: string, body?: unknown) => harness.send(method, `${harness.identityUrl()}/admin${path}`, harness.meridian.config.adminKey, body);
    const own = (await operator('POST', '/tenants', { name: 'Tailspin Toys', region: 'us' })).body;
    const other = (await operator('POST', '/tenants', { name: 'Wingtip Secret', region: 'us' })).body;
    const otherApp = (await operator('POST', `/tenants/${other.id}/apps`, { name: 'Wingtip payroll', permissions: ['audit.read.all'], secretYears: 1 })).body;
    const admins = (await operator('POST', `/tenants/${own.id}/apps`, { name: 'Tailspin admins', permissions: ['meridian.tenant.admin'], secretYears: 1 })).body;

    // A browser of its own: nothing of the operator's session carries over.
    const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1200, height: 900 }, locale: 'en-GB', timezoneId: 'UTC' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    const tenantPage = await context.newPage();
    tenantPage.setDefaultTimeout(10_000);
    tenantPage.on('console', (message) => message.type() === 'error' && !/status of 40[0134]/.test(message.text()) && problems.push(message.text()));
    tenantPage.on('pageerror', (error) => problems.push(error.message));
    const h1 = () => tenantPage.getByRole('heading', { level: 1 }).textContent();
    try {
      await tenantPage.goto(`${harness.identityUrl()}/console`);
      await tenantPage.getByLabel('Application (client) id').fill(admins.clientId);
      await tenantPage.getByLabel('Client secret').fill('not-the-secret');
      await tenantPage.getByRole('button', { name: 'Sign in as tenant administrator' }).click();
      await expect.poll(() => tenantPage.getByRole('alert').filter({ hasText: /./ }).first().textContent()).toMatch(/secret|client/i);
      // An app without meridian.tenant.admin is no tenant administrator.
      await tenantPage.getByLabel('Application (client) id').fill(otherApp.clientId);
      await tenantPage.getByLabel('Client secret').fill(otherApp.clientSecret);
      await tenantPage.getByRole('button', { name: 'Sign in as tenant administrator' }).click();
      await expect.poll(() => tenantPage.getByRole('alert').filter({ hasText: /./ }).first().textContent()).toMatch(/not a tenant administrator/);

      await tenantPage.getByLabel('Application (client) id').fill(admins.clientId);
      await tenantPage.getByLabel('Client secret').fill(admins.clientSecret);
      await tenantPage.getByRole('button', { name: 'Sign in as tenant administrator' }).click();
      await expect.poll(h1).toBe('Tailspin Toys');
      const navigation = tenantPage.getByRole('navigation', { name: 'Main' });
      expect(await navigation.getByRole('link', { name: 'My tenant' }).count()).toBe(1);
      expect(await navigation.getByRole('link', { name: 'Signing keys' }).isVisible()).toBe(false);
      // The secret was exchanged for a token: the browser keeps neither it nor the admin key.
      const stored = await tenantPage.evaluate('JSON.stringify({ ...sessionStorage })');
      expect(stored).not.toContain(admins.clientSecret);
      expect(stored).not.toContain(harness.meridian.config.adminKey);
      await shot('tenant-admin-tenant', tenantPage);

      await tenantPage.getByRole('link', { name: 'Register an app' }).click();
      await expect.poll(h1).toBe('Register an app in Tailspin Toys');
      expect(await tenantPage.getByRole('checkbox', { name: /meridian\.tenant\.admin/ }).count()).toBe(0);
      await tenantPage.getByLabel('Name').fill('Tailspin reporting');
      await tenantPage.getByRole('checkbox', { name: /audit\.read\.all/ }).check();
      await tenantPage.getByRole('button', { name: 'Register app' }).click();
      await expect.poll(h1).toBe('Registered Tailspin reporting');
      const secret = (await tenantPage.locator('.once code').textContent())!;
      const clientId = (await tenantPage.locator('dl.facts code').first().textContent())!;
      await shot('tenant-admin-secret-once', tenantPage);
      expect((await harness.requestToken({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret, scope: 'audit.read.all' })).status).toBe(200);
      await tenantPage.getByRole('link', { name: 'Go to the app registration' }).click();
      await expect.poll(h1).toBe('Tailspin reporting');
      expect(await tenantPage.content()).not.toContain(secret);

      // Its own audit trail, its changes under its app's name, and its Opus settings.
      await tenantPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My tenant' }).click();
      await expect.poll(h1).toBe('Tailspin Toys');
      await tenantPage.getByRole('link', { name: 'Audit records' }).click();
      await expect.poll(h1).toBe('Audit records of Tailspin Toys');
      await expect
        .poll(async () => {
          await tenantPage.getByRole('button', { name: 'Show records' }).click();
          return tenantPage.getByRole('cell', { name: `Tailspin admins (tenant administrator ${admins.clientId})` }).count();
        }, { timeout: 20_000 })
        .toBeGreaterThan(0);
      await shot('tenant-admin-audit', tenantPage);
      await tenantPage.goBack();
      await tenantPage.getByRole('link', { name: 'AvePoint Opus settings' }).click();
      await expect.poll(h1).toBe('AvePoint Opus settings of Tailspin Toys');
      await expect.poll(() => tenantPage.getByRole('heading', { name: 'Connections' }).count()).toBe(1);
      expect(await tenantPage.getByRole('alert').filter({ hasText: /./ }).count()).toBe(0);

      // The other tenant, through the admin API with the console's own token: as if it did not exist.
      const probe = (path: string) =>
        tenantPage.evaluate<{ status: number; body: string }>(`fetch('/admin${path}', { headers: { authorization: 'Bearer ' + sessionStorage.getItem('meridian-admin-key') } }).then(async (r) => ({ status: r.status, body: await r.text() }))`);
      for (const path of [`/tenants/${other.id}`, `/tenants/${other.id}/apps`, `/apps/${otherApp.clientId}`]) {
        const refused = await probe(path);
        expect(refused.status, path).toBe(404);
        expect(refused.body).not.toContain('Wingtip');
      }
      expect(JSON.parse((await probe('/tenants')).body).value.map((t: { name: string }) => t.name)).toEqual(['Tailspin Toys']);
      expect((await probe('/signing-keys')).status).toBe(403);
      await tenantPage.goto(`${harness.identityUrl()}/console#/tenants/${other.id}`);
      await expect.poll(h1).toBe('Something went wrong');
      expect(await tenantPage.getByRole('alert').filter({ hasText: /./ }).first().textContent()).toMatch(/No tenant/);
      expect(await tenantPage.locator('main').textContent()).not.toContain('Wingtip');
      await shot('tenant-admin-refused', tenantPage);
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
