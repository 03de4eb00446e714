import type { FastifyInstance } from 'fastify';
import type { TSchema } from 'typebox';
import { PRODUCER_PERMISSION } from '../../platform/producer.js';
import { INSIGHTS_ERRORS } from '../envelope.js';
import type { GraphWriter } from './graph-writer.js';
import {
  Batch,
  ProducedActivity,
  ProducedGroup,
  ProducedObject,
  ProducedPermission,
  ProducedSharingLink,
  ProducedUser,
  ProducedWorkspace,
  ProducerResult,
} from './producer-schemas.js';

type Writes = keyof Pick<GraphWriter, 'users' | 'groups' | 'workspaces' | 'objects' | 'permissions' | 'sharingLinks' | 'activities'>;

/** One producer route per kind of node or edge; the order below is the order a graph is fed in. */
const FEEDS: { path: string; item: TSchema; write: Writes; what: string }[] = [
  { path: 'users', item: ProducedUser, write: 'users', what: 'users (Microsoft 365 or Google)' },
  { path: 'groups', item: ProducedGroup, write: 'groups', what: 'groups with their members' },
  { path: 'workspaces', item: ProducedWorkspace, write: 'workspaces', what: 'site collections and Google drives' },
  { path: 'objects', item: ProducedObject, write: 'objects', what: 'objects (the site itself, libraries, lists, folders, files) with their classification' },
  { path: 'permissions', item: ProducedPermission, write: 'permissions', what: 'permission entries of users, groups and special groups on objects' },
  { path: 'sharing-links', item: ProducedSharingLink, write: 'sharingLinks', what: 'sharing links with the users they give access to' },
  { path: 'activities', item: ProducedActivity, write: 'activities', what: 'activity events on objects' },
];

/** The producer API that feeds a tenant's permission graph; every route is an idempotent upsert on the producer's ids. */
export function registerGraphProducerRoutes(app: FastifyInstance, writer: GraphWriter): void {
  for (const feed of FEEDS) {
    app.post(
      `/producer/insights/${feed.path}`,
      {
        schema: {
          operationId: `produceInsights${feed.path.replace(/(^|-)(\w)/g, (_, __, letter: string) => letter.toUpperCase())}`,
          summary: `Report Insights ${feed.what} (producer API)`,
          tags: ['producer'],
          security: [{ bearer: [] }],
          body: Batch(feed.item),
          response: { 200: ProducerResult, ...INSIGHTS_ERRORS },
        },
        config: { permission: PRODUCER_PERMISSION },
      },
      async (request) => {
        const items = (request.body as { value: never[] }).value;
        await writer[feed.write](request.principal!.tenantId, items);
        return { received: items.length };
      },
    );
  }
}
