import { Type } from 'typebox';
import { badRequest, notFound } from '../../platform/errors.js';
import { resolveTenant, type GovernanceEndpoint } from '../governance/endpoint.js';
import { PREMIUM_MODULES } from '../governance/premium.js';
import { dataPage, idFilter, idFilterBody, pageOf, pageQuery, type PageParams } from '../governance/paging.js';
import { isoOf } from '../tenant-directory/directory-records.js';
import { TENANT_STATUS, type AppliedBaseline } from './baseline-store.js';

const BM_TAGS = ['Elements baseline management'] as const;
/** The baseline management pages say "read.all or readwrite.all" for every read. */
const BASELINE_READ = ['elements.bm.baseline.read.all', 'elements.bm.baseline.readwrite.all'] as const;
const BASELINE_WRITE = ['elements.bm.baseline.readwrite.all'] as const;
const TENANT_READ = ['elements.bm.tenant.read.all', 'elements.bm.tenant.readwrite.all'] as const;
const TENANT_WRITE = ['elements.bm.tenant.readwrite.all'] as const;
const BM = '/partner/external/v3/bm';

const Id = Type.String({ minLength: 1, maxLength: 100 });
const TenantParams = Type.Object({ customerId: Id, tenantId: Id });

const Baseline = Type.Object({ baselineId: Type.String(), baselineName: Type.String(), createdTime: Type.String(), modifiedTime: Type.String(), status: Type.Integer() });
const Report = Type.Object({ source: Type.String(), configuration: Type.String(), status: Type.String(), details: Type.Union([Type.String(), Type.Null()]) });
const Job = Type.Object({ jobId: Type.String(), type: Type.Integer(), status: Type.Integer() });
const Tenant = Type.Object({
  tenantName: Type.String(),
  status: Type.Integer(),
  driftDetected: Type.Integer(),
  driftDetectedTime: Type.Union([Type.String(), Type.Null()]),
  customerId: Type.String(),
  tenantId: Type.String(),
  autoAlignment: Type.Integer(),
  lastDeployedTime: Type.Union([Type.String(), Type.Null()]),
  appliedBaselines: Type.Array(Type.Object({ baselineId: Type.String(), baselineName: Type.String(), version: Type.String() })),
});

/** What the schema of an apply list cannot say: each baseline once, each rankingOrder once. */
export function checkRanking(baselines: Array<{ baselineId: string; rankingOrder: number }>, field: string): void {
  if (new Set(baselines.map((item) => item.baselineId.toLowerCase())).size !== baselines.length) throw badRequest(`The field '${field}' names a baseline twice.`, 'invalid_parameter');
  if (new Set(baselines.map((item) => item.rankingOrder)).size !== baselines.length) throw badRequest(`The field '${field}' gives two baselines the same rankingOrder.`, 'invalid_parameter');
}

export const BASELINE_ENDPOINTS: GovernanceEndpoint[] = (() => {
  return [
    {
      method: 'POST',
      path: `${BM}/baselines`,
      operationId: 'createBaseline',
      summary: 'Create a baseline from a tenant',
      tags: BM_TAGS,
      permission: BASELINE_WRITE,
      routing: 'body-customer',
      body: Type.Object(
        {
          name: Type.String({ minLength: 1, maxLength: 256 }),
          color: Type.Integer({ minimum: 0, maximum: 21, description: 'The color of the baseline, 0–21.' }),
          description: Type.Optional(Type.String({ maxLength: 2000 })),
          customerId: Id,
          tenantId: Id,
        },
        { additionalProperties: false },
      ),
      response: { status: 201, schema: Type.Object({ baselineId: Type.String() }) },
      async handle({ partnerId, body }, { jobs, lookup }) {
        const input = body as { name: string; color: number; description?: string; customerId: string; tenantId: string };
        const key = await resolveTenant(lookup, partnerId, input.customerId, input.tenantId, 'bm');
        return { baselineId: await jobs.createBaseline(partnerId, key, input) };
      },
    },
    {
      method: 'POST',
      path: `${BM}/baselines/batch`,
      operationId: 'queryBaselines',
      summary: 'Query baselines',
      tags: BM_TAGS,
      permission: BASELINE_READ,
      routing: 'partner',
      querystring: pageQuery(),
      body: idFilterBody('baselineIds', 'baselines'),
      response: { status: 200, schema: dataPage(Baseline) },
      async handle({ partnerId, query, body, slice }, { baselines: store }) {
        const page = query as unknown as PageParams;
        const baselines = await store.baselinePage(partnerId, idFilter(body, 'baselineIds'), slice!);
        return pageOf(
          baselines.items.map((row) => ({ baselineId: row.baseline_id, baselineName: row.name, createdTime: isoOf(row.created_ms), modifiedTime: isoOf(row.modified_ms), status: row.status })),
          baselines.totalCount,
          page,
        );
      },
    },
    {
      method: 'GET',
      path: `${BM}/baselines/:baselineId/reports`,
      operationId: 'queryCreateBaselineJobReportDetail',
      summary: 'Retrieve the settings a baseline captured',
      tags: BM_TAGS,
      permission: BASELINE_READ,
      routing: 'baseline',
      params: Type.Object({ baselineId: Id }),
      querystring: pageQuery(),
      response: { status: 200, schema: dataPage(Report) },
      async handle({ partnerId, params, query }, { baselines: store }) {
        const baseline = await store.baseline(store.db, partnerId, params.baselineId!);
        if (!baseline) throw notFound(`No baseline '${params.baselineId}' of this partner.`);
        const page = query as unknown as PageParams;
        const reports = await store.reportPage(baseline.baseline_id, page.pageIndex, page.pageSize);
        return pageOf(reports.items, reports.totalCount, page);
      },
    },
    {
      method: 'POST',
      path: `${BM}/customers/:customerId/tenants/:tenantId/process-center/jobs/batch`,
      operationId: 'queryProcessCenterJobs',
      summary: 'Query the process-center jobs of a tenant',
      tags: BM_TAGS,
      permission: TENANT_READ,
      routing: 'customer',
      params: TenantParams,
      querystring: pageQuery(),
      body: idFilterBody('jobIds', 'jobs'),
      response: { status: 200, schema: dataPage(Job) },
      async handle({ tenant, query, body }, { baselines: store, jobs }) {
        const page = query as unknown as PageParams;
        const found = await store.jobPage(tenant!, idFilter(body, 'jobIds'), page.pageIndex, page.pageSize);
        const rows = await jobs.reconcile(found.items);
        return pageOf(rows.map((row) => ({ jobId: row.job_id, type: row.type, status: row.status })), found.totalCount, page);
      },
    },
    {
      method: 'POST',
      path: `${BM}/tenants/batch`,
      operationId: 'queryTenants',
      summary: "Query the baseline state of the partner's tenants",
      tags: BM_TAGS,
      permission: TENANT_READ,
      routing: 'partner',
      querystring: pageQuery(),
      body: idFilterBody('tenantIds', 'tenants'),
      response: { status: 200, schema: dataPage(Tenant) },
      async handle({ partnerId, query, body, slice }, { baselines: store }) {
        const page = query as unknown as PageParams;
        const tenants = await store.partnerTenantPage(partnerId, idFilter(body, 'tenantIds'), slice!, PREMIUM_MODULES.bm);
        return pageOf(
          tenants.items.map((row) => ({
            tenantName: row.name,
            status: row.status ?? TENANT_STATUS.Connected,
            driftDetected: row.drift_detected ?? 0,
            driftDetectedTime: row.drift_ms ? isoOf(row.drift_ms) : null,
            customerId: row.customer_id,
            tenantId: row.tenant_id,
            autoAlignment: row.auto_alignment ?? 0,
            lastDeployedTime: row.last_deployed_ms ? isoOf(row.last_deployed_ms) : null,
            appliedBaselines: (JSON.parse(row.applied ?? '[]') as AppliedBaseline[]).map((b) => ({ baselineId: b.baselineId, baselineName: b.baselineName, version: String(b.version) })),
          })),
          tenants.totalCount,
          page,
        );
      },
    },
    {
      method: 'POST',
      path: `${BM}/customers/:customerId/tenants/:tenantId/actions`,
      operationId: 'performTenantAction',
      summary: 'Perform an action on a tenant (apply baselines)',
      tags: BM_TAGS,
      permission: TENANT_WRITE,
      routing: 'customer-baselines',
      params: TenantParams,
      body: Type.Object(
        {
          actionType: Type.Integer({ enum: [1], description: '1 Apply baselines to tenant' }),
          data: Type.Array(Type.Object({ baselineId: Id, rankingOrder: Type.Integer({ minimum: 1, maximum: 1000 }) }, { additionalProperties: false }), { minItems: 1, maxItems: 20 }),
        },
        { additionalProperties: false },
      ),
      response: { status: 200, schema: Type.Object({ jobId: Type.String() }) },
      check(body) {
        checkRanking(body.data as Array<{ baselineId: string; rankingOrder: number }>, 'data');
      },
      async handle({ partnerId, tenant, body }, { jobs }) {
        return { jobId: await jobs.applyBaselines(partnerId, tenant!, body.data as Array<{ baselineId: string; rankingOrder: number }>) };
      },
    },
  ];
})();
