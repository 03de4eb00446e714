import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../support/services.js';
import { expectMatchesSample, responseSample } from '../support/doc-samples.js';
import { FIELD_GROUPS } from '../../src/elements/user-management/user-update-routes.js';
import { startGovernance, type GovernanceFixture } from './support.js';

const PAGES = 'elements/user-management';
const TEST_USER_RULE = '00000002-9e63-4a52-9946-00000026';

/** A valid body for each field group: every field its page marks required, within its limits. */
const VALID: Record<string, Record<string, unknown>> = {
  'users/account-information': { mail: 'renamed@fabrikam.example', usageLocation: 'de', preferredLanguage: 'de-DE', enforceStart: true, enforceStartDateTime: '2026-01-01T00:00:00Z', enforceEnd: false, enforceEndDateTime: '2027-01-01T00:00:00Z' },
  'users/birthday': { birthday: '1980-05-17T00:00:00Z' },
  'users/contact-information': { officePhone: '323-555-111', mobile: '323-555-409', fax: '686-555-6868' },
  'users/alternate-email-address': { alternateEmailAddress: ['one@alt.example', 'two@alt.example'] },
  'users/general-information': { firstName: 'Tony', lastName: 'Brown', displayName: 'Tony Brown', jobTitle: 'IT', employeeId: 'E-1' },
  'users/istest': { isTestUser: true },
  'users/manager': { userPrincipalName: 'boss@fabrikam.example' },
  'users/office': { company: 'Organization ABC', department: 'Department A', location: 'ABC New Street' },
  'users/office-information': { postalCode: '10001', countryRegion: ' united states', state: 'NY', address: 'ABC New Street', city: 'New York' },
  'users/password-setting': { passwordNeverExpire: true },
  'users/sponsor': { userPrincipalName: 'sponsor@fabrikam.example' },
  'users/isexternal': { isExternal: true },
  'local-users/contact-information': { officePhone: '1', mobile: '2', fax: '3', ipPhone: '4', homePhone: '5', pager: '6' },
  'local-users/general-information': { firstName: 'Ann', lastName: 'Lee', displayName: 'Ann Lee', jobTitle: 'Ops', employeeId: 'E-2', middleName: 'J', initials: 'AJL', comment: 'Sample user account' },
  'local-users/office': { company: 'Org', department: '09', location: '0711', departmentNumber: '22332' },
  'local-users/office-information': { postalCode: '10001', countryRegion: 'Angola', state: 'NY', address: 'ABC', city: 'Luanda', webPage: 'https://company.example.com', poBox: 'P.O. Box 1', personalTitle: 'Dr' },
  'local-users/notes': { notes: 'This is a sample note for the user.' },
  'local-users/profile': { homeDirectory: '\\\\server\\users\\home', profilePath: '\\\\server\\profiles\\user', logonScript: 'logon.bat' },
};
/** Where each group's body shows up in a later single-user read (the value the read returns). */
const READ_BACK: Record<string, Record<string, unknown>> = {
  'users/account-information': { mail: 'renamed@fabrikam.example', usageLocation: 'DE', preferredLanguage: 'de-DE', enforceStart: true },
  'users/office-information': { countryRegion: 'United States', city: 'New York' },
  'users/manager': { manager: 'boss@fabrikam.example' },
  'users/sponsor': { sponsor: 'sponsor@fabrikam.example' },
};

for (const engine of ENGINES) {
  describe(`Elements user management on ${engine}`, () => {
    let f: GovernanceFixture;
    let cloudUser: string;
    let localUser: string;
    let base: string;
    let readOnly: string;

    beforeAll(async () => {
      f = await startGovernance(engine);
      base = f.path('um', f.withTenants[0]!);
      readOnly = await f.token(['elements.um.user.read.all']);
      const users = await f.post(`${base}/users/batch?pageSize=100`, f.all, {});
      expect(users.status).toBe(200);
      const kinds = await Promise.all(users.body.data.map(async (row: { id: string }) => ({ id: row.id, detail: (await f.get(`${base}/users/${row.id}`, f.all)).body })));
      // A local (hybrid) user's read carries its own fields (notes, profile …); a cloud user's does not.
      cloudUser = kinds.find((user) => !('notes' in user.detail))!.id;
      localUser = kinds.find((user) => 'notes' in user.detail)!.id;
      expect(cloudUser && localUser).toBeTruthy();
    }, 240_000);
    afterAll(() => f?.h.close());

    it('serves the security users dashboard, filtered by status, in the documented envelope', async () => {
      const page = await f.get(`${base}/overview/security/users`, f.all);
      expect(page.status).toBe(200);
      expect(page.body.metadata).toMatchObject({ pageIndex: 1, pageSize: 100 });
      expectMatchesSample(page.body, responseSample(`${PAGES}/dashboard_public_api/dashboard_public_api.md`));
      const blocked = await f.get(`${base}/overview/security/users?status=1`, f.all);
      expect(blocked.body.data.every((row: { status: number[] }) => row.status.includes(1))).toBe(true);
      const expected = page.body.data.filter((row: { status: number[] }) => row.status.includes(1)).length;
      expect(blocked.body.metadata.totalCount).toBe(expected);
      expect((await f.get(`${base}/overview/security/users?status=9`, f.all)).status).toBe(400);
    });

    it('pages users exactly and reads them single and in batch, as the samples show', async () => {
      const all = await f.post(`${base}/users/batch?pageSize=100`, f.all, {});
      expectMatchesSample(all.body, responseSample(`${PAGES}/user_public_api/get-information-of-users.md`));
      const pages = [];
      for (let pageIndex = 1; pageIndex <= Math.ceil(all.body.metadata.totalCount / 5); pageIndex++) pages.push(...(await f.post(`${base}/users/batch?pageIndex=${pageIndex}&pageSize=5`, f.all, null)).body.data);
      expect(pages.map((row: { id: string }) => row.id)).toEqual(all.body.data.map((row: { id: string }) => row.id));
      const filtered = await f.post(`${base}/users/batch`, f.all, { userIds: [cloudUser.toUpperCase()] });
      expect(filtered.body.data.map((row: { id: string }) => row.id)).toEqual([cloudUser]);
      const single = await f.get(`${base}/users/${cloudUser}`, f.all);
      expect(single.status).toBe(200);
      expectMatchesSample(single.body, responseSample(`${PAGES}/user_public_api/get-information-of-user.md`));
      expect((await f.get(`${base}/users/00000000-0000-0000-0000-000000000000`, f.all)).status).toBe(404);
      expect((await f.post(`${base}/users/batch?pageSize=101`, f.all, {})).status).toBe(400);
    });

    it('serves workflows, a workflow\'s users, action counts and sign-ins as the samples show', async () => {
      const workflows = await f.get(`${base}/overview/security/compliances/workflows`, f.all);
      expectMatchesSample(workflows.body, responseSample(`${PAGES}/risky_public_api/get-risk-analyze-workflow.md`));
      const identity = await f.get(`${base}/overview/security/compliances/workflows?catagory=3`, f.all);
      expect(identity.body.data.length).toBeGreaterThan(0);
      expect(identity.body.data.length).toBeLessThan(workflows.body.metadata.totalCount);
      const mfa = identity.body.data.find((workflow: { workflowDisplayName: string }) => workflow.workflowDisplayName === 'User MFA disabled');
      // The list page shows this workflow by a masked id; the catalogue's fits the mask.
      const [listed] = responseSample(`${PAGES}/risky_public_api/get-risk-analyze-workflow.md`).data as Array<{ workflowId: string; workflowDisplayName: string }>;
      expect(listed!.workflowDisplayName).toBe(mfa.workflowDisplayName);
      expect(mfa.workflowId).toMatch(new RegExp(`^${listed!.workflowId.replace(/\*/g, '[0-9a-f]')}$`));
      const detail = await f.get(`${base}/overview/security/compliances/workflows/${mfa.workflowId}`, f.all);
      expectMatchesSample(detail.body, responseSample(`${PAGES}/risky_public_api/get-compliance-category.md`));
      const mfaDisabled = await f.get(`${base}/overview/security/users?status=0`, f.all);
      expect(detail.body.riskUserCount).toBe(mfaDisabled.body.metadata.totalCount);
      expect((await f.get(`${base}/overview/security/compliances/workflows/00000000-0000-0000-0000-000000000000`, f.all)).status).toBe(404);
      const actions = await f.get(`${base}/overview/security/compliances/actions`, f.all);
      expectMatchesSample(actions.body, responseSample(`${PAGES}/risky_public_api/get-risk-action.md`));
      const risky = await f.get(`${base}/overview/security/compliances/actions?types=1`, f.all);
      expect(risky.body).toEqual({ riskyActionCount: actions.body.riskyActionCount, normalActionCount: 0 });
      const signIns = await f.get(`${base}/overview/security/compliances/signins`, f.all);
      expectMatchesSample(signIns.body, responseSample(`${PAGES}/risky_public_api/get-sign-in.md`));
      const riskySignIns = await f.get(`${base}/overview/security/compliances/signins?risky=true&pageSize=100`, f.all);
      expect(riskySignIns.body.data.every((row: { isRisk: boolean }) => row.isRisk)).toBe(true);
    });

    it('refuses a token without the permission (403) and accepts readwrite for reads', async () => {
      const other = await f.token(['elements.wm.read.all']);
      expect((await f.get(`${base}/overview/security/users`, other)).status).toBe(403);
      expect((await f.put(`${base}/users/${cloudUser}/istest`, readOnly, { isTestUser: true })).status).toBe(403);
      const readwrite = await f.token(['elements.um.user.readwrite.all']);
      expect((await f.get(`${base}/users/${cloudUser}`, readwrite)).status).toBe(200);
      expect((await f.get(`${base}/users/${cloudUser}`, readOnly)).status).toBe(200);
    });

    it('has one PUT per field group of the pages, each answering 204 and visible in a later read', async () => {
      expect(FIELD_GROUPS).toHaveLength(18);
      for (const group of FIELD_GROUPS) {
        const key = `${group.collection}/${group.segment}`;
        const user = group.appliesTo === 'local' ? localUser : cloudUser;
        const result = await f.put(`${base}/${group.collection}/${user}/${group.segment}`, f.all, VALID[key]);
        expect(result.status, `${key}: ${result.text}`).toBe(204);
        const read = (await f.get(`${base}/users/${user}`, f.all)).body;
        const expected = READ_BACK[key] ?? Object.fromEntries(Object.entries(VALID[key]!).filter(([field]) => field !== 'userPrincipalName'));
        expect(read, key).toMatchObject(expected);
      }
    });

    it('validates every required field and documented length, and a refused PUT changes nothing', async () => {
      const before = (await f.get(`${base}/users/${cloudUser}`, f.all)).body;
      const cases: Array<[string, unknown, RegExp]> = [
        ['users/general-information', { ...VALID['users/general-information'], employeeId: 'x'.repeat(17) }, /employeeId/],
        ['users/general-information', { firstName: 'Only' }, /lastName|displayName|jobTitle|employeeId/],
        ['users/contact-information', { ...VALID['users/contact-information'], fax: 'x'.repeat(65) }, /fax/],
        ['users/account-information', { ...VALID['users/account-information'], usageLocation: 'XX' }, /usageLocation/],
        ['users/account-information', { ...VALID['users/account-information'], preferredLanguage: 'xx-XX' }, /preferredLanguage/],
        ['users/office-information', { ...VALID['users/office-information'], countryRegion: 'Atlantis' }, /countryRegion/],
        ['users/birthday', { birthday: 'yesterday' }, /birthday/],
        ['users/istest', { isTestUser: 'maybe' }, /isTestUser/],
        ['users/manager', { userPrincipalName: 'not a principal' }, /userPrincipalName/],
        ['users/alternate-email-address', { alternateEmailAddress: ['no-at-sign'] }, /alternateEmailAddress/],
        ['users/office', { ...VALID['users/office'], extra: 1 }, /extra/],
      ];
      for (const [key, body, names] of cases) {
        const result = await f.put(`${base}/${key}`.replace(`${base}/users/`, `${base}/users/${cloudUser}/`), f.all, body);
        expect(result.status, key).toBe(400);
        expect(result.body.error, key).toMatch(names);
      }
      const limits = await f.put(`${base}/local-users/${localUser}/general-information`, f.all, { ...VALID['local-users/general-information'], initials: 'ABCDEFG' });
      expect(limits.status).toBe(400);
      expect(limits.body.error).toMatch(/initials/);
      expect((await f.get(`${base}/users/${cloudUser}`, f.all)).body).toEqual(before);
    });

    it('tells cloud and local users apart: a PUT of the wrong kind is a clear 400', async () => {
      const wrongCloud = await f.put(`${base}/users/${localUser}/general-information`, f.all, VALID['users/general-information']);
      expect(wrongCloud.status).toBe(400);
      expect(wrongCloud.body.error).toMatch(/hybrid\/local user.*local-users\//);
      const wrongLocal = await f.put(`${base}/local-users/${cloudUser}/notes`, f.all, VALID['local-users/notes']);
      expect(wrongLocal.status).toBe(400);
      expect(wrongLocal.body.error).toMatch(/cloud user.*users\//);
      const localManager = await f.put(`${base}/users/${localUser}/manager`, f.all, { userPrincipalName: 'CN=Terry Gu,DC=dev1,DC=com' });
      expect(localManager.status).toBe(204);
      expect((await f.put(`${base}/users/${localUser}/manager`, f.all, { userPrincipalName: 'terry@dev1.com' })).status).toBe(400);
      expect((await f.put(`${base}/users/00000000-0000-0000-0000-000000000000/istest`, f.all, { isTestUser: true })).status).toBe(404);
    });

    it('shows a user made a test user under "Test user" and in the risk counts at once', async () => {
      const rules = async () => (await f.get(`${f.path('rm', f.withTenants[0]!)}/detection/rules?dataSources=6`, f.all)).body.result;
      const testRule = async () => (await rules()).find((rule: { ruleId: string }) => rule.ruleId === TEST_USER_RULE).hitItemCount as number;
      const testUsers = async () => (await f.get(`${base}/overview/security/users?status=8`, f.all)).body;
      await f.put(`${base}/users/${localUser}/istest`, f.all, { isTestUser: false });
      const before = await testRule();
      expect((await testUsers()).metadata.totalCount).toBe(before);
      expect((await f.put(`${base}/users/${localUser}/istest`, f.all, { isTestUser: true })).status).toBe(204);
      expect(await testRule()).toBe(before + 1);
      const after = await testUsers();
      expect(after.metadata.totalCount).toBe(before + 1);
      expect(after.data.find((row: { id: string }) => row.id === localUser)).toMatchObject({ isTestUser: true, status: expect.arrayContaining([8]) });
      expect((await f.get(`${base}/users/${localUser}`, f.all)).body.status).toContain(8);
    });

    it('writes an audit record naming the user and the fields changed', async () => {
      const customer = f.withTenants[0]!;
      const directory = f.h.meridian.identities.get('commercial')!.directory;
      const { app, clientSecret } = await directory.createApp(customer.id, { name: 'auditor', permissions: ['audit.read.all'], secretYears: 1 }, { name: 'test' });
      const auditor = await f.h.token({ tenantId: customer.id, clientId: app.clientId, clientSecret: clientSecret! });
      expect((await f.put(`${base}/users/${cloudUser}/office`, f.all, { company: 'Audited Co', department: 'Audit', location: 'HQ' })).status).toBe(204);
      const now = f.clock.nowMs();
      const window = `startTime=${new Date(now - 3_600_000).toISOString()}&endTime=${new Date(now + 3_600_000).toISOString()}`;
      let found: { objectName: string; currentValue: string; additionalDetails: { fieldsChanged: string[]; userId: string } } | undefined;
      for (let attempt = 0; attempt < 50 && !found; attempt++) {
        const audit = await f.h.get(`${f.h.regionUrl(customer.dataCenter)}/aos/audit?${window}`, auditor);
        found = audit.body?.data?.find((record: { currentValue: string | null }) => record.currentValue?.includes('Audited Co'));
        if (!found) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(found).toBeDefined();
      expect(found!.additionalDetails.userId).toBe(cloudUser);
      expect(found!.additionalDetails.fieldsChanged).toEqual(['company', 'department', 'location']);
      expect(JSON.parse(found!.currentValue)).toEqual({ company: 'Audited Co', department: 'Audit', location: 'HQ' });
    });

    it('refuses customers and tenants the partner does not have, without saying whether they exist', async () => {
      const unknownCustomer = `/partner/external/v3/um/customers/00000000-0000-0000-0000-000000000001/tenants/${f.withTenants[0]!.tenantIds[0]}/users/batch`;
      expect((await f.post(unknownCustomer, f.all, {})).status).toBe(404);
      const wrongTenant = `/partner/external/v3/um/customers/${f.withTenants[0]!.id}/tenants/${f.withTenants[1]!.tenantIds[0]}/users/batch`;
      expect((await f.post(wrongTenant, f.all, {})).status).toBe(404);
      const scoped = await f.token(['elements.um.user.read.all'], `customers:${f.withTenants[1]!.id}`);
      expect((await f.post(`${base}/users/batch`, scoped, {})).status).toBe(404);
      expect((await f.post(`${f.path('um', f.withTenants[1]!)}/users/batch`, scoped, {})).status).toBe(200);
    });
  });
}
