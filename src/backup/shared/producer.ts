import type { FastifyRequest } from 'fastify';
import { Type, type TSchema } from 'typebox';
import { invalidParameter } from '../../platform/errors.js';
import { PRODUCER_PERMISSION } from '../../platform/producer.js';
import { parseIsoDate } from '../../platform/query.js';
import { errorResponses } from './envelopes.js';

/** What every backup producer route answers. */
export const ProducerResult = Type.Object({
  received: Type.Integer(),
  applied: Type.Integer({ description: 'Items inserted or changed.' }),
  ignored: Type.Integer({ description: 'Items already stored as sent, or stale (a finished job reported as running again).' }),
});

const PRODUCER_TAGS = ['producer'];

/**
 * The options of a backup producer route: in the OpenAPI document's producer group, behind the
 * producer permission, answering ProducerResult or the product's own error envelope.
 */
export function producerRouteOptions(options: { summary: string; description: string; body: TSchema; errorResponse: TSchema }) {
  return {
    schema: {
      summary: options.summary,
      description: options.description,
      tags: PRODUCER_TAGS,
      security: [{ bearer: [] }],
      body: options.body,
      response: { 200: ProducerResult, ...errorResponses(options.errorResponse) },
    },
    config: { permission: PRODUCER_PERMISSION },
  };
}

/** A producer body: a batch of one to 1000 items. */
export const producerBatch = (item: TSchema) => Type.Object({ value: Type.Array(item, { minItems: 1, maxItems: 1000 }) });

/** A reported job's start and finish, checked against each other; `at` names the item (value[3]). */
export function jobTimes(at: string, startTime: string, finishTime: string | null | undefined): { startMs: number; finishMs: number | null } {
  const start = parseIsoDate(`${at}.startTime`, startTime, true).getTime();
  const finish = parseIsoDate(`${at}.finishTime`, finishTime ?? undefined)?.getTime() ?? null;
  if (finish !== null && finish < start) throw invalidParameter(`${at}.finishTime`, 'must not be earlier than startTime');
  return { startMs: start, finishMs: finish };
}

/** A reported job that has finished must say when, and a running one must not. */
export function requireFinishMatchesState(at: string, running: boolean, finishMs: number | null): void {
  if (!running && finishMs === null) throw invalidParameter(`${at}.finishTime`, 'is required once the job has finished');
  if (running && finishMs !== null) throw invalidParameter(`${at}.finishTime`, 'must be empty while the job is running');
}

export const tenantOf = (request: FastifyRequest): string => request.principal!.tenantId;
