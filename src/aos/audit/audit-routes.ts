import { hash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { invalidParameter } from '../../platform/errors.js';
import { enumList, parseIsoDate, single } from '../../platform/query.js';
import type { RegionContext } from '../../platform/product-module.js';
import { PRODUCER_PERMISSION } from '../../platform/producer.js';
import { GEO_LOCATIONS, PRODUCT_TYPE_NAMES } from '../catalogue.js';
import { AosError, AuditPage, AuditQuery, ProducedAuditBatch, ProducerResult, type ProducedAuditRecord } from './audit-schemas.js';
import { renderAuditPage, type AuditCursor, type AuditFilter, type AuditStore } from './audit-store.js';

const MAX_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;
export const AUDIT_PAGE_SIZE = 100;

interface AuditToken extends Record<string, unknown> {
  /** Fingerprint of tenant and filters: a token only continues the query that made it. */
  f: string;
  t: number;
  s: number;
}

export function registerAuditRoutes(app: FastifyInstance, context: RegionContext, store: AuditStore): void {
  app.get(
    '/aos/audit',
    {
      schema: {
        operationId: 'retrieveAuditRecords',
        summary: 'Retrieve audit records',
        description: 'User activities in the AvePoint Online Services tenant within a time range of at most 7 days.',
        tags: ['AvePoint Online Services'],
        security: [{ bearer: [] }],
        querystring: AuditQuery,
        response: { 200: AuditPage, 400: AosError, 401: AosError, 403: AosError },
      },
      config: { permission: 'audit.read.all' },
    },
    async (request, reply) => {
      const query = request.query as Record<string, unknown>;
      const start = parseIsoDate('startTime', query.startTime, true);
      const end = parseIsoDate('endTime', query.endTime, true);
      if (end.getTime() < start.getTime()) throw invalidParameter('endTime', 'must not be earlier than startTime');
      if (end.getTime() - start.getTime() > MAX_WINDOW_MS) {
        throw invalidParameter('endTime', 'must be no more than 7 days after startTime');
      }
      const filter: AuditFilter = {
        tenantId: request.principal!.tenantId,
        startMs: start.getTime(),
        endMs: end.getTime(),
        productTypes: enumList('productTypes', query.productTypes, PRODUCT_TYPE_NAMES),
        geoLocations: enumList('geoLocations', query.geoLocations, GEO_LOCATIONS),
      };
      const fingerprint = fingerprintOf(filter);
      const skipToken = single(query.skipToken);
      let after: AuditCursor | undefined;
      if (skipToken) {
        const token = context.paging.decode<AuditToken>(skipToken, 'skipToken');
        if (token.f !== fingerprint || typeof token.t !== 'number' || typeof token.s !== 'number') {
          throw invalidParameter('skipToken', 'belongs to another query; send the nextLink exactly as it was returned');
        }
        after = { time: token.t, seq: token.s };
      }
      const page = await store.page(filter, after, AUDIT_PAGE_SIZE);
      const nextLink = page.more && page.last ? nextLinkFor(context.publicUrl(), filter, context.paging.encode({ f: fingerprint, t: page.last.time, s: page.last.seq })) : null;
      return reply.type('application/json; charset=utf-8').send(renderAuditPage(nextLink, page.records));
    },
  );

  app.post(
    '/producer/aos/audit-records',
    {
      schema: {
        summary: 'Report audit records (producer API)',
        description: 'Product services push audit records of a tenant. Idempotent on each record\'s id.',
        tags: ['producer'],
        security: [{ bearer: [] }],
        body: ProducedAuditBatch,
        response: { 200: ProducerResult, 400: AosError, 401: AosError, 403: AosError },
      },
      config: { permission: PRODUCER_PERMISSION },
    },
    async (request) => {
      const records = (request.body as { value: ProducedAuditRecord[] }).value;
      records.forEach((record, index) => parseIsoDate(`value[${index}].actionTime`, record.actionTime, true));
      const result = await store.insert(request.principal!.tenantId, records.map((record) => ({ ...record, actionTime: parseIsoDate('actionTime', record.actionTime, true).toISOString() })));
      return { received: records.length, ...result };
    },
  );
}

function fingerprintOf(filter: AuditFilter): string {
  const canonical = [filter.tenantId, filter.startMs, filter.endMs, [...filter.productTypes].sort().join(','), [...filter.geoLocations].sort().join(',')].join('|');
  return hash('sha256', canonical, 'base64url').slice(0, 22);
}

/**
 * The link URLSearchParams writes, with the parts on every page (the window, the token, whose
 * characters need no encoding but the times' `:`) written directly.
 */
function nextLinkFor(base: string, filter: AuditFilter, token: string): string {
  const lists = new URLSearchParams();
  if (filter.productTypes.length > 0) lists.set('productTypes', filter.productTypes.join(','));
  if (filter.geoLocations.length > 0) lists.set('geoLocations', filter.geoLocations.join(','));
  const filters = lists.size > 0 ? `&${lists.toString()}` : '';
  return `${base}/aos/audit?startTime=${isoParam(filter.startMs)}&endTime=${isoParam(filter.endMs)}${filters}&skipToken=${token}`;
}

const isoParam = (ms: number): string => new Date(ms).toISOString().replaceAll(':', '%3A');
