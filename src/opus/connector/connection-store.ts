import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import { badRequest, conflict } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { appendAudit } from '../audit/audit-outbox.js';
import type { OpusTables } from '../schema.js';
import { defineColumns, type ColumnSpec, type ConnectionColumn } from './columns.js';

export interface Connection {
  id: string;
  tenantId: string;
  name: string;
  description: string | null;
  columns: ConnectionColumn[];
  createdAt: number;
  updatedAt: number;
}

type Row = Selectable<OpusTables['opus_connections']>;

/** "{D9DA492F-...}" and "d9da492f-..." name the same connection: .NET clients print GUIDs both ways. */
export const canonicalGuid = (text: string): string => text.trim().replace(/^\{(.*)\}$/, '$1').toLowerCase();
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Queries of opus_connections. */
export class ConnectionStore {
  constructor(private readonly db: Kysely<OpusTables>) {}

  async insert(trx: Transaction<OpusTables>, connection: Connection): Promise<void> {
    await trx
      .insertInto('opus_connections')
      .values({
        id: connection.id,
        tenant_id: connection.tenantId,
        name: connection.name,
        name_lower: connection.name.toLowerCase(),
        description: connection.description,
        columns: JSON.stringify(connection.columns),
        created_at: connection.createdAt,
        updated_at: connection.updatedAt,
      })
      .execute();
  }

  async findByName(trx: Transaction<OpusTables> | Kysely<OpusTables>, tenantId: string, name: string): Promise<Connection | undefined> {
    const row = await trx.selectFrom('opus_connections').selectAll().where('tenant_id', '=', tenantId).where('name_lower', '=', name.toLowerCase()).executeTakeFirst();
    return row ? toConnection(row) : undefined;
  }

  /** A connection of this tenant by id; another tenant's id is as unknown as a made-up one. */
  async get(tenantId: string, id: string): Promise<Connection | undefined> {
    const canonical = canonicalGuid(id);
    if (!GUID.test(canonical)) return undefined;
    const row = await this.db.selectFrom('opus_connections').selectAll().where('id', '=', canonical).where('tenant_id', '=', tenantId).executeTakeFirst();
    return row ? toConnection(row) : undefined;
  }

  async list(tenantId: string): Promise<Connection[]> {
    const rows = await this.db.selectFrom('opus_connections').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').orderBy('id').execute();
    return rows.map(toConnection);
  }
}

function toConnection(row: Row): Connection {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    description: row.description,
    columns: JSON.parse(row.columns) as ConnectionColumn[],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Creates connections: checks the columns, keeps names unique, audits the change. */
export class ConnectionService {
  constructor(
    private readonly db: Kysely<OpusTables>,
    private readonly store: ConnectionStore,
    private readonly clock: Clock,
  ) {}

  /**
   * Creates a connection. Asking again for one that exists exactly as asked returns it
   * (created: false), so a retried or re-run setup never fails or duplicates.
   */
  async create(tenantId: string, request: { id?: string | undefined; name: string; description?: string | undefined; columns: ColumnSpec[] }, actor: string): Promise<{ connection: Connection; created: boolean }> {
    const name = request.name.trim();
    if (!name || name.length > 255) throw badRequest("The parameter 'name' must have 1 to 255 characters.", 'invalid_parameter');
    const columns = defineColumns(request.columns);
    if (typeof columns === 'string') throw badRequest(`The parameter 'columns' is invalid: ${columns}.`, 'invalid_parameter');
    const description = request.description?.trim() || null;
    const taken = () => conflict(`A connection named '${name}' already exists with other columns.`);
    return this.db.transaction().execute(async (trx) => {
      const existing = await this.store.findByName(trx, tenantId, name);
      if (existing) {
        if (existing.description === description && JSON.stringify(existing.columns) === JSON.stringify(columns) && (request.id === undefined || request.id.toLowerCase() === existing.id)) return { connection: existing, created: false };
        throw taken();
      }
      const now = this.clock.nowMs();
      // An operator (or the demo) may give the id, so a collector's file keeps the one it knows.
      const connection: Connection = { id: request.id?.toLowerCase() ?? newId(), tenantId, name, description, columns, createdAt: now, updatedAt: now };
      // Two operators naming a connection at once: the unique index decides, not a 500.
      await this.store.insert(trx, connection).catch((error: unknown) => {
        if (!isUniqueViolation(error)) throw error;
        throw request.id !== undefined ? conflict(`A connection with the id '${request.id}' already exists.`) : taken();
      });
      await appendAudit(trx, this.clock, tenantId, {
        actionName: 'Create connection',
        operationType: 'Create',
        objectType: 'Connection',
        objectName: name,
        actor,
        module: 'Connector',
        currentValue: { id: connection.id, columns: columns.map((column) => ({ name: column.name, type: column.type })) },
      });
      return { connection, created: true };
    });
  }
}

const isUniqueViolation = (error: unknown) => {
  const code = (error as { code?: string }).code;
  // A given id already used is a primary-key clash (SQLite names it apart from a unique one).
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
};
