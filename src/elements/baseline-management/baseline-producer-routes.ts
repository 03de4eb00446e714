import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { notFound } from '../../platform/errors.js';
import { PRODUCER_PERMISSION } from '../../platform/producer.js';
import { resolveTenant, type CustomerLookup } from '../governance/endpoint.js';
import { tenantProducerRoute } from '../tenant-directory/directory-producer-routes.js';
import type { TenantKey } from '../tenant-directory/directory-store.js';
import type { BaselineJobs } from './baseline-jobs.js';
import { checkRanking } from './baseline-routes.js';
import { JOB_TYPE, type BaselineStore } from './baseline-store.js';

const Guid = (description: string) => Type.String({ pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$', description });

const BaselineReport = Type.Object(
  {
    baselineId: Guid('The id the portal gave the baseline.'),
    captureJobId: Guid('The id of its "Create baseline" process-center job.'),
    name: Type.String({ minLength: 1, maxLength: 256 }),
    color: Type.Integer({ minimum: 0, maximum: 21 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);

const ApplyReport = Type.Object(
  {
    jobId: Guid('The id of the "Apply baseline" process-center job.'),
    baselines: Type.Array(Type.Object({ baselineId: Type.String({ minLength: 1, maxLength: 100 }), rankingOrder: Type.Integer({ minimum: 1, maximum: 1000 }) }, { additionalProperties: false }), { minItems: 1, maxItems: 20 }),
  },
  { additionalProperties: false },
);

type BaselineItem = { baselineId: string; captureJobId: string; name: string; color: number; description?: string };
type ApplyItem = { jobId: string; baselines: Array<{ baselineId: string; rankingOrder: number }> };

/**
 * What the Elements portal does to a tenant's baselines outside this API, reported by its
 * producer under the customer's token with the ids the portal gave them: a baseline created from
 * the tenant, and baselines applied to it. Each runs as the documented actions run (the same
 * refusals, the same process-center job on the job runner), so the documented reads show it. A
 * report sent again (its answer lost) leaves what the first one made; an id in use otherwise is
 * 409. The producer watches its jobs through `baseline/jobs`, as the portal's process center does.
 */
export function registerBaselineProducerRoutes(app: FastifyInstance, lookup: CustomerLookup, store: BaselineStore, jobs: BaselineJobs): void {
  const partnerOf = async (reported: TenantKey) => {
    const customer = (await lookup(reported.customerId))!;
    // The portal offers baseline management only where the customer has it.
    return { partnerId: customer.partnerId, key: await resolveTenant(lookup, customer.partnerId, reported.customerId, reported.tenantId, 'bm') };
  };

  tenantProducerRoute(app, lookup, 'baseline/baselines', 'Report baselines created from a tenant in the Elements portal (each captured as a process-center job)', BaselineReport, 100, async (reported, items: BaselineItem[]) => {
    const { partnerId, key } = await partnerOf(reported);
    for (const item of items) {
      const known = await store.baseline(store.db, partnerId, item.baselineId);
      if (known && !known.is_copy && known.customer_id === key.customerId && known.tenant_id === key.tenantId) continue;
      await jobs.createBaseline(partnerId, key, item, { baselineId: item.baselineId, jobId: item.captureJobId });
    }
  });

  tenantProducerRoute(app, lookup, 'baseline/applies', 'Report baselines applied to a tenant in the Elements portal (each apply a process-center job)', ApplyReport, 20, async (reported, items: ApplyItem[]) => {
    for (const item of items) checkRanking(item.baselines, 'baselines');
    const { partnerId, key } = await partnerOf(reported);
    for (const item of items) {
      const known = await store.job(store.db, item.jobId.toLowerCase());
      if (known && known.partner_id === partnerId && known.customer_id === key.customerId && known.tenant_id === key.tenantId && known.type === JOB_TYPE.ApplyBaseline) continue;
      await jobs.applyBaselines(partnerId, key, item.baselines, item.jobId);
    }
  });

  app.post(
    '/producer/elements/baseline/jobs',
    {
      schema: {
        operationId: 'listElementsBaselineJobs',
        summary: "Read the process-center state of a tenant's baseline jobs, as the portal shows them (producer API)",
        tags: ['producer'],
        security: [{ bearer: [] }],
        body: Type.Object({ tenantId: Type.String({ minLength: 1, maxLength: 100 }), jobIds: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 1, maxItems: 1000 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ value: Type.Array(Type.Object({ jobId: Type.String(), type: Type.Integer(), status: Type.Integer() })) }) },
      },
      config: { permission: PRODUCER_PERMISSION },
    },
    async (request) => {
      const { tenantId, jobIds } = request.body as { tenantId: string; jobIds: string[] };
      const customerId = request.principal!.tenantId;
      const customer = await lookup(customerId);
      if (!customer?.tenantIds.some((id) => id.toLowerCase() === tenantId.toLowerCase())) throw notFound(`Customer '${customerId}' has no tenant '${tenantId}' in this data center.`);
      const page = await store.jobPage({ customerId: customerId.toLowerCase(), tenantId: tenantId.toLowerCase() }, jobIds, 1, jobIds.length);
      const rows = await jobs.reconcile(page.items);
      return { value: rows.map((row) => ({ jobId: row.job_id, type: row.type, status: row.status })) };
    },
  );
}
