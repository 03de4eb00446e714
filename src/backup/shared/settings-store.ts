import type { Kysely } from 'kysely';
import type { BackupTables } from '../schema.js';
import type { BackupProduct } from './products.js';

/** Documents a product replaces as a whole, one per kind and location (frequency, retention, license). */
export class SettingsStore {
  constructor(private readonly db: Kysely<BackupTables>) {}

  /** Replaces the document; true when it changed. */
  async put(tenantId: string, product: BackupProduct, kind: string, location: string, body: unknown, nowMs: number): Promise<boolean> {
    const text = JSON.stringify(body);
    const result = await this.db
      .insertInto('backup_settings')
      .values({ tenant_id: tenantId, product, kind, location, body: text, updated_at: nowMs })
      .onConflict((oc) =>
        oc
          .columns(['tenant_id', 'product', 'kind', 'location'])
          .doUpdateSet((eb) => ({ body: eb.ref('excluded.body'), updated_at: eb.ref('excluded.updated_at') }))
          .where((eb) => eb('backup_settings.body', '!=', eb.ref('excluded.body'))),
      )
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  async get<T>(tenantId: string, product: BackupProduct, kind: string, location: string): Promise<T | undefined> {
    const row = await this.db
      .selectFrom('backup_settings')
      .select('body')
      .where('tenant_id', '=', tenantId)
      .where('product', '=', product)
      .where('kind', '=', kind)
      .where('location', '=', location)
      .executeTakeFirst();
    return row ? (JSON.parse(row.body) as T) : undefined;
  }

  /** Every location's document of a kind, by location. */
  async all<T>(tenantId: string, product: BackupProduct, kind: string): Promise<Map<string, T>> {
    const rows = await this.db
      .selectFrom('backup_settings')
      .select(['location', 'body'])
      .where('tenant_id', '=', tenantId)
      .where('product', '=', product)
      .where('kind', '=', kind)
      .orderBy('location')
      .execute();
    return new Map(rows.map((row) => [row.location, JSON.parse(row.body) as T]));
  }
}
