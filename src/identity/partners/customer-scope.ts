import type { Kysely, Migration } from 'kysely';
import { badRequest, conflict, notFound } from '../../platform/errors.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';

/**
 * The Elements side of an app registration (elements/register-app.md, step 5): its customer
 * scope — all customers, specific customers, or customer groups — and the partner's named
 * customer groups. Identity knows customers only by id: which customers exist, and whose
 * they are, is the global endpoint's business; it filters by partner before it applies a scope.
 */
export type CustomerScope = { kind: 'all' } | { kind: 'customers'; customerIds: string[] } | { kind: 'groups'; groups: string[] };

/** The `customer_scope` claim of an access token: groups resolved to their members when the token is issued. */
export type CustomerScopeClaim = { kind: 'all' } | { kind: 'customers' | 'groups'; customerIds: string[]; groups?: string[] };

export interface CustomerGroupView {
  id: string;
  name: string;
  customerIds: string[];
  createdAt: string;
}

export interface CustomerScopeTables {
  identity_app_customer_scopes: { client_id: string; kind: string; refs: string };
  identity_customer_groups: { id: string; partner_tenant_id: string; name: string; name_key: string; created_at: number };
  identity_customer_group_members: { group_id: string; customer_id: string };
}

export const customerScopeMigration = (): Migration => ({
  async up(db) {
    await db.schema
      .createTable('identity_app_customer_scopes')
      .addColumn('client_id', 'text', (c) => c.primaryKey().references('identity_apps.client_id').onDelete('cascade'))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('refs', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('identity_customer_groups')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('partner_tenant_id', 'text', (c) => c.notNull().references('identity_tenants.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('name_key', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('identity_customer_groups_name', ['partner_tenant_id', 'name_key'])
      .execute();
    await db.schema
      .createTable('identity_customer_group_members')
      .addColumn('group_id', 'text', (c) => c.notNull().references('identity_customer_groups.id').onDelete('cascade'))
      .addColumn('customer_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('identity_customer_group_members_pk', ['group_id', 'customer_id'])
      .execute();
  },
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `all`, `customers:ID[,ID…]` or `groups:NAME[,NAME…]`, as the CLI and the admin API take it. */
export function parseCustomerScope(text: string | undefined): CustomerScope {
  const value = (text ?? 'all').trim();
  if (value === '' || value.toLowerCase() === 'all') return { kind: 'all' };
  const match = /^(customers|groups):(.+)$/i.exec(value);
  const items = match ? [...new Set(match[2]!.split(',').map((item) => item.trim()).filter(Boolean))] : [];
  if (!match || items.length === 0) throw badRequest(`The customer scope '${value}' is not all, customers:ID[,ID…] or groups:NAME[,NAME…].`, 'invalid_customer_scope');
  if (match[1]!.toLowerCase() === 'groups') return { kind: 'groups', groups: items };
  const bad = items.find((id) => !UUID.test(id));
  if (bad) throw badRequest(`The customer id '${bad}' of the customer scope is not a GUID.`, 'invalid_customer_scope');
  return { kind: 'customers', customerIds: items.map((id) => id.toLowerCase()) };
}

export function formatCustomerScope(scope: CustomerScope): string {
  return scope.kind === 'all' ? 'all' : scope.kind === 'customers' ? `customers:${scope.customerIds.join(',')}` : `groups:${scope.groups.join(',')}`;
}

export class CustomerScopes {
  private readonly db: Kysely<CustomerScopeTables>;

  constructor(db: Kysely<unknown>, private readonly clock: Clock) {
    this.db = db as Kysely<CustomerScopeTables>;
  }

  /** An app's scope; an app never given one covers all customers. */
  async scopeOf(clientId: string): Promise<CustomerScope> {
    const row = await this.db.selectFrom('identity_app_customer_scopes').selectAll().where('client_id', '=', clientId.toLowerCase()).executeTakeFirst();
    if (!row) return { kind: 'all' };
    const refs = JSON.parse(row.refs) as string[];
    return row.kind === 'customers' ? { kind: 'customers', customerIds: refs } : row.kind === 'groups' ? { kind: 'groups', groups: refs } : { kind: 'all' };
  }

  /** Sets an app's scope; the groups it names must exist in the app's tenant. */
  async setScope(clientId: string, tenantId: string, scope: CustomerScope): Promise<CustomerScope> {
    if (scope.kind === 'groups') {
      const found = await this.db.selectFrom('identity_customer_groups').select('name_key').where('partner_tenant_id', '=', tenantId).where('name_key', 'in', scope.groups.map((g) => g.toLowerCase())).execute();
      const known = new Set(found.map((row) => row.name_key));
      const missing = scope.groups.find((group) => !known.has(group.toLowerCase()));
      if (missing) throw notFound(`No customer group '${missing}' in this tenant; create it first (meridian customer-group create).`);
    }
    const refs = JSON.stringify(scope.kind === 'all' ? [] : scope.kind === 'customers' ? scope.customerIds : scope.groups);
    await this.db
      .insertInto('identity_app_customer_scopes')
      .values({ client_id: clientId.toLowerCase(), kind: scope.kind, refs })
      .onConflict((oc) => oc.column('client_id').doUpdateSet({ kind: scope.kind, refs }))
      .execute();
    return scope;
  }

  /** What a token carries: a groups scope becomes the customers in those groups now. */
  async claimFor(clientId: string, tenantId: string): Promise<CustomerScopeClaim> {
    const scope = await this.scopeOf(clientId);
    if (scope.kind !== 'groups') return scope;
    const rows = await this.db
      .selectFrom('identity_customer_group_members as m')
      .innerJoin('identity_customer_groups as g', 'g.id', 'm.group_id')
      .select('m.customer_id')
      .where('g.partner_tenant_id', '=', tenantId)
      .where('g.name_key', 'in', scope.groups.map((g) => g.toLowerCase()))
      .execute();
    return { kind: 'groups', groups: scope.groups, customerIds: [...new Set(rows.map((row) => row.customer_id))] };
  }

  async createGroup(tenantId: string, name: string): Promise<CustomerGroupView> {
    const text = name.trim();
    if (!text || text.length > 128 || text.includes(',')) throw badRequest('A customer group name is 1 to 128 characters without commas.', 'invalid_parameter');
    const row = { id: newId(), partner_tenant_id: tenantId, name: text, name_key: text.toLowerCase(), created_at: this.clock.nowMs() };
    const clash = await this.db.selectFrom('identity_customer_groups').select('id').where('partner_tenant_id', '=', tenantId).where('name_key', '=', row.name_key).executeTakeFirst();
    if (clash) throw conflict(`A customer group named '${text}' already exists.`);
    await this.db.insertInto('identity_customer_groups').values(row).execute();
    return { id: row.id, name: text, customerIds: [], createdAt: new Date(row.created_at).toISOString() };
  }

  async addMembers(tenantId: string, name: string, customerIds: string[]): Promise<CustomerGroupView> {
    const group = await this.requireGroup(tenantId, name);
    const ids = normaliseIds(customerIds);
    if (ids.length > 0) {
      await this.db
        .insertInto('identity_customer_group_members')
        .values(ids.map((customer_id) => ({ group_id: group.id, customer_id })))
        .onConflict((oc) => oc.columns(['group_id', 'customer_id']).doNothing())
        .execute();
    }
    return this.groupView(group);
  }

  async removeMembers(tenantId: string, name: string, customerIds: string[]): Promise<CustomerGroupView> {
    const group = await this.requireGroup(tenantId, name);
    const ids = normaliseIds(customerIds);
    if (ids.length > 0) await this.db.deleteFrom('identity_customer_group_members').where('group_id', '=', group.id).where('customer_id', 'in', ids).execute();
    return this.groupView(group);
  }

  async listGroups(tenantId: string): Promise<CustomerGroupView[]> {
    const groups = await this.db.selectFrom('identity_customer_groups').selectAll().where('partner_tenant_id', '=', tenantId).orderBy('name_key').execute();
    return Promise.all(groups.map((group) => this.groupView(group)));
  }

  private async requireGroup(tenantId: string, name: string) {
    const group = await this.db.selectFrom('identity_customer_groups').selectAll().where('partner_tenant_id', '=', tenantId).where('name_key', '=', name.trim().toLowerCase()).executeTakeFirst();
    if (!group) throw notFound(`No customer group '${name}' in this tenant.`);
    return group;
  }

  private async groupView(group: { id: string; name: string; created_at: number }): Promise<CustomerGroupView> {
    const members = await this.db.selectFrom('identity_customer_group_members').select('customer_id').where('group_id', '=', group.id).orderBy('customer_id').execute();
    return { id: group.id, name: group.name, customerIds: members.map((m) => m.customer_id), createdAt: new Date(group.created_at).toISOString() };
  }
}

function normaliseIds(ids: string[]): string[] {
  const bad = ids.find((id) => typeof id !== 'string' || !UUID.test(id.trim()));
  if (bad !== undefined) throw badRequest(`The customer id '${String(bad)}' is not a GUID.`, 'invalid_parameter');
  return [...new Set(ids.map((id) => id.trim().toLowerCase()))];
}
