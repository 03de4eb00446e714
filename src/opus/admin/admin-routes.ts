import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { badRequest, notFound } from '../../platform/errors.js';
import type { ErrorEnvelope } from '../../platform/error-handling.js';
import { PRODUCER_PERMISSION } from '../../platform/producer.js';
import { parseIsoDate, single } from '../../platform/query.js';
import { BUILT_IN_COLUMNS, connectionFile, type ColumnSpec } from '../connector/columns.js';
import { canonicalGuid, type Connection } from '../connector/connection-store.js';
import { recordTime } from '../connector/connector-routes.js';
import type { RecordRow, TombstoneRow } from '../connector/record-store.js';
import type { Hold } from '../retention/holds.js';
import type { RetainAfter, RetentionRule } from '../retention/rules.js';
import type { Term } from '../retention/terms.js';
import type { OpusServices } from '../services.js';
import {
  AdminError,
  ConnectionFile,
  ConnectionView,
  CreateConnection,
  CreateHold,
  CreateTerm,
  Decide,
  DecisionOutcome,
  HoldView,
  PageOf,
  RecordLookup,
  RecordView,
  TermEvent,
  TermView,
  UpdateTerm,
} from './admin-schemas.js';

export const adminErrorEnvelope: ErrorEnvelope = (error, request) => ({ error: { code: error.code, message: error.message, requestId: request.id } });

const tags = ['admin: AvePoint Opus'];
const errors = { 400: AdminError, 401: AdminError, 403: AdminError, 404: AdminError, 409: AdminError };
const config = { permission: PRODUCER_PERMISSION };
const security = [{ bearer: [] }];
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

interface RuleFields {
  retainDays?: number;
  after?: RetainAfter;
  approval?: boolean;
  eventDate?: string | null;
}

/**
 * Opus configuration for operators: connections, the taxonomy and its retention rules,
 * holds and disposal reviews. It lives in the tenant's region beside the data it governs,
 * behind the producer permission (the CLI gets a producer token from the identity admin
 * API); every change writes an audit record of product Opus.
 */
export function registerOpusAdminRoutes(app: FastifyInstance, services: OpusServices): void {
  const { connections, connectionAdmin, terms, holds, reviews, records } = services;
  const tenantOf = (request: FastifyRequest) => request.principal!.tenantId;
  const actorOf = (request: FastifyRequest, given?: string) => given?.trim() || request.principal!.clientId;
  const requireConnection = async (request: FastifyRequest, id: string): Promise<Connection> => {
    const connection = await connections.get(tenantOf(request), id);
    if (!connection) throw notFound(`There is no connection '${id}'.`);
    return connection;
  };

  app.post(
    '/admin/opus/connections',
    { schema: { tags, security, summary: 'Create a connection with custom columns', body: CreateConnection, response: { 200: ConnectionView, 201: ConnectionView, ...errors } }, config },
    async (request, reply) => {
      const body = request.body as { id?: string; name: string; description?: string | null; columns?: ColumnSpec[]; actor?: string };
      const { connection, created } = await connectionAdmin.create(tenantOf(request), { id: body.id, name: body.name, description: body.description ?? undefined, columns: body.columns ?? [] }, actorOf(request, body.actor));
      services.audit.kick();
      return reply.code(created ? 201 : 200).send(connectionView(connection));
    },
  );

  app.get(
    '/admin/opus/connections',
    { schema: { tags, security, summary: 'List connections', response: { 200: Type.Object({ value: Type.Array(ConnectionView) }), ...errors } }, config },
    async (request) => ({ value: (await connections.list(tenantOf(request))).map(connectionView) }),
  );

  app.get(
    '/admin/opus/connections/:id/file',
    { schema: { tags, security, summary: "Download a connection's JSON file", params: Type.Object({ id: Type.String() }), response: { 200: ConnectionFile, ...errors } }, config },
    async (request) => {
      const connection = await requireConnection(request, (request.params as { id: string }).id);
      return connectionFile(connection.id, connection.columns);
    },
  );

  app.post(
    '/admin/opus/terms',
    { schema: { tags, security, summary: 'Create a term (termFullPath) with its retention rule', body: CreateTerm, response: { 200: TermView, 201: TermView, ...errors } }, config },
    async (request, reply) => {
      const body = request.body as RuleFields & { path: string; actor?: string };
      const rule = ruleFrom(body, null);
      const { term, created } = await terms.create(tenantOf(request), body.path, rule ?? null, actorOf(request, body.actor));
      services.audit.kick();
      return reply.code(created ? 201 : 200).send(termView(term));
    },
  );

  app.patch(
    '/admin/opus/terms',
    {
      schema: { tags, security, summary: "Change a term's retention rule or event date; due dates follow", body: UpdateTerm, response: { 200: TermView, ...errors } },
      config,
    },
    async (request) => {
      const body = request.body as RuleFields & { path: string; removeRule?: boolean; actor?: string };
      const existing = await terms.get(tenantOf(request), body.path);
      if (!existing) throw notFound(`There is no term '${body.path}'.`);
      const onlyEvent = body.retainDays === undefined && body.after === undefined && body.approval === undefined && body.eventDate !== undefined;
      const change = body.removeRule
        ? { path: body.path, rule: null }
        : onlyEvent
          ? { path: body.path, eventAt: eventAt(body.eventDate) }
          : { path: body.path, rule: ruleFrom(body, existing.rule) };
      const term = await terms.update(tenantOf(request), change, actorOf(request, body.actor));
      services.audit.kick();
      return termView(term);
    },
  );

  app.post(
    '/admin/opus/terms/event',
    {
      schema: { tags, security, summary: 'Record the date of the event an event-based rule counts from', body: TermEvent, response: { 200: TermView, ...errors } },
      config,
    },
    async (request) => {
      const body = request.body as { path: string; eventDate: string | null; actor?: string };
      const term = await terms.update(tenantOf(request), { path: body.path, eventAt: eventAt(body.eventDate) }, actorOf(request, body.actor));
      services.audit.kick();
      return termView(term);
    },
  );

  app.get(
    '/admin/opus/terms',
    { schema: { tags, security, summary: 'List the taxonomy and its rules', response: { 200: Type.Object({ value: Type.Array(TermView) }), ...errors } }, config },
    async (request) => ({ value: (await terms.list(tenantOf(request))).map(termView) }),
  );

  app.post(
    '/admin/opus/holds',
    { schema: { tags, security, summary: 'Place a hold on a connection, a term or records', body: CreateHold, response: { 200: HoldView, 201: HoldView, ...errors } }, config },
    async (request, reply) => {
      const body = request.body as { name: string; reason?: string | null; connectionId?: string; termPath?: string; rowKeys?: string[]; actor?: string };
      const { hold, created } = await holds.create(
        tenantOf(request),
        { name: body.name, reason: body.reason ?? undefined, connectionId: body.connectionId ? canonicalGuid(body.connectionId) : undefined, termPath: body.termPath, rowKeys: body.rowKeys },
        actorOf(request, body.actor),
      );
      services.audit.kick();
      return reply.code(created ? 201 : 200).send(holdView(hold));
    },
  );

  app.delete(
    '/admin/opus/holds/:id',
    {
      schema: { tags, security, summary: 'Remove a hold (again: no change)', params: Type.Object({ id: Type.String() }), querystring: Type.Object({ actor: Type.Optional(Type.String()) }), response: { 200: HoldView, ...errors } },
      config,
    },
    async (request) => {
      const hold = await holds.remove(tenantOf(request), (request.params as { id: string }).id.trim().toLowerCase(), actorOf(request, single((request.query as { actor?: unknown }).actor)));
      services.audit.kick();
      return holdView(hold);
    },
  );

  app.get(
    '/admin/opus/holds',
    {
      schema: { tags, security, summary: 'List holds', querystring: Type.Object({ includeRemoved: Type.Optional(Type.Boolean()) }), response: { 200: Type.Object({ value: Type.Array(HoldView) }), ...errors } },
      config,
    },
    async (request) => ({ value: (await holds.list(tenantOf(request), (request.query as { includeRemoved?: boolean }).includeRemoved === true)).map(holdView) }),
  );

  app.get(
    '/admin/opus/reviews',
    {
      schema: {
        tags,
        security,
        summary: 'Records awaiting disposal approval',
        querystring: Type.Object({ connectionId: Type.Optional(Type.String()), after: Type.Optional(Type.String()) }),
        response: { 200: PageOf(RecordView), ...errors },
      },
      config,
    },
    async (request) => {
      const query = request.query as { connectionId?: string; after?: string };
      const connection = query.connectionId ? await requireConnection(request, query.connectionId) : undefined;
      const after = query.after && /^\d{1,15}$/.test(query.after) ? Number(query.after) : 0;
      const { rows, more } = await reviews.pending(tenantOf(request), connection?.id, after, 500);
      return { value: rows.map((row) => recordView(row, false)), next: more ? String(rows[rows.length - 1]!.seq) : null };
    },
  );

  app.post(
    '/admin/opus/reviews',
    { schema: { tags, security, summary: 'Approve or reject the disposal of records', body: Decide, response: { 200: Type.Object({ value: Type.Array(DecisionOutcome) }), ...errors } }, config },
    async (request) => {
      const body = request.body as { connectionId: string; rowKeys: string[]; decision: 'approve' | 'reject'; reviewer?: string; comment?: string | null };
      const connection = await requireConnection(request, body.connectionId);
      const outcomes = await reviews.decide(tenantOf(request), connection.id, body.rowKeys, body.decision === 'approve' ? 'approved' : 'rejected', actorOf(request, body.reviewer), body.comment ?? undefined);
      services.audit.kick();
      return { value: outcomes };
    },
  );

  app.get(
    '/admin/opus/records',
    {
      schema: {
        tags,
        security,
        summary: 'A record, or the tombstone of a destroyed one',
        querystring: Type.Object({ connectionId: Type.String(), rowKey: Type.String() }),
        response: { 200: RecordLookup, ...errors },
      },
      config,
    },
    async (request) => {
      const query = request.query as { connectionId: string; rowKey: string };
      const connection = await requireConnection(request, query.connectionId);
      const [live] = await records.liveWithHolds(tenantOf(request), [query.rowKey], connection.id);
      if (live) return { status: 'Active', record: recordView(live, live.held) };
      const [tombstone] = await records.tombstones(tenantOf(request), [query.rowKey], connection.id);
      if (tombstone) return { status: 'Destroyed', tombstone: tombstoneView(tombstone) };
      throw notFound(`There is no record '${query.rowKey}' in connection '${connection.name}'.`);
    },
  );
}

/** A rule from the admin fields, over an existing rule (for PATCH); undefined when none is given. */
function ruleFrom(body: RuleFields, existing: RetentionRule | null): RetentionRule | null | undefined {
  const retainDays = body.retainDays ?? existing?.retainDays;
  const after = body.after ?? existing?.after;
  if (retainDays === undefined && after === undefined) {
    if (body.approval !== undefined || body.eventDate !== undefined) throw badRequest("A rule needs 'retainDays' and 'after' (created, modified or event).", 'invalid_parameter');
    return existing ?? undefined;
  }
  if (retainDays === undefined || after === undefined) throw badRequest("A rule needs both 'retainDays' and 'after' (created, modified or event).", 'invalid_parameter');
  if (after !== 'event' && body.eventDate) throw badRequest("'eventDate' applies only to a rule with after=event.", 'invalid_parameter');
  return {
    retainDays,
    after,
    requiresApproval: body.approval ?? existing?.requiresApproval ?? false,
    eventAt: after !== 'event' ? null : body.eventDate !== undefined ? eventAt(body.eventDate) : (existing?.eventAt ?? null),
  };
}

const eventAt = (text: string | null | undefined): number | null => (text ? parseIsoDate('eventDate', text, true).getTime() : null);

function connectionView(connection: Connection) {
  return {
    id: connection.id,
    name: connection.name,
    description: connection.description,
    builtInColumns: BUILT_IN_COLUMNS.map((column) => ({ name: column.name, internalName: column.internalName, type: column.fileType, required: column.required })),
    columns: connection.columns,
    createdAt: new Date(connection.createdAt).toISOString(),
    file: connectionFile(connection.id, connection.columns),
  };
}

function termView(term: Term) {
  return {
    id: term.id,
    termFullPath: term.path,
    retainDays: term.rule?.retainDays ?? null,
    after: term.rule?.after ?? null,
    approval: term.rule?.requiresApproval ?? false,
    eventDate: iso(term.rule?.eventAt ?? null),
    createdAt: new Date(term.createdAt).toISOString(),
    updatedAt: new Date(term.updatedAt).toISOString(),
  };
}

function holdView(hold: Hold) {
  return { ...hold, createdAt: new Date(hold.createdAt).toISOString(), removedAt: iso(hold.removedAt) };
}

function recordView(row: RecordRow, held: boolean | null) {
  return {
    connectionId: row.connection_id,
    rowKey: row.row_key,
    leafName: row.leaf_name,
    termFullPath: row.term_path,
    timeCreated: recordTime(row.time_created),
    timeModified: recordTime(row.time_modified),
    createdBy: row.created_by,
    modifiedBy: row.modified_by,
    customValues: JSON.parse(row.custom_values) as Record<string, unknown>,
    disposalDueDate: iso(row.due_at),
    requiresApproval: row.requires_approval === 1,
    reviewDecision: row.review_decision,
    reviewedBy: row.reviewed_by,
    reviewedAt: iso(row.reviewed_at),
    reviewComment: row.review_comment,
    onHold: held,
    submittedBy: row.submitted_by,
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

function tombstoneView(row: TombstoneRow) {
  return {
    connectionId: row.connection_id,
    rowKey: row.row_key,
    termFullPath: row.term_path,
    rule: row.rule,
    disposalDueDate: iso(row.due_at),
    destroyedAt: new Date(row.destroyed_at).toISOString(),
    destroyedBy: row.destroyed_by,
    approvedBy: row.approved_by,
    approvedAt: iso(row.approved_at),
  };
}
