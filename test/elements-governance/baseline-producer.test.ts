import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTenantBaselines } from '../../src/elements/baseline-management/baseline-simulator.js';
import { ENGINES } from '../support/services.js';
import { governanceWorld, type GovernanceWorld } from './support.js';

const GOLD = '6f1c2a9e-3b4d-4e5f-8a7b-1c2d3e4f5a6b';
const SILVER = '7a2b3c4d-5e6f-4a1b-9c8d-7e6f5a4b3c2d';
const APPLY = '8b3c4d5e-6f7a-4b2c-8d9e-0f1a2b3c4d5e';

for (const engine of ENGINES) {
  describe(`baselines the Elements portal reports through the producer path on ${engine}`, () => {
    let w: GovernanceWorld;
    const produce = (path: string, body: unknown) => w.call('POST', `/producer/elements/${path}`, body, w.customerToken);
    const baselines = async (ids: string[]) => (await w.call('POST', '/internal/elements/bm/baselines/batch?pageIndex=1&pageSize=100', { baselineIds: ids })).body.data as Array<{ baselineId: string; baselineName: string; status: number }>;
    const jobs = async () => (await w.call('POST', `${w.base('bm')}/process-center/jobs/batch?pageIndex=1&pageSize=100`, {})).body.data as Array<{ jobId: string; type: number; status: number }>;
    const report = (baselineId: string, captureJobId: string) => ({ tenantId: w.tenantId, value: [{ baselineId, captureJobId, name: 'Copied', color: 1 }] });

    beforeAll(async () => {
      w = await governanceWorld(engine, { users: 20 });
    }, 120_000);
    afterAll(() => w?.harness.close());

    it('keeps the ids the portal gave its baselines and jobs, runs them as the API does and waits for them to end', async () => {
      const counts: Record<string, number> = {};
      const producer = { post: async (path: string, body: unknown) => {
        const answer = await w.call('POST', path, body, w.customerToken);
        expect(answer.status, answer.text).toBe(200);
        return answer.body;
      } };
      await seedTenantBaselines(producer, w.customerId, w.tenantId, { baselines: [{ baselineId: GOLD.toUpperCase(), name: 'Gold' }, { baselineId: SILVER, name: 'Silver' }], applyJob: { jobId: APPLY, baselineIds: [SILVER, GOLD] } }, counts);
      expect(counts).toEqual({ baselines: 2, baselineApplies: 1 });
      const captured = w.simulation.settings.filter((setting) => setting.retrievable).length;
      const listed = await baselines([GOLD, SILVER]);
      expect(listed.map((b) => [b.baselineId, b.baselineName])).toEqual([[GOLD, 'Gold'], [SILVER, 'Silver']]);
      // Applied, so Active.
      expect(listed.map((b) => b.status)).toEqual([3, 3]);
      const reports = await w.call('GET', `/internal/elements/bm/baselines/${GOLD}/reports?pageIndex=1&pageSize=100`);
      expect(reports.body.metadata.totalCount).toBe(w.simulation.settings.length);
      expect(reports.body.data.filter((row: { status: string }) => row.status === 'Successful')).toHaveLength(captured);
      const processCenter = await jobs();
      expect(processCenter.filter((job) => job.type === 3)).toHaveLength(2);
      expect(processCenter.find((job) => job.jobId === APPLY)).toEqual({ jobId: APPLY, type: 1, status: expect.any(Number) });
      expect([2, 5]).toContain(processCenter.find((job) => job.jobId === APPLY)!.status);
      const tenant = (await w.call('POST', '/internal/elements/bm/tenants/batch?pageIndex=1&pageSize=100', { tenantIds: [w.tenantId] })).body.data[0];
      // Ranked as the apply named them.
      expect(tenant.appliedBaselines.map((b: { baselineName: string }) => b.baselineName)).toEqual(['Silver', 'Gold']);
    });

    it('leaves what a report made when it is sent again, and refuses an id in use (409)', async () => {
      const before = await jobs();
      const again = await produce('baseline/baselines', report(GOLD, '11111111-2222-4333-8444-555555555555'));
      expect(again.status, again.text).toBe(200);
      const applyAgain = await produce('baseline/applies', { tenantId: w.tenantId, value: [{ jobId: APPLY, baselines: [{ baselineId: GOLD, rankingOrder: 1 }] }] });
      expect(applyAgain.status, applyAgain.text).toBe(200);
      expect(await jobs()).toEqual(before);
      // A job id in use, for a new baseline; a baseline's id, for an apply job of nothing yet.
      const jobInUse = await produce('baseline/baselines', report('9c4d5e6f-7a8b-4c3d-9e0f-1a2b3c4d5e6f', APPLY));
      expect(jobInUse.status).toBe(409);
      expect(jobInUse.body.error).toContain(APPLY);
      expect(await baselines(['9c4d5e6f-7a8b-4c3d-9e0f-1a2b3c4d5e6f'])).toEqual([]);
      const captureJob = before.find((job) => job.type === 3)!.jobId;
      const applyInUse = await produce('baseline/applies', { tenantId: w.tenantId, value: [{ jobId: captureJob, baselines: [{ baselineId: GOLD, rankingOrder: 1 }] }] });
      expect(applyInUse.status).toBe(409);
      expect(await jobs()).toEqual(before);
    });

    it('refuses what the documented actions refuse, and bad input, in the module envelope', async () => {
      const notGuid = await produce('baseline/baselines', report('gold', '11111111-2222-4333-8444-555555555555'));
      expect(notGuid.status).toBe(400);
      const twice = await produce('baseline/applies', { tenantId: w.tenantId, value: [{ jobId: '22222222-3333-4444-8555-666666666666', baselines: [{ baselineId: GOLD, rankingOrder: 1 }, { baselineId: GOLD, rankingOrder: 2 }] }] });
      expect(twice.status).toBe(400);
      expect(twice.body.error).toContain('names a baseline twice');
      const unknown = await produce('baseline/applies', { tenantId: w.tenantId, value: [{ jobId: '22222222-3333-4444-8555-666666666666', baselines: [{ baselineId: '33333333-4444-4555-8666-777777777777', rankingOrder: 1 }] }] });
      expect(unknown.status).toBe(404);
      const otherTenant = await produce('baseline/jobs', { tenantId: '44444444-5555-4666-8777-888888888888', jobIds: [APPLY] });
      expect(otherTenant.status).toBe(404);
      // A tenant being restored cannot be a baseline's source (create-baseline.md), whoever asks.
      expect((await produce('baseline/tenant-state', { tenantId: w.tenantId, value: [{ status: 11, autoAlignment: false }] })).status).toBe(200);
      const restoring = await produce('baseline/baselines', report('9c4d5e6f-7a8b-4c3d-9e0f-1a2b3c4d5e6f', '11111111-2222-4333-8444-555555555555'));
      expect(restoring.status).toBe(409);
      expect(restoring.body.error).toContain('status 11');
      expect(restoring.body).toMatchObject({ statusCode: 409, traceId: expect.any(String) });
    });
  });
}
