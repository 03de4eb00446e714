import { sql, type ExpressionBuilder, type Kysely, type Selectable } from 'kysely';
import type { Clock } from '../../platform/clock.js';
import { badRequest, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import type { Engine } from '../../storage/database.js';
import { appendAudit } from '../audit/audit-outbox.js';
import { lockTenant } from '../locking.js';
import type { OpusTables } from '../schema.js';
import { normaliseTermPath } from './rules.js';

/** A hold keeps records from disposal: a whole connection, a term and everything under it, or named records. */
export type HoldKind = 'connection' | 'term' | 'records';

export interface Hold {
  id: string;
  name: string;
  reason: string | null;
  kind: HoldKind;
  connectionId: string | null;
  termPath: string | null;
  rowKeys: string[];
  createdAt: number;
  createdBy: string;
  removedAt: number | null;
  removedBy: string | null;
}

export interface HoldRequest {
  name: string;
  reason?: string | undefined;
  connectionId?: string | undefined;
  termPath?: string | undefined;
  rowKeys?: string[] | undefined;
}

export const MAX_HOLD_RECORDS = 1000;

/** opus_records seen as `r`, with the module's other tables reachable from subqueries. */
export type RecordScope = ExpressionBuilder<OpusTables & { r: OpusTables['opus_records'] }, 'r'>;

/**
 * Whether an active hold covers record `r`. Evaluated when asked, never stored: a hold
 * placed today covers records submitted tomorrow, and removing it frees them at once.
 * The one definition used by due-record pages, disposal and reviews alike.
 */
export function heldExpression(eb: RecordScope) {
  return eb.exists(
    eb
      .selectFrom('opus_holds as h')
      .select(sql<number>`1`.as('one'))
      .whereRef('h.tenant_id', '=', 'r.tenant_id')
      .where('h.removed_at', 'is', null)
      .where((hb) =>
        hb.or([
          hb.and([hb('h.kind', '=', 'connection'), hb('h.connection_id', '=', hb.ref('r.connection_id'))]),
          hb.and([
            hb('h.kind', '=', 'term'),
            hb.or([
              hb('h.term_path_lower', '=', hb.ref('r.term_path_lower')),
              hb(sql<string>`substr(r.term_path_lower, 1, length(h.term_path_lower) + 1)`, '=', sql<string>`h.term_path_lower || '/'`),
            ]),
          ]),
          hb.and([
            hb('h.kind', '=', 'records'),
            hb.exists(
              hb
                .selectFrom('opus_hold_records as hr')
                .select(sql<number>`1`.as('one'))
                .whereRef('hr.hold_id', '=', 'h.id')
                .whereRef('hr.connection_id', '=', 'r.connection_id')
                .whereRef('hr.row_key', '=', 'r.row_key'),
            ),
          ]),
        ]),
      ),
  );
}

type HoldRow = Selectable<OpusTables['opus_holds']>;

/** Places and lifts holds. Both take the tenant's lock alone so a destroy in flight sees them. */
export class HoldService {
  constructor(
    private readonly db: Kysely<OpusTables>,
    private readonly engine: Engine,
    private readonly clock: Clock,
  ) {}

  /** Places a hold; placing an active hold of the same name on the same target again returns it (created: false). */
  async create(tenantId: string, request: HoldRequest, actor: string): Promise<{ hold: Hold; created: boolean }> {
    const name = request.name.trim();
    if (!name || name.length > 255) throw badRequest("The parameter 'name' must have 1 to 255 characters.", 'invalid_parameter');
    const rowKeys = [...new Set(request.rowKeys ?? [])];
    if (rowKeys.length > MAX_HOLD_RECORDS) throw badRequest(`A hold names at most ${MAX_HOLD_RECORDS} records; hold their term or connection instead.`, 'invalid_parameter');
    if (rowKeys.some((key) => key.trim() === '')) throw badRequest("The parameter 'rowKeys' has an empty key.", 'invalid_parameter');
    if (request.termPath && (request.connectionId || rowKeys.length > 0)) throw badRequest("A hold has one target: give 'termPath', or 'connectionId' with optional 'rowKeys'.", 'invalid_parameter');
    const kind: HoldKind | undefined = rowKeys.length > 0 ? 'records' : request.termPath ? 'term' : request.connectionId ? 'connection' : undefined;
    if (!kind) throw badRequest('A hold needs a target: a connection, a term, or records of a connection.', 'invalid_parameter');
    if (kind === 'records' && !request.connectionId) throw badRequest("Holding records needs their connection: give 'connectionId'.", 'invalid_parameter');
    return this.db.transaction().execute(async (trx) => {
      await lockTenant(trx, this.engine, tenantId, 'exclusive');
      let termPath: string | null = null;
      if (kind === 'term') {
        const wanted = normaliseTermPath(request.termPath!);
        const term = await trx.selectFrom('opus_terms').select('path').where('tenant_id', '=', tenantId).where('path_lower', '=', wanted.toLowerCase()).executeTakeFirst();
        if (!term) throw badRequest(`There is no term '${wanted}' to hold.`, 'invalid_parameter');
        termPath = term.path;
      }
      const connectionId = kind === 'term' ? null : request.connectionId!;
      if (connectionId) {
        const connection = await trx.selectFrom('opus_connections').select('id').where('tenant_id', '=', tenantId).where('id', '=', connectionId).executeTakeFirst();
        if (!connection) throw badRequest(`There is no connection '${connectionId}'.`, 'invalid_parameter');
      }
      const same = await trx
        .selectFrom('opus_holds')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('removed_at', 'is', null)
        .where('name', '=', name)
        .where('kind', '=', kind)
        .execute();
      for (const candidate of same) {
        const keys = await this.rowKeys(trx, candidate.id);
        if (candidate.connection_id === connectionId && candidate.term_path === termPath && JSON.stringify([...keys].sort()) === JSON.stringify([...rowKeys].sort())) {
          return { hold: toHold(candidate, keys), created: false };
        }
      }
      const now = this.clock.nowMs();
      const id = newId();
      await trx
        .insertInto('opus_holds')
        .values({ tenant_id: tenantId, id, name, reason: request.reason?.trim() || null, kind, connection_id: connectionId, term_path: termPath, term_path_lower: termPath?.toLowerCase() ?? null, created_at: now, created_by: actor, removed_at: null, removed_by: null })
        .execute();
      for (let i = 0; i < rowKeys.length; i += 200) {
        await trx.insertInto('opus_hold_records').values(rowKeys.slice(i, i + 200).map((row_key) => ({ hold_id: id, tenant_id: tenantId, connection_id: connectionId!, row_key }))).execute();
      }
      const hold = toHold((await trx.selectFrom('opus_holds').selectAll().where('id', '=', id).executeTakeFirstOrThrow()), rowKeys);
      await appendAudit(trx, this.clock, tenantId, { actionName: 'Place hold', operationType: 'Create', objectType: 'Hold', objectName: name, actor, module: 'Holds', currentValue: { ...hold, rowKeys: rowKeys.slice(0, 50) } });
      return { hold, created: true };
    });
  }

  /** Lifts a hold; lifting it again changes nothing and says when it was lifted. */
  async remove(tenantId: string, id: string, actor: string): Promise<Hold> {
    return this.db.transaction().execute(async (trx) => {
      await lockTenant(trx, this.engine, tenantId, 'exclusive');
      const row = await trx.selectFrom('opus_holds').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      if (!row) throw notFound(`There is no hold '${id}'.`);
      if (row.removed_at === null) {
        const now = this.clock.nowMs();
        await trx.updateTable('opus_holds').set({ removed_at: now, removed_by: actor }).where('seq', '=', row.seq).execute();
        await appendAudit(trx, this.clock, tenantId, { actionName: 'Remove hold', operationType: 'Delete', objectType: 'Hold', objectName: row.name, actor, module: 'Holds', previousValue: { id: row.id, kind: row.kind } });
      }
      const current = await trx.selectFrom('opus_holds').selectAll().where('seq', '=', row.seq).executeTakeFirstOrThrow();
      return toHold(current, await this.rowKeys(trx, id));
    });
  }

  async list(tenantId: string, includeRemoved: boolean): Promise<Hold[]> {
    let query = this.db.selectFrom('opus_holds').selectAll().where('tenant_id', '=', tenantId);
    if (!includeRemoved) query = query.where('removed_at', 'is', null);
    const rows = await query.orderBy('seq').execute();
    return Promise.all(rows.map(async (row) => toHold(row, await this.rowKeys(this.db, row.id))));
  }

  private async rowKeys(db: Kysely<OpusTables>, holdId: string): Promise<string[]> {
    const rows = await db.selectFrom('opus_hold_records').select('row_key').where('hold_id', '=', holdId).orderBy('row_key').execute();
    return rows.map((row) => row.row_key);
  }
}

function toHold(row: HoldRow, rowKeys: string[]): Hold {
  return {
    id: row.id,
    name: row.name,
    reason: row.reason,
    kind: row.kind as HoldKind,
    connectionId: row.connection_id,
    termPath: row.term_path,
    rowKeys,
    createdAt: row.created_at,
    createdBy: row.created_by,
    removedAt: row.removed_at,
    removedBy: row.removed_by,
  };
}
