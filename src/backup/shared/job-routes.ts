import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type, type TSchema } from 'typebox';
import type { RegionContext } from '../../platform/product-module.js';
import { errorResponses } from './envelopes.js';
import type { BackupJobStore, JobFilter, StoredJob } from './job-store.js';
import { linkTo, listJobs, resolvePage, type JobPage, type PagingStyle } from './paging.js';
import type { BackupProduct } from './products.js';
import { PRODUCER_TAGS, ProducerResult, producerRoute, tenantOf } from './producer.js';

/**
 * One product's job list, declared: its documented query and response, how its query
 * becomes the shared filter, and how a page is rendered. Paging, counting and the
 * continuation are the same for all five products.
 */
export interface JobListSpec<Q> {
  path: string;
  summary: string;
  description: string;
  tags: string[];
  permission: string;
  querystring: TSchema;
  response: TSchema;
  errorResponse: TSchema;
  paging: PagingStyle;
  defaultPageSize: number;
  /** The documented filters as the shared filter; throws a 400 naming a bad parameter. */
  filter(query: Q, tenantId: string): JobFilter;
  /** The filter parameters a nextLink repeats, by their documented names. */
  linkParams(query: Q): Record<string, string | number | undefined>;
  /** A nextLink is a URL to the next page, or (IaaS + PaaS) the bare token for `skiptoken`. */
  nextLink: 'url' | 'token';
  render(page: JobPage, view: { request: FastifyRequest; nowMs: number; nextLink: string; pageSize: number }): unknown;
}

export function registerJobList<Q extends Record<string, unknown>>(app: FastifyInstance, context: RegionContext, store: BackupJobStore, spec: JobListSpec<Q>): void {
  app.get(
    spec.path,
    {
      schema: {
        summary: spec.summary,
        description: spec.description,
        tags: spec.tags,
        security: [{ bearer: [] }],
        querystring: spec.querystring,
        response: { 200: spec.response, ...errorResponses(spec.errorResponse) },
      },
      config: { permission: spec.permission },
    },
    async (request) => {
      const query = request.query as Q;
      const filter = spec.filter(query, tenantOf(request));
      const pageSize = (query[spec.paging.sizeParam] as number | undefined) ?? spec.defaultPageSize;
      const page = await listJobs(context, store, filter, resolvePage(context, spec.paging, query, filter, pageSize));
      let nextLink = '';
      if (page.next) {
        nextLink =
          spec.nextLink === 'token'
            ? page.next.token
            : linkTo(context, spec.path, {
                ...spec.linkParams(query),
                [spec.paging.indexParam]: page.next.pageIndex,
                [spec.paging.sizeParam]: pageSize,
                [spec.paging.tokenParam]: page.next.token,
              });
      }
      return spec.render(page, { request, nowMs: context.clock.nowMs(), nextLink, pageSize });
    },
  );
}

export interface JobProducerSpec<P> {
  path: string;
  summary: string;
  product: BackupProduct;
  runningStates: readonly number[];
  item: TSchema;
  errorResponse: TSchema;
  /** A reported job in the shared shape; `at` names it in errors (value[3]). */
  toStored(item: P, at: string): StoredJob;
}

/** A product's producer route for jobs: idempotent upserts by job id, never back to running. */
export function registerJobProducer<P>(app: FastifyInstance, context: RegionContext, store: BackupJobStore, spec: JobProducerSpec<P>): void {
  app.post(
    spec.path,
    {
      schema: {
        summary: spec.summary,
        description: 'Upserts jobs by id as they start, progress and finish; a finished job never returns to a running state, and its start time never changes.',
        tags: PRODUCER_TAGS,
        security: [{ bearer: [] }],
        body: Type.Object({ value: Type.Array(spec.item, { minItems: 1, maxItems: 1000 }) }),
        response: { 200: ProducerResult, ...errorResponses(spec.errorResponse) },
      },
      config: producerRoute,
    },
    async (request) => {
      const jobs = (request.body as { value: P[] }).value.map((item, index) => spec.toStored(item, `value[${index}]`));
      return store.upsert(tenantOf(request), spec.product, jobs, spec.runningStates, context.clock.nowMs());
    },
  );
}
