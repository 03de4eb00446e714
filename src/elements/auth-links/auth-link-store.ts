import type { Kysely, Selectable } from 'kysely';
import type { ElementsGlobalTables } from '../schema.js';

export type AuthLinkRow = Selectable<ElementsGlobalTables['elements_auth_links']>;
export type AuthLinkKind = 'add-tenant' | 'consent-apps';

/** A link works for this long after it is made (undocumented; Meridian's choice). */
export const AUTH_LINK_LIFETIME_MS = 7 * 24 * 3600 * 1000;

/** Authorization links: made by the partner, decided once by the customer's administrator. */
export class AuthLinkStore {
  constructor(private readonly db: Kysely<ElementsGlobalTables>) {}

  async create(row: AuthLinkRow): Promise<void> {
    await this.db.insertInto('elements_auth_links').values(row).execute();
  }

  async find(id: string): Promise<AuthLinkRow | undefined> {
    return this.db.selectFrom('elements_auth_links').selectAll().where('id', '=', id.toLowerCase()).executeTakeFirst();
  }

  /** Claims a pending, unexpired link for one decision; false when it was used or expired meanwhile. */
  async decide(id: string, state: 'accepted' | 'declined', nowMs: number): Promise<boolean> {
    const result = await this.db
      .updateTable('elements_auth_links')
      .set({ state, decided_at: nowMs })
      .where('id', '=', id)
      .where('state', '=', 'pending')
      .where('expires_at', '>', nowMs)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Puts a claimed link back when applying the decision failed, so the administrator can try again. */
  async release(id: string): Promise<void> {
    await this.db.updateTable('elements_auth_links').set({ state: 'pending', decided_at: null }).where('id', '=', id).execute();
  }
}
