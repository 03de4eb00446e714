import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { OpusTables } from '../schema.js';
import { heldExpression } from '../retention/holds.js';
import { releasedExpression } from '../retention/disposal-state.js';

export type RecordRow = Selectable<OpusTables['opus_records']>;
export type TombstoneRow = Selectable<OpusTables['opus_tombstones']>;
type Db = Kysely<OpusTables> | Transaction<OpusTables>;

/** What a due-records page shows, and its keyset position: the record's content stays in the table. */
const DUE_COLUMNS = ['r.seq', 'r.due_at', 'r.row_key', 'r.leaf_name', 'r.term_path', 'r.time_created', 'r.time_modified', 'r.created_by', 'r.modified_by'] as const;
export type DueRow = Pick<RecordRow, 'seq' | 'due_at' | 'row_key' | 'leaf_name' | 'term_path' | 'time_created' | 'time_modified' | 'created_by' | 'modified_by'>;

/** A keyset position in a due-records listing, and the listing's high-water mark. */
export interface DueCursor {
  dueAt: number;
  seq: number;
}

/** Queries of opus_records and opus_tombstones. */
export class RecordStore {
  constructor(private readonly db: Kysely<OpusTables>) {}

  /**
   * One page of a connection's records due before `beforeMs` that may be destroyed now, in
   * (due date, seq) order: an index range scan whatever the connection's size. Rows newer
   * than `highWater` (submitted, or re-dated, after the listing began) wait for the next
   * listing, so a record never appears twice in one.
   */
  async duePage(tenantId: string, connectionId: string, beforeMs: number, highWater: number, after: DueCursor | undefined, size: number): Promise<{ rows: DueRow[]; more: boolean }> {
    let query = this.db
      .selectFrom('opus_records as r')
      .select(DUE_COLUMNS)
      .where('r.tenant_id', '=', tenantId)
      .where('r.connection_id', '=', connectionId)
      .where('r.due_at', '<', beforeMs)
      .where('r.seq', '<=', highWater)
      .where((eb) => releasedExpression(eb))
      .where((eb) => eb.not(heldExpression(eb)));
    if (after) query = query.where((eb) => eb(eb.refTuple('r.due_at', 'r.seq'), '>', eb.tuple(after.dueAt, after.seq)));
    const rows = await query.orderBy('r.due_at').orderBy('r.seq').limit(size + 1).execute();
    const more = rows.length > size;
    return { rows: more ? rows.slice(0, size) : rows, more };
  }

  /** The newest row version now: a listing's high-water mark. */
  async highWater(): Promise<number> {
    const row = await this.db.selectFrom('opus_records').select(sql<number | null>`max(seq)`.as('seq')).executeTakeFirstOrThrow();
    return Number(row.seq ?? 0);
  }

  /** Live records with these keys (in one connection, or in any of the tenant's), each with whether a hold covers it. */
  async liveWithHolds(tenantId: string, rowKeys: string[], connectionId?: string, trx: Db = this.db): Promise<Array<RecordRow & { held: boolean }>> {
    if (rowKeys.length === 0) return [];
    let query = trx
      .selectFrom('opus_records as r')
      .selectAll('r')
      .select((eb) => heldExpression(eb).as('held'))
      .where('r.tenant_id', '=', tenantId)
      .where('r.row_key', 'in', rowKeys);
    if (connectionId) query = query.where('r.connection_id', '=', connectionId);
    const rows = await query.orderBy('r.connection_id').execute();
    return rows.map((row) => ({ ...(row as RecordRow), held: Boolean(row.held) }));
  }

  async tombstones(tenantId: string, rowKeys: string[], connectionId?: string, trx: Db = this.db): Promise<TombstoneRow[]> {
    if (rowKeys.length === 0) return [];
    let query = trx.selectFrom('opus_tombstones').selectAll().where('tenant_id', '=', tenantId).where('row_key', 'in', rowKeys);
    if (connectionId) query = query.where('connection_id', '=', connectionId);
    return query.execute();
  }

  async count(tenantId: string, connectionId?: string): Promise<number> {
    let query = this.db.selectFrom('opus_records').select(sql<number>`count(*)`.as('n')).where('tenant_id', '=', tenantId);
    if (connectionId) query = query.where('connection_id', '=', connectionId);
    return Number((await query.executeTakeFirstOrThrow()).n);
  }
}
