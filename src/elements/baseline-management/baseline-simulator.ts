import type { ProducerClient } from '../../platform/product-module.js';
import { worldId } from '../../simulator/world.js';
import { JOB_STATUS } from './baseline-store.js';

/** Baselines a tenant's partner made in the Elements portal: captured from the tenant, and some of them applied back to it. */
export interface TenantBaselines {
  baselines: ReadonlyArray<{ baselineId: string; name: string }>;
  /** An "Apply baseline" job of baselines captured above, ranked in the order named. */
  applyJob?: { jobId: string; baselineIds: readonly string[] };
}

const WAITING = new Set<number>([JOB_STATUS.Waiting, JOB_STATUS.InProgress]);
/** A capture or apply of a simulated tenant takes milliseconds; this bounds a stuck runner. */
const SETTLE_MS = 120_000;

/**
 * Reports a tenant's portal baselines through the producer routes (under the customer's token,
 * after its settings and premium subscriptions) and waits for each job to end, as the portal's
 * process center shows it: an apply is refused while its baselines are still captured, and the
 * demo is ready only when its jobs have ended.
 */
export async function seedTenantBaselines(producer: ProducerClient, customerId: string, tenantId: string, plan: TenantBaselines, report: Record<string, number>): Promise<void> {
  const settle = async (jobIds: string[]) => {
    for (const until = Date.now() + SETTLE_MS; ; ) {
      const { value } = (await producer.post('/producer/elements/baseline/jobs', { tenantId, jobIds })) as { value: Array<{ jobId: string; status: number }> };
      if (value.length === jobIds.length && value.every((job) => !WAITING.has(job.status))) return;
      if (Date.now() > until) throw new Error(`The baseline jobs ${jobIds.join(', ')} of tenant ${tenantId} did not end within ${SETTLE_MS / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const captures = plan.baselines.map((baseline, index) => ({
    ...baseline,
    captureJobId: worldId(customerId, `bm-capture:${baseline.baselineId}`, index),
    color: index % 22,
    description: `${baseline.name}: the settings of ${tenantId}.`,
  }));
  if (captures.length === 0) return;
  await producer.post('/producer/elements/baseline/baselines', { tenantId, value: captures });
  await settle(captures.map((capture) => capture.captureJobId));
  report.baselines = (report.baselines ?? 0) + captures.length;
  if (!plan.applyJob) return;
  await producer.post('/producer/elements/baseline/applies', { tenantId, value: [{ jobId: plan.applyJob.jobId, baselines: plan.applyJob.baselineIds.map((baselineId, index) => ({ baselineId, rankingOrder: index + 1 })) }] });
  await settle([plan.applyJob.jobId]);
  report.baselineApplies = (report.baselineApplies ?? 0) + 1;
}
