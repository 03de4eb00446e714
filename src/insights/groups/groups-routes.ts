import type { FastifyInstance } from 'fastify';
import type { RegionContext } from '../../platform/product-module.js';
import { INSIGHTS_ERRORS, insightsRoute, ok } from '../envelope.js';
import { groupSummaryPage } from '../graph/directory-rows.js';
import type { GraphStore } from '../graph/graph-store.js';
import { StartPageQuery, startPageWindow } from '../paging.js';
import { GroupSummaryPage } from './groups-schemas.js';

/** Groups: their summary (groupSummary.md). */
export function registerGroupRoutes(app: FastifyInstance, context: RegionContext, graph: GraphStore): void {
  insightsRoute(
    app,
    'GET',
    '/insights/groups/summary',
    { schema: { operationId: 'retrieveGroupSummary', summary: 'Retrieve group summary', querystring: StartPageQuery, response: { 200: GroupSummaryPage, ...INSIGHTS_ERRORS } } },
    async (request) => {
      const window = startPageWindow(request, context);
      const page = await groupSummaryPage(graph.db, request.principal!.tenantId, 'm365', window.offset, window.size);
      return ok('values', page.rows, window.nextLink(page.more));
    },
  );
}
