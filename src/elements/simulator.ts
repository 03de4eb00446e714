import type { ProducerClient } from '../platform/product-module.js';
import { SeededRandom } from '../platform/random.js';
import { buildWorld, worldId } from '../simulator/world.js';
import { ADDABLE_PRODUCTS, POOL_RESOURCES, SERVICE_APPS } from './catalogue.js';
import type { ProtectedUserRecord, ProtectionRecord, ScanProfileRecord, SubscriptionRecord, TenantRecord } from './region/records.js';
import { productRow } from './services/service-routes.js';
import { seedProductJobs } from './jobs/job-simulator.js';
import { seedCustomerDirectory } from './tenant-directory/directory-simulator.js';
import { seedTenantBaselines, type TenantBaselines } from './baseline-management/baseline-simulator.js';

const DAY_MS = 86_400_000;
const iso = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/** How the simulator reaches the producer routes: the partner's at the global endpoint, each customer's in its data center. */
export interface PartnerSeedClients {
  global: ProducerClient;
  customer(customerId: string, dataCenter: string): ProducerClient;
}

export interface PartnerSeedRequest {
  partnerName: string;
  customers: number;
  /** Data centers the customers are spread over, round robin. */
  dataCenters: string[];
  days: number;
  endMs: number;
  seed: string;
  /** Customers (the first ones) that also get tenants, subscriptions, scan profiles, protection and jobs. Default: all. */
  detailedCustomers?: number;
  /** Users of each simulated Microsoft 365 tenant (default 25). */
  usersPerTenant?: number;
  /**
   * Which customers (by index) have every premium module (both service apps consented for
   * their tenant, subscriptions 40, 42 and 49) and which none. Absent: chance decides the
   * Workspace app's consent and a Workspace management subscription, as before.
   */
  premium?: (customerIndex: number) => boolean;
  /** Ids the first customers take, with their tenant, scan profiles and users (the demo's: those the docs' samples name). */
  fixedIds?: ReadonlyArray<FixedCustomerIds>;
  /**
   * Which customer (by index) is kept without tenants, managed "to be configured" (2): a
   * customer onboarded whose tenant is still to be added. Default: the second.
   */
  withoutTenants?: number;
}

export interface FixedCustomerIds {
  customerId: string;
  tenantId?: string;
  /** Its scan profiles' ids (default: one profile, its id made from the customer's). */
  scanProfileIds?: readonly string[];
  cloudUserIds?: readonly string[];
  localUserIds?: readonly string[];
  /** Baselines made from its tenant in the portal, with their jobs (a premium customer's only). */
  baselines?: TenantBaselines['baselines'];
  applyJob?: TenantBaselines['applyJob'];
}

export interface SeededCustomer {
  id: string;
  dataCenter: string;
  organization: string;
  /** Its Microsoft 365 tenants (none for the customer the demo keeps without any). */
  tenantIds: string[];
  scanProfileIds: string[];
  /** Whether it was seeded with every premium module (`PartnerSeedRequest.premium`); absent when chance decided. */
  premium?: boolean;
}

const ORGANIZATIONS = ['Contoso', 'Fabrikam', 'Northwind Traders', 'Adventure Works', 'Tailspin Toys', 'Wide World Importers', 'Litware', 'Proseware', 'Woodgrove Bank', 'Alpine Ski House', 'Coho Winery', 'Margie\'s Travel'];
const COUNTRIES = ['US', 'GB', 'DE', 'JP', 'AU', 'NL', 'SG', 'CA', 'FR', 'KR'];
const MODULES = [
  { serviceType: 0, name: 'Exchange Online' },
  { serviceType: 1, name: 'SharePoint Online' },
  { serviceType: 2, name: 'OneDrive' },
  { serviceType: 3, name: 'Microsoft 365 Group' },
  { serviceType: 6, name: 'Teams' },
];

const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '');

/**
 * A partner's customers through the producer path, as Elements and the products would
 * report them: the customers onboarded at the global endpoint, with their tenants and backup
 * status (which the global endpoint projects for partner-wide lists); then, in each
 * customer's data center, its subscriptions, scan profiles (with a daily report), protected
 * users and protection per module, and the backup and scan jobs of the customer's own
 * regional APIs (`/producer/backup/m365/jobs`, `/producer/aos/scan-jobs`, and the other Cloud
 * Backup products' producer routes, `src/elements/jobs/job-simulator.ts`). One customer
 * (`withoutTenants`, the second unless told) has no tenants (a customer still to be configured).
 */
export async function seedPartner(clients: PartnerSeedClients, request: PartnerSeedRequest): Promise<{ customers: SeededCustomer[]; report: Record<string, number> }> {
  const random = new SeededRandom(`${request.seed}:${request.partnerName}`);
  const report: Record<string, number> = { customers: 0, tenants: 0, subscriptions: 0, scanProfiles: 0, protectedUsers: 0, backupJobs: 0, scanJobs: 0 };
  await clients.global.post('/producer/elements/seat-pools', {
    value: POOL_RESOURCES.map((resource) => ({ resource, subscriptionSourceType: 1, totalSeats: 100_000, premiumLimit: 1000, expirationDate: new Date(request.endMs + 365 * DAY_MS).toISOString() })),
  });
  const withoutTenants = request.withoutTenants ?? 1;
  const plans = Array.from({ length: request.customers }, (_, i) => {
    const base = ORGANIZATIONS[i % ORGANIZATIONS.length]!;
    const organization = i < ORGANIZATIONS.length ? base : `${base} ${Math.floor(i / ORGANIZATIONS.length) + 1}`;
    return {
      firstName: random.pick(['Alex', 'Maria', 'Chen', 'Fatima', 'John', 'Aiko']),
      lastName: random.pick(['Smith', 'Garcia', 'Wang', 'Khan', 'Tanaka']),
      organizationName: organization,
      registrationAccount: `admin@${slug(organization)}.${slug(request.partnerName)}.example.com`,
      countryCode: COUNTRIES[i % COUNTRIES.length]!,
      dataCenter: request.dataCenters[i % request.dataCenters.length]!,
      tags: i % 3 === 0 ? ['gold'] : ['standard'],
      managementMode: i === withoutTenants ? 2 : i % 4 === 3 ? 0 : 1,
      ...(request.fixedIds?.[i] ? { id: request.fixedIds[i].customerId } : {}),
    };
  });
  const customers: SeededCustomer[] = [];
  for (let i = 0; i < plans.length; i += 100) {
    const batch = plans.slice(i, i + 100);
    const answer = (await clients.global.post('/producer/elements/customers', { value: batch })) as { value: Array<{ id: string; status: number }> };
    answer.value.forEach((result, index) => {
      if (result.id) customers.push({ id: result.id, dataCenter: batch[index]!.dataCenter, organization: batch[index]!.organizationName, tenantIds: [], scanProfileIds: [] });
    });
  }
  report.customers = customers.length;
  const detailed = Math.min(customers.length, request.detailedCustomers ?? customers.length);
  for (let i = 0; i < detailed; i++) {
    if (i === withoutTenants) continue;
    await seedCustomer(clients.global, clients.customer(customers[i]!.id, customers[i]!.dataCenter), customers[i]!, request, random, report, request.premium?.(i), request.fixedIds?.[i]);
  }
  return { customers, report };
}

async function seedCustomer(partner: ProducerClient, producer: ProducerClient, customer: SeededCustomer, request: PartnerSeedRequest, random: SeededRandom, report: Record<string, number>, premium: boolean | undefined, fixed?: FixedCustomerIds): Promise<void> {
  const tenantId = fixed?.tenantId ?? worldId(customer.id, 'm365-tenant', 0);
  // Drawn whether or not `premium` decides, so the rest of the seed stays the same.
  const workspaceConsent = random.chance(0.5);
  if (premium !== undefined) customer.premium = premium;
  const world = buildWorld({ tenantId, tenantName: customer.organization, seed: request.seed, users: request.usersPerTenant ?? 25, endMs: request.endMs });
  const members = world.users.filter((user) => user.userType === 'Member');
  const tenant: TenantRecord = {
    id: tenantId,
    name: `${customer.organization} Tenant`,
    type: 0,
    domain: world.domain.replace(/\.onmicrosoft\.com$/, ''),
    aadEnvironment: 0,
    platformEnvironmentType: 1,
    availableUserSeat: members.length + 10,
    assignedUserSeat: members.length,
    consentedApps: premium === undefined ? (workspaceConsent ? ['PartnerWorkspaceOnboarding'] : []) : premium ? [...SERVICE_APPS] : [],
  };
  await partner.post(`/producer/elements/customers/${customer.id}/tenants`, { value: [tenant] });
  customer.tenantIds.push(tenantId);
  report.tenants! += 1;
  await seedCustomerDirectory(producer, { tenantId, tenantName: customer.organization, seed: request.seed, users: request.usersPerTenant ?? 25, endMs: request.endMs, ...(fixed?.cloudUserIds ? { cloudUserIds: fixed.cloudUserIds } : {}), ...(fixed?.localUserIds ? { localUserIds: fixed.localUserIds } : {}) }, report);

  const subscriptions: SubscriptionRecord[] = [
    { product: 2048, userSeats: members.length, row: productRow({ product: 2048, licenseType: 1, avepointStorageType: 0, retentionYear: 1, licenseItems: [{ resource: 'Office365Backup', subscriptionSourceType: 1, userSeat: members.length, paymentType: 0, packageType: 0, expireTime: iso(request.endMs + 365 * DAY_MS) }] }, undefined) },
  ];
  const premiumSubscription = (product: number) => {
    const resource = ADDABLE_PRODUCTS[product]!.resources[0]!;
    return { product, userSeats: 10, row: productRow({ product, licenseType: 1, licenseItems: [{ resource, subscriptionSourceType: 1, userSeat: 10, paymentType: 0, expireTime: iso(request.endMs + 180 * DAY_MS) }] }, undefined) };
  };
  const workspaceSubscription = random.chance(0.5);
  if (premium === undefined ? workspaceSubscription : premium) subscriptions.push(...(premium ? [40, 42, 49] : [42]).map(premiumSubscription));
  await producer.post('/producer/elements/subscriptions', { value: subscriptions });
  report.subscriptions! += subscriptions.length;
  // After the settings (seedCustomerDirectory) they capture and the subscription that gives the tenant baseline management.
  if (fixed?.baselines) await seedTenantBaselines(producer, customer.id, tenantId, { baselines: fixed.baselines, ...(fixed.applyJob ? { applyJob: fixed.applyJob } : {}) }, report);

  const profileIds = fixed?.scanProfileIds ?? [worldId(customer.id, 'scan-profile', 0)];
  const createdMs = request.endMs - (request.days + 30) * DAY_MS;
  const sites = world.sites.filter((site) => site.kind !== 'OneDrive');
  const profiles: ScanProfileRecord[] = profileIds.map((profileId, index) => ({
    profileId,
    profileName: index === 0 ? 'Default Microsoft 365 Scan Profile' : `Microsoft 365 Scan Profile ${index + 1}`,
    description: 'This is a partner-configured scan profile.',
    tenantId,
    tenantDomain: tenant.domain!,
    scanMode: 0,
    createdTime: iso(createdMs),
    modifiedTime: iso(createdMs + DAY_MS),
    impersonationAccount: members[0]?.userPrincipalName ?? null,
    scanInplaceArchivedMailboxes: false,
    isIgnoreLockedSiteEnabled: false,
    enableDailyScan: '01:30',
    isSendOutOfPolicyNotification: false,
    containers: [
      { containersName: 'Default_ProjectOnline_Sites_Group', objectType: 6 },
      { containersName: 'Default OneDrive for Business Group', objectType: 2 },
      { containersName: 'Default_ SharePoint Sites_ Group', objectType: 0 },
      { containersName: 'Default_ Mailbox_ Group', objectType: 1 },
      { containersName: 'Default_ User_ Group', objectType: 10 },
      { containersName: 'Default Office 365 Group Group', objectType: 5 },
    ],
    dailyReport: {
      lastUpdateTime: iso(request.endMs - 22 * 3600 * 1000),
      lastScanStatus: 2,
      newRegisteredContent: sites.slice(0, random.int(0, 3)).map((site) => site.url),
      removedFromMicrosoft365OrOutOfPolicyObjects: sites.slice(3, 3 + random.int(0, 1)).map((site) => site.url),
      movedToAnotherContainerObjects: [],
    },
  }));
  await producer.post('/producer/elements/scan-profiles', { value: profiles });
  customer.scanProfileIds.push(...profileIds);
  report.scanProfiles! += profiles.length;
  const profile = profiles[0]!;

  const users: ProtectedUserRecord[] = members.map((user) => ({
    tenantId,
    id: user.id,
    email: user.mail,
    displayName: user.displayName,
    moduleStatus: [
      { module: 0, isProtected: user.accountEnabled },
      { module: 2, isProtected: user.accountEnabled && random.chance(0.8) },
    ],
  }));
  for (let i = 0; i < users.length; i += 1000) await producer.post('/producer/elements/protected-users', { value: users.slice(i, i + 1000) });
  report.protectedUsers! += users.length;

  const counts: Record<string, number> = {
    'Exchange Online': world.mailboxes.length,
    'SharePoint Online': sites.length,
    OneDrive: world.sites.length - sites.length,
    'Microsoft 365 Group': world.groups.filter((group) => group.kind === 'Microsoft 365').length,
    Teams: world.teams.length,
  };
  const protection: ProtectionRecord[] = MODULES.map(({ name }) => ({
    serviceModule: name,
    totalScannedObjects: counts[name]!,
    totalProtectedObjects: Math.max(0, counts[name]! - random.int(0, 1)),
    dataSizeStoredInAvePoint: `${random.int(1, 400)} GB`,
    dataSizeStoredInBYOS: 'N/A',
  }));
  await producer.post('/producer/elements/protection', { value: protection });

  // The jobs the customer's own regional APIs list; the status summary is derived from the same jobs.
  const jobs = [];
  const latestFailed = new Set<number>();
  for (let day = request.days - 1; day >= 0; day--) {
    for (const module of MODULES) {
      const startMs = request.endMs - (day + 1) * DAY_MS + module.serviceType * 600_000;
      const failed = random.chance(0.08);
      if (day === 0 && failed) latestFailed.add(module.serviceType);
      const total = random.int(20, 2000);
      const failedCount = failed ? random.int(1, 20) : 0;
      jobs.push({
        id: `FB${customer.id.slice(0, 8)}${module.serviceType}${String(day).padStart(4, '0')}`,
        jobType: 1,
        serviceType: module.serviceType,
        state: failed ? 'Failed' : 'Finished',
        startTime: iso(startMs),
        finishTime: iso(startMs + random.int(60, 3600) * 1000),
        backupDetails: { totalCount: total, failedCount, successfulCount: total - failedCount, skippedCount: 0 },
      });
    }
  }
  for (let i = 0; i < jobs.length; i += 1000) await producer.post('/producer/backup/m365/jobs', { value: jobs.slice(i, i + 1000) });
  report.backupJobs! += jobs.length;
  const scanJobs = Array.from({ length: request.days }, (_, day) => {
    const startMs = request.endMs - (day + 1) * DAY_MS + 90 * 60_000;
    return { id: `SC${customer.id.slice(0, 8)}${String(day).padStart(4, '0')}`, type: 0, state: random.chance(0.05) ? 3 : 2, startTime: iso(startMs), finishTime: iso(startMs + random.int(300, 3000) * 1000), scanProfileName: profile.profileName, category: 0 };
  });
  if (scanJobs.length) await producer.post('/producer/aos/scan-jobs', { value: scanJobs });
  report.scanJobs! += scanJobs.length;
  const more = await seedProductJobs(producer, { customerId: customer.id, organization: customer.organization, days: request.days, endMs: request.endMs, seed: request.seed });
  report.backupJobs! += more.backupJobs;
  report.scanJobs! += more.scanJobs;
  const jobStatus = jobs.length === 0 ? 3 : latestFailed.size > 1 ? 4 : latestFailed.size === 1 ? 2 : 1;
  await partner.post(`/producer/elements/customers/${customer.id}/job-status`, { jobStatus });
}
