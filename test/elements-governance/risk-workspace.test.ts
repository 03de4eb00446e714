import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../support/services.js';
import { expectMatchesSample, responseSample } from '../support/doc-samples.js';
import { startGovernance, type GovernanceFixture } from './support.js';

const RM = 'elements/risk-management';
const WM = 'elements/workspace-management';
const GROUPS_WITHOUT_OWNERS = '00000002-9e63-4a52-9946-00000036';

for (const engine of ENGINES) {
  describe(`Elements risk and workspace management on ${engine}`, () => {
    let f: GovernanceFixture;
    let rm: string;
    let wm: string;

    beforeAll(async () => {
      f = await startGovernance(engine);
      rm = f.path('rm', f.withTenants[0]!);
      wm = f.path('wm', f.withTenants[0]!);
    }, 240_000);
    afterAll(() => f?.h.close());

    it('lists the risk rules per data source with status and hit counts, in the `result` envelope', async () => {
      const rules = await f.get(`${rm}/detection/rules`, f.all);
      expect(rules.status).toBe(200);
      expectMatchesSample(rules.body, responseSample(`${RM}/all-data-source-match-risk-rule.md`));
      expect(new Set(rules.body.result.map((rule: { dataSource: number }) => rule.dataSource))).toEqual(new Set([1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12]));
      const users = await f.get(`${rm}/detection/rules?dataSources=6&dataSources=2`, f.all);
      expect(users.body.result.every((rule: { dataSource: number }) => [2, 6].includes(rule.dataSource))).toBe(true);
      const disabled = await f.get(`${rm}/detection/rules?status=0`, f.all);
      expect(disabled.body.result.length).toBeGreaterThan(0);
      expect(disabled.body.result.every((rule: { hitItemCount: number }) => rule.hitItemCount === 0)).toBe(true);
      expect((await f.get(`${rm}/detection/rules?dataSources=7`, f.all)).status).toBe(400);
    });

    it('pages each rule\'s hit items with the detail of its data source, as many as the rule counts', async () => {
      const rules = (await f.get(`${rm}/detection/rules?status=1`, f.all)).body.result as Array<{ ruleId: string; hitItemCount: number; dataSource: number }>;
      const sample = responseSample(`${RM}/specific-rule-detail-hit-items.md`);
      for (const rule of rules) {
        const items = await f.get(`${rm}/detection/rules/${rule.ruleId}/hit-items?pageSize=100`, f.all);
        expect(items.status).toBe(200);
        expect(items.body.metaData.totalCount, rule.ruleId).toBe(rule.hitItemCount);
        expect(items.body.data.every((item: { dataSource: number; ruleId: string }) => item.dataSource === rule.dataSource && item.ruleId === rule.ruleId)).toBe(true);
        expect(items.body.data.every((item: { detail: { mark: number } }) => item.detail.mark === 0 || item.detail.mark === 1)).toBe(true);
      }
      const groups = await f.get(`${rm}/detection/rules/${GROUPS_WITHOUT_OWNERS}/hit-items`, f.all);
      // The sample is a group's hit item: the envelope and the group detail hold field by field.
      expect(groups.body.data.length).toBeGreaterThan(0);
      expectMatchesSample(groups.body, sample);
      expect(groups.body.data.every((item: { detail: { ownerCount: number } }) => item.detail.ownerCount === 0)).toBe(true);
      expect((await f.get(`${rm}/detection/rules/00000000-0000-0000-0000-000000000000/hit-items`, f.all)).status).toBe(404);
      expect((await f.get(`${rm}/detection/rules/${GROUPS_WITHOUT_OWNERS}/hit-items?pageSize=101`, f.all)).status).toBe(400);
    });

    it('serves the four workspace overviews as their samples show, agreeing with the risk rules', async () => {
      const workspaces = await f.get(`${wm}/overview/workspace`, f.all);
      expect(workspaces.status).toBe(200);
      expectMatchesSample(workspaces.body, responseSample(`${WM}/total-of-workspaces.md`));
      const w = workspaces.body;
      expect(w.workspaces).toBe(w.teams + w.sharePointSites + w.oneDrives + w.groups + w.exchangeMailboxes);
      expect(w.orphanedWorkspaces).toBe(w.orphanedTeams + w.orphanedSharePointSites + w.orphanedOneDrives + w.orphanedGroups);
      const rules = (await f.get(`${rm}/detection/rules`, f.all)).body.result as Array<{ ruleId: string; hitItemCount: number }>;
      expect(w.orphanedGroups).toBe(rules.find((rule) => rule.ruleId === GROUPS_WITHOUT_OWNERS)!.hitItemCount);
      const compliance = await f.get(`${wm}/overview/data-protection/compliance-rate`, f.all);
      expectMatchesSample(compliance.body, responseSample(`${WM}/total-of-workspaces-incompliance.md`));
      expect(compliance.body.workspacesInCompliance + compliance.body.workspacesOutOfCompliance).toBe(w.workspaces);
      expect(compliance.body.workspacesOutOfCompliance).toBeGreaterThanOrEqual(w.orphanedGroups);
      const dspm = await f.get(`${wm}/overview/dspm/insights`, f.all);
      expectMatchesSample(dspm.body, responseSample(`${WM}/total-of-workspace-dspm.md`));
      const ransomware = await f.get(`${wm}/overview/data-protection/ransomware-detection`, f.all);
      expectMatchesSample(ransomware.body, responseSample(`${WM}/total-of-workspace-ransomware-detection.md`));
      expect(ransomware.body.teamsWithUnusualActivities).toBeLessThanOrEqual(w.teams);
    });

    it('refuses a token without the permission (403) and unknown tenants (404)', async () => {
      const um = await f.token(['elements.um.user.read.all']);
      expect((await f.get(`${rm}/detection/rules`, um)).status).toBe(403);
      expect((await f.get(`${wm}/overview/workspace`, um)).status).toBe(403);
      const unknown = `/partner/external/v3/wm/customers/${f.withTenants[0]!.id}/tenants/00000000-0000-0000-0000-000000000000/overview/workspace`;
      expect((await f.get(unknown, f.all)).status).toBe(404);
    });

    it('answers each customer from its own data center', async () => {
      const dataCenters = new Set(f.withTenants.map((customer) => customer.dataCenter));
      expect(dataCenters.size).toBeGreaterThanOrEqual(2);
      for (const customer of f.withTenants) {
        const result = await f.get(`${f.path('wm', customer)}/overview/workspace`, f.all);
        expect(result.status, customer.dataCenter).toBe(200);
        expect(result.body.workspaces).toBeGreaterThan(0);
      }
    });

    it('refuses the premium modules on a tenant without them (403 naming what is missing), and serves each once its subscription and service app are there', async () => {
      const c = f.standard;
      const tenant = c.tenantIds[0]!;
      const calls = {
        bm: () => f.post(`${f.path('bm', c)}/process-center/jobs/batch`, f.all, {}),
        createBaseline: () => f.post('/partner/external/v3/bm/baselines', f.all, { name: 'Not allowed', color: 1, customerId: c.id, tenantId: tenant }),
        rm: () => f.get(`${f.path('rm', c)}/detection/rules`, f.all),
        um: () => f.post(`${f.path('um', c)}/users/batch`, f.all, {}),
        wm: () => f.get(`${f.path('wm', c)}/overview/workspace`, f.all),
      };
      const refusal = async (call: () => ReturnType<typeof f.get>, module: RegExp, missing: RegExp) => {
        const answer = await call();
        expect(answer.status, answer.text).toBe(403);
        expect(answer.body).toEqual({ traceId: expect.any(String), error: expect.stringMatching(module), statusCode: 403 });
        expect(answer.body.error).toMatch(missing);
        expect(answer.body.error).toContain(c.id);
      };
      await refusal(calls.bm, /^Baseline management is a premium service/, /product 40.*'PartnerTenantSettingManagement'/);
      await refusal(calls.createBaseline, /^Baseline management/, /product 40/);
      await refusal(calls.rm, /^Risk management/, /product 41 or 42.*'PartnerWorkspaceOnboarding'/);
      await refusal(calls.um, /^User management/, /product 49/);
      await refusal(calls.wm, /^Workspace management/, /product 42/);
      const listed = (await f.post('/partner/external/v3/bm/tenants/batch?pageSize=100', f.all, {})).body.data.map((row: { tenantId: string }) => row.tenantId);
      expect(listed).not.toContain(tenant);
      expect(listed).toEqual(expect.arrayContaining(f.withTenants.map((customer) => customer.tenantIds[0])));

      // The documented way in: a Workspace management subscription, then the customer consents the Workspace service app.
      const licenses = await f.token(['elements.license.readwrite.all']);
      expect((await f.post(`/partner/external/v3/general/customers/${c.id}/services`, licenses, { product: 42, licenseType: 0 })).body.status).toBe(1);
      await refusal(calls.wm, /^Workspace management/, /'PartnerWorkspaceOnboarding' is not consented/);
      expect((await calls.wm()).body.error).not.toMatch(/product 42/);
      const link = await f.post(`/partner/external/v3/general/customers/${c.id}/tenants/${tenant}/apps/auth-link`, await f.token(['elements.customers.readwrite.all']), { consentMethod: 0, isReAuth: false, aadEnvironment: 0, platformEnvironmentType: 1, productNames: ['PartnerWorkspaceOnboarding'] });
      expect(link.status, link.text).toBe(200);
      const accepted = await f.h.fetch(`${f.global}/app/CustomerAppAuthorizationLink`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ linkId: link.body.id, tenantId: tenant, decision: 'accept' }).toString() });
      expect(accepted.status).toBe(200);
      expect((await calls.wm()).status).toBe(200);
      expect((await calls.rm()).status).toBe(200);
      // Workspace management is not User and device management, nor baseline management.
      await refusal(calls.um, /^User management/, /product 49/);
      await refusal(calls.bm, /^Baseline management/, /product 40/);
    });

    // Last: it closes a data center.
    it('answers a down data center\'s customers with a 503 naming it, while the partner-wide tenants batch answers the rest', async () => {
      const down = f.withTenants.find((customer) => customer.dataCenter === 'gcp-jp')!;
      const up = f.withTenants.find((customer) => customer.dataCenter === 'us')!;
      await f.h.meridian.regions.get('gcp-jp')!.close();
      const direct = await f.get(`${f.path('wm', down)}/overview/workspace`, f.all);
      expect(direct.status).toBe(503);
      expect(direct.body.error).toContain("'gcp-jp'");
      expect((await f.get(`${f.path('wm', up)}/overview/workspace`, f.all)).status).toBe(200);
      const tenants = await f.post('/partner/external/v3/bm/tenants/batch?pageSize=100', f.all, {});
      expect(tenants.status).toBe(200);
      expect(tenants.headers.get('x-meridian-unavailable-data-centers')).toBe('gcp-jp');
      const expected = f.withTenants.filter((customer) => customer.dataCenter !== 'gcp-jp').map((customer) => customer.id);
      expect(tenants.body.data.map((row: { customerId: string }) => row.customerId).sort()).toEqual(expected.sort());
      expect(tenants.body.metadata.totalCount).toBe(expected.length);
    });
  });
}
