import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { JOB_MODULES, JOB_TYPES, V3 } from '../catalogue.js';
import { partnerOf } from '../partner/partner-context.js';
import type { PartnerData } from '../partner/partner-data.js';
import { v3List } from '../shared/routes.js';
import { jobPage } from './job-page.js';

const text = Type.String();
/** get-customer-jobs.md, "Response" (counts, sizes and times are strings). */
export const jobFields = {
  jobId: text, name: text, totalCount: text, failedCount: text, successfulCount: text, skippedCount: text, warningCount: text,
  backupSize: text, startTime: text, endTime: text, jobDuration: text, lastModifyTime: text,
};
export const V3Job = Type.Object({ jobType: Type.Integer(), jobModule: Type.Integer(), status: Type.Integer({ minimum: 0, maximum: 14 }), ...jobFields });

const JobFilterBody = Type.Optional(
  Type.Union([
    Type.Object(
      {
        jobType: Type.Optional(Type.Union([Type.Integer({ enum: Object.keys(JOB_TYPES).map(Number), description: '0 M365 Scan, 7 M365, 10 GW Scan, 11 GW, 12 IaaS + PaaS, 15 Salesforce, 16 Dynamics 365' }), Type.Null()])),
        jobModule: Type.Optional(Type.Union([Type.Integer({ enum: Object.keys(JOB_MODULES).map(Number) }), Type.Null()])),
      },
      { additionalProperties: false },
    ),
    Type.Null(),
  ]),
);

export function registerJobRoutes(app: FastifyInstance, data: PartnerData): void {
  v3List(
    app,
    {
      url: '/partner/external/v3/general/customers/:customerId/avpt-products/jobs/batch',
      operationId: 'getCustomerJobs',
      summary: 'Retrieve job details of backup services for a customer',
      description: 'elements/general/job/get-customer-jobs.md. Read from the customer\'s own regional job lists (/aos/jobs, /backup/m365/cloudbackupjobs, /backup/google/admin/jobs, /backup/vm/jobs, /backup/sfbapi/jobs, /dynamicsbackup/jobs), by jobType then jobModule, newest first per list.',
      permission: V3.jobs,
      params: Type.Object({ customerId: Type.String({ maxLength: 100 }) }),
      body: JobFilterBody,
      item: V3Job,
    },
    async (request, paging) => {
      const body = (request.body ?? {}) as { jobType?: number | null; jobModule?: number | null };
      const entry = await data.customer(partnerOf(request), (request.params as { customerId: string }).customerId);
      return jobPage(data, entry, { jobType: body.jobType ?? undefined, jobModule: body.jobModule ?? undefined }, paging);
    },
  );
}
