import { hash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Type, type TObject, type TSchema } from 'typebox';
import { invalidParameter } from '../../platform/errors.js';
import type { RegionContext } from '../../platform/product-module.js';
import { parseIsoDate, single } from '../../platform/query.js';
import { NullableString } from '../../platform/schema.js';
import type { TimeWindow } from './event-store.js';
import type { ObjectStore } from './object-store.js';

export const ENPOWER_PERMISSION = 'enpower.data.read.all';
export const ENPOWER_TAGS = ['EnPower'];

/** The docs' defaults when fromDate/toDate are left out: "1/1/0001 12:00:00" to "12/31/9999 23:59:59". */
export const WHOLE_HISTORY: TimeWindow = { fromMs: Date.parse('0001-01-01T00:00:00Z'), toMs: Date.parse('9999-12-31T23:59:59.999Z') };

/** The AOS error envelope, which EnPower's regional API answers in (its pages document none of their own). */
export const EnPowerError = Type.Object({ traceId: Type.String(), error: Type.String(), statusCode: Type.Integer() });

/** What a list reader is given: the caller's organization and the parsed common parameters. */
export interface ListRequest {
  tenantId: string;
  /** The Microsoft 365 tenant `tenant` selects; absent for all of the organization's. */
  m365Tenant?: string;
  top: number;
  window: TimeWindow;
  windowGiven: boolean;
  params: Record<string, string>;
  query: Record<string, unknown>;
  /** The position the previous page ended at, from the skipToken. */
  cursor?: Record<string, unknown>;
  nowMs: number;
}

export interface ListPage {
  /** The page's items, each already its documented JSON. */
  items: string[];
  totalCount: number;
  /** Where the next page starts; absent on the last page. */
  next?: Record<string, unknown>;
}

/** One documented list endpoint: all 29 share the `{<collection>, totalCount, nextLink}` envelope and its paging. */
export interface ListEndpoint {
  /** The documented path first; the others are spellings real clients send (hidden from OpenAPI). */
  paths: readonly string[];
  operationId: string;
  summary: string;
  description: string;
  collectionKey: string;
  item: TObject;
  /** Path parameters, described. */
  pathParams?: Record<string, string>;
  /** Takes fromDate/toDate. */
  dated?: boolean;
  /** Aggregates answer all of their groups at once: no top, no skipToken. */
  paged?: boolean;
  /** Query parameters of this endpoint only (mailboxType, flowId, ...). */
  filters?: Record<string, TSchema>;
  read(request: ListRequest): Promise<ListPage>;
}

const TOP = Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'Records per page, 1 to 1000 (default 100).' });
const TENANT = Type.String({ maxLength: 256, description: 'The Microsoft 365 tenant (its id or domain) whose data is retrieved; by default, all tenants of the organization.' });
const SKIP_TOKEN = Type.String({ maxLength: 2048, description: 'Continuation token from a previous nextLink.' });
const FROM_DATE = Type.String({ description: 'ISO 8601; events at or after it. Default 0001-01-01T00:00:00Z.' });
const TO_DATE = Type.String({ description: 'ISO 8601; events at or before it. Default 9999-12-31T23:59:59Z.' });

/** Registers list endpoints: their schemas, permission, common parameters, tamper-evident paging and envelope. */
export function registerListEndpoints(app: FastifyInstance, context: RegionContext, objects: ObjectStore, endpoints: readonly ListEndpoint[]): void {
  for (const endpoint of endpoints) {
    const paged = endpoint.paged ?? true;
    const querystring = Type.Object({
      ...(paged ? { top: Type.Optional(TOP) } : {}),
      tenant: Type.Optional(TENANT),
      ...(endpoint.dated ? { fromDate: Type.Optional(FROM_DATE), toDate: Type.Optional(TO_DATE) } : {}),
      ...Object.fromEntries(Object.entries(endpoint.filters ?? {}).map(([name, schema]) => [name, Type.Optional(schema)])),
      ...(paged ? { skipToken: Type.Optional(SKIP_TOKEN) } : {}),
    });
    const params = endpoint.pathParams
      ? Type.Object(Object.fromEntries(Object.entries(endpoint.pathParams).map(([name, description]) => [name, Type.String({ minLength: 1, maxLength: 400, description })])))
      : undefined;
    const response = Type.Object({
      [endpoint.collectionKey]: Type.Array(endpoint.item),
      totalCount: Type.Integer(),
      nextLink: NullableString({ description: 'The URL of the next page; "" on the last page.' }),
    });
    endpoint.paths.forEach((path, index) => {
      app.get(
        path,
        {
          schema: {
            ...(index === 0 ? { operationId: endpoint.operationId } : { hide: true }),
            summary: endpoint.summary,
            description: endpoint.description,
            tags: ENPOWER_TAGS,
            security: [{ bearer: [] }],
            querystring,
            ...(params ? { params } : {}),
            response: { 200: response, 400: EnPowerError, 401: EnPowerError, 403: EnPowerError, 404: EnPowerError },
          },
          config: { permission: ENPOWER_PERMISSION },
        },
        async (request, reply) => {
          const query = request.query as Record<string, unknown>;
          const tenantId = request.principal!.tenantId;
          const window = endpoint.dated ? parseWindow(query) : { window: WHOLE_HISTORY, given: false };
          const tenantName = single(query.tenant)?.trim();
          // An unknown tenant selects nothing: a key no stored tenant has.
          const m365Tenant = tenantName ? ((await objects.resolveTenant(tenantId, tenantName)) ?? `\u0001${tenantName}`) : undefined;
          const pathValues = (request.params ?? {}) as Record<string, string>;
          const fingerprint = fingerprintOf(tenantId, endpoint.operationId, pathValues, query);
          const skipToken = paged ? single(query.skipToken) : undefined;
          let cursor: Record<string, unknown> | undefined;
          if (skipToken) {
            const token = context.paging.decode<{ f: string; c: Record<string, unknown> }>(skipToken, 'skipToken');
            if (token.f !== fingerprint || typeof token.c !== 'object' || token.c === null) {
              throw invalidParameter('skipToken', 'belongs to another query; send the nextLink exactly as it was returned');
            }
            cursor = token.c;
          }
          const top = paged ? Number(query.top ?? 100) : Number.MAX_SAFE_INTEGER;
          const page = await endpoint.read({
            tenantId,
            ...(m365Tenant !== undefined ? { m365Tenant } : {}),
            top,
            window: window.window,
            windowGiven: window.given,
            params: pathValues,
            query,
            ...(cursor ? { cursor } : {}),
            nowMs: context.clock.nowMs(),
          });
          const nextLink = page.next ? nextLinkFor(context.publicUrl(), request.url, context.paging.encode({ f: fingerprint, c: page.next })) : '';
          return reply
            .type('application/json; charset=utf-8')
            .send(`{${JSON.stringify(endpoint.collectionKey)}:[${page.items.join(',')}],"totalCount":${page.totalCount},"nextLink":${JSON.stringify(nextLink)}}`);
        },
      );
    });
  }
}

function parseWindow(query: Record<string, unknown>): { window: TimeWindow; given: boolean } {
  const from = parseIsoDate('fromDate', query.fromDate);
  const to = parseIsoDate('toDate', query.toDate);
  const window = { fromMs: from?.getTime() ?? WHOLE_HISTORY.fromMs, toMs: to?.getTime() ?? WHOLE_HISTORY.toMs };
  if (window.toMs < window.fromMs) throw invalidParameter('toDate', 'must not be earlier than fromDate');
  return { window, given: from !== undefined || to !== undefined };
}

/** The query a token continues: the caller, the endpoint, its path ids and every parameter but the token. */
function fingerprintOf(tenantId: string, operationId: string, params: Record<string, string>, query: Record<string, unknown>): string {
  const parts = Object.entries(query)
    .filter(([name]) => name !== 'skipToken')
    .map(([name, value]) => `${name}=${String(single(value))}`)
    .sort();
  const ids = Object.entries(params).map(([name, value]) => `${name}=${value.toLowerCase()}`);
  return hash('sha256', [tenantId, operationId, ...ids, ...parts].join('|'), 'base64url').slice(0, 22);
}

/** The same request with the token of the next page in place of any previous one. */
function nextLinkFor(base: string, url: string, token: string): string {
  const [path, search = ''] = url.split('?', 2) as [string, string?];
  const query = new URLSearchParams(search);
  for (const name of [...query.keys()]) if (name.toLowerCase() === 'skiptoken') query.delete(name);
  query.set('skipToken', token);
  return `${base}${path}?${query.toString()}`;
}
