import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { invalidParameter } from '../../platform/errors.js';
import type { ErrorEnvelope } from '../../platform/error-handling.js';
import { PRODUCER_PERMISSION } from '../../platform/producer.js';
import { parseInteger, parseIsoDate, single } from '../../platform/query.js';
import { CONFLICT_OPTIONS, MAX_ITEMS_PER_PAGE, RECORDS_PERMISSION, type ConflictOption } from '../catalogue.js';
import { canonicalBody } from '../lenient-body.js';
import type { OpusServices } from '../services.js';
import type { Connection } from './connection-store.js';
import {
  ConnectorError,
  DestroyBody,
  DestroyResult,
  DueRecordsPage,
  DueRecordsQuery,
  ProducedDestroy,
  ProducedDestroyResult,
  ProducedRecords,
  ProducedRecordsResult,
  SubmitBody,
  SubmitResult,
} from './connector-schemas.js';
import type { DueRow } from './record-store.js';

/** The connector pages' body shape carries errors too: { statusCode, message }. */
export const connectorErrorEnvelope: ErrorEnvelope = (error) => ({ statusCode: error.statusCode, message: error.message });

const tags = ['AvePoint Opus'];
const errors = { 400: ConnectorError, 401: ConnectorError, 403: ConnectorError };
const submitKeys = canonicalBody({ names: ['id', 'conflictOption', 'data'], aliases: { confilictOption: 'conflictOption' }, enums: { conflictOption: CONFLICT_OPTIONS } });
const destroyKeys = canonicalBody({ names: ['disposalIds', 'id'] });

interface DueToken extends Record<string, unknown> {
  /** Fingerprint of tenant, connection and disposalDueDate: a token continues only its own listing. */
  f: string;
  h: number;
  d: number;
  s: number;
}

/**
 * The three documented connector endpoints (useconnector/*.md) and their producer twins.
 * Their audit records are committed with each write and delivered by the outbox's interval,
 * in batches: kicking a delivery per call would cost the region a request per call.
 */
export function registerConnectorRoutes(app: FastifyInstance, services: OpusServices): void {
  const { connections, submission, records, disposal, context } = services;

  const connectionOf = async (tenantId: string, id: unknown, parameter = 'id'): Promise<Connection> => {
    const text = single(id)?.trim();
    if (!text) throw invalidParameter(parameter, "is required: the connection's ID from its JSON file");
    const connection = await connections.get(tenantId, text);
    if (!connection) throw invalidParameter(parameter, `does not name a connection of this tenant: '${text.slice(0, 60)}'`);
    return connection;
  };

  app.post(
    '/records/connector/records',
    {
      schema: {
        operationId: 'submitRecords',
        summary: 'Submit records',
        description: 'Submits up to 15 records to a connection. 201 when every record was stored (or skipped); 418 with failedItems when some failed, the others stored.',
        tags,
        security: [{ bearer: [] }],
        body: SubmitBody,
        response: { 201: SubmitResult, 418: SubmitResult, ...errors },
      },
      preValidation: submitKeys,
      config: { permission: RECORDS_PERMISSION },
    },
    async (request, reply) => {
      const body = request.body as { id: string; conflictOption: ConflictOption; data: unknown[] };
      const principal = request.principal!;
      const connection = await connectionOf(principal.tenantId, body.id);
      const outcome = await submission.submit(principal.tenantId, connection, body.conflictOption, body.data, principal.clientId);
      if (outcome.failedItems.length > 0) {
        const message = `${outcome.failedItems.length} of ${body.data.length} records failed to be submitted; the others were ${outcome.skipped > 0 ? 'stored or skipped' : 'stored'}.`;
        return reply.code(418).send({ statusCode: 418, message, failedItems: outcome.failedItems });
      }
      return reply.code(201).send({ statusCode: 201, message: null });
    },
  );

  app.get(
    '/records/connector/records',
    {
      schema: {
        operationId: 'retrieveDueRecords',
        summary: 'Retrieve due records',
        description: 'Records of a connection whose disposal due date is before disposalDueDate and that may be destroyed (not on hold; approved where the rule needs approval), paged with startIndex.',
        tags,
        security: [{ bearer: [] }],
        querystring: DueRecordsQuery,
        response: { 200: DueRecordsPage, ...errors },
      },
      config: { permission: RECORDS_PERMISSION },
    },
    async (request) => {
      const query = request.query as Record<string, unknown>;
      const tenantId = request.principal!.tenantId;
      const connection = await connectionOf(tenantId, query.id);
      const before = parseIsoDate('disposalDueDate', query.disposalDueDate, true).getTime();
      const perPage = single(query.itemsPerPage)?.trim();
      if (!perPage) throw invalidParameter('itemsPerPage', `is required: a number between 0 and ${MAX_ITEMS_PER_PAGE}`);
      const requested = parseInteger('itemsPerPage', perPage, { min: 0, max: MAX_ITEMS_PER_PAGE, fallback: MAX_ITEMS_PER_PAGE });
      // "A number between 0 and 100": a page of nothing would never end a client's loop, so 0 asks for the most.
      const size = requested === 0 ? MAX_ITEMS_PER_PAGE : requested;
      const fingerprint = createHash('sha256').update(`${tenantId}|${connection.id}|${before}`).digest('base64url').slice(0, 22);
      const startIndex = single(query.startIndex)?.trim() ?? '';
      let highWater: number;
      let after: { dueAt: number; seq: number } | undefined;
      if (startIndex === '' || startIndex === '0' || startIndex.toLowerCase() === 'null') {
        highWater = await records.highWater();
      } else {
        if (/^\d+$/.test(startIndex)) throw invalidParameter('startIndex', 'must be empty on the first request, then the startIndex value the previous page returned (it is not a page number)');
        const token = context.paging.decode<DueToken>(startIndex, 'startIndex');
        if (token.f !== fingerprint || ![token.h, token.d, token.s].every((n) => typeof n === 'number')) {
          throw invalidParameter('startIndex', 'belongs to another listing (connection or disposalDueDate); send back the startIndex of the previous page of this one');
        }
        highWater = token.h;
        after = { dueAt: token.d, seq: token.s };
      }
      const { rows, more } = await records.duePage(tenantId, connection.id, before, highWater, after, size);
      const last = rows[rows.length - 1];
      const next = more && last ? context.paging.encode({ f: fingerprint, h: highWater, d: last.due_at!, s: last.seq } satisfies DueToken) : null;
      return { startIndex: next, statusCode: 200, message: null, queriedItems: rows.map(toDueRecord) };
    },
  );

  app.delete(
    '/records/connector/records',
    {
      schema: {
        operationId: 'destroyRecords',
        summary: 'Destroy records',
        description: 'Marks up to 15 records Destroyed. 200 when all were destroyed (or already were); 418 with failedItems naming each record that may not be destroyed and why.',
        tags,
        security: [{ bearer: [] }],
        body: DestroyBody,
        response: { 200: DestroyResult, 418: DestroyResult, ...errors },
      },
      preValidation: destroyKeys,
      config: { permission: RECORDS_PERMISSION },
    },
    async (request, reply) => {
      const body = request.body as { disposalIds: string[]; id?: string };
      const principal = request.principal!;
      const connection = body.id === undefined || body.id.trim() === '' ? undefined : await connectionOf(principal.tenantId, body.id);
      const outcome = await disposal.destroy(principal.tenantId, body.disposalIds, connection?.id, principal.clientId);
      if (outcome.failedItems.length > 0) {
        const message = `${outcome.failedItems.length} of ${new Set(body.disposalIds).size} records could not be marked Destroyed; the others were.`;
        return reply.code(418).send({ statusCode: 418, message, failedItems: outcome.failedItems });
      }
      return reply.code(200).send({ statusCode: 200, message: null });
    },
  );

  app.post(
    '/producer/opus/records',
    {
      schema: {
        summary: 'Submit records in bulk (producer API)',
        description: 'The connector submission in batches of up to 1000, for services and the simulator; the same checks and rules.',
        tags: ['producer'],
        security: [{ bearer: [] }],
        body: ProducedRecords,
        response: { 200: ProducedRecordsResult, ...errors },
      },
      preValidation: canonicalBody({ names: ['id', 'conflictOption', 'data', 'actor'], enums: { conflictOption: CONFLICT_OPTIONS } }),
      config: { permission: PRODUCER_PERMISSION },
    },
    async (request) => {
      const body = request.body as { id: string; conflictOption: ConflictOption; data: unknown[]; actor?: string };
      const principal = request.principal!;
      const connection = await connectionOf(principal.tenantId, body.id);
      const outcome = await submission.submit(principal.tenantId, connection, body.conflictOption, body.data, body.actor ?? principal.clientId);
      return { received: body.data.length, ...outcome };
    },
  );

  app.post(
    '/producer/opus/records/destroy',
    {
      schema: {
        summary: 'Mark records Destroyed in bulk (producer API)',
        description: 'The connector disposal in batches of up to 1000; the same rules (due, no hold, approved).',
        tags: ['producer'],
        security: [{ bearer: [] }],
        body: ProducedDestroy,
        response: { 200: ProducedDestroyResult, ...errors },
      },
      config: { permission: PRODUCER_PERMISSION },
    },
    async (request) => {
      const body = request.body as { disposalIds: string[]; id?: string; actor?: string };
      const principal = request.principal!;
      const connection = body.id ? await connectionOf(principal.tenantId, body.id) : undefined;
      const outcome = await disposal.destroy(principal.tenantId, body.disposalIds, connection?.id, body.actor ?? principal.clientId);
      return outcome;
    },
  );
}

/** retrieve-due-records.md prints times as "2024-12-19 18:15:00" (UTC here). */
export const recordTime = (ms: number): string => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

function toDueRecord(row: DueRow) {
  return {
    rowKey: row.row_key,
    leafName: row.leaf_name,
    termFullPath: row.term_path,
    timeCreated: recordTime(row.time_created),
    timeModified: recordTime(row.time_modified),
    createdBy: row.created_by,
    modifiedBy: row.modified_by,
  };
}
