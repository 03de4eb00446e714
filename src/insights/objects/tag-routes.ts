import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { invalidParameter, notFound } from '../../platform/errors.js';
import { INSIGHTS_ERRORS, InsightsError, insightsRoute } from '../envelope.js';
import type { GraphStore } from '../graph/graph-store.js';
import { fullyDecoded, matchKey } from '../keys.js';

const TagParams = Type.Object({ siteId: Type.String({ minLength: 1 }), objectUrl: Type.String({ minLength: 1, description: 'The object URL, URL-encoded.' }) });
const TagQuery = Type.Object({ tagName: Type.String({ description: 'The tag to set, e.g. FalsePositive. Required.' }) });

/** Tags an object (setTag.md); the tag shows in the site's detail records. */
export function registerTagRoutes(app: FastifyInstance, graph: GraphStore): void {
  insightsRoute(
    app,
    'PATCH',
    '/insights/sites/:siteId/:objectUrl/settag',
    { schema: { operationId: 'addTagToSpecificObject', summary: 'Add tag to specific object', params: TagParams, querystring: TagQuery, response: { 200: InsightsError, ...INSIGHTS_ERRORS } } },
    async (request) => {
      const tenantId = request.principal!.tenantId;
      const { siteId, objectUrl } = request.params as { siteId: string; objectUrl: string };
      const tagName = (request.query as { tagName: string }).tagName.trim();
      if (!tagName) throw invalidParameter('tagName', 'is required');
      if (tagName.length > 200) throw invalidParameter('tagName', 'must be at most 200 characters');
      const result = await graph.db
        .updateTable('insights_objects')
        .set({ tag_name: tagName })
        .where('tenant_id', '=', tenantId)
        .where('platform', '=', 'm365')
        .where('workspace_id', '=', fullyDecoded(siteId))
        .where('url_key', '=', matchKey(objectUrl))
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) throw notFound(`No object '${fullyDecoded(objectUrl)}' (objectUrl) is known to Insights in site '${fullyDecoded(siteId)}'.`);
      return { status: 200, message: '' };
    },
  );
}
