import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TSchema } from 'typebox';
import type { RegionContext } from '../../platform/product-module.js';
import { errorResponses } from './envelopes.js';
import type { BackupJobStore, JobFilter, JobRow, StoredJob } from './job-store.js';
import { linkTo, listJobs, resolvePage, rowsRead, type JobPage, type PagingStyle } from './paging.js';
import type { BackupProduct } from './products.js';
import { producerBatch, producerRouteOptions, tenantOf } from './producer.js';

/**
 * One product's job list, declared: its documented query and response, how its query
 * becomes the shared filter, and how a page is rendered. Paging, counting and the
 * continuation are the same for all five products.
 */
export interface JobListSpec<Q> {
  path: string;
  /** The SDK method's name: camelCase from the page title, unique on the listener. */
  operationId: string;
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
  render: JobListRender;
}

export interface JobListView {
  request: FastifyRequest;
  nowMs: number;
  nextLink: string;
  pageSize: number;
}

/**
 * How a page becomes its response: an object the response schema serializes, or (where the
 * rendering costs more than the query) the response's JSON assembled around the page's jobs
 * as their product rendered them when they were written (JobRow.listed), joined in the
 * database. `item` renders a job stored without one, on the spot; `assemble` must give the
 * very bytes the response schema would serialize from the same values.
 */
export type JobListRender =
  | ((page: JobPage, view: JobListView) => unknown)
  | { item(row: JobRow, nowMs: number): unknown; assemble(items: Buffer, page: Pick<JobPage, 'total'>, view: JobListView): Buffer };

export function registerJobList<Q extends Record<string, unknown>>(app: FastifyInstance, context: RegionContext, store: BackupJobStore, spec: JobListSpec<Q>): void {
  app.get(
    spec.path,
    {
      schema: {
        operationId: spec.operationId,
        summary: spec.summary,
        description: spec.description,
        tags: spec.tags,
        security: [{ bearer: [] }],
        querystring: spec.querystring,
        response: { 200: spec.response, ...errorResponses(spec.errorResponse) },
      },
      config: { permission: spec.permission },
    },
    async (request, reply) => {
      const query = request.query as Q;
      const filter = spec.filter(query, tenantOf(request));
      const pageSize = (query[spec.paging.sizeParam] as number | undefined) ?? spec.defaultPageSize;
      const position = resolvePage(context, spec.paging, query, filter, pageSize);
      const nowMs = context.clock.nowMs();
      const viewOf = (page: Pick<JobPage, 'next'>): JobListView => ({ request, nowMs, nextLink: nextLinkOf(context, spec, query, page, pageSize), pageSize });
      const render = spec.render;
      if (typeof render === 'function') {
        const page = await listJobs(context, store, filter, position, async (...read) => rowsRead(await store.page(...read)));
        return render(page, viewOf(page));
      }
      const page = await listJobs(context, store, filter, position, (...read) => store.joinedListedPage(...read, (job) => JSON.stringify(render.item(job, nowMs))));
      return reply.type('application/json; charset=utf-8').send(render.assemble(page.items, page, viewOf(page)));
    },
  );
}

function nextLinkOf<Q extends Record<string, unknown>>(context: RegionContext, spec: JobListSpec<Q>, query: Q, page: Pick<JobPage, 'next'>, pageSize: number): string {
  if (!page.next) return '';
  if (spec.nextLink === 'token') return page.next.token;
  return linkTo(context, spec.path, {
    ...spec.linkParams(query),
    [spec.paging.indexParam]: page.next.pageIndex,
    [spec.paging.sizeParam]: pageSize,
    [spec.paging.tokenParam]: page.next.token,
  });
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
    producerRouteOptions({
      summary: spec.summary,
      description: 'Upserts jobs by id as they start, progress and finish; a finished job never returns to a running state, and its start time never changes.',
      body: producerBatch(spec.item),
      errorResponse: spec.errorResponse,
    }),
    async (request) => {
      const jobs = (request.body as { value: P[] }).value.map((item, index) => spec.toStored(item, `value[${index}]`));
      return store.upsert(tenantOf(request), spec.product, jobs, spec.runningStates, context.clock.nowMs());
    },
  );
}
