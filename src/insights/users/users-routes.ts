import type { FastifyInstance } from 'fastify';
import type { RegionContext } from '../../platform/product-module.js';
import { INSIGHTS_ERRORS, insightsRoute, ok } from '../envelope.js';
import { userSummaryPage } from '../graph/directory-rows.js';
import type { GraphStore } from '../graph/graph-store.js';
import { userAccessSource } from '../graph/permission-rows.js';
import { bodyPage, StartPageQuery, startPageWindow } from '../paging.js';
import { listOf, resolveSites, resolveUsers } from '../resolve.js';
import { UserAccessBody, UserPermissionPage, UserSummaryPage } from './users-schemas.js';

/** Users: their access (userPermissions.md) and their summary (userSummary.md). */
export function registerUserRoutes(app: FastifyInstance, context: RegionContext, graph: GraphStore): void {
  insightsRoute(
    app,
    'POST',
    '/insights/users/access',
    { schema: { operationId: 'retrieveUserPermissions', summary: 'Retrieve user permissions', body: UserAccessBody, response: { 200: UserPermissionPage, ...INSIGHTS_ERRORS } } },
    async (request) => {
      const tenantId = request.principal!.tenantId;
      const body = request.body as { emails: string[]; siteUrls?: string[] | null };
      const users = await resolveUsers(graph, tenantId, 'm365', listOf(body.emails), 'emails');
      const siteUrls = listOf(body.siteUrls);
      const sites = siteUrls.length > 0 ? await resolveSites(graph, tenantId, siteUrls, 'siteUrls') : undefined;
      const filter = { users: users.map((user) => user.user_id), sites: sites?.map((site) => site.workspace_id) };
      const page = await bodyPage(context, request, filter, await userAccessSource(graph, tenantId, 'm365', users, { workspaceIds: filter.sites }));
      return ok('values', page.rows, page.nextLink);
    },
  );

  insightsRoute(
    app,
    'GET',
    '/insights/users/summary',
    { schema: { operationId: 'retrieveUserSummary', summary: 'Retrieve user summary', querystring: StartPageQuery, response: { 200: UserSummaryPage, ...INSIGHTS_ERRORS } } },
    async (request) => {
      const window = startPageWindow(request, context);
      const page = await userSummaryPage(graph.db, request.principal!.tenantId, 'm365', window.offset, window.size, context.clock.nowMs());
      return ok('results', page.rows, window.nextLink(page.more));
    },
  );
}

