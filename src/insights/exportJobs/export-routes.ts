import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { ApiError, notFound } from '../../platform/errors.js';
import type { RegionContext } from '../../platform/product-module.js';
import { InsightsError, INSIGHTS_ERRORS, insightsRoute } from '../envelope.js';
import type { GraphStore } from '../graph/graph-store.js';
import { EXPORT_KINDS } from './export-kinds.js';
import type { ExportJobs } from './export-jobs.js';

const ExportStarted = Type.Object({ jobId: Type.String({ description: 'The export job id (an integer, written as a string as the samples do).' }), status: Type.Integer(), message: Type.String() });
const ExportStatus = Type.Object({ jobStatus: Type.Integer({ enum: [1, 2, 3], description: '1 In progress, 2 Finished, 3 Failed.' }), status: Type.Integer(), message: Type.String() });
const JobParams = Type.Object({ jobId: Type.Integer({ minimum: 1, description: 'The jobId an export returned.' }) });
const ZipFile = Type.Unsafe<unknown>({ type: 'string', format: 'binary', description: 'A ZIP file holding the report in XLSX format.' });

/**
 * The twelve export starts (one declaration each in EXPORT_KINDS, one route helper for all),
 * the export job status and the report download (exportJobStatus.md, exportJobFile.md).
 */
export function registerExportRoutes(app: FastifyInstance, context: RegionContext, graph: GraphStore, jobs: ExportJobs): void {
  for (const kind of EXPORT_KINDS) {
    kind.paths.forEach((path, index) => {
      insightsRoute(
        app,
        'GET',
        path,
        {
          schema: {
            operationId: kind.operationId,
            summary: kind.summary,
            description: `Starts an export job and answers its jobId at once (${kind.page}).`,
            ...(kind.params ? { params: kind.params } : {}),
            querystring: kind.querystring,
            response: { 200: ExportStarted, ...INSIGHTS_ERRORS },
            // A path the docs only imply (a skipped groupId) is answered but not listed twice.
            ...(index > 0 ? { hide: true } : {}),
          },
        },
        async (request: FastifyRequest) => {
          const tenantId = request.principal!.tenantId;
          const payload = await kind.prepare({ tenantId, params: (request.params ?? {}) as Record<string, string>, query: request.query as Record<string, unknown>, graph, nowMs: context.clock.nowMs() });
          const jobId = await jobs.start(tenantId, kind.kind, payload);
          return { jobId: String(jobId), status: 200, message: '' };
        },
      );
    });
  }

  insightsRoute(
    app,
    'GET',
    '/insights/job/:jobId/exportstatus',
    { schema: { operationId: 'getExportJobStatus', summary: 'Get export job status', params: JobParams, response: { 200: ExportStatus, ...INSIGHTS_ERRORS } } },
    async (request) => {
      const status = await jobs.status(request.principal!.tenantId, (request.params as { jobId: number }).jobId);
      if (!status) throw notFound(`There is no export job ${(request.params as { jobId: number }).jobId} in this tenant.`);
      return { jobStatus: status.jobStatus, status: 200, message: status.message };
    },
  );

  insightsRoute(
    app,
    'GET',
    '/insights/job/:jobId/exportfile',
    {
      schema: {
        operationId: 'downloadExportJobFile',
        summary: 'Download export job file',
        params: JobParams,
        response: { 200: { description: 'The report: a ZIP file holding an XLSX workbook.', content: { 'application/zip': { schema: ZipFile } } }, ...INSIGHTS_ERRORS, 409: InsightsError, 410: InsightsError },
      },
    },
    async (request, reply) => {
      const { jobId } = request.params as { jobId: number };
      const file = await jobs.file(request.principal!.tenantId, jobId);
      if (file.state === 'unknown') throw notFound(`There is no export job ${jobId} in this tenant.`);
      if (file.state === 'pending') throw new ApiError(409, 'not_finished', `Export job ${jobId} has not finished yet; poll /insights/job/${jobId}/exportstatus until jobStatus is 2.`);
      if (file.state === 'failed') throw new ApiError(409, 'failed', `Export job ${jobId} failed, so it has no file: ${file.message}`);
      if (file.state === 'expired') throw new ApiError(410, 'expired', `The report of export job ${jobId} expired at ${new Date(file.expiredMs).toISOString()}; start the export again.`);
      return reply
        .header('content-type', 'application/zip')
        .header('content-length', String(file.size))
        .header('content-disposition', `attachment; filename="${file.fileName}"`)
        .send(file.stream());
    },
  );
}
