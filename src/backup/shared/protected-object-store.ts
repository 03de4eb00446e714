import type { Kysely, Selectable } from 'kysely';
import type { BackupTables } from '../schema.js';
import type { BackupProduct } from './products.js';

export type ProtectedObjectRow = Selectable<BackupTables['backup_protected_objects']>;

export interface ProtectedObject {
  serviceType: number;
  key: string;
  displayName: string;
  location: string;
  libraries: string[];
  firstBackupMs: number;
  removedMs: number | null;
}

/** A site URL or user principal name as a lookup key: lower case, no trailing slash. */
export const objectKey = (text: string): string => text.trim().replace(/\/+$/, '').toLowerCase();

/**
 * The protected objects a product reported (sites, OneDrives, with their libraries and the
 * first backup), so a restore request is checked against what really has backups.
 */
export class ProtectedObjectStore {
  constructor(private readonly db: Kysely<BackupTables>) {}

  async upsert(tenantId: string, product: BackupProduct, objects: readonly ProtectedObject[], nowMs: number): Promise<number> {
    if (objects.length === 0) return 0;
    const unique = [...new Map(objects.map((object) => [`${object.serviceType}|${object.key}`, object])).values()];
    const result = await this.db
      .insertInto('backup_protected_objects')
      .values(
        unique.map((object) => ({
          tenant_id: tenantId,
          product,
          service_type: object.serviceType,
          object_key: object.key,
          display_name: object.displayName,
          location: object.location,
          libraries: JSON.stringify(object.libraries),
          first_backup_time: object.firstBackupMs,
          removed_at: object.removedMs,
          updated_at: nowMs,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'product', 'service_type', 'object_key']).doUpdateSet((eb) => ({
          display_name: eb.ref('excluded.display_name'),
          location: eb.ref('excluded.location'),
          libraries: eb.ref('excluded.libraries'),
          first_backup_time: eb.ref('excluded.first_backup_time'),
          removed_at: eb.ref('excluded.removed_at'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0);
  }

  /**
   * The object a key belongs to: the key itself or, for a subsite URL, the nearest site
   * above it that is protected (…/sites/Finance/APAC is restored from …/sites/Finance).
   */
  async resolve(tenantId: string, product: BackupProduct, serviceType: number, key: string): Promise<ProtectedObject | undefined> {
    const candidates = [key];
    for (let cut = key.lastIndexOf('/'); cut > key.indexOf('//') + 1; cut = key.lastIndexOf('/', cut - 1)) candidates.push(key.slice(0, cut));
    const rows = await this.db
      .selectFrom('backup_protected_objects')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('product', '=', product)
      .where('service_type', '=', serviceType)
      .where('object_key', 'in', candidates)
      .execute();
    const best = rows.sort((a, b) => b.object_key.length - a.object_key.length)[0];
    return best ? toObject(best) : undefined;
  }

  async find(tenantId: string, product: BackupProduct, serviceType: number, key: string): Promise<ProtectedObject | undefined> {
    const row = await this.db
      .selectFrom('backup_protected_objects')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('product', '=', product)
      .where('service_type', '=', serviceType)
      .where('object_key', '=', key)
      .executeTakeFirst();
    return row ? toObject(row) : undefined;
  }
}

function toObject(row: ProtectedObjectRow): ProtectedObject {
  return {
    serviceType: row.service_type,
    key: row.object_key,
    displayName: row.display_name,
    location: row.location,
    libraries: JSON.parse(row.libraries) as string[],
    firstBackupMs: row.first_backup_time,
    removedMs: row.removed_at,
  };
}
