import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from '../support/services.js';
import { docPage, expectMatchesSample, parseLooseJson, responseSample } from '../support/doc-samples.js';
import type { SeededCustomer } from '../../src/elements/simulator.js';
import { simulateDirectory } from '../../src/elements/tenant-directory/directory-simulator.js';
import { startGovernance, type GovernanceFixture } from './support.js';

const BM = 'elements/baseline-management';
const V3 = '/partner/external/v3/bm';

/** The reports page's response sample elides rows with `...`; the sample without that line. */
function reportSample(): unknown {
  const text = docPage(`${BM}/query-create-baseline-job-report-detail.md`);
  const block = text.slice(text.indexOf('## Response Sample')).split('```')[1]!;
  return parseLooseJson(block.replace(/^\s*\.\.\.\s*$/m, ''));
}

for (const engine of ENGINES) {
  describe(`Elements baseline management on ${engine}`, () => {
    let f: GovernanceFixture;
    let source: SeededCustomer;
    let target: SeededCustomer;
    let far: SeededCustomer;

    /** The customer's own producer route in its data center. */
    const produce = async (customer: SeededCustomer, path: string, value: unknown[]) => {
      const token = await f.h.producerToken(customer.id, customer.dataCenter);
      const result = await f.h.send('POST', `${f.h.regionUrl(customer.dataCenter)}/producer/elements/${path}`, token, { tenantId: customer.tenantIds[0], value });
      expect(result.status, result.text).toBe(200);
    };
    const baselines = async (ids?: string[]) => (await f.post(`${V3}/baselines/batch?pageSize=100`, f.all, ids ? { baselineIds: ids } : {})).body;
    const jobs = async (customer: SeededCustomer, ids?: string[]) => (await f.post(`${f.path('bm', customer)}/process-center/jobs/batch?pageSize=100`, f.all, ids ? { jobIds: ids } : {})).body;
    const tenants = async (ids?: string[]) => (await f.post(`${V3}/tenants/batch?pageSize=100`, f.all, ids ? { tenantIds: ids } : {})).body;
    /** Polls until `read` is no longer `pending`, as a client polls a job. */
    const settle = async <T>(read: () => Promise<T>, pending: (value: T) => boolean): Promise<T> => {
      for (let attempt = 0; attempt < 100; attempt++) {
        const value = await read();
        if (!pending(value)) return value;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error('the job did not finish');
    };
    const create = async (customer: SeededCustomer, name: string) => {
      const created = await f.post(`${V3}/baselines`, f.all, { name, color: '3', description: `${name}'s description`, customerId: customer.id, tenantId: customer.tenantIds[0] });
      expect(created.status, created.text).toBe(201);
      return created.body.baselineId as string;
    };
    const settled = (id: string) => settle(() => baselines([id]), (page) => page.data[0].status === 1).then((page) => page.data[0]);

    beforeAll(async () => {
      f = await startGovernance(engine);
      const inUs = f.withTenants.filter((customer) => customer.dataCenter === 'us');
      [source, target] = inUs as [SeededCustomer, SeededCustomer];
      far = f.withTenants.find((customer) => customer.dataCenter !== 'us')!;
      expect(target).toBeDefined();
    }, 240_000);
    afterAll(() => f?.h.close());

    it('creates a baseline (201) whose job captures the tenant\'s settings by source', async () => {
      const baselineId = await create(source, 'Gold');
      expectMatchesSample({ baselineId }, responseSample(`${BM}/create-baseline.md`));
      const baseline = await settled(baselineId);
      expect([2, 5]).toContain(baseline.status);
      expectMatchesSample(await baselines([baselineId]), responseSample(`${BM}/query-baselines.md`));
      const reports = await f.get(`${V3}/baselines/${baselineId}/reports?pageSize=100`, f.all);
      expect(reports.status).toBe(200);
      expectMatchesSample(reports.body, reportSample());
      const simulated = simulateDirectory({ tenantId: source.tenantIds[0]!, tenantName: source.organization, seed: 'elements-test', users: 12, endMs: f.clock.nowMs() }).settings;
      expect(reports.body.metadata.totalCount).toBe(simulated.length);
      expect(new Set(reports.body.data.map((row: { source: string }) => row.source))).toEqual(new Set(['Intune', 'Entra', 'Exchange', 'SharePoint', 'Teams', 'Defender']));
      const failed = reports.body.data.filter((row: { status: string }) => row.status === 'Failed');
      expect(failed.length).toBe(simulated.filter((setting) => !setting.retrievable).length);
      expect(baseline.status).toBe(failed.length > 0 ? 5 : 2);
      const sourceJobs = await jobs(source);
      expect(sourceJobs.data).toContainEqual({ jobId: expect.any(String), type: 3, status: failed.length > 0 ? 5 : 2 });
      const paged = await f.get(`${V3}/baselines/${baselineId}/reports?pageIndex=2&pageSize=10`, f.all);
      expect(paged.body.data).toEqual(reports.body.data.slice(10, 20));
    });

    it('applies baselines in ranking order as a process-center job, changing applied baselines, drift and last deployment', async () => {
      const first = await create(source, 'First');
      const second = await create(source, 'Second');
      await settled(first);
      await settled(second);
      const action = await f.post(`${f.path('bm', target)}/actions`, f.all, { actionType: '1', data: [{ baselineId: second, rankingOrder: 2 }, { baselineId: first, rankingOrder: 1 }] });
      expect(action.status, action.text).toBe(200);
      expectMatchesSample(action.body, responseSample(`${BM}/tenant-action.md`));
      const job = await settle(() => jobs(target, [action.body.jobId]), (page) => page.data[0].status <= 1);
      expect(job.data).toHaveLength(1);
      expect([2, 5]).toContain(job.data[0].type === 1 ? job.data[0].status : -1);
      expectMatchesSample(job, responseSample(`${BM}/query-job.md`));
      const state = (await tenants([target.tenantIds[0]!])).data[0];
      expect(state.appliedBaselines.map((b: { baselineId: string }) => b.baselineId)).toEqual([first, second]);
      expect(state.appliedBaselines[0].version).toBe('1');
      expect(state.lastDeployedTime).toEqual(expect.any(String));
      expect(state.status).toBe(job.data[0].status === 2 ? 7 : 2);
      expect((await baselines([first])).data[0].status).toBe(3);

      // The tenant drifts: a setting the deployment wrote (captured, and writable on the target) changes on the tenant.
      const captured = (await f.get(`${V3}/baselines/${first}/reports?pageSize=100`, f.all)).body.data.filter((row: { status: string }) => row.status === 'Successful');
      const writable = simulateDirectory({ tenantId: target.tenantIds[0]!, tenantName: target.organization, seed: 'elements-test', users: 12, endMs: f.clock.nowMs() }).settings.filter((setting) => setting.writable);
      const deployed = captured.find((row: { source: string; configuration: string }) => writable.some((setting) => setting.source === row.source && setting.configuration === row.configuration));
      await produce(target, 'baseline/settings', [{ source: deployed.source, configuration: deployed.configuration, value: '{"drifted":true}', retrievable: true, writable: true }]);
      const drifted = (await tenants([target.tenantIds[0]!])).data[0];
      expect(drifted.driftDetected).toBe(state.driftDetected + 1);
      expect(drifted.driftDetectedTime).toEqual(expect.any(String));
      expectMatchesSample(await tenants([target.tenantIds[0]!]), responseSample(`${BM}/query-tenant.md`));
    });

    it('applies baselines captured in one data center to tenants in two others, the job running where the tenant lives', async () => {
      const inWe = f.withTenants.find((customer) => customer.dataCenter === 'we')!;
      const inJp = f.withTenants.find((customer) => customer.dataCenter === 'gcp-jp')!;
      expect(new Set([source.dataCenter, inWe.dataCenter, inJp.dataCenter]).size).toBe(3);
      const travelling = await create(source, 'Travelling');
      const local = await create(inJp, 'Local to Japan');
      await settled(travelling);
      await settled(local);
      const listed = (await baselines()).metadata.totalCount;
      const writableOf = (customer: SeededCustomer) =>
        simulateDirectory({ tenantId: customer.tenantIds[0]!, tenantName: customer.organization, seed: 'elements-test', users: 12, endMs: f.clock.nowMs() }).settings.filter((setting) => setting.writable);
      const captured = (await f.get(`${V3}/baselines/${travelling}/reports?pageSize=100`, f.all)).body.data.filter((row: { status: string }) => row.status === 'Successful');

      for (const [customer, data] of [
        [inWe, [{ baselineId: travelling, rankingOrder: 1 }]],
        [inJp, [{ baselineId: local, rankingOrder: 2 }, { baselineId: travelling, rankingOrder: 1 }]],
      ] as const) {
        const action = await f.post(`${f.path('bm', customer)}/actions`, f.all, { actionType: 1, data });
        expect(action.status, action.text).toBe(200);
        const job = await settle(() => jobs(customer, [action.body.jobId]), (page) => page.data[0].status <= 1);
        expect(job.data[0]).toEqual({ jobId: action.body.jobId, type: 1, status: expect.any(Number) });
        expect([2, 5]).toContain(job.data[0].status);
        // The job is the tenant's: its own data center's process center lists it, the baseline's home does not.
        expect((await jobs(source, [action.body.jobId])).metadata.totalCount).toBe(0);
        const state = (await tenants([customer.tenantIds[0]!])).data[0];
        expect(state.appliedBaselines.map((b: { baselineId: string; baselineName: string }) => b.baselineName)).toEqual(data.length === 1 ? ['Travelling'] : ['Travelling', 'Local to Japan']);
        expect(state.status).toBe(job.data[0].status === 2 ? 7 : 2);
        expect(state.lastDeployedTime).toEqual(expect.any(String));
        // The deployed settings are the travelling baseline's: changing one on the tenant is drift there.
        const deployed = captured.find((row: { source: string; configuration: string }) => writableOf(customer).some((setting) => setting.source === row.source && setting.configuration === row.configuration));
        await produce(customer, 'baseline/settings', [{ source: deployed.source, configuration: deployed.configuration, value: '{"moved":true}', retrievable: true, writable: true }]);
        expect((await tenants([customer.tenantIds[0]!])).data[0].driftDetected).toBe(state.driftDetected + 1);
      }
      // The baseline is still listed once, at its home, and is Active there; its report is still its home's.
      const after = await baselines();
      expect(after.metadata.totalCount).toBe(listed);
      expect(after.data.filter((row: { baselineId: string }) => row.baselineId === travelling)).toEqual([expect.objectContaining({ baselineName: 'Travelling', status: 3 })]);
      expect((await baselines([local])).data[0].status).toBe(3);
      expect((await f.get(`${V3}/baselines/${travelling}/reports?pageSize=100`, f.all)).body.data.filter((row: { status: string }) => row.status === 'Successful')).toEqual(captured);

      // A baseline out of the app's customer scope is not found, wherever the tenant lives.
      const scoped = await f.token(['elements.bm.tenant.readwrite.all'], `customers:${inWe.id}`);
      const outOfScope = await f.post(`${f.path('bm', inWe)}/actions`, scoped, { actionType: 1, data: [{ baselineId: travelling, rankingOrder: 1 }] });
      expect(outOfScope.status).toBe(404);
      expect(outOfScope.body.error).toMatch(/customer scope/);
    });

    it('refuses the documented tenant and baseline states with a clear 409, changing nothing', async () => {
      await produce(target, 'baseline/tenant-state', [{ status: 6, autoAlignment: true }]);
      const expired = await f.post(`${V3}/baselines`, f.all, { name: 'No', color: 0, customerId: target.id, tenantId: target.tenantIds[0] });
      expect(expired.status).toBe(409);
      expect(expired.body.error).toMatch(/status 6/);
      const usable = await create(source, 'Usable');
      await settled(usable);
      const before = (await jobs(target)).metadata.totalCount;
      const refused = await f.post(`${f.path('bm', target)}/actions`, f.all, { actionType: 1, data: [{ baselineId: usable, rankingOrder: 1 }] });
      expect(refused.status).toBe(409);
      expect((await jobs(target)).metadata.totalCount).toBe(before);
      await produce(target, 'baseline/tenant-state', [{ status: 1, autoAlignment: true }]);
      expect((await tenants([target.tenantIds[0]!])).data[0].autoAlignment).toBe(1);

      // A tenant whose settings cannot be read: its baseline fails retrieval and cannot be applied.
      const simulated = simulateDirectory({ tenantId: far.tenantIds[0]!, tenantName: far.organization, seed: 'elements-test', users: 12, endMs: f.clock.nowMs() }).settings;
      await produce(far, 'baseline/settings', simulated.map((setting) => ({ ...setting, retrievable: false })));
      const broken = await create(far, 'Broken');
      expect((await settled(broken)).status).toBe(4);
      expect((await jobs(far)).data.at(-1)).toMatchObject({ type: 3, status: 3 });
      const failedApply = await f.post(`${f.path('bm', far)}/actions`, f.all, { actionType: 1, data: [{ baselineId: broken, rankingOrder: 1 }] });
      expect(failedApply.status).toBe(409);
      expect(failedApply.body.error).toMatch(/status 4/);
      const unknown = await f.post(`${f.path('bm', target)}/actions`, f.all, { actionType: 1, data: [{ baselineId: '00000000-0000-0000-0000-000000000000', rankingOrder: 1 }] });
      expect(unknown.status).toBe(404);
    });

    it('refuses bad input with a 400 naming the field', async () => {
      const cases: Array<[string, unknown, RegExp]> = [
        [`${V3}/baselines`, { name: 'x', color: 22, customerId: source.id, tenantId: source.tenantIds[0] }, /color/],
        [`${V3}/baselines`, { color: 1, customerId: source.id, tenantId: source.tenantIds[0] }, /name/],
        [`${f.path('bm', target)}/actions`, { actionType: 2, data: [{ baselineId: 'a', rankingOrder: 1 }] }, /actionType/],
        [`${f.path('bm', target)}/actions`, { actionType: 1, data: [] }, /data/],
        [`${f.path('bm', target)}/actions`, { actionType: 1, data: [{ baselineId: 'a', rankingOrder: 1 }, { baselineId: 'b', rankingOrder: 1 }] }, /rankingOrder/],
        [`${V3}/tenants/batch?pageSize=101`, {}, /pageSize/],
      ];
      for (const [path, body, field] of cases) {
        const result = await f.post(path, f.all, body);
        expect(result.status, path).toBe(400);
        expect(result.body.error).toMatch(field);
      }
      expect((await f.get(`${V3}/baselines/00000000-0000-0000-0000-000000000000/reports`, f.all)).status).toBe(404);
      const other = `/partner/external/v3/bm/customers/00000000-0000-0000-0000-000000000009/tenants/${target.tenantIds[0]}/process-center/jobs/batch`;
      expect((await f.post(other, f.all, {})).status).toBe(404);
    });

    it('pages the partner-wide tenants and baselines batches exactly across data centers, within the customer scope', async () => {
      const all = await tenants();
      expect(all.metadata.totalCount).toBe(f.withTenants.length);
      expect(new Set(all.data.map((row: { customerId: string }) => row.customerId))).toEqual(new Set(f.withTenants.map((customer) => customer.id)));
      const pages = [];
      for (let pageIndex = 1; pageIndex <= Math.ceil(all.metadata.totalCount / 2); pageIndex++) {
        const page = await f.post(`${V3}/tenants/batch?pageIndex=${pageIndex}&pageSize=2`, f.all, null);
        expect(page.body.metadata).toEqual({ pageIndex, pageSize: 2, totalCount: all.metadata.totalCount });
        pages.push(...page.body.data);
      }
      expect(pages).toEqual(all.data);
      const scoped = await f.token(['elements.bm.tenant.read.all', 'elements.bm.baseline.read.all'], `customers:${far.id}`);
      const scopedTenants = await f.post(`${V3}/tenants/batch`, scoped, {});
      expect(scopedTenants.body.data.map((row: { customerId: string }) => row.customerId)).toEqual([far.id]);
      const scopedBaselines = await f.post(`${V3}/baselines/batch?pageSize=100`, scoped, {});
      const farBaselines = (await baselines()).data.length;
      expect(scopedBaselines.body.metadata.totalCount).toBeLessThan(farBaselines);
      expect(scopedBaselines.body.metadata.totalCount).toBeGreaterThan(0);
      const sourceBaseline = (await baselines()).data.find((row: { baselineName: string }) => row.baselineName === 'Gold');
      expect((await f.get(`${V3}/baselines/${sourceBaseline.baselineId}/reports`, scoped)).status).toBe(404);
      const baselinePages = [];
      const everyBaseline = await baselines();
      for (let pageIndex = 1; pageIndex <= Math.ceil(everyBaseline.metadata.totalCount / 3); pageIndex++) baselinePages.push(...(await f.post(`${V3}/baselines/batch?pageIndex=${pageIndex}&pageSize=3`, f.all, {})).body.data);
      expect(baselinePages).toEqual(everyBaseline.data);
    });

    it('documents all 37 governance routes on the global endpoint, each with its operationId, and their internal twins in each region', async () => {
      const doc = (await f.h.get(`${f.global}/openapi.json`)).body;
      const governance = Object.entries(doc.paths)
        .filter(([path]) => /^\/partner\/external\/v3\/(bm|rm|um|wm)\//.test(path))
        .flatMap(([, methods]: [string, any]) => Object.values(methods).map((op: any) => op.operationId as string));
      expect(governance).toHaveLength(37);
      expect(new Set(governance).size).toBe(37);
      expect(governance).toEqual(expect.arrayContaining(['createBaseline', 'performTenantAction', 'getHitItemsOfRiskRule', 'getSecurityUsers', 'updateIsTestUserProperty', 'updateProfileOfLocalUser', 'getTotalOfWorkspaces']));
      const region = (await f.h.get(`${f.h.regionUrl('us')}/openapi.json`)).body;
      const internal = Object.keys(region.paths).filter((path) => /^\/internal\/elements\/(bm|rm|um|wm)\//.test(path));
      expect(internal.length).toBe(new Set(Object.keys(doc.paths).filter((path) => /^\/partner\/external\/v3\/(bm|rm|um|wm)\//.test(path))).size);
    });

    it('checks the documented permissions: read.all or readwrite.all for reads, readwrite.all for writes', async () => {
      const tenantRead = await f.token(['elements.bm.tenant.read.all']);
      const baselineReadWrite = await f.token(['elements.bm.baseline.readwrite.all']);
      expect((await f.post(`${V3}/baselines`, tenantRead, { name: 'x', color: 0, customerId: source.id, tenantId: source.tenantIds[0] })).status).toBe(403);
      expect((await f.post(`${V3}/baselines/batch`, tenantRead, {})).status).toBe(403);
      expect((await f.post(`${V3}/baselines/batch`, baselineReadWrite, {})).status).toBe(200);
      expect((await f.post(`${V3}/tenants/batch`, baselineReadWrite, {})).status).toBe(403);
      expect((await f.post(`${f.path('bm', target)}/actions`, tenantRead, { actionType: 1, data: [{ baselineId: 'a', rankingOrder: 1 }] })).status).toBe(403);
      expect((await f.post(`${f.path('bm', target)}/process-center/jobs/batch`, tenantRead, {})).status).toBe(200);
    });
  });
}
