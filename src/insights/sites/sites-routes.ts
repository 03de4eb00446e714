import type { FastifyInstance } from 'fastify';
import { notFound } from '../../platform/errors.js';
import type { RegionContext } from '../../platform/product-module.js';
import { INSIGHTS_ERRORS, insightsRoute, ok } from '../envelope.js';
import type { GraphStore } from '../graph/graph-store.js';
import { detailRecordRows, siteOverviewRows } from '../graph/object-rows.js';
import { workspacePermissionRows } from '../graph/permission-rows.js';
import { fullyDecoded } from '../keys.js';
import { bodyPage } from '../paging.js';
import { listOf, resolveSites } from '../resolve.js';
import { DetailRecordPage, DetailRecordsBody, SiteIdPage, SiteOverviewBody, SiteOverviewPage, SitePermissionPage, SitePermissionsBody, SiteUrlParams } from './sites-schemas.js';

/** Sites: permissions (sitePermissionsGet.md), risk overview, site id, detail records. */
export function registerSiteRoutes(app: FastifyInstance, context: RegionContext, graph: GraphStore): void {
  insightsRoute(
    app,
    'POST',
    '/insights/sites/permission',
    { schema: { operationId: 'retrieveSitePermissions', summary: 'Retrieve site permissions', body: SitePermissionsBody, response: { 200: SitePermissionPage, ...INSIGHTS_ERRORS } } },
    async (request) => {
      const tenantId = request.principal!.tenantId;
      const sites = await resolveSites(graph, tenantId, listOf((request.body as { siteUrls: string[] }).siteUrls), 'siteUrls');
      const ids = sites.map((site) => site.workspace_id);
      const page = await bodyPage(context, request, ids, workspacePermissionRows(graph.db, tenantId, 'm365', ids));
      return ok('values', page.rows, page.nextLink);
    },
  );

  insightsRoute(
    app,
    'POST',
    '/insights/sites/overview',
    { schema: { operationId: 'retrieveSiteOverview', summary: 'Retrieve site overview', body: SiteOverviewBody, response: { 200: SiteOverviewPage, ...INSIGHTS_ERRORS } } },
    async (request) => {
      const given = (request.body as { riskLevel?: number | number[] | null } | undefined)?.riskLevel;
      const levels = [...new Set(given === undefined || given === null ? [] : Array.isArray(given) ? given : [given])].sort();
      const page = await bodyPage(context, request, levels, siteOverviewRows(graph.db, request.principal!.tenantId, levels));
      return ok('values', page.rows, page.nextLink);
    },
  );

  insightsRoute(
    app,
    'GET',
    '/insights/sites/:siteUrl/siteId',
    { schema: { operationId: 'retrieveSiteId', summary: 'Retrieve site ID', params: SiteUrlParams, response: { 200: SiteIdPage, ...INSIGHTS_ERRORS } } },
    async (request) => {
      const { siteUrl } = request.params as { siteUrl: string };
      const site = await graph.findWorkspaceByUrl(request.principal!.tenantId, 'm365', siteUrl);
      if (!site) throw notFound(`No site collection '${fullyDecoded(siteUrl)}' (siteUrl) is known to Insights in this tenant.`);
      return ok('values', [site.workspace_id], null);
    },
  );

  insightsRoute(
    app,
    'POST',
    '/insights/sites/detailRecords',
    { schema: { operationId: 'retrieveSiteDetailRecords', summary: 'Retrieve site detail records', body: DetailRecordsBody, response: { 200: DetailRecordPage, ...INSIGHTS_ERRORS } } },
    async (request) => {
      const tenantId = request.principal!.tenantId;
      const { siteId } = request.body as { siteId: string };
      const site = await graph.findWorkspace(tenantId, 'm365', siteId.trim());
      if (!site) throw notFound(`No site '${siteId}' (siteId) is known to Insights in this tenant.`);
      const page = await bodyPage(context, request, site.workspace_id, detailRecordRows(graph.db, tenantId, 'm365', site.workspace_id));
      return ok('values', page.rows, page.nextLink);
    },
  );
}
