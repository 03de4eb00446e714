import { hash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { invalidParameter } from '../../platform/errors.js';
import type { RegionContext } from '../../platform/product-module.js';
import { PRODUCER_PERMISSION } from '../../platform/producer.js';
import { list, parseIsoDate } from '../../platform/query.js';
import { routeAtPaths } from '../../platform/route-aliases.js';
import { ACTION_CODES, MODULE_CODES, STATUS_CODES } from '../catalogue.js';
import { AuditPage, AuditQuery, DEFAULT_PAGE_SIZE, DmsoError, ProducedAuditBatch, ProducerResult, type ProducedAuditRecord } from './audit-schemas.js';
import type { AuditFilter, AuditStore, PageStart } from './audit-store.js';

const DEFAULT_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;
const LIST_PARAMETERS = ['status', 'action', 'module'] as const;

interface AuditQueryValues {
  startTime?: string;
  endTime?: string;
  status?: number[];
  action?: number[];
  module?: number[];
  isDetail?: boolean;
  search?: string;
  pageIndex?: number;
  pageSize?: number;
  isASC?: boolean;
  skipToken?: string;
}

interface AuditToken extends Record<string, unknown> {
  /** Fingerprint of tenant, filters, order and page size: a token only continues the query that made it. */
  f: string;
  /** The page index the token starts, as the nextLink's pageIndex says. */
  p: number;
  t: number;
  s: number;
}

export function registerAuditRoutes(app: FastifyInstance, context: RegionContext, store: AuditStore): void {
  // The documented path, and the path of the page's request sample.
  routeAtPaths(app, '/dmso/audits', ['/document-management/audits'], {
    method: 'GET',
    schema: {
      operationId: 'getDmsoAuditRecords',
      summary: 'Retrieve audit records',
      description: 'User activities in DMS Online within a time range (default: the last 7 days), oldest first, in pages of up to 200.',
      tags: ['Document Management System Online'],
      security: [{ bearer: [] }],
      querystring: AuditQuery,
      response: { 200: AuditPage, 400: DmsoError, 401: DmsoError, 403: DmsoError },
    },
    config: { permission: 'dmso.graph.readwrite.all' },
    // Lists arrive repeated (`action=649&action=650`, as the sample sends them) or comma-separated.
    preValidation: async (request: FastifyRequest) => {
      const query = request.query as Record<string, unknown>;
      for (const name of LIST_PARAMETERS) {
        if (query[name] === undefined) continue;
        const values = list(query[name]);
        if (values.length > 0) query[name] = values;
        else delete query[name];
      }
    },
    handler: async (request) => {
      const query = request.query as AuditQueryValues;
      const endMs = parseIsoDate('endTime', query.endTime)?.getTime() ?? context.clock.nowMs();
      const startMs = parseIsoDate('startTime', query.startTime)?.getTime() ?? endMs - DEFAULT_WINDOW_MS;
      if (endMs < startMs) throw invalidParameter('endTime', 'must not be earlier than startTime');
      const filter: AuditFilter = {
        tenantId: request.principal!.tenantId,
        startMs,
        endMs,
        statuses: documentedCodes('status', query.status, STATUS_CODES, 'the statuses 200 (Success) and 500 (Failed)'),
        actions: documentedCodes('action', query.action, ACTION_CODES, 'the action codes listed on the Retrieve Audit Records page'),
        modules: documentedCodes('module', query.module, MODULE_CODES, 'the module codes 1-21, 23 and 100'),
        search: query.search?.trim().toLowerCase() || undefined,
        ascending: query.isASC ?? true,
      };
      const pageSize = query.pageSize ?? DEFAULT_PAGE_SIZE;
      const pageIndex = Math.max(1, query.pageIndex ?? 1);
      const fingerprint = fingerprintOf(filter, pageSize);
      let start: PageStart = { offset: (pageIndex - 1) * pageSize };
      if (query.skipToken) {
        const token = context.paging.decode<AuditToken>(query.skipToken, 'skipToken');
        if (token.f !== fingerprint || typeof token.t !== 'number' || typeof token.s !== 'number') {
          throw invalidParameter('skipToken', 'belongs to another query; send the nextLink exactly as it was returned');
        }
        if (token.p !== pageIndex) throw invalidParameter('pageIndex', `must be ${token.p}, the page the skipToken continues`);
        start = { after: { time: token.t, seq: token.s } };
      }
      const isDetail = query.isDetail ?? false;
      const page = await store.page(filter, start, pageSize, isDetail);
      const nextLink =
        page.more && page.last
          ? relativeNextLink(filter, { pageIndex: pageIndex + 1, pageSize, isDetail }, context.paging.encode({ f: fingerprint, p: pageIndex + 1, t: page.last.time, s: page.last.seq }))
          : null;
      return { data: page.records, nextLink, traceId: request.traceId, errorMessage: '', statusCode: 200 };
    },
  });

  app.post(
    '/producer/dmso/audits',
    {
      schema: {
        operationId: 'produceDmsoAuditRecords',
        summary: 'Report DMS Online audit records (producer API)',
        description: 'DMS Online pushes the audit records of a tenant. Idempotent on each record\'s id; a batch with any invalid record is refused whole.',
        tags: ['producer'],
        security: [{ bearer: [] }],
        body: ProducedAuditBatch,
        response: { 200: ProducerResult, 400: DmsoError, 401: DmsoError, 403: DmsoError },
      },
      config: { permission: PRODUCER_PERMISSION },
    },
    async (request) => {
      const records = (request.body as { value: ProducedAuditRecord[] }).value;
      const normalised = records.map((record, index) => {
        const at = `value[${index}]`;
        const actionTime = parseIsoDate(`${at}.actionTime`, record.actionTime, true).toISOString();
        documentedCodes(`${at}.module`, [record.module], MODULE_CODES, 'a module code of the page');
        documentedCodes(`${at}.action`, [record.action], ACTION_CODES, 'an action code of the page');
        documentedCodes(`${at}.status`, [record.status], STATUS_CODES, '200 or 500');
        return { ...record, actionTime };
      });
      return { received: records.length, ...(await store.insert(request.principal!.tenantId, normalised)) };
    },
  );
}

/** The values of a code list parameter, each checked against the page's table. */
function documentedCodes(name: string, values: number[] | undefined, allowed: ReadonlySet<number>, valid: string): number[] {
  for (const value of values ?? []) {
    if (!allowed.has(value)) throw invalidParameter(name, `has an unknown value '${value}'; valid values are ${valid}`);
  }
  return [...new Set(values ?? [])].sort((a, b) => a - b);
}

function fingerprintOf(filter: AuditFilter, pageSize: number): string {
  const canonical = [filter.tenantId, filter.startMs, filter.endMs, filter.statuses, filter.actions, filter.modules, filter.search ?? '', filter.ascending, pageSize].join('|');
  return hash('sha256', canonical, 'base64url').slice(0, 22);
}

/**
 * The next page as the sample writes it: relative to the audits resource (so it resolves on
 * whichever path was called), lists repeated and sorted, the window pinned to what this page
 * used, then pageIndex, pageSize, isDetail, orderBy and isASC, and the continuation token.
 */
function relativeNextLink(filter: AuditFilter, page: { pageIndex: number; pageSize: number; isDetail: boolean }, token: string): string {
  const params = new URLSearchParams();
  for (const status of filter.statuses) params.append('status', String(status));
  for (const action of filter.actions) params.append('action', String(action));
  for (const module of filter.modules) params.append('module', String(module));
  if (filter.search) params.set('search', filter.search);
  params.set('startTime', new Date(filter.startMs).toISOString());
  params.set('endTime', new Date(filter.endMs).toISOString());
  params.set('pageIndex', String(page.pageIndex));
  params.set('pageSize', String(page.pageSize));
  params.set('isDetail', String(page.isDetail));
  params.set('orderBy', '0');
  params.set('isASC', String(filter.ascending));
  params.set('skipToken', token);
  return `audits?${params.toString()}`;
}
