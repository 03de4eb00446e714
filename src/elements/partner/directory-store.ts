import { sql, type Kysely, type Selectable } from 'kysely';
import type { ElementsGlobalTables } from '../schema.js';
import type { PartnerCaller } from './partner-context.js';

export type DirectoryEntry = Selectable<ElementsGlobalTables['elements_directory']>;

/**
 * The partner directory at the global endpoint: which partner manages which customer and
 * where the customer's data lives. Partner-wide lists page over it (keyset order `seq`, so
 * a customer onboarded while a client pages lands after the pages already read), then read
 * the page's customers from their data centers.
 */
export class PartnerDirectory {
  constructor(private readonly db: Kysely<ElementsGlobalTables>) {}

  private scoped(caller: PartnerCaller, customerIds: string[] | undefined) {
    let query = this.db.selectFrom('elements_directory').where('partner_id', '=', caller.partnerId);
    if (caller.customerIds) query = query.where('customer_id', 'in', caller.customerIds.size ? [...caller.customerIds] : ['']);
    if (customerIds) query = query.where('customer_id', 'in', customerIds.length ? customerIds.map((id) => id.toLowerCase()) : ['']);
    return query;
  }

  /** One page of the caller's in-scope customers, optionally only those named, and how many there are. */
  async page(caller: PartnerCaller, customerIds: string[] | undefined, pageIndex: number, pageSize: number): Promise<{ entries: DirectoryEntry[]; totalCount: number }> {
    const [entries, count] = await Promise.all([
      this.scoped(caller, customerIds).selectAll().orderBy('seq').limit(pageSize).offset((pageIndex - 1) * pageSize).execute(),
      this.scoped(caller, customerIds).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
    ]);
    return { entries, totalCount: Number(count.n) };
  }

  /** A customer the caller may see; undefined for one of another partner, out of scope, or unknown alike. */
  async visible(caller: PartnerCaller, customerId: string): Promise<DirectoryEntry | undefined> {
    const id = customerId.trim().toLowerCase();
    if (caller.customerIds && !caller.customerIds.has(id)) return undefined;
    return this.db.selectFrom('elements_directory').selectAll().where('customer_id', '=', id).where('partner_id', '=', caller.partnerId).executeTakeFirst();
  }

  async byRegistration(registrationKey: string): Promise<DirectoryEntry | undefined> {
    return this.db.selectFrom('elements_directory').selectAll().where('registration_key', '=', registrationKey).executeTakeFirst();
  }

  /** Updates the projection of a customer's record after the data center took the change. */
  async project(customerId: string, projection: { tenants?: Array<{ id: string; name: string }>; jobStatus?: number }): Promise<void> {
    const values = { ...(projection.tenants ? { tenants: JSON.stringify(projection.tenants) } : {}), ...(projection.jobStatus === undefined ? {} : { job_status: projection.jobStatus }) };
    if (Object.keys(values).length) await this.db.updateTable('elements_directory').set(values).where('customer_id', '=', customerId).execute();
  }

  /** Adds a customer; false when the registration account was taken meanwhile. */
  async add(entry: Omit<DirectoryEntry, 'seq'>): Promise<boolean> {
    const result = await this.db.insertInto('elements_directory').values(entry).onConflict((oc) => oc.doNothing()).executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }
}
