import type { FastifyInstance } from 'fastify';
import { invalidParameter } from '../../platform/errors.js';
import { parseIsoDate, single } from '../../platform/query.js';
import type { RegionContext } from '../../platform/product-module.js';
import { PRODUCER_PERMISSION } from '../../platform/producer.js';
import { AosError } from '../audit/audit-schemas.js';
import { ProducedScanJobBatch, ScanJobPage, ScanJobQuery, type ProducedScanJob } from './scan-job-schemas.js';
import { toScanJob, type ScanJobStore } from './scan-job-store.js';

const ORDER_COLUMNS = { starttime: 'start_time', finishtime: 'finish_time' } as const;

export function registerScanJobRoutes(app: FastifyInstance, context: RegionContext, store: ScanJobStore): void {
  app.get(
    '/aos/jobs',
    {
      schema: {
        operationId: 'retrieveScanJobInformation',
        summary: 'Retrieve scan job information',
        tags: ['AvePoint Online Services'],
        security: [{ bearer: [] }],
        querystring: ScanJobQuery,
        response: { 200: ScanJobPage, 400: AosError, 401: AosError, 403: AosError },
      },
      config: { permission: 'autodiscovery.readwrite.all' },
    },
    async (request) => {
      const query = request.query as { top?: number; skip?: number; orderby?: string; sortorder?: number; search?: string };
      const top = query.top ?? 100;
      const skip = query.skip ?? 0;
      const orderName = (single(query.orderby) ?? 'StartTime').trim();
      const orderBy = ORDER_COLUMNS[orderName.toLowerCase() as keyof typeof ORDER_COLUMNS];
      if (!orderBy) throw invalidParameter('orderby', `has an unknown value '${orderName}'; valid values are StartTime, FinishTime`);
      const sortorder = query.sortorder ?? 1;
      const search = single(query.search)?.trim() || undefined;
      const { rows, total } = await store.list({ tenantId: request.principal!.tenantId, top, skip, orderBy, newestFirst: sortorder === 1, search });
      let nextLink: string | null = null;
      if (skip + rows.length < total) {
        const params = new URLSearchParams({ orderby: orderName, sortorder: String(sortorder), top: String(top), skip: String(skip + top) });
        if (search) params.set('search', search);
        nextLink = `${context.publicUrl()}/aos/jobs?${params.toString()}`;
      }
      return { jobs: rows.map(toScanJob), nextLink, totalCount: total };
    },
  );

  app.post(
    '/producer/aos/scan-jobs',
    {
      schema: {
        summary: 'Report scan jobs (producer API)',
        description: 'Upserts scan jobs by id as they start, progress and finish; a finished job never returns to Running.',
        tags: ['producer'],
        security: [{ bearer: [] }],
        body: ProducedScanJobBatch,
        response: { 400: AosError, 401: AosError, 403: AosError },
      },
      config: { permission: PRODUCER_PERMISSION },
    },
    async (request) => {
      const jobs = (request.body as { value: ProducedScanJob[] }).value.map((job, index) => {
        const start = parseIsoDate(`value[${index}].startTime`, job.startTime, true);
        const finish = parseIsoDate(`value[${index}].finishTime`, job.finishTime ?? undefined);
        if (finish && finish.getTime() < start.getTime()) throw invalidParameter(`value[${index}].finishTime`, 'must not be earlier than startTime');
        return { id: job.id, type: job.type, state: job.state, startMs: start.getTime(), finishMs: finish?.getTime() ?? null, scanProfileName: job.scanProfileName ?? null, category: job.category };
      });
      const changed = await store.upsert(request.principal!.tenantId, jobs, context.clock.nowMs());
      return { received: jobs.length, stored: changed, duplicates: jobs.length - changed };
    },
  );
}
