import { sql, type Kysely } from 'kysely';
import type { DmsoTables } from '../schema.js';
import type { AuditModel, DownloadItem, ProducedAuditRecord } from './audit-schemas.js';

export interface AuditFilter {
  tenantId: string;
  startMs: number;
  endMs: number;
  statuses: number[];
  actions: number[];
  modules: number[];
  /** Lower-cased text the display name must contain. */
  search: string | undefined;
  ascending: boolean;
}

/** A keyset position: the last record of the previous page. */
export interface AuditCursor {
  time: number;
  seq: number;
}

/** Where a page starts: after a keyset position (a nextLink), or at an offset (a bare pageIndex). */
export type PageStart = { after: AuditCursor } | { offset: number };

export interface AuditPageResult {
  records: AuditModel[];
  /** The position of the page's last record, where the next page starts. */
  last?: AuditCursor;
  more: boolean;
}

/** Queries of the dmso_audit_records table, and nothing else. */
export class AuditStore {
  constructor(private readonly db: Kysely<DmsoTables>) {}

  /**
   * One page in (actionTime, seq) order, read with one more row than asked to tell whether
   * another page follows. From a keyset position the cost is the same on every page and the
   * page is exact while records are written; from an offset it is what a bare pageIndex asks.
   */
  async page(filter: AuditFilter, start: PageStart, size: number, withDetail: boolean): Promise<AuditPageResult> {
    const direction = filter.ascending ? 'asc' : 'desc';
    let query = this.db
      .selectFrom('dmso_audit_records')
      .select(['seq', 'action_time', 'module', 'action', 'status', 'client_ip', 'object_name', 'object_detail_json', 'user_principal_name', 'user_entra_id', 'user_display_name'])
      .$if(withDetail, (q) => q.select('detail_json'))
      .where('tenant_id', '=', filter.tenantId)
      .where('action_time', '>=', filter.startMs)
      .where('action_time', '<=', filter.endMs);
    if (filter.statuses.length > 0) query = query.where('status', 'in', filter.statuses);
    if (filter.actions.length > 0) query = query.where('action', 'in', filter.actions);
    if (filter.modules.length > 0) query = query.where('module', 'in', filter.modules);
    if (filter.search) query = query.where(sql<boolean>`user_display_name_lower like ${`%${escapeLike(filter.search)}%`} escape ${'\\'}`);
    if ('after' in start) {
      const { time, seq } = start.after;
      query = query.where((eb) => eb(eb.refTuple('action_time', 'seq'), filter.ascending ? '>' : '<', eb.tuple(time, seq)));
    }
    query = query.orderBy('action_time', direction).orderBy('seq', direction).limit(size + 1);
    if ('offset' in start && start.offset > 0) query = query.offset(start.offset);
    const rows = await query.execute();
    const more = rows.length > size;
    const page = more ? rows.slice(0, size) : rows;
    const last = page.at(-1);
    return {
      records: page.map((row) => ({
        id: Number(row.seq),
        module: row.module,
        action: row.action,
        status: row.status,
        clientIP: row.client_ip,
        actionTime: new Date(Number(row.action_time)).toISOString(),
        objectName: row.object_name,
        objectDetail: JSON.parse(row.object_detail_json) as DownloadItem[],
        detail: withDetail ? (JSON.parse(row.detail_json!) as DownloadItem[]) : null,
        userPrincipalName: row.user_principal_name,
        userEntraId: row.user_entra_id,
        userDisplayName: row.user_display_name,
      })),
      ...(last ? { last: { time: Number(last.action_time), seq: Number(last.seq) } } : {}),
      more,
    };
  }

  /** Stores new records; a producer id seen before is skipped, so a retried batch changes nothing. */
  async insert(tenantId: string, records: ProducedAuditRecord[]): Promise<{ stored: number; duplicates: number }> {
    const unique = [...new Map(records.map((record) => [record.id, record])).values()];
    const result = await this.db
      .insertInto('dmso_audit_records')
      .values(unique.map((record) => toRow(tenantId, record)))
      .onConflict((oc) => oc.columns(['tenant_id', 'record_id']).doNothing())
      .executeTakeFirst();
    const stored = Number(result.numInsertedOrUpdatedRows ?? 0);
    return { stored, duplicates: records.length - stored };
  }
}

function toRow(tenantId: string, record: ProducedAuditRecord) {
  const objectDetail = record.objectDetail ?? [];
  return {
    tenant_id: tenantId,
    record_id: record.id,
    action_time: Date.parse(record.actionTime),
    module: record.module,
    action: record.action,
    status: record.status,
    client_ip: record.clientIP,
    object_name: record.objectName,
    user_principal_name: record.userPrincipalName,
    user_entra_id: record.userEntraId,
    user_display_name: record.userDisplayName,
    user_display_name_lower: record.userDisplayName.toLowerCase(),
    object_detail_json: JSON.stringify(objectDetail),
    // Without a reported tree, the detail of an object is the object itself.
    detail_json: JSON.stringify(record.detail ?? objectDetail),
  };
}

const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (char) => `\\${char}`);
