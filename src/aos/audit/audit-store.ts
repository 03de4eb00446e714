import { sql, type Kysely } from 'kysely';
import { PRODUCT_TYPES, type GeoLocation, type ProductType } from '../catalogue.js';
import type { AosTables } from '../schema.js';
import type { AuditRecord, ProducedAuditRecord } from './audit-schemas.js';

export interface AuditPageResult {
  /** The page's rendered records, comma-separated, in keyset order. */
  records: string;
  /** The position of the page's last record, where the next page starts. */
  last?: AuditCursor;
  more: boolean;
}

export interface AuditFilter {
  tenantId: string;
  startMs: number;
  endMs: number;
  productTypes: ProductType[];
  geoLocations: GeoLocation[];
}

/** A keyset position: the last record of the previous page. */
export interface AuditCursor {
  time: number;
  seq: number;
}

/** Queries of the aos_audit_records table, and nothing else. */
export class AuditStore {
  constructor(private readonly db: Kysely<AosTables>) {}

  /**
   * One page in (actionTime, seq) order: an index range scan that costs the same on the
   * first page and the ten-thousandth, however many records the tenant has. Only the keyset
   * columns and the rendered record are read. (Having the database join the records with
   * `group_concat` was measured slower: it needs a second read for the positions and a sort.)
   */
  async page(filter: AuditFilter, after: AuditCursor | undefined, size: number): Promise<AuditPageResult> {
    const rows = await this.matching(filter, after).select(['action_time', 'seq', 'record_json']).orderBy('action_time').orderBy('seq').limit(size + 1).execute();
    const page = rows.length > size ? rows.slice(0, size) : rows;
    const last = page[page.length - 1];
    return {
      records: page.map((row) => row.record_json).join(','),
      ...(last ? { last: { time: last.action_time, seq: last.seq } } : {}),
      more: rows.length > size,
    };
  }

  /** The tenant's records in the filter's window and after the cursor. */
  private matching(filter: AuditFilter, after: AuditCursor | undefined) {
    let query = this.db
      .selectFrom('aos_audit_records')
      .where('tenant_id', '=', filter.tenantId)
      .where('action_time', '>=', after ? Math.max(after.time, filter.startMs) : filter.startMs)
      .where('action_time', '<=', filter.endMs);
    if (after) query = query.where((eb) => eb(eb.refTuple('action_time', 'seq'), '>', eb.tuple(after.time, after.seq)));
    if (filter.productTypes.length > 0) query = query.where('product_type', 'in', filter.productTypes);
    if (filter.geoLocations.length > 0) {
      const includePrimary = filter.geoLocations.includes('PrimaryGeoLocation');
      query = query.where((eb) =>
        includePrimary
          ? eb.or([eb('geo_location', 'in', filter.geoLocations), eb('geo_location', 'is', null)])
          : eb('geo_location', 'in', filter.geoLocations),
      );
    }
    return query;
  }

  /** Stores new records; a producer id seen before is skipped, so a retried batch changes nothing. */
  async insert(tenantId: string, records: ProducedAuditRecord[]): Promise<{ stored: number; duplicates: number }> {
    if (records.length === 0) return { stored: 0, duplicates: 0 };
    const unique = [...new Map(records.map((record) => [record.id, record])).values()];
    const values = unique.map((record) => toRow(tenantId, record));
    const result = await this.db
      .insertInto('aos_audit_records')
      .values(values)
      .onConflict((oc) => oc.columns(['tenant_id', 'record_id']).doNothing())
      .executeTakeFirst();
    const stored = Number(result.numInsertedOrUpdatedRows ?? 0);
    return { stored, duplicates: records.length - stored };
  }

  async count(tenantId: string): Promise<number> {
    const row = await this.db
      .selectFrom('aos_audit_records')
      .select(sql<number>`count(*)`.as('n'))
      .where('tenant_id', '=', tenantId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}

export function toRow(tenantId: string, record: ProducedAuditRecord) {
  return {
    tenant_id: tenantId,
    record_id: record.id,
    action_time: Date.parse(record.actionTime),
    product_type: record.productType,
    geo_location: record.geoLocation ?? null,
    record_json: JSON.stringify(toAuditRecord(record)),
  };
}

/** A produced record as the documented UserActivityAuditLogItemModel, fields in the sample's order. */
export function toAuditRecord(record: ProducedAuditRecord): AuditRecord {
  return {
    actionName: record.actionName ?? null,
    actionUser: record.actionUser ?? null,
    actionParameters: record.actionParameters ?? null,
    actionTime: new Date(Date.parse(record.actionTime)).toISOString().replace('.000Z', 'Z'),
    controllerName: record.controllerName ?? null,
    product: PRODUCT_TYPES[record.productType as ProductType] ?? record.productType,
    geoLocation: record.geoLocation ?? null,
    previousValue: record.previousValue ?? null,
    currentValue: record.currentValue ?? null,
    partnerTenantOwner: record.partnerTenantOwner ?? null,
    status: record.status ?? null,
    comment: record.comment ?? null,
    objectType: record.objectType ?? null,
    operationType: record.operationType ?? null,
    module: record.module ?? null,
    functionality: record.functionality ?? null,
    objectName: record.objectName ?? null,
    action: record.action ?? null,
    clientIP: record.clientIP ?? null,
    additionalDetails: record.additionalDetails ?? {},
  };
}

/**
 * The documented page (ApiResultOfUserActivityModel) assembled from rendered records: the
 * same bytes the schema serializer would produce, without parsing and re-serializing them.
 */
export function renderAuditPage(nextLink: string | null, records: string): string {
  return `{"nextLink":${JSON.stringify(nextLink)},"data":[${records}]}`;
}
