import type { Clock } from '../../platform/clock.js';
import { notFound } from '../../platform/errors.js';
import { PRODUCER_PERMISSION } from '../../platform/producer.js';
import type { CustomerRecord, SubscriptionRecord, TenantRecord } from '../region/records.js';
import type { DirectoryEntry, PartnerDirectory } from './directory-store.js';
import type { PartnerCaller } from './partner-context.js';
import { DataCenterUnavailable, type RegionCall, type RegionClient } from './region-client.js';
import type { Paging } from '../shared/routes.js';

/** The regional scopes the global endpoint reads a customer's own APIs with. */
export const CUSTOMER_READ_SCOPES = [
  'microsoft365backup.jobInfo.read.all',
  'autodiscovery.readwrite.all',
  'gsuite.graph.read.all',
  'PlatformBackup.ReadWrite.All',
  'salesforce.public.read.all',
  'Dynamics.ReadWrite.All',
];

/**
 * The facts both versions of the partner API serialize: the directory for who and where
 * (and the projection partner-wide customer lists show), the customer's data center for
 * everything else. A call naming a customer is answered from that customer's data center
 * alone; a partner-wide services page reads each data center of the page once, in parallel.
 */
export class PartnerData {
  constructor(
    readonly directory: PartnerDirectory,
    readonly regions: RegionClient,
    readonly clock: Clock,
  ) {}

  /** The named customer if the caller may see it; one answer for unknown, another partner's and out of scope. */
  async customer(caller: PartnerCaller, customerId: string): Promise<DirectoryEntry> {
    const entry = await this.directory.visible(caller, customerId);
    if (!entry) throw notFound(`No customer '${customerId}' is managed by this partner within this app's customer scope.`);
    return entry;
  }

  /** An internal Elements call to the customer's data center, on the partner's behalf. */
  internal<T>(entry: DirectoryEntry, call: Omit<RegionCall, 'dataCenter' | 'tenantId' | 'scopes'>): Promise<T> {
    return this.regions.call<T>({ ...call, dataCenter: entry.data_center, tenantId: entry.partner_id, scopes: [PRODUCER_PERMISSION] });
  }

  /** A call to the customer's own regional API (its jobs), as the customer. */
  asCustomer<T>(entry: DirectoryEntry, call: Omit<RegionCall, 'dataCenter' | 'tenantId' | 'scopes'>): Promise<T> {
    return this.regions.call<T>({ ...call, dataCenter: entry.data_center, tenantId: entry.customer_id, scopes: CUSTOMER_READ_SCOPES });
  }

  async record(entry: DirectoryEntry): Promise<CustomerRecord> {
    return this.internal<CustomerRecord>(entry, { path: `/internal/elements/customers/${entry.customer_id}` });
  }

  /** The customer's tenants and backup status as partner-wide lists show them, from its data center. */
  private async project(entry: DirectoryEntry): Promise<void> {
    const record = await this.record(entry);
    await this.directory.project(entry.customer_id, { tenants: record.tenants.map((tenant) => ({ id: tenant.id, name: tenant.name })), jobStatus: record.jobStatus });
  }

  /** Adds or updates tenants in the customer's data center, then in the directory's projection. */
  async writeTenants(entry: DirectoryEntry, tenants: TenantRecord[]): Promise<void> {
    await this.internal(entry, { method: 'POST', path: `/internal/elements/customers/${entry.customer_id}/tenants`, body: { value: tenants } });
    await this.project(entry);
  }

  /** Records the customer's backup status summary in its data center, then in the projection. */
  async writeJobStatus(entry: DirectoryEntry, jobStatus: number): Promise<void> {
    await this.internal(entry, { method: 'POST', path: `/internal/elements/customers/${entry.customer_id}/job-status`, body: { jobStatus } });
    await this.project(entry);
  }

  /**
   * The subscriptions of a page of the caller's customers, read per data center. A data
   * center that does not answer leaves its customers on the page without products (and is
   * named in `unavailable`), so the page stays exact and the rest of the list still answers.
   */
  async subscriptionPage(caller: PartnerCaller, customerIds: string[] | undefined, paging: Paging) {
    const { entries, totalCount } = await this.directory.page(caller, customerIds, paging.pageIndex, paging.pageSize);
    const { results, unavailable } = await this.perDataCenter(entries, async (dc, group) => {
      const answer = await this.regions.call<{ items: Record<string, SubscriptionRecord[]> }>({ dataCenter: dc, tenantId: caller.partnerId, scopes: [PRODUCER_PERMISSION], method: 'POST', path: '/internal/elements/subscriptions/batch', body: { customerIds: group.map((e) => e.customer_id) } });
      return new Map(Object.entries(answer.items));
    });
    return { rows: entries.map((entry) => ({ entry, subscriptions: results.get(entry.data_center)?.get(entry.customer_id) })), totalCount, unavailable };
  }

  private async perDataCenter<T>(entries: DirectoryEntry[], read: (dataCenter: string, group: DirectoryEntry[]) => Promise<T>): Promise<{ results: Map<string, T>; unavailable: string[] }> {
    const groups = new Map<string, DirectoryEntry[]>();
    for (const entry of entries) groups.set(entry.data_center, [...(groups.get(entry.data_center) ?? []), entry]);
    const results = new Map<string, T>();
    const unavailable: string[] = [];
    await Promise.all(
      [...groups].map(async ([dc, group]) => {
        try {
          results.set(dc, await read(dc, group));
        } catch (error) {
          if (!(error instanceof DataCenterUnavailable)) throw error;
          unavailable.push(dc);
        }
      }),
    );
    return { results, unavailable: unavailable.sort() };
  }
}

