import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { notFound } from '../../platform/errors.js';
import { PRODUCER_PERMISSION } from '../../platform/producer.js';
import { partnerOf, type PartnerCaller } from '../partner/partner-context.js';
import type { PartnerData } from '../partner/partner-data.js';
import { DataCenterUnavailable } from '../partner/region-client.js';
import { ElementsError } from '../shared/routes.js';
import { bodySchema, internalPath, type GovernanceEndpoint } from './endpoint.js';
import { GOVERNANCE_ENDPOINTS } from './catalogue.js';

const errorResponses = { 400: ElementsError, 401: ElementsError, 403: ElementsError, 404: ElementsError, 409: ElementsError, 503: ElementsError };

type Relayed = { status: number; text: string };
type ListPage = { data: unknown[]; metadata: { totalCount: number } };

/** The internal path of an endpoint with the request's path parameters filled in. */
const targetPath = (endpoint: GovernanceEndpoint, params: Record<string, string>) =>
  internalPath(endpoint.path).replace(/:([A-Za-z]+)/g, (_match, name: string) => encodeURIComponent(params[name] ?? ''));

/**
 * The governance endpoints on the global endpoint, at their documented paths: the partner
 * API's authentication, permission check and customer scope (registerPartnerContext) come
 * first; then the call goes to the data center that holds its data, through the partner
 * directory and the region client, and the region's answer (refusals included) is the
 * client's. Partner-wide lists read every data center of the partner's in-scope customers
 * and page across them in data-center order.
 */
export function registerGovernanceRoutes(app: FastifyInstance, data: PartnerData): void {
  const relay = (dataCenter: string, caller: PartnerCaller, endpoint: GovernanceEndpoint, request: FastifyRequest, overrides: { query?: Record<string, unknown>; body?: unknown } = {}) =>
    data.regions.relay({
      dataCenter,
      tenantId: caller.partnerId,
      scopes: [PRODUCER_PERMISSION],
      method: endpoint.method,
      path: targetPath(endpoint, request.params as Record<string, string>),
      query: overrides.query ?? (request.query as Record<string, unknown>),
      body: overrides.body ?? (endpoint.method === 'GET' ? undefined : (request.body ?? {})),
    });
  // The region's JSON goes out as it came: it was serialized from the same response schema.
  const send = (reply: FastifyReply, answer: Relayed) => (answer.status === 204 ? reply.status(204).send() : reply.status(answer.status).type('application/json; charset=utf-8').send(answer.text));
  const parsed = (answer: Relayed) => JSON.parse(answer.text) as ListPage;

  /** Every in-scope data center's part of a partner-wide list, as (dataCenter, answer); unavailable ones named. */
  const everyDataCenter = async (caller: PartnerCaller, read: (dataCenter: string) => Promise<Relayed>) => {
    const dataCenters = await data.directory.dataCenters(caller);
    const unavailable: string[] = [];
    const answers: Array<{ dataCenter: string; answer: Relayed }> = [];
    await Promise.all(
      dataCenters.map(async (dataCenter) => {
        try {
          answers.push({ dataCenter, answer: await read(dataCenter) });
        } catch (error) {
          if (!(error instanceof DataCenterUnavailable)) throw error;
          unavailable.push(dataCenter);
        }
      }),
    );
    answers.sort((a, b) => a.dataCenter.localeCompare(b.dataCenter));
    return { answers, unavailable: unavailable.sort() };
  };

  /**
   * The data center each named baseline was captured in, among those captured from a customer
   * the app may see; one not found is 404 (503 when a data center that could hold it is down).
   */
  const baselineHomes = async (caller: PartnerCaller, request: FastifyRequest, ids: string[]) => {
    const wanted = [...new Set(ids.map((id) => id.toLowerCase()))];
    const batch = GOVERNANCE_ENDPOINTS.find((candidate) => candidate.operationId === 'queryBaselines')!;
    const window = { pageIndex: 1, pageSize: wanted.length, offset: 0, limit: wanted.length };
    const found = await everyDataCenter(caller, (dc) => relay(dc, caller, batch, request, { query: window, body: scopeBody(caller, { baselineIds: wanted }) }));
    const homes = new Map<string, string>();
    for (const { dataCenter, answer } of found.answers) {
      if (answer.status !== 200) continue;
      for (const row of parsed(answer).data as Array<{ baselineId: string }>) homes.set(row.baselineId, dataCenter);
    }
    const missing = wanted.find((id) => !homes.has(id));
    if (missing) {
      if (found.unavailable.length) throw new DataCenterUnavailable(found.unavailable[0]!);
      throw notFound(`No baseline '${missing}' of this partner within this app's customer scope.`);
    }
    return homes;
  };

  const scopeBody = (caller: PartnerCaller, body: unknown) => ({ ...((body ?? {}) as object), ...(caller.customerIds ? { scopeCustomerIds: [...caller.customerIds] } : {}) });

  const handlers: Record<GovernanceEndpoint['routing'], (endpoint: GovernanceEndpoint, request: FastifyRequest, reply: FastifyReply) => Promise<unknown>> = {
    customer: async (endpoint, request, reply) => {
      const caller = partnerOf(request);
      const entry = await data.customer(caller, (request.params as { customerId: string }).customerId);
      return send(reply, await relay(entry.data_center, caller, endpoint, request));
    },
    'body-customer': async (endpoint, request, reply) => {
      const caller = partnerOf(request);
      const entry = await data.customer(caller, (request.body as { customerId: string }).customerId);
      return send(reply, await relay(entry.data_center, caller, endpoint, request));
    },
    partner: async (endpoint, request, reply) => {
      const caller = partnerOf(request);
      const { pageIndex, pageSize } = request.query as { pageIndex: number; pageSize: number };
      const body = scopeBody(caller, request.body);
      const query = request.query as Record<string, unknown>;
      // First each data center's count, then only the rows of the asked page, in data-center order.
      const counts = await everyDataCenter(caller, (dc) => relay(dc, caller, endpoint, request, { query: { ...query, offset: 0, limit: 0 }, body }));
      const refused = counts.answers.find(({ answer }) => answer.status !== 200);
      if (refused) return send(reply, refused.answer);
      let skip = (pageIndex - 1) * pageSize;
      let want = pageSize;
      const rows: unknown[] = [];
      let totalCount = 0;
      for (const { dataCenter, answer } of counts.answers) {
        const count = parsed(answer).metadata.totalCount;
        totalCount += count;
        if (want === 0 || skip >= count) {
          skip = Math.max(0, skip - count);
          continue;
        }
        const part = await relay(dataCenter, caller, endpoint, request, { query: { ...query, offset: skip, limit: Math.min(want, count - skip) }, body });
        const items = parsed(part).data;
        rows.push(...items);
        want -= items.length;
        skip = 0;
      }
      if (counts.unavailable.length) reply.header('x-meridian-unavailable-data-centers', counts.unavailable.join(','));
      return { data: rows, metadata: { pageIndex, pageSize, totalCount } };
    },
    baseline: async (endpoint, request, reply) => {
      const caller = partnerOf(request);
      const { baselineId } = request.params as { baselineId: string };
      const home = (await baselineHomes(caller, request, [baselineId])).get(baselineId.toLowerCase())!;
      return send(reply, await relay(home, caller, endpoint, request));
    },
    'customer-baselines': async (endpoint, request, reply) => {
      const caller = partnerOf(request);
      const entry = await data.customer(caller, (request.params as { customerId: string }).customerId);
      const named = ((request.body as { data?: Array<{ baselineId: string }> }).data ?? []).map((item) => item.baselineId);
      const homes = await baselineHomes(caller, request, named);
      const away = [...homes].filter(([, dataCenter]) => dataCenter !== entry.data_center);
      const internal = (dataCenter: string, method: 'GET' | 'PUT' | 'POST', baselineId: string, action: 'definition' | 'copy' | 'applied', body?: unknown) =>
        data.regions.call<unknown>({ dataCenter, tenantId: caller.partnerId, scopes: [PRODUCER_PERMISSION], method, path: `/internal/elements/baselines/${encodeURIComponent(baselineId)}/${action}`, body });
      // A baseline lives where it was captured; the apply job runs where the tenant lives and reads a copy there.
      for (const [baselineId, home] of away) await internal(entry.data_center, 'PUT', baselineId, 'copy', await internal(home, 'GET', baselineId, 'definition'));
      const answer = await relay(entry.data_center, caller, endpoint, request);
      if (answer.status === 200) {
        for (const [baselineId, home] of away) {
          // The apply is accepted whether or not the baseline's home hears of it now (docs/architecture.md).
          await internal(home, 'POST', baselineId, 'applied').catch((error: unknown) => request.log.warn({ baselineId, dataCenter: home, err: (error as Error).message }, 'a baseline applied in another data center could not be marked Active at its home'));
        }
      }
      return send(reply, answer);
    },
  };

  for (const endpoint of GOVERNANCE_ENDPOINTS) {
    app.route({
      method: endpoint.method,
      url: endpoint.path,
      schema: {
        operationId: endpoint.operationId,
        summary: endpoint.summary,
        tags: [...endpoint.tags],
        security: [{ bearer: [] }],
        ...(endpoint.params ? { params: endpoint.params } : {}),
        ...(endpoint.querystring ? { querystring: endpoint.querystring } : {}),
        ...(endpoint.body ? { body: bodySchema(endpoint.body) } : {}),
        response: { [endpoint.response.status]: endpoint.response.schema ?? Type.Null(), ...errorResponses },
      },
      config: { permission: endpoint.permission },
      handler: (request, reply) => {
        endpoint.check?.(request.body as Record<string, unknown>);
        return handlers[endpoint.routing](endpoint, request, reply);
      },
    });
  }
}
