import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectMatchesSample, mendedResponseSample, responseSample } from '../support/doc-samples.js';
import { ENGINES } from '../support/services.js';
import { startElements, CUSTOMER_DATA_CENTERS, type ElementsFixture } from './fixture.js';
import { dataCenterId } from '../../src/elements/catalogue.js';

const V3 = '/partner/external/v3/general';
const GEN = 'elements/general';
const V2DOCS = 'main/services-and-features/elements';

for (const engine of ENGINES) {
  describe(`Elements partner API (${engine})`, () => {
    let f: ElementsFixture;
    let all: string;
    beforeAll(async () => {
      f = await startElements(engine);
      all = await f.token();
    }, 180_000);
    afterAll(async () => f?.h.close());

    const customersBatch = (token: string, query = '', body?: unknown) => f.post(`${V3}/customers/batch${query}`, token, body);
    const withTenants = () => f.customers.find((c) => c.tenantIds.length > 0 && c.dataCenter === 'gcp-jp')!;

    describe('customers', () => {
      it('lists every customer once across exact pages, over three data centers, as the sample shapes them', async () => {
        const seen: string[] = [];
        for (let pageIndex = 1; pageIndex <= 3; pageIndex++) {
          const page = await customersBatch(all, `?pageIndex=${pageIndex}&pageSize=2`);
          expect(page.status).toBe(200);
          expect(page.body.metadata).toEqual({ pageIndex, pageSize: 2, totalCount: 6 });
          expectMatchesSample(page.body, responseSample(`${GEN}/customer/get-all-customers.md`));
          seen.push(...page.body.data.map((c: any) => c.id));
        }
        expect(new Set(seen)).toEqual(new Set(f.customers.map((c) => c.id)));
        expect(new Set(f.customers.map((c) => c.dataCenter))).toEqual(new Set(CUSTOMER_DATA_CENTERS));
        const noTenants = (await customersBatch(all, '', { customerIds: [f.customers[1]!.id] })).body.data[0];
        expect(noTenants).toMatchObject({ id: f.customers[1]!.id, tenants: [], managementMode: 2 });
      });

      it('filters by customerIds and defaults to page 1 of 50', async () => {
        const ids = [f.customers[0]!.id, f.customers[4]!.id];
        const page = await customersBatch(all, '', { customerIds: ids });
        expect(page.body.metadata).toEqual({ pageIndex: 1, pageSize: 50, totalCount: 2 });
        expect(page.body.data.map((c: any) => c.id).sort()).toEqual([...ids].sort());
      });

      it('refuses bad paging and bodies in the error envelope, naming the parameter', async () => {
        const big = await customersBatch(all, '?pageSize=101');
        expect(big.status).toBe(400);
        expect(big.body).toEqual({ traceId: expect.any(String), error: expect.stringContaining('pageSize'), statusCode: 400 });
        const bad = await customersBatch(all, '', { customerIds: [{}] });
        expect(bad.status).toBe(400);
        const malformed = await f.h.send('POST', `${f.global}${V3}/customers/batch`, all, '{"customerIds": [', { 'content-type': 'application/json' });
        expect(malformed.status).toBe(400);
        expect(malformed.body.error).toMatch(/JSON/);
      });

      it('403s a token without the endpoint\'s permission', async () => {
        const jobsOnly = await f.token(['elements.jobs.read.all']);
        const refused = await customersBatch(jobsOnly);
        expect(refused.status).toBe(403);
        expect(refused.body.statusCode).toBe(403);
        expect((await f.get('/partner/customers', jobsOnly)).status).toBe(403);
      });

      it('onboards a customer in its data center, idempotently, with the documented statuses', async () => {
        const writer = await f.token(['elements.customers.readwrite.all']);
        const body = { firstName: 'Tony', lastName: 'Brown', organizationName: 'OrganizationABC', registrationAccount: `tony@abc-${engine}.example.com`, password: 'x', countryCode: 'SG', dataCenter: dataCenterId('gcp-us'), tags: ['tagA'] };
        const first = await f.post(`${V3}/customers`, writer, body);
        expect(first.status).toBe(200);
        expectMatchesSample(first.body, responseSample(`${GEN}/customer/onboard-customer.md`));
        expect(first.body.status).toBe(1);
        const again = await f.post(`${V3}/customers`, writer, body);
        expect(again.body).toEqual({ status: 5, id: first.body.id });
        // A token issued before the onboarding, scoped to all customers, sees it at once.
        const listed = await customersBatch(all, '', { customerIds: [first.body.id] });
        expect(listed.body.data[0]).toMatchObject({ id: first.body.id, organization: 'OrganizationABC', countryOrRegion: 'Singapore', managementMode: 2, tenants: [] });
        const tenant = await f.admin('GET', `/tenants/${first.body.id}`);
        expect(tenant.body.homeRegion).toBe('gcp-us');
        const self = await f.post(`${V3}/customers`, writer, { ...body, registrationAccount: f.partner.name });
        expect(self.body.status).toBe(6);
        // Another partner onboarding the same account learns only that it exists.
        const other = await f.h.tenantWithApp(['elements.customers.readwrite.all'], 'we');
        const theirs = await f.post(`${V3}/customers`, await f.h.token(other), body);
        expect(theirs.body).toEqual({ status: 7, id: '' });
        const unknownCountry = await f.post(`${V3}/customers`, writer, { ...body, registrationAccount: `x-${engine}@zz.example.com`, countryCode: 'QQ' });
        expect(unknownCountry.status).toBe(400);
        const unknownDc = await f.post(`${V3}/customers`, writer, { ...body, registrationAccount: `y-${engine}@zz.example.com`, dataCenter: '00000000-0000-0000-0000-000000000000' });
        expect(unknownDc.status).toBe(400);
        expect(unknownDc.body.error).toMatch(/dataCenter/);
        const unhosted = await f.post(`${V3}/customers`, writer, { ...body, registrationAccount: `z-${engine}@zz.example.com`, dataCenter: dataCenterId('za') });
        expect(unhosted.body.status).toBe(4);
        expect((await f.admin('GET', `/tenants/z-${engine}@zz.example.com`)).status).toBe(404);
      });
    });

    describe('customer scope', () => {
      it('lists only the customers of a specific-customers scope and refuses the others like unknown ones', async () => {
        const [a, b, c] = f.customers;
        const scoped = await f.token(['elements.customers.read.all', 'elements.scanprofiles.read.all', 'partner.customers.read.all'], `customers:${a!.id},${b!.id}`);
        const page = await customersBatch(scoped);
        expect(page.body.metadata.totalCount).toBe(2);
        expect(page.body.data.map((x: any) => x.id).sort()).toEqual([a!.id, b!.id].sort());
        const filtered = await customersBatch(scoped, '', { customerIds: [c!.id] });
        expect(filtered.body).toMatchObject({ data: [], metadata: { totalCount: 0 } });
        const outOfScope = await f.post(`${V3}/customers/${c!.id}/scan-profiles/batch`, scoped);
        const unknown = await f.post(`${V3}/customers/00000000-0000-4000-8000-000000000000/scan-profiles/batch`, scoped);
        expect(outOfScope.status).toBe(404);
        expect(unknown.status).toBe(404);
        expect(outOfScope.body.error.replace(c!.id, 'ID')).toBe(unknown.body.error.replace('00000000-0000-4000-8000-000000000000', 'ID'));
        expect((await f.get('/partner/customers', scoped)).body.value).toHaveLength(2);
      });

      it('resolves a customer-groups scope to the group\'s members', async () => {
        const group = `gold-${engine}`;
        expect((await f.admin('POST', `/tenants/${f.partner.tenantId}/customer-groups`, { name: group, customerIds: [f.customers[2]!.id] })).status).toBe(201);
        expect((await f.admin('POST', `/tenants/${f.partner.tenantId}/customer-groups/${group}/members`, { customerIds: [f.customers[3]!.id] })).status).toBe(200);
        const scoped = await f.token(['elements.customers.read.all'], `groups:${group}`);
        expect((await customersBatch(scoped)).body.data.map((x: any) => x.id).sort()).toEqual([f.customers[2]!.id, f.customers[3]!.id].sort());
        const removed = await f.admin('POST', `/tenants/${f.partner.tenantId}/customer-groups/${group}/members/remove`, { customerIds: [f.customers[3]!.id] });
        expect(removed.body.customerIds).toEqual([f.customers[2]!.id]);
        expect((await f.admin('PUT', `/apps/${f.partner.clientId}/customer-scope`, { customerScope: 'groups:nope' })).status).toBe(404);
        expect((await f.admin('PUT', `/apps/${f.partner.clientId}/customer-scope`, { customerScope: 'customers:not-a-guid' })).status).toBe(400);
      });

      it('never shows another partner\'s customers', async () => {
        const other = await f.h.tenantWithApp(['elements.customers.read.all'], 'us');
        const theirs = await f.h.token(other);
        expect((await customersBatch(theirs)).body.metadata.totalCount).toBe(0);
        expect((await f.get(`${V3}/customers/${f.customers[0]!.id}/tenants/${f.customers[0]!.tenantIds[0]}`, theirs)).status).toBe(404);
      });
    });

    describe('tenants and authorization links', () => {
      it('reads a tenant, its service apps and its seats', async () => {
        const c = withTenants();
        const info = await f.get(`${V3}/customers/${c.id}/tenants/${c.tenantIds[0]}`, all);
        expect(info.status).toBe(200);
        expectMatchesSample(info.body, responseSample(`${GEN}/customer app profile/get-m365-tenant-info.md`));
        expect(info.body).toMatchObject({ id: c.tenantIds[0], aadEnvironment: 0, platformEnvironmentType: 1 });
        const apps = await f.get(`${V3}/customers/${c.id}/tenants/${c.tenantIds[0]}/product/PartnerTenantSettingManagement/apps`, all);
        expectMatchesSample(apps.body, responseSample(`${GEN}/customer app profile/get-m365-tenant-product-apps.md`));
        expect(apps.body).toEqual([{ isConsent: false }]);
        expect((await f.get(`${V3}/customers/${c.id}/tenants/${c.tenantIds[0]}/product/Nope/apps`, all)).status).toBe(400);
        const seats = await f.post(`${V3}/customers/${c.id}/3rd-party-products/type/0/tenants/batch`, all);
        expectMatchesSample(seats.body, responseSample(`${GEN}/tenant/get-3rd-party-products-tenant-type.md`));
        expect(seats.body.data[0]).toMatchObject({ type: 0, tenantId: c.tenantIds[0] });
        expect((await f.post(`${V3}/customers/${c.id}/3rd-party-products/type/1/tenants/batch`, all)).body.metadata.totalCount).toBe(0);
        expect((await f.post(`${V3}/customers/${c.id}/3rd-party-products/type/9/tenants/batch`, all)).status).toBe(400);
      });

      it('adds a tenant through a consent page the customer accepts once, then consents service apps', async () => {
        const customer = f.customers[1]!; // the customer without tenants
        const tenantId = 'ab544a09-1111-4222-8333-5efd0e57c714';
        const link = await f.post(`${V3}/customers/${customer.id}/tenants/${tenantId}/auth-link`, all, { aadEnvironment: 0, tenantFriendlyName: 'Tenant ABC', tenantSharePointAdminUrl: 'https://tenantabc-admin.sharepoint.com', customRecipientEmails: ['Jack@TenantABC.com'] });
        expect(link.status).toBe(200);
        expectMatchesSample(link.body, responseSample(`${GEN}/customer app profile/create-auth-link-to-add-tenant-for-customer.md`));
        expect(link.body.url).toBe(`${f.global}/app/CustomerAppAuthorizationLink?linkId=${link.body.id}&tenantId=${tenantId}`);
        expect((await f.get(`${V3}/customers/${customer.id}/tenants/${tenantId}`, all)).status).toBe(404);
        const page = await f.h.fetch(link.body.url);
        const html = await page.text();
        expect(page.status).toBe(200);
        expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
        expect(html).not.toMatch(/<script|\sstyle=|\son\w+=/i);
        expect(html).toContain('Tenant ABC');
        const decide = (decision: string, id = link.body.id, tenant = tenantId) =>
          f.h.fetch(`${f.global}/app/CustomerAppAuthorizationLink`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ linkId: id, tenantId: tenant, decision }).toString() });
        expect((await decide('accept', link.body.id, '00000000-0000-0000-0000-000000000000')).status).toBe(410);
        expect((await decide('accept')).status).toBe(200);
        expect((await decide('accept')).status).toBe(410);
        expect((await f.h.fetch(link.body.url)).status).toBe(410);
        const added = await f.get(`${V3}/customers/${customer.id}/tenants/${tenantId}`, all);
        expect(added.body).toEqual({ id: tenantId, name: 'Tenant ABC', aadEnvironment: 0, platformEnvironmentType: 1 });
        expect((await customersBatch(all, '', { customerIds: [customer.id] })).body.data[0].tenants).toEqual([{ id: tenantId, name: 'Tenant ABC' }]);

        const appsBody = { consentMethod: 0, isReAuth: false, aadEnvironment: 0, platformEnvironmentType: 0, productNames: ['PartnerTenantSettingManagement'] };
        const declined = await f.post(`${V3}/customers/${customer.id}/tenants/${tenantId}/apps/auth-link`, all, appsBody);
        expectMatchesSample(declined.body, responseSample(`${GEN}/customer app profile/create-auth-link-to-consent-app-for-customer.md`));
        expect((await decide('decline', declined.body.id)).status).toBe(200);
        const consentOf = async () => (await f.get(`${V3}/customers/${customer.id}/tenants/${tenantId}/product/PartnerTenantSettingManagement/apps`, all)).body;
        expect(await consentOf()).toEqual([{ isConsent: false }]);
        const accepted = await f.post(`${V3}/customers/${customer.id}/tenants/${tenantId}/apps/auth-link`, all, appsBody);
        expect((await decide('accept', accepted.body.id)).status).toBe(200);
        expect(await consentOf()).toEqual([{ isConsent: true }]);
        expect((await f.post(`${V3}/customers/${customer.id}/tenants/${tenantId}/apps/auth-link`, all, { ...appsBody, productNames: ['Other'] })).status).toBe(400);
      });

      it('expires an unused link', async () => {
        const c = withTenants();
        const link = await f.post(`${V3}/customers/${c.id}/tenants/${c.tenantIds[0]}/apps/auth-link`, all, { consentMethod: 0, isReAuth: true, aadEnvironment: 0, platformEnvironmentType: 1, productNames: ['PartnerWorkspaceOnboarding'] });
        const now = f.clock.nowMs();
        f.clock.advance(8 * 24 * 3600 * 1000);
        try {
          expect((await f.h.fetch(link.body.url)).status).toBe(410);
        } finally {
          f.clock.set(new Date(now));
        }
      });
    });

    describe('services', () => {
      it('adds a service from the partner\'s pool, idempotently, with the documented statuses', async () => {
        const c = f.customers[4]!;
        const writer = await f.token(['elements.license.readwrite.all']);
        const path = `${V3}/customers/${c.id}/services`;
        const expireTime = new Date(f.clock.nowMs() + 200 * 24 * 3600 * 1000).toISOString();
        const item = { expireTime, userSeat: 7, resource: 'PartnerUserManagement', isSameAsPool: true, subscriptionSourceType: 1, paymentType: 0 };
        const added = await f.post(path, writer, { product: 49, licenseType: 1, licenseItems: [item] });
        expect(added.status).toBe(200);
        expectMatchesSample(added.body, responseSample(`${GEN}/service subscription/add-service.md`));
        expect(added.body).toEqual({ customerId: c.id, product: 49, status: 1 });
        expect((await f.post(path, writer, { product: 49, licenseType: 1, licenseItems: [item] })).body.status).toBe(7);
        const overview = await f.get(`${V3}/customers/${c.id}/avpt-products/type/49/overview`, all);
        expectMatchesSample(overview.body, responseSample(`${GEN}/tenant/get-avpt-products-overview-type.md`));
        expect(overview.body).toEqual({ productType: 49, purchasedUserSeat: 7 });
        expect((await f.post(path, writer, { product: 65, licenseType: 1, licenseItems: [{ ...item, resource: 'PartnerStorageOptimization', subscriptionSourceType: 2 }] })).body.status).toBe(3);
        expect((await f.post(path, writer, { product: 65, licenseType: 1, licenseItems: [{ ...item, resource: 'PartnerStorageOptimization', userSeat: 1_000_000 }] })).body.status).toBe(4);
        expect((await f.post(path, writer, { product: 65, licenseType: 1, licenseItems: [{ ...item, resource: 'PartnerStorageOptimization', expireTime: '2020-01-01T00:00:00Z' }] })).body.status).toBe(11);
        expect((await f.post(path, writer, { product: 65, licenseType: 1, licenseItems: [{ ...item, resource: 'PartnerStorageOptimization', expireTime: new Date(f.clock.nowMs() + 86_400_000).toISOString() }] })).body.status).toBe(18);
        expect((await f.get(`${V3}/customers/${c.id}/avpt-products/type/65/overview`, all)).body.purchasedUserSeat).toBe(0);
        const noStorage = await f.post(path, writer, { product: 2048, licenseType: 0 });
        expect(noStorage.status).toBe(400);
        expect(noStorage.body.error).toMatch(/avepointStorageType/);
        expect((await f.post(path, writer, { product: 49, licenseType: 1, licenseItems: [{ ...item, resource: 'Office365Backup' }] })).status).toBe(400);
        expect((await f.post(path, writer, { product: 12345, licenseType: 0 })).status).toBe(400);
        expect((await f.post(path, all.replace(/.$/, ''), { product: 49, licenseType: 0 })).status).toBe(401);
        const services = await f.post(`${V3}/customers/services/batch`, all, { customerIds: [c.id] });
        expect(services.body.data[0].products.map((p: any) => p.service)).toContain('User and device management');
      });

      it('lists every customer\'s services across data centers, as the sample shapes them', async () => {
        const services = await f.post(`${V3}/customers/services/batch?pageSize=100`, all);
        expect(services.status).toBe(200);
        expectMatchesSample(services.body, responseSample(`${GEN}/service subscription/get-all-services.md`));
        expect(services.body.data.map((s: any) => s.customerId)).toEqual((await customersBatch(all, '?pageSize=100')).body.data.map((c: any) => c.id));
      });
    });

    describe('protection, jobs and scan profiles', () => {
      it('reads protected users and the protection overview', async () => {
        const c = withTenants();
        const users = await f.post(`${V3}/customers/${c.id}/tenants/${c.tenantIds[0]}/cloud-backup-m365/users/batch?pageSize=5`, all);
        expect(users.status).toBe(200);
        expectMatchesSample(users.body, responseSample(`${GEN}/tenant/get-cloud-backup-m365-users-batch.md`));
        const one = users.body.data[1];
        const byEmail = await f.post(`${V3}/customers/${c.id}/tenants/${c.tenantIds[0]}/cloud-backup-m365/users/batch`, all, { userEmails: [one.email.toUpperCase()] });
        expect(byEmail.body.data).toEqual([one]);
        const overview = await f.get(`${V3}/customers/${c.id}/cloud-backup-m365/overview`, all);
        expectMatchesSample(overview.body, mendedResponseSample(`${GEN}/job/get-customer-cloud-backup-m365-overview.md`));
        expect(overview.body.metadata.totalCount).toBe(5);
        const v2 = await f.get(`/partner/customers/${c.id}/protected`, await f.token(['partner.cbprotected.read.all']));
        expectMatchesSample(v2.body, responseSample(`${V2DOCS}/data-protection/customers-protected.md`));
        expect(v2.body.value).toEqual(overview.body.data);
      });

      it('answers a customer\'s jobs from its own regional APIs, in both versions', async () => {
        const c = withTenants();
        const page = await f.post(`${V3}/customers/${c.id}/avpt-products/jobs/batch?pageSize=4`, all, { jobType: 7, jobModule: 302 });
        expect(page.status).toBe(200);
        expectMatchesSample(page.body, responseSample(`${GEN}/job/get-customer-jobs.md`));
        // The customer's own app reads the same jobs in its data center.
        const own = await f.h.tenantWithApp(['microsoft365backup.jobInfo.read.all', 'autodiscovery.readwrite.all'], c.dataCenter, `own-${engine}-${c.id.slice(0, 6)}`);
        const directory = f.h.meridian.identities.get('commercial')!.directory;
        const { app, clientSecret } = await directory.createApp(c.id, { name: 'own', permissions: ['microsoft365backup.jobInfo.read.all', 'autodiscovery.readwrite.all'], secretYears: 1 }, { name: 'test' });
        void own;
        const customerToken = await f.h.token({ tenantId: c.id, clientId: app.clientId, clientSecret: clientSecret! });
        const regional = await f.h.get(`${f.h.regionUrl(c.dataCenter)}/backup/m365/cloudbackupjobs?objectType=2&jobType=1&pageSize=4`, customerToken);
        expect(page.body.metadata.totalCount).toBe(regional.body.metadata.totalCount);
        expect(page.body.data.map((j: any) => [j.jobId, j.totalCount, j.startTime])).toEqual(regional.body.data.map((j: any) => [j.id, String(j.backupDetails.totalCount), j.startTime]));
        const scans = await f.h.get(`${f.h.regionUrl(c.dataCenter)}/aos/jobs`, customerToken);
        const everything = await f.post(`${V3}/customers/${c.id}/avpt-products/jobs/batch?pageSize=100`, all);
        // Microsoft 365 scans are the scan list's type 0 jobs (its Google scans are jobType 10, test/elements/product-jobs.test.ts).
        expect(everything.body.data.filter((j: any) => j.jobType === 0).map((j: any) => j.jobId)).toEqual(scans.body.jobs.filter((j: any) => j.type === 0).map((j: any) => j.id));
        expect(everything.body.data.filter((j: any) => j.jobType === 7)).toHaveLength(5 * 3);
        // Exact paging across the lists: every job once.
        const ids: string[] = [];
        for (let pageIndex = 1; pageIndex <= Math.ceil(everything.body.metadata.totalCount / 5); pageIndex++) ids.push(...(await f.post(`${V3}/customers/${c.id}/avpt-products/jobs/batch?pageSize=5&pageIndex=${pageIndex}`, all)).body.data.map((j: any) => j.jobId));
        expect(ids).toEqual(everything.body.data.map((j: any) => j.jobId));
        const v2Token = await f.token(['partner.jobs.read.all']);
        const v2All = await f.get(`/partner/customers/${c.id}/jobs`, v2Token);
        expectMatchesSample(v2All.body, responseSample(`${V2DOCS}/jobs/all-backup-jobs.md`));
        expect(v2All.body.value.map((j: any) => j.jobId)).toEqual(ids);
        const v2One = await f.get(`/partner/customers/${c.id}/jobs/jobType/Microsoft 365/jobModule/SharePoint Online`, v2Token);
        expectMatchesSample(v2One.body, responseSample(`${V2DOCS}/jobs/specific-backup-jobs.md`));
        expect(v2One.body.value.slice(0, 4)).toEqual(page.body.data.map((j: any) => ({ ...j, jobType: 'Microsoft 365', jobModule: 'SharePoint Online', status: j.status === 2 ? 'Finished' : 'Failed' })));
        expect((await f.get(`/partner/customers/${c.id}/jobs/jobType/Nope/jobModule/SharePoint Online`, v2Token)).status).toBe(400);
        expect((await f.post(`${V3}/customers/${c.id}/avpt-products/jobs/batch`, all, { jobType: 99 })).status).toBe(400);
      });

      it('reads scan profiles, their details and changes, in both versions', async () => {
        const c = withTenants();
        const list = await f.post(`${V3}/customers/${c.id}/scan-profiles/batch`, all, { scanProfileIds: c.scanProfileIds });
        expectMatchesSample(list.body, responseSample(`${GEN}/job/get-customer-scan-profiles.md`));
        const id = c.scanProfileIds[0]!;
        const detail = await f.get(`${V3}/customers/${c.id}/scan-profiles/${id}`, all);
        expectMatchesSample(detail.body, responseSample(`${GEN}/job/get-customer-scan-profile-detail.md`));
        const changes = await f.get(`${V3}/customers/${c.id}/scan-profiles/${id}/changes`, all);
        expectMatchesSample(changes.body, responseSample(`${GEN}/job/get-customer-scan-profile-changes.md`));
        expect(changes.body.newRegisteredContentCount).toBe(changes.body.newRegisteredContent.length);
        expect((await f.get(`${V3}/customers/${c.id}/scan-profiles/00000000-0000-4000-8000-000000000000`, all)).status).toBe(404);
        const v2Token = await f.token(['partner.scanprofiles.read.all']);
        const v2List = await f.get(`/partner/customers/${c.id}/scanProfiles`, v2Token);
        expectMatchesSample(v2List.body, responseSample(`${V2DOCS}/scan-profiles/all-scan-profiles.md`));
        expect(v2List.body.value).toEqual(list.body.data);
        const v2Detail = await f.get(`/partner/customers/${c.id}/scanProfiles/${id}`, v2Token);
        expectMatchesSample(v2Detail.body, responseSample(`${V2DOCS}/scan-profiles/specific-scan-profiles.md`));
        expect(v2Detail.body.containers.map((x: any) => x.ObjectType)).toContain('Mailbox');
        const summary = await f.get(`/partner/customers/${c.id}/scanProfiles/${id}/dailyNewSummary`, v2Token);
        expectMatchesSample(summary.body, mendedResponseSample(`${V2DOCS}/scan-profiles/daily-scan-profile-changes.md`), '$', { allowExtraKeys: ['movedToAnotherContainer', 'removedFromMicrosoft365OrOutofPolicy'] });
        expect(summary.body).toMatchObject({ profileID: id, lastScanStatus: changes.body.lastScanStatus, newRegisteredContentCount: changes.body.newRegisteredContentCount });
        const details = await f.get(`/partner/customers/${c.id}/scanProfiles/${id}/dailyNewDetails`, v2Token);
        expectMatchesSample(details.body, responseSample(`${V2DOCS}/scan-profiles/daily-scan-profile-change-details.md`));
        expect(details.body.newRegisteredContent).toEqual(changes.body.newRegisteredContent);
      });
    });

    describe('v2', () => {
      it('serializes the same customers and services as v3, the OData way', async () => {
        const token = await f.token(['partner.customers.read.all', 'partner.license.read.all']);
        const customers = await f.get('/partner/customers', token);
        expect(customers.status).toBe(200);
        expectMatchesSample(customers.body, responseSample(`${V2DOCS}/customers/all-customers.md`));
        expect(customers.body['@odata.context']).toBe(`${f.global}/partner/$metadata#Customers`);
        const v3 = (await customersBatch(all, '?pageSize=100')).body.data;
        const names = ['N/A', 'Working', 'Failed', 'Waiting for configuration', 'Multiple issues found', 'Finished with exception', 'No backup updates'];
        expect(customers.body.value).toEqual(v3.map((c: any) => ({ id: c.id, organization: c.organization, ownerEmail: c.ownerEmail, jobStatus: names[c.jobStatus], countryOrRegion: c.countryOrRegion })));
        const one = await f.get(`/partner/customers/${v3[0].id}`, token);
        expectMatchesSample(one.body, responseSample(`${V2DOCS}/customers/specific-customers.md`));
        const services = await f.get('/partner/services', token);
        expectMatchesSample(services.body, mendedResponseSample(`${V2DOCS}/services/service-subscription.md`));
        expect((await f.get('/partner/Services', token)).body).toEqual(services.body);
        const v3Services = (await f.post(`${V3}/customers/services/batch?pageSize=100`, all)).body.data;
        expect(services.body.value.map((s: any) => s.products)).toEqual(v3Services.map((s: any) => s.products));
        const c = withTenants();
        const mine = await f.get(`/partner/services/${c.id}`, token);
        expectMatchesSample(mine.body, responseSample(`${V2DOCS}/services/service-subscription-customer.md`));
        expect(mine.body.tenantId).toBe(c.tenantIds.join(','));
      });
    });

    describe('the global endpoint', () => {
      it('lists every route it serves in /openapi.json, with operationIds', async () => {
        const doc = (await f.h.get(`${f.global}/openapi.json`)).body;
        const operations = Object.entries(doc.paths).flatMap(([path, methods]: [string, any]) => Object.entries(methods).map(([method, op]: [string, any]) => ({ path, method, op })));
        const ids = operations.map((o) => o.op.operationId);
        expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
        const v3 = operations.filter((o) => o.path.startsWith('/partner/external/v3/general/'));
        const v2 = operations.filter((o) => o.path.startsWith('/partner/') && !o.path.startsWith('/partner/external'));
        expect(v3).toHaveLength(16);
        expect(new Set(v2.map((o) => o.path.toLowerCase())).size).toBe(11);
        expect(ids).toEqual(expect.arrayContaining(['getAllCustomers', 'onboardCustomer', 'getCustomerJobs', 'getV2Customers', 'forwardGetToHomeDataCenter', 'forwardPostToHomeDataCenter', 'getConsentPage']));
        expect((await f.h.fetch(`${f.global}/docs`)).status).toBe(200);
        expect((await f.h.get(`${f.global}/ready`)).status).toBe(200);
        const region = (await f.h.get(`${f.h.regionUrl('us')}/openapi.json`)).body;
        const internal = Object.entries(region.paths).filter(([path]) => path.includes('/elements/')).flatMap(([, methods]: [string, any]) => Object.values(methods).map((op: any) => op.operationId));
        expect(internal.length).toBeGreaterThanOrEqual(17);
        expect(new Set(internal).size).toBe(internal.length);
      });

      it('still forwards other calls to the caller\'s home data center, from the parsed path only', async () => {
        const c = withTenants();
        const directory = f.h.meridian.identities.get('commercial')!.directory;
        const { app, clientSecret } = await directory.createApp(c.id, { name: 'fwd', permissions: ['autodiscovery.readwrite.all'], secretYears: 1 }, { name: 'test' });
        const token = await f.h.token({ tenantId: c.id, clientId: app.clientId, clientSecret: clientSecret! });
        const forwarded = await f.h.get(`${f.global}//aos/jobs?top=2`, token);
        expect(forwarded.status).toBe(200);
        expect(forwarded.headers.get('x-meridian-data-center')).toBe(c.dataCenter);
        expect(forwarded.body.jobs).toHaveLength(2);
      });
    });

    describe('a data center that is down', () => {
      it('answers its customers with a 503 naming it, while partner-wide lists still answer', async () => {
        const down = withTenants();
        await f.h.meridian.regions.get('gcp-jp')!.close();
        const direct = await f.post(`${V3}/customers/${down.id}/scan-profiles/batch`, all);
        expect(direct.status).toBe(503);
        expect(direct.body.error).toContain("'gcp-jp'");
        // Partner-wide customer lists answer from the directory's projection, the down data center's customers included.
        const page = await customersBatch(all, '?pageSize=100');
        expect(page.status).toBe(200);
        expect(page.body.metadata.totalCount).toBe(f.customers.length + 1);
        expect(page.body.data.find((x: any) => x.id === down.id)).toMatchObject({ id: down.id, organization: down.organization, tenants: [{ id: down.tenantIds[0] }] });
        // A list that needs the data center's facts answers the rest, and names the data center that did not answer.
        const services = await f.post(`${V3}/customers/services/batch?pageSize=100`, all);
        expect(services.status).toBe(200);
        expect(services.headers.get('x-meridian-unavailable-data-centers')).toBe('gcp-jp');
        expect(services.body.metadata.totalCount).toBe(f.customers.length + 1);
        expect(services.body.data.find((x: any) => x.customerId === down.id).products).toEqual([]);
        expect(services.body.data.find((x: any) => x.customerId === f.customers[0]!.id).products.length).toBeGreaterThan(0);
        const v2Services = await f.get('/partner/services', await f.token(['partner.license.read.all']));
        expect(v2Services.status).toBe(200);
        expect(v2Services.body.value).toHaveLength(f.customers.length + 1);
        expect((await f.get(`/partner/customers/${down.id}`, await f.token(['partner.customers.read.all']))).status).toBe(503);
      });
    });
  });
}
