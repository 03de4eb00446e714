import type { Kysely } from 'kysely';
import { PRIVILEGES, type Privileges } from '../privileges.js';
import type { ConfideTables, PrivilegeColumns } from '../schema.js';

/** Emails are one user whatever their case, as Entra ID compares them. */
export const emailKey = (email: string): string => email.trim().toLowerCase();

export interface PrivilegedUserRecord extends Required<Privileges> {
  email: string;
  createdMs: number;
  updatedMs: number;
  invitations: Array<{ taskId: string; invitedMs: number }>;
}

/** The share center's privileged users and their invitations; give it a transaction to join one. */
export class PrivilegedUserStore {
  constructor(private readonly db: Kysely<ConfideTables>) {}

  /** Creates the user or overwrites every flag of an existing one: an import states the whole privilege set. */
  async importUser(tenantId: string, email: string, privileges: Privileges, nowMs: number): Promise<void> {
    const columns = privilegeColumns(privileges, false) as PrivilegeColumns;
    await this.db
      .insertInto('confide_privileged_users')
      .values({ tenant_id: tenantId, email_key: emailKey(email), email: email.trim(), ...columns, created_ms: nowMs, updated_ms: nowMs })
      .onConflict((oc) => oc.columns(['tenant_id', 'email_key']).doUpdateSet({ email: email.trim(), ...columns, updated_ms: nowMs }))
      .execute();
  }

  /** Changes only the flags given; false when the share center has no such user. */
  async updateUser(tenantId: string, email: string, privileges: Privileges, nowMs: number): Promise<boolean> {
    const result = await this.db
      .updateTable('confide_privileged_users')
      .set({ ...privilegeColumns(privileges, undefined), updated_ms: nowMs })
      .where('tenant_id', '=', tenantId)
      .where('email_key', '=', emailKey(email))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Records the invitation a task sent; the same task inviting the same user again records nothing. */
  async recordInvitation(tenantId: string, email: string, taskId: string, invitedMs: number): Promise<void> {
    await this.db
      .insertInto('confide_invitations')
      .values({ tenant_id: tenantId, email_key: emailKey(email), email: email.trim(), task_id: taskId, invited_ms: invitedMs })
      .onConflict((oc) => oc.columns(['tenant_id', 'task_id', 'email_key']).doNothing())
      .execute();
  }

  /** A page of the tenant's privileged users in email order, each with its invitations. */
  async list(tenantId: string, options: { email?: string; afterKey?: string; top: number }): Promise<{ users: PrivilegedUserRecord[]; more: boolean }> {
    let query = this.db.selectFrom('confide_privileged_users').selectAll().where('tenant_id', '=', tenantId);
    if (options.email !== undefined) query = query.where('email_key', '=', emailKey(options.email));
    if (options.afterKey !== undefined) query = query.where('email_key', '>', options.afterKey);
    const rows = await query.orderBy('email_key').limit(options.top + 1).execute();
    const page = rows.slice(0, options.top);
    const keys = page.map((row) => row.email_key);
    const invitations = keys.length === 0
      ? []
      : await this.db.selectFrom('confide_invitations').select(['email_key', 'task_id', 'invited_ms']).where('tenant_id', '=', tenantId).where('email_key', 'in', keys).orderBy('invited_ms').orderBy('seq').execute();
    const byKey = new Map<string, typeof invitations>();
    for (const invitation of invitations) byKey.set(invitation.email_key, [...(byKey.get(invitation.email_key) ?? []), invitation]);
    return {
      users: page.map((row) => ({
        email: row.email,
        ...(Object.fromEntries(PRIVILEGES.map(({ property, column }) => [property, row[column] === 1])) as Required<Privileges>),
        createdMs: Number(row.created_ms),
        updatedMs: Number(row.updated_ms),
        invitations: (byKey.get(row.email_key) ?? []).map((invitation) => ({ taskId: invitation.task_id, invitedMs: Number(invitation.invited_ms) })),
      })),
      more: rows.length > options.top,
    };
  }
}

/** The flags as columns; a flag not given becomes `missing` (false for an import, left alone for an update). */
function privilegeColumns(privileges: Privileges, missing: false | undefined): Partial<PrivilegeColumns> {
  const columns: Partial<PrivilegeColumns> = {};
  for (const { property, column } of PRIVILEGES) {
    const value = privileges[property] ?? missing;
    if (value !== undefined) columns[column] = value ? 1 : 0;
  }
  return columns;
}
