import type { FastifyInstance } from 'fastify';
import type { RegionContext } from '../../platform/product-module.js';
import { INSIGHTS_ERRORS, insightsRoute, ok } from '../envelope.js';
import type { GraphStore } from '../graph/graph-store.js';
import { linkRows } from '../graph/link-rows.js';
import { bodyPage } from '../paging.js';
import { resolveSites } from '../resolve.js';
import { LinkSummaryBody, LinkSummaryPage } from './links-schemas.js';

/** Sharing links of a site by type (linkSummary.md). */
export function registerLinkRoutes(app: FastifyInstance, context: RegionContext, graph: GraphStore): void {
  insightsRoute(
    app,
    'POST',
    '/insights/sharingLinks/summary',
    { schema: { operationId: 'retrieveSharingLinksSummary', summary: 'Retrieve sharing links summary', body: LinkSummaryBody, response: { 200: LinkSummaryPage, ...INSIGHTS_ERRORS } } },
    async (request) => {
      const tenantId = request.principal!.tenantId;
      const body = request.body as { siteUrl: string; linkType: number };
      const [site] = await resolveSites(graph, tenantId, [body.siteUrl], 'siteUrl');
      const page = await bodyPage(context, request, [site!.workspace_id, body.linkType], linkRows(graph.db, tenantId, 'm365', { by: 'workspace', workspaceId: site!.workspace_id, linkType: body.linkType }));
      return ok('values', page.rows, page.nextLink);
    },
  );
}
