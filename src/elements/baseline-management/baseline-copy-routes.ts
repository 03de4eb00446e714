import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { ApiError, notFound } from '../../platform/errors.js';
import { PRODUCER_PERMISSION } from '../../platform/producer.js';
import type { BaselineStore } from './baseline-store.js';

const Id = Type.String({ minLength: 1, maxLength: 100 });
const Text = (maxLength: number) => Type.String({ maxLength });
const Nullable = (maxLength: number) => Type.Union([Text(maxLength), Type.Null()]);

export const BaselineDefinition = Type.Object(
  {
    baselineId: Id,
    customerId: Id,
    tenantId: Id,
    name: Text(256),
    color: Type.Integer({ minimum: 0, maximum: 21 }),
    description: Nullable(2000),
    status: Type.Integer({ minimum: 1, maximum: 6 }),
    version: Type.Integer({ minimum: 1 }),
    createdMs: Type.Integer({ minimum: 0 }),
    modifiedMs: Type.Integer({ minimum: 0 }),
    settings: Type.Array(
      Type.Object({ source: Text(64), configuration: Text(512), status: Text(32), details: Nullable(2000), value: Nullable(8000) }, { additionalProperties: false }),
      { maxItems: 100_000 },
    ),
  },
  { additionalProperties: false },
);

const Params = Type.Object({ baselineId: Id });
/** Not under `/internal/elements/bm/`: that prefix holds the documented endpoints' internal twins only. */
const BASE = '/internal/elements/baselines/:baselineId';
const internal = { tags: ['Elements (internal)'], security: [{ bearer: [] }] };

/**
 * How a baseline reaches a tenant of another data center (docs/architecture.md, "Elements
 * governance"): the global endpoint reads its definition where it was captured, leaves a copy
 * in the tenant's data center, where the apply job reads it, and tells the baseline's home
 * once the apply was accepted. Called with the partner's service credential only.
 */
export function registerBaselineCopyRoutes(app: FastifyInstance, store: BaselineStore): void {
  const config = { permission: PRODUCER_PERMISSION };
  const partnerOf = (request: { principal?: { tenantId: string } }) => request.principal!.tenantId;

  app.get(
    `${BASE}/definition`,
    { schema: { ...internal, operationId: 'internalGetBaselineDefinition', summary: 'Read a baseline captured here, with its settings, to apply it in another data center', params: Params, response: { 200: BaselineDefinition } }, config },
    async (request) => {
      const { baselineId } = request.params as { baselineId: string };
      const definition = await store.definition(partnerOf(request), baselineId);
      if (!definition) throw notFound(`No baseline '${baselineId}' of this partner was captured in this data center.`);
      return definition;
    },
  );

  app.put(
    `${BASE}/copy`,
    { schema: { ...internal, operationId: 'internalPutBaselineCopy', summary: 'Keep a copy of a baseline captured in another data center, to apply it here', params: Params, body: BaselineDefinition, response: { 204: Type.Null() } }, config },
    async (request, reply) => {
      const { baselineId } = request.params as { baselineId: string };
      const definition = request.body as Static<typeof BaselineDefinition>;
      if (definition.baselineId.toLowerCase() !== baselineId.toLowerCase()) throw new ApiError(400, 'invalid_parameter', "The body's baselineId is not the one in the path.");
      if (!(await store.saveCopy(partnerOf(request), definition))) throw new ApiError(409, 'conflict', `Baseline '${baselineId}' was captured in this data center; it is not a copy.`);
      return reply.status(204).send();
    },
  );

  app.post(
    `${BASE}/applied`,
    { schema: { ...internal, operationId: 'internalMarkBaselineApplied', summary: 'Record that a baseline captured here was applied in another data center (it is Active)', params: Params, response: { 200: Type.Object({ marked: Type.Boolean() }) } }, config },
    async (request) => ({ marked: await store.markApplied(partnerOf(request), (request.params as { baselineId: string }).baselineId) }),
  );
}
