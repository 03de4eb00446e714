import { sql, type Kysely, type Selectable, type SelectQueryBuilder } from 'kysely';
import type { ElementsRegionTables } from '../schema.js';
import type { CustomerProfile, CustomerRecord, Page, ProtectedUserRecord, ProtectionRecord, ScanProfileRecord, SubscriptionRecord, TenantRecord } from './records.js';

type CustomerRow = Selectable<ElementsRegionTables['elements_customers']>;
type TenantRow = Selectable<ElementsRegionTables['elements_tenants']>;

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** One page of a filtered table in `seq` order (the order rows were first written), and how many rows the filter matches. */
async function pageOf<T extends keyof ElementsRegionTables>(query: SelectQueryBuilder<ElementsRegionTables, T, object>, pageIndex: number, pageSize: number) {
  const [rows, count] = await Promise.all([
    query.selectAll().orderBy('seq' as never).limit(pageSize).offset((pageIndex - 1) * pageSize).execute(),
    query.select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows: rows as unknown as Array<Selectable<ElementsRegionTables[T]>>, totalCount: Number((count as { n: number }).n) };
}

/** The customer records of one data center; every write is an idempotent upsert on the producer's ids. */
export class RecordStore {
  constructor(private readonly db: Kysely<ElementsRegionTables>, private readonly nowMs: () => number) {}

  async upsertCustomer(id: string, profile: CustomerProfile): Promise<void> {
    const values = {
      partner_id: profile.partnerId,
      organization: profile.organization,
      owner_email: profile.ownerEmail,
      first_name: profile.firstName,
      last_name: profile.lastName,
      country_code: profile.countryCode.toUpperCase(),
      telephone: profile.telephoneNumber ?? null,
      management_mode: profile.managementMode,
      tags: JSON.stringify(profile.tags),
      // Absent: the status the producers reported stays.
      ...(profile.jobStatus === undefined ? {} : { job_status: profile.jobStatus }),
    };
    const createdAt = profile.createdAt ? Date.parse(profile.createdAt) : this.nowMs();
    await this.db
      .insertInto('elements_customers')
      .values({ id, job_status: 0, ...values, created_at: Number.isNaN(createdAt) ? this.nowMs() : createdAt })
      .onConflict((oc) => oc.column('id').doUpdateSet(values))
      .execute();
  }

  async upsertTenants(customerId: string, tenants: TenantRecord[]): Promise<void> {
    for (const tenant of tenants) {
      const values = {
        type: tenant.type,
        name: tenant.name,
        domain: tenant.domain ?? '',
        aad_environment: tenant.aadEnvironment,
        platform_environment_type: tenant.platformEnvironmentType,
        available_user_seat: tenant.availableUserSeat ?? 0,
        assigned_user_seat: tenant.assignedUserSeat ?? 0,
        // Absent: consent already given stays (a tenant added again keeps its service apps).
        ...(tenant.consentedApps ? { consented_apps: JSON.stringify(tenant.consentedApps) } : {}),
      };
      await this.db
        .insertInto('elements_tenants')
        .values({ customer_id: customerId, tenant_id: tenant.id.toLowerCase(), consented_apps: '[]', ...values, created_at: this.nowMs() })
        .onConflict((oc) => oc.columns(['customer_id', 'tenant_id']).doUpdateSet(values))
        .execute();
    }
  }

  /** Adds consent for service apps; consent once given stays (re-authorizing is the same consent). */
  async consentApps(customerId: string, tenantId: string, apps: string[]): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('elements_tenants').select('consented_apps').where('customer_id', '=', customerId).where('tenant_id', '=', tenantId.toLowerCase()).executeTakeFirst();
      if (!row) return false;
      const merged = [...new Set([...(JSON.parse(row.consented_apps) as string[]), ...apps])].sort();
      await trx.updateTable('elements_tenants').set({ consented_apps: JSON.stringify(merged) }).where('customer_id', '=', customerId).where('tenant_id', '=', tenantId.toLowerCase()).execute();
      return true;
    });
  }

  async customers(partnerId: string, ids: string[]): Promise<CustomerRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.selectFrom('elements_customers').selectAll().where('partner_id', '=', partnerId).where('id', 'in', ids).orderBy('seq').execute();
    return this.withTenants(rows);
  }

  async customerPage(partnerId: string, pageIndex: number, pageSize: number): Promise<Page<CustomerRecord>> {
    const { rows, totalCount } = await pageOf(this.db.selectFrom('elements_customers').where('partner_id', '=', partnerId), pageIndex, pageSize);
    return { items: await this.withTenants(rows), totalCount };
  }

  async customer(id: string): Promise<CustomerRecord | undefined> {
    const row = await this.db.selectFrom('elements_customers').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? (await this.withTenants([row]))[0] : undefined;
  }

  async tenantPage(customerId: string, filter: { type?: number; tenantIds?: string[] }, pageIndex: number, pageSize: number): Promise<Page<TenantRecord>> {
    let query = this.db.selectFrom('elements_tenants').where('customer_id', '=', customerId);
    if (filter.type !== undefined) query = query.where('type', '=', filter.type);
    if (filter.tenantIds?.length) query = query.where('tenant_id', 'in', filter.tenantIds.map((id) => id.toLowerCase()));
    const { rows, totalCount } = await pageOf(query, pageIndex, pageSize);
    return { items: rows.map(tenantRecord), totalCount };
  }

  /** Inserts a subscription unless the customer holds the product already; true when inserted. */
  async addSubscription(customerId: string, subscription: SubscriptionRecord): Promise<boolean> {
    const result = await this.db
      .insertInto('elements_subscriptions')
      .values({ customer_id: customerId, product: subscription.product, user_seats: subscription.userSeats, record: JSON.stringify(subscription.row), created_at: this.nowMs() })
      .onConflict((oc) => oc.columns(['customer_id', 'product']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  async subscriptions(customerIds: string[]): Promise<Map<string, SubscriptionRecord[]>> {
    const result = new Map<string, SubscriptionRecord[]>(customerIds.map((id) => [id, []]));
    if (customerIds.length === 0) return result;
    const rows = await this.db.selectFrom('elements_subscriptions').selectAll().where('customer_id', 'in', customerIds).orderBy('seq').execute();
    for (const row of rows) result.get(row.customer_id)?.push({ product: row.product, userSeats: row.user_seats, row: JSON.parse(row.record) as SubscriptionRecord['row'] });
    return result;
  }

  async upsertScanProfiles(customerId: string, profiles: ScanProfileRecord[]): Promise<void> {
    for (const profile of profiles) {
      const values = { tenant_id: profile.tenantId, modified_at: Date.parse(profile.modifiedTime) || this.nowMs(), profile: JSON.stringify(profile) };
      await this.db
        .insertInto('elements_scan_profiles')
        .values({ customer_id: customerId, profile_id: profile.profileId.toLowerCase(), ...values })
        .onConflict((oc) => oc.columns(['customer_id', 'profile_id']).doUpdateSet(values))
        .execute();
    }
  }

  async scanProfilePage(customerId: string, ids: string[] | undefined, pageIndex: number, pageSize: number): Promise<Page<ScanProfileRecord>> {
    let query = this.db.selectFrom('elements_scan_profiles').where('customer_id', '=', customerId);
    if (ids?.length) query = query.where('profile_id', 'in', ids.map((id) => id.toLowerCase()));
    const { rows, totalCount } = await pageOf(query, pageIndex, pageSize);
    return { items: rows.map((row) => JSON.parse(row.profile) as ScanProfileRecord), totalCount };
  }

  async scanProfile(customerId: string, profileId: string): Promise<ScanProfileRecord | undefined> {
    const row = await this.db.selectFrom('elements_scan_profiles').select('profile').where('customer_id', '=', customerId).where('profile_id', '=', profileId.toLowerCase()).executeTakeFirst();
    return row ? (JSON.parse(row.profile) as ScanProfileRecord) : undefined;
  }

  async upsertProtectedUsers(customerId: string, users: ProtectedUserRecord[]): Promise<void> {
    for (const user of users) {
      const values = { email: user.email, email_key: user.email.toLowerCase(), display_name: user.displayName, modules: JSON.stringify(user.moduleStatus) };
      await this.db
        .insertInto('elements_protected_users')
        .values({ customer_id: customerId, tenant_id: user.tenantId.toLowerCase(), user_id: user.id, ...values })
        .onConflict((oc) => oc.columns(['customer_id', 'tenant_id', 'user_id']).doUpdateSet(values))
        .execute();
    }
  }

  async protectedUserPage(customerId: string, tenantId: string, emails: string[] | undefined, pageIndex: number, pageSize: number): Promise<Page<ProtectedUserRecord>> {
    let query = this.db.selectFrom('elements_protected_users').where('customer_id', '=', customerId).where('tenant_id', '=', tenantId.toLowerCase());
    if (emails?.length) query = query.where('email_key', 'in', emails.map((email) => email.toLowerCase()));
    const { rows, totalCount } = await pageOf(query, pageIndex, pageSize);
    return {
      items: rows.map((row) => ({ tenantId: row.tenant_id, id: row.user_id, email: row.email, displayName: row.display_name, moduleStatus: JSON.parse(row.modules) as ProtectedUserRecord['moduleStatus'] })),
      totalCount,
    };
  }

  async upsertProtection(customerId: string, modules: ProtectionRecord[]): Promise<void> {
    for (const module of modules) {
      const values = { scanned: module.totalScannedObjects, protected: module.totalProtectedObjects, size_avepoint: module.dataSizeStoredInAvePoint, size_byos: module.dataSizeStoredInBYOS };
      await this.db
        .insertInto('elements_protection')
        .values({ customer_id: customerId, service_module: module.serviceModule, ...values })
        .onConflict((oc) => oc.columns(['customer_id', 'service_module']).doUpdateSet(values))
        .execute();
    }
  }

  async protectionPage(customerId: string, pageIndex: number, pageSize: number): Promise<Page<ProtectionRecord>> {
    const query = this.db.selectFrom('elements_protection').where('customer_id', '=', customerId);
    const { rows, totalCount } = await pageOf(query, pageIndex, pageSize);
    return {
      items: rows.map((row) => ({ serviceModule: row.service_module, totalScannedObjects: row.scanned, totalProtectedObjects: row.protected, dataSizeStoredInAvePoint: row.size_avepoint, dataSizeStoredInBYOS: row.size_byos })),
      totalCount,
    };
  }

  private async withTenants(rows: CustomerRow[]): Promise<CustomerRecord[]> {
    if (rows.length === 0) return [];
    const tenants = await this.db.selectFrom('elements_tenants').selectAll().where('customer_id', 'in', rows.map((row) => row.id)).orderBy('seq').execute();
    const byCustomer = new Map<string, TenantRecord[]>();
    for (const tenant of tenants) byCustomer.set(tenant.customer_id, [...(byCustomer.get(tenant.customer_id) ?? []), tenantRecord(tenant)]);
    return rows.map((row) => ({
      id: row.id,
      partnerId: row.partner_id,
      organization: row.organization,
      ownerEmail: row.owner_email,
      firstName: row.first_name,
      lastName: row.last_name,
      countryCode: row.country_code,
      telephoneNumber: row.telephone,
      managementMode: row.management_mode,
      tags: JSON.parse(row.tags) as string[],
      jobStatus: row.job_status,
      createdAt: iso(row.created_at),
      tenants: byCustomer.get(row.id) ?? [],
    }));
  }
}

function tenantRecord(row: TenantRow): TenantRecord {
  return {
    id: row.tenant_id,
    name: row.name,
    type: row.type,
    domain: row.domain,
    aadEnvironment: row.aad_environment,
    platformEnvironmentType: row.platform_environment_type,
    availableUserSeat: row.available_user_seat,
    assignedUserSeat: row.assigned_user_seat,
    consentedApps: JSON.parse(row.consented_apps) as TenantRecord['consentedApps'],
  };
}
